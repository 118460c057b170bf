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

/* flash, firmware: 0 when euid is 0, else -1 with a sentence in err. */
int env_check_root(unsigned euid, char *err, unsigned errlen);
/* 1 in Xen's dom0 (privcmd exists and caps, when readable, says
 * control_d), else 0: bare Linux or a Xen guest. */
int env_is_dom0(const char *privcmd, const char *caps);

#endif
