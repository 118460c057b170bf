/* SPDX-License-Identifier: MIT */
/*
 * watchdog.h - catches a runaway NIC processor: a run (cdna_iss_run) that
 * lasts longer than the limit, in host time, gets its bite callback called
 * from the watchdog's own thread (which halts the ISS).
 *
 * The data path pays two atomic increments per run and no system call
 * while the watchdog is awake; the thread sleeps without a timeout (costing
 * nothing) once a whole period passed without any run, and is woken by the
 * next run.
 */
#ifndef CDNA_WATCHDOG_H
#define CDNA_WATCHDOG_H

#include <stdint.h>

struct cdna_watchdog;

/* NULL when the thread cannot be started. */
struct cdna_watchdog *cdna_watchdog_new(uint32_t limit_ms,
					void (*bite)(void *opaque),
					void *opaque);
void cdna_watchdog_free(struct cdna_watchdog *wd);

/* Around every run of the processor. */
void cdna_watchdog_arm(struct cdna_watchdog *wd);
void cdna_watchdog_disarm(struct cdna_watchdog *wd);

#endif /* CDNA_WATCHDOG_H */
