/* SPDX-License-Identifier: MIT */
/*
 * flash_ctl.c - the NIC's flash controller: the BAR2 flash window
 * (include/cdna/regs.h, MGMT_FLASH_*), the banks' states as the window
 * shows them, and the commit of a trial firmware that came up healthy.
 * A hardware block: it runs beside the firmware, never through it.
 */
#include "nic_priv.h"

#include <string.h>

#include "image_check.h"

uint32_t nic_flash_bank_state(struct cdna_nic *nic, uint32_t b,
			      uint32_t *version)
{
	struct cdna_image_header h;
	struct flash_table t;
	uint32_t err = cdna_bootrom_check_bank(cdna_flash_bank(nic->flash, b),
					       &h);

	if (version)
		*version = err == CDNA_IMAGE_OK ? h.fw_version : 0;
	if (nic->win.open && nic->win.open_bank == b)
		return CDNA_FLASH_BANK_WRITING;
	if (err == CDNA_IMAGE_EMPTY)
		return CDNA_FLASH_BANK_EMPTY;
	if (err != CDNA_IMAGE_OK)
		return CDNA_FLASH_BANK_INVALID;
	if (flash_table_read(nic->flash, &t) &&
	    cdna_bootrom_rec_holds(&t.bank[b], err, &h))
		return t.bank[b].state;
	/* No record for it: the bank booted without a table is the one that
	 * boots at every reset. */
	if ((int)b == nic->boot.bank)
		return CDNA_FLASH_BANK_ACTIVE;
	return CDNA_FLASH_BANK_VALID;
}

/* The table as the banks' states say it is now, with bank b in state st
 * (stale records, whose bank no longer holds their image, dropped). */
static void table_now(struct cdna_nic *nic, struct flash_table *t,
		      uint32_t b, uint32_t st)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t c = 0; c < CDNA_FLASH_BANKS; c++) {
		struct cdna_image_header h;
		uint32_t s = nic_flash_bank_state(nic, c, NULL);

		if (s < CDNA_FLASH_BANK_VALID ||
		    cdna_bootrom_check_bank(cdna_flash_bank(nic->flash, c),
					    &h) != CDNA_IMAGE_OK)
			continue;
		if (c == b)
			s = st;
		t->bank[c].state = s;
		t->bank[c].fw_version = h.fw_version;
		t->bank[c].image_crc = h.header_crc;
	}
}

static int table_write(struct cdna_nic *nic, struct flash_table *t,
		       const char *what)
{
	char err[128];

	if (!flash_table_write(nic->flash, t, err, sizeof(err)))
		return 0;
	nic_log(nic, CDNA_LOG_INFO, "flash: %s: bank table not written: %s",
		what, err);
	return -1;
}

/* 1 when the window must not write bank b: the image the NIC runs, or
 * the one a running trial falls back to. */
static int bank_in_use(struct cdna_nic *nic, uint32_t b)
{
	uint32_t st = nic_flash_bank_state(nic, b, NULL);

	return (int)b == nic->boot.bank || st == CDNA_FLASH_BANK_ACTIVE ||
	       st == CDNA_FLASH_BANK_TRIAL;
}

static void cmd_begin(struct cdna_nic *nic)
{
	struct nic_flash_window *w = &nic->win;

	w->open = 0;
	if (w->bank >= CDNA_FLASH_BANKS)
		w->status = CDNA_FLASH_ST_BAD_BANK;
	else if (w->size == 0 || w->size > CDNA_FLASH_BANK_SIZE)
		w->status = CDNA_FLASH_ST_BAD_SIZE;
	else if (bank_in_use(nic, w->bank))
		w->status = CDNA_FLASH_ST_BANK_IN_USE;
	else {
		w->open = 1;
		w->open_bank = w->bank;
		w->open_size = w->size;
		w->offset = 0;
		w->high = 0;
		w->spoiled = 0;
		w->status = CDNA_FLASH_ST_OK;
		return;
	}
	nic_log(nic, CDNA_LOG_GUEST_ERROR, "flash: BEGIN of bank %u, %u "
		"bytes refused (status %u)", w->bank, w->size, w->status);
}

