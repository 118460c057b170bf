/* SPDX-License-Identifier: MIT */
/* flash.c - cdnactl flash and cdnactl firmware (see flash.h). */
#include "flash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdna/hcall.h"
#include "errmsg.h"
#include "fmt.h"
#include "image_check.h"
#include "ops.h"

__attribute__((format(printf, 2, 3)))
static void step(struct cdnactl_sys *s, const char *fmt, ...)
{
	char line[OPS_ERR_LEN];
	va_list ap;

	if (!s->step)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->step(s, line);
}

static uint32_t rd(struct cdnactl_sys *s, uint32_t off)
{
	return s->mgmt_read(s, off);
}

static void wr(struct cdnactl_sys *s, uint32_t off, uint32_t val)
{
	s->mgmt_write(s, off, val);
}

/* ---- reading the NIC ------------------------------------------------------ */

void flash_read_info(struct cdnactl_sys *s, struct flash_fw_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	fi->fw_state = rd(s, MGMT_FW_STATE);
	fi->fw_version = rd(s, MGMT_FW_VERSION);
	fi->boot_bank = rd(s, MGMT_BOOT_BANK);
	fi->boot_flags = rd(s, MGMT_BOOT_FLAGS);
	fi->boot_error = rd(s, MGMT_BOOT_ERROR);
	fi->fault_cause = rd(s, MGMT_FAULT_CAUSE);
	fi->fault_pc = rd(s, MGMT_FAULT_PC);
	for (unsigned b = 0; b < FLASH_BANKS; b++) {
		fi->bank[b].state = rd(s, MGMT_FLASH_BANK_ST(b));
		fi->bank[b].version = rd(s, MGMT_FLASH_BANK_VER(b));
		fi->bank[b].crc = rd(s, MGMT_FLASH_BANK_CRC(b));
	}
}

char *flash_banks_summary(const struct flash_fw_info *fi, char *buf,
			  unsigned len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < FLASH_BANKS && o < len; b++) {
		char v[16];

		o += (size_t)snprintf(buf + o, len - o, "%sbank %u %s", b ?
				      ", " : "", b,
				      cdna_flash_bank_state_name(
					      fi->bank[b].state));
		if (fi->bank[b].version && o < len)
			o += (size_t)snprintf(buf + o, len - o, " %s",
					      fmt_fw_version(
						      fi->bank[b].version, v));
	}
	return buf;
}

/* "firmware 1.0.0 running from bank 0; bank 0 active 1.0.0, bank 1 empty" */
static void say_state(struct cdnactl_sys *s, const char *label,
		      const struct flash_fw_info *fi)
{
	char v[16], banks[128], from[32] = "";

	if (fi->boot_bank < FLASH_BANKS)
		snprintf(from, sizeof(from), " from bank %u", fi->boot_bank);
	step(s, "%s: firmware %s %s%s; %s", label,
	     fmt_fw_version(fi->fw_version, v),
	     cdna_fw_state_name(fi->fw_state), from,
	     flash_banks_summary(fi, banks, sizeof(banks)));
}

/* ---- the image ------------------------------------------------------------ */

int flash_read_image(const char *path, uint8_t **buf, size_t *n, char *err,
		     unsigned errlen)
{
	struct stat st;
	uint8_t *b;
	size_t len = 0;
	ssize_t got;
	int fd;

	*buf = NULL;
	*n = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open the image (%s)", path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory, not an image",
			 path);
		close(fd);
		return -1;
	}
	b = malloc(FLASH_READ_MAX + 1);
	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (len < FLASH_READ_MAX + 1) {
		got = read(fd, b + len, FLASH_READ_MAX + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errlen, "%s: cannot read the image (%s)",
				 path, strerror(errno));
			free(b);
			close(fd);
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	*buf = b;
	*n = len;
	return 0;
}

int flash_check_image(const char *path, const uint8_t *img, size_t n,
		      struct cdna_image_header *h, char *err, unsigned errlen)
{
	enum cdna_image_error e;
	const char *layout;
	char size[64];

