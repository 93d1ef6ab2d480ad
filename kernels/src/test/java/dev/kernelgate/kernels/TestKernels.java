package dev.kernelgate.kernels;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import dev.kernelgate.wire.Json;
import dev.kernelgate.wire.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Kernel managers over the machine's real kernelspecs plus a scratch kernels dir, for tests. */
final class TestKernels {
    private TestKernels() {
    }

    static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * A manager whose runtime dir, extra kernels dir and drop-in dir ({@code drop-ins}) live under {@code dir};
     * kernel output goes to a log.
     */
    static KernelManager manager(Path dir) throws IOException {
        return manager(dir, UnaryOperator.identity());
    }

    /** As {@link #manager(Path)}, with settings changed by {@code settings}. */
    static KernelManager manager(Path dir, UnaryOperator<KernelManagerConfig> settings) throws IOException {
        Path kernels = Files.createDirectories(dir.resolve("kernels"));
        Path dropIns = Files.createDirectories(dir.resolve("drop-ins"));
        Path runtime = dir.resolve("runtime");
        List<Path> dirs = new ArrayList<>(List.of(kernels));
        KernelSpecSearchPath system = KernelSpecSearchPath.fromEnvironment(Map.of(), Path.of("/nonexistent-home"));
        dirs.addAll(system.kernelDirs());
        KernelSpecCatalog catalog = new KernelSpecCatalog(KernelSpecSearchPath.of(dirs, List.of(dropIns)));
        KernelManagerConfig config = KernelManagerConfig.defaults(Map.of())
                .withRuntimeDir(runtime)
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kernels.log").toFile()));
        return new KernelManager(settings.apply(config), catalog);
    }

    /**
     * Writes a spec that runs the sh command {@code firstRun} on its first launch and {@code laterRuns} on every
     * later one ({@code "$0"} is the connection file); returns the file whose existence marks the first run.
     */
    static Path writeSpecChangingAfterFirstRun(Path dir, String name, String firstRun, String laterRuns)
            throws IOException {
        Path marker = dir.resolve(name + "-first-run");
        ObjectNode spec = Json.object();
        spec.putArray("argv").add("/bin/sh").add("-c")
                .add("if [ -e '" + marker + "' ]; then " + laterRuns + "; fi; touch '" + marker + "'; " + firstRun)
                .add("{connection_file}");
        spec.put("display_name", name).put("language", "python");
        writeSpec(dir, name, spec.toString());
        return marker;
    }

    /** A fake kernel script of src/test/resources/fake-kernel. */
    static Path fakeKernel(String script) throws Exception {
        return Path.of(TestKernels.class.getResource("/fake-kernel/" + script).toURI());
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

    /** This JVM's child processes, zombies included. */
    static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** The files in the manager's runtime dir (connection files). */
    static List<Path> runtimeFiles(Path dir) throws IOException {
        try (var files = Files.list(dir.resolve("runtime"))) {
            return files.toList();
        }
    }

    /** Writes {@code kernels/<name>/kernel.json} under {@code dir}. */
    static void writeSpec(Path dir, String name, String json) throws IOException {
        Path spec = Files.createDirectories(dir.resolve("kernels").resolve(name));
        Files.writeString(spec.resolve("kernel.json"), json);
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Records a kernel's lifecycle events in order: "restarting", "restarted", "dead: <reason>", "stopped". */
    static final class LifecycleEvents implements Kernel.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onRestarting(Kernel kernel) {
            events.add("restarting");
        }

        @Override
        public void onRestarted(Kernel kernel) {
            events.add("restarted");
        }

        @Override
        public void onDead(Kernel kernel, String reason) {
            events.add("dead: " + reason);
        }

        @Override
        public void onStopped(Kernel kernel) {
            events.add("stopped");
        }
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
