package dev.kernelgate.gateway.notebookhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The annotation rules of upstream's default cell parser. */
class ApiCellParserTest {
    private final ApiCellParser python = ApiCellParser.forLanguage("python");

    @Test
    void anAnnotationMustOpenTheCell() {
        assertTrue(python.isApiCell("# GET /hello\nprint(1)"));
        assertTrue(python.isApiCell("#   POST   /a/:b"));
        assertFalse(python.isApiCell("x = 1\n# GET /hello"));
        assertFalse(python.isApiCell("# PATCH /hello"));
        assertFalse(python.isApiCell("# GET hello"));
        assertTrue(python.isResponseCell("# ResponseInfo GET /hello"));
        assertFalse(python.isApiCell("# ResponseInfo GET /hello"));
    }

    @Test
    void theCommentPrefixFollowsTheLanguage() {
        ApiCellParser scala = ApiCellParser.forLanguage("scala");
        assertTrue(scala.isApiCell("// GET /hello"));
        assertFalse(scala.isApiCell("# GET /hello"));
        assertTrue(ApiCellParser.forLanguage("R").isApiCell("# GET /hello"));
        assertTrue(ApiCellParser.forLanguage(null).isApiCell("# GET /hello"));
    }

    @Test
    void seedCellsAreTheOthers() {
        assertEquals(List.of("import json", "x = 1"), python.seedCells(List.of("import json",
                "# GET /a\nprint(1)", "# ResponseInfo GET /a\nprint('{}')", "x = 1")));
    }

    @Test
    void cellsOfOneVerbAndPathAreJoinedAndDeeperParametersSortFirst() {
        List<Endpoint> endpoints = python.endpoints(List.of(
                "# GET /a/:x\nfirst", "# GET /a/c/:y\nsecond", "# GET /a/:x/d/:z\nsame depth", "# GET /a/b\nthird", "# GET /a/:x\nagain",
                "# POST /a/:x\npost", "# ResponseInfo GET /a/:x\ninfo"));
        // Static paths first, then by the depth of the first parameter; equal depths keep notebook order.
        assertEquals(List.of("/a/b", "/a/c/:y", "/a/:x", "/a/:x/d/:z"),
                endpoints.stream().map(Endpoint::path).toList());
        Endpoint ax = endpoints.get(2);
        assertEquals(Map.of("GET", "# GET /a/:x\nfirst\n# GET /a/:x\nagain\n", "POST", "# POST /a/:x\npost\n"),
                ax.sources());
        assertEquals(Map.of("GET", "# ResponseInfo GET /a/:x\ninfo\n"), ax.responseSources());
        assertEquals("/a/{x:[^/]+}/d/{z:[^/]+}", endpoints.get(3).routeTemplate());
    }

    @Test
    void aParameterMustBeAName() {
        Endpoint bad = python.endpoints(List.of("# GET /a/:1x\n")).get(0);
        assertThrows(IllegalArgumentException.class, bad::routeTemplate);
    }

    @Test
    void requestHeaderNamesAreSpelledAsTornadoSpellsThem() {
        assertEquals("Content-Type", RequestBundle.tornadoName("content-TYPE"));
        assertEquals("X-Api-Key", RequestBundle.tornadoName("X-API-KEY"));
    }
}
