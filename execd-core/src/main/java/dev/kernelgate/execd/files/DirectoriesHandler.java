package dev.kernelgate.execd.files;

import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import java.util.List;
import java.util.Map;

/**
 * The {@code /directories} routes of execd (reference §1.7):
 * <pre>{@code
 * .get("/directories/list", dirs::list)
 * .post("/directories", dirs::create)
 * .delete("/directories", dirs::remove)
 * }</pre>
 */
public final class DirectoriesHandler {

    private final FileService service;

    public DirectoriesHandler(FileService service) {
        this.service = service;
    }

    /** {@code GET /directories/list?path=&depth=1} → {@code [FileInfo]}, the root excluded. */
    public Response list(Request request) {
        String path = request.query("path");
        String depth = request.query("depth");
        if (path == null || path.isEmpty()) {
            throw FsErrors.missingQuery("path");
        }
        return request.offload(() -> Responses.json(service.list(path, depth)));
    }

    /** {@code POST /directories} {@code {"/p": {"mode": 755, "owner", "group"}}}: mode and owner only if new. */
    public Response create(Request request) {
        Map<String, Permission> dirs = JsonBodies.objectOf(JsonBodies.tree(request, request.jsonCodec().mapper()),
                Permission::fromJson);
        return request.offload(() -> {
            service.makeDirs(dirs);
            return Responses.empty(200);
        });
    }

    /** {@code DELETE /directories?path=..}: {@code rm -rf}. */
    public Response remove(Request request) {
        List<String> paths = request.queryAll("path");
        return request.offload(() -> {
            service.removeDirs(paths);
            return Responses.empty(200);
        });
    }
}
