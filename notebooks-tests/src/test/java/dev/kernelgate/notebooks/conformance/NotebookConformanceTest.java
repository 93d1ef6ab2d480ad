package dev.kernelgate.notebooks.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.notebooks.GatewayFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notebook conformance: every {@code .ipynb} under {@code notebooks-tests/notebooks/} is run cell by cell through
 * the gateway's kernels WebSocket, as a notebook front end would, and the outputs it builds are compared with the
 * outputs stored in the notebook (recorded by nbclient talking straight to the same kernels; see that folder's
 * README). What is compared and what is ignored is described in {@link OutputComparison}; in addition the
 * execution counts must follow the stored ones (up to a constant offset), each execute_result must carry its
 * cell's count, and execute_reply's status must be {@code error} exactly for cells with an error output.
 *
 * <p>Notebooks alternate between the legacy JSON protocol and {@code v1.kernel.websocket.jupyter.org} (sorted by
 * path); {@code -Dkernelgate.conformance.framing=legacy|v1|both} runs all of them with one framing or with both,
 * and {@code -Dkernelgate.conformance.notebooks=<dir>} takes the notebooks from another folder.
 */
class NotebookConformanceTest {
    private static final Path NOTEBOOKS = notebooksDir();
    private static final Duration CELL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final String TOKEN = UUID.randomUUID().toString();

    @TempDir
    static Path dir;
    private static GatewayFixture gateway;
    private static HttpClient http;

    @BeforeAll
    static void startGateway() throws IOException {
        gateway = GatewayFixture.start(dir, Map.of("KG_AUTH_TOKEN", TOKEN));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> notebooks() throws IOException {
        List<Path> paths;
        try (Stream<Path> files = Files.walk(NOTEBOOKS)) {
            paths = files.filter(p -> p.toString().endsWith(".ipynb"))
                    .filter(p -> !p.toString().contains(".ipynb_checkpoints")).sorted().toList();
        }
        assertFalse(paths.isEmpty(), "no notebooks under " + NOTEBOOKS.toAbsolutePath());
        String mode = System.getProperty("kernelgate.conformance.framing", "alternate");
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            List<Framing> framings = switch (mode) {
                case "legacy" -> List.of(Framing.LEGACY);
                case "v1" -> List.of(Framing.V1);
                case "both" -> List.of(Framing.LEGACY, Framing.V1);
                default -> List.of(i % 2 == 0 ? Framing.LEGACY : Framing.V1);
            };
            for (Framing framing : framings) {
                String name = NOTEBOOKS.relativize(path) + " [" + framing + "]";
                tests.add(DynamicTest.dynamicTest(name, path.toUri(), () -> run(path, framing)));
            }
        }
        return tests.stream();
    }

    private static void run(Path path, Framing framing) throws Exception {
        Notebook notebook = Notebook.load(path);
        String kernelId = startKernel(notebook.kernelName());
        List<String> problems = new ArrayList<>();
        int executed = 0;
        try (KernelSocket socket = KernelSocket.open(http, gateway.wsUrl(), kernelId, TOKEN, framing,
                CONNECT_TIMEOUT)) {
            // Legacy runs start with kernel_info as JupyterLab does; v1 runs send their first execute_request the
            // moment the socket is open, so output produced before any other traffic must not be lost either.
            boolean handshakeFirst = framing == Framing.LEGACY;
            if (handshakeFirst) {
                checkLanguage(notebook, socket, problems);
            }
            FrontEnd frontEnd = new FrontEnd();
            List<CellRun> runs = new ArrayList<>();
            for (Notebook.CodeCell cell : notebook.cells()) {
                if (cell.executable()) {
                    runs.add(execute(socket, frontEnd, cell));
                    executed++;
                }
            }
            if (!handshakeFirst) {
                checkLanguage(notebook, socket, problems);
            }
            // Compare only now: a display_id update in a later cell changes the outputs of earlier ones.
            Integer offset = null;
            for (CellRun run : runs) {
                Notebook.CodeCell cell = run.cell();
                List<String> diffs = new ArrayList<>(
                        OutputComparison.compare(cell.outputs(), frontEnd.outputs(cell.index())));
                offset = checkCounts(run, frontEnd.outputs(cell.index()), offset, diffs);
                boolean storedError = cell.outputs().stream()
                        .anyMatch(o -> "error".equals(o.path("output_type").asText()));
                String status = run.reply().path("status").asText();
                if (!status.equals(storedError ? "error" : "ok")) {
                    diffs.add("execute_reply status '" + status + "', expected '" + (storedError ? "error" : "ok")
                            + "'");
                }
                if (!diffs.isEmpty()) {
                    problems.add(describe(cell) + ":\n    " + String.join("\n    ", diffs));
                }
            }
            socket.violations().forEach(v -> problems.add("protocol violation: " + v));
        } finally {
            deleteKernel(kernelId, problems);
        }
        if (!problems.isEmpty()) {
            fail(NOTEBOOKS.relativize(path) + " [" + framing + "]: " + problems.size() + " problem(s) in " + executed
                    + " executed cells\n  " + String.join("\n  ", problems));
        }
    }

    private record CellRun(Notebook.CodeCell cell, Integer inputCount, JsonNode reply) {
    }

