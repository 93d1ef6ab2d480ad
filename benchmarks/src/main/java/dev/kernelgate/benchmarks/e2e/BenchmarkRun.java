package dev.kernelgate.benchmarks.e2e;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The end-to-end benchmark: Kernelgate side by side with the direct-ZMQ floor and Debian's jupyter_server, same
 * kernels, same machine, one run. {@code benchmarks/run} starts it; {@code --smoke} shrinks every size so the
 * tests can run it.
 *
 * <pre>
 * benchmarks/run [--smoke] [--out DIR] [--only rtt,iopub,start,concurrency,execd,sandbox,fuzz,soak] [--soak-seconds N]
 * </pre>
 *
 * <p>{@code fuzz} (only when named) runs {@code benchmarks/fuzz}, which writes its own {@code FUZZ.md}: a fuzz-only
 * run leaves {@code RESULTS.md} as it is.
 */
public final class BenchmarkRun {
    /** What a run without {@code --only} does. */
    static final List<String> SCENARIOS = List.of("rtt", "iopub", "start", "concurrency", "execd", "sandbox");
    /** Run only when {@code --only} names them: fuzzing and the 10-minute soak take far longer than the rest. */
    static final List<String> ON_REQUEST = List.of("fuzz", "soak");

    /** Parsed command line. */
    public record Options(boolean smoke, Path out, Set<String> only, int soakSeconds) {
        static Options parse(String[] args, Path repo) {
            boolean smoke = false;
            int soakSeconds = 0;
            Path out = repo.resolve("benchmarks");
            Set<String> only = new LinkedHashSet<>(SCENARIOS);
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--smoke" -> smoke = true;
                    case "--out" -> out = Path.of(value(args, ++i, "--out")).toAbsolutePath();
                    case "--soak-seconds" -> soakSeconds = positive(value(args, ++i, "--soak-seconds"),
                            "--soak-seconds");
                    case "--only" -> {
                        only = new LinkedHashSet<>(List.of(value(args, ++i, "--only").split(",")));
                        if (!all().containsAll(only)) {
                            throw new IllegalArgumentException("--only takes some of " + all());
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                            + "'; usage: [--smoke] [--out DIR] [--only " + String.join(",", all())
                            + "] [--soak-seconds N]");
                }
            }
            return new Options(smoke, out, only, soakSeconds);
        }

