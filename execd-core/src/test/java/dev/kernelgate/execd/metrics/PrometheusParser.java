package dev.kernelgate.execd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4 for tests: HELP and TYPE once per family and before its
 * samples, samples of a family contiguous, valid names, labels and values, no duplicate series, and the lint
 * rules promtool applies to names (counters end in _total, nothing else does, no _count/_sum outside summaries).
 */
final class PrometheusParser {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
                    + "(NaN|[+-]Inf|[+-]?[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)");

    record Exposition(Map<String, String> types, Map<String, Double> samples) {
        double value(String name, String labels) {
            Double v = samples.get(name + labels);
            assertNotNull(v, "no sample " + name + labels + " in " + samples.keySet());
            return v;
        }

        String type(String family) {
            return types.get(family);
        }

        Set<String> families() {
            return types.keySet();
        }
    }

    private PrometheusParser() {
    }

    static Exposition parse(String text) {
        assertTrue(text.endsWith("\n"), "ends with a newline");
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new HashMap<>();
        Set<String> closed = new LinkedHashSet<>();
        String current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] f = line.split(" ", 4);
                assertTrue(NAME.matcher(f[2]).matches(), line);
                assertTrue(f.length == 4 && !f[3].isBlank(), "help text: " + line);
                assertTrue(helped.add(f[2]), "one HELP per family: " + line);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] f = line.split(" ");
                assertEquals(4, f.length, line);
                assertTrue(Set.of("counter", "gauge", "summary", "histogram", "untyped").contains(f[3]), line);
                assertFalse(types.containsKey(f[2]), "one TYPE per family: " + line);
                assertFalse(samples.keySet().stream().anyMatch(k -> k.startsWith(f[2] + "{") || k.equals(f[2])),
                        "TYPE before samples: " + line);
                types.put(f[2], f[3]);
                lint(f[2], f[3]);
                continue;
            }
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("not a sample line: " + line);
            }
            String name = m.group(1);
            String family = familyOf(name, types);
            assertNotNull(family, "sample without TYPE: " + line);
            assertTrue(helped.contains(family), "sample without HELP: " + line);
            if (!family.equals(current)) {
                assertFalse(closed.contains(family), "samples of " + family + " are not contiguous");
                if (current != null) {
                    closed.add(current);
                }
                current = family;
            }
            String key = name + (m.group(2) == null ? "" : m.group(2));
            assertFalse(samples.containsKey(key), "duplicate series " + key);
            String v = m.group(3);
            samples.put(key, v.equals("NaN") ? Double.NaN : v.endsWith("Inf")
                    ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.parseDouble(v));
        }
        return new Exposition(types, samples);
    }

    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : new String[] {"_count", "_sum", "_bucket"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String t = types.get(base);
                if ("summary".equals(t) || "histogram".equals(t)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static void lint(String name, String type) {
        assertFalse(name.contains(":"), "no colons: " + name);
        assertEquals(name.toLowerCase(), name, "snake_case: " + name);
        if (type.equals("counter")) {
            assertTrue(name.endsWith("_total"), "counter ends in _total: " + name);
        } else {
            assertFalse(name.endsWith("_total"), "non-counter without _total: " + name);
        }
        if (!type.equals("summary") && !type.equals("histogram")) {
            for (String reserved : new String[] {"_count", "_sum", "_bucket"}) {
                assertFalse(name.endsWith(reserved), "reserved suffix " + reserved + ": " + name);
            }
        }
        for (String unit : new String[] {"_milliseconds", "_kilobytes", "_megabytes", "_mib", "_ms", "_percent"}) {
            assertFalse(name.contains(unit), "base units: " + name);
        }
    }
}
