package dev.kernelgate.execd.egress.vault;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whom the proxy trusts when it opens TLS to a destination: the JDK's certificate authorities, plus the PEM
 * certificates of {@code extra} when given (a private CA). Upstream certificates are always verified; there is no
 * insecure mode (upstream refuses one too).
 */
final class UpstreamTrust {
    private UpstreamTrust() {
    }

    static SslContext clientContext(Path extra) {
        try {
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            if (extra == null) {
                return SslContextBuilder.forClient().trustManager(jdk).build();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(extra)) {
                for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + n++, cert);
                }
            }
            TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            both.init(store);
            return SslContextBuilder.forClient().trustManager(both).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the credential vault's proxy cannot set up its trust"
                    + (extra == null ? "" : " (" + extra + ")") + ": " + e.getMessage(), e);
        }
    }
}
