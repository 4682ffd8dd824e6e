// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the GDB remote protocol layer (lib/gdb_rsp.c). The first
 * input byte seeds chunk sizes; the rest is what "gdb" sends. It goes
 * through one receiver in those chunks, one in a single feed, and a
 * reference scanner written here with memchr-style searching instead of
 * a state machine. Invariants: all three see the same events at the same
 * offsets with the same payloads; a payload fits GDB_RSP_MAX_PACKET and
 * frames back to itself; every parser, on every payload and on the raw
 * stream, reads only its bytes (exact-size copies, for ASan), succeeds
 * only on its own command and stays within its documented bounds.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "gdb_rsp.h"
#include "gdb_target.h"
#include "util.h"

/* Chunk sizes 1 to 64 from xorshift32: never zero once seeded. */
static size_t next_chunk(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return 1 + *s % 64;
}

static int ref_hex(uint8_t c)
{
	if (!isxdigit(c))
		return -1;
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* What the packet with wire bytes @raw and checksum @h @l must give. */
static enum gdb_rsp_event ref_classify(const uint8_t *raw, size_t n,
				       uint8_t h, uint8_t l, uint8_t *out,
				       size_t *out_len)
{
	unsigned int sum = 0;
	bool esc = false;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		sum += raw[i];
	if (ref_hex(h) < 0 || ref_hex(l) < 0 ||
	    (unsigned int)(ref_hex(h) * 16 + ref_hex(l)) != (sum & 0xff))
		return GDB_RSP_BAD_CHECKSUM;
	for (i = 0; i < n; i++) {
		if (!esc && raw[i] == '}') {
			esc = true;
			continue;
		}
		if (k < GDB_RSP_MAX_PACKET)
			out[k] = esc ? raw[i] ^ 0x20 : raw[i];
		k++;
		esc = false;
	}
	if (k > GDB_RSP_MAX_PACKET)
		return GDB_RSP_OVERSIZE;
	if (esc)
		return GDB_RSP_MALFORMED;
	*out_len = k;
	return GDB_RSP_PACKET;
}

/*
 * The next event in @d from *@pos: a packet is '$', bytes with no '$'
 * or '#', '#', two bytes that are not '$'; any '$' starts over.
 */
static enum gdb_rsp_event ref_next(const uint8_t *d, size_t size, size_t *pos,
				   uint8_t *out, size_t *out_len)
{
	size_t i = *pos, j;
	uint8_t c;

	while (i < size) {
		c = d[i++];
		if (c == '+' || c == '-' || c == 0x03) {
			*pos = i;
			return c == '+' ? GDB_RSP_ACK :
			       c == '-' ? GDB_RSP_NACK : GDB_RSP_INTERRUPT;
		}
		if (c != '$')
			continue;
		for (j = i; j < size && d[j] != '#' && d[j] != '$'; j++)
			;
		if (j < size && d[j] == '$') {
			i = j;
			continue;
		}
		if (j + 1 < size && d[j + 1] == '$') {
			i = j + 1;
			continue;
		}
		if (j + 2 < size && d[j + 2] == '$') {
			i = j + 2;
			continue;
		}
		if (j + 2 >= size)
			break;
		*pos = j + 3;
		return ref_classify(d + i, j - i, d[j + 1], d[j + 2], out,
				    out_len);
	}
	*pos = size;
	return GDB_RSP_NONE;
}

/* Feed from *@pos to the next event, in chunks from @seed or (NULL) whole. */
static enum gdb_rsp_event next_event(struct gdb_rsp *rsp, const uint8_t *d,
				     size_t size, size_t *pos, uint32_t *seed)
{
	enum gdb_rsp_event ev = GDB_RSP_NONE;
	size_t n, used, chunk;

	while (ev == GDB_RSP_NONE && *pos < size) {
		n = size - *pos;
		chunk = seed ? next_chunk(seed) : n;
		if (n > chunk)
			n = chunk;
		used = n + 1;
		ev = gdb_rsp_feed(rsp, d + *pos, n, &used);
		FUZZ_CHECK(used <= n);
		FUZZ_CHECK(ev == GDB_RSP_NONE ? used == n : used >= 1);
		FUZZ_CHECK(ev <= GDB_RSP_MALFORMED);
		*pos += used;
	}
	return ev;
}

/*
 * @f is a frame gdb reads as sent: between '$' and '#', no '$', '#' or
 * '*' (gdb's run-length marker), and '}' only before an escaped one.
 */
static void check_frame(const char *f, size_t n)
{
	size_t i;

	FUZZ_CHECK(n >= 4 && f[0] == '$' && f[n - 3] == '#');
	FUZZ_CHECK(isxdigit((uint8_t)f[n - 2]) && !isupper((uint8_t)f[n - 2]));
	FUZZ_CHECK(isxdigit((uint8_t)f[n - 1]) && !isupper((uint8_t)f[n - 1]));
	for (i = 1; i < n - 3; i++) {
		FUZZ_CHECK(!memchr("$#*", f[i], 3));
		if (f[i] != '}')
			continue;
		i++;
		FUZZ_CHECK(i < n - 3 && memchr("\x03\x04\x0a]", f[i], 4));
	}
}

/* Framing @p and feeding it back gives @p, and framing is tight. */
static void check_round_trip(const void *p, size_t len)
{
	static char out[GDB_RSP_MAX_FRAME];
	static struct gdb_rsp rsp;
	const uint8_t *got;
	size_t used, got_len;
	ssize_t n;

	n = gdb_rsp_frame(out, sizeof(out), p, len);
	FUZZ_CHECK(n >= (ssize_t)len + 4 && n <= 2 * (ssize_t)len + 4);
	FUZZ_CHECK(gdb_rsp_frame(out, (size_t)n - 1, p, len) == -ENOSPC);
	n = gdb_rsp_frame(out, (size_t)n, p, len);
	check_frame(out, (size_t)n);
	gdb_rsp_reset(&rsp);
	FUZZ_CHECK(gdb_rsp_feed(&rsp, (const uint8_t *)out, (size_t)n,
				&used) == GDB_RSP_PACKET);
	FUZZ_CHECK(used == (size_t)n);
	got = gdb_rsp_payload(&rsp, &got_len);
	FUZZ_CHECK(got_len == len && !memcmp(got, p, len));
}

/* @hex (2 * @n digits, any case) is @bytes in lowercase hex. */
static bool hex_matches(const uint8_t *hex, const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++)
		if (tolower(hex[2 * i]) != digits[bytes[i] >> 4] ||
		    tolower(hex[2 * i + 1]) != digits[bytes[i] & 0xf])
			return false;
	return true;
}

