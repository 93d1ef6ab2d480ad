package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes RESULTS.md (absolute figures and ratios) and the PNG charts it links. */
final class Report {
    private static final double MB = 1024 * 1024;

    private final Results results;
    private final Sizes sizes;
    private final StringBuilder md = new StringBuilder();

    private Report(Results results, Sizes sizes) {
        this.results = results;
        this.sizes = sizes;
    }

    /** Writes {@code dir/RESULTS.md} and {@code dir/results/*.png}; returns the markdown file. */
    static Path write(Results results, Sizes sizes, Path dir, String header) throws IOException {
        Report report = new Report(results, sizes);
        report.md.append(header);
        report.roundTrips(dir);
        report.iopub();
        report.starts();
        report.concurrency(dir);
        report.execd();
        report.memory();
        report.sandboxStarts();
        report.soak(dir);
        report.failures();
        Path file = dir.resolve("RESULTS.md");
        Files.createDirectories(dir);
        Files.writeString(file, report.md.toString());
        return file;
    }

    private void roundTrips(Path dir) throws IOException {
        if (results.roundTrips.isEmpty()) {
            return;
        }
        md.append("\n## 1. Execute round trip (`1+1`: request sent → execute_reply and `idle` received)\n\n");
        md.append("One request at a time on one connection, after a warm-up. The floor is the fastest client on "
                + "the kernel's ZMQ ports, jupyter_client on libzmq, with no gateway in between; the project's Java "
                + "client there (JeroMQ, same signing and decoding as the gateway) is beside it. Both floors and "
                + "Kernelgate's two framings (each with the project's Java client and with python3-websocket) "
                + "take turns of " + sizes.rttTurn() + " requests on one kernel "
                + "that Kernelgate started, each with only its own client connected during its turn (a fresh "
                + "connection per turn; its first request is not counted): two kernel processes of the same spec "
                + "differ by more than a gateway costs. jupyter_server runs on a kernel of its own. Every client "
                + "times a request from the moment it writes it (the project's Java WebSocket client on its I/O "
                + "thread, not from the hand-off to that thread).\n");
        for (var entry : results.roundTrips.entrySet()) {
            String kernel = entry.getKey();
            List<Distribution> ds = entry.getValue();
            Optional<Distribution> floor = find(ds, Paths.PYTHON_FLOOR).or(() -> find(ds, Paths.JAVA_FLOOR));
            Optional<Distribution> js = find(ds, Paths.JS_STOCK);
            md.append("\n### ").append(kernel).append("\n\n");
            md.append("| path | n | p10 ms | median ms | p90 ms | p99 ms | median − floor | p90 − floor | "
                    + "p99 − floor | median / jupyter_server | server CPU µs / request |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Distribution d : ds) {
                md.append(row(d.label(), Integer.toString(d.count()), ms(d.percentile(10)), ms(d.median()),
                        ms(d.percentile(90)),
                        ms(d.percentile(99)),
                        floor.map(f -> signedMs(d.median() - f.median())).orElse("–"),
                        floor.map(f -> signedMs(d.percentile(90) - f.percentile(90))).orElse("–"),
                        floor.map(f -> signedMs(d.percentile(99) - f.percentile(99))).orElse("–"),
                        js.map(j -> ratio(d.median() / j.median())).orElse("–"), serverCpu(d)));
            }
            floor.ifPresent(f -> md.append("\nFloor: ").append(f.label()).append(".\n"));
            md.append("\nServer CPU: the time every thread of the server process spent on a CPU during the path's "
                    + "turns, per request (Kernelgate's JVM or jupyter_server's Python, not the kernel); in brackets "
                    + "the part of it the JVM's JIT compiler threads spent, which a JVM that has run long enough no "
                    + "longer spends. Each path counts the server it talks to; on the floor's turns it is what "
                    + "Kernelgate (zmtp) spends only watching the kernel.\n");
            if (kernel.equals("java")) {
                md.append("\nThe Java kernel answers in well under a millisecond, so its round trip is mostly thread "
                        + "hand-offs (client, kernel socket thread, shell worker, ZMQ I/O threads), and on this VM a "
                        + "hand-off to an idle virtual CPU now and then waits about 4 ms for the host: the "
                        + "distribution has two modes and the median falls between them, moving by tenths of a "
                        + "millisecond with small shifts. The fast mode (p10) shows what a path adds.\n");
            }
            watching(kernel);
            String png = "rtt-" + kernel + ".png";
            Charts.latencyCdf(dir.resolve("results").resolve(png), "Execute round trip, " + kernel, ds);
            md.append("\n![round trip ").append(kernel).append("](results/").append(png).append(")\n");
        }
        if (results.roundTrips.values().stream().flatMap(List::stream).anyMatch(d -> d.label().equals(Paths.JS_STOCK))) {
            md.append("\njupyter_server's figure includes Nagle's delay: its Tornado WebSocket does not set "
                    + "TCP_NODELAY, so small replies wait for the delayed ACK of the previous segment.\n");
        }
    }

