package dev.kernelgate.execd.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds {@link FileInfo}s from one {@code lstat} each; uid/gid names are cached. Thread-safe. */
final class FileInfoReader {

    private static final String ATTRIBUTES =
            "unix:uid,gid,mode,ctime,size,lastModifiedTime,isDirectory,isSymbolicLink,isRegularFile";
    private static final int MAX_CACHED_NAMES = 4096;

    private final ZoneId zone;
    private final Map<Integer, String> userNames = new ConcurrentHashMap<>();
    private final Map<Integer, String> groupNames = new ConcurrentHashMap<>();

    FileInfoReader(ZoneId zone) {
        this.zone = zone;
    }

    /** {@code lstat} semantics: a symlink is described, not followed. */
    FileInfo read(Path absolute) throws IOException {
        return read(absolute, absolute, null);
    }

    /**
     * {@code lstat} of {@code actual}, described as {@code shown}; with an {@code expectedKey} (device and inode
     * seen through a directory handle) the result is used only when it describes that same file, so a path
     * swapped meanwhile is reported as changed rather than described.
     */
    FileInfo read(Path shown, Path actual, Object expectedKey) throws IOException {
        Map<String, Object> a = Files.readAttributes(actual, expectedKey == null ? ATTRIBUTES
                : ATTRIBUTES + ",fileKey", LinkOption.NOFOLLOW_LINKS);
        if (expectedKey != null && !expectedKey.equals(a.get("fileKey"))) {
            throw new FileSystemException(shown.toString(), null, "changed while being read");
        }
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        int mode = (Integer) a.get("mode");
        String type = Boolean.TRUE.equals(a.get("isSymbolicLink")) ? "symlink"
                : Boolean.TRUE.equals(a.get("isDirectory")) ? "directory"
                : Boolean.TRUE.equals(a.get("isRegularFile")) ? "file" : "other";
        return new FileInfo(shown.toString(), type, (Long) a.get("size"),
                format((FileTime) a.get("lastModifiedTime")), format((FileTime) a.get("ctime")),
                userName(actual, uid), groupName(actual, gid), octalDigits(mode));
    }

    /** {@code 0755} → {@code 755}: the permission bits written in octal, read back as a decimal int. */
    static int octalDigits(int mode) {
        return Integer.parseInt(Integer.toOctalString(mode & 0777));
    }

    /** Go's RFC3339Nano: fraction without trailing zeros, {@code Z} for UTC. */
    String format(FileTime time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.toInstant().atZone(zone));
    }

    private String userName(Path path, int uid) {
        String cached = userNames.get(uid);
        if (cached != null) {
            return cached;
        }
        String name;
        try {
            // The name is taken only from a read of the same owner: the path may have changed since.
            Map<String, Object> a = Files.readAttributes(path, "unix:owner,uid", LinkOption.NOFOLLOW_LINKS);
            if (!Integer.valueOf(uid).equals(a.get("uid"))) {
                return Integer.toString(uid);
            }
            name = ((UserPrincipal) a.get("owner")).getName();
        } catch (IOException | RuntimeException e) {
            return Integer.toString(uid);
        }
        remember(userNames, uid, name);
        return name;
    }

    private String groupName(Path path, int gid) {
        String cached = groupNames.get(gid);
        if (cached != null) {
            return cached;
        }
        String name;
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:group,gid", LinkOption.NOFOLLOW_LINKS);
            if (!Integer.valueOf(gid).equals(a.get("gid"))) {
                return Integer.toString(gid);
            }
            name = ((GroupPrincipal) a.get("group")).getName();
        } catch (IOException | RuntimeException e) {
            return Integer.toString(gid);
        }
        remember(groupNames, gid, name);
        return name;
    }

    private static void remember(Map<Integer, String> cache, int id, String name) {
        if (name.equals(Integer.toString(id))) {
            return; // unresolved: a user created later should show up by name
        }
        if (cache.size() >= MAX_CACHED_NAMES) {
            cache.clear();
        }
        cache.put(id, name);
    }
}
