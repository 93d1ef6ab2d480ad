package dev.kernelgate.javakernel;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.function.BooleanSupplier;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's local execution engine (snippets run in the kernel's JVM) with three additions the kernel needs:
 * it remembers which wrapper class ran last (so a compiled cell can be run again without recompiling, and a
 * value can be fetched as an object for rich display), it refuses to start a snippet once an interrupt was
 * requested, and it tells whether the last run was stopped.
 *
 * <p>Why local rather than JShell's default remote (JDI) engine: no second JVM to start (cold start) or to talk
 * to on every execute (round trip), {@code System.out}/{@code System.err}/{@code System.in} are this process's
 * streams so the kernel captures them directly and in order, and {@code display()} hands real objects to the
 * kernel. Stopping is the JDK's own: {@code ThreadGroup.stop} of the snippet thread on JDK 17; from JDK 20, where
 * {@code Thread.stop} throws, a stop flag the engine checks before every backward branch of the snippet classes it
 * loads (JDK-8289613), on JDK 25 at every method entry too (JDK-8355323), plus {@code Thread.interrupt} for blocked
 * calls. Both end {@code while (true) {}}.
 * The price: user code shares the kernel's heap, and {@code System.exit} ends the kernel (the gateway restarts it).
 */
final class KernelExecutionControl extends LocalExecutionControl {
    /** The name of the static method JShell generates in every executable snippet's wrapper class. */
    static final String DO_IT = "do_it$";

    private final BooleanSupplier interruptRequested;
    private volatile String lastClassName;
    private volatile boolean stopped;

    KernelExecutionControl(BooleanSupplier interruptRequested) {
        this.interruptRequested = interruptRequested;
    }

    @Override
    public String invoke(String className, String methodName)
            throws RunException, InternalException, EngineTerminationException {
        lastClassName = className;
        if (interruptRequested.getAsBoolean()) {
            stopped = true;
            throw new StoppedException();
        }
        String result;
        try {
            result = super.invoke(className, methodName);
        } catch (StoppedException e) {
            stopped = true;
            throw e;
        }
        if (interruptRequested.getAsBoolean()) {
            // On JDK 17 a stop that lands while JShell's snippet thread is being started marks that thread
            // stillborn: the JVM ends it without running it or raising anything, and JShell reports success. An
            // interrupt requested during the run is reported as what stopped it.
            stopped = true;
            throw new StoppedException();
        }
        return result;
    }

    /** The wrapper class of the snippet invoked last (JShell's or ours). */
    String lastClassName() {
        return lastClassName;
    }

    /** Whether a run was stopped since the last call; clears the flag. */
    boolean takeStopped() {
        boolean was = stopped;
        stopped = false;
        return was;
    }

    /** The value of a public static field of a loaded wrapper class, or null if there is none. */
    Object staticField(String className, String field) {
        try {
            Field value = findClass(className).getField(field);
            value.setAccessible(true); // the wrapper class itself is package-private
            return value.get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** JShell's text for a value (quotes strings, lists arrays) — what it would have shown itself. */
    static String text(Object value) {
        return valueString(value);
    }

    /** Lets {@code JShell.builder().executionEngine(...)} use a control made beforehand. */
    static ExecutionControlProvider providerOf(KernelExecutionControl control) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "kernelgate-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
    }
}
