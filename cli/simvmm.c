// SPDX-License-Identifier: GPL-2.0
/*
 * simvmm's command line: parses options, opens the backends, runs the VMs
 * (one, or --count of them, each on its own thread) while the main thread
 * watches the stop signals, and turns the outcomes into an exit status. Only this file
 * prints usage and decides exit statuses; the library reports and returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <simvmm/abi.h>
#include <simvmm/memmap.h>

#include "../lib/chardev.h"
#include "../lib/cpu_mode.h"
#include "../lib/devices/debugcon.h"
#include "../lib/devices/simvirtio.h"
#include "../lib/elf.h"
#include "../lib/gdbstub.h"
#include "../lib/kvm.h"
#include "../lib/loader.h"
#include "../lib/log.h"
#include "../lib/machine.h"
#include "../lib/multiboot.h"
#include "../lib/parse.h"
#include "../lib/stats.h"
#include "../lib/util.h"
#include "../lib/vcpu.h"
#include "../lib/vm.h"
#include "builtin.h"
#include "cli.h"

#ifndef SIMVMM_VERSION
#define SIMVMM_VERSION "0.1.0"
#endif

_Static_assert(MB_CMDLINE_MAX == 2047, "--cmdline's limit, as --help says");

/* --count: VMs run at once, one thread each. */
#define MAX_COUNT 256u

enum check_policy { CHECK_DEFAULT, CHECK_ON, CHECK_OFF };
enum stats_report { STATS_NONE, STATS_TEXT, STATS_JSON };

struct run_opts {
	const char *guest;
	bool mode_set;
	enum cpu_mode mode;
	bool mem_set;
	uint64_t mem_size;
	const char *cmdline;	/* a Multiboot kernel's; NULL: none */
	const char *gdb;	/* --gdb: where to wait for gdb; NULL: no */
	uint64_t timeout_ns;
	enum stats_report stats;
	const char *stats_file;
	bool trace;
	bool load_addr_set;
	uint64_t load_addr;
	bool entry_set;
	uint64_t entry;
	enum check_policy check;
	bool simvirtio;		/* asked for, or implied by its options */
	enum simvirtio_transport transport;
	uint64_t console_limit;
	const char *console;	/* "-": stdout */
	const char *sv_in;	/* "-": stdin */
	const char *sv_out;	/* "-": stdout */
	unsigned int count;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: simvmm run [OPTIONS] GUEST\n"
		"       simvmm list [--paths]\n"
		"       simvmm probe\n"
		"       simvmm --help | --version\n"
		"\n"
		"Run GUEST, a built-in guest name (see 'simvmm list') or the path of an\n"
		"image, on one vCPU through /dev/kvm. An image is a Multiboot kernel,\n"
		"an ELF32 or ELF64 executable (told by its content) or else a flat\n"
		"binary.\n"
		"\n"
		"'simvmm list --paths' names the ELF, with debug information, that each\n"
		"built-in guest was made from: what to give gdb (docs/debugging.md).\n"
		"\n"
		"'simvmm probe' runs a guest in each CPU mode and checks the features\n"
		"simvmm uses (poll transport, KVM's stats, guest debugging) on this\n"
		"host's KVM; it exits 0 if all work, 1 if some do not, 2 without KVM.\n"
		"\n"
		"Options for run:\n"
		"  -m, --memory SIZE      guest RAM, K/M/G suffixes, 64K to 3G, a multiple\n"
		"                         of 4K (default: 1M, or 64M for an image that\n"
		"                         loads at or above 1 MiB)\n"
		"      --mode MODE        real, protected, paged (32-bit with PAE paging)\n"
		"                         or long (also 16, 32, 64); the built-in guest's\n"
		"                         own mode by default; an ELF's from its class\n"
		"                         (32: protected, 64: long); protected for a\n"
		"                         Multiboot kernel; required for a flat image\n"
		"  -t, --timeout SECONDS  stop a guest still running after SECONDS, which\n"
		"                         may have decimals (default: 0, no limit)\n"
		"      --count N          run N copies of the VM at once, one thread each\n"
		"                         (1 to %u, default 1), and report VMs per second\n"
		"      --console PATH     where the debug console's output goes: a file,\n"
		"                         FIFO or device, or - for stdout (the default)\n"
		"      --console-limit N  stop a guest that writes more than N bytes to\n"
		"                         the debug console, K/M/G suffixes, 0 = no limit\n"
		"                         (default: 1M)\n"
		"      --simvirtio        attach the SIMVIRTIO device (built-in SIMVIRTIO\n"
		"                         guests always have it; images only when asked)\n"
		"      --transport T      SIMVIRTIO transport: exit (every ring access\n"
		"                         is a VM exit) or poll (shared rings, a host\n"
		"                         thread, ioeventfd notifies); default: %s\n"
		"      --simvirtio-in PATH   SIMVIRTIO RX input (default: - for stdin)\n"
		"      --simvirtio-out PATH  SIMVIRTIO TX output (default: - for stdout)\n"
		"                         (--transport and these two imply --simvirtio)\n"
		"      --stats[=FORMAT]   when the run ends, print VM-exit statistics on\n"
		"                         stderr: FORMAT text (the default) or json\n"
		"      --stats-file PATH  write the statistics as JSON to PATH\n"
		"      --trace            print one line per VM exit on stderr\n"
		"      --load-addr ADDR   guest-physical load address of a flat image\n"
		"                         (default: 0x%x); an ELF's segments say where\n"
		"      --entry ADDR       first instruction (default: the load address,\n"
		"                         or the ELF's entry point)\n"
		"      --gdb [HOST:]PORT|PATH  start the guest stopped and wait for gdb on\n"
		"                         a TCP port (on 127.0.0.1 unless HOST is\n"
		"                         given) or a Unix socket PATH (docs/debugging.md)\n"
		"      --cmdline STRING   a Multiboot kernel's command line (after its\n"
		"                         path, as GRUB passes it; 2047 bytes in all)\n"
		"      --check            after hlt, require RAX = 42 and the 32-bit word at\n"
		"                         0x%x = 42 (default for built-in guests)\n"
		"      --no-check         halting is success (default for image files)\n"
		"  -q, --quiet            print only errors and warnings on stderr\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"The guest's debug-console output (port 0x%x) goes to stdout untouched;\n"
		"everything simvmm says goes to stderr. SIMVIRTIO TX data goes to stdout,\n"
		"and stdin feeds SIMVIRTIO RX (end of file ends the RX stream). A slow\n"
		"reader stalls the guest, never simvmm: a stop ends the run at once.\n"
		"\n"
		"Exit status:\n"
		"  0    the guest halted (and passed its check) or exited with status 0\n"
		"  1    the guest failed: check failed, fault, triple fault, timeout,\n"
		"       device protocol error, or a non-zero status on port 0x%x\n"
		"  2    usage or setup error: bad option, unreadable image, no usable KVM\n"
		"  128+N  stopped by signal N (SIGINT, SIGTERM, SIGHUP); 137 when gdb\n"
		"       kills the guest\n"
		"With --count, the highest status of any VM.\n",
		MAX_COUNT,
		simvirtio_transport_name(SIMVIRTIO_DEFAULT_TRANSPORT),
		SIMVMM_LOAD_ADDR, SIMVMM_CHECK_ADDR,
		SIMVMM_DEBUGCON_PORT,
		SIMVMM_EXIT_PORT);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "simvmm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'simvmm --help' for more information.\n");
	return EXIT_SETUP;
}

