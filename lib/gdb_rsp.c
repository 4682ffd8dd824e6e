// SPDX-License-Identifier: GPL-2.0
/*
 * GDB Remote Serial Protocol packets: receive, frame, build replies and
 * parse commands, all in caller memory and bounded by GDB_RSP_MAX_PACKET,
 * so a hostile or broken peer costs at most a dropped packet.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "gdb_rsp.h"
#include "util.h"

enum rsp_state {
	RSP_IDLE,
	RSP_DATA,
	RSP_CSUM_HI,
	RSP_CSUM_LO,
};

static const char hex_digits[] = "0123456789abcdef";

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- receiver ---------------------------------------------------------- */

void gdb_rsp_reset(struct gdb_rsp *rsp)
{
	rsp->no_ack = false;
	rsp->state = RSP_IDLE;
	rsp->escape = false;
	rsp->oversize = false;
	rsp->sum = 0;
	rsp->csum_hi = 0;
	rsp->len = 0;
}

static void packet_start(struct gdb_rsp *rsp)
{
	rsp->state = RSP_DATA;
	rsp->escape = false;
	rsp->oversize = false;
	rsp->sum = 0;
	rsp->len = 0;
}

static enum gdb_rsp_event idle_byte(uint8_t c)
{
	switch (c) {
	case '+':
		return GDB_RSP_ACK;
	case '-':
		return GDB_RSP_NACK;
	case 0x03:
		return GDB_RSP_INTERRUPT;
	}
	return GDB_RSP_NONE;
}

/* The checksum covers the bytes as sent; the buffer gets them decoded. */
static void data_byte(struct gdb_rsp *rsp, uint8_t c)
{
	if (c == '#') {
		rsp->state = RSP_CSUM_HI;
		return;
	}
	rsp->sum += c;
	if (rsp->escape) {
		c ^= 0x20;
		rsp->escape = false;
	} else if (c == '}') {
		rsp->escape = true;
		return;
	}
	if (rsp->len < GDB_RSP_MAX_PACKET)
		rsp->buf[rsp->len++] = c;
	else
		rsp->oversize = true;
}

static enum gdb_rsp_event packet_end(struct gdb_rsp *rsp, uint8_t lo)
{
	int hi_val = hex_value(rsp->csum_hi), lo_val = hex_value(lo);
	enum gdb_rsp_event ev = GDB_RSP_PACKET;

	rsp->state = RSP_IDLE;
	if (hi_val < 0 || lo_val < 0 || (hi_val << 4 | lo_val) != rsp->sum)
		ev = GDB_RSP_BAD_CHECKSUM;
	else if (rsp->oversize)
		ev = GDB_RSP_OVERSIZE;
	else if (rsp->escape)
		ev = GDB_RSP_MALFORMED;
	if (ev != GDB_RSP_PACKET)
		rsp->len = 0;
	return ev;
}

static enum gdb_rsp_event rsp_byte(struct gdb_rsp *rsp, uint8_t c)
{
	/* Even in a checksum: a resent packet must not wait for a '#'. */
	if (c == '$') {
		packet_start(rsp);
		return GDB_RSP_NONE;
	}
	switch (rsp->state) {
	case RSP_DATA:
		data_byte(rsp, c);
		break;
	case RSP_CSUM_HI:
		rsp->csum_hi = c;
		rsp->state = RSP_CSUM_LO;
		break;
	case RSP_CSUM_LO:
		return packet_end(rsp, c);
	default:
		return idle_byte(c);
	}
	return GDB_RSP_NONE;
}

enum gdb_rsp_event gdb_rsp_feed(struct gdb_rsp *rsp, const uint8_t *buf,
				size_t len, size_t *used)
{
	enum gdb_rsp_event ev = GDB_RSP_NONE;
	size_t i;

	for (i = 0; i < len && ev == GDB_RSP_NONE; i++)
		ev = rsp_byte(rsp, buf[i]);
	*used = i;
	return ev;
}

const uint8_t *gdb_rsp_payload(const struct gdb_rsp *rsp, size_t *len)
{
	*len = rsp->len;
	return rsp->buf;
}

/* ---- sender ------------------------------------------------------------ */

