/**
 * The {@code local} runtime: each sandbox is a child execd JVM (same Java, same jar or class path as the server) on
 * its own loopback port, in its own session and working directory, with the entrypoint started beside it.
 */
package dev.kernelgate.runtime.local;
