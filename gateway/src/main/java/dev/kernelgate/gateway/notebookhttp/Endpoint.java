package dev.kernelgate.gateway.notebookhttp;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One annotated path of the notebook, e.g. {@code /hello/:name}, with the code each verb runs and the code of its
 * {@code ResponseInfo} cells (several cells of one verb are joined in notebook order, each with a newline).
 */
public record Endpoint(String path, Map<String, String> sources, Map<String, String> responseSources) {
    private static final Pattern PARAM = Pattern.compile(":([^/\\s]*)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public Endpoint {
        sources = Map.copyOf(sources);
        responseSources = Map.copyOf(responseSources);
    }

    /** The route template: each {@code :name} segment part becomes a parameter that matches up to the next slash. */
    public String routeTemplate() {
        Matcher m = PARAM.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("endpoint " + path + ": ':" + name + "' is not a parameter name "
                        + "(letters, digits and _, not starting with a digit)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement("{" + name + ":[^/]+}"));
        }
        m.appendTail(out);
        return out.toString();
    }
}
