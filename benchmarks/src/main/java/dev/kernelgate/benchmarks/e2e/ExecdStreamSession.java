package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A {@link KernelSession} over one of execd's streaming routes ({@code POST /code}, {@code POST /command}): a request
 * is done when its event stream ends, which execd does after {@code execution_complete}.
 */
final class ExecdStreamSession implements KernelSession {
    private final RawHttpClient http;
    private final String path;
    private final UnaryOperator<String> body;
    private final boolean ownsHttp;

    /** {@code body} turns the code to run into the route's JSON request; {@code ownsHttp}: close it with this. */
    ExecdStreamSession(RawHttpClient http, String path, UnaryOperator<String> body, boolean ownsHttp) {
        this.http = http;
        this.path = path;
        this.body = body;
        this.ownsHttp = ownsHttp;
    }

    /** {@code POST /code} on context {@code contextId} of {@code language}; closing it closes {@code http}. */
    static ExecdStreamSession code(RawHttpClient http, String contextId, String language) {
        return new ExecdStreamSession(http, "/code", code -> "{\"context\":{\"id\":\"" + contextId
                + "\",\"language\":\"" + language + "\"},\"code\":" + quoted(code) + "}", true);
    }

    /** {@code POST /command}, the code being a shell command line. */
    static ExecdStreamSession command(RawHttpClient http) {
        return new ExecdStreamSession(http, "/command", command -> "{\"command\":" + quoted(command) + "}", false);
    }

    private static String quoted(String text) {
        return dev.kernelgate.wire.Json.MAPPER.getNodeFactory().textNode(text).toString();
    }

    @Override
    public Outcome execute(String code, Duration timeout) throws Exception {
        long start = System.nanoTime();
        RawHttpClient.Response response = http.postJson(path, body.apply(code));
        double millis = (System.nanoTime() - start) / 1e6;
        if (response.status() != 200 || !response.body().contains("execution_complete")) {
            throw new IOException(path + " answered " + response.status() + ": " + response.body());
        }
        return new Outcome(millis, 0, 0, response.body().contains("\"type\":\"error\"") ? "error" : "ok");
    }

    @Override
    public Outcome executeOrPartial(String code, Duration timeout) throws Exception {
        return execute(code, timeout);
    }

    @Override
    public void close() {
        if (ownsHttp) {
            try {
                http.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
