package dev.kernelgate.benchmarks.e2e;

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
import java.util.List;

/** execd: latency of the command {@code true}, and file upload / download throughput with execd's heap peak. */
final class ExecdScenario {
    /** One transfer: bytes moved, seconds, and the server's heap high-water mark during it. */
    record Transfer(String direction, long bytes, double seconds, long heapPeakBytes) {
        double bytesPerSecond() {
            return bytes / seconds;
        }
    }

    record Result(Distribution commandTrue, List<Transfer> transfers, long heapMaxBytes, long rssBytes) {
    }

    private ExecdScenario() {
    }

    static Result run(Bench bench) throws Exception {
        try (ServerProcess execd = bench.servers().execd("kernelgate-execd");
             HeapProbe heap = HeapProbe.attach(execd.pid())) {
            Distribution command = commandLatency(bench, execd);
            List<Transfer> transfers = new ArrayList<>();
            Path data = bench.servers().work().resolve("transfer.bin");
            for (long size : bench.sizes().transferBytes()) {
                writeFile(data, size);
                Path remote = bench.servers().work().resolve("uploaded-" + size + ".bin");
                heap.resetPeak();
                transfers.add(upload(bench, execd, data, remote, size, heap));
                heap.resetPeak();
                transfers.add(download(bench, execd, remote, size, heap));
                Files.deleteIfExists(remote);
            }
            Files.deleteIfExists(data);
            return new Result(command, transfers, heap.maxBytes(), execd.rssBytes());
        }
    }

    private static Distribution commandLatency(Bench bench, ServerProcess execd) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(execd.httpBase() + "/command"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"true\"}")).build();
        int warmup = Math.max(2, bench.sizes().commandSamples() / 10);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < warmup + bench.sizes().commandSamples(); i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = bench.rest().http().send(request, HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200 || !response.body().contains("execution_complete")) {
                throw new IOException("/command true answered " + response.statusCode() + ": " + response.body());
            }
            if (i >= warmup) {
                millis.add(ms);
            }
        }
        return Distribution.of("execd /command true", millis);
    }

    private static Transfer upload(Bench bench, ServerProcess execd, Path data, Path remote, long size,
                                   HeapProbe heap) throws Exception {
        String boundary = "kernelgate-bench-boundary";
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"path\":\"" + remote + "\"}\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"transfer.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create(execd.httpBase() + "/files/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofByteArray(head.getBytes(StandardCharsets.UTF_8)),
                        HttpRequest.BodyPublishers.ofFile(data),
                        HttpRequest.BodyPublishers.ofByteArray(tail.getBytes(StandardCharsets.UTF_8))))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> response = bench.rest().http().send(request, HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (response.statusCode() != 200 || Files.size(remote) != size) {
            throw new IOException("upload of " + size + " bytes answered " + response.statusCode() + ": "
                    + response.body());
        }
        return new Transfer("upload", size, seconds, heap.peakBytes());
    }

    private static Transfer download(Bench bench, ServerProcess execd, Path remote, long size, HeapProbe heap)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(execd.httpBase() + "/files/download?path="
                + URLEncoder.encode(remote.toString(), StandardCharsets.UTF_8))).timeout(Duration.ofMinutes(10))
                .build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = bench.rest().http().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        long received = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received += n;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (response.statusCode() != 200 || received != size) {
            throw new IOException("download of " + size + " bytes answered " + response.statusCode() + " with "
                    + received + " bytes");
        }
        return new Transfer("download", size, seconds, heap.peakBytes());
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
