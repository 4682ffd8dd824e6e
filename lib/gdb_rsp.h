/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GDB Remote Serial Protocol's packet layer, with no I/O and no KVM:
 * a byte-fed receiver, framing, a bounded reply builder, and strict
 * parsers for the commands a stub answers. Payloads are counted bytes,
 * never NUL-terminated.
 */
#ifndef SIMVMM_GDB_RSP_H
#define SIMVMM_GDB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Payload bytes one packet may carry, either way: what qSupported
 * advertises as PacketSize (hex 1000). A framed reply needs at most
 * GDB_RSP_MAX_FRAME bytes.
 */
#define GDB_RSP_MAX_PACKET	4096
#define GDB_RSP_MAX_FRAME	(2 * GDB_RSP_MAX_PACKET + 4)
/* Largest register a 'P' packet may write (an AVX-512 zmm register). */
#define GDB_RSP_MAX_REG_SIZE	64
/* Actions one vCont packet may carry. */
#define GDB_RSP_MAX_VCONT	16

/* ---- receiver ---------------------------------------------------------- */

/* What gdb_rsp_feed() stopped at. */
enum gdb_rsp_event {
	GDB_RSP_NONE,		/* every byte used, no event yet */
	GDB_RSP_PACKET,		/* good packet: gdb_rsp_payload() */
	GDB_RSP_ACK,		/* '+' */
	GDB_RSP_NACK,		/* '-': resend the last reply */
	GDB_RSP_INTERRUPT,	/* 0x03 outside a packet: stop the target */
	GDB_RSP_BAD_CHECKSUM,	/* wrong or non-hex checksum: reply '-' */
	GDB_RSP_OVERSIZE,	/* over GDB_RSP_MAX_PACKET, dropped: '-' or E */
	GDB_RSP_MALFORMED,	/* '}' escapes the '#': reply '-' */
};

/*
 * Receiver state: zero-filled or gdb_rsp_reset() is ready to use.
 * Callers read and set only @no_ack.
 */
struct gdb_rsp {
	/*
	 * Set by the caller once it has answered QStartNoAckMode: from then
	 * on it sends no '+'/'-'. The receiver still checks checksums.
	 */
	bool no_ack;
	unsigned int state;
	bool escape;		/* the last payload byte was '}' */
	bool oversize;		/* payload bytes were dropped */
	uint8_t sum;		/* of the wire bytes since '$' */
	uint8_t csum_hi;	/* first checksum character */
	size_t len;
	uint8_t buf[GDB_RSP_MAX_PACKET];
};

/* Back to idle, in ack mode: a new connection, or a drop mid-packet. */
void gdb_rsp_reset(struct gdb_rsp *rsp);

/*
 * Consume @buf up to and including the byte that completes an event,
 * and return it (GDB_RSP_NONE once all @len bytes are used without one);
 * *@used is how many bytes were taken. Call again with the rest. Bytes
 * outside a packet other than '$', '+', '-' and 0x03 are skipped. A '$'
 * anywhere starts the packet over: gdb resends whole packets. '}' in a
 * payload escapes the next byte (XOR 0x20); '*' is literal, as gdb never
 * run-length encodes what it sends.
 *
 * One packet can have several faults; the event is the first of: bad
 * checksum, oversize, malformed. So the caller never acts on a packet
 * whose bytes it cannot trust.
 */
enum gdb_rsp_event gdb_rsp_feed(struct gdb_rsp *rsp, const uint8_t *buf,
				size_t len, size_t *used);

/* The payload after GDB_RSP_PACKET, until the next feed or reset. */
const uint8_t *gdb_rsp_payload(const struct gdb_rsp *rsp, size_t *len);

/* ---- sender ------------------------------------------------------------ */

/*
 * Frame @payload into @out: '$', the payload with '$', '#', '}' and '*'
 * sent as '}' and the byte XOR 0x20, '#', and the two lowercase hex
 * digits of the sum of the bytes sent between. Returns the framed length
 * (not NUL-terminated) or -ENOSPC when it does not fit in @cap.
 */
