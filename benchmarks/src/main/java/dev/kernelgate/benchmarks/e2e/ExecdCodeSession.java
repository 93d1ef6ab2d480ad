package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.time.Duration;

/** A {@link KernelSession} over execd's {@code POST /code} on one context: done when the event stream ends. */
final class ExecdCodeSession implements KernelSession {
    private final RawHttpClient http;
    private final String contextId;

    ExecdCodeSession(RawHttpClient http, String contextId) {
        this.http = http;
        this.contextId = contextId;
    }

    @Override
    public Outcome execute(String code, Duration timeout) throws Exception {
        long start = System.nanoTime();
        RawHttpClient.Response response = http.postJson("/code", "{\"context\":{\"id\":\"" + contextId
                + "\",\"language\":\"python\"},\"code\":" + dev.kernelgate.wire.Json.MAPPER.writeValueAsString(code)
                + "}");
        double millis = (System.nanoTime() - start) / 1e6;
        if (response.status() != 200 || !response.body().contains("execution_complete")) {
            throw new IOException("/code answered " + response.status() + ": " + response.body());
        }
        return new Outcome(millis, 0, 0, response.body().contains("\"type\":\"error\"") ? "error" : "ok");
    }

    @Override
    public Outcome executeOrPartial(String code, Duration timeout) throws Exception {
        return execute(code, timeout);
    }

    @Override
    public void close() {
        // the client's socket is closed by its owner
    }
}
