package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.Execution;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.ExecutionHandlers;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.RunCommandRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A command with a deadline that, when the deadline passes, ends everything the command started: the shell, a
 * background child, and a child that ignores SIGTERM.
 *
 * <p>SDK 1.0.0's {@code RunCommandRequest} has no timeout field (execd's {@code /command} takes {@code timeout} in
 * milliseconds, and Kernelgate honours it, but this SDK cannot send it), so the deadline is kept here: the command
 * runs on a worker thread, and when it has not finished in time, {@code commands().interrupt(id)} asks execd to end
 * it. execd sends SIGTERM to the command's whole process group, waits up to 3 s, then sends SIGKILL, so children
 * that ignore SIGTERM go too. A child that leaves the group on purpose ({@code setsid}) is not reached; ending the
 * sandbox ({@code kill()}) is what ends those.
 */
public final class CommandTimeout {
    /**
     * @param timedOut        whether the deadline passed before the command finished
     * @param pids            the processes the command started (the shell and its two children)
     * @param aliveAtDeadline which of them {@code /proc} in the sandbox showed running when the deadline passed
     * @param aliveAfter      which of them were still running after the interrupt (empty: all gone)
     * @param output          what the command printed
     */
    public record Result(boolean timedOut, List<Long> pids, List<Long> aliveAtDeadline, List<Long> aliveAfter,
                         String output) {
    }

    /** The shell prints its own pid and its children's, then waits for children that would run for 10 minutes. */
    static final String COMMAND = String.join("\n",
            "sleep 600 & echo \"pid $!\"",
            "(trap '' TERM; sleep 600) & echo \"pid $!\"",
            "echo \"pid $$\"",
            "wait",
            "echo finished");

    private CommandTimeout() {
    }

    public static void main(String[] args) throws Exception {
        Result result = run(ServerAddress.fromArgs(args).connection().build(), Duration.ofSeconds(2), System.out);
        System.out.println(result);
    }

    public static Result run(ConnectionConfig connection, Duration deadline, PrintStream out) throws Exception {
        Sandbox sandbox = Sandbox.builder().connectionConfig(connection).image(ServerAddress.IMAGE)
                .timeout(Duration.ofMinutes(10)).build();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            out.println("sandbox " + sandbox.getId() + ": running a command with a " + deadline.toMillis()
                    + " ms deadline");
            CompletableFuture<String> executionId = new CompletableFuture<>();
            CompletableFuture<Void> allStarted = new CompletableFuture<>();
            List<Long> pids = new CopyOnWriteArrayList<>();
            StringBuilder output = new StringBuilder();
            RunCommandRequest request = RunCommandRequest.builder().command(COMMAND)
                    .handlers(ExecutionHandlers.builder()
                            .onInit(init -> executionId.complete(init.getId()))
                            .onStdout(line -> {
                                String text = line.getText().strip();
                                synchronized (output) {
                                    output.append(text).append('\n');
                                }
                                if (text.startsWith("pid ")) {
                                    pids.add(Long.parseLong(text.substring(4)));
                                    if (pids.size() == 3) {
                                        allStarted.complete(null);
                                    }
                                }
                            })
                            .build())
                    .build();
            Future<Execution> execution = worker.submit(() -> sandbox.commands().run(request));
            try {
                execution.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
                out.println("the command finished within its deadline");
                return new Result(false, pids, List.of(), alive(sandbox, pids), output.toString());
            } catch (TimeoutException late) {
                allStarted.get(30, TimeUnit.SECONDS);
                List<Long> atDeadline = alive(sandbox, pids);
                out.println("deadline passed; running: " + atDeadline + "; interrupting execution "
                        + executionId.get());
                sandbox.commands().interrupt(executionId.get());
                // The event stream ends once the shell is gone; what is left of its group is killed by then or
                // within execd's 3 s grace, which awaitGone allows for.
                execution.get(30, TimeUnit.SECONDS);
                List<Long> after = awaitGone(sandbox, pids);
                out.println("after the interrupt, still running: " + after);
                return new Result(true, pids, atDeadline, after, output.toString());
            }
        } finally {
            worker.shutdownNow();
            sandbox.kill();
            sandbox.close();
        }
    }

    /** The pids among {@code pids} that are running in the sandbox, as its {@code /proc} shows (zombies count as gone). */
    static List<Long> alive(Sandbox sandbox, List<Long> pids) {
        return parsePids(SandboxShell.stdout(sandbox, "for p in " + join(pids) + "; do "
                + "grep -qs '^State:[[:space:]]*[^Z]' /proc/$p/status && echo $p; done; true"));
    }

    /** Like {@link #alive}, but gives the processes up to 10 s (checked in the sandbox every 100 ms) to go. */
    static List<Long> awaitGone(Sandbox sandbox, List<Long> pids) {
        return parsePids(SandboxShell.stdout(sandbox, "for i in $(seq 100); do left=; for p in " + join(pids)
                + "; do grep -qs '^State:[[:space:]]*[^Z]' /proc/$p/status && left=\"$left $p\"; done; "
                + "[ -z \"$left\" ] && break; sleep 0.1; done; for p in $left; do echo $p; done"));
    }

    private static String join(List<Long> pids) {
        return pids.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    private static List<Long> parsePids(String text) {
        List<Long> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                found.add(Long.parseLong(line.strip()));
            }
        }
        return found;
    }
}