/* The reply to a qXfer read, against the docs' rules. */
static void check_slice(const char *doc, size_t doc_len, uint64_t off,
			uint64_t len)
{
	struct gdb_rsp_buf b;
	size_t n;
	int err;

	err = gdb_rsp_xfer_slice(doc, doc_len, off, len, &b);
	FUZZ_CHECK(!b.overflow && b.len >= 1 && b.len <= GDB_RSP_MAX_PACKET);
	if (off > doc_len || (off < doc_len && !len)) {
		FUZZ_CHECK(err == -EINVAL);
		FUZZ_CHECK(b.len == 3 && !memcmp(b.data, "E16", 3));
		return;
	}
	FUZZ_CHECK(err == 0);
	n = b.len - 1;
	FUZZ_CHECK(n <= len && off + n <= doc_len);
	FUZZ_CHECK(!memcmp(b.data + 1, doc + off, n));
	if (b.data[0] == 'l') {
		FUZZ_CHECK(off + n == doc_len);
	} else {
		FUZZ_CHECK(b.data[0] == 'm' && n >= 1 && off + n < doc_len);
		FUZZ_CHECK(n == GDB_RSP_MAX_PACKET - 1 || n == len);
	}
}

static void check_thread(const struct gdb_rsp_thread *t)
{
	FUZZ_CHECK(t->tid >= -1);
	FUZZ_CHECK(!t->has_pid || t->pid >= -1);
}

