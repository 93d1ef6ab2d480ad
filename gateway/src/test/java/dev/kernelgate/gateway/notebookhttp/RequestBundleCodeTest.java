package dev.kernelgate.gateway.notebookhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** What a client sends reaches the kernel as data: nothing in it is code to any kernel language's string syntax. */
class RequestBundleCodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOSTILE = "a@b.example $(id) ${x} #{raise} `id` @{[ die ]} \"q\" \\ end";

    @Test
    void interpolationCharactersAreEscapedAndTheValueSurvives() throws Exception {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("body", HOSTILE);
        bundle.putObject("headers").put("X-Mail@Host", HOSTILE);
        for (String language : new String[] {"python", "perl", "R"}) {
            String code = RequestBundle.code(bundle, language);
            String literal = code.substring(code.indexOf('"'));
            assertFalse(literal.contains("$") || literal.contains("@") || literal.contains("#")
                    || literal.contains("`"), language + ": " + literal);
            // The literal is a JSON string (ASCII, JSON escapes): its value is the bundle's JSON text.
            JsonNode inner = JSON.readTree(JSON.readTree(literal).asText());
            assertEquals(HOSTILE, inner.path("body").asText(), language);
            assertEquals(HOSTILE, inner.path("headers").path("X-Mail@Host").asText(), language);
        }
        assertTrue(RequestBundle.code(bundle, "perl").startsWith("my $REQUEST = \""));
    }
}
