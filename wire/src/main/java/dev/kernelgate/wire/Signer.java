package dev.kernelgate.wire;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC signing of the four JSON parts, as jupyter_client's Session does: the key is the ASCII bytes of the
 * connection file's {@code key} string, the digest is lowercase hex, buffers are not signed, and an empty
 * key disables signing. Thread-safe: each thread gets its own {@link Mac} cloned from a prototype.
 */
public final class Signer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    private final String scheme;
    private final Mac prototype;
    private final ThreadLocal<Mac> macs;

    private Signer(String scheme, Mac prototype) {
        this.scheme = scheme;
        this.prototype = prototype;
        this.macs = prototype == null ? null : ThreadLocal.withInitial(this::cloneMac);
    }

    /** A signer for {@code scheme} (e.g. {@code hmac-sha256}) and the connection-file key string. */
    public static Signer create(String scheme, String key) {
        String normalized = scheme == null || scheme.isBlank() ? "hmac-sha256" : scheme.toLowerCase(Locale.ROOT);
        if (key == null || key.isEmpty()) {
            return new Signer(normalized, null);
        }
        if (!normalized.startsWith("hmac-")) {
            throw new IllegalArgumentException("unsupported signature_scheme '" + scheme + "': expected hmac-<hash>");
        }
        String algorithm = "Hmac" + normalized.substring("hmac-".length()).toUpperCase(Locale.ROOT).replace("-", "");
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), algorithm));
            return new Signer(normalized, mac);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unsupported signature_scheme '" + scheme + "': this JVM has no "
                    + algorithm, e);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable key for signature_scheme '" + scheme + "'", e);
        }
    }

    public static Signer unsigned() {
        return new Signer("hmac-sha256", null);
    }

    public String scheme() {
        return scheme;
    }

    public boolean enabled() {
        return prototype != null;
    }

    /** Lowercase hex digest of the parts as ASCII bytes; empty when signing is off. */
    public byte[] sign(byte[] header, byte[] parentHeader, byte[] metadata, byte[] content) {
        if (prototype == null) {
            return EMPTY;
        }
        Mac mac = macs.get();
        mac.update(header);
        mac.update(parentHeader);
        mac.update(metadata);
        mac.update(content);
        byte[] raw = mac.doFinal();
        byte[] hex = new byte[raw.length * 2];
        for (int i = 0; i < raw.length; i++) {
            hex[2 * i] = HEX[(raw[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[raw[i] & 0xf];
        }
        return hex;
    }

    /** Constant-time check of a received hex signature. */
    public boolean verify(byte[] signature, byte[] header, byte[] parentHeader, byte[] metadata, byte[] content) {
        if (prototype == null) {
            return true;
        }
        return MessageDigest.isEqual(sign(header, parentHeader, metadata, content), signature);
    }

    private Mac cloneMac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JCA provider cannot clone " + prototype.getAlgorithm(), e);
        }
    }
}