static void data_write(struct cdna_nic *nic, uint32_t val)
{
	struct nic_flash_window *w = &nic->win;
	uint8_t bytes[4] = { (uint8_t)val, (uint8_t)(val >> 8),
			     (uint8_t)(val >> 16), (uint8_t)(val >> 24) };
	uint32_t n;
	char err[128];

	if (!w->open) {
		w->status = CDNA_FLASH_ST_NOT_OPEN;
		return;
	}
	if (w->spoiled)
		return;
	if (w->offset >= w->open_size) {
		w->spoiled = w->status = CDNA_FLASH_ST_OVERRUN;
		return;
	}
	n = w->open_size - w->offset < 4 ? w->open_size - w->offset : 4;
	if (cdna_flash_write(nic->flash,
			     w->open_bank * CDNA_FLASH_BANK_SIZE + w->offset,
			     bytes, n, err, sizeof(err))) {
		w->spoiled = w->status = CDNA_FLASH_ST_FLASH_ERROR;
		nic_log(nic, CDNA_LOG_INFO, "flash: %s", err);
		return;
	}
	if (w->offset + n > w->high)
		w->high = w->offset + n;
	w->offset += 4;
}

static void cmd_verify(struct cdna_nic *nic)
{
	struct nic_flash_window *w = &nic->win;
	struct cdna_image_header h;
	struct flash_table t;
	enum cdna_image_error err;
	uint32_t b = w->open_bank;

	if (!w->open) {
		w->status = CDNA_FLASH_ST_NOT_OPEN;
		return;
	}
	w->open = 0;
	if (w->spoiled) {
		w->status = w->spoiled;
		return;
	}
	if (w->high < w->open_size) {
		w->status = CDNA_FLASH_ST_INCOMPLETE;
		return;
	}
	err = cdna_image_check(cdna_flash_bank(nic->flash, b), w->open_size,
			       &h);
	if (err != CDNA_IMAGE_OK) {
		w->status = CDNA_FLASH_ST_BAD_IMAGE | (uint32_t)err << 8;
		nic_log(nic, CDNA_LOG_GUEST_ERROR, "flash: bank %u refused: "
			"%s", b, cdna_image_strerror(err));
		return;
	}
	/* Only one bank waits for the next reset: a PENDING other one goes
	 * back to VALID. */
	table_now(nic, &t, b, CDNA_FLASH_BANK_PENDING);
	for (uint32_t c = 0; c < CDNA_FLASH_BANKS; c++)
		if (c != b && t.bank[c].state == CDNA_FLASH_BANK_PENDING)
			t.bank[c].state = CDNA_FLASH_BANK_VALID;
	if (table_write(nic, &t, "verify")) {
		w->status = CDNA_FLASH_ST_FLASH_ERROR;
		return;
	}
	w->status = CDNA_FLASH_ST_OK;
	nic_log(nic, CDNA_LOG_INFO, "flash: bank %u pending: firmware "
		"%u.%u.%u \"%.16s\" boots as a trial at the next reset", b,
		CDNA_FW_VERSION_MAJOR(h.fw_version),
		CDNA_FW_VERSION_MINOR(h.fw_version),
		CDNA_FW_VERSION_PATCH(h.fw_version), h.name);
}

static void cmd_cancel(struct cdna_nic *nic)
{
	struct nic_flash_window *w = &nic->win;
	struct flash_table t;

	w->status = CDNA_FLASH_ST_OK;
	if (w->open) {
		w->open = 0;
		return;
	}
	if (w->bank >= CDNA_FLASH_BANKS) {
		w->status = CDNA_FLASH_ST_BAD_BANK;
		return;
	}
	if (nic_flash_bank_state(nic, w->bank, NULL) !=
	    CDNA_FLASH_BANK_PENDING)
		return;
	table_now(nic, &t, w->bank, CDNA_FLASH_BANK_VALID);
	if (table_write(nic, &t, "cancel"))
		w->status = CDNA_FLASH_ST_FLASH_ERROR;
}

/* MGMT_FLASH_BANK_CRC: the header CRC of the image bank b holds, as the
 * boot ROM checks it (0 for no valid image, like BANK_VER). */
