package dev.kernelgate.gateway.kernel;

import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import dev.kernelgate.wire.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Kernel managers over the machine's real kernelspecs plus a scratch kernels dir, for tests. */
final class TestKernels {
    private TestKernels() {
    }

    static final Duration WAIT = Duration.ofSeconds(60);

    /** A manager whose runtime dir and extra kernels dir live under {@code dir}; kernel output goes to a log. */
    static KernelManager manager(Path dir) throws IOException {
        Path kernels = Files.createDirectories(dir.resolve("kernels"));
        Path runtime = dir.resolve("runtime");
        List<Path> dirs = new ArrayList<>(List.of(kernels));
        KernelSpecSearchPath system = KernelSpecSearchPath.fromEnvironment(Map.of(), Path.of("/nonexistent-home"));
        dirs.addAll(system.kernelDirs());
        KernelSpecCatalog catalog = new KernelSpecCatalog(KernelSpecSearchPath.of(dirs, List.of()));
        KernelManagerConfig config = KernelManagerConfig.defaults(Map.of())
                .withRuntimeDir(runtime)
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kernels.log").toFile()));
        return new KernelManager(config, catalog);
    }

    /** The process group of {@code pid}, from the fifth field of /proc/PID/stat. */
    static long pgid(long pid) throws IOException {
        return Long.parseLong(stat(pid)[2]);
    }

    /** Whether {@code pid} exists and is not a zombie (whoever its parent is). */
    static boolean running(long pid) {
        try {
            return !"Z".equals(stat(pid)[0]);
        } catch (IOException e) {
            return false;
        }
    }

    /** The fields of /proc/PID/stat after the command name: state, ppid, pgrp, ... */
    private static String[] stat(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** Writes {@code kernels/<name>/kernel.json} under {@code dir}. */
    static void writeSpec(Path dir, String name, String json) throws IOException {
        Path spec = Files.createDirectories(dir.resolve("kernels").resolve(name));
        Files.writeString(spec.resolve("kernel.json"), json);
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Collects the outputs of one execution. */
    static final class Outputs implements ExecutionListener {
        final List<Message> messages = new CopyOnWriteArrayList<>();

        @Override
        public void onOutput(Message message) {
            messages.add(message);
        }

        List<Message> ofType(String type) {
            return messages.stream().filter(m -> m.msgType().equals(type)).toList();
        }

        String stdout() {
            StringBuilder out = new StringBuilder();
            for (Message m : ofType("stream")) {
                if ("stdout".equals(m.content().path("name").asText())) {
                    out.append(m.content().path("text").asText());
                }
            }
            return out.toString();
        }
    }
}
