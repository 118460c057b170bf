/* SPDX-License-Identifier: MIT */
/*
 * fuzz_input.h - the fuzzers' input, read as a stream of choices.
 *
 * Every harness decodes its input the same way: one byte picks an action,
 * the bytes after it that action's fields.  Past the end every read is 0,
 * so any prefix of an input is itself a valid input and libFuzzer's
 * mutations (insert, erase, cross over) keep producing meaningful ones.
 */
#ifndef CDNA_FUZZ_INPUT_H
#define CDNA_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline int fz_more(const struct fz_in *in)
{
	return in->n > 0;
}

static inline uint8_t fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
	uint16_t v = fz_u8(in);

	return (uint16_t)(v | fz_u8(in) << 8);
}

static inline uint32_t fz_u32(struct fz_in *in)
{
	uint32_t v = fz_u16(in);

	return v | (uint32_t)fz_u16(in) << 16;
}

static inline uint64_t fz_u64(struct fz_in *in)
{
	uint64_t v = fz_u32(in);

	return v | (uint64_t)fz_u32(in) << 32;
}

/* An invariant failed: say which, then crash so that libFuzzer keeps the
 * input (and the stack says where). */
#define FZ_CHECK(cond, ...)                                              \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n",\
				#cond, __FILE__, __LINE__);              \
			fprintf(stderr, "  " __VA_ARGS__);               \
			fprintf(stderr, "\n");                           \
			abort();                                         \
		}                                                        \
	} while (0)

#endif /* CDNA_FUZZ_INPUT_H */
