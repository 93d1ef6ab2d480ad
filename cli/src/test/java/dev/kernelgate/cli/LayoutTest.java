package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout ARCHITECTURE.md draws, checked on the production sources of every module: each module imports only
 * the modules below it, and no two files use each other in a loop (within a package, a type used by its simple name
 * counts as a use).
 */
class LayoutTest {
    /** Module → the root packages its production code may use (its own first). */
    private static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("wire", List.of("wire"));
        ALLOWED.put("java-kernel", List.of("javakernel", "wire"));
        ALLOWED.put("kernelspecs", List.of("kernelspecs", "wire"));
        ALLOWED.put("kernels", List.of("kernels", "kernelspecs", "wire"));
        ALLOWED.put("http", List.of("http"));
        ALLOWED.put("gateway", List.of("gateway", "kernels", "http", "kernelspecs", "wire"));
        ALLOWED.put("execd-core", List.of("execd", "gateway", "kernels", "http", "kernelspecs", "wire"));
        ALLOWED.put("runtime", List.of("runtime", "execd", "gateway", "kernels", "http", "kernelspecs", "wire"));
        ALLOWED.put("cli", List.of("cli", "runtime", "execd", "gateway", "kernels", "http", "kernelspecs", "wire"));
        // Programs a user copies: they talk to a server through OpenSandbox's SDK and import nothing of ours.
        ALLOWED.put("examples", List.of("examples"));
    }

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(dev\\.kernelgate\\.[\\w.]+);",
            Pattern.MULTILINE);
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);
    private static final Pattern TYPE_NAME = Pattern.compile("\\b[A-Z]\\w*\\b");

    /** Production source files by fully qualified name. */
    private static final Map<String, SourceFile> FILES = new TreeMap<>();

    private record SourceFile(String module, String pkg, String name, String code) {
        String qualifiedName() {
            return pkg + "." + name;
        }
    }

    @BeforeAll
    static void readSources() throws IOException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        for (String module : ALLOWED.keySet()) {
            Path sources = repo.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(sources), sources + " is missing: update the module map");
            try (Stream<Path> walk = Files.walk(sources)) {
                walk.filter(p -> p.toString().endsWith(".java")).map(p -> read(module, p))
                        .forEach(f -> FILES.put(f.qualifiedName(), f));
            }
        }
        assertTrue(FILES.size() > 300, "read " + FILES.size() + " source files");
    }

    private static SourceFile read(String module, Path file) {
        try {
            String text = Files.readString(file);
            Matcher pkg = PACKAGE.matcher(text);
            String name = file.getFileName().toString().replace(".java", "");
            return new SourceFile(module, pkg.find() ? pkg.group(1) : "", name,
                    COMMENTS_AND_STRINGS.matcher(text).replaceAll(" "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyPackageBelongsToItsModuleAndEachModuleUsesOnlyTheOnesBelowIt() {
        List<String> violations = new ArrayList<>();
        for (SourceFile file : FILES.values()) {
            List<String> allowed = ALLOWED.get(file.module());
            String own = "dev.kernelgate." + allowed.get(0);
            if (!file.pkg().equals(own) && !file.pkg().startsWith(own + ".")) {
                violations.add(file.qualifiedName() + " is in module " + file.module() + ", whose package is " + own);
            }
            Matcher imports = IMPORT.matcher(file.code());
            while (imports.find()) {
                String root = imports.group(1).split("\\.")[2];
                if (!allowed.contains(root)) {
                    violations.add(file.qualifiedName() + " (" + file.module() + ") imports " + imports.group(1));
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void noFilesUseEachOtherInALoop() {
        Map<String, Set<String>> uses = new HashMap<>();
        Map<String, Map<String, String>> byPackage = new HashMap<>();
        FILES.values().forEach(f -> byPackage.computeIfAbsent(f.pkg(), p -> new HashMap<>())
                .put(f.name(), f.qualifiedName()));
        for (SourceFile file : FILES.values()) {
            Set<String> targets = new TreeSet<>();
            Matcher imports = IMPORT.matcher(file.code());
            while (imports.find()) {
                String imported = imports.group(1);
                // a static import names a member: its type is the longest prefix that is a file
                while (!FILES.containsKey(imported) && imported.contains(".")) {
                    imported = imported.substring(0, imported.lastIndexOf('.'));
                }
                if (FILES.containsKey(imported)) {
                    targets.add(imported);
                }
            }
            Matcher names = TYPE_NAME.matcher(IMPORT.matcher(file.code()).replaceAll(" "));
            Map<String, String> samePackage = byPackage.get(file.pkg());
            while (names.find()) {
                String target = samePackage.get(names.group());
                if (target != null) {
                    targets.add(target);
                }
            }
            targets.remove(file.qualifiedName());
            uses.put(file.qualifiedName(), targets);
        }
        assertEquals(List.of(), loops(uses), "files that use each other in a loop (file -> what it uses in the loop)");
    }

    /** Strongly connected components of more than one file (Tarjan), each as "file -> [used files in the loop]". */
    private static List<String> loops(Map<String, Set<String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<String> found = new ArrayList<>();
        int[] counter = {0};
        for (String start : uses.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, uses, index, low, stack, onStack, found, counter);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> uses, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<String> found,
                                int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, uses, index, low, stack, onStack, found, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                for (String file : component) {
                    Set<String> inLoop = new TreeSet<>(uses.get(file));
                    inLoop.retainAll(component);
                    found.add(file + " -> " + inLoop);
                }
            }
        }
    }
}
