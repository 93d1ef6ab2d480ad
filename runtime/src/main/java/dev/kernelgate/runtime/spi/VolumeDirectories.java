package dev.kernelgate.runtime.spi;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A volume's {@code subPath} below the directory that holds the volume (a Docker named volume's mount point, a local
 * runtime volume directory), walked one component at a time from a handle on that directory without following a
 * link: every component must be a real directory, so whatever the sandboxes sharing the volume put into it, the
 * path that is mounted or linked lies inside the volume. Missing components are created (as a bind of a missing
 * source directory or a Kubernetes subPath would be), or, when only checking, end the walk: nothing below a missing
 * directory can lead anywhere.
 */
public final class VolumeDirectories {
    /** A bad {@code subPath}: upstream's code. */
    public static final String INVALID_SUB_PATH = "VOLUME::INVALID_SUB_PATH";
    /** A named volume that does not exist, with {@code createIfNotExists} false: upstream's code and status (400). */
    public static final String PVC_NOT_FOUND = "VOLUME::PVC_NOT_FOUND";

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private VolumeDirectories() {
    }

    /**
     * @param volume  the volume's name, for messages
     * @param root    the volume's directory; trusted (the engine's or the runtime's own), resolved once
     * @param subPath a parsed subPath (relative, no {@code ..}, {@code .} or empty components), or null
     * @param create  create missing components; else only check those that exist
     * @return the link-free absolute path of the subdirectory ({@code root} itself, resolved, without subPath)
     * @throws SandboxException 400 {@value #INVALID_SUB_PATH} when a component is a link or not a directory
     */
    public static Path subdirectory(String volume, Path root, String subPath, boolean create) throws IOException {
        Path at = root.toRealPath();
        if (subPath == null || subPath.isEmpty()) {
            return at;
        }
        DirectoryStream<Path> opened = Files.newDirectoryStream(at);
        if (!(opened instanceof SecureDirectoryStream<Path> dir)) {
            opened.close();
            throw new IOException("the file system of " + at + " cannot open directories relative to a handle");
        }
        try {
            for (String part : subPath.split("/")) {
                Path name = Path.of(part);
                if (part.isEmpty() || part.equals(".") || part.equals("..") || name.getNameCount() != 1) {
                    throw refused(volume, subPath, "'" + part + "' is not a plain name");
                }
                BasicFileAttributes attributes = attributes(dir, name);
                if (attributes == null && !create) {
                    return root.toRealPath().resolve(subPath);
                }
                if (attributes == null) {
                    try {
                        // The parent was reached through handles that follow no link: its path has none either.
                        Files.createDirectory(at.resolve(name));
                    } catch (FileAlreadyExistsException e) {
                        // Made meanwhile by another sandbox: judged below like any other entry.
                    }
                    attributes = attributes(dir, name);
                }
                if (attributes == null || attributes.isSymbolicLink() || !attributes.isDirectory()) {
                    throw refused(volume, subPath, at.resolve(name) + " is "
                            + (attributes != null && attributes.isSymbolicLink() ? "a symbolic link"
                            : "not a directory"));
                }
                SecureDirectoryStream<Path> next = dir.newDirectoryStream(name, NO_FOLLOW);
                dir.close();
                dir = next;
                at = at.resolve(name);
            }
        } finally {
            dir.close();
        }
        return at;
    }

    private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            return dir.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static SandboxException refused(String volume, String subPath, String why) {
        return new SandboxException(400, INVALID_SUB_PATH, "Volume '" + volume + "' subPath '" + subPath
                + "' must stay inside the volume through real directories: " + why + ".");
    }
}
