package dev.kernelgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SignerTest {

    /** A kernel_info_reply captured from Debian's ipykernel 6.17 with the key of its connection file. */
    static CapturedMessage captured() throws Exception {
        try (InputStream in = SignerTest.class.getResourceAsStream("/ipykernel-kernel-info-reply.json")) {
            JsonNode node = Json.MAPPER.readTree(in);
            List<byte[]> frames = new ArrayList<>();
            node.get("frames").forEach(f -> frames.add(f.asText().getBytes(StandardCharsets.UTF_8)));
            return new CapturedMessage(node.get("key").asText(), node.get("signature_scheme").asText(), frames);
        }
    }

    record CapturedMessage(String key, String scheme, List<byte[]> frames) {
        byte[] frame(int i) {
            return frames.get(i);
        }
    }

    @Test
    void reproducesTheSignatureOfARealIpykernelMessage() throws Exception {
        CapturedMessage m = captured();
        Signer signer = Signer.create(m.scheme(), m.key());
        byte[] signature = signer.sign(m.frame(2), m.frame(3), m.frame(4), m.frame(5));
        assertEquals(new String(m.frame(1), StandardCharsets.US_ASCII),
                new String(signature, StandardCharsets.US_ASCII));
        assertTrue(signer.verify(m.frame(1), m.frame(2), m.frame(3), m.frame(4), m.frame(5)));
    }

    @Test
    void aChangedByteOrAnotherKeyFailsVerification() throws Exception {
        CapturedMessage m = captured();
        byte[] content = m.frame(5).clone();
        content[content.length - 2] ^= 1;
        assertFalse(Signer.create(m.scheme(), m.key()).verify(m.frame(1), m.frame(2), m.frame(3), m.frame(4), content));
        assertFalse(Signer.create(m.scheme(), "other-key").verify(m.frame(1), m.frame(2), m.frame(3), m.frame(4),
                m.frame(5)));
    }

    @Test
    void emptyKeyDisablesSigning() {
        Signer signer = Signer.create("hmac-sha256", "");
        assertFalse(signer.enabled());
        assertEquals(0, signer.sign(b("{}"), b("{}"), b("{}"), b("{}")).length);
        assertTrue(signer.verify(new byte[0], b("{}"), b("{}"), b("{}"), b("{}")));
    }

    @Test
    void otherHmacSchemesOfTheJdkAreHonoured() {
        byte[] sha512 = Signer.create("hmac-sha512", "k").sign(b("a"), b("b"), b("c"), b("d"));
        byte[] sha1 = Signer.create("hmac-sha1", "k").sign(b("a"), b("b"), b("c"), b("d"));
        assertEquals(128, sha512.length);
        assertEquals(40, sha1.length);
        assertEquals("hmac-sha512", Signer.create("HMAC-SHA512", "k").scheme());
    }

    @Test
    void unknownSchemeIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Signer.create("hmac-nosuchhash", "k"));
        assertTrue(e.getMessage().contains("hmac-nosuchhash"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signer.create("rsa", "k"));
    }

    @Test
    void signingIsSafeAcrossThreads() throws Exception {
        Signer signer = Signer.create("hmac-sha256", "shared");
        byte[] expected = signer.sign(b("h"), b("p"), b("m"), b("c"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        if (!java.util.Arrays.equals(expected, signer.sign(b("h"), b("p"), b("m"), b("c")))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(expected, signer.sign(b("h"), b("p"), b("m"), b("c")));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
