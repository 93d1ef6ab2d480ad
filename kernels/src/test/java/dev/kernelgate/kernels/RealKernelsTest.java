package dev.kernelgate.kernels;

import static dev.kernelgate.kernels.TestKernels.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.wire.Message;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java client against Debian's ipykernel and IRkernel: one kernel of each for the whole class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealKernelsTest {
    /** 1x1 PNG, the smallest valid image. */
    private static final String PNG_B64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    @TempDir
    static Path dir;
    private KernelManager manager;
    private final Map<String, KernelClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    void startKernels() throws Exception {
        manager = TestKernels.manager(dir);
        CompletableFuture<Kernel> python = manager.startAndWait(KernelStartRequest.of("python3"));
        CompletableFuture<Kernel> r = manager.startAndWait(KernelStartRequest.of("ir"));
        clients.put("python3", await(KernelClient.connect(await(python))));
        clients.put("ir", await(KernelClient.connect(await(r))));
    }

    @AfterAll
    void stop() {
        manager.close();
    }

    private TestKernels.Outputs run(String kernel, String code) throws Exception {
        TestKernels.Outputs outputs = new TestKernels.Outputs();
        ExecuteResult result = await(clients.get(kernel).execute(code, ExecuteOptions.defaults(), outputs).result());
        outputs.messages.add(result.reply());
        return outputs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3", "ir"})
    void expressionGivesExecuteResult(String kernel) throws Exception {
        TestKernels.Outputs out = run(kernel, "1+1");
        // IRkernel 1.3.2 never sends execute_result: its Executor$handle_value publishes a visible value as
        // display_data (text/plain "[1] 2", plus text/html, text/markdown and text/latex "2"). ipykernel sends
        // execute_result. The gateway forwards whichever the kernel sends.
        String type = kernel.equals("ir") ? "display_data" : "execute_result";
        Message result = out.ofType(type).get(0);
        String text = result.content().path("data").path("text/plain").asText();
        assertEquals(kernel.equals("ir") ? "[1] 2" : "2", text);
        if (kernel.equals("ir")) {
            assertTrue(out.ofType("execute_result").isEmpty(), "IRkernel now sends execute_result: update this test");
        }
        assertEquals("ok", out.ofType("execute_reply").get(0).content().path("status").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3", "ir"})
    void printedTextArrivesAsStream(String kernel) throws Exception {
        String code = kernel.equals("ir") ? "cat('hello\\n'); cat('world\\n')" : "print('hello'); print('world')";
        assertEquals("hello\nworld\n", run(kernel, code).stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3", "ir"})
    void exceptionGivesError(String kernel) throws Exception {
        String code = kernel.equals("ir") ? "stop('boom')" : "raise ValueError('boom')";
        TestKernels.Outputs out = run(kernel, code);
        Message error = out.ofType("error").get(0);
        assertFalse(error.content().path("ename").asText().isEmpty());
        assertTrue(error.content().path("evalue").asText().contains("boom"), error.content().toString());
        assertTrue(error.content().path("traceback").isArray());
        assertFalse(error.content().path("traceback").isEmpty(), error.content().toString());
        if (kernel.equals("python3")) {
            assertEquals("ValueError", error.content().path("ename").asText());
        }
        assertEquals("error", out.ofType("execute_reply").get(0).content().path("status").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3", "ir"})
    void pngDisplayArrivesIntact(String kernel) throws Exception {
        String code = kernel.equals("ir")
                ? "IRdisplay::display_png(base64enc::base64decode('" + PNG_B64 + "'))"
                : "import base64\nfrom IPython.display import Image, display\n"
                        + "display(Image(data=base64.b64decode('" + PNG_B64 + "')))";
        TestKernels.Outputs out = run(kernel, code);
        Message display = out.ofType("display_data").get(0);
        String png = display.content().path("data").path("image/png").asText().replace("\n", "");
        assertArrayEquals(Base64.getDecoder().decode(PNG_B64), Base64.getDecoder().decode(png));
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3", "ir"})
    void inputRoundTripsThroughStdin(String kernel) throws Exception {
        String code = kernel.equals("ir")
                ? "x <- readline('name? '); cat(paste0('hi ', x, '\\n'))"
                : "x = input('name? ')\nprint('hi ' + x)";
        TestKernels.Outputs outputs = new TestKernels.Outputs();
        java.util.List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutionListener listener = new ExecutionListener() {
            @Override
            public void onOutput(Message message) {
                outputs.onOutput(message);
            }

            @Override
            public java.util.concurrent.CompletionStage<String> onInputRequest(String prompt, boolean password) {
                prompts.add(prompt);
                return CompletableFuture.completedFuture("kernelgate");
            }
        };
        ExecuteResult result = await(clients.get(kernel)
                .execute(code, ExecuteOptions.defaults().withAllowStdin(true), listener).result());
        assertTrue(result.ok(), result.reply().content().toString());
        assertEquals(java.util.List.of("name? "), prompts);
        assertEquals("hi kernelgate\n", outputs.stdout());
    }

    @Test
    void outputsOfConcurrentRequestsDoNotMix() throws Exception {
        KernelClient client = clients.get("python3");
        TestKernels.Outputs a = new TestKernels.Outputs();
        TestKernels.Outputs b = new TestKernels.Outputs();
        Execution first = client.execute("print('a')", ExecuteOptions.defaults(), a);
        Execution second = client.execute("print('b')", ExecuteOptions.defaults(), b);
        await(first.result());
        await(second.result());
        assertEquals("a\n", a.stdout());
        assertEquals("b\n", b.stdout());
    }

    @Test
    void kernelInfoReportsProtocol53() throws Exception {
        Message info = await(clients.get("python3").kernelInfo());
        assertEquals("5.3", info.content().path("protocol_version").asText());
        assertEquals("python", info.content().path("language_info").path("name").asText());
    }
}
