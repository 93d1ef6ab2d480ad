package dev.kernelgate.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fuzz} scenario: runs {@code benchmarks/fuzz}, which fuzzes every jazzer target in a JVM of its own and
 * writes {@link #REPORT} next to RESULTS.md. Its progress lines are passed on; a finding fails the scenario.
 */
final class Fuzzing {
    static final String REPORT = "FUZZ.md";

    private Fuzzing() {
    }

    static void run(Path repo, boolean smoke, Path out, PrintStream progress) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(repo.resolve("benchmarks").resolve("fuzz").toString()));
        if (smoke) {
            command.add("--smoke");
        }
        command.addAll(List.of("--out", out.toString()));
        Process process = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                progress.println(line);
            }
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("benchmarks/fuzz exited with " + exit + " (findings or a failed build; see "
                    + out.resolve(REPORT) + ")");
        }
    }
}