static bool needs_escape(uint8_t c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

ssize_t gdb_rsp_frame(char *out, size_t cap, const void *payload,
		      size_t len)
{
	const uint8_t *p = payload;
	uint8_t sum = 0;
	size_t n = 0, i;

	if (cap > SSIZE_MAX)
		cap = SSIZE_MAX;
	if (cap < 4)
		return -ENOSPC;
	out[n++] = '$';
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];
		bool esc = needs_escape(c);

		/* This byte, escaped or not, and still room for "#xx". */
		if (cap - n < (esc ? 2u : 1u) + 3)
			return -ENOSPC;
		if (esc) {
			out[n++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[n++] = (char)c;
		sum += c;
	}
	out[n++] = '#';
	out[n++] = hex_digits[sum >> 4];
	out[n++] = hex_digits[sum & 0xf];
	return (ssize_t)n;
}

void gdb_rsp_buf_init(struct gdb_rsp_buf *b)
{
	b->len = 0;
	b->overflow = false;
}

/* Room for @n more bytes, or the overflow recorded. */
static int buf_room(struct gdb_rsp_buf *b, size_t n)
{
	if (n > sizeof(b->data) - b->len) {
		b->overflow = true;
		return -ENOSPC;
	}
	return 0;
}

int gdb_rsp_buf_mem(struct gdb_rsp_buf *b, const void *p, size_t n)
{
	if (buf_room(b, n))
		return -ENOSPC;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int gdb_rsp_buf_str(struct gdb_rsp_buf *b, const char *s)
{
	return gdb_rsp_buf_mem(b, s, strlen(s));
}

int gdb_rsp_buf_hex(struct gdb_rsp_buf *b, const void *p, size_t n)
{
	const uint8_t *q = p;
	size_t i;

	if (n > sizeof(b->data) / 2) {
		b->overflow = true;
		return -ENOSPC;
	}
	if (buf_room(b, 2 * n))
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		b->data[b->len++] = hex_digits[q[i] >> 4];
		b->data[b->len++] = hex_digits[q[i] & 0xf];
	}
	return 0;
}

int gdb_rsp_buf_num(struct gdb_rsp_buf *b, uint64_t v)
{
	char digits[16];
	size_t n = 0;

	do {
		digits[sizeof(digits) - ++n] = hex_digits[v & 0xf];
		v >>= 4;
	} while (v);
	return gdb_rsp_buf_mem(b, digits + sizeof(digits) - n, n);
}

int gdb_rsp_buf_le(struct gdb_rsp_buf *b, uint64_t v, unsigned int size)
{
	uint8_t bytes[8];
	unsigned int i;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	for (i = 0; i < size; i++)
		bytes[i] = (uint8_t)(v >> (8 * i));
	return gdb_rsp_buf_hex(b, bytes, size);
}

int gdb_rsp_buf_reg(struct gdb_rsp_buf *b, const void *le, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8 && size != 10)
		return -EINVAL;
	return gdb_rsp_buf_hex(b, le, size);
}

int gdb_rsp_buf_unavailable(struct gdb_rsp_buf *b, unsigned int size)
{
	if (buf_room(b, 2 * (size_t)size))
		return -ENOSPC;
	memset(b->data + b->len, 'x', 2 * (size_t)size);
	b->len += 2 * (size_t)size;
	return 0;
}

int gdb_rsp_buf_error(struct gdb_rsp_buf *b, int err)
{
	unsigned int v = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	char e[3] = { 'E', hex_digits[(v >> 4) & 0xf], hex_digits[v & 0xf] };

	return gdb_rsp_buf_mem(b, e, sizeof(e));
}

int gdb_rsp_buf_ok(struct gdb_rsp_buf *b)
{
	return gdb_rsp_buf_mem(b, "OK", 2);
}

/* ---- commands ---------------------------------------------------------- */

