package dev.kernelgate.http;

import java.util.concurrent.CompletionStage;

/**
 * Decides per request where a port proxy forwards it, e.g. from the request's path parameters
 * ({@link Request#pathParam}) to a sandbox's address. Called on the connection's event loop after the face's token
 * check and with a valid {@code {port}}: it must not block (blocking look-ups go to
 * {@link Request#blockingExecutor()}). A stage failed with an {@link HttpError}, or with anything the face's
 * {@link ErrorRenderer} maps, is answered in the face's format instead of forwarding.
 */
@FunctionalInterface
public interface ProxyResolver {

    CompletionStage<ProxyTarget> resolve(Request request, int port);
}
