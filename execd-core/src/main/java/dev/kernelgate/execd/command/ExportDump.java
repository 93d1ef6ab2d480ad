package dev.kernelgate.execd.command;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads bash's {@code export -p} output back into variables: {@code declare -x NAME="value"} (backslash escapes
 * {@code \" \\ \$ \`}), {@code declare -x NAME=$'...'} (ANSI-C quoting, which bash 5.2 uses for control and
 * non-ASCII bytes), plain {@code 'single'} or unquoted values, values spanning lines (older bash), extra attribute
 * flags ({@code declare -rx}), and the POSIX-mode form {@code export NAME="value"}. Exported-but-unset names
 * ({@code declare -x NAME}) are skipped. Values are bytes decoded as UTF-8.
 *
 * <p>Not carried between session runs, as upstream: {@code PS1}-{@code PS4}, {@code PROMPT_COMMAND}, values over
 * 8 KiB; also {@code SHLVL}, which bash bumps on every start.
 */
final class ExportDump {

    static final int MAX_VALUE_BYTES = 8 * 1024;
    static final Set<String> NOT_PERSISTED = Set.of("PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND", "SHLVL");

    private final byte[] in;
    private int pos;

    private ExportDump(byte[] in, int offset) {
        this.in = in;
        this.pos = offset;
    }

    /** The variables in {@code dump[offset..]}. */
    static Map<String, String> parse(byte[] dump, int offset) {
        return new ExportDump(dump, offset).entries();
    }

    static boolean isValidName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private Map<String, String> entries() {
        Map<String, String> env = new LinkedHashMap<>();
        while (true) {
            skipWhitespace();
            if (pos >= in.length) {
                return env;
            }
            if (!readDeclarationPrefix()) {
                skipLine();
                continue;
            }
            int nameStart = pos;
            while (pos < in.length && in[pos] != '=' && !isSpace(in[pos])) {
                pos++;
            }
            String name = new String(in, nameStart, pos - nameStart, StandardCharsets.ISO_8859_1);
            if (pos >= in.length || in[pos] != '=') {
                continue; // exported but unset
            }
            pos++;
            byte[] value = readValue();
            if (isValidName(name) && !NOT_PERSISTED.contains(name) && value.length <= MAX_VALUE_BYTES) {
                env.put(name, new String(value, StandardCharsets.UTF_8));
            }
        }
    }

    /** Consumes {@code declare -<flags> } or {@code export }; false (nothing consumed) for anything else. */
    private boolean readDeclarationPrefix() {
        if (startsWith("declare -")) {
            int p = pos + "declare -".length();
            while (p < in.length && in[p] != ' ' && in[p] != '\n') {
                p++;
            }
            if (p < in.length && in[p] == ' ') {
                pos = p + 1;
                return true;
            }
            return false;
        }
        if (startsWith("export ")) {
            pos += "export ".length();
            return true;
        }
        return false;
    }

    private byte[] readValue() {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        while (pos < in.length && !isSpace(in[pos])) {
            byte b = in[pos];
            if (b == '"') {
                pos++;
                readDoubleQuoted(value);
            } else if (b == '$' && pos + 1 < in.length && in[pos + 1] == '\'') {
                pos += 2;
                readAnsiC(value);
            } else if (b == '\'') {
                pos++;
                while (pos < in.length && in[pos] != '\'') {
                    value.write(in[pos++]);
                }
                pos++;
            } else if (b == '\\' && pos + 1 < in.length) {
                value.write(in[pos + 1]);
                pos += 2;
            } else {
                value.write(b);
                pos++;
            }
        }
        return value.toByteArray();
    }

    private void readDoubleQuoted(ByteArrayOutputStream value) {
        while (pos < in.length) {
            byte b = in[pos++];
            if (b == '"') {
                return;
            }
            if (b == '\\' && pos < in.length) {
                byte next = in[pos];
                if (next == '"' || next == '\\' || next == '$' || next == '`') {
                    value.write(next);
                    pos++;
                    continue;
                }
                if (next == '\n') {
                    pos++;
                    continue;
                }
            }
            value.write(b);
        }
    }

    private void readAnsiC(ByteArrayOutputStream value) {
        while (pos < in.length) {
            byte b = in[pos++];
            if (b == '\'') {
                return;
            }
            if (b != '\\' || pos >= in.length) {
                value.write(b);
                continue;
            }
            byte e = in[pos++];
            switch (e) {
                case 'a' -> value.write(7);
                case 'b' -> value.write(8);
                case 'e', 'E' -> value.write(27);
                case 'f' -> value.write(12);
                case 'n' -> value.write('\n');
                case 'r' -> value.write('\r');
                case 't' -> value.write('\t');
                case 'v' -> value.write(11);
                case '\\', '\'', '"', '?' -> value.write(e);
                case 'c' -> {
                    if (pos < in.length) {
                        value.write(in[pos++] & 0x1F);
                    }
                }
                case 'x' -> value.write(number(16, 2, 0));
                case 'u' -> writeCodePoint(value, number(16, 4, 0));
                case 'U' -> writeCodePoint(value, number(16, 8, 0));
                default -> {
                    if (e >= '0' && e <= '7') {
                        value.write(number(8, 3, e - '0') & 0xFF);
                    } else {
                        value.write('\\');
                        value.write(e);
                    }
                }
            }
        }
    }

    /** Reads up to {@code maxDigits} more digits in {@code radix} ({@code first} already read for octal). */
    private int number(int radix, int maxDigits, int first) {
        int result = first;
        int digits = radix == 8 ? 1 : 0;
        while (digits < maxDigits && pos < in.length && Character.digit(in[pos], radix) >= 0) {
            result = result * radix + Character.digit(in[pos], radix);
            pos++;
            digits++;
        }
        return result;
    }

    private static void writeCodePoint(ByteArrayOutputStream value, int codePoint) {
        if (Character.isValidCodePoint(codePoint)) {
            value.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
        }
    }

    private boolean startsWith(String prefix) {
        if (pos + prefix.length() > in.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (in[pos + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void skipWhitespace() {
        while (pos < in.length && isSpace(in[pos])) {
            pos++;
        }
    }

    private void skipLine() {
        while (pos < in.length && in[pos] != '\n') {
            pos++;
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }
}
