package dev.kernelgate.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One response header field; responses carry them as an immutable list so they stay values. */
public record Header(String name, String value) {

    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** A copy of {@code headers} with one more field at the end. */
    static List<Header> append(List<Header> headers, String name, String value) {
        List<Header> copy = new ArrayList<>(headers.size() + 1);
        copy.addAll(headers);
        copy.add(new Header(name, value));
        return List.copyOf(copy);
    }
}
