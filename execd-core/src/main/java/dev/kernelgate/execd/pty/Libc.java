package dev.kernelgate.execd.pty;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The C library calls a pseudo-terminal needs and the JDK lacks. Constants are Linux's (x86-64 and arm64 agree on
 * every one used here).
 */
interface Libc extends Library {
    Libc C = Native.load("c", Libc.class);

    int O_RDWR = 0x2;
    int O_NOCTTY = 0x100;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int F_GETFL = 3;
    int F_SETFL = 4;
    long TIOCSWINSZ = 0x5414;
    short POLLIN = 0x1;
    short POLLOUT = 0x4;
    int EINTR = 4;
    int EAGAIN = 11;
    int ESRCH = 3;

    int posix_openpt(int flags);

    int grantpt(int fd);

    int unlockpt(int fd);

    int ptsname_r(int fd, byte[] buf, NativeLong size);

    int open(String path, int flags);

    int pipe2(int[] fds, int flags);

    int fcntl(int fd, int cmd, int arg);

    int ioctl(int fd, NativeLong request, Pointer arg);

    NativeLong read(int fd, byte[] buf, NativeLong count);

    NativeLong write(int fd, byte[] buf, NativeLong count);

    int poll(Pointer fds, NativeLong nfds, int timeoutMillis);

    int close(int fd);

    int kill(int pid, int signal);

    String strerror(int errno);
}
