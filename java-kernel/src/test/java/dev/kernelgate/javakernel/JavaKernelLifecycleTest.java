package dev.kernelgate.javakernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernels that end: shutdown_request on control and on shell, while idle and while a cell runs. */
class JavaKernelLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void shutdownRequestOnControlRepliesAndExits() throws Exception {
        try (KernelClient kernel = KernelClient.launch(dir, List.of())) {
            kernel.waitForReady();
            assertEquals("2", kernel.execute("1+1").result());
            ObjectNode content = Json.object();
            content.put("restart", false);
            Message request = kernel.send(Channel.CONTROL, "shutdown_request", content);
            Message reply = kernel.await(Channel.CONTROL, KernelClient.isReplyTo(request), KernelClient.TIMEOUT);
            assertEquals("ok", reply.content().path("status").asText());
            assertFalse(reply.content().path("restart").asBoolean());
            Message published = kernel.await(Channel.IOPUB, m -> "shutdown_reply".equals(m.msgType()),
                    KernelClient.TIMEOUT);
            assertEquals(request.header().msgId(), published.parentMsgId());
            Process process = kernel.process();
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
            assertEquals(0, process.exitValue(), kernel::log);
        }
    }

    @Test
    void anExecuteAsTheVeryFirstRequestIsAnswered() throws Exception {
        try (KernelClient kernel = KernelClient.launch(dir, List.of())) {
            Message request = kernel.sendExecute("6 * 7", false);
            Message reply = kernel.await(Channel.SHELL, KernelClient.isReplyTo(request), KernelClient.TIMEOUT);
            assertEquals("ok", reply.content().path("status").asText(), kernel::log);
        }
    }

    @Test
    void shutdownWhileACellRunsStillExits() throws Exception {
        try (KernelClient kernel = KernelClient.launch(dir, List.of())) {
            kernel.waitForReady();
            kernel.sendExecute("while (true) {}", false);
            Message reply = kernel.request(Channel.CONTROL, "shutdown_request", Json.object());
            assertEquals("ok", reply.content().path("status").asText());
            Process process = kernel.process();
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
            assertEquals(0, process.exitValue(), kernel::log);
        }
    }

    @Test
    void sigintInterruptsTheCellInsteadOfEndingTheKernel() throws Exception {
        try (KernelClient kernel = KernelClient.launch(dir, List.of())) {
            kernel.waitForReady();
            // The handler is installed in the background at start; by the first completed cell it is in place.
            assertEquals("2", kernel.execute("1+1").result());
            Message loop = kernel.sendExecute("while (true) {}", false);
            kernel.await(Channel.IOPUB, m -> "execute_input".equals(m.msgType())
                    && loop.header().msgId().equals(m.parentMsgId()), KernelClient.TIMEOUT);
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(kernel.process().pid())).start();
            assertEquals(0, kill.waitFor());
            assertEquals(SnippetEvaluator.INTERRUPTED, kernel.collect(loop).reply().content().path("ename").asText());
            assertEquals("2", kernel.execute("1+1").result());
        }
    }

    @Test
    void ipcTransportWorks() throws Exception {
        try (KernelClient kernel = KernelClient.launchIpc(dir)) {
            kernel.waitForReady();
            assertEquals("2", kernel.execute("1+1").result());
            kernel.request(Channel.CONTROL, "shutdown_request", Json.object());
            Process process = kernel.process();
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
        }
    }

    @Test
    void shutdownRequestOnShellWorksToo() throws Exception {
        try (KernelClient kernel = KernelClient.launch(dir, List.of())) {
            kernel.waitForReady();
            assertEquals("ok", kernel.request(Channel.SHELL, "shutdown_request", Json.object())
                    .content().path("status").asText());
            Process process = kernel.process();
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
            assertEquals(0, process.exitValue(), kernel::log);
        }
    }
}