/*
 * The ELF with debug information that built-in guest @name was made
 * from, for gdb: beside this simvmm in its build tree (build/guests/), or
 * where make install put it (PREFIX/share/simvmm/guests/). False if
 * neither has it.
 */
static bool guest_elf(const char *name, char *out, size_t len)
{
	static const char *const dirs[] = {
		"guests", "../share/simvmm/guests",
	};
	char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t n;
	size_t i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s/%s.elf", exe, dirs[i], name);
		if (!access(path, R_OK) && realpath(path, out) &&
		    strlen(out) < len)
			return true;
	}
	return false;
}

static int cmd_list(int argc, char **argv)
{
	const struct builtin_guest *g;
	char elf[PATH_MAX];
	bool paths = false;
	size_t i, n;

	if (argc == 2 && !strcmp(argv[1], "--paths"))
		paths = true;
	else if (argc != 1)
		return usage_error("%s", "list takes no arguments but --paths");
	g = builtin_all(&n);
	printf("%-12s %-10s %s\n", "NAME", "MODE", paths ? "ELF" : "PURPOSE");
	for (i = 0; i < n; i++)
		printf("%-12s %-10s %s\n", g[i].name, cpu_mode_name(g[i].mode),
		       !paths ? g[i].purpose :
		       guest_elf(g[i].name, elf, sizeof(elf)) ? elf :
		       "- (not found: build from source, or make install)");
	return EXIT_OK;
}

/* The profiling options (docs/stats.md). */
enum {
	OPT_STATS = 0x200,
	OPT_STATS_FILE,
	OPT_TRACE,
};

