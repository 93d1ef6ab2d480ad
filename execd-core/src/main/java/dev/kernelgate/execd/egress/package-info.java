/**
 * The egress sidecar (upstream's {@code components/egress}): the {@code networkPolicy} model and its matching, a DNS
 * proxy that answers NXDOMAIN for denied names, and the policy API on port 18080. It runs as its own process
 * ({@code kernelgate egress}, {@link dev.kernelgate.execd.egress.EgressMain}) in the sandbox's network namespace; it
 * shares no state with execd.
 */
package dev.kernelgate.execd.egress;
