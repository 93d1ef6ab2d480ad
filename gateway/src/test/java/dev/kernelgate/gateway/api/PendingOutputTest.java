package dev.kernelgate.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ChannelMessage;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import dev.kernelgate.wire.MessageFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingOutputTest {
    private final MessageFactory factory = new MessageFactory("kernel-session", "k");

    private ChannelMessage message(Channel channel, String type, String text) {
        var content = Json.object();
        content.put("name", "stdout");
        content.put("text", text);
        Message m = factory.request(type, content);
        return new ChannelMessage(channel, m.toWire());
    }

    private static JsonNode content(ChannelMessage m) throws Exception {
        return Json.MAPPER.readTree(m.message().content());
    }

    @Test
    void belowTheBoundEverythingComesOutInOrder() {
        PendingOutput pending = new PendingOutput(1 << 20, "s");
        List<ChannelMessage> in = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ChannelMessage m = message(i % 3 == 0 ? Channel.SHELL : Channel.IOPUB, "stream", "line " + i);
            in.add(m);
            pending.add(m);
        }
        for (ChannelMessage m : in) {
            assertSame(m, pending.poll());
        }
        assertNull(pending.poll());
        assertEquals(0, pending.bytes());
    }

    @Test
    void pastTheBoundTheOldestOutputGivesWayToANoticeInItsPlaceAndRepliesStay() throws Exception {
        long bound = 64 * 1024;
        PendingOutput pending = new PendingOutput(bound, "client-session");
        ChannelMessage busy = message(Channel.IOPUB, "status", "");
        pending.add(busy);
        String text = "x".repeat(1000);
        for (int i = 0; i < 1000; i++) {
            pending.add(message(Channel.IOPUB, "stream", i + " " + text));
        }
        ChannelMessage reply = message(Channel.SHELL, "execute_reply", "");
        pending.add(reply);
        assertTrue(pending.bytes() <= bound, "held " + pending.bytes() + " bytes, bound " + bound);

        assertSame(busy, pending.poll(), "what came before the dropped output stays first");
        ChannelMessage notice = pending.poll();
        assertEquals("stream", notice.message().msgType());
        assertEquals("stderr", content(notice).path("name").asText());
        String said = content(notice).path("text").asText();
        assertTrue(said.contains("were dropped") && said.contains("at most"), said);
        assertEquals("client-session", Json.MAPPER.readTree(notice.message().header()).path("session").asText());
        int dropped = Integer.parseInt(said.replaceAll("^\\[kernelgate\\] (\\d+) .*\\s*$", "$1").trim());

        // Then the newest output, in order and without a gap, and the reply.
        int expected = dropped;
        ChannelMessage next;
        while ((next = pending.poll()) != reply) {
            assertEquals(expected + " " + text, content(next).path("text").asText());
            expected++;
        }
        assertEquals(1000, expected, "every message is either dropped and counted, or delivered");
        assertNull(pending.poll());
    }

    @Test
    void aSecondRunOfDropsAfterTheNoticeWasTakenGetsANoticeOfItsOwn() throws Exception {
        PendingOutput pending = new PendingOutput(16 * 1024, "s");
        String text = "y".repeat(1000);
        for (int i = 0; i < 100; i++) {
            pending.add(message(Channel.IOPUB, "stream", text));
        }
        assertTrue(content(pending.poll()).path("text").asText().contains("were dropped"));
        while (pending.size() > 0) {
            pending.poll();
        }
        for (int i = 0; i < 100; i++) {
            pending.add(message(Channel.IOPUB, "stream", text));
        }
        assertTrue(content(pending.poll()).path("text").asText().contains("were dropped"));
    }

    @Test
    void repliesAreNeverDroppedEvenPastTheBound() {
        PendingOutput pending = new PendingOutput(1024, "s");
        for (int i = 0; i < 100; i++) {
            pending.add(message(Channel.SHELL, "execute_reply", "z".repeat(100)));
        }
        assertEquals(100, pending.size());
    }
}