enum {
	OPT_LOAD_ADDR = 0x100,
	OPT_ENTRY,
	OPT_CHECK,
	OPT_NO_CHECK,
	OPT_TRANSPORT,
	OPT_CONSOLE_LIMIT,
	OPT_MODE,
	OPT_COUNT,
	OPT_CONSOLE,
	OPT_SIMVIRTIO,
	OPT_SV_IN,
	OPT_SV_OUT,
	OPT_CMDLINE,
	OPT_GDB,
};

static const struct option run_options[] = {
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "memory", required_argument, NULL, 'm' },
	{ "timeout", required_argument, NULL, 't' },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "load-addr", required_argument, NULL, OPT_LOAD_ADDR },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "no-check", no_argument, NULL, OPT_NO_CHECK },
	{ "simvirtio", no_argument, NULL, OPT_SIMVIRTIO },
	{ "transport", required_argument, NULL, OPT_TRANSPORT },
	{ "simvirtio-in", required_argument, NULL, OPT_SV_IN },
	{ "simvirtio-out", required_argument, NULL, OPT_SV_OUT },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "console-limit", required_argument, NULL, OPT_CONSOLE_LIMIT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or the exit status to leave with. */
static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	unsigned int port;
	bool unix_path;
	char host[64];
	uint64_t n;
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_size = SIMVMM_MEM_DEFAULT;
	o->load_addr = SIMVMM_LOAD_ADDR;
	o->transport = SIMVIRTIO_DEFAULT_TRANSPORT;
	o->console_limit = DEBUGCON_DEFAULT_LIMIT;
	o->console = "-";
	o->sv_in = "-";
	o->sv_out = "-";
	o->count = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+m:t:qh", run_options,
				NULL)) != -1) {
		switch (c) {
		case OPT_MODE:
			if (cpu_mode_parse(optarg, &o->mode))
				return usage_error("unknown mode '%s': use real, protected, paged or long",
						   optarg);
			o->mode_set = true;
			break;
		case 'm':
			if (parse_size(optarg, &o->mem_size) ||
			    o->mem_size < SIMVMM_MEM_MIN ||
			    o->mem_size > SIMVMM_MEM_MAX || o->mem_size % 4096)
				return usage_error("bad --memory '%s': give a multiple of 4K from 64K to 3G, e.g. 1M or 256M (the mode is --mode)",
						   optarg);
			o->mem_set = true;
			break;
		case 't':
			if (parse_seconds(optarg, &o->timeout_ns))
				return usage_error("bad --timeout '%s': give seconds, e.g. 5 or 0.5 (0 = no limit)",
						   optarg);
			break;
		case OPT_COUNT:
			if (parse_u64(optarg, &n) || n < 1 || n > MAX_COUNT)
				return usage_error("bad --count '%s': give a number of VMs from 1 to 256",
						   optarg);
			o->count = n;
			break;
		case OPT_STATS:
			if (!optarg || !strcmp(optarg, "text"))
				o->stats = STATS_TEXT;
			else if (!strcmp(optarg, "json"))
				o->stats = STATS_JSON;
			else
				return usage_error("bad --stats format '%s': use text or json",
						   optarg);
			break;
		case OPT_STATS_FILE:
			o->stats_file = optarg;
			break;
		case OPT_TRACE:
			o->trace = true;
			break;
		case OPT_LOAD_ADDR:
			if (parse_u64(optarg, &o->load_addr))
				return usage_error("bad --load-addr '%s': give an address, e.g. 0x8000",
						   optarg);
			o->load_addr_set = true;
			break;
		case OPT_ENTRY:
			if (parse_u64(optarg, &o->entry))
				return usage_error("bad --entry '%s': give an address, e.g. 0x8000",
						   optarg);
			o->entry_set = true;
			break;
		case OPT_CMDLINE:
			if (strlen(optarg) > MB_CMDLINE_MAX)
				return usage_error("--cmdline '%.40s...' is too long: a Multiboot command line holds at most 2047 bytes, the kernel's path included",
						   optarg);
			o->cmdline = optarg;
			break;
		case OPT_GDB:
			if (gdbstub_parse_spec(optarg, host, sizeof(host),
					       &port, &unix_path))
				return usage_error("bad --gdb '%s': give a port (1234), HOST:PORT (0.0.0.0:1234) or a Unix socket path with a '/' (./gdb.sock)",
						   optarg);
			o->gdb = optarg;
			break;
		case OPT_CHECK:
			o->check = CHECK_ON;
			break;
		case OPT_NO_CHECK:
			o->check = CHECK_OFF;
			break;
		case OPT_SIMVIRTIO:
			o->simvirtio = true;
			break;
		case OPT_TRANSPORT:
			if (simvirtio_transport_parse(optarg, &o->transport))
				return usage_error("unknown --transport '%s': use exit or poll",
						   optarg);
			o->simvirtio = true;
			break;
		case OPT_SV_IN:
			o->sv_in = optarg;
			o->simvirtio = true;
			break;
		case OPT_SV_OUT:
			o->sv_out = optarg;
			o->simvirtio = true;
			break;
		case OPT_CONSOLE:
			o->console = optarg;
			break;
		case OPT_CONSOLE_LIMIT:
			if (parse_size(optarg, &o->console_limit))
				return usage_error("bad --console-limit '%s': give bytes, e.g. 64K or 16M (0 = no limit)",
						   optarg);
			break;
		case 'q':
			log_set_quiet(true);
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		default:
			/* getopt_long already named the bad option. */
			fprintf(stderr, "Try 'simvmm --help' for more information.\n");
			return EXIT_SETUP;
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", optind >= argc ?
				   "run needs one GUEST: a built-in name or an image path" :
				   "run takes one GUEST; extra arguments given");
	if (o->count > 1 && (o->stats != STATS_NONE || o->stats_file ||
			     o->trace))
		return usage_error("%s", "--stats, --stats-file and --trace watch one VM; drop --count");
	if (o->count > 1 && o->gdb)
		return usage_error("%s", "--gdb debugs one VM; drop --count");
	o->guest = argv[optind];
	return -1;
}

