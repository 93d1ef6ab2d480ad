package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Pod's phase and conditions as upstream's sandbox states: Pending while scheduling, pulling or starting execd;
 * Running once the Pod is Ready (the readiness probe is execd's {@code /ping}); Terminated when the entrypoint
 * exited 0, Failed otherwise; Stopping while a deletion is under way.
 */
final class PodStates {
    /** Waiting reasons that never resolve by themselves: create fails at once instead of waiting for its timeout. */
    static final Set<String> HOPELESS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError", "ErrImageNeverPull", "CrashLoopBackOff");

    private PodStates() {
    }

    static SandboxStatus of(Pod pod) {
        PodStatus status = pod.getStatus();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return new SandboxStatus(SandboxState.STOPPING, "Deleting", "the Pod is being deleted");
        }
        String phase = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
        return switch (phase) {
            case "Pending" -> waiting(status, "Pending", "the Pod is being scheduled or its images pulled");
            case "Running" -> ready(status) ? SandboxStatus.of(SandboxState.RUNNING)
                    : waiting(status, "ExecdNotReady", "the Pod runs; execd does not answer /ping yet");
            case "Succeeded" -> new SandboxStatus(SandboxState.TERMINATED, "Completed", terminated(status));
            case "Failed" -> SandboxStatus.failed(status.getReason() != null ? status.getReason() : "PodFailed",
                    status.getMessage() != null ? status.getMessage() : terminated(status));
            default -> new SandboxStatus(SandboxState.UNKNOWN, phase, status.getMessage());
        };
    }

    /** Whether the Pod's status says it can never become Ready (a failed init container, an image pull error). */
    static boolean hopeless(SandboxStatus status) {
        return status.state() == SandboxState.PENDING && status.reason() != null
                && (HOPELESS.contains(status.reason()) || status.reason().startsWith("Init:"));
    }

    private static boolean ready(PodStatus status) {
        for (PodCondition condition : status.getConditions()) {
            if ("Ready".equals(condition.getType())) {
                return "True".equals(condition.getStatus());
            }
        }
        return false;
    }

    /** Pending with the most telling container reason, if any: a failed init container first. */
    private static SandboxStatus waiting(PodStatus status, String fallback, String message) {
        if (status != null) {
            for (ContainerStatus init : status.getInitContainerStatuses()) {
                var term = init.getState() == null ? null : init.getState().getTerminated();
                if (term != null && term.getExitCode() != null && term.getExitCode() != 0) {
                    return new SandboxStatus(SandboxState.PENDING, "Init:" + term.getReason(), "init container "
                            + init.getName() + " exited " + term.getExitCode() + ": " + lastLine(term.getMessage()));
                }
            }
            List<ContainerStatus> all = new ArrayList<>(status.getInitContainerStatuses());
            all.addAll(status.getContainerStatuses());
            for (ContainerStatus c : all) {
                var wait = c.getState() == null ? null : c.getState().getWaiting();
                if (wait != null && wait.getReason() != null && HOPELESS.contains(wait.getReason())) {
                    // A container restarted after failing (a native sidecar in back-off): why it last stopped.
                    var last = c.getLastState() == null ? null : c.getLastState().getTerminated();
                    return new SandboxStatus(SandboxState.PENDING, wait.getReason(), c.getName() + ": "
                            + (last != null && last.getMessage() != null && !last.getMessage().isBlank()
                            ? "exited " + last.getExitCode() + ": " + lastLine(last.getMessage())
                            : wait.getMessage()));
                }
            }
        }
        return new SandboxStatus(SandboxState.PENDING, fallback, message);
    }

    /**
     * The last non-blank line of a termination message: with {@code FallbackToLogsOnError} the message is the tail of
     * the container's output, whose last line is the reason a failing process gave.
     */
    static String lastLine(String message) {
        if (message == null) {
            return null;
        }
        String[] lines = message.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static String terminated(PodStatus status) {
        for (ContainerStatus c : status.getContainerStatuses()) {
            var term = c.getState() == null ? null : c.getState().getTerminated();
            if (term != null) {
                return c.getName() + " exited " + term.getExitCode()
                        + (term.getReason() != null ? " (" + term.getReason() + ")" : "");
            }
        }
        return null;
    }
}
