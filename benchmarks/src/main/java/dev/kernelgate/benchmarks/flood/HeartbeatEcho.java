package dev.kernelgate.benchmarks.flood;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The heartbeat channel: a REP socket echoing every frame, on a daemon thread that alone creates, uses and closes
 * it. It ends when the context is terminated.
 */
final class HeartbeatEcho {
    private HeartbeatEcho() {
    }

    static void start(ZMQ.Context context, String endpoint) {
        ZMQ.Socket socket = context.socket(SocketType.REP);
        socket.setLinger(0);
        socket.bind(endpoint);
        // Bound by the caller (so the port listens before the kernel answers anything), then handed over.
        Thread thread = new Thread(() -> echo(socket), "flood-heartbeat");
        thread.setDaemon(true);
        thread.start();
    }

    private static void echo(ZMQ.Socket socket) {
        try {
            byte[] frame;
            while ((frame = socket.recv(0)) != null) {
                socket.send(frame, socket.hasReceiveMore() ? ZMQ.SNDMORE : 0);
            }
        } catch (ZMQException | IllegalStateException e) {
            // the context was terminated (JeroMQ says so with ETERM or a closed selector): the kernel is shutting down
        } finally {
            socket.close();
        }
    }
}
