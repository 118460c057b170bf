/* SPDX-License-Identifier: MIT */
/*
 * xs.h - the xenstore side of assign and revoke (libxenstore): the
 * directories of include/cdna/xenbus.h, written in one transaction with
 * their permissions, the backend's state, the wait for the frontend.
 */
#ifndef CDNACTL_XS_H
#define CDNACTL_XS_H

#include <stddef.h>

#include "cdna/hcall.h"

struct xs_handle;

/* NULL with errno set. */
struct xs_handle *xsc_open(void);
void xsc_close(struct xs_handle *h);

/* /local/domain/<domid>/name into buf ("" if none). */
void xsc_domain_name(struct xs_handle *h, unsigned domid, char *buf,
		     size_t len);
/* See struct cdnactl_sys (sys.h) for these. */
int xsc_assign(struct xs_handle *h, unsigned domid,
	       const struct cdna_op_assign *a, unsigned *devid);
int xsc_find(struct xs_handle *h, unsigned domid, unsigned ctx,
	     unsigned *devid);
int xsc_backend_state(struct xs_handle *h, unsigned domid, unsigned devid,
		      int state);
int xsc_wait_frontend(struct xs_handle *h, unsigned domid, unsigned devid,
		      int state, unsigned timeout_ms);
int xsc_remove(struct xs_handle *h, unsigned domid, unsigned devid);
int xsc_forget(struct xs_handle *h, unsigned domid);

#endif
