package dev.kernelgate.execd.pty;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.util.Arrays;

/**
 * The master side of one pseudo-terminal, in non-blocking mode. Every operation on the descriptor runs under this
 * object's lock and none of them blocks, so {@link #close()} can never race a read or write into a reused
 * descriptor number; only {@link #await} waits, outside the lock.
 */
final class PseudoTerminal implements AutoCloseable {
    /** What {@link #read} and {@link #write} return when the terminal is hung up or closed. */
    static final int END = -1;

    private final int fd;
    private final int slaveFd;
    private final String slavePath;
    private boolean closed;

    private PseudoTerminal(int fd, int slaveFd, String slavePath) {
        this.fd = fd;
        this.slaveFd = slaveFd;
        this.slavePath = slavePath;
    }

    /** A new terminal of {@code cols} x {@code rows}; its slave is {@link #slavePath()}. */
    static PseudoTerminal open(int cols, int rows) throws IOException {
        int fd = Libc.C.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (fd < 0) {
            throw failure("posix_openpt");
        }
        try {
            check(Libc.C.grantpt(fd), "grantpt");
            check(Libc.C.unlockpt(fd), "unlockpt");
            byte[] name = new byte[256];
            check(Libc.C.ptsname_r(fd, name, new NativeLong(name.length)), "ptsname_r");
            int flags = Libc.C.fcntl(fd, Libc.F_GETFL, 0);
            check(flags, "fcntl");
            check(Libc.C.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK), "fcntl");
            String slave = Native.toString(name);
            // Our own slave descriptor keeps the master from reading as hung up before the shell has opened its
            // side (and after it exits, while its last output is read); the end is told by the process instead.
            int slaveFd = Libc.C.open(slave, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
            check(slaveFd, "open(" + slave + ")");
            PseudoTerminal terminal = new PseudoTerminal(fd, slaveFd, slave);
            try {
                terminal.resize(cols, rows);
            } catch (IOException e) {
                terminal.close();
                throw e;
            }
            return terminal;
        } catch (IOException | RuntimeException e) {
            Libc.C.close(fd);
            throw e;
        }
    }

    /** The slave device, e.g. {@code /dev/pts/3}: the shell opens it as its controlling terminal. */
    String slavePath() {
        return slavePath;
    }

    /** Waits up to {@code millis} for input (and, with {@code output}, room to write); true when ready. */
    boolean await(boolean output, int millis) {
        synchronized (this) {
            if (closed) {
                return true;
            }
        }
        Memory pollfd = new Memory(8);
        pollfd.setInt(0, fd);
        pollfd.setShort(4, (short) (Libc.POLLIN | (output ? Libc.POLLOUT : 0)));
        pollfd.setShort(6, (short) 0);
        // A descriptor closed meanwhile at worst wakes this early: the next read sees the close.
        return Libc.C.poll(pollfd, new NativeLong(1), millis) > 0;
    }

    /** Bytes read into {@code buf}: 0 when none are waiting, {@link #END} once the terminal is hung up or closed. */
    synchronized int read(byte[] buf) {
        if (closed) {
            return END;
        }
        long n = Libc.C.read(fd, buf, new NativeLong(buf.length)).longValue();
        if (n > 0) {
            return (int) n;
        }
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                return 0;
            }
        }
        return END; // EIO: no process holds the slave open any more
    }

    /** Bytes of {@code data[offset..]} written: 0 when the terminal's input queue is full, {@link #END} if gone. */
    synchronized int write(byte[] data, int offset, int length) throws IOException {
        if (closed) {
            return END;
        }
        byte[] chunk = offset == 0 && length == data.length ? data : Arrays.copyOfRange(data, offset,
                offset + length);
        long n = Libc.C.write(fd, chunk, new NativeLong(length)).longValue();
        if (n >= 0) {
            return (int) n;
        }
        int errno = Native.getLastError();
        if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
            return 0;
        }
        throw failure("write", errno);
    }

    /** Sets the window size; the kernel tells the foreground process group with SIGWINCH. */
    synchronized void resize(int cols, int rows) throws IOException {
        if (closed) {
            throw new IOException("the terminal is closed");
        }
        Memory winsize = new Memory(8);
        winsize.setShort(0, (short) rows);
        winsize.setShort(2, (short) cols);
        winsize.setShort(4, (short) 0);
        winsize.setShort(6, (short) 0);
        check(Libc.C.ioctl(fd, new NativeLong(Libc.TIOCSWINSZ), winsize), "ioctl(TIOCSWINSZ)");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.C.close(slaveFd);
            Libc.C.close(fd);
        }
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
