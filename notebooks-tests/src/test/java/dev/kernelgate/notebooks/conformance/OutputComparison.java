package dev.kernelgate.notebooks.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Compares a cell's stored nbformat outputs with the outputs a front end built from the gateway's messages.
 *
 * <p>Both sides are first brought to one canonical form:
 * <ul>
 *   <li>consecutive stream outputs of one name are joined, and carriage-return overwrites are applied the way
 *       nbconvert's {@code coalesce_streams} does (a kernel may split output into any number of messages);</li>
 *   <li>nbformat multiline strings (lists of lines) are joined;</li>
 *   <li>volatile text is masked: memory addresses ({@code 0x7f3a…}) and ipykernel's per-process temp folder
 *       ({@code ipykernel_12345}), in stream text, text MIME data and tracebacks;</li>
 *   <li>images ({@code image/png}, {@code image/jpeg}, {@code image/gif}) are compared by decoded size and pixels,
 *       not by their encoded bytes;</li>
 *   <li>{@code execution_count} is taken out (checked separately, relative to the run);</li>
 *   <li>an error keeps {@code ename} and {@code evalue} exactly; its traceback is compared loosely: the same
 *       number of entries and the same last entry, after removing ANSI colours and {@code In [n]} numbers.</li>
 * </ul>
 * Output metadata and JSON MIME data are compared exactly.
 */
final class OutputComparison {
    private static final int MAX_DIFFS = 12;
    private static final int EXCERPT = 50;
    private static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/gif");
    private static final Pattern ADDRESS = Pattern.compile("\\b0x[0-9a-fA-F]{6,16}\\b");
    private static final Pattern IPYKERNEL_TMP = Pattern.compile("ipykernel_\\d+");
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*[A-Za-z]");
    private static final Pattern PROMPT_NUMBER = Pattern.compile("In ?\\[\\d+\\]");

    private OutputComparison() {
    }

    /** Readable differences between stored ({@code expected}) and received ({@code actual}) outputs; empty if equal. */
    static List<String> compare(List<ObjectNode> expected, List<ObjectNode> actual) {
        List<ObjectNode> want = canonical(expected);
        List<ObjectNode> got = canonical(actual);
        List<String> diffs = new ArrayList<>();
        if (!sameShape(want, got)) {
            diffs.add("expected " + want.size() + " output(s), got " + got.size());
            diffs.add("  expected:");
            want.forEach(o -> diffs.add("    " + summary(o)));
            diffs.add("  actual:");
            got.forEach(o -> diffs.add("    " + summary(o)));
            return diffs;
        }
        for (int i = 0; i < want.size(); i++) {
            diff("outputs[" + i + "]", want.get(i), got.get(i), diffs);
        }
        return diffs;
    }

