// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: character backends (lib/chardev.c) on memfds, pipes, FIFOs
 * and files. Output never blocks: it goes straight to the fd while
 * nothing is buffered, then into a CHARDEV_BUF_SIZE buffer, and a full
 * buffer makes chardev_write() return short; bytes come out in order; a
 * reader that went away makes every later byte "taken and dropped". Input
 * gives data, -EAGAIN or a sticky 0 at the end. chardev_drain() ends at
 * its stop fd or timeout. Opening reports errors as -errno, and a pipe is
 * reopened so the caller's file description keeps its flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "chardev.h"
#include "log.h"

/* No single call may take this long: they never wait. */
#define CALL_MAX_NS 200000000ull

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- stderr, captured ---------------------------------------------------- */

static int saved_stderr = -1, err_fd = -1;
static char err_text[4096];

static void err_begin(void)
{
	fflush(stderr);
	err_fd = memfd_create("stderr", MFD_CLOEXEC);
	assert_true(err_fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(err_fd, STDERR_FILENO), STDERR_FILENO);
}

static const char *err_end(void)
{
	ssize_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved_stderr, STDERR_FILENO), STDERR_FILENO);
	close(saved_stderr);
	n = pread(err_fd, err_text, sizeof(err_text) - 1, 0);
	assert_true(n >= 0);
	err_text[n] = '\0';
	close(err_fd);
	return err_text;
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not in:\n%s", needle, hay);
}

/* ---- helpers ------------------------------------------------------------- */

static int pipe_bytes(int fd)
{
	int n = -1;

	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

/* chardev_write(), which must return at once, whatever the fd does. */
static size_t timed_write(struct chardev *c, const void *p, size_t n)
{
	uint64_t t0 = now_ns();
	size_t w = chardev_write(c, p, n);

	if (now_ns() - t0 > CALL_MAX_NS)
		fail_msg("chardev_write() of %zu bytes took %llu ms", n,
			 (unsigned long long)(now_ns() - t0) / 1000000);
	return w;
}

/*
 * Write bytes numbered from *@seq, @chunk at a time, until a write comes
 * back short: the pipe and then the buffer are full. Returns the bytes
 * taken; *@seq ends just past the last one taken.
 */
static size_t fill(struct chardev *c, uint8_t *seq, size_t chunk)
{
	uint8_t buf[4096];
	size_t total = 0, w, i;

	assert_true(chunk <= sizeof(buf));
	do {
		for (i = 0; i < chunk; i++)
			buf[i] = (uint8_t)(*seq + i);
		w = timed_write(c, buf, chunk);
		assert_true(w <= chunk);
		*seq += (uint8_t)w;
		total += w;
		/* Bounded: the pipe and the buffer are finite. */
		assert_true(total < (16u << 20));
	} while (w == chunk);
	return total;
}

/* Read @fd (non-blocking) until @want bytes came, numbered from 0. */
static void drain_pipe(struct chardev *c, int fd, size_t want)
{
	uint8_t buf[4096], expect = 0;
	size_t got = 0, rounds;
	ssize_t n, i;

	for (rounds = 0; got < want && rounds < 100000; rounds++) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			n = 0;
		}
		for (i = 0; i < n; i++, expect++)
			if (buf[i] != expect)
				fail_msg("byte %zu is 0x%02x, not 0x%02x",
					 got + i, buf[i], expect);
		got += n;
		chardev_flush(c);
	}
	assert_int_equal(got, want);
}

/* Close @c with @lost bytes still buffered: it says so, once. */
static void close_losing(struct chardev *c, size_t lost)
{
	char want[256];
	const char *err;

	snprintf(want, sizeof(want),
		 "simvmm: warning: %s: %zu byte(s) of guest output not delivered: the reader did not take them\n",
		 c->name, lost);
	err_begin();
	chardev_close(c);
	err = err_end();
	assert_string_equal(err, want);
}

/* ---- output -------------------------------------------------------------- */