static uint32_t bank_crc(struct cdna_nic *nic, uint32_t b)
{
	struct cdna_image_header h;

	if (cdna_bootrom_check_bank(cdna_flash_bank(nic->flash, b), &h) !=
	    CDNA_IMAGE_OK)
		return 0;
	return h.header_crc;
}

uint32_t nic_flash_read(struct cdna_nic *nic, uint32_t off)
{
	struct nic_flash_window *w = &nic->win;
	uint32_t v;

	switch (off) {
	case MGMT_FLASH_BANK:   return w->bank;
	case MGMT_FLASH_OFFSET: return w->offset;
	case MGMT_FLASH_STATUS: return w->status;
	case MGMT_FLASH_SIZE:   return w->size;
	default:
		break;
	}
	for (uint32_t b = 0; b < CDNA_FLASH_BANKS; b++) {
		if (off == MGMT_FLASH_BANK_ST(b))
			return nic_flash_bank_state(nic, b, NULL);
		if (off == MGMT_FLASH_BANK_VER(b)) {
			nic_flash_bank_state(nic, b, &v);
			return v;
		}
		if (off == MGMT_FLASH_BANK_CRC(b))
			return bank_crc(nic, b);
	}
	return 0;
}

void nic_flash_write(struct cdna_nic *nic, uint32_t off, uint32_t val)
{
	struct nic_flash_window *w = &nic->win;

	switch (off) {
	case MGMT_FLASH_BANK:   w->bank = val; break;
	case MGMT_FLASH_OFFSET: w->offset = val & ~3u; break;
	case MGMT_FLASH_SIZE:   w->size = val; break;
	case MGMT_FLASH_DATA:   data_write(nic, val); break;
	case MGMT_FLASH_CMD:
		switch (val) {
		case CDNA_FLASH_CMD_BEGIN:  cmd_begin(nic); break;
		case CDNA_FLASH_CMD_VERIFY: cmd_verify(nic); break;
		case CDNA_FLASH_CMD_CANCEL: cmd_cancel(nic); break;
		default: w->status = CDNA_FLASH_ST_BAD_CMD; break;
		}
		break;
	default:
		break;
	}
}

/* ---- the trial: commit when healthy, reset when the time is up ------ */

static void commit(struct cdna_nic *nic)
{
	uint32_t b = (uint32_t)nic->boot.bank;
	struct flash_table t;

	nic->trial = 0;
	if (!flash_table_read(nic->flash, &t) ||
	    t.bank[b].state != CDNA_FLASH_BANK_TRIAL ||
	    t.bank[b].image_crc != nic->boot.hdr.header_crc)
		return;   /* the factory programmer rewrote the flash */
	for (uint32_t c = 0; c < CDNA_FLASH_BANKS; c++)
		if (c != b && t.bank[c].state == CDNA_FLASH_BANK_ACTIVE)
			t.bank[c].state = CDNA_FLASH_BANK_VALID;
	t.bank[b].state = CDNA_FLASH_BANK_ACTIVE;
	/* A failed write leaves TRIAL on record: the next reset rolls back,
	 * the safe side. */
	if (!table_write(nic, &t, "commit"))
		nic_log(nic, CDNA_LOG_INFO, "flash: bank %u healthy: "
			"committed, it boots from now on", b);
}

int nic_trial_check(struct cdna_nic *nic)
{
	if (!nic->trial || nic->reset_pending)
		return 0;
	if (nic_fw_state(nic) == CDNA_FW_STATE_RUNNING) {
		commit(nic);
		return 0;
	}
	if (nic_now_us(nic) - nic->trial_start_us <
	    (uint64_t)CDNA_FLASH_TRIAL_MS * 1000u)
		return 0;
	nic->trial = 0;
	nic_log(nic, CDNA_LOG_INFO, "flash: the trial firmware in bank %d did "
		"not report running within %u ms: NIC reset, rollback",
		nic->boot.bank, CDNA_FLASH_TRIAL_MS);
	return 1;
}

uint64_t nic_trial_until(struct cdna_nic *nic)
{
	uint64_t left = (uint64_t)CDNA_FLASH_TRIAL_MS * 1000u,
		 gone = nic_now_us(nic) - nic->trial_start_us;

	if (!nic->trial)
		return UINT64_MAX;
	return gone < left ? left - gone : 0;
}
