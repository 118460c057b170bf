/* SPDX-License-Identifier: MIT */
/*
 * sys.h - everything the commands need from the machine, as function
 * pointers: the hypercall, the domains, the NIC's BAR2 and xenstore.
 * main.c fills it with the real thing (hcall.c, dom.c, nic.c, xs.c); the
 * unit tests with fakes, so the commands' logic runs without Xen.
 * Functions return 0 or a negative errno (CDNA_E* for the hypercall).
 */
#ifndef CDNACTL_SYS_H
#define CDNACTL_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cdnactl.h"

struct cdnactl_sys {
	const struct cdnactl_nic *nic; /* found and read by nic.c */
	void *priv;

	/* HYPERVISOR_cdna_op(cmd, arg): arg is read and written back. */
	int (*hcall)(struct cdnactl_sys *s, unsigned cmd, void *arg,
		     size_t size);
	/* 1 if the domain exists, 0 if not, negative if that is unknown. */
	int (*domain_exists)(struct cdnactl_sys *s, unsigned domid);
	/* Its name from xenstore, "" when there is none. */
	void (*domain_name)(struct cdnactl_sys *s, unsigned domid, char *buf,
			    size_t len);
	/* BAR2 page 0 (MAC and flags of ctx) and page 2 (its statistics). */
	void (*nic_ctx)(struct cdnactl_sys *s, unsigned ctx, uint8_t mac[6],
			uint32_t *flags, struct cdnactl_nic_ctx_stats *st);

	/* Write both directories of an assigned context in one transaction
	 * (xspath.h's nodes, with their permissions); *devid: the one used. */
	int (*xs_assign)(struct cdnactl_sys *s, unsigned domid,
			 const struct cdna_op_assign *a, unsigned *devid);
	/* The devid whose backend names ctx; -ENOENT if none. */
	int (*xs_find)(struct cdnactl_sys *s, unsigned domid, unsigned ctx,
		       unsigned *devid);
	int (*xs_backend_state)(struct cdnactl_sys *s, unsigned domid,
				unsigned devid, int state);
	/* Wait until the frontend's state is `state`: 0; -ETIMEDOUT after
	 * timeout_ms; -ENOENT if the frontend (or its domain) went away. */
	int (*xs_wait_frontend)(struct cdnactl_sys *s, unsigned domid,
				unsigned devid, int state,
				unsigned timeout_ms);
	/* Remove both directories. */
	int (*xs_remove)(struct cdnactl_sys *s, unsigned domid, unsigned devid);
	/* Remove a gone domain's backend directory (all its devids): 0, or
	 * -ENOENT when there was none. */
	int (*xs_forget)(struct cdnactl_sys *s, unsigned domid);

	/* ---- flash and firmware (flash.c): no Xen needed ---------------- */
	/* Xen's dom0: the hypervisor may own the NIC's contexts, so a reset
	 * goes through it (CDNA_OP_NIC_RESET); hcall is set only then. */
	bool xen_dom0;
	/* Map BAR2 page 0 (writable for flash): 0; -EBUSY when the kernel
	 * refuses because the NIC's driver holds the region; another
	 * negative errno otherwise.  err: a sentence either way. */
	int (*mgmt_map)(struct cdnactl_sys *s, bool writable, char *err,
			unsigned errlen);
	uint32_t (*mgmt_read)(struct cdnactl_sys *s, uint32_t off);
	void (*mgmt_write)(struct cdnactl_sys *s, uint32_t off, uint32_t val);
	/* A monotonic clock in ms, and a sleep. */
	uint64_t (*now_ms)(struct cdnactl_sys *s);
	void (*sleep_ms)(struct cdnactl_sys *s, unsigned ms);
	/* The kernel driver bound to the NIC: its name, "" for none. */
	void (*driver_of)(struct cdnactl_sys *s, char *buf, size_t len);
	/* sysfs unbind / bind: 0 or a negative errno. */
	int (*driver_unbind)(struct cdnactl_sys *s, const char *drv);
	int (*driver_bind)(struct cdnactl_sys *s, const char *drv);
	/* One step of the flash, as a line of text (no newline), when it
	 * happens; and the transfer's progress, done of total bytes. */
	void (*step)(struct cdnactl_sys *s, const char *line);
	void (*progress)(struct cdnactl_sys *s, uint32_t done, uint32_t total);
};

#endif
