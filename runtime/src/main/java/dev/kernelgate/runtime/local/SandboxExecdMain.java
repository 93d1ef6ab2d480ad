package dev.kernelgate.runtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.kernels.KernelManagerConfig;
import dev.kernelgate.runtime.tls.PemFiles;
import dev.kernelgate.runtime.tls.TlsContexts;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The child side of one local sandbox. Arguments: the sandbox directory, and {@code warm} for a pool child.
 *
 * <p>A pool child first starts and stops an execd once, so the classes execd needs are loaded and compiled before
 * any sandbox waits for it, then says so ({@code pool.ready}). Every child then reads its assignment, one JSON line
 * on stdin ({@code {"env":{...},"entrypoint":[...]}}), and follows upstream's bootstrap contract in-process: start
 * execd on a free loopback port with the sandbox's environment, announce the port ({@code execd.port}), then start
 * the entrypoint beside it. When the entrypoint exits the sandbox ends, as a container does when its main process
 * exits. End of stdin before an assignment (the server went away, or drained its pool) ends the child.
 */
public final class SandboxExecdMain {
    /** System properties naming the PEM certificate and key execd serves HTTPS with (set by the launcher). */
    static final String TLS_CERT_PROPERTY = "kernelgate.execd.tls.cert";
    static final String TLS_KEY_PROPERTY = "kernelgate.execd.tls.key";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SandboxExecdMain() {
    }

    public static void main(String[] args) throws Exception {
        SandboxDirectory dir = new SandboxDirectory(Path.of(args[0]));
        if (args.length > 1 && args[1].equals("warm")) {
            warmUp();
            dir.write(SandboxDirectory.READY, "1");
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            System.exit(0);
            return;
        }
        JsonNode assignment = JSON.readTree(line);
        Map<String, String> env = new HashMap<>(System.getenv());
        assignment.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        ExecdServer.Running execd = startExecd(env);
        dir.write(SandboxDirectory.PORT, Integer.toString(execd.port()));

        List<String> entrypoint = new ArrayList<>();
        assignment.path("entrypoint").forEach(n -> entrypoint.add(n.asText()));
        Process main;
        try {
            ProcessBuilder pb = new ProcessBuilder(entrypoint)
                    .directory(dir.workspace().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.file(SandboxDirectory.ENTRYPOINT_LOG).toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            main = pb.start();
        } catch (Exception e) {
            // Like bootstrap.sh's exec of a missing program: the sandbox fails with 127.
            dir.write(SandboxDirectory.EXIT, "127 " + e.getMessage());
            execd.close();
            System.exit(127);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.destroy();
            execd.close();
        }, "sandbox-shutdown"));
        int code = main.waitFor();
        dir.write(SandboxDirectory.EXIT, Integer.toString(code));
        System.exit(code);
    }

    private static ExecdServer.Running startExecd(Map<String, String> env) {
        ExecdConfig config = ExecdSettings.parse(env, List.of("--host", "127.0.0.1", "--port", "0"));
        ExecdServer server = new ExecdServer(config, env, KernelManagerConfig.defaults(env));
        // System properties rather than variables: the sandbox's commands inherit the environment.
        String cert = System.getProperty(TLS_CERT_PROPERTY);
        String key = System.getProperty(TLS_KEY_PROPERTY);
        if (cert != null && key != null) {
            server = server.withTls(TlsContexts.server(PemFiles.privateKey(Path.of(key)),
                    PemFiles.certificates(Path.of(cert))));
        }
        return server.start();
    }

    /** One execd start, a {@code /ping} through it and a stop: what a sandbox's start needs, loaded in advance. */
    private static void warmUp() {
        try (ExecdServer.Running execd = startExecd(System.getenv());
             Socket socket = System.getProperty(TLS_CERT_PROPERTY) == null
                     ? new Socket("127.0.0.1", execd.port())
                     : javax.net.ssl.SSLSocketFactory.getDefault().createSocket("127.0.0.1", execd.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().readAllBytes();
        } catch (Exception e) {
            // Warming is an optimisation; the real start reports real problems.
        }
    }
}
