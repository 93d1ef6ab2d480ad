package dev.kernelgate.execd.files;

import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.http.HttpError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The work behind the file and directory routes, blocking (call from the blocking executor). Paths go through
 * the {@link PathPolicy}; failures are {@link HttpError}s with upstream execd's statuses and codes.
 */
public final class FileService {

    /** A {@code /files/mv} item. */
    public record Move(String src, String dest) {
    }

    /** A {@code /files/replace} item. */
    public record Replacement(String old, String replacement) {
    }

    private final PathPolicy paths;
    private final FileInfoReader infos;
    private final long maxUploadBytes;
    /** With allowed roots, the handle-based work that never follows a link out of them; else {@code null}. */
    private final RootedFiles rooted;

    /** Production wiring: the process environment, the local time zone. */
    public FileService(ExecdConfig config) {
        this(new PathPolicy(config.workDir(), System.getenv(), config.allowedRoots()), config.maxUploadBytes(),
                ZoneId.systemDefault());
    }

    /** @param maxUploadBytes the optional upload limit, 0 for none */
    public FileService(PathPolicy paths, long maxUploadBytes, ZoneId zone) {
        this.paths = paths;
        this.maxUploadBytes = maxUploadBytes;
        this.infos = new FileInfoReader(zone);
        this.rooted = paths.restricted() ? new RootedFiles(paths.walker(), infos) : null;
    }

    /** {@code null} without allowed roots. */
    RootedFiles rooted() {
        return rooted;
    }

