// SPDX-License-Identifier: GPL-2.0
/*
 * Replays the committed inputs of one fuzz target without libFuzzer and
 * reports them as TAP, so make test (and SANITIZE=1) re-checks every seed
 * and every past crash with the host compiler. FUZZ_NAME is set by the
 * Makefile; run from the top of the tree, or give directories to replay.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define MAX_INPUTS 4096

static char *paths[MAX_INPUTS];
static unsigned int nr_paths;

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Queue the files of @dir, sorted; a missing directory holds nothing. */
static int collect(const char *dir)
{
	struct dirent **names;
	int n, i, err = 0;

	n = scandir(dir, &names, only_files, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		if (!err && nr_paths < MAX_INPUTS &&
		    asprintf(&paths[nr_paths], "%s/%s", dir,
			     names[i]->d_name) >= 0)
			nr_paths++;
		else
			err = -ENOMEM;
		free(names[i]);
	}
	free(names);
	return err;
}

static int replay(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	int ok;

	f = fopen(path, "rbe");
	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return -EINVAL;
	}
	/* Exactly the input's size, so ASan sees a read past its end. */
	buf = malloc(st.st_size ? st.st_size : 1);
	ok = buf && fread(buf, 1, st.st_size, f) == (size_t)st.st_size;
	fclose(f);
	if (ok)
		LLVMFuzzerTestOneInput(buf, st.st_size);
	free(buf);
	return ok ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	unsigned int i;
	int failed = 0, a;

	if (argc > 1) {
		for (a = 1; a < argc; a++)
			if (collect(argv[a]))
				return 2;
	} else if (collect("fuzz/corpus/" FUZZ_NAME) ||
		   collect("fuzz/regressions/" FUZZ_NAME)) {
		return 2;
	}
	if (!nr_paths) {
		printf("1..1\nnot ok 1 - %s: no inputs to replay\n", FUZZ_NAME);
		return 1;
	}
	printf("1..%u\n", nr_paths);
	for (i = 0; i < nr_paths; i++) {
		/* A broken invariant aborts: the harness sees the crash. */
		fflush(stdout);
		if (replay(paths[i])) {
			printf("not ok %u - %s: %s unreadable\n", i + 1,
			       FUZZ_NAME, paths[i]);
			failed = 1;
		} else {
			printf("ok %u - %s: %s\n", i + 1, FUZZ_NAME, paths[i]);
		}
		free(paths[i]);
	}
	return failed;
}
