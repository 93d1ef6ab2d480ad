package dev.kernelgate.execd.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLineSplitterTest {

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        OutputLineSplitter splitter = new OutputLineSplitter(out::add);
        splitter.feed(text.getBytes(StandardCharsets.UTF_8));
        splitter.flush();
        return out;
    }

    /** The same input fed one byte at a time gives the same texts (chunk boundaries do not matter). */
    private static List<String> splitBytewise(String text) {
        List<String> out = new ArrayList<>();
        OutputLineSplitter splitter = new OutputLineSplitter(out::add);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            splitter.feed(new byte[] {b});
        }
        splitter.flush();
        return out;
    }

    @Test
    void upstreamSmokeSequence() {
        assertEquals(List.of("a", "\n", "b", "\n", "\n", "c"), split("a\n\nb\n\n\nc\n"));
        assertEquals(List.of("a", "\n", "b", "\n", "\n", "c"), splitBytewise("a\n\nb\n\n\nc\n"));
    }

    @Test
    void crlfCountsOnceAndLoneCrEndsALine() {
        assertEquals(List.of("a", "b"), split("a\r\nb\r\n"));
        assertEquals(List.of("a", "b"), splitBytewise("a\r\nb\r\n"));
        assertEquals(List.of("10%", "20%", "done"), split("10%\r20%\rdone\n"));
        assertEquals(List.of("a", "\n"), split("a\r\n\r\n"));
        assertEquals(List.of("a", "\n"), split("a\r\r\n"));
        assertEquals(List.of("\n"), split("\n"));
        assertEquals(List.of("\n"), split("\r\n"));
    }

    @Test
    void trailingPartialLineIsFlushedOnlyAtExit() {
        List<String> out = new ArrayList<>();
        OutputLineSplitter splitter = new OutputLineSplitter(out::add);
        splitter.feed("x\npart".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("x"), out);
        assertEquals(4, splitter.pending());
        splitter.feed("ial".getBytes(StandardCharsets.UTF_8));
        splitter.flush();
        assertEquals(List.of("x", "partial"), out);
        splitter.flush();
        assertEquals(List.of("x", "partial"), out);
    }

    @Test
    void longLinesAreCutOnCharacterBoundaries() {
        List<String> out = new ArrayList<>();
        OutputLineSplitter splitter = new OutputLineSplitter(out::add, 5);
        splitter.feed("abcdéfghij\n".getBytes(StandardCharsets.UTF_8)); // é is two bytes
        splitter.flush();
        assertEquals(List.of("abcd", "éfgh", "ij"), out);
        assertEquals("abcdéfghij", String.join("", out));
    }

    @Test
    void malformedUtf8BecomesReplacementCharacters() {
        List<String> out = new ArrayList<>();
        OutputLineSplitter splitter = new OutputLineSplitter(out::add);
        splitter.feed(new byte[] {'a', (byte) 0xff, 'b', '\n'});
        assertEquals(List.of("a\uFFFDb"), out);
    }
}
