package dev.kernelgate.execd.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pipe reader's thread as the Linux scheduler sees it ({@code /proc/self/task/TID/stat}). A thread blocked in
 * {@code read} on an empty pipe sleeps; a write to the pipe makes it runnable at once, and it stays runnable until
 * it gets a CPU, which on a loaded machine can take longer than any quiet period. So "in {@code read} and runnable"
 * means "data is on its way", never "the pipe is empty".
 */
record ReaderThread(Path stat) {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    /** The calling thread, or null where /proc cannot say (then only the time in {@code read} counts). */
    static ReaderThread current() {
        try {
            return new ReaderThread(Path.of("/proc").resolve(Files.readSymbolicLink(THREAD_SELF)).resolve("stat"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Running or waiting for a CPU ({@code R}); false when asleep, or when the state cannot be read. */
    boolean runnable() {
        try {
            String stat = Files.readString(stat());
            // "TID (comm) S ...": the name may hold spaces and parentheses, the state follows its last ')'.
            int end = stat.lastIndexOf(')');
            return end >= 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'R';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
