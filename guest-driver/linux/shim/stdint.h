/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The repository's include/cdna/ headers are plain C that include
 * <stdint.h>; a kernel build has no C library, so this shim (found through
 * -I before the compiler's own directories are consulted, which -nostdinc
 * drops anyway) gives them the kernel's fixed-width types instead.
 */
#ifndef CDNA_SHIM_STDINT_H
#define CDNA_SHIM_STDINT_H

#include <linux/types.h>

#endif /* CDNA_SHIM_STDINT_H */
