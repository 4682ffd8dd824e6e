// SPDX-License-Identifier: GPL-2.0
/* Command-line number parsing, strict enough to fuzz. */
#include <errno.h>
#include <stdbool.h>
#include <strings.h>

#include "parse.h"
#include "util.h"

static int digit_value(char c, unsigned int base)
{
	unsigned int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < base ? (int)v : -1;
}

/* Parse the leading integer of @s; *end points past it. */
static int parse_prefix_u64(const char *s, uint64_t *out, const char **end)
{
	unsigned int base = 10;
	uint64_t v = 0;
	bool any = false;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	while ((d = digit_value(*s, base)) >= 0) {
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
		any = true;
		s++;
	}
	if (!any)
		return -EINVAL;
	*out = v;
	*end = s;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int err;

	err = parse_prefix_u64(s, &v, &end);
	if (err)
		return err;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		unsigned int shift;
	} units[] = {
		{ "", 0 }, { "k", 10 }, { "kib", 10 }, { "m", 20 },
		{ "mib", 20 }, { "g", 30 }, { "gib", 30 },
	};
	const char *end;
	unsigned int i;
	uint64_t v;
	int err;

	err = parse_prefix_u64(s, &v, &end);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcasecmp(end, units[i].suffix))
			continue;
		if (v > (UINT64_MAX >> units[i].shift))
			return -ERANGE;
		*out = v << units[i].shift;
		return 0;
	}
	return -EINVAL;
}

int parse_seconds(const char *s, uint64_t *ns)
{
	const uint64_t max = 366ull * 24 * 3600;
	uint64_t whole = 0, frac = 0, scale = 100000000;
	bool any = false;

	while (*s >= '0' && *s <= '9') {
		whole = whole * 10 + (*s++ - '0');
		if (whole > max)
			return -ERANGE;
		any = true;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (!scale)
				return -EINVAL;
			frac += (*s++ - '0') * scale;
			scale /= 10;
			any = true;
		}
	}
	if (!any || *s)
		return -EINVAL;
	*ns = whole * 1000000000ull + frac;
	if (*ns > max * 1000000000ull)
		return -ERANGE;
	return 0;
}
