package dev.kernelgate.execd.files;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Byte-for-byte search and replace over a file's content ({@code POST /files/replace}). */
final class ContentReplacement {
    private ContentReplacement() {
    }

    /** {@code content} with every {@code old} replaced, left to right; {@code count[0]} grows by the replacements. */
    static byte[] replaceAll(byte[] content, byte[] old, byte[] replacement, int[] count) {
        ByteArrayOutputStream out = null;
        int from = 0;
        int i = indexOf(content, old, 0);
        while (i >= 0) {
            if (out == null) {
                out = new ByteArrayOutputStream(content.length + 16);
            }
            out.write(content, from, i - from);
            out.write(replacement, 0, replacement.length);
            count[0]++;
            from = i + old.length;
            i = indexOf(content, old, from);
        }
        if (out == null) {
            return content;
        }
        out.write(content, from, content.length - from);
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        int last = haystack.length - needle.length;
        byte first = needle[0];
        for (int i = from; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
