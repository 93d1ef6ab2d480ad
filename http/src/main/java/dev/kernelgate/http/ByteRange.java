package dev.kernelgate.http;

/**
 * One satisfiable byte range of a representation ({@code end} inclusive), parsed from a {@code Range}
 * header per RFC 7233. Only single ranges are honoured; anything else is ignored (full 200), which the
 * RFC allows.
 */
record ByteRange(long start, long end) {

    long length() {
        return end - start + 1;
    }

    String contentRange(long size) {
        return "bytes " + start + "-" + end + "/" + size;
    }

    /**
     * @return the range, or {@code null} to serve the whole representation (absent, malformed, other
     *         units, several ranges)
     * @throws HttpError 416 with {@code Content-Range: bytes *}{@code /size} when syntactically valid but
     *                   unsatisfiable
     */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.length() < 6 || !value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = value.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        if (first.isEmpty()) {
            long suffix = number(last);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || size == 0) {
                throw HttpError.rangeNotSatisfiable(size);
            }
            return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        long start = number(first);
        long end = last.isEmpty() ? Long.MAX_VALUE : number(last);
        if (start < 0 || end < 0 || end < start) {
            return null;
        }
        if (start >= size) {
            throw HttpError.rangeNotSatisfiable(size);
        }
        return new ByteRange(start, Math.min(end, size - 1));
    }

    /** Non-negative decimal, or -1 for anything else (including overflow). */
    private static long number(String digits) {
        if (digits.isEmpty() || digits.length() > 18) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(digits);
    }
}
