/* SPDX-License-Identifier: MIT */
/* dom.h - does a domain exist (libxenctrl). */
#ifndef CDNACTL_DOM_H
#define CDNACTL_DOM_H

struct xc_interface_core;

/* NULL with errno set. */
struct xc_interface_core *dom_open(void);
void dom_close(struct xc_interface_core *xch);
/* 1 exists, 0 does not, -errno when Xen cannot say. */
int dom_exists(struct xc_interface_core *xch, unsigned domid);

#endif
