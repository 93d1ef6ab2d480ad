/**
 * The {@code kubernetes} runtime: one Pod per sandbox through fabric8's client, execd injected into the unmodified
 * user image by an init container and the bootstrap script (the Docker runtime's design, carried by an emptyDir),
 * reached directly at the Pod IP. Pods carry their own labels and annotations, so a restarted server adopts them.
 */
package dev.kernelgate.runtime.kubernetes;
