package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.Execution;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.ExecutionHandlers;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.OutputHandler;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.OutputMessage;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.RunCommandRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A foreground command with a deadline kept by the client.
 *
 * <p>SDK 1.0.0's {@code RunCommandRequest} has no timeout field (execd's {@code /command} takes {@code timeout} in
 * milliseconds, and Kernelgate honours it, but this SDK cannot send it), so the deadline is kept here: the command
 * runs on a worker thread, and when it has not finished in time, {@code commands().interrupt(id)} asks execd to end
 * it. execd sends SIGTERM to the command's whole process group, waits up to 3 s, then sends SIGKILL.
 */
public final class CommandDeadline {
    /** The command did not finish within its deadline; it was interrupted before this was thrown. */
    public static final class Exceeded extends Exception {
        private final String executionId;

        Exceeded(String command, String executionId, Duration deadline) {
            super("`" + command + "` did not finish within " + deadline.toMillis() + " ms; interrupted execution "
                    + executionId);
            this.executionId = executionId;
        }

        public String executionId() {
            return executionId;
        }
    }

    private CommandDeadline() {
    }

    /**
     * Runs {@code command}, handing each stdout line to {@code onStdout} (may be {@code null}). Past {@code deadline}, calls
     * {@code atDeadline} (the command still runs then), interrupts the command, waits for its stream to end and
     * throws {@link Exceeded}.
     */
    public static Execution run(Sandbox sandbox, String command, Duration deadline,
                                OutputHandler<OutputMessage> onStdout, Runnable atDeadline)
            throws Exceeded, InterruptedException {
        CompletableFuture<String> executionId = new CompletableFuture<>();
        ExecutionHandlers.Builder handlers = ExecutionHandlers.builder()
                .onInit(init -> executionId.complete(init.getId()));
        if (onStdout != null) {
            handlers.onStdout(onStdout);
        }
        RunCommandRequest request = RunCommandRequest.builder().command(command).handlers(handlers.build()).build();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            Future<Execution> execution = worker.submit(() -> sandbox.commands().run(request));
            try {
                return execution.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException late) {
                atDeadline.run();
                String id = executionId.get(30, TimeUnit.SECONDS);
                sandbox.commands().interrupt(id);
                // The stream ends when the shell is gone; what is left of its group goes within execd's 3 s grace.
                execution.get(30, TimeUnit.SECONDS);
                throw new Exceeded(command, id, deadline);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("`" + command + "` failed", e.getCause() == null ? e : e.getCause());
        } finally {
            worker.shutdownNow();
        }
    }
}
