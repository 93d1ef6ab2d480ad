package dev.kernelgate.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.kernelspecs.BundledKernels;
import dev.kernelgate.kernelspecs.KernelSpec;
import dev.kernelgate.kernelspecs.KernelSpecCatalog;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kernelgate kernelspecs}: the kernelspecs the gateway would offer, like {@code jupyter kernelspec list}. */
@Command(
        name = "kernelspecs",
        mixinStandardHelpOptions = true,
        subcommands = KernelspecInstallCommand.class,
        description = {
            "List the kernelspecs Kernelgate finds, like 'jupyter kernelspec list'.",
            "Search order: $JUPYTER_PATH/kernels, the Jupyter user data dir, /usr/local/share/jupyter/kernels,"
                    + " /usr/share/jupyter/kernels, each --kernel-dir, the bundled Java kernel, each --drop-in-dir"
                    + " (default /etc/kernelgate/kernelspecs, then /etc/opensandbox/kernelspecs). The first spec of a"
                    + " name wins."
        })
public final class KernelspecsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print JSON: {\"kernelspecs\": {name: {resource_dir, spec, language, launchable}}}.")
    private boolean json;

    @Option(names = "--kernel-dir", paramLabel = "DIR",
            description = "An extra kernels directory (<name>/kernel.json inside). Repeatable.")
    private List<Path> kernelDirs = new ArrayList<>();

    @Option(names = "--drop-in-dir", paramLabel = "DIR",
            description = "A directory of flat <name>.json kernelspecs. Repeatable; replaces the defaults,"
                    + " /etc/kernelgate/kernelspecs then /etc/opensandbox/kernelspecs.")
    private List<Path> dropInDirs;

    @Option(names = "--no-bundled", negatable = false,
            description = "Leave out the kernels bundled with Kernelgate (the Java kernel).")
    private boolean noBundled;

    private final HostEnvironment host;

    public KernelspecsCommand() {
        this(HostEnvironment.current());
    }

    KernelspecsCommand(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public Integer call() throws Exception {
        List<KernelSpec> specs = new KernelSpecCatalog(searchPath()).all();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(specs, out);
        } else {
            printTable(specs, out);
        }
        out.flush();
        return 0;
    }

    /** Where this invocation looks: the host's Jupyter path, then the --kernel-dir and --drop-in-dir options. */
    KernelSpecSearchPath searchPath() {
        List<Path> dirs = new ArrayList<>(kernelDirs);
        if (!noBundled) {
            dirs.add(BundledKernels.install(host.env(), host.home()));
        }
        return KernelSpecSearchPath.fromEnvironment(host.env(), host.home(), host.systemDataDirs(), dirs,
                dropInDirs == null ? KernelSpecSearchPath.DEFAULT_DROP_IN_DIRS : dropInDirs);
    }

    private static void printTable(List<KernelSpec> specs, PrintWriter out) {
        int nameWidth = specs.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        int languageWidth = specs.stream().mapToInt(s -> s.language().length()).max().orElse(0);
        out.println("Available kernels:");
        for (KernelSpec s : specs) {
            String path = (s.dropIn() ? s.specFile() : s.resourceDir()).toString();
            String line = "  " + pad(s.name(), nameWidth) + "    " + pad(s.language(), languageWidth) + "    " + path;
            if (!s.launchable()) {
                line += "    (not launchable: no {connection_file} in argv)";
            }
            out.println(line);
        }
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }

    private static void printJson(List<KernelSpec> specs, PrintWriter out) throws Exception {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode byName = root.putObject("kernelspecs");
        for (KernelSpec s : specs) {
            ObjectNode entry = byName.putObject(s.name());
            entry.put("resource_dir", s.resourceDir().toString());
            entry.set("spec", s.toJson());
            entry.put("language", s.language());
            entry.put("launchable", s.launchable());
        }
        // Indented like Python's json.dumps(indent=2), which 'jupyter kernelspec list --json' uses.
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        printer.indentArraysWith(new DefaultIndenter("  ", "\n"));
        out.println(new ObjectMapper().writer(printer).writeValueAsString(root));
    }
}
