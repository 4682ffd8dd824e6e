// SPDX-License-Identifier: GPL-2.0
/*
 * Character backends (chardev.h): non-blocking I/O on whatever fd the user
 * gave, with a bounded output buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chardev.h"
#include "log.h"

/*
 * Make @c->fd non-blocking without touching what others share: regular
 * files and block devices never wait on another process, sockets take
 * MSG_DONTWAIT per call, and a pipe, FIFO or terminal is reopened through
 * /proc. Only where that fails are the shared flags changed (and put back
 * at close).
 */
static int make_nonblocking(struct chardev *c, int fd)
{
	char path[32];
	struct stat st;
	int fl, nfd;

	c->fd = fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISSOCK(st.st_mode)) {
		c->sock = true;
		return 0;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (fl & O_NONBLOCK)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, (c->output ? O_WRONLY : O_RDONLY) | O_NONBLOCK |
		   O_CLOEXEC | O_NOCTTY);
	if (nfd >= 0) {
		if (c->owned)
			close(fd);
		c->fd = nfd;
		c->owned = true;
		return 0;
	}
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	c->shared_fd = fd;
	c->shared_fl = fl;
	return 0;
}

static struct chardev *chardev_alloc(bool output, const char *name)
{
	struct chardev *c;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->output = output;
	c->shared_fd = -1;
	c->notify_fd = -1;
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (output) {
		c->buf = malloc(CHARDEV_BUF_SIZE);
		c->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (!c->buf || c->notify_fd < 0) {
			if (c->notify_fd >= 0)
				close(c->notify_fd);
			free(c->buf);
			free(c);
			return NULL;
		}
	}
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void chardev_free(struct chardev *c)
{
	if (c->notify_fd >= 0)
		close(c->notify_fd);
	pthread_mutex_destroy(&c->lock);
	free(c->buf);
	free(c);
}

int chardev_open_fd(int fd, bool output, const char *name,
		    struct chardev **out)
{
	struct chardev *c;
	int err;

	if (fcntl(fd, F_GETFD) < 0) {
		pr_err("%s is closed; give a file", name);
		return -EBADF;
	}
	c = chardev_alloc(output, name);
	if (!c)
		return -ENOMEM;
	err = make_nonblocking(c, fd);
	if (err) {
		pr_err("%s: %s", name, strerror(-err));
		if (c->owned)
			close(c->fd);
		chardev_free(c);
		return err;
	}
	*out = c;
	return 0;
}

int chardev_open(const char *spec, bool output, int std_fd, const char *what,
		 struct chardev **out)
{
	struct chardev *c;
	char name[96];
	int fd, err;

