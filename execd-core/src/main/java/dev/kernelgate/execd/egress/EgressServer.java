package dev.kernelgate.execd.egress;

import dev.kernelgate.execd.egress.vault.CredentialVault;
import dev.kernelgate.execd.egress.vault.InjectingProxy;
import dev.kernelgate.execd.egress.vault.MitmAuthority;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.Resources;
import dev.kernelgate.http.RunningServer;
import dev.kernelgate.kernels.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress sidecar: the DNS proxy and the policy API over one {@link PolicyState}, and in {@code dns+nft} mode the
 * {@link IptablesEnforcer} below them; with the credential vault on, its proxy and the {@link HttpRedirect} to it. {@code new EgressServer(config).start()}; the handle has both bound addresses
 * and closes everything.
 */
public final class EgressServer {
    private static final Logger LOG = LoggerFactory.getLogger(EgressServer.class);

    private final EgressConfig config;

    public EgressServer(EgressConfig config) {
        this.config = config;
    }

    /** The running sidecar. */
    public record Running(InetSocketAddress api, InetSocketAddress dns, PolicyState policy, CredentialVault vault,
                          Resources resources)
            implements AutoCloseable {
        @Override
        public void close() {
            resources.close();
        }
    }

    public Running start() {
        Resources resources = new Resources();
        try {
            InetSocketAddress upstream = upstream();
            PolicyEnforcer enforcer = PolicyEnforcer.DNS_ONLY;
            AnswerListener answers = AnswerListener.NONE;
            if (config.mode().equals(EgressConfig.MODE_DNS_NFT)) {
                IptablesEnforcer iptables = new IptablesEnforcer(config.tools(), upstream);
                resources.add(iptables);
                enforcer = iptables;
                answers = iptables;
            }
            PolicyState state = new PolicyState(config.policy(), enforcer);
            enforcer.apply(config.policy());
            DnsProxy.Running dns = new DnsProxy(config.dnsListen(), upstream, state, answers).start();
            resources.add(dns);
            if (config.takeOverResolvConf()) {
                ResolvConf.pointAt(config.resolvConf(), dns.address());
            }
            ExecutorService blocking = new ThreadPoolExecutor(1, 4, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(256), DaemonThreads.named("egress-blocking"));
            resources.add(blocking::shutdownNow);
            CredentialVault vault = new CredentialVault(EgressConfig.VAULT_PORTS, state::current);
            PolicyHandler handler = new PolicyHandler(state, config.mode(), config.maxRules(), vault::checkPolicy);
            InetSocketAddress vaultProxy = null;
            if (config.vault()) {
                MitmAuthority authority = MitmAuthority.generate();
                if (config.vaultCaFile() != null) {
                    writeCertificate(config.vaultCaFile(), authority.certificatePem());
                }
                InjectingProxy.Running proxy = new InjectingProxy(config.vaultProxy(), vault::active,
                        DnsTransport.UPSTREAM_MARK, authority, EgressConfig.VAULT_TLS_PORTS,
                        config.vaultUpstreamCa(), upstream).start();
                resources.add(proxy);
                new HttpRedirect(config.tools()).install(EgressConfig.VAULT_PORTS, proxy.address().getPort());
                vaultProxy = proxy.address();
            }
            boolean tokenSet = config.token() != null && !config.token().isBlank();
            HttpServerConfig http = HttpServerConfig.of(config.api().getAddress().getHostAddress(),
                    config.api().getPort()).withIoThreads(1);
            RunningServer api = new HttpServer(http, EgressRoutes.build(config.token(), handler,
                    new VaultHandler(vault, config.vault(), tokenSet)), blocking).start();
            resources.add(api);
            LOG.info("egress sidecar: policy API on {}, mode {}, policy {}{}", api.address(), config.mode(),
                    config.policy().toJson(), vaultProxy == null ? "" : ", credential vault proxy on " + vaultProxy
                            + " for port(s) " + EgressConfig.VAULT_PORTS);
            return new Running(api.address(), dns.address(), state, vault, resources);
        } catch (Exception e) {
            resources.closeAfter(e);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("the egress sidecar cannot start: " + e.getMessage(), e);
        }
    }

    /** Writes the CA certificate (public) where the sandbox reads it, replacing it whole. */
    private static void writeCertificate(java.nio.file.Path file, String pem) throws IOException {
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        java.nio.file.Path staging = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.writeString(staging, pem);
        java.nio.file.Files.setPosixFilePermissions(staging,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.nio.file.Files.move(staging, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The configured upstream, else the first nameserver of the resolver file that is not the proxy itself. */
    private InetSocketAddress upstream() throws IOException {
        if (config.dnsUpstream() != null) {
            return config.dnsUpstream();
        }
        List<String> servers;
        try {
            servers = ResolvConf.nameservers(config.resolvConf());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config.resolvConf() + " for the upstream nameserver (set "
                    + EgressConfig.DNS_UPSTREAM_ENV + ")", e);
        }
        for (String server : servers) {
            InetSocketAddress candidate = new InetSocketAddress(server, 53);
            if (!candidate.equals(config.dnsListen())) {
                return candidate;
            }
        }
        throw new IllegalStateException("no upstream nameserver: " + config.resolvConf() + " names none other than "
                + "the proxy's own address; set " + EgressConfig.DNS_UPSTREAM_ENV + " (or [egress] dns_upstream)");
    }
}
