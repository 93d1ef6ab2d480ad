package dev.kernelgate.gateway.kernel;

/** Lifecycle events of one kernel. Called on internal threads: return quickly, never block. */
public interface KernelListener {
    /** The kernel process died unexpectedly and is being restarted. */
    default void onRestarting(Kernel kernel) {
    }

    /** A restart (automatic or requested) finished and the kernel answers again. */
    default void onRestarted(Kernel kernel) {
    }

    /** The kernel died and will not be restarted (restart limit reached or it never started). */
    default void onDead(Kernel kernel, String reason) {
    }

    /** The kernel was shut down on request; its resources are released. */
    default void onStopped(Kernel kernel) {
    }
}