/*
 * The process's stop signals are blocked in every thread and read from a
 * signalfd by the main thread, which stops the VMs (vm_request_stop());
 * the vCPU threads see only their kick (VM_KICK_SIGNAL).
 */
static int block_signals(void)
{
	struct sigaction sa;
	sigset_t set;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, VM_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, VM_KICK_SIGNAL);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		pr_err("signalfd: %s", strerror(errno));
	return fd;
}

/* What the whole run shares: the options, the backends, the VMs. */
struct run_ctx {
	const struct run_opts *o;
	struct machine_config cfg;
	bool check;
	int sys_fd;
	int done_fd;		/* eventfd: one more VM has finished */
	pthread_mutex_t lock;	/* stop_sig and every job's m */
	int stop_sig;		/* a signal stopped the run: its number */
	struct stats *st;	/* --count 1 only */
	FILE *stats_out;
	struct gdbstub *gdb;	/* --gdb (--count 1 only) */
};

/* One VM of the run, on a thread of its own. */
struct job {
	struct run_ctx *ctx;
	struct machine *m;	/* under ctx->lock: the supervisor stops it */
	pthread_t thread;
	bool started;
	int status;
};

static int report_check(struct machine *m)
{
	uint64_t rax;
	uint32_t mem;
	int r;

	r = machine_check(m, &rax, &mem);
	if (r < 0)
		return EXIT_SETUP;
	if (!r) {
		pr_err("check failed: RAX=%llu and [0x%x]=%u, expected both %d",
		       (unsigned long long)rax, SIMVMM_CHECK_ADDR, mem,
		       SIMVMM_CHECK_VALUE);
		return EXIT_GUEST_FAILED;
	}
	pr_info("guest halted; verified RAX=%llu and [0x%x]=%u",
		(unsigned long long)rax, SIMVMM_CHECK_ADDR, mem);
	return EXIT_OK;
}

static int report_result(struct machine *m, const struct vcpu_result *res,
			 const struct run_opts *o, bool check)
{
	switch (res->kind) {
	case VCPU_HALTED:
		if (check)
			return report_check(m);
		pr_info("guest halted");
		return EXIT_OK;
	case VCPU_GUEST_EXIT:
		if (res->code == 0) {
			pr_info("guest exited with status 0");
			return EXIT_OK;
		}
		pr_err("guest reported failure: status %u on the exit port",
		       res->code);
		return EXIT_GUEST_FAILED;
	case VCPU_TIMEOUT:
		pr_err("guest still running after the %.9g s timeout; stopped it",
		       o->timeout_ns / 1e9);
		vcpu_dump_regs(m->vcpu);
		return EXIT_GUEST_FAILED;
	case VCPU_SIGNAL:
		/* Only gdb's kill stops a VM with SIGKILL: it cannot be sent. */
		if (res->code == SIGKILL)
			pr_err("killed from gdb");
		else
			pr_err("stopped by signal %d (%s)", (int)res->code,
			       strsignal(res->code));
		return EXIT_SIGNAL_BASE + res->code;
	case VCPU_GUEST_FAULT:
		/*
		 * A triple fault's report names paging from the registers
		 * (lib/vcpu.c); a failed entry's does not, so say it here.
		 */
		if (o->mode == CPU_MODE_PAGED &&
		    res->exit_reason == KVM_EXIT_FAIL_ENTRY)
			pr_detail("  note: --mode paged turns paging on outside long mode; some KVMs (nested, kvm-pvm) support paging only in long mode, the likely cause here");
		return EXIT_GUEST_FAILED;
	case VCPU_DEVICE_ERROR:
		return EXIT_GUEST_FAILED;
	case VCPU_GUEST_REPORT:
		/* The report port said what the guest reported. */
		return EXIT_GUEST_FAILED;
	}
	return EXIT_GUEST_FAILED;
}

