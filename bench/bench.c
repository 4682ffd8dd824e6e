// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: simvmm against the raw-KVM floor. Each case runs simvmm
 * and the floor alternately (the order flips every round, so drift in a
 * shared, noisy machine hits both), then reports medians and the ratio
 * simvmm/floor, a results file (JSON), a Markdown table and the data for
 * the chart. Timing lives here only; the tests assert no times.
 *
 * usage: bench [--many-rounds N] [--many-only] SIMVMM RAWKVM GUESTDIR OUTDIR
 * GUESTDIR holds the bench-only SIMVIRTIO guests (build/guests/test).
 * --many-rounds: rounds of the many-VMs case (default MANY_ROUNDS);
 * --many-only: run that case alone (results.md and .json hold only it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <simvmm/memmap.h>
#include <simvmm/simvirtio.h>

#include "../lib/bus.h"
#include "../lib/cpu_mode.h"
#include "../lib/json.h"
#include "../lib/kvm.h"
#include "../lib/loader.h"
#include "../lib/log.h"
#include "../lib/stats.h"
#include "../lib/util.h"
#include "../lib/vcpu.h"
#include "../lib/vm.h"
#include "bench_guest.h"
#include "raw.h"

extern char **environ;

/* Rounds per case: enough for stable medians, all cases well under 5 min. */
#define START_ROUNDS	401u
#define MEMORY_ROUNDS	31u
#define EXIT_ROUNDS	61u
#define EXITS_PER_RUN	4000u
#define CREATE_ROUNDS	41u
#define VMS_PER_ROUND	50u
#define MAX_ROUNDS	START_ROUNDS

enum goal { GOAL_NONE, GOAL_AT_MOST, GOAL_AT_LEAST };

/* The rows of the table, in order. A new case adds rows and a function. */
enum row {
	ROW_START,
	ROW_EXIT,
	ROW_EXIT_TIMED,
	ROW_EXIT_BARE,
	ROW_CREATE,
	ROW_MEMORY,
	NR_ROWS,
};

struct result {
	const char *name;
	const char *what;	/* what was compared, for the table */
	const char *unit;
	double simvmm;		/* medians */
	double raw;
	double ratio;		/* median over rounds of simvmm / raw */
	enum goal goal;
	double goal_ratio;
	unsigned int rounds;
};

static const char *simvmm_path, *raw_path;
static int sys_fd = -1, raw_kvm = -1;
static bool many_only;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* Median of @v[0..n), which stays in round order for median_ratio(). */
static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	if (n == 0 || n > MAX_ROUNDS)
		die("rounds", E2BIG);
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * Median of @a[i] / @b[i]. Each round's two runs sit next to each other in
 * time, so their ratio cancels the machine's drift better than a ratio
 * of medians taken over the whole case.
 */
static double median_ratio(const double *a, const double *b, unsigned int n)
{
	double r[MAX_ROUNDS];
	unsigned int i;

	for (i = 0; i < n && i < MAX_ROUNDS; i++)
		r[i] = a[i] / b[i];
	return median(r, n);
}

/* ---- whole processes ------------------------------------------------------ */

/* Seconds from spawn to reaped exit of @argv, output to /dev/null. */
static double spawn_time(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	double t0, t1;
	int err, st;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	t0 = now_s();
	err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	if (err)
		die(argv[0], err);
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid", errno);
	t1 = now_s();
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die(argv[0], EPROTO);
	return t1 - t0;
}

static long vm_hwm_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Peak RSS of @argv alone, in KiB. ru_maxrss would also count the forked
 * child before exec (a copy of this process), so stop the child at its
 * exit with ptrace and read VmHWM of the exec'd image itself.
 */
static double peak_rss_kib(char *const argv[])
{
	long kib = -1;
	int st, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	/* Stopped by the exec's SIGTRAP. */
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		die("ptrace exec stop", EPROTO);
	ptrace(PTRACE_SETOPTIONS, pid, NULL,
	       (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	for (;;) {
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid", errno);
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			kib = vm_hwm_kib(pid);
			ptrace(PTRACE_CONT, pid, NULL, NULL);
			continue;
		}
		/* Pass any other signal on. */
		ptrace(PTRACE_CONT, pid, NULL,
		       (void *)(long)(WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st)));
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) || kib < 0)
		die(argv[0], EPROTO);
	return kib;
}

/* Run @a and @b alternately, @rounds times each, flipping the order. */
static void interleave(unsigned int rounds, double (*fa)(void *),
		       void *a, double *va, double (*fb)(void *), void *b,
		       double *vb)
{
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		if (i % 2) {
			va[i] = fa(a);
			vb[i] = fb(b);
		} else {
			vb[i] = fb(b);
			va[i] = fa(a);
		}
	}
}

/* A command line to spawn; exec wants char *const[], we keep const. */
struct cmdline {
	const char *argv[4];
};

static void cmdline_set(struct cmdline *c, const char *a0, const char *a1,
			const char *a2)
{
	c->argv[0] = a0;
	c->argv[1] = a1;
	c->argv[2] = a2;
	c->argv[3] = NULL;
}

static double time_cmd(void *c)
{
	return spawn_time((char *const *)((struct cmdline *)c)->argv) * 1e3;
}

static double rss_cmd(void *c)
{
	return peak_rss_kib((char *const *)((struct cmdline *)c)->argv);
}

static void case_processes(struct result *start, struct result *mem)
{
	struct cmdline sim16, raw16, sim64, raw64;
	double va[START_ROUNDS], vb[START_ROUNDS];

	cmdline_set(&sim16, simvmm_path, "run", "hello16");
	cmdline_set(&raw16, raw_path, "hello16", NULL);
	cmdline_set(&sim64, simvmm_path, "run", "hello64");
	cmdline_set(&raw64, raw_path, "hello64", NULL);

	/* Warm the page cache and KVM before anything counts. */
	time_cmd(&sim16);
	time_cmd(&raw16);

	interleave(START_ROUNDS, time_cmd, &sim16, va, time_cmd, &raw16, vb);
	start->ratio = median_ratio(va, vb, START_ROUNDS);
	start->simvmm = median(va, START_ROUNDS);
	start->raw = median(vb, START_ROUNDS);
	start->rounds = START_ROUNDS;

	interleave(MEMORY_ROUNDS, rss_cmd, &sim64, va, rss_cmd, &raw64, vb);
	mem->ratio = median_ratio(va, vb, MEMORY_ROUNDS);
	mem->simvmm = median(va, MEMORY_ROUNDS);
	mem->raw = median(vb, MEMORY_ROUNDS);
	mem->rounds = MEMORY_ROUNDS;
}

