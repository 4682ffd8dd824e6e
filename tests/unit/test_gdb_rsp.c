// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the GDB remote protocol packet layer and target tables. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gdb_rsp.h"
#include "gdb_target.h"
#include "util.h"

/* "$payload#xx", checksum computed here, not by gdb_rsp_frame(). */
static size_t wire(char *out, size_t cap, const char *payload)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; payload[i]; i++)
		sum += (uint8_t)payload[i];
	return (size_t)snprintf(out, cap, "$%s#%02x", payload, sum & 0xff);
}

static enum gdb_rsp_event feed(struct gdb_rsp *rsp, const char *s,
			       size_t len, size_t *used)
{
	return gdb_rsp_feed(rsp, (const uint8_t *)s, len, used);
}

static void assert_payload(const struct gdb_rsp *rsp, const void *want,
			   size_t want_len)
{
	const uint8_t *p;
	size_t len;

	p = gdb_rsp_payload(rsp, &len);
	assert_int_equal(len, want_len);
	if (want_len)
		assert_memory_equal(p, want, want_len);
}

/* @s whole must be exactly one @ev, on its last byte. */
static void assert_one_event(const char *s, size_t len,
			     enum gdb_rsp_event ev)
{
	struct gdb_rsp rsp;
	size_t used;

	gdb_rsp_reset(&rsp);
	assert_int_equal(feed(&rsp, s, len, &used), ev);
	assert_int_equal(used, len);
}

/* ---- receiver ---------------------------------------------------------- */

static void test_feed_packet(void **state)
{
	struct gdb_rsp rsp;
	size_t used;

	(void)state;
	gdb_rsp_reset(&rsp);
	assert_int_equal(feed(&rsp, "$g#67", 5, &used), GDB_RSP_PACKET);
	assert_int_equal(used, 5);
	assert_payload(&rsp, "g", 1);
	assert_false(rsp.no_ack);
	/* An empty packet is a packet. */
	assert_int_equal(feed(&rsp, "$#00", 4, &used), GDB_RSP_PACKET);
	assert_payload(&rsp, "", 0);
	/* Either case of checksum digit. */
	assert_int_equal(feed(&rsp, "$qC#b4", 6, &used), GDB_RSP_PACKET);
	assert_int_equal(feed(&rsp, "$qC#B4", 6, &used), GDB_RSP_PACKET);
	assert_payload(&rsp, "qC", 2);
}

static void test_feed_byte_by_byte(void **state)
{
	const char *s = "$m1000,4#8e";
	struct gdb_rsp rsp;
	size_t i, used;

	(void)state;
	gdb_rsp_reset(&rsp);
	for (i = 0; i + 1 < strlen(s); i++) {
		assert_int_equal(feed(&rsp, s + i, 1, &used), GDB_RSP_NONE);
		assert_int_equal(used, 1);
	}
	assert_int_equal(feed(&rsp, s + i, 1, &used), GDB_RSP_PACKET);
	assert_payload(&rsp, "m1000,4", 7);
	/* No bytes, no event. */
	assert_int_equal(feed(&rsp, "", 0, &used), GDB_RSP_NONE);
	assert_int_equal(used, 0);
}

static void test_feed_two_packets(void **state)
{
	const char *s = "$g#67$?#3f";
	struct gdb_rsp rsp;
	size_t used;

	(void)state;
	gdb_rsp_reset(&rsp);
	assert_int_equal(feed(&rsp, s, 10, &used), GDB_RSP_PACKET);
	assert_int_equal(used, 5);
	assert_payload(&rsp, "g", 1);
	assert_int_equal(feed(&rsp, s + 5, 5, &used), GDB_RSP_PACKET);
	assert_int_equal(used, 5);
	assert_payload(&rsp, "?", 1);
}

static void test_feed_bad_checksum(void **state)
{
	struct gdb_rsp rsp;
	size_t used;

	(void)state;
	gdb_rsp_reset(&rsp);
	assert_int_equal(feed(&rsp, "$g#68", 5, &used), GDB_RSP_BAD_CHECKSUM);
	assert_int_equal(used, 5);
	assert_payload(&rsp, "", 0);
	/* The receiver recovers for the resent packet. */
	assert_int_equal(feed(&rsp, "$g#67", 5, &used), GDB_RSP_PACKET);
	/* No-ack mode still checks. */
	rsp.no_ack = true;
	assert_int_equal(feed(&rsp, "$g#76", 5, &used), GDB_RSP_BAD_CHECKSUM);
	assert_true(rsp.no_ack);
}

static void test_feed_nonhex_checksum(void **state)
{
	(void)state;
	assert_one_event("$g#6z", 5, GDB_RSP_BAD_CHECKSUM);
	assert_one_event("$g#z7", 5, GDB_RSP_BAD_CHECKSUM);
	assert_one_event("$g#-7", 5, GDB_RSP_BAD_CHECKSUM);
	assert_one_event("$g# 67", 5, GDB_RSP_BAD_CHECKSUM);
	assert_one_event("$g#\x03\x03", 5, GDB_RSP_BAD_CHECKSUM);
}

static void test_feed_oversize(void **state)
{
	static char payload[GDB_RSP_MAX_PACKET + 2];
	static char s[GDB_RSP_MAX_PACKET + 16];
	struct gdb_rsp rsp;
	size_t n, used;

	(void)state;
	gdb_rsp_reset(&rsp);
	memset(payload, 'a', GDB_RSP_MAX_PACKET);
	n = wire(s, sizeof(s), payload);
	assert_int_equal(feed(&rsp, s, n, &used), GDB_RSP_PACKET);
	assert_int_equal(used, n);
	assert_payload(&rsp, payload, GDB_RSP_MAX_PACKET);

	payload[GDB_RSP_MAX_PACKET] = 'a';
	n = wire(s, sizeof(s), payload);
	assert_int_equal(feed(&rsp, s, n, &used), GDB_RSP_OVERSIZE);
	assert_int_equal(used, n);
	assert_payload(&rsp, "", 0);
	assert_int_equal(feed(&rsp, "$g#67", 5, &used), GDB_RSP_PACKET);

	/* The limit is on decoded bytes: escapes do not count twice. */
	memset(payload, 0, sizeof(payload));
	memset(payload, 'a', GDB_RSP_MAX_PACKET - 1);
	memcpy(payload + GDB_RSP_MAX_PACKET - 1, "}]", 2);
	n = wire(s, sizeof(s), payload);
	assert_int_equal(feed(&rsp, s, n, &used), GDB_RSP_PACKET);
	assert_int_equal(rsp.len, GDB_RSP_MAX_PACKET);
	assert_int_equal(rsp.buf[GDB_RSP_MAX_PACKET - 1], '}');

	/* A bad checksum wins over oversize: the length is not trusted. */
	memset(payload, 'a', GDB_RSP_MAX_PACKET + 1);
	n = wire(s, sizeof(s), payload);
	s[n - 1] ^= 1;
	assert_int_equal(feed(&rsp, s, n, &used), GDB_RSP_BAD_CHECKSUM);
}

