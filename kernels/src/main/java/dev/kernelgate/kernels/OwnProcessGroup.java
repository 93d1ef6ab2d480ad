package dev.kernelgate.kernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each kernel a process group of its own (pgid = pid), so that interrupt and shutdown signals reach the
 * processes it spawns. The JDK cannot call setsid(2) in the child, so argv is prefixed with setsid(1). Found once
 * per kernel manager; when it is missing, that is logged once as an error, since group signals will then fail.
 */
final class OwnProcessGroup {
    private static final Logger log = LoggerFactory.getLogger(OwnProcessGroup.class);
    static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Path setsid;

    private OwnProcessGroup(Path setsid) {
        this.setsid = setsid;
    }

    static OwnProcessGroup find(Path setsid) {
        if (Files.isExecutable(setsid)) {
            return new OwnProcessGroup(setsid);
        }
        log.error("{} is not executable: kernels will share this process's group, so interrupting (SIGINT), "
                + "stopping and killing them by group will fail and their child processes can outlive them; "
                + "install util-linux", setsid);
        return new OwnProcessGroup(null);
    }

    /** The command that runs {@code argv} as the leader of a new process group (argv itself without setsid). */
    List<String> command(List<String> argv) {
        if (setsid == null) {
            return argv;
        }
        List<String> command = new ArrayList<>(argv.size() + 1);
        command.add(setsid.toString());
        command.addAll(argv);
        return command;
    }
}
