/* SPDX-License-Identifier: MIT */
/* xspath.c - the xenstore layout (see xspath.h, include/cdna/xenbus.h). */
#include "xspath.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cdna/xenbus.h"
#include "mac.h"

void xsp_frontend_parent(char *buf, unsigned len, unsigned domid)
{
	snprintf(buf, len, "/local/domain/%u/device/%s", domid,
		 CDNA_XENBUS_TYPE);
}

void xsp_backend_parent(char *buf, unsigned len, unsigned domid)
{
	snprintf(buf, len, "/local/domain/0/backend/%s/%u", CDNA_XENBUS_TYPE,
		 domid);
}

void xsp_frontend_dir(char *buf, unsigned len, unsigned domid, unsigned devid)
{
	snprintf(buf, len, "/local/domain/%u/device/%s/%u", domid,
		 CDNA_XENBUS_TYPE, devid);
}

void xsp_backend_dir(char *buf, unsigned len, unsigned domid, unsigned devid)
{
	snprintf(buf, len, "/local/domain/0/backend/%s/%u/%u",
		 CDNA_XENBUS_TYPE, domid, devid);
}

static void add(struct xsp_node *out, unsigned *n, const char *dir,
		const char *key, const char *value)
{
	snprintf(out[*n].path, sizeof(out[*n].path), "%s/%s", dir, key);
	snprintf(out[*n].value, XSP_VAL_MAX, "%s", value);
	(*n)++;
}

static const char *hex64(char *buf, uint64_t v)
{
	snprintf(buf, 24, "0x%" PRIx64, v);
	return buf;
}

unsigned xsp_assign_nodes(unsigned domid, unsigned devid,
			  const struct cdna_op_assign *a,
			  struct xsp_node out[XSP_MAX_NODES])
{
	char fe[XSP_PATH_MAX], be[XSP_PATH_MAX], v[24], mac[MAC_STR_LEN];
	unsigned n = 0;

	xsp_frontend_dir(fe, sizeof(fe), domid, devid);
	xsp_backend_dir(be, sizeof(be), domid, devid);

	add(out, &n, fe, "backend-id", "0");
	add(out, &n, fe, "backend", be);
	snprintf(v, sizeof(v), "%d", XSP_STATE_INITIALISING);
	add(out, &n, fe, "state", v);
	snprintf(v, sizeof(v), "%u", a->ctx);
	add(out, &n, fe, CDNA_XENBUS_KEY_CTX, v);
	add(out, &n, fe, CDNA_XENBUS_KEY_MAC, mac_format(a->mac, mac));
	add(out, &n, fe, CDNA_XENBUS_KEY_CTX_PAGE, hex64(v, a->ctx_page));
	add(out, &n, fe, CDNA_XENBUS_KEY_TX_RING, hex64(v, a->tx_ring));
	add(out, &n, fe, CDNA_XENBUS_KEY_RX_RING, hex64(v, a->rx_ring));
	add(out, &n, fe, CDNA_XENBUS_KEY_STATUS, hex64(v, a->status));
	snprintf(v, sizeof(v), "%u", a->evtchn);
	add(out, &n, fe, CDNA_XENBUS_KEY_EVTCHN, v);

	add(out, &n, be, "frontend", fe);
	snprintf(v, sizeof(v), "%u", domid);
	add(out, &n, be, "frontend-id", v);
	snprintf(v, sizeof(v), "%u", a->ctx);
	add(out, &n, be, CDNA_XENBUS_KEY_CTX, v);
	snprintf(v, sizeof(v), "%d", XSP_STATE_CONNECTED);
	add(out, &n, be, "state", v);
	return n;
}

long xsp_parse_num(const char *s)
{
	long v = 0;

	if (!s || !*s || strlen(s) > 9)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

unsigned xsp_free_devid(char *const *names, unsigned n)
{
	for (unsigned devid = 0;; devid++) {
		bool used = false;

		for (unsigned i = 0; i < n && !used; i++)
			used = xsp_parse_num(names[i]) == (long)devid;
		if (!used)
			return devid;
	}
}