static void check_mem(const uint8_t *p, size_t len, enum gdb_rsp_cmd cmd)
{
	static uint8_t buf[GDB_RSP_MAX_PACKET / 2];
	struct gdb_rsp_mem m;

	if (!gdb_rsp_parse_read_mem(p, len, &m)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_READ_MEM);
		FUZZ_CHECK(m.len <= GDB_RSP_MAX_PACKET / 2 && !m.data);
		FUZZ_CHECK(!m.len || m.len - 1 <= UINT64_MAX - m.addr);
	}
	if (!gdb_rsp_parse_write_mem(p, len, &m, buf, sizeof(buf))) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_WRITE_MEM);
		FUZZ_CHECK(m.len <= GDB_RSP_MAX_PACKET / 2 && m.data == buf);
		FUZZ_CHECK(!m.len || m.len - 1 <= UINT64_MAX - m.addr);
		FUZZ_CHECK(len > 2 * m.len && p[len - 2 * m.len - 1] == ':');
		FUZZ_CHECK(hex_matches(p + len - 2 * m.len, buf, m.len));
	}
	if (!gdb_rsp_parse_write_mem_bin(p, len, &m)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_WRITE_MEM_BIN);
		FUZZ_CHECK(m.len <= GDB_RSP_MAX_PACKET);
		FUZZ_CHECK(m.len < len && m.data == p + len - m.len);
		FUZZ_CHECK(!m.len || m.len - 1 <= UINT64_MAX - m.addr);
	}
}

static void check_regs_breaks(const uint8_t *p, size_t len,
			      enum gdb_rsp_cmd cmd)
{
	struct gdb_rsp_break br;
	struct gdb_rsp_reg r;
	unsigned int regno;

	if (!gdb_rsp_parse_read_reg(p, len, &regno))
		FUZZ_CHECK(cmd == GDB_RSP_CMD_READ_REG);
	if (!gdb_rsp_parse_write_reg(p, len, &r)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_WRITE_REG);
		FUZZ_CHECK(r.size >= 1 && r.size <= GDB_RSP_MAX_REG_SIZE);
		FUZZ_CHECK(len > 2 * r.size && p[len - 2 * r.size - 1] == '=');
		FUZZ_CHECK(hex_matches(p + len - 2 * r.size, r.value, r.size));
	}
	if (!gdb_rsp_parse_break(p, len, &br)) {
		FUZZ_CHECK(cmd == (br.insert ? GDB_RSP_CMD_INSERT_BREAK :
				   GDB_RSP_CMD_REMOVE_BREAK));
		FUZZ_CHECK(br.type <= GDB_RSP_WATCH_ACCESS);
	}
}

static void check_resume_threads(const uint8_t *p, size_t len,
				 enum gdb_rsp_cmd cmd)
{
	struct gdb_rsp_resume res;
	struct gdb_rsp_thread t;
	struct gdb_rsp_vcont v;
	unsigned int i;
	char op;

	if (!gdb_rsp_parse_resume(p, len, &res)) {
		FUZZ_CHECK(cmd == (res.step ? GDB_RSP_CMD_STEP :
				   GDB_RSP_CMD_CONTINUE));
		FUZZ_CHECK(res.has_addr == (len > 1));
	}
	if (!gdb_rsp_parse_set_thread(p, len, &op, &t)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_SET_THREAD);
		FUZZ_CHECK(op == 'g' || op == 'c');
		check_thread(&t);
	}
	if (!gdb_rsp_parse_thread_alive(p, len, &t)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_THREAD_ALIVE);
		check_thread(&t);
	}
	if (!gdb_rsp_parse_vcont(p, len, &v)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_VCONT);
		FUZZ_CHECK(v.count >= 1 && v.count <= GDB_RSP_MAX_VCONT);
		for (i = 0; i < v.count; i++) {
			FUZZ_CHECK(memchr("csCSt", v.act[i].action, 5));
			if (v.act[i].has_thread)
				check_thread(&v.act[i].thread);
		}
	}
}

