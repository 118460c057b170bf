/* SPDX-License-Identifier: MIT */
/* errmsg.c - error sentences and names (see errmsg.h). */
#include "errmsg.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cdna/hcall.h"
#include "cdna/regs.h"
#include "image_check.h"

const char *cdna_err_name(int code)
{
	switch (code) {
	case CDNA_EPERM: return "EPERM";
	case CDNA_ENOENT: return "ENOENT";
	case CDNA_EFAULT: return "EFAULT";
	case CDNA_EBUSY: return "EBUSY";
	case CDNA_ENODEV: return "ENODEV";
	case CDNA_EINVAL: return "EINVAL";
	case CDNA_ENOSPC: return "ENOSPC";
	case CDNA_ENOSYS: return "ENOSYS";
	case CDNA_ETIMEDOUT: return "ETIMEDOUT";
	}
	return NULL;
}

const char *cdna_err_sentence(unsigned cmd, int code)
{
	switch (code) {
	case CDNA_EPERM:
		return "the hypervisor refused: only dom0 may manage CDNA "
		       "contexts (EPERM)";
	case CDNA_ENOENT:
		if (cmd == CDNA_OP_ASSIGN)
			return "no such context or domain (ENOENT)";
		return "no such context on the NIC (ENOENT)";
	case CDNA_EFAULT:
		return "the hypervisor could not read or write the request "
		       "(EFAULT)";
	case CDNA_EBUSY:
		if (cmd == CDNA_OP_NIC_RESET)
			return "the NIC's firmware is not running yet (EBUSY)";
		if (cmd == CDNA_OP_REVOKE)
			return "the context is already being revoked (EBUSY)";
		if (cmd == CDNA_OP_ASSIGN)
			return "the context is already assigned, or another "
			       "context has that MAC (EBUSY)";
		return "the context is busy (EBUSY)";
	case CDNA_ENODEV:
		return "dom0's cdna driver has not registered the NIC (ENODEV)";
	case CDNA_EINVAL:
		if (cmd == CDNA_OP_ASSIGN)
			return "the hypervisor refused the context number, MAC "
			       "or flags (EINVAL)";
		return "the hypervisor refused a malformed request (EINVAL)";
	case CDNA_ENOSPC:
		return "no free context on the NIC (ENOSPC)";
	case CDNA_ENOSYS:
		if (cmd == CDNA_OP_NIC_RESET)
			return "this hypervisor's CDNA has no NIC reset "
			       "(CDNA_OP_NIC_RESET): it is older than this "
			       "cdnactl (ENOSYS)";
		return "Xen has no CDNA hypercall: this hypervisor was built "
		       "without CDNA (ENOSYS)";
	case CDNA_ETIMEDOUT:
		return "the NIC did not stop the context in time (ETIMEDOUT)";
	}
	return strerror(code);
}

const char *cdna_ctx_state_name(uint32_t state)
{
	switch (state) {
	case CDNA_CTX_STATE_DISABLED: return "disabled";
	case CDNA_CTX_STATE_RUNNING: return "running";
	case CDNA_CTX_STATE_STOPPED: return "stopped";
	}
	return "unknown";
}

const char *cdna_fw_state_name(uint32_t state)
{
	switch (state) {
	case CDNA_FW_STATE_RESET: return "reset";
	case CDNA_FW_STATE_BOOTING: return "booting";
	case CDNA_FW_STATE_RUNNING: return "running";
	case CDNA_FW_STATE_NO_FW: return "no-firmware";
	case CDNA_FW_STATE_FAULT: return "fault";
	}
	return "unknown";
}

static const char *const hv_refusal[CDNA_HV_REFUSAL_NUM] = {
	[CDNA_HV_NOT_OWNER] = "not_owner",
	[CDNA_HV_NOT_RUNNING] = "not_running",
	[CDNA_HV_BAD_ARG] = "bad_arg",
	[CDNA_HV_BAD_LEN] = "bad_len",
	[CDNA_HV_CROSSES_PAGE] = "crosses_page",
	[CDNA_HV_NOT_OWNED] = "not_owned",
	[CDNA_HV_NOT_RAM] = "not_ram",
	[CDNA_HV_NOT_WRITABLE] = "not_writable",
	[CDNA_HV_RING_FULL] = "ring_full",
};

static const char *const nic_refusal[CDNA_REFUSE_NUM] = {
	[CDNA_REFUSE_BAD_SEQ] = "bad_seq",
	[CDNA_REFUSE_BAD_LEN] = "bad_len",
	[CDNA_REFUSE_CROSSES_PAGE] = "crosses_page",
	[CDNA_REFUSE_DOORBELL_RANGE] = "doorbell_range",
	[CDNA_REFUSE_TOO_MANY_FRAGS] = "too_many_frags",
	[CDNA_REFUSE_DMA_FAULT] = "dma_fault",
	[CDNA_REFUSE_RX_BUF_SMALL] = "rx_buf_small",
	[CDNA_REFUSE_NOT_ENABLED] = "not_enabled",
	[CDNA_REFUSE_SPOOFED_SRC] = "spoofed_src",
};

static const char *const nic_drop[CDNA_DROP_NUM] = {
	[CDNA_DROP_RX_NO_BUF] = "rx_no_buf",
	[CDNA_DROP_REVOKED] = "revoked",
};

const char *cdna_hv_refusal_name(unsigned r)
{
	return r < CDNA_HV_REFUSAL_NUM ? hv_refusal[r] : NULL;
}

const char *cdna_nic_refusal_name(unsigned r)
{
	return r < CDNA_REFUSE_NUM ? nic_refusal[r] : NULL;
}