static void test_feed_escapes(void **state)
{
	const uint8_t want[] = { 'X', '#', '$', '}', '*', 0x00, 'z' };
	char s[64];
	struct gdb_rsp rsp;
	size_t n, used;

	(void)state;
	gdb_rsp_reset(&rsp);
	/* } then the byte XOR 0x20; a '}' escaped is ']' on the wire. */
	n = wire(s, sizeof(s), "X}\x03}\x04}]}\x0a} z");
	assert_int_equal(feed(&rsp, s, n, &used), GDB_RSP_PACKET);
	assert_payload(&rsp, want, sizeof(want));
	/* '*' and 0x03 inside a packet are data. */
	n = wire(s, sizeof(s), "a*\x03");
	assert_int_equal(feed(&rsp, s, n, &used), GDB_RSP_PACKET);
	assert_payload(&rsp, "a*\x03", 3);
}

static void test_feed_malformed(void **state)
{
	char s[32];
	size_t n;

	(void)state;
	/* The checksum is right, but '}' escapes nothing. */
	n = wire(s, sizeof(s), "X0,1:}");
	assert_one_event(s, n, GDB_RSP_MALFORMED);
	n = wire(s, sizeof(s), "}");
	assert_one_event(s, n, GDB_RSP_MALFORMED);
}

static void test_feed_restart(void **state)
{
	struct gdb_rsp rsp;
	size_t used;

	(void)state;
	gdb_rsp_reset(&rsp);
	/* A '$' in the payload or the checksum drops what came before. */
	assert_int_equal(feed(&rsp, "$m0,4$g#67", 10, &used), GDB_RSP_PACKET);
	assert_int_equal(used, 10);
	assert_payload(&rsp, "g", 1);
	assert_int_equal(feed(&rsp, "$m0,4#$g#67", 11, &used),
			 GDB_RSP_PACKET);
	assert_payload(&rsp, "g", 1);
	assert_int_equal(feed(&rsp, "$m0,4#8$g#67", 12, &used),
			 GDB_RSP_PACKET);
	assert_payload(&rsp, "g", 1);
	/* Even after an escape. */
	assert_int_equal(feed(&rsp, "$X}$g#67", 8, &used), GDB_RSP_PACKET);
	assert_payload(&rsp, "g", 1);
}

static void test_feed_interrupt(void **state)
{
	const char *s = "$g#67\x03$?#3f";
	struct gdb_rsp rsp;
	size_t used, off = 0;

	(void)state;
	gdb_rsp_reset(&rsp);
	assert_int_equal(feed(&rsp, s, 11, &used), GDB_RSP_PACKET);
	off += used;
	assert_int_equal(feed(&rsp, s + off, 11 - off, &used),
			 GDB_RSP_INTERRUPT);
	assert_int_equal(used, 1);
	off += used;
	assert_int_equal(feed(&rsp, s + off, 11 - off, &used),
			 GDB_RSP_PACKET);
	assert_payload(&rsp, "?", 1);
	assert_one_event("\x03", 1, GDB_RSP_INTERRUPT);
}

static void test_feed_ack_nack_garbage(void **state)
{
	struct gdb_rsp rsp;
	size_t used;

	(void)state;
	assert_one_event("+", 1, GDB_RSP_ACK);
	assert_one_event("-", 1, GDB_RSP_NACK);
	gdb_rsp_reset(&rsp);
	/* Garbage outside a packet is skipped, silently. */
	assert_int_equal(feed(&rsp, "xy#67\n+", 7, &used), GDB_RSP_ACK);
	assert_int_equal(used, 7);
	assert_int_equal(feed(&rsp, "garbage", 7, &used), GDB_RSP_NONE);
	assert_int_equal(used, 7);
	assert_int_equal(feed(&rsp, "+$g#67", 6, &used), GDB_RSP_ACK);
	assert_int_equal(used, 1);
	/* '+' and '-' inside a packet are data. */
	assert_int_equal(feed(&rsp, "$+-#58", 6, &used), GDB_RSP_PACKET);
	assert_payload(&rsp, "+-", 2);
}

static void test_feed_reset(void **state)
{
	struct gdb_rsp rsp;
	size_t used;

	(void)state;
	gdb_rsp_reset(&rsp);
	rsp.no_ack = true;
	assert_int_equal(feed(&rsp, "$m1000,", 7, &used), GDB_RSP_NONE);
	/* Disconnect: the half packet is gone and acks are back on. */
	gdb_rsp_reset(&rsp);
	assert_false(rsp.no_ack);
	assert_int_equal(feed(&rsp, "4#8e", 4, &used), GDB_RSP_NONE);
	assert_int_equal(feed(&rsp, "$g#67", 5, &used), GDB_RSP_PACKET);
	/* A zero-filled struct is as good as a reset one. */
	memset(&rsp, 0, sizeof(rsp));
	assert_int_equal(feed(&rsp, "$g#67", 5, &used), GDB_RSP_PACKET);
}

/* ---- sender ------------------------------------------------------------ */

static void test_frame(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(gdb_rsp_frame(out, sizeof(out), "g", 1), 5);
	assert_memory_equal(out, "$g#67", 5);
	assert_int_equal(gdb_rsp_frame(out, sizeof(out), NULL, 0), 4);
	assert_memory_equal(out, "$#00", 4);
	assert_int_equal(gdb_rsp_frame(out, sizeof(out), "OK", 2), 6);
	assert_memory_equal(out, "$OK#9a", 6);
	/* Escaped, and the checksum is over what is sent. */
	assert_int_equal(gdb_rsp_frame(out, sizeof(out), "$#}*", 4), 12);
	assert_memory_equal(out, "$}\x04}\x03}]}\x0a#", 10);
	assert_memory_equal(out + 10, "62", 2);
}

static void test_frame_nospc(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(gdb_rsp_frame(out, 3, NULL, 0), -ENOSPC);
	assert_int_equal(gdb_rsp_frame(out, 4, NULL, 0), 4);
	assert_int_equal(gdb_rsp_frame(out, 7, "OK", 2), 6);
	assert_int_equal(gdb_rsp_frame(out, 6, "OK", 2), 6);
	assert_int_equal(gdb_rsp_frame(out, 5, "OK", 2), -ENOSPC);
	assert_int_equal(gdb_rsp_frame(out, 5, "#", 1), -ENOSPC);
	assert_int_equal(gdb_rsp_frame(out, 6, "#", 1), 6);
}

/* Frame @p, feed the frame back, and expect exactly @p. */
static void round_trip(const uint8_t *p, size_t len)
{
	static char out[GDB_RSP_MAX_FRAME];
	struct gdb_rsp rsp;
	ssize_t n;
	size_t used;

	n = gdb_rsp_frame(out, sizeof(out), p, len);
	assert_true(n >= (ssize_t)len + 4);
	gdb_rsp_reset(&rsp);
	assert_int_equal(feed(&rsp, out, (size_t)n, &used), GDB_RSP_PACKET);
	assert_int_equal(used, (size_t)n);
	assert_payload(&rsp, p, len);
}