/* ---- exit cost ------------------------------------------------------------ */

static int null_io(void *owner, uint64_t offset, void *data, uint32_t len,
		   bool is_write)
{
	(void)owner;
	(void)offset;
	(void)len;
	if (!is_write)
		memset(data, 0, len);
	return 0;
}

enum sim_mode {
	SIM_BARE,	/* libsimvmm, no hooks */
	SIM_COUNT,	/* as `simvmm run`: every exit counted */
	SIM_TIMED,	/* as `simvmm run --stats`: counted and timed */
};

struct sim_exits {
	enum sim_mode mode;
	struct stats *st;
};

/* One simvmm run of the exit loop; microseconds per exit. */
static double sim_exits_run(void *p)
{
	struct sim_exits *se = p;
	uint8_t img[BENCH_EXITS_LEN];
	struct vcpu_result res;
	struct vcpu *vcpu;
	struct vm *vm;
	double t0, t1;
	int err;

	bench_exits_guest(img, EXITS_PER_RUN);
	err = vm_create(sys_fd, SIMVMM_MEM_DEFAULT, &vm);
	if (err)
		die("vm_create", err);
	err = bus_register(&vm->bus, BUS_PIO, BENCH_NULL_PORT, 1, null_io,
			   NULL, "null");
	if (!err)
		err = vcpu_create(vm, 0, &vcpu);
	if (err)
		die("null device / vcpu", err);
	err = loader_place(vm, CPU_MODE_REAL, SIMVMM_LOAD_ADDR, img,
			   sizeof(img), "bench-exits");
	if (!err)
		err = cpu_mode_setup(vcpu, CPU_MODE_REAL, SIMVMM_LOAD_ADDR);
	if (err)
		die("guest setup", err);
	if (se->mode != SIM_BARE) {
		stats_init(se->st, &vm->bus);
		stats_attach(se->st, vcpu, se->mode == SIM_TIMED, NULL);
	}

	t0 = now_s();
	err = vcpu_run(vcpu, &res);
	t1 = now_s();
	if (err || res.kind != VCPU_HALTED)
		die("exit loop", err ? err : EPROTO);
	if (se->mode != SIM_BARE &&
	    se->st->reasons[KVM_EXIT_IO].exits != EXITS_PER_RUN)
		die("exit count", EPROTO);
	vcpu_destroy(vcpu);
	vm_destroy(vm);
	return (t1 - t0) * 1e6 / EXITS_PER_RUN;
}

/* The same guest under the bare loop: ioctl, one check, again. */
static double raw_exits_run(void *unused)
{
	uint8_t img[BENCH_EXITS_LEN];
	unsigned int exits = 0;
	struct kvm_run *run;
	struct raw_vm v;
	double t0, t1;
	int err;

	(void)unused;
	bench_exits_guest(img, EXITS_PER_RUN);
	err = raw_vm_create(raw_kvm, SIMVMM_MEM_DEFAULT, &v);
	if (!err)
		err = raw_setup_real(&v, img, sizeof(img), SIMVMM_LOAD_ADDR);
	if (err)
		die("raw VM", err);
	run = v.run;

	t0 = now_s();
	for (;;) {
		if (ioctl(v.vcpu, KVM_RUN, 0) < 0)
			die("raw KVM_RUN", errno);
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.port == BENCH_NULL_PORT) {
			exits++;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		die("raw exit loop", EPROTO);
	}
	t1 = now_s();
	if (exits != EXITS_PER_RUN)
		die("raw exit count", EPROTO);
	raw_vm_destroy(&v);
	return (t1 - t0) * 1e6 / EXITS_PER_RUN;
}

/*
 * Four ways, one run each per round, the order rotating: the floor, and
 * simvmm with counting (the default), with --stats timing, and bare. All
 * see the same moments of a noisy machine.
 */
static void case_exits(struct result *count, struct result *timed,
		       struct result *bare)
{
	struct sim_exits se[3] = {
		{ .mode = SIM_COUNT }, { .mode = SIM_TIMED }, { .mode = SIM_BARE },
	};
	struct result *res[3] = { count, timed, bare };
	double v[4][EXIT_ROUNDS], raw;
	unsigned int i, k, w;

	se[0].st = calloc(1, sizeof(struct stats));
	if (!se[0].st)
		die("stats", ENOMEM);
	se[1].st = se[0].st;
	raw_exits_run(NULL);
	sim_exits_run(&se[1]);

	for (i = 0; i < EXIT_ROUNDS; i++) {
		for (k = 0; k < 4; k++) {
			w = (i + k) % 4;
			v[w][i] = w == 3 ? raw_exits_run(NULL) :
				  sim_exits_run(&se[w]);
		}
	}
	for (w = 0; w < 3; w++)
		res[w]->ratio = median_ratio(v[w], v[3], EXIT_ROUNDS);
	raw = median(v[3], EXIT_ROUNDS);
	for (w = 0; w < 3; w++) {
		res[w]->raw = raw;
		res[w]->simvmm = median(v[w], EXIT_ROUNDS);
		res[w]->rounds = EXIT_ROUNDS;
	}
	free(se[0].st);
}

/* ---- creation rate ---------------------------------------------------------- */

/* VMs per second: create, run to hlt, destroy, VMS_PER_ROUND times. */
static double sim_create_round(void *unused)
{
	struct vcpu_result res;
	struct vcpu *vcpu;
	struct vm *vm;
	double t0, t1;
	unsigned int i;
	int err;

	(void)unused;
	t0 = now_s();
	for (i = 0; i < VMS_PER_ROUND; i++) {
		err = vm_create(sys_fd, SIMVMM_MEM_DEFAULT, &vm);
		if (err)
			die("vm_create", err);
		err = vcpu_create(vm, 0, &vcpu);
		if (err)
			die("vcpu_create", err);
		err = loader_place(vm, CPU_MODE_REAL, SIMVMM_LOAD_ADDR,
				   bench_hlt_guest, sizeof(bench_hlt_guest),
				   "hlt");
		if (!err)
			err = cpu_mode_setup(vcpu, CPU_MODE_REAL,
					     SIMVMM_LOAD_ADDR);
		if (!err)
			err = vcpu_run(vcpu, &res);
		if (err || res.kind != VCPU_HALTED)
			die("hlt guest", err ? err : EPROTO);
		vcpu_destroy(vcpu);
		vm_destroy(vm);
	}
	t1 = now_s();
	return VMS_PER_ROUND / (t1 - t0);
}

