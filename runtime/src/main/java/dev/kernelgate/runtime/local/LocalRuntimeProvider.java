package dev.kernelgate.runtime.local;

import dev.kernelgate.runtime.spi.RuntimeContext;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxRuntimeProvider;

/** {@code [runtime] type = "local"}: the default when no container engine is configured. */
public final class LocalRuntimeProvider implements SandboxRuntimeProvider {
    @Override
    public String type() {
        return LocalRuntime.TYPE;
    }

    @Override
    public SandboxRuntime open(RuntimeContext context) {
        return new LocalRuntime(context.stateDir(), context.config().local(), context.env());
    }
}
