/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Character backends: where a guest's byte streams go and come from (a
 * file, a pipe, a terminal, a socket). Every read and write here returns
 * at once; output the other end is not ready for waits in a bounded
 * buffer, and a caller that must wait does so in vm_wait() on
 * chardev_fd(), which also ends at the VM's stop. So a stalled reader or
 * a silent writer can stall a guest, never the VMM. One backend may serve
 * several devices and VMs at once: it has a lock of its own, and holds it
 * only for non-blocking calls.
 */
#ifndef SIMVMM_CHARDEV_H
#define SIMVMM_CHARDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Output that waits for a slow reader, at most, per backend. */
#define CHARDEV_BUF_SIZE (16u * 1024)

struct chardev {
	char name[96];		/* for messages: "stdout", a path */
	int fd;			/* what we read or write */
	bool owned;		/* @fd is ours to close */
	bool sock;		/* a socket: send/recv with MSG_DONTWAIT */
	int shared_fd;		/* the fd whose flags we changed, or -1 */
	int shared_fl;		/* and the flags to put back */
	bool output;
	int notify_fd;		/* eventfd: output got buffered (or -1) */

	pthread_mutex_t lock;	/* the rest */
	uint8_t *buf;		/* output not yet taken, a ring */
	size_t head, len;
	size_t reserved;	/* room promised by chardev_reserve() */
	int error;		/* first errno: output dropped, or input ended */
	bool eof;		/* input ended */
	uint64_t written;	/* bytes the fd took */
	uint64_t dropped;	/* bytes lost to an output error */
};

/*
 * Open a backend on @spec: "-" (or NULL) for @std_fd, else a path, which
 * an output creates or truncates. A pipe, FIFO or terminal is reopened
 * through /proc/self/fd non-blocking, so the file description other
 * processes share keeps its flags. 0 or -errno (reported, with @what:
 * the option it came from).
 */
int chardev_open(const char *spec, bool output, int std_fd, const char *what,
		 struct chardev **out);

/*
 * A backend on @fd, which stays the caller's (only a reopened copy is
 * ours); @name is for messages. 0 or -errno (reported).
 */
int chardev_open_fd(int fd, bool output, const char *name,
		    struct chardev **out);

/* Close: pending output is dropped (see chardev_drain()). NULL is fine. */
void chardev_close(struct chardev *c);

/*
 * Take up to @n bytes of output without waiting: the fd takes what it
 * can, the buffer what is left while it has room. Returns how many were
 * taken (fewer than @n only when the buffer is full). After a write error
 * every byte is taken and dropped, with one warning.
 */
size_t chardev_write(struct chardev *c, const void *p, size_t n);

/* How many bytes chardev_write() would take now (at least). No I/O. */
size_t chardev_room(struct chardev *c);

/*
 * Promise room for up to @n bytes without any I/O (so a device may call
 * it under its own lock): returns how many are promised, 0 when the
 * buffer is full. chardev_commit() then writes them and never falls
 * short, so a device takes from its guest only what will be passed on.
 */
size_t chardev_reserve(struct chardev *c, size_t n);

/* Write @n bytes (@n <= @reserved) and release the @reserved promised. */
void chardev_commit(struct chardev *c, const void *p, size_t n,
		    size_t reserved);

/* Bytes buffered, waiting for the reader. */
size_t chardev_pending(struct chardev *c);

/* Push buffered output without waiting; returns the bytes still buffered. */
size_t chardev_flush(struct chardev *c);

/*
 * Wait until the buffered output is gone, @stop_fd (-1: none) is
 * readable, or @timeout_ms (-1: no bound) passed. Returns the bytes still
 * buffered. For the end of a run, when no VM is left to stop.
 */
size_t chardev_drain(struct chardev *c, int stop_fd, int timeout_ms);

/*
 * Read up to @n bytes of input without waiting: > 0 bytes, 0 at the end
 * of the input (for good, and said once when it is an error), -EAGAIN
 * when none is there yet.
 */
ssize_t chardev_read(struct chardev *c, void *p, size_t n);

/*
 * Readable once output has been buffered since the last read of it: a
 * thread that flushes backends (the command line's main thread) waits on
 * it, then on chardev_fd() for POLLOUT while chardev_pending() says so.
 * Without such a thread, buffered output goes out at the next write or
 * flush. -1 for an input.
 */
static inline int chardev_notify_fd(const struct chardev *c)
{
	return c->notify_fd;
}

/* The fd to wait on: POLLOUT for output room, POLLIN for input. */
static inline int chardev_fd(const struct chardev *c)
{
	return c->fd;
}

#endif /* SIMVMM_CHARDEV_H */
