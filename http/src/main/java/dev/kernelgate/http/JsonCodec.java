package dev.kernelgate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/** A face's JSON mapping, shared by request parsing and response writing. */
public final class JsonCodec {

    private final ObjectMapper mapper;

    public JsonCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** Lenient about unknown request fields, as both upstreams are (Go {@code json.Decoder}, Tornado). */
    public static JsonCodec defaults() {
        return new JsonCodec(new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // The casts pick readValue(InputStream): ByteBufInputStream is also a DataInput, which Jackson treats differently.
    <T> T read(ByteBuf body, Class<T> type) throws IOException {
        try (ByteBufInputStream in = new ByteBufInputStream(body.duplicate())) {
            return mapper.readValue((InputStream) in, type);
        }
    }

    <T> T read(ByteBuf body, TypeReference<T> type) throws IOException {
        try (ByteBufInputStream in = new ByteBufInputStream(body.duplicate())) {
            return mapper.readValue((InputStream) in, type);
        }
    }

    JsonNode readTree(ByteBuf body) throws IOException {
        try (ByteBufInputStream in = new ByteBufInputStream(body.duplicate())) {
            return mapper.readTree((InputStream) in);
        }
    }
}
