// SPDX-License-Identifier: GPL-2.0
/*
 * simvmm's command line: parses options, builds one VM with its devices,
 * runs the guest and turns the outcome into an exit status. Only this file
 * prints usage and decides exit statuses; the library reports and returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include <simvmm/abi.h>
#include <simvmm/memmap.h>

#include "../lib/cpu_mode.h"
#include "../lib/devices/debugcon.h"
#include "../lib/devices/exit_port.h"
#include "../lib/devices/simvirtio.h"
#include "../lib/kvm.h"
#include "../lib/loader.h"
#include "../lib/log.h"
#include "../lib/parse.h"
#include "../lib/stats.h"
#include "../lib/vcpu.h"
#include "../lib/vm.h"
#include "builtin.h"

#ifndef SIMVMM_VERSION
#define SIMVMM_VERSION "0.1.0"
#endif

/* Exit statuses, as documented in the README and in --help. */
enum {
	EXIT_OK = 0,
	EXIT_GUEST_FAILED = 1,
	EXIT_SETUP = 2,
	EXIT_SIGNAL_BASE = 128,
};

enum check_policy { CHECK_DEFAULT, CHECK_ON, CHECK_OFF };
enum stats_report { STATS_NONE, STATS_TEXT, STATS_JSON };

struct run_opts {
	const char *guest;
	bool mode_set;
	enum cpu_mode mode;
	uint64_t mem_size;
	uint64_t timeout_ns;
	enum stats_report stats;
	const char *stats_file;
	bool trace;
	bool load_addr_set;
	uint64_t load_addr;
	bool entry_set;
	uint64_t entry;
	enum check_policy check;
	enum simvirtio_transport transport;
	uint64_t console_limit;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: simvmm run [OPTIONS] GUEST\n"
		"       simvmm list\n"
		"       simvmm --help | --version\n"
		"\n"
		"Run GUEST, a built-in guest name (see 'simvmm list') or the path of a\n"
		"flat binary image, on one vCPU through /dev/kvm.\n"
		"\n"
		"Options for run:\n"
		"  -m, --mode MODE        real, protected, paged (32-bit with PAE paging)\n"
		"                         or long (also 16, 32, 64); the built-in guest's\n"
		"                         own mode by default; required for an image file\n"
		"  -M, --memory SIZE      guest RAM, K/M/G suffixes, 64K to 3G, a multiple\n"
		"                         of 4K (default: 1M)\n"
		"  -t, --timeout SECONDS  stop a guest still running after SECONDS, which\n"
		"                         may have decimals (default: 0, no limit)\n"
		"      --stats[=FORMAT]   when the run ends, print VM-exit statistics on\n"
		"                         stderr: FORMAT text (the default) or json\n"
		"      --stats-file PATH  write the statistics as JSON to PATH\n"
		"      --trace            print one line per VM exit on stderr\n"
		"      --load-addr ADDR   guest-physical load address of an image\n"
		"                         (default: 0x%x)\n"
		"      --entry ADDR       first instruction (default: the load address)\n"
		"      --check            after hlt, require RAX = 42 and the 32-bit word at\n"
		"                         0x%x = 42 (default for built-in guests)\n"
		"      --no-check         halting is success (default for image files)\n"
		"      --transport T      SIMVIRTIO transport: exit (every ring access\n"
		"                         is a VM exit) or poll (shared rings, a host\n"
		"                         thread, ioeventfd notifies); default: %s\n"
		"      --console-limit N  stop a guest that writes more than N bytes to\n"
		"                         the debug console, K/M/G suffixes, 0 = no limit\n"
		"                         (default: 1M)\n"
		"  -q, --quiet            print only errors and warnings on stderr\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"The guest's debug-console output (port 0x%x) goes to stdout untouched;\n"
		"everything simvmm says goes to stderr. SIMVIRTIO TX data goes to stdout,\n"
		"and stdin feeds SIMVIRTIO RX (end of file ends the RX stream).\n"
		"\n"
		"Exit status:\n"
		"  0    the guest halted (and passed its check) or exited with status 0\n"
		"  1    the guest failed: check failed, fault, triple fault, timeout,\n"
		"       device protocol error, or a non-zero status on port 0x%x\n"
		"  2    usage or setup error: bad option, unreadable image, no usable KVM\n"
		"  128+N  stopped by signal N (SIGINT, SIGTERM, SIGHUP)\n",
		SIMVMM_LOAD_ADDR, SIMVMM_CHECK_ADDR,
		simvirtio_transport_name(SIMVIRTIO_DEFAULT_TRANSPORT),
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

static int cmd_list(void)
{
	const struct builtin_guest *g;
	size_t i, n;

	g = builtin_all(&n);
	printf("%-12s %-10s %s\n", "NAME", "MODE", "PURPOSE");
	for (i = 0; i < n; i++)
		printf("%-12s %-10s %s\n", g[i].name, cpu_mode_name(g[i].mode),
		       g[i].purpose);
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
};

static const struct option run_options[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "memory", required_argument, NULL, 'M' },
	{ "timeout", required_argument, NULL, 't' },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "load-addr", required_argument, NULL, OPT_LOAD_ADDR },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "no-check", no_argument, NULL, OPT_NO_CHECK },
	{ "transport", required_argument, NULL, OPT_TRANSPORT },
	{ "console-limit", required_argument, NULL, OPT_CONSOLE_LIMIT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or the exit status to leave with. */
static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_size = SIMVMM_MEM_DEFAULT;
	o->load_addr = SIMVMM_LOAD_ADDR;
	o->transport = SIMVIRTIO_DEFAULT_TRANSPORT;
	o->console_limit = DEBUGCON_DEFAULT_LIMIT;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+m:M:t:qh", run_options,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			if (cpu_mode_parse(optarg, &o->mode))
				return usage_error("unknown mode '%s': use real, protected, paged or long",
						   optarg);
			o->mode_set = true;
			break;
		case 'M':
			if (parse_size(optarg, &o->mem_size) ||
			    o->mem_size < SIMVMM_MEM_MIN ||
			    o->mem_size > SIMVMM_MEM_MAX || o->mem_size % 4096)
				return usage_error("bad --memory '%s': give a multiple of 4K from 64K to 3G, e.g. 1M or 256M",
						   optarg);
			break;
		case 't':
			if (parse_seconds(optarg, &o->timeout_ns))
				return usage_error("bad --timeout '%s': give seconds, e.g. 5 or 0.5 (0 = no limit)",
						   optarg);
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
		case OPT_CHECK:
			o->check = CHECK_ON;
			break;
		case OPT_NO_CHECK:
			o->check = CHECK_OFF;
			break;
		case OPT_TRANSPORT:
			if (simvirtio_transport_parse(optarg, &o->transport))
				return usage_error("unknown --transport '%s': use exit or poll",
						   optarg);
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
	o->guest = argv[optind];
	return -1;
}

