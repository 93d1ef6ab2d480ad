package dev.kernelgate.execd.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address or CIDR block, parsed without any name lookup: only literal IPv4 (dotted quad) and IPv6 (with a
 * colon) addresses are taken.
 *
 * @param network the block's address bytes (4 or 16), host bits cleared
 * @param prefix  the prefix length
 */
public record IpBlock(byte[] network, int prefix) {

    /** Whether {@code text} is a literal IP address (never a name). */
    public static boolean isAddress(String text) {
        return literal(text) != null;
    }

    /** {@code a.b.c.d}, {@code a.b.c.d/len}, an IPv6 address or an IPv6 block. */
    public static IpBlock parse(String text) {
        int slash = text.indexOf('/');
        byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new PolicyException("\"" + text + "\" is neither an IP address nor a CIDR block");
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new PolicyException("\"" + text + "\": the prefix length must be 0.." + max);
            }
        }
        return new IpBlock(mask(address, prefix), prefix);
    }

    public boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(mask(address, prefix), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    /** The bytes of a literal address, or null when {@code text} is not one. */
    static byte[] literal(String text) {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return bytes;
        }
        if (!text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            // With a colon the JDK parses an IPv6 literal and never looks the text up as a name.
            byte[] bytes = InetAddress.getByName(text).getAddress();
            return bytes.length == 16 ? bytes : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpBlock other && prefix == other.prefix && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
