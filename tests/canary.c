// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberate bugs, one per argument, built with the same flags as simvmm.
 * tests/sanitizer/canary.bats (SANITIZE=1) and tests/valgrind/canary.bats
 * run them to prove that a sanitizer or valgrind report really turns a
 * test red, so a clean run means something.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	size_t n;
	char *p;
	int v;

	if (argc != 2)
		return 2;
	/* Sizes from argv, so the compiler cannot prove the bugs away. */
	n = strlen(argv[1]) * 4;
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
		v = INT_MAX - 5 + (int)strlen(argv[1]);	/* INT_MAX */
		v = v + 1;	/* signed-integer-overflow */
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
	if (!strcmp(argv[1], "fd"))
		return open("/dev/null", O_RDONLY) < 0;	/* never closed */
	return 2;
}
