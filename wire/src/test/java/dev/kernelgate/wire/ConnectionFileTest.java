package dev.kernelgate.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionFileTest {
    @TempDir
    Path dir;

    @Test
    void writesMode0600AndReadsBack() throws Exception {
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", 1, 2, 3, 4, 5, "abc-def", "hmac-sha256", "python3");
        Path file = dir.resolve("kernel-x.json");
        ConnectionFile.write(file, info);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(info, ConnectionFile.read(file));
        assertEquals("tcp://127.0.0.1:4", info.endpoint(Channel.CONTROL));
    }

    @Test
    void ipcFilesRoundTrip() throws Exception {
        ConnectionInfo info = new ConnectionInfo("ipc", dir.resolve("kernel-ipc").toString(), 11, 12, 13, 14, 15,
                "k", "hmac-sha256", "python3");
        Path file = dir.resolve("kernel-ipc.json");
        ConnectionFile.write(file, info);
        ConnectionInfo read = ConnectionFile.read(file);
        assertEquals(info, read);
        assertEquals("ipc://" + dir.resolve("kernel-ipc") + "-12", read.endpoint(Channel.IOPUB));
    }

    @Test
    void readsAJupyterClientFileAndIpcEndpoints() throws Exception {
        Path file = dir.resolve("k.json");
        Files.writeString(file, """
                {"shell_port": 56569, "iopub_port": 53139, "stdin_port": 42823, "control_port": 56167,
                 "hb_port": 37555, "ip": "/tmp/kernel", "key": "59be9002-0bda3e719709224897707c07",
                 "transport": "ipc", "signature_scheme": "hmac-sha256", "kernel_name": "python3",
                 "jupyter_session": "ignored"}""");
        ConnectionInfo info = ConnectionFile.read(file);
        assertEquals(53139, info.iopubPort());
        assertEquals("ipc:///tmp/kernel-37555", info.endpoint(Channel.HB));
        assertTrue(info.signer().enabled());
    }

    @Test
    void badFilesNameTheProblem() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"shell_port\": \"x\"}");
        IOException e = assertThrows(IOException.class, () -> ConnectionFile.read(file));
        assertTrue(e.getMessage().contains("shell_port"), e.getMessage());
        Files.writeString(file, "{\"transport\": \"udp\", \"shell_port\":1,\"iopub_port\":1,\"stdin_port\":1,"
                + "\"control_port\":1,\"hb_port\":1}");
        assertTrue(assertThrows(IOException.class, () -> ConnectionFile.read(file)).getMessage().contains("udp"));
    }
}
