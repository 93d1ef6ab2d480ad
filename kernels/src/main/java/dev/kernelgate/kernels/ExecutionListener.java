package dev.kernelgate.kernels;

import dev.kernelgate.wire.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Receives the messages that belong to one execute_request, on the kernel's reactor thread: never block. */
public interface ExecutionListener {
    /** An IOPub message whose parent is this request (stream, execute_result, display_data, error, ...). */
    void onOutput(Message message);

    /** The kernel asks for input (only when the request allowed stdin); complete the stage with the answer. */
    default CompletionStage<String> onInputRequest(String prompt, boolean password) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this client does not answer input"));
    }

    static ExecutionListener ignoring() {
        return message -> { };
    }
}
