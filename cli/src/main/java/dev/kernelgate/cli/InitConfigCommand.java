package dev.kernelgate.cli;

import dev.kernelgate.runtime.config.ConfigTemplates;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kernelgate init-config PATH --example local|docker|kubernetes [--force]}: a commented server config. */
@Command(name = "init-config", mixinStandardHelpOptions = true,
        description = "Write a commented sandbox server configuration template (TOML).")
final class InitConfigCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "Where to write it, e.g. ~/.sandbox.toml.")
    private Path target;

    @Option(names = "--example", defaultValue = "local", paramLabel = "RUNTIME",
            description = "Which runtime the template configures: local (default), docker or kubernetes.")
    private String example;

    @Option(names = "--force", description = "Overwrite an existing file.")
    private boolean force;

    @Override
    public Integer call() throws Exception {
        if (!ConfigTemplates.EXAMPLES.contains(example)) {
            System.err.println("kernelgate init-config: --example must be one of " + ConfigTemplates.EXAMPLES
                    + ", not '" + example + "'");
            return 2;
        }
        try {
            ConfigTemplates.write(target, example, force);
        } catch (FileAlreadyExistsException e) {
            System.err.println("kernelgate init-config: " + target + " exists; use --force to overwrite it");
            return 1;
        }
        System.out.println("wrote " + target + " (" + example + " runtime); set server.api_key before starting");
        return 0;
    }
}
