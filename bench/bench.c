// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: simvmm against the raw-KVM floor. Each case runs simvmm
 * and the floor alternately (the order flips every round, so drift in a
 * shared, noisy machine hits both), then reports medians and the ratio
 * simvmm/floor, a results file (JSON), a Markdown table and the data for
 * the chart. Timing lives here only; the tests assert no times.
 *
 * usage: bench SIMVMM RAWKVM OUTDIR
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <simvmm/memmap.h>

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
	for (i = 0; i < n; i++) {
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
	const unsigned int n = ARRAY_SIZE(r);
	char mach[512], date[64];
	double t0 = now_s();
	unsigned int i;
	time_t now;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: bench SIMVMM RAWKVM OUTDIR\n");
		return 2;
	}
	simvmm_path = argv[1];
	raw_path = argv[2];
	log_set_quiet(true);
	sys_fd = kvm_open_system();
	raw_kvm = raw_open_kvm();
	if (sys_fd < 0 || raw_kvm < 0)
		die("/dev/kvm", sys_fd < 0 ? sys_fd : raw_kvm);

	fprintf(stderr, "bench: start and memory (%u + %u rounds)\n",
		START_ROUNDS, MEMORY_ROUNDS);
	case_processes(&r[ROW_START], &r[ROW_MEMORY]);
	fprintf(stderr, "bench: exit cost (%u rounds of %u exits, 4 ways)\n",
		EXIT_ROUNDS, EXITS_PER_RUN);
	case_exits(&r[ROW_EXIT], &r[ROW_EXIT_TIMED], &r[ROW_EXIT_BARE]);
	fprintf(stderr, "bench: creation rate (%u rounds of %u VMs)\n",
		CREATE_ROUNDS, VMS_PER_ROUND);
	case_create(&r[ROW_CREATE]);

	machine(mach, sizeof(mach));
	now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));

	print_table(stdout, r, n, mach, date);
	printf("\n(bench took %.1f s)\n", now_s() - t0);

	f = open_out(argv[3], "results.md");
	print_table(f, r, n, mach, date);
	fclose(f);
	f = open_out(argv[3], "results.json");
	write_json(f, r, n, mach, date);
	fclose(f);
	f = open_out(argv[3], "ratios.dat");
	fprintf(f, "# case ratio goal (simvmm / raw floor)\n");
	for (i = 0; i < n; i++)
		fprintf(f, "\"%s\" %.4f %.2f\n", r[i].name, r[i].ratio,
			r[i].goal == GOAL_NONE ? 0.0 : r[i].goal_ratio);
	fclose(f);
	close(sys_fd);
	close(raw_kvm);
	return 0;
}