static void test_frame_round_trip(void **state)
{
	static uint8_t big[GDB_RSP_MAX_PACKET];
	uint8_t all[256];
	unsigned int i;

	(void)state;
	for (i = 0; i < 256; i++) {
		all[i] = (uint8_t)i;
		round_trip(&all[i], 1);
	}
	round_trip(all, sizeof(all));
	/* The worst case: every byte escaped, still one frame. */
	memset(big, '}', sizeof(big));
	round_trip(big, sizeof(big));
	memset(big, 0x03, sizeof(big));
	round_trip(big, sizeof(big));
}

/* ---- reply builder ------------------------------------------------------- */

static void assert_buf(const struct gdb_rsp_buf *b, const char *want)
{
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->data, want, b->len);
	assert_false(b->overflow);
}

static void test_buf(void **state)
{
	const uint8_t st0[10] = { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f };
	const uint8_t bytes[] = { 0x00, 0xab, 0x7f };
	struct gdb_rsp_buf b;

	(void)state;
	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_str(&b, "T05"), 0);
	assert_int_equal(gdb_rsp_buf_hex(&b, bytes, sizeof(bytes)), 0);
	assert_buf(&b, "T0500ab7f");

	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_num(&b, 0), 0);
	gdb_rsp_buf_str(&b, ",");
	gdb_rsp_buf_num(&b, 0x1f);
	gdb_rsp_buf_str(&b, ",");
	gdb_rsp_buf_num(&b, UINT64_MAX);
	assert_buf(&b, "0,1f,ffffffffffffffff");

	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_le(&b, 0x12345678, 4), 0);
	assert_int_equal(gdb_rsp_buf_le(&b, 0xabcd, 1), 0);
	assert_int_equal(gdb_rsp_buf_le(&b, 0x1122334455667788ull, 8), 0);
	assert_int_equal(gdb_rsp_buf_le(&b, 0x1234, 2), 0);
	assert_buf(&b, "78563412cd88776655443322113412");
	assert_int_equal(gdb_rsp_buf_le(&b, 1, 3), -EINVAL);
	assert_int_equal(gdb_rsp_buf_le(&b, 1, 10), -EINVAL);
	assert_int_equal(gdb_rsp_buf_le(&b, 1, 0), -EINVAL);

	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_reg(&b, st0, 10), 0);
	assert_int_equal(gdb_rsp_buf_unavailable(&b, 2), 0);
	assert_buf(&b, "0000000000000080ff3fxxxx");
	assert_int_equal(gdb_rsp_buf_reg(&b, st0, 16), -EINVAL);

	gdb_rsp_buf_init(&b);
	gdb_rsp_buf_error(&b, -EINVAL);
	gdb_rsp_buf_error(&b, EIO);
	gdb_rsp_buf_error(&b, 0x1ff);
	gdb_rsp_buf_ok(&b);
	assert_buf(&b, "E16E05EffOK");

	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_mem(&b, "l\0*", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "l\0*", 3);
}

static void test_buf_overflow(void **state)
{
	static char fill[GDB_RSP_MAX_PACKET];
	struct gdb_rsp_buf b;

	(void)state;
	memset(fill, 'a', sizeof(fill));
	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_mem(&b, fill, sizeof(fill) - 2), 0);
	assert_int_equal(gdb_rsp_buf_hex(&b, fill, 2), -ENOSPC);
	assert_true(b.overflow);
	assert_int_equal(b.len, sizeof(fill) - 2);
	/* What still fits still goes in; the flag stays. */
	assert_int_equal(gdb_rsp_buf_ok(&b), 0);
	assert_int_equal(b.len, sizeof(fill));
	assert_true(b.overflow);
	assert_int_equal(gdb_rsp_buf_str(&b, "x"), -ENOSPC);
	assert_int_equal(gdb_rsp_buf_unavailable(&b, 1), -ENOSPC);
	assert_int_equal(gdb_rsp_buf_num(&b, 0), -ENOSPC);
	assert_int_equal(gdb_rsp_buf_error(&b, 1), -ENOSPC);
	assert_int_equal(b.len, sizeof(fill));

	gdb_rsp_buf_init(&b);
	assert_false(b.overflow);
	assert_int_equal(gdb_rsp_buf_hex(&b, fill, sizeof(fill) / 2), 0);
	assert_false(b.overflow);
	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_hex(&b, fill, sizeof(fill) / 2 + 1),
			 -ENOSPC);
	assert_true(b.overflow);
	assert_int_equal(b.len, 0);
	gdb_rsp_buf_init(&b);
	assert_int_equal(gdb_rsp_buf_unavailable(&b, GDB_RSP_MAX_PACKET),
			 -ENOSPC);
	assert_int_equal(gdb_rsp_buf_hex(&b, fill, SIZE_MAX), -ENOSPC);
	assert_int_equal(b.len, 0);
}

/* ---- commands ---------------------------------------------------------- */

/* A parser called on a string literal, NUL not included. */
#define PKT(fn, s, ...) fn(s, sizeof(s) - 1, __VA_ARGS__)

static void test_command(void **state)
{
	static const struct {
		const char *pkt;
		enum gdb_rsp_cmd cmd;
	} cases[] = {
		{ "?", GDB_RSP_CMD_HALT_REASON },
		{ "g", GDB_RSP_CMD_READ_REGS },
		{ "G0011", GDB_RSP_CMD_WRITE_REGS },
		{ "m1000,4", GDB_RSP_CMD_READ_MEM },
		{ "M1000,1:00", GDB_RSP_CMD_WRITE_MEM },
		{ "X1000,0:", GDB_RSP_CMD_WRITE_MEM_BIN },
		{ "p10", GDB_RSP_CMD_READ_REG },
		{ "P10=00", GDB_RSP_CMD_WRITE_REG },
		{ "Z0,1000,1", GDB_RSP_CMD_INSERT_BREAK },
		{ "z0,1000,1", GDB_RSP_CMD_REMOVE_BREAK },
		{ "c", GDB_RSP_CMD_CONTINUE },
		{ "s1000", GDB_RSP_CMD_STEP },
		{ "Hg0", GDB_RSP_CMD_SET_THREAD },
		{ "Tp1.1", GDB_RSP_CMD_THREAD_ALIVE },
		{ "k", GDB_RSP_CMD_KILL },
		{ "D", GDB_RSP_CMD_DETACH },
		{ "D;1", GDB_RSP_CMD_DETACH },
		{ "vCont;c", GDB_RSP_CMD_VCONT },
		{ "vCont?", GDB_RSP_CMD_VCONT_QUERY },
		{ "vMustReplyEmpty", GDB_RSP_CMD_MUST_REPLY_EMPTY },
		{ "qSupported", GDB_RSP_CMD_SUPPORTED },
		{ "qSupported:swbreak+", GDB_RSP_CMD_SUPPORTED },
		{ "qXfer:features:read:target.xml:0,ffb",
		  GDB_RSP_CMD_XFER_FEATURES },
		{ "QStartNoAckMode", GDB_RSP_CMD_START_NO_ACK },
		{ "qAttached", GDB_RSP_CMD_ATTACHED },
		{ "qAttached:1", GDB_RSP_CMD_ATTACHED },
		{ "qC", GDB_RSP_CMD_CURRENT_THREAD },
		{ "qfThreadInfo", GDB_RSP_CMD_THREAD_INFO_FIRST },
		{ "qsThreadInfo", GDB_RSP_CMD_THREAD_INFO_NEXT },
		/* Whole names only, and what gdb has that we do not. */
		{ "", GDB_RSP_CMD_UNKNOWN },
		{ "gx", GDB_RSP_CMD_UNKNOWN },
		{ "??", GDB_RSP_CMD_UNKNOWN },
		{ "kk", GDB_RSP_CMD_UNKNOWN },
		{ "Dx", GDB_RSP_CMD_UNKNOWN },
		{ "qCRC:0,10", GDB_RSP_CMD_UNKNOWN },
		{ "qSupportedX", GDB_RSP_CMD_UNKNOWN },
		{ "vCont", GDB_RSP_CMD_UNKNOWN },
		{ "vCont?x", GDB_RSP_CMD_UNKNOWN },
		{ "vContx", GDB_RSP_CMD_UNKNOWN },
		{ "vKill;1", GDB_RSP_CMD_UNKNOWN },
		{ "qXfer:auxv:read::0,10", GDB_RSP_CMD_UNKNOWN },
		{ "qXfer:features:write:a:0", GDB_RSP_CMD_UNKNOWN },
		{ "QStartNoAckModeX", GDB_RSP_CMD_UNKNOWN },
		{ "qTStatus", GDB_RSP_CMD_UNKNOWN },
		{ "qOffsets", GDB_RSP_CMD_UNKNOWN },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].pkt);

		if (gdb_rsp_command(cases[i].pkt, len) != cases[i].cmd)
			fail_msg("\"%s\": got %d, want %d", cases[i].pkt,
				 gdb_rsp_command(cases[i].pkt, len),
				 cases[i].cmd);
	}
	/* Only @len counts: "gx" cut to "g". */
	assert_int_equal(gdb_rsp_command("gx", 1), GDB_RSP_CMD_READ_REGS);
	assert_int_equal(gdb_rsp_command("qCx", 2),
			 GDB_RSP_CMD_CURRENT_THREAD);
}

