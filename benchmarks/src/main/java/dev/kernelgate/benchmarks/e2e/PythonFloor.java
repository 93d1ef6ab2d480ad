package dev.kernelgate.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code benchmarks/python/direct_zmq.py}: jupyter_client talking straight to a kernel it started itself. */
final class PythonFloor {
    /** What the script measured. */
    record Result(List<Double> rttMillis, Map<String, Outcome> iopub) {
    }

    private PythonFloor() {
    }

    static Result run(Path repo, Path work, String kernel, int warmup, int samples, Map<String, String> iopubCases)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Servers.PYTHON, repo.resolve("benchmarks/python/direct_zmq.py")
                .toString(), "--kernel", kernel, "--warmup", Integer.toString(warmup), "--rtt",
                Integer.toString(samples), "--iopub"));
        iopubCases.forEach((name, code) -> command.add(name + "=" + code));
        Path out = work.resolve("python-floor-" + kernel + ".json");
        Path err = work.resolve("python-floor-" + kernel + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(Servers.kernelEnv());
        pb.environment().put("JUPYTER_RUNTIME_DIR", work.resolve("python-floor-runtime").toString());
        Process process = pb.start();
        if (!process.waitFor(20, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("direct_zmq.py failed; see " + err);
        }
        JsonNode json = Json.MAPPER.readTree(Files.readString(out));
        List<Double> rtt = new ArrayList<>();
        json.path("rtt").forEach(n -> rtt.add(n.asDouble()));
        Map<String, Outcome> iopub = new LinkedHashMap<>();
        json.path("iopub").fields().forEachRemaining(e -> iopub.put(e.getKey(), new Outcome(
                e.getValue().path("ms").asDouble(), e.getValue().path("lines").asLong(),
                e.getValue().path("displays").asLong(), e.getValue().path("status").asText())));
        return new Result(rtt, iopub);
    }
}
