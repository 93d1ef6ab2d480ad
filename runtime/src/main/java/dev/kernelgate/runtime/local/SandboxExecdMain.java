package dev.kernelgate.runtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.gateway.kernel.KernelManagerConfig;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child side of one local sandbox, upstream's bootstrap contract in-process: start execd on a free loopback
 * port, announce the port in the sandbox directory, then start the entrypoint beside it. When the entrypoint
 * exits the sandbox ends, as a container does when its main process exits. Argument: the sandbox directory.
 */
public final class SandboxExecdMain {
    private SandboxExecdMain() {
    }

    public static void main(String[] args) throws Exception {
        SandboxDirectory dir = new SandboxDirectory(Path.of(args[0]));
        Map<String, String> env = System.getenv();
        JsonNode spec = new ObjectMapper().readTree(dir.file(SandboxDirectory.SPEC).toFile());
        ExecdConfig config = ExecdSettings.parse(env, List.of("--host", "127.0.0.1", "--port", "0"));
        ExecdServer.Running execd = new ExecdServer(config, env, KernelManagerConfig.defaults(env)).start();
        dir.write(SandboxDirectory.PORT, Integer.toString(execd.port()));

        List<String> entrypoint = new ArrayList<>();
        spec.path("entrypoint").forEach(n -> entrypoint.add(n.asText()));
        Process main;
        try {
            main = new ProcessBuilder(entrypoint)
                    .directory(dir.workspace().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.file(SandboxDirectory.ENTRYPOINT_LOG)
                            .toFile()))
                    .start();
        } catch (Exception e) {
            // Like bootstrap.sh's exec of a missing program: the sandbox fails with 127.
            dir.write(SandboxDirectory.EXIT, "127 " + e.getMessage());
            execd.close();
            System.exit(127);
            return;
        }
        Process entry = main;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            entry.destroy();
            execd.close();
        }, "sandbox-shutdown"));
        int code = entry.waitFor();
        dir.write(SandboxDirectory.EXIT, Integer.toString(code));
        System.exit(code);
    }
}
