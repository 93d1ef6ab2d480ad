package dev.kernelgate.execd.command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a command's output bytes into the texts of execd's {@code stdout}/{@code stderr} events, by upstream's
 * rules: a line ends at {@code \n} or {@code \r} and is emitted without its terminator; {@code \r\n} counts as
 * one terminator; a blank line is emitted as the text {@code "\n"}; a trailing partial line is emitted by
 * {@link #flush()} when the command exits. Example: {@code a\n\nb\n\n\nc\n} gives
 * {@code ["a", "\n", "b", "\n", "\n", "c"]}.
 *
 * <p>One deviation, for memory's sake only: a line longer than {@code maxLineBytes} is emitted in pieces of at
 * most that size (cut on a UTF-8 character boundary). Bytes are decoded as UTF-8 with malformed input replaced
 * by U+FFFD, as Go's JSON encoder does. Not thread-safe.
 */
public final class OutputLineSplitter {

    /** Default cap of one emitted text. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

    private static final String BLANK = "\n";

    private final Consumer<String> sink;
    private final int maxLineBytes;
    private byte[] line = new byte[256];
    private int length;
    /** The previous byte was {@code \r}, so a {@code \n} right after it closes nothing new. */
    private boolean afterCr;

    public OutputLineSplitter(Consumer<String> sink) {
        this(sink, DEFAULT_MAX_LINE_BYTES);
    }

    public OutputLineSplitter(Consumer<String> sink, int maxLineBytes) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4");
        }
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    public void feed(byte[] bytes, int offset, int count) {
        int end = offset + count;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                if (length > 0) {
                    emit(length);
                } else if (!(b == '\n' && afterCr)) {
                    sink.accept(BLANK);
                }
                afterCr = b == '\r';
                continue;
            }
            afterCr = false;
            append(b);
        }
    }

    /** Emits the pending partial line, if any (the command exited). */
    public void flush() {
        if (length > 0) {
            emit(length);
        }
    }

    /** Bytes of the pending partial line. */
    public int pending() {
        return length;
    }

    private void append(byte b) {
        if (length == maxLineBytes) {
            emit(characterBoundary());
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
        }
        line[length++] = b;
    }

    /** The longest prefix of the full buffer that does not end inside a UTF-8 sequence. */
    private int characterBoundary() {
        int cut = length;
        int back = 0;
        while (back < 3 && cut > 0 && (line[cut - 1] & 0xC0) == 0x80) {
            cut--;
            back++;
        }
        if (cut > 0 && (line[cut - 1] & 0xC0) == 0xC0) {
            int lead = line[cut - 1] & 0xFF;
            int need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
            if (back >= need) {
                return length; // the sequence is complete
            }
            return cut - 1;
        }
        return length;
    }

    private void emit(int count) {
        String text = new String(line, 0, count, StandardCharsets.UTF_8);
        int rest = length - count;
        if (rest > 0) {
            System.arraycopy(line, count, line, 0, rest);
        }
        length = rest;
        sink.accept(text);
    }
}
