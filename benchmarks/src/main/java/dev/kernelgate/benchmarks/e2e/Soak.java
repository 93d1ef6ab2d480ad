package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.SignatureHistory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The soak: one {@code ./kernelgate execd} (kernel gateway and execd on one port, one JVM) under a mixed load for a
 * set time, on loopback. Clients in threads of their own, each running one kind of operation in a loop: kernel
 * WebSocket clients over two kernels, {@code /code}, {@code /command}, {@code /session}, and {@code /files} with
 * {@code /metrics}. Every operation has a timeout; one that outlives it counts as hung and the run goes on. Meanwhile
 * the server's resident set, threads, descriptors and live heap are sampled, and their drift is the verdict.
 */
final class Soak {
    /** Per operation; every operation takes milliseconds when the server is well, seconds on a loaded machine. */
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
    static final int KERNEL_CLIENTS = 3;
    private static final int KERNELS = 2;
    private static final Duration FILL_TIMEOUT = Duration.ofMinutes(5);

    /** What the soak measured. Times in seconds since the load started. */
    record Result(double seconds, double warmupSeconds, double windowSeconds, int clients,
                  List<SoakTally.Counts> counts, long misrouted, List<String> errors, List<Drift> drifts,
                  Map<ServerSampler.Metric, List<ServerSampler.Point>> series, List<String> samplerErrors,
                  long serverWarnings, String filled) {
        long served() {
            return counts.stream().mapToLong(SoakTally.Counts::served).sum();
        }

        long lost() {
            return counts.stream().mapToLong(SoakTally.Counts::lost).sum();
        }

        long hung() {
            return counts.stream().mapToLong(SoakTally.Counts::hung).sum();
        }

        long failed() {
            return counts.stream().mapToLong(SoakTally.Counts::failed).sum();
        }

        boolean passed() {
            return lost() == 0 && hung() == 0 && failed() == 0 && misrouted == 0
                    && drifts.stream().allMatch(Drift::within);
        }
    }

    private Soak() {
    }

    static Result run(Bench bench, Duration duration) throws Exception {
        // Warm-up: the JIT, the first kernels' buffers and Netty's pools settle; the drift is measured after it.
        double seconds = duration.toNanos() / 1e9;
        double warmup = Math.max(20, seconds / 5);
        double window = Math.max(10, seconds / 10);
        Path files = Files.createDirectories(bench.servers().work().resolve("soak-files"));
        try (ServerProcess execd = bench.servers().execd("kernelgate-soak");
             OperationTimer timer = new OperationTimer()) {
            List<String> kernels = new ArrayList<>();
            for (int k = 0; k < KERNELS; k++) {
                kernels.add(bench.rest().startKernel(execd, "python3"));
            }
            String context = ExecdScenario.context(bench, execd);
            URI base = URI.create(execd.httpBase());
            String filled = fillSignatureHistories(bench, execd, kernels, base, context, timer);
            SoakTally tally = new SoakTally();
            List<SoakClient> clients = new ArrayList<>();
            for (int c = 0; c < KERNEL_CLIENTS; c++) {
                clients.add(new KernelSoakClient(bench.group(), execd, kernels, "ws" + c, tally, OPERATION_TIMEOUT,
                        c));
            }
            clients.add(new ExecdSoakClient(base, List.of(ExecdSoakClient.code(context, "code")), tally, timer,
                    OPERATION_TIMEOUT));
            clients.add(new ExecdSoakClient(base, List.of(ExecdSoakClient.command()), tally, timer,
                    OPERATION_TIMEOUT));
            clients.add(new ExecdSoakClient(base, List.of(ExecdSoakClient.session()), tally, timer,
                    OPERATION_TIMEOUT));
            clients.add(new ExecdSoakClient(base, List.of(ExecdSoakClient.files(files, "files", 7),
                    ExecdSoakClient.metrics()), tally, timer, OPERATION_TIMEOUT));
            bench.log("soak: %d clients for %.0f s on %s (pid %d); drift after %.0f s, windows of %.0f s",
                    clients.size(), seconds, execd.httpBase(), execd.pid(), warmup, window);

            HeapAfterGc heap = new HeapAfterGc(bench.servers().work());
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            Map<ServerSampler.Metric, List<ServerSampler.Point>> series;
            List<String> samplerErrors;
            List<Thread> threads = new ArrayList<>();
            try (ServerSampler sampler = ServerSampler.start(execd.pid(), heap, start, duration,
                    Duration.ofMillis(Math.max(1000, duration.toMillis() / 300)),
                    Duration.ofMillis(Math.max(3000, Math.min(15_000, duration.toMillis() / 40))))) {
                for (int c = 0; c < clients.size(); c++) {
                    SoakClient client = clients.get(c);
                    Thread t = new Thread(() -> loop(client, deadline), "soak-client-" + c);
                    t.start();
                    threads.add(t);
                }
                long progressEvery = Math.max(10, (long) seconds / 10);
                while (System.nanoTime() < deadline) {
                    long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
                    Thread.sleep(Math.min(progressEvery, Math.max(1, left)) * 1000);
                    bench.log("soak: %.0f s, %d operations served, %d lost, %d hung, %d failed",
                            (System.nanoTime() - start) / 1e9, served(tally), total(tally, SoakTally.Counts::lost),
                            total(tally, SoakTally.Counts::hung), total(tally, SoakTally.Counts::failed));
                }
                // Each client ends its last operation within its timeout; one that does not is stuck for good.
                for (int c = 0; c < threads.size(); c++) {
                    threads.get(c).join(OPERATION_TIMEOUT.toMillis() * 2 + 10_000);
                    if (threads.get(c).isAlive()) {
                        tally.hung(clients.get(c).op(), "client " + c + " still busy long after the end");
                        threads.get(c).interrupt();
                    }
                }
                series = sampler.series();
                samplerErrors = sampler.errors();
            }
            List<Drift> drifts = new ArrayList<>();
            for (ServerSampler.Metric m : ServerSampler.Metric.values()) {
                drifts.add(Drift.of(m, series.get(m), warmup, seconds, window));
            }
            for (String id : kernels) {
                bench.rest().deleteKernel(execd, id);
            }
            return new Result(seconds, warmup, window, clients.size(), tally.counts(), tally.misrouted(),
                    tally.errors(), drifts, series, samplerErrors, execd.warnings(), filled);
        }
    }