/* Nothing buffered: every write goes straight to the fd, whole. */
static void test_write_straight_through(void **state)
{
	struct chardev *c = NULL;
	char back[16] = { 0 };
	int fd, p[2];

	(void)state;
	fd = memfd_create("out", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(chardev_open_fd(fd, true, "memfd", &c), 0);
	/* A regular file never waits: used as it is. */
	assert_int_equal(chardev_fd(c), fd);
	assert_int_equal(timed_write(c, "hello", 5), 5);
	assert_int_equal(timed_write(c, ", world", 7), 7);
	assert_int_equal(chardev_pending(c), 0);
	assert_int_equal(c->written, 12);
	assert_int_equal(chardev_room(c), CHARDEV_BUF_SIZE);
	assert_int_equal(pread(fd, back, sizeof(back), 0), 12);
	assert_string_equal(back, "hello, world");
	assert_int_equal(timed_write(c, "", 0), 0);
	chardev_close(c);
	/* The fd stays the caller's. */
	assert_true(fcntl(fd, F_GETFD) >= 0);
	close(fd);

	/* A pipe with room: straight through too, nothing buffered. */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	assert_int_equal(timed_write(c, "abc", 3), 3);
	assert_int_equal(chardev_pending(c), 0);
	assert_int_equal(pipe_bytes(p[0]), 3);
	chardev_close(c);
	close(p[0]);
	close(p[1]);
}

/*
 * A reader that does not read: the pipe fills, then the buffer, then a
 * write comes back short and later ones take nothing, each at once; room
 * and pending say so. When the reader drains, everything comes out, in
 * order, and the buffer is empty again.
 */
static void test_write_fills_pipe_then_buffer(void **state)
{
	struct chardev *c = NULL;
	size_t total, in_pipe;
	uint8_t seq = 0;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	total = fill(c, &seq, 1000);
	in_pipe = pipe_bytes(p[0]);
	assert_true(in_pipe > 0);
	assert_int_equal(chardev_pending(c), CHARDEV_BUF_SIZE);
	assert_int_equal(in_pipe + CHARDEV_BUF_SIZE, total);
	assert_int_equal(c->written, in_pipe);
	assert_int_equal(chardev_room(c), 0);
	/* Full: nothing more is taken, and nothing waits. */
	assert_int_equal(timed_write(c, "x", 1), 0);
	assert_int_equal(chardev_flush(c), CHARDEV_BUF_SIZE);
	assert_int_equal(chardev_pending(c), CHARDEV_BUF_SIZE);

	drain_pipe(c, p[0], total);
	assert_int_equal(chardev_pending(c), 0);
	assert_int_equal(chardev_room(c), CHARDEV_BUF_SIZE);
	assert_int_equal(c->written, total);
	assert_int_equal(c->dropped, 0);
	chardev_close(c);
	close(p[0]);
	close(p[1]);
}

/* Room is what is free in the buffer; a write beyond it is short. */
static void test_room_and_short_write(void **state)
{
	static uint8_t big[2 * CHARDEV_BUF_SIZE];
	size_t half = CHARDEV_BUF_SIZE / 2, pending, w, i;
	struct chardev *c = NULL;
	uint8_t seq = 0;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	fill(c, &seq, 4096);
	/* The reader takes half a buffer's worth: the buffer moves on. */
	assert_int_equal(read(p[0], big, half), half);
	pending = chardev_flush(c);
	assert_true(pending < CHARDEV_BUF_SIZE);
	assert_int_equal(chardev_pending(c), pending);
	assert_int_equal(chardev_room(c), CHARDEV_BUF_SIZE - pending);
	/* More than the room: short, by exactly the room. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(seq + i);
	w = timed_write(c, big, sizeof(big));
	assert_int_equal(w, CHARDEV_BUF_SIZE - pending);
	assert_int_equal(chardev_pending(c), CHARDEV_BUF_SIZE);
	assert_int_equal(chardev_room(c), 0);
	close_losing(c, CHARDEV_BUF_SIZE);
	close(p[0]);
	close(p[1]);
}

/* @n bytes numbered from *@seq on, into @buf. */
static void numbered(uint8_t *buf, size_t n, uint8_t *seq)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (*seq)++;
}

/*
 * A device promises itself room under its own lock (chardev_reserve(),
 * no I/O), takes that much from its guest, and passes it on later
 * (chardev_commit()), which never falls short: promised room is nobody
 * else's, and what a commit does not use is free again.
 */
static void test_reserve_and_commit(void **state)
{
	uint8_t buf[4096], seq = 0;
	struct chardev *c = NULL;
	size_t total, got;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	total = fill(c, &seq, 1000);
	assert_int_equal(chardev_reserve(c, 100), 0);
	assert_int_equal(c->reserved, 0);

	/* The reader takes a page: that much room, after a flush. */
	assert_int_equal(read(p[0], buf, sizeof(buf)), sizeof(buf));
	got = sizeof(buf);
	assert_int_equal(chardev_flush(c), CHARDEV_BUF_SIZE - sizeof(buf));
	assert_int_equal(chardev_room(c), sizeof(buf));
	assert_int_equal(chardev_reserve(c, 1000), 1000);
	assert_int_equal(chardev_room(c), sizeof(buf) - 1000);
	/* Another writer gets only the room nobody was promised. */
	numbered(buf, sizeof(buf), &seq);
	assert_int_equal(timed_write(c, buf, sizeof(buf)), sizeof(buf) - 1000);
	seq -= 1000;
	total += sizeof(buf) - 1000;
	assert_int_equal(chardev_room(c), 0);
	assert_int_equal(chardev_reserve(c, 10), 0);
	/* The commit fits though the fd and the free room are full. */
	numbered(buf, 600, &seq);
	chardev_commit(c, buf, 600, 1000);
	total += 600;
	assert_int_equal(c->reserved, 0);
	assert_int_equal(chardev_pending(c), CHARDEV_BUF_SIZE - 400);
	assert_int_equal(chardev_room(c), 400);
	assert_int_equal(c->dropped, 0);
	/* All of it comes out in order: the pipe's first page was read. */
	drain_pipe(c, p[0], total - got);
	chardev_close(c);
	close(p[0]);
	close(p[1]);
}

/* After an output error a promise costs nothing and a commit drops. */
static void test_reserve_after_error(void **state)
{
	struct chardev *c = NULL;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	close(p[0]);
	err_begin();
	assert_int_equal(timed_write(c, "x", 1), 1);
	err_end();
	assert_int_equal(chardev_reserve(c, 5000), 5000);
	chardev_commit(c, "abc", 3, 5000);
	assert_int_equal(c->reserved, 0);
	assert_int_equal(c->dropped, 4);
	chardev_close(c);
	close(p[1]);
}

/*
 * The reader goes away with bytes buffered: EPIPE (SIGPIPE is ignored,
 * as the command line ignores it). From then on every byte is taken and
 * dropped, counted in @dropped, with one warning.
 */
static void test_closed_reader_drops(void **state)
{
	struct chardev *c = NULL;
	const char *err;
	uint8_t seq = 0, buf[100] = { 0 };
	size_t total, buffered;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	total = fill(c, &seq, 1000);
	buffered = chardev_pending(c);
	assert_true(total > buffered);
	close(p[0]);
	err_begin();
	assert_int_equal(timed_write(c, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(timed_write(c, buf, 7), 7);
	err = err_end();
	assert_int_equal(c->error, EPIPE);
	assert_int_equal(chardev_pending(c), 0);
	assert_int_equal(c->dropped, buffered + sizeof(buf) + 7);
	assert_int_equal(chardev_room(c), SIZE_MAX);
	assert_int_equal(chardev_flush(c), 0);
	assert_has(err, "writing guest output to pipe failed (Broken pipe); dropping it from here on");
	/* One warning, not one per write. */
	assert_null(strstr(strstr(err, "dropping") + 1, "dropping"));
	chardev_close(c);
	close(p[1]);
}

/* Nothing buffered when the reader goes: the direct write fails, dropped. */
static void test_closed_reader_nothing_buffered(void **state)
{
	struct chardev *c = NULL;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	close(p[0]);
	err_begin();
	assert_int_equal(timed_write(c, "abcd", 4), 4);
	err_end();
	assert_int_equal(c->dropped, 4);
	assert_int_equal(c->written, 0);
	assert_int_equal(timed_write(c, "ef", 2), 2);
	assert_int_equal(c->dropped, 6);
	chardev_close(c);
	close(p[1]);
}

/* ---- drain --------------------------------------------------------------- */

/* A reader that stalls: drain ends at its stop fd, at once. */
static void test_drain_ends_at_stop_fd(void **state)
{
	struct chardev *c = NULL;
	uint8_t seq = 0;
	uint64_t t0;
	int p[2], efd;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	fill(c, &seq, 1000);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(efd >= 0);
	assert_int_equal(eventfd_write(efd, 1), 0);
	t0 = now_ns();
	assert_int_equal(chardev_drain(c, efd, -1), CHARDEV_BUF_SIZE);
	assert_true(now_ns() - t0 < CALL_MAX_NS);
	close(efd);
	close_losing(c, CHARDEV_BUF_SIZE);
	close(p[0]);
	close(p[1]);
}

/* A reader that stalls, no stop: drain ends when its timeout passed. */
static void test_drain_ends_at_timeout(void **state)
{
	struct chardev *c = NULL;
	uint8_t seq = 0;
	uint64_t t0, took;
	int p[2], efd;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	fill(c, &seq, 1000);
	t0 = now_ns();
	assert_int_equal(chardev_drain(c, -1, 50), CHARDEV_BUF_SIZE);
	took = now_ns() - t0;
	assert_true(took >= 45000000ull && took < 50000000ull + CALL_MAX_NS);
	/* A stop fd that stays quiet does not end it either. */
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(efd >= 0);
	t0 = now_ns();
	assert_int_equal(chardev_drain(c, efd, 30), CHARDEV_BUF_SIZE);
	took = now_ns() - t0;
	assert_true(took >= 25000000ull && took < 30000000ull + CALL_MAX_NS);
	close(efd);
	close_losing(c, CHARDEV_BUF_SIZE);
	close(p[0]);
	close(p[1]);
}

struct reader {
	int fd;
	size_t want, got;
	bool in_order;
};

static void *read_all(void *arg)
{
	struct reader *r = arg;
	uint8_t buf[4096], expect = 0;
	ssize_t n, i;

	r->in_order = true;
	while (r->got < r->want) {
		n = read(r->fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (i = 0; i < n; i++, expect++)
			r->in_order &= buf[i] == expect;
		r->got += n;
	}
	return NULL;
}

/* A reader that reads: drain waits until it took everything. */
static void test_drain_delivers_to_live_reader(void **state)
{
	struct chardev *c = NULL;
	struct reader r;
	pthread_t t;
	uint8_t seq = 0;
	size_t total;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe", &c), 0);
	total = fill(c, &seq, 1000);
	r.fd = p[0];
	r.want = total;
	r.got = 0;
	assert_int_equal(pthread_create(&t, NULL, read_all, &r), 0);
	assert_int_equal(chardev_drain(c, -1, 10000), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.got, total);
	assert_true(r.in_order);
	chardev_close(c);
	close(p[0]);
	close(p[1]);
}

/* ---- input --------------------------------------------------------------- */

/* Data, then -EAGAIN while none is there, then 0 at the end, for good. */
static void test_read_data_eagain_eof(void **state)
{
	struct chardev *c = NULL;
	char buf[8] = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[0], false, "pipe", &c), 0);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(write(p[1], "abc", 3), 3);
	assert_int_equal(chardev_read(c, buf, 2), 2);
	assert_memory_equal(buf, "ab", 2);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'c');
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), -EAGAIN);
	close(p[1]);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), 0);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), 0);
	assert_true(c->eof);
	assert_int_equal(c->error, 0);
	chardev_close(c);
	close(p[0]);
}

