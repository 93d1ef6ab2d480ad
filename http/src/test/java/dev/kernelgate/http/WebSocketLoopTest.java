package dev.kernelgate.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket accepted with a loop of the server's shared {@link EventLoops} lives on that loop from its open on:
 * every event arrives there, and echoes sent from there keep their order, whichever loop accepted it.
 */
class WebSocketLoopTest {
    private static final int SOCKETS = 12;
    private static final int MESSAGES = 200;

    @Test
    void aSocketMovesToTheLoopItsAcceptanceNames() throws Exception {
        ExecutorService blocking = Executors.newFixedThreadPool(2);
        try (EventLoops loops = new EventLoops(4, "ws-loop-test")) {
            EventLoop target = loops.group().next();
            ConcurrentLinkedQueue<String> wrongThread = new ConcurrentLinkedQueue<>();
            WebSocketListener echo = new WebSocketListener() {
                private void check(String event) {
                    if (!target.inEventLoop()) {
                        wrongThread.add(event + " on " + Thread.currentThread().getName());
                    }
                }

                @Override
                public void onOpen(WebSocketSession session) {
                    check("open");
                }

                @Override
                public void onText(WebSocketSession session, String text) {
                    check("text");
                    session.sendText(text);
                }

                @Override
                public void onBinary(WebSocketSession session, ByteBuf data) {
                    check("binary");
                }

                @Override
                public void onClose(WebSocketSession session, int code, String reason) {
                    check("close");
                }
            };
            Routes routes = Routes.builder()
                    .ws("/moved", request -> WebSocketAcceptance.of(null, echo).onLoop(target).completed())
                    .build();
            RunningServer server = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), routes, blocking, loops)
                    .start();
            try {
                HttpClient client = HttpClient.newHttpClient();
                List<WebSocket> sockets = new ArrayList<>();
                List<BlockingQueue<String>> received = new ArrayList<>();
                for (int s = 0; s < SOCKETS; s++) {
                    BlockingQueue<String> texts = new LinkedBlockingQueue<>();
                    received.add(texts);
                    sockets.add(client.newWebSocketBuilder()
                            .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/moved"), new Collector(texts))
                            .get(10, TimeUnit.SECONDS));
                }
                for (int i = 0; i < MESSAGES; i++) {
                    for (WebSocket ws : sockets) {
                        ws.sendText("m" + i, true).get(10, TimeUnit.SECONDS);
                    }
                }
                for (BlockingQueue<String> texts : received) {
                    for (int i = 0; i < MESSAGES; i++) {
                        assertEquals("m" + i, texts.poll(10, TimeUnit.SECONDS), "echoes in order");
                    }
                }
                for (WebSocket ws : sockets) {
                    ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> sockets.stream().allMatch(WebSocket::isInputClosed));
                assertTrue(wrongThread.isEmpty(), "events off the named loop: " + wrongThread);
            } finally {
                server.close();
            }
            // The server does not own shared loops: they still run after it closed.
            assertTrue(!loops.group().isShuttingDown(), "the shared loops outlive the server");
        } finally {
            blocking.shutdownNow();
        }
    }

    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> texts;
        private final StringBuilder text = new StringBuilder();

        Collector(BlockingQueue<String> texts) {
            this.texts = texts;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
