package dev.kernelgate.execd.code;

import dev.kernelgate.kernels.KernelClient;
import java.util.concurrent.atomic.AtomicBoolean;

/** A code context: one kernel of the embedded manager and the client that runs code in it, one run at a time. */
final class CodeContext {
    private final String id;
    private final String language;
    private final String cwd;
    private final KernelClient client;
    private final AtomicBoolean busy = new AtomicBoolean();

    CodeContext(String id, String language, String cwd, KernelClient client) {
        this.id = id;
        this.language = language;
        this.cwd = cwd;
        this.client = client;
    }

    String id() {
        return id;
    }

    String language() {
        return language;
    }

    String cwd() {
        return cwd;
    }

    KernelClient client() {
        return client;
    }

    boolean tryAcquire() {
        return busy.compareAndSet(false, true);
    }

    void release() {
        busy.set(false);
    }
}