static void check_queries(const uint8_t *p, size_t len, enum gdb_rsp_cmd cmd)
{
	const unsigned int known = GDB_RSP_FEAT_MULTIPROCESS |
		GDB_RSP_FEAT_SWBREAK | GDB_RSP_FEAT_HWBREAK |
		GDB_RSP_FEAT_VCONT_SUPPORTED | GDB_RSP_FEAT_NO_RESUMED |
		GDB_RSP_FEAT_XML_I386;
	struct gdb_rsp_xfer x;
	unsigned int feat;
	size_t xml_len, off, rest;
	const char *xml;

	if (!gdb_rsp_parse_xfer_features(p, len, &x)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_XFER_FEATURES);
		FUZZ_CHECK(x.annex_len >= 1);
		FUZZ_CHECK((const uint8_t *)x.annex >= p &&
			   (const uint8_t *)x.annex + x.annex_len < p + len);
		FUZZ_CHECK(!memchr(x.annex, ':', x.annex_len));
		xml = gdb_target_xml((enum cpu_mode)(x.annex_len % 4),
				     &xml_len);
		check_slice(xml, xml_len, x.offset, x.length);
		/* Near the end, where 'm' turns into 'l' and then E. */
		off = x.offset % (xml_len + 2);
		rest = off < xml_len ? xml_len - off : 0;
		check_slice(xml, xml_len, off, x.length % 5000);
		check_slice(xml, xml_len, off, rest);
		check_slice(xml, xml_len, off, rest + 1);
		if (rest)
			check_slice(xml, xml_len, off, rest - 1);
	}
	if (!gdb_rsp_parse_supported(p, len, &feat)) {
		FUZZ_CHECK(cmd == GDB_RSP_CMD_SUPPORTED);
		FUZZ_CHECK(!(feat & ~known));
	}
}

/* Which parsers accept @p, one bit each; qSupported is bit 0. */
static unsigned int accepted_by(const uint8_t *p, size_t len)
{
	static uint8_t buf[GDB_RSP_MAX_PACKET / 2];
	struct gdb_rsp_resume res;
	struct gdb_rsp_thread t;
	struct gdb_rsp_break br;
	struct gdb_rsp_vcont v;
	struct gdb_rsp_xfer x;
	struct gdb_rsp_mem m;
	struct gdb_rsp_reg r;
	unsigned int u, i, ok = 0;
	char op;
	const int err[] = {
		gdb_rsp_parse_supported(p, len, &u),
		gdb_rsp_parse_read_mem(p, len, &m),
		gdb_rsp_parse_write_mem(p, len, &m, buf, sizeof(buf)),
		gdb_rsp_parse_write_mem_bin(p, len, &m),
		gdb_rsp_parse_read_reg(p, len, &u),
		gdb_rsp_parse_write_reg(p, len, &r),
		gdb_rsp_parse_break(p, len, &br),
		gdb_rsp_parse_resume(p, len, &res),
		gdb_rsp_parse_set_thread(p, len, &op, &t),
		gdb_rsp_parse_thread_alive(p, len, &t),
		gdb_rsp_parse_vcont(p, len, &v),
		gdb_rsp_parse_xfer_features(p, len, &x),
	};

	for (i = 0; i < ARRAY_SIZE(err); i++)
		if (!err[i])
			ok |= 1u << i;
	return ok;
}

/*
 * Strict means whole: what a parser accepts, it rejects with one byte
 * more that no grammar allows at the end (a qSupported value may hold a
 * space, but never ends in ';').
 */
