package dev.kernelgate.execd.files;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FilesApiTest} with its directory as the allowed root: the handle-based work behind every route answers
 * as the path-based work does.
 */
class RootedFilesApiTest extends FilesApiTest {

    @Override
    List<Path> allowedRoots() {
        return List.of(root);
    }

    @Test
    void thePolicyIsOn() throws Exception {
        assertError(server.get("/files/info?path=" + q(root.getParent())), 403, "RUNTIME_ERROR");
    }
}
