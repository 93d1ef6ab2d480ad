package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.SignatureHistory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.WireException;
import dev.kernelgate.wire.ZmqCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The Java floor: one thread, a DEALER on shell and a SUB on iopub straight to the kernel's ports, the same
 * signing and decoding the gateway does, and nothing else. Whatever a gateway adds is measured against this.
 */
final class DirectZmqSession implements KernelSession {
    private final ZContext context;
    private final boolean ownsContext;
    private final ZMQ.Socket shell;
    private final ZMQ.Socket iopub;
    private final ZMQ.Poller poller;
    private final Signer signer;
    private final SignatureHistory history = new SignatureHistory();
    private final MessageFactory messages = MessageFactory.withRandomSession("bench");
    private final RequestTracker tracker = new RequestTracker();

    DirectZmqSession(ConnectionInfo info) throws Exception {
        this(info, new ZContext(1), true);
    }

    /** Sockets of their own in a context shared with other sessions (which outlives this one). */
    DirectZmqSession(ConnectionInfo info, ZContext shared) throws Exception {
        this(info, shared, false);
    }

    private DirectZmqSession(ConnectionInfo info, ZContext context, boolean ownsContext) throws Exception {
        this.context = context;
        this.ownsContext = ownsContext;
        signer = info.signer();
        shell = context.createSocket(SocketType.DEALER);
        shell.setIdentity(messages.session().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        shell.connect(info.endpoint(Channel.SHELL));
        iopub = context.createSocket(SocketType.SUB);
        iopub.setRcvHWM(0);
        iopub.subscribe(new byte[0]);
        iopub.connect(info.endpoint(Channel.IOPUB));
        poller = context.createPoller(2);
        poller.register(shell, ZMQ.Poller.POLLIN);
        poller.register(iopub, ZMQ.Poller.POLLIN);
        proveSubscription(Duration.ofSeconds(60));
    }

    /** kernel_info until iopub answers (a SUB misses what is published before its subscription lands). */
    private void proveSubscription(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = messages.request("kernel_info_request", Json.object());
            var pending = tracker.expect(m.header().msgId(), System.nanoTime(), false);
            send(m);
            long until = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < until) {
                pump(20);
                if (pending.done.isDone()) {
                    return;
                }
            }
        }
        throw new TimeoutException("the kernel's iopub did not answer within " + timeout);
    }

    private void send(Message m) {
        List<byte[]> frames = ZmqCodec.encode(m.toWire(), signer);
        for (int i = 0; i < frames.size() - 1; i++) {
            shell.sendMore(frames.get(i));
        }
        shell.send(frames.get(frames.size() - 1), 0);
    }

    /** Waits up to {@code millis} for messages, then reads everything that is there. */
    private void pump(long millis) throws WireException {
        poller.poll(millis);
        read(shell, Channel.SHELL);
        read(iopub, Channel.IOPUB);
    }

    private void read(ZMQ.Socket socket, Channel channel) throws WireException {
        byte[] first;
        while ((first = socket.recv(ZMQ.DONTWAIT)) != null) {
            List<byte[]> frames = new ArrayList<>(8);
            frames.add(first);
            while (socket.hasReceiveMore()) {
                frames.add(socket.recv(0));
            }
            tracker.onMessage(channel, ZmqCodec.decode(frames, signer, history), System.nanoTime());
        }
    }

    @Override
    public Outcome execute(String code, Duration timeout) throws Exception {
        Outcome outcome = executeOrPartial(code, timeout);
        if (Double.isNaN(outcome.millis())) {
            throw new TimeoutException("no reply and idle within " + timeout);
        }
        return outcome;
    }

    @Override
    public Outcome executeOrPartial(String code, Duration timeout) throws Exception {
        Message m = messages.request("execute_request",
                MessageFactory.executeContent(code, false, true, false, false));
        var pending = tracker.expect(m.header().msgId(), System.nanoTime(), false);
        send(m);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.done.isDone()) {
            if (System.nanoTime() > deadline) {
                return pending.partial();
            }
            pump(100);
        }
        return pending.done.get();
    }

    @Override
    public void close() {
        if (ownsContext) {
            context.close();
        } else {
            poller.close();
            context.destroySocket(shell);
            context.destroySocket(iopub);
        }
    }
}
