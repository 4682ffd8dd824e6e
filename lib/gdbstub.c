// SPDX-License-Identifier: GPL-2.0
/* The GDB remote stub (gdbstub.h): sockets, the session, the vCPU side. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "gdb_break.h"
#include "gdb_rsp.h"
#include "gdb_target.h"
#include "gdbstub.h"
#include "log.h"
#include "parse.h"
#include "vm.h"

#define PAGE_SIZE		4096

#define SIG_INT			2	/* gdb's signal numbers */
#define SIG_TRAP		5

/* DR6 and DR7 bits for the probe's breakpoints, in DR0. */
#define DR6_B0			(1u << 0)
#define DR7_L0			(1u << 0)
#define DR7_RW0_WRITE		(1u << 16)
#define DB_VECTOR		1
#define BP_VECTOR		3

enum gdb_run {
	GDB_RUN_STOPPED,	/* gdb holds the guest */
	GDB_RUN_CONTINUE,
	GDB_RUN_STEP,
	GDB_RUN_FREE,		/* detached, or gdb went away */
};

struct gdbstub {
	int listen_fd;
	int fd;			/* the connection, or -1 */
	bool unix_path;
	char where[128];
	struct gdbstub_caps caps;

	struct vcpu *vcpu;
	enum cpu_mode mode;
	const struct gdb_reg *regs;
	unsigned int nr_regs;

	struct gdb_rsp rsp;
	uint8_t in[512];	/* received, not yet fed */
	size_t in_len, in_off;
	char frame[GDB_RSP_MAX_FRAME];
	size_t frame_len;	/* the last packet sent, for a '-' */
	struct gdb_rsp_buf reply;

	enum gdb_run run;
	struct gdb_breaks br;
	struct gdb_mem mem;	/* guest memory for br, through map_linear() */
	bool lifting;		/* one step with the breakpoints at PC out */
	uint32_t inject;	/* KVM_GUESTDBG_INJECT_*: the guest's own trap */
};

/* ---- the command line's spec ------------------------------------------- */

int gdbstub_parse_spec(const char *spec, char *host, size_t host_len,
		       unsigned int *port, bool *unix_path)
{
	const char *colon;
	uint64_t p;
	size_t n;

	*unix_path = strchr(spec, '/') != NULL;
	if (*unix_path) {
		if (strlen(spec) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return -ENAMETOOLONG;
		return 0;
	}
	colon = strrchr(spec, ':');
	n = colon ? (size_t)(colon - spec) : 0;
	if (n >= host_len)
		return -EINVAL;
	if (colon && n == 0)
		return -EINVAL;
	if (colon) {
		memcpy(host, spec, n);
		host[n] = '\0';
	} else {
		snprintf(host, host_len, "127.0.0.1");
	}
	if (parse_u64(colon ? colon + 1 : spec, &p) || p < 1 || p > 65535)
		return -EINVAL;
	*port = p;
	return 0;
}

static int listen_tcp(const char *host, unsigned int port, int *fd_out)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai, *a;
	char service[8];
	int fd = -1, one = 1, err;

	snprintf(service, sizeof(service), "%u", port);
	err = getaddrinfo(host, service, &hints, &ai);
	if (err) {
		pr_err("--gdb: cannot resolve '%s': %s", host,
		       gai_strerror(err));
		return -EINVAL;
	}
	err = -EADDRNOTAVAIL;
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
			    a->ai_protocol);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one));
		if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 &&
		    listen(fd, 1) == 0)
			break;
		err = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		pr_err("--gdb: cannot listen on %s:%u: %s", host, port,
		       strerror(-err));
		if (err == -EADDRINUSE)
			pr_detail("  another program uses that port; pick another, e.g. --gdb %u",
				  port < 65535 ? port + 1 : 1234);
		return err;
	}
	*fd_out = fd;
	return 0;
}

static int listen_unix(const char *path, int *fd_out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A socket left by an earlier run; anything else stays. */
	if (unlink(path) && errno != ENOENT)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 1))
		goto fail;
	*fd_out = fd;
	return 0;
fail:
	err = -errno;
	pr_err("--gdb: cannot listen on the Unix socket '%s': %s", path,
	       strerror(-err));
	close(fd);
	return err;
}

/* How breakpoints and watchpoints are done here, for the first line. */
static const char *methods(const struct gdbstub_caps *caps)
{
	if (caps->sw_bp && caps->hw_bp)
		return "breakpoints by int3, hardware breakpoints and watchpoints by debug registers";
	if (caps->sw_bp)
		return "breakpoints by int3, hardware breakpoints and watchpoints by single-step";
	if (caps->hw_bp)
		return "breakpoints and watchpoints by debug registers, by single-step past four";
	return "breakpoints and watchpoints by single-step";
}

int gdbstub_open(const char *spec, const struct gdbstub_caps *caps,
		 struct gdbstub **out)
{
	struct gdbstub *g;
	unsigned int port = 0;
	char host[64];
	bool unix_path;
	int err;

