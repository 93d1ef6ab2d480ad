package dev.kernelgate.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line account of a child process for a log: alive or its exit code, and its state and wait channel. */
final class ProcessState {
    private ProcessState() {
    }

    static String describe(Process process) {
        if (!process.isAlive()) {
            return "has exited (" + process.exitValue() + ")";
        }
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        String stat = read(proc.resolve("stat"));
        // "pid (comm) S ..." — the state follows the last ')', as comm may contain anything.
        int close = stat.lastIndexOf(')');
        String state = close >= 0 && close + 2 < stat.length() ? stat.substring(close + 2, close + 3) : "?";
        return "is alive, state " + state + ", waiting in " + read(proc.resolve("wchan"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