/* Block the stop signals everywhere; KVM unblocks them inside KVM_RUN. */
static void block_stop_signals(sigset_t *set)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

static int arm_timeout(uint64_t ns)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ns / 1000000000ull;
	it.it_value.tv_usec = (ns % 1000000000ull) / 1000;
	if (ns && !it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	return setitimer(ITIMER_REAL, &it, NULL);
}

/* The assignment's check: RAX and the word at SIMVMM_CHECK_ADDR hold 42. */
static int check_result(struct vcpu *vcpu)
{
	const uint32_t *slot;
	struct kvm_regs regs;
	uint32_t mem;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0) {
		pr_err("KVM_GET_REGS: %s", strerror(errno));
		return EXIT_SETUP;
	}
	slot = vm_gpa_to_hva(vcpu->vm, SIMVMM_CHECK_ADDR, sizeof(*slot));
	mem = slot ? *slot : 0;
	if (regs.rax != SIMVMM_CHECK_VALUE || mem != SIMVMM_CHECK_VALUE) {
		pr_err("check failed: RAX=%llu and [0x%x]=%u, expected both %d",
		       regs.rax, SIMVMM_CHECK_ADDR, mem, SIMVMM_CHECK_VALUE);
		return EXIT_GUEST_FAILED;
	}
	pr_info("guest halted; verified RAX=%llu and [0x%x]=%u",
		regs.rax, SIMVMM_CHECK_ADDR, mem);
	return EXIT_OK;
}