	memset(h, 0, sizeof(*h));
	e = cdna_image_check(img, n, h);
	if (e == CDNA_IMAGE_OK)
		return 0;
	if (n > FLASH_READ_MAX)
		snprintf(size, sizeof(size), "more than %zu bytes",
			 FLASH_READ_MAX);
	else
		snprintf(size, sizeof(size), "%zu bytes", n);
	switch (e) {
	case CDNA_IMAGE_BAD_SIZE:
		snprintf(err, errlen, "%s: %s (payload_size %u; a flash bank "
			 "holds %u bytes, a payload at most %u); nothing "
			 "written", path, cdna_image_strerror(e),
			 h->payload_size, CDNA_FLASH_BANK_SIZE,
			 CDNA_NIC_CODE_SIZE);
		break;
	case CDNA_IMAGE_TRUNCATED:
	case CDNA_IMAGE_TRAILING:
		snprintf(err, errlen, "%s: %s (file: %s, header plus payload: "
			 "%u bytes); nothing written", path,
			 cdna_image_strerror(e), size,
			 CDNA_IMAGE_HEADER_SIZE + h->payload_size);
		break;
	case CDNA_IMAGE_WRONG_HW:
		snprintf(err, errlen, "%s: %s (hw_id 0x%08x, this NIC is "
			 "0x%08x); nothing written", path,
			 cdna_image_strerror(e), h->hw_id, CDNA_HW_ID);
		break;
	case CDNA_IMAGE_BAD_FORMAT:
		snprintf(err, errlen, "%s: %s (format %u, header %u bytes; "
			 "want format %u, %u bytes); nothing written", path,
			 cdna_image_strerror(e), h->format_version,
			 h->header_size, CDNA_IMAGE_FORMAT_VERSION,
			 CDNA_IMAGE_HEADER_SIZE);
		break;
	case CDNA_IMAGE_BAD_LAYOUT:
		layout = cdna_image_layout_problem(h);
		snprintf(err, errlen, "%s: %s (%s); nothing written", path,
			 cdna_image_strerror(e), layout ? layout : "?");
		break;
	default:
		snprintf(err, errlen, "%s: %s (file: %s); nothing written",
			 path, cdna_image_strerror(e), size);
		break;
	}
	return -1;
}

/* ---- the bank ------------------------------------------------------------- */

static bool bank_in_use(const struct flash_fw_info *fi, unsigned b)
{
	return b == fi->boot_bank ||
	       fi->bank[b].state == CDNA_FLASH_BANK_ACTIVE ||
	       fi->bank[b].state == CDNA_FLASH_BANK_TRIAL;
}

/* A bank whose image is worth keeping when there is a choice. */
static bool bank_holds_image(const struct flash_fw_info *fi, unsigned b)
{
	return fi->bank[b].state == CDNA_FLASH_BANK_VALID ||
	       fi->bank[b].state == CDNA_FLASH_BANK_PENDING;
}

int flash_pick_bank(const struct flash_fw_info *fi, char *err,
		    unsigned errlen)
{
	int pick = -1;

	for (unsigned b = 0; b < FLASH_BANKS; b++) {
		if (bank_in_use(fi, b))
			continue;
		if (pick < 0 || (bank_holds_image(fi, (unsigned)pick) &&
				 !bank_holds_image(fi, b)))
			pick = (int)b;
	}
	if (pick >= 0)
		return pick;
	for (unsigned b = 0; b < FLASH_BANKS; b++)
		if (fi->bank[b].state == CDNA_FLASH_BANK_TRIAL) {
			snprintf(err, errlen, "a trial is running (bank %u on "
				 "trial, bank %u is what it falls back to): "
				 "wait until it commits or rolls back (cdnactl "
				 "firmware), then flash again", b, 1 - b);
			return -1;
		}
	snprintf(err, errlen, "no bank may be written: the NIC booted bank "
		 "%d and the other is ACTIVE (what it boots at a reset); "
		 "see cdnactl firmware", (int)fi->boot_bank);
	return -1;
}

/* ---- streaming ------------------------------------------------------------ */

/* STATUS once the controller is no longer BUSY (the model never is). */
static uint32_t wait_status(struct cdnactl_sys *s)
{
	uint64_t until = s->now_ms(s) + FLASH_BUSY_WAIT_MS;
	uint32_t st;

	for (;;) {
		st = rd(s, MGMT_FLASH_STATUS);
		if ((st & 0xffu) != CDNA_FLASH_ST_BUSY ||
		    s->now_ms(s) >= until)
			return st;
		s->sleep_ms(s, FLASH_POLL_MS);
	}
}

