package dev.kernelgate.execd.egress.vault;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The sandbox's own certificate authority for TLS interception: made when the sidecar starts (EC P-256, its key never
 * leaves the sidecar's memory), it issues a certificate per host name the sandbox connects to (cached). The sandbox
 * trusts it through the certificate file the sidecar writes ({@link #certificatePem()}).
 */
public final class MitmAuthority {
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final X500Name subject = new X500Name("CN=Kernelgate credential vault CA");
    static final int MAX_CACHED = 1024;
    private final Map<String, SslContext> contexts = new ConcurrentHashMap<>();

    private MitmAuthority(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    public static MitmAuthority generate() {
        try {
            KeyPair keys = newKeys();
            X500Name subject = new X500Name("CN=Kernelgate credential vault CA");
            JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new MitmAuthority(keys, sign(builder, keys));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the credential vault's CA: " + e.getMessage(), e);
        }
    }

    /** The CA certificate, PEM. */
    public String certificatePem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(certificate);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /**
     * A server context presenting a certificate for {@code host} issued by this CA, made once per host (an EC key and
     * a signature: about a millisecond, done on the proxy's loop).
     */
    SslContext serverContext(String host) {
        String name = host.toLowerCase(java.util.Locale.ROOT);
        if (contexts.size() >= MAX_CACHED && !contexts.containsKey(name)) {
            contexts.clear(); // a wildcard binding must not let a sandbox grow the cache without end
        }
        return contexts.computeIfAbsent(name, this::issue);
    }

    private SslContext issue(String host) {
        try {
            KeyPair leaf = newKeys();
            JcaX509v3CertificateBuilder builder = builder(subject, new X500Name("CN=" + host.replace(",", "")), leaf);
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate cert = sign(builder, keys);
            return SslContextBuilder.forServer(leaf.getPrivate(), cert, certificate).build();
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + host + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
