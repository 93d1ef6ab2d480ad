package dev.kernelgate.execd.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The check-then-use race on every file route: while a swapper thread atomically replaces {@code race} (a regular
 * file, then a symlink to a file outside the root) and {@code rdir} (a symlink to a directory inside the root, then
 * to one outside), each route is called in a loop for a few seconds. Nothing outside the root may change, appear
 * or be read.
 */
class SymlinkRaceTest {

    /** How long each route is hammered while the swapper runs. */
    private static final Duration PER_ROUTE = Duration.ofSeconds(3);
    /** Longer than any link target here, so its size in a listing cannot be a link's. */
    private static final String SECRET = "OUTSIDE-SECRET decoy " + "s".repeat(300) + "\n";

    @TempDir
    Path base;
    Path allowed;
    Path outside;
    Path secret;
    FilesServer server;

    /** One request against the swapped paths; {@code i} varies the target. Asserts nothing leaked in the answer. */
    interface Attempt {
        HttpResponse<String> run(SymlinkRaceTest t, int i) throws Exception;
    }

    @BeforeEach
    void layout() throws Exception {
        allowed = Files.createDirectories(base.resolve("allowed"));
        outside = Files.createDirectories(base.resolve("outside"));
        secret = outside.resolve("secret.txt");
        Files.writeString(secret, SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(Files.createDirectories(outside.resolve("sub")).resolve("only-outside.txt"), SECRET);
        Path inside = Files.createDirectories(allowed.resolve("inside"));
        Files.writeString(inside.resolve("secret.txt"), "decoy inside\n");
        Files.createDirectories(inside.resolve("sub"));
        Files.writeString(allowed.resolve("race"), "decoy inside\n");
        Files.createSymbolicLink(allowed.resolve("rdir"), Path.of("inside"));
        PathPolicy policy = new PathPolicy(allowed, Map.of(), List.of(allowed));
        server = new FilesServer(new FileService(policy, 0, ZoneId.systemDefault()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("download", (Attempt) (t, i) -> {
                    String query = "/files/download?path=" + t.target(i);
                    HttpRequest.Builder r = t.server.request(i % 3 == 2 ? query + "&offset=1&limit=1" : query);
                    if (i % 3 == 1) {
                        r.header("Range", "bytes=0-14");
                    }
                    return t.assertNoSecret(t.server.send(r.GET().build()));
                }),
                Arguments.of("replace", (Attempt) (t, i) -> t.server.post("/files/replace",
                        "{\"" + t.target(i) + "\":{\"old\":\"decoy\",\"new\":\"PWNED\"}}")),
                Arguments.of("upload", (Attempt) (t, i) -> t.server.upload(new Multipart().pair(
                        i % 2 == 0 ? t.allowed.resolve("race").toString() : t.allowed.resolve("rdir/up" + i).toString(),
                        null, "PWNED".getBytes(StandardCharsets.UTF_8)).end())),
                Arguments.of("rename", (Attempt) (t, i) -> {
                    String src = i % 2 == 0 ? t.allowed.resolve("rdir/secret.txt").toString()
                            : t.allowed.resolve("race").toString();
                    String dest = i % 2 == 0 ? t.allowed.resolve("moved" + i).toString()
                            : t.allowed.resolve("rdir/moved" + i).toString();
                    return t.server.post("/files/mv", "[{\"src\":\"" + src + "\",\"dest\":\"" + dest + "\"}]");
                }),
                Arguments.of("permissions", (Attempt) (t, i) -> t.server.post("/files/permissions",
                        "{\"" + t.target(i) + "\":{\"mode\":644}}")),
                Arguments.of("delete", (Attempt) (t, i) -> {
                    return i % 2 == 0 ? t.server.delete("/files?path=" + q(t.allowed.resolve("rdir/secret.txt")))
                            : t.server.delete("/directories?path=" + q(t.allowed.resolve("rdir/sub")));
                }),
                Arguments.of("info", (Attempt) (t, i) -> t.assertNoSecret(
                        t.server.get("/files/info?path=" + q(t.target(i))))),
                Arguments.of("search", (Attempt) (t, i) -> t.assertNoSecret(t.server.get("/files/search?path="
                        + q(i % 2 == 0 ? t.allowed.resolve("rdir") : t.allowed.resolve("rdir/sub"))))),
                Arguments.of("list", (Attempt) (t, i) -> t.assertNoSecret(t.server.get("/directories/list?depth=3&path="
                        + q(i % 2 == 0 ? t.allowed.resolve("rdir/sub") : t.allowed.resolve("rdir"))))),
                Arguments.of("mkdir", (Attempt) (t, i) -> t.server.post("/directories",
                        "{\"" + t.allowed.resolve("rdir/made" + i + "/deeper") + "\":{\"mode\":755}}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void nothingOutsideTheRootIsReachedWhileLinksAreSwapped(String route, Attempt attempt) throws Exception {
        Map<String, String> before = snapshot(outside);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> swapFailure = new AtomicReference<>();
        AtomicInteger swaps = new AtomicInteger();
        Thread swapper = new Thread(() -> swap(running, swaps, swapFailure), "swapper");
        swapper.start();
        int requests = 0;
        int succeeded = 0;
        try {
            long end = System.nanoTime() + PER_ROUTE.toNanos();
            while (System.nanoTime() < end) {
                if (attempt.run(this, requests++).statusCode() == 200) {
                    succeeded++;
                }
            }
        } finally {
            running.set(false);
            swapper.join();
        }
        assertEquals(null, swapFailure.get(), "the swapper failed");
        assertTrue(swaps.get() > 100, "the swapper ran (" + swaps.get() + " swaps)");
        assertTrue(requests > 50, route + ": " + requests + " requests");
        // The route still works on what is inside: the fix refuses the swapped moments, not the route.
        assertTrue(succeeded > 0, route + ": none of " + requests + " requests succeeded");
        System.out.printf("%s: %d requests, %d succeeded, %d swaps%n", route, requests, succeeded, swaps.get());
        assertEquals(before, snapshot(outside), route + ": the outside directory changed");
        try (Stream<Path> entries = Files.list(base)) {
            assertEquals(List.of("allowed", "outside"), entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** {@code race} (file or link to the secret) or {@code rdir/secret.txt} (inside, or the secret itself). */
    String target(int i) {
        return (i % 2 == 0 ? allowed.resolve("race") : allowed.resolve("rdir/secret.txt")).toString();
    }

    HttpResponse<String> assertNoSecret(HttpResponse<String> response) {
        String body = response.body();
        assertFalse(body.contains("OUTSIDE") || body.contains("only-outside")
                        || body.contains("\"size\":" + SECRET.length()) || body.contains("\"mode\":600"),
                "leaked: " + body);
        return response;
    }

    static String q(Object path) {
        return URLEncoder.encode(path.toString(), StandardCharsets.UTF_8);
    }

    /** Atomic renames, as {@code mv -fT}: a fresh file or link is moved over the swapped name. */
    private void swap(AtomicBoolean running, AtomicInteger swaps, AtomicReference<Throwable> failure) {
        Path stage = allowed.resolve(".stage");
        Path inside = allowed.resolve("inside");
        try {
            while (running.get()) {
                Files.writeString(stage, "decoy inside\n");
                replace(stage, allowed.resolve("race"));
                Files.createSymbolicLink(stage, outside);
                replace(stage, allowed.resolve("rdir"));
                Files.createSymbolicLink(stage, secret);
                replace(stage, allowed.resolve("race"));
                Files.createSymbolicLink(stage, inside);
                replace(stage, allowed.resolve("rdir"));
                swaps.addAndGet(4);
            }
        } catch (IOException | RuntimeException e) {
            failure.set(e);
        }
    }

    private static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every entry under {@code dir} (links not followed) with its type, mode and content. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(all::add);
        }
        for (Path p : all) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
            String what = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                    : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : "file " + Files.readString(p);
            out.put(dir.relativize(p).toString(), mode + " " + what);
        }
        return out;
    }
}