static const struct cmd_name {
	const char *name;
	bool prefix;		/* anything may follow the name */
	enum gdb_rsp_cmd cmd;
} cmd_names[] = {
	{ "?", false, GDB_RSP_CMD_HALT_REASON },
	{ "g", false, GDB_RSP_CMD_READ_REGS },
	{ "G", true, GDB_RSP_CMD_WRITE_REGS },
	{ "m", true, GDB_RSP_CMD_READ_MEM },
	{ "M", true, GDB_RSP_CMD_WRITE_MEM },
	{ "X", true, GDB_RSP_CMD_WRITE_MEM_BIN },
	{ "p", true, GDB_RSP_CMD_READ_REG },
	{ "P", true, GDB_RSP_CMD_WRITE_REG },
	{ "Z", true, GDB_RSP_CMD_INSERT_BREAK },
	{ "z", true, GDB_RSP_CMD_REMOVE_BREAK },
	{ "c", true, GDB_RSP_CMD_CONTINUE },
	{ "s", true, GDB_RSP_CMD_STEP },
	{ "H", true, GDB_RSP_CMD_SET_THREAD },
	{ "T", true, GDB_RSP_CMD_THREAD_ALIVE },
	{ "k", false, GDB_RSP_CMD_KILL },
	{ "D", false, GDB_RSP_CMD_DETACH },
	{ "D;", true, GDB_RSP_CMD_DETACH },
	{ "vCont;", true, GDB_RSP_CMD_VCONT },
	{ "vCont?", false, GDB_RSP_CMD_VCONT_QUERY },
	{ "vMustReplyEmpty", false, GDB_RSP_CMD_MUST_REPLY_EMPTY },
	{ "qSupported", false, GDB_RSP_CMD_SUPPORTED },
	{ "qSupported:", true, GDB_RSP_CMD_SUPPORTED },
	{ "qXfer:features:read:", true, GDB_RSP_CMD_XFER_FEATURES },
	{ "QStartNoAckMode", false, GDB_RSP_CMD_START_NO_ACK },
	{ "qAttached", false, GDB_RSP_CMD_ATTACHED },
	{ "qAttached:", true, GDB_RSP_CMD_ATTACHED },
	{ "qC", false, GDB_RSP_CMD_CURRENT_THREAD },
	{ "qfThreadInfo", false, GDB_RSP_CMD_THREAD_INFO_FIRST },
	{ "qsThreadInfo", false, GDB_RSP_CMD_THREAD_INFO_NEXT },
};

enum gdb_rsp_cmd gdb_rsp_command(const void *pkt, size_t len)
{
	unsigned int i;
	size_t n;

	for (i = 0; i < ARRAY_SIZE(cmd_names); i++) {
		n = strlen(cmd_names[i].name);
		if (len < n || memcmp(pkt, cmd_names[i].name, n))
			continue;
		if (len == n || cmd_names[i].prefix)
			return cmd_names[i].cmd;
	}
	return GDB_RSP_CMD_UNKNOWN;
}

/* The unread rest of a packet. */
struct cursor {
	const char *p;
	size_t left;
};

static void cur_init(struct cursor *c, const void *pkt, size_t len)
{
	c->p = pkt;
	c->left = len;
}

static void cur_skip(struct cursor *c, size_t n)
{
	c->p += n;
	c->left -= n;
}

static bool cur_eat(struct cursor *c, char ch)
{
	if (!c->left || *c->p != ch)
		return false;
	cur_skip(c, 1);
	return true;
}

static bool cur_eat_str(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	if (c->left < n || memcmp(c->p, s, n))
		return false;
	cur_skip(c, n);
	return true;
}

/* One or more hex digits (leading zeros allowed), at most @max. */
static int cur_hex(struct cursor *c, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t n = 0;
	int d;

	while (n < c->left && (d = hex_value((uint8_t)c->p[n])) >= 0) {
		if ((uint64_t)d > max || x > (max - d) / 16)
			return -EINVAL;
		x = x * 16 + d;
		n++;
	}
	if (!n)
		return -EINVAL;
	cur_skip(c, n);
	*v = x;
	return 0;
}

int gdb_rsp_unhex(const void *hex, size_t hex_len, uint8_t *out, size_t n)
{
	const uint8_t *h = hex;
	size_t i;

	if (n > SIZE_MAX / 2 || hex_len != 2 * n)
		return -EINVAL;
	/* All checked first, so a bad digit leaves @out untouched. */
	for (i = 0; i < hex_len; i++)
		if (hex_value(h[i]) < 0)
			return -EINVAL;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(hex_value(h[2 * i]) << 4 |
				   hex_value(h[2 * i + 1]));
	return 0;
}

/* "addr,len", the start of m, M and X. */
static int cur_addr_len(struct cursor *c, uint64_t *addr, uint64_t *len)
{
	if (cur_hex(c, UINT64_MAX, addr) || !cur_eat(c, ',') ||
	    cur_hex(c, UINT64_MAX, len))
		return -EINVAL;
	return 0;
}

