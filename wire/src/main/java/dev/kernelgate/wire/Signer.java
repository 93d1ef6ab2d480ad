package dev.kernelgate.wire;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** Python's hashlib names and their dashed forms: sha3_256, sha3-256. */
    private static final Pattern SHA3 = Pattern.compile("sha3[-_](224|256|384|512)");
    /** Truncated SHA-512 as hashlib (sha512_256) or JCA (sha512/256) spell it. */
    private static final Pattern SHA512_TRUNCATED = Pattern.compile("sha-?512[-_/](224|256)");

    private final String scheme;
    private final Mac prototype;
    private final ThreadLocal<Mac> macs;

    private Signer(String scheme, Mac prototype) {
        this.scheme = scheme;
        this.prototype = prototype;
        this.macs = prototype == null ? null : ThreadLocal.withInitial(this::cloneMac);
    }

    /**
     * A signer for {@code scheme} (e.g. {@code hmac-sha256}, or any {@code hmac-<hashlib name>} the JDK has) and the
     * connection-file key string. The scheme is checked even when the key is empty (signing off), so a typo in a
     * connection file is an error at once rather than when someone turns signing on.
     */
    public static Signer create(String scheme, String key) {
        String normalized = scheme == null || scheme.isBlank() ? "hmac-sha256" : scheme.toLowerCase(Locale.ROOT);
        if (!normalized.startsWith("hmac-")) {
            throw new IllegalArgumentException("unsupported signature_scheme '" + scheme + "': expected hmac-<hash>");
        }
        String algorithm = macAlgorithm(normalized.substring("hmac-".length()));
        try {
            Mac mac = Mac.getInstance(algorithm);
            if (key == null || key.isEmpty()) {
                return new Signer(normalized, null);
            }
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), algorithm));
            return new Signer(normalized, mac);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unsupported signature_scheme '" + scheme + "': this JVM has no "
                    + algorithm, e);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable key for signature_scheme '" + scheme + "'", e);
        }
    }

    /** The JCA name of an HMAC over {@code hash}: sha3_256 is HmacSHA3-256, sha512_256 HmacSHA512/256. */
    static String macAlgorithm(String hash) {
        Matcher sha3 = SHA3.matcher(hash);
        if (sha3.matches()) {
            return "HmacSHA3-" + sha3.group(1);
        }
        Matcher truncated = SHA512_TRUNCATED.matcher(hash);
        if (truncated.matches()) {
            return "HmacSHA512/" + truncated.group(1);
        }
        return "Hmac" + hash.toUpperCase(Locale.ROOT).replace("-", "");
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
