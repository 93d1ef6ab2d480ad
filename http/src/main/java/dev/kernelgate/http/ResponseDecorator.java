package dev.kernelgate.http;

import io.netty.handler.codec.http.HttpHeaders;

/** Adds headers to every response of a face (errors, files, streams and preflights included). */
@FunctionalInterface
public interface ResponseDecorator {
    void decorate(Request request, HttpHeaders responseHeaders);
}
