package dev.kernelgate.http;

import java.util.Map;
import java.util.Set;

/** Where the route table sends a request line: a route, a 405, or nowhere. */
sealed interface Resolution {

    record Found(Route route, Map<String, String> params) implements Resolution {
    }

    /** @param authExempt whether every route on this path is exempt (then so is the 405) */
    record MethodNotAllowed(Set<String> allowed, boolean authExempt) implements Resolution {
    }

    record NotFound() implements Resolution {
    }
}
