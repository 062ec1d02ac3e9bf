/*
 * An independent load generator for the greeting protocol, sharing no code with AkkaSockets:
 * one thread, non-blocking sockets, epoll. Each session connects, reads "Welcome!", sends each
 * name and waits for exactly "Hello, NAME!", then sends "exit" and closes, as the tutorial's
 * client does. Reply latency is the time from writing a name to reading the last byte of its
 * reply, the same definition `akkasockets load` uses. Greeting latency is the time from starting
 * the connect to reading the last byte of "Welcome!": accept, the server's per-connection set-up
 * and its first write. A burst's connects go out 64 at a time with the sockets read in between,
 * so the generator's own connect loop does not count as the server's greeting time.
 *
 * usage: loadgen PORT SESSIONS CONNECTIONS RAMP_PER_S [TIMEOUT_S] [CAP_S] [SOURCES]
 *   Loopback only (server on 127.0.0.1). RAMP_PER_S 0 starts everything at once.
 *   SOURCES (default 16): connects are bound round-robin to source addresses 127.0.0.2 ...
 *   so that no single source address runs short of ephemeral ports (TIME_WAIT) in a long run.
 *   Every loop is bounded: the run stops at CAP_S (default 300) whatever happens.
 * Prints a human line on stderr and one JSON line on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NAMES 3
static const char *names[NAMES] = {"Michael", "Tracy", "Sarah"};
static char replies[NAMES][64];
static size_t reply_len[NAMES];
static const char welcome[] = "Welcome!";

enum { IDLE, CONNECTING, TALKING, DONE };
enum { START_BATCH = 64 };

struct session {
    int fd;
    int state;
    int step;          /* -1: welcome, 0..NAMES-1: reply to names[step] */
    size_t matched;    /* bytes of the current expectation seen */
    int64_t sent_at;   /* ns */
    int64_t started_at; /* ns, connect started */
    int64_t deadline;  /* ns */
};

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double pct(const int64_t *sorted, long n, double p) {
    if (n == 0) return 0;
    long i = (long)((p / 100.0) * (double)n + 0.5) - 1;  /* nearest rank */
    if (i < 0) i = 0;
    if (i >= n) i = n - 1;
    return sorted[i] / 1e6;
}

static int epfd;
static struct session *sessions;
static int64_t *latencies, *greetings;
static long nlat, ngreet, sources = 16, source_next, ok, failed, failed_refused, failed_timeout, failed_closed, failed_unexpected;
static long active, open_now, peak_open;
static int64_t timeout_ns;

static void finish(struct session *s, int success, long *cause) {
    if (s->state == TALKING) open_now--;
    if (s->fd >= 0) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, NULL);
        close(s->fd);
    }
    s->fd = -1;
    s->state = DONE;
    active--;
    if (success) ok++;
    else { failed++; if (cause) (*cause)++; }
}

