package dev.kernelgate.execd.egress.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** What the proxy matches on: the request's host and path. */
class RequestRelayTest {
    private static HttpRequest request(String uri, String host) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        if (host != null) {
            request.headers().set("Host", host);
        }
        return request;
    }

    @Test
    void theHostComesFromTheHostHeaderWithoutItsPortAndThePathFromEitherForm() {
        assertEquals("api.example.test", RequestRelay.host(request("/v1", "API.Example.test:8080")));
        assertEquals("api.example.test", RequestRelay.host(request("/v1", "api.example.test")));
        assertEquals("[::1]", RequestRelay.host(request("/v1", "[::1]:80")));
        assertEquals("abs.example.test", RequestRelay.host(request("http://abs.example.test:80/x", null)));
        assertEquals("", RequestRelay.host(request("/v1", null)));
        assertEquals("/x?y=1", InjectionGuard.path("http://abs.example.test/x?y=1"));
        assertEquals("/", InjectionGuard.path("http://abs.example.test"));
        assertEquals("/v1/messages", InjectionGuard.path("/v1/messages"));
    }
}
