package dev.kernelgate.runtime.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each dotted key of a TOML text is defined. Jackson's TOML reader builds a tree without positions, so this
 * small scan over the lines (table headers, {@code key =} lines, skipping the inside of multi-line arrays, inline
 * tables and strings) lets errors name the line. It only has to be right for well-formed TOML: the text has
 * already been parsed when it is used.
 */
final class TomlKeyLines {
    private final Map<String, Integer> lines;

    private TomlKeyLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    static TomlKeyLines index(String text) {
        Map<String, Integer> out = new HashMap<>();
        String table = "";
        int depth = 0;
        boolean inMultiString = false;
        String[] all = text.split("\r?\n", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i];
            int number = i + 1;
            if (inMultiString) {
                inMultiString = !closesMultiString(line);
                continue;
            }
            String code = stripComment(line).trim();
            if (code.isEmpty()) {
                continue;
            }
            if (depth > 0) {
                depth += nesting(code);
                continue;
            }
            if (code.startsWith("[")) {
                String name = code.startsWith("[[") ? between(code, "[[", "]]") : between(code, "[", "]");
                table = unquote(name);
                out.putIfAbsent(table, number);
                continue;
            }
            int eq = code.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = unquote(code.substring(0, eq));
            String full = table.isEmpty() ? key : table + "." + key;
            out.putIfAbsent(full, number);
            String value = code.substring(eq + 1).trim();
            if (value.startsWith("\"\"\"") || value.startsWith("'''")) {
                inMultiString = !closesMultiString(value.substring(3));
                continue;
            }
            depth = Math.max(0, nesting(value));
        }
        return new TomlKeyLines(out);
    }

    /** The line of {@code dottedKey}, else of its nearest enclosing table, else 0. */
    int lineOf(String dottedKey) {
        String key = dottedKey;
        while (true) {
            Integer line = lines.get(key);
            if (line != null) {
                return line;
            }
            int dot = key.lastIndexOf('.');
            if (dot < 0) {
                return 0;
            }
            key = key.substring(0, dot);
        }
    }

    private static boolean closesMultiString(String line) {
        return line.contains("\"\"\"") || line.contains("'''");
    }

    /** Net count of opened minus closed brackets and braces outside strings. */
    private static int nesting(String value) {
        String code = blankStrings(value);
        int depth = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            depth += c == '[' || c == '{' ? 1 : c == ']' || c == '}' ? -1 : 0;
        }
        return depth;
    }

    private static String stripComment(String line) {
        int hash = blankStrings(line).indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    /** {@code text} with the inside of every quoted string blanked out, same length, so positions still match. */
    private static String blankStrings(String text) {
        StringBuilder out = new StringBuilder(text);
        char quote = 0;
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"' && i + 1 < out.length()) {
                    out.setCharAt(i++, ' ');
                    out.setCharAt(i, ' ');
                } else if (c == quote) {
                    quote = 0;
                } else {
                    out.setCharAt(i, ' ');
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            }
        }
        return out.toString();
    }

    private static String between(String s, String open, String close) {
        int end = s.indexOf(close, open.length());
        return end < 0 ? s.substring(open.length()) : s.substring(open.length(), end);
    }

    /** {@code a . "b.c"} → {@code a.b.c}-style dotted name with quotes and spaces removed. */
    private static String unquote(String key) {
        StringBuilder b = new StringBuilder();
        for (String part : key.trim().split("\\s*\\.\\s*(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            String p = part.trim();
            if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"") || p.startsWith("'") && p.endsWith("'"))) {
                p = p.substring(1, p.length() - 1);
            }
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(p);
        }
        return b.toString();
    }
}