	err = gdbstub_parse_spec(spec, host, sizeof(host), &port,
				 &unix_path);
	if (err) {
		pr_err("bad --gdb '%s': give a port (1234), HOST:PORT (0.0.0.0:1234) or a Unix socket path with a '/' (./gdb.sock)",
		       spec);
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->fd = -1;
	g->listen_fd = -1;
	g->caps = *caps;
	g->unix_path = unix_path;
	err = unix_path ? listen_unix(spec, &g->listen_fd) :
	      listen_tcp(host, port, &g->listen_fd);
	if (err) {
		free(g);
		return err;
	}
	if (unix_path)
		snprintf(g->where, sizeof(g->where), "%s", spec);
	else
		snprintf(g->where, sizeof(g->where), "%s:%u", host, port);
	pr_info("gdb: waiting for gdb on %s (target remote %s); %s (this KVM: single-step %s, int3 exits %s, DR0 breakpoints %s)",
		g->where, g->where, methods(caps),
		caps->single_step ? "works" : "FAILS",
		caps->sw_bp ? "yes" : "no", caps->hw_bp ? "fire" : "do not fire");
	*out = g;
	return 0;
}

void gdbstub_close(struct gdbstub *g)
{
	if (!g)
		return;
	if (g->fd >= 0)
		close(g->fd);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->unix_path)
		(void)unlink(g->where);
	free(g);
}

/* ---- the probe ----------------------------------------------------------- */

/* Run @code at 0x1000 in real mode with @dbg; what exit ends it? */
static int probe_one(int sys_fd, const uint8_t *code, size_t len,
		     const struct kvm_guest_debug *dbg, uint32_t *reason,
		     struct kvm_debug_exit_arch *arch)
{
	struct vcpu *vcpu = NULL;
	struct vm *vm = NULL;
	uint8_t *ram;
	int err, i;

	err = vm_create(sys_fd, 0x10000, &vm);
	if (!err)
		err = vcpu_create(vm, 0, &vcpu);
	if (!err)
		err = cpu_mode_setup(vcpu, CPU_MODE_REAL, 0x1000);
	if (err)
		goto out;
	ram = vm->mem;
	memcpy(ram + 0x1000, code, len);
	/* IVT: #DB and #BP go to a hlt at 0x2000, never into zeros. */
	ram[0x2000] = 0xf4;
	for (i = 0; i < 4; i++)
		*(uint32_t *)(ram + i * 4) = 0x2000;
	if (ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, dbg) < 0) {
		err = -errno;
		goto out;
	}
	*reason = KVM_EXIT_UNKNOWN;
	for (i = 0; i < 4; i++) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = -errno;
			goto out;
		}
		*reason = vcpu->run->exit_reason;
		*arch = vcpu->run->debug.arch;
		if (*reason != KVM_EXIT_INTR)
			break;
	}
out:
	vcpu_destroy(vcpu);
	vm_destroy(vm);
	return err;
}

int gdbstub_probe(int sys_fd, struct gdbstub_caps *caps)
{
	static const uint8_t nops[] = { 0x90, 0x90, 0xf4 };
	static const uint8_t int3[] = { 0x90, 0xcc, 0xf4 };
	static const uint8_t mov[] = { 0xa2, 0x00, 0x30, 0xf4 }; /* [0x3000] = al */
	struct kvm_guest_debug dbg;
	struct kvm_debug_exit_arch arch;
	uint32_t reason;
	int err;

	memset(caps, 0, sizeof(*caps));
	memset(&dbg, 0, sizeof(dbg));
	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
	err = probe_one(sys_fd, nops, sizeof(nops), &dbg, &reason,
			&arch);
	if (err)
		goto fail;
	caps->single_step = reason == KVM_EXIT_DEBUG &&
			    arch.exception == DB_VECTOR;

	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
	err = probe_one(sys_fd, int3, sizeof(int3), &dbg, &reason,
			&arch);
	if (err)
		goto fail;
	caps->sw_bp = reason == KVM_EXIT_DEBUG && arch.exception == BP_VECTOR;

	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
	dbg.arch.debugreg[0] = 0x1001;
	dbg.arch.debugreg[7] = DR7_L0;
	err = probe_one(sys_fd, nops, sizeof(nops), &dbg, &reason,
			&arch);
	if (err)
		goto fail;
	caps->hw_bp = reason == KVM_EXIT_DEBUG && (arch.dr6 & DR6_B0) &&
		      arch.pc == 0x1001;
	if (!caps->hw_bp)
		return 0;

	/* And a write watch: the stop comes after the mov, at 0x1003. */
	dbg.arch.debugreg[0] = 0x3000;
	dbg.arch.debugreg[7] = DR7_L0 | DR7_RW0_WRITE;
	err = probe_one(sys_fd, mov, sizeof(mov), &dbg, &reason, &arch);
	if (err)
		goto fail;
	caps->hw_bp = reason == KVM_EXIT_DEBUG && (arch.dr6 & DR6_B0) &&
		      arch.pc == 0x1003;
	return 0;
fail:
	pr_err("--gdb: probing this KVM's guest debugging: %s",
	       strerror(-err));
	return err;
}

/* ---- the connection ------------------------------------------------------ */

/* gdb is gone: the guest keeps none of its breakpoints. */
static void hang_up(struct gdbstub *g)
{
	gdb_breaks_clear(&g->br);
	g->lifting = false;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	gdb_rsp_reset(&g->rsp);
	g->rsp.no_ack = false;
	g->in_len = 0;
	g->in_off = 0;
}

static int send_frame(struct gdbstub *g)
{
	size_t done = 0;
	ssize_t n;

	while (done < g->frame_len) {
		n = send(g->fd, g->frame + done, g->frame_len - done,
			 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (vm_wait(g->vcpu->vm, g->fd, POLLOUT, -1) < 0)
				return -ECANCELED;
			continue;
		}
		if (n <= 0)
			return -EPIPE;
		done += n;
	}
	return 0;
}

