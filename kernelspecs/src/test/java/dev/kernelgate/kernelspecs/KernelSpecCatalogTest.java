package dev.kernelgate.kernelspecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class KernelSpecCatalogTest {

    private static final String R_DROP_IN =
            "{\"argv\":[\"R\",\"--slave\",\"-e\",\"IRkernel::main()\"],\"display_name\":\"R\",\"language\":\"R\"}";

    @TempDir
    Path tmp;

    private Path jupyterPath1;
    private Path jupyterPath2;
    private Path home;
    private Path usrLocal;
    private Path usr;
    private Path extra;
    private Path dropIns;

    private final Logger catalogLogger = (Logger) LoggerFactory.getLogger(KernelSpecCatalog.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void setUp() {
        jupyterPath1 = tmp.resolve("jp1");
        jupyterPath2 = tmp.resolve("jp2");
        home = tmp.resolve("home");
        usrLocal = tmp.resolve("usr-local-share-jupyter");
        usr = tmp.resolve("usr-share-jupyter");
        extra = tmp.resolve("extra-kernels");
        dropIns = tmp.resolve("drop-ins");
        logs.start();
        catalogLogger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        catalogLogger.detachAppender(logs);
    }

    private KernelSpecCatalog catalog(Map<String, String> env) {
        return new KernelSpecCatalog(KernelSpecSearchPath.fromEnvironment(env, home, List.of(usrLocal, usr),
                List.of(extra), List.of(dropIns)));
    }

    private KernelSpecCatalog catalog() {
        return catalog(Map.of("JUPYTER_PATH", jupyterPath1 + ":" + jupyterPath2));
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static String displayName(Optional<KernelSpec> spec) {
        return spec.orElseThrow().displayName();
    }

    @Test
    void firstLocationHavingANameWinsInJupyterOrder() {
        Path userKernels = home.resolve(".local/share/jupyter/kernels");
        SpecFiles.kernelDir(usr.resolve("kernels"), "shared", SpecFiles.spec("from usr", "x"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "only-usr", SpecFiles.spec("from usr", "x"));
        SpecFiles.kernelDir(usrLocal.resolve("kernels"), "shared", SpecFiles.spec("from usr-local", "x"));
        SpecFiles.kernelDir(usrLocal.resolve("kernels"), "sys", SpecFiles.spec("from usr-local", "x"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "sys", SpecFiles.spec("from usr", "x"));
        SpecFiles.kernelDir(userKernels, "shared", SpecFiles.spec("from user", "x"));
        SpecFiles.kernelDir(userKernels, "user", SpecFiles.spec("from user", "x"));
        SpecFiles.kernelDir(usrLocal.resolve("kernels"), "user", SpecFiles.spec("from usr-local", "x"));
        SpecFiles.kernelDir(jupyterPath2.resolve("kernels"), "shared", SpecFiles.spec("from jp2", "x"));
        SpecFiles.kernelDir(jupyterPath2.resolve("kernels"), "jp", SpecFiles.spec("from jp2", "x"));
        SpecFiles.kernelDir(jupyterPath1.resolve("kernels"), "shared", SpecFiles.spec("from jp1", "x"));
        SpecFiles.kernelDir(extra, "shared", SpecFiles.spec("from extra", "x"));
        SpecFiles.kernelDir(extra, "only-extra", SpecFiles.spec("from extra", "x"));
        SpecFiles.write(dropIns.resolve("shared.json"), SpecFiles.spec("from drop-in", "x"));
        SpecFiles.write(dropIns.resolve("only-usr.json"), SpecFiles.spec("from drop-in", "x"));

        KernelSpecCatalog catalog = catalog();

        assertEquals(List.of("jp", "only-extra", "only-usr", "shared", "sys", "user"),
                catalog.all().stream().map(KernelSpec::name).toList(), "all() is sorted by name");
        assertEquals("from jp1", displayName(catalog.find("shared")));
        assertEquals("from jp2", displayName(catalog.find("jp")));
        assertEquals("from user", displayName(catalog.find("user")));
        assertEquals("from usr-local", displayName(catalog.find("sys")));
        assertEquals("from usr", displayName(catalog.find("only-usr")));
        assertEquals("from extra", displayName(catalog.find("only-extra")));
        assertEquals(usr.resolve("kernels/only-usr"), catalog.find("only-usr").orElseThrow().resourceDir());
        assertEquals(List.of(), warnings());
    }

    @Test
    void bothDropInDirsAreSearchedAndTheFirstWinsANameClash() {
        // Stand-ins for /etc/kernelgate/kernelspecs and /etc/opensandbox/kernelspecs, in the default order.
        Path kernelgateDir = tmp.resolve("etc-kernelgate-kernelspecs");
        Path opensandboxDir = tmp.resolve("etc-opensandbox-kernelspecs");
        SpecFiles.write(kernelgateDir.resolve("shared.json"), SpecFiles.spec("from kernelgate", "x"));
        SpecFiles.write(opensandboxDir.resolve("shared.json"), SpecFiles.spec("from opensandbox", "x"));
        SpecFiles.write(opensandboxDir.resolve("rkernel.json"), """
                {"argv": ["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"],
                 "display_name": "R", "language": "R"}""");
        KernelSpecCatalog catalog = new KernelSpecCatalog(KernelSpecSearchPath.fromEnvironment(Map.of(), home,
                List.of(), List.of(), List.of(kernelgateDir, opensandboxDir)));

        assertEquals("from kernelgate", displayName(catalog.find("shared")));
        KernelSpec r = catalog.find("rkernel").orElseThrow();
        assertEquals(opensandboxDir.resolve("rkernel.json"), r.specFile());
        assertTrue(r.dropIn());
        assertEquals("rkernel", catalog.findByLanguage("R").orElseThrow().name());
        assertEquals(List.of("rkernel", "shared"), catalog.all().stream().map(KernelSpec::name).toList());
    }

    @Test
    void userDataDirComesFromJupyterDataDir() {
        Path dataDir = tmp.resolve("data");
        SpecFiles.kernelDir(dataDir.resolve("kernels"), "k", SpecFiles.spec("from data dir", "x"));
        SpecFiles.kernelDir(home.resolve(".local/share/jupyter/kernels"), "k", SpecFiles.spec("from home", "x"));
        SpecFiles.kernelDir(home.resolve(".local/share/jupyter/kernels"), "h", SpecFiles.spec("from home", "x"));

        KernelSpecCatalog catalog = catalog(Map.of("JUPYTER_DATA_DIR", dataDir.toString()));

        assertEquals("from data dir", displayName(catalog.find("k")));
        assertEquals("from home", displayName(catalog.find("h")), "~/.local/share/jupyter is still searched");
    }

    @Test
    void namesAreCaseInsensitive() {
        SpecFiles.kernelDir(jupyterPath1.resolve("kernels"), "Python3", SpecFiles.spec("upper", "python"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "python3", SpecFiles.spec("lower", "python"));
        SpecFiles.write(dropIns.resolve("JuliaPro.JSON"), SpecFiles.spec("julia", "julia"));

        KernelSpecCatalog catalog = catalog();

        assertEquals(List.of("juliapro", "python3"), catalog.all().stream().map(KernelSpec::name).toList());
        assertEquals("upper", displayName(catalog.find("PYTHON3")));
        assertEquals("upper", displayName(catalog.find("python3")));
        assertEquals("julia", displayName(catalog.find("JuliaPro")));
        assertEquals(Optional.empty(), catalog.find("python"));
        assertEquals(Optional.empty(), catalog.find(null));
    }

    @Test
    void rDropInIsListedButNotLaunchable() {
        Path file = SpecFiles.write(dropIns.resolve("rkernel.json"), R_DROP_IN);

        KernelSpec r = catalog().find("rkernel").orElseThrow();

        assertEquals(List.of("R", "--slave", "-e", "IRkernel::main()"), r.argv());
        assertEquals("R", r.language());
        assertEquals(file, r.specFile());
        assertEquals(dropIns, r.resourceDir());
        assertFalse(r.launchable());
        String reason = r.notLaunchableReason().orElseThrow();
        assertTrue(reason.contains(file.toString()), reason);
        assertTrue(reason.contains("{connection_file}"), reason);
        assertTrue(reason.contains("\"--args\", \"{connection_file}\""), reason);
        assertEquals(List.of(r), catalog().all());
    }

    @Test
    void dropInDirectoryIgnoresOtherFilesAndKernelJson() throws Exception {
        SpecFiles.write(dropIns.resolve("good.json"), SpecFiles.spec("good", "x"));
        SpecFiles.write(dropIns.resolve(".hidden.json"), SpecFiles.spec("hidden", "x"));
        SpecFiles.write(dropIns.resolve("notes.txt"), "not a spec");
        SpecFiles.write(dropIns.resolve("kernel.json"), SpecFiles.spec("ambiguous", "x"));
        SpecFiles.kernelDir(dropIns, "subdir", SpecFiles.spec("subdir", "x"));
        Files.createDirectories(dropIns.resolve("dir.json"));

        KernelSpecCatalog catalog = catalog();

        assertEquals(List.of("good"), catalog.all().stream().map(KernelSpec::name).toList());
        assertEquals(1, warnings().size(), () -> "warnings: " + warnings());
        assertTrue(warnings().get(0).contains(dropIns.resolve("kernel.json").toString()), warnings().get(0));
    }

    @Test
    void brokenSpecIsSkippedWithOneWarningAndTheOthersAreStillFound() {
        SpecFiles.kernelDir(jupyterPath1.resolve("kernels"), "aaa", SpecFiles.spec("a", "x"));
        Path broken = SpecFiles.kernelDir(jupyterPath1.resolve("kernels"), "broken", "{\"argv\": [\"k\",");
        Path noArgv = SpecFiles.kernelDir(usr.resolve("kernels"), "no-argv", "{\"display_name\": \"No argv\"}");
        SpecFiles.kernelDir(usr.resolve("kernels"), "zzz", SpecFiles.spec("z", "x"));
        SpecFiles.write(dropIns.resolve("bad-drop-in.json"), "[]");
        SpecFiles.write(dropIns.resolve("rkernel.json"), R_DROP_IN);

        KernelSpecCatalog catalog = catalog();

        assertEquals(List.of("aaa", "rkernel", "zzz"), catalog.all().stream().map(KernelSpec::name).toList());
        List<String> warnings = warnings();
        assertEquals(3, warnings.size(), () -> "warnings: " + warnings);
        assertTrue(warnings.stream().anyMatch(w -> w.contains(broken.resolve("kernel.json").toString())), warnings::toString);
        assertTrue(warnings.stream().anyMatch(w -> w.contains(noArgv.resolve("kernel.json").toString())
                && w.contains("\"argv\" is missing")), warnings::toString);
        assertTrue(warnings.stream().anyMatch(w -> w.contains(dropIns.resolve("bad-drop-in.json").toString())),
                warnings::toString);

        assertEquals(Optional.empty(), catalog.find("broken"));
        assertEquals(3, catalog.all().size());
        assertEquals(3, warnings().size(), "a broken file is reported once, not on every rescan");
    }

    @Test
    void brokenFileIsReportedAgainAfterItChanges() {
        Path dir = SpecFiles.kernelDir(usr.resolve("kernels"), "k", "{");
        KernelSpecCatalog catalog = catalog();
        catalog.all();

        SpecFiles.write(dir.resolve("kernel.json"), "{\"argv\": 42}");
        catalog.all();

        assertEquals(2, warnings().size(), () -> "warnings: " + warnings());
        assertTrue(warnings().get(1).contains("\"argv\" is a number"), warnings().get(1));
    }

    @Test
    void brokenSpecShadowsALowerPrioritySpecOfTheSameNameLikeJupyter() {
        SpecFiles.kernelDir(jupyterPath1.resolve("kernels"), "python3", "{\"argv\": []}");
        SpecFiles.kernelDir(usr.resolve("kernels"), "python3", SpecFiles.spec("system", "python"));

        assertEquals(Optional.empty(), catalog().find("python3"));
        assertEquals(List.of(), catalog().all());
    }

    @Test
    void invalidNamesAndDirectoriesWithoutKernelJsonAreSkipped() throws Exception {
        SpecFiles.kernelDir(usr.resolve("kernels"), "has space", SpecFiles.spec("space", "x"));
        SpecFiles.write(dropIns.resolve("bad+name.json"), SpecFiles.spec("plus", "x"));
        Files.createDirectories(usr.resolve("kernels/empty-dir"));
        SpecFiles.write(usr.resolve("kernels/stray-file.json"), SpecFiles.spec("stray", "x"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "ok", SpecFiles.spec("ok", "x"));

        KernelSpecCatalog catalog = catalog();

        assertEquals(List.of("ok"), catalog.all().stream().map(KernelSpec::name).toList());
        assertEquals(2, warnings().size(), () -> "warnings: " + warnings());
        assertTrue(warnings().stream().anyMatch(w -> w.contains("has space")), warnings()::toString);
        assertTrue(warnings().stream().anyMatch(w -> w.contains("bad+name.json")), warnings()::toString);
    }

    @Test
    void missingDirectoriesAreSkippedSilently() {
        KernelSpecCatalog catalog = catalog();

        assertEquals(List.of(), catalog.all());
        assertEquals(Optional.empty(), catalog.resolve("python"));
        assertEquals(List.of(), warnings());
    }

    @Test
    void aDirectoryThatIsAFileIsSkippedWithAWarning() {
        SpecFiles.write(extra, "not a directory");
        SpecFiles.kernelDir(usr.resolve("kernels"), "ok", SpecFiles.spec("ok", "x"));

        KernelSpecCatalog catalog = catalog();

        assertEquals(List.of("ok"), catalog.all().stream().map(KernelSpec::name).toList());
        assertEquals(1, warnings().size(), () -> "warnings: " + warnings());
        assertTrue(warnings().get(0).contains(extra.toString()), warnings().get(0));
    }

    @Test
    void newDropInsAndRemovedSpecsShowUpWithoutANewCatalog() throws Exception {
        KernelSpecCatalog catalog = catalog();
        assertEquals(List.of(), catalog.all());

        Path file = SpecFiles.write(dropIns.resolve("rkernel.json"), R_DROP_IN);
        assertEquals("R", displayName(catalog.find("rkernel")));

        Files.delete(file);
        assertEquals(Optional.empty(), catalog.find("rkernel"));
    }

    @Test
    void findByLanguageIsCaseInsensitiveAndPrefersTheSpecNamedAfterTheLanguage() {
        SpecFiles.kernelDir(jupyterPath1.resolve("kernels"), "zpython", SpecFiles.spec("zpython", "python"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "python3", SpecFiles.spec("python3", "python"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "ir", SpecFiles.spec("ir", "R"));
        SpecFiles.kernelDir(jupyterPath1.resolve("kernels"), "jdk17", SpecFiles.spec("jdk17", "java"));
        SpecFiles.kernelDir(extra, "java", SpecFiles.spec("java", "Java"));

        KernelSpecCatalog catalog = catalog();

        assertEquals("zpython", displayName(catalog.findByLanguage("python")), "first in discovery order");
        assertEquals("zpython", displayName(catalog.findByLanguage("PYTHON")));
        assertEquals("ir", displayName(catalog.findByLanguage("R")));
        assertEquals("ir", displayName(catalog.findByLanguage("r")));
        assertEquals("java", displayName(catalog.findByLanguage("java")), "the spec named like the language wins");
        assertEquals(Optional.empty(), catalog.findByLanguage("julia"));
        assertEquals(Optional.empty(), catalog.findByLanguage(null));
    }

    @Test
    void resolveTriesTheNameFirstThenTheLanguage() {
        SpecFiles.kernelDir(usr.resolve("kernels"), "python3", SpecFiles.spec("python3", "python"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "r", SpecFiles.spec("named r", "rlang"));
        SpecFiles.kernelDir(usr.resolve("kernels"), "ir", SpecFiles.spec("ir", "R"));

        KernelSpecCatalog catalog = catalog();

        assertEquals("python3", displayName(catalog.resolve("Python3")));
        assertEquals("python3", displayName(catalog.resolve("python")));
        assertEquals("named r", displayName(catalog.resolve("R")));
        assertEquals(Optional.empty(), catalog.resolve("julia"));
    }
}
