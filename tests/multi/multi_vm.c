// SPDX-License-Identifier: GPL-2.0
/*
 * Many VMs in one process: 16 machines (lib/machine.h) at once, one
 * thread each, of every kind: each CPU mode's hello, SIMVIRTIO over both
 * transports, echo with its own RX input, a hostile driver, one that
 * times out and one the main thread stops. Each has its own console and
 * SIMVIRTIO backends (memfds), so afterwards every VM's exact output, how
 * its run ended and its check are known, and none may have leaked into
 * another. One TAP line per VM on stdout; the status is 0 only if all
 * of them are as expected (1 if not, 2 if the test could not run).
 *
 * usage: multi_vm [TEST_GUEST_DIR]
 *   TEST_GUEST_DIR holds hostile_bad_index.bin (default: the
 *   guests/test/ folder of the build this binary is in).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <simvmm/abi.h>
#include <simvmm/memmap.h>

#include "devices/debugcon.h"
#include "devices/simvirtio.h"
#include "kvm.h"
#include "loader.h"
#include "log.h"
#include "machine.h"

/* The built-in images (cli/guest_images.S). */
#define GUEST_IMAGE(n) \
	extern const uint8_t guest_##n[], guest_##n##_end[]

GUEST_IMAGE(hello16);
GUEST_IMAGE(hello32);
GUEST_IMAGE(hello32p);
GUEST_IMAGE(hello64);
GUEST_IMAGE(simvirtio16);
GUEST_IMAGE(simvirtio32);
GUEST_IMAGE(simvirtio);
GUEST_IMAGE(echo);

#define NR_VMS 16
#define ANY_CODE UINT32_MAX

/* jmp $: spins in place, in any mode. */
static const uint8_t spin_image[] = { 0xeb, 0xfe };

static const char hello[] = "Hello, world!\n";
static const char ana[] = "Ana are mere\n";

enum image_src { IMG_BUILTIN, IMG_FILE, IMG_SPIN };

/* One VM: what it runs and how its run must end. */
struct vm_case {
	const char *name;
	enum image_src src;
	const uint8_t *start, *end;	/* IMG_BUILTIN */
	const char *file;		/* IMG_FILE, in the test guest dir */
	enum cpu_mode mode;
	bool simvirtio;
	enum simvirtio_transport transport;
	size_t rx_len;			/* RX input of that many bytes; 0: none */
	uint64_t timeout_ns;
	bool stopped_by_main;		/* machine_stop(SIGTERM) while it spins */

	enum vcpu_result_kind want;
	uint32_t want_code;		/* ANY_CODE: not checked */
	bool want_check;		/* RAX = [0x400] = 42 */
	const char *want_console;
	const char *want_tx;		/* NULL: the RX input, echoed */
};

#define BUILTIN(n) .src = IMG_BUILTIN, .start = guest_##n, .end = guest_##n##_end
#define HELLO(label, n, m) { .name = label, BUILTIN(n), .mode = CPU_MODE_##m, \
	.want = VCPU_HALTED, .want_code = ANY_CODE, .want_check = true, \
	.want_console = hello, .want_tx = "" }
#define SV(label, n, m, t) { .name = label, BUILTIN(n), .mode = CPU_MODE_##m, \
	.simvirtio = true, .transport = SIMVIRTIO_##t, \
	.want = VCPU_HALTED, .want_code = ANY_CODE, .want_check = true, \
	.want_console = "", .want_tx = ana }
#define ECHO(label, t, len) { .name = label, BUILTIN(echo), \
	.mode = CPU_MODE_LONG, .simvirtio = true, .transport = SIMVIRTIO_##t, \
	.rx_len = len, .want = VCPU_HALTED, .want_code = ANY_CODE, \
	.want_check = true, .want_console = "", .want_tx = NULL }
