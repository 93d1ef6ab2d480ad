package dev.kernelgate.runtime;

import java.util.regex.Pattern;

/**
 * Sandbox metadata becomes Docker and Kubernetes labels, so keys and values follow Kubernetes label syntax, as
 * upstream checks on create and on the additions of a metadata patch: a key is a name, optionally after a DNS
 * subdomain prefix and '/'; a name is at most 63 characters of {@code [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?}; a
 * value is empty or a name. Keys under {@code opensandbox.io/} are the server's own.
 */
final class MetadataLabels {
    static final String RESERVED_PREFIX = "opensandbox.io/";
    private static final int MAX_NAME = 63;
    private static final int MAX_PREFIX = 253;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private MetadataLabels() {
    }

    /** A key whose value is set: reserved prefix, key syntax, value syntax. */
    static void check(String key, String value) {
        checkNotReserved(key);
        if (!validKey(key)) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_METADATA_LABEL, "Metadata key '" + printable(key)
                    + "' is invalid: it must be a name, or a DNS subdomain prefix and a name separated by '/', where"
                    + " the name is at most 63 characters matching [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? and the"
                    + " prefix at most 253 characters.");
        }
        if (value.length() > MAX_NAME || !(value.isEmpty() || NAME.matcher(value).matches())) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_METADATA_LABEL, "Metadata value '" + printable(value)
                    + "' of key '" + key + "' is invalid: it must be empty or at most 63 characters that start and"
                    + " end with a letter or digit and hold only letters, digits, '-', '_' or '.'.");
        }
    }

    /** Upstream reserves {@code opensandbox.io/} for the server's own labels; a patch cannot remove them either. */
    static void checkNotReserved(String key) {
        if (key.startsWith(RESERVED_PREFIX)) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_METADATA_LABEL, "Metadata key '" + printable(key)
                    + "' uses the reserved prefix " + RESERVED_PREFIX + ".");
        }
    }

    private static boolean validKey(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return false;
            }
        }
        return name.length() <= MAX_NAME && NAME.matcher(name).matches();
    }

    /** Control characters escaped, so a refused key cannot break the message (or a log line) it is quoted in. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(300).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