static double raw_create_round(void *unused)
{
	struct raw_vm v;
	double t0, t1;
	unsigned int i;
	int err;

	(void)unused;
	t0 = now_s();
	for (i = 0; i < VMS_PER_ROUND; i++) {
		err = raw_vm_create(raw_kvm, SIMVMM_MEM_DEFAULT, &v);
		if (!err)
			err = raw_setup_real(&v, bench_hlt_guest,
					     sizeof(bench_hlt_guest),
					     SIMVMM_LOAD_ADDR);
		if (err)
			die("raw VM", err);
		if (ioctl(v.vcpu, KVM_RUN, 0) < 0 ||
		    v.run->exit_reason != KVM_EXIT_HLT)
			die("raw hlt", EPROTO);
		raw_vm_destroy(&v);
	}
	t1 = now_s();
	return VMS_PER_ROUND / (t1 - t0);
}

static void case_create(struct result *r)
{
	double va[CREATE_ROUNDS], vb[CREATE_ROUNDS];

	sim_create_round(NULL);
	raw_create_round(NULL);
	interleave(CREATE_ROUNDS, sim_create_round, NULL, va,
		   raw_create_round, NULL, vb);
	r->ratio = median_ratio(va, vb, CREATE_ROUNDS);
	r->simvmm = median(va, CREATE_ROUNDS);
	r->raw = median(vb, CREATE_ROUNDS);
	r->rounds = CREATE_ROUNDS;
}

/* ---- SIMVIRTIO throughput: exit against poll transport --------------------- */

/*
 * The bench-only guests guests/test/bench_tx.c and bench_rx.c move one
 * stream of STREAM_BYTES (bench_stream.h: byte i is i & 0xff) over TX and
 * RX. Each round runs all four (direction, transport) pairs as whole
 * `simvmm run` processes, the order rotating; perf counts the guest's
 * emulated instructions in one extra run of each, outside the timing.
 */
#define STREAM_ROUNDS	11u
#define STREAM_BYTES	65536u
#define STREAM_KIB	(STREAM_BYTES / 1024.0)
#define IDLE_ROUNDS	3u
#define IDLE_SETTLE_S	0.3	/* handshake done, poller asleep */
#define IDLE_WINDOW_S	1.0
#define POLLER_COMM	"sv-poller"	/* lib/devices/simvirtio.c names it */

enum { DIR_TX, DIR_RX, NR_DIRS };
enum { TP_EXIT, TP_POLL, NR_TPS };

static const char *const dir_name[NR_DIRS] = { "TX", "RX" };
static const char *const tp_name[NR_TPS] = { "exit", "poll" };
static const char *guest_dir, *out_dir;
static char perf_note[256] = "";

struct stream_sample {
	double secs;		/* spawn to reaped exit */
	double run_secs;	/* simvmm's run loop alone (elapsed_ns) */
	double cpu_s;		/* the child's user + system time */
	double exits;		/* all VM exits the run returned to simvmm */
	double ring_exits;	/* MMIO exits in the ring page (>= 0x1000) */
	double kvm_exits;	/* KVM's vCPU "exits": kicks too; NaN if none */
};

struct stream_result {
	double kib_s;		/* whole process: start and teardown included */
	double run_kib_s;	/* the run loop only */
	double exits_kib;
	double ring_exits_kib;
	double kvm_exits_kib;
	double cpu_us_kib;
	double insns_byte;	/* NaN: perf not usable */
};

struct transport_ratio {
	double ratio;		/* median over rounds of poll / exit KiB/s */
	double goal;
};

static void out_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", out_dir, name);
}

/* The stream file RX reads: what bench_rx.c checks byte by byte. */
static void write_stream_file(void)
{
	uint8_t buf[STREAM_BYTES];
	char path[4096];
	unsigned int i;
	FILE *f;

	for (i = 0; i < STREAM_BYTES; i++)
		buf[i] = i & 0xff;
	out_path(path, sizeof(path), "stream.in");
	f = fopen(path, "we");
	if (!f || fwrite(buf, 1, sizeof(buf), f) != sizeof(buf))
		die(path, errno ? errno : EIO);
	fclose(f);
}

/* TX must have written exactly the stream to stdout. */
static void check_tx_output(const char *path)
{
	uint8_t buf[STREAM_BYTES + 1];
	unsigned int i;
	size_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		die(path, errno);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != STREAM_BYTES)
		die("TX stream length", EPROTO);
	for (i = 0; i < n; i++)
		if (buf[i] != (i & 0xff))
			die("TX stream contents", EPROTO);
}

/* A JSON number after @key in @s (first match), or die. */
static double json_num_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	if (!p)
		die(key, EPROTO);
	return strtod(p + strlen(key), NULL);
}

/*
 * From simvmm's --stats-file JSON (docs/stats.md): all exits, and the
 * MMIO exits in the ring page, which are the MMIO total less the exits
 * the per-address list puts in the register page (offset < 0x1000). The
 * register sites come first in that list (the handshake touches them
 * before any data moves), so they are never among the dropped sites.
 */
static void parse_stats(const char *path, struct stream_sample *s)
{
	static char buf[1 << 16];
	double mmio, regs = 0;
	const char *p, *end;
	size_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		die(path, errno);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	s->run_secs = json_num_after(buf, "\"elapsed_ns\":") / 1e9;
	s->exits = json_num_after(buf, "\"exits\":{\"total\":");
	p = strstr(buf, "\"exits\":{");
	if (!p)
		die("stats exits", EPROTO);
	mmio = json_num_after(p, "\"mmio\":");
	p = strstr(buf, "\"mmio\":[");
	end = p ? strchr(p, ']') : NULL;
	if (!p || !end)
		die("stats mmio list", EPROTO);
	while ((p = strstr(p, "\"offset\":")) && p < end) {
		double off = strtod(p + 9, NULL);
		double ex = json_num_after(p, "\"exits\":");

		if (off < SIMVIRTIO_RINGS_OFF)
			regs += ex;
		p += 9;
	}
	s->ring_exits = mmio - regs;
	/*
	 * KVM's own count also holds the exits it handles without simvmm,
	 * such as the driver's kicks (ioeventfds) in the poll transport.
	 */
	p = strstr(buf, "\"vcpu\":{");
	s->kvm_exits = p && strstr(p, "\"exits\":") ?
		       json_num_after(p, "\"exits\":") : NAN;
}