    public PathPolicy paths() {
        return paths;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    // ---- files ----

    /** {@code lstat} of each path, keyed by the path as requested. */
    public Map<String, FileInfo> info(List<String> requested) {
        Map<String, FileInfo> out = new LinkedHashMap<>();
        for (String raw : requested) {
            Path path = paths.resolve(raw);
            try {
                if (rooted == null) {
                    out.put(raw, infos.read(path));
                } else {
                    try (PathWalker.Opened at = rooted.open(path, false)) {
                        out.put(raw, rooted.info(path, at));
                    }
                }
            } catch (IOException e) {
                throw FsErrors.fileError(e);
            }
        }
        return out;
    }

    /** Removes regular files (and links); a missing file is fine, a directory is an error. */
    public void removeFiles(List<String> requested) {
        for (String raw : requested) {
            Path path = paths.resolve(raw);
            try {
                if (rooted != null) {
                    if (!rooted.removeFile(path)) {
                        throw FsErrors.runtime("error removing file " + raw + ". path is a directory: " + raw);
                    }
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(path, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (a.isDirectory()) {
                    throw FsErrors.runtime("error removing file " + raw + ". path is a directory: " + raw);
                }
                Files.deleteIfExists(path);
            } catch (NoSuchFileException e) {
                // a missing parent: nothing to remove
            } catch (IOException e) {
                throw FsErrors.runtime("error removing file " + raw + ". failed to remove file: " + FsErrors.describe(e));
            }
        }
    }

    /** Renames; the destination's parent is created, an existing destination is an error. */
    public void move(List<Move> moves) {
        for (Move m : moves) {
            if (m.src() == null || m.src().isEmpty() || m.dest() == null || m.dest().isEmpty()) {
                throw FsErrors.invalidRequest("error parsing request, MAYBE invalid body format. src and dest are required");
            }
            Path src = paths.resolve(m.src());
            Path dest = paths.resolve(m.dest());
            if (rooted != null) {
                moveRooted(m, src, dest);
                continue;
            }
            if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                throw FsErrors.notFound("file not found. source path not found: " + m.src());
            }
            try {
                Path parent = dest.getParent();
                if (parent != null) {
                    createDirectories(parent, false);
                }
            } catch (IOException e) {
                throw FsErrors.runtime("error accessing file: failed to create destination directory: "
                        + FsErrors.describe(e));
            }
            if (Files.exists(dest)) {
                throw FsErrors.runtime("error accessing file: destination path already exists: " + m.dest());
            }
            try {
                Files.move(src, dest);
            } catch (FileAlreadyExistsException e) {
                throw FsErrors.runtime("error accessing file: destination path already exists: " + m.dest());
            } catch (NoSuchFileException e) {
                throw FsErrors.notFound("file not found. source path not found: " + m.src());
            } catch (IOException e) {
                throw FsErrors.runtime("error accessing file: failed to rename file: " + FsErrors.describe(e));
            }
        }
    }

    /** {@link #move} through handles: the source and destination as walked are what {@code renameat} acts on. */
    private void moveRooted(Move m, Path src, Path dest) {
        try (PathWalker.Opened from = rooted.open(src, false)) {
            if (from.attributesIfExists() == null) {
                throw FsErrors.notFound("file not found. source path not found: " + m.src());
            }
            try {
                if (dest.getParent() != null) {
                    rooted.makeDirectories(dest.getParent());
                }
            } catch (IOException e) {
                throw FsErrors.runtime("error accessing file: failed to create destination directory: "
                        + FsErrors.describe(e));
            }
            try (PathWalker.Opened to = rooted.open(dest, false)) {
                if (to.attributesIfExists() != null) {
                    throw FsErrors.runtime("error accessing file: destination path already exists: " + m.dest());
                }
                from.dir().move(from.name(), to.dir(), to.name());
            }
        } catch (NoSuchFileException e) {
            throw FsErrors.notFound("file not found. source path not found: " + m.src());
        } catch (IOException e) {
            throw FsErrors.runtime("error accessing file: failed to rename file: " + FsErrors.describe(e));
        }
    }

    /** chmod (unless mode is 0) and chown (unless owner and group are empty) of each path. */
    public void permissions(Map<String, Permission> requested) {
        for (Map.Entry<String, Permission> e : requested.entrySet()) {
            Path path = paths.resolveFollowing(e.getKey());
            try {
                if (rooted == null) {
                    apply(path, e.getValue());
                } else {
                    try (PathWalker.Opened at = rooted.open(path, true)) {
                        apply(at.posixView(), path, e.getValue());
                    }
                }
            } catch (IOException | IllegalArgumentException failure) {
                throw FsErrors.runtime("error changing permissions for " + e.getKey() + ". "
                        + FsErrors.describe(failure));
            }
        }
    }

    /** Files (not directories) under {@code dir} whose base name matches the glob, in walk order. */
    public List<FileInfo> search(String dir, String pattern) {
        if (dir == null || dir.isEmpty()) {
            throw FsErrors.missingQuery("path");
        }
        Path root = paths.resolveFollowing(dir);
        PathWalker.Opened at = null;
        try {
            if (rooted == null) {
                Files.readAttributes(root, BasicFileAttributes.class);
            } else {
                // The root is described with lstat and a link there is not descended into (filepath.Walk), but
                // a link to nothing is missing, as stat says.
                at = rooted.open(root, false);
                if (at.attributes().isSymbolicLink()) {
                    try (PathWalker.Opened target = rooted.open(root, true)) {
                        target.attributes();
                    }
                }
            }
        } catch (IOException e) {
            close(at);
            throw FsErrors.fileError(e);
        }
        try {
            return search(root, at, pattern);
        } finally {
            close(at);
        }
    }

    private List<FileInfo> search(Path root, PathWalker.Opened at, String pattern) {
        Glob glob;
        try {
            glob = Glob.compile(pattern == null || pattern.isEmpty() ? "**" : pattern);
        } catch (IllegalArgumentException e) {
            throw FsErrors.runtime("error searching files. invalid pattern " + pattern + ": " + e.getMessage());
        }
        List<FileInfo> found = new ArrayList<>();
        EntryVisitor matching = (path, info) -> {
            if (!"directory".equals(info.type()) && glob.matches(path.getFileName() == null ? ""
                    : path.getFileName().toString())) {
                found.add(info);
            }
        };
        try {
            if (at == null) {
                walkSorted(root, Integer.MAX_VALUE, true, matching);
            } else {
                FileInfo top = rooted.info(root, at);
                matching.visit(root, top);
                if ("directory".equals(top.type())) {
                    try (SecureDirectoryStream<Path> sub = at.openDirectory()) {
                        rooted.walkChildren(sub, root, at.walked(), 0, Integer.MAX_VALUE, matching);
                    }
                }
            }
        } catch (IOException e) {
            throw FsErrors.runtime("error searching files. error accessing path " + FsErrors.describe(e));
        }
        return found;
    }

    /**
     * Replaces every occurrence of {@code old} in each file (bytes, non-overlapping, left to right), keeping
     * the file's inode and mode; answers the count per file as requested.
     */
    public Map<String, Integer> replace(Map<String, Replacement> requested) {
        for (Replacement r : requested.values()) {
            if (r.old() == null || r.old().isEmpty()) {
                throw FsErrors.invalidRequest("old content must not be empty");
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Replacement> e : requested.entrySet()) {
            Path path = paths.resolveFollowing(e.getKey());
            try {
                byte[] old = e.getValue().old().getBytes(StandardCharsets.UTF_8);
                byte[] replacement = e.getValue().replacement() == null ? new byte[0]
                        : e.getValue().replacement().getBytes(StandardCharsets.UTF_8);
                if (rooted != null) {
                    counts.put(e.getKey(), rooted.replace(path, old, replacement));
                    continue;
                }
                byte[] content = Files.readAllBytes(path);
                int[] count = new int[1];
                byte[] updated = ContentReplacement.replaceAll(content, old, replacement, count);
                Files.write(path, updated);
                counts.put(e.getKey(), count[0]);
            } catch (IOException failure) {
                throw FsErrors.fileError(failure);
            }
        }
        return counts;
    }


    // ---- directories ----

    /**
     * Entries under {@code dir} up to {@code depth} levels (1 = children only), each directory's children right
     * after it, in name order; symlinks are reported, never followed; a symlink or non-directory root is refused.
     */
    public List<FileInfo> list(String dir, String rawDepth) {
        if (dir == null || dir.isEmpty()) {
            throw FsErrors.missingQuery("path");
        }
        int depth = 1;
        if (rawDepth != null && !rawDepth.isEmpty()) {
            try {
                depth = Integer.parseInt(rawDepth);
            } catch (NumberFormatException e) {
                depth = -1;
            }
            if (depth < 0) {
                throw FsErrors.invalidRequest("invalid query parameter 'depth': " + rawDepth);
            }
        }
        Path root = paths.resolve(dir);
        PathWalker.Opened at = null;
        BasicFileAttributes a;
        try {
            if (rooted == null) {
                a = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } else {
                at = rooted.open(root, false);
                a = at.attributes();
            }
        } catch (IOException e) {
            close(at);
            throw FsErrors.fileError(e);
        }
        try {
            return list(root, at, a, depth);
        } finally {
            close(at);
        }
    }

    private List<FileInfo> list(Path root, PathWalker.Opened at, BasicFileAttributes a, int depth) {
        if (a.isSymbolicLink()) {
            throw FsErrors.invalidRequest("path is a symbolic link, refusing to traverse: " + root);
        }
        if (!a.isDirectory()) {
            throw FsErrors.invalidRequest("path is not a directory: " + root);
        }
        List<FileInfo> entries = new ArrayList<>();
        if (depth == 0) {
            return entries;
        }
        try {
            if (at == null) {
                walkSorted(root, depth, false, (path, info) -> entries.add(info));
            } else {
                try (SecureDirectoryStream<Path> sub = at.openDirectory()) {
                    rooted.walkChildren(sub, root, at.walked(), 0, depth, (path, info) -> entries.add(info));
                }
            }
        } catch (IOException e) {
            throw FsErrors.runtime("error listing directory " + root + ". " + FsErrors.describe(e));
        }
        return entries;
    }

    /** {@code mkdir -p} each directory; mode and owner are applied only to a directory this call created. */
    public void makeDirs(Map<String, Permission> requested) {
        for (Map.Entry<String, Permission> e : requested.entrySet()) {
            Path dir = paths.resolveFollowing(e.getKey());
            try {
                if (rooted != null) {
                    List<Path> created = rooted.makeDirectories(dir);
                    if (!created.isEmpty() && created.get(created.size() - 1).equals(dir)) {
                        try (PathWalker.Opened at = rooted.open(dir, false)) {
                            apply(at.posixView(), dir, e.getValue());
                        }
                    }
                    continue;
                }
                boolean existed = Files.exists(dir);
                Files.createDirectories(dir, RootedFiles.NEW_DIR_MODE);
                if (!existed) {
                    apply(dir, e.getValue());
                }
            } catch (IOException | IllegalArgumentException failure) {
                if (failure instanceof NoSuchFileException n) {
                    throw FsErrors.fileError(n);
                }
                throw FsErrors.runtime("error accessing file: " + FsErrors.describe(failure));
            }
        }
    }

    /** {@code rm -rf}: links are removed, not followed; a missing path is fine. */
    public void removeDirs(List<String> requested) {
        for (String raw : requested) {
            Path path = paths.resolve(raw);
            try {
                if (rooted != null) {
                    rooted.removeAll(path);
                    continue;
                }
                removeAll(path);
            } catch (IOException e) {
                throw FsErrors.runtime("error removing directory " + raw + ". " + FsErrors.describe(e));
            }
        }
    }

    static void removeAll(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ---- shared ----

    private static void close(PathWalker.Opened at) {
        if (at != null) {
            try {
                at.close();
            } catch (IOException e) {
                // a directory handle: nothing was written through it
            }
        }
    }

    /**
     * Pre-order walk in name order (UTF-8 byte order, as Go's {@code os.ReadDir}), not following links, down to
     * {@code maxDepth} levels below {@code root}. With {@code includeRoot} the root itself is visited first
     * (Go's {@code filepath.Walk}).
     */
    void walkSorted(Path root, int maxDepth, boolean includeRoot, EntryVisitor visitor) throws IOException {
        if (includeRoot) {
            FileInfo info = infos.read(root);
            visitor.visit(root, info);
            if (!"directory".equals(info.type())) {
                return;
            }
        }
        walkChildren(root, 0, maxDepth, visitor);
    }

    private void walkChildren(Path dir, int depth, int maxDepth, EntryVisitor visitor) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                children.add(child);
            }
        } catch (NoSuchFileException e) {
            return; // vanished meanwhile
        }
        children.sort(NameOrder::compare);
        for (Path child : children) {
            FileInfo info;
            try {
                info = infos.read(child);
            } catch (NoSuchFileException e) {
                continue;
            }
            visitor.visit(child, info);
            if ("directory".equals(info.type()) && depth + 1 < maxDepth) {
                walkChildren(child, depth + 1, maxDepth, visitor);
            }
        }
    }


    /** Lookups of owner and group names; a missing name is an error (upstream after 06-12). */
    static UserPrincipal lookupUser(String name) throws IOException {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            return lookup.lookupPrincipalByName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("failed to lookup user " + name + ": user: unknown user " + name);
        }
    }

