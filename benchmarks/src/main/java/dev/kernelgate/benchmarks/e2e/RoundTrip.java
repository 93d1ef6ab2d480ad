package dev.kernelgate.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Round trips: a request sent → its reply and idle (or the end of an execd event stream), one at a time. */
final class RoundTrip {
    static final String CODE = "1+1";

    private RoundTrip() {
    }

    /**
     * Measures several paths in one loop, one request on each in turn, so that whatever else the machine does
     * (JIT warm-up, other load) falls on every path alike. Returns one distribution per path, in order.
     */
    static List<Distribution> interleaved(String code, List<String> labels, List<? extends KernelSession> sessions,
                                          int warmup, int samples) throws Exception {
        List<List<Double>> millis = new ArrayList<>();
        sessions.forEach(s -> millis.add(new ArrayList<>(samples)));
        for (int round = 0; round < warmup + samples; round++) {
            for (int i = 0; i < sessions.size(); i++) {
                Outcome outcome = check(labels.get(i), code, sessions.get(i).execute(code, Duration.ofSeconds(30)));
                if (round >= warmup) {
                    millis.get(i).add(outcome.millis());
                }
            }
        }
        List<Distribution> result = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            result.add(Distribution.of(labels.get(i), millis.get(i)));
        }
        return result;
    }

    /**
     * Measures several paths to one kernel in turns of {@code block} requests, each path with only its own client
     * connected during its turn: no path's client receives another's IOPub broadcast, and every path meets the
     * same kernel, whose own speed (it differs from one kernel process to the next by more than a gateway costs)
     * then drops out of the comparison. The first request of each turn settles the new connection and is not
     * counted; the order of the turns rotates, so no path always follows the same other. Returns one
     * distribution per path, in order, with the server's CPU time per request during that path's turns (for the
     * floor: what the server spends only watching the kernel).
     */
    static List<Distribution> inTurns(String code, List<String> labels, List<Callable<KernelSession>> openers,
                                      int warmup, int samples, int block, Supplier<ProcFs.Cpu> serverCpu)
            throws Exception {
        return inTurns(code, labels, openers, warmup, samples, block, Collections.nCopies(openers.size(), serverCpu));
    }

    /** As above, each path with the CPU of its own server ({@code serverCpu}, one per path). */
    static List<Distribution> inTurns(String code, List<String> labels, List<Callable<KernelSession>> openers,
                                      int warmup, int samples, int block, List<Supplier<ProcFs.Cpu>> serverCpu)
            throws Exception {
        List<List<Double>> millis = new ArrayList<>();
        openers.forEach(s -> millis.add(new ArrayList<>(samples)));
        ProcFs.Cpu[] cpu = new ProcFs.Cpu[openers.size()];
        Arrays.fill(cpu, new ProcFs.Cpu(0, 0));
        int turn = 0;
        int done = 0;
        while (done < warmup + samples) {
            // A turn is all warm-up or all samples, so its CPU time belongs to one or the other.
            int n = Math.min(block, (done < warmup ? warmup : warmup + samples) - done);
            int rotation = turn++ % openers.size();
            for (int j = 0; j < openers.size(); j++) {
                int i = (j + rotation) % openers.size();
                try (KernelSession session = openers.get(i).call()) {
                    check(labels.get(i), code, session.execute(code, Duration.ofSeconds(30)));
                    ProcFs.Cpu cpuBefore = done >= warmup ? serverCpu.get(i).get() : null;
                    for (int k = 0; k < n; k++) {
                        Outcome outcome = check(labels.get(i), code, session.execute(code, Duration.ofSeconds(30)));
                        if (done + k >= warmup) {
                            millis.get(i).add(outcome.millis());
                        }
                    }
                    if (done >= warmup) {
                        cpu[i] = cpu[i].plus(serverCpu.get(i).get().minus(cpuBefore));
                    }
                }
            }
            done += n;
        }
        List<Distribution> result = new ArrayList<>();
        for (int i = 0; i < openers.size(); i++) {
            result.add(Distribution.of(labels.get(i), millis.get(i))
                    .withServerCpu(cpu[i], millis.get(i).size()));
        }
        return result;
    }

    private static Outcome check(String label, String code, Outcome outcome) {
        if (!"ok".equals(outcome.status())) {
            throw new IllegalStateException(label + ": " + code + " answered " + outcome.status());
        }
        return outcome;
    }
}
