/* SPDX-License-Identifier: MIT */
/*
 * cdna-image - create, verify and describe NIC firmware images
 * (format: include/cdna/image.h; checks: firmware/image/image_check.c).
 *
 *   cdna-image create --elf FILE.elf --version X.Y.Z [--name NAME]
 *                     [--flags N] -o OUT.img
 *   cdna-image verify FILE...
 *   cdna-image info FILE...
 *   cdna-image flash [--bank1 FILE.img] -o FLASH FILE.img
 *
 * Exit status: 0 success, 1 an image or ELF file is invalid, 2 usage error
 * or a file cannot be read or written.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cdna_nic.h"   /* the flash file's layout (CDNA_FLASH_*) */
#include "crc32.h"
#include "image_check.h"

#define EXIT_INVALID 1
#define EXIT_USAGE   2

/*
 * Reading stops this far past the largest valid image: a few stray bytes
 * still get the precise "trailing bytes" diagnosis, while a file that is
 * plainly not an image (1 MiB, a disk dump) is refused without reading it.
 */
#define IMAGE_READ_SLACK 4096u
#define IMAGE_READ_MAX   ((size_t)CDNA_IMAGE_MAX_SIZE + IMAGE_READ_SLACK)
/* Firmware ELFs carry debug info; anything beyond this is not firmware. */
#define ELF_READ_MAX     ((size_t)64 << 20)

static const char *cmd_name = "cdna-image";
/* "cdna-image create" once a command is chosen, for "Try '... --help'". */
static char help_cmd[64] = "cdna-image";

