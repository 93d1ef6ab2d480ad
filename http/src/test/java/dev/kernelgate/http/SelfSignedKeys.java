package dev.kernelgate.http;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Throwaway TLS keys for tests. */
public final class SelfSignedKeys {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** A server's TLS context on a fresh self-signed key, and a client context that trusts exactly that key. */
    public record Pair(SslContext server, SSLContext client) {
    }

    private SelfSignedKeys() {
    }

    /** {@link #create} made into contexts (Netty's JDK provider on the server side). */
    public static Pair contexts(Path dir) throws Exception {
        KeyStore keyStore = create(dir, PASSWORD);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SslContext server = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return new Pair(server, client);
    }

    /**
     * A key pair for 127.0.0.1 and localhost in a PKCS12 store under {@code dir}, made with the JDK's keytool (no
     * key material in the repository).
     */
    public static KeyStore create(Path dir, char[] password) throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(password), "-keypass", new String(password))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password);
        }
        return ks;
    }
}
