package dev.kernelgate.runtime.kubernetes;

import dev.kernelgate.execd.egress.EgressConfig;
import dev.kernelgate.runtime.config.EgressSettings;
import dev.kernelgate.runtime.spi.EgressSidecarEnv;
import dev.kernelgate.runtime.spi.SandboxSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The egress sidecar of a sandbox Pod with a {@code networkPolicy}: a native sidecar (an init container with
 * {@code restartPolicy: Always}) running {@code EgressMain} from the distribution the installer copied, in the
 * sandbox's own image or in {@code [egress] image} when set (for {@code dns+nft}: an image with iptables-nft). Its
 * startup probe holds the sandbox container back until the policy API answers; by then it has pointed the Pod's
 * resolv.conf (one file, shared by the Pod's containers) at its DNS proxy on the Pod's loopback, and in
 * {@code dns+nft} mode checked that it can program the Pod's rules, or stopped with the cause as its termination
 * message (the runtime reports it as the sandbox's failure). It alone holds {@code NET_ADMIN}; its token is in its own
 * environment, which the sandbox container cannot read (no shared process namespace), and in a Pod annotation for the
 * 18080 endpoint's header.
 */
final class EgressSidecar {
    static final String CONTAINER = "egress";
    static final int API_PORT = EgressConfig.DEFAULT_API_PORT;

    private EgressSidecar() {
    }

    /** {@code [egress] image} when set, else the sandbox's own. */
    static String image(SandboxSpec spec, EgressSettings egress) {
        return egress.image() == null || egress.image().isBlank() ? spec.image().uri() : egress.image().strip();
    }

    /**
     * @param distribution where the installer's copy of the distribution is mounted (read-only)
     * @param hardening    the Pod's container hardening, whose drop list the sidecar keeps but for {@code NET_ADMIN}
     */
    static Container container(SandboxSpec spec, EgressSettings egress, String token, String pullPolicy,
                               VolumeMount distribution, SecurityContext hardening) {
        String home = distribution.getMountPath();
        List<EnvVar> env = new ArrayList<>();
        Map<String, String> vars = EgressSidecarEnv.of(spec.networkPolicy(), egress.mode(), token,
                egress.dnsUpstream(), false);
        vars.forEach((key, value) -> env.add(new EnvVar(key, value, null)));
        env.add(new EnvVar(EgressConfig.TAKE_OVER_ENV, "true", null));
        List<String> drop = hardening.getCapabilities() == null ? List.of()
                : EgressSidecarEnv.drops(hardening.getCapabilities().getDrop());
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image(spec, egress))
                .withImagePullPolicy(pullPolicy)
                .withRestartPolicy("Always")
                // A sidecar that cannot start says why on its last line of output: that becomes the message.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withCommand(EgressSidecarEnv.command(home))
                .withEnv(env)
                .addNewPort().withName(CONTAINER).withContainerPort(API_PORT).withProtocol("TCP").endPort()
                .withVolumeMounts(distribution)
                .withNewSecurityContext()
                    // root in the container: port 53 on the Pod's loopback, and the Pod's resolv.conf
                    .withRunAsUser(0L)
                    .withRunAsNonRoot(false)
                    .withAllowPrivilegeEscalation(false)
                    .withPrivileged(false)
                    .withNewCapabilities().withAdd("NET_ADMIN").withDrop(drop).endCapabilities()
                    .withSeccompProfile(hardening.getSeccompProfile())
                .endSecurityContext()
                .withNewStartupProbe()
                    .withNewHttpGet().withPath("/healthz").withPort(new IntOrString(API_PORT)).endHttpGet()
                    .withPeriodSeconds(1)
                    .withFailureThreshold(60)
                .endStartupProbe()
                .build();
    }
}