    /** Same number of outputs with the same output types (and stream names) in the same order. */
    private static boolean sameShape(List<ObjectNode> a, List<ObjectNode> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).path("output_type").equals(b.get(i).path("output_type"))
                    || !a.get(i).path("name").equals(b.get(i).path("name"))) {
                return false;
            }
        }
        return true;
    }

    static List<ObjectNode> canonical(List<ObjectNode> outputs) {
        List<ObjectNode> joined = new ArrayList<>();
        for (ObjectNode output : outputs) {
            ObjectNode previous = joined.isEmpty() ? null : joined.get(joined.size() - 1);
            if (isStream(output) && previous != null && isStream(previous)
                    && previous.path("name").asText().equals(output.path("name").asText())) {
                previous.put("text", previous.path("text").asText() + Notebook.multiline(output.get("text")));
            } else if (isStream(output)) {
                ObjectNode copy = output.deepCopy();
                copy.put("text", Notebook.multiline(output.get("text")));
                joined.add(copy);
            } else {
                joined.add(output);
            }
        }
        List<ObjectNode> canonical = new ArrayList<>();
        for (ObjectNode output : joined) {
            canonical.add(canonicalOutput(output));
        }
        return canonical;
    }

    private static boolean isStream(ObjectNode output) {
        return "stream".equals(output.path("output_type").asText());
    }

    private static ObjectNode canonicalOutput(ObjectNode output) {
        String type = output.path("output_type").asText();
        ObjectNode c = Notebook.MAPPER.createObjectNode().put("output_type", type);
        switch (type) {
            case "stream" -> {
                c.put("name", output.path("name").asText());
                c.put("text", maskVolatile(applyCarriageReturns(output.path("text").asText())));
            }
            case "display_data", "execute_result" -> {
                ObjectNode data = c.putObject("data");
                JsonNode raw = output.path("data");
                for (String mime : new TreeSet<>(fieldNames(raw))) {
                    JsonNode value = raw.get(mime);
                    if (IMAGES.contains(mime)) {
                        data.put(mime, image(mime, Notebook.multiline(value)));
                    } else if (mime.equals("application/json") || mime.endsWith("+json")) {
                        data.set(mime, value);
                    } else {
                        data.put(mime, maskVolatile(Notebook.multiline(value)));
                    }
                }
                c.set("metadata", output.has("metadata") ? output.get("metadata") : Notebook.MAPPER.createObjectNode());
            }
            case "error" -> {
                c.put("ename", output.path("ename").asText());
                c.put("evalue", output.path("evalue").asText());
                JsonNode traceback = output.path("traceback");
                ObjectNode loose = c.putObject("traceback (loosely)");
                loose.put("entries", traceback.size());
                if (traceback.size() > 0) {
                    loose.put("last entry", normaliseTraceback(traceback.get(traceback.size() - 1).asText()));
                }
            }
            default -> {
                ObjectNode copy = output.deepCopy();
                copy.remove("execution_count");
                return copy;
            }
        }
        return c;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * In every line, drops everything up to the last {@code \r} that has more text after it on that line, as
     * nbconvert's {@code coalesce_streams} does with {@code .*\r(?=[^\n])} (linear here: a regex backtracks
     * quadratically over a 200 KB line).
     */
    static String applyCarriageReturns(String text) {
        if (text.indexOf('\r') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        while (start <= text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            int cut = text.lastIndexOf('\r', end - 2);
            out.append(text, cut >= start ? cut + 1 : start, end);
            if (newline < 0) {
                break;
            }
            out.append('\n');
            start = newline + 1;
        }
        return out.toString();
    }

    static String maskVolatile(String text) {
        return IPYKERNEL_TMP.matcher(ADDRESS.matcher(text).replaceAll("0x<address>")).replaceAll("ipykernel_<pid>");
    }

    static String normaliseTraceback(String entry) {
        return maskVolatile(PROMPT_NUMBER.matcher(ANSI.matcher(entry).replaceAll("")).replaceAll("In [#]"));
    }

    /** An image as its decoded size and a digest of its pixels; undecodable data by a digest of its bytes. */
    private static String image(String mime, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return mime + " (not base64: " + e.getMessage() + ")";
        }
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img != null) {
                int w = img.getWidth();
                int h = img.getHeight();
                int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
                ByteBuffer pixels = ByteBuffer.allocate(argb.length * 4);
                pixels.asIntBuffer().put(argb);
                return mime + " " + w + "x" + h + ", pixels sha256:" + sha256(pixels.array());
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the byte digest
        }
        return mime + " (not decodable), " + bytes.length + " bytes sha256:" + sha256(bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void diff(String path, JsonNode want, JsonNode got, List<String> diffs) {
        if (diffs.size() >= MAX_DIFFS) {
            if (diffs.size() == MAX_DIFFS) {
                diffs.add("… (more differences not shown)");
            }
            return;
        }
        if (want.equals(got)) {
            return;
        }
        if (want.isObject() && got.isObject()) {
            Set<String> keys = new TreeSet<>(fieldNames(want));
            keys.addAll(fieldNames(got));
            for (String key : keys) {
                String sub = path + (key.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + key : "[\"" + key + "\"]");
                if (!got.has(key)) {
                    diffs.add(sub + ": missing (expected " + shortJson(want.get(key)) + ")");
                } else if (!want.has(key)) {
                    diffs.add(sub + ": unexpected " + shortJson(got.get(key)));
                } else {
                    diff(sub, want.get(key), got.get(key), diffs);
                }
            }
        } else if (want.isArray() && got.isArray() && want.size() == got.size()) {
            for (int i = 0; i < want.size(); i++) {
                diff(path + "[" + i + "]", want.get(i), got.get(i), diffs);
            }
        } else if (want.isTextual() && got.isTextual()) {
            diffs.add(path + ": " + stringDiff(want.asText(), got.asText()));
        } else {
            diffs.add(path + ": expected " + shortJson(want) + ", got " + shortJson(got));
        }
    }

    /** Where two strings part, with a little context around the first difference. */
    static String stringDiff(String want, String got) {
        int i = 0;
        int limit = Math.min(want.length(), got.length());
        while (i < limit && want.charAt(i) == got.charAt(i)) {
            i++;
        }
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < i; k++) {
            if (want.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        return "strings differ at char " + i + " (line " + line + ", column " + (i - lineStart + 1) + "; lengths "
                + want.length() + " vs " + got.length() + ")\n        expected: " + excerpt(want, i)
                + "\n        actual:   " + excerpt(got, i);
    }

    private static String excerpt(String s, int at) {
        int from = Math.max(0, at - EXCERPT);
        int to = Math.min(s.length(), at + EXCERPT);
        return (from > 0 ? "…" : "") + "\"" + escape(s.substring(from, to)) + "\"" + (to < s.length() ? "…" : "");
    }

    /** Control, format and separator characters made visible; other non-ASCII text left readable. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    int type = Character.getType(cp);
                    boolean invisible = type == Character.CONTROL || type == Character.FORMAT
                            || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                            || (type == Character.SPACE_SEPARATOR && cp != ' ');
                    if (invisible) {
                        out.append(String.format("\\u%04x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.toString();
    }

    private static String shortJson(JsonNode node) {
        String text = node == null ? "nothing" : node.toString();
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }

    /** One line describing an output, for listings. */
    static String summary(ObjectNode c) {
        String type = c.path("output_type").asText();
        return switch (type) {
            case "stream" -> "stream " + c.path("name").asText() + " " + preview(c.path("text").asText());
            case "display_data", "execute_result" -> {
                List<String> mimes = fieldNames(c.path("data"));
                JsonNode plain = c.path("data").path("text/plain");
                yield type + " " + mimes + (plain.isTextual() ? " " + preview(plain.asText()) : "");
            }
            case "error" -> "error " + c.path("ename").asText() + ": " + preview(c.path("evalue").asText());
            default -> shortJson(c);
        };
    }

    private static String preview(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) : text;
        return "\"" + escape(shown) + "\"" + (text.length() > 60 ? "… (" + text.length() + " chars)" : "");
    }
}
