package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxApiException;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxError;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Files an agent writes stay under one directory and below a size limit, and when the server refuses a write the
 * agent sees why.
 *
 * <p>The policy is execd's, set per sandbox through its environment: {@code EXECD_ALLOWED_ROOTS} (file routes reach
 * only paths under these directories, symbolic links included) and {@code EXECD_MAX_UPLOAD_BYTES}. A refused write
 * is HTTP 403 with code {@code RUNTIME_ERROR} and a message starting {@code FS_002}; the SDK raises it as a
 * {@link SandboxApiException} carrying the status and the server's code and message.
 *
 * <p>The size limit counts the whole upload request the SDK sends (a multipart body: the file's metadata part and
 * the framing add about 600 bytes to the file's own), so leave headroom above the largest file you mean to allow.
 */
public final class SafeFileWrite {
    /** What the server said when it refused a write. */
    public record Refusal(Integer status, String code, String message) {
        static Refusal of(SandboxApiException e) {
            SandboxError error = e.getError();
            return new Refusal(e.getStatusCode(), error.getCode(), error.getMessage());
        }
    }

    /**
     * @param readBack    the allowed file, read back from the sandbox
     * @param outsideRoot the refusal of a write outside the allowed root ({@code null}: it was accepted)
     * @param tooLarge    the refusal of a write over the size limit ({@code null}: it was accepted)
     */
    public record Result(String readBack, Refusal outsideRoot, Refusal tooLarge) {
    }

    private SafeFileWrite() {
    }

    /** Arguments: server URL, API key, then optionally the allowed root (default /tmp) and a path outside it. */
    public static void main(String[] args) throws Exception {
        ServerAddress server = ServerAddress.fromArgs(args);
        String root = args.length > 2 ? args[2] : "/tmp";
        String outside = args.length > 3 ? args[3] : "/var/tmp/agent-" + UUID.randomUUID() + ".txt";
        System.out.println(run(server.connection().build(), root, outside, 64 * 1024, System.out));
    }

    public static Result run(ConnectionConfig connection, String allowedRoot, String outsidePath, long maxBytes,
                             PrintStream out) {
        try (Sandbox sandbox = Sandbox.builder().connectionConfig(connection).image(ServerAddress.IMAGE)
                .timeout(Duration.ofMinutes(10))
                .env("EXECD_ALLOWED_ROOTS", allowedRoot)
                .env("EXECD_MAX_UPLOAD_BYTES", Long.toString(maxBytes))
                .build()) {
            try {
                String allowed = allowedRoot + "/agent-" + UUID.randomUUID() + ".txt";
                out.println("writing " + allowed + " (under " + allowedRoot + ", within " + maxBytes + " bytes)");
                sandbox.files().writeFile(allowed, "summary: 3 rows cleaned\n");
                String readBack = sandbox.files().readFile(allowed);

                out.println("writing " + outsidePath + " (outside " + allowedRoot + ")");
                Refusal outside = refusal(() -> sandbox.files().writeFile(outsidePath, "should not land"), out);

                String big = allowedRoot + "/agent-big-" + UUID.randomUUID() + ".bin";
                out.println("writing " + (maxBytes + 1) + " bytes to " + big);
                Refusal tooLarge = refusal(() -> sandbox.files().writeFile(big, new byte[(int) maxBytes + 1]), out);

                // Killing a container sandbox takes its files along; the local runtime's /tmp is the host's.
                sandbox.files().deleteFiles(List.of(allowed));
                return new Result(readBack, outside, tooLarge);
            } finally {
                sandbox.kill();
            }
        }
    }

    /** Runs a write; the server's refusal, or {@code null} when the write went through. */
    private static Refusal refusal(Runnable write, PrintStream out) {
        try {
            write.run();
            out.println("  accepted");
            return null;
        } catch (SandboxApiException e) {
            Refusal refusal = Refusal.of(e);
            out.println("  refused: HTTP " + refusal.status() + " " + refusal.code() + ": " + refusal.message());
            return refusal;
        }
    }
}
