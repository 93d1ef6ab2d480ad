package dev.kernelgate.runtime.local;

import dev.kernelgate.runtime.spi.ResourceLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU, memory and pids limits through a cgroup of the sandbox's own, created beside the server's cgroup when that
 * hierarchy is writable (cgroup v2, or the v1 {@code cpu}, {@code memory} and {@code pids} controllers). Best effort:
 * where nothing is writable the limits are recorded but not enforced, and the server says so in its log.
 */
final class CgroupLimits {
    private static final Logger log = LoggerFactory.getLogger(CgroupLimits.class);
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final long CPU_PERIOD_US = 100_000;

    private final boolean unified;
    private final Map<String, Path> parents;

    private CgroupLimits(boolean unified, Map<String, Path> parents) {
        this.unified = unified;
        this.parents = parents;
    }

    /** The hierarchy this process can create child cgroups in, or empty. */
    static Optional<CgroupLimits> detect() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
            String own = lines.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst()
                    .orElse("/");
            Path parent = ROOT.resolve(own.substring(1));
            return Files.isWritable(parent) ? Optional.of(new CgroupLimits(true, Map.of("", parent)))
                    : Optional.empty();
        }
        Map<String, Path> parents = new java.util.HashMap<>();
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            for (String controller : f[1].split(",")) {
                if (List.of("cpu", "memory", "pids").contains(controller)) {
                    Path parent = ROOT.resolve(controller).resolve(f[2].substring(1));
                    if (Files.isWritable(parent)) {
                        parents.put(controller, parent);
                    }
                }
            }
        }
        return parents.isEmpty() ? Optional.empty() : Optional.of(new CgroupLimits(false, Map.copyOf(parents)));
    }

    /** Creates the sandbox's cgroup(s) with the limits and moves {@code pid} in; returns the directories made. */
    List<Path> apply(String name, long pid, ResourceLimits limits, long pidsLimit) {
        List<Path> made = new ArrayList<>();
        try {
            if (unified) {
                Path dir = Files.createDirectories(parents.get("").resolve(name));
                made.add(dir);
                if (limits.memoryBytes() > 0) {
                    write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
                }
                if (limits.cpuMillis() > 0) {
                    write(dir.resolve("cpu.max"), limits.cpuMillis() * CPU_PERIOD_US / 1000 + " " + CPU_PERIOD_US);
                }
                if (pidsLimit > 0) {
                    write(dir.resolve("pids.max"), Long.toString(pidsLimit));
                }
                write(dir.resolve("cgroup.procs"), Long.toString(pid));
                return made;
            }
            for (Map.Entry<String, Path> e : parents.entrySet()) {
                Path dir = Files.createDirectories(e.getValue().resolve(name));
                made.add(dir);
                switch (e.getKey()) {
                    case "memory" -> {
                        if (limits.memoryBytes() > 0) {
                            write(dir.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                        }
                    }
                    case "cpu" -> {
                        if (limits.cpuMillis() > 0) {
                            write(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
                            write(dir.resolve("cpu.cfs_quota_us"),
                                    Long.toString(limits.cpuMillis() * CPU_PERIOD_US / 1000));
                        }
                    }
                    default -> {
                        if (pidsLimit > 0) {
                            write(dir.resolve("pids.max"), Long.toString(pidsLimit));
                        }
                    }
                }
                write(dir.resolve("cgroup.procs"), Long.toString(pid));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cgroup limits for {} not applied: {}", name, e.toString());
        }
        return made;
    }

    /** Removes cgroups made by {@link #apply} (they must be empty: call after the processes are gone). */
    static void remove(List<Path> dirs) {
        for (Path dir : dirs) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                log.debug("cannot remove cgroup {}: {}", dir, e.toString());
            }
        }
    }

    /** The leftover cgroups of an earlier server, named with {@code prefix}, for recovery to remove. */
    List<Path> leftovers(String prefix) {
        List<Path> out = new ArrayList<>();
        for (Path parent : parents.values()) {
            try (var dirs = Files.newDirectoryStream(parent, prefix + "*")) {
                dirs.forEach(out::add);
            } catch (IOException e) {
                log.debug("cannot list {}: {}", parent, e.toString());
            }
        }
        return out;
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }
}
