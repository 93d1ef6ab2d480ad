package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.runtime.config.ConfigTemplates;
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

    private Path config(String runtime) throws Exception {
        return Files.writeString(tmp.resolve(runtime + ".toml"), """
                [runtime]
                type = "%s"
                execd_image = "opensandbox/execd:v1.0.19"
                sandbox_images = ["python:3.12-slim", "registry.example/team/agent:2", "python:3.12-slim"]

                [egress]
                image = "opensandbox/egress:v1.1.0"
                """.formatted(runtime));
    }

    @Test
    void dockerNeedsTheSandboxImagesOnlyNotExecdWhichItMounts() throws Exception {
        assertEquals(0, run("--config", config("docker").toString()), err.toString());
        assertEquals("python:3.12-slim\nregistry.example/team/agent:2\n", out.toString());
        assertTrue(err.toString().contains("[runtime] execd_image left out: the docker runtime does not use it"),
                err.toString());
        assertTrue(err.toString().contains("[egress] image left out"), err.toString());
    }

    @Test
    void kubernetesNeedsTheSandboxImagesItsInitImageAndTheEgressImage() throws Exception {
        assertEquals(0, run("--config", config("kubernetes").toString()), err.toString());
        assertEquals("python:3.12-slim\nregistry.example/team/agent:2\nopensandbox/execd:v1.0.19\n"
                + "opensandbox/egress:v1.1.0\n", out.toString());
        assertTrue(!err.toString().contains("[egress] image"), err.toString());
        assertTrue(!err.toString().contains("execd_image"), err.toString());
    }

    @Test
    void localNeedsNoImageAtAll() throws Exception {
        assertEquals(0, run("--config", config("local").toString()), err.toString());
        assertEquals("", out.toString());
        assertTrue(err.toString().contains("[runtime] sandbox_images left out: the local runtime does not use it"),
                err.toString());
    }

    @Test
    void theShippedExamplesPrintWhatTheirRuntimeUses() throws Exception {
        Path docker = tmp.resolve("example-docker.toml");
        ConfigTemplates.write(docker, "docker", false);
        assertEquals(0, run("--config", docker.toString()), err.toString());
        assertEquals("python:3.12-slim\n", out.toString(), "no execd image for the docker runtime");
        assertEquals("", err.toString());

        out.getBuffer().setLength(0);
        Path kubernetes = tmp.resolve("example-kubernetes.toml");
        ConfigTemplates.write(kubernetes, "kubernetes", false);
        assertEquals(0, run("--config", kubernetes.toString()), err.toString());
        assertEquals("kernelgate/execd:0.1.0\n", out.toString());

        out.getBuffer().setLength(0);
        Path local = tmp.resolve("example-local.toml");
        ConfigTemplates.write(local, "local", false);
        assertEquals(0, run("--config", local.toString()), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aConfigWithoutImagesPrintsNothingAndABrokenOneSaysWhy() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.toml"), "[runtime]\ntype = \"docker\"\n");
        assertEquals(0, run("--config", empty.toString()), err.toString());
        assertEquals("", out.toString());

        Path broken = Files.writeString(tmp.resolve("broken.toml"), "[docker]\nnetwork_mod = \"host\"\n");
        assertEquals(2, run("--config", broken.toString()));
        assertTrue(err.toString().startsWith("kernelgate list-images: "), err.toString());

        err.getBuffer().setLength(0);
        Path blank = Files.writeString(tmp.resolve("blank.toml"), "[runtime]\ntype = \"docker\"\nsandbox_images = [\" \"]\n");
        assertEquals(2, run("--config", blank.toString()));
        assertTrue(err.toString().contains("runtime.sandbox_images"), err.toString());

        err.getBuffer().setLength(0);
        Path notAList = Files.writeString(tmp.resolve("string.toml"), "[runtime]\nsandbox_images = \"python:3\"\n");
        assertEquals(2, run("--config", notAList.toString()));
        assertTrue(err.toString().contains("sandbox_images"), err.toString());
    }
}
