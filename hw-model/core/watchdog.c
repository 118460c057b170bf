/* SPDX-License-Identifier: MIT */
/* watchdog.c - see watchdog.h. */
#include "watchdog.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct cdna_watchdog {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint32_t limit_ms;
	void (*bite)(void *opaque);
	void *opaque;
	/* Odd while a run is in progress; every arm and disarm bumps it, so
	 * an unchanged odd value a whole period later is one long run. */
	atomic_uint_fast64_t gen;
	atomic_int sleeping;  /* the thread waits without a timeout */
	int quit;             /* under lock */
};

static void deadline_in(struct timespec *ts, uint32_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *watch(void *arg)
{
	struct cdna_watchdog *wd = arg;
	/* No generation matches this: the first look only records one. */
	uint64_t seen = UINT64_MAX;

	pthread_mutex_lock(&wd->lock);
	while (!wd->quit) {
		uint64_t now = atomic_load(&wd->gen);
		struct timespec ts;

		if (now == seen && (now & 1)) {
			/* The same run, still going, a whole period on. */
			pthread_mutex_unlock(&wd->lock);
			wd->bite(wd->opaque);
			pthread_mutex_lock(&wd->lock);
		} else if (now == seen) {
			/* Nothing ran for a whole period: sleep until a run.
			 * Announce it, then look again: a run that started
			 * in between saw sleeping == 0 and did not wake us
			 * (both sides use sequentially consistent atomics,
			 * so at least one of them sees the other). */
			atomic_store(&wd->sleeping, 1);
			if (atomic_load(&wd->gen) == now && !wd->quit)
				pthread_cond_wait(&wd->cond, &wd->lock);
			atomic_store(&wd->sleeping, 0);
			now = atomic_load(&wd->gen);
		}
		seen = now;
		deadline_in(&ts, wd->limit_ms);
		while (!wd->quit &&
		       pthread_cond_timedwait(&wd->cond, &wd->lock, &ts) !=
			       ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&wd->lock);
	return NULL;
}

struct cdna_watchdog *cdna_watchdog_new(uint32_t limit_ms,
					void (*bite)(void *opaque),
					void *opaque)
{
	struct cdna_watchdog *wd = calloc(1, sizeof(*wd));
	pthread_condattr_t attr;

	if (!wd)
		return NULL;
	wd->limit_ms = limit_ms ? limit_ms : 1;
	wd->bite = bite;
	wd->opaque = opaque;
	pthread_mutex_init(&wd->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wd->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&wd->thread, NULL, watch, wd)) {
		pthread_cond_destroy(&wd->cond);
		pthread_mutex_destroy(&wd->lock);
		free(wd);
		return NULL;
	}
	return wd;
}

void cdna_watchdog_free(struct cdna_watchdog *wd)
{
	if (!wd)
		return;
	pthread_mutex_lock(&wd->lock);
	wd->quit = 1;
	pthread_cond_signal(&wd->cond);
	pthread_mutex_unlock(&wd->lock);
	pthread_join(wd->thread, NULL);
	pthread_cond_destroy(&wd->cond);
	pthread_mutex_destroy(&wd->lock);
	free(wd);
}

void cdna_watchdog_arm(struct cdna_watchdog *wd)
{
	atomic_fetch_add(&wd->gen, 1);
	if (atomic_load(&wd->sleeping)) {
		pthread_mutex_lock(&wd->lock);
		pthread_cond_signal(&wd->cond);
		pthread_mutex_unlock(&wd->lock);
	}
}

void cdna_watchdog_disarm(struct cdna_watchdog *wd)
{
	atomic_fetch_add(&wd->gen, 1);
}
