package dev.kernelgate.javakernel;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.SignatureException;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The shell, control and stdin ROUTER sockets and the iopub PUB socket, all owned by the one thread that
 * constructs this object and then calls {@link #run}. No other thread touches them: other threads hand
 * finished frames to {@link #send}, which queues them and wakes the owner through a {@link Pipe} that the
 * same {@link ZMQ.Poller} watches next to the sockets. Incoming messages are verified (HMAC, replay) here;
 * bad ones are logged and dropped.
 */
final class KernelSockets {
    /** Looked up on first use: SLF4J (and its backend's configuration) is not loaded on the start-up path. */
    private static Logger log() {
        return LoggerFactory.getLogger(KernelSockets.class);
    }

    /** Receives verified messages, on the socket thread. */
    interface Inbound {
        void received(Channel channel, WireMessage message);
    }

    private static final int LINGER_MS = 1000;

    private final Signer signer;
    private final SignatureHistory history = new SignatureHistory();
    private final ZMQ.Socket shell;
    private final ZMQ.Socket control;
    private final ZMQ.Socket stdin;
    private final ZMQ.Socket iopub;
    private final ZMQ.Poller poller;
    private final Pipe wakeup;
    private final ByteBuffer drainBuffer = ByteBuffer.allocate(64);
    private final ConcurrentLinkedQueue<Outgoing> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Thread owner = Thread.currentThread();
    private volatile boolean stopping;
    private final int shellIndex;
    private final int controlIndex;
    private final int stdinIndex;
    private final int wakeIndex;

    /** Creates and binds the sockets on the calling thread, which becomes their owner. */
    KernelSockets(ZMQ.Context context, ConnectionInfo info, Signer signer) throws IOException {
        this.signer = signer;
        this.shell = bind(context, SocketType.ROUTER, info.endpoint(Channel.SHELL));
        this.control = bind(context, SocketType.ROUTER, info.endpoint(Channel.CONTROL));
        this.stdin = bind(context, SocketType.ROUTER, info.endpoint(Channel.STDIN));
        this.iopub = context.socket(SocketType.PUB);
        iopub.setLinger(LINGER_MS);
        // Output must not be dropped: no high-water mark (PUB queues nothing when nobody subscribes).
        iopub.setSndHWM(0);
        iopub.bind(info.endpoint(Channel.IOPUB));
        this.wakeup = Pipe.open();
        wakeup.source().configureBlocking(false);
        wakeup.sink().configureBlocking(false);
        this.poller = context.poller(4);
        this.shellIndex = poller.register(shell, ZMQ.Poller.POLLIN);
        this.controlIndex = poller.register(control, ZMQ.Poller.POLLIN);
        this.stdinIndex = poller.register(stdin, ZMQ.Poller.POLLIN);
        this.wakeIndex = poller.register(wakeup.source(), ZMQ.Poller.POLLIN);
    }

    private static ZMQ.Socket bind(ZMQ.Context context, SocketType type, String endpoint) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(LINGER_MS);
        socket.setSndHWM(0);
        socket.bind(endpoint);
        return socket;
    }

    /** Queues frames for sending; callable from any thread. */
    void send(Outgoing message) {
        outbound.add(message);
        if (Thread.currentThread() != owner && wakePending.compareAndSet(false, true)) {
            try {
                // A pipe's sink is safe for concurrent writers; a full pipe already means a pending wake-up.
                wakeup.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                log().warn("cannot wake the socket thread", e);
            }
        }
    }

    /** Signs and frames a message and queues it; callable from any thread. */
    void send(Channel channel, WireMessage message) {
        send(new Outgoing(channel, ZmqCodec.encode(message, signer)));
    }

    /** Makes {@link #run} return after sending everything queued so far; callable from any thread. */
    void stop() {
        stopping = true;
        send(new Outgoing(null, List.of()));
    }

    /** The socket loop: runs on the owner thread until {@link #stop()}, then closes the sockets. */
    void run(Inbound inbound) {
        try {
            while (!stopping && !Thread.currentThread().isInterrupted()) {
                flushOutbound();
                if (stopping) {
                    break;
                }
                poller.poll(1000);
                if (poller.pollin(wakeIndex)) {
                    drainWakeups();
                }
                if (poller.pollin(controlIndex)) {
                    receiveAll(control, Channel.CONTROL, inbound);
                }
                if (poller.pollin(shellIndex)) {
                    receiveAll(shell, Channel.SHELL, inbound);
                }
                if (poller.pollin(stdinIndex)) {
                    receiveAll(stdin, Channel.STDIN, inbound);
                }
            }
            flushOutbound();
        } finally {
            close();
        }
    }

    /**
     * Empties the pipe, then clears the pending flag (in that order: a writer that finds the flag clear writes a
     * new byte, which wakes the next poll; clearing first could swallow that byte and leave a message unsent).
     * The queue is flushed after this, so whatever was queued before the flag cleared is sent.
     */
    private void drainWakeups() {
        try {
            drainBuffer.clear();
            while (wakeup.source().read(drainBuffer) > 0) {
                drainBuffer.clear();
            }
        } catch (IOException e) {
            log().warn("cannot drain the wake-up pipe", e);
        }
        wakePending.set(false);
    }

    private void receiveAll(ZMQ.Socket socket, Channel channel, Inbound inbound) {
        List<byte[]> frames;
        while ((frames = receive(socket)) != null) {
            WireMessage message;
            try {
                message = ZmqCodec.decode(frames, signer, history);
            } catch (SignatureException e) {
                log().warn("dropped a {} message: {}", channel.wireName(), e.getMessage());
                continue;
            } catch (WireException e) {
                log().warn("dropped a malformed {} message: {}", channel.wireName(), e.getMessage());
                continue;
            }
            try {
                inbound.received(channel, message);
            } catch (RuntimeException e) {
                log().error("failed to handle a {} message of type {}", channel.wireName(),
                        KernelJson.peekString(message.header(), "msg_type"), e);
            }
        }
    }

    private static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(8);
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    private void flushOutbound() {
        Outgoing message;
        while ((message = outbound.poll()) != null) {
            if (message.channel() == null) {
                continue; // a stop marker
            }
            ZMQ.Socket socket = switch (message.channel()) {
                case SHELL -> shell;
                case CONTROL -> control;
                case STDIN -> stdin;
                case IOPUB -> iopub;
                case HB -> throw new IllegalArgumentException("the heartbeat socket has its own thread");
            };
            List<byte[]> frames = message.frames();
            int last = frames.size() - 1;
            for (int i = 0; i < last; i++) {
                socket.sendMore(frames.get(i));
            }
            socket.send(frames.get(last), 0);
        }
    }

    private void close() {
        poller.close();
        shell.close();
        control.close();
        stdin.close();
        iopub.close();
        try {
            wakeup.source().close();
            wakeup.sink().close();
        } catch (IOException e) {
            log().debug("closing the wake-up pipe", e);
        }
    }
}
