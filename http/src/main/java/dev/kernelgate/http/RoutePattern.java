package dev.kernelgate.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path template compiled to one regex. {@code {name}} matches one segment, {@code {name:regex}} the
 * given regex (which may span segments, e.g. {@code {path:.*}}). Matching runs on the raw
 * (percent-encoded) path, as Tornado does, so {@code [\w.%-]+} style patterns work; values are decoded after.
 */
final class RoutePattern {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String template;
    private final Pattern regex;
    private final List<String> names;

    private RoutePattern(String template, Pattern regex, List<String> names) {
        this.template = template;
        this.regex = regex;
        this.names = names;
    }

    /** @param prefix normalized base path ({@code ""} or {@code "/base"}) */
    static RoutePattern compile(String prefix, String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route must start with '/': " + template);
        }
        StringBuilder re = new StringBuilder("^");
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder(prefix);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int end = closingBrace(template, i);
            appendLiteral(re, literal);
            String inner = template.substring(i + 1, end);
            int colon = inner.indexOf(':');
            String name = colon < 0 ? inner : inner.substring(0, colon);
            String paramRegex = colon < 0 ? "[^/]+" : inner.substring(colon + 1);
            if (!NAME.matcher(name).matches() || names.contains(name) || paramRegex.isEmpty()) {
                throw new IllegalArgumentException("bad parameter '" + inner + "' in " + template);
            }
            // Named groups keep our numbering independent of groups inside the user's regex.
            re.append("(?<p").append(names.size()).append('>').append(paramRegex).append(')');
            names.add(name);
            i = end + 1;
        }
        appendLiteral(re, literal);
        re.append('$');
        return new RoutePattern(prefix + template, Pattern.compile(re.toString()), List.copyOf(names));
    }

    private static int closingBrace(String template, int open) {
        int depth = 0;
        for (int j = open; j < template.length(); j++) {
            char c = template.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("unclosed '{' in " + template);
    }

    private static void appendLiteral(StringBuilder re, StringBuilder literal) {
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }

    /** Decoded parameters, or {@code null} when the path does not match. */
    Map<String, String> match(String rawPath) {
        Matcher m = regex.matcher(rawPath);
        if (!m.matches()) {
            return null;
        }
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String value = m.group("p" + i);
            params.put(names.get(i), value == null ? "" : PathCodec.decode(value));
        }
        return params;
    }

    String template() {
        return template;
    }

    @Override
    public String toString() {
        return template;
    }
}
