package dev.kernelgate.javakernel;

/** Jupyter counts cursor positions in code points (protocol 5.2+); Java strings index UTF-16 units. */
final class CodePoints {
    private CodePoints() {
    }

    static int toCharIndex(String text, int codePoints) {
        int total = text.codePointCount(0, text.length());
        int clamped = Math.max(0, Math.min(codePoints, total));
        return text.offsetByCodePoints(0, clamped);
    }

    static int fromCharIndex(String text, int charIndex) {
        int clamped = Math.max(0, Math.min(charIndex, text.length()));
        return text.codePointCount(0, clamped);
    }
}
