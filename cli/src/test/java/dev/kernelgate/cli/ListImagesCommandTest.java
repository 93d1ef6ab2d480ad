package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ListImagesCommandTest {
    @TempDir
    Path tmp;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        HostEnvironment host = new HostEnvironment(Map.of(), tmp, List.of());
        CommandLine cli = new CommandLine(new ListImagesCommand(host));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void printsTheImagesTheConfigNamesOnePerLine() throws Exception {
        Path config = Files.writeString(tmp.resolve("sandbox.toml"), """
                [runtime]
                type = "docker"
                execd_image = "opensandbox/execd:v1.0.19"

                [egress]
                image = "opensandbox/egress:v1.1.0"
                """);
        assertEquals(0, run("--config", config.toString()), err.toString());
        assertEquals("opensandbox/execd:v1.0.19\nopensandbox/egress:v1.1.0\n", out.toString());
    }

    @Test
    void aConfigWithoutImagesPrintsNothingAndABrokenOneSaysWhy() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.toml"), "[runtime]\ntype = \"docker\"\n");
        assertEquals(0, run("--config", empty.toString()), err.toString());
        assertEquals("", out.toString());

        Path broken = Files.writeString(tmp.resolve("broken.toml"), "[docker]\nnetwork_mod = \"host\"\n");
        assertEquals(2, run("--config", broken.toString()));
        assertTrue(err.toString().startsWith("kernelgate list-images: "), err.toString());
    }
}
