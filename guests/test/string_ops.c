// SPDX-License-Identifier: GPL-2.0
/*
 * The guest library's memcpy, memmove, memset and memcmp, checked by the
 * guest itself: overlaps both ways, zero lengths, the sign of memcmp.
 * Prints "string ops ok" and passes the check, or fails a GUEST_ASSERT.
 */
#include <guest.h>

static unsigned char buf[64];
static size_t none;	/* a zero length the compiler cannot see */

int main(void)
{
	static const char abc[] = "abcdefgh", abd[] = "abd";
	unsigned int i;

	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		GUEST_ASSERT(buf[i] == 0x5a);
	GUEST_ASSERT(memcpy(buf, abc, 8) == buf);
	GUEST_ASSERT(!memcmp(buf, "abcdefgh", 8));
	GUEST_ASSERT(buf[8] == 0x5a);
	/* Forward overlap: the copy must not smear its own source. */
	memmove(buf + 2, buf, 8);
	GUEST_ASSERT(!memcmp(buf, "ababcdefgh", 10));
	/* Backward overlap. */
	memmove(buf, buf + 2, 8);
	GUEST_ASSERT(!memcmp(buf, "abcdefghgh", 10));
	GUEST_ASSERT(memcmp(abc, abd, 3) < 0);
	GUEST_ASSERT(memcmp(abd, abc, 3) > 0);
	GUEST_ASSERT(memcmp(abc, abd, none) == 0);
	memset(buf, 'z', none);
	GUEST_ASSERT(buf[0] == 'a');
	guest_printf("string ops ok\n");
	guest_store_check();
	return SIMVMM_CHECK_VALUE;
}