/* Stopped at its violation: it prints NOT STOPPED if it gets past it. */
#define HOSTILE(label, n, t) { .name = label, .src = IMG_FILE, \
	.file = "hostile_" #n ".bin", .mode = CPU_MODE_LONG, \
	.simvirtio = true, .transport = SIMVIRTIO_##t, \
	.want = VCPU_DEVICE_ERROR, .want_code = ANY_CODE, \
	.want_console = "", .want_tx = "" }

static const struct vm_case cases[NR_VMS] = {
	HELLO("hello16 #1 (real)", hello16, REAL),
	HELLO("hello16 #2 (real)", hello16, REAL),
	HELLO("hello32 (protected)", hello32, PROTECTED),
	HELLO("hello32p (paged)", hello32p, PAGED),
	HELLO("hello64 #1 (long)", hello64, LONG),
	HELLO("hello64 #2 (long)", hello64, LONG),
	SV("simvirtio (long, exit transport)", simvirtio, LONG, EXIT),
	SV("simvirtio (long, poll transport)", simvirtio, LONG, POLL),
	SV("simvirtio16 (real, exit transport)", simvirtio16, REAL, EXIT),
	SV("simvirtio32 (protected, poll transport)", simvirtio32, PROTECTED,
	   POLL),
	ECHO("echo (long, exit transport, 300 bytes)", EXIT, 300),
	ECHO("echo (long, poll transport, 5000 bytes)", POLL, 5000),
	HOSTILE("hostile_bad_index (long, exit transport)", bad_index, EXIT),
	HOSTILE("hostile_bad_index (long, poll transport)", bad_index, POLL),
	{
		.name = "spin with a 200 ms timeout (real)",
		.src = IMG_SPIN, .mode = CPU_MODE_REAL,
		.timeout_ns = 200000000ull,
		.want = VCPU_TIMEOUT, .want_code = ANY_CODE,
		.want_console = "", .want_tx = "",
	},
	{
		/* The timeout is a safety net: it fails the case, not the run. */
		.name = "spin stopped by the main thread (real)",
		.src = IMG_SPIN, .mode = CPU_MODE_REAL,
		.timeout_ns = 120000000000ull, .stopped_by_main = true,
		.want = VCPU_SIGNAL, .want_code = SIGTERM,
		.want_console = "", .want_tx = "",
	},
};

/* What one VM's thread got, read by the main thread after the join. */
struct vm_job {
	const struct vm_case *c;
	unsigned int idx;
	struct machine_config cfg;
	void *file;			/* IMG_FILE's buffer */
	char *rx_data;
	int con_fd, tx_fd, rx_fd;	/* memfds, or -1 */
	struct chardev *con, *tx, *rx;
	pthread_t thread;
	bool started;

	/* Under run_lock: the main thread stops a machine only while it is. */
	struct machine *m;
	bool running;
	bool done;

	int err;			/* machine_create/run, -errno */
	struct vcpu_result res;
	int check;			/* machine_check(): 1, 0, -errno */
	uint64_t rax;
	uint32_t mem;
};

static pthread_mutex_t run_lock;	/* every job's m, running, done */
static pthread_cond_t run_cond;	/* with run_lock: a job's state changed */
static pthread_barrier_t start_line;
static int sys_fd = -1;

static void set_state(struct vm_job *j, struct machine *m, bool running,
		      bool done)
{
	pthread_mutex_lock(&run_lock);
	j->m = m;
	j->running = running;
	j->done = done;
	pthread_cond_broadcast(&run_cond);
	pthread_mutex_unlock(&run_lock);
}

/* The VM's thread: create, wait for the others, run, check, tear down. */
static void *vm_thread(void *arg)
{
	struct vm_job *j = arg;
	struct machine *m = NULL;

	j->err = machine_create(sys_fd, &j->cfg, &m);
	/* Every VM starts at once (the created ones, that is). */
	pthread_barrier_wait(&start_line);
	if (j->err) {
		set_state(j, NULL, false, true);
		return NULL;
	}
	set_state(j, m, true, false);
	j->err = machine_run(m, &j->res);
	if (!j->err)
		j->check = machine_check(m, &j->rax, &j->mem);
	set_state(j, NULL, false, true);
	machine_destroy(m);
	return NULL;
}

