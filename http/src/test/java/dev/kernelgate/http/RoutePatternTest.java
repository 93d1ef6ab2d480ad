package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutePatternTest {

    private static final String KERNEL_ID = "{id:\\w+-\\w+-\\w+-\\w+-\\w+}";

    @Test
    void literalMatchesExactly() {
        RoutePattern p = RoutePattern.compile("", "/api/kernels");
        assertEquals(Map.of(), p.match("/api/kernels"));
        assertNull(p.match("/api/kernels/"));
        assertNull(p.match("/api/kernelsX"));
    }

    @Test
    void plainParameterIsOneSegment() {
        RoutePattern p = RoutePattern.compile("", "/api/kernelspecs/{name}");
        assertEquals(Map.of("name", "python3"), p.match("/api/kernelspecs/python3"));
        assertNull(p.match("/api/kernelspecs/a/b"));
        assertNull(p.match("/api/kernelspecs/"));
    }

    @Test
    void regexParameterRestrictsTheMatch() {
        RoutePattern p = RoutePattern.compile("", "/api/kernels/" + KERNEL_ID + "/{action:restart|interrupt}");
        assertEquals(Map.of("id", "e976f6a2-a6f8-4140-8797-5c64aac32cf9", "action", "restart"),
                p.match("/api/kernels/e976f6a2-a6f8-4140-8797-5c64aac32cf9/restart"));
        assertNull(p.match("/api/kernels/not-a-uuid/restart"));
        assertNull(p.match("/api/kernels/e976f6a2-a6f8-4140-8797-5c64aac32cf9/kill"));
    }

    @Test
    void regexWithQuantifierBracesAndGroups() {
        RoutePattern p = RoutePattern.compile("", "/x/{hex:[0-9a-f]{4}}/{rest:(a|b)+}");
        assertEquals(Map.of("hex", "beef", "rest", "abba"), p.match("/x/beef/abba"));
        assertNull(p.match("/x/beefy/abba"));
    }

    @Test
    void tailParameterSpansSegments() {
        RoutePattern p = RoutePattern.compile("", "/kernelspecs/{name}/{path:.*}");
        assertEquals(Map.of("name", "python3", "path", "img/logo-64x64.png"),
                p.match("/kernelspecs/python3/img/logo-64x64.png"));
        assertEquals(Map.of("name", "python3", "path", ""), p.match("/kernelspecs/python3/"));
    }

    @Test
    void valuesArePercentDecodedButPlusStaysPlus() {
        RoutePattern p = RoutePattern.compile("", "/api/kernelspecs/{name:[\\w.%+-]+}");
        assertEquals(Map.of("name", "my kernel+1"), p.match("/api/kernelspecs/my%20kernel+1"));
        assertEquals(Map.of("name", "caf\u00e9"), p.match("/api/kernelspecs/caf%C3%A9"));
    }

    @Test
    void basePathPrefixesTheTemplate() {
        RoutePattern p = RoutePattern.compile(Routes.normalizeBase("/base/"), "/api");
        assertEquals(Map.of(), p.match("/base/api"));
        assertNull(p.match("/api"));
        assertEquals("", Routes.normalizeBase("/"));
        assertEquals("/a/b", Routes.normalizeBase("a/b/"));
    }

    @Test
    void literalTextIsNotRegex() {
        RoutePattern p = RoutePattern.compile("", "/api/swagger.json");
        assertNull(p.match("/api/swaggerXjson"));
    }

    @Test
    void badTemplatesFailFast() {
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.compile("", "api"));
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.compile("", "/a/{id"));
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.compile("", "/a/{id}/{id}"));
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.compile("", "/a/{9x}"));
    }
}