static int refused(struct cdnactl_sys *s, struct ops_flash_result *r,
		   uint32_t status, const char *when, char *err)
{
	char why[OPS_ERR_LEN / 2];
	uint32_t now;

	cdna_flash_status_sentence(status, (unsigned)r->bank, r->img_size, why,
				   sizeof(why));
	/* An open transfer is closed so the bank does not stay WRITING. */
	wr(s, MGMT_FLASH_CMD, CDNA_FLASH_CMD_CANCEL);
	now = rd(s, MGMT_FLASH_BANK_ST((unsigned)r->bank));
	return ops_fail(err, "%s bank %u: %s; bank %u is now %s, the running "
		    "firmware is untouched", when, r->bank, why, r->bank,
		    cdna_flash_bank_state_name(now));
}

static int stream(struct cdnactl_sys *s, const uint8_t *img, uint32_t n,
		  struct ops_flash_result *r, char *err)
{
	uint32_t b = (uint32_t)r->bank, st, words = 0;

	wr(s, MGMT_FLASH_BANK, b);
	wr(s, MGMT_FLASH_SIZE, n);
	wr(s, MGMT_FLASH_CMD, CDNA_FLASH_CMD_BEGIN);
	st = wait_status(s);
	if ((st & 0xffu) != CDNA_FLASH_ST_OK)
		return refused(s, r, st, "flash: the NIC would not open", err);
	if (s->progress)
		s->progress(s, 0, n);
	for (uint32_t o = 0; o < n; o += 4) {
		uint32_t w = 0;

		for (uint32_t i = 0; i < 4 && o + i < n; i++)
			w |= (uint32_t)img[o + i] << (8 * i);
		wr(s, MGMT_FLASH_DATA, w);
		if (++words % FLASH_PROGRESS_WORDS && o + 4 < n)
			continue;
		/* STATUS keeps the first refused DATA write. */
		st = rd(s, MGMT_FLASH_STATUS);
		if ((st & 0xffu) != CDNA_FLASH_ST_OK)
			return refused(s, r, st, "flash: writing", err);
		if (s->progress) {
			uint32_t done = rd(s, MGMT_FLASH_OFFSET);

			s->progress(s, done < n ? done : n, n);
		}
	}
	wr(s, MGMT_FLASH_CMD, CDNA_FLASH_CMD_VERIFY);
	st = wait_status(s);
	if ((st & 0xffu) != CDNA_FLASH_ST_OK)
		return refused(s, r, st, "flash: verifying", err);
	return 0;
}

/* ---- activation ----------------------------------------------------------- */

static bool any_trial(const struct flash_fw_info *fi)
{
	for (unsigned b = 0; b < FLASH_BANKS; b++)
		if (fi->bank[b].state == CDNA_FLASH_BANK_TRIAL)
			return true;
	return false;
}

/*
 * After the reset: until the firmware runs with no bank on trial and the
 * written bank's fate is known.  The bank still PENDING while the old
 * firmware runs means the reset has not happened yet, unless the NIC was
 * seen down and its boot ROM says a table write failed.
 */
static enum flash_outcome wait_boot(struct cdnactl_sys *s,
				    struct ops_flash_result *r)
{
	uint64_t t0 = s->now_ms(s), now;
	unsigned b = (unsigned)r->bank;
	bool seen_down = false;

	for (;;) {
		enum flash_outcome o = FLASH_PENDING;
		struct flash_fw_info *fi = &r->after;

		flash_read_info(s, fi);
		r->have_after = true;
		now = s->now_ms(s);
		r->activate_ms = (uint32_t)(now - t0);
		if (fi->fw_state != CDNA_FW_STATE_RUNNING)
			seen_down = true;
		else if (!any_trial(fi)) {
			switch (fi->bank[b].state) {
			case CDNA_FLASH_BANK_ACTIVE:
				o = fi->boot_bank == b ? FLASH_COMMITTED :
				    FLASH_OTHER;
				break;
			case CDNA_FLASH_BANK_FAILED:
				o = FLASH_ROLLED_BACK;
				break;
			case CDNA_FLASH_BANK_PENDING:
				if (seen_down && (fi->boot_flags &
						  MGMT_BOOT_F_FLASH_ERR))
					o = FLASH_NOT_TRIED;
				break;
			default:
				o = FLASH_OTHER;
				break;
			}
		}
		if (o != FLASH_PENDING)
			return o;
		if (now - t0 >= FLASH_ACTIVATE_WAIT_MS)
			return FLASH_TIMEOUT;
		s->sleep_ms(s, FLASH_POLL_MS);
	}
}

