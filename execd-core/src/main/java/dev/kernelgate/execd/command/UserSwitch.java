package dev.kernelgate.execd.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a command as another uid/gid the way upstream's {@code SysProcAttr.Credential} does, through util-linux
 * {@code setpriv} (the JDK cannot set credentials): real and effective uid and gid; supplementary groups from the
 * user database ({@code --init-groups}) when the uid has an entry, none otherwise; the primary gid defaults to
 * the user's, or 0 for a uid without an entry (Go leaves {@code Gid} zero, as Docker does for {@code --user N}).
 * Needs execd to run as root.
 */
final class UserSwitch {

    private static final Path PASSWD = Path.of("/etc/passwd");

    private final String setpriv;
    private final boolean root;

    UserSwitch(String setpriv, boolean root) {
        this.setpriv = setpriv;
        this.root = root;
    }

    static UserSwitch detect() {
        String setpriv = null;
        for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv")) {
            if (Files.isExecutable(Path.of(candidate))) {
                setpriv = candidate;
                break;
            }
        }
        boolean root;
        try {
            root = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            root = "root".equals(System.getProperty("user.name"));
        }
        return new UserSwitch(setpriv, root);
    }

    /**
     * The argv prefix that makes the rest run as {@code uid}/{@code gid}.
     *
     * @throws IOException when this process cannot switch users (the run fails like a failed start upstream)
     */
    List<String> prefix(long uid, Long gid) throws IOException {
        if (!root) {
            throw new IOException("fork/exec: operation not permitted (running as uid " + uid
                    + " needs execd to run as root)");
        }
        if (setpriv == null) {
            throw new IOException("running as uid " + uid + " needs setpriv (util-linux) on the PATH");
        }
        long[] entry = lookup(uid);
        long group = gid != null ? gid : entry != null ? entry[1] : 0;
        return List.of(setpriv, "--reuid=" + uid, "--regid=" + group,
                entry != null ? "--init-groups" : "--clear-groups", "--");
    }

    /** {@code [uid, gid]} of the passwd entry for {@code uid}, or {@code null}. */
    private static long[] lookup(long uid) {
        List<String> lines;
        try {
            lines = Files.readAllLines(PASSWD, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length >= 4) {
                try {
                    if (Long.parseLong(f[2]) == uid) {
                        return new long[] {uid, Long.parseLong(f[3])};
                    }
                } catch (NumberFormatException ignored) {
                    // not an entry
                }
            }
        }
        return null;
    }
}
