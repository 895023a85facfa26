/*
 * course_peer: the course's experiment as a minimal C program, the yardstick
 * netio-tui is compared with (scripts/bench-vs-c.sh).
 *
 * A message is 8 fields, each its own malloc; the size is split evenly over the
 * fields, the remainder going to the last; field i is filled with 'A' + i.
 *
 *   server: listens, accepts CONNS connections and gives each a sending thread.
 *           two-copy: 8 send() calls per message, one per field (A1);
 *           one-copy: one sendmsg() with an iovec[8] (A2).
 *           Nagle stays on (as the course's programs) unless --nodelay sets
 *           TCP_NODELAY on the sender. Exits once every connection has closed.
 *   client: opens CONNS connections, one receiving thread each, with TCP_NODELAY
 *           set on the client as the course does (it does not affect the data
 *           direction). message: recv() into a message-size buffer, never past the
 *           end of the current message (reassembly across partial reads);
 *           stream: recv() into a 256 KiB buffer (as iperf3); trunc: MSG_TRUNC.
 *           After --warmup seconds it counts the bytes received over --duration
 *           seconds and prints one line:
 *             bytes=N seconds=S gbps=G messages=M
 *           (gbps = bytes * 8 / seconds / 1e9 over the measured window only).
 *
 * --buf-offset N (both sides): every field and the receive buffer start N bytes into
 * a 4 KiB page (0 to 4095), as netio-tui --buf-offset N; default heap: wherever
 * malloc puts them, as the course's programs.
 *
 * Empty fields of messages under 8 bytes are not sent, as in netio-tui.
 * Sends use MSG_NOSIGNAL so that the client closing ends the server quietly.
 *
 * Build: gcc -O2 -pthread -o course_peer course_peer.c
 * Usage: course_peer server [--port P] [--conns N] [--size B] [--strategy two-copy|one-copy] [--nodelay]
 *                           [--buf-offset heap|N]
 *        course_peer client --host IPV4 [--port P] [--conns N] [--size B]
 *                           [--recv message|stream|trunc] [--duration S] [--warmup S] [--verify]
 *                           [--buf-offset heap|N]
 * Bad arguments exit 2 with one line saying what is allowed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define FIELDS 8
#define STREAM_CHUNK (256 * 1024)
#define MAX_CONNS 1024
#define MAX_SIZE (64L << 20)

static const char *usage_line =
    "usage: course_peer server [--port P] [--conns N] [--size B] [--strategy two-copy|one-copy] [--nodelay] "
    "[--buf-offset heap|N] | "
    "course_peer client --host IPV4 [--port P] [--conns N] [--size B] [--recv message|stream|trunc] "
    "[--duration S] [--warmup S] [--verify] [--buf-offset heap|N]";

enum strategy { TWO_COPY, ONE_COPY };
enum recv_mode { RECV_MESSAGE, RECV_STREAM, RECV_TRUNC };

static struct {
	int server;
	const char *host;
	int port;
	int conns;
	long size;
	enum strategy strategy;
	int nodelay;
	enum recv_mode recv;
	double duration;
	double warmup;
	int verify;
	long buf_offset; /* -1: heap (malloc's placement); else bytes into a 4 KiB page */
} opt = {.port = 5301, .conns = 1, .size = 4096, .duration = 2.0, .warmup = 0.05, .buf_offset = -1};

static void bad(const char *what, const char *value, const char *allowed)
{
	fprintf(stderr, "course_peer: bad %s '%s': %s\n", what, value, allowed);
	exit(2);
}

static long parse_long(const char *what, const char *s, long lo, long hi, int suffixes)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || errno)
		goto fail;
	if (suffixes && (*end == 'K' || *end == 'k')) {
		v *= 1024;
		end++;
	} else if (suffixes && (*end == 'M' || *end == 'm')) {
		v *= 1024 * 1024;
		end++;
	}
	if (*end || v < lo || v > hi)
		goto fail;
	return v;
fail:;
	char allowed[96];
	snprintf(allowed, sizeof allowed, "an integer from %ld to %ld%s", lo, hi,
		 suffixes ? " (K and M suffixes allowed)" : "");
	bad(what, s, allowed);
	return 0;
}

static double parse_seconds(const char *what, const char *s, double lo)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= lo && v <= 3600))
		bad(what, s, lo > 0 ? "seconds, more than 0 and at most 3600" : "seconds, 0 to 3600");
	if (lo > 0 && v <= 0)
		bad(what, s, "seconds, more than 0 and at most 3600");
	return v;
}

