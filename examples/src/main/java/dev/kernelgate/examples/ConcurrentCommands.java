package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;

/**
 * Connection settings for an agent that runs {@value #CONCURRENCY} commands at once through one SDK configuration,
 * and a burst of such commands. Each command waits in the sandbox until all {@value #CONCURRENCY} have started, so
 * the burst only finishes quickly if they really ran side by side.
 *
 * <p>How SDK 1.0.0 uses these settings: every {@code commands().run} holds one HTTP connection and one caller thread
 * for the whole event stream (it reads the stream synchronously, so OkHttp's dispatcher limits, which apply to
 * asynchronous calls, do not cap it); lifecycle and file calls are short requests on the same pool.
 */
public final class ConcurrentCommands {
    /** Commands the agent runs at once. */
    static final int CONCURRENCY = 8;

    /**
     * @param outputs      what each command printed ({@code "<i> saw <n>"}: n commands had started when it looked)
     * @param idleAfter    connections the pool kept for reuse after the burst
     * @param elapsedMillis how long the burst took
     */
    public record Result(List<String> outputs, int idleAfter, long elapsedMillis) {
    }

    private ConcurrentCommands() {
    }

    /** The settings, on top of the server's address. */
    public static ConnectionConfig connection(ServerAddress server, ConnectionPool pool) {
        return server.connection()
                // Bounds each short call (create, kill, file transfer, interrupt): connect, read, write and the
                // whole call. Command streams are exempt (the SDK reads them without a timeout), so a step that can
                // hang needs its own deadline (CommandDeadline). 30 s covers a large file on a slow link.
                .requestTimeout(Duration.ofSeconds(30))
                // Shared by every Sandbox built with this config (and left open by their close(): the caller owns
                // it). See pool().
                .connectionPool(pool)
                .build();
    }

    /**
     * Keeps {@value #CONCURRENCY} + 2 idle connections: one per concurrent command stream, so the next burst reuses
     * them instead of connecting again (OkHttp's default keeps 5, so 3 of 8 would reconnect every burst), plus two
     * for the lifecycle server and file calls made meanwhile. Idle ones go after 60 s, well inside the server's
     * 5-minute idle close, so the client does not pick a connection the server is closing. The pool does not limit
     * open connections: the caller's threads do. Kernelgate allows 256 connections per client address
     * ({@code [server] max_connections_per_client}, {@code EXECD_MAX_CONNECTIONS_PER_CLIENT}); raise it for more.
     */
    public static ConnectionPool pool() {
        return new ConnectionPool(CONCURRENCY + 2, 60, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        ConnectionPool pool = pool();
        System.out.println(run(connection(ServerAddress.fromArgs(args), pool), pool, System.out));
        pool.evictAll();
    }

    public static Result run(ConnectionConfig connection, ConnectionPool pool, PrintStream out) throws Exception {
        // One thread per concurrent command: each blocks on its stream until the command ends.
        ExecutorService agents = Executors.newFixedThreadPool(CONCURRENCY);
        try (Sandbox sandbox = Sandbox.builder().connectionConfig(connection).image(ServerAddress.IMAGE)
                .timeout(Duration.ofMinutes(10)).build()) {
            try {
                out.println("sandbox " + sandbox.getId() + ": " + CONCURRENCY + " commands at once");
                SandboxShell.stdout(sandbox, "rm -rf started && mkdir started");
                long start = System.nanoTime();
                List<Future<String>> runs = new ArrayList<>();
                for (int i = 0; i < CONCURRENCY; i++) {
                    String command = "touch started/" + i + "; for n in $(seq 300); do "
                            + "[ $(ls started | wc -l) -ge " + CONCURRENCY + " ] && break; sleep 0.1; done; "
                            + "echo \"" + i + " saw $(ls started | wc -l)\"";
                    runs.add(agents.submit(() -> SandboxShell.stdout(sandbox, command)));
                }
                List<String> outputs = new ArrayList<>();
                for (Future<String> run : runs) {
                    outputs.add(run.get(60, TimeUnit.SECONDS));
                }
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                out.println("  " + outputs + " in " + elapsed + " ms; idle connections kept: "
                        + pool.idleConnectionCount());
                return new Result(outputs, pool.idleConnectionCount(), elapsed);
            } finally {
                sandbox.kill();
            }
        } finally {
            agents.shutdownNow();
        }
    }
}
