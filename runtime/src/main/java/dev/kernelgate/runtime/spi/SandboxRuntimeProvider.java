package dev.kernelgate.runtime.spi;

/** Creates the runtime named by {@code [runtime] type}; the server picks the provider whose {@link #type()} matches. */
public interface SandboxRuntimeProvider {

    /** The {@code [runtime] type} value this provider serves. */
    String type();

    /**
     * Opens the runtime with the server's configuration.
     *
     * @throws IllegalArgumentException for configuration this runtime cannot use (the server refuses to start)
     */
    SandboxRuntime open(RuntimeContext context);
}