static void check_strict(const uint8_t *p, size_t len)
{
	unsigned int ok = accepted_by(p, len);
	uint8_t *q;

	if (!ok)
		return;
	q = malloc(len + 1);
	if (!q)
		return;
	memcpy(q, p, len);
	q[len] = ' ';
	FUZZ_CHECK(!(accepted_by(q, len + 1) & ok & ~1u));
	q[len] = ';';
	FUZZ_CHECK(!(accepted_by(q, len + 1) & ok & 1u));
	free(q);
}

/* Every parser on @len bytes copied to a buffer of exactly that size. */
static void check_parsers(const uint8_t *data, size_t len)
{
	enum gdb_rsp_cmd cmd;
	uint8_t *p;

	p = malloc(len ? len : 1);
	if (!p)
		return;
	memcpy(p, data, len);
	cmd = gdb_rsp_command(p, len);
	FUZZ_CHECK(cmd <= GDB_RSP_CMD_THREAD_INFO_NEXT);
	check_mem(p, len, cmd);
	check_regs_breaks(p, len, cmd);
	check_resume_threads(p, len, cmd);
	check_queries(p, len, cmd);
	check_strict(p, len);
	free(p);
}

/* A reply built from @p: bounded, and it frames back to itself. */
static void check_reply(const uint8_t *p, size_t len)
{
	static struct gdb_rsp_buf b;
	size_t before;

	gdb_rsp_buf_init(&b);
	gdb_rsp_buf_str(&b, "m");
	before = b.len;
	if (gdb_rsp_buf_hex(&b, p, len))
		FUZZ_CHECK(b.overflow && b.len == before &&
			   2 * len > GDB_RSP_MAX_PACKET - before);
	else
		FUZZ_CHECK(b.len == before + 2 * len);
	gdb_rsp_buf_num(&b, len);
	gdb_rsp_buf_mem(&b, p, len);
	FUZZ_CHECK(b.len <= GDB_RSP_MAX_PACKET);
	check_round_trip(b.data, b.len);
}

/* A packet both receivers and the reference agree on, checked through. */
static void check_packet(const struct gdb_rsp *a, const struct gdb_rsp *b,
			 const uint8_t *ref, size_t ref_len)
{
	const uint8_t *qa, *qb;
	size_t la, lb;

	qa = gdb_rsp_payload(a, &la);
	qb = gdb_rsp_payload(b, &lb);
	FUZZ_CHECK(la <= GDB_RSP_MAX_PACKET);
	FUZZ_CHECK(la == lb && la == ref_len);
	FUZZ_CHECK(!memcmp(qa, qb, la) && !memcmp(qa, ref, la));
	check_round_trip(qa, la);
	check_parsers(qa, la);
	check_reply(qa, la);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ref_buf[GDB_RSP_MAX_PACKET];
	static struct gdb_rsp a, b;
	size_t pa = 0, pb = 0, pr = 0, lr = 0;
	enum gdb_rsp_event ea, eb, er;
	uint32_t seed;

	if (!size)
		return 0;
	seed = 0x100u | data[0];
	data++;
	size--;
	gdb_rsp_reset(&a);
	gdb_rsp_reset(&b);
	do {
		ea = next_event(&a, data, size, &pa, &seed);
		eb = next_event(&b, data, size, &pb, NULL);
		er = ref_next(data, size, &pr, ref_buf, &lr);
		FUZZ_CHECK(ea == eb && eb == er);
		FUZZ_CHECK(pa == pb && pb == pr);
		if (ea == GDB_RSP_PACKET)
			check_packet(&a, &b, ref_buf, lr);
	} while (ea != GDB_RSP_NONE);
	FUZZ_CHECK(pa == size);

	/* The parsers straight on the input, unframed. */
	check_parsers(data, size < GDB_RSP_MAX_PACKET ? size :
			    GDB_RSP_MAX_PACKET);
	return 0;
}