    private void watching(String kernel) {
        List<WatchingCost.Row> rows = results.watching.get(kernel);
        if (rows == null || rows.isEmpty()) {
            return;
        }
        md.append("\nOnly watching, the same messages: jupyter_client executes `1+1` on the kernel's ports ")
                .append(rows.get(0).requests()).append(" times, in turns as above (a Kernelgate WebSocket session ")
                .append("opens and closes between turns, not counted, so the closed session's buffer stays as small), ")
                .append("while two libzmq watchers subscribe to its IOPub beside Kernelgate; CPU of each process ")
                .append("(every thread) per request.\n\n")
                .append("| watcher | messages / request | CPU µs / request | × Kernelgate |\n|---|---:|---:|---:|\n");
        double kg = rows.get(0).cpuMicrosPerRequest();
        for (WatchingCost.Row r : rows) {
            md.append(row(r.watcher(), String.format(Locale.ROOT, "%.2f", r.messagesPerRequest()),
                    String.format(Locale.ROOT, "%.0f", r.cpuMicrosPerRequest())
                            + (r.jitMicrosPerRequest() >= 1 ? String.format(Locale.ROOT, " (JIT %.0f)",
                            r.jitMicrosPerRequest()) : ""), ratio(r.cpuMicrosPerRequest() / kg)));
        }
    }

