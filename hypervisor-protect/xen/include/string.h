/* SPDX-License-Identifier: MIT */
/*
 * string.h for the CDNA core inside Xen: memcpy, memset, memcmp.
 */
#ifndef CDNA_XEN_STRING_H
#define CDNA_XEN_STRING_H

#include <xen/string.h>

#endif /* CDNA_XEN_STRING_H */
