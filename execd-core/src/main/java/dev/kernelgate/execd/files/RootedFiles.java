package dev.kernelgate.execd.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The file work of the routes when allowed roots are set: every path is opened with the {@link PathWalker} and
 * used through that handle only ({@code openat}, {@code fstatat}, {@code unlinkat}, {@code renameat} relative to
 * a directory handle, with {@code O_NOFOLLOW}), so a link swapped in after the check fails the request instead of
 * leading outside. Links inside the roots are followed by walking again to their target.
 */
final class RootedFiles {

    static final FileAttribute<Set<PosixFilePermission>> NEW_DIR_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));
    private static final LinkOption NO_FOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PathWalker walker;
    private final FileInfoReader infos;

    RootedFiles(PathWalker walker, FileInfoReader infos) {
        this.walker = walker;
        this.infos = infos;
    }

    PathWalker.Opened open(Path abs, boolean followFinal) throws IOException {
        return walker.open(abs, followFinal);
    }

    /** {@code lstat} of the entry as seen through its handle, described with {@code shown} as its path. */
    FileInfo info(Path shown, PathWalker.Opened at) throws IOException {
        BasicFileAttributes a = at.attributes();
        return infos.read(shown, at.walked(), a.fileKey());
    }

    /** An open channel on a regular file or directory entry, never through a link. */
    static FileChannel channel(PathWalker.Opened at, Set<? extends OpenOption> options) throws IOException {
        return channel(at.dir(), at.name(), at.walked(), options);
    }

    /** {@code name} in {@code dir} opened {@code O_NOFOLLOW}; {@code shown} names it in errors. */
    static FileChannel channel(SecureDirectoryStream<Path> dir, Path name, Path shown,
            Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        Set<OpenOption> all = new java.util.HashSet<>(options);
        all.add(NO_FOLLOW);
        SeekableByteChannel ch;
        try {
            ch = dir.newByteChannel(name, all, attrs);
        } catch (IOException e) {
            throw PathWalker.named(e, shown);
        }
        if (ch instanceof FileChannel f) {
            return f;
        }
        ch.close();
        throw new FileSystemException(shown.toString(), null, "not a file channel");
    }

    /** {@code rmdir} through the handle of its parent; a missing or non-empty directory is left alone. */
    void removeEmptyDirectory(Path abs) {
        try (PathWalker.Opened at = open(abs, false)) {
            BasicFileAttributes a = at.attributesIfExists();
            if (a != null && a.isDirectory()) {
                at.dir().deleteDirectory(at.name());
            }
        } catch (IOException | RuntimeException e) {
            // not empty (another upload committed into it) or gone: leave it
        }
    }

    /** Reads the whole file and writes the replacement into the same inode, both through one no-follow handle. */
    int replace(Path abs, byte[] old, byte[] replacement) throws IOException {
        try (PathWalker.Opened at = open(abs, true);
             FileChannel ch = channel(at, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new FileSystemException(abs.toString(), null, "file too large to replace in");
            }
            ByteBuffer in = ByteBuffer.allocate((int) size);
            while (in.hasRemaining() && ch.read(in, in.position()) >= 0) {
                // read until full or end
            }
            byte[] content = new byte[in.position()];
            in.flip().get(content);
            int[] count = new int[1];
            byte[] updated = ContentReplacement.replaceAll(content, old, replacement, count);
            ByteBuffer out = ByteBuffer.wrap(updated);
            long pos = 0;
            while (out.hasRemaining()) {
                pos += ch.write(out, pos);
            }
            ch.truncate(updated.length);
            return count[0];
        }
    }

    /** Unlinks a file or link (not followed); a missing entry is fine, a directory is the caller's error. */
    boolean removeFile(Path abs) throws IOException {
        try (PathWalker.Opened at = open(abs, false)) {
            BasicFileAttributes a = at.attributesIfExists();
            if (a == null) {
                return true;
            }
            if (a.isDirectory()) {
                return false;
            }
            try {
                at.dir().deleteFile(at.name());
            } catch (NoSuchFileException e) {
                // gone meanwhile
            }
            return true;
        }
    }

    /** {@code rm -rf} through handles: links are removed, never followed; a missing path is fine. */
    void removeAll(Path abs) throws IOException {
        try (PathWalker.Opened at = open(abs, false)) {
            removeAll(at.dir(), at.name(), at.walked());
        } catch (NoSuchFileException e) {
            // nothing to remove
        }
    }

    private static void removeAll(SecureDirectoryStream<Path> dir, Path name, Path walked) throws IOException {
        BasicFileAttributes a;
        try {
            a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
        } catch (NoSuchFileException e) {
            return;
        }
        try {
            if (!a.isDirectory()) {
                dir.deleteFile(name);
                return;
            }
            try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, NO_FOLLOW)) {
                List<Path> children = new ArrayList<>();
                for (Path child : sub) {
                    children.add(child.getFileName());
                }
                for (Path child : children) {
                    removeAll(sub, child, walked.resolve(child));
                }
            }
            dir.deleteDirectory(name);
        } catch (NoSuchFileException e) {
            // vanished meanwhile
        } catch (IOException e) {
            throw PathWalker.named(e, walked);
        }
    }

    /**
     * {@code mkdir -p} below a root, one component at a time through handles; links inside the roots are
     * followed. Answers the directories it created, the topmost first.
     */
    List<Path> makeDirectories(Path abs) throws IOException {
        List<Path> created = new ArrayList<>();
        Path root = walker.rootOf(abs);
        if (root == null) {
            open(abs, true).close(); // throws the walker's refusal
            throw new IllegalStateException("outside the roots: " + abs);
        }
        Path prefix = root;
        for (Path name : root.relativize(abs)) {
            prefix = prefix.resolve(name);
            try (PathWalker.Opened at = open(prefix, true)) {
                BasicFileAttributes a = at.attributesIfExists();
                if (a == null) {
                    makeDirectory(at);
                    created.add(prefix);
                } else if (!a.isDirectory()) {
                    throw new FileAlreadyExistsException(prefix.toString(), null, "not a directory");
                }
            }
        }
        return created;
    }

    /**
     * There is no {@code mkdirat} in the JDK: the directory is made under a fresh name in the root's real path
     * (operator-owned up to the new name, which {@code mkdir} never follows) and moved in with {@code renameat}
     * relative to both handles. Whatever a client swaps in under that fresh name meanwhile is moved into the
     * root at worst; it cannot make the move reach outside.
     */
    private void makeDirectory(PathWalker.Opened at) throws IOException {
        Path realRoot = walker.realRootOf(at.walked());
        Path fresh = Path.of(".execd-mkdir-" + HexFormat.of().formatHex(randomBytes()));
        Files.createDirectory(realRoot.resolve(fresh), NEW_DIR_MODE);
        try (PathWalker.Opened staged = open(realRoot.resolve(fresh), false)) {
            try {
                staged.dir().move(staged.name(), at.dir(), at.name());
            } catch (IOException e) {
                BasicFileAttributes there = at.attributesIfExists();
                staged.dir().deleteDirectory(staged.name());
                if (there != null && there.isDirectory()) {
                    return; // made meanwhile by someone else: mkdir -p is content
                }
                throw PathWalker.named(e, at.walked());
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return r;
    }

    /** Walker-ordered entries under an open directory, as {@code FileService.walkSorted}. */
    void walkChildren(SecureDirectoryStream<Path> dir, Path shown, Path walked, int depth, int maxDepth,
            EntryVisitor visitor) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path child : dir) {
            names.add(child.getFileName());
        }
        names.sort(NameOrder::compare);
        for (Path name : names) {
            BasicFileAttributes a;
            FileInfo info;
            try {
                a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
                info = infos.read(shown.resolve(name), walked.resolve(name), a.fileKey());
            } catch (NoSuchFileException e) {
                continue;
            } catch (FileSystemException e) {
                continue; // swapped while read: not described
            }
            visitor.visit(shown.resolve(name), info);
            if (a.isDirectory() && depth + 1 < maxDepth) {
                try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, NO_FOLLOW)) {
                    walkChildren(sub, shown.resolve(name), walked.resolve(name), depth + 1, maxDepth, visitor);
                } catch (NoSuchFileException e) {
                    // vanished meanwhile
                } catch (FileSystemException e) {
                    // replaced by a link or a file meanwhile: not descended into
                }
            }
        }
    }
}
