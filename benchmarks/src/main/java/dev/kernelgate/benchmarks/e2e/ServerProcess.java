package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A server under test running as a child process (Kernelgate or jupyter_server), with its output in a log file.
 * Being a separate process is what makes its resident memory measurable on its own.
 */
final class ServerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final String token;
    private final String warningMarker;
    private final ThreadCpu threadCpu;

    private ServerProcess(String name, Process process, Path log, int port, String token, String warningMarker) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.token = token;
        this.warningMarker = warningMarker;
        this.threadCpu = new ThreadCpu(process.pid());
    }

    /** Starts {@code command} and waits until {@code readyPath} answers 200 on its port. */
    static ServerProcess start(String name, List<String> command, Map<String, String> env, Path workDir, int port,
                               String token, String readyPath, String warningMarker)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        ServerProcess server = new ServerProcess(name, pb.start(), log, port, token, warningMarker);
        server.awaitReady(readyPath, Duration.ofSeconds(60));
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitReady(String path, Duration timeout) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var request = HttpRequest.newBuilder(URI.create(httpBase() + path))
                        .header("Authorization", "token " + token).timeout(Duration.ofSeconds(2)).build();
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        close();
        throw new IOException(name + " did not answer " + path + " within " + timeout + "; see " + log);
    }

    String name() {
        return name;
    }

    String httpBase() {
        return "http://127.0.0.1:" + port;
    }

    String wsBase() {
        return "ws://127.0.0.1:" + port;
    }

    String token() {
        return token;
    }

    long pid() {
        return process.pid();
    }

    /** Its own CPU time so far, with its JIT compiler threads' share. */
    ProcFs.Cpu ownCpu() {
        return threadCpu.read();
    }

    /** Its kernels' CPU (its child processes) and its own. */
    IopubThroughput.CpuSources cpu() {
        return new IopubThroughput.CpuSources(() -> ProcFs.childrenCpuNanos(pid()), () -> ownCpu().nanos());
    }

    Path log() {
        return log;
    }

    /** Waits until the log holds {@code count} lines containing {@code marker}. */
    void awaitLogLines(String marker, int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logLines(marker) >= count) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IOException(name + ": fewer than " + count + " log lines with '" + marker + "' within " + timeout);
    }

    /** How many lines of the server's log contain {@code marker} so far. */
    long logLines(String marker) throws IOException {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(marker)).count();
        }
    }

    /** Warnings the server has logged so far. */
    long warnings() throws IOException {
        return logLines(warningMarker);
    }

    /** Resident set size of the server process itself (not its kernels), in bytes. */
    long rssBytes() throws IOException {
        return ProcFs.rssBytes(pid());
    }

    @Override
    public void close() {
        // Children (kernels) first: the server's own shutdown may be slow or skipped on destroy.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
