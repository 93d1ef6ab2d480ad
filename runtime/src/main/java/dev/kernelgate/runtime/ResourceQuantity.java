package dev.kernelgate.runtime;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes-style quantities as {@code resourceLimits} carries them: CPU ({@code "500m"}, {@code "2"},
 * {@code "0.5"}) and memory ({@code "512Mi"}, {@code "2Gi"}, {@code "1G"}, {@code "1e9"}, plain bytes). A quantity
 * must fit a long in its base unit (CPU: in nanocores, what Docker takes); a larger one is the client's error, named
 * by its field, not an overflow.
 */
final class ResourceQuantity {
    /** Docker's NanoCPUs is a long: millicores times 10^6 must fit. */
    static final long MAX_CPU_MILLIS = Long.MAX_VALUE / 1_000_000;
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    /** Any non-zero mantissa times 10^this is far beyond a long; larger exponents are clamped to it. */
    private static final int MAX_EXPONENT = 1000;
    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(?:[eE]([0-9]+)|([a-zA-Z]*))");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("m", new BigDecimal("0.001")),
            Map.entry("k", BigDecimal.TEN.pow(3)), Map.entry("K", BigDecimal.TEN.pow(3)),
            Map.entry("M", BigDecimal.TEN.pow(6)), Map.entry("G", BigDecimal.TEN.pow(9)),
            Map.entry("T", BigDecimal.TEN.pow(12)), Map.entry("P", BigDecimal.TEN.pow(15)),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)));

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
            String digits = m.group(2).replaceFirst("^0+(?=.)", "");
            int exponent = digits.length() > 4 ? MAX_EXPONENT : Math.min(MAX_EXPONENT, Integer.parseInt(digits));
            return number.scaleByPowerOfTen(exponent);
        }
        BigDecimal factor = SUFFIXES.get(m.group(3));
        return factor == null ? null : number.multiply(factor);
    }

    /** CPU in millicores, rounded up; refused (400 naming {@code field}) when malformed, not positive or too large. */
    static long cpuMillis(String field, String text) {
        BigDecimal cores = parse(text);
        if (cores == null || cores.signum() <= 0) {
            throw invalid(field, text, "is not a CPU quantity such as 500m or 2");
        }
        BigDecimal millis = cores.movePointRight(3);
        if (millis.compareTo(BigDecimal.valueOf(MAX_CPU_MILLIS)) > 0) {
            throw invalid(field, text, "is more than " + MAX_CPU_MILLIS / 1000 + " CPUs");
        }
        return millis.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /**
     * Memory in bytes, rounded up; refused when malformed, not positive, too large or in {@code "m"} (milli-bytes).
     */
    static long bytes(String field, String text) {
        BigDecimal value = parse(text);
        if (value == null || value.signum() <= 0 || text.trim().endsWith("m")) {
            throw invalid(field, text, "is not a memory quantity such as 512Mi or 2Gi");
        }
        return fitting(field, text, value);
    }

    /** Any other quantity ({@code ephemeral-storage}, ...): well-formed and within a long. */
    static void check(String field, String text) {
        BigDecimal value = parse(text);
        if (value == null) {
            throw invalid(field, text, "is not a quantity");
        }
        fitting(field, text, value);
    }

    private static long fitting(String field, String text, BigDecimal value) {
        // Compared before rounding: rounding 1e999999999 to an integer would build a billion-digit number.
        if (value.compareTo(MAX) > 0) {
            throw invalid(field, text, "is more than " + Long.MAX_VALUE + " in its base unit");
        }
        return value.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static RuntimeException invalid(String field, String text, String why) {
        return ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, field + " '" + text + "' " + why + ".");
    }
}
