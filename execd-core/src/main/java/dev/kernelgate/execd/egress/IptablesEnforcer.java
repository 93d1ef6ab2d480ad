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

    private final Iptables iptables;
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
        this.iptables = new Iptables(tools);
        this.upstream = upstream;
        this.upstreamMarked = upstreamMarked;
        worker.scheduleWithFixedDelay(this::expire, 5, 5, TimeUnit.SECONDS);
    }

    @Override
    public void apply(EgressPolicy next) throws Exception {
        onWorker(() -> {
            if (!chainsMade) {
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
