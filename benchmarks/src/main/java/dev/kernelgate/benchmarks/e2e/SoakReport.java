package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.SignatureHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes SOAK.md: the soak's verdict, operation counts, drift of the server's figures, and their samples. */
final class SoakReport {
    static final String FILE = "SOAK.md";
    static final String LINK_SECTION = "\n## Soak\n\nA mixed gateway + execd load for 10 minutes, with the drift of the "
            + "server's memory, threads and descriptors: [SOAK.md](SOAK.md) (`benchmarks/run --only soak`).\n";

    private SoakReport() {
    }

    /** Writes {@code dir/SOAK.md}; returns it. */
    static Path write(Soak.Result r, Path dir, String started, Sizes sizes, Servers servers) throws IOException {
        StringBuilder md = new StringBuilder("# Kernelgate soak\n\n");
        md.append("- Run: ").append(started).append(", ").append(fmt("%.0f", r.seconds())).append(" s of load")
                .append(sizes.smoke() ? " (**smoke length**, as CI runs it)" : "").append(".\n");
        md.append("- Machine: ").append(ProcFs.machine()).append(". Shared with other work while it ran: the "
                + "latencies behind these counts are noisy; the counts and the drift are what this measures.\n");
        md.append("- Server: one `./kernelgate execd` JVM (execd and the kernel gateway on one port), JVM flags `")
                .append(servers.launcherJvmFlags()).append("`.\n");
        md.append("- Load, on loopback, ").append(r.clients()).append(" clients in a closed loop (each sends its next "
                + "request as soon as the last one is answered), every operation with a ")
                .append(Soak.OPERATION_TIMEOUT.toSeconds()).append(" s timeout: ").append(Soak.KERNEL_CLIENTS)
                .append(" kernel WebSocket clients over 2 python3 kernels (framings in turn; each connection runs "
                        + "`1+1` and a print of a line unique to the request, then reconnects to the next kernel one "
                        + "time in five), one `/code` client (a print on a python context), one `/command` client "
                        + "(`seq 1 1000`), one `/session` client and one `/files` + `/metrics` client (1 KiB–1 MiB "
                        + "of random bytes up, down and compared).\n");
        md.append("- Before the load, each kernel prints flushed lines (one message each), more than "
                + SignatureHistory.DEFAULT_CAPACITY + ", through a WebSocket and through `/code`: the server's "
                + "replay-protection histories (the last " + SignatureHistory.DEFAULT_CAPACITY + " signatures per "
                + "kernel and per kernel connection, as jupyter_client keeps, about 5 MiB each once full) are then "
                + "full, so their bounded filling does not read as a leak (" + r.filled() + "; in a flood "
                + "the kernel's IOPub socket may drop what queues beyond its high-water mark, which is not counted "
                + "against the soak).\n");
        md.append("- Reproduce: `benchmarks/run --only soak` (10 minutes) or `benchmarks/run --smoke --only soak` "
                + "(60 s; `SoakSmokeTest` runs it under `mvn verify`).\n");

        md.append("\n## Verdict: ").append(r.passed() ? "pass" : "**FAIL**").append("\n\n");
        md.append("Served: the operation completed and everything it expects arrived intact. Lost: expected "
                + "messages (reply, `idle`, result or stdout line), stream lines, completion events or files that "
                + "did not arrive (all of an operation's when it hangs). Hung: an operation that outlived its "
                + "timeout. Failed: an answer that arrived but was wrong.\n\n");
        md.append("| operation | served | lost | hung | failed |\n|---|---:|---:|---:|---:|\n");
        for (SoakTally.Counts c : r.counts()) {
            md.append(row(c.op().description, Long.toString(c.served()), Long.toString(c.lost()),
                    Long.toString(c.hung()), Long.toString(c.failed())));
        }
        md.append(row("**total**", "**" + r.served() + "**", "**" + r.lost() + "**", "**" + r.hung() + "**",
                "**" + r.failed() + "**"));
        md.append("\nOperations per second: ").append(fmt("%.1f", r.served() / r.seconds()))
                .append(". Replies misrouted to a client that did not send the request: ").append(r.misrouted())
                .append(". Warnings in the server's log: ").append(r.serverWarnings()).append(".\n");

        md.append("\n## Drift of the server process\n\n");
        md.append("Median of the samples in the first ").append(fmt("%.0f", r.windowSeconds()))
                .append(" s after a ").append(fmt("%.0f", r.warmupSeconds())).append(" s warm-up against the median "
                        + "of the last ").append(fmt("%.0f", r.windowSeconds())).append(" s; the slope is a "
                        + "least-squares fit over the second half of the measured part.\n\n");
        md.append("| figure | first window | last window | growth | tolerance | slope / min (2nd half) | samples | |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Drift d : r.drifts()) {
            String unit = d.metric().unit.isEmpty() ? "" : " " + d.metric().unit;
            md.append(row(d.metric().label, fmt("%.1f", d.first()) + unit, fmt("%.1f", d.last()) + unit,
                    fmt("%+.1f", d.growth()) + unit, "+" + fmt("%.0f", d.metric().tolerance) + unit,
                    fmt("%+.2f", d.slopePerMinute()) + unit, Integer.toString(d.samples()),
                    d.within() ? "flat" : "**grows**"));
        }
        md.append("""

                Tolerances. Threads (+8): at any instant a few operations are in flight (a command's pipe readers, \
                pool threads that serve them and retire after a minute idle), so a sample varies by a handful with \
                what is in flight. Descriptors (+32): besides a command's pipes and up to five keep-alive \
                connections, each kernel WebSocket holds a kernel connection of its own (ZMQ sockets to the \
                kernel's ports and their mailboxes: several descriptors), and with reconnects one or two more of \
                those may be open or closing at a sample (the samples vary by about 20 without a trend). A leak of \
                one thread or descriptor per operation would add thousands, of one kernel connection per \
                reconnect tens of thousands. \
                Heap after a full GC (+8 MiB): the live set includes what is in flight (a file of up to 1 MiB on \
                its way, streams' buffers); a leak of even a hundred bytes per operation grows past it over the \
                full run. Resident set (+32 MiB): it also moves with things that are not leaks (the JIT's code \
                cache and arenas as later methods compile, the heap's committed size following the young \
                generation), so its bound is looser; the heap after GC is the figure that tells a leak apart.
                """);
        md.append("\n### Samples (medians per window)\n\n| seconds | resident set MiB | heap after GC MiB | threads "
                + "| file descriptors |\n|---:|---:|---:|---:|---:|\n");
        for (double t = 0; t < r.seconds() - 1e-9; t += r.windowSeconds()) {
            md.append(row(fmt("%.0f", t) + "–" + fmt("%.0f", Math.min(r.seconds(), t + r.windowSeconds())),
                    windowMedian(r, ServerSampler.Metric.RSS, t), windowMedian(r, ServerSampler.Metric.HEAP, t),
                    windowMedian(r, ServerSampler.Metric.THREADS, t), windowMedian(r, ServerSampler.Metric.FDS, t)));
        }
        if (!r.errors().isEmpty() || !r.samplerErrors().isEmpty()) {
            md.append("\n## Problems (the first few)\n\n");
            r.errors().forEach(e -> md.append("- ").append(e).append('\n'));
            r.samplerErrors().forEach(e -> md.append("- sampling: ").append(e).append('\n'));
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        Files.writeString(file, md.toString());
        return file;
    }

    /** Adds the link section to {@code results} unless it is there already (or writes a file with it alone). */
    static void linkFrom(Path results) throws IOException {
        String md = Files.exists(results) ? Files.readString(results) : "# Kernelgate benchmark results\n";
        if (!md.contains("(" + FILE + ")")) {
            Files.writeString(results, md + LINK_SECTION);
        }
    }

    private static String windowMedian(Soak.Result r, ServerSampler.Metric metric, double from) {
        List<ServerSampler.Point> points = r.series().get(metric);
        Drift d = Drift.of(metric, points, from, from + r.windowSeconds(), r.windowSeconds());
        return Double.isNaN(d.first()) ? "–" : fmt("%.1f", d.first());
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}
