// SPDX-License-Identifier: GPL-2.0
/*
 * Silent stand-ins for lib/log.c, linked into fuzz targets and replays:
 * every rejected input would otherwise print an error, which slows the
 * fuzzer tenfold and buries its own output.
 */
#include "log.h"

void pr_err(const char *fmt, ...)
{
	(void)fmt;
}

void pr_warn(const char *fmt, ...)
{
	(void)fmt;
}

void pr_info(const char *fmt, ...)
{
	(void)fmt;
}

void pr_detail(const char *fmt, ...)
{
	(void)fmt;
}

void log_set_quiet(bool quiet)
{
	(void)quiet;
}