ssize_t gdb_rsp_frame(char *out, size_t cap, const void *payload,
		      size_t len);

/*
 * A reply payload, at most GDB_RSP_MAX_PACKET bytes. An append that does
 * not fit adds nothing, returns -ENOSPC and sets @overflow, which stays
 * set: check it once before sending.
 */
struct gdb_rsp_buf {
	size_t len;
	bool overflow;
	char data[GDB_RSP_MAX_PACKET];
};

void gdb_rsp_buf_init(struct gdb_rsp_buf *b);
/* Raw bytes (binary data, e.g. qXfer): framing escapes them. */
int gdb_rsp_buf_mem(struct gdb_rsp_buf *b, const void *p, size_t n);
int gdb_rsp_buf_str(struct gdb_rsp_buf *b, const char *s);
/* Two lowercase hex digits per byte, in memory order. */
int gdb_rsp_buf_hex(struct gdb_rsp_buf *b, const void *p, size_t n);
/* A number in hex, no leading zeros ("0" for zero): thread ids, PIDs. */
int gdb_rsp_buf_num(struct gdb_rsp_buf *b, uint64_t v);
/* @v's low @size bytes, little-endian; @size 1, 2, 4 or 8, else -EINVAL. */
int gdb_rsp_buf_le(struct gdb_rsp_buf *b, uint64_t v, unsigned int size);
/* A register held little-endian at @le: @size 1, 2, 4, 8 or 10 (x87). */
int gdb_rsp_buf_reg(struct gdb_rsp_buf *b, const void *le, unsigned int size);
/* A register the stub cannot read, in a 'g' reply: 2 * @size 'x'. */
int gdb_rsp_buf_unavailable(struct gdb_rsp_buf *b, unsigned int size);
/* "Enn": @err's magnitude (an errno value), low byte. */
int gdb_rsp_buf_error(struct gdb_rsp_buf *b, int err);
int gdb_rsp_buf_ok(struct gdb_rsp_buf *b);

/* ---- commands ---------------------------------------------------------- */

/* What a packet asks, by its letter or name; the stub switches on it. */
enum gdb_rsp_cmd {
	GDB_RSP_CMD_UNKNOWN,		/* reply empty: not supported */
	GDB_RSP_CMD_HALT_REASON,	/* ? */
	GDB_RSP_CMD_READ_REGS,		/* g */
	GDB_RSP_CMD_WRITE_REGS,		/* G hex: gdb_rsp_unhex() */
	GDB_RSP_CMD_READ_MEM,		/* m: gdb_rsp_parse_read_mem */
	GDB_RSP_CMD_WRITE_MEM,		/* M: gdb_rsp_parse_write_mem */
	GDB_RSP_CMD_WRITE_MEM_BIN,	/* X: gdb_rsp_parse_write_mem_bin */
	GDB_RSP_CMD_READ_REG,		/* p: gdb_rsp_parse_read_reg */
	GDB_RSP_CMD_WRITE_REG,		/* P: gdb_rsp_parse_write_reg */
	GDB_RSP_CMD_INSERT_BREAK,	/* Z: gdb_rsp_parse_break */
	GDB_RSP_CMD_REMOVE_BREAK,	/* z: gdb_rsp_parse_break */
	GDB_RSP_CMD_CONTINUE,		/* c: gdb_rsp_parse_resume */
	GDB_RSP_CMD_STEP,		/* s: gdb_rsp_parse_resume */
	GDB_RSP_CMD_SET_THREAD,		/* H: gdb_rsp_parse_set_thread */
	GDB_RSP_CMD_THREAD_ALIVE,	/* T: gdb_rsp_parse_thread_alive */
	GDB_RSP_CMD_KILL,		/* k */
	GDB_RSP_CMD_DETACH,		/* D, D;pid */
	GDB_RSP_CMD_VCONT,		/* vCont;...: gdb_rsp_parse_vcont */
	GDB_RSP_CMD_VCONT_QUERY,	/* vCont? */
	GDB_RSP_CMD_MUST_REPLY_EMPTY,	/* vMustReplyEmpty */
	GDB_RSP_CMD_SUPPORTED,		/* qSupported: gdb_rsp_parse_supported */
	GDB_RSP_CMD_XFER_FEATURES,	/* qXfer:features:read: */
	GDB_RSP_CMD_START_NO_ACK,	/* QStartNoAckMode */
	GDB_RSP_CMD_ATTACHED,		/* qAttached, qAttached:pid */
	GDB_RSP_CMD_CURRENT_THREAD,	/* qC */
	GDB_RSP_CMD_THREAD_INFO_FIRST,	/* qfThreadInfo */
	GDB_RSP_CMD_THREAD_INFO_NEXT,	/* qsThreadInfo */
};

