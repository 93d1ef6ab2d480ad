package dev.kernelgate.execd.files;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** The order of directory listings: file names by their UTF-8 bytes, as Go's {@code os.ReadDir} sorts them. */
final class NameOrder {
    private NameOrder() {
    }

    static int compare(Path a, Path b) {
        byte[] x = a.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        return Arrays.compareUnsigned(x, y);
    }
}
