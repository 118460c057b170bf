/* SPDX-License-Identifier: MIT */
/* errmsg.c - error sentences and names (see errmsg.h). */
#include "errmsg.h"

#include <stddef.h>
#include <string.h>

#include "cdna/hcall.h"
#include "cdna/regs.h"

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
