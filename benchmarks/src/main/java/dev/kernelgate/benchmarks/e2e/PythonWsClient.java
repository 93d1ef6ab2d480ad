package dev.kernelgate.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * python3-websocket as a client of the channels WebSocket, the way a new user first tries a gateway: one Python
 * process ({@code benchmarks/python/ws_session.py}) driven line by line, opening a fresh connection per session.
 * The round trip is timed inside Python, around the WebSocket alone.
 */
final class PythonWsClient implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    private PythonWsClient(Process process) {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static PythonWsClient start(Path repo, Path work) throws IOException {
        Process process = new ProcessBuilder(Servers.PYTHON, repo.resolve("benchmarks/python/ws_session.py").toString())
                .redirectError(work.resolve("python-ws-client.log").toFile()).start();
        return new PythonWsClient(process);
    }

    /** A session on a fresh connection to {@code kernelId}'s channels. */
    KernelSession open(ServerProcess server, String kernelId, boolean v1) throws IOException {
        String url = server.wsBase() + "/api/kernels/" + kernelId + "/channels";
        String token = server.token() == null || server.token().isEmpty() ? "-" : server.token();
        expectOk(call("open " + url + " " + token + (v1 ? " v1" : " legacy")));
        return new Session();
    }

    private synchronized String call(String line) throws IOException {
        in.write(line);
        in.newLine();
        in.flush();
        String answer = out.readLine();
        if (answer == null) {
            throw new IOException("ws_session.py ended; see python-ws-client.log");
        }
        return answer;
    }

    private static void expectOk(String answer) throws IOException {
        if (!"ok".equals(answer)) {
            throw new IOException("ws_session.py: " + answer);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** One connection of the client. */
    private final class Session implements KernelSession {
        @Override
        public Outcome execute(String code, Duration timeout) throws Exception {
            if (code.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("one line of code only");
            }
            String answer = call("exec " + code);
            String[] parts = answer.split(" ");
            try {
                return new Outcome(Double.parseDouble(parts[0]), 0, 0, parts.length > 1 ? parts[1] : "none");
            } catch (NumberFormatException e) {
                throw new IOException("ws_session.py: " + answer, e);
            }
        }

        @Override
        public Outcome executeOrPartial(String code, Duration timeout) throws Exception {
            return execute(code, timeout);
        }

        @Override
        public void close() {
            try {
                expectOk(call("close"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
