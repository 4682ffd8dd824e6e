/* SPDX-License-Identifier: GPL-2.0 */
/* Strict parsers for command-line numbers: no garbage, no overflow. */
#ifndef SIMVMM_PARSE_H
#define SIMVMM_PARSE_H

#include <stdint.h>

/*
 * Unsigned integer, decimal or 0x-hex, nothing after it.
 * Returns 0 or -EINVAL (syntax) / -ERANGE (over UINT64_MAX).
 */
int parse_u64(const char *s, uint64_t *out);

/*
 * A size: an integer with an optional K, M or G suffix (powers of 1024,
 * also KiB/MiB/GiB, any case). Returns 0, -EINVAL or -ERANGE.
 */
int parse_size(const char *s, uint64_t *out);

/*
 * Non-negative seconds with up to nine decimals ("2", "0.25"), at most
 * one year, into nanoseconds. Returns 0, -EINVAL or -ERANGE.
 */
int parse_seconds(const char *s, uint64_t *ns);

#endif /* SIMVMM_PARSE_H */
