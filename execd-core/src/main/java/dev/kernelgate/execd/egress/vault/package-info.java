/**
 * The credential vault of the egress sidecar (upstream's {@code credentialProxy}): credentials and bindings written
 * through the policy API ({@link dev.kernelgate.execd.egress.vault.CredentialVault}), and the transparent HTTP proxy
 * that injects them into the sandbox's matching outbound requests ({@link dev.kernelgate.execd.egress.vault.InjectingProxy}).
 * Secret values are write-only: no response, log line or error message carries one.
 */
package dev.kernelgate.execd.egress.vault;
