/* SPDX-License-Identifier: MIT */
/*
 * fmt.h - cdnactl's output: text for people, JSON for programs.  Pure
 * formatting into a FILE (tests use open_memstream).
 */
#ifndef CDNACTL_FMT_H
#define CDNACTL_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cdnactl.h"

/* A tiny JSON writer: objects and arrays nest, commas come by themselves. */
struct json {
	FILE *f;
	int depth;
	bool need_comma[16];
};
void json_init(struct json *j, FILE *f);
/* key is NULL inside arrays and for the outermost value. */
void json_begin_obj(struct json *j, const char *key);
void json_begin_arr(struct json *j, const char *key);
void json_end_obj(struct json *j);
void json_end_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *val); /* NULL: null */
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* A JSON string literal with quotes and escapes. */
void json_put_string(FILE *f, const char *s);

/* "1.2.3" from CDNA_FW_VERSION; "none" for 0. */
char *fmt_fw_version(uint32_t v, char buf[16]);

/*
 * cdnactl list.  ctx may be NULL when the contexts could not be read (then
 * error says why: JSON carries it as "error", text prints nothing for it).
 */
void fmt_list_text(FILE *f, const struct cdnactl_nic *nic,
		   const struct cdnactl_ctx *ctx, unsigned n);
void fmt_list_json(FILE *f, const struct cdnactl_nic *nic,
		   const struct cdnactl_ctx *ctx, unsigned n,
		   const char *error);

/*
 * cdnactl stats: the given contexts, then the global counters (ctx
 * CDNA_CTX_ANY).  The text's last line is "references held: N": over all
 * contexts, or with one (stats --ctx N) that context's alone, and then the
 * global counters are left out.  JSON always has both: "refs_held_total"
 * and each context's "refs_held".  The hypervisor's time (STATS hv_ns) per
 * context and in all: "hypervisor time: X ns per descriptor (Y ms
 * total)", X "-" without descriptors; JSON "hv_ns" and "hv_ns_per_desc"
 * (null without descriptors).
 */
void fmt_stats_text(FILE *f, const struct cdnactl_nic *nic,
		    const struct cdna_op_stats *global,
		    const struct cdnactl_ctx *ctx, unsigned n, bool one);
void fmt_stats_json(FILE *f, const struct cdnactl_nic *nic,
		    const struct cdna_op_stats *global,
		    const struct cdnactl_ctx *ctx, unsigned n);

/*
 * The flash's progress on f: with tty a bar redrawn in place ("\rflash:
 * [####      ]  40% (4096/10240 bytes)", a newline once done), otherwise
 * one line per 10% step reached, "flash: 40% (4096/10240 bytes)" (every
 * step from 10% to 100% appears, also when one call crosses several).
 */
struct fmt_progress {
	bool tty;
	unsigned last_step; /* 10% steps printed */
};
void fmt_progress(FILE *f, struct fmt_progress *p, uint32_t done,
		  uint32_t total);

struct flash_fw_info;
struct ops_flash_result;

/* cdnactl firmware: the NIC's firmware, both banks, how it booted. */
void fmt_firmware_text(FILE *f, const char *pci,
		       const struct flash_fw_info *fi);
void fmt_firmware_json(FILE *f, const char *pci,
		       const struct flash_fw_info *fi);
/* cdnactl flash --json: one object, whatever the outcome (error: NULL on
 * success, else the sentence cdnactl prints on stderr).  r may be NULL
 * when the image was refused before anything else happened. */
void fmt_flash_json(FILE *f, const char *pci, const char *path,
		    const struct ops_flash_result *r, const char *error);

#endif