    private void iopub() {
        if (results.iopub.isEmpty()) {
            return;
        }
        md.append("\n## 2. IOPub throughput (one execute; time until its last message reaches the client)\n\n");
        md.append("| kernel | case | path | ms | received / sent | per s | throughput / jupyter_client | "
                + "throughput / direct Java | throughput / jupyter_server (rate limit off) | kernel CPU | "
                + "server CPU µs / message |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, List<IopubThroughput.Row>> byCase = new LinkedHashMap<>();
        for (IopubThroughput.Row r : results.iopub) {
            byCase.computeIfAbsent(r.kernel() + "/" + r.testCase().name(), k -> new ArrayList<>()).add(r);
        }
        for (List<IopubThroughput.Row> rows : byCase.values()) {
            Optional<IopubThroughput.Row> floor = rows.stream().filter(r -> r.path().equals(Paths.JAVA_FLOOR))
                    .findFirst();
            Optional<IopubThroughput.Row> js = rows.stream().filter(r -> r.path().equals(Paths.JS_NO_LIMIT))
                    .findFirst();
            Optional<IopubThroughput.Row> libzmq = rows.stream().filter(r -> r.path().equals(Paths.PYTHON_FLOOR))
                    .findFirst();
            for (IopubThroughput.Row r : rows) {
                boolean done = r.finished();
                md.append(row(r.kernel(), r.testCase().description(), r.path() + (r.note().isEmpty() ? ""
                                : " (" + r.note() + ")"),
                        done ? ms(r.outcome().millis()) : "no reply/idle within 90 s",
                        (r.received() < 0 ? "?" : Long.toString(r.received())) + " / " + r.testCase().expected()
                                + (r.complete() ? "" : " **lost " + (r.testCase().expected()
                                - Math.max(0, r.received())) + "**"),
                        done ? String.format(Locale.ROOT, "%,.0f", r.perSecond()) : "–",
                        throughputRatio(r, libzmq), throughputRatio(r, floor), throughputRatio(r, js), kernelCpu(r),
                        serverCpuPerMessage(r)));
            }
        }
        md.append("\nEvery row but jupyter_server's is the median of " + IopubTurns.ROUNDS + " runs after a warm-up "
                + "run; jupyter_client, the Java floor and Kernelgate take turns, each on a kernel of its own (a "
                + "client on the kernel Kernelgate started would share its IOPub with the gateway). Kernel CPU: the "
                + "kernel process's CPU time over the run's wall time (100 % is one core kept busy): near 100 % the kernel is the limit, and on this "
                + "2-core machine every CPU-second the client and the server spend is taken from it. Server CPU: the "
                + "gateway's (or jupyter_server's) CPU time per message sent.\n");
        if (results.iopub.stream().anyMatch(r -> r.kernel().equals(FloodKernelSpec.NAME))) {
            md.append("\nThe flood kernel (`benchmarks`, `dev.kernelgate.benchmarks.flood.FloodKernel`, started from a "
                    + "kernelspec the run writes) answers `flood N` with N one-line `stream` messages, each a "
                    + "pre-serialised header with a fresh msg_id, signed and sent as fast as its PUB socket takes "
                    + "them (at 10,000 queued it waits, never drops): the path, not the kernel, is the limit. Its "
                    + "two paths run on kernels of their own and take turns after a warm-up flood each; a row is "
                    + "the median of " + IopubTurns.ROUNDS + " runs. The direct-ZMQ Java client receives, "
                    + "verifies, de-duplicates and counts every message on one thread, while through Kernelgate the "
                    + "verifying (gateway) and the decoding (client) run on different threads, so here the floor "
                    + "can be the slower path.\n");
        }
    }

    /** The kernel's CPU over the run's wall time: 100 % is one core kept busy. */
    private static String kernelCpu(IopubThroughput.Row r) {
        if (r.cpu() == null || !r.finished()) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.0f %%", r.cpu().kernelNanos() / 1e4 / r.outcome().millis());
    }

    private static String serverCpuPerMessage(IopubThroughput.Row r) {
        if (r.cpu() == null || !r.finished() || r.cpu().serverNanos() == 0) {
            return "–";
        }
        return micros(r.cpu().serverNanos() / 1e3 / r.testCase().expected());
    }

    private static String throughputRatio(IopubThroughput.Row r, Optional<IopubThroughput.Row> base) {
        if (base.isEmpty() || !r.complete() || !base.get().complete()) {
            return "–";
        }
        return ratio(base.get().outcome().millis() / r.outcome().millis());
    }

    private void starts() {
        if (results.starts.isEmpty()) {
            return;
        }
        md.append("\n## 3. Kernel start (POST /api/kernels → WebSocket open → kernel_info_reply)\n\n");
        md.append("Rows named \"kernel process alone\" start the kernel from the kernelspec Kernelgate serves, "
                + "with no gateway: spawn → kernel_info_reply on its shell socket.\n\n");
        md.append("| server and mode | n | median ms | p90 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        for (Distribution d : results.starts) {
            md.append(row(d.label(), Integer.toString(d.count()), ms(d.median()), ms(d.percentile(90)),
                    ms(d.percentile(100))));
        }
    }

    private void concurrency(Path dir) throws IOException {
        if (results.concurrency.isEmpty()) {
            return;
        }
        md.append("\n## 4. Concurrency (N WebSocket clients over K kernels, each executing M requests in turn)\n\n");
        md.append("Each request prints a line naming its client and request; a missing line or reply is lost, a "
                + "foreign one misrouted.\n\n");
        md.append("| server | K kernels | N clients | M each | seconds | requests/s | median ms | p99 ms | lost | "
                + "misrouted | connection open p50 / max ms | server log warnings |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Distribution> ds = new ArrayList<>();
        for (ConcurrencyAndMemory.Result c : results.concurrency) {
            md.append(row(c.server(), Integer.toString(c.kernels()), Integer.toString(c.clients()),
                    Integer.toString(c.requestsPerClient()), String.format(Locale.ROOT, "%.2f", c.seconds()),
                    String.format(Locale.ROOT, "%.0f", c.requestsPerSecond()), ms(c.latency().median()),
                    ms(c.latency().percentile(99)), Long.toString(c.lost()), Long.toString(c.misrouted()),
                    ms(c.opens().median()) + " / " + ms(c.opens().percentile(100)),
                    Long.toString(c.serverWarnings())));
            ds.add(c.latency());
        }
        Charts.latencyCdf(dir.resolve("results").resolve("concurrency.png"), "Latency under concurrency", ds);
        md.append("\n![concurrency](results/concurrency.png)\n");
    }

    private void execd() {
        ExecdScenario.Result e = results.execd;
        if (e == null) {
            return;
        }
        md.append("\n## 5. execd\n\n");
        md.append("`/command true` and the bare spawns of the same shell from the benchmark's JVM (as execd starts "
                + "it: stdin from /dev/null, both pipes read to the end, then the exit; execd puts setsid in front) "
                + "alternate request by request. `/code` and the direct-ZMQ floors (jupyter_client, the Java client) "
                + "take turns on the code context's own ipykernel, as in section 1; each turn on a fresh keep-alive "
                + "connection. After " + sizes.commandWarmup() + " warm-up requests per path.\n\n");
        md.append("| request, until its event stream ends | n | median ms | p90 ms | p99 ms | "
                + "execd CPU µs / request |\n|---|---:|---:|---:|---:|---:|\n");
        List<Distribution> streams = new java.util.ArrayList<>(List.of(e.commandTrue()));
        streams.addAll(e.spawns());
        streams.addAll(e.codeOnePlusOne());
        for (Distribution d : streams) {
            md.append(row(d.label(), Integer.toString(d.count()), ms(d.median()), ms(d.percentile(90)),
                    ms(d.percentile(99)), serverCpu(d)));
        }
        md.append('\n');
        md.append("| transfer | size | seconds | throughput | execd heap high-water mark |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (ExecdScenario.Transfer t : e.transfers()) {
            md.append(row(t.direction(), size(t.bytes()), String.format(Locale.ROOT, "%.3f", t.seconds()),
                    String.format(Locale.ROOT, "%.2f GB/s", t.bytesPerSecond() / 1e9),
                    t.heapPeakBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.1f MiB", t.heapPeakBytes() / MB)));
        }
        md.append("\nHeap limit of the execd JVM: ").append(String.format(Locale.ROOT, "%.0f MiB", e.heapMaxBytes() / MB))
                .append("; resident set after the transfers: ")
                .append(String.format(Locale.ROOT, "%.1f MiB", e.rssBytes() / MB)).append(".\n");
    }

    private void memory() {
        if (results.concurrency.isEmpty()) {
            return;
        }
        md.append("\n## 6. Memory (resident set of the server process itself, kernels not included)\n\n");
        md.append("Idle (once the server answers), with K kernels, and with N connections once their requests are "
                + "answered (all still open): the median of " + ConcurrencyAndMemory.READINGS + " readings a second "
                + "apart, the first " + ConcurrencyAndMemory.SETTLE_MILLIS / 1000 + " s later (a JVM returns its "
                + "compiler's scratch memory every 5 s), the lowest and highest reading in brackets (idle: the "
                + "median alone); for N connections also the reading right after the last request.\n\n");
        md.append("| server | idle | with K kernels | with N connections | with N connections, right after their "
                + "requests |\n|---|---:|---:|---:|---:|\n");
        for (ConcurrencyAndMemory.Result c : results.concurrency) {
            md.append(row(c.server(), mib(c.rssIdle()), settled(c.rssWithKernels(), "K = " + c.kernels()),
                    settled(c.rssWithConnections(), "N = " + c.clients()), mib(c.rssRightAfterRequests())));
        }
    }

    /** The median of settled readings, with their range. */
    private static String settled(List<Long> readings, String what) {
        return mib(ConcurrencyAndMemory.median(readings)) + String.format(Locale.ROOT, " (%s; %.1f–%.1f)", what,
                Collections.min(readings) / MB, Collections.max(readings) / MB);
    }

    private void sandboxStarts() {
        if (results.sandboxStarts.isEmpty()) {
            return;
        }
        md.append("\n## 7. Sandbox start (lifecycle server: POST /v1/sandboxes → the sandbox's execd answers /ping)"
                + "\n\n| runtime and mode | n | median ms | p90 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        for (Distribution d : results.sandboxStarts) {
            md.append(row(d.label(), Integer.toString(d.count()), ms(d.median()), ms(d.percentile(90)),
                    ms(d.percentile(100))));
        }
    }

    /** The soak writes a file of its own (it runs alone, for 10 minutes); linked here once it exists. */
    private void soak(Path dir) {
        if (Files.exists(dir.resolve(SoakReport.FILE))) {
            md.append(SoakReport.LINK_SECTION);
        }
    }

    private void failures() {
        if (results.failures.isEmpty()) {
            return;
        }
        md.append("\n## Scenarios that failed\n\n");
        results.failures.forEach(f -> md.append("- ").append(f).append('\n'));
    }

    /** "737 (JIT 420)": the server's CPU per request, and how much of it its JIT compiler threads took. */
    private static String serverCpu(Distribution d) {
        String all = micros(d.serverCpuMicros());
        return Double.isNaN(d.serverJitMicros()) || d.serverJitMicros() < 1 ? all
                : all + " (JIT " + micros(d.serverJitMicros()) + ")";
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.0f", value);
    }

    private static Optional<Distribution> find(List<Distribution> ds, String label) {
        return ds.stream().filter(d -> d.label().equals(label)).findFirst();
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String signedMs(double v) {
        return String.format(Locale.ROOT, "%+.2f ms", v);
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / MB);
    }

    private static String size(long bytes) {
        return bytes >= 1024 * MB ? String.format(Locale.ROOT, "%.0f GiB", bytes / (1024 * MB))
                : String.format(Locale.ROOT, "%.0f MiB", bytes / MB);
    }
}