static int send_all(int fd, const char *p, size_t n) {
    /* Tiny writes on a fresh socket fit the send buffer; a short write is a failure here. */
    return send(fd, p, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

static void on_readable(struct session *s) {
    char buf[512];
    for (int reads = 0; reads < 64; reads++) {   /* bounded: 64 reads per wake-up */
        ssize_t n = recv(s->fd, buf, sizeof buf, 0);
        if (n == 0) { finish(s, 0, &failed_closed); return; }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            finish(s, 0, &failed_closed);
            return;
        }
        for (ssize_t i = 0; i < n; i++) {
            if (s->step >= NAMES) break; /* after the last reply: ignore */
            const char *want = s->step < 0 ? welcome : replies[s->step];
            size_t want_len = s->step < 0 ? sizeof welcome - 1 : reply_len[s->step];
            if (buf[i] != want[s->matched]) { finish(s, 0, &failed_unexpected); return; }
            if (++s->matched < want_len) continue;
            int64_t t = now_ns();
            if (s->step >= 0) latencies[nlat++] = t - s->sent_at;
            else greetings[ngreet++] = t - s->started_at;
            s->step++;
            s->matched = 0;
            if (s->step < NAMES) {
                s->sent_at = now_ns();
                s->deadline = s->sent_at + timeout_ns;
                if (send_all(s->fd, names[s->step], strlen(names[s->step])) < 0) { finish(s, 0, &failed_closed); return; }
            } else {
                send_all(s->fd, "exit", 4);
                finish(s, 1, NULL);
                return;
            }
        }
    }
}

static void start_session(struct session *s, struct sockaddr_in *addr) {
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    s->step = -1;
    s->matched = 0;
    s->started_at = now_ns();
    s->deadline = s->started_at + timeout_ns;
    active++;
    if (s->fd < 0) { s->state = CONNECTING; finish(s, 0, &failed_closed); return; }
    int one = 1;
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s->state = CONNECTING;
    if (sources > 0) {
        struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
        src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(source_next++ % sources));
        if (bind(s->fd, (struct sockaddr *)&src, sizeof src) < 0) { finish(s, 0, &failed_refused); return; }
    }
    int r = connect(s->fd, (struct sockaddr *)addr, sizeof *addr);
    if (r < 0 && errno != EINPROGRESS) { finish(s, 0, &failed_refused); return; }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = s};
    epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s PORT SESSIONS CONNECTIONS RAMP_PER_S [TIMEOUT_S] [CAP_S] [SOURCES]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    long total = atol(argv[2]), limit = atol(argv[3]);
    double ramp = atof(argv[4]);
    timeout_ns = (int64_t)((argc > 5 ? atof(argv[5]) : 10.0) * 1e9);
    int64_t cap_ns = (int64_t)((argc > 6 ? atof(argv[6]) : 300.0) * 1e9);
    if (argc > 7) sources = atol(argv[7]);
    if (port <= 0 || total <= 0 || limit <= 0 || sources < 0 || sources > 250) { fprintf(stderr, "bad arguments\n"); return 2; }

    for (int i = 0; i < NAMES; i++) {
        reply_len[i] = (size_t)snprintf(replies[i], sizeof replies[i], "Hello, %s!", names[i]);
    }
    sessions = calloc((size_t)total, sizeof *sessions);
    latencies = calloc((size_t)total * NAMES, sizeof *latencies);
    greetings = calloc((size_t)total, sizeof *greetings);
    if (!sessions || !latencies || !greetings) { perror("calloc"); return 1; }
    for (long i = 0; i < total; i++) { sessions[i].fd = -1; sessions[i].state = IDLE; }

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    epfd = epoll_create1(0);
    struct epoll_event events[1024];

    int64_t t0 = now_ns(), last_sweep = t0;
    long started = 0;
    int capped = 0;
    while (ok + failed < total) {
        int64_t t = now_ns();
        if (t - t0 > cap_ns) { capped = 1; break; }
        long due = ramp > 0 ? 1 + (long)(ramp * (double)(t - t0) / 1e9) : total;
        if (due > total) due = total;
        /* At most START_BATCH connects between two looks at the sockets, without waiting while
         * more are due: a greeting's latency is then the server's, not the time this one thread
         * spends starting the other sessions of a burst before it reads any reply. */
        long batch = 0;
        while (started < due && active < limit && batch++ < START_BATCH) start_session(&sessions[started++], &addr);

        int n = epoll_wait(epfd, events, 1024, started < due && active < limit ? 0 : 1);
        for (int i = 0; i < n; i++) {
            struct session *s = events[i].data.ptr;
            if (s->state == DONE) continue;
            if (s->state == CONNECTING) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err != 0) { finish(s, 0, err == ECONNREFUSED ? &failed_refused : &failed_closed); continue; }
                if (!(events[i].events & (EPOLLOUT | EPOLLIN))) continue;
                s->state = TALKING;
                if (++open_now > peak_open) peak_open = open_now;
                struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
                epoll_ctl(epfd, EPOLL_CTL_MOD, s->fd, &ev);
                if (!(events[i].events & EPOLLIN)) continue;
            }
            on_readable(s);
        }
        if (t - last_sweep > 100000000LL) {   /* deadlines, ten times a second */
            last_sweep = t;
            for (long i = 0; i < started; i++) {
                struct session *s = &sessions[i];
                if ((s->state == CONNECTING || s->state == TALKING) && t > s->deadline) finish(s, 0, &failed_timeout);
            }
        }
    }
    long cancelled = total - ok - failed;
    for (long i = 0; i < started; i++)
        if (sessions[i].state == CONNECTING || sessions[i].state == TALKING) close(sessions[i].fd);

    double elapsed = (now_ns() - t0) / 1e9;
    qsort(latencies, (size_t)nlat, sizeof *latencies, cmp_i64);
    qsort(greetings, (size_t)ngreet, sizeof *greetings, cmp_i64);
    fprintf(stderr, "loadgen: %ld ok, %ld failed, %ld cancelled%s in %.2fs; reply ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f; "
            "greeting ms p50 %.3f p99 %.3f; peak open %ld\n",
            ok, failed, cancelled, capped ? " (cap)" : "", elapsed, pct(latencies, nlat, 50), pct(latencies, nlat, 90),
            pct(latencies, nlat, 99), pct(latencies, nlat, 99.9), nlat ? latencies[nlat - 1] / 1e6 : 0.0,
            pct(greetings, ngreet, 50), pct(greetings, ngreet, 99), peak_open);
    printf("{\"ok\":%ld,\"failed\":%ld,\"failures\":{\"refused\":%ld,\"timeout\":%ld,\"closed\":%ld,\"unexpected\":%ld,\"cancelled\":%ld},"
           "\"replies\":%ld,\"reply_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99.9\":%.3f,\"max\":%.3f},"
           "\"greeting_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
           "\"sessions_per_s\":%.3f,\"peak_open\":%ld,\"elapsed_s\":%.3f}\n",
           ok, failed + cancelled, failed_refused, failed_timeout, failed_closed, failed_unexpected, cancelled, nlat,
           pct(latencies, nlat, 50), pct(latencies, nlat, 90), pct(latencies, nlat, 99), pct(latencies, nlat, 99.9),
           nlat ? latencies[nlat - 1] / 1e6 : 0.0,
           pct(greetings, ngreet, 50), pct(greetings, ngreet, 99), ngreet ? greetings[ngreet - 1] / 1e6 : 0.0,
           elapsed > 0 ? ok / elapsed : 0.0, peak_open, elapsed);
    free(sessions);
    free(latencies);
    free(greetings);
    close(epfd);
    return failed + cancelled > 0 ? 1 : 0;
}
