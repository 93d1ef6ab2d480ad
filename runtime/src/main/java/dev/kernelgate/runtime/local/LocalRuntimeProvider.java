package dev.kernelgate.runtime.local;

import dev.kernelgate.runtime.config.ServerSettings;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.RuntimeContext;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxRuntimeProvider;

/**
 * {@code [runtime] type = "local"}: the default when no container engine is configured. When the server serves TLS
 * (its PEM files are in {@code server.tls_cert_file}/{@code tls_key_file}, generated ones included), so do the
 * sandboxes' execds: SDKs reach execd with the scheme they reach the server with.
 */
public final class LocalRuntimeProvider implements SandboxRuntimeProvider {
    @Override
    public String type() {
        return LocalRuntime.TYPE;
    }

    @Override
    public SandboxRuntime open(RuntimeContext context) {
        ServerSettings server = context.config().server();
        ChildLauncher.TlsFiles tls = server.tlsCertFile() != null && server.tlsKeyFile() != null
                ? new ChildLauncher.TlsFiles(server.tlsCertFile(), server.tlsKeyFile()) : null;
        return new LocalRuntime(context.stateDir(), context.config().local(),
                new HostPathPolicy(context.config().storage().allowedHostPaths()), context.env(), ChildJvm.current(), tls);
    }
}