    static GroupPrincipal lookupGroup(String name) throws IOException {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            return lookup.lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("failed to lookup group " + name + ": group: unknown group " + name);
        }
    }

    /** chmod then chown, following links, as upstream's {@code ChmodFile}. */
    void apply(Path path, Permission p) throws IOException {
        apply(Files.getFileAttributeView(path, PosixFileAttributeView.class), path, p);
    }

    /** chmod then chown through {@code view} (a handle's view acts on exactly the file it names). */
    static void apply(PosixFileAttributeView view, Path path, Permission p) throws IOException {
        int bits = p.modeBits();
        try {
            if (bits >= 0) {
                view.setPermissions(permissions(bits));
            }
        } catch (IOException e) {
            throw PathWalker.named(e, path);
        }
        applyOwnership(view, path, p.owner(), p.group());
    }

    private static void applyOwnership(PosixFileAttributeView view, Path path, String owner, String group)
            throws IOException {
        if (owner.isEmpty() && group.isEmpty()) {
            return;
        }
        UserPrincipal user = owner.isEmpty() ? null : lookupUser(owner);
        GroupPrincipal grp = group.isEmpty() ? null : lookupGroup(group);
        try {
            if (user != null) {
                view.setOwner(user);
            }
            if (grp != null) {
                view.setGroup(grp);
            }
        } catch (AccessDeniedException e) {
            throw new IOException("failed to set owner/group for " + path + ": operation not permitted ("
                    + FsErrors.FS_002 + ")", e);
        }
    }

    static Set<PosixFilePermission> permissions(int bits) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }

    /**
     * {@code mkdir -p} that remembers the directories it created (the topmost first), so a failed upload can
     * take them back; with {@code record} false it only creates.
     */
    static List<Path> createDirectories(Path dir, boolean record) throws IOException {
        List<Path> created = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            return created;
        }
        Path missing = dir;
        List<Path> chain = new ArrayList<>();
        while (missing != null && !Files.exists(missing, LinkOption.NOFOLLOW_LINKS)) {
            chain.add(0, missing);
            missing = missing.getParent();
        }
        for (Path p : chain) {
            try {
                Files.createDirectory(p, RootedFiles.NEW_DIR_MODE);
                if (record) {
                    created.add(p);
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "not a directory");
        }
        return created;
    }
}
