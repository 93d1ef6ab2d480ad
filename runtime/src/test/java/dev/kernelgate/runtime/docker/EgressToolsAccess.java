package dev.kernelgate.runtime.docker;

import java.nio.file.Path;

/** For the lifecycle tests: the iptables tools directory the docker runtime injects into dns+nft sidecars. */
public final class EgressToolsAccess {
    private EgressToolsAccess() {
    }

    /** Assembled in the runtime's cache directory (as the server does) and returned. */
    public static Path directory() {
        return new EgressTools(DockerRuntimeProvider.cacheDir(System.getenv())).directory();
    }
}
