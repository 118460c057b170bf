/* SPDX-License-Identifier: MIT */
/* xs.c - xenstore through libxenstore (see xs.h, xspath.h). */
#include "xs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "xspath.h"

#define XS_RETRIES 8 /* transactions that end in EAGAIN are redone */

struct xs_handle *xsc_open(void)
{
	return xs_open(0);
}

void xsc_close(struct xs_handle *h)
{
	if (h)
		xs_close(h);
}

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

void xsc_domain_name(struct xs_handle *h, unsigned domid, char *buf,
		     size_t len)
{
	char path[64];
	unsigned n;
	char *v;

	buf[0] = '\0';
	if (!h)
		return;
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	v = xs_read(h, XBT_NULL, path, &n);
	if (v)
		snprintf(buf, len, "%s", v);
	free(v);
}

static bool exists(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	unsigned n;
	char *v = xs_read(h, t, path, &n);

	free(v);
	return v != NULL;
}

/* One attempt; -EAGAIN from the commit means "try again". */
static int assign_once(struct xs_handle *h, unsigned domid,
		       const struct cdna_op_assign *a, unsigned *devid)
{
	struct xsp_node nodes[XSP_MAX_NODES];
	char fe[XSP_PATH_MAX], be[XSP_PATH_MAX], dom[64];
	struct xs_permissions fe_perms[2] = {
		{ .id = domid, .perms = XS_PERM_NONE }, /* owner: the guest */
		{ .id = 0, .perms = XS_PERM_READ },
	};
	struct xs_permissions be_perms[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },     /* owner: dom0 */
		{ .id = domid, .perms = XS_PERM_READ },
	};
	xs_transaction_t t;
	char **names;
	unsigned n = 0, nn;
	int rc = 0;

	t = xs_transaction_start(h);
	if (t == XBT_NULL)
		return neg_errno();
	snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
	if (!exists(h, t, dom)) {
		xs_transaction_end(h, t, true);
		return -ENOENT;
	}
	xsp_frontend_parent(fe, sizeof(fe), domid);
	names = xs_directory(h, t, fe, &n);
	*devid = xsp_free_devid(names, names ? n : 0);
	free(names);

	xsp_frontend_dir(fe, sizeof(fe), domid, *devid);
	xsp_backend_dir(be, sizeof(be), domid, *devid);
	/* A stale backend directory of that devid goes (as libxl does). */
	xs_rm(h, t, be);
	if (!xs_mkdir(h, t, fe) ||
	    !xs_set_permissions(h, t, fe, fe_perms, 2) ||
	    !xs_mkdir(h, t, be) ||
	    !xs_set_permissions(h, t, be, be_perms, 2)) {
		rc = neg_errno();
		goto abort;
	}
	nn = xsp_assign_nodes(domid, *devid, a, nodes);
	for (unsigned i = 0; i < nn; i++)
		if (!xs_write(h, t, nodes[i].path, nodes[i].value,
			      (unsigned)strlen(nodes[i].value))) {
			rc = neg_errno();
			goto abort;
		}
	if (!xs_transaction_end(h, t, false))
		return neg_errno();
	return 0;
abort:
	xs_transaction_end(h, t, true);
	return rc;
}

int xsc_assign(struct xs_handle *h, unsigned domid,
	       const struct cdna_op_assign *a, unsigned *devid)
{
	int rc = -EAGAIN;

	if (!h)
		return -ENOTCONN;
	for (int i = 0; i < XS_RETRIES && rc == -EAGAIN; i++)
		rc = assign_once(h, domid, a, devid);
	return rc;
}

int xsc_find(struct xs_handle *h, unsigned domid, unsigned ctx,
	     unsigned *devid)
{
	char dir[XSP_PATH_MAX], path[XSP_PATH_MAX + 32];
	char **names;
	unsigned n = 0;
	int rc = -ENOENT;

	if (!h)
		return -ENOTCONN;
	xsp_backend_parent(dir, sizeof(dir), domid);
	names = xs_directory(h, XBT_NULL, dir, &n);
	if (!names)
		return -ENOENT;
	for (unsigned i = 0; i < n && rc; i++) {
		unsigned len;
		char *v;

		if (xsp_parse_num(names[i]) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/ctx", dir, names[i]);
		v = xs_read(h, XBT_NULL, path, &len);
		if (v && xsp_parse_num(v) == (long)ctx) {
			*devid = (unsigned)xsp_parse_num(names[i]);
			rc = 0;
		}
		free(v);
	}
	free(names);
	return rc;
}

int xsc_backend_state(struct xs_handle *h, unsigned domid, unsigned devid,
		      int state)
{
	char path[XSP_PATH_MAX + 8], v[8];

	xsp_backend_dir(path, XSP_PATH_MAX, domid, devid);
	strcat(path, "/state");
	snprintf(v, sizeof(v), "%d", state);
	if (!xs_write(h, XBT_NULL, path, v, (unsigned)strlen(v)))
		return neg_errno();
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int xsc_wait_frontend(struct xs_handle *h, unsigned domid, unsigned devid,
		      int state, unsigned timeout_ms)
{
	char path[XSP_PATH_MAX + 8];
	long deadline = now_ms() + timeout_ms;
	const struct timespec tick = { 0, 20 * 1000 * 1000 };

	xsp_frontend_dir(path, XSP_PATH_MAX, domid, devid);
	strcat(path, "/state");
	/*
	 * Polled every 20 ms rather than watched: a watch needs
	 * libxenstore's reader thread, and 5 s of reads cost nothing.
	 */
	for (;;) {
		unsigned len;
		char *v = xs_read(h, XBT_NULL, path, &len);
		long s = xsp_parse_num(v);

		free(v);
		if (!v)
			return -ENOENT; /* the frontend or its domain is gone */
		if (s == state)
			return 0;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
}

int xsc_remove(struct xs_handle *h, unsigned domid, unsigned devid)
{
	char fe[XSP_PATH_MAX], be[XSP_PATH_MAX], parent[XSP_PATH_MAX];
	int rc = -EAGAIN;

	xsp_frontend_dir(fe, sizeof(fe), domid, devid);
	xsp_backend_dir(be, sizeof(be), domid, devid);
	xsp_backend_parent(parent, sizeof(parent), domid);
	for (int i = 0; i < XS_RETRIES && rc == -EAGAIN; i++) {
		xs_transaction_t t = xs_transaction_start(h);
		char **names;
		unsigned n = 0;

		if (t == XBT_NULL)
			return neg_errno();
		/* A frontend that died with its domain is already gone. */
		if ((!xs_rm(h, t, fe) && errno != ENOENT) ||
		    (!xs_rm(h, t, be) && errno != ENOENT)) {
			rc = neg_errno();
			xs_transaction_end(h, t, true);
			return rc;
		}
		names = xs_directory(h, t, parent, &n);
		if (names && n == 0)
			xs_rm(h, t, parent);
		free(names);
		rc = xs_transaction_end(h, t, false) ? 0 : neg_errno();
	}
	return rc;
}

int xsc_forget(struct xs_handle *h, unsigned domid)
{
	char dir[XSP_PATH_MAX];

	xsp_backend_parent(dir, sizeof(dir), domid);
	if (!exists(h, XBT_NULL, dir))
		return -ENOENT;
	if (!xs_rm(h, XBT_NULL, dir))
		return neg_errno();
	return 0;
}
