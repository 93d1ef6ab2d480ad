package dev.kernelgate.runtime.local;

import dev.kernelgate.kernels.DaemonThreads;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Children started and warmed before anyone asks for a sandbox. A JVM takes about a second to start execd cold on
 * this class of machine, most of it class loading and compilation; a warmed child starts its execd in a fraction
 * of that. Taking a child starts its replacement in the background.
 */
final class WarmPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    private final int size;
    private final ChildLauncher launcher;
    private final Consumer<ChildLauncher.Child> discard;
    private final List<ChildLauncher.Child> idle = new ArrayList<>();
    private final ExecutorService refill = Executors.newSingleThreadExecutor(DaemonThreads.named("local-pool"));
    private boolean closed;

    /** @param discard removes a child that will never be used (its processes and directory) */
    WarmPool(int size, ChildLauncher launcher, Consumer<ChildLauncher.Child> discard) {
        this.size = size;
        this.launcher = launcher;
        this.discard = discard;
    }

    void start() {
        if (size > 0) {
            refill.execute(this::fill);
        }
    }

    /** A warmed, live child, if one is ready; the pool refills behind it. */
    Optional<ChildLauncher.Child> take() {
        ChildLauncher.Child found = null;
        List<ChildLauncher.Child> dead = new ArrayList<>();
        synchronized (this) {
            for (Iterator<ChildLauncher.Child> it = idle.iterator(); it.hasNext(); ) {
                ChildLauncher.Child c = it.next();
                if (!c.process().isAlive()) {
                    it.remove();
                    dead.add(c);
                } else if (found == null && Files.exists(c.dir().file(SandboxDirectory.READY))) {
                    it.remove();
                    found = c;
                }
            }
        }
        dead.forEach(discard);
        if (size > 0 && (found != null || !dead.isEmpty())) {
            try {
                refill.execute(this::fill);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
        return Optional.ofNullable(found);
    }

    private void fill() {
        while (true) {
            synchronized (this) {
                if (closed || idle.size() >= size) {
                    return;
                }
            }
            try {
                ChildLauncher.Child child = launcher.spawn(ChildLauncher.Mode.WARM);
                boolean keep;
                synchronized (this) {
                    keep = !closed;
                    if (keep) {
                        idle.add(child);
                    }
                }
                if (!keep) {
                    discard.accept(child);
                }
            } catch (Exception e) {
                log.warn("cannot start a warm child execd: {}", e.toString());
                return;
            }
        }
    }

    @Override
    public void close() {
        List<ChildLauncher.Child> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
        }
        refill.shutdownNow();
        all.forEach(discard);
    }
}