/*
 * Classify @pkt by its letter, or for q, Q and v packets by the whole
 * name (so "qC" is not "qCRC"). Only says which parser applies: the
 * parser still checks the rest.
 */
enum gdb_rsp_cmd gdb_rsp_command(const void *pkt, size_t len);

/*
 * The parsers take the whole packet, letter included, and return 0 or
 * -EINVAL: wrong letter, a number missing or not hex, over its type,
 * or bytes left over. They read only @len bytes and leave *@out alone
 * on error.
 */

/* Exactly @n bytes from 2 * @n hex digits (either case) into @out. */
int gdb_rsp_unhex(const void *hex, size_t hex_len, uint8_t *out, size_t n);

/* m, M, X. @addr + @len does not wrap past 2^64. */
struct gdb_rsp_mem {
	uint64_t addr;
	size_t len;
	const uint8_t *data;	/* M, X: the bytes to write; m: NULL */
};

/*
 * m addr,len. A @len over GDB_RSP_MAX_PACKET / 2 is clamped to it, the
 * most whose hex fits a reply: gdb reads in PacketSize chunks and takes
 * a short reply as a partial read.
 */
int gdb_rsp_parse_read_mem(const void *pkt, size_t len,
			   struct gdb_rsp_mem *out);
/*
 * M addr,len:hex, exactly 2 * len digits, decoded into @buf (@cap bytes,
 * -ENOSPC if short). A @len over GDB_RSP_MAX_PACKET / 2 cannot have come
 * in one packet: -EINVAL.
 */
int gdb_rsp_parse_write_mem(const void *pkt, size_t len,
			    struct gdb_rsp_mem *out, uint8_t *buf, size_t cap);
/*
 * X addr,len:bytes, exactly len bytes (the receiver has unescaped them);
 * @out->data points into @pkt. A @len over GDB_RSP_MAX_PACKET: -EINVAL.
 * "X addr,0:" is how gdb probes for X: valid.
 */
int gdb_rsp_parse_write_mem_bin(const void *pkt, size_t len,
				struct gdb_rsp_mem *out);

/* p n: gdb's register number, the index into gdb_target_regs(). */
int gdb_rsp_parse_read_reg(const void *pkt, size_t len, unsigned int *regno);

/* P n=value: value is the register's bytes in target (little-endian) order. */
struct gdb_rsp_reg {
	unsigned int regno;
	unsigned int size;	/* 1 to GDB_RSP_MAX_REG_SIZE */
	uint8_t value[GDB_RSP_MAX_REG_SIZE];
};

int gdb_rsp_parse_write_reg(const void *pkt, size_t len,
			    struct gdb_rsp_reg *out);

/* Z and z types. */
enum gdb_rsp_break_type {
	GDB_RSP_BREAK_SW,	/* 0: kind is the breakpoint's length (1) */
	GDB_RSP_BREAK_HW,	/* 1 */
	GDB_RSP_WATCH_WRITE,	/* 2: kind is the watched length */
	GDB_RSP_WATCH_READ,	/* 3 */
	GDB_RSP_WATCH_ACCESS,	/* 4 */
};

struct gdb_rsp_break {
	bool insert;		/* Z, else z */
	enum gdb_rsp_break_type type;
	uint64_t addr;
	uint32_t kind;
};

