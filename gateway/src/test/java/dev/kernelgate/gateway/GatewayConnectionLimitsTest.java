package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.http.ConnectionLimitsProbe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's connection-limit settings reach its HTTP server. */
class GatewayConnectionLimitsTest {

    @Test
    void headerTimeoutAndPerClientLimitAreServed() throws Exception {
        GatewayConfig config = GatewaySettings.parse(Map.of("KG_MAX_CONNECTIONS_PER_CLIENT", "1"),
                List.of("--ip=127.0.0.1", "--port=0", "--KernelGatewayApp.request_header_timeout=1"));
        try (KernelGatewayServer.Running gateway = new KernelGatewayServer(config).start()) {
            ConnectionLimitsProbe.Replies replies = ConnectionLimitsProbe.probe(gateway.port(), "/api");
            assertTrue(replies.timedOut().contains("{\"reason\":\"Request Timeout\",\"message\":\"The request head"),
                    replies.timedOut());
            assertTrue(replies.refused().contains("{\"reason\":\"Service Unavailable\",\"message\":\"Too many"),
                    replies.refused());
        }
    }
}
