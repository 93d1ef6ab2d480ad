package dev.kernelgate.execd.code;

import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.execd.ExecdException;
import dev.kernelgate.kernels.Kernel;
import dev.kernelgate.kernels.KernelClient;
import dev.kernelgate.kernels.KernelManager;
import dev.kernelgate.kernels.KernelStartException;
import dev.kernelgate.kernels.KernelStartRequest;
import dev.kernelgate.kernelspecs.KernelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Code contexts over the embedded kernel manager: a context is a kernel picked by language (or kernelspec name),
 * with a lazily created default context per language. Kernel creation fails fast with {@code EXECD_001}.
 */
public final class CodeContexts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CodeContexts.class);
    /** Languages that are not kernels: upstream's command runtimes. */
    private static final List<String> NOT_KERNELS = List.of("command", "background-command", "sql");
    private static final Map<String, String> INSTALL_HINTS = Map.of(
            "python", "apt-get install python3-ipykernel",
            "r", "apt-get install r-cran-irkernel",
            "java", "the bundled Java kernel ships with Kernelgate; check `./kernelgate kernelspecs`",
            "bash", "install bash_kernel and register its kernelspec");

    private final KernelManager manager;
    private final Map<String, String> kernelEnv;
    private final Duration startTimeout;
    private final Executor blocking;
    private final Map<String, CodeContext> contexts = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<CodeContext>> defaults = new ConcurrentHashMap<>();

    /** @param blocking runs the kernelspec lookup (a directory scan), so callers on an event loop never block */
    public CodeContexts(KernelManager manager, Map<String, String> kernelEnv, Duration startTimeout,
                        Executor blocking) {
        this.manager = manager;
        this.kernelEnv = Map.copyOf(kernelEnv);
        this.startTimeout = startTimeout;
        this.blocking = blocking;
    }

    /** Starts a kernel for {@code language} (a language or a kernelspec name) in {@code cwd}. */
    public CompletableFuture<CodeContext> create(String language, String cwd) {
        return CompletableFuture.supplyAsync(() -> {
            KernelSpec spec = resolve(language);
            Path dir = cwd == null || cwd.isBlank() ? null : Path.of(cwd);
            if (dir != null && !Files.isDirectory(dir)) {
                throw ExecdException.of(400, ExecdErrorCode.INVALID_REQUEST_BODY, "cwd " + cwd + " is not a directory");
            }
            return new KernelStartRequest(spec.name(), kernelEnv, dir, null);
        }, blocking).thenCompose(request -> start(language, cwd, request));
    }

    private CompletableFuture<CodeContext> start(String language, String cwd, KernelStartRequest request) {
        String id = UUID.randomUUID().toString();
        return manager.startAndWait(request)
                .thenCompose(KernelClient::connect)
                .orTimeout(startTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((client, error) -> {
                    if (error != null) {
                        throw startFailure(language, request.specName(), error);
                    }
                    CodeContext context = new CodeContext(id, language, cwd, client);
                    contexts.put(id, context);
                    log.info("code context {} ({}) on kernel {}", id, language, client.kernel().id());
                    return context;
                });
    }

    /** The default context of a language, created on first use and shared afterwards. */
    public CompletableFuture<CodeContext> defaultFor(String language) {
        String key = language.toLowerCase(Locale.ROOT);
        CompletableFuture<CodeContext> existing = defaults.get(key);
        if (existing != null && !existing.isCompletedExceptionally()
                && (!existing.isDone() || contexts.containsKey(existing.join().id()))) {
            return existing;
        }
        CompletableFuture<CodeContext> created = create(language, null);
        defaults.put(key, created);
        return created;
    }

    public Optional<CodeContext> get(String id) {
        return Optional.ofNullable(id == null ? null : contexts.get(id));
    }

    public Collection<CodeContext> list(String language) {
        if (language != null && NOT_KERNELS.contains(language.toLowerCase(Locale.ROOT))) {
            throw ExecdException.of(500, ExecdErrorCode.RUNTIME_ERROR,
                    "language " + language + " has no code contexts");
        }
        return contexts.values().stream()
                .filter(c -> language == null || c.language().equalsIgnoreCase(language))
                .toList();
    }

    public CompletableFuture<Void> delete(String id) {
        CodeContext context = contexts.remove(id);
        if (context == null) {
            return CompletableFuture.failedFuture(ExecdException.of(404, ExecdErrorCode.CONTEXT_NOT_FOUND,
                    "context " + id + " not found"));
        }
        defaults.values().removeIf(f -> f.isDone() && !f.isCompletedExceptionally() && f.join() == context);
        context.client().close();
        return context.client().kernel().shutdown(false);
    }

    public CompletableFuture<Void> deleteLanguage(String language) {
        return CompletableFuture.allOf(list(language).stream().map(c -> delete(c.id()))
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public void close() {
        contexts.values().forEach(c -> c.client().close());
        contexts.clear();
    }

    private KernelSpec resolve(String language) {
        if (language == null || language.isBlank()) {
            throw ExecdException.of(400, ExecdErrorCode.INVALID_REQUEST_BODY, "language is required");
        }
        String lower = language.toLowerCase(Locale.ROOT);
        if (NOT_KERNELS.contains(lower)) {
            throw ExecdException.of(400, ExecdErrorCode.INVALID_REQUEST_BODY,
                    "language " + language + " runs as a command, not in a code context");
        }
        return manager.catalog().findByLanguage(language)
                .or(() -> manager.catalog().find(language))
                .filter(KernelSpec::launchable)
                .orElseThrow(() -> ExecdException.of(500, ExecdErrorCode.RUNTIME_ERROR, noKernel(language)));
    }

    private static String noKernel(String language) {
        String hint = INSTALL_HINTS.getOrDefault(language.toLowerCase(Locale.ROOT),
                "install a Jupyter kernel for it or drop a kernelspec into /etc/kernelgate/kernelspecs"
                        + " or /etc/opensandbox/kernelspecs");
        return "EXECD_001: no launchable kernelspec for language '" + language + "' (see `./kernelgate kernelspecs`);"
                + " to add one: " + hint;
    }

    private RuntimeException startFailure(String language, String specName, Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof KernelStartException)) {
            cause = cause.getCause();
        }
        return ExecdException.of(500, ExecdErrorCode.RUNTIME_ERROR, "EXECD_001: the " + language + " kernel ("
                + specName + ") failed to start: " + cause.getMessage());
    }
}
