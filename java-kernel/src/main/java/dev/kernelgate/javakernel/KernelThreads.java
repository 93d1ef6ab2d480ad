package dev.kernelgate.javakernel;

/**
 * The kernel's own threads, told apart from the threads that run user code.
 *
 * <p>{@code System.out}, {@code System.err} and {@code System.in} are replaced process-wide (see
 * {@link OutputCapture}, {@link StdinBridge}); a write from a kernel thread (logging) goes to the process's real
 * stream, a write from any other thread (snippets and the threads they start) is user output. JShell's local
 * engine always runs a snippet on a fresh thread, so the threads made here never run user code.
 */
final class KernelThreads {
    private static final ThreadLocal<Boolean> KERNEL = new ThreadLocal<>();

    private KernelThreads() {
    }

    /** A daemon thread marked as a kernel thread. */
    static Thread newThread(String name, Runnable body) {
        Thread thread = new Thread(() -> {
            markCurrent();
            body.run();
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Marks the calling thread (e.g. {@code main}) as a kernel thread. */
    static void markCurrent() {
        KERNEL.set(Boolean.TRUE);
    }

    static boolean isKernelThread() {
        return KERNEL.get() != null;
    }
}
