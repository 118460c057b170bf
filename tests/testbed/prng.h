/* SPDX-License-Identifier: MIT */
/*
 * prng.h - the testbed's deterministic randomness: xorshift64* for the
 * traffic mix, splitmix64 to derive independent streams (one per frame
 * payload) from the seed.  The same seed gives the same run, byte for byte,
 * pcap included.
 */
#ifndef TB_PRNG_H
#define TB_PRNG_H

#include <stdint.h>

/* One well-mixed 64-bit value from any input (also a seed scrambler). */
static inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

struct prng {
	uint64_t s; /* never 0 */
};

static inline void prng_seed(struct prng *p, uint64_t seed)
{
	p->s = splitmix64(seed);
	if (!p->s)
		p->s = 1;
}

static inline uint64_t prng_next(struct prng *p)
{
	p->s ^= p->s >> 12;
	p->s ^= p->s << 25;
	p->s ^= p->s >> 27;
	return p->s * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n), n > 0 (the bias of a 64-bit modulo is negligible). */
static inline uint32_t prng_below(struct prng *p, uint32_t n)
{
	return (uint32_t)(prng_next(p) % n);
}

#endif /* TB_PRNG_H */