/* [@addr, @addr + @len) does not wrap. */
static bool range_ok(uint64_t addr, uint64_t len)
{
	return !len || len - 1 <= UINT64_MAX - addr;
}

int gdb_rsp_parse_read_mem(const void *pkt, size_t len,
			   struct gdb_rsp_mem *out)
{
	struct cursor c;
	uint64_t addr, n;

	cur_init(&c, pkt, len);
	if (!cur_eat(&c, 'm') || cur_addr_len(&c, &addr, &n) || c.left)
		return -EINVAL;
	if (n > GDB_RSP_MAX_PACKET / 2)
		n = GDB_RSP_MAX_PACKET / 2;
	if (!range_ok(addr, n))
		return -EINVAL;
	out->addr = addr;
	out->len = n;
	out->data = NULL;
	return 0;
}

int gdb_rsp_parse_write_mem(const void *pkt, size_t len,
			    struct gdb_rsp_mem *out, uint8_t *buf, size_t cap)
{
	struct cursor c;
	uint64_t addr, n;

	cur_init(&c, pkt, len);
	if (!cur_eat(&c, 'M') || cur_addr_len(&c, &addr, &n) ||
	    !cur_eat(&c, ':'))
		return -EINVAL;
	if (n > GDB_RSP_MAX_PACKET / 2 || !range_ok(addr, n) ||
	    c.left != 2 * n)
		return -EINVAL;
	if (n > cap)
		return -ENOSPC;
	if (gdb_rsp_unhex(c.p, c.left, buf, n))
		return -EINVAL;
	out->addr = addr;
	out->len = n;
	out->data = buf;
	return 0;
}

int gdb_rsp_parse_write_mem_bin(const void *pkt, size_t len,
				struct gdb_rsp_mem *out)
{
	struct cursor c;
	uint64_t addr, n;

	cur_init(&c, pkt, len);
	if (!cur_eat(&c, 'X') || cur_addr_len(&c, &addr, &n) ||
	    !cur_eat(&c, ':'))
		return -EINVAL;
	if (n > GDB_RSP_MAX_PACKET || !range_ok(addr, n) || c.left != n)
		return -EINVAL;
	out->addr = addr;
	out->len = n;
	out->data = (const uint8_t *)c.p;
	return 0;
}

int gdb_rsp_parse_read_reg(const void *pkt, size_t len, unsigned int *regno)
{
	struct cursor c;
	uint64_t n;

	cur_init(&c, pkt, len);
	if (!cur_eat(&c, 'p') || cur_hex(&c, UINT_MAX, &n) || c.left)
		return -EINVAL;
	*regno = (unsigned int)n;
	return 0;
}

int gdb_rsp_parse_write_reg(const void *pkt, size_t len,
			    struct gdb_rsp_reg *out)
{
	struct cursor c;
	uint64_t n;
	size_t size;

	cur_init(&c, pkt, len);
	if (!cur_eat(&c, 'P') || cur_hex(&c, UINT_MAX, &n) ||
	    !cur_eat(&c, '='))
		return -EINVAL;
	size = c.left / 2;
	if (!size || size > GDB_RSP_MAX_REG_SIZE ||
	    gdb_rsp_unhex(c.p, c.left, out->value, size))
		return -EINVAL;
	out->regno = (unsigned int)n;
	out->size = (unsigned int)size;
	return 0;
}

int gdb_rsp_parse_break(const void *pkt, size_t len,
			struct gdb_rsp_break *out)
{
	uint64_t type, addr, kind;
	struct cursor c;
	bool insert;

	cur_init(&c, pkt, len);
	insert = cur_eat(&c, 'Z');
	if (!insert && !cur_eat(&c, 'z'))
		return -EINVAL;
	if (cur_hex(&c, GDB_RSP_WATCH_ACCESS, &type) || !cur_eat(&c, ',') ||
	    cur_hex(&c, UINT64_MAX, &addr) || !cur_eat(&c, ',') ||
	    cur_hex(&c, UINT32_MAX, &kind) || c.left)
		return -EINVAL;
	out->insert = insert;
	out->type = (enum gdb_rsp_break_type)type;
	out->addr = addr;
	out->kind = (uint32_t)kind;
	return 0;
}

