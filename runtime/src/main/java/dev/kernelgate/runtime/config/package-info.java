/**
 * The lifecycle server's configuration: an upstream-compatible TOML file parsed once, with flags and environment
 * applied over it, into the immutable {@link dev.kernelgate.runtime.config.ServerConfig}.
 */
package dev.kernelgate.runtime.config;
