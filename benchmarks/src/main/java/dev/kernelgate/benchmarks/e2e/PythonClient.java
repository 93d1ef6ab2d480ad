package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Python client in a process of its own, driven line by line, opening a fresh connection per session:
 * python3-websocket on a kernel's channels WebSocket ({@code benchmarks/python/ws_session.py}), the way a new user
 * first tries a gateway, or jupyter_client on libzmq straight on a kernel's ports
 * ({@code benchmarks/python/zmq_session.py}), the fastest client there is. The script times each execute itself,
 * around its connection alone, so the pipe to the benchmark is not counted. A third only watches a kernel's IOPub
 * ({@code benchmarks/python/iopub_watch.py}) and says what receiving it cost.
 */
final class PythonClient implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final String script;

    private PythonClient(Process process, String script) {
        this.process = process;
        this.script = script;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** python3-websocket. */
    static PythonClient webSocket(Path repo, Path work) throws IOException {
        return start(repo, work, "ws_session.py");
    }

    /** jupyter_client on libzmq. */
    static PythonClient jupyterClient(Path repo, Path work) throws IOException {
        return start(repo, work, "zmq_session.py");
    }

    /** A watcher of a kernel's IOPub on libzmq. */
    static PythonClient iopubWatcher(Path repo, Path work) throws IOException {
        return start(repo, work, "iopub_watch.py");
    }

    private static PythonClient start(Path repo, Path work, String script) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Servers.PYTHON, repo.resolve("benchmarks/python").resolve(script)
                .toString()).redirectError(work.resolve(script.replace(".py", ".log")).toFile());
        builder.environment().putAll(Servers.kernelEnv());
        return new PythonClient(builder.start(), script);
    }

    /** A session on a fresh WebSocket connection to {@code kernelId}'s channels (ws_session.py). */
    KernelSession open(ServerProcess server, String kernelId, boolean v1) throws IOException {
        String url = server.wsBase() + "/api/kernels/" + kernelId + "/channels";
        String token = server.token() == null || server.token().isEmpty() ? "-" : server.token();
        expectOk(call("open " + url + " " + token + (v1 ? " v1" : " legacy")));
        return new Session();
    }

    /** A session on fresh sockets to the kernel of {@code connectionFile}, subscription proven (zmq_session.py). */
    KernelSession open(Path connectionFile) throws IOException {
        expectOk(call("open " + connectionFile));
        return new Session();
    }

    /** A kernel of the client's own (zmq_session.py), shut down when the client closes. */
    record OwnKernel(long pid, Path connectionFile) {
    }

    OwnKernel startKernel(String kernelName) throws IOException {
        String[] answer = call("start " + kernelName).split(" ", 3);
        if (answer.length != 3 || !"ok".equals(answer[0])) {
            throw new IOException(script + ": " + String.join(" ", answer));
        }
        return new OwnKernel(Long.parseLong(answer[1]), Path.of(answer[2]));
    }

    /**
     * Subscribes to the IOPub of the kernel of {@code connectionFile} (iopub_watch.py); {@code verify}: deserialize
     * and verify each message as jupyter_client's Session does, else only receive its frames.
     */
    void watch(Path connectionFile, boolean verify) throws IOException {
        expectOk(call("watch " + connectionFile + (verify ? " session" : " raw")));
    }

    /** Messages the watcher has received so far and its process's CPU time (iopub_watch.py). */
    record Mark(long messages, long cpuNanos) {
        Mark minus(Mark before) {
            return new Mark(messages - before.messages, cpuNanos - before.cpuNanos);
        }

        Mark plus(Mark other) {
            return new Mark(messages + other.messages, cpuNanos + other.cpuNanos);
        }
    }

    Mark mark() throws IOException {
        String[] answer = call("mark").split(" ");
        if (answer.length != 3 || !"ok".equals(answer[0])) {
            throw new IOException(script + ": " + String.join(" ", answer));
        }
        return new Mark(Long.parseLong(answer[1]), Long.parseLong(answer[2]));
    }

    private synchronized String call(String line) throws IOException {
        in.write(line);
        in.newLine();
        in.flush();
        String answer = out.readLine();
        if (answer == null) {
            throw new IOException(script + " ended; see its log in the run's folder");
        }
        return answer;
    }

    private void expectOk(String answer) throws IOException {
        if (!"ok".equals(answer)) {
            throw new IOException(script + ": " + answer);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** One connection of the client: {@code exec JSON} answers "MILLIS STATUS [STDOUT_LINES DISPLAYS]". */
    private final class Session implements KernelSession {
        @Override
        public Outcome execute(String code, Duration timeout) throws Exception {
            String answer = call("exec " + Json.MAPPER.writeValueAsString(code));
            String[] parts = answer.split(" ");
            try {
                return new Outcome(Double.parseDouble(parts[0]), parts.length > 2 ? Long.parseLong(parts[2]) : 0,
                        parts.length > 3 ? Long.parseLong(parts[3]) : 0, parts.length > 1 ? parts[1] : "none");
            } catch (NumberFormatException e) {
                throw new IOException(script + ": " + answer, e);
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
                throw new UncheckedIOException(e);
            }
        }
    }
}
