package dev.kernelgate.javakernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs cells with JShell and answers the language questions (is_complete, complete, inspect).
 *
 * <p>JShell is built in the background ({@link #startInBackground()}) so the kernel answers kernel_info at once;
 * the first request that needs it waits (and starts it, if nothing has yet). All methods except
 * {@link #interrupt()} are called from one thread (the shell worker); JShell itself is not thread-safe.
 *
 * <p>A cell is split into snippets with JShell's own source analysis and they run in order until one fails;
 * the value of the last one, if it is an expression, is the cell's result. State persists across cells.
 * Temporary variables ({@code $1}...) are dropped after use: each active snippet is imported into every later
 * compilation, so keeping one per expression cell makes every execute slower than the one before.
 *
 * <p>Compiled-cell cache: a cell made only of expressions and statements that compiled cleanly is remembered
 * with the wrapper classes JShell generated for it, and executing the same text again, with no declaration
 * added, changed or dropped in between, invokes those classes again instead of recompiling (compilation with
 * javac is ~5-10 ms, invocation well under 1 ms). The code that runs is the very bytecode JShell compiled for
 * that text in that state, so the result is the same. Cells mentioning {@code $} (temporary variables) are not
 * cached. Disable with {@code -Dkernelgate.java.compileCache=false}.
 */
final class SnippetEvaluator {
    /** Looked up on first use: SLF4J (and its backend's configuration) is not loaded on the start-up path. */
    private static Logger log() {
        return LoggerFactory.getLogger(SnippetEvaluator.class);
    }

    /** The jshell tool's default imports, plus the display helpers. */
    static final List<String> STARTUP = List.of(
            "import java.io.*;",
            "import java.math.*;",
            "import java.net.*;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.function.*;",
            "import java.util.regex.*;",
            "import java.util.stream.*;",
            "import static dev.kernelgate.javakernel.Display.display;",
            "import static dev.kernelgate.javakernel.Display.html;");

    static final String COMPILE_ERROR = "EvalException";
    static final String INTERRUPTED = "EvaluationInterruptedException";

    /** JShell's internal wrapper-class prefixes ({@code REPL.$JShell$12$}), removed from what users see. */
    private static final Pattern WRAPPER_PREFIX = Pattern.compile("(REPL\\.)?\\$JShell\\$\\w+[$.]?");
    private static final int CACHED_CELLS = 256;
    private static final long RESTOP_MS = 50;

    private final OutputCapture output;
    private final ScheduledExecutorService scheduler;
    private final boolean compileCache;
    private final KernelExecutionControl control;
    private final CompletableFuture<JShell> shell = new CompletableFuture<>();
    private final Map<String, List<Step>> compiledCells = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Step>> eldest) {
            return size() > CACHED_CELLS;
        }
    };
    /** The wrapper class that last defined each variable, to fetch a variable's value as an object. */
    private final Map<String, String> variableClasses = new HashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean running;
    private volatile boolean interruptRequested;
    private ScheduledFuture<?> restopper;

    /** One snippet of a compiled cell: its wrapper class and, when it yields a value, how to show it. */
    private record Step(String className, boolean hasValue, String tempVariable) {
    }

    SnippetEvaluator(OutputCapture output, ScheduledExecutorService scheduler, boolean compileCache) {
        this.output = output;
        this.scheduler = scheduler;
        this.compileCache = compileCache;
        this.control = new KernelExecutionControl(() -> interruptRequested);
    }

    /**
     * Builds JShell on a kernel thread: engine, class path, default imports, and a warm-up compilation. Only the
     * first call starts it.
     */
    void startInBackground() {
        if (started.compareAndSet(false, true)) {
            KernelThreads.newThread("jshell-init", this::initialize).start();
        }
    }

    private void initialize() {
        try {
            JShell js = JShell.builder()
                    .executionEngine(KernelExecutionControl.providerOf(control), Map.of())
                    .in(InputStream.nullInputStream())
                    .out(System.out)
                    .err(System.err)
                    .build();
            for (String entry : classPath()) {
                js.addToClasspath(entry);
            }
            for (String line : STARTUP) {
                for (SnippetEvent event : js.eval(line)) {
                    if (event.status() == Snippet.Status.REJECTED) {
                        log().warn("startup snippet rejected: {}", line);
                    }
                }
            }
            // Loads and warms javac so the first real cell does not pay for it.
            for (int i = 0; i < 2; i++) {
                dropTemporaries(js, js.eval("1 + 1"));
            }
            js.sourceCodeAnalysis().analyzeCompletion("1 + 1");
            control.takeStopped();
            shell.complete(js);
        } catch (Throwable t) {
            log().error("JShell failed to start", t);
            shell.completeExceptionally(t);
        }
    }

    /** The kernel's own class path (so snippets compile against {@link Display}), absolute entries first. */
    private static List<String> classPath() {
        Set<String> entries = new LinkedHashSet<>();
        CodeSource source = Display.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            try {
                entries.add(Path.of(source.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                log().debug("cannot use the code source {}", source.getLocation(), e);
            }
        }
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return new ArrayList<>(entries);
    }

    private JShell shell() throws ExecutionException {
        startInBackground(); // a first request that needs JShell does not wait for the start-up timer
        try {
            return shell.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutionException("interrupted while JShell was starting", e);
        }
    }

    /**
     * Opens a cell for interrupts before the kernel announces {@code busy}: a client that saw busy and interrupts
     * at once must stop this cell, even when the interrupt lands before {@link #evaluate} starts it.
     */
    void cellStarting() {
        interruptRequested = false;
        running = true;
    }

    /** Closes the cell {@link #cellStarting} opened (also when it never ran: an aborted execute). */
    void cellEnded() {
        running = false;
        interruptRequested = false;
        synchronized (this) {
            if (restopper != null) {
                restopper.cancel(false);
                restopper = null;
            }
        }
    }

    /** Runs one cell; an interrupt since {@link #cellStarting} stops it before any snippet runs. */
    Outcome evaluate(String code) {
        running = true;
        try {
            JShell js;
            try {
                js = shell();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return Outcome.failed(failure(COMPILE_ERROR, "JShell is not available: " + cause, List.of()));
            }
            control.takeStopped();
            if (interruptRequested) {
                return Outcome.failed(interrupted());
            }
            List<Step> compiled = compileCache ? compiledCells.get(code) : null;
            return compiled != null ? runCompiled(compiled) : evaluateSnippets(js, code);
        } finally {
            cellEnded();
        }
    }

    /**
     * Stops the running cell (any thread). Repeats JShell's stop every {@value #RESTOP_MS} ms until the cell ends,
     * so an interrupt that lands while a snippet compiles, or code that swallows the first stop, still ends it.
     */
    void interrupt() {
        if (!running) {
            return;
        }
        interruptRequested = true;
        stopNow();
        synchronized (this) {
            if (restopper == null && running) {
                restopper = scheduler.scheduleAtFixedRate(this::stopNow, RESTOP_MS, RESTOP_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void stopNow() {
        JShell js = shell.getNow(null);
        if (js != null && running && interruptRequested) {
            js.stop();
        }
    }

    private Outcome evaluateSnippets(JShell js, String code) {
        SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
        boolean cacheable = compileCache && code.indexOf('$') < 0;
        List<Step> steps = new ArrayList<>();
        ObjectNode result = null;
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String source;
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> {
                    source = info.source();
                    remaining = info.remaining();
                }
                case EMPTY -> {
                    source = null;
                    remaining = "";
                }
                default -> { // incomplete or unknown: let the compiler say what is wrong
                    source = remaining;
                    remaining = "";
                }
            }
            if (source == null || source.isBlank()) {
                continue;
            }
            if (interruptRequested) {
                return Outcome.failed(interrupted());
            }
            List<SnippetEvent> events = js.eval(source);
            result = null;
            Step step = null;
            int primaries = 0;
            Outcome.Failure failure = null;
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null) {
                    cacheable = false; // another snippet changed because of this one
                    compiledCells.clear();
                    continue;
                }
                primaries++;
                Snippet snippet = event.snippet();
                if (!isExecutable(snippet)) {
                    compiledCells.clear(); // a declaration or import: compiled cells may now mean something else
                }
                if (event.status() == Snippet.Status.REJECTED) {
                    failure = compileFailure(js, snippet);
                    break;
                }
                if (snippet instanceof VarSnippet variable && !isTemporary(snippet)) {
                    variableClasses.put(variable.name(), control.lastClassName());
                }
                if (control.takeStopped()) {
                    failure = interrupted();
                    break;
                }
                if (event.exception() != null) {
                    failure = runtimeFailure(js, event.exception());
                    break;
                }
                noteUnresolved(js, snippet, event);
                if (hasValue(snippet) && event.value() != null) {
                    result = resultData(snippet, event.value());
                }
                if (isExecutable(snippet) && event.status() == Snippet.Status.VALID) {
                    step = new Step(control.lastClassName(), hasValue(snippet),
                            isTemporary(snippet) ? ((VarSnippet) snippet).name() : null);
                }
            }
            dropTemporaries(js, events);
            if (failure != null) {
                return Outcome.failed(failure);
            }
            if (primaries != 1 || step == null) {
                cacheable = false;
            } else {
                steps.add(step);
            }
        }
        if (cacheable && !steps.isEmpty()) {
            compiledCells.put(code, List.copyOf(steps));
        }
        return Outcome.value(result);
    }

    /** Runs a compiled cell's wrapper classes again, as JShell would after compiling the same text. */
    private Outcome runCompiled(List<Step> steps) {
        ObjectNode result = null;
        for (Step step : steps) {
            String value;
            try {
                value = control.invoke(step.className(), KernelExecutionControl.DO_IT);
            } catch (ExecutionControl.StoppedException e) {
                control.takeStopped();
                return Outcome.failed(interrupted());
            } catch (ExecutionControl.UserException e) {
                return Outcome.failed(userFailure(e));
            } catch (ExecutionControl.ExecutionControlException e) {
                return Outcome.failed(failure(COMPILE_ERROR, String.valueOf(e.getMessage()), List.of()));
            }
            result = null;
            if (step.hasValue()) {
                Object object = step.tempVariable() == null ? null
                        : control.staticField(step.className(), step.tempVariable());
                result = data(object, expunge(value));
            }
        }
        return Outcome.value(result);
    }

    private ObjectNode resultData(Snippet snippet, String value) {
        Object object = null;
        if (isTemporary(snippet)) {
            object = control.staticField(control.lastClassName(), ((VarSnippet) snippet).name());
        } else if (snippet instanceof ExpressionSnippet expression
                && expression.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND) {
            String className = variableClasses.get(expression.name());
            Object candidate = className == null ? null : control.staticField(className, expression.name());
            // The wrapper may have been replaced since (redeclaration, dependency update): trust it only if it
            // renders exactly as the value JShell just read.
            if (candidate != null && expunge(KernelExecutionControl.text(candidate)).equals(value)) {
                object = candidate;
            }
        }
        return data(object, value);
    }

    private static ObjectNode data(Object object, String text) {
        if (object != null && MimeBundles.isRich(object)) {
            return MimeBundles.of(object, text);
        }
        ObjectNode data = KernelJson.object();
        data.put("text/plain", text);
        return data;
    }

    private static boolean isExecutable(Snippet snippet) {
        Snippet.Kind kind = snippet.kind();
        return kind == Snippet.Kind.EXPRESSION || kind == Snippet.Kind.STATEMENT || isTemporary(snippet);
    }

    private static boolean isTemporary(Snippet snippet) {
        return snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    private static boolean hasValue(Snippet snippet) {
        return (snippet.kind() == Snippet.Kind.EXPRESSION || isTemporary(snippet)) && snippet.subKind().hasValue();
    }

    private static void dropTemporaries(JShell js, List<SnippetEvent> events) {
        for (SnippetEvent event : events) {
            if (isTemporary(event.snippet()) && event.status().isActive()) {
                js.drop(event.snippet());
            }
        }
    }

    /** Says on stderr when a declaration exists but cannot be used yet, as the jshell tool does. */
    private void noteUnresolved(JShell js, Snippet snippet, SnippetEvent event) {
        if (!(snippet instanceof DeclarationSnippet declaration)
                || (event.status() != Snippet.Status.RECOVERABLE_DEFINED
                && event.status() != Snippet.Status.RECOVERABLE_NOT_DEFINED)) {
            return;
        }
        List<String> missing = js.unresolvedDependencies(declaration).toList();
        if (!missing.isEmpty()) {
            output.stderr(describe(declaration) + " was created, but cannot be used until "
                    + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " declared\n");
        }
    }

    private static String describe(Snippet snippet) {
        if (snippet instanceof MethodSnippet method) {
            return "method " + method.name() + "(" + method.parameterTypes() + ")";
        }
        if (snippet instanceof TypeDeclSnippet type) {
            return "type " + type.name();
        }
        if (snippet instanceof VarSnippet variable) {
            return "variable " + variable.name();
        }
        return snippet instanceof DeclarationSnippet declaration ? declaration.name() : "snippet";
    }

    // ---- errors -------------------------------------------------------------------------------------------

    private static Outcome.Failure failure(String ename, String evalue, List<String> details) {
        List<String> traceback = new ArrayList<>(details.size() + 1);
        traceback.add(evalue.isEmpty() ? ename : ename + ": " + evalue);
        traceback.addAll(details);
        return new Outcome.Failure(ename, evalue, traceback);
    }

    private static Outcome.Failure interrupted() {
        return failure(INTERRUPTED, "Evaluation interrupted", List.of());
    }

    /** A snippet javac rejected: each error with the offending source line marked. */
    private static Outcome.Failure compileFailure(JShell js, Snippet snippet) {
        List<Diag> diagnostics = js.diagnostics(snippet).toList();
        List<Diag> errors = diagnostics.stream().filter(Diag::isError).toList();
        if (errors.isEmpty()) {
            errors = diagnostics;
        }
        List<String> details = new ArrayList<>();
        String evalue = null;
        for (Diag diag : errors) {
            List<String> message = messageLines(diag);
            if (evalue == null) {
                evalue = String.join("\n", message);
            }
            details.addAll(excerpt(snippet.source(), diag.getStartPosition(), diag.getEndPosition()));
            details.addAll(message);
        }
        if (evalue == null) {
            List<String> missing = snippet instanceof DeclarationSnippet declaration
                    ? js.unresolvedDependencies(declaration).toList() : List.of();
            evalue = missing.isEmpty() ? "the snippet was rejected"
                    : "cannot find symbol: " + String.join(", ", missing);
            details.add(snippet.source());
        }
        return failure(COMPILE_ERROR, evalue, details);
    }

    private static List<String> messageLines(Diag diag) {
        List<String> lines = new ArrayList<>();
        for (String line : diag.getMessage(Locale.ROOT).split("\\R")) {
            if (!line.trim().startsWith("location:")) {
                lines.add(expunge(line));
            }
        }
        return lines;
    }

    /** The source line holding {@code [start, end)} and a line of carets under that range. */
    private static List<String> excerpt(String source, long start, long end) {
        if (start < 0 || start > source.length()) {
            return List.of();
        }
        int from = (int) start;
        int lineStart = source.lastIndexOf('\n', Math.max(0, from - 1)) + 1;
        if (from == 0) {
            lineStart = 0;
        }
        int lineEnd = source.indexOf('\n', from);
        if (lineEnd < 0) {
            lineEnd = source.length();
        }
        int to = (int) Math.min(Math.max(end, start + 1), lineEnd);
        String line = source.substring(lineStart, lineEnd);
        String carets = " ".repeat(from - lineStart) + "^".repeat(Math.max(1, to - from));
        return List.of("    " + line, "    " + carets);
    }

    private static Outcome.Failure runtimeFailure(JShell js, JShellException exception) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            DeclarationSnippet snippet = unresolved.getSnippet();
            List<String> missing = js.unresolvedDependencies(snippet).toList();
            String evalue = "attempted to use " + describe(snippet) + ", which cannot be invoked until "
                    + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " declared";
            return failure(COMPILE_ERROR, evalue, frames(unresolved.getStackTrace(), false));
        }
        String ename = exception instanceof EvalException eval ? eval.getExceptionClassName()
                : exception.getClass().getName();
        String evalue = exception.getMessage() == null ? "" : exception.getMessage();
        List<String> details = new ArrayList<>(frames(exception.getStackTrace(), false));
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
            String causeName = cause instanceof EvalException eval ? eval.getExceptionClassName()
                    : cause.getClass().getName();
            details.add("Caused by: " + causeName + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            details.addAll(frames(cause.getStackTrace(), false));
        }
        return failure(ename, evalue, details);
    }

    /** An exception thrown by a cell run from the compiled-cell cache (frames not translated by JShell). */
    private static Outcome.Failure userFailure(ExecutionControl.UserException exception) {
        String evalue = exception.getMessage() == null ? "" : exception.getMessage();
        List<String> details = new ArrayList<>(frames(exception.getStackTrace(), true));
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
            String causeName = cause instanceof ExecutionControl.UserException user ? user.causeExceptionClass()
                    : cause.getClass().getName();
            details.add("Caused by: " + causeName + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            details.addAll(frames(cause.getStackTrace(), true));
        }
        return failure(exception.causeExceptionClass(), evalue, details);
    }

    /** Stack frames as {@code "\tat ..."} lines, ending at the snippet's own frame. */
    private static List<String> frames(StackTraceElement[] trace, boolean untranslated) {
        List<String> lines = new ArrayList<>();
        for (StackTraceElement frame : trace) {
            String file = frame.getFileName();
            boolean snippetFrame = file != null && file.startsWith("#")
                    || frame.getClassName().startsWith("REPL.");
            if (snippetFrame) {
                String className = expunge(frame.getClassName());
                String method = KernelExecutionControl.DO_IT.equals(frame.getMethodName()) ? ""
                        : frame.getMethodName();
                String where = className.isEmpty() ? method : method.isEmpty() ? className : className + "." + method;
                String location = untranslated ? "cell" : file;
                lines.add("\tat " + where + "(" + location + ":" + frame.getLineNumber() + ")");
                if (KernelExecutionControl.DO_IT.equals(frame.getMethodName())
                        || (!untranslated && frame.getMethodName().isEmpty())) {
                    break; // below the snippet only the engine's reflection frames follow
                }
            } else {
                lines.add("\tat " + frame);
            }
        }
        return lines;
    }

    static String expunge(String text) {
        return text == null ? null : WRAPPER_PREFIX.matcher(text).replaceAll("");
    }

    // ---- language services ---------------------------------------------------------------------------------

    /** is_complete: {@code complete}, {@code incomplete} or {@code invalid}, and the indent for the next line. */
    String[] isComplete(String code) throws ExecutionException {
        SourceCodeAnalysis analysis = shell().sourceCodeAnalysis();
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> remaining = info.remaining();
                case EMPTY -> remaining = "";
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return new String[] {"incomplete", nextIndent(code)};
                }
                default -> {
                    return new String[] {"invalid", ""};
                }
            }
        }
        return new String[] {"complete", ""};
    }

    private static String nextIndent(String code) {
        String[] lines = code.split("\\R", -1);
        String last = "";
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                last = lines[i];
                break;
            }
        }
        int n = 0;
        while (n < last.length() && (last.charAt(n) == ' ' || last.charAt(n) == '\t')) {
            n++;
        }
        String indent = last.substring(0, n);
        String trimmed = last.stripTrailing();
        return trimmed.endsWith("{") || trimmed.endsWith("(") ? indent + "    " : indent;
    }

    /** complete: matches and the replaced range, in UTF-16 indexes. */
    record Completion(List<String> matches, int start, int end) {
    }

    Completion complete(String code, int cursor) throws ExecutionException {
        SourceCodeAnalysis analysis = shell().sourceCodeAnalysis();
        int[] anchor = {cursor};
        List<SourceCodeAnalysis.Suggestion> suggestions;
        try {
            suggestions = analysis.completionSuggestions(code, cursor, anchor);
        } catch (RuntimeException e) {
            log().debug("completion failed", e);
            return new Completion(List.of(), cursor, cursor);
        }
        List<String> matches = suggestions.stream()
                .sorted(Comparator.comparing((SourceCodeAnalysis.Suggestion s) -> !s.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .toList();
        return new Completion(matches, anchor[0], cursor);
    }

    /** inspect: signatures and javadoc of what is under the cursor (as Jupyter's "name?"), or null. */
    String inspect(String code, int cursor) throws ExecutionException {
        SourceCodeAnalysis analysis = shell().sourceCodeAnalysis();
        int at = Math.max(0, Math.min(cursor, code.length()));
        while (at < code.length() && Character.isJavaIdentifierPart(code.charAt(at))) {
            at++; // inspect the whole name, wherever the cursor is in it
        }
        int next = at;
        while (next < code.length() && Character.isWhitespace(code.charAt(next))) {
            next++;
        }
        if (next < code.length() && code.charAt(next) == '(') {
            at = next + 1; // a call: document the method rather than the name
        }
        List<SourceCodeAnalysis.Documentation> docs;
        try {
            docs = analysis.documentation(code, at, true);
        } catch (RuntimeException e) {
            log().debug("documentation failed", e);
            return null;
        }
        if (docs == null || docs.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation doc : docs) {
            if (text.length() > 0) {
                text.append("\n\n");
            }
            text.append(doc.signature());
            if (doc.javadoc() != null && !doc.javadoc().isBlank()) {
                text.append('\n').append(doc.javadoc());
            }
        }
        return text.toString();
    }

    /** For the banner / diagnostics: whether JShell is up. */
    boolean ready() {
        return shell.isDone() && !shell.isCompletedExceptionally();
    }
}
