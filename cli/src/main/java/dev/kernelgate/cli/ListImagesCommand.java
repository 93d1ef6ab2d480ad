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

/**
 * {@code kernelgate list-images [--config FILE]}: the images the configured runtime needs, one per line (see
 * {@link ConfigImages}); keys it leaves out because the runtime does not use them are named on stderr.
 */
@Command(name = "list-images", mixinStandardHelpOptions = true,
        description = {"Print the container images the configured runtime needs on a node, one per line, to pre-pull",
            "them when the node starts: for docker, [runtime] sandbox_images; for kubernetes, [runtime]",
            "sandbox_images and the init image [runtime] execd_image; for local, nothing.",
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
        PrintWriter err = spec.commandLine().getErr();
        for (String key : ConfigImages.unused(settings)) {
            err.println("kernelgate list-images: " + key + " left out: the " + settings.runtime().type()
                    + " runtime does not use it");
        }
        err.flush();
        return 0;
    }
}