/* The sentence for an activation that did not end with the new image. */
static int outcome_fail(struct ops_flash_result *r, char *err)
{
	const struct flash_fw_info *fi = &r->after;
	char v[16], nv[16], banks[128];
	unsigned b = (unsigned)r->bank;

	fmt_fw_version(fi->fw_version, v);
	fmt_fw_version(r->img.fw_version, nv);
	flash_banks_summary(fi, banks, sizeof(banks));
	switch (r->outcome) {
	case FLASH_ROLLED_BACK:
		return ops_fail(err, "the new firmware %s did not report healthy "
			    "within %u ms; the NIC rolled back to %s (bank "
			    "%d; bank %u is marked failed and never boots "
			    "again until re-flashed)", nv, CDNA_FLASH_TRIAL_MS,
			    v, (int)fi->boot_bank, b);
	case FLASH_NOT_TRIED:
		return ops_fail(err, "the NIC's boot ROM could not write its bank "
			    "table, so the new firmware %s was not tried; %s "
			    "runs (bank %d), bank %u is still pending", nv, v,
			    (int)fi->boot_bank, b);
	case FLASH_TIMEOUT:
		return ops_fail(err, "the NIC did not come back within %u ms "
			    "after the reset: firmware %s %s, %s",
			    FLASH_ACTIVATE_WAIT_MS, v,
			    cdna_fw_state_name(fi->fw_state), banks);
	case FLASH_OTHER:
		return ops_fail(err, "bank %u changed under cdnactl during the "
			    "activation (another flash?): firmware %s %s from "
			    "bank %d, %s", b, v,
			    cdna_fw_state_name(fi->fw_state),
			    (int)fi->boot_bank, banks);
	default:
		return 0;
	}
}

static int activate_native(struct cdnactl_sys *s, struct ops_flash_result *r)
{
	if (!r->driver_unbound) {
		s->driver_of(s, r->driver, sizeof(r->driver));
		if (r->driver[0]) {
			int rc;

			step(s, "activate: unbinding driver %s from the NIC",
			     r->driver);
			rc = s->driver_unbind(s, r->driver);
			if (rc)
				return rc;
			r->driver_unbound = true;
		}
	}
	step(s, "activate: resetting the NIC (MGMT_NIC_CTRL)");
	wr(s, MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET);
	return 0;
}

static int nic_reset_op(struct cdnactl_sys *s, uint32_t phase,
			struct cdna_op_nic_reset *op)
{
	memset(op, 0, sizeof(*op));
	op->phase = phase;
	return s->hcall(s, CDNA_OP_NIC_RESET, op, sizeof(*op));
}

/* END until the hypervisor stops saying EBUSY (firmware not running). */
static int nic_reset_end(struct cdnactl_sys *s, struct ops_flash_result *r,
			 char *err)
{
	uint64_t until = s->now_ms(s) + FLASH_END_WAIT_MS;
	struct cdna_op_nic_reset op;
	int rc;

	for (;;) {
		rc = nic_reset_op(s, CDNA_NIC_RESET_END, &op);
		if (rc != -CDNA_EBUSY || s->now_ms(s) >= until)
			break;
		s->sleep_ms(s, FLASH_POLL_MS * 5);
	}
	if (rc)
		return ops_fail(err, "the hypervisor did not restore the "
			    "contexts (CDNA_OP_NIC_RESET END): %s; they stay "
			    "suspended: run 'cdnactl flash --activate' again "
			    "once the firmware runs, or revoke them",
			    cdna_err_sentence(CDNA_OP_NIC_RESET, -rc));
	r->ended = true;
	r->ctx_restored = op.contexts;
	r->ctx_left = op.failed;
	r->refs_returned += op.refs_returned;
	step(s, "activate: %u contexts restored, %u left suspended, %u page "
	     "references returned", op.contexts, op.failed, op.refs_returned);
	return 0;
}

