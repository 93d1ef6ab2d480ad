package dev.kernelgate.execd.egress.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;

/** A request that matched a binding gets its secret only when it is plainly for the bound host and path. */
class InjectionGuardTest {

    private static HttpRequest get(HttpMethod method, String uri, String... hosts) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (String host : hosts) {
            request.headers().add(HttpHeaderNames.HOST, host);
        }
        return request;
    }

    private static HttpResponseStatus refused(HttpRequest request, String tlsHost) {
        InjectionGuard.Refusal refusal = InjectionGuard.check(request, RequestRelay.host(request), tlsHost);
        return refusal == null ? null : refusal.status();
    }

    @Test
    void anOrdinaryRequestPasses() {
        assertNull(refused(get(HttpMethod.GET, "/v1/items?x=1", "api.example"), null));
        assertNull(refused(get(HttpMethod.POST, "/v1/items", "API.example:443"), "api.example"));
        assertNull(refused(get(HttpMethod.GET, "http://api.example/v1", "api.example"), null));
    }

    @Test
    void traceAndConnectNeverCarryASecret() {
        assertEquals(HttpResponseStatus.FORBIDDEN, refused(get(HttpMethod.TRACE, "/v1", "api.example"), null));
        assertEquals(HttpResponseStatus.FORBIDDEN, refused(get(HttpMethod.CONNECT, "api.example:443",
                "api.example"), null));
    }

    @Test
    void theHostMustBeOneAndTheSameEverywhere() {
        assertEquals(HttpResponseStatus.BAD_REQUEST, refused(get(HttpMethod.GET, "/v1", "api.example",
                "evil.example"), null));
        assertEquals(HttpResponseStatus.BAD_REQUEST, refused(get(HttpMethod.GET, "http://evil.example/v1",
                "api.example"), null));
        // Over intercepted TLS the Host header must name the server the TLS was for (421, as RFC 9110 says).
        assertEquals(HttpResponseStatus.MISDIRECTED_REQUEST, refused(get(HttpMethod.GET, "/v1", "api.example"),
                "hooks.example"));
    }

    @Test
    void ambiguousBodyFramingIsRefused() {
        HttpRequest twoCodings = get(HttpMethod.POST, "/v1", "api.example");
        twoCodings.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked, identity");
        assertEquals(HttpResponseStatus.BAD_REQUEST, refused(twoCodings, null));
        HttpRequest both = get(HttpMethod.POST, "/v1", "api.example");
        both.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked").set(HttpHeaderNames.CONTENT_LENGTH, "5");
        assertEquals(HttpResponseStatus.BAD_REQUEST, refused(both, null));
        HttpRequest chunked = get(HttpMethod.POST, "/v1", "api.example");
        chunked.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "Chunked");
        assertNull(refused(chunked, null));
    }

    @Test
    void pathsThatAreNotInNormalFormAreRefused() {
        for (String path : new String[] {"/v1/../admin", "/v1/./x", "/v1/%2e%2e/admin", "/v1/%2F..", "/v1\\..\\x",
                "/v1/%5c", "/.."}) {
            assertEquals(HttpResponseStatus.FORBIDDEN, refused(get(HttpMethod.GET, path, "api.example"), null), path);
        }
        assertTrue(InjectionGuard.normalPath("/v1/a.b/c..d?q=../x"));
        assertFalse(InjectionGuard.normalPath("/v1/.."));
    }

    @Test
    void addressesOfThisNetworkNamespaceAreLocal() throws Exception {
        assertTrue(InjectionGuard.local(InetAddress.getByName("127.0.0.1")));
        assertTrue(InjectionGuard.local(InetAddress.getByName("169.254.1.1")));
        assertTrue(InjectionGuard.local(InetAddress.getByName("0.0.0.0")));
        InetAddress own = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress()).findFirst().orElse(InetAddress.getByName("127.0.0.1"));
        assertTrue(InjectionGuard.local(own), own.toString());
        assertFalse(InjectionGuard.local(InetAddress.getByName("192.0.2.10")));
    }
}