static void test_unhex(void **state)
{
	uint8_t out[4] = { 0x5a, 0x5a, 0x5a, 0x5a };

	(void)state;
	assert_int_equal(gdb_rsp_unhex("00aBfF", 6, out, 3), 0);
	assert_int_equal(out[0], 0x00);
	assert_int_equal(out[1], 0xab);
	assert_int_equal(out[2], 0xff);
	assert_int_equal(gdb_rsp_unhex("", 0, out, 0), 0);
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(gdb_rsp_unhex("00a", 3, out, 1), -EINVAL);
	assert_int_equal(gdb_rsp_unhex("00a", 3, out, 2), -EINVAL);
	assert_int_equal(gdb_rsp_unhex("0g", 2, out, 1), -EINVAL);
	/* A bad last digit leaves the output alone. */
	assert_int_equal(gdb_rsp_unhex("11223 ", 6, out, 3), -EINVAL);
	assert_int_equal(out[0], 0x5a);
	assert_int_equal(gdb_rsp_unhex("00", 2, out, SIZE_MAX), -EINVAL);
}

static void test_parse_read_mem(void **state)
{
	struct gdb_rsp_mem m;

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_read_mem, "m1000,4", &m), 0);
	assert_true(m.addr == 0x1000);
	assert_int_equal(m.len, 4);
	assert_null(m.data);
	assert_int_equal(PKT(gdb_rsp_parse_read_mem, "mFFFFffff8000,0", &m), 0);
	assert_true(m.addr == 0xffffffff8000ull);
	assert_int_equal(m.len, 0);
	/* Clamped to what a reply holds in hex. */
	assert_int_equal(PKT(gdb_rsp_parse_read_mem, "m0,ffffffff", &m), 0);
	assert_int_equal(m.len, GDB_RSP_MAX_PACKET / 2);
	assert_int_equal(PKT(gdb_rsp_parse_read_mem, "m0,801", &m), 0);
	assert_int_equal(m.len, 0x800);
	/* The last byte of the address space, and leading zeros. */
	assert_int_equal(PKT(gdb_rsp_parse_read_mem, "mffffffffffffffff,1", &m),
			 0);
	assert_int_equal(PKT(gdb_rsp_parse_read_mem,
			     "m00000000000000010,01", &m), 0);
	assert_true(m.addr == 0x10);
}

static void test_parse_read_mem_rejects(void **state)
{
	static const char *const bad[] = {
		"", "m", "m1000", "m1000,", "m,4", "m1000,4x", "m1000;4",
		"m 1000,4", "m1000,4 ", "m-1,4", "mg,1", "m0x10,4", "M1000,4",
		"m1000,,4", "m10000000000000000,1", "m1,10000000000000000",
		"mffffffffffffffff,2", "mfffffffffffff801,ffffffff",
	};
	struct gdb_rsp_mem m = { .addr = 7 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (gdb_rsp_parse_read_mem(bad[i], strlen(bad[i]), &m) !=
		    -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_true(m.addr == 7);
	/* Cut short by @len, not by a NUL. */
	assert_int_equal(gdb_rsp_parse_read_mem("m1000,4", 6, &m), -EINVAL);
	assert_int_equal(gdb_rsp_parse_read_mem("m1000,4", 5, &m), -EINVAL);
	assert_int_equal(gdb_rsp_parse_read_mem("m1000,4", 0, &m), -EINVAL);
}

static void test_parse_write_mem(void **state)
{
	uint8_t buf[GDB_RSP_MAX_PACKET / 2];
	struct gdb_rsp_mem m;
	static char pkt[GDB_RSP_MAX_PACKET + 16];
	int n;

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_write_mem,
			     "M1000,2:aBcD", &m, buf, sizeof(buf)), 0);
	assert_true(m.addr == 0x1000);
	assert_int_equal(m.len, 2);
	assert_ptr_equal(m.data, buf);
	assert_int_equal(buf[0], 0xab);
	assert_int_equal(buf[1], 0xcd);
	assert_int_equal(PKT(gdb_rsp_parse_write_mem, "M1000,0:", &m, buf, 0),
			 0);
	assert_int_equal(m.len, 0);

	/* The biggest M that fits a packet. */
	n = snprintf(pkt, sizeof(pkt), "M0,%x:", GDB_RSP_MAX_PACKET / 2);
	memset(pkt + n, 'e', GDB_RSP_MAX_PACKET);
	assert_int_equal(gdb_rsp_parse_write_mem(pkt, n + GDB_RSP_MAX_PACKET,
						 &m, buf, sizeof(buf)), 0);
	assert_int_equal(m.len, GDB_RSP_MAX_PACKET / 2);
	assert_int_equal(buf[GDB_RSP_MAX_PACKET / 2 - 1], 0xee);
	assert_int_equal(gdb_rsp_parse_write_mem(pkt, n + GDB_RSP_MAX_PACKET,
						 &m, buf, 100), -ENOSPC);
	n = snprintf(pkt, sizeof(pkt), "M0,%x:", GDB_RSP_MAX_PACKET / 2 + 1);
	memset(pkt + n, 'e', GDB_RSP_MAX_PACKET + 2);
	assert_int_equal(gdb_rsp_parse_write_mem(pkt,
						 n + GDB_RSP_MAX_PACKET + 2,
						 &m, buf, sizeof(buf)),
			 -EINVAL);
}

