/* SPDX-License-Identifier: MIT */
/* env.h - may cdnactl run here: root, and Xen's dom0. */
#ifndef CDNACTL_ENV_H
#define CDNACTL_ENV_H

/*
 * 0, or -1 with a sentence in err: euid must be 0, the privcmd device
 * (privcmd, "/dev/xen/privcmd") must exist, and Xen's capabilities file
 * (caps, "/proc/xen/capabilities"), when readable, must say control_d.
 */
int env_check(unsigned euid, const char *privcmd, const char *caps, char *err,
	      unsigned errlen);

#endif
