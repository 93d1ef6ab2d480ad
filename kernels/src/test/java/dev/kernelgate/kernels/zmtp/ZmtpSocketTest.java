package dev.kernelgate.kernels.zmtp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.MessageFactory;
import dev.kernelgate.wire.Signer;
import dev.kernelgate.wire.WireMessage;
import dev.kernelgate.wire.ZmqCodec;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The ZMTP transport against peers we did not write: JeroMQ's ROUTER and PUB in this JVM, and a real ipykernel
 * (libzmq) answering kernel_info_request on its shell and broadcasting on its IOPub.
 */
class ZmtpSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private ZContext zmq;
    private final List<ZmtpSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        zmq = new ZContext();
    }

    @AfterEach
    void stop() throws Exception {
        onLoop(() -> {
            sockets.forEach(ZmtpSocket::close);
            return null;
        });
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        zmq.close();
    }

    @Test
    void aDealerTalksToJeroMqsRouterWithItsIdentityAndLongFrames() throws Exception {
        ZMQ.Socket router = zmq.createSocket(SocketType.ROUTER);
        int port = router.bindToRandomPort("tcp://127.0.0.1");
        List<List<byte[]>> received = Collections.synchronizedList(new ArrayList<>());
        ZmtpSocket dealer = open(ZmtpSocket.Type.DEALER, port, "client-1".getBytes(StandardCharsets.UTF_8),
                received::add);
        byte[] big = new byte[70_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        // Sent before the handshake is done: queued, then delivered in order.
        onLoop(() -> dealer.send(List.of(bytes("first"), big)));
        onLoop(() -> dealer.send(List.of(bytes("second"))));

        ZMsg first = ZMsg.recvMsg(router);
        assertEquals("client-1", first.pop().getString(StandardCharsets.UTF_8), "the identity we announced");
        assertEquals("first", first.pop().getString(StandardCharsets.UTF_8));
        assertArrayEquals(big, first.pop().getData());
        ZMsg second = ZMsg.recvMsg(router);
        second.pop();
        assertEquals("second", second.pop().getString(StandardCharsets.UTF_8));

        router.sendMore("client-1");
        router.sendMore("reply");
        router.send(big);
        await().atMost(WAIT).until(() -> received.size() == 1);
        assertEquals("reply", new String(received.get(0).get(0), StandardCharsets.UTF_8));
        assertArrayEquals(big, received.get(0).get(1));
    }

    @Test
    void aSubReceivesEveryBroadcastInOrderOnceSubscribed() throws Exception {
        ZMQ.Socket pub = zmq.createSocket(SocketType.PUB);
        pub.setSndHWM(0); // a PUB drops past its high-water mark: the test is about the SUB
        int port = pub.bindToRandomPort("tcp://127.0.0.1");
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        open(ZmtpSocket.Type.SUB, port, null, m -> received.add(new String(m.get(0), StandardCharsets.UTF_8)));
        // A subscription takes a moment to reach the publisher: publish until the first message arrives.
        await().atMost(WAIT).until(() -> {
            pub.send("hello");
            return !received.isEmpty();
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            pub.send("m" + i);
            expected.add("m" + i);
        }
        await().atMost(WAIT).until(() -> broadcasts(received).size() >= expected.size());
        assertEquals(expected, broadcasts(received));
    }

    @Test
    void aDroppedConnectionIsDialledAgain() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ZMQ.Socket router = zmq.createSocket(SocketType.ROUTER);
        router.bind("tcp://127.0.0.1:" + port);
        ZmtpSocket dealer = open(ZmtpSocket.Type.DEALER, port, bytes("again"), m -> { });
        onLoop(() -> dealer.send(List.of(bytes("one"))));
        assertEquals("one", frame(ZMsg.recvMsg(router), 1));

        router.setLinger(0);
        router.close();
        await().atMost(WAIT).until(() -> !onLoop(dealer::isReady));
        ZMQ.Socket second = zmq.createSocket(SocketType.ROUTER);
        second.bind("tcp://127.0.0.1:" + port);
        await().atMost(WAIT).until(() -> onLoop(dealer::isReady));
        onLoop(() -> dealer.send(List.of(bytes("two"))));
        assertEquals("two", frame(ZMsg.recvMsg(second), 1));
    }

    @Test
    void aPeerThatIsNotZmtpIsDroppedAndDialledAgain() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            server.setSoTimeout((int) WAIT.toMillis());
            ZmtpSocket dealer = open(ZmtpSocket.Type.DEALER, server.getLocalPort(), null, m -> { });
            for (int attempt = 1; attempt <= 2; attempt++) {
                try (java.net.Socket peer = server.accept()) {
                    byte[] greeting = peer.getInputStream().readNBytes(ZmtpGreeting.LENGTH);
                    assertEquals(ZmtpGreeting.LENGTH, greeting.length, "our greeting, whole");
                    assertEquals(null, ZmtpGreeting.problem(greeting), "our greeting is valid ZMTP 3");
                    peer.getOutputStream().write(("HTTP/1.1 400 Bad Request\r\n" + "x".repeat(64))
                            .getBytes(StandardCharsets.US_ASCII));
                    peer.getOutputStream().flush();
                    // The client hangs up on the bad greeting; the next accept proves it dialled again.
                    assertEquals(-1, peer.getInputStream().read(), "connection dropped on a bad greeting");
                }
            }
            assertTrue(!onLoop(dealer::isReady));
        }
    }

    @Test
    void ipykernelAnswersKernelInfoAndBroadcastsItsStatus() throws Exception {
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", freePort(), freePort(), freePort(), freePort(),
                freePort(), UUID.randomUUID().toString(), "hmac-sha256", "python3");
        Path file = dir.resolve("kernel.json");
        ConnectionFile.write(file, info);
        Process kernel = new ProcessBuilder("/usr/bin/python3", "-m", "ipykernel_launcher", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("kernel.log").toFile()).start();
        try {
            Signer signer = info.signer();
            CompletableFuture<WireMessage> reply = new CompletableFuture<>();
            List<String> iopub = Collections.synchronizedList(new ArrayList<>());
            open(ZmtpSocket.Type.SUB, info.iopubPort(), null, frames -> iopub.add(decode(frames, signer).msgType()));
            ZmtpSocket shell = open(ZmtpSocket.Type.DEALER, info.shellPort(), bytes("session-1"),
                    frames -> reply.complete(decode(frames, signer)));
            MessageFactory messages = new MessageFactory("session-1", "test");
            // The kernel may not listen yet: the socket dials until it does, the request waits in its queue.
            onLoop(() -> shell.send(ZmqCodec.encode(
                    messages.request("kernel_info_request", Json.object()).toWire(), signer)));
            WireMessage answer = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("kernel_info_reply", answer.msgType());
            assertEquals("python", Json.MAPPER.readTree(answer.content()).path("language_info").path("name").asText());
            await().atMost(WAIT).until(() -> iopub.contains("status"));
        } finally {
            kernel.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What arrived after the subscription was proven ("hello" messages may still trickle in). */
    private static List<String> broadcasts(List<String> received) {
        synchronized (received) {
            return received.stream().filter(m -> !"hello".equals(m)).toList();
        }
    }

    private ZmtpSocket open(ZmtpSocket.Type type, int port, byte[] identity, java.util.function.Consumer<List<byte[]>>
            onMessage) throws Exception {
        ZmtpSocket socket = new ZmtpSocket(loop, type, "127.0.0.1", port, identity, 5000, onMessage);
        onLoop(() -> {
            socket.connect();
            sockets.add(socket);
            return null;
        });
        return socket;
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static WireMessage decode(List<byte[]> frames, Signer signer) {
        try {
            return ZmqCodec.decode(frames, signer, null);
        } catch (Exception e) {
            throw new AssertionError("undecodable kernel message: " + HexFormat.of().formatHex(frames.get(0)), e);
        }
    }

    private static String frame(ZMsg message, int index) {
        return new String(message.toArray(new org.zeromq.ZFrame[0])[index].getData(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
