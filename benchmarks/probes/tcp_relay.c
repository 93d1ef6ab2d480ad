/*
 * The least a relay process can do: listen on LISTEN_PORT; for each client, connect to 127.0.0.1:UPSTREAM_PORT and
 * copy whatever arrives, both ways, one read and one write per arrival (one thread, epoll, TCP_NODELAY). It does not
 * decode ZMTP, verify, or re-frame anything. relay_floor.py measures what putting it between a kernel's IOPub and
 * jupyter_client costs the kernel's output rate on this machine.
 *
 *   cc -O2 -o tcp_relay tcp_relay.c && ./tcp_relay LISTEN_PORT UPSTREAM_PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 65536

static int peer[MAX_FDS];

static void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void watch(int ep, int fd) {
    struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s LISTEN_PORT UPSTREAM_PORT\n", argv[0]);
        return 2;
    }
    struct sockaddr_in listen_at = loopback(atoi(argv[1])), upstream = loopback(atoi(argv[2]));
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&listen_at, sizeof listen_at) || listen(ls, 16)) {
        perror("listen");
        return 1;
    }
    int ep = epoll_create1(0);
    watch(ep, ls);
    static char buf[1 << 16];
    struct epoll_event events[16];
    for (;;) {
        int n = epoll_wait(ep, events, 16, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == ls) {
                int client = accept(ls, NULL, NULL);
                int up = socket(AF_INET, SOCK_STREAM, 0);
                if (client < 0 || up < 0 || client >= MAX_FDS || up >= MAX_FDS
                        || connect(up, (struct sockaddr *)&upstream, sizeof upstream)) {
                    perror("connect");
                    close(client);
                    close(up);
                    continue;
                }
                no_delay(client);
                no_delay(up);
                peer[client] = up;
                peer[up] = client;
                watch(ep, client);
                watch(ep, up);
                continue;
            }
            ssize_t got = read(fd, buf, sizeof buf);
            if (got <= 0) {
                int other = peer[fd];
                epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                epoll_ctl(ep, EPOLL_CTL_DEL, other, NULL);
                close(fd);
                close(other);
                continue;
            }
            /* Blocking writes: the reader keeps up or the relay waits, as a relay with no buffer of its own does. */
            for (ssize_t off = 0; off < got;) {
                ssize_t put = write(peer[fd], buf + off, got - off);
                if (put < 0) {
                    if (errno == EINTR) {
                        continue;
                    }
                    break;
                }
                off += put;
            }
        }
    }
}
