package dev.kernelgate.execd.files;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures upload and download throughput over loopback and the server's heap high-water mark, with the server
 * in its own JVM ({@code -Xmx64m} by default). Not a test (prints, asserts nothing):
 *
 * <pre>
 * java -cp &lt;test class path&gt; dev.kernelgate.execd.files.FilesBenchmark [MiB=1024] [runs=3] [dest dirs...]
 * </pre>
 *
 * Destinations default to {@code /dev/shm} (tmpfs: the fsync is free, so this measures the server) and
 * {@code java.io.tmpdir} (the disk: upload time includes fsyncing the whole file). Clients: curl when on PATH
 * (a C client that is not the bottleneck) and java.net.http.
 */
public final class FilesBenchmark {

    private FilesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Path> dests = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            dests.add(Path.of(args[i]));
        }
        if (dests.isEmpty()) {
            dests.add(Path.of("/dev/shm"));
            dests.add(Path.of(System.getProperty("java.io.tmpdir")));
        }
        String heap = System.getProperty("bench.heap", "64m");
        long size = mib * 1024 * 1024;
        boolean curl = Files.isExecutable(Path.of("/usr/bin/curl"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (Path destRoot : dests) {
            Path dir = Files.createTempDirectory(destRoot, "kg-bench-");
            try {
                Path source = dir.resolve("source.bin");
                LargeTransferTest.writeData(source, size);
                Path meta = dir.resolve("meta.json");
                Path target = dir.resolve("up/target.bin");
                Files.writeString(meta, "{\"path\":\"" + target + "\",\"mode\":644}");
                try (BenchServerProcess server = new BenchServerProcess(dir, heap)) {
                    String base = "http://127.0.0.1:" + server.port;
                    System.out.printf(Locale.ROOT, "== %d MiB, destination %s, server -Xmx%s%n", mib, destRoot, heap);
                    for (int run = 1; run <= runs; run++) {
                        if (curl) {
                            reset(client, base);
                            long t0 = System.nanoTime();
                            exec("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F",
                                    "metadata=@" + meta + ";filename=metadata;type=application/json",
                                    "-F", "file=@" + source + ";filename=target.bin", base + "/files/upload");
                            report("upload   curl ", size, t0, client, base);
                            Files.delete(target);
                        }
                        reset(client, base);
                        long t0 = System.nanoTime();
                        javaUpload(client, base, source, target);
                        report("upload   java ", size, t0, client, base);
                        if (curl) {
                            reset(client, base);
                            t0 = System.nanoTime();
                            exec("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                    base + "/files/download?path=" + enc(target));
                            report("download curl ", size, t0, client, base);
                        }
                        reset(client, base);
                        t0 = System.nanoTime();
                        javaDownload(client, base, target);
                        report("download java ", size, t0, client, base);
                        Files.delete(target);
                    }
                }
            } finally {
                FileService.removeAll(dir);
            }
        }
    }

    static String enc(Path p) {
        return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
    }

    static void javaUpload(HttpClient client, String base, Path source, Path target) throws Exception {
        String boundary = "kgbench" + System.nanoTime();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"path\":\"" + target + "\",\"mode\":644}\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"target.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/files/upload"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(source), HttpRequest.BodyPublishers.ofString(tail)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("upload failed: " + r.statusCode() + " " + r.body());
        }
    }

    static void javaDownload(HttpClient client, String base, Path target) throws Exception {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(base + "/files/download?path="
                + enc(target))).timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !out.trim().equals("200")) {
            throw new IllegalStateException(String.join(" ", cmd) + " -> " + out);
        }
    }

    private static double cpuAtReset;

    static void reset(HttpClient client, String base) throws Exception {
        JsonNode heap = FilesServer.JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/heap/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body());
        cpuAtReset = heap.path("cpu_seconds").asDouble();
    }

    static void report(String what, long size, long t0, HttpClient client, String base) throws Exception {
        double secs = (System.nanoTime() - t0) / 1e9;
        JsonNode heap = FilesServer.JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/heap"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        double cpu = heap.path("cpu_seconds").asDouble() - cpuAtReset;
        System.out.printf(Locale.ROOT, "%s %7.3f s  %6.2f GB/s  %6.2f GiB/s   server CPU %6.3f s; heap peak %5.1f MiB,"
                + " netty direct %5.1f MiB%n", what, secs, size / secs / 1e9, size / secs / (1 << 30), cpu,
                heap.get("heap_peak_bytes").asLong() / 1048576.0, heap.get("netty_direct_bytes").asLong() / 1048576.0);
    }
}
