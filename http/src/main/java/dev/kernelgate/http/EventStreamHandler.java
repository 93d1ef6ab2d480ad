package dev.kernelgate.http;

/** Starts an event stream; same threading contract as {@link StreamBody}. */
@FunctionalInterface
public interface EventStreamHandler {
    void start(EventStreamWriter events) throws Exception;
}