/* How the run ended, in the words of the stats schema (docs/stats.md). */
static const char *outcome_name(const struct vcpu_result *res)
{
	switch (res->kind) {
	case VCPU_HALTED:
		return "halted";
	case VCPU_GUEST_EXIT:
		return "guest_exit";
	case VCPU_TIMEOUT:
		return "timeout";
	case VCPU_SIGNAL:
		return "signal";
	case VCPU_GUEST_FAULT:
		return "fault";
	case VCPU_DEVICE_ERROR:
		return "device_error";
	case VCPU_GUEST_REPORT:
		return "guest_report";
	}
	return "unknown";
}

/* Print the reports asked for; returns 0 or -EIO if the file failed. */
static int report_stats(struct stats *st, const struct run_opts *o,
			FILE *file, const char *outcome)
{
	if (o->stats == STATS_TEXT)
		stats_print_text(st, stderr, o->guest, outcome);
	else if (o->stats == STATS_JSON)
		stats_print_json(st, stderr, o->guest, outcome);
	if (!file)
		return 0;
	stats_print_json(st, file, o->guest, outcome);
	if (ferror(file)) {
		pr_err("writing --stats-file '%s' failed", o->stats_file);
		return -EIO;
	}
	return 0;
}

/* Run the VM of @j on this thread, from creation to teardown. */
static int job_run(struct job *j)
{
	struct run_ctx *ctx = j->ctx;
	const struct run_opts *o = ctx->o;
	bool profile = o->stats != STATS_NONE || ctx->stats_out;
	struct vcpu_result res;
	struct machine *m;
	int status, err;

	if (machine_create(ctx->sys_fd, &ctx->cfg, &m))
		return EXIT_SETUP;
	pthread_mutex_lock(&ctx->lock);
	j->m = m;
	/* A signal that came while we were created. */
	if (ctx->stop_sig)
		machine_stop(m, VM_STOP_SIGNAL, ctx->stop_sig);
	pthread_mutex_unlock(&ctx->lock);

	if (ctx->st) {
		/* Exits are always counted; timings and the kernel's on demand. */
		stats_init(ctx->st, &m->vm->bus);
		if (profile)
			stats_open_kernel(ctx->st, m->vm->fd, m->vcpu->fd);
		stats_attach(ctx->st, m->vcpu, profile,
			     o->trace ? stderr : NULL);
	}
	if (ctx->gdb)
		gdbstub_attach(ctx->gdb, m->vcpu, o->mode);
	if (o->count == 1)
		pr_info("running %s%s in %s mode, %llu KiB RAM", o->guest,
			ctx->cfg.multiboot ? " (Multiboot)" : "",
			cpu_mode_name(o->mode),
			(unsigned long long)o->mem_size >> 10);
	err = machine_run(m, &res);
	status = err ? EXIT_SETUP : report_result(m, &res, o, ctx->check);
	if (ctx->st) {
		stats_finish(ctx->st);
		if (report_stats(ctx->st, o, ctx->stats_out,
				 err ? "host_error" : outcome_name(&res)) &&
		    status == EXIT_OK)
			status = EXIT_SETUP;
	}

	pthread_mutex_lock(&ctx->lock);
	j->m = NULL;
	pthread_mutex_unlock(&ctx->lock);
	machine_destroy(m);
	return status;
}

static void *job_main(void *arg)
{
	struct job *j = arg;

	j->status = job_run(j);
	(void)eventfd_write(j->ctx->done_fd, 1);
	return NULL;
}

/* Stop every VM that runs, and every one that is still to start. */
static void stop_all(struct run_ctx *ctx, struct job *jobs, int sig)
{
	unsigned int i;

	pthread_mutex_lock(&ctx->lock);
	if (!ctx->stop_sig)
		ctx->stop_sig = sig;
	for (i = 0; i < ctx->o->count; i++)
		if (jobs[i].m)
			machine_stop(jobs[i].m, VM_STOP_SIGNAL, sig);
	pthread_mutex_unlock(&ctx->lock);
}

