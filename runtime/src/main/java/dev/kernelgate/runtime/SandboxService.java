package dev.kernelgate.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle: the authoritative list of sandboxes, their state machine, deadlines and metadata, over one
 * {@link SandboxRuntime}. Every method may block on the runtime; call it off event loops. Operations on one
 * sandbox are serialized by its own lock, so the runtime never sees two changes for one id at once; only the
 * read-only {@link SandboxRuntime#internalEndpoint} runs beside them (the server proxy's look-up must not wait
 * behind a pause or a create).
 */
public final class SandboxService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SandboxService.class);
    /** How long a sandbox that failed to start stays listed, as upstream's {@code PENDING_FAILURE_TTL}. */
    static final java.time.Duration FAILED_START_TTL = java.time.Duration.ofHours(1);

    private final SandboxRuntime runtime;
    private final CreateRequestParser parser;
    private final CreateRequestParser.Policy policy;
    private final ErrorCodes codes;
    private final Clock clock;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final List<Consumer<String>> stateListeners = new CopyOnWriteArrayList<>();

    /** One sandbox: its current record and the lock its operations take. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile SandboxRecord record;
        volatile boolean removed;
        /** Counts the changes of the record's state (a look-up made without the lock compares it). */
        volatile long stateChanges;

        Slot(SandboxRecord record) {
            this.record = record;
        }
    }

    /** One page of {@link #list}. */
    public record Page(List<SandboxRecord> items, int page, int pageSize, int totalItems) {
        public int totalPages() {
            return (totalItems + pageSize - 1) / pageSize;
        }

        public boolean hasNextPage() {
            return page < totalPages();
        }
    }

    public SandboxService(SandboxRuntime runtime, CreateRequestParser.Policy policy, Clock clock) {
        this.runtime = runtime;
        this.policy = policy;
        this.parser = new CreateRequestParser(policy);
        this.codes = new ErrorCodes(runtime.type());
        this.clock = clock;
    }

    public ErrorCodes codes() {
        return codes;
    }

    /**
     * Calls {@code listener} with a sandbox's id after each change of its state (pause, resume, delete, expiry, a
     * sandbox found gone), on the thread that made it, which may hold the sandbox's lock: it must not block.
     */
    public void onStateChange(Consumer<String> listener) {
        stateListeners.add(listener);
    }

    /** Adopts what the runtime recovered from an earlier server (called once, before serving). */
    public void recover() {
        for (RecoveredSandbox r : runtime.recover()) {
            SandboxRecord record = SandboxRecord.pending(r.spec()).withStatus(r.status(), clock.instant());
            slots.put(r.spec().id(), new Slot(record));
            log.info("recovered sandbox {} ({})", r.spec().id(), r.status().state().wire());
        }
    }

    /** Validates, starts and returns the sandbox (normally Running). A runtime failure leaves a Failed record. */
    public SandboxRecord create(JsonNode body) {
        SandboxSpec spec = parser.parse(body, UUID.randomUUID().toString(), clock.instant());
        runtime.validate(spec);
        Slot slot = new Slot(SandboxRecord.pending(spec));
        slot.lock.lock();
        try {
            slots.put(spec.id(), slot);
            SandboxStatus started;
            try {
                started = runtime.create(spec);
            } catch (RuntimeException e) {
                SandboxException failure = e instanceof SandboxException se ? se
                        : new SandboxException(500, codes.startFailed(), "Failed to start sandbox: " + e.getMessage(), e);
                set(slot, slot.record.withStatus(SandboxStatus.failed("StartFailed", failure.getMessage()),
                        clock.instant()));
                throw failure;
            }
            set(slot, slot.record.withStatus(started, clock.instant()));
            return slot.record;
        } finally {
            slot.lock.unlock();
        }
    }

    public SandboxRecord get(String id) {
        return refresh(slot(id));
    }

    public Page list(Set<SandboxState> states, Map<String, String> metadata, int page, int pageSize) {
        List<SandboxRecord> matching = new ArrayList<>();
        for (Slot slot : slots.values()) {
            SandboxRecord r = refresh(slot);
            if ((states.isEmpty() || states.contains(r.state()))
                    && r.metadata().entrySet().containsAll(metadata.entrySet())) {
                matching.add(r);
            }
        }
        matching.sort(Comparator.comparing((SandboxRecord r) -> r.spec().createdAt()).reversed()
                .thenComparing(SandboxRecord::id));
        int from = Math.min(matching.size(), (page - 1) * pageSize);
        int to = Math.min(matching.size(), from + pageSize);
        return new Page(List.copyOf(matching.subList(from, to)), page, pageSize, matching.size());
    }

    /** Stops and removes the sandbox; it is gone from the list afterwards, as upstream. */
    public void delete(String id) {
        Slot slot = slot(id);
        withLock(slot, id, () -> {
            set(slot, slot.record.withStatus(SandboxStatus.of(SandboxState.STOPPING), clock.instant()));
            runtime.delete(id);
            slot.removed = true;
            slots.remove(id, slot);
            return null;
        });
    }

    public void pause(String id) {
        transition(id, SandboxState.RUNNING, SandboxState.PAUSING, SandboxState.PAUSED, true);
    }

    public void resume(String id) {
        transition(id, SandboxState.PAUSED, SandboxState.RESUMING, SandboxState.RUNNING, false);
    }

    private void transition(String id, SandboxState from, SandboxState via, SandboxState to, boolean pause) {
        Slot slot = slot(id);
        withLock(slot, id, () -> {
            SandboxRecord before = slot.record;
            if (before.state() != from) {
                throw pause ? codes.notRunning(id) : codes.notPaused(id);
            }
            set(slot, before.withStatus(SandboxStatus.of(via), clock.instant()));
            try {
                if (pause) {
                    runtime.pause(id);
                } else {
                    runtime.resume(id);
                }
            } catch (RuntimeException e) {
                set(slot, before.withStatus(before.status(), clock.instant()));
                throw e;
            }
            set(slot, slot.record.withStatus(SandboxStatus.of(to), clock.instant()));
            return null;
        });
    }

    /** Moves the deadline; it must be in the future, and the sandbox must have one (upstream's rules). */
    public Instant renew(String id, Instant expiresAt) {
        Slot slot = slot(id);
        return withLock(slot, id, () -> {
            Instant now = clock.instant();
            if (slot.record.expiresAt() == null) {
                throw codes.invalidExpiration(409, "Sandbox " + id + " does not have automatic expiration enabled.");
            }
            if (!expiresAt.isAfter(now)) {
                throw codes.invalidExpiration(400, "expiresAt " + expiresAt + " must be in the future.");
            }
            if (policy.maxTimeoutSeconds() != null
                    && expiresAt.isAfter(now.plusSeconds(policy.maxTimeoutSeconds()))) {
                throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "expiresAt is more than "
                        + policy.maxTimeoutSeconds() + " seconds away (max_sandbox_timeout_seconds).");
            }
            set(slot, slot.record.withExpiresAt(expiresAt));
            runtime.expirationChanged(id, expiresAt);
            return expiresAt;
        });
    }

    /** JSON Merge Patch (RFC 7396) of the metadata: a null value removes the key. */
    public SandboxRecord patchMetadata(String id, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ErrorCodes.unprocessable("The metadata patch must be a JSON object.");
        }
        Map<String, String> changes = new LinkedHashMap<>();
        List<String> removals = new ArrayList<>();
        patch.properties().forEach(f -> {
            MetadataLabels.checkNotReserved(f.getKey());
            if (f.getValue().isNull()) {
                removals.add(f.getKey());
            } else if (f.getValue().isTextual()) {
                MetadataLabels.check(f.getKey(), f.getValue().asText());
                changes.put(f.getKey(), f.getValue().asText());
            } else {
                throw ErrorCodes.unprocessable("metadata." + f.getKey() + " must be a string or null.");
            }
        });
        Slot slot = slot(id);
        return withLock(slot, id, () -> {
            Map<String, String> merged = new LinkedHashMap<>(slot.record.metadata());
            removals.forEach(merged::remove);
            merged.putAll(changes);
            set(slot, slot.record.withMetadata(merged));
            runtime.metadataChanged(id, merged);
            return slot.record;
        });
    }

    public SandboxEndpoint endpoint(String id, int port) {
        Slot slot = slot(id);
        return withLock(slot, id, () -> {
            SandboxState state = slot.record.state();
            if (state.isFinal() || state == SandboxState.PENDING) {
                throw codes.notRunning(id);
            }
            return runtime.endpoint(id, port);
        });
    }

    /**
     * Where the server proxy sends requests for {@code port} of a running sandbox. Asks the runtime without the
     * sandbox's lock (it may call Docker or Kubernetes); an answer given while the sandbox changed state is asked
     * again, so it never describes a sandbox that was paused or deleted meanwhile.
     *
     * @throws SandboxException 404 for an unknown sandbox; 502 when it is not running or its runtime cannot say
     */
    public InternalEndpoint internalEndpoint(String id, int port) {
        Slot slot = slot(id);
        for (int attempt = 1; ; attempt++) {
            long changes = slot.stateChanges;
            if (slot.removed) {
                throw codes.notFound(id);
            }
            SandboxState state = slot.record.state();
            if (state != SandboxState.RUNNING) {
                throw codes.unreachable(id, "it is " + state.wire() + ", and only running sandboxes are proxied.");
            }
            InternalEndpoint endpoint;
            try {
                endpoint = runtime.internalEndpoint(id, port);
            } catch (SandboxException e) {
                if (e.status() == 404) {
                    throw e;
                }
                throw codes.unreachable(id, e.getMessage());
            }
            if (slot.stateChanges == changes) {
                return endpoint;
            }
            if (attempt == 3) {
                throw codes.unreachable(id, "it kept changing state while its endpoint was looked up.");
            }
        }
    }

    /**
     * Deletes every sandbox whose deadline has passed, and those that failed to start more than
     * {@link #FAILED_START_TTL} ago; returns how many. Called periodically.
     */
    public int expire() {
        Instant now = clock.instant();
        int n = 0;
        for (Slot slot : slots.values()) {
            SandboxRecord r = slot.record;
            boolean deadline = r.expiresAt() != null && !r.expiresAt().isAfter(now);
            boolean staleFailure = r.state() == SandboxState.FAILED && "StartFailed".equals(r.status().reason())
                    && !r.lastTransitionAt().plus(FAILED_START_TTL).isAfter(now);
            if ((deadline || staleFailure) && r.state() != SandboxState.PENDING) {
                try {
                    delete(r.id());
                    n++;
                    log.info("sandbox {} expired at {}", r.id(), r.expiresAt());
                } catch (SandboxException e) {
                    log.debug("expiring {}: {}", r.id(), e.getMessage());
                } catch (RuntimeException e) {
                    log.warn("expiring {} failed", r.id(), e);
                }
            }
        }
        return n;
    }

    /** Every sandbox the service holds, for shutdown and for {@code list-images}. */
    public List<String> ids() {
        return List.copyOf(slots.keySet());
    }

    @Override
    public void close() {
        runtime.close();
    }

    /** The sandbox's new record; a change of its state is counted and told to the listeners. */
    private void set(Slot slot, SandboxRecord next) {
        boolean changed = next.state() != slot.record.state();
        slot.record = next;
        if (changed) {
            slot.stateChanges++;
            stateListeners.forEach(listener -> listener.accept(next.id()));
        }
    }

    private Slot slot(String id) {
        Slot slot = id == null ? null : slots.get(id);
        if (slot == null || slot.removed) {
            throw codes.notFound(id);
        }
        return slot;
    }

    private <T> T withLock(Slot slot, String id, java.util.function.Supplier<T> work) {
        slot.lock.lock();
        try {
            if (slot.removed) {
                throw codes.notFound(id);
            }
            return work.get();
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * Asks the runtime whether a live sandbox still is (its entrypoint may have exited, or someone killed it). When
     * another operation holds the sandbox, the current record is the answer: it is being changed anyway.
     */
    private SandboxRecord refresh(Slot slot) {
        SandboxRecord r = slot.record;
        if (r.state() != SandboxState.RUNNING && r.state() != SandboxState.PAUSED) {
            return r;
        }
        if (!slot.lock.tryLock()) {
            return r;
        }
        try {
            if (slot.removed) {
                return slot.record;
            }
            Optional<SandboxStatus> seen = runtime.inspect(r.id());
            SandboxStatus next = seen.orElse(new SandboxStatus(SandboxState.TERMINATED, "NotFound",
                    "The sandbox no longer exists in the runtime."));
            if (next.state() != r.state() || !java.util.Objects.equals(next.reason(), r.status().reason())) {
                set(slot, r.withStatus(next, clock.instant()));
            }
            return slot.record;
        } finally {
            slot.lock.unlock();
        }
    }
}
