/* SPDX-License-Identifier: MIT */
/*
 * flash.h - cdnactl flash and cdnactl firmware: the image checked with
 * cdna-image's own code (firmware/image/image_check.c), the NIC's flash
 * window (regs.h, BAR2 page 0 0xc00..) driven over struct cdnactl_sys,
 * and the activation of a new image: a NIC reset through the hypervisor
 * (CDNA_OP_NIC_RESET) in Xen's dom0, or through BAR2 with the driver
 * unbound on bare Linux, then a bounded wait for commit or rollback.
 */
#ifndef CDNACTL_FLASH_H
#define CDNACTL_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "cdna/image.h"
#include "cdna/regs.h"
#include "sys.h"

#define FLASH_BANKS 2u
/* How long activation waits for the firmware to run with no bank on
 * trial: a crashing trial takes CDNA_FLASH_TRIAL_MS to be rolled back, then
 * the old firmware boots; three times that and 5 s leave room for a slow
 * (emulated) machine. */
#define FLASH_ACTIVATE_WAIT_MS (3u * CDNA_FLASH_TRIAL_MS + 5000u)
/* How long END is retried while the hypervisor says EBUSY (the firmware
 * not yet RUNNING as it sees it). */
#define FLASH_END_WAIT_MS 5000u
/* A command the controller shows BUSY for may take this long. */
#define FLASH_BUSY_WAIT_MS 5000u
#define FLASH_POLL_MS 20u
/* STATUS is checked and progress reported every this many DATA words. */
#define FLASH_PROGRESS_WORDS 64u
/* Files are read up to this size: an image is at most
 * CDNA_IMAGE_MAX_SIZE; a little more still gets image_check's precise
 * diagnosis (trailing bytes), a much larger file is refused unread. */
#define FLASH_READ_MAX ((size_t)CDNA_IMAGE_MAX_SIZE + 4096u)

/* The firmware and flash state BAR2 page 0 shows. */
struct flash_fw_info {
	uint32_t fw_state, fw_version;
	uint32_t boot_bank;  /* 0, 1 or MGMT_BOOT_BANK_NONE */
	uint32_t boot_flags; /* MGMT_BOOT_F_* */
	uint32_t boot_error; /* MGMT_BOOT_ERROR: bank 0 in 7:0, 1 in 15:8 */
	uint32_t fault_cause, fault_pc;
	struct {
		uint32_t state;   /* CDNA_FLASH_BANK_* */
		uint32_t version; /* 0: no valid image */
		uint32_t crc;     /* header_crc, 0: no valid image */
	} bank[FLASH_BANKS];
};

void flash_read_info(struct cdnactl_sys *s, struct flash_fw_info *fi);

/*
 * Read the image file path: 0 with *buf (malloc'd, the caller frees) and
 * *n; -1 with a sentence in err when it cannot be read.  A file larger
 * than FLASH_READ_MAX is read up to FLASH_READ_MAX + 1 bytes (*n tells),
 * so that the check below refuses it.
 */
int flash_read_image(const char *path, uint8_t **buf, size_t *n, char *err,
		     unsigned errlen);
/*
 * The check of cdna-image verify (cdna_image_check): 0 with *h, or -1
 * with "PATH: <cdna_image_strerror> (<details>)" in err.
 */
int flash_check_image(const char *path, const uint8_t *img, size_t n,
		      struct cdna_image_header *h, char *err, unsigned errlen);

/*
 * The bank to write: the one the NIC did not boot from, neither ACTIVE nor
 * on TRIAL (the rollback target and a running trial are never written).
 * Without a booted bank, a bank holding no valid image is preferred.
 * 0/1, or -1 with the reason in err.
 */
int flash_pick_bank(const struct flash_fw_info *fi, char *err,
		    unsigned errlen);

enum flash_via {
	FLASH_VIA_NONE = 0,  /* not activated */
	FLASH_VIA_HYPERCALL, /* CDNA_OP_NIC_RESET BEGIN, wait, END */
	FLASH_VIA_NATIVE,    /* driver unbound, MGMT_NIC_CTRL, rebound */
};

enum flash_outcome {
	FLASH_PENDING = 0,    /* written, not activated (or not reached) */
	FLASH_COMMITTED,      /* the new image runs, ACTIVE */
	FLASH_ROLLED_BACK,    /* the trial failed: the old image runs */
	FLASH_NOT_TRIED,      /* the boot ROM could not write its table: the
			       * old image runs, the bank is still PENDING */
	FLASH_TIMEOUT,        /* no answer within FLASH_ACTIVATE_WAIT_MS */
	FLASH_OTHER,          /* the bank changed under us (another tool) */
};

struct ops_flash_result {
	struct cdna_image_header img;
	uint32_t img_size;
	struct flash_fw_info before, after;
	bool have_before, have_after;
	int bank;          /* written: 0/1; -1 before one was chosen */
	uint32_t bank_was; /* its state before */
	bool pending;      /* VERIFY accepted: the bank is PENDING */
	enum flash_via via;
	const char *via_note; /* why the reset path is what it is, or NULL */
	char driver[64];   /* native: the driver unbound ("" none) */
	bool driver_unbound, driver_rebound;
	bool began, ended; /* hypercall: BEGIN and END succeeded */
	uint32_t ctx_suspended, ctx_stuck; /* BEGIN: contexts, failed */
	uint32_t ctx_restored, ctx_left;   /* END: contexts, failed */
	uint32_t refs_returned;            /* BEGIN + END */
	enum flash_outcome outcome;
	uint32_t activate_ms; /* from the reset to the outcome */
};

/*
 * cdnactl flash: check img (again: nothing is touched for a bad one), map
 * page 0, pick the bank, stream, verify, and with a->activate reset and
 * wait.  0 when the image is pending (or, activated, committed); -1 with
 * one sentence in err otherwise.  r says how far it got either way.
 */
int ops_flash(struct cdnactl_sys *s, const struct cdnactl_args *a,
	      const char *path, const uint8_t *img, size_t n,
	      struct ops_flash_result *r, char *err);

/* cdnactl firmware: map page 0 (read only) and read it.  0 or -1 (err). */
int ops_firmware(struct cdnactl_sys *s, struct flash_fw_info *fi, char *err);

/* "bank 0 active 1.0.0, bank 1 empty" into buf. */
char *flash_banks_summary(const struct flash_fw_info *fi, char *buf,
			  unsigned len);

#endif
