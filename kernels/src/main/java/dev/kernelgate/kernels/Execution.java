package dev.kernelgate.kernels;

import java.util.concurrent.CompletableFuture;

/** A submitted execute_request: its msg_id and the result that completes after the reply and the idle status. */
public record Execution(String msgId, CompletableFuture<ExecuteResult> result) {
}
