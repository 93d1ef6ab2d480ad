package dev.kernelgate.cli;

import dev.kernelgate.runtime.config.ConfigTemplates;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kernelgate init-config PATH --example local|docker|kubernetes [--force]}: a commented server config. */
@Command(name = "init-config", mixinStandardHelpOptions = true,
        description = "Write a commented sandbox server configuration template (TOML).")
final class InitConfigCommand implements Callable<Integer> {
    /** Said when a local template is written: the local runtime isolates nothing from the server. */
    static final String LOCAL_WARNING = "warning: the local runtime runs sandbox code as this user on this host,"
            + " without isolation: code inside a sandbox can read the server's API key (from this file and from"
            + " /proc/<server pid>/environ) and whatever else this user can. Use it for trusted code only; use the"
            + " docker or kubernetes runtime for untrusted code.";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "Where to write it, e.g. ~/.sandbox.toml.")
    private Path target;

    @Option(names = "--example", defaultValue = "local", paramLabel = "RUNTIME",
            description = "Which runtime the template configures: local (default), docker or kubernetes.")
    private String example;

    @Option(names = "--force", description = "Overwrite an existing file.")
    private boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!ConfigTemplates.EXAMPLES.contains(example)) {
            err.println("kernelgate init-config: --example must be one of " + ConfigTemplates.EXAMPLES
                    + ", not '" + example + "'");
            return 2;
        }
        try {
            ConfigTemplates.write(target, example, force);
        } catch (FileAlreadyExistsException e) {
            err.println("kernelgate init-config: " + target + " exists; use --force to overwrite it");
            return 1;
        }
        spec.commandLine().getOut().println("wrote " + target + " (" + example
                + " runtime); set server.api_key before starting");
        if (example.equals("local")) {
            err.println(LOCAL_WARNING);
        }
        err.flush();
        return 0;
    }
}
