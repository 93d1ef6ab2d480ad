package dev.kernelgate.execd.files;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.kernelgate.execd.ExecdErrorCode;
import dev.kernelgate.http.BodySource;
import dev.kernelgate.http.HttpError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /files/upload}: {@code metadata} and {@code file} parts (both with a filename, as Gin reads them),
 * paired by index. Each file is streamed to a hidden temporary file next to its destination, then (once the
 * whole request has been read and checked) fsynced, given its mode and owner, renamed over the destination and
 * its directory fsynced. A failed upload leaves no file behind (and removes the directories it created); an
 * error in one pair means no pair is written. Errors, in upstream's order: no metadata part 400
 * INVALID_FILE_METADATA, no file part 400 INVALID_FILE_CONTENT, count mismatch 400 INVALID_FILE, then the first
 * pair's own error (bad metadata 400 INVALID_FILE_METADATA, unusable path or owner 500 RUNTIME_ERROR, outside the
 * allowed roots 403 {@value FsErrors#FS_002}). A body over the optional size limit is refused (403
 * {@value FsErrors#FS_002}) as soon as that is known.
 */
final class Uploads {

    private static final Logger log = LoggerFactory.getLogger(Uploads.class);
    private static final int MAX_METADATA_BYTES = 1024 * 1024;
    /** A new file's mode unless the request names one (an overwrite keeps the old file's). */
    private static final FileAttribute<Set<PosixFilePermission>> NEW_FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Written bytes after which the file is flushed in the background, so the final fsync has little left. */
    private static final long SYNC_EVERY_BYTES = 64L * 1024 * 1024;

    private final FileService files;
    private final PathPolicy paths;
    /** With allowed roots: targets are opened through handles and a link at the target is replaced, never followed. */
    private final RootedFiles rooted;
    private final long maxUploadBytes;
    private final Path spoolDir;
    private final ObjectReader json;
    private final Executor syncExecutor;

    /** @param syncExecutor runs the early background flushes of big files ({@code null}: none) */
    Uploads(FileService files, Path spoolDir, ObjectMapper mapper, Executor syncExecutor) {
        this.files = files;
        this.paths = files.paths();
        this.rooted = files.rooted();
        this.maxUploadBytes = files.maxUploadBytes();
        this.spoolDir = spoolDir;
        this.json = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.syncExecutor = syncExecutor;
    }

    /** What a metadata part asks for, or why it cannot be honoured. */
    private static final class Meta {
        Path target;
        Permission permission = Permission.NONE;
        HttpError error;
    }

    /** A file part's bytes on disk, not yet at their destination. */
    private static final class Staged {
        /** With allowed roots: the target's directory handle (held until the end) and the temporary file's name. */
        PathWalker.Opened at;
        Path tempName;
        Path temp;
        FileChannel channel;
        boolean nextToTarget;
        final List<Path> createdDirs = new ArrayList<>();
        boolean committed;
        long unsynced;
        final AtomicBoolean syncing = new AtomicBoolean();
    }

    /** A failure writing our own file, as opposed to reading the request. */
    private static final class StoreException extends IOException {
        StoreException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Blocking; throws the upstream error for a bad upload. */
    void upload(String contentType, BodySource body) {
        String boundary = MultipartReader.boundaryOf(contentType);
        if (boundary == null) {
            throw FsErrors.of(400, ExecdErrorCode.INVALID_FILE, "multipart form is empty");
        }
        checkLimit(body.contentLength());
        List<Meta> metas = new ArrayList<>();
        List<Staged> staged = new ArrayList<>();
        boolean done = false;
        try (MultipartReader reader = new MultipartReader(body, boundary)) {
            MultipartReader.Part part;
            while ((part = reader.next()) != null) {
                checkLimit(body.bytesRead());
                String name = part.formName();
                if (name == null || part.filename() == null) {
                    part.skip(); // a form value (no filename): Gin does not see it as a file
                } else if (name.equals("metadata")) {
                    byte[] bytes = part.readAll(MAX_METADATA_BYTES);
                    metas.add(bytes == null
                            ? failed(FsErrors.of(400, ExecdErrorCode.INVALID_FILE_METADATA, "metadata is too large"))
                            : parseMeta(bytes));
                } else if (name.equals("file")) {
                    int index = staged.size();
                    Meta meta = index < metas.size() ? metas.get(index) : null;
                    Staged target = firstError(metas) != null ? null : stage(meta);
                    staged.add(target);
                    if (target == null) {
                        part.skip();
                    } else {
                        part.transferTo(bytes -> write(target, bytes, body));
                    }
                } else {
                    part.skip();
                }
            }
            checkLimit(body.bytesRead());
            if (metas.isEmpty()) {
                throw FsErrors.of(400, ExecdErrorCode.INVALID_FILE_METADATA, "metadata file is missing");
            }
            if (staged.isEmpty()) {
                throw FsErrors.of(400, ExecdErrorCode.INVALID_FILE_CONTENT, "file is missing");
            }
            if (metas.size() != staged.size()) {
                throw FsErrors.of(400, ExecdErrorCode.INVALID_FILE, "metadata and file count mismatch: "
                        + metas.size() + " vs " + staged.size());
            }
            HttpError pairError = firstError(metas);
            if (pairError != null) {
                throw pairError;
            }
            for (int i = 0; i < metas.size(); i++) {
                commit(metas.get(i), staged.get(i));
            }
            done = true;
        } catch (MultipartReader.MalformedException e) {
            throw FsErrors.of(400, ExecdErrorCode.INVALID_FILE, "multipart form is empty: " + e.getMessage());
        } catch (StoreException e) {
            throw FsErrors.runtime("error copying file. " + FsErrors.describe(e.getCause()));
        } catch (IOException e) {
            throw FsErrors.of(400, ExecdErrorCode.INVALID_FILE, "error reading upload: " + e.getMessage());
        } finally {
            if (!done) {
                cleanUp(staged);
            }
        }
    }

    private void checkLimit(long bytes) {
        if (maxUploadBytes > 0 && bytes > maxUploadBytes) {
            throw FsErrors.policy("upload of " + (bytes < 0 ? "unknown size" : bytes + " bytes")
                    + " exceeds the limit of " + maxUploadBytes + " bytes");
        }
    }

    private static Meta failed(HttpError error) {
        Meta m = new Meta();
        m.error = error;
        return m;
    }

    private static HttpError firstError(List<Meta> metas) {
        for (Meta m : metas) {
            if (m.error != null) {
                return m.error;
            }
        }
        return null;
    }

    /** Go's {@code json.Unmarshal} into {@code FileMetadata}, then the checks upstream makes before writing. */
    private Meta parseMeta(byte[] bytes) {
        JsonNode node;
        try {
            node = json.readValue(bytes);
            if (node == null || node.isMissingNode()) {
                throw new IOException("unexpected end of JSON input");
            }
        } catch (IOException e) {
            return failed(FsErrors.of(400, ExecdErrorCode.INVALID_FILE_METADATA,
                    "invalid metadata format. " + e.getMessage()));
        }
        Meta meta = new Meta();
        String path;
        try {
            if (!node.isNull() && !node.isObject()) {
                throw new IllegalArgumentException("json: cannot unmarshal " + JsonBodies.kind(node)
                        + " into Go value of type model.FileMetadata");
            }
            path = node.isNull() ? "" : JsonBodies.string(node, "path");
            meta.permission = Permission.fromJson(node);
        } catch (IllegalArgumentException e) {
            return failed(FsErrors.of(400, ExecdErrorCode.INVALID_FILE_METADATA,
                    "invalid metadata format. " + e.getMessage()));
        }
        if (path.isEmpty()) {
            return failed(FsErrors.of(400, ExecdErrorCode.INVALID_FILE_METADATA, "metadata path is empty"));
        }
        try {
            meta.target = paths.resolveFollowing(path);
        } catch (HttpError e) {
            if (e.status() == 500) {
                return failed(FsErrors.runtime("error resolving target path " + path + ". " + e.message()));
            }
            return failed(e);
        }
        if (isDirectory(meta.target)) {
            return failed(FsErrors.runtime("error opening destination file " + meta.target + ". open "
                    + meta.target + ": is a directory"));
        }
        try {
            meta.permission.modeBits();
            Permission p = meta.permission;
            if (!p.owner().isEmpty()) {
                FileService.lookupUser(p.owner());
            }
            if (!p.group().isEmpty()) {
                FileService.lookupGroup(p.group());
            }
        } catch (IOException | IllegalArgumentException e) {
            return failed(FsErrors.runtime("error chmoding file " + meta.target + ". " + e.getMessage()));
        }
        return meta;
    }

    private boolean isDirectory(Path target) {
        if (rooted == null) {
            return Files.isDirectory(target);
        }
        try (PathWalker.Opened at = rooted.open(target, false)) {
            BasicFileAttributes a = at.attributesIfExists();
            return a != null && a.isDirectory();
        } catch (IOException e) {
            return false; // staging reports it
        }
    }

    /** A temporary file next to the destination (parents created), or in the spool dir before the metadata. */
    private Staged stage(Meta meta) {
        Staged s = new Staged();
        try {
            if (meta == null) {
                s.temp = Files.createTempFile(spoolDir, "execd-upload-", ".part");
                s.channel = FileChannel.open(s.temp, StandardOpenOption.WRITE);
                return s;
            }
            Path dir = meta.target.getParent();
            try {
                s.createdDirs.addAll(rooted == null ? FileService.createDirectories(dir, true)
                        : rooted.makeDirectories(dir));
            } catch (IOException e) {
                meta.error = FsErrors.runtime("error creating target directory " + dir + ". " + FsErrors.describe(e));
                return null;
            }
            if (rooted != null) {
                openNextTo(meta.target, s);
                return s;
            }
            s.nextToTarget = true;
            s.temp = tempNextTo(meta.target);
            s.channel = FileChannel.open(s.temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    NEW_FILE_MODE);
            return s;
        } catch (IOException e) {
            cleanUp(List.of(s));
            if (meta != null) {
                meta.error = FsErrors.runtime("error opening destination file " + meta.target + ". "
                        + FsErrors.describe(e));
                return null;
            }
            throw FsErrors.runtime("error spooling upload. " + FsErrors.describe(e));
        }
    }

    private static Path tempNextTo(Path target) {
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        String name = target.getFileName().toString();
        String stem = name.length() > 180 ? name.substring(0, 180) : name;
        return target.resolveSibling("." + stem + ".upload-" + HexFormat.of().formatHex(r));
    }

    /** With allowed roots: the target's directory handle and a new temporary file created through it. */
    private void openNextTo(Path target, Staged s) throws IOException {
        s.at = rooted.open(target, false);
        s.tempName = tempNextTo(s.at.walked()).getFileName();
        s.temp = s.at.walked().resolveSibling(s.tempName);
        s.channel = RootedFiles.channel(s.at.dir(), s.tempName, s.temp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), NEW_FILE_MODE);
        s.nextToTarget = true;
    }

    private void write(Staged s, ByteBuffer bytes, BodySource body) throws IOException {
        checkLimit(body.bytesRead());
        try {
            while (bytes.hasRemaining()) {
                s.unsynced += s.channel.write(bytes);
            }
        } catch (IOException e) {
            throw new StoreException(e);
        }
        if (s.unsynced >= SYNC_EVERY_BYTES && syncExecutor != null && s.syncing.compareAndSet(false, true)) {
            s.unsynced = 0;
            FileChannel channel = s.channel;
            try {
                // Start the disk writing while the rest arrives (the final fsync then waits for little).
                syncExecutor.execute(() -> {
                    try {
                        channel.force(false);
                    } catch (IOException e) {
                        log.debug("Background flush of {} failed (the final fsync decides)", s.temp, e);
                    } finally {
                        s.syncing.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                s.syncing.set(false);
            }
        }
    }

    /** fsync, mode/owner, atomic rename over the destination, fsync of its directory. */
    private void commit(Meta meta, Staged s) throws StoreException {
        if (rooted != null) {
            commitRooted(meta, s);
            return;
        }
        Path target = meta.target;
        try {
            if (Files.isSymbolicLink(target) && Files.exists(target)) {
                target = target.toRealPath(); // O_TRUNC through a link writes the link's target
            }
            Path dir = target.getParent();
            if (!s.nextToTarget) {
                s.channel.close();
                s.createdDirs.addAll(FileService.createDirectories(dir, true));
                Path next = tempNextTo(target);
                try {
                    Files.move(s.temp, next, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.copy(s.temp, next);
                    Files.delete(s.temp);
                }
                s.temp = next;
                s.nextToTarget = true;
                s.channel = FileChannel.open(next, StandardOpenOption.WRITE);
            }
            s.channel.force(true);
            s.channel.close();
            keepExistingModeAndOwner(target, s.temp);
            files.apply(s.temp, meta.permission);
            try {
                Files.move(s.temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(s.temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            s.committed = true;
            syncDirectory(dir);
        } catch (IOException | IllegalArgumentException e) {
            IOException io = e instanceof IOException i ? i : new IOException(e.getMessage(), e);
            throw new StoreException(io);
        }
    }

    /**
     * As {@link #commit} through the target directory's handle: the spooled bytes are copied into a temporary
     * file made there, and {@code renameat} puts it in place of the target name (a link there is replaced).
     */
    private void commitRooted(Meta meta, Staged s) throws StoreException {
        try {
            if (!s.nextToTarget) {
                Path spooled = s.temp;
                s.channel.close();
                try (FileChannel in = FileChannel.open(spooled, StandardOpenOption.READ)) {
                    s.createdDirs.addAll(rooted.makeDirectories(meta.target.getParent()));
                    openNextTo(meta.target, s);
                    long pos = 0;
                    long size = in.size();
                    while (pos < size) {
                        pos += s.channel.transferFrom(in, pos, size - pos);
                    }
                } finally {
                    Files.deleteIfExists(spooled);
                }
            }
            s.channel.force(true);
            s.channel.close();
            PosixFileAttributeView temp = s.at.dir().getFileAttributeView(s.tempName, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            BasicFileAttributes old = s.at.attributesIfExists();
            if (old != null && old.isRegularFile()) {
                PosixFileAttributes previous = s.at.posixView().readAttributes();
                temp.setPermissions(previous.permissions());
                try {
                    temp.setOwner(previous.owner());
                    temp.setGroup(previous.group());
                } catch (IOException e) {
                    log.debug("Could not keep the owner of {}", s.at.walked(), e);
                }
            }
            FileService.apply(temp, s.temp, meta.permission);
            s.at.dir().move(s.tempName, s.at.dir(), s.at.name());
            s.committed = true;
            syncDirectory(s.at.walked().getParent());
            s.at.close();
            s.at = null;
        } catch (IOException | IllegalArgumentException e) {
            IOException io = e instanceof IOException i ? i : new IOException(e.getMessage(), e);
            throw new StoreException(io);
        }
    }

    /**
     * An overwrite of a regular file keeps its mode and owner, as upstream's in-place {@code O_TRUNC} write does;
     * anything else (a new file, a dangling link replaced) gets the new file's mode.
     */
    private static void keepExistingModeAndOwner(Path target, Path temp) {
        try {
            Map<String, Object> old = Files.readAttributes(target, "unix:mode,uid,gid,isRegularFile",
                    LinkOption.NOFOLLOW_LINKS);
            if (old.isEmpty() || !Boolean.TRUE.equals(old.get("isRegularFile"))) {
                return;
            }
            Files.setPosixFilePermissions(temp, FileService.permissions((Integer) old.get("mode") & 0777));
            try {
                Files.setAttribute(temp, "unix:uid", old.get("uid"));
                Files.setAttribute(temp, "unix:gid", old.get("gid"));
            } catch (IOException | RuntimeException e) {
                log.debug("Could not keep the owner of {}", target, e);
            }
        } catch (NoSuchFileException e) {
            // a new file
        } catch (IOException | RuntimeException e) {
            log.debug("Could not keep the mode of {}", target, e);
        }
    }

    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("fsync of directory {} failed (best effort)", dir, e);
        }
    }

    private void cleanUp(List<Staged> staged) {
        List<Path> dirs = new ArrayList<>();
        for (Staged s : staged) {
            if (s == null) {
                continue;
            }
            if (s.channel != null) {
                try {
                    s.channel.close();
                } catch (IOException e) {
                    log.debug("close of {} failed", s.temp, e);
                }
            }
            if (s.temp != null && !s.committed) {
                try {
                    if (s.at != null && s.tempName != null) {
                        s.at.dir().deleteFile(s.tempName);
                    } else {
                        Files.deleteIfExists(s.temp);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // never made, or gone
                } catch (IOException e) {
                    log.warn("Could not remove the partial upload {}", s.temp, e);
                }
            }
            if (s.at != null) {
                try {
                    s.at.close();
                } catch (IOException e) {
                    log.debug("close of the handle of {} failed", s.temp, e);
                }
            }
            if (!s.committed) {
                dirs.addAll(s.createdDirs);
            }
        }
        for (int i = dirs.size() - 1; i >= 0; i--) {
            if (rooted != null) {
                rooted.removeEmptyDirectory(dirs.get(i));
                continue;
            }
            try {
                Files.deleteIfExists(dirs.get(i));
            } catch (IOException e) {
                // not empty (another pair committed into it) or gone: leave it
            }
        }
    }
}
