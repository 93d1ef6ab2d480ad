package dev.kernelgate.notebooks.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The comparison's own rules, checked on small hand-made outputs. */
class OutputComparisonTest {

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Notebook.MAPPER.readTree(text.replace('\'', '"'));
    }

    private static ObjectNode stream(String name, String text) {
        return Notebook.MAPPER.createObjectNode().put("output_type", "stream").put("name", name).put("text", text);
    }

    @Test
    void carriageReturnsAsNbconvertAppliesThem() {
        // expected values from Python: re.sub(r'.*\r(?=[^\n])', '', case)
        String[][] cases = {
            {"a\rb", "b"}, {"a\rb\rc\n", "c\n"}, {"x\r\n", "x\r\n"}, {"abc\r", "abc\r"},
            {"\rprogress   0%\rprogress 100%\n", "progress 100%\n"}, {"l1\rL1\nl2\r\nl3\rx\ry", "L1\nl2\r\ny"},
            {"\r\r\rz", "z"}, {"a\r\rb\n\rc", "b\nc"}, {"", ""}, {"\n\n", "\n\n"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], OutputComparison.applyCarriageReturns(c[0]), OutputComparison.escape(c[0]));
        }
        String longLine = "x".repeat(500_000);
        assertEquals(longLine, OutputComparison.applyCarriageReturns(longLine + "\r" + "\r" + longLine)
                .substring(0, 500_000));
    }

    @Test
    void streamsSplitDifferentlyAreEqual() {
        List<ObjectNode> stored = List.of(stream("stdout", "a\nb\n"), stream("stderr", "e\n"));
        List<ObjectNode> received = List.of(stream("stdout", "a\n"), stream("stdout", "b\n"), stream("stderr", "e\n"));
        assertEquals(List.of(), OutputComparison.compare(stored, received));
        List<String> diffs = OutputComparison.compare(stored, List.of(stream("stdout", "a\nc\n"), stream("stderr", "e\n")));
        assertEquals(1, diffs.size(), diffs.toString());
        assertTrue(diffs.get(0).startsWith("outputs[0].text: strings differ at char 2 (line 2, column 1"), diffs.get(0));
    }

    @Test
    void addressesAndIpykernelFoldersAreMasked() throws Exception {
        ObjectNode stored = json("{'output_type': 'execute_result', 'execution_count': 3, 'metadata': {},"
                + " 'data': {'text/plain': ['<A at 0x7f00aa11>\\n', '/tmp/ipykernel_12/1.py:2: W']}}");
        ObjectNode received = json("{'output_type': 'execute_result', 'execution_count': 9, 'metadata': {},"
                + " 'data': {'text/plain': '<A at 0x7fffbb22cc>\\n/tmp/ipykernel_345/1.py:2: W'}}");
        assertEquals(List.of(), OutputComparison.compare(List.of(stored), List.of(received)));
    }

    @Test
    void errorsCompareNamesExactlyAndTracebacksLoosely() throws Exception {
        ObjectNode stored = json("{'output_type': 'error', 'ename': 'E', 'evalue': 'v',"
                + " 'traceback': ['\\u001b[0;31mheader\\u001b[0m', 'Cell In [3], line 1', '\\u001b[0;31mE\\u001b[0m: v']}");
        ObjectNode other = json("{'output_type': 'error', 'ename': 'E', 'evalue': 'v',"
                + " 'traceback': ['other header', 'Cell In [7], line 1', 'E: v']}");
        assertEquals(List.of(), OutputComparison.compare(List.of(stored), List.of(other)));
        ObjectNode wrongValue = json("{'output_type': 'error', 'ename': 'E', 'evalue': 'w',"
                + " 'traceback': ['h', 'Cell In [7], line 1', 'E: v']}");
        assertEquals(1, OutputComparison.compare(List.of(stored), List.of(wrongValue)).size());
    }

    @Test
    void imagesCompareByPixelsNotBytes() throws Exception {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0xff8800);
        String png = png(image);
        ObjectNode stored = display(png.substring(0, 40) + "\n" + png.substring(40) + "\n");
        ObjectNode deflatedDifferently = display(Base64.getEncoder().encodeToString(
                reencoded(Base64.getDecoder().decode(png))));
        assertTrue(OutputComparison.canonical(List.of(stored)).get(0).toString().contains("image/png 3x2, pixels"));
        assertEquals(List.of(), OutputComparison.compare(List.of(stored), List.of(deflatedDifferently)));
        image.setRGB(0, 0, 0x000001);
        List<String> diffs = OutputComparison.compare(List.of(stored), List.of(display(png(image))));
        assertEquals(1, diffs.size(), diffs.toString());
        assertTrue(diffs.get(0).startsWith("outputs[0].data[\"image/png\"]"), diffs.toString());
    }

    private static ObjectNode display(String base64) {
        ObjectNode out = Notebook.MAPPER.createObjectNode().put("output_type", "display_data");
        out.putObject("data").put("image/png", base64);
        out.putObject("metadata");
        return out;
    }

    private static String png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /** The same PNG with its IDAT stream deflated at another level: other bytes, same pixels. */
    private static byte[] reencoded(byte[] png) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(png);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 8);
        in.position(8);
        while (in.remaining() > 0) {
            int length = in.getInt();
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            in.getInt();
            if (new String(type, StandardCharsets.US_ASCII).equals("IDAT")) {
                Inflater inflater = new Inflater();
                inflater.setInput(data);
                byte[] raw = new byte[1 << 16];
                int n = inflater.inflate(raw);
                Deflater deflater = new Deflater(Deflater.NO_COMPRESSION);
                deflater.setInput(raw, 0, n);
                deflater.finish();
                byte[] buffer = new byte[1 << 16];
                data = Arrays.copyOf(buffer, deflater.deflate(buffer));
            }
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            out.write(ByteBuffer.allocate(4).putInt(data.length).array());
            out.write(type);
            out.write(data);
            out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
        assertFalse(Arrays.equals(png, out.toByteArray()));
        return out.toByteArray();
    }

    @Test
    void differentShapesAreListed() {
        List<String> diffs = OutputComparison.compare(List.of(stream("stdout", "x\n")),
                List.of(stream("stderr", "x\n")));
        assertTrue(diffs.get(0).startsWith("expected 1 output(s), got 1"), diffs.toString());
        assertTrue(String.join("\n", diffs).contains("stream stderr \"x\\n\""), diffs.toString());
    }
}
