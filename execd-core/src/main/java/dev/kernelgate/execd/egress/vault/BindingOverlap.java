package dev.kernelgate.execd.egress.vault;

import java.util.Collections;
import java.util.List;

/**
 * Whether two bindings could both match one request at the same precedence (upstream refuses such a pair at write
 * time): schemes, ports and methods share a value, some path patterns overlap, and an exact host is in both or two
 * wildcards overlap.
 */
final class BindingOverlap {
    private BindingOverlap() {
    }

    static boolean ambiguous(Match a, Match b) {
        if (Collections.disjoint(a.schemes(), b.schemes()) || Collections.disjoint(a.ports(), b.ports())
                || Collections.disjoint(a.methods(), b.methods()) || !pathsOverlap(a.paths(), b.paths())) {
            return false;
        }
        for (String x : a.hosts()) {
            for (String y : b.hosts()) {
                boolean wildX = x.startsWith("*.");
                if (wildX != y.startsWith("*.")) {
                    continue;
                }
                if (!wildX && x.equals(y) || wildX && wildcardsOverlap(x.substring(2), y.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean wildcardsOverlap(String a, String b) {
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    private static boolean pathsOverlap(List<String> a, List<String> b) {
        for (String x : a) {
            for (String y : b) {
                if (overlap(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean overlap(String a, String b) {
        if (a.equals(b) || Match.pathMatches(b, a) || Match.pathMatches(a, b)) {
            return true;
        }
        if (a.endsWith("*") && b.endsWith("*")) {
            String pa = a.substring(0, a.length() - 1);
            String pb = b.substring(0, b.length() - 1);
            return pa.startsWith(pb) || pb.startsWith(pa);
        }
        return false;
    }
}