static void say(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(FILE *f, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", help_cmd);
	return EXIT_USAGE;
}

/* ---- little-endian access (host byte order independent) --------------- */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* ---- files ------------------------------------------------------------- */

struct file_buf {
	uint8_t *data;
	size_t len;
	int too_big;    /* larger than the cap; data is NULL */
	int partial;    /* too_big from a stream: size is a lower bound */
	uint64_t size;  /* bytes in the file, for messages */
};

/*
 * Read at most cap bytes of path.  A regular file larger than cap is refused
 * from its size alone; anything else (a pipe) is read up to cap + 1 bytes to
 * find out.  Returns 0, or -1 after printing why the file cannot be read.
 */
static int read_file(const char *path, size_t cap, struct file_buf *fb)
{
	struct stat st;
	size_t alloc, len = 0;
	uint8_t *buf;
	int fd;

	memset(fb, 0, sizeof(*fb));
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		say(stderr, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		say(stderr, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		say(stderr, "%s: is a directory", path);
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		fb->size = (uint64_t)st.st_size;
		if (fb->size > cap) {
			fb->too_big = 1;
			close(fd);
			return 0;
		}
		alloc = (size_t)st.st_size + 1;
	} else {
		alloc = 65536;
	}

	buf = malloc(alloc);
	if (!buf) {
		say(stderr, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n;

		if (len == alloc) {
			uint8_t *nb;

			if (alloc > cap)
				break;
			alloc = alloc * 2 > cap + 1 ? cap + 1 : alloc * 2;
			nb = realloc(buf, alloc);
			if (!nb) {
				say(stderr, "%s: out of memory", path);
				free(buf);
				close(fd);
				return -1;
			}
			buf = nb;
		}
		n = read(fd, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say(stderr, "%s: read error: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > cap) {
		free(buf);
		fb->too_big = 1;
		fb->partial = 1;
		fb->size = len;
		return 0;
	}
	fb->data = buf;
	fb->len = len;
	fb->size = len;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write OUT.tmp and rename it over OUT, so that OUT is either the old file
 * or the complete new image, never a half-written one a build might flash.
 */
static int write_atomic(const char *path, const uint8_t *data, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof(".tmp"));
	int fd;

	if (!tmp) {
		say(stderr, "%s: out of memory", path);
		return -1;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", sizeof(".tmp"));

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		say(stderr, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		say(stderr, "%s: write error: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) < 0) {
		say(stderr, "%s: write error: %s", tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		say(stderr, "%s: cannot rename to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* ---- option parsing ---------------------------------------------------- */

struct opt {
	const char *name;       /* long name without "--" */
	char short_name;        /* 0 if none */
	const char **value;     /* where the argument goes */
};

/*
 * Parse argv[1..] of a subcommand: options from opts (each takes a value,
 * as "--name VALUE", "--name=VALUE" or "-x VALUE"), "-h"/"--help", "--" and
 * positional arguments, which are collected into pos[] (pos_max of them).
 * Returns 0, 1 if help was asked for, or EXIT_USAGE after a message.
 */
static int parse_opts(int argc, char **argv, const struct opt *opts,
		      const char **pos, int pos_max, int *n_pos)
{
	int only_pos = 0;

	*n_pos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o = NULL;
		const char *val = NULL;

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*n_pos == pos_max)
				return usage_error("unexpected argument '%s'", a);
			pos[(*n_pos)++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 1;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);

			for (const struct opt *p = opts; p->name; p++)
				if (strlen(p->name) == n &&
				    !strncmp(p->name, a + 2, n))
					o = p;
			if (o && eq)
				val = eq + 1;
		} else if (a[2] == '\0') {
			for (const struct opt *p = opts; p->name; p++)
				if (p->short_name && p->short_name == a[1])
					o = p;
		}
		if (!o)
			return usage_error("unknown option '%s'", a);
		if (!val) {
			if (i + 1 == argc)
				return usage_error("option '%s' needs a value", a);
			val = argv[++i];
		}
		*o->value = val;
	}
	return 0;
}

/* ---- value parsing ----------------------------------------------------- */

/* Decimal digits only (no sign, no spaces), at most max. */
static int parse_dec(const char **s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -1;
		p++;
	}
	*s = p;
	*out = (uint32_t)v;
	return 0;
}

static int parse_version(const char *s, uint32_t *out)
{
	uint32_t maj, min, pat;

	if (parse_dec(&s, 0xffff, &maj) || *s++ != '.' ||
	    parse_dec(&s, 0xff, &min) || *s++ != '.' ||
	    parse_dec(&s, 0xff, &pat) || *s != '\0')
		return -1;
	*out = CDNA_FW_VERSION(maj, min, pat);
	return 0;
}

/* Decimal or 0x-prefixed hexadecimal, fitting 32 bits. */
static int parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end != '\0' || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CDNA_IMAGE_NAME_LEN)
		return 0;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

/* ---- ELF --------------------------------------------------------------- */

#define ELF_EHDR_SIZE  52u
#define ELF_PHDR_SIZE  32u
#define ELFCLASS32     1u
#define ELFDATA2LSB    1u
#define EV_CURRENT     1u
#define ET_EXEC        2u
#define EM_ARM         40u
#define PT_LOAD        1u
#define ELF_MAX_SEGS   64u

struct seg {
	unsigned idx;           /* program header index, for messages */
	uint32_t offset, paddr, filesz;
};

struct elf_payload {
	uint8_t *data;
	uint32_t size;
	uint32_t load_addr;
	uint32_t entry;
};

static int elf_error(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int elf_error(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", cmd_name, path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* The ELF header: a 32-bit little-endian ARM executable, or why not. */
static int elf_check_ehdr(const char *path, const uint8_t *e, size_t len)
{
	if (len < 4 || memcmp(e, "\177ELF", 4))
		return elf_error(path, "not an ELF file (bad magic)");
	if (len < ELF_EHDR_SIZE)
		return elf_error(path, "truncated ELF header (%zu bytes, need %u)",
				 len, ELF_EHDR_SIZE);
	if (e[4] != ELFCLASS32)
		return elf_error(path, "ELF class %u is not ELFCLASS32 "
				 "(a 64-bit or host binary?)", e[4]);
	if (e[5] != ELFDATA2LSB)
		return elf_error(path, "ELF data encoding %u is not "
				 "little-endian (ELFDATA2LSB)", e[5]);
	if (e[6] != EV_CURRENT || le32(e + 20) != EV_CURRENT)
		return elf_error(path, "unknown ELF version");
	if (le16(e + 16) != ET_EXEC)
		return elf_error(path, "ELF type %u is not an executable "
				 "(ET_EXEC); link it fully", le16(e + 16));
	if (le16(e + 18) != EM_ARM)
		return elf_error(path, "ELF machine %u is not ARM (EM_ARM = %u)",
				 le16(e + 18), EM_ARM);
	if (le16(e + 42) != ELF_PHDR_SIZE)
		return elf_error(path, "program header entry size %u, expected %u",
				 le16(e + 42), ELF_PHDR_SIZE);
	return 0;
}

/* Collect the PT_LOAD segments with file contents, bounds-checked. */
static int elf_segments(const char *path, const uint8_t *e, size_t len,
			struct seg *segs, unsigned *n_segs)
{
	uint32_t phoff = le32(e + 28);
	unsigned phnum = le16(e + 44);

	*n_segs = 0;
	if (phnum == 0)
		return elf_error(path, "no program headers");
	if ((uint64_t)phoff + (uint64_t)phnum * ELF_PHDR_SIZE > len)
		return elf_error(path, "program headers (offset 0x%" PRIx32
				 ", %u entries) extend past the end of the file",
				 phoff, phnum);
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (size_t)i * ELF_PHDR_SIZE;
		struct seg s = {
			.idx = i,
			.offset = le32(ph + 4),
			.paddr = le32(ph + 12),
			.filesz = le32(ph + 16),
		};
		uint32_t memsz = le32(ph + 20);

		/* .bss and the stack have no file bytes: not in the image. */
		if (le32(ph) != PT_LOAD || s.filesz == 0)
			continue;
		if ((uint64_t)s.offset + s.filesz > len)
			return elf_error(path, "segment %u (file offset 0x%"
					 PRIx32 ", 0x%" PRIx32 " bytes) extends "
					 "past the end of the file",
					 i, s.offset, s.filesz);
		if (s.filesz > memsz)
			return elf_error(path, "segment %u: file size 0x%" PRIx32
					 " exceeds memory size 0x%" PRIx32,
					 i, s.filesz, memsz);
		if (s.paddr - CDNA_NIC_CODE_BASE >= CDNA_NIC_CODE_SIZE ||
		    s.filesz > CDNA_NIC_CODE_BASE + CDNA_NIC_CODE_SIZE - s.paddr)
			return elf_error(path, "segment %u at physical address "
					 "0x%08" PRIx32 "..0x%08" PRIx32 " is "
					 "outside code RAM (0x%08x..0x%08x); "
					 "initialised data must be linked AT> "
					 "code RAM", i, s.paddr,
					 (uint32_t)(s.paddr + s.filesz),
					 CDNA_NIC_CODE_BASE,
					 CDNA_NIC_CODE_BASE + CDNA_NIC_CODE_SIZE);
		if (*n_segs == ELF_MAX_SEGS)
			return elf_error(path, "more than %u loadable segments",
					 ELF_MAX_SEGS);
		segs[(*n_segs)++] = s;
	}
	if (*n_segs == 0)
		return elf_error(path, "no loadable segment with file contents");
	return 0;
}

/* Sort by address (a handful of segments: insertion sort). */
static void sort_segments(struct seg *segs, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct seg s = segs[i];
		unsigned j = i;

		while (j > 0 && segs[j - 1].paddr > s.paddr) {
			segs[j] = segs[j - 1];
			j--;
		}
		segs[j] = s;
	}
}

/*
 * Flatten the segments into one payload starting at the lowest physical
 * address; gaps between segments (alignment) are zero.
 */
static int elf_flatten(const char *path, const uint8_t *e, size_t len,
		       struct elf_payload *out)
{
	struct seg segs[ELF_MAX_SEGS];
	unsigned n;
	uint32_t lo, hi;

	if (elf_check_ehdr(path, e, len) || elf_segments(path, e, len, segs, &n))
		return -1;
	sort_segments(segs, n);
	for (unsigned i = 1; i < n; i++)
		if (segs[i].paddr < segs[i - 1].paddr + segs[i - 1].filesz)
			return elf_error(path, "segments %u and %u overlap at "
					 "0x%08" PRIx32, segs[i - 1].idx,
					 segs[i].idx, segs[i].paddr);
	lo = segs[0].paddr;
	hi = segs[n - 1].paddr + segs[n - 1].filesz;

	out->size = hi - lo; /* <= code RAM size: every segment is inside */
	out->load_addr = lo;
	out->entry = le32(e + 24);
	out->data = calloc(1, out->size);
	if (!out->data)
		return elf_error(path, "out of memory");
	for (unsigned i = 0; i < n; i++)
		memcpy(out->data + (segs[i].paddr - lo), e + segs[i].offset,
		       segs[i].filesz);
	return 0;
}

/* ---- diagnostics ------------------------------------------------------- */

/*
 * The specifics behind err, for "FILE: <strerror> (<details>)": what the
 * image says against what it should, recomputed from the bytes.
 */
static void error_details(enum cdna_image_error err,
			  const struct cdna_image_header *h,
			  const uint8_t *img, size_t size,
			  char *buf, size_t buflen)
{
	uint64_t want = CDNA_IMAGE_HEADER_SIZE + (uint64_t)h->payload_size;
	const char *why;

	switch (err) {
	case CDNA_IMAGE_EMPTY:
		snprintf(buf, buflen, "size 0");
		break;
	case CDNA_IMAGE_TRUNCATED_HEADER:
		snprintf(buf, buflen, "size %zu, a header alone is %u bytes",
			 size, CDNA_IMAGE_HEADER_SIZE);
		break;
	case CDNA_IMAGE_BAD_MAGIC:
		snprintf(buf, buflen, "magic 0x%08" PRIx32 ", expected 0x%08x",
			 h->magic, CDNA_IMAGE_MAGIC);
		break;
	case CDNA_IMAGE_BAD_HEADER_CRC:
		snprintf(buf, buflen, "expected header CRC 0x%08" PRIx32
			 ", got 0x%08" PRIx32, h->header_crc,
			 cdna_crc32(0, img, CDNA_IMAGE_OFF_HEADER_CRC));
		break;
	case CDNA_IMAGE_BAD_FORMAT:
		snprintf(buf, buflen, "format version %u, header size %u; "
			 "expected %u and %u", h->format_version,
			 h->header_size, CDNA_IMAGE_FORMAT_VERSION,
			 CDNA_IMAGE_HEADER_SIZE);
		break;
	case CDNA_IMAGE_WRONG_HW:
		snprintf(buf, buflen, "hw id 0x%08" PRIx32 ", expected 0x%08x",
			 h->hw_id, CDNA_HW_ID);
		break;
	case CDNA_IMAGE_BAD_SIZE:
		snprintf(buf, buflen, "payload size %" PRIu32 ", expected 1..%u",
			 h->payload_size, CDNA_NIC_CODE_SIZE);
		break;
	case CDNA_IMAGE_TRUNCATED:
	case CDNA_IMAGE_TRAILING:
		snprintf(buf, buflen, "size %zu, expected %" PRIu64
			 " = 64-byte header + %" PRIu32 "-byte payload",
			 size, want, h->payload_size);
		break;
	case CDNA_IMAGE_BAD_PAYLOAD_CRC:
		snprintf(buf, buflen, "expected payload CRC 0x%08" PRIx32
			 ", got 0x%08" PRIx32, h->payload_crc,
			 cdna_crc32(0, img + CDNA_IMAGE_HEADER_SIZE,
				    h->payload_size));
		break;
	case CDNA_IMAGE_BAD_LAYOUT:
		why = cdna_image_layout_problem(h);
		snprintf(buf, buflen, "%s; load 0x%08" PRIx32 ", entry 0x%08"
			 PRIx32 ", stack 0x%08" PRIx32 ", payload %" PRIu32
			 " bytes", why ? why : "?", h->load_addr, h->entry,
			 h->stack_top, h->payload_size);
		break;
	default:
		snprintf(buf, buflen, "error code %d", (int)err);
		break;
	}
}

static void print_failure(FILE *f, const char *prefix,
			  enum cdna_image_error err,
			  const struct cdna_image_header *h,
			  const uint8_t *img, size_t size)
{
	char details[256];

	error_details(err, h, img, size, details, sizeof(details));
	fprintf(f, "%s%s (%s)\n", prefix, cdna_image_strerror(err), details);
}

static void print_too_big(FILE *f, const char *prefix,
			  const struct file_buf *fb)
{
	fprintf(f, "%sfile is too large to be a firmware image (%" PRIu64
		" bytes%s; an image is at most %u)\n", prefix, fb->size,
		fb->partial ? " or more" : "", CDNA_IMAGE_MAX_SIZE);
}

/* Print name bytes, escaping what a valid name could not contain. */
static void print_name(FILE *f, const char *name)
{
	fputc('"', f);
	for (unsigned i = 0; i < CDNA_IMAGE_NAME_LEN && name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_version(FILE *f, uint32_t v)
{
	fprintf(f, "%" PRIu32 ".%" PRIu32 ".%" PRIu32,
		CDNA_FW_VERSION_MAJOR(v), CDNA_FW_VERSION_MINOR(v),
		CDNA_FW_VERSION_PATCH(v));
}

/* ---- verify ------------------------------------------------------------ */

static const char verify_help[] =
	"Usage: cdna-image verify FILE...\n"
	"Check that each FILE is a valid cdna firmware image for this NIC:\n"
	"magic, both CRCs, format, hardware id, size and layout.\n"
	"Prints \"FILE: OK (...)\" on stdout, or \"FILE: <problem> (<details>)\"\n"
	"on stderr.\n"
	"Exit status: 0 all valid, 1 an image is invalid, 2 usage error or\n"
	"unreadable file.\n";

/*
 * Read the image at path and check it as the boot ROM does: 0 with fb and
 * h filled (the caller frees fb.data), or the exit status after saying,
 * behind prefix, what is wrong.
 */
static int load_valid_image(const char *path, const char *prefix,
			    struct file_buf *fb, struct cdna_image_header *h)
{
	enum cdna_image_error err;

	if (read_file(path, IMAGE_READ_MAX, fb) < 0)
		return EXIT_USAGE;
	if (fb->too_big) {
		print_too_big(stderr, prefix, fb);
		return EXIT_INVALID;
	}
	err = cdna_image_check(fb->data, fb->len, h);
	if (err != CDNA_IMAGE_OK) {
		print_failure(stderr, prefix, err, h, fb->data, fb->len);
		free(fb->data);
		return EXIT_INVALID;
	}
	return 0;
}

/* Verify one file; returns the exit status for it. */
static int verify_one(const char *path)
{
	struct cdna_image_header h;
	struct file_buf fb;
	char prefix[4096];
	int rc;

	snprintf(prefix, sizeof(prefix), "%s: ", path);
	rc = load_valid_image(path, prefix, &fb, &h);
	if (rc)
		return rc;
	printf("%s: OK (%.*s ", path, (int)CDNA_IMAGE_NAME_LEN, h.name);
	print_version(stdout, h.fw_version);
	printf(", %zu bytes)\n", fb.len);
	free(fb.data);
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	const char *files[256];
	const struct opt opts[] = { { NULL, 0, NULL } };
	int n, rc, worst = 0;

	rc = parse_opts(argc, argv, opts, files, 256, &n);
	if (rc == 1) {
		fputs(verify_help, stdout);
		return 0;
	}
	if (rc)
		return rc;
	if (n == 0)
		return usage_error("verify: missing FILE");
	for (int i = 0; i < n; i++) {
		rc = verify_one(files[i]);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

/* ---- info -------------------------------------------------------------- */

static const char info_help[] =
	"Usage: cdna-image info FILE...\n"
	"Print every header field of each firmware image FILE and whether it\n"
	"verifies.  Exit status as for verify.\n";

static void print_header(const struct cdna_image_header *h)
{
	time_t t = (time_t)h->build_time;
	struct tm tm;
	char when[64] = "?";

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

	printf("magic:          0x%08" PRIx32 "%s\n", h->magic,
	       h->magic == CDNA_IMAGE_MAGIC ? " (\"CDNA\")" : "");
	printf("format version: %u\n", h->format_version);
	printf("header size:    %u\n", h->header_size);
	printf("fw version:     ");
	print_version(stdout, h->fw_version);
	printf(" (0x%08" PRIx32 ")\n", h->fw_version);
	printf("hw id:          0x%08" PRIx32 "\n", h->hw_id);
	printf("load address:   0x%08" PRIx32 "\n", h->load_addr);
	printf("entry:          0x%08" PRIx32 "\n", h->entry);
	printf("stack top:      0x%08" PRIx32 "\n", h->stack_top);
	printf("payload size:   %" PRIu32 " bytes\n", h->payload_size);
	printf("payload crc:    0x%08" PRIx32 "\n", h->payload_crc);
	printf("flags:          0x%08" PRIx32 "%s\n", h->flags,
	       h->flags & CDNA_IMAGE_F_TEST ? " (test)" : "");
	printf("name:           ");
	print_name(stdout, h->name);
	printf("\nbuild time:     %" PRIu32 " (%s)\n", h->build_time, when);
	printf("header crc:     0x%08" PRIx32 "\n", h->header_crc);
}

static int info_one(const char *path)
{
	struct cdna_image_header h;
	enum cdna_image_error err;
	struct file_buf fb;

	if (read_file(path, IMAGE_READ_MAX, &fb) < 0)
		return EXIT_USAGE;
	printf("file:           %s\n", path);
	if (fb.too_big) {
		print_too_big(stdout, "verify:         FAILED: ", &fb);
		return EXIT_INVALID;
	}
	printf("file size:      %zu bytes\n", fb.len);
	err = cdna_image_check(fb.data, fb.len, &h);
	if (fb.len >= CDNA_IMAGE_HEADER_SIZE)
		print_header(&h);
	if (err == CDNA_IMAGE_OK)
		printf("verify:         OK\n");
	else
		print_failure(stdout, "verify:         FAILED: ", err, &h,
			      fb.data, fb.len);
	free(fb.data);
	return err == CDNA_IMAGE_OK ? 0 : EXIT_INVALID;
}

static int cmd_info(int argc, char **argv)
{
	const char *files[256];
	const struct opt opts[] = { { NULL, 0, NULL } };
	int n, rc, worst = 0;

	rc = parse_opts(argc, argv, opts, files, 256, &n);
	if (rc == 1) {
		fputs(info_help, stdout);
		return 0;
	}
	if (rc)
		return rc;
	if (n == 0)
		return usage_error("info: missing FILE");
	for (int i = 0; i < n; i++) {
		if (i > 0)
			putchar('\n');
		rc = info_one(files[i]);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

/* ---- create ------------------------------------------------------------ */

static const char create_help[] =
	"Usage: cdna-image create --elf FILE.elf --version X.Y.Z [--name NAME]\n"
	"                         [--flags N] -o OUT.img\n"
	"Make a firmware image from a linked ELF32 little-endian ARM executable:\n"
	"its PT_LOAD segments with file contents, at their physical (load)\n"
	"addresses, flattened into one payload from the lowest address (gaps\n"
	"are zero).  Entry = e_entry; initial stack pointer = the payload's\n"
	"first word (the Cortex-M vector table must be at the load address).\n"
	"\n"
	"  --elf FILE      the firmware ELF\n"
	"  --version X.Y.Z firmware version (X <= 65535, Y, Z <= 255)\n"
	"  --name NAME     1-16 printable ASCII characters (default: the ELF\n"
	"                  file name without directory and .elf)\n"
	"  --flags N       image flags, decimal or 0x hex (1 = test build)\n"
	"  -o, --output F  the image to write (atomically, via F.tmp)\n"
	"\n"
	"build_time is $SOURCE_DATE_EPOCH if set, else 0, so that images are\n"
	"reproducible.  The image is verified before it is written.\n";

struct create_args {
	const char *elf, *version, *name, *flags, *out;
};

/* The default name: the ELF's file name without directory and ".elf". */
static int default_name(const char *elf, char *name, size_t len)
{
	const char *base = strrchr(elf, '/');
	size_t n;

	base = base ? base + 1 : elf;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".elf"))
		n -= 4;
	if (n >= len)
		return -1;
	memcpy(name, base, n);
	name[n] = '\0';
	return 0;
}

static int build_time(uint32_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");

	*out = 0;
	if (!s)
		return 0;
	if (parse_dec(&s, UINT32_MAX, out) || *s != '\0') {
		say(stderr, "SOURCE_DATE_EPOCH='%s' is not a number of seconds "
		    "that fits 32 bits", getenv("SOURCE_DATE_EPOCH"));
		return -1;
	}
	return 0;
}

/* Check the arguments and fill the header fields they determine. */
static int create_header(const struct create_args *a,
			 struct cdna_image_header *h)
{
	char name[64];

	cdna_image_header_init(h);
	if (!a->elf)
		return usage_error("create: missing --elf FILE");
	if (!a->version)
		return usage_error("create: missing --version X.Y.Z");
	if (!a->out)
		return usage_error("create: missing -o OUT");
	if (parse_version(a->version, &h->fw_version))
		return usage_error("create: bad --version '%s': expected "
				   "X.Y.Z with X <= 65535, Y and Z <= 255",
				   a->version);
	if (a->flags && parse_u32(a->flags, &h->flags))
		return usage_error("create: bad --flags '%s': expected a "
				   "32-bit number", a->flags);
	if (a->name) {
		if (!name_valid(a->name))
			return usage_error("create: bad --name '%s': expected "
					   "1-%u printable ASCII characters",
					   a->name, CDNA_IMAGE_NAME_LEN);
		snprintf(name, sizeof(name), "%s", a->name);
	} else if (default_name(a->elf, name, sizeof(name)) ||
		   !name_valid(name)) {
		return usage_error("create: '%s' does not make a valid image "
				   "name; give --name", a->elf);
	}
	/* NUL-padded, not NUL-terminated: a 16-character name is valid. */
	memcpy(h->name, name, strlen(name));
	if (build_time(&h->build_time))
		return EXIT_USAGE;
	return 0;
}

static void warn_reset_vector(const char *elf, const struct elf_payload *p)
{
	uint32_t reset;

	if (p->size < 8)
		return;
	/* The boot ROM jumps to entry; real silicon would use vector 1. */
	reset = le32(p->data + 4);
	if (reset != p->entry)
		say(stderr, "%s: warning: e_entry 0x%08" PRIx32 " differs from "
		    "the reset vector 0x%08" PRIx32, elf, p->entry, reset);
}

/* Header + payload, checked exactly as the boot ROM will check it. */
static int create_image(const struct create_args *a,
			struct cdna_image_header *h,
			const struct elf_payload *p)
{
	size_t size = CDNA_IMAGE_HEADER_SIZE + (size_t)p->size;
	uint8_t *img = malloc(size);
	enum cdna_image_error err;
	struct cdna_image_header back;
	int rc;

	if (!img) {
		say(stderr, "out of memory");
		return EXIT_USAGE;
	}
	h->load_addr = p->load_addr;
	h->entry = p->entry;
	h->stack_top = le32(p->data); /* vector table word 0: initial SP */
	h->payload_size = p->size;
	cdna_image_encode_header(h, p->data, img);
	memcpy(img + CDNA_IMAGE_HEADER_SIZE, p->data, p->size);

	err = cdna_image_check(img, size, &back);
	if (err != CDNA_IMAGE_OK) {
		char prefix[4096];

		snprintf(prefix, sizeof(prefix), "%s: %s: image from %s fails "
			 "verification: ", cmd_name, a->out, a->elf);
		print_failure(stderr, prefix, err, &back, img, size);
		free(img);
		return EXIT_INVALID;
	}
	rc = write_atomic(a->out, img, size) ? EXIT_USAGE : 0;
	if (rc == 0) {
		printf("%s: created (%.*s ", a->out, (int)CDNA_IMAGE_NAME_LEN,
		       h->name);
		print_version(stdout, h->fw_version);
		printf(", %zu bytes, load 0x%08" PRIx32 ", entry 0x%08" PRIx32
		       ")\n", size, h->load_addr, h->entry);
	}
	free(img);
	return rc;
}

static int cmd_create(int argc, char **argv)
{
	struct create_args a = { 0 };
	const struct opt opts[] = {
		{ "elf", 0, &a.elf },
		{ "version", 0, &a.version },
		{ "name", 0, &a.name },
		{ "flags", 0, &a.flags },
		{ "output", 'o', &a.out },
		{ NULL, 0, NULL },
	};
	struct cdna_image_header h;
	struct elf_payload p = { 0 };
	struct file_buf fb;
	const char *pos[1];
	int n, rc;

	rc = parse_opts(argc, argv, opts, pos, 0, &n);
	if (rc == 1) {
		fputs(create_help, stdout);
		return 0;
	}
	if (rc)
		return rc;
	rc = create_header(&a, &h);
	if (rc)
		return rc;

	if (read_file(a.elf, ELF_READ_MAX, &fb) < 0)
		return EXIT_USAGE;
	if (fb.too_big) {
		say(stderr, "%s: too large for a firmware ELF (%" PRIu64
		    " bytes%s; at most %zu)", a.elf, fb.size,
		    fb.partial ? " or more" : "", ELF_READ_MAX);
		return EXIT_INVALID;
	}
	if (elf_flatten(a.elf, fb.data, fb.len, &p)) {
		free(fb.data);
		return EXIT_INVALID;
	}
	free(fb.data);
	if (p.size < 4) {
		say(stderr, "%s: payload of %" PRIu32 " bytes has no vector "
		    "table", a.elf, p.size);
		free(p.data);
		return EXIT_INVALID;
	}
	warn_reset_vector(a.elf, &p);
	rc = create_image(&a, &h, &p);
	free(p.data);
	return rc;
}

/* ---- flash ------------------------------------------------------------- */

static const char flash_help[] =
	"Usage: cdna-image flash [--bank1 FILE.img] -o FLASH FILE.img\n"
	"Write FLASH, a NIC flash backing file (QEMU's -device cdna,flash=FLASH,\n"
	"cdna-testbed --flash) with the image FILE.img in bank 0 and, with\n"
	"--bank1, another image in bank 1; the rest reads erased (0xff).  Both\n"
	"images must verify.  Exit status as for verify; 2 if FLASH cannot be\n"
	"written.\n";

/* Put the image at path into the flash at bank, after checking it. */
static int flash_bank(uint8_t *flash, uint32_t bank, const char *path)
{
	struct cdna_image_header h;
	struct file_buf fb;
	char prefix[512];
	int rc;

	snprintf(prefix, sizeof(prefix), "%s: %s: ", cmd_name, path);
	rc = load_valid_image(path, prefix, &fb, &h);
	if (rc)
		return rc;
	memcpy(flash + (size_t)bank * CDNA_FLASH_BANK_SIZE, fb.data, fb.len);
	free(fb.data);
	return 0;
}

static int cmd_flash(int argc, char **argv)
{
	const char *out = NULL, *bank1 = NULL, *pos[1];
	const struct opt opts[] = {
		{ "output", 'o', &out }, { "bank1", 0, &bank1 },
		{ NULL, 0, NULL },
	};
	uint8_t *flash;
	int n, rc;

	rc = parse_opts(argc, argv, opts, pos, 1, &n);
	if (rc == 1) {
		fputs(flash_help, stdout);
		return 0;
	}
	if (rc)
		return rc;
	if (n != 1)
		return usage_error("flash: missing FILE.img (bank 0)");
	if (!out)
		return usage_error("flash: missing -o FLASH");
	flash = malloc(CDNA_FLASH_FILE_SIZE);
	if (!flash) {
		say(stderr, "out of memory");
		return EXIT_USAGE;
	}
	memset(flash, 0xff, CDNA_FLASH_FILE_SIZE);
	rc = flash_bank(flash, 0, pos[0]);
	if (!rc && bank1)
		rc = flash_bank(flash, 1, bank1);
	if (!rc && write_atomic(out, flash, CDNA_FLASH_FILE_SIZE) < 0)
		rc = EXIT_USAGE;
	free(flash);
	return rc;
}

/* ---- main -------------------------------------------------------------- */

static const char main_help[] =
	"Usage: cdna-image COMMAND [OPTION]... [FILE]...\n"
	"Create, verify and describe cdna NIC firmware images.\n"
	"\n"
	"  create --elf FILE.elf --version X.Y.Z [--name NAME] [--flags N]\n"
	"         -o OUT.img                 make an image from a firmware ELF\n"
	"  verify FILE...                    check images\n"
	"  info FILE...                      print header fields and check\n"
	"  flash [--bank1 FILE.img] -o FLASH FILE.img\n"
	"                                    write a NIC flash file\n"
	"\n"
	"'cdna-image COMMAND --help' describes a command.\n"
	"Exit status: 0 success, 1 invalid image or ELF, 2 usage error or\n"
	"unreadable/unwritable file.\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "create", cmd_create },
		{ "verify", cmd_verify },
		{ "info", cmd_info },
		{ "flash", cmd_flash },
	};

	if (argc < 2)
		return usage_error("missing command (create, verify, info or flash)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(main_help, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			snprintf(help_cmd, sizeof(help_cmd), "%s %s", cmd_name,
				 cmds[i].name);
			return cmds[i].fn(argc - 1, argv + 1);
		}
	if (argv[1][0] == '-')
		return usage_error("unknown option '%s'", argv[1]);
	return usage_error("unknown command '%s' (create, verify, info or flash)",
			   argv[1]);
}
