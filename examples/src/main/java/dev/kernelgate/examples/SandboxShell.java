package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.Execution;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.ExecutionError;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.OutputMessage;
import java.util.List;
import java.util.stream.Collectors;

/** Runs a short shell command in a sandbox and hands back its stdout; a failed command is an exception. */
public final class SandboxShell {
    private SandboxShell() {
    }

    /** The command's stdout, one line per output event, without the final newline. */
    public static String stdout(Sandbox sandbox, String command) {
        Execution execution = sandbox.commands().run(command);
        ExecutionError error = execution.getError();
        if (error != null) {
            throw new IllegalStateException("`" + command + "` failed: " + error.getName() + " " + error.getValue()
                    + " " + text(execution.getLogs().getStderr()));
        }
        return text(execution.getLogs().getStdout());
    }

    static String text(List<OutputMessage> messages) {
        return messages.stream().map(OutputMessage::getText).map(SandboxShell::chomp)
                .collect(Collectors.joining("\n"));
    }

    private static String chomp(String line) {
        return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }
}
