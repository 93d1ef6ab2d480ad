package dev.kernelgate.kernelspecs;

import dev.kernelgate.kernelspecs.KernelSpecSearchPath.Layout;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath.Location;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernelspecs that exist, found along a {@link KernelSpecSearchPath}.
 *
 * <p>Every call rescans: it lists the search path's directories and parses only the small spec files it needs, so
 * a spec dropped in (or removed) shows up on the next call without a restart. A name belongs to the first location
 * that has it (names are compared lower-cased); as in jupyter_client, a broken spec file still claims its name, and
 * that name is then absent. A broken file, an invalid name or an unreadable directory is logged once (one WARN per
 * file version) and skipped; a missing directory is skipped silently; no method throws because of the file system.
 * Thread-safe.
 */
public final class KernelSpecCatalog {

    private static final Logger log = LoggerFactory.getLogger(KernelSpecCatalog.class);
    private static final int MAX_REMEMBERED_WARNINGS = 10_000;

    private final KernelSpecSearchPath searchPath;
    private final KernelSpecParser parser;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public KernelSpecCatalog(KernelSpecSearchPath searchPath) {
        this(searchPath, new KernelSpecParser());
    }

    public KernelSpecCatalog(KernelSpecSearchPath searchPath, KernelSpecParser parser) {
        this.searchPath = Objects.requireNonNull(searchPath, "searchPath");
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    public KernelSpecSearchPath searchPath() {
        return searchPath;
    }

    /** Every valid kernelspec, sorted by name. */
    public List<KernelSpec> all() {
        List<KernelSpec> specs = loadAll();
        specs.sort(Comparator.comparing(KernelSpec::name));
        return specs;
    }

    /** The kernelspec of that name (case-insensitive). */
    public Optional<KernelSpec> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Candidate candidate = locate().get(name.toLowerCase(Locale.ROOT));
        return candidate == null ? Optional.empty() : load(candidate);
    }

    /**
     * A kernelspec whose {@code language} equals {@code language} (case-insensitive): the one whose name is the
     * language if there is one, else the first in discovery order.
     */
    public Optional<KernelSpec> findByLanguage(String language) {
        if (language == null) {
            return Optional.empty();
        }
        List<KernelSpec> matches = loadAll().stream().filter(s -> s.language().equalsIgnoreCase(language)).toList();
        return matches.stream()
                .filter(s -> s.name().equalsIgnoreCase(language))
                .findFirst()
                .or(() -> matches.stream().findFirst());
    }

    /** {@link #find(String) By name} first, then {@link #findByLanguage(String) by language}. */
    public Optional<KernelSpec> resolve(String nameOrLanguage) {
        return find(nameOrLanguage).or(() -> findByLanguage(nameOrLanguage));
    }

    /** Valid specs in discovery order. */
    private List<KernelSpec> loadAll() {
        List<KernelSpec> specs = new ArrayList<>();
        for (Candidate candidate : locate().values()) {
            load(candidate).ifPresent(specs::add);
        }
        return specs;
    }

    private Optional<KernelSpec> load(Candidate candidate) {
        try {
            return Optional.of(parser.parse(candidate.name(), candidate.specFile(), candidate.resourceDir()));
        } catch (InvalidKernelSpecException e) {
            warnOnce(versionKey(candidate.specFile()), "Skipping kernelspec '{}': {}", candidate.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Names to spec files in discovery order, the first location having a name winning. Lists directories only. */
    private Map<String, Candidate> locate() {
        Map<String, Candidate> found = new LinkedHashMap<>();
        for (Location location : searchPath.locations()) {
            for (Path entry : list(location.dir())) {
                Candidate candidate = location.layout() == Layout.KERNEL_DIRS ? kernelDirEntry(entry) : dropInEntry(entry);
                if (candidate != null) {
                    found.putIfAbsent(candidate.name(), candidate);
                }
            }
        }
        return found;
    }

    private Candidate kernelDirEntry(Path kernelDir) {
        Path specFile = kernelDir.resolve(KernelSpec.KERNEL_JSON);
        if (!Files.isRegularFile(specFile)) {
            return null;
        }
        String name = String.valueOf(kernelDir.getFileName()).toLowerCase(Locale.ROOT);
        if (!KernelSpec.isValidName(name)) {
            warnOnce("name:" + kernelDir, "Skipping kernelspec directory {}: invalid name (only ASCII letters, digits"
                    + " and . _ - are allowed)", kernelDir);
            return null;
        }
        return new Candidate(name, specFile, kernelDir);
    }

    private Candidate dropInEntry(Path file) {
        String fileName = String.valueOf(file.getFileName());
        if (fileName.startsWith(".") || !fileName.toLowerCase(Locale.ROOT).endsWith(".json")
                || !Files.isRegularFile(file)) {
            return null;
        }
        if (fileName.equals(KernelSpec.KERNEL_JSON)) {
            warnOnce("name:" + file, "Skipping {}: a drop-in kernelspec is named after its kernel, e.g. "
                    + "<name>.json; 'kernel.json' belongs in a <name>/ directory of a kernels directory", file);
            return null;
        }
        String name = fileName.substring(0, fileName.length() - ".json".length()).toLowerCase(Locale.ROOT);
        if (!KernelSpec.isValidName(name)) {
            warnOnce("name:" + file, "Skipping drop-in kernelspec {}: invalid name (only ASCII letters, digits"
                    + " and . _ - are allowed)", file);
            return null;
        }
        return new Candidate(name, file, file.getParent());
    }

    /** The directory's entries sorted by file name; none if it is missing, unreadable or not a directory. */
    private List<Path> list(Path dir) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
            warnOnce("dir:" + dir + ":" + e.getClass().getName(), "Skipping kernelspec directory {}: {}", dir, e.toString());
            return List.of();
        }
        entries.sort(Comparator.comparing(p -> String.valueOf(p.getFileName())));
        return entries;
    }

    /** Identifies one version of a file, so an edited file that is still broken is reported again. */
    private static String versionKey(Path file) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return "file:" + file + ":" + attrs.lastModifiedTime().toMillis() + ":" + attrs.size();
        } catch (IOException | SecurityException e) {
            return "file:" + file + ":" + e.getClass().getName();
        }
    }

    private void warnOnce(String key, String format, Object... args) {
        if (warned.size() >= MAX_REMEMBERED_WARNINGS) {
            warned.clear();
        }
        if (warned.add(key)) {
            log.warn(format, args);
        } else if (log.isDebugEnabled()) {
            log.debug(format, args);
        }
    }

    private record Candidate(String name, Path specFile, Path resourceDir) {
    }
}
