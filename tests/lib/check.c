/* SPDX-License-Identifier: MIT */
/* check.c - registry and runner behind check.h. */
#include "check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_MAX_TESTS 512

static struct {
	const char *name;
	check_fn fn;
} tests[CHECK_MAX_TESTS];
static int n_tests;
static jmp_buf on_fail;

void check_register(const char *name, check_fn fn)
{
	if (n_tests == CHECK_MAX_TESTS) {
		fprintf(stderr, "check: more than %d tests\n", CHECK_MAX_TESTS);
		exit(2);
	}
	tests[n_tests].name = name;
	tests[n_tests].fn = fn;
	n_tests++;
}

void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "#   %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	longjmp(on_fail, 1);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	/* volatile: they live across the longjmp of a failed check. */
	volatile int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (volatile int i = 0; i < n_tests; i++) {
		if (filter && !strstr(tests[i].name, filter))
			continue;
		if (setjmp(on_fail) == 0) {
			tests[i].fn();
			printf("ok - %s\n", tests[i].name);
			passed++;
		} else {
			printf("not ok - %s\n", tests[i].name);
			failed++;
		}
	}
	printf("# %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
