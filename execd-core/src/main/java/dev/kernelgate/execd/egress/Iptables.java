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

    private final String iptables;
    private final String restore;

    Iptables(Path tools) {
        this.iptables = tools == null ? "iptables" : tools.resolve("bin/iptables").toString();
        this.restore = tools == null ? "iptables-restore" : tools.resolve("bin/iptables-restore").toString();
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
