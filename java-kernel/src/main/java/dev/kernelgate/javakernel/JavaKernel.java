package dev.kernelgate.javakernel;

import dev.kernelgate.wire.Channel;
import dev.kernelgate.wire.ConnectionInfo;
import dev.kernelgate.wire.MessageFactory;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * The bundled Java kernel: a Jupyter kernel process running cells with JShell.
 *
 * <pre>java [JVM flags] -cp CLASSPATH dev.kernelgate.javakernel.JavaKernel CONNECTION_FILE</pre>
 *
 * <p>Threads: {@code main} binds and owns the shell/control/stdin ROUTER and iopub PUB sockets and polls them
 * ({@link KernelSockets}); {@code kernel-heartbeat} owns the REP socket; {@code kernel-shell} runs shell requests
 * ({@link ShellWorker}); {@code jshell-init} builds JShell once, in the background, after the first reply (or
 * 500 ms), so kernel_info is answered as soon as the sockets are bound; {@code kernel-timer} batches output and
 * repeats interrupts. Snippets run on JShell's own threads. Every message to send goes through the socket
 * thread's queue.
 *
 * <p>Interrupts come as {@code interrupt_request} on control (the spec's {@code interrupt_mode} is
 * {@code message}); SIGINT is honoured the same way. {@code shutdown_request} replies, flushes and exits 0. With
 * {@code JPY_PARENT_PID} set (as Jupyter servers do), the kernel exits when its parent process dies.
 */
public final class JavaKernel {
    /** Looked up on first use: SLF4J (and its backend's configuration) is not loaded on the start-up path. */
    private static Logger log() {
        return LoggerFactory.getLogger(JavaKernel.class);
    }

    /** System property: {@code false} turns off the compiled-cell cache (see {@link SnippetEvaluator}). */
    static final String COMPILE_CACHE_PROPERTY = "kernelgate.java.compileCache";

    private final ConnectionInfo connection;

    JavaKernel(ConnectionInfo connection) {
        this.connection = connection;
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp CLASSPATH " + JavaKernel.class.getName() + " CONNECTION_FILE");
            System.exit(2);
        }
        KernelThreads.markCurrent();
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        int status;
        try {
            status = new JavaKernel(KernelJson.readConnectionFile(Path.of(args[0]))).run();
        } catch (IOException | RuntimeException e) {
            log().error("Java kernel failed", e);
            System.err.println("Java kernel failed: " + e);
            status = 1;
        }
        System.exit(status);
    }

    /**
     * Runs the kernel on the calling thread until a shutdown_request; returns the exit status. Not an embeddable
     * server: it replaces System.out/err/in and runs user code in this JVM, so it is meant for {@link #main} only.
     */
    int run() throws IOException {
        KernelThreads.markCurrent();
        ZMQ.Context context = ZMQ.context(1);
        KernelSockets sockets = new KernelSockets(context, connection, connection.signer());
        new Heartbeat(context, connection.endpoint(Channel.HB));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String session = new UUID(random.nextLong(), random.nextLong()).toString();
        Outbox outbox = new Outbox(sockets, new MessageFactory(session, "kernel"));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                task -> KernelThreads.newThread("kernel-timer", task));
        OutputCapture output = new OutputCapture(outbox, timer);
        StdinBridge stdin = new StdinBridge(outbox, output);
        SnippetEvaluator evaluator = new SnippetEvaluator(output, timer,
                !"false".equalsIgnoreCase(System.getProperty(COMPILE_CACHE_PROPERTY)));
        ShellWorker worker = new ShellWorker(outbox, output, stdin, evaluator, sockets::stop);
        RequestRouter router = new RequestRouter(outbox, worker, stdin, evaluator, sockets::stop);

        output.install();
        stdin.install();
        Display.install(worker::display);
        worker.start();
        outbox.status(Outbox.NO_PARENT, "starting");
        // JShell (javac) takes ~1 s of CPU to start: begin once the first reply is out, so on a small machine it
        // does not slow down that reply; clients send kernel_info first. At the latest after 500 ms.
        timer.schedule(evaluator::startInBackground, 500, TimeUnit.MILLISECONDS);
        timer.execute(() -> {
            handleSigint(evaluator);
            exitWithParent(sockets);
        });

        sockets.run(router); // until shutdown_request

        // Everything queued has been sent and the sockets are closed (with linger): end the heartbeat too. Should
        // terminating the context hang (it waits for every socket to close), the process still ends.
        timer.schedule(() -> Runtime.getRuntime().halt(0), 3, TimeUnit.SECONDS);
        context.term();
        return 0;
    }

    /** SIGINT interrupts the running cell instead of ending the JVM (via sun.misc.Signal when available). */
    private static void handleSigint(SnippetEvaluator evaluator) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            InvocationHandler onSignal = (proxy, method, arguments) -> switch (method.getName()) {
                case "handle" -> {
                    evaluator.interrupt();
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == arguments[0];
                case "toString" -> "Java kernel SIGINT handler";
                default -> null;
            };
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    onSignal);
            Object sigint = signalType.getConstructor(String.class).newInstance("INT");
            signalType.getMethod("handle", signalType, handlerType).invoke(null, sigint, handler);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log().debug("SIGINT stays the JVM default", e);
        }
    }

    /** As ipykernel with JPY_PARENT_PID: when the process that started the kernel dies, the kernel exits. */
    private static void exitWithParent(KernelSockets sockets) {
        if (System.getenv("JPY_PARENT_PID") == null) {
            return;
        }
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            log().warn("parent process {} exited: shutting down", parent.pid());
            sockets.stop();
        }));
    }
}