static int send_reply(struct gdbstub *g)
{
	ssize_t n;

	if (g->fd < 0)
		return -EPIPE;
	if (g->reply.overflow) {
		gdb_rsp_buf_init(&g->reply);
		gdb_rsp_buf_error(&g->reply, -ENOSPC);
	}
	n = gdb_rsp_frame(g->frame, sizeof(g->frame), g->reply.data,
			  g->reply.len);
	if (n < 0)
		return (int)n;
	g->frame_len = n;
	return send_frame(g);
}

static int send_str(struct gdbstub *g, const char *s)
{
	gdb_rsp_buf_init(&g->reply);
	gdb_rsp_buf_str(&g->reply, s);
	return send_reply(g);
}

static int send_ack(struct gdbstub *g, char c)
{
	if (g->rsp.no_ack)
		return 0;
	return send(g->fd, &c, 1, MSG_NOSIGNAL) == 1 ? 0 : -EPIPE;
}

/*
 * The next event from gdb: @wait blocks (bounded by the VM's stop and
 * deadline), else only what has arrived is looked at. GDB_RSP_NONE when
 * nothing came; -EPIPE when gdb went away; -ECANCELED when the VM stops.
 */
static int next_event(struct gdbstub *g, bool wait)
{
	enum gdb_rsp_event ev;
	size_t used;
	ssize_t n;
	int r;

	for (;;) {
		while (g->in_off < g->in_len) {
			ev = gdb_rsp_feed(&g->rsp, g->in + g->in_off,
					  g->in_len - g->in_off, &used);
			g->in_off += used;
			switch (ev) {
			case GDB_RSP_NONE:
			case GDB_RSP_ACK:
				break;
			case GDB_RSP_NACK:
				if (g->frame_len && send_frame(g))
					return -EPIPE;
				break;
			case GDB_RSP_BAD_CHECKSUM:
			case GDB_RSP_MALFORMED:
			case GDB_RSP_OVERSIZE:
				pr_warn("gdb: dropped %s",
					ev == GDB_RSP_OVERSIZE ?
					"a packet of more than 4096 bytes" :
					ev == GDB_RSP_BAD_CHECKSUM ?
					"a packet with a bad checksum" :
					"a malformed packet");
				if (send_ack(g, '-'))
					return -EPIPE;
				break;
			default:
				return ev;
			}
		}
		if (g->fd < 0)
			return -EPIPE;
		if (wait) {
			r = vm_wait(g->vcpu->vm, g->fd, POLLIN, -1);
			if (r < 0)
				return -ECANCELED;
			if (r == 0)
				continue;
		}
		n = recv(g->fd, g->in, sizeof(g->in), MSG_DONTWAIT);
		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (!wait)
					return GDB_RSP_NONE;
				continue;
			}
			return -EPIPE;
		}
		g->in_len = n;
		g->in_off = 0;
	}
}

/*
 * Ctrl-C must reach a guest that runs: gdb's bytes raise the kick signal
 * in the vCPU thread (F_SETSIG), which ends KVM_RUN like any kick.
 */
static void arm_async(struct gdbstub *g)
{
	struct f_owner_ex owner = { .type = F_OWNER_TID, .pid = gettid() };
	int fl = fcntl(g->fd, F_GETFL);

	if (fcntl(g->fd, F_SETOWN_EX, &owner) || fcntl(g->fd, F_SETSIG,
						       VM_KICK_SIGNAL) ||
	    fl < 0 || fcntl(g->fd, F_SETFL, fl | O_ASYNC | O_NONBLOCK))
		pr_warn("gdb: Ctrl-C cannot interrupt a running guest: fcntl: %s",
			strerror(errno));
}

/* Wait for gdb to connect: the guest waits at its first instruction. */
static int accept_gdb(struct gdbstub *g)
{
	int one = 1, r;

	for (;;) {
		r = vm_wait(g->vcpu->vm, g->listen_fd, POLLIN, -1);
		if (r < 0)
			return -ECANCELED;
		if (r == 0)
			continue;
		g->fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (g->fd >= 0)
			break;
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
			r = -errno;
			pr_err("gdb: accept: %s", strerror(-r));
			return r;
		}
	}
	if (!g->unix_path)
		(void)setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one,
				 sizeof(one));
	gdb_rsp_reset(&g->rsp);
	arm_async(g);
	pr_info("gdb: connected on %s", g->where);
	return 0;
}

/* ---- registers ----------------------------------------------------------- */

struct cpu_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	bool have_fpu;
};

static int get_state(struct gdbstub *g, struct cpu_state *s)
{
	int fd = g->vcpu->fd;

	if (ioctl(fd, KVM_GET_REGS, &s->regs) < 0 ||
	    ioctl(fd, KVM_GET_SREGS, &s->sregs) < 0)
		return -errno;
	s->have_fpu = ioctl(fd, KVM_GET_FPU, &s->fpu) == 0;
	return 0;
}

static bool real_mode(const struct kvm_sregs *s)
{
	return !(s->cr0 & 1);
}

/* The PC gdb sees: linear, so that in real mode it is CS * 16 + IP. */
static uint64_t linear_pc(const struct cpu_state *s)
{
	if (s->sregs.efer & (1u << 10))		/* LMA: bases are 0 for CS */
		return s->regs.rip;
	return (uint32_t)(s->sregs.cs.base + s->regs.rip);
}

