package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.kernelspecs.KernelSpecSearchPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KernelspecsCommandTest {

    @TempDir
    Path tmp;

    private Path kernels;
    private Path dropIns;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        kernels = tmp.resolve("kernels");
        dropIns = tmp.resolve("drop-ins");
        write(kernels.resolve("python3/kernel.json"), """
                {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                 "display_name": "Python 3 (ipykernel)", "language": "python", "metadata": {"debugger": true}}
                """);
        write(kernels.resolve("python3/logo-64x64.png"), "png");
        write(dropIns.resolve("rkernel.json"),
                "{\"argv\":[\"R\",\"--slave\",\"-e\",\"IRkernel::main()\"],\"display_name\":\"R\",\"language\":\"R\"}");
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** Runs {@code kernelgate args...} against a host whose only kernelspecs are the temp ones. */
    private int run(String... args) {
        return run(new HostEnvironment(Map.of(), tmp.resolve("home"), List.of(tmp.resolve("no-system-dir"))), args);
    }

    private int run(HostEnvironment host, String... args) {
        CommandLine cli = Main.commandLine(host);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        if (args.length > 0 && args[0].equals("kernelspecs") && !java.util.Arrays.asList(args).contains("install")
                && !bundled) {
            String[] withFlag = java.util.Arrays.copyOf(args, args.length + 1);
            withFlag[args.length] = "--no-bundled";
            return cli.execute(withFlag);
        }
        return cli.execute(args);
    }

    /** Whether {@link #run} lists the bundled kernels too; most tests look at their temp specs alone. */
    private boolean bundled;

    @Test
    void listsTheBundledJavaKernelAndInstallsItForJupyter() throws Exception {
        bundled = true;
        assertEquals(0, run("kernelspecs", "--kernel-dir", kernels.toString()), err::toString);
        assertTrue(out.toString().lines().anyMatch(l -> l.trim().startsWith("java ")), out::toString);

        Path prefix = tmp.resolve("prefix");
        assertEquals(0, run("kernelspecs", "install", "java", "--prefix", prefix.toString()), err::toString);
        assertIsTheJavaKernelspec(prefix.resolve("share/jupyter/kernels/java"));
        assertEquals(2, run("kernelspecs", "install", "cobol", "--user"));
    }

    /** The user data dir as {@code jupyter --data-dir} finds it: JUPYTER_DATA_DIR, else XDG_DATA_HOME, else HOME. */
    @Test
    void installForTheUserWritesWhereJupyterLooks() throws Exception {
        Path data = tmp.resolve("d");
        HostEnvironment withDataDir = HostEnvironment.of(Map.of("JUPYTER_DATA_DIR", data.toString(),
                "XDG_DATA_HOME", tmp.resolve("xdg").toString(), "HOME", tmp.resolve("home").toString()));
        assertEquals(0, run(withDataDir, "kernelspecs", "install", "java", "--user"), err::toString);
        assertIsTheJavaKernelspec(data.resolve("kernels/java"));
        assertTrue(out.toString().contains("Installed kernelspec java in " + data.resolve("kernels/java")), out::toString);
        // The listing of the same host finds it there.
        out.getBuffer().setLength(0);
        assertEquals(0, run(withDataDir, "kernelspecs", "--json"), err::toString);
        JsonNode listed = new ObjectMapper().readTree(out.toString());
        assertEquals(data.resolve("kernels/java").toString(),
                listed.path("kernelspecs").path("java").path("resource_dir").asText(), out::toString);

        Path xdg = tmp.resolve("xdg-only");
        assertEquals(0, run(HostEnvironment.of(Map.of("XDG_DATA_HOME", xdg.toString(),
                "HOME", tmp.resolve("home2").toString())), "kernelspecs", "install", "java", "--user"), err::toString);
        assertIsTheJavaKernelspec(xdg.resolve("jupyter/kernels/java"));

        Path home = tmp.resolve("home3");
        assertEquals(0, run(HostEnvironment.of(Map.of("HOME", home.toString())),
                "kernelspecs", "install", "java", "--user"), err::toString);
        assertIsTheJavaKernelspec(home.resolve(".local/share/jupyter/kernels/java"));
    }

    @Test
    void installWithoutATargetUsesTheFirstSystemDataDir() throws Exception {
        Path system = tmp.resolve("usr-local-share-jupyter");
        HostEnvironment host = new HostEnvironment(Map.of(), tmp.resolve("home"), List.of(system, tmp.resolve("usr")));
        assertEquals(0, run(host, "kernelspecs", "install", "java"), err::toString);
        assertIsTheJavaKernelspec(system.resolve("kernels/java"));
    }

    @Test
    void installForTheUserAndIntoAPrefixAtOnceIsRefused() {
        Path prefix = tmp.resolve("prefix");
        HostEnvironment host = HostEnvironment.of(Map.of("JUPYTER_DATA_DIR", tmp.resolve("d").toString()));

        assertEquals(2, run(host, "kernelspecs", "install", "java", "--user", "--prefix", prefix.toString()));

        assertTrue(err.toString().contains("--user, --prefix=DIR are mutually exclusive"), err::toString);
        assertTrue(Files.notExists(prefix) && Files.notExists(tmp.resolve("d")), "nothing was installed");
    }

    /** kernel.json as Jupyter tools need it, and both logos as PNG files. */
    private static void assertIsTheJavaKernelspec(Path dir) throws IOException {
        JsonNode json = new ObjectMapper().readTree(dir.resolve("kernel.json").toFile());
        assertEquals("Java", json.path("display_name").asText());
        assertEquals("java", json.path("language").asText());
        assertEquals("message", json.path("interrupt_mode").asText());
        JsonNode argv = json.path("argv");
        assertTrue(argv.get(0).asText().endsWith("/bin/java"), argv::toString);
        assertEquals("{connection_file}", argv.get(argv.size() - 1).asText());
        for (String logo : List.of("logo-32x32.png", "logo-64x64.png")) {
            byte[] png = Files.readAllBytes(dir.resolve(logo));
            assertEquals("\u0089PNG", new String(png, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1), logo);
        }
    }

    /** Issue 2, must hold 7: the real host's listing names Debian's kernels (python3-ipykernel, r-cran-irkernel). */
    @Test
    void listsTheDebianKernels() {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/jupyter/kernels/python3")),
                "Debian's Jupyter kernels are not installed here");
        bundled = true;
        assertEquals(0, run(HostEnvironment.current(), "kernelspecs"), err::toString);
        Map<String, String> languages = listedLanguages();
        assertEquals("python", languages.get("python3"), out::toString);
        assertEquals("R", languages.get("ir"), out::toString);
        assertEquals("java", languages.get("java"), out::toString);
    }

    /** Tests run as root, where permissions stop nothing: a regular file in the cache path makes it unwritable. */
    @Test
    void listsTheBundledJavaKernelWhenTheCacheDirCannotBeWritten() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        bundled = true;
        HostEnvironment host = new HostEnvironment(Map.of("XDG_CACHE_HOME", file.resolve("cache").toString()),
                tmp.resolve("home"), List.of());
        assertEquals(0, run(host, "kernelspecs"), err::toString);
        assertEquals("java", listedLanguages().get("java"), out::toString);
    }

    /** The table's kernel names and their languages. */
    private Map<String, String> listedLanguages() {
        Map<String, String> languages = new java.util.LinkedHashMap<>();
        out.toString().lines().skip(1).map(l -> l.trim().split("\\s+")).forEach(f -> languages.put(f[0], f[1]));
        return languages;
    }

    @Test
    void listsKernelspecsInAlignedColumns() {
        int exit = run("kernelspecs", "--kernel-dir", kernels.toString(), "--drop-in-dir", dropIns.toString());

        assertEquals(0, exit, err::toString);
        assertEquals(String.join(System.lineSeparator(),
                "Available kernels:",
                "  python3    python    " + kernels.resolve("python3"),
                "  rkernel    R         " + dropIns.resolve("rkernel.json")
                        + "    (not launchable: no {connection_file} in argv)",
                ""), out.toString());
    }

    @Test
    void jsonHasResourceDirSpecLanguageAndLaunchable() throws Exception {
        int exit = run("kernelspecs", "--json", "--kernel-dir", kernels.toString(), "--drop-in-dir", dropIns.toString());

        assertEquals(0, exit, err::toString);
        JsonNode specs = new ObjectMapper().readTree(out.toString()).get("kernelspecs");
        assertEquals(List.of("python3", "rkernel"), List.copyOf(specs.properties().stream().map(Map.Entry::getKey).toList()));

        JsonNode python = specs.get("python3");
        assertEquals(kernels.resolve("python3").toString(), python.get("resource_dir").asText());
        assertEquals("python", python.get("language").asText());
        assertTrue(python.get("launchable").asBoolean());
        assertEquals(new ObjectMapper().readTree("""
                {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "env": {},
                 "display_name": "Python 3 (ipykernel)", "language": "python", "interrupt_mode": "signal",
                 "metadata": {"debugger": true}}
                """), python.get("spec"));

        JsonNode r = specs.get("rkernel");
        assertEquals(dropIns.toString(), r.get("resource_dir").asText());
        assertEquals("R", r.get("spec").get("language").asText());
        assertFalse(r.get("launchable").asBoolean());
        assertTrue(out.toString().contains("\"launchable\": false"), "Python-style ': ' separators");
    }

    private KernelSpecSearchPath parsedSearchPath(String... args) {
        KernelspecsCommand command = new KernelspecsCommand(
                new HostEnvironment(Map.of("JUPYTER_PATH", "/jp"), Path.of("/home/ada"), List.of(Path.of("/usr/share/jupyter"))));
        String[] withFlag = java.util.Arrays.copyOf(args, args.length + 1);
        withFlag[args.length] = "--no-bundled";
        new CommandLine(command).parseArgs(withFlag);
        return command.searchPath();
    }

    @Test
    void dropInDirsDefaultToEtcKernelgateThenEtcOpensandboxAndAreReplacedWhenGiven() {
        KernelSpecSearchPath defaults = parsedSearchPath();
        assertEquals(List.of(Path.of("/etc/kernelgate/kernelspecs"), Path.of("/etc/opensandbox/kernelspecs")),
                defaults.dropInDirs());
        assertEquals(List.of(Path.of("/jp/kernels"), Path.of("/home/ada/.local/share/jupyter/kernels"),
                Path.of("/usr/share/jupyter/kernels")), defaults.kernelDirs());

        KernelSpecSearchPath given = parsedSearchPath("--drop-in-dir", "/a", "--drop-in-dir", "/b", "--kernel-dir", "/k");
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), given.dropInDirs());
        assertEquals(Path.of("/k"), given.kernelDirs().get(given.kernelDirs().size() - 1));

        run("kernelspecs", "--kernel-dir", kernels.toString());
        assertFalse(out.toString().contains("rkernel"), out::toString);
    }

    @Test
    void repeatedDirectoriesAreAllSearched() throws IOException {
        Path moreKernels = tmp.resolve("more-kernels");
        Path moreDropIns = tmp.resolve("more-drop-ins");
        write(moreKernels.resolve("java/kernel.json"), "{\"argv\": [\"java\", \"{connection_file}\"], \"language\": \"java\"}");
        write(moreDropIns.resolve("julia.json"), "{\"argv\": [\"julia\", \"{connection_file}\"], \"language\": \"julia\"}");

        int exit = run("kernelspecs", "--kernel-dir", kernels.toString(), "--kernel-dir", moreKernels.toString(),
                "--drop-in-dir", dropIns.toString(), "--drop-in-dir", moreDropIns.toString());

        assertEquals(0, exit, err::toString);
        assertEquals(List.of("java", "julia", "python3", "rkernel"), List.copyOf(listedLanguages().keySet()));
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("Missing required subcommand"), err::toString);
        assertTrue(err.toString().contains("kernelspecs"), err::toString);
    }

    @Test
    void versionComesFromTheManifestOrIsDev() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("kernelgate "), out::toString);
    }
}
