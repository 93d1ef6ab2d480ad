/** TLS for the lifecycle server: PEM certificates and keys in their common forms, and development certificates. */
package dev.kernelgate.runtime.tls;
