/* SPDX-License-Identifier: MIT */
/*
 * opts.c - parse and check the testbed's command line (see usage below).
 */
#include "opts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define PROG "cdna-testbed"
/* Records of every frame are kept for the final accounting: 24 bytes each. */
#define MAX_VERIFIED_FRAMES 10000000ull
#define MAX_BENCH_FRAMES    1000000000000ull

static void usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " [OPTION]...\n"
"Run the cdna NIC model with the real firmware image, simulated guests in\n"
"native mode and a simulated far end on the wire; check that every frame\n"
"reached exactly the places it should, intact.  With --protected the\n"
"guests go through the hypervisor's descriptor validation instead.\n"
"\n"
"  --guests N       guests, one context each: 1..32 (default 4)\n"
"  --frames M       frames in total, all sources together (default 10000;\n"
"                   with --bench 2000000)\n"
"  --size S         frame length in bytes, 60..1514, or 'mix' for a random\n"
"                   length per frame (default 512)\n"
"  --pattern LIST   comma-separated: tx (guest -> wire), rx (wire -> guest),\n"
"                   switch (guest -> guest inside the NIC), bcast-guest,\n"
"                   bcast-wire, bcast (both), all (default: all, mixed)\n"
"  --seed N         seed of the traffic mix and the payloads (default 1)\n"
"  --pcap FILE      write every frame crossing the wire, both ways, to FILE\n"
"  --image FILE     firmware image for flash bank 0 (default:\n"
"                   $BUILD/firmware/cdna-fw.img, BUILD from the environment,\n"
"                   else build)\n"
"  --flash FILE     use FILE as the flash (banks 0 and 1) as it is; with\n"
"                   --image, bank 0 of FILE is programmed first\n"
"  --bench          throughput: guests transmit to the wire as fast as they\n"
"                   can (no pcap, the far end counts frames and lengths)\n"
"  --bench-rx       throughput the other way: the far end sends to the\n"
"                   guests in turn as fast as the NIC takes frames\n"
"  --count-frames N after a benchmark's timed pass, N more frames with the\n"
"                   NIC processor counting instructions and stores (default\n"
"                   a tenth of --frames, at least 20000; 0: none)\n"
"  --protected      protected mode: each guest is an unprivileged domain\n"
"                   that posts its buffers through the hypervisor's\n"
"                   validation core (CDNA_OP_ENQUEUE) and owns its pages;\n"
"                   the hypervisor writes the rings (default: native mode,\n"
"                   guests write their own rings)\n"
"  --int-mod US     least microseconds between two interrupts (HV_INT_MOD_US;\n"
"                   default 0, no coalescing)\n"
"  --quiet          no per-context statistics table\n"
"  --verbose        show the model's log and the firmware's console\n"
"  --self-test F    make the testbed misbehave once, to show that the checks\n"
"                   catch it: corrupt, drop, duplicate or misdeliver (exit 1)\n"
"  --help           this text\n"
"\n"
"The NIC sees a simulated clock: 1 us per cdna_nic_run call plus each\n"
"frame's time on a 10 Gb/s wire; pcap timestamps come from it too, so one\n"
"seed gives one pcap.\n"
"Exit status: 0 every frame accounted for, 1 a frame missing, duplicated,\n"
"corrupt or misdelivered (or no firmware), 2 usage error.\n");
}

static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return 2;
}

/* A decimal number in [lo, hi]; 0 on success. */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int set_value(struct tb_opts *o, const char *name, const char *val)
{
	uint64_t v;

	if (!strcmp(name, "--guests")) {
		if (parse_u64(val, 1, CDNA_NUM_CTX, &v))
			return usage_error("bad --guests '%s': want 1..32",
					   val);
		o->guests = (unsigned)v;
	} else if (!strcmp(name, "--frames")) {
		if (parse_u64(val, 1, MAX_BENCH_FRAMES, &v))
			return usage_error("bad --frames '%s': want a count of "
					   "at least 1", val);
		o->frames = v;
	} else if (!strcmp(name, "--size")) {
		if (!strcmp(val, "mix"))
			v = TB_SIZE_MIX;
		else if (parse_u64(val, TB_MIN_LEN, TB_MAX_LEN, &v))
			return usage_error("bad --size '%s': want 60..1514 or "
					   "'mix'", val);
		o->size = (unsigned)v;
	} else if (!strcmp(name, "--seed")) {
		if (parse_u64(val, 0, UINT64_MAX, &v))
			return usage_error("bad --seed '%s': want a decimal "
					   "number", val);
		o->seed = v;
	} else if (!strcmp(name, "--pattern")) {
		char bad[64];

		o->patterns = tb_pattern_parse(val, bad, sizeof(bad));
		if (!o->patterns)
			return usage_error("bad --pattern '%s': unknown pattern "
					   "'%s' (tx, rx, switch, bcast-guest, "
					   "bcast-wire, bcast, all)", val, bad);
	} else if (!strcmp(name, "--self-test")) {
		static const char *const faults[] = {
			[TB_SELF_CORRUPT] = "corrupt",
			[TB_SELF_DROP] = "drop",
			[TB_SELF_DUPLICATE] = "duplicate",
			[TB_SELF_MISDELIVER] = "misdeliver",
		};

		for (unsigned f = TB_SELF_CORRUPT; f <= TB_SELF_MISDELIVER; f++)
			if (!strcmp(val, faults[f]))
				o->self_test = (enum tb_self_test)f;
		if (!o->self_test)
			return usage_error("bad --self-test '%s': want corrupt, "
					   "drop, duplicate or misdeliver", val);
	} else if (!strcmp(name, "--count-frames")) {
		if (parse_u64(val, 0, MAX_BENCH_FRAMES, &v))
			return usage_error("bad --count-frames '%s': want a "
					   "count (0: no counting pass)", val);
		o->count_frames = v;
	} else if (!strcmp(name, "--int-mod")) {
		if (parse_u64(val, 0, 1000000, &v))
			return usage_error("bad --int-mod '%s': want 0..1000000 "
					   "microseconds", val);
		o->int_mod_us = (uint32_t)v;
	} else if (!strcmp(name, "--pcap")) {
		o->pcap = val;
	} else if (!strcmp(name, "--image")) {
		o->image = val;
	} else if (!strcmp(name, "--flash")) {
		o->flash = val;
	} else {
		return usage_error("unknown option '%s'", name);
	}
	return -1;
}

