package dev.kernelgate.notebooks.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real client program (node, Debian's python3, ...) as a subprocess with a deadline. The client prints one
 * JSON object per line on stdout ({@code {"step": ...}}), ends with {@code {"result":"ok"}} and exits non-zero with
 * an {@code {"error": ...}} line when one of its own checks fails. Its stderr goes to a file in the test's dir.
 */
record ExternalClient(int exitCode, List<JsonNode> lines, String rawStdout, Path stderr) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ExternalClient run(List<String> command, Map<String, String> env, Path dir, Duration timeout)
            throws IOException, InterruptedException {
        Path stderr = dir.resolve(Path.of(command.get(command.size() - 1)).getFileName() + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process is gone; what was read is kept
            }
        }, "client-stdout");
        reader.setDaemon(true);
        reader.start();
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(5000);
        String stdout;
        synchronized (out) {
            stdout = out.toString();
        }
        if (!exited) {
            throw new AssertionError("client " + command + " did not finish within " + timeout + "\nstdout:\n"
                    + stdout + "\nstderr:\n" + tail(stderr));
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("{")) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    // not one of the client's JSON lines (a library printed something); ignored
                }
            }
        }
        return new ExternalClient(process.exitValue(), lines, stdout, stderr);
    }

    /** Fails with the client's own error message and output unless it exited 0 after printing its final line. */
    ExternalClient assertSucceeded() {
        return assertSucceeded(() -> "");
    }

    /** As {@link #assertSucceeded()}, adding {@code context} (a server log, say) to the failure message. */
    ExternalClient assertSucceeded(java.util.function.Supplier<String> context) {
        boolean ok = exitCode == 0 && !lines.isEmpty()
                && "ok".equals(lines.get(lines.size() - 1).path("result").asText());
        if (!ok) {
            String error = lines.stream().filter(l -> l.has("error")).map(l -> l.get("error").asText()).findFirst()
                    .orElse("(no error line)");
            throw new AssertionError("client failed with exit code " + exitCode + ": " + error + "\nstdout:\n"
                    + rawStdout + "\nstderr:\n" + tail(stderr) + context.get());
        }
        return this;
    }

    /** The line of a step; fails if the client never reported it. */
    JsonNode step(String name) {
        return find(name).orElseThrow(() -> new AssertionError("client reported no step '" + name + "'; stdout:\n"
                + rawStdout));
    }

    Optional<JsonNode> find(String name) {
        return lines.stream().filter(l -> name.equals(l.path("step").asText())).findFirst();
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }
}