static __u64 *gpr(struct kvm_regs *r, enum gdb_reg_id id)
{
	__u64 *tab[] = {
		&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi,
		&r->rbp, &r->rsp, &r->r8, &r->r9, &r->r10, &r->r11,
		&r->r12, &r->r13, &r->r14, &r->r15,
	};

	return id <= GDB_REG_R15 ? tab[id] : NULL;
}

/* @reg's value as gdb sees it, little-endian in @out (16 bytes). */
static void reg_value(const struct cpu_state *s, const struct gdb_reg *reg,
		      uint8_t *out)
{
	struct kvm_regs r = s->regs;
	const struct kvm_segment *seg[] = {
		&s->sregs.cs, &s->sregs.ss, &s->sregs.ds,
		&s->sregs.es, &s->sregs.fs, &s->sregs.gs,
	};
	uint64_t v = 0;
	uint32_t ftag = 0;
	unsigned int i;

	memset(out, 0, 16);
	if (reg->id >= GDB_REG_ST0 && reg->id <= GDB_REG_ST7) {
		if (s->have_fpu)
			memcpy(out, s->fpu.fpr[reg->id - GDB_REG_ST0], 10);
		return;
	}
	if (reg->id <= GDB_REG_R15)
		v = *gpr(&r, reg->id);
	switch (reg->id) {
	case GDB_REG_RIP:
		v = linear_pc(s);
		break;
	case GDB_REG_RFLAGS:
		v = s->regs.rflags;
		break;
	case GDB_REG_CS: case GDB_REG_SS: case GDB_REG_DS:
	case GDB_REG_ES: case GDB_REG_FS: case GDB_REG_GS:
		v = seg[reg->id - GDB_REG_CS]->selector;
		break;
	case GDB_REG_FCTRL:
		v = s->have_fpu ? s->fpu.fcw : 0x37f;
		break;
	case GDB_REG_FSTAT:
		v = s->have_fpu ? s->fpu.fsw : 0;
		break;
	case GDB_REG_FTAG:
		/* KVM keeps the abridged tag: 1 = valid, 0 = empty. */
		for (i = 0; i < 8; i++)
			if (!s->have_fpu || !(s->fpu.ftwx & (1u << i)))
				ftag |= 3u << (2 * i);
		v = ftag;
		break;
	case GDB_REG_FIOFF:
		v = s->have_fpu ? (uint32_t)s->fpu.last_ip : 0;
		break;
	case GDB_REG_FOOFF:
		v = s->have_fpu ? (uint32_t)s->fpu.last_dp : 0;
		break;
	case GDB_REG_FOP:
		v = s->have_fpu ? s->fpu.last_opcode : 0;
		break;
	case GDB_REG_FS_BASE:
		v = s->sregs.fs.base;
		break;
	case GDB_REG_GS_BASE:
		v = s->sregs.gs.base;
		break;
	case GDB_REG_CR0:
		v = s->sregs.cr0;
		break;
	case GDB_REG_CR2:
		v = s->sregs.cr2;
		break;
	case GDB_REG_CR3:
		v = s->sregs.cr3;
		break;
	case GDB_REG_CR4:
		v = s->sregs.cr4;
		break;
	case GDB_REG_EFER:
		v = s->sregs.efer;
		break;
	default:
		break;
	}
	for (i = 0; i < 8 && i < reg->size; i++)
		out[i] = v >> (8 * i);
}

/*
 * Set @reg from gdb's bytes. The general registers, the PC and the flags
 * are writable; any other register only to the value it has (gdb's 'G'
 * sends them all), else -EPERM: changing a selector or CR0 under the
 * guest is not what a debugger should do behind its back.
 */
static int reg_set(struct cpu_state *s, const struct gdb_reg *reg,
		   const uint8_t *val)
{
	uint8_t cur[16];
	uint64_t v = 0;
	unsigned int i;
	__u64 *p;

	for (i = 0; i < 8 && i < reg->size; i++)
		v |= (uint64_t)val[i] << (8 * i);
	p = gpr(&s->regs, reg->id);
	if (p) {
		*p = reg->size < 8 ? (*p & ~0xffffffffull) | (uint32_t)v : v;
		return 0;
	}
	if (reg->id == GDB_REG_RIP) {
		if (s->sregs.efer & (1u << 10)) {
			s->regs.rip = v;
			return 0;
		}
		v = (uint32_t)(v - s->sregs.cs.base);
		if (real_mode(&s->sregs) && v > 0xffff)
			return -EINVAL;
		s->regs.rip = v;
		return 0;
	}
	if (reg->id == GDB_REG_RFLAGS) {
		s->regs.rflags = (v & 0x3f7fd7) | 2;
		return 0;
	}
	reg_value(s, reg, cur);
	return memcmp(cur, val, reg->size) ? -EPERM : 0;
}

static int put_regs(struct gdbstub *g, const struct cpu_state *s)
{
	if (ioctl(g->vcpu->fd, KVM_SET_REGS, &s->regs) < 0)
		return -errno;
	return 0;
}

/* ---- memory, by linear address ------------------------------------------ */

/*
 * The host bytes behind linear [@addr, + at most @len), within one page:
 * KVM_TRANSLATE walks the guest's own page tables when paging is on
 * (identity when it is off). NULL if unmapped or not RAM.
 */
