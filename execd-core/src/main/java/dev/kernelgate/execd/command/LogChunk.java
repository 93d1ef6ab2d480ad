package dev.kernelgate.execd.command;

/**
 * A piece of a background command's combined output and the byte offset after it (sent back as
 * {@code EXECD-COMMANDS-TAIL-CURSOR}).
 */
public record LogChunk(byte[] data, long cursor) {
}
