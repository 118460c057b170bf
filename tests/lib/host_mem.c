/* SPDX-License-Identifier: MIT */
/* host_mem.c - see host_mem.h. */
#include "host_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "image_check.h"

void host_mem_init(struct host_mem *hm, uint64_t base, size_t size)
{
	hm->mem = calloc(1, size);
	hm->base = base;
	hm->size = size;
	if (!hm->mem)
		check_fail(__FILE__, __LINE__, "out of memory");
}

void host_mem_free(struct host_mem *hm)
{
	free(hm->mem);
	hm->mem = NULL;
}

static int inside(const struct host_mem *hm, uint64_t addr, size_t len)
{
	return addr >= hm->base && len <= hm->size &&
	       addr - hm->base <= hm->size - len;
}

uint8_t *host_mem_at(struct host_mem *hm, uint64_t addr)
{
	if (!inside(hm, addr, 1))
		check_fail(__FILE__, __LINE__, "address 0x%llx is not host "
			   "memory", (unsigned long long)addr);
	return hm->mem + (addr - hm->base);
}

int host_mem_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct host_mem *hm = opaque;

	if (!inside(hm, addr, len))
		return -1;
	memcpy(buf, hm->mem + (addr - hm->base), len);
	return 0;
}

int host_mem_dma_write(void *opaque, uint64_t addr, const void *buf,
		       size_t len)
{
	struct host_mem *hm = opaque;

	if (!inside(hm, addr, len))
		return -1;
	memcpy(hm->mem + (addr - hm->base), buf, len);
	return 0;
}

uint8_t *build_image(const char *name, size_t *size)
{
	const char *b = getenv("BUILD");
	char path[512];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/firmware/%s", b ? b : "build", name);
	f = fopen(path, "rb");
	if (!f)
		check_fail(__FILE__, __LINE__, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (n <= 0 || !buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		check_fail(__FILE__, __LINE__, "cannot read %s", path);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

struct fw_img fw_img_load(const char *name)
{
	struct fw_img i;
	struct cdna_image_header h;
	enum cdna_image_error e;

	i.b = build_image(name, &i.n);
	e = cdna_image_check(i.b, i.n, &h);
	if (e != CDNA_IMAGE_OK)
		check_fail(__FILE__, __LINE__, "%s does not verify: %s", name,
			   cdna_image_strerror(e));
	i.version = h.fw_version;
	return i;
}
