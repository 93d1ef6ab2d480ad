package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxApiException;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxException;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxReadyTimeoutException;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxUnhealthyException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The error handling an agent loop needs around the two calls that fail most: creating a sandbox and running a
 * step that hangs.
 *
 * <ul>
 *   <li>Create: the server refuses a bad request with a status and a code ({@link SandboxApiException}: here a
 *       metadata value that is not a Kubernetes label value, 400 {@code SANDBOX::INVALID_METADATA_LABEL}); the
 *       agent fixes the request and creates again. A sandbox that never became ready is
 *       {@link SandboxReadyTimeoutException} or {@link SandboxUnhealthyException} (the SDK kills it before
 *       throwing); one more try is worth it. Every SDK error is a {@link SandboxException} with an error code;
 *       network failures are its {@code SandboxInternalException}.</li>
 *   <li>A step past its deadline ({@link CommandDeadline.Exceeded}): the step is interrupted, the sandbox, whose
 *       state may now be half-written, is killed and a fresh one started, and the step runs again in its quick
 *       form.</li>
 *   <li>{@code finally}: every sandbox this run still holds is killed, whatever happened; a sandbox already
 *       gone (404) is not an error there.</li>
 * </ul>
 */
public final class ErrorHandling {
    /**
     * @param refusedStatus the status of the refused create
     * @param refusedCode   the server's code for it
     * @param timedOut      the execution id of the step that passed its deadline ({@code null}: it did not)
     * @param output        what the step printed in the fresh sandbox
     * @param created       every sandbox the run created, in order; all killed by the time {@code run} returns
     */
    public record Result(Integer refusedStatus, String refusedCode, String timedOut, String output,
                         List<UUID> created) {
    }

    private ErrorHandling() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(ServerAddress.fromArgs(args).connection().build(), Duration.ofSeconds(2),
                System.out));
    }

    public static Result run(ConnectionConfig connection, Duration stepDeadline, PrintStream out)
            throws InterruptedException {
        List<UUID> created = new ArrayList<>();
        List<Sandbox> live = new ArrayList<>();
        Integer refusedStatus = null;
        String refusedCode = null;
        String timedOut = null;
        try {
            Sandbox sandbox;
            try {
                out.println("creating a sandbox labelled team=\"data science!\"");
                sandbox = create(connection, "data science!");
            } catch (SandboxApiException refused) {
                refusedStatus = refused.getStatusCode();
                refusedCode = refused.getError().getCode();
                out.println("  refused: HTTP " + refusedStatus + " " + refusedCode + ": "
                        + refused.getError().getMessage());
                out.println("creating it again labelled team=data-science");
                sandbox = create(connection, "data-science");
            } catch (SandboxReadyTimeoutException | SandboxUnhealthyException notReady) {
                // Created, but execd did not answer within readyTimeout; the SDK has killed that sandbox already.
                // Worth one more try (a slow image pull, a busy node); a second failure goes to the caller.
                out.println("  not ready (" + notReady.getError().getCode() + "); creating it once more");
                sandbox = create(connection, "data-science");
            }

            created.add(sandbox.getId());
            live.add(sandbox);

            String step = "sleep 30; echo analysed";
            String quickStep = "echo analysed quickly";
            String output;
            try {
                out.println("sandbox " + sandbox.getId() + ": `" + step + "` within " + stepDeadline.toMillis()
                        + " ms");
                output = SandboxShell.text(CommandDeadline.run(sandbox, step, stepDeadline, null, () -> {
                }).getLogs().getStdout());
            } catch (CommandDeadline.Exceeded late) {
                timedOut = late.executionId();
                out.println("  " + late.getMessage());
                out.println("  killing sandbox " + sandbox.getId() + " and starting a fresh one");
                sandbox.kill();
                sandbox.close();
                live.remove(sandbox);
                sandbox = create(connection, "data-science");
                created.add(sandbox.getId());
                live.add(sandbox);
                output = SandboxShell.stdout(sandbox, quickStep);
            }
            out.println("  -> " + output);
            return new Result(refusedStatus, refusedCode, timedOut, output, created);
        } finally {
            for (Sandbox s : live) {
                try {
                    s.kill();
                    out.println("cleanup: killed " + s.getId());
                } catch (SandboxApiException e) {
                    // 404: gone already (expired, or killed elsewhere), which is what cleanup wants.
                    if (!Integer.valueOf(404).equals(e.getStatusCode())) {
                        out.println("cleanup: " + s.getId() + ": " + e.getMessage());
                    }
                } finally {
                    s.close();
                }
            }
        }
    }

    private static Sandbox create(ConnectionConfig connection, String team) {
        return Sandbox.builder().connectionConfig(connection).image(ServerAddress.IMAGE)
                .timeout(Duration.ofMinutes(10))
                .metadata("team", team)
                // How long create waits for execd to answer before SandboxReadyTimeoutException.
                .readyTimeout(Duration.ofSeconds(60))
                .build();
    }
}
