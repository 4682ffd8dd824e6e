/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every fuzz target shares. A target is fuzz/NAME.c defining
 * LLVMFuzzerTestOneInput(); it is built twice: with clang and libFuzzer
 * (make fuzz), and with the host compiler and fuzz/replay.c as a test
 * that replays fuzz/corpus/NAME and fuzz/regressions/NAME (make test).
 */
#ifndef SIMVMM_FUZZ_H
#define SIMVMM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A broken invariant: say which, then abort so libFuzzer saves the input
 * and the replay test fails. Unlike assert(), never compiled out.
 */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* Consume input front to back; past the end everything reads as zero. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_input *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

#endif /* SIMVMM_FUZZ_H */