/*
 * Set up the main thread's waits on the output backends: their notify
 * eventfd, and POLLOUT while output waits in them, so a slow reader gets
 * it as soon as it reads, not only at the guest's next write.
 */
static nfds_t watch_backends(struct pollfd *pfd, struct chardev *const *c,
			     unsigned int n)
{
	nfds_t k = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!c[i])
			continue;
		pfd[k].fd = chardev_notify_fd(c[i]);
		pfd[k++].events = POLLIN;
		if (chardev_pending(c[i])) {
			pfd[k].fd = chardev_fd(c[i]);
			pfd[k++].events = POLLOUT;
		}
	}
	return k;
}

static void flush_backends(struct chardev *const *c, unsigned int n)
{
	unsigned int i;
	eventfd_t v;

	for (i = 0; i < n; i++) {
		if (!c[i])
			continue;
		(void)eventfd_read(chardev_notify_fd(c[i]), &v);
		chardev_flush(c[i]);
	}
}

/*
 * The main thread: start one thread per VM, then wait for them to finish
 * or for a stop signal, which stops them all at once; meanwhile pass
 * buffered guest output on to slow readers.
 */
static void supervise(struct run_ctx *ctx, struct job *jobs, int sig_fd,
		      struct chardev *const *outs, unsigned int nr_outs)
{
	struct signalfd_siginfo si;
	unsigned int i, started = 0, done = 0;
	struct pollfd pfd[6];
	eventfd_t v;
	nfds_t n;
	int err;

