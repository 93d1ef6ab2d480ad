package dev.kernelgate.execd.files;

import java.util.regex.Pattern;

/**
 * A doublestar glob matched against a base name (upstream's search): {@code *} and {@code **} (any run of
 * characters, as a base name has no separator), {@code ?} (one character), {@code [abc]}, {@code [a-z]},
 * {@code [!x]} / {@code [^x]}, {@code {a,b}} (nestable) and {@code \} escapes. Upstream's {@code !(...)}
 * extension is not supported ({@code !} is a literal).
 */
final class Glob {

    private final Pattern regex;

    private Glob(Pattern regex) {
        this.regex = regex;
    }

    /** @throws IllegalArgumentException for a malformed pattern (unclosed class or brace, trailing escape) */
    static Glob compile(String pattern) {
        StringBuilder re = new StringBuilder(pattern.length() * 2);
        int end = translate(pattern, 0, re, 0);
        if (end != pattern.length()) {
            throw new IllegalArgumentException("syntax error in pattern");
        }
        return new Glob(Pattern.compile(re.toString(), Pattern.DOTALL));
    }

    boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    /**
     * Translates from {@code i} until the end, or (inside braces, {@code depth > 0}) until an unescaped
     * {@code ,} or {@code }} at this depth; returns where it stopped.
     */
    private static int translate(String p, int i, StringBuilder re, int depth) {
        while (i < p.length()) {
            char c = p.charAt(i);
            switch (c) {
                case '*' -> {
                    while (i < p.length() && p.charAt(i) == '*') {
                        i++;
                    }
                    re.append("[^/]*");
                    continue;
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    i = charClass(p, i, re);
                    continue;
                }
                case '{' -> {
                    re.append("(?:");
                    i++;
                    while (true) {
                        i = translate(p, i, re, depth + 1);
                        if (i >= p.length()) {
                            throw new IllegalArgumentException("syntax error in pattern: unclosed '{'");
                        }
                        if (p.charAt(i) == ',') {
                            re.append('|');
                            i++;
                            continue;
                        }
                        break; // '}'
                    }
                    re.append(')');
                }
                case ',', '}' -> {
                    if (depth > 0) {
                        return i;
                    }
                    literal(c, re);
                }
                case '\\' -> {
                    if (i + 1 >= p.length()) {
                        throw new IllegalArgumentException("syntax error in pattern: trailing '\\'");
                    }
                    int cp = p.codePointAt(i + 1);
                    literal(cp, re);
                    i += 1 + Character.charCount(cp);
                    continue;
                }
                default -> {
                    int cp = p.codePointAt(i);
                    literal(cp, re);
                    i += Character.charCount(cp);
                    continue;
                }
            }
            i++;
        }
        return i;
    }

    private static int charClass(String p, int i, StringBuilder re) {
        int j = i + 1;
        boolean negate = j < p.length() && (p.charAt(j) == '!' || p.charAt(j) == '^');
        if (negate) {
            j++;
        }
        if (j >= p.length() || p.charAt(j) == ']') {
            throw new IllegalArgumentException("syntax error in pattern: empty or unclosed '['");
        }
        StringBuilder cls = new StringBuilder("[").append(negate ? "^/" : "");
        while (j < p.length() && p.charAt(j) != ']') {
            int cp = p.codePointAt(j);
            if (cp == '\\') {
                if (j + 1 >= p.length()) {
                    throw new IllegalArgumentException("syntax error in pattern: unclosed '['");
                }
                j++;
                cp = p.codePointAt(j);
            }
            j += Character.charCount(cp);
            if (j + 1 < p.length() && p.charAt(j) == '-' && p.charAt(j + 1) != ']') {
                j++;
                int hi = p.codePointAt(j);
                if (hi == '\\' && j + 1 < p.length()) {
                    j++;
                    hi = p.codePointAt(j);
                }
                j += Character.charCount(hi);
                if (hi >= cp) {
                    cls.append(hex(cp)).append('-').append(hex(hi));
                }
            } else {
                cls.append(hex(cp));
            }
        }
        if (j >= p.length()) {
            throw new IllegalArgumentException("syntax error in pattern: unclosed '['");
        }
        if (cls.length() == (negate ? 3 : 1)) {
            cls.append(negate ? "" : "\\x{0}&&[^\\x{0}]"); // only reversed ranges: matches nothing
        }
        re.append(cls).append(']');
        return j + 1;
    }

    private static void literal(int cp, StringBuilder re) {
        re.append(hex(cp));
    }

    private static String hex(int cp) {
        return "\\x{" + Integer.toHexString(cp) + "}";
    }
}
