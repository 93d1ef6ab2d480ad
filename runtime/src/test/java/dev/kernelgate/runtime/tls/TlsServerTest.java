package dev.kernelgate.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.RuntimeProviders;
import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTPS with a generated certificate the client trusts, and keys in every PEM form OpenSSL writes. */
class TlsServerTest {
    private static final String KEY = "tls-key";

    @TempDir
    Path dir;

    @Test
    void selfSignedCertificateServesHttpsToJavaAndCurl() throws Exception {
        try (LifecycleServer.Running server = start(config().withServer(config().server().withTls(null, null, true)))) {
            assertTrue(server.baseUrl().startsWith("https://"));
            String pem = server.certificatePem();
            assertEquals(200, get(trusting(pem), server.baseUrl() + "/v1/sandboxes").statusCode());
            Path ca = Files.writeString(dir.resolve("ca.pem"), pem);
            List<String> curl = List.of("curl", "-sS", "--cacert", ca.toString(), "-H", "OPEN-SANDBOX-API-KEY: "
                    + KEY, server.baseUrl() + "/v1/sandboxes");
            assertTrue(run(curl).contains("\"items\""));
            // The key is written for the sandboxes' execds, readable by the owner only.
            Path key = dir.resolve("state").resolve("self-signed-key.pem");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(key)));
            assertEquals("EC", PemFiles.privateKey(key).getAlgorithm());
            // A client that does not trust it refuses the connection: the certificate is really checked.
            assertThrows(SSLHandshakeException.class, () -> get(HttpClient.newHttpClient(), server.baseUrl()
                    + "/health"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pkcs1-rsa", "pkcs8-rsa", "sec1-ec", "pkcs8-ec"})
    void pemKeysInEveryCommonFormServe(String form) throws Exception {
        Path key = dir.resolve(form + ".key");
        Path cert = dir.resolve(form + ".crt");
        switch (form) {
            case "pkcs1-rsa" -> run(List.of("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048"));
            case "pkcs8-rsa" -> run(List.of("openssl", "genpkey", "-algorithm", "RSA", "-out", key.toString()));
            case "sec1-ec" -> run(List.of("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out",
                    key.toString()));
            default -> run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", key.toString()));
        }
        String header = Files.readString(key).lines().filter(l -> l.startsWith("-----BEGIN")).findFirst().orElse("");
        assertTrue(switch (form) {
            case "pkcs1-rsa" -> header.contains("RSA PRIVATE KEY");
            case "sec1-ec" -> Files.readString(key).contains("BEGIN EC PRIVATE KEY");
            default -> header.equals("-----BEGIN PRIVATE KEY-----");
        }, form + " produced " + header);
        run(List.of("openssl", "req", "-x509", "-key", key.toString(), "-subj", "/CN=localhost", "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "1", "-out", cert.toString()));
        ServerConfig c = config();
        try (LifecycleServer.Running server = start(c.withServer(c.server().withTls(cert, key, false)))) {
            HttpResponse<String> r = get(trusting(Files.readString(cert)), server.baseUrl() + "/v1/sandboxes");
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"items\""));
        }
    }

    @Test
    void anEncryptedKeyIsRefusedWithAClearMessage() throws Exception {
        Path key = dir.resolve("enc.key");
        run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
                "-pass", "pass:secret", "-out", key.toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(key));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    private ServerConfig config() {
        ServerConfig d = ServerConfig.defaults();
        return d.withServer(d.server().withListen("127.0.0.1", 0).withApiKey(KEY))
                .withLocal(LocalSettings.defaults().withStateDir(dir.resolve("state")).withWarmPoolSize(0));
    }

    private static LifecycleServer.Running start(ServerConfig c) {
        return new LifecycleServer(c, System.getenv(), RuntimeProviders.builtIn(), Clock.systemUTC(),
                Duration.ofSeconds(1)).start();
    }

    private static HttpClient trusting(String pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            trust.setCertificateEntry("c" + i++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("OPEN-SANDBOX-API-KEY", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), argv + ": " + out);
        return out;
    }
}
