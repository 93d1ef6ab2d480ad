package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.ServerConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kernelgate init-config} and the ways {@code kernelgate server} refuses to start, by exit code. */
class ServerCommandsTest {
    @TempDir
    Path tmp;

    private int run(Map<String, String> env, String... args) {
        return Main.commandLine(new HostEnvironment(env, tmp.resolve("home"), List.of())).execute(args);
    }

    @Test
    void initConfigWritesATemplateAndRefusesToOverwriteIt() throws Exception {
        Path file = tmp.resolve("conf/sandbox.toml");
        assertEquals(0, run(Map.of(), "init-config", file.toString(), "--example", "docker"));
        assertEquals("docker", ServerConfigLoader.read(file).runtime().type());
        Files.writeString(file, "# edited");
        assertEquals(1, run(Map.of(), "init-config", file.toString()));
        assertEquals("# edited", Files.readString(file));
        assertEquals(0, run(Map.of(), "init-config", file.toString(), "--force"));
        assertEquals("local", ServerConfigLoader.read(file).runtime().type());
        assertEquals(2, run(Map.of(), "init-config", file.toString(), "--example", "podman", "--force"));
    }

    @Test
    void initConfigWarnsThatTheLocalRuntimeIsForTrustedCodeOnly() {
        for (String example : List.of("local", "docker")) {
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine(new HostEnvironment(Map.of(), tmp.resolve("home"), List.of()));
            cli.setErr(new PrintWriter(err));
            assertEquals(0, cli.execute("init-config", tmp.resolve(example + ".toml").toString(), "--example", example));
            assertEquals(example.equals("local"), err.toString().contains("trusted code only"), err.toString());
        }
        assertTrue(InitConfigCommand.LOCAL_WARNING.contains("API key"));
    }

    @Test
    void serverRefusesABadFileAMissingFileAndAMissingKey() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.toml"), "[server]\nprot = 1\n");
        assertEquals(2, run(Map.of(), "server", "--config", bad.toString()));
        assertEquals(2, run(Map.of(), "server", "--config", tmp.resolve("missing.toml").toString()));
        Path noKey = Files.writeString(tmp.resolve("nokey.toml"), "[server]\nhost = \"127.0.0.1\"\nport = 0\n"
                + "[local]\nstate_dir = \"" + tmp.resolve("state") + "\"\n");
        // No key, no OPENSANDBOX_INSECURE_SERVER and no terminal to ask on: refused before anything starts.
        assertEquals(2, run(Map.of(), "server", "--config", noKey.toString()));
        assertTrue(Files.notExists(tmp.resolve("state")), "nothing was started");
        assertEquals(2, run(Map.of(), "server", "--config", noKey.toString(), "--tls-cert", "c.pem"));
    }
}
