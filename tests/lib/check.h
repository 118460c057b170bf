/* SPDX-License-Identifier: MIT */
/*
 * check.h - the project's minimal unit-test harness.
 *
 * A test file defines tests with TEST(name) { ... } and links check.c, which
 * provides main().  Each test runs in order; a failed CHECK ends that test
 * and prints where and why.  Output is one line per test, TAP style
 * ("ok - name" / "not ok - name"), which tests/run.sh counts into the
 * project's closing line "N passed, N failed".
 *
 * Usage: ./test-binary [substring]   runs only tests whose name contains it.
 */
#ifndef CDNA_TEST_CHECK_H
#define CDNA_TEST_CHECK_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>

typedef void (*check_fn)(void);
void check_register(const char *name, check_fn fn);
void check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define TEST(name)                                                          \
	static void name(void);                                             \
	__attribute__((constructor)) static void check_reg_##name(void)     \
	{                                                                   \
		check_register(#name, name);                                \
	}                                                                   \
	static void name(void)

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			check_fail(__FILE__, __LINE__, "%s", #cond);        \
	} while (0)

/* Compare two integers; prints both values on failure. */
#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		long long check_a_ = (long long)(a);                        \
		long long check_b_ = (long long)(b);                        \
		if (check_a_ != check_b_)                                   \
			check_fail(__FILE__, __LINE__,                      \
				   "%s == %s (%lld != %lld)", #a, #b,        \
				   check_a_, check_b_);                     \
	} while (0)

#endif /* CDNA_TEST_CHECK_H */
