package dev.kernelgate.execd.pty;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The descriptors a shell talks through, our ends in non-blocking mode: a pseudo-terminal's master
 * ({@link #terminal}) or three pipes ({@link #pipes}, upstream's {@code pty=0}). Every operation on a descriptor
 * runs under this object's lock and none of them blocks, so {@link #close()} never races a read or a write into a
 * reused descriptor number; only {@link #await} waits, outside the lock.
 */
final class ShellIo implements AutoCloseable {
    /** What {@link #read} and {@link #write} return once a descriptor is at its end (hung up, EOF, closed). */
    static final int END = -1;

    private final int[] outputs;
    private final byte[] channels;
    private final int input;
    private final boolean terminal;
    private final String slavePath;
    private final List<Integer> childEnds;
    private final List<Integer> owned;
    private boolean closed;

    private ShellIo(int[] outputs, byte[] channels, int input, boolean terminal, String slavePath,
                    List<Integer> childEnds, List<Integer> owned) {
        this.outputs = outputs;
        this.channels = channels;
        this.input = input;
        this.terminal = terminal;
        this.slavePath = slavePath;
        this.childEnds = new ArrayList<>(childEnds);
        this.owned = new ArrayList<>(owned);
    }

    /** A new pseudo-terminal of {@code cols} x {@code rows}; the shell opens {@link #slavePath()} itself. */
    static ShellIo terminal(int cols, int rows) throws IOException {
        int master = Libc.C.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (master < 0) {
            throw failure("posix_openpt");
        }
        List<Integer> owned = new ArrayList<>(List.of(master));
        try {
            check(Libc.C.grantpt(master), "grantpt");
            check(Libc.C.unlockpt(master), "unlockpt");
            byte[] name = new byte[256];
            check(Libc.C.ptsname_r(master, name, new NativeLong(name.length)), "ptsname_r");
            nonBlocking(master);
            String slave = Native.toString(name);
            // Our own slave descriptor keeps the master from reading as hung up before the shell has opened its
            // side (and after it exits, while its last output is read); the shell's end is told by its exit.
            int slaveFd = Libc.C.open(slave, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
            check(slaveFd, "open(" + slave + ")");
            owned.add(slaveFd);
            ShellIo io = new ShellIo(new int[] {master}, new byte[] {PtyFrames.STDOUT}, master, true, slave,
                    List.of(), owned);
            io.resize(cols, rows);
            return io;
        } catch (IOException | RuntimeException e) {
            owned.forEach(Libc.C::close);
            throw e;
        }
    }

    /** Three pipes: stdin, stdout (channel 0x01) and stderr (0x02). */
    static ShellIo pipes() throws IOException {
        List<Integer> owned = new ArrayList<>();
        try {
            int[] in = pipe(owned);
            int[] out = pipe(owned);
            int[] err = pipe(owned);
            nonBlocking(in[1]);
            nonBlocking(out[0]);
            nonBlocking(err[0]);
            return new ShellIo(new int[] {out[0], err[0]}, new byte[] {PtyFrames.STDOUT, PtyFrames.STDERR}, in[1],
                    false, null, List.of(in[0], out[1], err[1]), owned);
        } catch (IOException | RuntimeException e) {
            owned.forEach(Libc.C::close);
            throw e;
        }
    }

    boolean isTerminal() {
        return terminal;
    }

    /** The terminal's slave device, e.g. {@code /dev/pts/3}; {@code null} for pipes. */
    String slavePath() {
        return slavePath;
    }

    /**
     * The pipes' child ends as files the child can be redirected to ({@code /proc/self/fd/N} opens the same pipe, in
     * blocking mode): stdin, stdout, stderr. Empty for a terminal.
     */
    List<File> childEnds() {
        return childEnds.stream().map(fd -> new File("/proc/self/fd/" + fd)).toList();
    }

    /** Drops our copies of the child ends once the child holds its own, so its exit reads as EOF. */
    synchronized void closeChildEnds() {
        for (Integer fd : childEnds) {
            if (owned.remove(fd)) {
                Libc.C.close(fd);
            }
        }
        childEnds.clear();
    }

    int outputCount() {
        return outputs.length;
    }

    byte channel(int output) {
        return channels[output];
    }

    /**
     * Waits up to {@code millis} for output on any of {@code open} (and, with {@code input}, room to write stdin).
     */
    void await(boolean[] open, boolean input, int millis) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        Memory fds = new Memory(8L * (outputs.length + 1));
        int count = 0;
        for (int i = 0; i < outputs.length; i++) {
            if (open[i]) {
                count = add(fds, count, outputs[i], Libc.POLLIN);
            }
        }
        if (input) {
            count = add(fds, count, this.input, Libc.POLLOUT);
        }
        // A descriptor closed meanwhile at worst wakes this early: the next read sees the close.
        Libc.C.poll(fds, new NativeLong(count), millis);
    }

    private static int add(Memory fds, int index, int fd, short events) {
        fds.setInt(8L * index, fd);
        fds.setShort(8L * index + 4, events);
        fds.setShort(8L * index + 6, (short) 0);
        return index + 1;
    }

    /** Bytes of output {@code output} read into {@code buf}: 0 when none are waiting, {@link #END} at its end. */
    synchronized int read(int output, byte[] buf) {
        if (closed) {
            return END;
        }
        long n = Libc.C.read(outputs[output], buf, new NativeLong(buf.length)).longValue();
        if (n > 0) {
            return (int) n;
        }
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                return 0;
            }
        }
        return END; // EOF, or EIO from a terminal nobody holds open any more
    }

    /** Bytes of {@code data[offset..]} written to stdin: 0 when it is full, {@link #END} once closed. */
    synchronized int write(byte[] data, int offset, int length) throws IOException {
        if (closed) {
            return END;
        }
        byte[] chunk = offset == 0 && length == data.length ? data : Arrays.copyOfRange(data, offset,
                offset + length);
        long n = Libc.C.write(input, chunk, new NativeLong(length)).longValue();
        if (n >= 0) {
            return (int) n;
        }
        int errno = Native.getLastError();
        if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
            return 0;
        }
        throw failure("write", errno);
    }

    /** Sets a terminal's window size (the kernel tells the foreground job with SIGWINCH); pipes ignore it. */
    synchronized void resize(int cols, int rows) throws IOException {
        if (closed) {
            throw new IOException("the terminal is closed");
        }
        if (!terminal) {
            return; // as upstream: pipe mode has no window
        }
        Memory winsize = new Memory(8);
        winsize.setShort(0, (short) rows);
        winsize.setShort(2, (short) cols);
        winsize.setShort(4, (short) 0);
        winsize.setShort(6, (short) 0);
        check(Libc.C.ioctl(outputs[0], new NativeLong(Libc.TIOCSWINSZ), winsize), "ioctl(TIOCSWINSZ)");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            owned.forEach(Libc.C::close);
            owned.clear();
        }
    }

    private static int[] pipe(List<Integer> owned) throws IOException {
        int[] fds = new int[2];
        check(Libc.C.pipe2(fds, Libc.O_CLOEXEC), "pipe2");
        owned.add(fds[0]);
        owned.add(fds[1]);
        return fds;
    }

    private static void nonBlocking(int fd) throws IOException {
        int flags = Libc.C.fcntl(fd, Libc.F_GETFL, 0);
        check(flags, "fcntl");
        check(Libc.C.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK), "fcntl");
    }

    private static void check(int result, String call) throws IOException {
        if (result < 0) {
            throw failure(call);
        }
    }

    private static IOException failure(String call) {
        return failure(call, Native.getLastError());
    }

    private static IOException failure(String call, int errno) {
        return new IOException(call + ": " + Libc.C.strerror(errno));
    }
}
