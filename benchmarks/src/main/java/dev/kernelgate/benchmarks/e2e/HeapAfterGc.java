package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of another JVM: {@code jcmd PID GC.run} (a full collection), then {@code GC.heap_info}, in one
 * attach, summing the {@code used} of every generation. jcmd rather than a JMX connection: the management agent
 * would add threads and sockets of its own to the very process whose threads and descriptors are measured, while an
 * attach leaves one thread (the Attach Listener, started on the first one) and no descriptor behind.
 */
final class HeapAfterGc {
    /** "def new generation total 4096K, used 138K", "tenured generation ...", "garbage-first heap ...". */
    private static final Pattern USED = Pattern.compile("(?m)^\\s*\\S.*?\\s+total (\\d+)K, used (\\d+)K");

    private final Path jcmd;
    private final Path commands;

    HeapAfterGc(Path work) throws IOException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        this.jcmd = java.resolveSibling("jcmd");
        this.commands = work.resolve("heap-after-gc.jcmd");
        Files.writeString(commands, "GC.run\nGC.heap_info\n");
    }

    /** Bytes of heap in use right after a full collection of {@code pid}. */
    long bytes(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "-f", commands.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " failed: " + out);
        }
        return parseUsedBytes(out);
    }

    static long parseUsedBytes(String heapInfo) throws IOException {
        Matcher m = USED.matcher(heapInfo);
        long kib = 0;
        boolean found = false;
        while (m.find()) {
            kib += Long.parseLong(m.group(2));
            found = true;
        }
        if (!found) {
            throw new IOException("no heap figures in: " + heapInfo);
        }
        return kib * 1024;
    }
}
