package dev.kernelgate.execd.files;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Upstream's {@code Permission}: {@code mode} as octal digits written in decimal ({@code 755}), 0 for "leave
 * as is"; empty owner and group mean no chown.
 */
public record Permission(String owner, String group, int mode) {

    static final Permission NONE = new Permission("", "", 0);

    public Permission {
        owner = owner == null ? "" : owner;
        group = group == null ? "" : group;
    }

    /**
     * Reads {@code {"owner","group","mode"}} leniently as Go's decoder does: unknown fields ignored,
     * {@code null} for absent.
     *
     * @throws IllegalArgumentException for a value of the wrong JSON type
     */
    static Permission fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("cannot unmarshal " + JsonBodies.kind(node) + " into Permission");
        }
        return new Permission(JsonBodies.string(node, "owner"), JsonBodies.string(node, "group"),
                JsonBodies.integer(node, "mode"));
    }

    /**
     * The mode bits ({@code 755} → {@code 0755}), or -1 for "no chmod".
     *
     * @throws IllegalArgumentException when the digits are not octal (upstream's {@code ParseUint} error)
     */
    int modeBits() {
        if (mode == 0) {
            return -1;
        }
        String digits = Integer.toString(mode);
        try {
            long bits = Long.parseLong(digits, 8);
            if (bits < 0 || bits > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return (int) (bits & 0777);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("strconv.ParseUint: parsing \"" + digits + "\": invalid syntax");
        }
    }
}
