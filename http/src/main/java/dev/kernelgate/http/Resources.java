package dev.kernelgate.http;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server started, closed in reverse order: when it stops (a failure is logged and the rest still close), or
 * when its start fails half-way (failures are added to the start's exception). Not thread-safe: built by the thread
 * that starts the server.
 */
public final class Resources {
    private static final Logger log = LoggerFactory.getLogger(Resources.class);

    private final List<AutoCloseable> started = new ArrayList<>();

    public void add(AutoCloseable resource) {
        started.add(resource);
    }

    /** Closes everything, last added first; logs what fails. */
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("closing {}", started.get(i), e);
            }
        }
    }

    /** Closes everything after a failed start; what fails to close is added to {@code failure}. */
    public void closeAfter(Exception failure) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
    }
}