static int open_memfd(const char *what, const struct vm_job *j)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "vm%u-%s", j->idx, what);
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "multi_vm: memfd_create: %s\n", strerror(errno));
	return fd;
}

/* Bytes nobody else sends: the VM's number and a running counter. */
static void fill_rx(char *p, size_t n, unsigned int idx)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = i % 64 == 63 ? '\n' : 'A' + (idx + i) % 26;
}

/* The job's backends and machine config. 0, or -1 after saying why. */
static int prepare(struct vm_job *j, const char *guest_dir)
{
	const struct vm_case *c = j->c;
	struct machine_config *cfg = &j->cfg;
	char path[PATH_MAX];
	size_t len;

	j->con_fd = open_memfd("console", j);
	j->tx_fd = c->simvirtio ? open_memfd("tx", j) : -1;
	if (j->con_fd < 0 || (c->simvirtio && j->tx_fd < 0))
		return -1;
	if (chardev_open_fd(j->con_fd, true, "console", &j->con))
		return -1;
	if (c->simvirtio && chardev_open_fd(j->tx_fd, true, "tx", &j->tx))
		return -1;
	if (c->rx_len) {
		j->rx_data = malloc(c->rx_len);
		j->rx_fd = open_memfd("rx", j);
		if (!j->rx_data || j->rx_fd < 0)
			return -1;
		fill_rx(j->rx_data, c->rx_len, j->idx);
		if (pwrite(j->rx_fd, j->rx_data, c->rx_len, 0) !=
		    (ssize_t)c->rx_len) {
			fprintf(stderr, "multi_vm: writing the RX input: %s\n",
				strerror(errno));
			return -1;
		}
		if (chardev_open_fd(j->rx_fd, false, "rx", &j->rx))
			return -1;
	}

	cfg->name = c->name;
	cfg->mode = c->mode;
	cfg->mem_size = SIMVMM_MEM_DEFAULT;
	cfg->load_addr = SIMVMM_LOAD_ADDR;
	cfg->entry = SIMVMM_LOAD_ADDR;
	cfg->timeout_ns = c->timeout_ns;
	cfg->console = j->con;
	cfg->console_limit = DEBUGCON_DEFAULT_LIMIT;
	cfg->simvirtio = c->simvirtio;
	cfg->sv.transport = c->transport;
	cfg->sv.out = j->tx;
	cfg->sv.in = j->rx;
	switch (c->src) {
	case IMG_BUILTIN:
		cfg->image = c->start;
		cfg->image_len = c->end - c->start;
		break;
	case IMG_SPIN:
		cfg->image = spin_image;
		cfg->image_len = sizeof(spin_image);
		break;
	case IMG_FILE:
		if (snprintf(path, sizeof(path), "%s/%s", guest_dir,
			     c->file) >= (int)sizeof(path)) {
			fprintf(stderr, "multi_vm: %s: path too long\n",
				guest_dir);
			return -1;
		}
		if (loader_read_file(path, cfg->mem_size, &j->file, &len))
			return -1;
		cfg->image = j->file;
		cfg->image_len = len;
		break;
	}
	return 0;
}

static void release(struct vm_job *j)
{
	chardev_close(j->rx);
	chardev_close(j->tx);
	chardev_close(j->con);
	if (j->rx_fd >= 0)
		close(j->rx_fd);
	if (j->tx_fd >= 0)
		close(j->tx_fd);
	if (j->con_fd >= 0)
		close(j->con_fd);
	free(j->rx_data);
	free(j->file);
}

/*
 * Stop the spinning VM once it has spun for a while: after the VM with
 * the timeout has ended (so both spun side by side), and 100 ms more.
 * A bounded wait: a VM that never gets there fails its own line.
 */