	for (i = 0; i < ctx->o->count; i++) {
		jobs[i].ctx = ctx;
		err = pthread_create(&jobs[i].thread, NULL, job_main, &jobs[i]);
		if (err) {
			pr_err("starting the thread of VM %u: %s", i,
			       strerror(err));
			jobs[i].status = EXIT_SETUP;
			continue;
		}
		jobs[i].started = true;
		started++;
	}
	pfd[0].fd = sig_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = ctx->done_fd;
	pfd[1].events = POLLIN;
	while (done < started) {
		n = 2 + watch_backends(pfd + 2, outs, nr_outs);
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			break;
		if (n > 2)
			flush_backends(outs, nr_outs);
		if ((pfd[0].revents & POLLIN) &&
		    read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			stop_all(ctx, jobs, si.ssi_signo);
		if ((pfd[1].revents & POLLIN) &&
		    eventfd_read(ctx->done_fd, &v) == 0)
			done += v;
	}
	for (i = 0; i < ctx->o->count; i++)
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
}

/*
 * The guest's last output may still wait for a slow reader: wait for it
 * (never past the run's timeout, and never after a signal).
 */
static void drain_output(struct chardev *c, const struct run_ctx *ctx,
			 int sig_fd, uint64_t start_ns)
{
	uint64_t used;
	int ms = -1;

	if (!c || ctx->stop_sig)
		return;
	if (ctx->o->timeout_ns) {
		used = vcpu_now_ns() - start_ns;
		ms = used >= ctx->o->timeout_ns ? 0 :
		     (int)((ctx->o->timeout_ns - used) / 1000000);
	}
	chardev_drain(c, sig_fd, ms);
}

/* A Multiboot kernel: protected mode, entered where its header says. */
static int pick_multiboot(struct run_opts *o, struct machine_config *cfg,
			  uint64_t *end)
{
	static struct multiboot_image mb;

	if (o->mode_set && o->mode != CPU_MODE_PROTECTED)
		return usage_error("'%s' is a Multiboot kernel, which starts in protected mode as the Multiboot specification says; drop --mode",
				   o->guest);
	if (o->load_addr_set || o->entry_set)
		return usage_error("'%s' is a Multiboot kernel: its header says where it loads and starts; drop --load-addr and --entry",
				   o->guest);
	if (multiboot_parse(cfg->image, cfg->image_len, o->guest, &mb))
		return EXIT_SETUP;
	o->mode = CPU_MODE_PROTECTED;
	o->entry = mb.entry;
	o->entry_set = true;
	cfg->multiboot = &mb;
	cfg->cmdline = o->cmdline;
	*end = mb.end;
	return -1;
}

/*
 * RAM when --memory is not given: the assignment's 1 MiB, or for an image
 * that loads at or above 1 MiB, SIMVMM_MEM_LARGE_DEFAULT or what it needs.
 */
static void pick_memory(struct run_opts *o, uint64_t end)
{
	const uint64_t mib = 1 << 20;

	if (o->mem_set || end <= SIMVMM_LOWMEM_END)
		return;
	o->mem_size = SIMVMM_MEM_LARGE_DEFAULT;
	if (end > o->mem_size)
		o->mem_size = end > SIMVMM_MEM_MAX - mib ? SIMVMM_MEM_MAX :
			      (end + mib - 1) & ~(mib - 1);
}

/* Resolve GUEST into an image, a mode and the devices it wants. */
static int pick_guest(struct run_opts *o, struct machine_config *cfg,
		      void **file, bool *check)
{
	const struct builtin_guest *bg;
	uint32_t off, bad_off;
	uint64_t end = 0;
	size_t len;
	int status;

	bg = builtin_find(o->guest);
	if (bg) {
		cfg->image = bg->start;
		cfg->image_len = bg->end - bg->start;
		if (!o->mode_set)
			o->mode = bg->mode;
		if (o->load_addr_set && o->load_addr != SIMVMM_LOAD_ADDR)
			return usage_error("built-in guest '%s' is linked at 0x8000; --load-addr applies to image files",
					   o->guest);
		if (o->cmdline)
			return usage_error("--cmdline is for Multiboot kernels; built-in guest '%s' is not one",
					   o->guest);
		*check = o->check != CHECK_OFF && bg->checked;
		o->simvirtio = o->simvirtio || bg->simvirtio;
	} else {
		if (!strchr(o->guest, '/') && access(o->guest, F_OK))
			return usage_error("no built-in guest or file named '%s' (see 'simvmm list')",
					   o->guest);
		if (loader_read_image(o->guest, o->mem_size, file, &len))
			return EXIT_SETUP;
		cfg->image = *file;
		cfg->image_len = len;
		*check = o->check == CHECK_ON;
		if (multiboot_find(*file, len, &off, &bad_off)) {
			status = pick_multiboot(o, cfg, &end);
			if (status >= 0)
				return status;
			pick_memory(o, end);
			return -1;
		}
		if (bad_off != UINT32_MAX)
			pr_warn("'%s' has the Multiboot magic at offset 0x%x, but its checksum is wrong (magic + flags + checksum must be 0), so it is not run as a Multiboot kernel",
				o->guest, bad_off);
		if (o->cmdline)
			return usage_error("--cmdline is for Multiboot kernels, and '%s' has no Multiboot header",
					   o->guest);
		/* An ELF (told by its magic) gives its mode and entry. */
		if (elf_is_elf(*file, len)) {
			if (o->load_addr_set)
				return usage_error("'%s' is an ELF image: its segments say where it loads; drop --load-addr",
						   o->guest);
			if (loader_elf_prepare(*file, len, o->guest,
					       o->mode_set, &o->mode,
					       o->entry_set, &o->entry))
				return EXIT_SETUP;
			o->entry_set = true;
			end = loader_elf_end(*file, len);
		} else if (!o->mode_set) {
			return usage_error("flat image '%s' needs --mode real, protected, paged or long",
					   o->guest);
		} else {
			end = o->load_addr + len;
		}
	}
	if (!o->entry_set)
		o->entry = o->load_addr;
	pick_memory(o, end);
	return -1;
}

/* Open the backends the devices write to and read from. */
static int open_backends(const struct run_opts *o, struct chardev **con,
			 struct chardev **out, struct chardev **in)
{
	if (chardev_open(o->console, true, STDOUT_FILENO, "--console", con))
		return -1;
	if (!o->simvirtio)
		return 0;
	/* One backend for one destination: output stays in order. */
	if (!strcmp(o->sv_out, o->console))
		*out = NULL;
	else if (chardev_open(o->sv_out, true, STDOUT_FILENO,
			      "--simvirtio-out", out))
		return -1;
	return chardev_open(o->sv_in, false, STDIN_FILENO, "--simvirtio-in",
			    in) ? -1 : 0;
}

static int cmd_run(int argc, char **argv)
{
	struct chardev *con = NULL, *sv_out = NULL, *sv_in = NULL;
	struct chardev *outs[2];
	struct run_ctx ctx;
	struct run_opts o;
	struct job *jobs = NULL;
	void *file = NULL;
	unsigned int i, failed = 0;
	uint64_t start_ns;
	int sig_fd = -1, status;
	double secs;

	status = parse_run_opts(argc, argv, &o);
	if (status >= 0)
		return status;
	memset(&ctx, 0, sizeof(ctx));
	ctx.o = &o;
	ctx.sys_fd = -1;
	ctx.done_fd = -1;
	pthread_mutex_init(&ctx.lock, NULL);
	status = pick_guest(&o, &ctx.cfg, &file, &ctx.check);
	if (status >= 0)
		goto out_free;

	status = EXIT_SETUP;
	/* Before the guest runs: a bad path must not cost a whole run. */
	if (o.stats_file) {
		ctx.stats_out = fopen(o.stats_file, "we");
		if (!ctx.stats_out) {
			pr_err("cannot write --stats-file '%s': %s",
			       o.stats_file, strerror(errno));
			goto out;
		}
	}
	if (o.count == 1) {
		ctx.st = calloc(1, sizeof(*ctx.st));
		if (!ctx.st)
			goto out;
	}
	jobs = calloc(o.count, sizeof(*jobs));
	if (!jobs || open_backends(&o, &con, &sv_out, &sv_in))
		goto out;
	sig_fd = block_signals();
	ctx.done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || ctx.done_fd < 0)
		goto out;
	ctx.sys_fd = kvm_open_system();
	if (ctx.sys_fd < 0)
		goto out;
	if (o.gdb) {
		struct gdbstub_caps caps;

		if (gdbstub_probe(ctx.sys_fd, &caps) ||
		    gdbstub_open(o.gdb, &caps, &ctx.gdb))
			goto out;
	}

