package dev.kernelgate.execd.files;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Upstream's {@code FileInfo}: {@code mode} is an int whose decimal digits are the octal permission bits
 * ({@code 0644} is {@code 644}); times are RFC 3339 with nanoseconds in the local zone; {@code created_at} is
 * the ctime; owner and group are names when they resolve, else numeric strings.
 */
public record FileInfo(
        @JsonProperty("path") String path,
        @JsonProperty("type") String type,
        @JsonProperty("size") long size,
        @JsonProperty("modified_at") String modifiedAt,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("owner") String owner,
        @JsonProperty("group") String group,
        @JsonProperty("mode") int mode) {
}