static void test_parse_write_mem_rejects(void **state)
{
	static const char *const bad[] = {
		"M", "M1000", "M1000,2", "M1000,2abcd", "M1000,2:abc",
		"M1000,2:abcdef", "M1000,2:abcx", "M1000,2:", "M1000,1:0 ",
		"m1000,1:00", "M,1:00", "M1000,:00", "M1000,0:00",
		"Mffffffffffffffff,2:0000", "M10000000000000000,1:00",
	};
	uint8_t buf[8] = { 0x5a };
	struct gdb_rsp_mem m = { .addr = 7 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (gdb_rsp_parse_write_mem(bad[i], strlen(bad[i]), &m, buf,
					    sizeof(buf)) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_true(m.addr == 7);
	assert_int_equal(buf[0], 0x5a);
	assert_int_equal(gdb_rsp_parse_write_mem("M0,1:00", 6, &m, buf, 8),
			 -EINVAL);
}

static void test_parse_write_mem_bin(void **state)
{
	static char pkt[GDB_RSP_MAX_PACKET + 16];
	static const char bin[] = "X1000,4:\0}#\xff";
	struct gdb_rsp_mem m;
	int n;

	(void)state;
	assert_int_equal(gdb_rsp_parse_write_mem_bin(bin, sizeof(bin) - 1,
						     &m), 0);
	assert_true(m.addr == 0x1000);
	assert_int_equal(m.len, 4);
	assert_ptr_equal(m.data, (const uint8_t *)bin + 8);
	/* gdb's probe for X. */
	assert_int_equal(PKT(gdb_rsp_parse_write_mem_bin, "X1000,0:", &m), 0);
	assert_int_equal(m.len, 0);

	n = snprintf(pkt, sizeof(pkt), "X0,%x:", GDB_RSP_MAX_PACKET);
	memset(pkt + n, 0, GDB_RSP_MAX_PACKET + 1);
	assert_int_equal(gdb_rsp_parse_write_mem_bin(pkt,
						     n + GDB_RSP_MAX_PACKET,
						     &m), 0);
	assert_int_equal(m.len, GDB_RSP_MAX_PACKET);
	n = snprintf(pkt, sizeof(pkt), "X0,%x:", GDB_RSP_MAX_PACKET + 1);
	memset(pkt + n, 0, GDB_RSP_MAX_PACKET + 1);
	assert_int_equal(gdb_rsp_parse_write_mem_bin(pkt,
						     n + GDB_RSP_MAX_PACKET + 1,
						     &m), -EINVAL);

	assert_int_equal(PKT(gdb_rsp_parse_write_mem_bin, "X1000,4:abc", &m),
			 -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_mem_bin, "X1000,4:abcde", &m),
			 -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_mem_bin, "X1000,4abcd", &m),
			 -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_mem_bin, "X1000:abcd", &m),
			 -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_mem_bin, "x1000,1:a", &m),
			 -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_mem_bin,
			     "Xffffffffffffffff,2:ab", &m), -EINVAL);
}

static void test_parse_regs(void **state)
{
	struct gdb_rsp_reg r;
	unsigned int regno = 77;
	char pkt[200];

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_read_reg, "p10", &regno), 0);
	assert_int_equal(regno, 16);
	assert_int_equal(PKT(gdb_rsp_parse_read_reg, "pffffffff", &regno), 0);
	assert_int_equal(regno, 0xffffffffu);
	regno = 77;
	assert_int_equal(PKT(gdb_rsp_parse_read_reg, "p", &regno), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_read_reg, "p1g", &regno), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_read_reg, "p100000000", &regno),
			 -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_read_reg, "P10", &regno), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_read_reg, "p-1", &regno), -EINVAL);
	assert_int_equal(regno, 77);

	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P8=78563412", &r), 0);
	assert_int_equal(r.regno, 8);
	assert_int_equal(r.size, 4);
	assert_memory_equal(r.value, "\x78\x56\x34\x12", 4);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg,
			     "P10=000000000000008fff3F", &r), 0);
	assert_int_equal(r.size, 10);
	assert_int_equal(r.value[9], 0x3f);

	memset(pkt, 'a', sizeof(pkt));
	memcpy(pkt, "P1=", 3);
	assert_int_equal(gdb_rsp_parse_write_reg(pkt,
						 3 + 2 * GDB_RSP_MAX_REG_SIZE,
						 &r), 0);
	assert_int_equal(r.size, GDB_RSP_MAX_REG_SIZE);
	r.regno = 99;
	assert_int_equal(gdb_rsp_parse_write_reg(pkt,
						 5 + 2 * GDB_RSP_MAX_REG_SIZE,
						 &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P8=", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P8=123", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P8=12x4", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P8", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P=12", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P8:12", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "p8=12", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_write_reg, "P100000000=12", &r),
			 -EINVAL);
	assert_int_equal(r.regno, 99);
}

static void test_parse_break(void **state)
{
	static const char *const bad[] = {
		"Z", "Z0", "Z0,", "Z0,1000", "Z0,1000,", "Z5,1000,1",
		"Z10,1000,1", "Z0,1000,1;X1,ab", "Z0,1000,1;cmds:0,ab",
		"Z0,1000,100000000", "Z0,10000000000000000,1", "Z,1000,1",
		"Z0,,1", "Y0,1000,1", "Z0;1000,1", "Z0,1000,1,",
	};
	struct gdb_rsp_break b;
	unsigned int i;

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_break, "Z0,1000,1", &b), 0);
	assert_true(b.insert);
	assert_int_equal(b.type, GDB_RSP_BREAK_SW);
	assert_true(b.addr == 0x1000);
	assert_int_equal(b.kind, 1);
	assert_int_equal(PKT(gdb_rsp_parse_break, "z1,ffffffff81000000,1", &b),
			 0);
	assert_false(b.insert);
	assert_int_equal(b.type, GDB_RSP_BREAK_HW);
	assert_true(b.addr == 0xffffffff81000000ull);
	assert_int_equal(PKT(gdb_rsp_parse_break, "Z4,8000,8", &b), 0);
	assert_int_equal(b.type, GDB_RSP_WATCH_ACCESS);
	assert_int_equal(b.kind, 8);
	assert_int_equal(PKT(gdb_rsp_parse_break, "z2,0,ffffffff", &b), 0);
	assert_int_equal(b.type, GDB_RSP_WATCH_WRITE);
	assert_true(b.kind == 0xffffffffu);
	b.addr = 7;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (gdb_rsp_parse_break(bad[i], strlen(bad[i]), &b) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_true(b.addr == 7);
}

static void test_parse_resume(void **state)
{
	struct gdb_rsp_resume r;

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_resume, "c", &r), 0);
	assert_false(r.step);
	assert_false(r.has_addr);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "s", &r), 0);
	assert_true(r.step);
	assert_false(r.has_addr);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "c7c00", &r), 0);
	assert_false(r.step);
	assert_true(r.has_addr);
	assert_true(r.addr == 0x7c00);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "sFFFFFFFFFFFFFFFF", &r), 0);
	assert_true(r.step);
	assert_true(r.addr == UINT64_MAX);
	r.addr = 7;
	assert_int_equal(PKT(gdb_rsp_parse_resume, "cx", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "c1000 ", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "s;1", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "C05", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "", &r), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_resume, "s10000000000000000", &r),
			 -EINVAL);
	assert_true(r.addr == 7);
}