static int report_result(struct vcpu *vcpu, const struct vcpu_result *res,
			 const struct run_opts *o, bool check)
{
	switch (res->kind) {
	case VCPU_HALTED:
		if (check)
			return check_result(vcpu);
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
	case VCPU_SIGNAL:
		if (res->code == SIGALRM) {
			pr_err("guest still running after the %.9g s timeout; stopped it",
			       o->timeout_ns / 1e9);
			vcpu_dump_regs(vcpu);
			return EXIT_GUEST_FAILED;
		}
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
	case VCPU_SIGNAL:
		return res->code == SIGALRM ? "timeout" : "signal";
	case VCPU_GUEST_FAULT:
		return "fault";
	case VCPU_DEVICE_ERROR:
		return "device_error";
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

static int cmd_run(int argc, char **argv)
{
	const struct builtin_guest *bg;
	struct vcpu_result res;
	struct vcpu *vcpu = NULL;
	struct simvirtio_params svp;
	struct vm *vm = NULL;
	struct run_opts o;
	const void *img;
	void *file = NULL;
	sigset_t stop;
	struct stats *st = NULL;
	FILE *stats_out = NULL;
	size_t len;
	int sys_fd = -1, status, err;
	bool check;

	status = parse_run_opts(argc, argv, &o);
	if (status >= 0)
		return status;

	bg = builtin_find(o.guest);
	if (bg) {
		img = bg->start;
		len = bg->end - bg->start;
		if (!o.mode_set)
			o.mode = bg->mode;
		if (o.load_addr_set && o.load_addr != SIMVMM_LOAD_ADDR)
			return usage_error("built-in guest '%s' is linked at 0x8000; --load-addr applies to image files",
					   o.guest);
		check = o.check != CHECK_OFF && bg->checked;
	} else {
		if (!strchr(o.guest, '/') && access(o.guest, F_OK))
			return usage_error("no built-in guest or file named '%s' (see 'simvmm list')",
					   o.guest);
		if (!o.mode_set)
			return usage_error("image '%s' needs --mode real, protected, paged or long",
					   o.guest);
		if (loader_read_file(o.guest, o.mem_size, &file, &len))
			return EXIT_SETUP;
		img = file;
		check = o.check == CHECK_ON;
	}
	if (!o.entry_set)
		o.entry = o.load_addr;

	/* Checked before any open: a closed stdin would become /dev/kvm's fd. */
	svp.in_fd = fcntl(STDIN_FILENO, F_GETFD) < 0 ? -1 : STDIN_FILENO;
	svp.out_fd = STDOUT_FILENO;
	svp.transport = o.transport;

	status = EXIT_SETUP;
	/* Before the guest runs: a bad path must not cost a whole run. */
	if (o.stats_file) {
		stats_out = fopen(o.stats_file, "we");
		if (!stats_out) {
			pr_err("cannot write --stats-file '%s': %s",
			       o.stats_file, strerror(errno));
			goto out;
		}
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		pr_err("out of memory");
		goto out;
	}

	block_stop_signals(&stop);

	sys_fd = kvm_open_system();
	if (sys_fd < 0)
		goto out;
	if (vm_create(sys_fd, o.mem_size, &vm))
		goto out;
	err = debugcon_attach(vm, STDOUT_FILENO, o.console_limit, NULL);
	if (!err)
		err = exit_port_attach(vm);
	if (err) {
		pr_err("attaching devices: %s", strerror(-err));
		goto out;
	}
	if (simvirtio_attach(vm, &svp, NULL))
		goto out;
	if (vcpu_create(vm, 0, &vcpu) ||
	    loader_place(vm, o.mode, o.load_addr, img, len, o.guest) ||
	    cpu_mode_setup(vcpu, o.mode, o.entry) ||
	    vcpu_set_stop_signals(vcpu, &stop))
		goto out;

	/* Exits are always counted; timings and the kernel's on demand. */
	stats_init(st, &vm->bus);
	if (o.stats != STATS_NONE || stats_out)
		stats_open_kernel(st, vm->fd, vcpu->fd);

	pr_info("running %s in %s mode, %llu KiB RAM", o.guest,
		cpu_mode_name(o.mode), (unsigned long long)o.mem_size >> 10);
	if (o.timeout_ns && arm_timeout(o.timeout_ns)) {
		pr_err("cannot arm the timeout: %s", strerror(errno));
		goto out;
	}
	stats_attach(st, vcpu, o.stats != STATS_NONE || stats_out,
		     o.trace ? stderr : NULL);
	err = vcpu_run(vcpu, &res);
	arm_timeout(0);
	stats_finish(st);
	if (!err)
		status = report_result(vcpu, &res, &o, check);
	if (report_stats(st, &o, stats_out, err ? "host_error" :
			 outcome_name(&res)) && status == EXIT_OK)
		status = EXIT_SETUP;

out:
	if (st)
		stats_destroy(st);
	free(st);
	if (stats_out && fclose(stats_out) && status == EXIT_OK) {
		pr_err("writing --stats-file '%s': %s", o.stats_file,
		       strerror(errno));
		status = EXIT_SETUP;
	}
	vcpu_destroy(vcpu);
	vm_destroy(vm);
	if (sys_fd >= 0)
		close(sys_fd);
	free(file);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option top_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

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
		return usage_error("%s", "missing command: run or list");
	if (!strcmp(argv[optind], "run"))
		return cmd_run(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "list")) {
		if (optind + 1 != argc)
			return usage_error("%s", "list takes no arguments");
		return cmd_list();
	}
	return usage_error("unknown command '%s': use run or list",
			   argv[optind]);
}
