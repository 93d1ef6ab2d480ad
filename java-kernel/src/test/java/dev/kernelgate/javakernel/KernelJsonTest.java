package dev.kernelgate.javakernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.Header;
import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's ObjectMapper-free JSON agrees with the wire module's. */
class KernelJsonTest {
    @TempDir
    Path dir;

    @Test
    void treesRoundTripAndMatchTheWireSerialisation() throws Exception {
        String json = "{\"s\":\"\u00e9\\n\\\"\ud83d\ude00\",\"i\":42,\"l\":12345678901,"
                + "\"big\":123456789012345678901234567890,\"d\":1.5,\"t\":true,\"f\":false,\"n\":null,"
                + "\"a\":[1,\"x\",[],{}],\"o\":{\"nested\":{\"k\":[null]}}}";
        ObjectNode parsed = KernelJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(Json.MAPPER.readTree(json), parsed);
        assertArrayEquals(Json.bytes(parsed), KernelJson.bytes(parsed));
        assertEquals(parsed, KernelJson.parseObject(KernelJson.bytes(parsed)));
    }

    @Test
    void headersAreWrittenAsTheWireModuleWritesThem() {
        Header header = new Header("id_1", "session", "kernel", Header.now(), "status", "5.3");
        assertArrayEquals(Json.bytes(header.toJson()), KernelJson.bytes(header));
    }

    @Test
    void peeksTopLevelStrings() {
        byte[] json = "{\"a\":{\"msg_type\":\"inner\"},\"msg_type\":\"execute_request\",\"n\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("execute_request", KernelJson.peekString(json, "msg_type"));
        assertNull(KernelJson.peekString(json, "n"));
        assertNull(KernelJson.peekString("[1]".getBytes(StandardCharsets.UTF_8), "msg_type"));
        assertNull(KernelJson.peekString("{bad".getBytes(StandardCharsets.UTF_8), "msg_type"));
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : new String[] {"[]", "{\"a\":1", "{\"a\":1} {}", "", "nope"}) {
            assertThrows(IOException.class, () -> KernelJson.parseObject(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void readsConnectionFilesLikeTheWireModule() throws Exception {
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 1, 2, 3, 4, 5, "k-e-y", "hmac-sha256", "java");
        Path file = dir.resolve("kernel.json");
        ConnectionFile.write(file, info);
        assertEquals(ConnectionFile.read(file), KernelJson.readConnectionFile(file));
        Files.writeString(file, "{\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4}");
        assertThrows(IOException.class, () -> KernelJson.readConnectionFile(file));
        Files.writeString(file, "{\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4, "
                + "\"hb_port\": 5}");
        assertEquals(new ConnectionInfo("tcp", "127.0.0.1", 1, 2, 3, 4, 5, "", "hmac-sha256", ""),
                KernelJson.readConnectionFile(file));
    }
}
