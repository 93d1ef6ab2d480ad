package dev.kernelgate.benchmarks.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import org.junit.jupiter.api.Test;

/** The spliced header is the JSON a serialiser would write, with the message's own id. */
class HeaderTemplateTest {
    @Test
    void everyNumberMakesAValidHeaderWithItsOwnId() throws Exception {
        HeaderTemplate template = new HeaderTemplate("s-1_", "s-1", "stream", "2026-01-02T03:04:05.000006Z");
        for (long n : new long[] {0, 7, 10, 99, 100, 123_456_789_012L, Long.MAX_VALUE}) {
            JsonNode header = Json.MAPPER.readTree(template.header(n));
            assertEquals("s-1_" + n, header.path("msg_id").asText());
            assertEquals("s-1", header.path("session").asText());
            assertEquals("stream", header.path("msg_type").asText());
            assertEquals("2026-01-02T03:04:05.000006Z", header.path("date").asText());
            assertEquals("5.3", header.path("version").asText());
            assertEquals(6, header.size());
        }
    }
}
