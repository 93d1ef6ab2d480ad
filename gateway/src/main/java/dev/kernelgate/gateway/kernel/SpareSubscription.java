package dev.kernelgate.gateway.kernel;

import java.util.List;
import org.zeromq.ZMQ;

/**
 * The handler of a kernel's spare IOPub SUB socket, subscribed ahead of need: until a connection adopts the socket,
 * what arrives only proves the subscription live (and is dropped); afterwards frames go to the connection. A
 * WebSocket that adopts a proven spare opens without the kernel_info round trips of its own proof. Reactor thread.
 */
final class SpareSubscription implements ZmqReactor.FrameHandler {
    private ZMQ.Socket socket;
    private ZmqReactor.FrameHandler target;
    private boolean proven;

    /** Subscribes a spare SUB to {@code kernel}'s IOPub; reactor thread. */
    static SpareSubscription open(Kernel kernel) {
        SpareSubscription spare = new SpareSubscription();
        spare.socket = kernel.openIopub(spare);
        return spare;
    }

    @Override
    public void onFrames(List<byte[]> frames) {
        if (target != null) {
            target.onFrames(frames);
        } else {
            proven = true;
        }
    }

    boolean proven() {
        return proven;
    }

    /** After a kernel restart the SUB reconnects by itself, but its subscription must be seen live again. */
    void unprove() {
        proven = false;
    }

    /** From now on frames go to {@code handler}; returns the socket, which the adopter now owns. */
    ZMQ.Socket adopt(ZmqReactor.FrameHandler handler) {
        target = handler;
        return socket;
    }
}
