package dev.kernelgate.kernelspecs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kernelgate.kernelspecs.KernelSpecSearchPath.Location;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelSpecSearchPathTest {

    private static final Path HOME = Path.of("/home/ada");

    @Test
    void defaultOrderIsJupyterPathThenUserThenSystemThenExtrasThenDropIns() {
        KernelSpecSearchPath path = KernelSpecSearchPath.fromEnvironment(
                Map.of("JUPYTER_PATH", "/opt/a::/opt/b/"), HOME,
                List.of(Path.of("/srv/kernels")), List.of(Path.of("/etc/kernelgate/kernelspecs")));

        assertEquals(List.of(
                Location.kernels(Path.of("/opt/a/kernels")),
                Location.kernels(Path.of("/opt/b/kernels")),
                Location.kernels(Path.of("/home/ada/.local/share/jupyter/kernels")),
                Location.kernels(Path.of("/usr/local/share/jupyter/kernels")),
                Location.kernels(Path.of("/usr/share/jupyter/kernels")),
                Location.kernels(Path.of("/srv/kernels")),
                Location.dropIn(Path.of("/etc/kernelgate/kernelspecs"))), path.locations());
    }

    @Test
    void jupyterDataDirReplacesTheUserDirButPythonsUserSiteIsStillSearched() {
        KernelSpecSearchPath path = KernelSpecSearchPath.fromEnvironment(
                Map.of("JUPYTER_DATA_DIR", "/data/jupyter", "XDG_DATA_HOME", "/xdg"), HOME, List.of(), List.of());

        assertEquals(List.of(
                Path.of("/data/jupyter/kernels"),
                Path.of("/home/ada/.local/share/jupyter/kernels"),
                Path.of("/usr/local/share/jupyter/kernels"),
                Path.of("/usr/share/jupyter/kernels")), path.kernelDirs());
        assertEquals(List.of(), path.dropInDirs());
    }

    @Test
    void xdgDataHomeIsTheUserDirWhenJupyterDataDirIsUnset() {
        assertEquals(Path.of("/xdg/jupyter"),
                KernelSpecSearchPath.userDataDir(Map.of("XDG_DATA_HOME", "/xdg", "JUPYTER_DATA_DIR", ""), HOME));
        assertEquals(Path.of("/home/ada/.local/share/jupyter"), KernelSpecSearchPath.userDataDir(Map.of(), HOME));
    }

    @Test
    void theDefaultDropInDirsAreKernelgatesThenOpenSandboxs() {
        assertEquals(List.of(Path.of("/etc/kernelgate/kernelspecs"), Path.of("/etc/opensandbox/kernelspecs")),
                KernelSpecSearchPath.DEFAULT_DROP_IN_DIRS);

        KernelSpecSearchPath path = KernelSpecSearchPath.fromEnvironment(Map.of(), HOME);

        assertEquals(KernelSpecSearchPath.DEFAULT_DROP_IN_DIRS, path.dropInDirs());
        assertEquals(3, path.kernelDirs().size());
        // Both come after every kernels directory, Kernelgate's first: that order decides a name clash.
        assertEquals(List.of(
                Location.dropIn(Path.of("/etc/kernelgate/kernelspecs")),
                Location.dropIn(Path.of("/etc/opensandbox/kernelspecs"))),
                path.locations().subList(path.locations().size() - 2, path.locations().size()));
    }

    @Test
    void duplicateDirectoriesAreSearchedOnceAtTheirFirstPosition() {
        KernelSpecSearchPath path = KernelSpecSearchPath.fromEnvironment(
                Map.of("JUPYTER_PATH", "/usr/share/jupyter"), HOME, List.of(Path.of("/home/ada/.local/share/jupyter/./kernels")),
                List.of());

        assertEquals(List.of(
                Path.of("/usr/share/jupyter/kernels"),
                Path.of("/home/ada/.local/share/jupyter/kernels"),
                Path.of("/usr/local/share/jupyter/kernels")), path.kernelDirs());
    }
}
