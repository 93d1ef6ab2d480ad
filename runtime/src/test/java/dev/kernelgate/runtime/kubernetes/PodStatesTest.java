package dev.kernelgate.runtime.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;

/** The mapping cases the mock server tests do not reach: pull errors, deletion, a Pod without status. */
class PodStatesTest {
    private static Pod pod(PodStatus status) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withStatus(status).build();
    }

    @Test
    void anImagePullErrorIsPendingWithItsReasonAndEndsTheWait() {
        SandboxStatus s = PodStates.of(pod(PodFixtures.phase("Pending", b -> b.withContainerStatuses(
                new ContainerStatusBuilder().withName("sandbox").withState(new ContainerStateBuilder()
                        .withNewWaiting().withReason("ImagePullBackOff").withMessage("no such image")
                        .endWaiting().build()).build()))));
        assertEquals(SandboxState.PENDING, s.state());
        assertEquals("ImagePullBackOff", s.reason());
        assertTrue(s.message().contains("no such image"));
        assertTrue(PodStates.hopeless(s));
    }

    @Test
    void aPodStillBeingScheduledIsPendingAndWorthWaitingFor() {
        SandboxStatus s = PodStates.of(pod(null));
        assertEquals(SandboxState.PENDING, s.state());
        assertFalse(PodStates.hopeless(s));
    }

    @Test
    void aFailedInitContainerIsHopeless() {
        SandboxStatus s = PodStates.of(pod(PodFixtures.initFailed()));
        assertEquals("Init:Error", s.reason());
        assertTrue(PodStates.hopeless(s));
    }

    @Test
    void aPodBeingDeletedIsStopping() {
        Pod pod = pod(PodFixtures.running(true, "10.0.0.1"));
        pod.getMetadata().setDeletionTimestamp("2026-11-26T19:00:00Z");
        assertEquals(SandboxState.STOPPING, PodStates.of(pod).state());
    }

    @Test
    void recoveryAdoptsSandboxPodsButNotOnesBeingDeleted() {
        // The mock API server drops deletion marks, so this case is checked on the Pod objects themselves.
        Pod sandbox = new SandboxPods(PodFixtures.settings()).pod(PodFixtures.spec());
        assertTrue(PodMetadata.adoptable(sandbox));
        sandbox.getMetadata().setDeletionTimestamp("2026-11-26T18:30:00Z");
        assertFalse(PodMetadata.adoptable(sandbox));
        assertFalse(PodMetadata.adoptable(pod(null)), "a Pod without the sandbox id label");
    }
}
