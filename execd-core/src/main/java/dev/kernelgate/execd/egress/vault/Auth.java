package dev.kernelgate.execd.egress.vault;

import java.util.List;

/**
 * How a binding renders its credentials into headers: {@code bearer} and {@code basic} ({@code Authorization}),
 * {@code apiKey} (the header {@code name}), {@code customHeaders} (one credential per header).
 *
 * @param credential the credential's name (bearer, basic, apiKey)
 * @param name       the header name (apiKey)
 * @param headers    the headers (customHeaders)
 */
public record Auth(String type, String credential, String name, List<HeaderRef> headers) {
    public static final String BEARER = "bearer";
    public static final String BASIC = "basic";
    public static final String API_KEY = "apiKey";
    public static final String CUSTOM_HEADERS = "customHeaders";

    public Auth {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** One header of a {@code customHeaders} rule. */
    public record HeaderRef(String name, String credential) {
    }

    /** The credentials this rule reads. */
    List<String> credentials() {
        return type.equals(CUSTOM_HEADERS) ? headers.stream().map(HeaderRef::credential).toList()
                : List.of(credential);
    }
}
