package dev.kernelgate.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import org.junit.jupiter.api.Test;

class ServerAddressTest {
    @Test
    void theArgumentsBecomeTheSdksDomainProtocolAndKey() {
        ConnectionConfig config = ServerAddress.fromArgs(new String[] {"https://127.0.0.1:18443", "k"}).connection()
                .build();
        assertEquals("127.0.0.1:18443", config.getDomain());
        assertEquals("https", config.getProtocol());
        assertEquals("k", config.getApiKey());
        assertEquals("https://127.0.0.1:18443", config.getBaseUrl().replaceAll("/v1/?$", ""));
    }

    @Test
    void aUrlWithoutSchemeOrAMissingKeyIsRefusedWithWhatToDo() {
        IllegalArgumentException noScheme = assertThrows(IllegalArgumentException.class,
                () -> ServerAddress.fromArgs(new String[] {"127.0.0.1:8080", "k"}));
        assertTrue(noScheme.getMessage().contains("e.g. http://127.0.0.1:8080"), noScheme.getMessage());
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
                () -> ServerAddress.fromArgs(new String[] {"http://127.0.0.1:8080", ""}));
        assertTrue(noKey.getMessage().contains("OPEN_SANDBOX_API_KEY"), noKey.getMessage());
    }
}