/* The end is for good: data that comes after it is never read. */
static void test_read_eof_is_sticky(void **state)
{
	struct chardev *c = NULL;
	char buf[8] = { 0 };
	int fd;

	(void)state;
	fd = memfd_create("in", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "xy", 2), 2);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(chardev_open_fd(fd, false, "memfd", &c), 0);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), 2);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), 0);
	assert_int_equal(pwrite(fd, "more", 4, 2), 4);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), 0);
	chardev_close(c);
	close(fd);
}

/* ---- opening ------------------------------------------------------------- */

static char tmpdir[64];

static int tmpdir_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_chardev.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int tmpdir_teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/out", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

/* Errors: a negative errno, said with the option's name. */
static void test_open_errors(void **state)
{
	struct chardev *c = NULL;
	char path[128];
	const char *err;

	(void)state;
	err_begin();
	assert_int_equal(chardev_open(tmpdir, true, 1, "--console", &c),
			 -EISDIR);
	assert_int_equal(chardev_open(tmpdir, false, 0, "--simvirtio-in", &c),
			 -EISDIR);
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(chardev_open(path, false, 0, "--simvirtio-in", &c),
			 -ENOENT);
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(chardev_open(path, true, 1, "--simvirtio-out", &c),
			 -ENXIO);
	err = err_end();
	assert_null(c);
	assert_has(err, "cannot open --console");
	assert_has(err, "--simvirtio-in");
	assert_has(err, "No such file or directory");
	assert_has(err, "a FIFO with no reader; start the reader first");

	/* A closed fd is refused too. */
	err_begin();
	assert_int_equal(chardev_open_fd(1000, true, "fd 1000", &c), -EBADF);
	err_end();
	assert_null(c);
}

