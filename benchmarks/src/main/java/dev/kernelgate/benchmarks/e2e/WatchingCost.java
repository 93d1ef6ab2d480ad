package dev.kernelgate.benchmarks.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Only watching: jupyter_client executes {@code 1+1} on the ports of a kernel Kernelgate started, while two libzmq
 * watchers subscribe to its IOPub beside Kernelgate (which watches every kernel it runs): one deserializes and
 * verifies every message as jupyter_client's Session does, the other only receives the frames. All three receive the
 * same messages at the same moments, so their CPU per request compares what watching costs each of them.
 *
 * <p>As in the round-trip turns, a Kernelgate WebSocket session opens and closes before each turn of {@code block}
 * requests (not counted): Kernelgate buffers what a closed session misses until another session opens, so the
 * turns keep that buffer as small as the round trips do.
 */
final class WatchingCost {
    static final String KERNELGATE = "Kernelgate (zmtp): decode, verify, track the kernel's state, buffer for the "
            + "closed session";
    static final String SESSION = "jupyter_client watcher: recv_multipart, Session.deserialize (verifies)";
    static final String RAW = "libzmq watcher: recv_multipart only";
    private static final int PROOF_ATTEMPTS = 100;

    /**
     * One watcher's cost: CPU per request (every thread of its process; for Kernelgate with the part its JIT compiler
     * threads spent) and the messages it received per request.
     */
    record Row(String watcher, double cpuMicrosPerRequest, double jitMicrosPerRequest, double messagesPerRequest,
               int requests) {
    }

    private WatchingCost() {
    }

    static List<Row> measure(Bench bench, ServerProcess kg, String kernelId, Path connectionFile,
                             PythonClient jupyterClient, int warmupTurns, int samples, int block) throws Exception {
        Servers servers = bench.servers();
        try (PythonClient session = PythonClient.iopubWatcher(servers.repo(), servers.work());
             PythonClient raw = PythonClient.iopubWatcher(servers.repo(), servers.work());
             KernelSession executing = jupyterClient.open(connectionFile)) {
            session.watch(connectionFile, true);
            raw.watch(connectionFile, false);
            proveSubscribed(executing, session, raw);
            ProcFs.Cpu kgCpu = new ProcFs.Cpu(0, 0);
            PythonClient.Mark sessionTotal = new PythonClient.Mark(0, 0);
            PythonClient.Mark rawTotal = new PythonClient.Mark(0, 0);
            int measured = 0;
            for (int turn = 0; measured < samples; turn++) {
                WsSession.open(bench.group(), kg, kernelId, true).close();
                int n = Math.min(block, samples - measured);
                if (turn < warmupTurns) {
                    for (int i = 0; i < n; i++) {
                        execute(executing);
                    }
                    continue;
                }
                ProcFs.Cpu kgBefore = kg.ownCpu();
                PythonClient.Mark sessionBefore = session.mark();
                PythonClient.Mark rawBefore = raw.mark();
                for (int i = 0; i < n; i++) {
                    execute(executing);
                }
                rawTotal = rawTotal.plus(raw.mark().minus(rawBefore));
                sessionTotal = sessionTotal.plus(session.mark().minus(sessionBefore));
                kgCpu = kgCpu.plus(kg.ownCpu().minus(kgBefore));
                measured += n;
            }
            // Kernelgate receives what the watchers receive: the same subscription to the same PUB socket.
            double messages = (double) rawTotal.messages() / measured;
            return List.of(
                    new Row(KERNELGATE, kgCpu.nanos() / 1e3 / measured, kgCpu.jitNanos() / 1e3 / measured, messages,
                            measured),
                    new Row(SESSION, sessionTotal.cpuNanos() / 1e3 / measured, 0,
                            (double) sessionTotal.messages() / measured, measured),
                    new Row(RAW, rawTotal.cpuNanos() / 1e3 / measured, 0, messages, measured));
        }
    }

    /** Executes until both watchers have received a message: a watcher subscribed late would count less. */
    private static void proveSubscribed(KernelSession executing, PythonClient... watchers) throws Exception {
        for (int attempt = 0; attempt < PROOF_ATTEMPTS; attempt++) {
            execute(executing);
            boolean all = true;
            for (PythonClient w : watchers) {
                all &= w.mark().messages() > 0;
            }
            if (all) {
                return;
            }
        }
        throw new IllegalStateException("watching: a watcher received nothing after " + PROOF_ATTEMPTS + " requests");
    }

    private static void execute(KernelSession session) throws Exception {
        Outcome outcome = session.execute(RoundTrip.CODE, Duration.ofSeconds(30));
        if (!"ok".equals(outcome.status())) {
            throw new IllegalStateException("watching: " + RoundTrip.CODE + " answered " + outcome.status());
        }
    }
}
