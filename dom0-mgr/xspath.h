/* SPDX-License-Identifier: MIT */
/*
 * xspath.h - the xenstore layout of include/cdna/xenbus.h as data: paths
 * and the nodes assign writes.  Pure; xs.c writes what this builds.
 */
#ifndef CDNACTL_XSPATH_H
#define CDNACTL_XSPATH_H

#include <stdint.h>

#include "cdna/hcall.h"

#define XSP_PATH_MAX 128
#define XSP_VAL_MAX  128
#define XSP_MAX_NODES 16

/* XenbusState values cdnactl writes or waits for. */
#define XSP_STATE_INITIALISING 1
#define XSP_STATE_CONNECTED    4
#define XSP_STATE_CLOSING      5
#define XSP_STATE_CLOSED       6

/* /local/domain/<domid>/device/cdna/<devid> */
void xsp_frontend_dir(char *buf, unsigned len, unsigned domid, unsigned devid);
/* /local/domain/0/backend/cdna/<domid>/<devid> */
void xsp_backend_dir(char *buf, unsigned len, unsigned domid, unsigned devid);
/* /local/domain/<domid>/device/cdna and /local/domain/0/backend/cdna/<domid> */
void xsp_frontend_parent(char *buf, unsigned len, unsigned domid);
void xsp_backend_parent(char *buf, unsigned len, unsigned domid);

struct xsp_node {
	char path[2 * XSP_PATH_MAX];
	char value[XSP_VAL_MAX];
};

/*
 * Every node assign writes for context a->ctx of domain domid at devid:
 * the frontend's (backend-id, backend, state Initialising, ctx, mac, the
 * four machine addresses, event-channel) then the backend's (frontend,
 * frontend-id, ctx, state Connected).  Returns how many (<= XSP_MAX_NODES).
 */
unsigned xsp_assign_nodes(unsigned domid, unsigned devid,
			  const struct cdna_op_assign *a,
			  struct xsp_node out[XSP_MAX_NODES]);

/*
 * The lowest devid that no entry of names[0..n-1] uses (entries that are
 * no decimal number are ignored).
 */
unsigned xsp_free_devid(char *const *names, unsigned n);

/* "5" -> 5; -1 when s is no decimal number (or NULL). */
long xsp_parse_num(const char *s);

#endif
