// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberate bugs, one per argument, built with the same flags as simvmm.
 * tests/sanitizer/canary.bats runs them to prove that under SANITIZE=1 a
 * sanitizer report really ends the process with the status the suites
 * treat as failure, so a clean run means something.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* volatile: keep the compiler from proving the bug away at build time. */
static volatile int big = INT_MAX;
static volatile size_t n = 16;

int main(int argc, char **argv)
{
	char *p;
	int v;

	if (argc != 2)
		return 2;
	if (!strcmp(argv[1], "asan")) {
		p = malloc(n);
		if (!p)
			return 2;
		memset(p, 0, n);
		v = p[n];	/* heap-buffer-overflow: one past the end */
		free(p);
		return v;
	}
	if (!strcmp(argv[1], "ubsan")) {
		v = big + 1;	/* signed-integer-overflow */
		printf("%d\n", v);
		return 0;
	}
	if (!strcmp(argv[1], "leak")) {
		p = malloc(n);
		if (!p)
			return 2;
		memset(p, 0, n);
		p = NULL;	/* leaked */
		return 0;
	}
	return 2;
}
