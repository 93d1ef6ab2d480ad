package dev.kernelgate.runtime.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/** Netty contexts (JDK provider: OpenSSL is not bundled) for HTTP/1.1 over TLS. */
public final class TlsContexts {
    private TlsContexts() {
    }

    public static SslContext server(PrivateKey key, List<X509Certificate> chain) {
        try {
            return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK)
                    .build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("the TLS key and certificate cannot be used together: "
                    + e.getMessage(), e);
        }
    }

    /** A client context that trusts exactly {@code trusted} (the server's own chain, which its children serve). */
    public static SslContext client(List<X509Certificate> trusted) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(trusted.toArray(X509Certificate[]::new))
                    .build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("no TLS client context for the certificate: " + e.getMessage(), e);
        }
    }
}
