package dev.kernelgate.execd.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts {@link FilesBenchServer} in a child JVM with the given heap. */
final class BenchServerProcess implements AutoCloseable {

    final Process process;
    final int port;

    BenchServerProcess(Path workDir, String maxHeap) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-Xms" + maxHeap,
                "-cp", System.getProperty("java.class.path"), FilesBenchServer.class.getName(), workDir.toString()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        // Logging set-up may print its own status lines first (logback does when it has something to say).
        StringBuilder before = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
            before.append(line).append('\n');
        }
        if (line == null) {
            process.destroyForcibly();
            throw new IOException("bench server did not start; it printed:\n" + before);
        }
        if (!before.isEmpty()) {
            System.err.print(before);
        }
        port = Integer.parseInt(line.substring(5).trim());
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
