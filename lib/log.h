/* SPDX-License-Identifier: GPL-2.0 */
/* Diagnostics: everything simvmm itself says goes to stderr through here. */
#ifndef SIMVMM_LOG_H
#define SIMVMM_LOG_H

#include <stdbool.h>

/* Print "simvmm: error: ..." on stderr. */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "simvmm: warning: ..." on stderr. */
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "simvmm: ..." on stderr unless quiet. */
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print with no prefix on stderr: continuation lines of an error or dump. */
void pr_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Silence pr_info (errors, warnings and their continuations still print). */
void log_set_quiet(bool quiet);

#endif /* SIMVMM_LOG_H */
