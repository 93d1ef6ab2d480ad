package dev.kernelgate.benchmarks.e2e;

import dev.kernelgate.wire.ConnectionFile;
import dev.kernelgate.wire.ConnectionInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.zeromq.ZContext;

/** execd: latency of the command {@code true}, and file upload / download throughput with execd's heap peak. */
final class ExecdScenario {
    /** One transfer: bytes moved, seconds, and the server's heap high-water mark during it. */
    /** {@code heapPeakBytes} is negative for the disk reference, which does not go through execd. */
    record Transfer(String direction, long bytes, double seconds, long heapPeakBytes) {
        double bytesPerSecond() {
            return bytes / seconds;
        }
    }

    /** {@code spawns}: the bare spawns of the same shell measured in the same rounds as {@code commandTrue}. */
    record Result(Distribution commandTrue, List<Distribution> spawns, List<Distribution> codeOnePlusOne,
                  List<Transfer> transfers, long heapMaxBytes, long rssBytes) {
    }

    private ExecdScenario() {
    }

    static Result run(Bench bench) throws Exception {
        try (ServerProcess execd = bench.servers().execd("kernelgate-execd");
             HeapProbe heap = HeapProbe.attach(execd.pid())) {
            // /code in turns with the Java direct-ZMQ floor on the context's own ipykernel, as the round trips are.
            // The warm-up rounds let both JVMs compile their hot paths: the figures are a long-running daemon's.
            int warmup = bench.sizes().commandWarmup();
            int samples = bench.sizes().commandSamples();
            Distribution command;
            List<Distribution> spawns;
            List<Distribution> code;
            URI base = URI.create(execd.httpBase());
            try (RawHttpClient http = new RawHttpClient(base.getHost(), base.getPort())) {
                // In the same rounds: the same shell spawned from this JVM, with and without execd's setsid.
                List<Distribution> all = RoundTrip.interleaved("true", List.of("execd /command true",
                                "bare spawn from Java: setsid bash -c true", "bare spawn from Java: bash -c true"),
                        List.of(ExecdStreamSession.command(http), BareSpawnSession.setsidShell(),
                                BareSpawnSession.shell()), warmup, samples);
                command = all.get(0);
                spawns = all.subList(1, all.size());
            }
            Path runtime = bench.servers().kernelgateRuntimeDir();
            Set<Path> before = connectionFiles(runtime);
            String context = context(bench, execd);
            Set<Path> added = connectionFiles(runtime);
            added.removeAll(before);
            if (added.size() != 1) {
                throw new IOException("expected one new connection file for the context in " + runtime + ", found "
                        + added);
            }
            Path connectionFile = added.iterator().next();
            ConnectionInfo kernel = ConnectionFile.read(connectionFile);
            try (ZContext floorContext = new ZContext(1);
                 PythonClient jupyterClient = PythonClient.jupyterClient(bench.servers().repo(),
                         bench.servers().work())) {
                code = RoundTrip.inTurns(RoundTrip.CODE, List.of("execd /code 1+1 (python)",
                                Paths.PYTHON_FLOOR + ", 1+1", Paths.JAVA_FLOOR + ", 1+1"),
                        List.of(() -> ExecdStreamSession.code(new RawHttpClient(base.getHost(), base.getPort()),
                                        context, "python"),
                                () -> jupyterClient.open(connectionFile),
                                () -> new DirectZmqSession(kernel, floorContext)),
                        warmup, samples, bench.sizes().rttTurn(), execd::ownCpu);
            }
            List<Transfer> transfers = new ArrayList<>();
            Path data = bench.servers().work().resolve("transfer.bin");
            for (long size : bench.sizes().transferBytes()) {
                writeFile(data, size);
                Path remote = bench.servers().work().resolve("uploaded-" + size + ".bin");
                heap.resetPeak();
                transfers.add(upload("upload", execd, data, remote, size, heap));
                heap.resetPeak();
                transfers.add(download(bench, execd, remote, size, heap));
                Files.deleteIfExists(remote);
                if (size == bench.sizes().transferBytes().get(bench.sizes().transferBytes().size() - 1)) {
                    // An upload is fsynced before it is answered: show the disk's own bound, and the same upload
                    // into memory (tmpfs), where the disk is out of the way.
                    transfers.add(diskCopy(data, remote, size));
                    Files.deleteIfExists(remote);
                    Path shm = Path.of("/dev/shm");
                    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
                        Path inMemory = shm.resolve("kernelgate-bench-" + ProcessHandle.current().pid() + ".bin");
                        heap.resetPeak();
                        try {
                            transfers.add(upload("upload into tmpfs (/dev/shm)", execd, data, inMemory, size, heap));
                        } finally {
                            Files.deleteIfExists(inMemory);
                        }
                    }
                }
            }
            Files.deleteIfExists(data);
            return new Result(command, spawns, code, transfers, heap.maxBytes(), execd.rssBytes());
        }
    }

    private static Set<Path> connectionFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new HashSet<>();
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("kernel-.*\\.json"))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }

    /** A python code context (an ipykernel of the embedded gateway); returns its id. */
    static String context(Bench bench, ServerProcess execd) throws Exception {
        HttpResponse<String> response = bench.rest().http().send(HttpRequest.newBuilder(
                        URI.create(execd.httpBase() + "/code/context")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString("{\"language\":\"python\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/code/context answered " + response.statusCode() + ": " + response.body());
        }
        return dev.kernelgate.wire.Json.MAPPER.readTree(response.body()).path("id").asText();
    }

    /** With a client that sends the file with {@code sendfile}: curl's own upload path tops out near 0.75 GB/s here. */
    private static Transfer upload(String label, ServerProcess execd, Path data, Path remote, long size,
                                   HeapProbe heap) throws Exception {
        URI base = URI.create(execd.httpBase());
        long start = System.nanoTime();
        RawHttpClient.Response response;
        try (RawHttpClient http = new RawHttpClient(base.getHost(), base.getPort())) {
            response = http.postMultipartFile("/files/upload", "{\"path\":\"" + remote + "\"}", data);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (response.status() != 200 || Files.size(remote) != size) {
            throw new IOException("upload of " + size + " bytes answered " + response.status() + ": " + response.body());
        }
        return new Transfer(label, size, seconds, heap.peakBytes());
    }

    private static Transfer download(Bench bench, ServerProcess execd, Path remote, long size, HeapProbe heap)
            throws Exception {
        String[] result = curl(execd.httpBase() + "/files/download?path="
                + URLEncoder.encode(remote.toString(), StandardCharsets.UTF_8));
        if (!result[0].equals("200") || Long.parseLong(result[1]) != size) {
            throw new IOException("download of " + size + " bytes answered " + result[0] + " with " + result[1]
                    + " bytes");
        }
        return new Transfer("download", size, Double.parseDouble(result[2]), heap.peakBytes());
    }

    /**
     * The disk's own bound for an upload: the same bytes written and fsynced by {@code dd}, with no network and no
     * parsing. An upload (written, then fsynced before it is answered) cannot beat it.
     */
    private static Transfer diskCopy(Path data, Path remote, long size) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder("dd", "if=" + data, "of=" + remote, "bs=1M", "conv=fsync")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || Files.size(remote) != size) {
            throw new IOException("dd failed (" + p.exitValue() + "): " + out);
        }
        return new Transfer("disk reference: dd write + fsync, no execd", size, (System.nanoTime() - start) / 1e9, -1);
    }

    /** Runs curl with {@code args}; returns its HTTP status, bytes downloaded and total seconds. */
    private static String[] curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w",
                "%{http_code} %{size_download} %{time_total}"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IOException("curl failed (" + p.exitValue() + "): " + out);
        }
        return out.split(" ");
    }

    private static void writeFile(Path file, long size) throws IOException {
        byte[] block = new byte[1 << 20];
        new java.util.Random(42).nextBytes(block);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long written = 0;
            while (written < size) {
                ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, size - written));
                while (buffer.hasRemaining()) {
                    written += channel.write(buffer);
                }
            }
        }
    }
}
