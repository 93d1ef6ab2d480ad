package dev.kernelgate.kernelspecs;

import java.nio.file.Path;
import java.util.Objects;

/** A kernelspec file that cannot be used: unreadable, not JSON, or missing/ill-typed fields. */
public final class InvalidKernelSpecException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path specFile;
    private final String problem;

    public InvalidKernelSpecException(Path specFile, String problem) {
        this(specFile, problem, null);
    }

    public InvalidKernelSpecException(Path specFile, String problem, Throwable cause) {
        super("invalid kernelspec " + specFile + ": " + problem, cause);
        this.specFile = Objects.requireNonNull(specFile, "specFile");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The kernel.json or drop-in {@code <name>.json} file. */
    public Path specFile() {
        return specFile;
    }

    /** What is wrong with it, without the file name. */
    public String problem() {
        return problem;
    }
}