static int takes_value(const char *name)
{
	static const char *const with_value[] = {
		"--guests", "--frames", "--size", "--seed", "--pattern",
		"--pcap", "--image", "--flash", "--self-test", "--int-mod",
		"--count-frames",
	};

	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(name, with_value[i]))
			return 1;
	return 0;
}

/* The cross-option rules, once everything is read. */
static int check(struct tb_opts *o, int image_given, int pattern_given,
		 int frames_given)
{
	static char default_image[4096];

	/* A benchmark needs enough frames to time. */
	if (o->bench && !frames_given)
		o->frames = 2000000;
	if (o->count_frames == UINT64_MAX)
		o->count_frames = o->frames / 10 > 20000 ? o->frames / 10
							 : 20000;
	if (o->bench && (o->pcap || pattern_given || o->self_test))
		return usage_error("a benchmark runs one direction, without "
				   "capture or checks: no %s", o->pcap ?
				   "--pcap" : pattern_given ? "--pattern" :
				   "--self-test");
	if (!o->bench && o->frames > MAX_VERIFIED_FRAMES)
		return usage_error("bad --frames %" PRIu64 ": at most %llu "
				   "when verifying (--bench takes more)",
				   o->frames, MAX_VERIFIED_FRAMES);
	/* Switching needs two guests; in a mix it just drops out. */
	if (o->guests < 2)
		o->patterns &= ~(1u << TB_PAT_SWITCH);
	if (!o->patterns)
		return usage_error("--pattern switch needs --guests 2 or "
				   "more");
	if (!image_given && !o->flash) {
		const char *build = getenv("BUILD");

		snprintf(default_image, sizeof(default_image),
			 "%s/firmware/cdna-fw.img",
			 build && *build ? build : "build");
		o->image = default_image;
	}
	return -1;
}

int tb_opts_parse(struct tb_opts *o, int argc, char **argv)
{
	int image_given = 0, pattern_given = 0, frames_given = 0;

	*o = (struct tb_opts){
		.guests = 4,
		.frames = 10000,
		.size = 512,
		.seed = 1,
		.patterns = TB_PAT_ALL,
		.count_frames = UINT64_MAX, /* chosen once --frames is known */
	};
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *eq = strchr(arg, '=');
		char name[32];
		const char *val;
		int rc;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(arg, "--bench") || !strcmp(arg, "--bench-rx")) {
			o->bench = arg[7] ? TB_BENCH_RX : TB_BENCH_TX;
			continue;
		}
		if (!strcmp(arg, "--protected")) {
			o->protected_mode = 1;
			continue;
		}
		if (!strcmp(arg, "--quiet")) {
			o->quiet = 1;
			continue;
		}
		if (!strcmp(arg, "--verbose")) {
			o->verbose = 1;
			continue;
		}
		/* --name=value or --name value */
		snprintf(name, sizeof(name), "%.*s",
			 eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		if (!takes_value(name))
			return usage_error("%s '%s'", arg[0] == '-' ?
					   "unknown option" : "unexpected argument",
					   arg);
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value",
						   name);
			val = argv[++i];
		}
		image_given |= !strcmp(name, "--image");
		pattern_given |= !strcmp(name, "--pattern");
		frames_given |= !strcmp(name, "--frames");
		rc = set_value(o, name, val);
		if (rc >= 0)
			return rc;
	}
	return check(o, image_given, pattern_given, frames_given);
}
