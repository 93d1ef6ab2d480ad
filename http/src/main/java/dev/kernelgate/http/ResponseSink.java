package dev.kernelgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.Future;
import java.util.List;

/**
 * What a writer of one kind of response (a file, a stream) needs of its exchange: the connection, the request it
 * answers, and the exchange's bookkeeping. Called on the connection's event loop, except {@link #sendError}.
 */
interface ResponseSink {
    ChannelHandlerContext ctx();

    Request request();

    ServerContext server();

    /** A HEAD request: headers as for GET, no body. */
    boolean isHead();

    boolean isTls();

    /** Adds the face's headers (CORS, ...), the response's own and the keep-alive decision to {@code res}. */
    void prepareHead(HttpResponse res, List<Header> headers);

    /** The head is on its way: a later failure can no longer become an error response. */
    void markStarted();

    /** Bodies without a length (streams to HTTP/1.0 clients) end with the connection. */
    void disableKeepAlive();

    /** Listener for the last write of a response. */
    void completed(Future<?> future);

    /** Answers with an error, or closes the connection when the head is already out; from any thread. */
    void sendError(Throwable failure);

    /** Ends the exchange by closing the connection. */
    void abort();
}
