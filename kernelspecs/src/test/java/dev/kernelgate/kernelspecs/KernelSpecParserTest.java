package dev.kernelgate.kernelspecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelSpecParserTest {

    @TempDir
    Path tmp;

    private final KernelSpecParser parser = new KernelSpecParser();

    @Test
    void parsesEveryField() throws Exception {
        Path dir = SpecFiles.kernelDir(tmp, "Python3", """
                {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                 "display_name": "Python 3 (ipykernel)", "language": "python", "interrupt_mode": "Message",
                 "env": {"B": "2", "A": "1", "PATH": "${PATH}:/opt/bin"},
                 "metadata": {"debugger": true, "cull_idle_timeout": 60},
                 "unknown_key": 1}
                """);

        KernelSpec spec = parser.parseKernelDir(dir);

        assertEquals("python3", spec.name());
        assertEquals(List.of("/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"), spec.argv());
        assertEquals("Python 3 (ipykernel)", spec.displayName());
        assertEquals("python", spec.language());
        assertEquals(InterruptMode.MESSAGE, spec.interruptMode());
        assertEquals(List.of("B", "A", "PATH"), List.copyOf(spec.env().keySet()), "env keeps file order");
        assertEquals("${PATH}:/opt/bin", spec.env().get("PATH"), "env is not substituted at parse time");
        assertTrue(spec.metadata().get("debugger").booleanValue());
        assertEquals(60, spec.metadata().get("cull_idle_timeout").intValue());
        assertEquals(dir, spec.resourceDir());
        assertEquals(dir.resolve("kernel.json"), spec.specFile());
    }

    @Test
    void optionalFieldsDefaultLikeJupyterClient() throws Exception {
        Path dir = SpecFiles.kernelDir(tmp, "bare", "{\"argv\": [\"k\", \"{connection_file}\"], \"metadata\": null}");

        KernelSpec spec = parser.parseKernelDir(dir);

        assertEquals("", spec.displayName());
        assertEquals("", spec.language());
        assertEquals(InterruptMode.SIGNAL, spec.interruptMode());
        assertEquals(Map.of(), spec.env());
        assertEquals(0, spec.metadata().size());
    }

    @Test
    void dropInNameIsTheLowerCasedFileStemAndItsResourceDirTheParent() throws Exception {
        Path file = SpecFiles.write(tmp.resolve("RKernel.json"),
                "{\"argv\":[\"R\",\"--slave\",\"-e\",\"IRkernel::main()\"],\"display_name\":\"R\",\"language\":\"R\"}");

        KernelSpec spec = parser.parseDropIn(file);

        assertEquals("rkernel", spec.name());
        assertEquals(tmp, spec.resourceDir());
        assertEquals(file, spec.specFile());
        assertTrue(spec.dropIn());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                 | {"argv": ["k"                                   | not valid JSON
            empty file               | ''                                              | file is empty
            top-level array          | ["k"]                                           | top level is an array
            trailing garbage         | {"argv": ["k"]} x                               | not valid JSON
            argv missing             | {"display_name": "K"}                           | "argv" is missing
            argv null                | {"argv": null}                                  | "argv" is missing
            argv empty               | {"argv": []}                                    | "argv" is empty
            argv a string            | {"argv": "k {connection_file}"}                 | "argv" is a string
            argv element not string  | {"argv": ["k", 1]}                              | "argv"[1] is a number
            display_name not string  | {"argv": ["k"], "display_name": 3}              | "display_name" is a number
            language not string      | {"argv": ["k"], "language": ["R"]}              | "language" is an array
            bad interrupt_mode       | {"argv": ["k"], "interrupt_mode": "sigint"}     | "interrupt_mode" is "sigint"
            env not object           | {"argv": ["k"], "env": ["A=1"]}                 | "env" is an array
            env value not string     | {"argv": ["k"], "env": {"N": 1}}                | "env"."N" is a number
            metadata not object      | {"argv": ["k"], "metadata": true}               | "metadata" is a boolean
            """)
    void rejectsBrokenSpecsNamingTheFileAndTheProblem(String label, String json, String problem) {
        Path dir = SpecFiles.kernelDir(tmp, "broken", json);

        InvalidKernelSpecException e =
                assertThrows(InvalidKernelSpecException.class, () -> parser.parseKernelDir(dir));

        assertEquals(dir.resolve("kernel.json"), e.specFile());
        assertTrue(e.problem().startsWith(problem), () -> "problem was: " + e.problem());
        assertTrue(e.getMessage().contains(dir.resolve("kernel.json").toString()), e.getMessage());
    }

    @Test
    void jsonErrorsSayWhereWithoutJacksonNoise() {
        Path dir = SpecFiles.kernelDir(tmp, "cut", "{\"argv\": [\n");

        InvalidKernelSpecException e = assertThrows(InvalidKernelSpecException.class, () -> parser.parseKernelDir(dir));

        assertTrue(e.problem().startsWith("not valid JSON: Unexpected end-of-input"), e.problem());
        assertTrue(e.problem().endsWith("(line 2, column 1)"), e.problem());
        assertFalse(e.problem().contains("REDACTED"), e.problem());
    }

    @Test
    void missingFileIsInvalidNotAnIoError() {
        InvalidKernelSpecException e = assertThrows(InvalidKernelSpecException.class,
                () -> parser.parseKernelDir(tmp.resolve("nothing-here")));

        assertEquals("file does not exist", e.problem());
    }

    @Test
    void invalidNameIsRejected() {
        Path dir = SpecFiles.kernelDir(tmp, "my kernel", SpecFiles.spec("K", "k"));

        InvalidKernelSpecException e = assertThrows(InvalidKernelSpecException.class, () -> parser.parseKernelDir(dir));

        assertTrue(e.problem().contains("invalid kernelspec name 'my kernel'"), e.problem());
    }
}
