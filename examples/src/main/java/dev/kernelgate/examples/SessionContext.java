package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import java.io.PrintStream;
import java.time.Duration;

/**
 * An agent's steps that build on each other, in two kinds of state that outlive a request:
 *
 * <ul>
 *   <li>A bash session: step 1 exports variables and changes directory, step 2 uses them. The same step 2 as a
 *       plain {@code commands().run} does not see them, since every command starts from the sandbox's environment.
 *       What a session carries is upstream execd's choice: each run is a fresh bash that starts in the session's
 *       directory with its exported variables and saves both when it ends; unexported variables, functions and
 *       aliases do not carry over.</li>
 *   <li>A Python code context: a live kernel, so everything carries over (imports, functions, objects). It needs a
 *       Python kernel in the sandbox (ipykernel; {@code EXECD_001} when there is none).</li>
 * </ul>
 *
 * <p>SDK 1.0.0 cannot open a session or a code context; {@link ExecdDirect} calls those execd routes with the SDK's
 * HTTP client (see there).
 */
public final class SessionContext {
    /**
     * @param sessionId   the bash session both steps ran in
     * @param step2       what step 2 printed in the session
     * @param stateless   what the same step printed as a separate command
     * @param pythonStep2 what step 2 printed in the Python code context
     */
    public record Result(String sessionId, String step2, String stateless, String pythonStep2) {
    }

    static final String STEP_1 = "export DATASET=sales-2024 ROWS=41; mkdir -p work && cd work";
    static final String STEP_2 = "export ROWS=$((ROWS + 1)); "
            + "echo \"dataset=${DATASET:-unset} rows=$ROWS dir=$(basename \"$PWD\")\"";
    static final String PYTHON_STEP_1 = "import statistics\n"
            + "amounts = [3, 5, 7]\n"
            + "def summary():\n"
            + "    return f'n={len(amounts)} mean={statistics.mean(amounts)}'";
    static final String PYTHON_STEP_2 = "amounts.append(9)\nprint(summary())";

    private SessionContext() {
    }

    public static void main(String[] args) {
        System.out.println(run(ServerAddress.fromArgs(args).connection().build(), System.out));
    }

    public static Result run(ConnectionConfig connection, PrintStream out) {
        try (Sandbox sandbox = Sandbox.builder().connectionConfig(connection).image(ServerAddress.IMAGE)
                .timeout(Duration.ofMinutes(10)).build()) {
            try {
                ExecdDirect execd = ExecdDirect.of(sandbox);
                String session = execd.createSession();
                String step2;
                try {
                    out.println("bash session " + session + ", step 1: " + STEP_1);
                    execd.runInSession(session, STEP_1);
                    out.println("bash session " + session + ", step 2: " + STEP_2);
                    step2 = execd.runInSession(session, STEP_2);
                    out.println("  -> " + step2);
                } finally {
                    execd.deleteSession(session);
                }
                out.println("the same step 2 as a separate command:");
                String stateless = SandboxShell.stdout(sandbox, STEP_2);
                out.println("  -> " + stateless);

                String context = execd.createCodeContext("python");
                try {
                    out.println("python context " + context + ", step 1:\n" + PYTHON_STEP_1);
                    execd.runCode(context, "python", PYTHON_STEP_1);
                    out.println("python context " + context + ", step 2:\n" + PYTHON_STEP_2);
                    String pythonStep2 = execd.runCode(context, "python", PYTHON_STEP_2);
                    out.println("  -> " + pythonStep2);
                    return new Result(session, step2, stateless, pythonStep2);
                } finally {
                    execd.deleteCodeContext(context);
                }
            } finally {
                sandbox.kill();
            }
        }
    }
}