static void stop_the_spinner(struct vm_job *jobs)
{
	struct vm_job *victim = NULL, *timed = NULL;
	const struct timespec pause = { 0, 100000000 };
	struct timespec limit;
	unsigned int i;

	for (i = 0; i < NR_VMS; i++) {
		if (jobs[i].c->stopped_by_main)
			victim = &jobs[i];
		else if (jobs[i].c->want == VCPU_TIMEOUT)
			timed = &jobs[i];
	}
	if (!victim || !victim->started)
		return;
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 60;
	pthread_mutex_lock(&run_lock);
	while (!victim->done && !(victim->running &&
				  (!timed || !timed->started || timed->done)))
		if (pthread_cond_timedwait(&run_cond, &run_lock, &limit))
			break;
	pthread_mutex_unlock(&run_lock);

	nanosleep(&pause, NULL);
	pthread_mutex_lock(&run_lock);
	if (victim->m)
		machine_stop(victim->m, VM_STOP_SIGNAL, SIGTERM);
	pthread_mutex_unlock(&run_lock);
}

static const char *kind_name(enum vcpu_result_kind k)
{
	switch (k) {
	case VCPU_HALTED:
		return "halted";
	case VCPU_GUEST_EXIT:
		return "guest_exit";
	case VCPU_SIGNAL:
		return "signal";
	case VCPU_TIMEOUT:
		return "timeout";
	case VCPU_GUEST_FAULT:
		return "guest_fault";
	case VCPU_DEVICE_ERROR:
		return "device_error";
	case VCPU_GUEST_REPORT:
		return "guest_report";
	}
	return "?";
}

/* The whole of a memfd; NULL (said) if it cannot be read. */
static char *slurp(int fd, size_t *len)
{
	struct stat st;
	char *p;

	*len = 0;
	if (fd < 0)
		return calloc(1, 1);
	if (fstat(fd, &st) < 0)
		return NULL;
	p = malloc(st.st_size + 1);
	if (!p)
		return NULL;
	if (pread(fd, p, st.st_size, 0) != st.st_size) {
		free(p);
		return NULL;
	}
	p[st.st_size] = '\0';
	*len = st.st_size;
	return p;
}

/* Does @fd hold exactly @want_len bytes of @want? Else say what it holds. */
static bool output_is(int fd, const char *what, const char *want,
		      size_t want_len, char *why, size_t why_len)
{
	size_t len, i;
	char *got;
	bool same;

	got = slurp(fd, &len);
	if (!got) {
		snprintf(why, why_len, "%s unreadable", what);
		return false;
	}
	same = len == want_len && !memcmp(got, want, len);
	if (!same) {
		for (i = 0; i < len && i < want_len && got[i] == want[i]; i++)
			;
		snprintf(why, why_len,
			 "%s: %zu byte(s), want %zu, first difference at byte %zu: \"%.40s\"",
			 what, len, want_len, i, got + (i < len ? i : len));
		for (i = 0; why[i]; i++)
			if (why[i] == '\n')
				why[i] = ' ';
	}
	free(got);
	return same;
}

