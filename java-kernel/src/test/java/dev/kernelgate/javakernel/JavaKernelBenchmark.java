package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.kernelspecs.JavaKernelSpec;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures the Java kernel as a child process: cold start (process start to kernel_info_reply received) and the
 * execute round trip of {@code 1+1} (request sent to execute_reply received, and to status idle received).
 *
 * <pre>
 * java -cp &lt;test class path&gt; dev.kernelgate.javakernel.JavaKernelBenchmark \
 *     [starts] [executes] [jvm flags...]
 * </pre>
 *
 * Extra JVM flags are added to the spec's defaults; {@code -Dkernelgate.java.compileCache=false} measures
 * executes that recompile every time. With {@code -Dbench.ipykernel=true} the same client also measures
 * {@code /usr/bin/python3 -m ipykernel_launcher} (other interpreter: {@code -Dbench.python=...}), executing
 * {@code 1+1} too, as a reference taken under the same load.
 */
public final class JavaKernelBenchmark {
    private JavaKernelBenchmark() {
    }

    record Figures(double coldStartMedianMs, double coldStartMinMs, double replyMedianMs, double idleMedianMs,
                   double replyP90Ms) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "cold start to kernel_info_reply: median %.0f ms (min %.0f ms); "
                            + "1+1 round trip: reply median %.2f ms (p90 %.2f ms), idle median %.2f ms",
                    coldStartMedianMs, coldStartMinMs, replyMedianMs, replyP90Ms, idleMedianMs);
        }
    }

    public static void main(String[] args) throws Exception {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int executes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        List<String> flags = args.length > 2 ? List.of(Arrays.copyOfRange(args, 2, args.length)) : List.of();
        Path dir = Files.createTempDirectory("java-kernel-bench");
        System.out.println("flags: " + JavaKernelSpec.DEFAULT_JVM_FLAGS + " + " + flags + " on Java "
                + System.getProperty("java.version"));
        System.out.println(measure(dir, starts, executes, flags));
        if (Boolean.getBoolean("bench.ipykernel")) {
            System.out.println("ipykernel: " + measure(dir, starts, executes,
                    List.of(System.getProperty("bench.python", "/usr/bin/python3"), "-m", "ipykernel_launcher",
                            "-f", "{connection_file}"), null));
        }
    }

    static Figures measure(Path dir, int starts, int executes, List<String> flags) throws IOException {
        return measure(dir, starts, executes, null, flags);
    }

    /** Measures {@code argv} (any kernel) if not null, else the Java kernel with {@code flags} added. */
    static Figures measure(Path dir, int starts, int executes, List<String> argv, List<String> flags)
            throws IOException {
        double[] coldStarts = new double[starts];
        Figures last = null;
        for (int i = 0; i < starts; i++) {
            long begin = System.nanoTime();
            try (KernelClient client = argv != null ? KernelClient.launchCommand(dir, argv)
                    : KernelClient.launch(dir, flags)) {
                client.request(Channel.SHELL, "kernel_info_request", Json.object());
                coldStarts[i] = (System.nanoTime() - begin) / 1e6;
                if (i == starts - 1 && executes > 0) {
                    last = roundTrips(client, executes);
                }
                ObjectNode shutdown = Json.object();
                shutdown.put("restart", false);
                client.request(Channel.CONTROL, "shutdown_request", shutdown);
                client.process().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        Arrays.sort(coldStarts);
        return new Figures(coldStarts[starts / 2], coldStarts[0], last == null ? Double.NaN : last.replyMedianMs,
                last == null ? Double.NaN : last.idleMedianMs, last == null ? Double.NaN : last.replyP90Ms);
    }

    private static Figures roundTrips(KernelClient client, int executes) {
        client.waitForReady();
        for (int i = 0; i < 50; i++) {
            client.execute("1+1"); // warm-up
        }
        double[] reply = new double[executes];
        double[] idle = new double[executes];
        for (int i = 0; i < executes; i++) {
            long begin = System.nanoTime();
            Message request = client.sendExecute("1+1", false);
            client.await(Channel.SHELL, KernelClient.isReplyTo(request), KernelClient.TIMEOUT);
            reply[i] = (System.nanoTime() - begin) / 1e6;
            List<Message> iopub = new ArrayList<>(client.drainIopubUntilIdle(request));
            idle[i] = (System.nanoTime() - begin) / 1e6;
            if (iopub.stream().noneMatch(m -> "execute_result".equals(m.msgType()))) {
                throw new AssertionError("no execute_result: " + iopub);
            }
        }
        Arrays.sort(reply);
        Arrays.sort(idle);
        return new Figures(0, 0, reply[executes / 2], idle[executes / 2], reply[executes * 9 / 10]);
    }
}