/* Which way the reset goes, decided before anything is written. */
static void choose_via(struct cdnactl_sys *s, struct ops_flash_result *r)
{
	struct cdna_op_stats st;
	int rc;

	if (!s->xen_dom0 || !s->hcall) {
		r->via = FLASH_VIA_NATIVE;
		return;
	}
	/* A Xen without CDNA leaves the NIC to dom0's own driver. */
	memset(&st, 0, sizeof(st));
	st.ctx = CDNA_CTX_ANY;
	rc = s->hcall(s, CDNA_OP_STATS, &st, sizeof(st));
	if (rc == -CDNA_ENOSYS) {
		r->via = FLASH_VIA_NATIVE;
		r->via_note = "Xen has no CDNA hypercall: the NIC is dom0's "
			      "own, reset directly";
		return;
	}
	r->via = FLASH_VIA_HYPERCALL;
}

static int activate(struct cdnactl_sys *s, struct ops_flash_result *r,
		    char *err)
{
	struct cdna_op_nic_reset op;
	int rc;

	step(s, "activate: bank %d boots as a trial at the reset; waiting "
	     "at most %u ms for it to commit or roll back", r->bank,
	     FLASH_ACTIVATE_WAIT_MS);
	if (r->via == FLASH_VIA_HYPERCALL) {
		step(s, "activate: resetting the NIC through the hypervisor "
		     "(CDNA_OP_NIC_RESET)");
		rc = nic_reset_op(s, CDNA_NIC_RESET_BEGIN, &op);
		if (rc == -CDNA_ENODEV) {
			/* Registered by nobody: no context is the
			 * hypervisor's, the NIC may be reset directly. */
			r->via = FLASH_VIA_NATIVE;
			r->via_note = "the hypervisor holds no NIC (ENODEV): "
				      "reset directly";
			step(s, "activate: %s", r->via_note);
		} else if (rc) {
			return ops_fail(err, "the hypervisor did not reset the "
				    "NIC (CDNA_OP_NIC_RESET BEGIN): %s; bank "
				    "%d stays pending and boots as a trial at "
				    "the next NIC reset",
				    cdna_err_sentence(CDNA_OP_NIC_RESET, -rc),
				    r->bank);
		} else {
			r->began = true;
			r->ctx_suspended = op.contexts;
			r->ctx_stuck = op.failed;
			r->refs_returned += op.refs_returned;
			step(s, "activate: %u contexts suspended, %u page "
			     "references returned, %u did not stop in time",
			     op.contexts, op.refs_returned, op.failed);
		}
	}
	if (r->via == FLASH_VIA_NATIVE) {
		rc = activate_native(s, r);
		if (rc)
			return ops_fail(err, "cannot unbind driver %s from NIC "
				    "(%s): %s; bank %d stays pending", r->driver,
				    "sysfs unbind", strerror(-rc), r->bank);
	}
	r->outcome = wait_boot(s, r);
	if (r->outcome == FLASH_COMMITTED) {
		char v[16];

		step(s, "activate: committed after %u ms: firmware %s runs "
		     "from bank %d", r->activate_ms,
		     fmt_fw_version(r->after.fw_version, v), r->bank);
	}
	/* Contexts come back whatever the outcome: the old firmware serves
	 * them after a rollback as well. */
	if (r->began) {
		char end_err[OPS_ERR_LEN];

		if (nic_reset_end(s, r, end_err)) {
			size_t l;

			if (r->outcome == FLASH_COMMITTED)
				return ops_fail(err, "%s", end_err);
			outcome_fail(r, err);
			l = strlen(err);
			snprintf(err + l, OPS_ERR_LEN - l, "; and %s", end_err);
			return -1;
		}
	}
	if (r->outcome != FLASH_COMMITTED)
		return outcome_fail(r, err);
	return 0;
}

/* Bind the driver again if cdnactl unbound it. */
static int rebind(struct cdnactl_sys *s, struct ops_flash_result *r,
		  int rc, char *err)
{
	int brc;

	if (!r->driver_unbound)
		return rc;
	brc = s->driver_bind(s, r->driver);
	if (brc == 0) {
		r->driver_rebound = true;
		step(s, "activate: driver %s bound to the NIC again",
		     r->driver);
		return rc;
	}
	if (rc) {
		size_t l = strlen(err);

		snprintf(err + l, OPS_ERR_LEN - l, "; and driver %s did not "
			 "bind again (%s)", r->driver, strerror(-brc));
		return rc;
	}
	return ops_fail(err, "driver %s did not bind to the NIC again (%s): "
		    "the NIC runs firmware it may not accept (see the "
		    "kernel log)", r->driver, strerror(-brc));
}

/* ---- the commands --------------------------------------------------------- */

