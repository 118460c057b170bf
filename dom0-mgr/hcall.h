/* SPDX-License-Identifier: MIT */
/* hcall.h - HYPERVISOR_cdna_op through libxencall (privcmd). */
#ifndef CDNACTL_HCALL_H
#define CDNACTL_HCALL_H

#include <stddef.h>

struct xencall_handle;
struct xentoollog_logger;

/* A logger that prints nothing (libxencall's and libxenctrl's messages
 * would add lines to stderr: cdnactl says what went wrong itself). */
struct xentoollog_logger *cdnactl_quiet_logger(void);

/* Open privcmd; NULL with errno set. */
struct xencall_handle *hcall_open(void);
void hcall_close(struct xencall_handle *xc);
/*
 * cdna_op(cmd, arg): arg (size bytes) is copied into a hypercall buffer
 * (locked memory Xen may read and write), the call is made, and on success
 * the buffer is copied back.  0 or -CDNA_E* (-errno).
 */
int hcall_op(struct xencall_handle *xc, unsigned cmd, void *arg, size_t size);

#endif
