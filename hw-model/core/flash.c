/* SPDX-License-Identifier: MIT */
/* flash.c - see flash.h. */
#include "flash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdna_nic.h"

struct cdna_flash {
	int fd;               /* -1: in memory only */
	uint8_t *mem;         /* CDNA_FLASH_FILE_SIZE bytes */
	int64_t cut;          /* units left before the power cut; < 0 none */
	int dead;             /* the cut happened: nothing persists */
	uint64_t units;       /* units persisted */
};

/* All len bytes at off, or -1 (a short read or write is retried). */
static int io_all(int fd, uint8_t *p, size_t len, off_t off, int write)
{
	while (len) {
		ssize_t n = write ? pwrite(fd, p, len, off)
				  : pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n, off += n;
	}
	return 0;
}

struct cdna_flash *cdna_flash_open(const char *path, char *err,
				   size_t err_len)
{
	struct cdna_flash *flash = calloc(1, sizeof(*flash));
	struct stat st;

	if (!flash || !(flash->mem = malloc(CDNA_FLASH_FILE_SIZE))) {
		snprintf(err, err_len, "flash: out of memory");
		free(flash);
		return NULL;
	}
	memset(flash->mem, 0xff, CDNA_FLASH_FILE_SIZE);
	flash->fd = -1;
	flash->cut = -1;
	if (!path)
		return flash;
	flash->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (flash->fd < 0 || fstat(flash->fd, &st)) {
		snprintf(err, err_len, "flash file %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (st.st_size == 0) {
		if (io_all(flash->fd, flash->mem, CDNA_FLASH_FILE_SIZE, 0, 1)) {
			snprintf(err, err_len, "flash file %s: cannot write: %s",
				 path, strerror(errno));
			goto fail;
		}
	} else if (st.st_size != (off_t)CDNA_FLASH_FILE_SIZE) {
		snprintf(err, err_len,
			 "flash file %s is %lld bytes, a cdna flash is %u "
			 "(two banks and a table): not a cdna flash file",
			 path, (long long)st.st_size, CDNA_FLASH_FILE_SIZE);
		goto fail;
	} else if (io_all(flash->fd, flash->mem, CDNA_FLASH_FILE_SIZE, 0, 0)) {
		snprintf(err, err_len, "flash file %s: cannot read: %s", path,
			 strerror(errno));
		goto fail;
	}
	return flash;
fail:
	cdna_flash_close(flash);
	return NULL;
}

void cdna_flash_close(struct cdna_flash *flash)
{
	if (!flash)
		return;
	if (flash->fd >= 0)
		close(flash->fd);
	free(flash->mem);
	free(flash);
}

const uint8_t *cdna_flash_data(const struct cdna_flash *flash)
{
	return flash->mem;
}

const uint8_t *cdna_flash_bank(const struct cdna_flash *flash, uint32_t b)
{
	return b < CDNA_FLASH_BANKS ? flash->mem + b * CDNA_FLASH_BANK_SIZE
				    : NULL;
}

int cdna_flash_write(struct cdna_flash *flash, uint32_t off,
		     const void *data, size_t len, char *err, size_t err_len)
{
	uint8_t *fill = NULL;
	const uint8_t *src = data;
	uint64_t units = (len + 3) / 4;
	int cut = 0;

	if (off > CDNA_FLASH_FILE_SIZE || len > CDNA_FLASH_FILE_SIZE - off) {
		snprintf(err, err_len,
			 "flash: write of %zu bytes at %u is outside the flash",
			 len, off);
		return -1;
	}
	if (!src) {
		fill = malloc(len ? len : 1);
		if (!fill) {
			snprintf(err, err_len, "flash: out of memory");
			return -1;
		}
		memset(fill, 0xff, len);
		src = fill;
	}
	if (flash->dead) {
		snprintf(err, err_len, "flash: power lost (test cut)");
		free(fill);
		return -1;
	}
	if (flash->cut >= 0 && (uint64_t)flash->cut < units) {
		/* Power fails inside this write: its first units land. */
		len = (size_t)flash->cut * 4;
		units = (uint64_t)flash->cut;
		cut = 1;
	}
	/* The file first: the copy in memory never claims more than the
	 * file holds. */
	if (flash->fd >= 0 && io_all(flash->fd, (uint8_t *)src, len, off, 1)) {
		snprintf(err, err_len, "flash: file write failed: %s",
			 strerror(errno));
		free(fill);
		return -1;
	}
	memcpy(flash->mem + off, src, len);
	free(fill);
	flash->units += units;
	if (flash->cut >= 0)
		flash->cut -= (int64_t)units;
	if (cut) {
		flash->dead = 1;
		snprintf(err, err_len, "flash: power lost (test cut)");
		return -1;
	}
	return 0;
}

void cdna_flash_set_cut(struct cdna_flash *flash, int64_t units)
{
	flash->cut = units;
	flash->dead = 0;
}

int64_t cdna_flash_cut_left(const struct cdna_flash *flash)
{
	return flash->cut < 0 ? -1 : flash->cut;
}

uint64_t cdna_flash_units(const struct cdna_flash *flash)
{
	return flash->units;
}
