package dev.kernelgate.benchmarks.e2e;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A kernel WebSocket client of the soak: opens a connection to one of the kernels (the framings in turn), sends
 * {@code 1+1} and a print of a line unique to the request, checks the reply, the {@code idle} status and the
 * execute_result or stdout line of each, and now and then closes and reconnects (to the next kernel).
 */
final class KernelSoakClient implements SoakClient {
    /** Messages each execute must bring: the shell reply, {@code idle}, and the result or the stdout line. */
    private static final int MESSAGES_PER_EXECUTE = 3;
    /** kernel_info: the reply and {@code idle}. */
    private static final int MESSAGES_PER_OPEN = 2;

    private final EventLoopGroup group;
    private final ServerProcess server;
    private final List<String> kernels;
    private final String client;
    private final SoakTally tally;
    private final Duration timeout;
    private final Random random;
    private WsSession session;
    private int connections;

    KernelSoakClient(EventLoopGroup group, ServerProcess server, List<String> kernels, String client, SoakTally tally,
                     Duration timeout, long seed) {
        this.group = group;
        this.server = server;
        this.kernels = kernels;
        this.client = client;
        this.tally = tally;
        this.timeout = timeout;
        this.random = new Random(seed);
    }

    @Override
    public void step(int n) {
        if (session == null && !open(n)) {
            return;
        }
        if (execute(n, "1+1", false) && execute(n, "print('" + client + "-" + n + "')", true)
                && random.nextInt(5) == 0) {
            // Sometimes reconnect: a client that leaves and comes back is part of the load.
            disconnect();
        }
    }

    @Override
    public SoakTally.Op op() {
        return SoakTally.Op.KERNEL_EXECUTE;
    }

    private boolean open(int n) {
        String kernel = kernels.get(connections % kernels.size());
        boolean v1 = connections++ % 2 == 0;
        long start = System.nanoTime();
        try {
            session = WsSession.open(group, server, kernel, v1, timeout);
            tally.served(SoakTally.Op.KERNEL_OPEN);
            return true;
        } catch (Exception e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (e instanceof TimeoutException || took.compareTo(timeout) > 0) {
                tally.hung(SoakTally.Op.KERNEL_OPEN, "#" + n + " after " + took.toMillis() + " ms: " + e);
                tally.lost(SoakTally.Op.KERNEL_OPEN, MESSAGES_PER_OPEN, "#" + n + " kernel_info (hung)");
            } else {
                tally.failed(SoakTally.Op.KERNEL_OPEN, "#" + n + ": " + e);
            }
            return false;
        }
    }

    /** One execute; false when it went wrong (the connection is then closed). */
    private boolean execute(int n, String code, boolean print) {
        var pending = session.submit(code, print);
        try {
            Outcome outcome = pending.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String expected = print ? client + "-" + n + "\n" : "2";
            String got = print ? pending.stdout.toString() : pending.result;
            if (!"ok".equals(outcome.status())) {
                tally.failed(SoakTally.Op.KERNEL_EXECUTE, "#" + n + " " + code + ": status " + outcome.status());
            } else if (got == null || got.isEmpty()) {
                tally.lost(SoakTally.Op.KERNEL_EXECUTE, 1, "#" + n + " " + code + ": no "
                        + (print ? "stdout" : "execute_result"));
            } else if (!got.equals(expected)) {
                tally.failed(SoakTally.Op.KERNEL_EXECUTE, "#" + n + " " + code + ": got '" + got + "'");
            } else {
                tally.served(SoakTally.Op.KERNEL_EXECUTE);
                return true;
            }
        } catch (TimeoutException e) {
            // Closed first: the event loop then no longer touches what arrived, and it can be read here.
            disconnect();
            long arrived = (pending.replied ? 1 : 0) + (pending.idle ? 1 : 0)
                    + (print ? (pending.lines > 0 ? 1 : 0) : (pending.result != null ? 1 : 0));
            tally.hung(SoakTally.Op.KERNEL_EXECUTE, "#" + n + " " + code + " after " + timeout);
            tally.lost(SoakTally.Op.KERNEL_EXECUTE, MESSAGES_PER_EXECUTE - arrived, "#" + n + " " + code);
            return false;
        } catch (Exception e) {
            tally.failed(SoakTally.Op.KERNEL_EXECUTE, "#" + n + " " + code + ": " + e);
        }
        disconnect();
        return false;
    }

    private void disconnect() {
        if (session != null) {
            session.close();
            tally.misrouted(session.tracker().foreignReplies());
            session = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
