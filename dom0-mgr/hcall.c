/* SPDX-License-Identifier: MIT */
/* hcall.c - the CDNA hypercall through libxencall (see hcall.h). */
#include "hcall.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <xencall.h>
#include <xentoollog.h>

#include "cdna/hcall.h"

static void quiet_vmessage(struct xentoollog_logger *l, xentoollog_level lv,
			   int e, const char *ctx, const char *fmt, va_list ap)
{
	(void)l, (void)lv, (void)e, (void)ctx, (void)fmt, (void)ap;
}

static void quiet_destroy(struct xentoollog_logger *l) { (void)l; }

static struct xentoollog_logger quiet = {
	.vmessage = quiet_vmessage,
	.destroy = quiet_destroy,
};

struct xentoollog_logger *cdnactl_quiet_logger(void)
{
	return &quiet;
}

struct xencall_handle *hcall_open(void)
{
	return xencall_open(&quiet, 0);
}

void hcall_close(struct xencall_handle *xc)
{
	if (xc)
		xencall_close(xc);
}

int hcall_op(struct xencall_handle *xc, unsigned cmd, void *arg, size_t size)
{
	void *buf = xencall_alloc_buffer(xc, size);
	int rc;

	if (!buf)
		return errno ? -errno : -ENOMEM;
	memcpy(buf, arg, size);
	rc = xencall2(xc, CDNA_HYPERCALL_NR, cmd, (uint64_t)(uintptr_t)buf);
	if (rc < 0)
		rc = errno ? -errno : -EIO;
	else
		memcpy(arg, buf, size);
	xencall_free_buffer(xc, buf);
	return rc < 0 ? rc : 0;
}
