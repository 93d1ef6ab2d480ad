package dev.kernelgate.javakernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kernelgate.kernelspecs.JavaKernelSpec;
import org.junit.jupiter.api.Test;

/** The bundled kernelspec names this module's main class by string; a rename must fail here, not at launch. */
class BundledSpecTest {
    @Test
    void theBundledSpecLaunchesThisKernel() {
        assertEquals(JavaKernel.class.getName(), JavaKernelSpec.MAIN_CLASS);
    }
}
