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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /** Digests of {"h":1}{}{}{"c":2} under the key "kernelgate", from Python: hmac.new(key, msg, name).hexdigest(). */
    @ParameterizedTest
    @CsvSource({
            "hmac-sha3_256, 3d9cbdeaddbdae272a827574ac45ece2575cdad50d54263c6d96274e4b3009a5",
            "hmac-sha3-256, 3d9cbdeaddbdae272a827574ac45ece2575cdad50d54263c6d96274e4b3009a5",
            "hmac-sha3_512, f44490d79b8c0d25a553f09955743d8dc63d6a92804a2f83f6eb00952e379bd13090002a6c61820d08778ef6abafb7ed029a56bc041832ffa16bbd2cb9dc7c3b",
            "hmac-sha512_256, 3ecc91b30b5c5e9dbec7491a65ee33d06046894b9bb015d75d363685f6848bc9",
            "hmac-sha512_224, 6a0df1a150a8b9ad387cde965d9d101b09446eb114ac74c4e71b512f",
            "hmac-sha224, 7dad129b196d8c630ca06404a192d63f1491413922cf222f255758eb",
            "hmac-sha384, 6e07307404d976a133e9da8209a60ff1c88724f02a961bc3824e8449b320319cbc9b4f3aa3fd8e9197ec7447abe4b883",
            "hmac-md5, 194400a0876aab43416d83090800448e"})
    void pythonHashlibSchemeNamesGivePythonsDigests(String scheme, String pythonHex) {
        byte[] signature = Signer.create(scheme, "kernelgate").sign(b("{\"h\":1}"), b("{}"), b("{}"), b("{\"c\":2}"));
        assertEquals(pythonHex, new String(signature, StandardCharsets.US_ASCII));
    }

    @Test
    void unknownSchemeIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Signer.create("hmac-nosuchhash", "k"));
        assertTrue(e.getMessage().contains("hmac-nosuchhash"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signer.create("rsa", "k"));
    }

    @Test
    void theSchemeIsCheckedEvenWhenTheKeyIsEmpty() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Signer.create("hmac-blake2b", ""));
        assertTrue(unknown.getMessage().contains("hmac-blake2b"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signer.create("bogus", ""));
        assertFalse(Signer.create("hmac-sha3_256", "").enabled());
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
