package dev.kernelgate.runtime;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes-style quantities as {@code resourceLimits} carries them: CPU ({@code "500m"}, {@code "2"},
 * {@code "0.5"}) and memory ({@code "512Mi"}, {@code "2Gi"}, {@code "1G"}, {@code "1e9"}, plain bytes).
 */
final class ResourceQuantity {
    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(?:([eE][0-9]+)|([a-zA-Z]*))");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("m", new BigDecimal("0.001")),
            Map.entry("k", BigDecimal.TEN.pow(3)), Map.entry("K", BigDecimal.TEN.pow(3)),
            Map.entry("M", BigDecimal.TEN.pow(6)), Map.entry("G", BigDecimal.TEN.pow(9)),
            Map.entry("T", BigDecimal.TEN.pow(12)), Map.entry("P", BigDecimal.TEN.pow(15)),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)));

    /** What {@link #cpuMillis} and {@link #bytes} return for a quantity beyond a 64-bit count. */
    static final long TOO_LARGE = -2;
    private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);
    /** Exponents above this are clamped: the value is beyond any count already, and 1e999999999 would take ages. */
    private static final int MAX_EXPONENT = 100;

    private ResourceQuantity() {
    }

    /** The quantity's value in base units, or null when {@code text} is not a quantity. */
    static BigDecimal parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = QUANTITY.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        BigDecimal number = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            String exponent = m.group(2).substring(1).replaceFirst("^0+(?=.)", "");
            return number.scaleByPowerOfTen(exponent.length() > 3 ? MAX_EXPONENT
                    : Math.min(Integer.parseInt(exponent), MAX_EXPONENT));
        }
        BigDecimal factor = SUFFIXES.get(m.group(3));
        return factor == null ? null : number.multiply(factor);
    }

    /** CPU in millicores, -1 when malformed or not positive, {@link #TOO_LARGE} beyond a long. */
    static long cpuMillis(String text) {
        BigDecimal cores = parse(text);
        if (cores == null || cores.signum() <= 0) {
            return -1;
        }
        return count(cores.movePointRight(3));
    }

    /** Memory in bytes, or -1 when malformed or not positive ({@code "m"}, milli-bytes, is refused). */
    static long bytes(String text) {
        BigDecimal value = parse(text);
        if (value == null || value.signum() <= 0 || text.trim().endsWith("m")) {
            return -1;
        }
        return count(value);
    }

    private static long count(BigDecimal value) {
        BigDecimal whole = value.setScale(0, java.math.RoundingMode.CEILING);
        return whole.compareTo(MAX_LONG) > 0 ? TOO_LARGE : whole.longValueExact();
    }
}