/* Page 0 mapped: writable for flash.  A driver holding the region (the
 * kernel refuses, CONFIG_IO_STRICT_DEVMEM) is unbound first only when it
 * would be for the reset anyway: flash --activate on bare Linux. */
static int map_page0(struct cdnactl_sys *s, struct ops_flash_result *r,
		     bool writable, bool activating, bool may_unbind,
		     char *err)
{
	char why[OPS_ERR_LEN];
	int rc = s->mgmt_map(s, writable, why, sizeof(why));

	if (rc == -EBUSY && may_unbind) {
		s->driver_of(s, r->driver, sizeof(r->driver));
		if (r->driver[0]) {
			step(s, "flash: driver %s holds BAR2 and this kernel "
			     "will not share it: unbinding it now rather than "
			     "at the reset", r->driver);
			rc = s->driver_unbind(s, r->driver);
			if (rc)
				return ops_fail(err, "cannot unbind driver %s from "
					    "the NIC: %s", r->driver,
					    strerror(-rc));
			r->driver_unbound = true;
			rc = s->mgmt_map(s, writable, why, sizeof(why));
		}
	}
	if (rc == -EBUSY && writable && !activating)
		return ops_fail(err, "%s; or give --activate: the driver is "
			    "unbound for the whole flash then", why);
	if (rc)
		return ops_fail(err, "%s", why);
	return 0;
}

int ops_flash(struct cdnactl_sys *s, const struct cdnactl_args *a,
	      const char *path, const uint8_t *img, size_t n,
	      struct ops_flash_result *r, char *err)
{
	char v[16], banks[128];
	int rc;

	memset(r, 0, sizeof(*r));
	r->bank = -1;
	if (flash_check_image(path, img, n, &r->img, err, OPS_ERR_LEN))
		return -1;
	r->img_size = (uint32_t)n;
	step(s, "image: %s: %.16s %s, %u bytes, CRC 0x%08x", path,
	     r->img.name, fmt_fw_version(r->img.fw_version, v), r->img_size,
	     r->img.header_crc);
	if (a->activate)
		choose_via(s, r);
	if (a->activate && r->via_note)
		step(s, "activate: %s", r->via_note);
	if (map_page0(s, r, true, a->activate,
		      a->activate && r->via == FLASH_VIA_NATIVE, err))
		return rebind(s, r, -1, err);

	flash_read_info(s, &r->before);
	r->have_before = true;
	say_state(s, "before", &r->before);
	rc = flash_pick_bank(&r->before, err, OPS_ERR_LEN);
	if (rc < 0)
		return rebind(s, r, -1, err);
	r->bank = rc;
	r->bank_was = r->before.bank[rc].state;
	step(s, "flash: writing bank %d (was %s), %u bytes", r->bank,
	     cdna_flash_bank_state_name(r->bank_was), r->img_size);
	if (stream(s, img, r->img_size, r, err))
		return rebind(s, r, -1, err);

	flash_read_info(s, &r->after);
	r->have_after = true;
	if (r->after.bank[r->bank].state != CDNA_FLASH_BANK_PENDING ||
	    r->after.bank[r->bank].version != r->img.fw_version)
		return rebind(s, r, ops_fail(err, "the NIC accepted the image but "
					 "bank %d now shows %s: %s", r->bank,
					 cdna_flash_bank_state_name(
						 r->after.bank[r->bank].state),
					 flash_banks_summary(&r->after, banks,
							     sizeof(banks))),
			      err);
	r->pending = true;
	step(s, "flash: bank %d verified by the NIC: firmware %s pending "
	     "(CRC 0x%08x)", r->bank, fmt_fw_version(r->img.fw_version, v),
	     r->after.bank[r->bank].crc);
	if (!a->activate) {
		step(s, "flash: it boots as a trial at the next NIC reset "
		     "(cdnactl flash --activate, or a reboot)");
		return rebind(s, r, 0, err);
	}
	rc = activate(s, r, err);
	rc = rebind(s, r, rc, err);
	say_state(s, "after", &r->after);
	return rc;
}

int ops_firmware(struct cdnactl_sys *s, struct flash_fw_info *fi, char *err)
{
	struct ops_flash_result r;

	memset(&r, 0, sizeof(r));
	if (map_page0(s, &r, false, false, false, err))
		return -1;
	flash_read_info(s, fi);
	return 0;
}