    /**
     * The server keeps the signatures of the messages each kernel and each kernel connection received, to refuse a
     * replay (as jupyter_client does): up to {@link SignatureHistory#DEFAULT_CAPACITY} per history, about 5 MiB
     * once full. Filling them is bounded growth, not a leak, but at the soak's rate it takes minutes and would read
     * as one; so before the load each kernel prints one flushed line per message, more than a history holds,
     * through a WebSocket (the kernel's own history) and through {@code /code} (the context's connection).
     */
    private static String fillSignatureHistories(Bench bench, ServerProcess execd, List<String> kernels, URI base,
                                               String context, OperationTimer timer) throws Exception {
        // A margin: in a flood like this the kernel's IOPub socket drops what queues beyond its high-water mark when
        // the reader falls behind (seen on this busy machine: 1,509 of 66,536 lines), and a dropped message never
        // reaches a history. The soak's own operations are not floods, and count every message.
        int lines = SignatureHistory.DEFAULT_CAPACITY * 5 / 4;
        List<String> arrivals = new ArrayList<>();
        String flood = "for i in range(" + lines + "):\n    print(i, flush=True)";
        long start = System.nanoTime();
        for (String kernel : kernels) {
            try (WsSession session = WsSession.open(bench.group(), execd, kernel, true)) {
                Outcome outcome = session.execute(flood, FILL_TIMEOUT);
                arrivals.add(Long.toString(outcome.stdoutLines()));
                if (outcome.stdoutLines() < SignatureHistory.DEFAULT_CAPACITY) {
                    throw new java.io.IOException("filling the signature history of kernel " + kernel + ": only "
                            + outcome.stdoutLines() + " of " + lines + " lines arrived");
                }
            }
        }
        try (RawHttpClient http = new RawHttpClient(base.getHost(), base.getPort())) {
            String code = dev.kernelgate.wire.Json.MAPPER.getNodeFactory().textNode(flood).toString();
            var response = timer.run(FILL_TIMEOUT, http, () -> http.postJson("/code", "{\"context\":{\"id\":\""
                    + context + "\",\"language\":\"python\"},\"code\":" + code + "}"));
            int arrived = ExecdEvents.parse(response.body()).stdoutLines().size();
            arrivals.add(Integer.toString(arrived));
            if (response.status() != 200 || arrived < SignatureHistory.DEFAULT_CAPACITY) {
                throw new java.io.IOException("filling the signature history of the code context: status "
                        + response.status() + ", only " + arrived + " of " + lines + " lines arrived");
            }
        }
        String filled = String.format(java.util.Locale.ROOT, "%d flushed lines per kernel; arrived: %s "
                + "(WebSocket, WebSocket, /code); %.0f s", lines, String.join(", ", arrivals),
                (System.nanoTime() - start) / 1e9);
        bench.log("soak: signature histories filled: %s", filled);
        return filled;
    }

    private static void loop(SoakClient client, long deadline) {
        try (client) {
            for (int n = 0; System.nanoTime() < deadline && !Thread.currentThread().isInterrupted(); n++) {
                client.step(n);
            }
        }
    }

    private static long served(SoakTally tally) {
        return total(tally, SoakTally.Counts::served);
    }

    private static long total(SoakTally tally, java.util.function.ToLongFunction<SoakTally.Counts> field) {
        return tally.counts().stream().mapToLong(field).sum();
    }
}
