package dev.kernelgate.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * An execd client of the soak: its operations in turn on one keep-alive connection, reopened every
 * {@value #RECONNECT_EVERY} operations and after any problem. Each operation checks everything it expects arrived.
 */
final class ExecdSoakClient implements SoakClient {
    private static final int RECONNECT_EVERY = 25;
    private static final int COMMAND_LINES = 1000;
    private static final int SESSION_LINES = 100;

    /** What one operation saw: how many expected items (lines, events, files) did not arrive; what was wrong. */
    record Check(long missing, String wrong, String detail) {
        static Check of(long missing, String wrong) {
            return new Check(missing, wrong, "");
        }
    }

    @FunctionalInterface
    interface Exercise {
        Check run(RawHttpClient http, int n) throws Exception;
    }

    /** One kind of operation; {@code expected} items are counted lost when it hangs. */
    record Operation(SoakTally.Op op, long expected, Exercise exercise) {
    }

    private final URI base;
    private final List<Operation> operations;
    private final SoakTally tally;
    private final OperationTimer timer;
    private final Duration timeout;
    private RawHttpClient http;

    ExecdSoakClient(URI base, List<Operation> operations, SoakTally tally, OperationTimer timer, Duration timeout) {
        this.base = base;
        this.operations = operations;
        this.tally = tally;
        this.timer = timer;
        this.timeout = timeout;
    }

    @Override
    public void step(int n) {
        Operation operation = operations.get(n % operations.size());
        try {
            RawHttpClient connection = connection();
            Check check = timer.run(timeout, connection, () -> operation.exercise().run(connection, n));
            if (check.missing() == 0 && check.wrong() == null) {
                tally.served(operation.op());
            } else {
                tally.lost(operation.op(), check.missing(), "#" + n + " " + check.detail());
                if (check.wrong() != null) {
                    tally.failed(operation.op(), "#" + n + ": " + check.wrong());
                }
                disconnect();
            }
        } catch (OperationTimer.TimedOut e) {
            tally.hung(operation.op(), "#" + n + " " + e.getMessage());
            tally.lost(operation.op(), operation.expected(), "#" + n + " (hung)");
            disconnect();
        } catch (Exception e) {
            tally.failed(operation.op(), "#" + n + ": " + e);
            disconnect();
        }
        if (n % RECONNECT_EVERY == RECONNECT_EVERY - 1) {
            disconnect();
        }
    }

    @Override
    public SoakTally.Op op() {
        return operations.get(0).op();
    }

    private RawHttpClient connection() throws IOException {
        if (http == null) {
            http = new RawHttpClient(base.getHost(), base.getPort());
        }
        return http;
    }

    private void disconnect() {
        if (http != null) {
            try {
                http.close();
            } catch (IOException ignored) {
                // a socket that fails to close is gone either way
            }
            http = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }

    /** {@code POST /code} printing a line unique to the request: that line and the completion must arrive. */
    static Operation code(String contextId, String client) {
        return new Operation(SoakTally.Op.CODE, 2, (http, n) -> {
            String token = client + "-" + n;
            var response = http.postJson("/code", "{\"context\":{\"id\":\"" + contextId
                    + "\",\"language\":\"python\"},\"code\":\"print('" + token + "')\"}");
            if (response.status() != 200) {
                return Check.of(0, "status " + response.status() + ": " + response.body());
            }
            ExecdEvents events = ExecdEvents.parse(response.body());
            List<String> lines = events.stdoutLines();
            long missing = (lines.contains(token) ? 0 : 1) + (events.completed() ? 0 : 1);
            String wrong = events.hasError() || lines.size() > 1 ? "unexpected output " + response.body() : null;
            return Check.of(missing, wrong);
        });
    }

    /** {@code POST /command seq 1 1000}: every line, in order, and the completion. */
    static Operation command() {
        return new Operation(SoakTally.Op.COMMAND, COMMAND_LINES + 1, (http, n) -> {
            var response = http.postJson("/command", "{\"command\":\"seq 1 " + COMMAND_LINES + "\"}");
            if (response.status() != 200) {
                return Check.of(0, "status " + response.status() + ": " + response.body());
            }
            return sequence(ExecdEvents.parse(response.body()), COMMAND_LINES);
        });
    }

    /** {@code POST /session}, {@code POST /session/{id}/run seq 1 100}, {@code DELETE /session/{id}}. */
    static Operation session() {
        return new Operation(SoakTally.Op.SESSION, SESSION_LINES + 1, (http, n) -> {
            var created = http.postJson("/session", "{}");
            if (created.status() != 200) {
                return Check.of(0, "create: status " + created.status() + ": " + created.body());
            }
            String id = Json.MAPPER.readTree(created.body()).path("session_id").asText();
            var run = http.postJson("/session/" + id + "/run", "{\"command\":\"seq 1 " + SESSION_LINES + "\"}");
            Check check = run.status() == 200 ? sequence(ExecdEvents.parse(run.body()), SESSION_LINES)
                    : Check.of(0, "run: status " + run.status() + ": " + run.body());
            var deleted = http.delete("/session/" + id);
            if (deleted.status() != 200) {
                return Check.of(check.missing(), "delete: status " + deleted.status() + ": " + deleted.body());
            }
            return check;
        });
    }

    /**
     * {@code POST /files/upload} of 1 KiB to 1 MiB of random bytes, {@code GET /files/download} of them, compared
     * byte for byte, then {@code DELETE /files}.
     */
    static Operation files(Path dir, String client, long seed) {
        Random random = new Random(seed);
        return new Operation(SoakTally.Op.FILES, 1, (http, n) -> {
            byte[] data = new byte[1024 + random.nextInt(1024 * 1023)];
            random.nextBytes(data);
            Path local = dir.resolve(client + "-local.bin");
            Path remote = dir.resolve(client + "-" + n + ".bin");
            Files.write(local, data);
            String query = "?path=" + URLEncoder.encode(remote.toString(), StandardCharsets.UTF_8);
            var uploaded = http.postMultipartFile("/files/upload", "{\"path\":" + quoted(remote) + "}", local);
            if (uploaded.status() != 200) {
                return Check.of(0, "upload: status " + uploaded.status() + ": " + uploaded.body());
            }
            var downloaded = http.get("/files/download" + query);
            var deleted = http.delete("/files" + query);
            if (downloaded.status() != 200) {
                return Check.of(0, "download: status " + downloaded.status() + ": " + downloaded.body());
            }
            if (downloaded.bytes().length < data.length) {
                return Check.of(1, "download: " + downloaded.bytes().length + " of " + data.length + " bytes");
            }
            if (!Arrays.equals(data, downloaded.bytes())) {
                return Check.of(0, "download: the bytes differ from the upload");
            }
            return Check.of(0, deleted.status() == 200 ? null : "delete: status " + deleted.status());
        });
    }

    /** {@code GET /metrics}: the usage figures. */
    static Operation metrics() {
        return new Operation(SoakTally.Op.METRICS, 1, (http, n) -> {
            var response = http.get("/metrics");
            if (response.status() != 200) {
                return Check.of(0, "status " + response.status() + ": " + response.body());
            }
            JsonNode figures = Json.MAPPER.readTree(response.body());
            return Check.of(figures.has("cpu_count") ? 0 : 1, null);
        });
    }

    /** The lines {@code 1..count} in order, and the completion event. */
    private static Check sequence(ExecdEvents events, int count) {
        List<String> lines = events.stdoutLines();
        List<String> expected = IntStream.rangeClosed(1, count).mapToObj(Integer::toString).toList();
        java.util.Set<String> received = new java.util.HashSet<>(lines);
        long missing = expected.stream().filter(l -> !received.contains(l)).count() + (events.completed() ? 0 : 1);
        String wrong = missing == 0 && !lines.equals(expected) ? "lines out of order or extra: " + lines.size()
                : null;
        return new Check(missing, wrong, missing == 0 ? "" : "received " + lines.size() + " lines, events "
                + events.summary());
    }

    private static String quoted(Path path) {
        return Json.MAPPER.getNodeFactory().textNode(path.toString()).toString();
    }
}
