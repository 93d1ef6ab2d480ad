package dev.kernelgate.cli;

import dev.kernelgate.runtime.config.ConfigException;
import dev.kernelgate.runtime.config.ConfigImages;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kernelgate list-images [--config FILE]}: the images the server configuration names, one per line. */
@Command(name = "list-images", mixinStandardHelpOptions = true,
        description = {"Print the container images the sandbox server configuration names, one per line",
            "([runtime] execd_image, [egress] image), e.g. to pre-pull them when a node starts.",
            "Config: --config, else $SANDBOX_CONFIG_PATH, else ~/.sandbox.toml."})
final class ListImagesCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration file.")
    private Path config;

    @Spec
    private CommandSpec spec;

    private final HostEnvironment host;

    ListImagesCommand() {
        this(HostEnvironment.current());
    }

    ListImagesCommand(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        ServerConfig settings;
        try {
            settings = ServerConfigLoader.load(ServerConfigLoader.locate(config, host.env(), host.home()), host.env());
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("kernelgate list-images: " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        ConfigImages.of(settings).forEach(out::println);
        out.flush();
        return 0;
    }
}
