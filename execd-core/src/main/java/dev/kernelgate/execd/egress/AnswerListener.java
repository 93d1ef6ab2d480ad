package dev.kernelgate.execd.egress;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Told about every answer the upstream gave to an allowed query, before the asker gets it: in {@code dns+nft} mode
 * the IP layer admits the answer's addresses first, so the asker's connection cannot race the rule.
 */
@FunctionalInterface
public interface AnswerListener {
    AnswerListener NONE = answer -> CompletableFuture.completedFuture(null);

    /**
     * Called on the proxy's event loop with the answer's bytes (read them before returning, keep nothing); must not
     * block. The answer is relayed when the returned stage completes, either way.
     */
    CompletionStage<?> answered(ByteBuf answer);

    /** How long an answer may wait for its addresses to be admitted at the IP layer before it goes out anyway. */
    long ADMIT_LIMIT_MILLIS = 2000;

    /**
     * {@link #answered}, bounded: completes when the listener is done, or exceptionally when it failed or took longer
     * than {@link #ADMIT_LIMIT_MILLIS} (an answer is never held for good; the proxy relays it and warns).
     */
    default CompletableFuture<?> admitted(ByteBuf answer) {
        CompletionStage<?> stage;
        try {
            stage = answered(answer);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.toCompletableFuture().copy().orTimeout(ADMIT_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
