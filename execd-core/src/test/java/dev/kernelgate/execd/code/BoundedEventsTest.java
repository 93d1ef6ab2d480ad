package dev.kernelgate.execd.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.StreamEvent;
import dev.kernelgate.http.BodyWriter;
import dev.kernelgate.http.EventStreamWriter;
import dev.kernelgate.http.JsonCodec;
import dev.kernelgate.http.Responses;
import dev.kernelgate.wire.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BoundedEventsTest {

    @Test
    void aClientThatKeepsUpGetsEveryEventAtOnceInOrder() throws Exception {
        FakeClient client = new FakeClient();
        BoundedEvents out = new BoundedEvents(client.writer(), 1 << 20);
        for (int i = 0; i < 1000; i++) {
            out.send(StreamEvent.stdout("line " + i + "\n"));
        }
        out.end(StreamEvent.complete(1));
        List<JsonNode> events = client.events();
        assertEquals(1001, events.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals("line " + i + "\n", events.get(i).path("text").asText());
        }
        assertEquals("execution_complete", events.get(1000).path("type").asText());
        assertTrue(client.ended);
    }

    @Test
    void aSlowClientGetsANoticeWhereOutputWasDroppedPastTheBoundThenTheRestInOrder() throws Exception {
        FakeClient client = new FakeClient();
        long bound = 64 * 1024;
        BoundedEvents out = new BoundedEvents(client.writer(), bound);
        out.send(StreamEvent.stdout("first\n"));
        client.writable = false; // the client stops reading
        String text = "x".repeat(1000);
        for (int i = 0; i < 1000; i++) {
            out.send(StreamEvent.stdout(i + " " + text));
        }
        out.send(StreamEvent.result(Json.object().put("text", "42")));
        out.end(StreamEvent.complete(1));
        assertEquals(1, client.events().size(), "nothing more while the client does not read");
        assertTrue(!client.ended, "the end waits for the events before it");

        client.becomeWritable();
        List<JsonNode> events = client.events();
        assertEquals("first\n", events.get(0).path("text").asText());
        JsonNode notice = events.get(1);
        assertEquals("stderr", notice.path("type").asText());
        String said = notice.path("text").asText();
        assertTrue(said.contains("were dropped") && said.contains("at most"), said);
        int dropped = Integer.parseInt(said.replaceAll("^\\[kernelgate\\] (\\d+) .*\\s*$", "$1").trim());
        int expected = dropped;
        for (JsonNode e : events.subList(2, events.size() - 2)) {
            assertEquals(expected + " " + text, e.path("text").asText());
            expected++;
        }
        assertEquals(1000, expected, "every event is either dropped and counted, or delivered");
        assertEquals("42", events.get(events.size() - 2).path("results").path("text").asText(),
                "results are never dropped");
        assertEquals("execution_complete", events.get(events.size() - 1).path("type").asText());
        assertTrue(client.ended);
    }

    @Test
    void aClientThatLeavesDiscardsWhatWaits() throws Exception {
        FakeClient client = new FakeClient();
        BoundedEvents out = new BoundedEvents(client.writer(), 1 << 20);
        client.writable = false;
        out.send(StreamEvent.stdout("never read\n"));
        client.leave();
        client.writable = true;
        out.send(StreamEvent.stdout("after leaving\n"));
        out.end(StreamEvent.complete(1));
        assertEquals(0, client.events().size());
    }

    /** A client connection on the calling thread: records what is written, readable or not at will. */
    private static final class FakeClient implements BodyWriter {
        final List<byte[]> chunks = new ArrayList<>();
        final List<Runnable> onWritable = new ArrayList<>();
        final List<Runnable> onDisconnect = new ArrayList<>();
        boolean writable = true;
        boolean open = true;
        boolean ended;

        EventStreamWriter writer() throws Exception {
            AtomicReference<EventStreamWriter> writer = new AtomicReference<>();
            Responses.eventStream(writer::set).body().start(this);
            return writer.get();
        }

        void becomeWritable() {
            writable = true;
            onWritable.forEach(Runnable::run);
        }

        void leave() {
            open = false;
            onDisconnect.forEach(Runnable::run);
        }

        List<JsonNode> events() throws Exception {
            List<JsonNode> events = new ArrayList<>();
            for (byte[] chunk : chunks) {
                events.add(Json.MAPPER.readTree(new String(chunk, StandardCharsets.UTF_8).trim()));
            }
            return events;
        }

        @Override
        public boolean write(ByteBuf chunk) {
            byte[] bytes = new byte[chunk.readableBytes()];
            chunk.readBytes(bytes);
            chunk.release();
            if (open) {
                chunks.add(bytes);
            }
            return open;
        }

        @Override
        public boolean write(byte[] bytes) {
            chunks.add(bytes);
            return open;
        }

        @Override
        public void end() {
            ended = true;
            open = false;
        }

        @Override
        public void fail(Throwable error) {
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public void onWritable(Runnable callback) {
            onWritable.add(callback);
        }

        @Override
        public void onDisconnect(Runnable callback) {
            onDisconnect.add(callback);
        }

        @Override
        public EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public JsonCodec json() {
            return JsonCodec.defaults();
        }
    }
}
