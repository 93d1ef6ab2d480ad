package dev.kernelgate.kernels;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * Makes each kernel's {@link KernelReactor} for the configured {@link KernelTransport}: a JeroMQ reactor thread on
 * the manager's one JeroMQ context, or a loop of the event loops given (the HTTP server's, so a kernel's sockets and
 * its clients' connections share threads), or of a group of its own when none is given.
 */
final class KernelReactors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelReactors.class);
    private static final long TERM_WAIT_MILLIS = 5000;

    private final KernelTransport transport;
    private final EventLoopGroup loops;
    private final boolean ownsLoops;
    private ZMQ.Context context;

    KernelReactors(KernelTransport transport, EventLoopGroup loops) {
        this.transport = transport;
        this.ownsLoops = transport == KernelTransport.ZMTP && loops == null;
        this.loops = ownsLoops
                ? new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                        new DefaultThreadFactory("zmtp-io", true),
                        NioIoHandler.newFactory())
                : loops;
    }

    KernelTransport transport() {
        return transport;
    }

    synchronized KernelReactor open(String name) {
        if (transport == KernelTransport.ZMTP) {
            return new LoopReactor(loops.next(), name, ZmqReactor.HANDSHAKE_MILLIS);
        }
        if (context == null) {
            context = ZMQ.context(1);
        }
        return new ZmqReactor(context, name);
    }

    /** Call once every reactor has terminated. */
    @Override
    public synchronized void close() {
        if (context != null) {
            // JeroMQ's term can wait for ever on its reaper after a peer went away mid-redial: bounded here, so a
            // closing manager never hangs on it (the context's threads are daemons).
            ZMQ.Context closing = context;
            Thread term = new Thread(closing::term, "jeromq-term");
            term.setDaemon(true);
            term.start();
            try {
                term.join(TERM_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (term.isAlive()) {
                log.warn("the JeroMQ context did not terminate within {} ms; left to its daemon threads",
                        TERM_WAIT_MILLIS);
            }
        }
        if (ownsLoops) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