/*
 * Z/z type,addr,kind. Conditions and commands (";...") are refused: the
 * stub does not advertise ConditionalBreakpoints or BreakpointCommands.
 */
int gdb_rsp_parse_break(const void *pkt, size_t len,
			struct gdb_rsp_break *out);

/*
 * A thread-id: "pPID.TID", "pPID" (meaning TID -1), or "TID". Each part
 * is hex, or -1 for all, 0 for any.
 */
#define GDB_RSP_THREAD_ALL	(-1)
#define GDB_RSP_THREAD_ANY	0

struct gdb_rsp_thread {
	bool has_pid;
	int64_t pid;
	int64_t tid;
};

/* c [addr], s [addr]. */
struct gdb_rsp_resume {
	bool step;
	bool has_addr;
	uint64_t addr;
};

int gdb_rsp_parse_resume(const void *pkt, size_t len,
			 struct gdb_rsp_resume *out);

/* H op thread-id; @op is 'g' (registers, memory) or 'c' (resume). */
int gdb_rsp_parse_set_thread(const void *pkt, size_t len, char *op,
			     struct gdb_rsp_thread *thread);

/* T thread-id. */
int gdb_rsp_parse_thread_alive(const void *pkt, size_t len,
			       struct gdb_rsp_thread *thread);

/* vCont;action[:thread-id]... */
struct gdb_rsp_vcont_action {
	char action;		/* 'c', 's', 'C', 'S' or 't' */
	uint8_t sig;		/* C and S: the signal to deliver */
	bool has_thread;	/* without one, the action is the default */
	struct gdb_rsp_thread thread;
};

struct gdb_rsp_vcont {
	unsigned int count;	/* 1 to GDB_RSP_MAX_VCONT */
	struct gdb_rsp_vcont_action act[GDB_RSP_MAX_VCONT];
};

/*
 * vCont;... with C and S taking exactly two hex digits. 'r' (range step)
 * is refused: the stub does not offer it in its vCont? reply.
 */
int gdb_rsp_parse_vcont(const void *pkt, size_t len,
			struct gdb_rsp_vcont *out);

/* qXfer:features:read:annex:offset,length; @annex points into @pkt. */
struct gdb_rsp_xfer {
	const char *annex;	/* not NUL-terminated */
	size_t annex_len;	/* at least 1 */
	uint64_t offset;
	uint64_t length;
};

int gdb_rsp_parse_xfer_features(const void *pkt, size_t len,
				struct gdb_rsp_xfer *out);

/*
 * Answer a qXfer read of @doc: "m" and data if more follows, "l" and the
 * last data, "l" alone at the end, "E16" (EINVAL) for an offset past it.
 * @length is clamped to what a reply holds; a zero @length before the
 * end is also E16, since an 'm' must carry data. Returns 0 for data,
 * -EINVAL for an error reply; @reply is always ready to send.
 */
int gdb_rsp_xfer_slice(const char *doc, size_t doc_len, uint64_t offset,
		       uint64_t length, struct gdb_rsp_buf *reply);

/* gdb's qSupported features the stub cares about, when '+'. */
#define GDB_RSP_FEAT_MULTIPROCESS	(1u << 0)
#define GDB_RSP_FEAT_SWBREAK		(1u << 1)
#define GDB_RSP_FEAT_HWBREAK		(1u << 2)
#define GDB_RSP_FEAT_VCONT_SUPPORTED	(1u << 3)
#define GDB_RSP_FEAT_NO_RESUMED		(1u << 4)
/* xmlRegisters=...: the list names i386. */
#define GDB_RSP_FEAT_XML_I386		(1u << 5)

/*
 * qSupported or qSupported:feature;feature... where a feature is
 * name+, name-, name? or name=value. Unknown names are ignored, as the
 * protocol asks. On -EINVAL (a malformed list) the stub can still answer
 * with its own features.
 */
int gdb_rsp_parse_supported(const void *pkt, size_t len,
			    unsigned int *features);

#endif /* SIMVMM_GDB_RSP_H */