    /** Sends one execute_request and applies its IOPub output until status idle and the execute_reply are in. */
    private static CellRun execute(KernelSocket socket, FrontEnd frontEnd, Notebook.CodeCell cell) throws Exception {
        frontEnd.startCell(cell.index());
        ObjectNode content = Notebook.MAPPER.createObjectNode()
                .put("code", cell.source()).put("silent", false).put("store_history", true)
                .put("allow_stdin", false).put("stop_on_error", false);
        content.putObject("user_expressions");
        KernelMessage request = socket.request("execute_request", content);
        socket.send(request);
        long deadline = System.nanoTime() + CELL_TIMEOUT.toNanos();
        boolean idle = false;
        JsonNode reply = null;
        Integer inputCount = null;
        Map<String, Integer> seen = new LinkedHashMap<>();
        while (!idle || reply == null) {
            KernelMessage m = socket.next(Duration.ofNanos(deadline - System.nanoTime()));
            if (m == null) {
                throw new AssertionError(describe(cell) + ": no " + (idle ? "execute_reply" : "status idle")
                        + " within " + CELL_TIMEOUT.toSeconds() + " s; messages for this cell: " + seen);
            }
            if (!request.msgId().equals(m.parentMsgId())) {
                continue;
            }
            seen.merge(m.channel() + "/" + m.msgType(), 1, Integer::sum);
            if (m.channel().equals("iopub")) {
                switch (m.msgType()) {
                    case "status" -> idle |= "idle".equals(m.content().path("execution_state").asText());
                    case "execute_input" -> inputCount = count(m.content().get("execution_count"));
                    default -> frontEnd.onIopub(cell.index(), m);
                }
            } else if (m.channel().equals("shell") && m.msgType().equals("execute_reply")) {
                reply = m.content();
            }
        }
        return new CellRun(cell, inputCount, reply);
    }

    /**
     * Execution counts differ from the stored ones at most by one offset for the whole notebook (a kernel that
     * executed something before would shift them); execute_input, execute_reply and execute_result agree, and
     * each execute_result's count is its stored one plus that offset.
     */
    private static Integer checkCounts(CellRun run, List<ObjectNode> outputs, Integer offset, List<String> diffs) {
        Integer actual = count(run.reply().get("execution_count"));
        if (actual == null) {
            diffs.add("execute_reply has no execution_count");
            return offset;
        }
        if (run.inputCount() != null && !run.inputCount().equals(actual)) {
            diffs.add("execute_input count " + run.inputCount() + " != execute_reply count " + actual);
        }
        Integer stored = run.cell().executionCount();
        if (offset == null && stored != null) {
            offset = actual - stored;
        } else if (stored != null && actual - stored != offset) {
            diffs.add("execution_count " + actual + " (stored " + stored + ") breaks the notebook's offset " + offset);
        }
        List<Integer> got = resultCounts(outputs);
        List<Integer> want = resultCounts(run.cell().outputs());
        for (int i = 0; i < got.size(); i++) {
            if (!Integer.valueOf(actual).equals(got.get(i))) {
                diffs.add("execute_result execution_count " + got.get(i) + " != the cell's count " + actual);
            }
            if (offset != null && i < want.size() && want.get(i) != null && want.get(i) + offset != actual) {
                diffs.add("execute_result execution_count " + got.get(i) + ", stored " + want.get(i)
                        + " (notebook's offset " + offset + ")");
            }
        }
        return offset;
    }

    private static List<Integer> resultCounts(List<ObjectNode> outputs) {
        List<Integer> counts = new ArrayList<>();
        for (ObjectNode output : outputs) {
            if ("execute_result".equals(output.path("output_type").asText())) {
                counts.add(count(output.get("execution_count")));
            }
        }
        return counts;
    }

    private static Integer count(JsonNode node) {
        return node == null || !node.canConvertToInt() ? null : node.asInt();
    }

    /** As front ends do first: kernel_info, and the kernel's language must be the notebook's. */
    private static void checkLanguage(Notebook notebook, KernelSocket socket, List<String> problems) throws Exception {
        KernelMessage request = socket.request("kernel_info_request", Notebook.MAPPER.createObjectNode());
        socket.send(request);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            KernelMessage m = socket.next(Duration.ofNanos(deadline - System.nanoTime()));
            if (m == null) {
                throw new AssertionError("no kernel_info_reply within " + TIMEOUT.toSeconds() + " s");
            }
            if (m.channel().equals("shell") && request.msgId().equals(m.parentMsgId())) {
                String language = m.content().path("language_info").path("name").asText();
                if (notebook.language() != null && !notebook.language().equals(language)) {
                    problems.add("kernel language '" + language + "', notebook's '" + notebook.language() + "'");
                }
                return;
            }
        }
    }

    private static String startKernel(String name) throws Exception {
        ObjectNode body = Notebook.MAPPER.createObjectNode().put("name", name);
        HttpResponse<String> response = http.send(request("/api/kernels")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), "POST /api/kernels " + body + ": " + response.body());
        return Notebook.MAPPER.readTree(response.body()).path("id").asText();
    }

    private static void deleteKernel(String id, List<String> problems) throws Exception {
        HttpResponse<String> response = http.send(request("/api/kernels/" + id).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            problems.add("DELETE /api/kernels/" + id + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.httpUrl() + path)).timeout(TIMEOUT)
                .header("Authorization", "token " + TOKEN);
    }

    /** {@code -Dkernelgate.conformance.notebooks}, else this module's folder from the module or the repository root. */
    private static Path notebooksDir() {
        String configured = System.getProperty("kernelgate.conformance.notebooks");
        if (configured != null) {
            return Path.of(configured);
        }
        Path fromModule = Path.of("notebooks");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("notebooks-tests", "notebooks");
    }

    private static String describe(Notebook.CodeCell cell) {
        String line = cell.firstLine();
        return "cell " + cell.index() + (cell.id() == null ? "" : " (id " + cell.id() + ")") + " «"
                + (line.length() > 60 ? line.substring(0, 60) + "…" : line) + "»";
    }
}
