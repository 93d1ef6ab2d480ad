package dev.kernelgate.runtime.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM certificate chains and private keys as OpenSSL writes them: {@code PRIVATE KEY} (PKCS#8),
 * {@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE KEY} (SEC1, with or without the {@code EC PARAMETERS} block
 * {@code openssl ecparam -genkey} puts first). The JDK alone reads only PKCS#8. Encrypted keys are refused with a
 * message saying so.
 */
public final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate in the file, leaf first as servers send them. */
    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(file + ": no PEM certificate found");
            }
            return chain;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read certificate " + file, e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException(file + ": the private key is encrypted; decrypt it first "
                            + "(openssl pkey -in KEY -out PLAIN)");
                }
                // EC PARAMETERS and anything else before the key: skip.
            }
            throw new IllegalArgumentException(file + ": no PEM private key found (PKCS#8, PKCS#1 RSA or SEC1 EC)");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the private key: " + e.getMessage(), e);
        }
    }

    /** The key as PKCS#8 PEM ({@code PRIVATE KEY}), the form every reader takes, EC curves included. */
    public static String pkcs8(PrivateKey key) {
        String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** PEM text of objects BouncyCastle can write (certificates). */
    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