static void parse_args(int argc, char **argv)
{
	if (argc < 2)
		bad("mode", "(none)", usage_line);
	if (!strcmp(argv[1], "server"))
		opt.server = 1;
	else if (strcmp(argv[1], "client"))
		bad("mode", argv[1], "server or client");
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--nodelay") && opt.server) {
			opt.nodelay = 1;
			continue;
		}
		if (!strcmp(a, "--verify") && !opt.server) {
			opt.verify = 1;
			continue;
		}
		if (i + 1 >= argc)
			bad("option", a, usage_line);
		const char *v = argv[++i];
		if (!strcmp(a, "--port"))
			opt.port = (int)parse_long("--port", v, 1, 65535, 0);
		else if (!strcmp(a, "--conns"))
			opt.conns = (int)parse_long("--conns", v, 1, MAX_CONNS, 0);
		else if (!strcmp(a, "--size"))
			opt.size = parse_long("--size", v, 1, MAX_SIZE, 1);
		else if (!strcmp(a, "--strategy") && opt.server) {
			if (!strcmp(v, "two-copy"))
				opt.strategy = TWO_COPY;
			else if (!strcmp(v, "one-copy"))
				opt.strategy = ONE_COPY;
			else
				bad("--strategy", v, "two-copy or one-copy");
		} else if (!strcmp(a, "--host") && !opt.server)
			opt.host = v;
		else if (!strcmp(a, "--recv") && !opt.server) {
			if (!strcmp(v, "message"))
				opt.recv = RECV_MESSAGE;
			else if (!strcmp(v, "stream"))
				opt.recv = RECV_STREAM;
			else if (!strcmp(v, "trunc"))
				opt.recv = RECV_TRUNC;
			else
				bad("--recv", v, "message, stream or trunc");
		} else if (!strcmp(a, "--buf-offset")) {
			char *end;
			errno = 0;
			long n = strtol(v, &end, 10);
			if (!strcmp(v, "heap"))
				n = -1;
			else if (end == v || *end || errno || n < 0 || n > 4095)
				bad("--buf-offset", v, "heap or a byte offset from 0 to 4095 into a page");
			opt.buf_offset = n;
		} else if (!strcmp(a, "--duration") && !opt.server)
			opt.duration = parse_seconds("--duration", v, 1e-9);
		else if (!strcmp(a, "--warmup") && !opt.server)
			opt.warmup = parse_seconds("--warmup", v, 0);
		else
			bad("option", a, usage_line);
	}
	if (!opt.server) {
		struct in_addr ia;
		if (!opt.host)
			bad("client", "--host missing", "client needs --host IPV4");
		if (inet_pton(AF_INET, opt.host, &ia) != 1)
			bad("--host", opt.host, "an IPv4 address such as 198.18.0.1");
	}
}

static void die(const char *what)
{
	fprintf(stderr, "course_peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* len bytes of their own allocation, placed as --buf-offset says; *alloc is what to free. */
static char *placed_alloc(size_t len, void **alloc)
{
	if (opt.buf_offset < 0)
		return *alloc = malloc(len ? len : 1);
	char *p = *alloc = malloc(len + 4096 + (size_t)opt.buf_offset);
	if (!p)
		return NULL;
	return (char *)(((uintptr_t)p + 4095) & ~(uintptr_t)4095) + opt.buf_offset;
}

/* ---------------------------------------------------------------- server */

struct message {
	char *field[FIELDS];
	void *alloc[FIELDS];
	size_t len[FIELDS];
};

static void message_init(struct message *m, size_t size)
{
	size_t each = size / FIELDS;
	for (int i = 0; i < FIELDS; i++) {
		m->len[i] = i == FIELDS - 1 ? size - each * (FIELDS - 1) : each;
		m->field[i] = placed_alloc(m->len[i], &m->alloc[i]);
		if (!m->field[i])
			die("malloc");
		memset(m->field[i], 'A' + i, m->len[i]);
	}
}

/* Sends all of buf; 0 when the peer has gone. */
static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		buf += n;
		len -= (size_t)n;
	}
	return 1;
}

