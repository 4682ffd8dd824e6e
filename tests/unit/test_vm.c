// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: a VM's one stop mechanism (lib/vm.c) on a VM without KVM:
 * vm_request_stop() (first wins, the stop eventfd, any thread),
 * vm_stop_reason(), vm_check_deadline() and vm_wait(), which every wait
 * of a VM's devices goes through and which must end at a stop or the
 * deadline, whichever thread asks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "vm.h"

/* Generous: a loaded machine may be slow, never this slow. */
#define LATE_NS 500000000ull

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

struct fx {
	struct vm vm;
	int pipe[2];	/* an fd that is never ready: pipe[0] with no data */
};

/* A struct vm as vm_create() leaves it, minus KVM: a real stop eventfd. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->vm.fd = -1;
	f->vm.sys_fd = -1;
	f->vm.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(f->vm.stop_fd >= 0);
	pthread_mutex_init(&f->vm.kick_lock, NULL);
	assert_int_equal(pipe2(f->pipe, O_CLOEXEC), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	close(f->pipe[0]);
	close(f->pipe[1]);
	close(f->vm.stop_fd);
	pthread_mutex_destroy(&f->vm.kick_lock);
	free(f);
	return 0;
}

static bool stop_fd_readable(struct fx *f)
{
	struct pollfd p = { .fd = f->vm.stop_fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void test_first_request_wins(void **state)
{
	struct fx *f = *state;
	uint32_t code = 1;

	assert_false(vm_stopping(&f->vm));
	assert_int_equal(vm_stop_reason(&f->vm, &code), VM_RUNNING);
	assert_int_equal(code, 0);
	assert_false(stop_fd_readable(f));
	vm_request_stop(&f->vm, VM_STOP_GUEST_EXIT, 0x2a);
	vm_request_stop(&f->vm, VM_STOP_DEVICE_ERROR, 0x80);
	vm_request_stop(&f->vm, VM_STOP_TIMEOUT, 0);
	assert_true(vm_stopping(&f->vm));
	assert_int_equal(vm_stop_reason(&f->vm, &code), VM_STOP_GUEST_EXIT);
	assert_int_equal(code, 0x2a);
	/* Readable from now on, for every wait, now and later. */
	assert_true(stop_fd_readable(f));
	assert_true(stop_fd_readable(f));
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_STOP_GUEST_EXIT);
}

/* A code of 0 is a request too: the reason alone makes it one. */
static void test_zero_code_is_a_request(void **state)
{
	struct fx *f = *state;

	vm_request_stop(&f->vm, VM_STOP_DEVICE_ERROR, 0);
	assert_true(vm_stopping(&f->vm));
	vm_request_stop(&f->vm, VM_STOP_SIGNAL, 15);
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_STOP_DEVICE_ERROR);
}

static void test_running_is_no_request(void **state)
{
	struct fx *f = *state;

	vm_request_stop(&f->vm, VM_RUNNING, 7);
	assert_false(vm_stopping(&f->vm));
	assert_false(stop_fd_readable(f));
}

/* A ready fd: > 0; a quiet one: 0 once the timeout passed. */
static void test_wait_ready_and_timeout(void **state)
{
	struct fx *f = *state;
	uint64_t t0;

	assert_int_equal(write(f->pipe[1], "x", 1), 1);
	assert_true(vm_wait(&f->vm, f->pipe[0], POLLIN, -1) > 0);
	assert_true(vm_wait(&f->vm, f->pipe[1], POLLOUT, 0) > 0);
	assert_int_equal(read(f->pipe[0], &t0, 1), 1);
	t0 = now_ns();
	assert_int_equal(vm_wait(&f->vm, f->pipe[0], POLLIN, 20), 0);
	assert_true(now_ns() - t0 >= 20000000ull);
	assert_true(now_ns() - t0 < 20000000ull + LATE_NS);
	/* No fd at all: just the timeout. */
	assert_int_equal(vm_wait(&f->vm, -1, 0, 5), 0);
	assert_false(vm_stopping(&f->vm));
}

