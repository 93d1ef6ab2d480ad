package dev.kernelgate.execd.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.http.HttpError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Path expansion as upstream's pathutil (with Go's os.Expand quirks) and the doublestar base-name glob. */
class PathsAndGlobTest {

    final PathPolicy paths = new PathPolicy(Path.of("/work"), Map.of("HOME", "/home/u", "A", "x", "EMPTY", ""),
            List.of());

    @Test
    void expansion() {
        assertEquals("/home/u", paths.expand("~"));
        assertEquals("/home/u/docs/x", paths.expand("~/docs/$A"));
        assertEquals("p/x/x/s", paths.expand("p/${A}/$A/s"));
        assertEquals("a//b", paths.expand("a/$EMPTY/b"));
        assertEquals("~user/x", paths.expand("~user/x"));
        assertEquals("cost$", paths.expand("cost$"));
        assertEquals("a", paths.expand("a$1"), "Go expands special variables (to nothing here)");
        assertEquals("/x", paths.expand("${}/x"), "Go eats bad syntax");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> paths.expand("$NOT_SET/${ALSO_NOT}/$A"));
        assertEquals("path references undefined environment variables: ALSO_NOT,NOT_SET", e.getMessage());
    }

    @Test
    void absolutization() {
        assertEquals(Path.of("/work/rel/f"), paths.resolve("rel/./f"));
        assertEquals(Path.of("/"), paths.resolve("/a/../.."));
        assertEquals(Path.of("/home/u/f"), paths.resolve("~/f"));
        assertEquals(Path.of("/work"), paths.resolve(""));
        HttpError e = assertThrows(HttpError.class, () -> paths.resolve("$NOPE"));
        assertEquals(500, e.status());
        assertEquals("RUNTIME_ERROR", e.code());
    }

    @Test
    void globOnBaseNames() {
        assertTrue(Glob.compile("*.txt").matches("a.txt"));
        assertFalse(Glob.compile("*.txt").matches("a.txt.bak"));
        assertTrue(Glob.compile("**").matches("anything"));
        assertTrue(Glob.compile("**.md").matches("x.md"));
        assertTrue(Glob.compile("?.c").matches("é.c"));
        assertFalse(Glob.compile("?.c").matches("ab.c"));
        assertTrue(Glob.compile("[a-c]*").matches("beta"));
        assertFalse(Glob.compile("[!a-c]*").matches("beta"));
        assertTrue(Glob.compile("[^a-c]*").matches("delta"));
        assertTrue(Glob.compile("*.{js,ts}").matches("x.ts"));
        assertTrue(Glob.compile("{a,b{c,d}}").matches("bd"));
        assertFalse(Glob.compile("{a,b{c,d}}").matches("b"));
        assertTrue(Glob.compile("\\*").matches("*"));
        assertFalse(Glob.compile("\\*").matches("x"));
        assertTrue(Glob.compile("a.b+c(d)").matches("a.b+c(d)"));
        for (String bad : List.of("[", "[]", "{a,b", "x\\", "[a-")) {
            assertThrows(IllegalArgumentException.class, () -> Glob.compile(bad), bad);
        }
    }
}
