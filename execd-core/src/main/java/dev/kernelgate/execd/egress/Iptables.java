package dev.kernelgate.execd.egress;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The iptables commands of the sidecar's network namespace (iptables-nft: netfilter's nf_tables underneath), run as
 * processes: {@code <tools>/bin/iptables} and {@code <tools>/bin/iptables-restore} when a tools directory is given
 * (the docker runtime injects one), else the image's own from the PATH.
 */
final class Iptables {
    private static final long TIMEOUT_SECONDS = 20;
    /** How long a rule change waits for another holder of the xtables lock. */
    private static final String LOCK_WAIT_SECONDS = "5";

    /** A chain the start check makes and removes again. */
    private static final String PROBE_CHAIN = "KG_EGRESS_PROBE";

    private final Path tools;
    private final List<Path> searchPath;
    private final String iptables;
    private final String restore;

    Iptables(Path tools) {
        this(tools, searchPath(System.getenv("PATH")));
    }

    /** @param searchPath where the image's own tools are looked for when {@code tools} is null */
    Iptables(Path tools, List<Path> searchPath) {
        this.tools = tools;
        this.searchPath = searchPath;
        this.iptables = locate("iptables");
        this.restore = locate("iptables-restore");
    }

    /** The PATH's directories, then the sbin directories a container's PATH may lack (Debian's iptables lives there). */
    static List<Path> searchPath(String path) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : (path == null ? "" : path).split(":")) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir));
            }
        }
        for (String sbin : List.of("/usr/local/sbin", "/usr/sbin", "/sbin")) {
            if (!dirs.contains(Path.of(sbin))) {
                dirs.add(Path.of(sbin));
            }
        }
        return dirs;
    }

    private String locate(String name) {
        if (tools != null) {
            return tools.resolve("bin").resolve(name).toString();
        }
        for (Path dir : searchPath) {
            if (Files.isExecutable(dir.resolve(name))) {
                return dir.resolve(name).toString();
            }
        }
        return name;
    }

    /**
     * Fails, naming the cause in one line, unless this namespace's rules can be changed: both tools are there, and
     * a chain can be made and removed (which takes NET_ADMIN and a kernel with nf_tables).
     */
    void checkUsable() throws IOException {
        for (String tool : List.of(iptables, restore)) {
            if (!Files.isExecutable(Path.of(tool))) {
                String name = Path.of(tool).getFileName().toString();
                throw new IOException("dns+nft needs iptables in the egress sidecar, and " + name + " is not "
                        + (tools != null ? "in " + tools.resolve("bin") : "in this image (looked in " + searchPath
                        + ")") + ": run the sidecar from an image with iptables-nft ([egress] image on kubernetes) or "
                        + "use [egress] mode = \"dns\"");
            }
        }
        try {
            succeeds("-X", PROBE_CHAIN);
            run("-N", PROBE_CHAIN);
            run("-X", PROBE_CHAIN);
        } catch (IOException e) {
            throw new IOException("dns+nft: iptables cannot change the rules of the sidecar's network namespace (it "
                    + "needs NET_ADMIN, and the node's kernel nf_tables): " + e.getMessage().replaceAll("\\s*\n\\s*",
                    "; "), e);
        }
    }

    /** Runs {@code iptables args...}; a non-zero exit throws with the command's output. */
    void run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(iptables, "-w", LOCK_WAIT_SECONDS));
        command.addAll(List.of(args));
        exec(command, null);
    }

    /** Whether {@code iptables args...} succeeds (e.g. a {@code -C} check). */
    boolean succeeds(String... args) {
        try {
            run(args);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Feeds {@code rules} to {@code iptables-restore --noflush}: the chains it declares are replaced atomically. */
    void restore(String rules) throws IOException {
        exec(List.of(restore, "-w", LOCK_WAIT_SECONDS, "--noflush"), rules);
    }

    private static void exec(List<String> command, String input) throws IOException {
        // The output goes to a file, not a pipe read to its end: a command that hangs is then still timed out.
        Path log = Files.createTempFile("kernelgate-iptables", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try (OutputStream in = process.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted running " + String.join(" ", command), e);
            }
            if (process.exitValue() != 0) {
                String output = Files.readString(log, StandardCharsets.UTF_8).strip();
                throw new IOException(String.join(" ", command.subList(0, Math.min(command.size(), 8))) + " failed"
                        + " (exit " + process.exitValue() + "): " + output);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