/*
 * Spawn @argv with stdin from @in and stdout to @out; wait for it, with
 * its rusage. The run must exit 0 (the guests check their own data).
 */
static double spawn_rusage(char *const argv[], const char *in,
			   const char *out, double *cpu_s)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	double t0, t1;
	int err, st;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	t0 = now_s();
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return -err;
	if (wait4(pid, &st, 0, &ru) != pid)
		die("wait4", errno);
	t1 = now_s();
	if (cpu_s)
		*cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			 ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return -EPROTO;
	return t1 - t0;
}

/* argv of one stream run, optionally under `perf stat` writing to @perf. */
static void stream_argv(const char **argv, int dir, int tp,
			const char *stats, const char *perf, char *guest,
			size_t guest_len)
{
	unsigned int n = 0;

	snprintf(guest, guest_len, "%s/bench_%s.bin", guest_dir,
		 dir == DIR_TX ? "tx" : "rx");
	if (perf) {
		argv[n++] = "perf";
		argv[n++] = "stat";
		argv[n++] = "-x,";
		argv[n++] = "-e";
		argv[n++] = "kvm:kvm_emulate_insn";
		argv[n++] = "-o";
		argv[n++] = perf;
		argv[n++] = "--";
	}
	argv[n++] = simvmm_path;
	argv[n++] = "run";
	argv[n++] = "-q";
	argv[n++] = "--mode";
	argv[n++] = "long";
	argv[n++] = "--check";
	argv[n++] = "--transport";
	argv[n++] = tp_name[tp];
	argv[n++] = "--stats-file";
	argv[n++] = stats;
	argv[n++] = guest;
	argv[n] = NULL;
}

static void stream_run(int dir, int tp, struct stream_sample *s)
{
	char stats[4096], in[4096], out[4096], guest[4096];
	const char *argv[24];
	double secs;

	out_path(stats, sizeof(stats), "stream-stats.json");
	out_path(out, sizeof(out), "stream.out");
	if (dir == DIR_RX)
		out_path(in, sizeof(in), "stream.in");
	else
		snprintf(in, sizeof(in), "/dev/null");
	stream_argv(argv, dir, tp, stats, NULL, guest, sizeof(guest));
	secs = spawn_rusage((char *const *)argv, in, out, &s->cpu_s);
	if (secs < 0)
		die(guest, secs);
	s->secs = secs;
	if (dir == DIR_TX)
		check_tx_output(out);
	parse_stats(stats, s);
}

/*
 * Guest instructions per stream byte: KVM emulates every guest instruction
 * on the nested test machines, so its kvm_emulate_insn tracepoint counts
 * them (the handshake's few hundred included). NaN, and a note, when perf
 * cannot count it here.
 */
static double stream_insns(int dir, int tp)
{
	char stats[4096], in[4096], out[4096], guest[4096], perf[4096];
	char line[512];
	const char *argv[24];
	double count = NAN;
	FILE *f;

	out_path(stats, sizeof(stats), "stream-stats.json");
	out_path(out, sizeof(out), "stream.out");
	out_path(perf, sizeof(perf), "stream-perf.txt");
	if (dir == DIR_RX)
		out_path(in, sizeof(in), "stream.in");
	else
		snprintf(in, sizeof(in), "/dev/null");
	stream_argv(argv, dir, tp, stats, perf, guest, sizeof(guest));
	if (spawn_rusage((char *const *)argv, in, out, NULL) < 0) {
		snprintf(perf_note, sizeof(perf_note),
			 "perf stat -e kvm:kvm_emulate_insn failed or is not installed (scripts/install-deps bench)");
		return NAN;
	}
	f = fopen(perf, "re");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "kvm:kvm_emulate_insn") && line[0] != '<')
			count = strtod(line, NULL);
	if (f)
		fclose(f);
	if (!(count > 0)) {
		snprintf(perf_note, sizeof(perf_note),
			 "perf could not count kvm:kvm_emulate_insn (no tracepoint access, or KVM does not emulate guest instructions here)");
		return NAN;
	}
	return count / STREAM_BYTES;
}

static pid_t poller_tid(pid_t pid)
{
	char path[384], comm[64];
	struct dirent *e;
	pid_t tid = -1;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && tid < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)pid,
			 e->d_name);
		f = fopen(path, "re");
		if (f && fgets(comm, sizeof(comm), f) &&
		    !strncmp(comm, POLLER_COMM, strlen(POLLER_COMM)))
			tid = atoi(e->d_name);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return tid;
}