	ctx.cfg.name = o.guest;
	ctx.cfg.mode = o.mode;
	ctx.cfg.mem_size = o.mem_size;
	ctx.cfg.load_addr = o.load_addr;
	ctx.cfg.entry = o.entry;
	ctx.cfg.timeout_ns = o.timeout_ns;
	ctx.cfg.console = con;
	ctx.cfg.console_limit = o.console_limit;
	ctx.cfg.simvirtio = o.simvirtio;
	ctx.cfg.sv.transport = o.transport;
	ctx.cfg.sv.out = sv_out ? sv_out : con;
	ctx.cfg.sv.in = sv_in;

	start_ns = vcpu_now_ns();
	outs[0] = con;
	outs[1] = sv_out;
	supervise(&ctx, jobs, sig_fd, outs, 2);
	secs = (vcpu_now_ns() - start_ns) / 1e9;
	drain_output(con, &ctx, sig_fd, start_ns);
	drain_output(sv_out, &ctx, sig_fd, start_ns);

	status = EXIT_OK;
	for (i = 0; i < o.count; i++) {
		if (jobs[i].status > status)
			status = jobs[i].status;
		failed += jobs[i].status != EXIT_OK;
	}
	if (o.count > 1)
		pr_info("%u VMs: %u passed, %u failed, in %.3f s (%.1f VMs/s)",
			o.count, o.count - failed, failed, secs,
			secs > 0 ? o.count / secs : 0.0);

out:
	gdbstub_close(ctx.gdb);
	if (ctx.st)
		stats_destroy(ctx.st);
	free(ctx.st);
	if (ctx.stats_out && fclose(ctx.stats_out) && status == EXIT_OK) {
		pr_err("writing --stats-file '%s': %s", o.stats_file,
		       strerror(errno));
		status = EXIT_SETUP;
	}
	chardev_close(sv_in);
	chardev_close(sv_out);
	chardev_close(con);
	if (ctx.sys_fd >= 0)
		close(ctx.sys_fd);
	if (ctx.done_fd >= 0)
		close(ctx.done_fd);
	if (sig_fd >= 0)
		close(sig_fd);
	free(jobs);
out_free:
	pthread_mutex_destroy(&ctx.lock);
	free(file);
	return status;
}

/*
 * fds 0-2 closed by whoever started us would be taken by the next open(),
 * and /dev/kvm or --stats-file would then receive the guest's output:
 * hold them with /dev/null first.
 */
static void hold_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return;
		if (fd == STDOUT_FILENO)
			pr_warn("stdout is closed: the guest's output is discarded");
	}
}

int main(int argc, char **argv)
{
	static const struct option top_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	hold_std_fds();
	while ((c = getopt_long(argc, argv, "+hV", top_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("simvmm %s\n", SIMVMM_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'simvmm --help' for more information.\n");
			return EXIT_SETUP;
		}
	}
	if (optind >= argc)
		return usage_error("%s", "missing command: run, list or probe");
	if (!strcmp(argv[optind], "run"))
		return cmd_run(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "list"))
		return cmd_list(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "probe")) {
		if (optind + 1 != argc)
			return usage_error("%s", "probe takes no arguments");
		return cmd_probe();
	}
	return usage_error("unknown command '%s': use run, list or probe",
			   argv[optind]);
}
