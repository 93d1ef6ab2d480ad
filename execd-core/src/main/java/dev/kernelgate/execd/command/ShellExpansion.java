package dev.kernelgate.execd.command;

import java.util.function.Function;

/**
 * {@code $NAME} / {@code ${NAME}} substitution with the exact semantics of Go's {@code os.Expand}, which upstream
 * execd uses for {@code EXECD_ENVS} values and paths: a name is a run of {@code [A-Za-z0-9_]}, or one of the
 * special characters {@code *#$@!?-} and digits; {@code ${}} and an unclosed {@code ${} are dropped; a
 * {@code $} followed by anything else (or nothing) stays as written.
 */
final class ShellExpansion {

    private ShellExpansion() {
    }

    static String expand(String text, Function<String, String> lookup) {
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        for (int j = 0; j < n; j++) {
            if (text.charAt(j) != '$' || j + 1 >= n) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() * 2);
            }
            out.append(text, copied, j);
            int start = j + 1;
            String name;
            int width;
            char first = text.charAt(start);
            if (first == '{') {
                if (n - start > 2 && isSpecial(text.charAt(start + 1)) && text.charAt(start + 2) == '}') {
                    name = text.substring(start + 1, start + 2);
                    width = 3;
                } else {
                    int close = text.indexOf('}', start + 1);
                    if (close < 0) {
                        name = "";
                        width = 1; // bad syntax: eat "${"
                    } else if (close == start + 1) {
                        name = "";
                        width = 2; // bad syntax: eat "${}"
                    } else {
                        name = text.substring(start + 1, close);
                        width = close - start + 1;
                    }
                }
            } else if (isSpecial(first)) {
                name = text.substring(start, start + 1);
                width = 1;
            } else {
                int k = start;
                while (k < n && isNameChar(text.charAt(k))) {
                    k++;
                }
                name = text.substring(start, k);
                width = k - start;
            }
            if (name.isEmpty() && width == 0) {
                out.append('$'); // "$" not followed by a name stays
            } else if (!name.isEmpty()) {
                String value = lookup.apply(name);
                if (value != null) {
                    out.append(value);
                }
            }
            j += width;
            copied = j + 1;
        }
        if (out == null) {
            return text;
        }
        out.append(text, Math.min(copied, n), n);
        return out.toString();
    }

    private static boolean isSpecial(char c) {
        return switch (c) {
            case '*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> true;
            default -> false;
        };
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
