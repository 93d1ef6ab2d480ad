package dev.kernelgate.runtime.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One place that runs sandboxes. Implementations are created once per server by their {@link SandboxRuntimeProvider}
 * and closed when the server stops.
 */
public interface SandboxRuntime extends AutoCloseable {

    /** The {@code [runtime] type} this runtime answers to: {@code local}, {@code docker}, {@code kubernetes}. */
    String type();

    /**
     * Checks what only this runtime can judge (an image reference it cannot run, a volume kind it does not support)
     * before anything is started; the service has already checked the request's shape.
     *
     * @throws SandboxException with a 4xx status for a request this runtime refuses
     */
    default void validate(SandboxSpec spec) {
    }

    /**
     * Starts the sandbox and returns once its execd answers, or throws. On failure the runtime removes whatever it
     * had started for this id before throwing.
     *
     * @return the state right after start, normally {@link SandboxState#RUNNING}
     * @throws SandboxException (5xx for runtime failures, 4xx for requests it cannot honour)
     */
    SandboxStatus create(SandboxSpec spec);

    /** The runtime's view of one sandbox; empty when it no longer exists there. */
    Optional<SandboxStatus> inspect(String id);

    /** Freezes every process of the sandbox. @throws SandboxException when it cannot */
    void pause(String id);

    /** Thaws a paused sandbox. @throws SandboxException when it cannot */
    void resume(String id);

    /** Removes the sandbox and every process and resource it had. Unknown ids are a no-op (idempotent). */
    void delete(String id);

    /**
     * How a client reaches {@code port} inside the sandbox, in upstream's form: {@code host:port[/path]} without a
     * scheme, plus headers the client must send. Must answer for every port (SDKs ask for 44772 and 18080).
     *
     * @throws SandboxException when the sandbox is unknown or not reachable
     */
    SandboxEndpoint endpoint(String id, int port);

    /**
     * Where the server itself reaches {@code port} inside the sandbox, for the server-side proxy: the same place a
     * client of {@link #endpoint} reaches, seen from the server's host (loopback, a published port, a Pod IP).
     *
     * @throws SandboxException when the sandbox is unknown (404) or cannot be reached
     */
    InternalEndpoint internalEndpoint(String id, int port);

    /** Tells the runtime the new deadline so it can persist it (labels, annotations); expiry itself is the service's. */
    default void expirationChanged(String id, Instant expiresAt) {
    }

    /** Tells the runtime the new metadata so it can persist it; the service keeps the authoritative copy. */
    default void metadataChanged(String id, Map<String, String> metadata) {
    }

    /**
     * Called once at server start, before any request: the sandboxes left by an earlier server that this runtime can
     * still manage, which the service adopts (with their deadlines). Anything it started and cannot manage any more
     * it reaps here, so nothing is orphaned.
     */
    List<RecoveredSandbox> recover();

    /** The image references of the sandboxes this runtime currently holds (for {@code list-images}). */
    List<String> images();

    /**
     * Stops the runtime. Runtimes whose sandboxes cannot outlive the server (local child processes) remove them all;
     * container runtimes may leave them for {@link #recover()} on the next start.
     */
    @Override
    void close();
}
