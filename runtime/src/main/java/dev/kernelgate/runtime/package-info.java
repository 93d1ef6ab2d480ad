/**
 * The sandbox lifecycle server: the OpenSandbox lifecycle API ({@code /v1/sandboxes...}) over pluggable runtimes
 * ({@link dev.kernelgate.runtime.spi}), its configuration ({@link dev.kernelgate.runtime.config}) and the
 * {@code local} runtime ({@link dev.kernelgate.runtime.local}).
 */
package dev.kernelgate.runtime;
