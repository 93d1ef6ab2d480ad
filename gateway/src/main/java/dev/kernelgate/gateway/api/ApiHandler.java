package dev.kernelgate.gateway.api;

import dev.kernelgate.http.HttpError;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** {@code /api} (version) and the OpenAPI description of this API, {@code /api/swagger.json|yaml}. */
public final class ApiHandler {
    /**
     * The jupyter_server REST API version this gateway answers with on {@code /api}, as kernel_gateway 3 reports
     * its jupyter_server's; clients read it as the API level, not as our release.
     */
    public static final String API_VERSION = "2.14.2";

    private final byte[] swaggerJson = resource("swagger.json");
    private final byte[] swaggerYaml = resource("swagger.yaml");

    public Response version(Request request) {
        return Responses.json(200, Map.of("version", API_VERSION));
    }

    public Response swaggerJson(Request request) {
        return Responses.bytes(200, "application/json", swaggerJson);
    }

    public Response swaggerYaml(Request request) {
        return Responses.bytes(200, "text/x-yaml", swaggerYaml);
    }

    public Response notFound(Request request) {
        throw HttpError.notFound("");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
