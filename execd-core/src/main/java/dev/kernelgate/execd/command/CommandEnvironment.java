package dev.kernelgate.execd.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment of a command, as upstream builds it, later sources overriding earlier ones:
 * <ol>
 *   <li>execd's own process environment;</li>
 *   <li>the {@code EXECD_ENVS} file, re-read on every run: {@code KEY=VALUE} lines, blank lines and {@code #}
 *       comments skipped, lines without {@code =} skipped, values {@code $}-expanded against the process
 *       environment with Go's {@code os.ExpandEnv} rules;</li>
 *   <li>the request's {@code envs}.</li>
 * </ol>
 * A missing or unreadable file contributes nothing. Thread-safe.
 */
public final class CommandEnvironment {

    private static final Logger log = LoggerFactory.getLogger(CommandEnvironment.class);

    private final Map<String, String> processEnv;
    private final Path envsFile;

    /**
     * @param processEnv the base environment (normally {@link System#getenv()})
     * @param envsFile   the {@code EXECD_ENVS} file, or {@code null} for none
     */
    public CommandEnvironment(Map<String, String> processEnv, Path envsFile) {
        this.processEnv = Map.copyOf(processEnv);
        this.envsFile = envsFile;
    }

    public static CommandEnvironment ofProcess(Path envsFile) {
        return new CommandEnvironment(System.getenv(), envsFile);
    }

    public Map<String, String> processEnv() {
        return processEnv;
    }

    /** The file entries (freshly read) overlaid by {@code requestEnvs}: what upstream calls the extra env. */
    public Map<String, String> extra(Map<String, String> requestEnvs) {
        Map<String, String> extra = new LinkedHashMap<>(fileEntries());
        if (requestEnvs != null) {
            extra.putAll(requestEnvs);
        }
        return extra;
    }

    /** Process env + file + {@code requestEnvs}. */
    public Map<String, String> build(Map<String, String> requestEnvs) {
        Map<String, String> env = new LinkedHashMap<>(processEnv);
        env.putAll(extra(requestEnvs));
        return env;
    }

    /** The {@code EXECD_ENVS} entries as of now. */
    public Map<String, String> fileEntries() {
        if (envsFile == null) {
            return Map.of();
        }
        String text;
        try {
            text = Files.readString(envsFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            log.debug("EXECD_ENVS file {} does not exist", envsFile);
            return Map.of();
        } catch (IOException | RuntimeException e) {
            log.warn("EXECD_ENVS: cannot read {}: {}", envsFile, e.toString());
            return Map.of();
        }
        return parse(text, processEnv);
    }

    static Map<String, String> parse(String text, Map<String, String> expansionEnv) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                log.warn("EXECD_ENVS: skipping malformed line: {}", line);
                continue;
            }
            entries.put(line.substring(0, eq), ShellExpansion.expand(line.substring(eq + 1), expansionEnv::get));
        }
        return entries;
    }
}