/* Nanoseconds thread @tid has run on a CPU (schedstat's first field). */
static double thread_cpu_ns(pid_t pid, pid_t tid)
{
	char path[128];
	double ns = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid,
		 (int)tid);
	f = fopen(path, "re");
	if (!f || fscanf(f, "%lf", &ns) != 1)
		die("poller schedstat", f ? EPROTO : errno);
	fclose(f);
	return ns;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * The poller's CPU while the guest idles: `simvmm run --transport poll
 * echo` with an open pipe that sends nothing. The guest waits for RX; the
 * poller must be asleep. Microseconds of poller CPU per second idle.
 */
static double idle_poller_once(void)
{
	posix_spawn_file_actions_t fa;
	const char *argv[7];
	double a, b, t0, t1;
	int p[2], err, st, i;
	pid_t pid, tid;

	argv[0] = simvmm_path;
	argv[1] = "run";
	argv[2] = "-q";
	argv[3] = "--transport";
	argv[4] = "poll";
	argv[5] = "echo";
	argv[6] = NULL;
	if (pipe2(p, O_CLOEXEC))
		die("pipe", errno);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawn(&pid, simvmm_path, &fa, NULL, (char *const *)argv,
			  environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	if (err)
		die(simvmm_path, err);
	sleep_s(IDLE_SETTLE_S);
	/* A loaded machine starts the VM late: look for 10 s, not once. */
	for (i = 0; (tid = poller_tid(pid)) < 0 && i < 100; i++)
		sleep_s(0.1);
	if (tid < 0)
		die("no " POLLER_COMM " thread in simvmm after 10 s", ESRCH);
	/* The settle time counts from the poller's start. */
	sleep_s(IDLE_SETTLE_S);
	t0 = now_s();
	a = thread_cpu_ns(pid, tid);
	sleep_s(IDLE_WINDOW_S);
	b = thread_cpu_ns(pid, tid);
	t1 = now_s();
	/* End of input: echo sees the end of the stream and halts. */
	close(p[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("idle echo run", EPROTO);
	return (b - a) / 1e3 / (t1 - t0);
}

static void case_streams(struct stream_result r[NR_DIRS][NR_TPS],
			 struct transport_ratio ratio[NR_DIRS],
			 double *idle_us_s)
{
	static struct stream_sample s[NR_DIRS][NR_TPS][STREAM_ROUNDS];
	double v[STREAM_ROUNDS], w[STREAM_ROUNDS], idle[IDLE_ROUNDS];
	struct stream_sample warm;
	unsigned int i, k, c, d, t;

	write_stream_file();
	stream_run(DIR_TX, TP_POLL, &warm);
	for (i = 0; i < STREAM_ROUNDS; i++) {
		for (k = 0; k < NR_DIRS * NR_TPS; k++) {
			c = (i + k) % (NR_DIRS * NR_TPS);
			d = c / NR_TPS;
			t = c % NR_TPS;
			stream_run(d, t, &s[d][t][i]);
		}
	}
	for (d = 0; d < NR_DIRS; d++) {
		for (t = 0; t < NR_TPS; t++) {
			for (i = 0; i < STREAM_ROUNDS; i++)
				v[i] = STREAM_KIB / s[d][t][i].secs;
			r[d][t].kib_s = median(v, STREAM_ROUNDS);
			for (i = 0; i < STREAM_ROUNDS; i++)
				v[i] = STREAM_KIB / s[d][t][i].run_secs;
			r[d][t].run_kib_s = median(v, STREAM_ROUNDS);
			for (i = 0; i < STREAM_ROUNDS; i++)
				v[i] = s[d][t][i].exits / STREAM_KIB;
			r[d][t].exits_kib = median(v, STREAM_ROUNDS);
			for (i = 0; i < STREAM_ROUNDS; i++)
				v[i] = s[d][t][i].ring_exits / STREAM_KIB;
			r[d][t].ring_exits_kib = median(v, STREAM_ROUNDS);
			for (i = 0; i < STREAM_ROUNDS; i++)
				v[i] = s[d][t][i].kvm_exits / STREAM_KIB;
			r[d][t].kvm_exits_kib = median(v, STREAM_ROUNDS);
			for (i = 0; i < STREAM_ROUNDS; i++)
				v[i] = s[d][t][i].cpu_s * 1e6 / STREAM_KIB;
			r[d][t].cpu_us_kib = median(v, STREAM_ROUNDS);
			r[d][t].insns_byte = stream_insns(d, t);
		}
		for (i = 0; i < STREAM_ROUNDS; i++) {
			v[i] = s[d][TP_EXIT][i].secs;	/* poll/exit speed */
			w[i] = s[d][TP_POLL][i].secs;
		}
		ratio[d].ratio = median_ratio(v, w, STREAM_ROUNDS);
		ratio[d].goal = 4.0;
	}
	for (i = 0; i < IDLE_ROUNDS; i++)
		idle[i] = idle_poller_once();
	*idle_us_s = median(idle, IDLE_ROUNDS);
}

static struct {
	struct stream_result r[NR_DIRS][NR_TPS];
	struct transport_ratio ratio[NR_DIRS];
	double idle_us_s;	/* poller CPU while the guest idles */
} streams;

static void print_insns(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, " n/a |");
	else
		fprintf(f, " %.3g |", v);
}

static void print_streams(FILE *f)
{
	const struct transport_ratio *q;
	const struct stream_result *s;
	unsigned int d, t;

	fprintf(f, "\nSIMVIRTIO throughput: a %u KiB stream over TX (guests/test/bench_tx.c) and RX (bench_rx.c), whole `simvmm run` processes; medians of %u interleaved rounds.\n\n",
		STREAM_BYTES / 1024, STREAM_ROUNDS);
	fprintf(f, "| direction | transport | KiB/s | KiB/s, run loop | exits/KiB | ring-page exits/KiB | KVM exits/KiB | host CPU us/KiB | guest insns/byte |\n");
	fprintf(f, "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (d = 0; d < NR_DIRS; d++) {
		for (t = 0; t < NR_TPS; t++) {
			s = &streams.r[d][t];
			fprintf(f, "| %s | %s | %.4g | %.4g | %.4g | %.4g | %.4g | %.4g |",
				dir_name[d], tp_name[t], s->kib_s, s->run_kib_s,
				s->exits_kib, s->ring_exits_kib,
				s->kvm_exits_kib, s->cpu_us_kib);
			print_insns(f, s->insns_byte);
			fputc('\n', f);
		}
	}
	fprintf(f, "\n| direction | poll / exit throughput | goal | met |\n");
	fprintf(f, "|---|---:|---|---|\n");
	for (d = 0; d < NR_DIRS; d++) {
		q = &streams.ratio[d];
		fprintf(f, "| %s | %.2f | >= %.2f | %s |\n", dir_name[d],
			q->ratio, q->goal, q->ratio >= q->goal ? "yes" : "NO");
	}
	fprintf(f, "\nPoll transport, guest idle (echo waiting for input): the poller thread used %.3g us of CPU per second (median of %u).\n",
		streams.idle_us_s, IDLE_ROUNDS);
	if (perf_note[0])
		fprintf(f, "Guest instructions: n/a: %s.\n", perf_note);
	fprintf(f, "KiB/s: the whole process (start, handshake and teardown included; the ratios use it); run loop: simvmm's elapsed_ns. Exits/KiB: exits to simvmm, including the handshake's and the final wait's fixed register exits; ring-page exits/KiB are the per-byte part; KVM exits/KiB: KVM's vCPU exits counter, which also counts the exits KVM handles itself, such as the driver's kicks (ioeventfds). Guest insns/byte: perf's kvm:kvm_emulate_insn, which counts a `rep movsb` once however many bytes it moves.\n");
}

static void json_streams(struct json *j)
{
	const struct stream_result *s;
	unsigned int d, t;

	json_begin_object(j, "simvirtio_throughput");
	json_u64(j, "stream_bytes", STREAM_BYTES);
	json_u64(j, "rounds", STREAM_ROUNDS);
	json_begin_array(j, "runs");
	for (d = 0; d < NR_DIRS; d++) {
		for (t = 0; t < NR_TPS; t++) {
			s = &streams.r[d][t];
			json_begin_object(j, NULL);
			json_str(j, "direction", dir_name[d]);
			json_str(j, "transport", tp_name[t]);
			json_double(j, "kib_per_s", s->kib_s);
			json_double(j, "run_loop_kib_per_s", s->run_kib_s);
			json_double(j, "exits_per_kib", s->exits_kib);
			json_double(j, "ring_exits_per_kib", s->ring_exits_kib);
			json_double(j, "kvm_exits_per_kib", s->kvm_exits_kib);
			json_double(j, "host_cpu_us_per_kib", s->cpu_us_kib);
			/* NaN is written as null: perf was not usable. */
			json_double(j, "guest_insns_per_byte", s->insns_byte);
			json_end_object(j);
		}
	}
	json_end_array(j);
	json_begin_array(j, "poll_over_exit");
	for (d = 0; d < NR_DIRS; d++) {
		json_begin_object(j, NULL);
		json_str(j, "direction", dir_name[d]);
		json_double(j, "ratio", streams.ratio[d].ratio);
		json_str(j, "goal", "at_least");
		json_double(j, "goal_ratio", streams.ratio[d].goal);
		json_bool(j, "met", streams.ratio[d].ratio >=
			  streams.ratio[d].goal);
		json_end_object(j);
	}
	json_end_array(j);
	json_double(j, "idle_poller_cpu_us_per_s", streams.idle_us_s);
	json_end_object(j);
}

/* ---- many VMs at once -------------------------------------------------------- */

/*
 * `simvmm run -q --count N GUEST` against `rawkvm --count N GUEST`: N VMs
 * at once, one thread each (create, run to hlt, destroy), as whole
 * processes timed from spawn to reap; VMs per second = N / that time.
 * Each round runs every (guest, N) pair, the pairs rotating and, as in
 * interleave(), simvmm and the floor back to back, the order flipping.
 * A timed run must exit 0, which says every one of its VMs passed its
 * check. One untimed run of each before the rounds, which also warms up,
 * reads the summary line both print for N > 1 (for N = 1 only the status
 * speaks): passed, failed and their own VMs/s, thread start to join.
 */
#define MANY_ROUNDS	31u
#define MANY_LINE	" VMs: "

enum { MANY_HELLO16, MANY_HELLO64, NR_MANY_GUESTS };
enum { MANY_N1, MANY_N4, MANY_N16, NR_MANY_NS };
enum { PROG_SIM, PROG_RAW, NR_PROGS };

static const char *const many_guest[NR_MANY_GUESTS] = { "hello16", "hello64" };
static const unsigned int many_n[NR_MANY_NS] = { 1, 4, 16 };
static const char *const prog_name[NR_PROGS] = { "simvmm", "raw" };

struct many_cmd {
	const char *argv[8];
	char count[16];
	unsigned int n;
};

/* What the untimed run's summary line said. */
struct many_check {
	unsigned int passed;
	unsigned int failed;
	double own_vms_s;	/* the program's own figure; NaN for N = 1 */
};

struct many_result {
	double vms_s[NR_PROGS];	/* medians */
	double ratio;		/* median over rounds of simvmm / raw */
	struct many_check check[NR_PROGS];
};

static struct {
	struct many_result r[NR_MANY_GUESTS][NR_MANY_NS];
	unsigned int rounds;
} many = { .rounds = MANY_ROUNDS };

static void many_cmd_set(struct many_cmd *c, int prog, const char *guest,
			 unsigned int n, bool quiet)
{
	unsigned int k = 0;

	snprintf(c->count, sizeof(c->count), "%u", n);
	c->n = n;
	if (prog == PROG_SIM) {
		c->argv[k++] = simvmm_path;
		c->argv[k++] = "run";
		if (quiet)
			c->argv[k++] = "-q";
	} else {
		c->argv[k++] = raw_path;
	}
	c->argv[k++] = "--count";
	c->argv[k++] = c->count;
	c->argv[k++] = guest;
	c->argv[k] = NULL;
}

/* VMs per second of one whole process. */
static double many_rate(void *p)
{
	struct many_cmd *c = p;

	return c->n / spawn_time((char *const *)c->argv);
}

/* One untimed run, stderr to a file: the summary line, checked. */
static void many_check_run(struct many_cmd *c, struct many_check *k)
{
	posix_spawn_file_actions_t fa;
	char path[4096], line[512];
	unsigned int n = 0;
	bool seen = false;
	double secs;
	int err, st;
	pid_t pid;
	FILE *f;

	out_path(path, sizeof(path), "many-stderr.txt");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	err = posix_spawn(&pid, c->argv[0], &fa, NULL, (char *const *)c->argv,
			  environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		die(c->argv[0], err);
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid", errno);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die(c->argv[0], EPROTO);
	k->passed = c->n;
	k->failed = 0;
	k->own_vms_s = NAN;
	f = fopen(path, "re");
	if (!f)
		die(path, errno);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, MANY_LINE))
			continue;
		if (sscanf(line, "%*[^:]: %u VMs: %u passed, %u failed, in %lf s (%lf VMs/s)",
			   &n, &k->passed, &k->failed, &secs,
			   &k->own_vms_s) != 5)
			die("the --count summary line", EPROTO);
		seen = true;
	}
	fclose(f);
	if (c->n > 1 && !seen)
		die("no --count summary line", EPROTO);
	if (seen && (n != c->n || k->passed != c->n || k->failed))
		die("--count: not every VM passed", EPROTO);
}

static void case_many(void)
{
	static double v[NR_MANY_GUESTS][NR_MANY_NS][NR_PROGS][MAX_ROUNDS];
	struct many_cmd cmd[NR_MANY_GUESTS][NR_MANY_NS][NR_PROGS];
	const unsigned int pairs = NR_MANY_GUESTS * NR_MANY_NS;
	struct many_result *r;
	unsigned int i, k, c, g, n, p;

	for (g = 0; g < NR_MANY_GUESTS; g++) {
		for (n = 0; n < NR_MANY_NS; n++) {
			for (p = 0; p < NR_PROGS; p++) {
				many_cmd_set(&cmd[g][n][p], p, many_guest[g],
					     many_n[n], false);
				many_check_run(&cmd[g][n][p],
					       &many.r[g][n].check[p]);
				many_cmd_set(&cmd[g][n][p], p, many_guest[g],
					     many_n[n], true);
			}
		}
	}
	for (i = 0; i < many.rounds; i++) {
		for (k = 0; k < pairs; k++) {
			c = (i + k) % pairs;
			g = c / NR_MANY_NS;
			n = c % NR_MANY_NS;
			p = i % 2 ? PROG_SIM : PROG_RAW;
			v[g][n][p][i] = many_rate(&cmd[g][n][p]);
			p = !p;
			v[g][n][p][i] = many_rate(&cmd[g][n][p]);
		}
	}
	for (g = 0; g < NR_MANY_GUESTS; g++) {
		for (n = 0; n < NR_MANY_NS; n++) {
			r = &many.r[g][n];
			for (p = 0; p < NR_PROGS; p++)
				r->vms_s[p] = median(v[g][n][p], many.rounds);
			r->ratio = median_ratio(v[g][n][PROG_SIM],
						v[g][n][PROG_RAW], many.rounds);
		}
	}
}

static void print_many(FILE *f)
{
	const struct many_result *r;
	unsigned int g, n;

	fprintf(f, "\nMany VMs at once: `simvmm run -q --count N GUEST` against `rawkvm --count N GUEST`, N VMs on N threads (each: create, run to hlt, destroy), whole processes; VMs/s: N / spawn-to-reap time; medians of %u interleaved rounds; ratio: median of each round's simvmm/floor.\n\n",
		many.rounds);
	fprintf(f, "| guest | N | simvmm VMs/s | raw floor VMs/s | ratio | passed, simvmm | passed, raw |\n");
	fprintf(f, "|---|---:|---:|---:|---:|---:|---:|\n");
	for (g = 0; g < NR_MANY_GUESTS; g++) {
		for (n = 0; n < NR_MANY_NS; n++) {
			r = &many.r[g][n];
			fprintf(f, "| %s | %u | %.4g | %.4g | %.3f | %u/%u | %u/%u |\n",
				many_guest[g], many_n[n], r->vms_s[PROG_SIM],
				r->vms_s[PROG_RAW], r->ratio,
				r->check[PROG_SIM].passed, many_n[n],
				r->check[PROG_RAW].passed, many_n[n]);
		}
	}
	fprintf(f, "\nEvery timed run exited 0 (all its VMs passed their check); passed: the summary line of one untimed run of each (for N = 1, its status).\n");
}

static void json_many(struct json *j)
{
	const struct many_result *r;
	unsigned int g, n, p;

	json_begin_object(j, "many_vms");
	json_u64(j, "rounds", many.rounds);
	json_begin_array(j, "runs");
	for (g = 0; g < NR_MANY_GUESTS; g++) {
		for (n = 0; n < NR_MANY_NS; n++) {
			r = &many.r[g][n];
			json_begin_object(j, NULL);
			json_str(j, "guest", many_guest[g]);
			json_u64(j, "count", many_n[n]);
			json_double(j, "simvmm_vms_per_s", r->vms_s[PROG_SIM]);
			json_double(j, "raw_vms_per_s", r->vms_s[PROG_RAW]);
			json_double(j, "ratio", r->ratio);
			json_begin_object(j, "check_run");
			for (p = 0; p < NR_PROGS; p++) {
				json_begin_object(j, prog_name[p]);
				json_u64(j, "passed", r->check[p].passed);
				json_u64(j, "failed", r->check[p].failed);
				/* null for N = 1: no summary line */
				json_double(j, "own_vms_per_s",
					    r->check[p].own_vms_s);
				json_end_object(j);
			}
			json_end_object(j);
			json_end_object(j);
		}
	}
	json_end_array(j);
	json_end_object(j);
}

/* ---- reporting ---------------------------------------------------------------- */

static void machine(char *buf, size_t len)
{
	char line[256], model[128] = "unknown CPU";
	const char *kvm = "KVM";
	struct utsname u;
	struct stat sb;
	FILE *f;

	f = fopen("/proc/cpuinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "model name : %127[^\n]", model) == 1)
			break;
	}
	if (f)
		fclose(f);
	uname(&u);
	if (!stat("/sys/module/kvm_pvm", &sb))
		kvm = "nested PVM KVM (kvm_pvm)";
	else if (!stat("/sys/module/kvm_intel", &sb))
		kvm = "kvm_intel";
	else if (!stat("/sys/module/kvm_amd", &sb))
		kvm = "kvm_amd";
	snprintf(buf, len, "%s, %ld CPUs, Linux %s, %s", model,
		 sysconf(_SC_NPROCESSORS_ONLN), u.release, kvm);
}

static const char *goal_text(const struct result *r, char *buf, size_t len)
{
	if (r->goal == GOAL_NONE)
		return "-";
	snprintf(buf, len, "%s %.2f", r->goal == GOAL_AT_MOST ? "<=" : ">=",
		 r->goal_ratio);
	return buf;
}

static const char *met_text(const struct result *r)
{
	if (r->goal == GOAL_NONE)
		return "-";
	if (r->goal == GOAL_AT_MOST)
		return r->ratio <= r->goal_ratio ? "yes" : "NO";
	return r->ratio >= r->goal_ratio ? "yes" : "NO";
}

static void print_table(FILE *f, const struct result *r, unsigned int n,
			const char *mach, const char *date)
{
	char goal[32];
	unsigned int i;

	fprintf(f, "Machine: %s. Run: %s.\n", mach, date);
	fprintf(f, "simvmm and raw floor: medians over rounds; ratio: median of each round's simvmm/floor.\n\n");
	fprintf(f, "| case | compared | unit | simvmm | raw floor | ratio | goal | met | rounds |\n");
	fprintf(f, "|---|---|---|---:|---:|---:|---|---|---:|\n");
	for (i = 0; i < n; i++)
		fprintf(f, "| %s | %s | %s | %.4g | %.4g | %.3f | %s | %s | %u |\n",
			r[i].name, r[i].what, r[i].unit, r[i].simvmm,
			r[i].raw, r[i].ratio, goal_text(&r[i], goal,
							sizeof(goal)),
			met_text(&r[i]), r[i].rounds);
}

static void write_json(FILE *f, const struct result *r, unsigned int n,
		       const char *mach, const char *date)
{
	struct json j;
	unsigned int i;

	json_init(&j, f);
	json_begin_object(&j, NULL);
	json_str(&j, "machine", mach);
	json_str(&j, "date", date);
	json_begin_array(&j, "cases");
	for (i = 0; i < n && !many_only; i++) {
		json_begin_object(&j, NULL);
		json_str(&j, "name", r[i].name);
		json_str(&j, "compared", r[i].what);
		json_str(&j, "unit", r[i].unit);
		json_double(&j, "simvmm", r[i].simvmm);
		json_double(&j, "raw", r[i].raw);
		json_double(&j, "ratio", r[i].ratio);
		if (r[i].goal != GOAL_NONE) {
			json_str(&j, "goal", r[i].goal == GOAL_AT_MOST ?
				 "at_most" : "at_least");
			json_double(&j, "goal_ratio", r[i].goal_ratio);
			json_bool(&j, "met", !strcmp(met_text(&r[i]), "yes"));
		}
		json_u64(&j, "rounds", r[i].rounds);
		json_end_object(&j);
	}
	json_end_array(&j);
	if (!many_only)
		json_streams(&j);
	json_many(&j);
	json_end_object(&j);
	fputc('\n', f);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		die(path, errno);
	return f;
}

int main(int argc, char **argv)
{
	struct result r[NR_ROWS] = {
		[ROW_START] = { "start", "`simvmm run hello16` vs raw, whole process",
		  "ms", .goal = GOAL_AT_MOST, .goal_ratio = 1.10 },
		[ROW_EXIT] = { "exit cost", "port write to a null device; `simvmm run` (exits counted)",
		  "us/exit", .goal = GOAL_AT_MOST, .goal_ratio = 1.05 },
		[ROW_EXIT_TIMED] = { "exit cost, --stats", "the same, counted and timed",
		  "us/exit", .goal = GOAL_NONE },
		[ROW_EXIT_BARE] = { "exit cost, bare", "the same, libsimvmm without hooks",
		  "us/exit", .goal = GOAL_NONE },
		[ROW_CREATE] = { "creation rate", "VMs created, run to hlt, destroyed, in one process",
		  "VMs/s", .goal = GOAL_AT_LEAST, .goal_ratio = 0.90 },
		[ROW_MEMORY] = { "memory", "peak RSS of `simvmm run hello64` vs raw",
		  "KiB", .goal = GOAL_NONE },
	};
	static const struct option opts[] = {
		{ "many-rounds", required_argument, NULL, 'r' },
		{ "many-only", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const unsigned int n = ARRAY_SIZE(r);
	char mach[512], date[64], *end;
	double t0 = now_s();
	unsigned long rounds;
	unsigned int i;
	time_t now;
	int opt;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (opt == 'm') {
			many_only = true;
			continue;
		}
		if (opt != 'r')
			goto usage;
		errno = 0;
		rounds = strtoul(optarg, &end, 10);
		if (errno || *end || !rounds || rounds > MAX_ROUNDS)
			goto usage;
		many.rounds = rounds;
	}
	if (argc - optind != 4)
		goto usage;
	simvmm_path = argv[optind];
	raw_path = argv[optind + 1];
	guest_dir = argv[optind + 2];
	out_dir = argv[optind + 3];
	log_set_quiet(true);
	sys_fd = kvm_open_system();
	raw_kvm = raw_open_kvm();
	if (sys_fd < 0 || raw_kvm < 0)
		die("/dev/kvm", sys_fd < 0 ? sys_fd : raw_kvm);
	if (many_only)
		goto many;

	fprintf(stderr, "bench: start and memory (%u + %u rounds)\n",
		START_ROUNDS, MEMORY_ROUNDS);
	case_processes(&r[ROW_START], &r[ROW_MEMORY]);
	fprintf(stderr, "bench: exit cost (%u rounds of %u exits, 4 ways)\n",
		EXIT_ROUNDS, EXITS_PER_RUN);
	case_exits(&r[ROW_EXIT], &r[ROW_EXIT_TIMED], &r[ROW_EXIT_BARE]);
	fprintf(stderr, "bench: creation rate (%u rounds of %u VMs)\n",
		CREATE_ROUNDS, VMS_PER_ROUND);
	case_create(&r[ROW_CREATE]);
	fprintf(stderr, "bench: SIMVIRTIO throughput (%u rounds of %u KiB, 2 directions x 2 transports; idle poller %u x %.0f s)\n",
		STREAM_ROUNDS, STREAM_BYTES / 1024, IDLE_ROUNDS, IDLE_WINDOW_S);
	case_streams(streams.r, streams.ratio, &streams.idle_us_s);
many:
	fprintf(stderr, "bench: many VMs at once (%u rounds of hello16 and hello64, N = 1, 4, 16, simvmm and raw)\n",
		many.rounds);
	case_many();

	machine(mach, sizeof(mach));
	now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));

	if (many_only) {
		printf("Machine: %s. Run: %s.\n", mach, date);
		print_many(stdout);
		printf("\n(bench took %.1f s)\n", now_s() - t0);
		f = open_out(out_dir, "results.md");
		fprintf(f, "Machine: %s. Run: %s.\n", mach, date);
		print_many(f);
		fclose(f);
		f = open_out(out_dir, "results.json");
		write_json(f, r, n, mach, date);
		fclose(f);
		goto out;
	}
	print_table(stdout, r, n, mach, date);
	print_streams(stdout);
	print_many(stdout);
	printf("\n(bench took %.1f s)\n", now_s() - t0);

	f = open_out(out_dir, "results.md");
	print_table(f, r, n, mach, date);
	print_streams(f);
	print_many(f);
	fclose(f);
	f = open_out(out_dir, "results.json");
	write_json(f, r, n, mach, date);
	fclose(f);
	f = open_out(out_dir, "ratios.dat");
	fprintf(f, "# case ratio goal (simvmm / raw floor)\n");
	for (i = 0; i < n; i++)
		fprintf(f, "\"%s\" %.4f %.2f\n", r[i].name, r[i].ratio,
			r[i].goal == GOAL_NONE ? 0.0 : r[i].goal_ratio);
	fclose(f);
	f = open_out(out_dir, "transports.dat");
	fprintf(f, "# direction exit_KiB/s poll_KiB/s poll/exit\n");
	for (i = 0; i < NR_DIRS; i++)
		fprintf(f, "\"%s\" %.4g %.4g %.3f\n", dir_name[i],
			streams.r[i][TP_EXIT].kib_s, streams.r[i][TP_POLL].kib_s,
			streams.ratio[i].ratio);
	fclose(f);
out:
	close(sys_fd);
	close(raw_kvm);
	return 0;

usage:
	fprintf(stderr, "usage: bench [--many-rounds N] [--many-only] SIMVMM RAWKVM GUESTDIR OUTDIR (N: 1 to %u)\n",
		MAX_ROUNDS);
	return 2;
}
