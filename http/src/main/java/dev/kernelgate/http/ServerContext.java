package dev.kernelgate.http;

import java.util.concurrent.Executor;

/** What every connection of one server shares. */
record ServerContext(HttpServerConfig config, Routes routes, Dispatcher dispatcher, Executor blockingExecutor) {

    boolean tls() {
        return config.tls() != null;
    }
}
