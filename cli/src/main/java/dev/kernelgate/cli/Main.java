package dev.kernelgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kernelgate}: the one launcher for every face. Each face is a picocli subcommand, a thin layer that reads
 * its options and hands them to the library; add one by listing its class in {@code subcommands} below.
 */
@Command(
        name = "kernelgate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.ManifestVersion.class,
        description = "Jupyter kernel gateway, OpenSandbox execd and sandbox server in one JVM.",
        subcommands = {
            KernelspecsCommand.class,
            GatewayCommand.class,
            ExecdCommand.class,
            EgressCommand.class,
            ServerCommand.class,
            InitConfigCommand.class,
            ListImagesCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit code 2. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The command line with Kernelgate's defaults; {@code factory} creates the subcommands (tests inject theirs). */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        return new CommandLine(new Main(), factory).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** The command line whose commands read {@code host} (environment, home, Jupyter's system dirs). */
    public static CommandLine commandLine(HostEnvironment host) {
        return commandLine(new HostCommandFactory(host));
    }

    public static CommandLine commandLine() {
        return commandLine(HostEnvironment.current());
    }

    public static void main(String[] args) {
        ProcessLaunch.preferDirectExec();
        System.exit(commandLine().execute(args));
    }

    /** {@code kernelgate --version}: the version the shaded jar's manifest carries, else "dev". */
    static final class ManifestVersion implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kernelgate " + version()};
        }

        static String version() {
            String version = Main.class.getPackage().getImplementationVersion();
            return version == null ? "dev" : version;
        }
    }
}