int gdb_rsp_parse_resume(const void *pkt, size_t len,
			 struct gdb_rsp_resume *out)
{
	struct gdb_rsp_resume r = { 0 };
	struct cursor c;

	cur_init(&c, pkt, len);
	r.step = cur_eat(&c, 's');
	if (!r.step && !cur_eat(&c, 'c'))
		return -EINVAL;
	r.has_addr = c.left != 0;
	if (r.has_addr && (cur_hex(&c, UINT64_MAX, &r.addr) || c.left))
		return -EINVAL;
	*out = r;
	return 0;
}

/* One part of a thread-id: -1, or hex up to INT64_MAX. */
static int cur_thread_part(struct cursor *c, int64_t *v)
{
	uint64_t x;

	if (cur_eat(c, '-')) {
		if (!cur_eat(c, '1'))
			return -EINVAL;
		*v = GDB_RSP_THREAD_ALL;
		return 0;
	}
	if (cur_hex(c, INT64_MAX, &x))
		return -EINVAL;
	*v = (int64_t)x;
	return 0;
}

static int cur_thread(struct cursor *c, struct gdb_rsp_thread *t)
{
	struct gdb_rsp_thread r = { .tid = GDB_RSP_THREAD_ALL };

	if (cur_eat(c, 'p')) {
		r.has_pid = true;
		if (cur_thread_part(c, &r.pid))
			return -EINVAL;
		if (cur_eat(c, '.') && cur_thread_part(c, &r.tid))
			return -EINVAL;
	} else if (cur_thread_part(c, &r.tid)) {
		return -EINVAL;
	}
	*t = r;
	return 0;
}

int gdb_rsp_parse_set_thread(const void *pkt, size_t len, char *op,
			     struct gdb_rsp_thread *thread)
{
	struct gdb_rsp_thread t;
	struct cursor c;
	char o;

	cur_init(&c, pkt, len);
	if (!cur_eat(&c, 'H') || !c.left)
		return -EINVAL;
	o = *c.p;
	if (o != 'g' && o != 'c')
		return -EINVAL;
	cur_skip(&c, 1);
	if (cur_thread(&c, &t) || c.left)
		return -EINVAL;
	*op = o;
	*thread = t;
	return 0;
}

int gdb_rsp_parse_thread_alive(const void *pkt, size_t len,
			       struct gdb_rsp_thread *thread)
{
	struct gdb_rsp_thread t;
	struct cursor c;

	cur_init(&c, pkt, len);
	if (!cur_eat(&c, 'T') || cur_thread(&c, &t) || c.left)
		return -EINVAL;
	*thread = t;
	return 0;
}

/* One vCont action after its ';': c, s, t, or C/S and two hex digits. */
static int cur_vcont_action(struct cursor *c, struct gdb_rsp_vcont_action *a)
{
	if (!c->left)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->action = *c->p;
	switch (a->action) {
	case 'c':
	case 's':
	case 't':
		cur_skip(c, 1);
		break;
	case 'C':
	case 'S':
		cur_skip(c, 1);
		if (c->left < 2 || gdb_rsp_unhex(c->p, 2, &a->sig, 1))
			return -EINVAL;
		cur_skip(c, 2);
		break;
	default:
		return -EINVAL;
	}
	if (cur_eat(c, ':')) {
		a->has_thread = true;
		return cur_thread(c, &a->thread);
	}
	return 0;
}

int gdb_rsp_parse_vcont(const void *pkt, size_t len,
			struct gdb_rsp_vcont *out)
{
	struct gdb_rsp_vcont_action act[GDB_RSP_MAX_VCONT];
	unsigned int n = 0;
	struct cursor c;

	cur_init(&c, pkt, len);
	if (!cur_eat_str(&c, "vCont") || !c.left)
		return -EINVAL;
	while (c.left) {
		if (n == GDB_RSP_MAX_VCONT || !cur_eat(&c, ';') ||
		    cur_vcont_action(&c, &act[n]))
			return -EINVAL;
		n++;
	}
	memcpy(out->act, act, n * sizeof(act[0]));
	out->count = n;
	return 0;
}

int gdb_rsp_parse_xfer_features(const void *pkt, size_t len,
				struct gdb_rsp_xfer *out)
{
	uint64_t offset, length;
	const char *annex, *colon;
	struct cursor c;
	size_t n;