/* A FIFO with a reader opens; output to a path creates and truncates it. */
static void test_open_paths(void **state)
{
	struct chardev *c = NULL;
	char path[128], back[8] = { 0 };
	int rd, fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(rd >= 0);
	assert_int_equal(chardev_open(path, true, 1, "--console", &c), 0);
	assert_int_equal(timed_write(c, "ok", 2), 2);
	assert_int_equal(read(rd, back, sizeof(back)), 2);
	chardev_close(c);
	close(rd);

	snprintf(path, sizeof(path), "%s/out", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old contents", 12), 12);
	close(fd);
	assert_int_equal(chardev_open(path, true, 1, "--console", &c), 0);
	assert_int_equal(timed_write(c, "new", 3), 3);
	chardev_close(c);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	memset(back, 0, sizeof(back));
	assert_int_equal(read(fd, back, sizeof(back)), 3);
	assert_string_equal(back, "new");
	close(fd);
}

/* "-" and NULL mean the standard fd given. */
static void test_open_std(void **state)
{
	struct chardev *c = NULL;
	char buf[4];
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(chardev_open("-", true, p[1], "--console", &c), 0);
	assert_int_equal(chardev_fd(c), p[1]);
	assert_int_equal(timed_write(c, "hi", 2), 2);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
	chardev_close(c);
	assert_int_equal(chardev_open(NULL, false, p[0], "--simvirtio-in", &c),
			 0);
	assert_int_equal(chardev_fd(c), p[0]);
	assert_int_equal(chardev_read(c, buf, sizeof(buf)), -EAGAIN);
	chardev_close(c);
	close(p[0]);
	close(p[1]);
}

/*
 * A blocking pipe given as an fd is reopened non-blocking: the caller's
 * fd (and the file description others may share) stays blocking, during
 * and after, and stays open after chardev_close().
 */
static void test_pipe_fd_reopened(void **state)
{
	struct chardev *out = NULL, *in = NULL;
	char buf[4] = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(chardev_open_fd(p[1], true, "pipe out", &out), 0);
	assert_int_equal(chardev_open_fd(p[0], false, "pipe in", &in), 0);
	assert_int_equal(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	assert_int_not_equal(chardev_fd(out), p[1]);
	assert_int_not_equal(chardev_fd(in), p[0]);
	assert_int_equal(fcntl(chardev_fd(out), F_GETFL) & O_NONBLOCK,
			 O_NONBLOCK);
	assert_int_equal(fcntl(chardev_fd(in), F_GETFL) & O_NONBLOCK,
			 O_NONBLOCK);
	/* The copies reach the same pipe. */
	assert_int_equal(chardev_read(in, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(timed_write(out, "abc", 3), 3);
	assert_int_equal(chardev_read(in, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "abc", 3);
	chardev_close(out);
	chardev_close(in);
	assert_int_equal(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	assert_true(fcntl(p[0], F_GETFD) >= 0 && fcntl(p[1], F_GETFD) >= 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_straight_through),
		cmocka_unit_test(test_write_fills_pipe_then_buffer),
		cmocka_unit_test(test_room_and_short_write),
		cmocka_unit_test(test_reserve_and_commit),
		cmocka_unit_test(test_reserve_after_error),
		cmocka_unit_test(test_closed_reader_drops),
		cmocka_unit_test(test_closed_reader_nothing_buffered),
		cmocka_unit_test(test_drain_ends_at_stop_fd),
		cmocka_unit_test(test_drain_ends_at_timeout),
		cmocka_unit_test(test_drain_delivers_to_live_reader),
		cmocka_unit_test(test_read_data_eagain_eof),
		cmocka_unit_test(test_read_eof_is_sticky),
		cmocka_unit_test_setup_teardown(test_open_errors, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_open_paths, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_open_std),
		cmocka_unit_test(test_pipe_fd_reopened),
	};
	struct sigaction sa;

	/* As the command line does: a closed reader is EPIPE, not death. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* A write that blocks would hang the suite: end it instead. */
	alarm(60);
	return cmocka_run_group_tests_name("chardev", tests, NULL, NULL);
}