static void assert_thread(const struct gdb_rsp_thread *t, bool has_pid,
			  int64_t pid, int64_t tid)
{
	assert_int_equal(t->has_pid, has_pid);
	if (has_pid)
		assert_true(t->pid == pid);
	assert_true(t->tid == tid);
}

static void test_parse_threads(void **state)
{
	static const char *const bad[] = {
		"H", "Hg", "Hx0", "Hg-2", "Hg-", "Hgp", "Hgp1.", "Hgp.1",
		"Hgp1.2x", "Hg0 ", "Hgq1", "Hg8000000000000000", "Hm0",
		"Hg-10", "Hgp-1.-1.1",
	};
	struct gdb_rsp_thread t;
	unsigned int i;
	char op = '?';

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_set_thread, "Hg0", &op, &t), 0);
	assert_int_equal(op, 'g');
	assert_thread(&t, false, 0, GDB_RSP_THREAD_ANY);
	assert_int_equal(PKT(gdb_rsp_parse_set_thread, "Hc-1", &op, &t), 0);
	assert_int_equal(op, 'c');
	assert_thread(&t, false, 0, GDB_RSP_THREAD_ALL);
	assert_int_equal(PKT(gdb_rsp_parse_set_thread, "Hgp1.1", &op, &t), 0);
	assert_thread(&t, true, 1, 1);
	assert_int_equal(PKT(gdb_rsp_parse_set_thread, "Hgp2a", &op, &t), 0);
	assert_thread(&t, true, 0x2a, GDB_RSP_THREAD_ALL);
	assert_int_equal(PKT(gdb_rsp_parse_set_thread, "Hcp-1.-1", &op, &t), 0);
	assert_thread(&t, true, -1, -1);
	assert_int_equal(PKT(gdb_rsp_parse_set_thread,
			     "Hg7fffffffffffffff", &op, &t), 0);
	assert_true(t.tid == INT64_MAX);
	op = '?';
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (gdb_rsp_parse_set_thread(bad[i], strlen(bad[i]), &op,
					     &t) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(op, '?');

	assert_int_equal(PKT(gdb_rsp_parse_thread_alive, "Tp1.1", &t), 0);
	assert_thread(&t, true, 1, 1);
	assert_int_equal(PKT(gdb_rsp_parse_thread_alive, "T1", &t), 0);
	assert_thread(&t, false, 0, 1);
	assert_int_equal(PKT(gdb_rsp_parse_thread_alive, "T", &t), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_thread_alive, "T1,", &t), -EINVAL);
	assert_int_equal(PKT(gdb_rsp_parse_thread_alive, "t1", &t), -EINVAL);
}

static void test_parse_vcont(void **state)
{
	struct gdb_rsp_vcont v;

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_vcont, "vCont;c", &v), 0);
	assert_int_equal(v.count, 1);
	assert_int_equal(v.act[0].action, 'c');
	assert_false(v.act[0].has_thread);

	assert_int_equal(PKT(gdb_rsp_parse_vcont, "vCont;s:p1.1;c", &v), 0);
	assert_int_equal(v.count, 2);
	assert_int_equal(v.act[0].action, 's');
	assert_true(v.act[0].has_thread);
	assert_thread(&v.act[0].thread, true, 1, 1);
	assert_int_equal(v.act[1].action, 'c');
	assert_false(v.act[1].has_thread);

	assert_int_equal(PKT(gdb_rsp_parse_vcont,
			     "vCont;C05:1;S0b:p1.-1;t:-1;c:0", &v), 0);
	assert_int_equal(v.count, 4);
	assert_int_equal(v.act[0].action, 'C');
	assert_int_equal(v.act[0].sig, 5);
	assert_thread(&v.act[0].thread, false, 0, 1);
	assert_int_equal(v.act[1].action, 'S');
	assert_int_equal(v.act[1].sig, 0xb);
	assert_thread(&v.act[1].thread, true, 1, GDB_RSP_THREAD_ALL);
	assert_int_equal(v.act[2].action, 't');
	assert_thread(&v.act[2].thread, false, 0, GDB_RSP_THREAD_ALL);
	assert_int_equal(v.act[3].action, 'c');
	assert_thread(&v.act[3].thread, false, 0, GDB_RSP_THREAD_ANY);
	assert_int_equal(v.act[0].sig, 5);
}

