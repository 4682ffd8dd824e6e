// SPDX-License-Identifier: GPL-2.0
/* Diagnostics on stderr, with one prefix so they never mix with guest output. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static bool log_quiet;

void log_set_quiet(bool quiet)
{
	log_quiet = quiet;
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char line[2048];
	int n;

	/*
	 * One line, one write: the threads of many VMs (and a device's
	 * poller) log at once, and their lines must not mix.
	 */
	n = snprintf(line, sizeof(line), "%s", prefix ? prefix : "");
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* Guest output goes to stdout; keep the two streams in order. */
	fflush(stdout);
	fwrite(line, 1, n, stderr);
	fflush(stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("simvmm: error: ", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("simvmm: warning: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (log_quiet)
		return;
	va_start(ap, fmt);
	vlog("simvmm: ", fmt, ap);
	va_end(ap);
}

void pr_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(NULL, fmt, ap);
	va_end(ap);
}
