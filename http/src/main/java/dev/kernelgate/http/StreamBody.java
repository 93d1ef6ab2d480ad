package dev.kernelgate.http;

/**
 * Produces a streamed response body. {@link #start} runs on the connection's event loop and must not
 * block: it hands the writer to whatever produces the data (which may write from any thread).
 * Throwing before the first byte yields a normal error response.
 */
@FunctionalInterface
public interface StreamBody {
    void start(BodyWriter out) throws Exception;
}
