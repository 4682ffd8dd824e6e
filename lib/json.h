/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: compact output, strings escaped per
 * RFC 8259. Enough for --stats=json; it does not parse.
 */
#ifndef SIMVMM_JSON_H
#define SIMVMM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	unsigned int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);

/*
 * Every value call takes a @key: the member name inside an object, NULL
 * inside an array or for the top-level value. Nesting deeper than
 * JSON_MAX_DEPTH is a programming error and is not checked at run time
 * beyond staying inside the array.
 */
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
/* Six significant digits; NaN and infinities, which JSON lacks, as null. */
void json_double(struct json *j, const char *key, double v);
/* @s NULL writes null. */
void json_str(struct json *j, const char *key, const char *s);

/* Write @s as a quoted, escaped JSON string. */
void json_write_string(FILE *f, const char *s);

#endif /* SIMVMM_JSON_H */
