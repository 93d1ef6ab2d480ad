package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A {@link KernelSession} over a server's kernel WebSocket. */
final class WsSession implements KernelSession {
    private final WsKernelClient client;
    private final RequestTracker tracker;

    private WsSession(WsKernelClient client, RequestTracker tracker) {
        this.client = client;
        this.tracker = tracker;
    }

    /** Connects and waits for a kernel_info reply (the kernel answers and the server forwards). */
    static WsSession open(EventLoopGroup group, ServerProcess server, String kernelId, boolean v1) throws Exception {
        return open(group, server, kernelId, v1, Duration.ofSeconds(60));
    }

    /** As {@link #open(EventLoopGroup, ServerProcess, String, boolean)}, waiting {@code timeout} for the reply. */
    static WsSession open(EventLoopGroup group, ServerProcess server, String kernelId, boolean v1, Duration timeout)
            throws Exception {
        RequestTracker tracker = new RequestTracker();
        WsKernelClient client = WsKernelClient.connect(group, server.wsBase(), kernelId, server.token(), v1,
                tracker::onMessage);
        WsSession session = new WsSession(client, tracker);
        try {
            session.kernelInfo(timeout);
        } catch (Exception e) {
            session.close();
            throw e;
        }
        return session;
    }

    RequestTracker tracker() {
        return tracker;
    }

    /** Sends kernel_info_request and waits for its reply and idle status; returns the milliseconds taken. */
    double kernelInfo(Duration timeout) throws Exception {
        Message m = client.messages().request("kernel_info_request", Json.object());
        var pending = tracker.expect(m.header().msgId(), System.nanoTime(), false);
        client.send(Channel.SHELL, m);
        return pending.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS).millis();
    }

    /** Sends an execute without waiting; the returned future completes with its outcome. */
    RequestTracker.Pending submit(String code, boolean keepStdout) {
        // The tracker must know the id before any answer can arrive: register first, then send.
        Message m = client.messages().request("execute_request",
                MessageFactory.executeContent(code, false, true, false, false));
        var pending = tracker.expect(m.header().msgId(), System.nanoTime(), keepStdout);
        client.send(Channel.SHELL, m, () -> pending.sentNanos = System.nanoTime());
        return pending;
    }

    @Override
    public Outcome execute(String code, Duration timeout) throws Exception {
        return submit(code, false).done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Outcome executeOrPartial(String code, Duration timeout) throws Exception {
        var pending = submit(code, false);
        try {
            return pending.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return pending.partial();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
