package dev.kernelgate.kernels;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/** A peer that accepts but never completes the ZMTP handshake is dropped and dialled again, with a warning. */
class ZmqReactorHandshakeTest {
    @Test
    void aStalledHandshakeIsDroppedAndDialledAgain() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        ZMQ.Context context = ZMQ.context(1);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             CapturedLogs logs = CapturedLogs.of(HandshakeWatch.class)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // never answers the greeting
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            ZmqReactor reactor = new ZmqReactor(context, "handshake-test", 300);
            try {
                String endpoint = "tcp://127.0.0.1:" + silent.getLocalPort();
                reactor.execute(() -> reactor.open(KernelReactor.Kind.DEALER, endpoint, null, frames -> { }));
                // JeroMQ's default (30 s) would hold the first connection for the whole wait.
                await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() >= 2);
                await().atMost(Duration.ofSeconds(5)).until(() -> logs.at(Level.WARN).stream()
                        .anyMatch(m -> m.contains(endpoint) && m.contains("handshake")));
            } finally {
                reactor.close();
                reactor.terminated().get();
                for (Socket s : accepted) {
                    s.close();
                }
            }
        } finally {
            terminate(context);
        }
        assertTrue(accepted.size() >= 2, "dialled again after the stalled handshake: " + accepted.size());
    }

    @Test
    void aPeerThatGoesAwayAfterTheHandshakeIsNoWarning() throws Exception {
        ZMQ.Context context = ZMQ.context(1);
        ZMQ.Socket router = context.socket(SocketType.ROUTER);
        int port = router.bindToRandomPort("tcp://127.0.0.1");
        ZmqReactor reactor = new ZmqReactor(context, "handshake-test-2", 300);
        try (CapturedLogs logs = CapturedLogs.of(HandshakeWatch.class)) {
            String endpoint = "tcp://127.0.0.1:" + port;
            reactor.execute(() -> reactor.open(KernelReactor.Kind.DEALER, endpoint, null, frames -> { }).send(
                    List.of("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            router.setReceiveTimeOut(10_000);
            assertTrue(router.recv() != null && router.recv() != null, "the ROUTER got the DEALER's message");
            router.close(); // the DEALER sees its handshaken connection end, then dials a closed port
            // Longer than the handshake limit and several redials: a completed handshake never warns.
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                    .until(() -> logs.at(Level.WARN).isEmpty());
        } finally {
            reactor.close();
            reactor.terminated().get();
            terminate(context);
        }
    }

    /** JeroMQ's term may wait for ever on its reaper (a race of its own after a redial): the test does not. */
    private static void terminate(ZMQ.Context context) throws InterruptedException {
        Thread term = new Thread(context::term, "test-zmq-term");
        term.setDaemon(true);
        term.start();
        term.join(10_000);
    }
}