static uint8_t *map_linear(struct gdbstub *g, uint64_t addr, size_t *len)
{
	struct kvm_translation tr = { .linear_address = addr };
	size_t room = PAGE_SIZE - (addr & (PAGE_SIZE - 1));

	if (*len > room)
		*len = room;
	if (ioctl(g->vcpu->fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
		return NULL;
	return vm_gpa_to_hva(g->vcpu->vm, tr.physical_address, *len);
}

/* Bytes copied (up to the first unreadable one), for 'm' and watches. */
static size_t read_linear(struct gdbstub *g, uint64_t addr, uint8_t *buf,
			  size_t len)
{
	size_t done = 0, n;
	uint8_t *p;

	while (done < len) {
		n = len - done;
		p = map_linear(g, addr + done, &n);
		if (!p)
			break;
		memcpy(buf + done, p, n);
		gdb_breaks_mask(&g->br, p, buf + done, n);
		done += n;
	}
	return done;
}

/* All or nothing: every page is checked before a byte is written. */
static int write_linear(struct gdbstub *g, uint64_t addr,
			const uint8_t *buf, size_t len)
{
	size_t done = 0, n;
	uint8_t *p;

	while (done < len) {
		n = len - done;
		if (!map_linear(g, addr + done, &n))
			return -EFAULT;
		done += n;
	}
	for (done = 0; done < len; done += n) {
		n = len - done;
		p = map_linear(g, addr + done, &n);
		memcpy(p, buf + done, n);
		gdb_breaks_rewrite(&g->br, p, n);
	}
	return 0;
}

/* struct gdb_mem's map: all of [@addr, +@len) or NULL. */
static uint8_t *mem_map(void *priv, uint64_t addr, size_t len)
{
	size_t n = len;
	uint8_t *p = map_linear(priv, addr, &n);

	return n == len ? p : NULL;
}

/* ---- stop replies and resuming ------------------------------------------ */

static int send_stop(struct gdbstub *g, int sig, const char *why,
		     uint64_t addr)
{
	gdb_rsp_buf_init(&g->reply);
	gdb_rsp_buf_str(&g->reply, "T");
	gdb_rsp_buf_le(&g->reply, sig, 1);
	if (why) {
		gdb_rsp_buf_str(&g->reply, why);
		gdb_rsp_buf_str(&g->reply, ":");
		if (!strcmp(why, "watch") || !strcmp(why, "awatch"))
			gdb_rsp_buf_num(&g->reply, addr);
		gdb_rsp_buf_str(&g->reply, ";");
	}
	gdb_rsp_buf_str(&g->reply, "thread:1;");
	return send_reply(g);
}

/* Is the guest to run one instruction at a time? */
static bool stepping(const struct gdbstub *g)
{
	return g->run == GDB_RUN_STEP || g->lifting ||
	       (g->run == GDB_RUN_CONTINUE && gdb_breaks_stepping(&g->br));
}

/*
 * Tell KVM how to run the guest: the native breakpoints, single-step
 * while something needs checking after each instruction, and the
 * guest's own #BP or #DB passed on to it.
 */
static int set_debug(struct gdbstub *g)
{
	struct kvm_guest_debug dbg;

	memset(&dbg, 0, sizeof(dbg));
	if (g->run != GDB_RUN_FREE) {
		dbg.control = KVM_GUESTDBG_ENABLE | g->inject;
		gdb_breaks_debug(&g->br, &dbg);
	} else if (g->inject) {
		dbg.control = KVM_GUESTDBG_ENABLE | g->inject;
	}
	g->inject = 0;
	if (stepping(g))
		dbg.control |= KVM_GUESTDBG_SINGLESTEP;
	if (ioctl(g->vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		int err = -errno;

		pr_err("gdb: KVM_SET_GUEST_DEBUG: %s", strerror(-err));
		return err;
	}
	return 0;
}

/* ---- the session --------------------------------------------------------- */

static int reply_regs(struct gdbstub *g, const struct cpu_state *s)
{
	uint8_t v[16];
	unsigned int i;

	gdb_rsp_buf_init(&g->reply);
	for (i = 0; i < g->nr_regs; i++) {
		reg_value(s, &g->regs[i], v);
		gdb_rsp_buf_reg(&g->reply, v, g->regs[i].size);
	}
	return send_reply(g);
}

static int write_regs(struct gdbstub *g, struct cpu_state *s,
		      const uint8_t *pkt, size_t len)
{
	static uint8_t bytes[GDB_RSP_MAX_PACKET / 2];
	unsigned int i, need = gdb_target_g_size(g->mode);
	struct cpu_state t = *s;
	int err;

	if (len - 1 != 2 * (size_t)need ||
	    gdb_rsp_unhex(pkt + 1, len - 1, bytes, need))
		return -EINVAL;
	for (i = 0; i < g->nr_regs; i++) {
		err = reg_set(&t, &g->regs[i], bytes + g->regs[i].offset);
		if (err)
			return err;
	}
	*s = t;
	return put_regs(g, s);
}

static int one_reg(struct gdbstub *g, struct cpu_state *s,
		   const uint8_t *pkt, size_t len, bool write)
{
	struct gdb_rsp_reg w;
	unsigned int regno;
	uint8_t v[16];
	int err;

	if (write) {
		err = gdb_rsp_parse_write_reg(pkt, len, &w);
		if (err)
			return err;
		if (w.regno >= g->nr_regs || w.size != g->regs[w.regno].size)
			return -EINVAL;
		err = reg_set(s, &g->regs[w.regno], w.value);
		return err ? err : put_regs(g, s);
	}
	err = gdb_rsp_parse_read_reg(pkt, len, &regno);
	if (err || regno >= g->nr_regs)
		return err ? err : -EINVAL;
	reg_value(s, &g->regs[regno], v);
	gdb_rsp_buf_init(&g->reply);
	gdb_rsp_buf_reg(&g->reply, v, g->regs[regno].size);
	return send_reply(g) ? -EPIPE : 1;
}

static int read_mem(struct gdbstub *g, const uint8_t *pkt, size_t len)
{
	static uint8_t buf[GDB_RSP_MAX_PACKET / 2];
	struct gdb_rsp_mem m;
	size_t n;
	int err;

	err = gdb_rsp_parse_read_mem(pkt, len, &m);
	if (err)
		return err;
	if (m.len > sizeof(buf))
		m.len = sizeof(buf);
	n = read_linear(g, m.addr, buf, m.len);
	if (!n && m.len)
		return -EFAULT;
	gdb_rsp_buf_init(&g->reply);
	gdb_rsp_buf_hex(&g->reply, buf, n);
	return send_reply(g) ? -EPIPE : 1;
}

static int write_mem(struct gdbstub *g, const uint8_t *pkt, size_t len,
		     bool binary)
{
	static uint8_t buf[GDB_RSP_MAX_PACKET / 2];
	struct gdb_rsp_mem m;
	int err;

	err = binary ? gdb_rsp_parse_write_mem_bin(pkt, len, &m) :
	      gdb_rsp_parse_write_mem(pkt, len, &m, buf, sizeof(buf));
	if (err)
		return err;
	err = write_linear(g, m.addr, m.data, m.len);
	if (!err)
		gdb_breaks_snapshot(&g->br, &g->mem);
	return err;
}

static int z_packet(struct gdbstub *g, const uint8_t *pkt, size_t len)
{
	struct gdb_rsp_break b;
	int err;

	err = gdb_rsp_parse_break(pkt, len, &b);
	if (err)
		return err;
	if (!b.insert) {
		gdb_breaks_remove(&g->br, b.type, b.addr, b.kind);
		return 0;
	}
	err = gdb_breaks_insert(&g->br, &g->mem, b.type, b.addr, b.kind);
	/* gdb's own message is generic: say why here. */
	if (err == -EOPNOTSUPP && b.type == GDB_RSP_WATCH_READ)
		pr_warn("gdb: read watchpoints (rwatch) are not supported: x86 debug registers cannot tell a read from a write; use awatch where this KVM has them");
	else if (err == -EOPNOTSUPP && b.type == GDB_RSP_WATCH_ACCESS)
		pr_warn("gdb: access watchpoints (awatch) need debug registers, and this KVM's do not fire (simvmm probe); watch, which single-steps, works");
	else if (err == -EINVAL && b.type == GDB_RSP_WATCH_ACCESS)
		pr_warn("gdb: a debug register watches 1, 2, 4 or 8 bytes aligned to their size, not %u bytes at 0x%llx",
			b.kind, (unsigned long long)b.addr);
	else if (err == -ENOSPC)
		pr_warn("gdb: no room for another %s: delete one",
			b.type <= GDB_RSP_BREAK_HW ? "breakpoint (64 at once)" :
			"watchpoint (8 at once, 4 of them by debug register)");
	return err;
}

static int xfer(struct gdbstub *g, const uint8_t *pkt, size_t len)
{
	struct gdb_rsp_xfer x;
	const char *doc;
	size_t doc_len;

	if (gdb_rsp_parse_xfer_features(pkt, len, &x))
		return -EINVAL;
	doc = gdb_target_xml(g->mode, &doc_len);
	gdb_rsp_buf_init(&g->reply);
	if (!doc || x.annex_len != 10 || memcmp(x.annex, "target.xml", 10))
		gdb_rsp_buf_error(&g->reply, -ENOENT);
	else
		gdb_rsp_xfer_slice(doc, doc_len, x.offset, x.length,
				   &g->reply);
	return send_reply(g) ? -EPIPE : 1;
}

/* A resume command: how to run, from where. */
static int resume(struct gdbstub *g, struct cpu_state *s,
		  const uint8_t *pkt, size_t len, enum gdb_rsp_cmd cmd)
{
	struct gdb_rsp_resume r;
	struct gdb_rsp_vcont vc;
	char act;
	int err;

	if (cmd == GDB_RSP_CMD_VCONT) {
		err = gdb_rsp_parse_vcont(pkt, len, &vc);
		if (err)
			return err;
		/* One thread: the first action is ours. */
		act = vc.act[0].action;
		if (act == 't')
			return -EINVAL;
		g->run = act == 's' || act == 'S' ? GDB_RUN_STEP :
			 GDB_RUN_CONTINUE;
	} else {
		err = gdb_rsp_parse_resume(pkt, len, &r);
		if (err)
			return err;
		if (r.has_addr) {
			struct gdb_reg pc = { .id = GDB_REG_RIP, .size = 8 };
			uint8_t v[8];
			unsigned int i;

			for (i = 0; i < 8; i++)
				v[i] = r.addr >> (8 * i);
			err = reg_set(s, &pc, v);
			if (!err)
				err = put_regs(g, s);
			if (err)
				return err;
		}
		g->run = r.step ? GDB_RUN_STEP : GDB_RUN_CONTINUE;
	}
	/* An int3 or register at the PC would stop it before it moves. */
	g->lifting = gdb_breaks_lift(&g->br, linear_pc(s));
	gdb_breaks_snapshot(&g->br, &g->mem);
	return 0;
}

static int reply_err(struct gdbstub *g, int err)
{
	gdb_rsp_buf_init(&g->reply);
	if (err == -EOPNOTSUPP)
		return send_reply(g);	/* empty: not supported */
	gdb_rsp_buf_error(&g->reply, err);
	return send_reply(g);
}

/*
 * Answer gdb until it resumes the guest, detaches or kills it. 0 to run
 * on (g->run says how), or -EPIPE/-ECANCELED/-errno.
 */
static int serve(struct gdbstub *g)
{
	const uint8_t *pkt;
	struct cpu_state s;
	enum gdb_rsp_cmd cmd;
	unsigned int feats;
	size_t len;
	int ev, err;

	err = get_state(g, &s);
	if (err) {
		pr_err("gdb: reading the vCPU's registers: %s", strerror(-err));
		return err;
	}
	for (;;) {
		ev = next_event(g, true);
		if (ev < 0)
			return ev;
		if (ev == GDB_RSP_INTERRUPT)
			continue;	/* already stopped */
		if (send_ack(g, '+'))
			return -EPIPE;
		pkt = gdb_rsp_payload(&g->rsp, &len);
		cmd = gdb_rsp_command(pkt, len);
		err = 0;
		switch (cmd) {
		case GDB_RSP_CMD_SUPPORTED:
			(void)gdb_rsp_parse_supported(pkt, len, &feats);
			err = send_str(g, "PacketSize=1000;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+");
			break;
		case GDB_RSP_CMD_START_NO_ACK:
			err = send_str(g, "OK");
			g->rsp.no_ack = true;
			break;
		case GDB_RSP_CMD_XFER_FEATURES:
			err = xfer(g, pkt, len);
			err = err > 0 ? 0 : reply_err(g, err);
			break;
		case GDB_RSP_CMD_HALT_REASON:
			err = send_stop(g, SIG_TRAP, NULL, 0);
			break;
		case GDB_RSP_CMD_READ_REGS:
			err = reply_regs(g, &s);
			break;
		case GDB_RSP_CMD_WRITE_REGS:
			err = write_regs(g, &s, pkt, len);
			err = err ? reply_err(g, err) : send_str(g, "OK");
			break;
		case GDB_RSP_CMD_READ_REG:
		case GDB_RSP_CMD_WRITE_REG:
			err = one_reg(g, &s, pkt, len,
				      cmd == GDB_RSP_CMD_WRITE_REG);
			err = err > 0 ? 0 : err ? reply_err(g, err) :
			      send_str(g, "OK");
			break;
		case GDB_RSP_CMD_READ_MEM:
			err = read_mem(g, pkt, len);
			err = err > 0 ? 0 : reply_err(g, err);
			break;
		case GDB_RSP_CMD_WRITE_MEM:
		case GDB_RSP_CMD_WRITE_MEM_BIN:
			err = write_mem(g, pkt, len,
					cmd == GDB_RSP_CMD_WRITE_MEM_BIN);
			err = err ? reply_err(g, err) : send_str(g, "OK");
			break;
		case GDB_RSP_CMD_INSERT_BREAK:
		case GDB_RSP_CMD_REMOVE_BREAK:
			err = z_packet(g, pkt, len);
			err = err ? reply_err(g, err) : send_str(g, "OK");
			break;
		case GDB_RSP_CMD_CONTINUE:
		case GDB_RSP_CMD_STEP:
		case GDB_RSP_CMD_VCONT:
			err = resume(g, &s, pkt, len, cmd);
			if (!err)
				return 0;
			err = reply_err(g, err);
			break;
		case GDB_RSP_CMD_VCONT_QUERY:
			err = send_str(g, "vCont;c;C;s;S");
			break;
		case GDB_RSP_CMD_SET_THREAD:
		case GDB_RSP_CMD_THREAD_ALIVE:
			err = send_str(g, "OK");
			break;
		case GDB_RSP_CMD_CURRENT_THREAD:
			err = send_str(g, "QC1");
			break;
		case GDB_RSP_CMD_THREAD_INFO_FIRST:
			err = send_str(g, "m1");
			break;
		case GDB_RSP_CMD_THREAD_INFO_NEXT:
			err = send_str(g, "l");
			break;
		case GDB_RSP_CMD_ATTACHED:
			err = send_str(g, "1");
			break;
		case GDB_RSP_CMD_DETACH:
			(void)send_str(g, "OK");
			pr_info("gdb: detached; the guest runs on");
			hang_up(g);
			g->run = GDB_RUN_FREE;
			return 0;
		case GDB_RSP_CMD_KILL:
			pr_info("gdb: killed the guest");
			hang_up(g);
			g->run = GDB_RUN_FREE;
			vm_request_stop(g->vcpu->vm, VM_STOP_SIGNAL, SIGKILL);
			return 0;
		default:
			err = send_str(g, "");
			break;
		}
		if (err)
			return -EPIPE;
	}
}

/* Hold the guest for gdb, then set KVM up for how it runs on. */
static int stop_and_serve(struct gdbstub *g)
{
	int err;

	g->run = GDB_RUN_STOPPED;
	err = serve(g);
	if (err == -EPIPE) {
		pr_warn("gdb: the connection closed; the guest runs on");
		hang_up(g);
		g->run = GDB_RUN_FREE;
		err = 0;
	} else if (err == -ECANCELED) {
		err = 0;	/* the VM is stopping: the loop sees it */
	}
	if (err)
		return err;
	return set_debug(g);
}

/* ---- the vCPU's debugger -------------------------------------------------- */

static int dbg_start(void *priv, struct vcpu *vcpu)
{
	struct gdbstub *g = priv;
	int err;

	(void)vcpu;
	err = accept_gdb(g);
	if (err == -ECANCELED) {
		/* Else the timeout's report reads as if the guest had run. */
		pr_warn("gdb: no gdb connected on %s; the guest never ran",
			g->where);
		return 0;
	}
	if (err)
		return err;
	return stop_and_serve(g);
}

/* The guest stopped for @why: tell gdb, then hold it for gdb. */
static int report_stop(struct gdbstub *g, int sig, const char *why,
		       uint64_t addr)
{
	if (send_stop(g, sig, why, addr)) {
		pr_warn("gdb: the connection closed; the guest runs on");
		hang_up(g);
		g->run = GDB_RUN_FREE;
		return set_debug(g);
	}
	return stop_and_serve(g);
}

static int dbg_debug_exit(void *priv, struct vcpu *vcpu)
{
	struct gdbstub *g = priv;
	const struct gdb_bp *bp;
	const struct gdb_wp *w;
	struct gdb_hit hit;
	struct cpu_state s;
	bool lifted = g->lifting;
	int err;

	if (g->run != GDB_RUN_CONTINUE && g->run != GDB_RUN_STEP)
		return set_debug(g);	/* a late exit after a detach */
	gdb_breaks_classify(&g->br, &g->mem, &vcpu->run->debug.arch,
			    stepping(g), &hit);
	if (lifted) {
		gdb_breaks_unlift(&g->br);
		g->lifting = false;
	}
	switch (hit.kind) {
	case GDB_HIT_BREAK:
		return report_stop(g, SIG_TRAP, "swbreak", 0);
	case GDB_HIT_HWBREAK:
		return report_stop(g, SIG_TRAP, "hwbreak", 0);
	case GDB_HIT_WATCH:
		return report_stop(g, SIG_TRAP, "watch", hit.addr);
	case GDB_HIT_AWATCH:
		return report_stop(g, SIG_TRAP, "awatch", hit.addr);
	case GDB_HIT_GUEST_BP:
		g->inject = KVM_GUESTDBG_INJECT_BP;
		return set_debug(g);
	case GDB_HIT_GUEST_DB:
		g->inject = KVM_GUESTDBG_INJECT_DB;
		return set_debug(g);
	case GDB_HIT_STEP:
		break;
	}
	err = get_state(g, &s);
	if (err)
		return err;
	w = gdb_breaks_changed(&g->br, &g->mem);
	if (w)
		return report_stop(g, SIG_TRAP, "watch", w->addr);
	if (g->run == GDB_RUN_STEP)
		return report_stop(g, SIG_TRAP, NULL, 0);
	/* Continuing by steps: stop on arriving at a breakpoint. */
	bp = gdb_breaks_step_hit(&g->br, linear_pc(&s));
	if (bp)
		return report_stop(g, SIG_TRAP, bp->hw ? "hwbreak" : "swbreak",
				   0);
	/* The step over a native breakpoint is done: put them back. */
	return lifted ? set_debug(g) : 0;
}

/* A kick: gdb's bytes (Ctrl-C, or it went away), or a spurious one. */
static int dbg_kicked(void *priv, struct vcpu *vcpu)
{
	struct gdbstub *g = priv;
	int ev;

	(void)vcpu;
	if (g->fd < 0 || g->run == GDB_RUN_STOPPED)
		return 0;
	for (;;) {
		ev = next_event(g, false);
		if (ev == GDB_RSP_INTERRUPT)
			return report_stop(g, SIG_INT, NULL, 0);
		if (ev == -EPIPE) {
			pr_warn("gdb: the connection closed; the guest runs on");
			hang_up(g);
			g->run = GDB_RUN_FREE;
			return set_debug(g);
		}
		if (ev <= 0)
			return 0;
		/* A packet while running is not gdb's way: drop it. */
	}
}

/* How the run ended, as gdb's W (exited) or X (killed by a signal). */
static void dbg_end(void *priv, struct vcpu *vcpu,
		    const struct vcpu_result *res)
{
	struct gdbstub *g = priv;
	char buf[8];
	int sig;

	(void)vcpu;
	if (g->fd < 0)
		return;
	switch (res->kind) {
	case VCPU_HALTED:
		snprintf(buf, sizeof(buf), "W00");
		break;
	case VCPU_GUEST_EXIT:
		snprintf(buf, sizeof(buf), "W%02x", res->code & 0xff);
		break;
	default:
		sig = res->kind == VCPU_SIGNAL ? (int)res->code :
		      res->kind == VCPU_TIMEOUT ? SIGALRM :
		      res->kind == VCPU_GUEST_REPORT ? SIGABRT :
		      res->kind == VCPU_DEVICE_ERROR ? SIGBUS : SIGSEGV;
		snprintf(buf, sizeof(buf), "X%02x", sig & 0xff);
		break;
	}
	(void)send_str(g, buf);
	hang_up(g);
}

static const struct vcpu_debugger gdbstub_debugger = {
	.start = dbg_start,
	.debug_exit = dbg_debug_exit,
	.kicked = dbg_kicked,
	.end = dbg_end,
};

void gdbstub_attach(struct gdbstub *g, struct vcpu *vcpu,
		    enum cpu_mode mode)
{
	g->vcpu = vcpu;
	g->mode = mode;
	gdb_breaks_init(&g->br, &g->caps);
	g->mem.map = mem_map;
	g->mem.priv = g;
	g->regs = gdb_target_regs(mode, &g->nr_regs);
	vcpu->dbg = &gdbstub_debugger;
	vcpu->dbg_priv = g;
}