/* One sendmsg per call over the non-empty fields, advancing past short writes. */
static int send_iov_all(int fd, struct iovec *iov, int cnt)
{
	struct msghdr mh = {0};
	while (cnt) {
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)cnt;
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		while (cnt && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 1;
}

static void *sender(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct message m;
	message_init(&m, (size_t)opt.size);
	if (opt.strategy == TWO_COPY) {
		for (;;)
			for (int i = 0; i < FIELDS; i++)
				if (m.len[i] && !send_all(fd, m.field[i], m.len[i]))
					goto done;
	} else {
		struct iovec base[FIELDS], iov[FIELDS];
		int cnt = 0;
		for (int i = 0; i < FIELDS; i++)
			if (m.len[i])
				base[cnt++] = (struct iovec){m.field[i], m.len[i]};
		for (;;) {
			memcpy(iov, base, sizeof iov);
			if (!send_iov_all(fd, iov, cnt))
				break;
		}
	}
done:
	close(fd);
	for (int i = 0; i < FIELDS; i++)
		free(m.alloc[i]);
	return NULL;
}

static int run_server(void)
{
	int one = 1;
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0)
		die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind");
	if (listen(ls, 4096) < 0)
		die("listen");
	pthread_t th[MAX_CONNS];
	for (int i = 0; i < opt.conns; i++) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR) {
				i--;
				continue;
			}
			die("accept");
		}
		if (opt.nodelay && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
			die("setsockopt TCP_NODELAY");
		if (pthread_create(&th[i], NULL, sender, (void *)(intptr_t)fd))
			die("pthread_create");
	}
	close(ls);
	for (int i = 0; i < opt.conns; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* ---------------------------------------------------------------- client */

struct receiver {
	int fd;
	pthread_t th;
	/* Written only by its thread; read by main. Padded: no false sharing. */
	uint64_t bytes;
	uint64_t messages;
	int corrupt;
	char pad[64];
};

static void *receiver(void *arg)
{
	struct receiver *r = arg;
	size_t size = (size_t)opt.size;
	size_t cap = opt.recv == RECV_MESSAGE ? size : STREAM_CHUNK;
	void *alloc;
	char *buf = placed_alloc(cap, &alloc);
	if (!buf)
		die("malloc");
	size_t each = size / FIELDS, off = 0; /* offset in the current message */
	uint64_t total = 0, msgs = 0;
	for (;;) {
		ssize_t n;
		if (opt.recv == RECV_MESSAGE)
			n = recv(r->fd, buf + off, size - off, 0);
		else
			n = recv(r->fd, buf, cap, opt.recv == RECV_TRUNC ? MSG_TRUNC : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (opt.verify && opt.recv != RECV_TRUNC) {
			const char *p = opt.recv == RECV_MESSAGE ? buf + off : buf;
			size_t o = opt.recv == RECV_MESSAGE ? off : (size_t)(total % size);
			for (ssize_t k = 0; k < n; k++, o = (o + 1) % size) {
				size_t f = each ? o / each : FIELDS - 1;
				if (f >= FIELDS)
					f = FIELDS - 1;
				if (p[k] != 'A' + (int)f)
					__atomic_store_n(&r->corrupt, 1, __ATOMIC_RELAXED);
			}
		}
		total += (uint64_t)n;
		if (opt.recv == RECV_MESSAGE) {
			off += (size_t)n;
			if (off == size) {
				off = 0;
				msgs++;
			}
		} else {
			msgs = total / size;
		}
		__atomic_store_n(&r->bytes, total, __ATOMIC_RELAXED);
		__atomic_store_n(&r->messages, msgs, __ATOMIC_RELAXED);
	}
	free(alloc);
	return NULL;
}

static void sleep_seconds(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int connect_retrying(const struct sockaddr_in *sa)
{
	/* The server may still be starting: retry refused connections for 5 s. */
	double deadline = now() + 5;
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
		if (fd < 0)
			die("socket");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
			return fd;
		int e = errno;
		close(fd);
		if (e != ECONNREFUSED || now() > deadline) {
			errno = e;
			die("connect");
		}
		sleep_seconds(0.02);
	}
}

static void totals(struct receiver *r, uint64_t *bytes, uint64_t *msgs)
{
	*bytes = *msgs = 0;
	for (int i = 0; i < opt.conns; i++) {
		*bytes += __atomic_load_n(&r[i].bytes, __ATOMIC_RELAXED);
		*msgs += __atomic_load_n(&r[i].messages, __ATOMIC_RELAXED);
	}
}

static int run_client(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
	inet_pton(AF_INET, opt.host, &sa.sin_addr);
	struct receiver *r = calloc((size_t)opt.conns, sizeof *r);
	if (!r)
		die("calloc");
	for (int i = 0; i < opt.conns; i++)
		r[i].fd = connect_retrying(&sa);
	for (int i = 0; i < opt.conns; i++)
		if (pthread_create(&r[i].th, NULL, receiver, &r[i]))
			die("pthread_create");
	sleep_seconds(opt.warmup);
	uint64_t b0, m0, b1, m1;
	totals(r, &b0, &m0);
	double t0 = now();
	sleep_seconds(opt.duration);
	totals(r, &b1, &m1);
	double t1 = now();
	/* Wake the receivers (recv returns 0) and let the senders see the close. */
	for (int i = 0; i < opt.conns; i++)
		shutdown(r[i].fd, SHUT_RDWR);
	int corrupt = 0;
	for (int i = 0; i < opt.conns; i++) {
		pthread_join(r[i].th, NULL);
		/* A reset, not a FIN: a sender blocked on a window this side closed would
		 * otherwise probe it for minutes before its send() fails. */
		struct linger lg = {.l_onoff = 1, .l_linger = 0};
		setsockopt(r[i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(r[i].fd);
		corrupt |= r[i].corrupt;
	}
	double secs = t1 - t0;
	uint64_t bytes = b1 - b0;
	printf("bytes=%llu seconds=%.6f gbps=%.4f messages=%llu\n", (unsigned long long)bytes, secs,
	       bytes * 8.0 / secs / 1e9, (unsigned long long)(m1 - m0));
	if (corrupt) {
		fprintf(stderr, "course_peer: a field arrived with the wrong pattern\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	return opt.server ? run_server() : run_client();
}
