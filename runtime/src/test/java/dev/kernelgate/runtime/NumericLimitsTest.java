package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Numbers too large for the server (a timeout that overflows the clock, quantities beyond a long, exponents beyond an
 * int) are the client's mistake: a 4xx in upstream's {@code {"code","message"}} shape naming the field, never a 500.
 * The server has no timeout cap here, so the overflow itself is what is checked.
 */
class NumericLimitsTest {
    @TempDir
    static Path state;
    static LifecycleServer.Running server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServers.start(state);
        api = new ApiClient(server.baseUrl(), TestServers.API_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertRefused(ApiClient.Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.raw().body());
        assertEquals("SANDBOX::INVALID_PARAMETER", reply.body().path("code").asText(), reply.raw().body());
        assertTrue(reply.body().path("message").asText().contains(field), reply.raw().body());
        assertFalse(reply.raw().body().contains("xception"), reply.raw().body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "timeout 2^63-1            | \"timeout\":9223372036854775807                       | 400 | timeout",
        "timeout 2^64              | \"timeout\":18446744073709551616                      | 400 | timeout",
        "timeout -2^64             | \"timeout\":-18446744073709551616                     | 422 | timeout",
        "timeout 1e308             | \"timeout\":1e308                                     | 422 | timeout",
        "cpu 1e308                 | \"resourceLimits\":{\"cpu\":\"1e308\"}                  | 400 | resourceLimits.cpu",
        "cpu 2^63 cores            | \"resourceLimits\":{\"cpu\":\"9223372036854775807\"}    | 400 | resourceLimits.cpu",
        "cpu exponent over an int  | \"resourceLimits\":{\"cpu\":\"1e99999999999\"}          | 400 | resourceLimits.cpu",
        "memory 1e308              | \"resourceLimits\":{\"memory\":\"1e308\"}               | 400 | resourceLimits.memory",
        "memory 2^64 Gi            | \"resourceLimits\":{\"memory\":\"18446744073709551616Gi\"} | 400 | resourceLimits.memory",
        "memory huge exponent      | \"resourceLimits\":{\"memory\":\"1e999999999\"}         | 400 | resourceLimits.memory",
        "gpu over an int           | \"resourceLimits\":{\"gpu\":\"18446744073709551616\"}   | 400 | resourceLimits.gpu",
        "other exponent over an int| \"resourceLimits\":{\"ephemeral-storage\":\"1e99999999999\"} | 400 | resourceLimits.ephemeral-storage",
    })
    void outOfRangeNumbersInACreateRequestAre4xxNamingTheField(String name, String field, int status, String named) {
        ApiClient.Reply reply = api.post("/v1/sandboxes",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sh\"]," + field + "}");
        assertRefused(reply, status, named);
        assertEquals(0, api.get("/v1/sandboxes").body().path("items").size(), "nothing was created");
    }

    @Test
    void outOfRangePagingAndPortsAre4xxNamingTheField() {
        assertRefused(api.get("/v1/sandboxes?pageSize=18446744073709551616"), 422, "pageSize");
        assertRefused(api.get("/v1/sandboxes?page=9223372036854775808"), 422, "page");
        ApiClient.Reply port = api.get("/v1/sandboxes/x/endpoints/18446744073709551616");
        assertEquals(400, port.status(), port.raw().body());
        assertTrue(port.body().path("message").asText().contains("Port"), port.raw().body());
    }

    @Test
    void aRenewalBeyondWhatTheServerCanScheduleIsRefused() {
        ApiClient.Reply created = api.post("/v1/sandboxes",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"sleep\",\"600\"],\"timeout\":600}");
        assertEquals(202, created.status(), created.raw().body());
        String id = created.body().path("id").asText();
        try {
            ApiClient.Reply far = api.post("/v1/sandboxes/" + id + "/renew-expiration",
                    "{\"expiresAt\":\"+999999999-12-31T23:59:59Z\"}");
            assertRefused(far, 422, "expiresAt");
            assertEquals(200, api.get("/v1/sandboxes/" + id).status());
        } finally {
            assertEquals(204, api.delete("/v1/sandboxes/" + id).status());
        }
    }
}