static void test_parse_vcont_rejects(void **state)
{
	static const char *const bad[] = {
		"vCont", "vCont;", "vCont?", "vCont;x", "vCont;C5",
		"vCont;C5g", "vCont;C", "vCont;C005", "vCont;c:", "vCont;c:p",
		"vCont;c:p1.", "vCont;r1000,2000", "vCont;c;;s", "vCont;c;",
		"vCont;c:-2", "vCont;cs", "vcont;c", "vCont:c", "vCont;c:1:2",
		"vCont;C05;", "vCont;s:1,c",
	};
	static char many[8 + 2 * (GDB_RSP_MAX_VCONT + 1)];
	struct gdb_rsp_vcont v = { .count = 77 };
	unsigned int i;
	size_t n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (gdb_rsp_parse_vcont(bad[i], strlen(bad[i]), &v) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(v.count, 77);

	n = (size_t)snprintf(many, sizeof(many), "vCont");
	for (i = 0; i < GDB_RSP_MAX_VCONT; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, ";s");
	assert_int_equal(gdb_rsp_parse_vcont(many, n, &v), 0);
	assert_int_equal(v.count, GDB_RSP_MAX_VCONT);
	n += (size_t)snprintf(many + n, sizeof(many) - n, ";c");
	assert_int_equal(gdb_rsp_parse_vcont(many, n, &v), -EINVAL);
}

static void test_parse_xfer(void **state)
{
	static const char *const bad[] = {
		"qXfer:features:read::0,10", "qXfer:features:read:target.xml",
		"qXfer:features:read:target.xml:", "qXfer:features:read:a:0",
		"qXfer:features:read:a:0,", "qXfer:features:read:a:,1",
		"qXfer:features:read:a:0,1x", "qXfer:features:read:a:0,1:",
		"qXfer:features:write:a:0,1", "qXfer:features:read",
		"qXfer:features:read:a:10000000000000000,1",
		"qXfer:features:read:a:b:0,1",
	};
	static const char longest[] =
		"qXfer:features:read:i386.xml:7fb,ffffffffffffffff";
	struct gdb_rsp_xfer x;
	unsigned int i;

	(void)state;
	assert_int_equal(PKT(gdb_rsp_parse_xfer_features,
			     "qXfer:features:read:target.xml:0,ffb", &x), 0);
	assert_int_equal(x.annex_len, 10);
	assert_memory_equal(x.annex, "target.xml", 10);
	assert_true(x.offset == 0);
	assert_true(x.length == 0xffb);
	assert_int_equal(PKT(gdb_rsp_parse_xfer_features, longest, &x), 0);
	assert_memory_equal(x.annex, "i386.xml", 8);
	assert_true(x.offset == 0x7fb);
	assert_true(x.length == UINT64_MAX);
	x.annex_len = 77;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (gdb_rsp_parse_xfer_features(bad[i], strlen(bad[i]), &x) !=
		    -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(x.annex_len, 77);
}

static void test_parse_supported(void **state)
{
	static const char gdb13[] =
		"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
		"fork-events+;vfork-events+;exec-events+;vContSupported+;"
		"QThreadEvents+;no-resumed+;memory-tagging+;"
		"xmlRegisters=i386";
	static const char *const bad[] = {
		"qSupported:", "qSupported:foo", "qSupported:;swbreak+",
		"qSupported:swbreak+;", "qSupported:swbreak+;;hwbreak+",
		"qSupported:=i386", "qSupported:+", "qSupportedX",
		"qsupported", "qSupported;swbreak+", "qSupported:swbreak*",
	};
	static const char near_misses[] =
		"qSupported:xmlRegisters=i3860,i38;swbreakx+;x=swbreak+";
	unsigned int f = 77;
	unsigned int i;

	(void)state;
	assert_int_equal(gdb_rsp_parse_supported(gdb13, strlen(gdb13), &f),
			 0);
	assert_int_equal(f, GDB_RSP_FEAT_MULTIPROCESS | GDB_RSP_FEAT_SWBREAK |
			 GDB_RSP_FEAT_HWBREAK | GDB_RSP_FEAT_VCONT_SUPPORTED |
			 GDB_RSP_FEAT_NO_RESUMED | GDB_RSP_FEAT_XML_I386);
	assert_int_equal(PKT(gdb_rsp_parse_supported, "qSupported", &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(PKT(gdb_rsp_parse_supported,
			     "qSupported:swbreak-;hwbreak?;multiprocess+", &f), 0);
	assert_int_equal(f, GDB_RSP_FEAT_MULTIPROCESS);
	assert_int_equal(PKT(gdb_rsp_parse_supported,
			     "qSupported:xmlRegisters=arm,i386,mips", &f), 0);
	assert_int_equal(f, GDB_RSP_FEAT_XML_I386);
	assert_int_equal(PKT(gdb_rsp_parse_supported, near_misses, &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(PKT(gdb_rsp_parse_supported,
			     "qSupported:xmlRegisters=", &f), 0);
	assert_int_equal(f, 0);
	f = 77;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (gdb_rsp_parse_supported(bad[i], strlen(bad[i]), &f) !=
		    -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(f, 77);
}

/* ---- qXfer slicing ------------------------------------------------------- */

static void assert_slice(const char *doc, uint64_t off, uint64_t len,
			 int ret, const char *want)
{
	struct gdb_rsp_buf b;

	assert_int_equal(gdb_rsp_xfer_slice(doc, strlen(doc), off, len, &b),
			 ret);
	assert_buf(&b, want);
}

static void test_xfer_slice(void **state)
{
	const char *doc = "0123456789";

	(void)state;
	assert_slice(doc, 0, 4, 0, "m0123");
	assert_slice(doc, 4, 4, 0, "m4567");
	assert_slice(doc, 8, 4, 0, "l89");
	/* Exactly the rest: last. */
	assert_slice(doc, 6, 4, 0, "l6789");
	assert_slice(doc, 0, 10, 0, "l0123456789");
	assert_slice(doc, 9, UINT64_MAX, 0, "l9");
	/* At the end: 'l' alone, whatever the length. */
	assert_slice(doc, 10, 4, 0, "l");
	assert_slice(doc, 10, 0, 0, "l");
	/* Past it, or a read of nothing before it: errors. */
	assert_slice(doc, 11, 4, -EINVAL, "E16");
	assert_slice(doc, UINT64_MAX, 1, -EINVAL, "E16");
	assert_slice(doc, 0, 0, -EINVAL, "E16");
	assert_slice("", 0, 100, 0, "l");
}

static void test_xfer_slice_clamp(void **state)
{
	static char doc[5000];
	struct gdb_rsp_buf b;

	(void)state;
	memset(doc, 'd', sizeof(doc));
	assert_int_equal(gdb_rsp_xfer_slice(doc, sizeof(doc), 0, 10000, &b),
			 0);
	assert_int_equal(b.len, GDB_RSP_MAX_PACKET);
	assert_int_equal(b.data[0], 'm');
	assert_false(b.overflow);
	assert_int_equal(gdb_rsp_xfer_slice(doc, sizeof(doc),
					    GDB_RSP_MAX_PACKET - 1, 10000, &b),
			 0);
	assert_int_equal(b.data[0], 'l');
	assert_int_equal(b.len, 1 + sizeof(doc) - (GDB_RSP_MAX_PACKET - 1));
}

/* Read @mode's target.xml in gdb's way: chunks until 'l'. */
static void test_xfer_target_xml(void **state)
{
	static const enum cpu_mode modes[] = {
		CPU_MODE_REAL, CPU_MODE_PROTECTED, CPU_MODE_LONG,
		CPU_MODE_PAGED,
	};
	static char got[16384];
	struct gdb_rsp_buf b;
	unsigned int i, chunk;
	const char *xml;
	size_t len, off;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		for (chunk = 1; chunk <= 0x1000; chunk = chunk * 3 + 7) {
			xml = gdb_target_xml(modes[i], &len);
			off = 0;
			do {
				assert_int_equal(gdb_rsp_xfer_slice(xml, len,
								    off, chunk,
								    &b), 0);
				assert_true(b.len >= 1);
				assert_true(off + b.len - 1 <= sizeof(got));
				memcpy(got + off, b.data + 1, b.len - 1);
				off += b.len - 1;
			} while (b.data[0] == 'm');
			assert_int_equal(b.data[0], 'l');
			assert_int_equal(off, len);
			assert_memory_equal(got, xml, len);
		}
	}
}

/* ---- target descriptions ------------------------------------------------- */

/* The <reg name= and bitsize= of @xml, in document order. */
static unsigned int xml_regs(const char *xml, char names[][16],
			     unsigned int *bits, unsigned int max)
{
	const char *p = xml;
	unsigned int n = 0;

	while ((p = strstr(p, "<reg ")) != NULL) {
		const char *name = strstr(p, "name=\"");
		const char *size = strstr(p, "bitsize=\"");
		const char *end = strchr(p, '>');
		size_t len;

		assert_non_null(name);
		assert_non_null(size);
		assert_true(name < end && size < end);
		assert_true(n < max);
		name += 6;
		len = strcspn(name, "\"");
		assert_true(len < 16);
		memcpy(names[n], name, len);
		names[n][len] = '\0';
		bits[n] = (unsigned int)strtoul(size + 9, NULL, 10);
		n++;
		p = end;
	}
	return n;
}

static void check_target(enum cpu_mode mode, const char *arch,
			 const char *const *first, unsigned int nr_first)
{
	char names[64][16], want[64];
	unsigned int bits[64], count, n, i, off = 0;
	bool seen[GDB_REG_NR] = { false };
	const struct gdb_reg *regs;
	struct gdb_rsp_buf b;
	const char *xml;
	size_t len;

	regs = gdb_target_regs(mode, &count);
	assert_non_null(regs);
	assert_true(count > 0 && count <= 64);
	assert_string_equal(gdb_target_arch(mode), arch);
	xml = gdb_target_xml(mode, &len);
	assert_non_null(xml);
	assert_int_equal(strlen(xml), len);
	snprintf(want, sizeof(want), "<architecture>%s</architecture>", arch);
	assert_non_null(strstr(xml, want));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\">"));
	assert_non_null(strstr(xml, "<flags id=\"i386_eflags\" size=\"4\">"));
	assert_int_equal(strncmp(xml, "<?xml version=\"1.0\"?>", 21), 0);
	assert_int_equal(strcmp(xml + len - 10, "</target>\n"), 0);

	/* The XML is the table: same registers, order and widths. */
	n = xml_regs(xml, names, bits, 64);
	assert_int_equal(n, count);
	gdb_rsp_buf_init(&b);
	for (i = 0; i < count; i++) {
		assert_string_equal(names[i], regs[i].name);
		assert_int_equal(bits[i], 8 * regs[i].size);
		assert_int_equal(regs[i].offset, off);
		assert_true(regs[i].id < GDB_REG_NR);
		assert_false(seen[regs[i].id]);
		seen[regs[i].id] = true;
		off += regs[i].size;
		assert_int_equal(gdb_rsp_buf_unavailable(&b, regs[i].size), 0);
	}
	assert_int_equal(off, gdb_target_g_size(mode));
	/* A full 'g' reply fits one packet. */
	assert_int_equal(b.len, 2 * off);
	assert_false(b.overflow);
	/* gdb's core registers first, by exact name, in its order. */
	for (i = 0; i < nr_first; i++)
		assert_string_equal(regs[i].name, first[i]);
}

static const char *const core32[] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip",
	"eflags", "cs", "ss", "ds", "es", "fs", "gs", "st0", "st1", "st2",
	"st3", "st4", "st5", "st6", "st7", "fctrl", "fstat", "ftag",
	"fiseg", "fioff", "foseg", "fooff", "fop", "cr0", "cr2", "cr3", "cr4",
};

static const char *const core64[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15", "rip", "eflags", "cs",
	"ss", "ds", "es", "fs", "gs", "st0", "st1", "st2", "st3", "st4",
	"st5", "st6", "st7", "fctrl", "fstat", "ftag", "fiseg", "fioff",
	"foseg", "fooff", "fop", "fs_base", "gs_base", "cr0", "cr2", "cr3",
	"cr4", "efer",
};

static void test_target_modes(void **state)
{
	unsigned int count;
	size_t len;

	(void)state;
	check_target(CPU_MODE_REAL, "i8086", core32, ARRAY_SIZE(core32));
	check_target(CPU_MODE_PROTECTED, "i386", core32, ARRAY_SIZE(core32));
	check_target(CPU_MODE_PAGED, "i386", core32, ARRAY_SIZE(core32));
	check_target(CPU_MODE_LONG, "i386:x86-64", core64, ARRAY_SIZE(core64));
	gdb_target_regs(CPU_MODE_REAL, &count);
	assert_int_equal(count, ARRAY_SIZE(core32));
	gdb_target_regs(CPU_MODE_LONG, &count);
	assert_int_equal(count, ARRAY_SIZE(core64));
	assert_int_equal(gdb_target_g_size(CPU_MODE_PROTECTED), 192);
	assert_int_equal(gdb_target_g_size(CPU_MODE_LONG), 332);

	count = 77;
	assert_null(gdb_target_regs((enum cpu_mode)99, &count));
	assert_int_equal(count, 0);
	assert_null(gdb_target_xml((enum cpu_mode)-1, &len));
	assert_int_equal(len, 0);
	assert_null(gdb_target_arch((enum cpu_mode)4));
	assert_int_equal(gdb_target_g_size((enum cpu_mode)4), 0);
}

static void test_target_ids(void **state)
{
	const struct gdb_reg *r32, *r64;
	unsigned int n32, n64;

	(void)state;
	r32 = gdb_target_regs(CPU_MODE_PROTECTED, &n32);
	r64 = gdb_target_regs(CPU_MODE_LONG, &n64);
	/* i386 and amd64 number the same machine registers differently. */
	assert_int_equal(r32[1].id, GDB_REG_RCX);
	assert_int_equal(r64[1].id, GDB_REG_RBX);
	assert_int_equal(r32[4].id, GDB_REG_RSP);
	assert_int_equal(r64[7].id, GDB_REG_RSP);
	assert_int_equal(r32[8].id, GDB_REG_RIP);
	assert_int_equal(r64[16].id, GDB_REG_RIP);
	assert_int_equal(r32[9].size, 4);
	assert_int_equal(r64[17].size, 4);
	assert_int_equal(r64[17].id, GDB_REG_RFLAGS);
	assert_int_equal(r32[n32 - 1].id, GDB_REG_CR4);
	assert_int_equal(r64[n64 - 1].id, GDB_REG_EFER);
	assert_ptr_equal(gdb_target_regs(CPU_MODE_REAL, &n32), r32);
	assert_ptr_equal(gdb_target_regs(CPU_MODE_PAGED, &n32), r32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_packet),
		cmocka_unit_test(test_feed_byte_by_byte),
		cmocka_unit_test(test_feed_two_packets),
		cmocka_unit_test(test_feed_bad_checksum),
		cmocka_unit_test(test_feed_nonhex_checksum),
		cmocka_unit_test(test_feed_oversize),
		cmocka_unit_test(test_feed_escapes),
		cmocka_unit_test(test_feed_malformed),
		cmocka_unit_test(test_feed_restart),
		cmocka_unit_test(test_feed_interrupt),
		cmocka_unit_test(test_feed_ack_nack_garbage),
		cmocka_unit_test(test_feed_reset),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_frame_nospc),
		cmocka_unit_test(test_frame_round_trip),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_overflow),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_unhex),
		cmocka_unit_test(test_parse_read_mem),
		cmocka_unit_test(test_parse_read_mem_rejects),
		cmocka_unit_test(test_parse_write_mem),
		cmocka_unit_test(test_parse_write_mem_rejects),
		cmocka_unit_test(test_parse_write_mem_bin),
		cmocka_unit_test(test_parse_regs),
		cmocka_unit_test(test_parse_break),
		cmocka_unit_test(test_parse_resume),
		cmocka_unit_test(test_parse_threads),
		cmocka_unit_test(test_parse_vcont),
		cmocka_unit_test(test_parse_vcont_rejects),
		cmocka_unit_test(test_parse_xfer),
		cmocka_unit_test(test_parse_supported),
		cmocka_unit_test(test_xfer_slice),
		cmocka_unit_test(test_xfer_slice_clamp),
		cmocka_unit_test(test_xfer_target_xml),
		cmocka_unit_test(test_target_modes),
		cmocka_unit_test(test_target_ids),
	};

	return cmocka_run_group_tests_name("gdb_rsp", tests, NULL, NULL);
}
