package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A command with a deadline that, when the deadline passes, ends everything the command started: the shell, a
 * background child, and a child that ignores SIGTERM.
 *
 * <p>SDK 1.0.0 cannot send execd's {@code timeout}, so {@link CommandDeadline} keeps the deadline on the client and
 * interrupts the command through execd, which signals the command's whole process group (SIGTERM, then SIGKILL
 * after 3 s): children that ignore SIGTERM go too. A child that leaves the group on purpose ({@code setsid}) is not
 * reached; ending the sandbox ({@code kill()}) is what ends those. Whether the processes are gone is checked in the
 * sandbox's own {@code /proc}.
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
        try {
            out.println("sandbox " + sandbox.getId() + ": running a command with a " + deadline.toMillis()
                    + " ms deadline");
            CompletableFuture<Void> allStarted = new CompletableFuture<>();
            List<Long> pids = new CopyOnWriteArrayList<>();
            List<Long> atDeadline = new CopyOnWriteArrayList<>();
            StringBuffer output = new StringBuffer();
            try {
                CommandDeadline.run(sandbox, COMMAND, deadline, line -> {
                    String text = line.getText().strip();
                    output.append(text).append('\n');
                    if (text.startsWith("pid ")) {
                        pids.add(Long.parseLong(text.substring(4)));
                        if (pids.size() == 3) {
                            allStarted.complete(null);
                        }
                    }
                }, () -> {
                    allStarted.orTimeout(30, TimeUnit.SECONDS).join();
                    atDeadline.addAll(alive(sandbox, pids));
                    out.println("deadline passed; running: " + atDeadline + "; interrupting");
                });
                out.println("the command finished within its deadline");
                return new Result(false, pids, List.of(), alive(sandbox, pids), output.toString());
            } catch (CommandDeadline.Exceeded e) {
                out.println(e.getMessage());
                List<Long> after = awaitGone(sandbox, pids);
                out.println("after the interrupt, still running: " + after);
                return new Result(true, pids, atDeadline, after, output.toString());
            }
        } finally {
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
