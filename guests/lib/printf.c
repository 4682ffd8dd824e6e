// SPDX-License-Identifier: GPL-2.0
/*
 * Guest library: a minimal printf, to a buffer or to the debug console.
 * No division of 64-bit values (32-bit code would need libgcc for it):
 * decimal conversion divides by 10 in 16-bit steps.
 */
#include <stdbool.h>

#include <guest.h>

struct sink {
	char *buf;	/* NULL: the debug console */
	size_t size;
	size_t len;	/* what the whole text takes so far */
};

static void put(struct sink *s, char c)
{
	if (!s->buf)
		console_putc(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

/* *@v /= 10, returning the remainder, in 32-bit operations only. */
static unsigned int divmod10(uint64_t *v)
{
	uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
	uint32_t qhi = hi / 10, r = hi % 10, t, q1, q0;

	t = (r << 16) | (lo >> 16);
	q1 = t / 10;
	r = t % 10;
	t = (r << 16) | (lo & 0xffff);
	q0 = t / 10;
	r = t % 10;
	*v = ((uint64_t)qhi << 32) | (q1 << 16) | q0;
	return r;
}

struct spec {
	bool left;	/* '-' */
	bool zero;	/* '0' */
	int width;
	int prec;	/* -1: none */
};

static void put_num(struct sink *s, const struct spec *sp, uint64_t v,
		    unsigned int base, bool neg, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[20];
	int n = 0, len, plen = 0;

	do {
		if (base == 16) {
			tmp[n++] = digits[v & 0xf];
			v >>= 4;
		} else {
			tmp[n++] = digits[divmod10(&v)];
		}
	} while (v);
	while (prefix[plen])
		plen++;
	len = n + plen + (neg ? 1 : 0);
	if (!sp->left && !sp->zero)
		put_pad(s, ' ', sp->width - len);
	if (neg)
		put(s, '-');
	while (*prefix)
		put(s, *prefix++);
	if (!sp->left && sp->zero)
		put_pad(s, '0', sp->width - len);
	while (n)
		put(s, tmp[--n]);
	if (sp->left)
		put_pad(s, ' ', sp->width - len);
}

static void put_str(struct sink *s, const struct spec *sp, const char *str)
{
	int n = 0, i;

	if (!str)
		str = "(null)";
	while (str[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		put_pad(s, ' ', sp->width - n);
	for (i = 0; i < n; i++)
		put(s, str[i]);
	if (sp->left)
		put_pad(s, ' ', sp->width - n);
}

static int parse_int(const char **fmt, va_list *ap)
{
	int v = 0;

	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + (*(*fmt)++ - '0');
	return v;
}

static void format(struct sink *s, const char *fmt, va_list ap_in)
{
	struct spec sp;
	uint64_t u;
	int64_t d;
	va_list ap;
	int lng;
	char c;

	va_copy(ap, ap_in);
	while ((c = *fmt++)) {
		if (c != '%') {
			put(s, c);
			continue;
		}
		sp.left = false;
		sp.zero = false;
		sp.prec = -1;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		sp.width = parse_int(&fmt, &ap);
		if (sp.width < 0) {
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = parse_int(&fmt, &ap);
		}
		/* 0: int, 1: long, 2: long long, 3: size_t */
		lng = 0;
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = 3;
			else if (*fmt != 'h')
				break;
		}
		c = *fmt++;
		switch (c) {
		case 'd':
		case 'i':
			if (lng == 2)
				d = va_arg(ap, long long);
			else if (lng == 1)
				d = va_arg(ap, long);
			else if (lng == 3)
				d = (int64_t)va_arg(ap, size_t);
			else
				d = va_arg(ap, int);
			u = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
			put_num(s, &sp, u, 10, d < 0, false, "");
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng == 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else if (lng == 3)
				u = va_arg(ap, size_t);
			else
				u = va_arg(ap, unsigned int);
			put_num(s, &sp, u, c == 'u' ? 10 : 16, false, c == 'X',
				"");
			break;
		case 'p':
			put_num(s, &sp, (uintptr_t)va_arg(ap, void *), 16, false,
				false, "0x");
			break;
		case 'c':
			if (!sp.left)
				put_pad(s, ' ', sp.width - 1);
			put(s, (char)va_arg(ap, int));
			if (sp.left)
				put_pad(s, ' ', sp.width - 1);
			break;
		case 's':
			put_str(s, &sp, va_arg(ap, const char *));
			break;
		case '%':
			put(s, '%');
			break;
		case 0:
			/* A lone '%' at the end: print it, stop. */
			put(s, '%');
			fmt--;
			break;
		default:
			/* Unknown: print it as written. */
			put(s, '%');
			put(s, c);
			break;
		}
	}
	va_end(ap);
}

int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	char dummy;
	struct sink s = { buf ? buf : &dummy, buf ? size : 0, 0 };

	format(&s, fmt, ap);
	if (s.size)
		s.buf[s.len < s.size ? s.len : s.size - 1] = 0;
	return (int)s.len;
}

int guest_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = guest_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int guest_printf(const char *fmt, ...)
{
	struct sink s = { NULL, 0, 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&s, fmt, ap);
	va_end(ap);
	return (int)s.len;
}
