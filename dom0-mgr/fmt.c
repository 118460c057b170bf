/* SPDX-License-Identifier: MIT */
/* fmt.c - text and JSON output (see fmt.h). */
#include "fmt.h"

#include <inttypes.h>

#include "cdna/image.h"
#include "errmsg.h"
#include "flash.h"
#include "image_check.h"
#include "mac.h"

/* ---- JSON ---------------------------------------------------------------- */

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
}

void json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void json_key(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		json_put_string(j->f, key);
		fputc(':', j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_key(j, key);
	fputc(c, j->f);
	if (j->depth < 15)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json_begin_obj(struct json *j, const char *key) { json_open(j, key, '{'); }
void json_begin_arr(struct json *j, const char *key) { json_open(j, key, '['); }
void json_end_obj(struct json *j) { json_close(j, '}'); }
void json_end_arr(struct json *j) { json_close(j, ']'); }

void json_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	if (val)
		json_put_string(j->f, val);
	else
		fputs("null", j->f);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	json_key(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}

/* ---- shared pieces ------------------------------------------------------- */

char *fmt_fw_version(uint32_t v, char buf[16])
{
	if (!v)
		snprintf(buf, 16, "none");
	else
		snprintf(buf, 16, "%u.%u.%u", CDNA_FW_VERSION_MAJOR(v),
			 CDNA_FW_VERSION_MINOR(v), CDNA_FW_VERSION_PATCH(v));
	return buf;
}

static bool ctx_assigned(const struct cdnactl_ctx *c)
{
	return c->hv.domid != CDNACTL_NO_DOMID;
}

static void json_nic(struct json *j, const struct cdnactl_nic *nic)
{
	char mac[MAC_STR_LEN], ver[16];

	json_begin_obj(j, "nic");
	json_str(j, "pci", nic->pci);
	json_str(j, "mac", mac_format(nic->mac, mac));
	json_str(j, "firmware_version", fmt_fw_version(nic->fw_version, ver));
	json_str(j, "firmware_state", cdna_fw_state_name(nic->fw_state));
	json_u64(j, "contexts", nic->num_ctx);
	json_end_obj(j);
}

static void text_nic(FILE *f, const struct cdnactl_nic *nic)
{
	char mac[MAC_STR_LEN], ver[16];

	fprintf(f, "NIC %s  MAC %s  firmware %s (%s)  contexts %u\n",
		nic->pci, mac_format(nic->mac, mac),
		fmt_fw_version(nic->fw_version, ver),
		cdna_fw_state_name(nic->fw_state), nic->num_ctx);
}

/* ---- list ---------------------------------------------------------------- */

void fmt_list_text(FILE *f, const struct cdnactl_nic *nic,
		   const struct cdnactl_ctx *ctx, unsigned n)
{
	char mac[MAC_STR_LEN], dom[80];

	text_nic(f, nic);
	if (!ctx)
		return;
	fprintf(f, "%-4s %-9s %-22s %-18s %s\n", "CTX", "STATE", "DOMAIN",
		"MAC", "REFS");
	for (unsigned i = 0; i < n; i++) {
		const struct cdnactl_ctx *c = &ctx[i];

		if (ctx_assigned(c))
			snprintf(dom, sizeof(dom), "%u %s", c->hv.domid,
				 c->domain[0] ? c->domain : "?");
		else
			snprintf(dom, sizeof(dom), "-");
		fprintf(f, "%-4u %-9s %-22s %-18s %u\n", c->ctx,
			cdna_ctx_state_name(c->hv.state), dom,
			ctx_assigned(c) ? mac_format(c->mac, mac) : "-",
			c->hv.refs_held);
	}
}

void fmt_list_json(FILE *f, const struct cdnactl_nic *nic,
		   const struct cdnactl_ctx *ctx, unsigned n, const char *error)
{
	struct json j;
	char mac[MAC_STR_LEN];

	json_init(&j, f);
	json_begin_obj(&j, NULL);
	json_nic(&j, nic);
	if (!ctx) {
		json_null(&j, "contexts");
		json_str(&j, "error", error);
		json_end_obj(&j);
		return;
	}
	json_begin_arr(&j, "contexts");
	for (unsigned i = 0; i < n; i++) {
		const struct cdnactl_ctx *c = &ctx[i];

		json_begin_obj(&j, NULL);
		json_u64(&j, "ctx", c->ctx);
		json_str(&j, "state", cdna_ctx_state_name(c->hv.state));
		if (ctx_assigned(c)) {
			json_u64(&j, "domid", c->hv.domid);
			json_str(&j, "domain", c->domain[0] ? c->domain : NULL);
			json_str(&j, "mac", mac_format(c->mac, mac));
		} else {
			json_null(&j, "domid");
			json_null(&j, "domain");
			json_null(&j, "mac");
		}
		json_u64(&j, "refs_held", c->hv.refs_held);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_end_obj(&j);
}

/* ---- stats --------------------------------------------------------------- */

static void text_counts(FILE *f, const char *label, const uint32_t *v,
			unsigned n, const char *(*name)(unsigned))
{
	fprintf(f, "  %s:", label);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s %s %u", i ? "," : "", name(i), v[i]);
	fputc('\n', f);
}

static void json_counts(struct json *j, const char *key, const uint32_t *v,
			unsigned n, const char *(*name)(unsigned))
{
	json_begin_obj(j, key);
	for (unsigned i = 0; i < n; i++)
		json_u64(j, name(i), v[i]);
	json_end_obj(j);
}

/*
 * "hypervisor time: 41.2 ns per descriptor (0.014 ms total)": STATS hv_ns
 * over descs.  Without descriptors there is no cost per descriptor to
 * speak of (the time may still be QUERYs' or refused calls'): "-".
 */
static void text_hv_time(FILE *f, const char *indent, uint64_t hv_ns,
			 uint64_t descs)
{
	char per_desc[32] = "-";

	if (descs)
		snprintf(per_desc, sizeof(per_desc), "%.1f",
			 (double)hv_ns / (double)descs);
	fprintf(f, "%shypervisor time: %s ns per descriptor (%.3f ms total)\n",
		indent, per_desc, (double)hv_ns / 1e6);
}

/* "hv_ns" and "hv_ns_per_desc" (one decimal; null without descriptors). */
static void json_hv_time(struct json *j, uint64_t hv_ns, uint64_t descs)
{
	json_u64(j, "hv_ns", hv_ns);
	if (!descs) {
		json_null(j, "hv_ns_per_desc");
		return;
	}
	json_key(j, "hv_ns_per_desc");
	fprintf(j->f, "%.1f", (double)hv_ns / (double)descs);
}

void fmt_stats_text(FILE *f, const struct cdnactl_nic *nic,
		    const struct cdna_op_stats *g, const struct cdnactl_ctx *ctx,
		    unsigned n, bool one)
{
	text_nic(f, nic);
	for (unsigned i = 0; i < n; i++) {
		const struct cdnactl_ctx *c = &ctx[i];
		const struct cdnactl_nic_ctx_stats *s = &c->nic;

		if (ctx_assigned(c))
			fprintf(f, "context %u: domain %u (%s), %s\n", c->ctx,
				c->hv.domid, c->domain[0] ? c->domain : "?",
				cdna_ctx_state_name(c->hv.state));
		else
			fprintf(f, "context %u: unassigned, %s\n", c->ctx,
				cdna_ctx_state_name(c->hv.state));
		fprintf(f, "  hypervisor: enqueues %" PRIu64 ", descriptors %"
			PRIu64 ", references held %u\n", c->hv.enqueues,
			c->hv.descs, c->hv.refs_held);
		text_hv_time(f, "  ", c->hv.hv_ns, c->hv.descs);
		text_counts(f, "hypervisor refused", c->hv.refused,
			    CDNA_HV_REFUSAL_NUM, cdna_hv_refusal_name);
		fprintf(f, "  nic: tx %u frames %" PRIu64 " bytes, rx %u "
			"frames %" PRIu64 " bytes, revokes %u\n", s->tx_frames,
			s->tx_bytes, s->rx_frames, s->rx_bytes, s->revokes);
		text_counts(f, "nic refused", s->refused, CDNA_REFUSE_NUM,
			    cdna_nic_refusal_name);
		text_counts(f, "nic dropped", s->dropped, CDNA_DROP_NUM,
			    cdna_nic_drop_name);
	}
	if (one && n == 1) {
		/* The scope asked for: this context alone. */
		fprintf(f, "references held: %u\n", ctx[0].hv.refs_held);
		return;
	}
	/* STATS of CDNA_CTX_ANY: the totals over every context since the
	 * hypervisor started, revoked ones included... */
	fprintf(f, "hypervisor, all contexts: enqueues %" PRIu64
		", descriptors %" PRIu64 "\n", g->enqueues, g->descs);
	text_hv_time(f, "", g->hv_ns, g->descs);
	/* ...and the refusals it could pin on none. */
	fprintf(f, "hypervisor, outside any context:\n");
	text_counts(f, "refused", g->refused, CDNA_HV_REFUSAL_NUM,
		    cdna_hv_refusal_name);
	fprintf(f, "nic: mac rx drops %u, rx no match %u, dma faults %u\n",
		nic->mac_rx_drops, nic->rx_no_match, nic->dma_faults);
	fprintf(f, "references held: %u\n", g->refs_held);
}

void fmt_stats_json(FILE *f, const struct cdnactl_nic *nic,
		    const struct cdna_op_stats *g, const struct cdnactl_ctx *ctx,
		    unsigned n)
{
	struct json j;

	json_init(&j, f);
	json_begin_obj(&j, NULL);
	json_u64(&j, "refs_held_total", g->refs_held);
	json_nic(&j, nic);
	json_begin_obj(&j, "hypervisor");
	json_u64(&j, "refs_held", g->refs_held);
	json_counts(&j, "refused", g->refused, CDNA_HV_REFUSAL_NUM,
		    cdna_hv_refusal_name);
	json_u64(&j, "enqueues", g->enqueues);
	json_u64(&j, "descs", g->descs);
	json_hv_time(&j, g->hv_ns, g->descs);
	json_end_obj(&j);
	json_begin_obj(&j, "nic_counters");
	json_u64(&j, "mac_rx_drops", nic->mac_rx_drops);
	json_u64(&j, "rx_no_match", nic->rx_no_match);
	json_u64(&j, "dma_faults", nic->dma_faults);
	json_end_obj(&j);
	json_begin_arr(&j, "contexts");
	for (unsigned i = 0; i < n; i++) {
		const struct cdnactl_ctx *c = &ctx[i];
		const struct cdnactl_nic_ctx_stats *s = &c->nic;

		json_begin_obj(&j, NULL);
		json_u64(&j, "ctx", c->ctx);
		if (ctx_assigned(c)) {
			json_u64(&j, "domid", c->hv.domid);
			json_str(&j, "domain", c->domain[0] ? c->domain : NULL);
		} else {
			json_null(&j, "domid");
			json_null(&j, "domain");
		}
		json_str(&j, "state", cdna_ctx_state_name(c->hv.state));
		json_u64(&j, "enqueues", c->hv.enqueues);
		json_u64(&j, "descs", c->hv.descs);
		json_hv_time(&j, c->hv.hv_ns, c->hv.descs);
		json_u64(&j, "refs_held", c->hv.refs_held);
		json_counts(&j, "refused", c->hv.refused,
			    CDNA_HV_REFUSAL_NUM, cdna_hv_refusal_name);
		json_begin_obj(&j, "nic");
		json_u64(&j, "tx_frames", s->tx_frames);
		json_u64(&j, "tx_bytes", s->tx_bytes);
		json_u64(&j, "rx_frames", s->rx_frames);
		json_u64(&j, "rx_bytes", s->rx_bytes);
		json_u64(&j, "revokes", s->revokes);
		json_counts(&j, "refused", s->refused, CDNA_REFUSE_NUM,
			    cdna_nic_refusal_name);
		json_counts(&j, "dropped", s->dropped, CDNA_DROP_NUM,
			    cdna_nic_drop_name);
		json_end_obj(&j);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_end_obj(&j);
}

/* ---- flash and firmware ---------------------------------------------------- */

#define BAR_WIDTH 30u

void fmt_progress(FILE *f, struct fmt_progress *p, uint32_t done,
		  uint32_t total)
{
	uint64_t pct = total ? (uint64_t)done * 100u / total : 100u;
	unsigned steps = (unsigned)(pct / 10u);

	if (p->tty) {
		unsigned fill = (unsigned)(pct * BAR_WIDTH / 100u);

		fputs("\rflash: [", f);
		for (unsigned i = 0; i < BAR_WIDTH; i++)
			fputc(i < fill ? '#' : ' ', f);
		fprintf(f, "] %3u%% (%u/%u bytes)", (unsigned)pct, done,
			total);
		if (done >= total)
			fputc('\n', f);
		fflush(f);
		return;
	}
	while (p->last_step < steps) {
		p->last_step++;
		fprintf(f, "flash: %u%% (%u/%u bytes)\n", p->last_step * 10u,
			done, total);
	}
	fflush(f);
}

static char *fmt_crc(uint32_t crc, char buf[16])
{
	if (!crc)
		snprintf(buf, 16, "-");
	else
		snprintf(buf, 16, "0x%08x", crc);
	return buf;
}

/* "trial, table" or "none". */
static char *boot_flags_text(uint32_t flags, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 32 && o < len; i++) {
		const char *n;

		if (!(flags & (1u << i)))
			continue;
		n = cdna_boot_flag_name(i);
		if (n)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? ", " : "", n);
		else
			o += (size_t)snprintf(buf + o, len - o, "%sbit%u",
					      o ? ", " : "", i);
	}
	if (!o)
		snprintf(buf, len, "none");
	return buf;
}

/* Why the boot ROM refused bank b at the last reset; NULL when it did not
 * (or the bank is merely empty). */
static const char *boot_refusal(const struct flash_fw_info *fi, unsigned b)
{
	uint32_t e = (fi->boot_error >> (8 * b)) & 0xffu;

	if (e == CDNA_IMAGE_OK || e == CDNA_IMAGE_EMPTY)
		return NULL;
	return cdna_image_strerror((enum cdna_image_error)e);
}

void fmt_firmware_text(FILE *f, const char *pci,
		       const struct flash_fw_info *fi)
{
	char v[16], crc[16], flags[96], booted[32];

	if (fi->boot_bank < FLASH_BANKS)
		snprintf(booted, sizeof(booted), "bank %u", fi->boot_bank);
	else
		snprintf(booted, sizeof(booted), "none");
	fprintf(f, "NIC %s  firmware %s (%s)  booted %s  boot flags: %s\n",
		pci, fmt_fw_version(fi->fw_version, v),
		cdna_fw_state_name(fi->fw_state), booted,
		boot_flags_text(fi->boot_flags, flags, sizeof(flags)));
	if (fi->fw_state == CDNA_FW_STATE_FAULT)
		fprintf(f, "fault: %s at PC 0x%08x\n",
			cdna_fault_name(fi->fault_cause), fi->fault_pc);
	fprintf(f, "%-5s %-8s %-8s %-11s %s\n", "BANK", "STATE", "VERSION",
		"CRC", "NOTE");
	for (unsigned b = 0; b < FLASH_BANKS; b++) {
		const char *why = boot_refusal(fi, b);
		char note[160] = "";

		if (b == fi->boot_bank)
			snprintf(note, sizeof(note), "booted");
		else if (why)
			snprintf(note, sizeof(note), "boot ROM: %s", why);
		fprintf(f, "%-5u %-8s %-8s %-11s %s\n", b,
			cdna_flash_bank_state_name(fi->bank[b].state),
			fi->bank[b].version ?
				fmt_fw_version(fi->bank[b].version, v) : "-",
			fmt_crc(fi->bank[b].crc, crc), note);
	}
}

static void json_firmware_body(struct json *j, const struct flash_fw_info *fi)
{
	char v[16], crc[16];

	json_str(j, "firmware_state", cdna_fw_state_name(fi->fw_state));
	if (fi->fw_version)
		json_str(j, "firmware_version",
			 fmt_fw_version(fi->fw_version, v));
	else
		json_null(j, "firmware_version");
	if (fi->boot_bank < FLASH_BANKS)
		json_u64(j, "boot_bank", fi->boot_bank);
	else
		json_null(j, "boot_bank");
	json_begin_arr(j, "boot_flags");
	for (unsigned i = 0; i < 32; i++)
		if ((fi->boot_flags & (1u << i)) && cdna_boot_flag_name(i))
			json_str(j, NULL, cdna_boot_flag_name(i));
	json_end_arr(j);
	json_bool(j, "trial", fi->boot_flags & MGMT_BOOT_F_TRIAL);
	json_bool(j, "rollback", fi->boot_flags & MGMT_BOOT_F_ROLLBACK);
	json_bool(j, "fallback", fi->boot_flags & MGMT_BOOT_F_FALLBACK);
	if (fi->fw_state == CDNA_FW_STATE_FAULT) {
		char pc[16];

		json_begin_obj(j, "fault");
		json_str(j, "cause", cdna_fault_name(fi->fault_cause));
		snprintf(pc, sizeof(pc), "0x%08x", fi->fault_pc);
		json_str(j, "pc", pc);
		json_end_obj(j);
	} else {
		json_null(j, "fault");
	}
	json_begin_arr(j, "banks");
	for (unsigned b = 0; b < FLASH_BANKS; b++) {
		json_begin_obj(j, NULL);
		json_u64(j, "bank", b);
		json_str(j, "state",
			 cdna_flash_bank_state_name(fi->bank[b].state));
		json_str(j, "version", fi->bank[b].version ?
			 fmt_fw_version(fi->bank[b].version, v) : NULL);
		json_str(j, "crc", fi->bank[b].crc ?
			 fmt_crc(fi->bank[b].crc, crc) : NULL);
		json_bool(j, "booted", b == fi->boot_bank);
		json_str(j, "boot_error", boot_refusal(fi, b));
		json_end_obj(j);
	}
	json_end_arr(j);
}

void fmt_firmware_json(FILE *f, const char *pci,
		       const struct flash_fw_info *fi)
{
	struct json j;

	json_init(&j, f);
	json_begin_obj(&j, NULL);
	json_str(&j, "nic", pci);
	json_firmware_body(&j, fi);
	json_end_obj(&j);
}

static const char *const via_names[] = {
	[FLASH_VIA_NONE] = "none",
	[FLASH_VIA_HYPERCALL] = "hypercall",
	[FLASH_VIA_NATIVE] = "native",
};

static const char *const outcome_names[] = {
	[FLASH_PENDING] = "pending",
	[FLASH_COMMITTED] = "committed",
	[FLASH_ROLLED_BACK] = "rolled_back",
	[FLASH_NOT_TRIED] = "not_tried",
	[FLASH_TIMEOUT] = "timeout",
	[FLASH_OTHER] = "changed",
};

void fmt_flash_json(FILE *f, const char *pci, const char *path,
		    const struct ops_flash_result *r, const char *error)
{
	struct json j;
	char v[16], crc[16];

	json_init(&j, f);
	json_begin_obj(&j, NULL);
	json_bool(&j, "ok", error == NULL);
	json_str(&j, "error", error);
	json_str(&j, "nic", pci);
	json_begin_obj(&j, "image");
	json_str(&j, "file", path);
	if (r && r->img_size) {
		char name[CDNA_IMAGE_NAME_LEN + 1];

		snprintf(name, sizeof(name), "%.16s", r->img.name);
		json_str(&j, "name", name);
		json_str(&j, "version", fmt_fw_version(r->img.fw_version, v));
		json_u64(&j, "bytes", r->img_size);
		json_str(&j, "crc", fmt_crc(r->img.header_crc, crc));
	}
	json_end_obj(&j);
	if (r && r->have_before) {
		json_begin_obj(&j, "before");
		json_firmware_body(&j, &r->before);
		json_end_obj(&j);
	} else {
		json_null(&j, "before");
	}
	if (r && r->bank >= 0) {
		json_u64(&j, "bank", (uint64_t)r->bank);
		json_str(&j, "bank_was",
			 cdna_flash_bank_state_name(r->bank_was));
	} else {
		json_null(&j, "bank");
		json_null(&j, "bank_was");
	}
	json_bool(&j, "pending", r && r->pending);
	if (r && r->via != FLASH_VIA_NONE) {
		json_begin_obj(&j, "activate");
		json_str(&j, "via", via_names[r->via]);
		json_str(&j, "note", r->via_note);
		json_str(&j, "result", outcome_names[r->outcome]);
		json_u64(&j, "ms", r->activate_ms);
		json_str(&j, "driver", r->driver[0] ? r->driver : NULL);
		json_bool(&j, "driver_rebound", r->driver_rebound);
		json_u64(&j, "contexts_suspended", r->ctx_suspended);
		json_u64(&j, "contexts_not_stopped", r->ctx_stuck);
		json_u64(&j, "contexts_restored", r->ctx_restored);
		json_u64(&j, "contexts_left_suspended", r->ctx_left);
		json_u64(&j, "refs_returned", r->refs_returned);
		json_end_obj(&j);
	} else {
		json_null(&j, "activate");
	}
	if (r && r->have_after) {
		json_begin_obj(&j, "after");
		json_firmware_body(&j, &r->after);
		json_end_obj(&j);
	} else {
		json_null(&j, "after");
	}
	json_end_obj(&j);
}
