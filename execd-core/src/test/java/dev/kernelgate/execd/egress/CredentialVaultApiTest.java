package dev.kernelgate.execd.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.execd.egress.vault.CredentialVault;
import dev.kernelgate.http.HttpServer;
import dev.kernelgate.http.HttpServerConfig;
import dev.kernelgate.http.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /credential-vault} routes over real HTTP on loopback, as the sidecar serves them (no proxy, no iptables:
 * those are proved in the runtime's docker test): upstream's paths, status codes and plain-text errors.
 */
class CredentialVaultApiTest {
    private static final String TOKEN = "vault-api-token";
    private static final String SECRET = "the-real-secret-9";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService blocking = Executors.newFixedThreadPool(2);
    private RunningServer enabled;
    private RunningServer disabled;

    @BeforeEach
    void start() throws Exception {
        EgressPolicy policy = EgressPolicy.parse(JSON.readTree("{\"defaultAction\":\"deny\",\"egress\":[{\"action\":"
                + "\"allow\",\"target\":\"echo.vault.test\"}]}"));
        PolicyState state = new PolicyState(policy, PolicyEnforcer.DNS_ONLY);
        CredentialVault vault = new CredentialVault(Set.of(80), state::current);
        PolicyHandler handler = new PolicyHandler(state, "dns", 0, vault::checkPolicy);
        enabled = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), EgressRoutes.build(TOKEN, handler,
                new VaultHandler(vault, true, true)), blocking).start();
        disabled = new HttpServer(HttpServerConfig.of("127.0.0.1", 0), EgressRoutes.build(TOKEN, handler,
                new VaultHandler(new CredentialVault(Set.of(80), state::current), false, true)), blocking).start();
    }

    @AfterEach
    void stop() {
        enabled.close();
        disabled.close();
        blocking.shutdownNow();
    }

    private HttpResponse<String> call(RunningServer server, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.address().getPort() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header(EgressRoutes.TOKEN_HEADER, token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theVaultApiAnswersAsUpstreamAndNeverReturnsASecret() throws Exception {
        String create = "{\"credentials\":[{\"name\":\"tok\",\"source\":{\"type\":\"inline\",\"value\":\"" + SECRET
                + "\"}}],\"bindings\":[{\"name\":\"echo\",\"match\":{\"schemes\":[\"http\"],\"ports\":[80],"
                + "\"hosts\":[\"echo.vault.test\"],\"methods\":[\"GET\"],\"paths\":[\"/bearer\"]},"
                + "\"auth\":{\"type\":\"bearer\",\"credential\":\"tok\"}}]}";
        assertEquals(401, call(enabled, "POST", "/credential-vault", create, null).statusCode());
        assertEquals(401, call(enabled, "GET", "/credential-vault/credentials", null, "wrong").statusCode());
        assertEquals(404, call(enabled, "GET", "/credential-vault", null, TOKEN).statusCode());
        HttpResponse<String> created = call(enabled, "POST", "/credential-vault", create, TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(409, call(enabled, "POST", "/credential-vault", create, TOKEN).statusCode());

        for (String path : new String[] {"", "/credentials", "/credentials/tok", "/bindings", "/bindings/echo"}) {
            HttpResponse<String> read = call(enabled, "GET", "/credential-vault" + path, null, TOKEN);
            assertEquals(200, read.statusCode(), path + ": " + read.body());
            assertFalse(read.body().contains(SECRET), read.body());
        }
        JsonNode list = JSON.readTree(call(enabled, "GET", "/credential-vault/bindings", null, TOKEN).body());
        assertEquals(1, list.path("revision").asLong());
        assertEquals("bearer", list.path("bindings").get(0).path("auth").path("type").asText());
        assertEquals(404, call(enabled, "GET", "/credential-vault/bindings/none", null, TOKEN).statusCode());
        assertEquals(403, call(enabled, "GET", "/credential-vault/_active", null, null).statusCode());
        assertEquals(403, call(enabled, "GET", "/credential-vault/_active", null, TOKEN).statusCode());
        assertEquals(405, call(enabled, "POST", "/credential-vault/bindings", "{}", TOKEN).statusCode());

        // The policy cannot drop the allow rule a binding needs while the binding exists.
        HttpResponse<String> uncovered = call(enabled, "DELETE", "/policy", "[\"echo.vault.test\"]", TOKEN);
        assertEquals(400, uncovered.statusCode());
        assertTrue(uncovered.body().startsWith("credential vault policy validation: credential bindings require "
                + "explicit networkPolicy.egress allow rules"), uncovered.body());
        HttpResponse<String> denied = call(enabled, "PATCH", "/policy", "[{\"action\":\"deny\",\"target\":"
                + "\"echo.vault.test\"}]", TOKEN);
        assertEquals(400, denied.statusCode());
        assertTrue(denied.body().contains("binding \"echo\" host \"echo.vault.test\" is not covered"), denied.body());
        assertTrue(call(enabled, "GET", "/policy", null, TOKEN).body().contains("echo.vault.test"));

        HttpResponse<String> stale = call(enabled, "PATCH", "/credential-vault", "{\"expectedRevision\":7}", TOKEN);
        assertEquals(409, stale.statusCode());
        assertTrue(stale.body().contains("expectedRevision 7 does not match current revision 1"), stale.body());
        HttpResponse<String> malformed = call(enabled, "PATCH", "/credential-vault", "{\"credentials\":", TOKEN);
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().startsWith("invalid credential vault mutation request: malformed JSON"),
                malformed.body());
        HttpResponse<String> badType = call(enabled, "PATCH", "/credential-vault", "{\"bindings\":{\"replace\":["
                + "{\"name\":\"echo\",\"match\":{\"hosts\":[\"echo.vault.test\"]},\"auth\":{\"type\":\"token\"}}]}}",
                TOKEN);
        assertEquals(400, badType.statusCode());
        assertTrue(badType.body().contains("unsupported auth type \"token\""), badType.body());
        HttpResponse<String> patched = call(enabled, "PATCH", "/credential-vault", "{\"expectedRevision\":1,"
                + "\"credentials\":{\"replace\":[{\"name\":\"tok\",\"source\":{\"value\":\"" + SECRET + "-2\"}}]}}",
                TOKEN);
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals(2, JSON.readTree(patched.body()).path("revision").asLong());
        assertFalse(patched.body().contains(SECRET), patched.body());

        assertEquals(204, call(enabled, "DELETE", "/credential-vault", null, TOKEN).statusCode());
        assertEquals(404, call(enabled, "DELETE", "/credential-vault", null, TOKEN).statusCode());
        assertEquals(200, call(enabled, "DELETE", "/policy", "[\"echo.vault.test\"]", TOKEN).statusCode());
        assertEquals(200, call(enabled, "GET", "/policy", null, TOKEN).statusCode(), "the policy API still serves");
    }

    @Test
    void aSidecarWithoutTheVaultRefusesWritesWith412() throws Exception {
        HttpResponse<String> refused = call(disabled, "POST", "/credential-vault", "{}", TOKEN);
        assertEquals(412, refused.statusCode());
        assertTrue(refused.body().contains("credentialProxy.enabled"), refused.body());
        assertEquals(404, call(disabled, "GET", "/credential-vault", null, TOKEN).statusCode());
    }
}
