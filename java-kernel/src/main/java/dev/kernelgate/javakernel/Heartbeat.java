package dev.kernelgate.javakernel;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The heartbeat: a REP socket on its own thread that echoes every message, so a busy kernel still answers.
 * The socket is created, used and closed by that thread only; it ends when the context is terminated.
 */
final class Heartbeat {
    /** Looked up on first use: SLF4J (and its backend's configuration) is not loaded on the start-up path. */
    private static Logger log() {
        return LoggerFactory.getLogger(Heartbeat.class);
    }

    private final Thread thread;

    Heartbeat(ZMQ.Context context, String endpoint) {
        CompletableFuture<Void> bound = new CompletableFuture<>();
        this.thread = KernelThreads.newThread("kernel-heartbeat", () -> echo(context, endpoint, bound));
        thread.start();
        bound.join();
    }

    private static void echo(ZMQ.Context context, String endpoint,
                             CompletableFuture<Void> bound) {
        ZMQ.Socket socket;
        try {
            socket = context.socket(SocketType.REP);
            socket.setLinger(0);
            socket.bind(endpoint);
        } catch (RuntimeException e) {
            bound.completeExceptionally(e);
            return;
        }
        bound.complete(null);
        try {
            while (true) {
                byte[] frame = socket.recv(0);
                if (frame == null) {
                    break;
                }
                boolean more = socket.hasReceiveMore();
                socket.send(frame, more ? ZMQ.SNDMORE : 0);
            }
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                log().warn("heartbeat stopped", e);
            }
        } catch (RuntimeException e) {
            // JeroMQ reports a terminated context in more than one way (ClosedSelectorException, ...).
            log().debug("heartbeat stopped", e);
        } finally {
            socket.close();
        }
    }
}