/* Once stopping, every wait ends at once, fd ready or not. */
static void test_wait_after_stop(void **state)
{
	struct fx *f = *state;
	uint64_t t0 = now_ns();

	vm_request_stop(&f->vm, VM_STOP_SIGNAL, 2);
	assert_int_equal(vm_wait(&f->vm, f->pipe[0], POLLIN, -1), -ECANCELED);
	assert_int_equal(vm_wait(&f->vm, f->pipe[1], POLLOUT, -1), -ECANCELED);
	assert_true(now_ns() - t0 < LATE_NS);
}

struct asker {
	struct vm *vm;
	unsigned int delay_ms;
};

static void *ask_later(void *arg)
{
	const struct asker *a = arg;
	struct timespec ts = { 0, (long)a->delay_ms * 1000000 };

	nanosleep(&ts, NULL);
	vm_request_stop(a->vm, VM_STOP_DEVICE_ERROR, 0x80);
	return NULL;
}

/* A wait with no bound ends when another thread asks for a stop. */
static void test_wait_ends_at_stop_from_other_thread(void **state)
{
	struct fx *f = *state;
	struct asker a = { &f->vm, 20 };
	uint64_t t0 = now_ns();
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, ask_later, &a), 0);
	assert_int_equal(vm_wait(&f->vm, f->pipe[0], POLLIN, -1), -ECANCELED);
	assert_true(now_ns() - t0 < LATE_NS);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_STOP_DEVICE_ERROR);
}

/* A wait with no bound ends at the VM's deadline, as a timeout. */
static void test_wait_ends_at_deadline(void **state)
{
	struct fx *f = *state;
	uint64_t t0 = now_ns();

	f->vm.deadline_ns = t0 + 20000000ull;
	assert_int_equal(vm_wait(&f->vm, f->pipe[0], POLLIN, -1), -ECANCELED);
	assert_true(now_ns() >= f->vm.deadline_ns);
	assert_true(now_ns() - t0 < 20000000ull + LATE_NS);
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_STOP_TIMEOUT);
	assert_true(stop_fd_readable(f));
	/* A shorter timeout than the deadline still ends first. */
	f->vm.stop_req = 0;
	f->vm.deadline_ns = now_ns() + 10000000000ull;
	assert_int_equal(vm_wait(&f->vm, f->pipe[0], POLLIN, 5), 0);
	assert_false(vm_stopping(&f->vm));
}

static void test_check_deadline(void **state)
{
	struct fx *f = *state;

	/* No deadline: never. */
	assert_false(vm_check_deadline(&f->vm));
	f->vm.deadline_ns = now_ns() + 10000000000ull;
	assert_false(vm_check_deadline(&f->vm));
	f->vm.deadline_ns = now_ns() - 1;
	assert_true(vm_check_deadline(&f->vm));
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_STOP_TIMEOUT);
	/* Another stop asked first keeps its reason. */
	f->vm.stop_req = 0;
	vm_request_stop(&f->vm, VM_STOP_GUEST_EXIT, 1);
	assert_true(vm_check_deadline(&f->vm));
	assert_int_equal(vm_stop_reason(&f->vm, NULL), VM_STOP_GUEST_EXIT);
}

/* A fake VM (stop_fd -1) only records: no fd is written. */
static void test_fake_vm_only_records(void **state)
{
	struct fx *f = *state;
	int fd = f->vm.stop_fd;

	f->vm.stop_fd = -1;
	vm_request_stop(&f->vm, VM_STOP_SIGNAL, 1);
	assert_true(vm_stopping(&f->vm));
	assert_int_equal(vm_wait(&f->vm, -1, 0, -1), -ECANCELED);
	f->vm.stop_fd = fd;
	assert_false(stop_fd_readable(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_first_request_wins),
		T(test_zero_code_is_a_request),
		T(test_running_is_no_request),
		T(test_wait_ready_and_timeout),
		T(test_wait_after_stop),
		T(test_wait_ends_at_stop_from_other_thread),
		T(test_wait_ends_at_deadline),
		T(test_check_deadline),
		T(test_fake_vm_only_records),
#undef T
	};

	/* A wait that never ends would hang the suite: end it instead. */
	alarm(60);
	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
