/* SPDX-License-Identifier: MIT */
/* env.c - root and dom0 checks (see env.h). */
#include "env.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int env_check(unsigned euid, const char *privcmd, const char *caps, char *err,
	      unsigned errlen)
{
	char buf[128] = "";
	FILE *f;

	if (euid != 0) {
		snprintf(err, errlen, "must be run as root (it maps the NIC's "
			 "BAR2 and makes hypercalls)");
		return -1;
	}
	if (access(privcmd, F_OK) != 0) {
		snprintf(err, errlen, "not running in Xen's dom0: no %s (not "
			 "under Xen, or the xen-privcmd module is not loaded)",
			 privcmd);
		return -1;
	}
	f = fopen(caps, "r");
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);

		buf[n] = '\0';
		fclose(f);
		if (!strstr(buf, "control_d")) {
			snprintf(err, errlen, "not running in Xen's dom0: this "
				 "is a guest (%s lacks control_d)", caps);
			return -1;
		}
	}
	return 0;
}

int env_check_root(unsigned euid, char *err, unsigned errlen)
{
	if (euid == 0)
		return 0;
	snprintf(err, errlen, "must be run as root (it maps the NIC's BAR2)");
	return -1;
}

int env_is_dom0(const char *privcmd, const char *caps)
{
	char err[256];

	return env_check(0, privcmd, caps, err, sizeof(err)) == 0;
}
