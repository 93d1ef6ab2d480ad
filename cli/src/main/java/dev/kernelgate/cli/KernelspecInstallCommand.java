package dev.kernelgate.cli;

import dev.kernelgate.kernelspecs.BundledKernels;
import dev.kernelgate.kernelspecs.JavaKernelSpec;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kernelgate kernelspecs install java}: writes the bundled Java kernel's kernelspec into a Jupyter data dir,
 * so jupyter_server, JupyterLab and other Jupyter tools can start it, like {@code jupyter kernelspec install}.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Install a bundled kernel's kernelspec for Jupyter tools (default: /usr/local/share/jupyter).")
final class KernelspecInstallCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KERNEL", description = "The bundled kernel to install: java.")
    private String kernel;

    @ArgGroup(exclusive = true)
    private Target target = new Target();

    static final class Target {
        @Option(names = "--user", description = "Install into the user's Jupyter data dir (kernels in "
                + "$JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter).")
        boolean user;

        @Option(names = "--prefix", paramLabel = "DIR", description = "Install into DIR/share/jupyter/kernels.")
        Path prefix;
    }

    private final HostEnvironment host;

    KernelspecInstallCommand() {
        this(HostEnvironment.current());
    }

    KernelspecInstallCommand(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public Integer call() throws Exception {
        if (!JavaKernelSpec.NAME.equals(kernel)) {
            spec.commandLine().getErr().println("kernelgate: no bundled kernel named '" + kernel + "' (bundled: java)");
            return 2;
        }
        Path kernels = kernelsDir();
        Path dir;
        try {
            dir = JavaKernelSpec.forCurrentJvm(BundledKernels.cacheDir(host.env(), host.home())).writeTo(kernels);
        } catch (IOException e) {
            spec.commandLine().getErr().println("kernelgate: cannot install kernelspec java in " + kernels + ": " + e);
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Installed kernelspec java in " + dir);
        out.flush();
        return 0;
    }

    /** Where {@code jupyter kernelspec install} would put it: the user data dir, PREFIX, or the first system dir. */
    private Path kernelsDir() {
        if (target.user) {
            return KernelSpecSearchPath.userDataDir(host.env(), host.home()).resolve("kernels");
        }
        if (target.prefix != null) {
            return target.prefix.resolve("share").resolve("jupyter").resolve("kernels");
        }
        return host.systemDataDirs().stream().findFirst().orElse(KernelSpecSearchPath.SYSTEM_DATA_DIRS.get(0))
                .resolve("kernels");
    }
}
