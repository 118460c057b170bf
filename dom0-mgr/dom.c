/* SPDX-License-Identifier: MIT */
/* dom.c - domain lookup through libxenctrl (see dom.h). */
#include "dom.h"

#include <errno.h>
#include <xenctrl.h>

#include "hcall.h"

struct xc_interface_core *dom_open(void)
{
	return xc_interface_open(cdnactl_quiet_logger(), cdnactl_quiet_logger(),
				 0);
}

void dom_close(struct xc_interface_core *xch)
{
	if (xch)
		xc_interface_close(xch);
}

int dom_exists(struct xc_interface_core *xch, unsigned domid)
{
	xc_domaininfo_t info;
	int n;

	/*
	 * Xen 4.17 has no xc_domain_getinfo_single: getinfolist returns the
	 * first domain at or above domid, so check it is that one.
	 */
	n = xc_domain_getinfolist(xch, domid, 1, &info);
	if (n < 0)
		return errno ? -errno : -EIO;
	return n == 1 && info.domain == domid;
}
