package dev.kernelgate.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ChannelMessage;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IopubRateLimitTest {
    private final MessageFactory factory = new MessageFactory("kernel-session", "k");
    private final AtomicLong clock = new AtomicLong();

    private ChannelMessage iopub(String type) {
        Message m = factory.request(type, Json.object());
        return new ChannelMessage(Channel.IOPUB, m.toWire());
    }

    @Test
    void offByDefaultNothingIsDropped() {
        IopubRateLimit off = new IopubRateLimit(0, "s", clock::get);
        for (int i = 0; i < 100_000; i++) {
            ChannelMessage m = iopub("stream");
            assertSame(m, off.filter(m));
        }
    }

    @Test
    void aboveTheLimitOutputIsDroppedWithOneNoticeAndResumesBelowEightyPercent() throws Exception {
        IopubRateLimit limit = new IopubRateLimit(10, "client-session", clock::get);
        int delivered = 0;
        int notices = 0;
        for (int i = 0; i < 100; i++) {
            ChannelMessage out = limit.filter(iopub("stream"));
            if (out != null) {
                if (Json.parseObject(out.message().content(), "c").path("text").asText().contains("rate exceeded")) {
                    notices++;
                    assertEquals("client-session", Json.MAPPER.readTree(out.message().header()).get("session")
                            .asText());
                } else {
                    delivered++;
                }
            }
        }
        assertEquals(1, notices);
        assertEquals(30, delivered, "30 messages fit in a 3 s window at 10/s");
        ChannelMessage status = iopub("status");
        assertSame(status, limit.filter(status), "status is never limited");
        ChannelMessage shell = new ChannelMessage(Channel.SHELL, factory.request("execute_reply", Json.object())
                .toWire());
        assertSame(shell, limit.filter(shell));
        assertNull(limit.filter(iopub("stream")));
        clock.addAndGet(4_000_000_000L);
        assertTrue(limit.filter(iopub("stream")) != null, "a new quiet window lets output through again");
    }
}
