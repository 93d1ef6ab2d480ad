package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.WireMessage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows requests by msg_id over any transport: counts their stdout lines and display_data, and completes when
 * both the shell reply and the {@code idle} status have arrived. Messages whose parent this client never sent are
 * counted as foreign (a reply there is misrouted; iopub is broadcast to every client of a kernel by design).
 */
final class RequestTracker {
    /** One request in flight; mutated on the receiving thread only. */
    static final class Pending {
        /** When the request went out: set again by a client that timestamps on its I/O thread (as it writes). */
        long sentNanos;
        final CompletableFuture<Outcome> done = new CompletableFuture<>();
        long lines;
        long displays;
        /** The text/plain of the execute_result, if one arrived. */
        String result;
        String status;
        boolean replied;
        boolean idle;
        final StringBuilder stdout;

        Pending(long sentNanos, boolean keepStdout) {
            this.sentNanos = sentNanos;
            this.stdout = keepStdout ? new StringBuilder() : null;
        }

        /** What arrived so far, for a request that did not finish in time. */
        Outcome partial() {
            return new Outcome(Double.NaN, lines, displays, "timeout");
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong foreignReplies = new AtomicLong();

    Pending expect(String msgId, long sentNanos, boolean keepStdout) {
        Pending p = new Pending(sentNanos, keepStdout);
        pending.put(msgId, p);
        return p;
    }

    long foreignReplies() {
        return foreignReplies.get();
    }

    void onMessage(Channel channel, WireMessage m, long arrivedNanos) {
        String parent = m.parentMsgId();
        Pending p = parent == null ? null : pending.get(parent);
        String type = m.msgType();
        if (p == null) {
            if (channel == Channel.SHELL && type.endsWith("_reply")) {
                foreignReplies.incrementAndGet();
            }
            return;
        }
        switch (type) {
            case "stream" -> {
                if ("stdout".equals(Json.peekString(m.content(), "name"))) {
                    String text = Json.peekString(m.content(), "text");
                    if (text != null) {
                        p.lines += text.chars().filter(c -> c == '\n').count();
                        if (p.stdout != null) {
                            p.stdout.append(text);
                        }
                    }
                }
            }
            case "display_data" -> p.displays++;
            case "execute_result" -> p.result = resultText(m.content());
            case "status" -> p.idle |= "idle".equals(Json.peekString(m.content(), "execution_state"));
            default -> {
                if (channel == Channel.SHELL && type.endsWith("_reply")) {
                    p.replied = true;
                    p.status = Json.peekString(m.content(), "status");
                }
            }
        }
        if (p.replied && p.idle && !p.done.isDone()) {
            pending.remove(parent);
            p.done.complete(new Outcome((arrivedNanos - p.sentNanos) / 1e6, p.lines, p.displays, p.status));
        }
    }

    private static String resultText(byte[] content) {
        try {
            return Json.MAPPER.readTree(content).path("data").path("text/plain").asText();
        } catch (java.io.IOException e) {
            return "(undecodable: " + e.getMessage() + ")";
        }
    }
}
