package dev.kernelgate.execd.egress;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
}
