package dev.kernelgate.runtime.docker;

import dev.kernelgate.runtime.spi.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code dns+nft} needs iptables inside the sidecar, which runs the sandbox's unmodified image. So the server injects
 * its host's iptables-nft ({@code xtables-nft-multi}) with every library it loads, the dynamic loader included, and
 * its extension modules, in a cache directory mounted read-only into the sidecar only:
 * <pre>
 *   bin/iptables, bin/iptables-restore   wrappers: the bundled loader runs the bundled binary on the bundled libraries
 *   bin/xtables-nft-multi
 *   lib/                                 what {@code ldd} lists, and {@code xtables/} (the extensions)
 * </pre>
 * The image's own libraries are never used, so any glibc image works; the host needs iptables-nft (Debian's and
 * Ubuntu's default since bookworm and 21.04) and a kernel with nf_tables. Assembled once per content.
 */
final class EgressTools {
    static final String MOUNT_POINT = "/opt/kernelgate-egress";
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/xtables-nft-multi"),
            Path.of("/sbin/xtables-nft-multi"), Path.of("/usr/bin/xtables-nft-multi"));
    private static final Pattern LDD_LINE = Pattern.compile("^\\s*(\\S+)(?:\\s+=>\\s+(\\S+))?\\s+\\(0x[0-9a-f]+\\)");

    private final Path cacheDir;
    private Path built;

    EgressTools(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /**
     * The tools directory, assembled the first time.
     *
     * @throws SandboxException 500 {@code DOCKER::EGRESS_TOOLS_UNAVAILABLE} naming what the host lacks
     */
    synchronized Path directory() {
        if (built == null) {
            try {
                built = assemble();
            } catch (IOException e) {
                throw new SandboxException(500, "DOCKER::EGRESS_TOOLS_UNAVAILABLE", "[egress] mode = \"dns+nft\" "
                        + "needs iptables-nft on the server's host to inject into the egress sidecar: "
                        + e.getMessage(), e);
            }
        }
        return built;
    }

    private Path assemble() throws IOException {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IOException(
                "no xtables-nft-multi in /usr/sbin, /sbin or /usr/bin (apt-get install iptables)"));
        Map<String, Path> libraries = libraries(binary);
        Path extensions = libraries.values().stream().filter(p -> p.getFileName().toString().startsWith("libxtables"))
                .map(p -> p.getParent().resolve("xtables")).filter(Files::isDirectory).findFirst()
                .orElseThrow(() -> new IOException("no xtables extension directory next to libxtables"));
        ContentHash hash = ContentHash.start().add(wrapper("iptables")).addTree(binary).addTree(extensions);
        libraries.forEach((name, path) -> hash.add(name).addTree(path));
        Path target = cacheDir.resolve("egress-tools-" + hash.hex());
        if (Files.isDirectory(target)) {
            return target;
        }
        Path staging = cacheDir.resolve(".staging-egress-tools-" + ProcessHandle.current().pid());
        CacheDirectories.deleteTree(staging);
        Files.createDirectories(staging.resolve("bin"));
        Files.createDirectories(staging.resolve("lib/xtables"));
        Files.copy(binary, staging.resolve("bin/xtables-nft-multi"));
        for (Map.Entry<String, Path> library : libraries.entrySet()) {
            Files.copy(library.getValue(), staging.resolve("lib").resolve(library.getKey()));
        }
        try (Stream<Path> files = Files.list(extensions)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, staging.resolve("lib/xtables").resolve(file.getFileName()));
            }
        }
        for (String applet : List.of("iptables", "iptables-restore")) {
            Path script = staging.resolve("bin").resolve(applet);
            Files.writeString(script, wrapper(applet), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return CacheDirectories.publish(staging, target);
    }

    /** {@code bin/<applet>}: the bundled loader runs the multi-call binary as that applet on the bundled libraries. */
    private static String wrapper(String applet) {
        return "#!/bin/sh\n"
                + "# " + applet + " (iptables-nft) from the server's host, with its own loader and libraries\n"
                + "# (written by the kernelgate server for the egress sidecar).\n"
                + "here=\"$(cd \"${0%/*}/..\" && pwd)\"\n"
                + "XTABLES_LIBDIR=\"$here/lib/xtables\" exec \"$here/lib/loader\" --library-path \"$here/lib\" "
                + "\"$here/bin/xtables-nft-multi\" " + applet + " \"$@\"\n";
    }

    /** What {@code ldd} says the binary loads, by the name it is loaded under; the dynamic loader as "loader". */
    private static Map<String, Path> libraries(Path binary) throws IOException {
        Process ldd = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
        String output;
        try (InputStream in = ldd.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!ldd.waitFor(20, TimeUnit.SECONDS) || ldd.exitValue() != 0) {
                throw new IOException("ldd " + binary + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running ldd", e);
        }
        Map<String, Path> libraries = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = LDD_LINE.matcher(line);
            if (!m.find() || m.group(1).startsWith("linux-vdso")) {
                continue;
            }
            if (m.group(2) == null) {
                if (m.group(1).startsWith("/")) {
                    libraries.put("loader", Path.of(m.group(1)));
                }
            } else if (m.group(2).startsWith("/")) {
                libraries.put(m.group(1), Path.of(m.group(2)));
            } else {
                missing.add(m.group(1));
            }
        }
        if (!missing.isEmpty() || !libraries.containsKey("loader")) {
            throw new IOException("ldd " + binary + " leaves unresolved: " + (missing.isEmpty() ? "the loader" : missing));
        }
        return libraries;
    }
}