	if (!spec || !strcmp(spec, "-")) {
		snprintf(name, sizeof(name), "%s (%s)", what,
			 output ? "stdout" : "stdin");
		return chardev_open_fd(std_fd, output, name, out);
	}
	/* Non-blocking: a FIFO with nobody at the other end is an error. */
	fd = open(spec, output ? O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK |
		  O_CLOEXEC | O_NOCTTY :
		  O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		err = -errno;
		if (err == -ENXIO)
			pr_err("%s '%s': a FIFO with no reader; start the reader first",
			       what, spec);
		else
			pr_err("cannot open %s '%s' for %s: %s", what, spec,
			       output ? "writing" : "reading", strerror(-err));
		return err;
	}
	c = chardev_alloc(output, spec);
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->owned = true;
	err = make_nonblocking(c, fd);
	if (err) {
		pr_err("%s '%s': %s", what, spec, strerror(-err));
		close(c->fd);
		chardev_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void chardev_close(struct chardev *c)
{
	if (!c)
		return;
	if (c->len)
		pr_warn("%s: %zu byte(s) of guest output not delivered: the reader did not take them",
			c->name, c->len);
	if (c->shared_fd >= 0)
		(void)fcntl(c->shared_fd, F_SETFL, c->shared_fl);
	if (c->owned)
		close(c->fd);
	chardev_free(c);
}

/* One non-blocking write: bytes taken, 0 if the fd is full, or -errno. */
static ssize_t raw_write(struct chardev *c, const uint8_t *p, size_t n)
{
	ssize_t w;

	do {
		if (c->sock)
			w = send(c->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(c->fd, p, n);
	} while (w < 0 && errno == EINTR);
	if (w >= 0)
		return w;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return -errno;
}

/* The output failed: from now on every byte is dropped. Lock held. */
static void output_failed(struct chardev *c, int err)
{
	c->error = err;
	c->dropped += c->len;
	c->len = 0;
	pr_warn("writing guest output to %s failed (%s); dropping it from here on",
		c->name, strerror(err));
}

/* Push the ring's bytes to the fd while it takes them. Lock held. */
static void flush_locked(struct chardev *c)
{
	size_t chunk;
	ssize_t w;

	while (c->len && !c->error) {
		chunk = CHARDEV_BUF_SIZE - c->head;
		if (chunk > c->len)
			chunk = c->len;
		w = raw_write(c, c->buf + c->head, chunk);
		if (w < 0) {
			output_failed(c, (int)-w);
			return;
		}
		if (!w)
			return;
		c->written += w;
		c->head = (c->head + w) % CHARDEV_BUF_SIZE;
		c->len -= w;
	}
}

/* Write or buffer up to @n bytes within @room; returns bytes taken. */
static size_t write_locked(struct chardev *c, const uint8_t *b, size_t n,
			   size_t room)
{
	size_t taken = 0, tail, chunk;
	ssize_t w;

	flush_locked(c);
	/* Straight to the fd while nothing waits: the order stays intact. */
	if (!c->len && !c->error && n) {
		w = raw_write(c, b, n);
		if (w < 0) {
			output_failed(c, (int)-w);
		} else {
			c->written += w;
			taken = w;
		}
	}
	if (c->error) {
		c->dropped += n - taken;
		return n;
	}
	if (room > n - taken)
		room = n - taken;
	/* The buffer stops being empty: tell whoever flushes backends. */
	if (room && !c->len)
		(void)eventfd_write(c->notify_fd, 1);
	while (room) {
		tail = (c->head + c->len) % CHARDEV_BUF_SIZE;
		/* Free and contiguous from the tail: to the end, or the head. */
		chunk = tail >= c->head ? CHARDEV_BUF_SIZE - tail :
					  c->head - tail;
		if (chunk > room)
			chunk = room;
		memcpy(c->buf + tail, b + taken, chunk);
		c->len += chunk;
		taken += chunk;
		room -= chunk;
	}
	return taken;
}

/* Room nobody has been promised. Lock held. */
static size_t free_room(const struct chardev *c)
{
	size_t used = c->len + c->reserved;

	return used < CHARDEV_BUF_SIZE ? CHARDEV_BUF_SIZE - used : 0;
}

size_t chardev_write(struct chardev *c, const void *p, size_t n)
{
	size_t taken;

	pthread_mutex_lock(&c->lock);
	flush_locked(c);
	taken = write_locked(c, p, n, free_room(c));
	pthread_mutex_unlock(&c->lock);
	return taken;
}

size_t chardev_reserve(struct chardev *c, size_t n)
{
	size_t room;

	pthread_mutex_lock(&c->lock);
	room = c->error ? n : free_room(c);
	if (room > n)
		room = n;
	c->reserved += room;
	pthread_mutex_unlock(&c->lock);
	return room;
}

void chardev_commit(struct chardev *c, const void *p, size_t n,
		    size_t reserved)
{
	pthread_mutex_lock(&c->lock);
	/* Release first: the promised room is what this write may fill. */
	c->reserved -= reserved;
	flush_locked(c);
	(void)write_locked(c, p, n, n);
	pthread_mutex_unlock(&c->lock);
}

size_t chardev_room(struct chardev *c)
{
	size_t room;

	pthread_mutex_lock(&c->lock);
	room = c->error ? SIZE_MAX : free_room(c);
	pthread_mutex_unlock(&c->lock);
	return room;
}

size_t chardev_pending(struct chardev *c)
{
	size_t len;

	pthread_mutex_lock(&c->lock);
	len = c->len;
	pthread_mutex_unlock(&c->lock);
	return len;
}

size_t chardev_flush(struct chardev *c)
{
	size_t len;

	pthread_mutex_lock(&c->lock);
	flush_locked(c);
	len = c->len;
	pthread_mutex_unlock(&c->lock);
	return len;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t chardev_drain(struct chardev *c, int stop_fd, int timeout_ms)
{
	int64_t end = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
	struct pollfd pfd[2];
	size_t left;
	int wait;

	while ((left = chardev_flush(c))) {
		wait = -1;
		if (timeout_ms >= 0) {
			if (now_ms() >= end)
				break;
			wait = (int)(end - now_ms());
		}
		pfd[0].fd = c->fd;
		pfd[0].events = POLLOUT;
		pfd[1].fd = stop_fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		if (poll(pfd, stop_fd >= 0 ? 2 : 1, wait) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
	}
	return left;
}

ssize_t chardev_read(struct chardev *c, void *p, size_t n)
{
	ssize_t r;
	int err;

	pthread_mutex_lock(&c->lock);
	if (c->eof || !n) {
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	do {
		if (c->sock)
			r = recv(c->fd, p, n, MSG_DONTWAIT);
		else
			r = read(c->fd, p, n);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		r = -EAGAIN;
	} else if (r <= 0) {
		err = r < 0 ? errno : 0;
		/*
		 * EBADF is a closed stdin that looked open (valgrind keeps
		 * fd 0 for itself): no input, as documented, not an error.
		 */
		if (err && err != EBADF)
			pr_warn("reading guest input from %s: %s; ending the input stream",
				c->name, strerror(err));
		c->error = err;
		c->eof = true;
		r = 0;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}