	cur_init(&c, pkt, len);
	if (!cur_eat_str(&c, "qXfer:features:read:"))
		return -EINVAL;
	colon = memchr(c.p, ':', c.left);
	if (!colon || colon == c.p)
		return -EINVAL;
	annex = c.p;
	n = colon - c.p;
	cur_skip(&c, n + 1);
	if (cur_hex(&c, UINT64_MAX, &offset) || !cur_eat(&c, ',') ||
	    cur_hex(&c, UINT64_MAX, &length) || c.left)
		return -EINVAL;
	out->annex = annex;
	out->annex_len = n;
	out->offset = offset;
	out->length = length;
	return 0;
}

int gdb_rsp_xfer_slice(const char *doc, size_t doc_len, uint64_t offset,
		       uint64_t length, struct gdb_rsp_buf *reply)
{
	/* What a reply holds after its 'm' or 'l'. */
	const uint64_t room = sizeof(reply->data) - 1;
	uint64_t left;

	gdb_rsp_buf_init(reply);
	if (offset > doc_len || (offset < doc_len && !length)) {
		gdb_rsp_buf_error(reply, EINVAL);
		return -EINVAL;
	}
	left = doc_len - offset;
	if (length > room)
		length = room;
	/* Exactly the rest is 'l' too: it saves gdb a round trip. */
	if (length >= left) {
		gdb_rsp_buf_str(reply, "l");
		gdb_rsp_buf_mem(reply, doc + offset, left);
	} else {
		gdb_rsp_buf_str(reply, "m");
		gdb_rsp_buf_mem(reply, doc + offset, length);
	}
	return 0;
}

/* The comma-separated @list (@n bytes) has @item as an element. */
static bool list_has(const char *list, size_t n, const char *item)
{
	size_t len = strlen(item), i = 0, end;

	while (i <= n) {
		end = i;
		while (end < n && list[end] != ',')
			end++;
		if (end - i == len && !memcmp(list + i, item, len))
			return true;
		i = end + 1;
	}
	return false;
}

static bool name_eq(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(p, name, n);
}

/* One qSupported feature, @n bytes: name+, name-, name? or name=value. */
static int supported_feature(const char *p, size_t n, unsigned int *feat)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} known[] = {
		{ "multiprocess", GDB_RSP_FEAT_MULTIPROCESS },
		{ "swbreak", GDB_RSP_FEAT_SWBREAK },
		{ "hwbreak", GDB_RSP_FEAT_HWBREAK },
		{ "vContSupported", GDB_RSP_FEAT_VCONT_SUPPORTED },
		{ "no-resumed", GDB_RSP_FEAT_NO_RESUMED },
	};
	const char *eq = memchr(p, '=', n);
	unsigned int i;
	size_t name_len;

	if (eq) {
		name_len = eq - p;
		if (!name_len)
			return -EINVAL;
		if (name_eq(p, name_len, "xmlRegisters") &&
		    list_has(eq + 1, n - name_len - 1, "i386"))
			*feat |= GDB_RSP_FEAT_XML_I386;
		return 0;
	}
	if (n < 2 || (p[n - 1] != '+' && p[n - 1] != '-' && p[n - 1] != '?'))
		return -EINVAL;
	if (p[n - 1] != '+')
		return 0;
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (name_eq(p, n - 1, known[i].name))
			*feat |= known[i].bit;
	return 0;
}

int gdb_rsp_parse_supported(const void *pkt, size_t len,
			    unsigned int *features)
{
	unsigned int feat = 0;
	const char *semi;
	struct cursor c;
	size_t n;

	cur_init(&c, pkt, len);
	if (!cur_eat_str(&c, "qSupported"))
		return -EINVAL;
	if (!c.left) {
		*features = 0;
		return 0;
	}
	if (!cur_eat(&c, ':'))
		return -EINVAL;
	/* Every item counts, so "qSupported:" has an empty, bad one. */
	do {
		semi = memchr(c.p, ';', c.left);
		n = semi ? (size_t)(semi - c.p) : c.left;
		if (supported_feature(c.p, n, &feat))
			return -EINVAL;
		cur_skip(&c, semi ? n + 1 : n);
	} while (semi);
	*features = feat;
	return 0;
}
