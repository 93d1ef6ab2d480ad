package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import java.io.PrintStream;
import java.time.Duration;

/**
 * An agent's steps that build on each other: step 1 exports variables and changes directory; step 2, a separate
 * request, uses them. A bash session carries them from run to run; the same step 2 as a plain
 * {@code commands().run} does not, since every command starts from the sandbox's environment.
 *
 * <p>What a session carries is upstream execd's choice: each run is a fresh bash that starts in the session's
 * directory with the session's exported variables, and saves both when it ends. Unexported variables, functions
 * and aliases do not carry over; put what later steps need in {@code export}s or files. For state of a whole
 * interpreter (Python objects, imports), use a code context ({@code /code/context}), which is a live kernel.
 *
 * <p>SDK 1.0.0 cannot open a session or a code context; {@link BashSession} calls execd's session routes with the
 * SDK's HTTP client (see there).
 */
public final class SessionContext {
    /**
     * @param sessionId the session both steps ran in
     * @param step2     what step 2 printed in the session
     * @param stateless what the same step printed as a separate command
     */
    public record Result(String sessionId, String step2, String stateless) {
    }

    static final String STEP_1 = "export DATASET=sales-2024 ROWS=41; mkdir -p work && cd work";
    static final String STEP_2 = "export ROWS=$((ROWS + 1)); "
            + "echo \"dataset=${DATASET:-unset} rows=$ROWS dir=$(basename \"$PWD\")\"";

    private SessionContext() {
    }

    public static void main(String[] args) {
        System.out.println(run(ServerAddress.fromArgs(args).connection().build(), System.out));
    }

    public static Result run(ConnectionConfig connection, PrintStream out) {
        try (Sandbox sandbox = Sandbox.builder().connectionConfig(connection).image(ServerAddress.IMAGE)
                .timeout(Duration.ofMinutes(10)).build()) {
            try (BashSession session = BashSession.open(sandbox)) {
                out.println("session " + session.id() + " step 1: " + STEP_1);
                session.run(STEP_1);
                out.println("session " + session.id() + " step 2: " + STEP_2);
                String step2 = session.run(STEP_2);
                out.println("  -> " + step2);
                out.println("the same step 2 as a separate command:");
                String stateless = SandboxShell.stdout(sandbox, STEP_2);
                out.println("  -> " + stateless);
                return new Result(session.id(), step2, stateless);
            } finally {
                sandbox.kill();
            }
        }
    }
}
