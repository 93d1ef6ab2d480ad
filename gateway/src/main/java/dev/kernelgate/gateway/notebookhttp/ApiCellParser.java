package dev.kernelgate.gateway.notebookhttp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the annotations of upstream's default cell parser: a code cell that starts with
 * {@code <comment> VERB /path} is an endpoint, one that starts with {@code <comment> ResponseInfo VERB /path} sets
 * that endpoint's status and headers. Every other code cell seeds the kernels.
 */
public final class ApiCellParser {
    private static final String VERBS = "(GET|PUT|POST|DELETE)";
    /** Upstream's comment syntax per kernel language; {@code #} for every other. */
    private static final Map<String, String> COMMENT_PREFIXES = Map.of("scala", "//");

    private final Pattern api;
    private final Pattern response;

    public ApiCellParser(String commentPrefix) {
        String prefix = Pattern.quote(commentPrefix);
        this.api = Pattern.compile(prefix + "\\s+" + VERBS + "\\s+(/.*)");
        this.response = Pattern.compile(prefix + "\\s+ResponseInfo\\s+" + VERBS + "\\s+(/.*)");
    }

    /** The parser for a kernel language (the notebook's {@code language_info.name}, may be {@code null}). */
    public static ApiCellParser forLanguage(String language) {
        return new ApiCellParser(language == null ? "#" : COMMENT_PREFIXES.getOrDefault(language, "#"));
    }

    public boolean isApiCell(String source) {
        return api.matcher(source).lookingAt();
    }

    public boolean isResponseCell(String source) {
        return response.matcher(source).lookingAt();
    }

    /** Cells that run on each kernel before it serves: neither endpoints nor ResponseInfo cells. */
    public List<String> seedCells(List<String> cells) {
        return cells.stream().filter(c -> !isApiCell(c) && !isResponseCell(c)).toList();
    }

    /** {@code [verb, path]} of an endpoint cell, or {@code null}. */
    public String[] verbAndPath(String source) {
        return match(api, source);
    }

    /**
     * The endpoints in upstream's match order: paths whose first {@code :param} is deeper come first, static paths
     * before all; equal ones keep notebook order.
     */
    public List<Endpoint> endpoints(List<String> cells) {
        Map<String, Map<String, String>> sources = collect(api, cells);
        Map<String, Map<String, String>> responses = collect(response, cells);
        List<String> paths = new ArrayList<>(sources.keySet());
        paths.sort(Comparator.comparingInt(ApiCellParser::firstParamDepth).reversed());
        List<Endpoint> out = new ArrayList<>();
        for (String path : paths) {
            out.add(new Endpoint(path, sources.get(path), responses.getOrDefault(path, Map.of())));
        }
        return out;
    }

    private static Map<String, Map<String, String>> collect(Pattern pattern, List<String> cells) {
        Map<String, Map<String, String>> byPath = new LinkedHashMap<>();
        for (String cell : cells) {
            String[] verbPath = match(pattern, cell);
            if (verbPath != null) {
                byPath.computeIfAbsent(verbPath[1], p -> new LinkedHashMap<>())
                        .merge(verbPath[0], cell + "\n", String::concat);
            }
        }
        return byPath;
    }

    private static String[] match(Pattern pattern, String source) {
        Matcher m = pattern.matcher(source);
        return m.lookingAt() ? new String[] {m.group(1), m.group(2).strip()} : null;
    }

    /** How many segments precede the first {@code :} of the path; paths without one sort first. */
    static int firstParamDepth(String path) {
        int colon = path.indexOf(':');
        if (colon < 0) {
            return Integer.MAX_VALUE;
        }
        int slashes = 0;
        for (int i = 0; i < colon; i++) {
            if (path.charAt(i) == '/') {
                slashes++;
            }
        }
        return slashes - 1;
    }
}
