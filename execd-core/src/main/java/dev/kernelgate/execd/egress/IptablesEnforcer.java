package dev.kernelgate.execd.egress;

import dev.kernelgate.kernels.DaemonThreads;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dns+nft}: the policy at the IP layer too, in the sandbox's (shared) network namespace. Chain
 * {@value #CHAIN}, jumped to first from OUTPUT, accepts loopback, replies, the upstream nameserver, the policy's
 * allowed addresses and blocks (its denied ones are rejected before), then whatever {@value #LEARNED} accepts:
 * addresses the proxy resolved for allowed names, each for its TTL plus a minute, clamped to 60..360 s (upstream's
 * bounds), dropped as soon as a policy change denies every name it was resolved for; then the default. A refusal is a
 * TCP reset or an ICMP port-unreachable, so a denied connection fails at once ("connection refused").
 *
 * <p>Every iptables command runs on one thread, so rule changes never interleave.
 */
public final class IptablesEnforcer implements PolicyEnforcer, AnswerListener, AutoCloseable {
    static final String CHAIN = "KG_EGRESS";
    static final String LEARNED = "KG_EGRESS_DNS";
    private static final Logger LOG = LoggerFactory.getLogger(IptablesEnforcer.class);
    private static final long TTL_SLACK_SECONDS = 60;
    private static final long MIN_TTL_SECONDS = 60;
    private static final long MAX_TTL_SECONDS = 360;

    /** The kernel's list of this network namespace's IPv6 addresses. */
    static final java.nio.file.Path IF_INET6 = java.nio.file.Path.of("/proc/net/if_inet6");

    private final Iptables iptables;
    private final java.nio.file.Path ifInet6;
    private final InetSocketAddress upstream;
    /** Whether the proxy's upstream sockets carry {@link DnsTransport#UPSTREAM_MARK}. */
    private final boolean upstreamMarked;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("egress-iptables"));
    /** Learned address → the names it was resolved for and when it expires; touched on the worker only. */
    private final Map<String, Learned> learned = new HashMap<>();
    private volatile EgressPolicy policy = EgressPolicy.DENY_ALL;
    private boolean chainsMade;

    private static final class Learned {
        final Set<String> names = new HashSet<>();
        long expiresNanos;
    }

    /**
     * @param tools    the injected iptables tools directory, or null for the image's own
     * @param upstream the nameserver the proxy forwards to (reachable by the proxy's own, marked, sockets)
     */
    public IptablesEnforcer(java.nio.file.Path tools, InetSocketAddress upstream) {
        this(tools, upstream, DnsTransport.forThisPlatform().marked());
    }

    IptablesEnforcer(java.nio.file.Path tools, InetSocketAddress upstream, boolean upstreamMarked) {
        this(new Iptables(tools), IF_INET6, upstream, upstreamMarked);
    }

    /** @param ifInet6 the kernel's IPv6 address list of the namespace (a test's own file) */
    IptablesEnforcer(Iptables iptables, java.nio.file.Path ifInet6, InetSocketAddress upstream,
                     boolean upstreamMarked) {
        this.iptables = iptables;
        this.ifInet6 = ifInet6;
        this.upstream = upstream;
        this.upstreamMarked = upstreamMarked;
        worker.scheduleWithFixedDelay(this::expire, 5, 5, TimeUnit.SECONDS);
    }

    @Override
    public void apply(EgressPolicy next) throws Exception {
        onWorker(() -> {
            if (!chainsMade) {
                // Before the first rule (and so before the API answers /healthz): a sidecar that cannot enforce
                // says why and stops, rather than report ready and leave the sandbox unguarded.
                iptables.checkUsable();
                checkIpv4Only();
                makeChains();
            }
            iptables.restore(rules(next));
            policy = next;
            forgetDenied(next);
            return null;
        });
    }

    @Override
    public CompletionStage<?> answered(ByteBuf answer) {
        List<AnswerAddresses.Address> addresses = AnswerAddresses.of(answer);
        if (addresses.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> addresses.forEach(this::admit), worker);
    }

    /** The rules are IPv4's: a namespace with a global IPv6 address would let IPv6 around them. */
    private void checkIpv4Only() throws IOException {
        List<String> global = globalIpv6(ifInet6);
        if (!global.isEmpty()) {
            throw new IOException("dns+nft enforces IPv4 only, and the sidecar's network namespace has the IPv6 "
                    + "address " + global.get(0) + " (a dual-stack network): turn IPv6 off for sandboxes or use "
                    + "[egress] mode = \"dns\"");
        }
    }

    /** The global-scope addresses of a {@code /proc/net/if_inet6} file (none when IPv6 is off: no file). */
    static List<String> globalIpv6(java.nio.file.Path ifInet6) throws IOException {
        if (!java.nio.file.Files.exists(ifInet6)) {
            return List.of();
        }
        List<String> global = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(ifInet6)) {
            // address (32 hex digits), interface index, prefix length, scope (00: global), flags, interface name
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].length() == 32 && f[3].equals("00")) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < 32; i += 4) {
                    text.append(i == 0 ? "" : ":").append(f[0], i, i + 4);
                }
                global.add(text + (f.length >= 6 ? " on " + f[5] : ""));
            }
        }
        return global;
    }

    private void makeChains() throws IOException {
        for (String chain : List.of(LEARNED, CHAIN)) {
            if (!iptables.succeeds("-n", "-L", chain)) {
                iptables.run("-N", chain);
            }
        }
        if (!iptables.succeeds("-C", "OUTPUT", "-j", CHAIN)) {
            iptables.run("-I", "OUTPUT", "1", "-j", CHAIN);
        }
        chainsMade = true;
    }

    /** The whole {@value #CHAIN} chain for {@code p}, for {@code iptables-restore --noflush}. */
    String rules(EgressPolicy p) {
        StringBuilder r = new StringBuilder("*filter\n:" + CHAIN + " - [0:0]\n");
        String ns = upstream.getAddress().getHostAddress();
        r.append(rule("-o lo -j ACCEPT"));
        r.append(rule("-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"));
        if (upstream.getAddress().getAddress().length == 4) {
            // Only the proxy's own queries (marked, DnsTransport): the sandbox shares this network namespace and
            // must not ask the upstream directly for names the policy denies.
            String onlyTheProxy = upstreamMarked ? "-m mark --mark 0x" + Integer.toHexString(DnsTransport.UPSTREAM_MARK)
                    + " " : "";
            for (String proto : List.of("udp", "tcp")) {
                r.append(rule(onlyTheProxy + "-d " + ns + "/32 -p " + proto + " --dport " + upstream.getPort()
                        + " -j ACCEPT"));
            }
        }
        for (boolean allow : new boolean[] {false, true}) {
            for (EgressRule rule : p.egress()) {
                if (rule.kind() != EgressRule.Kind.DOMAIN && rule.allows() == allow) {
                    IpBlock block = IpBlock.parse(rule.target());
                    if (block.network().length != 4) {
                        LOG.warn("egress: {} is IPv6; the IP layer here enforces IPv4 only (IPv6 is off by default)",
                                rule.target());
                        continue;
                    }
                    if (allow) {
                        r.append(rule("-d " + block + " -j ACCEPT"));
                    } else {
                        r.append(reject("-d " + block + " "));
                    }
                }
            }
        }
        r.append(rule("-j " + LEARNED));
        if (!p.defaultAction().equals(EgressRule.ALLOW)) {
            r.append(reject(""));
        }
        return r.append("COMMIT\n").toString();
    }

    private static String rule(String spec) {
        return "-A " + CHAIN + " " + spec + "\n";
    }

    private static String reject(String match) {
        return rule(match + "-p tcp -j REJECT --reject-with tcp-reset")
                + rule(match + "-j REJECT --reject-with icmp-port-unreachable");
    }

    private void admit(AnswerAddresses.Address address) {
        long ttl = Math.min(MAX_TTL_SECONDS, Math.max(MIN_TTL_SECONDS, address.ttlSeconds() + TTL_SLACK_SECONDS));
        if (!policy.allows(address.name())) {
            return;     // the policy changed while the answer was on its way
        }
        Learned entry = learned.get(address.ip());
        if (entry == null) {
            try {
                iptables.run("-A", LEARNED, "-d", address.ip() + "/32", "-j", "ACCEPT");
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            entry = new Learned();
            learned.put(address.ip(), entry);
            LOG.info("egress: {} admitted for {} ({} s)", address.ip(), address.name(), ttl);
        }
        entry.names.add(address.name());
        entry.expiresNanos = Math.max(entry.expiresNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(ttl));
    }

    /** After a policy change: an address stays only while some name it was resolved for is still allowed. */
    private void forgetDenied(EgressPolicy next) {
        for (Iterator<Map.Entry<String, Learned>> it = learned.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Learned> e = it.next();
            e.getValue().names.removeIf(name -> !next.allows(name));
            if (e.getValue().names.isEmpty() && drop(e.getKey())) {
                it.remove();
            }
        }
    }

    private void expire() {
        long now = System.nanoTime();
        learned.entrySet().removeIf(e -> now - e.getValue().expiresNanos > 0 && drop(e.getKey()));
    }

    private boolean drop(String ip) {
        try {
            iptables.run("-D", LEARNED, "-d", ip + "/32", "-j", "ACCEPT");
            return true;
        } catch (IOException e) {
            LOG.warn("egress: could not remove the rule admitting {}: {}", ip, e.getMessage());
            return false;
        }
    }

    private interface Step {
        Void run() throws Exception;
    }

    private void onWorker(Step step) throws Exception {
        try {
            worker.submit(step::run).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
