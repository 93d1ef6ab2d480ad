package dev.kernelgate.execd.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpansionTest {

    private static final Map<String, String> ENV = Map.of("A", "1", "HOME", "/home/u", "EMPTY", "");

    private static String expand(String s) {
        return ShellExpansion.expand(s, ENV::get);
    }

    @Test
    void goOsExpandSemantics() {
        assertEquals("1/1", expand("$A/${A}"));
        assertEquals("x", expand("x$UNSET"));
        assertEquals("$", expand("$"));
        assertEquals("a$", expand("a$"));
        assertEquals("$%", expand("$%"));
        assertEquals("ab", expand("a${}b"));
        assertEquals("a{b", expand("a${{b"), "an unclosed brace eats the dollar and brace");
        assertEquals("-", expand("$1-"));
        assertEquals("1x", expand("${A}x"));
        assertEquals("", expand("$EMPTY"));
    }

    @Test
    void pathsExpandVariablesAndHome() throws Exception {
        PathExpander paths = new PathExpander("/home/u", null);
        assertEquals("/home/u", paths.expand("~", ENV));
        assertEquals("/home/u/x", paths.expand("~/x", ENV));
        assertEquals("/home/u/1", paths.expand("$HOME/$A", ENV));
        assertEquals("/home/u/1", paths.expand("${HOME}/${A}", ENV));
        assertEquals("~x", paths.expand("~x", ENV));
        assertEquals("", paths.expand("", ENV));
        PathExpander.UndefinedVariableException e = assertThrows(PathExpander.UndefinedVariableException.class,
                () -> paths.expand("/x/$NOPE/${ALSO_NOPE}/$A", ENV));
        assertEquals("path references undefined environment variables: ALSO_NOPE,NOPE", e.getMessage());
        assertEquals("/base/rel", new PathExpander("/h", Path.of("/base")).expand("rel", ENV));
    }

    @Test
    void envsFileLines() {
        Map<String, String> parsed = CommandEnvironment.parse(
                "# comment\n\n  K1=v1  \nK2=$HOME/x\nmalformed\nK3=a=b\nK4=\n", Map.of("HOME", "/h"));
        assertEquals(Map.of("K1", "v1", "K2", "/h/x", "K3", "a=b", "K4", ""), parsed);
    }

    @Test
    void exportDumpRoundTrip() {
        String dump = "declare -x A=\"x\\\"y\\$z\\`w\\\\v\"\n"
                + "declare -x B=$'line1\\nline2'\n"
                + "declare -x C=$'\\303\\251t\\x41\\u00e9'\n"
                + "declare -x OLDPWD\n"
                + "declare -rx RO=\"ro\"\n"
                + "declare -x ML=\"first\nsecond\"\n"
                + "declare -x PS1=\"$ \"\n"
                + "declare -x SHLVL=\"3\"\n"
                + "export POSIX=\"p\"\n";
        Map<String, String> env = ExportDump.parse(dump.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0);
        assertEquals("x\"y$z`w\\v", env.get("A"));
        assertEquals("line1\nline2", env.get("B"));
        assertEquals("étAé", env.get("C"));
        assertEquals("ro", env.get("RO"));
        assertEquals("first\nsecond", env.get("ML"));
        assertEquals("p", env.get("POSIX"));
        assertTrue(!env.containsKey("OLDPWD") && !env.containsKey("PS1") && !env.containsKey("SHLVL"), env::toString);
    }

    @Test
    void statusTimesAreGoRfc3339Nano() {
        assertEquals("2025-12-22T09:08:05Z", CommandStatus.rfc3339Nano(java.time.Instant.parse("2025-12-22T09:08:05Z")));
        assertEquals("2025-12-22T09:08:05.12Z",
                CommandStatus.rfc3339Nano(java.time.Instant.parse("2025-12-22T09:08:05.120Z")));
        assertEquals("2025-12-22T09:08:05.000001Z",
                CommandStatus.rfc3339Nano(java.time.Instant.parse("2025-12-22T09:08:05.000001Z")));
    }
}
