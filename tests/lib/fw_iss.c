/* SPDX-License-Identifier: MIT */
/* fw_iss.c - see fw_iss.h. */
#include "fw_iss.h"

#include <stdio.h>
#include <stdlib.h>

#include "../../firmware/image/image_check.h"

struct iss {
	struct cdna_iss *cpu;
	struct harness *h;
	uint8_t *image;
	size_t image_size;
	struct cdna_image_header hdr;
	int counting;
};

static uint32_t mmio_read(void *opaque, uint32_t addr)
{
	return nic_hw_read(((struct iss *)opaque)->h->hw, addr);
}

static void mmio_write(void *opaque, uint32_t addr, uint32_t val)
{
	nic_hw_write(((struct iss *)opaque)->h->hw, addr, val);
}

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "fw-iss: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n");
	exit(1);
}

struct iss *iss_new(const char *path)
{
	struct iss *s = calloc(1, sizeof(*s));
	FILE *f = fopen(path, "rb");
	enum cdna_image_error e;
	long size;

	if (!s || !f)
		die("cannot open %s%s", path, "");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	if (size <= 0 || size > (long)CDNA_IMAGE_MAX_SIZE)
		die("%s: size out of range%s", path, "");
	s->image = malloc((size_t)size);
	if (!s->image || fread(s->image, 1, (size_t)size, f) != (size_t)size)
		die("cannot read %s%s", path, "");
	fclose(f);
	s->image_size = (size_t)size;
	e = cdna_image_check(s->image, s->image_size, &s->hdr);
	if (e != CDNA_IMAGE_OK)
		die("%s: %s", path, cdna_image_strerror(e));
	return s;
}

void iss_free(struct iss *s)
{
	cdna_iss_free(s->cpu);
	free(s->image);
	free(s);
}

void iss_set_counting(struct iss *s, int on)
{
	s->counting = on;
	if (s->cpu)
		cdna_iss_set_counting(s->cpu, on);
}

void iss_get_counts(struct iss *s, struct cdna_iss_counts *out)
{
	cdna_iss_get_counts(s->cpu, out);
}

void iss_reset_counts(struct iss *s)
{
	cdna_iss_reset_counts(s->cpu);
}

/* Run until the firmware executes WFI, or die: in these tests a fault of
 * the real image is a bug. */
static void run_to_wfi(struct iss *s)
{
	uint32_t pc;
	enum cdna_iss_stop stop = cdna_iss_run(s->cpu, &pc);
	char where[32];

	if (stop != CDNA_ISS_WAITING) {
		snprintf(where, sizeof(where), "0x%08x", pc);
		die("firmware stopped (fault %s) at pc %s",
		    stop == CDNA_ISS_FAULT_MEMORY  ? "memory" :
		    stop == CDNA_ISS_FAULT_UNDEF   ? "undefined instruction" :
						     "other", where);
	}
}

static void iss_boot(struct harness *h)
{
	struct iss *s = h->fw_ops->priv;
	struct cdna_iss_mmio mmio = {
		.opaque = s, .read = mmio_read, .write = mmio_write,
	};
	char err[160];

	s->h = h;
	s->cpu = cdna_iss_new(h->hw->sram, &mmio, err, sizeof(err));
	if (!s->cpu ||
	    cdna_iss_boot(s->cpu, s->hdr.load_addr,
			  s->image + CDNA_IMAGE_HEADER_SIZE,
			  s->hdr.payload_size, s->hdr.entry, s->hdr.stack_top,
			  err, sizeof(err)))
		die("%s%s", err, "");
	if (s->counting)
		cdna_iss_set_counting(s->cpu, 1);
	run_to_wfi(s);
}

static void iss_run(struct harness *h)
{
	struct iss *s = h->fw_ops->priv;

	/* WFI returns at once while events are pending; the firmware goes
	 * back to WFI when it has nothing to do. */
	while (nic_hw_events(h->hw))
		run_to_wfi(s);
}

struct h_fw_ops iss_fw_ops(struct iss *s)
{
	return (struct h_fw_ops){ .boot = iss_boot, .run = iss_run, .priv = s };
}
