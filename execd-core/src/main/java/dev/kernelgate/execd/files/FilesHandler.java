package dev.kernelgate.execd.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.http.BodySource;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.http.RouteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /files} routes of execd, with upstream's shapes, statuses and codes (reference §1.7). Every method
 * is a route handler that returns at once and does its file work on the server's blocking executor:
 * <pre>{@code
 * .get("/files/info", files::info)
 * .delete("/files", files::remove)
 * .post("/files/mv", files::move)
 * .post("/files/permissions", files::permissions)
 * .get("/files/search", files::search)
 * .post("/files/replace", files::replace)
 * .post("/files/upload", files::upload, FilesHandler.uploadOptions())
 * .get("/files/download", files::download)
 * }</pre>
 */
public final class FilesHandler {

    private final FileService service;
    private final Path spoolDir;

    /** Upload parts that come before their metadata are spooled to {@code java.io.tmpdir}. */
    public FilesHandler(FileService service) {
        this(service, Path.of(System.getProperty("java.io.tmpdir")));
    }

    public FilesHandler(FileService service, Path spoolDir) {
        this.service = service;
        this.spoolDir = spoolDir;
    }

    /** The upload route must stream its body: {@link RouteOptions#streaming()} (no size limit of its own). */
    public static RouteOptions uploadOptions() {
        return RouteOptions.streaming();
    }

    /** {@code GET /files/info?path=a&path=b} → {@code {"a": FileInfo, "b": FileInfo}} ({@code lstat}). */
    public Response info(Request request) {
        List<String> paths = request.queryAll("path");
        return request.offload(() -> Responses.json(service.info(paths)));
    }

    /** {@code DELETE /files?path=..}: regular files; a missing one is fine, a directory is 500. */
    public Response remove(Request request) {
        List<String> paths = request.queryAll("path");
        return request.offload(() -> {
            service.removeFiles(paths);
            return Responses.empty(200);
        });
    }

    /** {@code POST /files/mv} {@code [{"src","dest"}]}. */
    public Response move(Request request) {
        JsonNode body = JsonBodies.tree(request, request.jsonCodec().mapper());
        List<FileService.Move> moves = new ArrayList<>();
        if (!body.isNull()) {
            if (!body.isArray()) {
                throw JsonBodies.badValue("json: cannot unmarshal " + JsonBodies.kind(body)
                        + " into Go value of type []model.RenameFileItem");
            }
            for (JsonNode item : body) {
                if (item.isNull()) {
                    moves.add(new FileService.Move("", ""));
                    continue;
                }
                if (!item.isObject()) {
                    throw JsonBodies.badValue("json: cannot unmarshal " + JsonBodies.kind(item)
                            + " into Go value of type model.RenameFileItem");
                }
                try {
                    moves.add(new FileService.Move(JsonBodies.string(item, "src"), JsonBodies.string(item, "dest")));
                } catch (IllegalArgumentException e) {
                    throw JsonBodies.badValue(e.getMessage());
                }
            }
        }
        return request.offload(() -> {
            service.move(moves);
            return Responses.empty(200);
        });
    }

    /** {@code POST /files/permissions} {@code {"/p": {"owner","group","mode": 755}}}. */
    public Response permissions(Request request) {
        Map<String, Permission> perms = JsonBodies.objectOf(JsonBodies.tree(request, request.jsonCodec().mapper()),
                Permission::fromJson);
        return request.offload(() -> {
            service.permissions(perms);
            return Responses.empty(200);
        });
    }

    /** {@code GET /files/search?path=/dir&pattern=*.txt} → {@code [FileInfo]} of files whose base name matches. */
    public Response search(Request request) {
        String path = request.query("path");
        String pattern = request.query("pattern");
        if (path == null || path.isEmpty()) {
            throw FsErrors.missingQuery("path");
        }
        return request.offload(() -> Responses.json(service.search(path, pattern)));
    }

    /**
     * {@code POST /files/replace[?verbose=true]} {@code {"/p": {"old","new"}}}; verbose answers
     * {@code {"/p": {"replacedCount": N}}}, otherwise an empty 200.
     */
    public Response replace(Request request) {
        boolean verbose = "true".equals(request.query("verbose"));
        Map<String, FileService.Replacement> items = JsonBodies.objectOf(
                JsonBodies.tree(request, request.jsonCodec().mapper()), node -> {
                    if (node.isNull()) {
                        return new FileService.Replacement("", "");
                    }
                    if (!node.isObject()) {
                        throw new IllegalArgumentException("json: cannot unmarshal " + JsonBodies.kind(node)
                                + " into Go value of type model.ReplaceFileContentItem");
                    }
                    return new FileService.Replacement(JsonBodies.string(node, "old"), JsonBodies.string(node, "new"));
                });
        return request.offload(() -> {
            Map<String, Integer> counts = service.replace(items);
            if (!verbose) {
                return Responses.empty(200);
            }
            Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
            counts.forEach((file, n) -> out.put(file, Map.of("replacedCount", n)));
            return Responses.json(out);
        });
    }

    /**
     * {@code POST /files/upload}, {@code multipart/form-data} with {@code metadata} / {@code file} part pairs.
     * Register with {@link #uploadOptions()} so the body streams to disk.
     */
    public Response upload(Request request) {
        String contentType = request.header("Content-Type");
        BodySource body = request.bodyStream();
        Uploads uploads = new Uploads(service, spoolDir, request.jsonCodec().mapper(), request.blockingExecutor());
        return request.offload(() -> {
            uploads.upload(contentType, body);
            return Responses.empty(200);
        });
    }

    /**
     * {@code GET /files/download?path=[&offset=&limit=]}: the file as {@code application/octet-stream} with
     * {@code Content-Disposition} (Range: first range, 206/416), or selected lines as text.
     */
    public Response download(Request request) {
        String raw = request.query("path");
        if (raw == null || raw.isEmpty()) {
            throw FsErrors.missingQuery("path");
        }
        String offset = request.query("offset");
        String limit = request.query("limit");
        String range = request.header("Range");
        return request.offload(() -> {
            Path path;
            try {
                path = service.paths().resolveFollowing(raw);
            } catch (dev.kernelgate.http.HttpError e) {
                if (e.status() == 500) {
                    throw FsErrors.runtime("error resolving file path: " + raw + ". " + e.message());
                }
                throw e;
            }
            RootedFiles rooted = service.rooted();
            return rooted == null ? Downloads.download(path, offset, limit, range, request.blockingExecutor())
                    : Downloads.download(rooted, path, offset, limit, range, request.blockingExecutor());
        });
    }
}
