package dev.kernelgate.execd.files;

import java.nio.file.Path;

/** Receives the entries of a directory walk in name order. */
interface EntryVisitor {
    void visit(Path path, FileInfo info);
}
