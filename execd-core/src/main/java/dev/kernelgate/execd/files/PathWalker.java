package dev.kernelgate.execd.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.List;

/**
 * Opens paths under the allowed roots so that what a route checks is what it then uses: the walk starts at a
 * root's directory handle and opens one component at a time relative to the previous handle, never following a
 * link ({@code openat} with {@code O_NOFOLLOW}). A symlink met on the way is read, its target joined and checked
 * against the roots again, and the walk starts over from a root; so links that stay inside keep working, and a
 * swap of any component between the check and the use lands on a refusal, never outside.
 */
final class PathWalker {

    private static final int MAX_LINKS = 40;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final List<Path> roots;
    private final List<Path> realRoots;

    /** @param roots the roots as configured; @param realRoots the same, links resolved (same order) */
    PathWalker(List<Path> roots, List<Path> realRoots) {
        this.roots = roots;
        this.realRoots = realRoots;
    }

    /**
     * The final component of a path and the handle of its directory. Every use goes through {@link #dir()} with
     * {@link #name()} and {@code NOFOLLOW_LINKS}, so a link swapped in after the walk fails the operation.
     *
     * @param walked the link-free absolute path the handle stands for (for messages and fsync)
     */
    record Opened(SecureDirectoryStream<Path> dir, Path name, Path walked) implements Closeable {

        /** {@code lstat} of the entry, relative to the handle. */
        BasicFileAttributes attributes() throws IOException {
            return dir.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
        }

        /** As {@link #attributes()}, {@code null} when the entry does not exist. */
        BasicFileAttributes attributesIfExists() throws IOException {
            try {
                return attributes();
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        /** chmod / chown of the entry itself (opened {@code O_NOFOLLOW}: a link is refused). */
        PosixFileAttributeView posixView() {
            return dir.getFileAttributeView(name, PosixFileAttributeView.class, NO_FOLLOW);
        }

        /** The entry as a directory handle, refused when it is a link or not a directory. */
        SecureDirectoryStream<Path> openDirectory() throws IOException {
            return dir.newDirectoryStream(name, NO_FOLLOW);
        }

        @Override
        public void close() throws IOException {
            dir.close();
        }
    }

    /**
     * Walks to {@code abs} (absolute, normalized). Links on the way are followed by walking again to their target,
     * which must be under a root; with {@code followFinal} a link at the last component is followed too.
     *
     * @throws dev.kernelgate.http.HttpError 403 {@value FsErrors#FS_002} when the path or a link leads
     *                                               outside the roots
     * @throws IOException                           a missing component, a non-directory on the way, ...
     */
    Opened open(Path abs, boolean followFinal) throws IOException {
        Path current = abs;
        for (int links = 0; links <= MAX_LINKS; links++) {
            Path real = toReal(current);
            if (real == null) {
                throw FsErrors.policy("path " + abs + (current.equals(abs) ? "" : " leads to " + current)
                        + ", outside the allowed roots " + roots);
            }
            Object step = walk(real, followFinal);
            if (step instanceof Opened opened) {
                return opened;
            }
            current = (Path) step;
        }
        throw new FileSystemException(abs.toString(), null, "too many levels of symbolic links");
    }

    /** The root (as configured or real) {@code abs} lies under, or {@code null}. */
    Path rootOf(Path abs) {
        for (int i = 0; i < roots.size(); i++) {
            if (abs.startsWith(roots.get(i))) {
                return roots.get(i);
            }
            if (abs.startsWith(realRoots.get(i))) {
                return realRoots.get(i);
            }
        }
        return null;
    }

    /** {@code abs} with its root prefix replaced by the real root, or {@code null} when outside. */
    private Path toReal(Path abs) {
        for (int i = 0; i < roots.size(); i++) {
            if (abs.startsWith(realRoots.get(i))) {
                return abs;
            }
            if (abs.startsWith(roots.get(i))) {
                return realRoots.get(i).resolve(roots.get(i).relativize(abs));
            }
        }
        return null;
    }

    /** The deepest real root {@code real} (a link-free path under the roots) lies under. */
    Path realRootOf(Path real) {
        Path root = null;
        for (Path r : realRoots) {
            if (real.startsWith(r) && (root == null || r.getNameCount() > root.getNameCount())) {
                root = r;
            }
        }
        return root;
    }

    /** An {@link Opened}, or the next absolute path to walk when a link was met. */
    private Object walk(Path real, boolean followFinal) throws IOException {
        Path root = realRootOf(real);
        // The root's own parent is the operator's, not the client's: opened by name.
        Path at = root.getParent();
        SecureDirectoryStream<Path> dir = openTrusted(at);
        try {
            Path rest = at.relativize(real);
            int last = rest.getNameCount() - 1;
            for (int i = 0; i < last; i++) {
                Path name = rest.getName(i);
                SecureDirectoryStream<Path> next;
                try {
                    next = dir.newDirectoryStream(name, NO_FOLLOW);
                } catch (IOException e) {
                    Path target = linkTarget(dir, at, name);
                    if (target == null) {
                        throw named(e, at.resolve(name));
                    }
                    Path then = at.resolve(target);
                    if (i + 1 <= last) {
                        then = then.resolve(rest.subpath(i + 1, last + 1));
                    }
                    dir.close();
                    return then.normalize();
                }
                dir.close();
                dir = next;
                at = at.resolve(name);
            }
            Path name = rest.getName(last);
            if (followFinal) {
                Path target = linkTarget(dir, at, name);
                if (target != null) {
                    dir.close();
                    return at.resolve(target).normalize();
                }
            }
            return new Opened(dir, name, at.resolve(name));
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /** A failure on a name relative to a handle, reported with the whole path as the routes do. */
    static IOException named(IOException e, Path path) {
        String file = path.toString();
        if (e instanceof NoSuchFileException) {
            return new NoSuchFileException(file);
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return new java.nio.file.AccessDeniedException(file);
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return new java.nio.file.FileAlreadyExistsException(file);
        }
        if (e instanceof FileSystemException f) {
            return new FileSystemException(file, f.getOtherFile(), f.getReason());
        }
        return e;
    }

    private static SecureDirectoryStream<Path> openTrusted(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw FsErrors.policy("allowed roots need a file system with secure directory handles (openat); "
                + dir + " has none");
    }

    /**
     * The target of {@code name} when it is a symlink, else {@code null}. The link is read by path: a swap
     * meanwhile only changes which target is then walked and checked, never what is touched.
     */
    private static Path linkTarget(SecureDirectoryStream<Path> dir, Path at, Path name) throws IOException {
        BasicFileAttributes a;
        try {
            a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!a.isSymbolicLink()) {
            return null;
        }
        return Files.readSymbolicLink(at.resolve(name));
    }
}