/* "console: \"...\"", the start of what @j's guest printed, on one line. */
static const char *console_says(const struct vm_job *j, char *buf, size_t n)
{
	size_t len, i;
	char *got;

	got = slurp(j->con_fd, &len);
	snprintf(buf, n, "console: \"%.48s\"%s", got ? got : "(unreadable)",
		 len > 48 ? "..." : "");
	for (i = 0; buf[i]; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	free(got);
	return buf;
}

/* One TAP line for @j; true if it is as expected. */
static bool verify(const struct vm_job *j)
{
	const struct vm_case *c = j->c;
	const char *tx = c->want_tx ? c->want_tx : j->rx_data;
	size_t tx_len = c->want_tx ? strlen(c->want_tx) : c->rx_len;
	char why[256] = "", said[96];
	bool ok = false;

	if (!j->started)
		snprintf(why, sizeof(why), "its thread did not start");
	else if (j->err)
		snprintf(why, sizeof(why), "host error %d (%s)", j->err,
			 strerror(-j->err));
	else if (j->res.kind != c->want)
		snprintf(why, sizeof(why), "ended %s (code %u), want %s; %s",
			 kind_name(j->res.kind), j->res.code,
			 kind_name(c->want), console_says(j, said, sizeof(said)));
	else if (c->want_code != ANY_CODE && j->res.code != c->want_code)
		snprintf(why, sizeof(why), "ended %s with code %u, want %u",
			 kind_name(j->res.kind), j->res.code, c->want_code);
	else if (c->want_check && j->check != 1)
		snprintf(why, sizeof(why),
			 "check failed: RAX=%llu [0x%x]=%u (machine_check %d)",
			 (unsigned long long)j->rax, SIMVMM_CHECK_ADDR, j->mem,
			 j->check);
	else if (output_is(j->con_fd, "console", c->want_console,
			   strlen(c->want_console), why, sizeof(why)) &&
		 (!c->simvirtio ||
		  output_is(j->tx_fd, "simvirtio tx", tx, tx_len, why,
			    sizeof(why))))
		ok = true;

	if (ok)
		printf("ok %u - %s: %s%s, console %zu byte(s), tx %zu byte(s)\n",
		       j->idx + 1, c->name, kind_name(j->res.kind),
		       c->want_check ? ", check passed" : "",
		       strlen(c->want_console), c->simvirtio ? tx_len : 0);
	else
		printf("not ok %u - %s: %s\n", j->idx + 1, c->name, why);
	return ok;
}

/* guests/test/ of the build holding this binary (BUILD/tests/multi_vm). */
static void default_guest_dir(const char *argv0, char *dir, size_t len)
{
	const char *slash = strrchr(argv0, '/');
	int n = slash ? (int)(slash - argv0) : 1;

	snprintf(dir, len, "%.*s/../guests/test", n, slash ? argv0 : ".");
}

int main(int argc, char **argv)
{
	struct vm_job jobs[NR_VMS];
	char guest_dir[PATH_MAX];
	unsigned int i, failed = 0;
	int err, status = 2;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [TEST_GUEST_DIR]\n", argv[0]);
		return 2;
	}
	if (argc == 2)
		snprintf(guest_dir, sizeof(guest_dir), "%s", argv[1]);
	else
		default_guest_dir(argv[0], guest_dir, sizeof(guest_dir));
	/* Errors and warnings only: the TAP lines are the report. */
	log_set_quiet(true);

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < NR_VMS; i++) {
		jobs[i].c = &cases[i];
		jobs[i].idx = i;
		jobs[i].con_fd = -1;
		jobs[i].tx_fd = -1;
		jobs[i].rx_fd = -1;
	}
	for (i = 0; i < NR_VMS; i++)
		if (prepare(&jobs[i], guest_dir))
			goto out;
	sys_fd = kvm_open_system();
	if (sys_fd < 0)
		goto out;

	pthread_mutex_init(&run_lock, NULL);
	pthread_cond_init(&run_cond, NULL);
	pthread_barrier_init(&start_line, NULL, NR_VMS);
	for (i = 0; i < NR_VMS; i++) {
		err = pthread_create(&jobs[i].thread, NULL, vm_thread,
				     &jobs[i]);
		if (err) {
			/* The barrier would wait for it for ever. */
			fprintf(stderr, "multi_vm: pthread_create: %s\n",
				strerror(err));
			abort();
		}
		jobs[i].started = true;
	}
	stop_the_spinner(jobs);
	for (i = 0; i < NR_VMS; i++)
		pthread_join(jobs[i].thread, NULL);
	pthread_barrier_destroy(&start_line);
	pthread_cond_destroy(&run_cond);
	pthread_mutex_destroy(&run_lock);

	printf("1..%d\n", NR_VMS);
	for (i = 0; i < NR_VMS; i++)
		failed += !verify(&jobs[i]);
	printf("# %d VMs at once: %u as expected, %u not\n", NR_VMS,
	       NR_VMS - failed, failed);
	status = failed ? 1 : 0;

out:
	if (sys_fd >= 0)
		close(sys_fd);
	for (i = 0; i < NR_VMS; i++)
		release(&jobs[i]);
	return status;
}