        private static int positive(String value, String flag) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " takes a positive number of seconds, not '" + value + "'");
        }

        private static List<String> all() {
            List<String> all = new java.util.ArrayList<>(SCENARIOS);
            all.addAll(ON_REQUEST);
            return all;
        }

        /** Whether any of the end-to-end scenarios (the ones RESULTS.md reports) is selected. */
        boolean endToEnd() {
            return only.stream().anyMatch(SCENARIOS::contains);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    private BenchmarkRun() {
    }

    private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    public static void main(String[] args) throws Exception {
        // Processes start as execd's launcher starts them (cli's ProcessLaunch): the bare spawns compare like with like.
        if (System.getProperty(LAUNCH_MECHANISM) == null && Runtime.version().feature() <= 21) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
        Path repo = Servers.findRepo();
        Options options;
        try {
            options = Options.parse(args, repo);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Output output = run(repo, options, System.err);
        System.out.println(output.report());
        Soak.Result soak = output.results().soak;
        if (!output.results().failures.isEmpty() || output.results().lostOrMisrouted() > 0
                || (soak != null && !soak.passed())) {
            System.exit(1);
        }
    }

    /** The written report and what it was made from. */
    record Output(Path report, Results results) {
    }

    /** Runs the selected scenarios and writes the report. */
    static Output run(Path repo, Options options, PrintStream progress) throws Exception {
        Sizes sizes = options.smoke() ? Sizes.smokeRun() : Sizes.fullRun();
        Path work = Files.createTempDirectory("kernelgate-bench");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Servers servers = new Servers(repo, work);
        Bench bench = new Bench(servers, new Rest(), group, sizes, progress);
        Results results = new Results();
        String started = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").format(Instant.now()
                .atZone(ZoneOffset.UTC));
        long t0 = System.nanoTime();
        try {
            Set<String> only = options.only();
            if (only.contains("rtt") || only.contains("iopub") || only.contains("start")) {
                KernelComparisons.run(bench, only, results);
            }
            if (only.contains("concurrency")) {
                Steps.run(bench, results, "concurrency (Kernelgate)",
                        () -> results.concurrency.add(ConcurrencyAndMemory.kernelgate(bench)));
                Steps.run(bench, results, "concurrency (jupyter_server)",
                        () -> results.concurrency.add(ConcurrencyAndMemory.jupyterServer(bench)));
            }
            if (only.contains("execd")) {
                Steps.run(bench, results, "execd", () -> results.execd = ExecdScenario.run(bench));
            }
            if (only.contains("sandbox")) {
                Steps.run(bench, results, "sandbox start (local runtime)", () -> SandboxStart.local(bench, results));
            }
            if (only.contains("fuzz")) {
                Steps.run(bench, results, "fuzz", () -> Fuzzing.run(repo, options.smoke(), options.out(), progress));
            }
            if (only.contains("soak")) {
                Steps.run(bench, results, "soak", () -> results.soak = Soak.run(bench,
                        java.time.Duration.ofSeconds(options.soakSeconds() > 0 ? options.soakSeconds()
                                : sizes.soakSeconds())));
            }
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
        double minutes = (System.nanoTime() - t0) / 60e9;
        Path report = null;
        if (results.soak != null) {
            report = SoakReport.write(results.soak, options.out(), started, sizes, servers);
        }
        if (options.endToEnd()) {
            report = Report.write(results, sizes, options.out(), header(started, minutes, options, sizes, servers));
        } else if (report != null) {
            // The soak or fuzzing alone leave RESULTS.md's sections as they are; the soak only links its own file.
            SoakReport.linkFrom(options.out().resolve("RESULTS.md"));
        } else {
            results.failures.forEach(f -> progress.println("[bench] " + f));
            report = options.out().resolve(only(options, "soak") ? SoakReport.FILE : Fuzzing.REPORT);
        }
        progress.printf("[bench] wrote %s (%.1f min)%n", report, minutes);
        if (results.failures.isEmpty() && (results.soak == null || results.soak.passed())) {
            deleteTree(work);
        } else {
            progress.printf("[bench] server logs kept in %s%n", work);
        }
        return new Output(report, results);
    }

    private static boolean only(Options options, String scenario) {
        return options.only().contains(scenario);
    }


    private static String header(String started, double minutes, Options options, Sizes sizes, Servers servers)
            throws IOException {
        return "# Kernelgate benchmark results\n\n"
                + "- Run: " + started + ", " + String.format(java.util.Locale.ROOT, "%.1f", minutes) + " minutes, "
                + (sizes.smoke() ? "**smoke sizes** (not figures to quote)" : "full sizes") + "; scenarios "
                + String.join(", ", options.only()) + ".\n"
                + "- Machine: " + ProcFs.machine() + ".\n"
                + "- Kernelgate: `./kernelgate` launcher, JVM flags `" + servers.launcherJvmFlags() + "`.\n"
                + "- Reference: " + referenceVersions() + ".\n"
                + "- Reproduce: `benchmarks/run` (full, a few minutes) or `benchmarks/run --smoke`.\n"
                + "- Fuzzing: see [" + Fuzzing.REPORT + "](" + Fuzzing.REPORT + ") (`benchmarks/run --only fuzz`).\n";
    }

    private static String referenceVersions() {
        try {
            Process p = new ProcessBuilder(Servers.PYTHON, "-c", "import jupyter_server, jupyter_client, ipykernel,"
                    + " sys; print('jupyter_server %s, jupyter_client %s, ipykernel %s, Python %s' % ("
                    + "jupyter_server.__version__, jupyter_client.__version__, ipykernel.__version__, "
                    + "sys.version.split()[0]))").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "(versions unknown: " + out + ")";
        } catch (IOException | InterruptedException e) {
            return "(versions unknown: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
