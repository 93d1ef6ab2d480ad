package dev.kernelgate.kernels;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.zeromq.ZMQ;

/**
 * Makes each kernel's {@link KernelReactor} for the configured {@link KernelTransport}: a JeroMQ reactor thread on
 * the manager's one JeroMQ context, or a loop of the event loops given (the HTTP server's, so a kernel's sockets and
 * its clients' connections share threads), or of a group of its own when none is given.
 */
final class KernelReactors implements AutoCloseable {
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
            context.term();
        }
        if (ownsLoops) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