const char *cdna_nic_drop_name(unsigned d)
{
	return d < CDNA_DROP_NUM ? nic_drop[d] : NULL;
}

const char *cdna_flash_bank_state_name(uint32_t state)
{
	switch (state) {
	case CDNA_FLASH_BANK_EMPTY: return "empty";
	case CDNA_FLASH_BANK_WRITING: return "writing";
	case CDNA_FLASH_BANK_INVALID: return "invalid";
	case CDNA_FLASH_BANK_VALID: return "valid";
	case CDNA_FLASH_BANK_PENDING: return "pending";
	case CDNA_FLASH_BANK_TRIAL: return "trial";
	case CDNA_FLASH_BANK_ACTIVE: return "active";
	case CDNA_FLASH_BANK_FAILED: return "failed";
	}
	return "unknown";
}

const char *cdna_flash_status_name(uint32_t code)
{
	switch (code) {
	case CDNA_FLASH_ST_OK: return "OK";
	case CDNA_FLASH_ST_BUSY: return "BUSY";
	case CDNA_FLASH_ST_BAD_IMAGE: return "BAD_IMAGE";
	case CDNA_FLASH_ST_BANK_IN_USE: return "BANK_IN_USE";
	case CDNA_FLASH_ST_BAD_BANK: return "BAD_BANK";
	case CDNA_FLASH_ST_BAD_SIZE: return "BAD_SIZE";
	case CDNA_FLASH_ST_NOT_OPEN: return "NOT_OPEN";
	case CDNA_FLASH_ST_OVERRUN: return "OVERRUN";
	case CDNA_FLASH_ST_INCOMPLETE: return "INCOMPLETE";
	case CDNA_FLASH_ST_FLASH_ERROR: return "FLASH_ERROR";
	case CDNA_FLASH_ST_BAD_CMD: return "BAD_CMD";
	}
	return NULL;
}

char *cdna_flash_status_sentence(uint32_t status, unsigned bank,
				 uint32_t size, char *buf, unsigned len)
{
	uint32_t code = status & 0xffu, why = (status >> 8) & 0xffu;

	switch (code) {
	case CDNA_FLASH_ST_OK:
		snprintf(buf, len, "the NIC accepted it (OK)");
		break;
	case CDNA_FLASH_ST_BUSY:
		snprintf(buf, len, "the NIC's flash controller stayed busy "
			 "(BUSY)");
		break;
	case CDNA_FLASH_ST_BAD_IMAGE:
		snprintf(buf, len, "the NIC checked the %u bytes written to "
			 "bank %u and refused them: %s (BAD_IMAGE)", size, bank,
			 cdna_image_strerror((enum cdna_image_error)why));
		break;
	case CDNA_FLASH_ST_BANK_IN_USE:
		snprintf(buf, len, "the NIC refused to write bank %u: it is "
			 "the bank the firmware runs from, or the one a running "
			 "trial falls back to (BANK_IN_USE)", bank);
		break;
	case CDNA_FLASH_ST_BAD_BANK:
		snprintf(buf, len, "the NIC has no flash bank %u (BAD_BANK)",
			 bank);
		break;
	case CDNA_FLASH_ST_BAD_SIZE:
		snprintf(buf, len, "the NIC refused an image of %u bytes: "
			 "zero, or more than a flash bank holds (%u bytes) "
			 "(BAD_SIZE)", size, CDNA_FLASH_BANK_SIZE);
		break;
	case CDNA_FLASH_ST_NOT_OPEN:
		snprintf(buf, len, "the NIC had no transfer open: it was "
			 "reset, or another program began a transfer meanwhile "
			 "(NOT_OPEN)");
		break;
	case CDNA_FLASH_ST_OVERRUN:
		snprintf(buf, len, "the NIC received more than the %u bytes "
			 "announced: the transfer is spoiled (OVERRUN)", size);
		break;
	case CDNA_FLASH_ST_INCOMPLETE:
		snprintf(buf, len, "the NIC received fewer than the %u bytes "
			 "announced: was it reset meanwhile? (INCOMPLETE)", size);
		break;
	case CDNA_FLASH_ST_FLASH_ERROR:
		snprintf(buf, len, "the NIC's flash failed a write "
			 "(FLASH_ERROR)");
		break;
	case CDNA_FLASH_ST_BAD_CMD:
		snprintf(buf, len, "the NIC did not know the command "
			 "(BAD_CMD)");
		break;
	default:
		snprintf(buf, len, "the NIC answered flash status %u, which "
			 "this cdnactl does not know", code);
		break;
	}
	return buf;
}

const char *cdna_boot_flag_name(unsigned bit)
{
	if (bit > 31)
		return NULL;
	switch (1u << bit) {
	case MGMT_BOOT_F_TRIAL: return "trial";
	case MGMT_BOOT_F_ROLLBACK: return "rollback";
	case MGMT_BOOT_F_TABLE: return "table";
	case MGMT_BOOT_F_FALLBACK: return "fallback";
	case MGMT_BOOT_F_FLASH_ERR: return "flash-error";
	}
	return NULL;
}

const char *cdna_fault_name(uint32_t cause)
{
	switch (cause) {
	case CDNA_FAULT_NONE: return "none";
	case CDNA_FAULT_MEMORY: return "memory";
	case CDNA_FAULT_UNDEF: return "undefined-instruction";
	case CDNA_FAULT_WATCHDOG: return "watchdog";
	case CDNA_FAULT_OTHER: return "other";
	}
	return "unknown";
}
