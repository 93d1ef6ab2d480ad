package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kernelgate.gateway.api.ApiHandler;
import dev.kernelgate.gateway.api.ChannelsHandler;
import dev.kernelgate.gateway.api.KernelSpecsHandler;
import dev.kernelgate.gateway.api.KernelsHandler;
import dev.kernelgate.gateway.api.SessionsHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI description served at {@code /api/swagger.yaml} and {@code /api/swagger.json}: one document in two
 * syntaxes, describing exactly the routes of {@link KernelGatewayRoutes}.
 *
 * <p>swagger.yaml is the one to edit; regenerate swagger.json from it with
 * {@code mvn -pl gateway test -Dtest=SwaggerSpecTest -Dkernelgate.swagger.write=true}.
 */
class SwaggerSpecTest {
    private static final String RESOURCES = "src/main/resources/dev/kernelgate/gateway/api/";
    private static final Pattern PARAM = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private static JsonNode yaml() throws IOException {
        return new YAMLMapper().readTree(resource("swagger.yaml"));
    }

    private static JsonNode json() throws IOException {
        return new ObjectMapper().readTree(resource("swagger.json"));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ApiHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    @Test
    void jsonAndYamlAreTheSameDocument() throws IOException {
        JsonNode fromYaml = yaml();
        if (Boolean.getBoolean("kernelgate.swagger.write")) {
            String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(fromYaml) + "\n";
            Files.writeString(Path.of(RESOURCES, "swagger.json"), text, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(fromYaml, json(), "swagger.json is not swagger.yaml: regenerate it (see this class's doc)");
    }

    @Test
    void anOpenApi3Document() throws IOException {
        JsonNode doc = yaml();
        assertEquals("3.0.3", doc.path("openapi").asText());
        assertFalse(doc.path("info").path("title").asText().isBlank());
        assertFalse(doc.path("info").path("version").asText().isBlank());
        assertTrue(doc.path("components").path("securitySchemes").has("tokenHeader"));
        assertTrue(doc.path("components").path("securitySchemes").has("tokenParam"));
    }

    /** {@code "GET /api/kernels/{}"} for every route of the table (WebSocket routes are GETs). */
    private static Set<String> routeTable() {
        GatewayConfig config = GatewaySettings.defaults();
        List<String> described = KernelGatewayRoutes.builder(config, new ApiHandler(),
                new KernelsHandler(config, null), new ChannelsHandler(null), new KernelSpecsHandler(null, null),
                new SessionsHandler(config, null)).build().describe();
        Set<String> out = new TreeSet<>();
        for (String line : described) {
            String[] parts = line.split(" ", 2);
            String method = parts[0].equals("WS") ? "GET" : parts[0];
            out.add(method + " " + PARAM.matcher(parts[1]).replaceAll("{}"));
        }
        return out;
    }

    private static Set<String> documented(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            for (Iterator<String> keys = doc.path("paths").path(path).fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (METHODS.contains(key)) {
                    out.add(key.toUpperCase(Locale.ROOT) + " " + PARAM.matcher(path).replaceAll("{}"));
                }
            }
        }
        return out;
    }

    @Test
    void exactlyTheRoutesOfTheRouteTable() throws IOException {
        Set<String> routes = routeTable();
        assertTrue(routes.size() >= 18, routes.toString());
        assertEquals(routes, documented(yaml()));
    }

    @Test
    void everyReferenceResolvesAndEveryPathParameterIsDeclared() throws IOException {
        JsonNode doc = yaml();
        List<String> problems = new ArrayList<>();
        checkRefs(doc, doc, "", problems);
        doc.path("paths").fields().forEachRemaining(path -> {
            Set<String> declared = new TreeSet<>();
            collectPathParams(doc, path.getValue().path("parameters"), declared);
            Matcher m = PARAM.matcher(path.getKey());
            List<String> inTemplate = new ArrayList<>();
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            path.getValue().fields().forEachRemaining(op -> {
                if (!METHODS.contains(op.getKey())) {
                    return;
                }
                Set<String> all = new TreeSet<>(declared);
                collectPathParams(doc, op.getValue().path("parameters"), all);
                if (!all.equals(new TreeSet<>(inTemplate))) {
                    problems.add(op.getKey() + " " + path.getKey() + " declares path parameters " + all);
                }
                JsonNode responses = op.getValue().path("responses");
                boolean success = false;
                for (Iterator<String> codes = responses.fieldNames(); codes.hasNext(); ) {
                    String code = codes.next();
                    success |= code.startsWith("2") || code.equals("101");
                }
                if (!success) {
                    problems.add(op.getKey() + " " + path.getKey() + " has no success response");
                }
                if (!op.getValue().hasNonNull("operationId") || !op.getValue().hasNonNull("summary")) {
                    problems.add(op.getKey() + " " + path.getKey() + " needs an operationId and a summary");
                }
            });
        });
        assertEquals(List.of(), problems);
    }

    private static void collectPathParams(JsonNode doc, JsonNode parameters, Set<String> into) {
        for (JsonNode p : parameters) {
            JsonNode param = p.has("$ref") ? resolve(doc, p.path("$ref").asText()) : p;
            if ("path".equals(param.path("in").asText())) {
                into.add(param.path("name").asText());
            }
        }
    }

    private static JsonNode resolve(JsonNode doc, String ref) {
        return ref.startsWith("#") ? doc.at(ref.substring(1)) : com.fasterxml.jackson.databind.node.MissingNode
                .getInstance();
    }

    private static void checkRefs(JsonNode doc, JsonNode node, String where, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && resolve(doc, ref.asText()).isMissingNode()) {
                problems.add(where + ": unresolved $ref " + ref.asText());
            }
            node.fields().forEachRemaining(e -> checkRefs(doc, e.getValue(), where + "/" + e.getKey(), problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkRefs(doc, node.get(i), where + "/" + i, problems);
            }
        }
    }

    @Test
    void theTokenSchemesMatchTheGatewaysAuth() throws IOException {
        JsonNode doc = yaml();
        JsonNode header = doc.path("components").path("securitySchemes").path("tokenHeader");
        assertEquals("Authorization", header.path("name").asText());
        assertEquals("header", header.path("in").asText());
        JsonNode query = doc.path("components").path("securitySchemes").path("tokenParam");
        assertEquals("token", query.path("name").asText());
        assertEquals("query", query.path("in").asText());
        // The two documents are served without a token, as upstream does.
        for (String path : List.of("/api/swagger.json", "/api/swagger.yaml")) {
            JsonNode security = doc.path("paths").path(path).path("get").path("security");
            assertTrue(security.isArray() && security.isEmpty(), path);
        }
    }
}
