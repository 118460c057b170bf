/* SPDX-License-Identifier: MIT */
/*
 * test_cdnactl.c - cdnactl's parts that need no Xen (dom0-mgr/): argument
 * parsing, MACs, error sentences, text and JSON output, the xenstore
 * layout, the root/dom0 checks, sysfs discovery and BAR2 reads (a fake
 * sysfs tree in a scratch directory, resource2 a plain file), and the
 * commands' logic over a fake hypervisor and xenstore (struct cdnactl_sys):
 * what is called in which order, and that a failure changes nothing; and
 * flash/firmware over a fake BAR2 page 0 with a fake flash controller and
 * boot ROM (bank choice, progress, every refusal, activation through the
 * hypervisor and natively, rollback reported as a failure).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/host_mem.h"
#include "args.h"
#include "cdna/regs.h"
#include "../../hw-model/core/cdna_nic.h"
#include "cdna/xenbus.h"
#include "env.h"
#include "errmsg.h"
#include "flash.h"
#include "fmt.h"
#include "image_check.h"
#include "mac.h"
#include "nic.h"
#include "ops.h"
#include "xspath.h"

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		const char *check_sa_ = (a), *check_sb_ = (b);              \
		if (!check_sa_ || strcmp(check_sa_, check_sb_))             \
			check_fail(__FILE__, __LINE__, "%s == \"%s\" (got \"%s\")", \
				   #a, check_sb_,                           \
				   check_sa_ ? check_sa_ : "(null)");       \
	} while (0)
#define CHECK_HAS(hay, needle)                                              \
	do {                                                                \
		const char *check_h_ = (hay);                               \
		if (!check_h_ || !strstr(check_h_, (needle)))               \
			check_fail(__FILE__, __LINE__, "\"%s\" contains \"%s\"", \
				   check_h_ ? check_h_ : "(null)", (needle)); \
	} while (0)

/* ---- arguments ----------------------------------------------------------- */

static struct cdnactl_args A;
static char aerr[256];

/* parse("list", "--json", NULL) */
static int parse(const char *first, ...)
{
	char *argv[16] = { "cdnactl" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s && argc < 15; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	aerr[0] = '\0';
	return args_parse(argc, argv, &A, aerr, sizeof(aerr));
}

TEST(args_list_json_sets_command_and_flag)
{
	CHECK_EQ(parse("list", "--json", NULL), 0);
	CHECK_EQ(A.cmd, CMD_LIST);
	CHECK(A.json);
}

TEST(args_assign_takes_domid_mac_and_ctx_in_both_spellings)
{
	CHECK_EQ(parse("assign", "7", "--mac", "52:54:00:AA:bb:0c", "--ctx=5",
		       NULL), 0);
	CHECK_EQ(A.cmd, CMD_ASSIGN);
	CHECK(A.has_domid && A.domid == 7);
	CHECK(A.has_ctx && A.ctx == 5);
	CHECK(A.has_mac && A.mac[3] == 0xaa && A.mac[5] == 0x0c);
}

TEST(args_assign_without_domid_is_a_usage_error)
{
	CHECK_EQ(parse("assign", NULL), -1);
	CHECK_HAS(aerr, "which domain");
}

TEST(args_assign_to_domain_0_is_refused)
{
	CHECK_EQ(parse("assign", "0", NULL), -1);
	CHECK_HAS(aerr, "domain 0");
}

TEST(args_unknown_flag_is_named)
{
	CHECK_EQ(parse("assign", "3", "--frob", NULL), -1);
	CHECK_HAS(aerr, "'--frob'");
}

TEST(args_flag_of_another_command_is_refused)
{
	CHECK_EQ(parse("list", "--ctx", "1", NULL), -1);
	CHECK_HAS(aerr, "unknown option '--ctx'");
}

TEST(args_unknown_command_is_named)
{
	CHECK_EQ(parse("frob", NULL), -1);
	CHECK_HAS(aerr, "unknown command 'frob'");
}

TEST(args_no_command_is_a_usage_error)
{
	CHECK_EQ(parse(NULL), -1);
	CHECK_HAS(aerr, "no command");
}

TEST(args_bad_mac_is_refused)
{
	CHECK_EQ(parse("assign", "3", "--mac", "52:54:00:aa:bb", NULL), -1);
	CHECK_HAS(aerr, "bad MAC");
}

TEST(args_multicast_mac_is_refused)
{
	CHECK_EQ(parse("assign", "3", "--mac", "01:00:5e:00:00:01", NULL), -1);
	CHECK_HAS(aerr, "multicast");
}

TEST(args_context_beyond_the_contract_is_refused)
{
	CHECK_EQ(parse("stats", "--ctx", "32", NULL), -1);
	CHECK_HAS(aerr, "bad context number");
}

TEST(args_domid_with_sign_leading_zero_or_junk_is_refused)
{
	CHECK_EQ(parse("assign", "-1", NULL), -1);
	CHECK_EQ(parse("assign", "07", NULL), -1);
	CHECK_EQ(parse("assign", "7x", NULL), -1);
}

TEST(args_reserved_domid_is_refused)
{
	CHECK_EQ(parse("assign", "32752", NULL), -1); /* DOMID_FIRST_RESERVED */
	CHECK_EQ(parse("assign", "32751", NULL), 0);
}

TEST(args_option_without_value_is_a_usage_error)
{
	CHECK_EQ(parse("assign", "3", "--mac", NULL), -1);
	CHECK_HAS(aerr, "needs a value");
}

TEST(args_revoke_needs_domid_or_ctx)
{
	CHECK_EQ(parse("revoke", NULL), -1);
	CHECK_EQ(parse("revoke", "--ctx", "2", NULL), 0);
	CHECK(A.has_ctx && !A.has_domid);
}

TEST(args_revoke_all_needs_domid)
{
	CHECK_EQ(parse("revoke", "--all", "--ctx", "2", NULL), -1);
	CHECK_EQ(parse("revoke", "4", "--all", NULL), 0);
	CHECK(A.all);
}

TEST(args_revoke_of_domain_0_is_refused)
{
	CHECK_EQ(parse("revoke", "0", NULL), -1);
	CHECK_HAS(aerr, "cdna driver");
}

TEST(args_help_after_a_command_is_that_commands_help)
{
	CHECK_EQ(parse("revoke", "--help", NULL), 0);
	CHECK(A.help);
	CHECK_EQ(A.cmd, CMD_REVOKE);
}

TEST(args_version_alone_is_enough)
{
	CHECK_EQ(parse("--version", NULL), 0);
	CHECK(A.version);
}

TEST(args_nic_selects_a_pci_address)
{
	CHECK_EQ(parse("--nic", "0000:00:05.0", "list", NULL), 0);
	CHECK_STR(A.nic, "0000:00:05.0");
}

/* ---- MACs ---------------------------------------------------------------- */

TEST(mac_parse_accepts_either_case)
{
	uint8_t m[6];

	CHECK_EQ(mac_parse("52:54:00:Cd:eF:09", m), 0);
	CHECK(m[0] == 0x52 && m[3] == 0xcd && m[4] == 0xef && m[5] == 0x09);
}

TEST(mac_parse_rejects_wrong_lengths_and_separators)
{
	uint8_t m[6];

	CHECK_EQ(mac_parse("52:54:00:cd:ef", m), -1);
	CHECK_EQ(mac_parse("52:54:00:cd:ef:09:00", m), -1);
	CHECK_EQ(mac_parse("52-54-00-cd-ef-09", m), -1);
	CHECK_EQ(mac_parse("5:54:00:cd:ef:09", m), -1);
	CHECK_EQ(mac_parse("", m), -1);
}

TEST(mac_format_is_lower_case_with_colons)
{
	const uint8_t m[6] = { 0x52, 0x54, 0x00, 0xAB, 0x0c, 0xff };
	char buf[MAC_STR_LEN];

	CHECK_STR(mac_format(m, buf), "52:54:00:ab:0c:ff");
}

TEST(mac_derive_is_the_nic_mac_plus_ctx_as_in_xenbus_h)
{
	const uint8_t nic[6] = { 0x52, 0x54, 0x00, 0xcd, 0x00, 0x00 };
	uint8_t m[6];
	char buf[MAC_STR_LEN];

	mac_derive(nic, 5, m);
	CHECK_STR(mac_format(m, buf), "52:54:00:cd:00:05");
}

TEST(mac_derive_carries_and_wraps_within_the_last_three_bytes)
{
	const uint8_t a[6] = { 0x52, 0x54, 0x00, 0x12, 0xff, 0xfe };
	const uint8_t b[6] = { 0x52, 0x54, 0x00, 0xff, 0xff, 0xff };
	uint8_t m[6];
	char buf[MAC_STR_LEN];

	mac_derive(a, 3, m);
	CHECK_STR(mac_format(m, buf), "52:54:00:13:00:01");
	mac_derive(b, 1, m);
	CHECK_STR(mac_format(m, buf), "52:54:00:00:00:00");
}

TEST(mac_derive_is_locally_administered_unicast)
{
	const uint8_t nic[6] = { 0x01, 0x1b, 0x21, 0x00, 0x00, 0x10 };
	uint8_t m[6];
	char buf[MAC_STR_LEN];

	mac_derive(nic, 2, m);
	CHECK_STR(mac_format(m, buf), "02:1b:21:00:00:12");
	CHECK(mac_usable(m));
}

TEST(mac_usable_refuses_zero_and_group_addresses)
{
	const uint8_t zero[6] = { 0 }, bcast[6] = { 0xff, 0xff, 0xff, 0xff,
						    0xff, 0xff };

	CHECK(!mac_usable(zero));
	CHECK(!mac_usable(bcast));
}

/* ---- error sentences and names ------------------------------------------- */

TEST(err_every_cdna_code_has_a_sentence_ending_in_its_name)
{
	const int codes[] = { CDNA_EPERM, CDNA_ENOENT, CDNA_EFAULT,
			      CDNA_EBUSY, CDNA_ENODEV, CDNA_EINVAL,
			      CDNA_ENOSPC, CDNA_ENOSYS, CDNA_ETIMEDOUT };
	const unsigned cmds[] = { CDNA_OP_QUERY, CDNA_OP_ASSIGN,
				  CDNA_OP_REVOKE, CDNA_OP_STATS };

	for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		for (unsigned c = 0; c < 4; c++) {
			const char *s = cdna_err_sentence(cmds[c], codes[i]);
			char tail[32];

			snprintf(tail, sizeof(tail), "(%s)",
				 cdna_err_name(codes[i]));
			CHECK(s != NULL);
			CHECK(strlen(s) > strlen(tail));
			CHECK_STR(s + strlen(s) - strlen(tail), tail);
		}
}

TEST(err_enodev_says_dom0_driver_has_not_registered_the_nic)
{
	CHECK_HAS(cdna_err_sentence(CDNA_OP_STATS, CDNA_ENODEV),
		  "dom0's cdna driver has not registered the NIC");
}

TEST(err_enosys_says_xen_has_no_cdna_hypercall)
{
	CHECK_HAS(cdna_err_sentence(CDNA_OP_ASSIGN, CDNA_ENOSYS),
		  "Xen has no CDNA hypercall");
}

TEST(err_assign_ebusy_says_already_assigned)
{
	CHECK_HAS(cdna_err_sentence(CDNA_OP_ASSIGN, CDNA_EBUSY),
		  "already assigned");
}

TEST(err_assign_enospc_says_no_free_context)
{
	CHECK_HAS(cdna_err_sentence(CDNA_OP_ASSIGN, CDNA_ENOSPC),
		  "no free context");
}

TEST(err_other_codes_fall_back_to_strerror)
{
	CHECK_STR(cdna_err_sentence(CDNA_OP_STATS, ENOMEM), strerror(ENOMEM));
	CHECK(cdna_err_name(ENOMEM) == NULL);
}

TEST(err_every_refusal_reason_has_a_distinct_name)
{
	for (unsigned i = 0; i < CDNA_HV_REFUSAL_NUM; i++) {
		CHECK(cdna_hv_refusal_name(i) != NULL);
		for (unsigned k = 0; k < i; k++)
			CHECK(strcmp(cdna_hv_refusal_name(i),
				     cdna_hv_refusal_name(k)));
	}
	for (unsigned i = 0; i < CDNA_REFUSE_NUM; i++)
		CHECK(cdna_nic_refusal_name(i) != NULL);
	for (unsigned i = 0; i < CDNA_DROP_NUM; i++)
		CHECK(cdna_nic_drop_name(i) != NULL);
	CHECK(cdna_hv_refusal_name(CDNA_HV_REFUSAL_NUM) == NULL);
}

/* ---- output -------------------------------------------------------------- */

static char *mem;
static size_t memlen;

static FILE *mopen(void)
{
	free(mem);
	mem = NULL;
	return open_memstream(&mem, &memlen);
}

static const struct cdnactl_nic test_nic = {
	.pci = "0000:00:04.0", .num_ctx = 4, .id = CDNA_HW_ID,
	.fw_state = CDNA_FW_STATE_RUNNING,
	.fw_version = CDNA_FW_VERSION(1, 2, 3),
	.mac = { 0x52, 0x54, 0x00, 0xc0, 0xff, 0x02 },
};

static void two_ctx(struct cdnactl_ctx c[2])
{
	memset(c, 0, 2 * sizeof(c[0]));
	c[0].ctx = 0;
	c[0].hv.domid = 0;
	c[0].hv.state = CDNA_CTX_STATE_RUNNING;
	c[0].hv.refs_held = 12;
	snprintf(c[0].domain, sizeof(c[0].domain), "Domain-0");
	memcpy(c[0].mac, test_nic.mac, 6);
	c[1].ctx = 1;
	c[1].hv.domid = CDNACTL_NO_DOMID;
}

TEST(json_escapes_quotes_backslashes_and_control_characters)
{
	FILE *f = mopen();

	json_put_string(f, "a\"b\\c\nd\x01");
	fclose(f);
	CHECK_STR(mem, "\"a\\\"b\\\\c\\nd\\u0001\"");
}

TEST(json_separates_members_with_commas_at_every_depth)
{
	FILE *f = mopen();
	struct json j;

	json_init(&j, f);
	json_begin_obj(&j, NULL);
	json_u64(&j, "a", 1);
	json_begin_arr(&j, "b");
	json_u64(&j, NULL, 2);
	json_begin_obj(&j, NULL);
	json_end_obj(&j);
	json_str(&j, NULL, NULL);
	json_end_arr(&j);
	json_bool(&j, "c", true);
	json_end_obj(&j);
	fclose(f);
	CHECK_STR(mem, "{\"a\":1,\"b\":[2,{},null],\"c\":true}\n");
}

TEST(fmt_fw_version_is_major_minor_patch_or_none)
{
	char buf[16];

	CHECK_STR(fmt_fw_version(CDNA_FW_VERSION(1, 12, 3), buf), "1.12.3");
	CHECK_STR(fmt_fw_version(0, buf), "none");
}

TEST(list_text_shows_the_nic_then_one_line_per_context)
{
	struct cdnactl_ctx c[2];
	FILE *f = mopen();

	two_ctx(c);
	fmt_list_text(f, &test_nic, c, 2);
	fclose(f);
	CHECK_HAS(mem, "NIC 0000:00:04.0  MAC 52:54:00:c0:ff:02  firmware "
		  "1.2.3 (running)  contexts 4\n");
	CHECK_HAS(mem, "\n0    running   0 Domain-0             "
		  "52:54:00:c0:ff:02  12\n");
	CHECK_HAS(mem, "\n1    disabled  -                      -"
		  "                  0\n");
}

TEST(list_json_gives_null_owner_for_a_free_context)
{
	struct cdnactl_ctx c[2];
	FILE *f = mopen();

	two_ctx(c);
	fmt_list_json(f, &test_nic, c, 2, NULL);
	fclose(f);
	CHECK_HAS(mem, "\"nic\":{\"pci\":\"0000:00:04.0\",\"mac\":"
		  "\"52:54:00:c0:ff:02\",\"firmware_version\":\"1.2.3\","
		  "\"firmware_state\":\"running\",\"contexts\":4}");
	CHECK_HAS(mem, "{\"ctx\":0,\"state\":\"running\",\"domid\":0,"
		  "\"domain\":\"Domain-0\",\"mac\":\"52:54:00:c0:ff:02\","
		  "\"refs_held\":12}");
	CHECK_HAS(mem, "{\"ctx\":1,\"state\":\"disabled\",\"domid\":null,"
		  "\"domain\":null,\"mac\":null,\"refs_held\":0}");
}

TEST(list_json_carries_the_error_when_contexts_are_unreadable)
{
	FILE *f = mopen();

	fmt_list_json(f, &test_nic, NULL, 0, "Xen has no CDNA hypercall");
	fclose(f);
	CHECK_HAS(mem, "\"contexts\":null,\"error\":\"Xen has no CDNA "
		  "hypercall\"}\n");
}

TEST(stats_text_ends_with_the_references_held_line)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY, .refs_held = 17 };
	FILE *f = mopen();

	two_ctx(c);
	c[0].hv.refused[CDNA_HV_NOT_OWNED] = 3;
	fmt_stats_text(f, &test_nic, &g, c, 1, false);
	fclose(f);
	CHECK_HAS(mem, "context 0: domain 0 (Domain-0), running\n");
	CHECK_HAS(mem, "not_owned 3");
	CHECK(memlen > 22);
	CHECK_STR(mem + memlen - strlen("references held: 17\n"),
		  "references held: 17\n");
}

TEST(stats_text_of_one_context_ends_with_its_own_references)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY, .refs_held = 17 };
	FILE *f = mopen();

	two_ctx(c);
	fmt_stats_text(f, &test_nic, &g, c, 1, true);
	fclose(f);
	CHECK_STR(mem + memlen - strlen("references held: 12\n"),
		  "references held: 12\n");
	CHECK(strstr(mem, "references held: 17") == NULL);
	/* The line tests/system/cdna-checks.sh's refs_of_ctx reads first. */
	CHECK(strstr(mem, "\nreferences held: ") ==
	      strstr(mem, "references held: ") - 1);
}

TEST(stats_json_has_refs_held_total_and_refusals_by_name)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY, .refs_held = 17 };
	FILE *f = mopen();

	two_ctx(c);
	c[0].nic.refused[CDNA_REFUSE_SPOOFED_SRC] = 2;
	g.refused[CDNA_HV_NOT_OWNER] = 5;
	fmt_stats_json(f, &test_nic, &g, c, 1);
	fclose(f);
	CHECK(strncmp(mem, "{\"refs_held_total\":17,", 22) == 0);
	CHECK_HAS(mem, "\"refused\":{\"not_owner\":5,");
	CHECK_HAS(mem, "\"spoofed_src\":2}");
	CHECK_HAS(mem, "\"contexts\":[{\"ctx\":0,\"domid\":0,");
}

TEST(stats_text_shows_a_contexts_hypervisor_time_per_descriptor)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY };
	FILE *f = mopen();

	two_ctx(c);
	c[0].hv.descs = 3000;
	c[0].hv.hv_ns = 123456;
	fmt_stats_text(f, &test_nic, &g, c, 1, true);
	fclose(f);
	CHECK_HAS(mem, "\n  hypervisor time: 41.2 ns per descriptor "
		  "(0.123 ms total)\n");
}

TEST(stats_text_shows_a_dash_per_descriptor_without_descriptors)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY };
	FILE *f = mopen();

	two_ctx(c);
	c[0].hv.hv_ns = 2500000;   /* QUERYs, refused calls */
	fmt_stats_text(f, &test_nic, &g, c, 1, true);
	fclose(f);
	CHECK_HAS(mem, "\n  hypervisor time: - ns per descriptor "
		  "(2.500 ms total)\n");
}

TEST(stats_text_shows_the_hypervisors_time_over_all_contexts)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY, .enqueues = 10,
				   .descs = 1000, .hv_ns = 5000000 };
	FILE *f = mopen();

	two_ctx(c);
	fmt_stats_text(f, &test_nic, &g, c, 2, false);
	fclose(f);
	CHECK_HAS(mem, "\nhypervisor, all contexts: enqueues 10, descriptors "
		  "1000\nhypervisor time: 5000.0 ns per descriptor "
		  "(5.000 ms total)\n");
	/* The unassigned context has none of its own. */
	CHECK_HAS(mem, "  hypervisor time: - ns per descriptor "
		  "(0.000 ms total)\n");
}

TEST(stats_text_of_one_context_leaves_the_global_time_out)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY, .descs = 1,
				   .hv_ns = 777 };
	FILE *f = mopen();

	two_ctx(c);
	fmt_stats_text(f, &test_nic, &g, c, 1, true);
	fclose(f);
	CHECK(strstr(mem, "\nhypervisor time:") == NULL);
	CHECK(strstr(mem, "777.0 ns") == NULL);
}

TEST(stats_json_has_the_hypervisor_time_per_context_and_in_all)
{
	struct cdnactl_ctx c[2];
	struct cdna_op_stats g = { .ctx = CDNA_CTX_ANY, .enqueues = 4,
				   .descs = 8, .hv_ns = 1000 };
	FILE *f = mopen();

	two_ctx(c);
	c[0].hv.descs = 3000;
	c[0].hv.hv_ns = 123456;
	fmt_stats_json(f, &test_nic, &g, c, 2);
	fclose(f);
	CHECK_HAS(mem, "\"enqueues\":4,\"descs\":8,\"hv_ns\":1000,"
		  "\"hv_ns_per_desc\":125.0}");
	CHECK_HAS(mem, "\"descs\":3000,\"hv_ns\":123456,"
		  "\"hv_ns_per_desc\":41.2,\"refs_held\":12,");
	/* Context 1, no descriptors: no time per descriptor. */
	CHECK_HAS(mem, "\"descs\":0,\"hv_ns\":0,\"hv_ns_per_desc\":null,");
}

/* ---- xenstore layout ----------------------------------------------------- */

TEST(xs_paths_follow_xenbus_h)
{
	char p[XSP_PATH_MAX];

	xsp_frontend_dir(p, sizeof(p), 5, 1);
	CHECK_STR(p, "/local/domain/5/device/cdna/1");
	xsp_backend_dir(p, sizeof(p), 5, 1);
	CHECK_STR(p, "/local/domain/0/backend/cdna/5/1");
	xsp_backend_parent(p, sizeof(p), 5);
	CHECK_STR(p, "/local/domain/0/backend/cdna/5");
}

static const char *node(const struct xsp_node *n, unsigned count,
			const char *path)
{
	for (unsigned i = 0; i < count; i++)
		if (!strcmp(n[i].path, path))
			return n[i].value;
	return NULL;
}

TEST(xs_assign_nodes_hold_what_the_guest_needs)
{
	struct cdna_op_assign a = {
		.ctx = 3, .domid = 5, .mac = { 0x52, 0x54, 0, 0xcd, 0, 3 },
		.tx_ring = 0x12345000, .rx_ring = 0x12346000,
		.status = 0x12347000, .ctx_page = 0xfe003000, .evtchn = 9,
	};
	struct xsp_node n[XSP_MAX_NODES];
	unsigned c = xsp_assign_nodes(5, 0, &a, n);
	const char *fe = "/local/domain/5/device/cdna/0/";

	CHECK(c <= XSP_MAX_NODES);
#define FE(k) node(n, c, (snprintf(path, sizeof(path), "%s%s", fe, k), path))
#define BE(k) node(n, c, (snprintf(path, sizeof(path), \
	"/local/domain/0/backend/cdna/5/0/%s", k), path))
	char path[200];

	CHECK_STR(FE("backend-id"), "0");
	CHECK_STR(FE("backend"), "/local/domain/0/backend/cdna/5/0");
	CHECK_STR(FE("state"), "1");
	CHECK_STR(FE(CDNA_XENBUS_KEY_CTX), "3");
	CHECK_STR(FE(CDNA_XENBUS_KEY_MAC), "52:54:00:cd:00:03");
	CHECK_STR(FE(CDNA_XENBUS_KEY_CTX_PAGE), "0xfe003000");
	CHECK_STR(FE(CDNA_XENBUS_KEY_TX_RING), "0x12345000");
	CHECK_STR(FE(CDNA_XENBUS_KEY_RX_RING), "0x12346000");
	CHECK_STR(FE(CDNA_XENBUS_KEY_STATUS), "0x12347000");
	CHECK_STR(FE(CDNA_XENBUS_KEY_EVTCHN), "9");
	CHECK_STR(BE("frontend"), "/local/domain/5/device/cdna/0");
	CHECK_STR(BE("frontend-id"), "5");
	CHECK_STR(BE(CDNA_XENBUS_KEY_CTX), "3");
	CHECK_STR(BE("state"), "4");
#undef FE
#undef BE
}

TEST(xs_free_devid_is_the_lowest_unused_number)
{
	char *names[] = { "0", "2", "junk", "01x" };

	CHECK_EQ(xsp_free_devid(names, 4), 1);
	CHECK_EQ(xsp_free_devid(names, 0), 0);
	CHECK_EQ(xsp_parse_num("12"), 12);
	CHECK_EQ(xsp_parse_num("1a"), -1);
	CHECK_EQ(xsp_parse_num(NULL), -1);
}

/* ---- root and dom0 ------------------------------------------------------- */

static char tmpdir[64];

static void scratch(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_cdnactl.XXXXXX");
	CHECK(mkdtemp(tmpdir) != NULL);
}

static void put_file(const char *rel, const void *data, size_t len)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	for (char *s = strchr(p + strlen(tmpdir) + 1, '/'); s;
	     s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	f = fopen(p, "w");
	CHECK(f != NULL);
	CHECK_EQ(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Two live at once (one call may take two paths). */
static const char *tpath(const char *rel)
{
	static char p[2][512];
	static int i;

	i ^= 1;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, rel);
	return p[i];
}

static void rm_scratch(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	CHECK_EQ(system(cmd), 0);
}

TEST(env_refuses_a_user_other_than_root)
{
	char err[256];

	CHECK_EQ(env_check(1000, "/", "/nonexistent", err, sizeof(err)), -1);
	CHECK_HAS(err, "must be run as root");
}

TEST(env_refuses_a_machine_without_privcmd)
{
	char err[256];

	CHECK_EQ(env_check(0, "/nonexistent/privcmd", "/nonexistent", err,
			   sizeof(err)), -1);
	CHECK_HAS(err, "not running in Xen's dom0");
}

TEST(env_refuses_a_xen_guest)
{
	char err[256];

	scratch();
	put_file("caps", "", 0);
	put_file("privcmd", "", 0);
	CHECK_EQ(env_check(0, tpath("privcmd"), tpath("caps"), err,
			   sizeof(err)), -1);
	CHECK_HAS(err, "this is a guest");
	rm_scratch();
}

TEST(env_accepts_root_in_dom0)
{
	char err[256];

	scratch();
	put_file("caps", "control_d\n", 10);
	put_file("privcmd", "", 0);
	CHECK_EQ(env_check(0, tpath("privcmd"), tpath("caps"), err,
			   sizeof(err)), 0);
	rm_scratch();
}

/* ---- sysfs and BAR2 ------------------------------------------------------ */

static uint8_t bar2[CDNA_BAR2_SIZE];

static void bar2_put(uint32_t off, uint32_t v)
{
	memcpy(bar2 + off, &v, 4); /* little-endian host, as the NIC */
}

/* A PCI device dir under tmpdir/bus/pci/devices/<addr>. */
static void fake_dev(const char *addr, const char *vendor, const char *device,
		     bool with_bar2)
{
	char rel[256];
	const char *res = "0x00000000fe000000 0x00000000fe01ffff 0x140204\n"
			  "0x0000000000000000 0x0000000000000000 0x0\n"
			  "0x00000000fe020000 0x00000000fe023fff 0x140204\n";

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/vendor", addr);
	put_file(rel, vendor, strlen(vendor));
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/device", addr);
	put_file(rel, device, strlen(device));
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/resource", addr);
	put_file(rel, res, strlen(res));
	if (with_bar2) {
		snprintf(rel, sizeof(rel), "bus/pci/devices/%s/resource2",
			 addr);
		put_file(rel, bar2, sizeof(bar2));
	}
}

static void fill_bar2(void)
{
	memset(bar2, 0, sizeof(bar2));
	bar2_put(MGMT_ID, CDNA_HW_ID);
	bar2_put(MGMT_NUM_CTX, 8);
	bar2_put(MGMT_FW_STATE, CDNA_FW_STATE_RUNNING);
	bar2_put(MGMT_FW_VERSION, CDNA_FW_VERSION(1, 0, 7));
	bar2_put(MGMT_MAC_LO, 0xc0005452u);
	bar2_put(MGMT_MAC_HI, 0x02ffu);
	bar2_put(MGMT_RX_NO_MATCH, 4);
	bar2_put(MGMT_CTX(3) + MGMT_CTX_MAC_LO, 0xcd005452u);
	bar2_put(MGMT_CTX(3) + MGMT_CTX_MAC_HI, 0x0300u);
	bar2_put(MGMT_CTX(3) + MGMT_CTX_FLAGS, CDNA_CTXF_BCAST);
	bar2_put(MGMT_STATS(3) + STAT_TX_FRAMES, 11);
	bar2_put(MGMT_STATS(3) + STAT_TX_BYTES_LO, 5);
	bar2_put(MGMT_STATS(3) + STAT_TX_BYTES_HI, 1);
	bar2_put(MGMT_STATS(3) + STAT_RX_FRAMES, 22);
	bar2_put(MGMT_STATS(3) + STAT_REVOKES, 2);
	bar2_put(MGMT_STATS(3) + STAT_REFUSED(CDNA_REFUSE_SPOOFED_SRC), 6);
	bar2_put(MGMT_STATS(3) + STAT_DROPPED(CDNA_DROP_RX_NO_BUF), 7);
	/* Page 1 is the hypervisor's: whatever it holds must not be read. */
	memset(bar2 + CDNA_BAR2_HV, 0xee, 0x1000);
}

TEST(nic_find_picks_the_cdna_device_by_vendor_and_device)
{
	struct cdnactl_nic nic;
	char err[256];

	scratch();
	fill_bar2();
	fake_dev("0000:00:02.0", "0x8086\n", "0x100e\n", false);
	fake_dev("0000:00:04.0", "0x1b36\n", "0x10cd\n", true);
	CHECK_EQ(nic_find(tmpdir, NULL, &nic, err, sizeof(err)), 0);
	CHECK_STR(nic.pci, "0000:00:04.0");
	CHECK_EQ(nic.bar0, 0xfe000000u);
	CHECK_EQ(nic.bar2, 0xfe020000u);
	rm_scratch();
}

TEST(nic_find_takes_the_first_address_or_the_one_asked_for)
{
	struct cdnactl_nic nic;
	char err[256];

	scratch();
	fake_dev("0000:00:05.0", "0x1b36\n", "0x10cd\n", false);
	fake_dev("0000:00:04.0", "0x1b36\n", "0x10cd\n", false);
	CHECK_EQ(nic_find(tmpdir, NULL, &nic, err, sizeof(err)), 0);
	CHECK_STR(nic.pci, "0000:00:04.0");
	CHECK_EQ(nic_find(tmpdir, "0000:00:05.0", &nic, err, sizeof(err)), 0);
	CHECK_STR(nic.pci, "0000:00:05.0");
	CHECK_EQ(nic_find(tmpdir, "0000:00:06.0", &nic, err, sizeof(err)), -1);
	CHECK_HAS(err, "no cdna NIC at PCI address 0000:00:06.0");
	rm_scratch();
}

TEST(nic_find_without_a_cdna_device_says_no_nic_found)
{
	struct cdnactl_nic nic;
	char err[256];

	scratch();
	fake_dev("0000:00:02.0", "0x8086\n", "0x100e\n", false);
	CHECK_EQ(nic_find(tmpdir, NULL, &nic, err, sizeof(err)), -1);
	CHECK_HAS(err, "no cdna NIC found");
	rm_scratch();
}

TEST(nic_open_reads_identity_firmware_and_mac_from_page_0)
{
	struct cdnactl_nic nic;
	struct nic_map m;
	char err[256], buf[MAC_STR_LEN];

	scratch();
	fill_bar2();
	fake_dev("0000:00:04.0", "0x1b36\n", "0x10cd\n", true);
	CHECK_EQ(nic_find(tmpdir, NULL, &nic, err, sizeof(err)), 0);
	CHECK_EQ(nic_open(tmpdir, &nic, &m, err, sizeof(err)), 0);
	CHECK_EQ(nic.num_ctx, 8);
	CHECK_EQ(nic.fw_state, CDNA_FW_STATE_RUNNING);
	CHECK_EQ(nic.fw_version, CDNA_FW_VERSION(1, 0, 7));
	CHECK_EQ(nic.rx_no_match, 4);
	CHECK_STR(mac_format(nic.mac, buf), "52:54:00:c0:ff:02");
	nic_close(&m);
	rm_scratch();
}

TEST(nic_open_refuses_a_bar2_that_is_no_cdna_nic)
{
	struct cdnactl_nic nic;
	struct nic_map m;
	char err[256];

	scratch();
	fill_bar2();
	memset(bar2, 0xff, 4); /* decoding off: all ones */
	fake_dev("0000:00:04.0", "0x1b36\n", "0x10cd\n", true);
	CHECK_EQ(nic_find(tmpdir, NULL, &nic, err, sizeof(err)), 0);
	CHECK_EQ(nic_open(tmpdir, &nic, &m, err, sizeof(err)), -1);
	CHECK_HAS(err, "does not answer as a cdna NIC (ID 0xffffffff");
	rm_scratch();
}

TEST(nic_read_ctx_reads_page_0_identity_and_page_2_statistics)
{
	struct cdnactl_nic nic;
	struct cdnactl_nic_ctx_stats st;
	struct nic_map m;
	uint8_t mac[6];
	uint32_t flags;
	char err[256], buf[MAC_STR_LEN];

	scratch();
	fill_bar2();
	fake_dev("0000:00:04.0", "0x1b36\n", "0x10cd\n", true);
	CHECK_EQ(nic_find(tmpdir, NULL, &nic, err, sizeof(err)), 0);
	CHECK_EQ(nic_open(tmpdir, &nic, &m, err, sizeof(err)), 0);
	nic_read_ctx(&m, 3, mac, &flags, &st);
	CHECK_STR(mac_format(mac, buf), "52:54:00:cd:00:03");
	CHECK_EQ(flags, CDNA_CTXF_BCAST);
	CHECK_EQ(st.tx_frames, 11);
	CHECK_EQ(st.tx_bytes, 0x100000005ull);
	CHECK_EQ(st.rx_frames, 22);
	CHECK_EQ(st.revokes, 2);
	CHECK_EQ(st.refused[CDNA_REFUSE_SPOOFED_SRC], 6);
	CHECK_EQ(st.dropped[CDNA_DROP_RX_NO_BUF], 7);
	nic_close(&m);
	rm_scratch();
}

TEST(nic_parse_resource_line_reads_start_and_end)
{
	uint64_t s, e;

	CHECK_EQ(nic_parse_resource_line("0x00000000fe020000 "
					 "0x00000000fe023fff 0x140204", &s,
					 &e), 0);
	CHECK_EQ(s, 0xfe020000u);
	CHECK_EQ(e, 0xfe023fffu);
	CHECK_EQ(nic_parse_resource_line("junk", &s, &e), -1);
}

/* ---- the commands over a fake Xen ---------------------------------------- */

/* A hypervisor with 4 contexts, a few domains and a xenstore, and a log of
 * every call in order. */
static struct fake {
	int fail_all;              /* every hypercall returns -fail_all */
	int unregistered;          /* no NIC registered, as the core says */
	uint16_t owner[4];
	uint32_t state[4];
	uint32_t refs[4];
	uint8_t mac[4][6];
	uint16_t flags[4];
	int domains[8];            /* 1: exists */
	int xs_assign_rc;
	int xs_wait_rc;
	int xs_has[4];             /* ctx c has xenstore nodes (devid c) */
	int xs_stale[8];           /* domain d has a backend directory */
	char log[1024];
} F;

static const struct cdnactl_nic fake_nic = {
	.pci = "0000:00:04.0", .num_ctx = 4, .id = CDNA_HW_ID,
	.mac = { 0x52, 0x54, 0x00, 0xcd, 0x00, 0x00 },
};

__attribute__((format(printf, 1, 2)))
static void logf_(const char *fmt, ...)
{
	size_t n = strlen(F.log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(F.log + n, sizeof(F.log) - n, fmt, ap);
	va_end(ap);
}

static int f_hcall(struct cdnactl_sys *s, unsigned cmd, void *arg,
		   size_t size)
{
	(void)s, (void)size;
	if (F.fail_all)
		return -F.fail_all;
	if (F.unregistered) {
		/* hv_ctx_get() knows no context; ASSIGN says ENODEV. */
		if (cmd == CDNA_OP_STATS &&
		    ((struct cdna_op_stats *)arg)->ctx == CDNA_CTX_ANY)
			return 0;
		return cmd == CDNA_OP_ASSIGN ? -CDNA_ENODEV : -CDNA_ENOENT;
	}
	switch (cmd) {
	case CDNA_OP_STATS: {
		struct cdna_op_stats *st = arg;

		logf_("STATS%u ", st->ctx);
		if (st->ctx == CDNA_CTX_ANY) {
			st->domid = 0xffff;
			st->refs_held = F.refs[0] + F.refs[1] + F.refs[2] +
					F.refs[3];
			return 0;
		}
		if (st->ctx >= 4)
			return -CDNA_ENOENT;
		st->domid = F.owner[st->ctx];
		st->state = F.state[st->ctx];
		st->refs_held = F.refs[st->ctx];
		return 0;
	}
	case CDNA_OP_ASSIGN: {
		struct cdna_op_assign *a = arg;
		unsigned c = a->ctx;

		logf_("ASSIGN%u ", a->ctx);
		if (c == CDNA_CTX_ANY)
			for (c = 0; c < 4 && F.owner[c] != 0xffff; c++)
				;
		if (c >= 4)
			return a->ctx == CDNA_CTX_ANY ? -CDNA_ENOSPC :
			       -CDNA_ENOENT;
		if (F.owner[c] != 0xffff)
			return -CDNA_EBUSY;
		for (unsigned o = 0; o < 4; o++)
			if (F.owner[o] != 0xffff && !memcmp(F.mac[o], a->mac, 6))
				return -CDNA_EBUSY; /* MAC taken */
		F.owner[c] = a->domid;
		F.state[c] = CDNA_CTX_STATE_RUNNING;
		memcpy(F.mac[c], a->mac, 6);
		F.flags[c] = a->flags;
		a->ctx = (uint16_t)c;
		a->evtchn = 7;
		return 0;
	}
	case CDNA_OP_REVOKE: {
		struct cdna_op_revoke *r = arg;

		logf_("REVOKE%u ", r->ctx);
		if (r->ctx >= 4)
			return -CDNA_ENOENT;
		r->refs_returned = F.refs[r->ctx];
		r->drain_us = 42;
		F.refs[r->ctx] = 0;
		F.owner[r->ctx] = 0xffff;
		F.state[r->ctx] = CDNA_CTX_STATE_STOPPED;
		return 0;
	}
	}
	return -CDNA_ENOSYS;
}

static int f_domain_exists(struct cdnactl_sys *s, unsigned domid)
{
	(void)s;
	logf_("DOM%u ", domid);
	return domid < 8 && F.domains[domid];
}

static void f_domain_name(struct cdnactl_sys *s, unsigned domid, char *buf,
			  size_t len)
{
	(void)s;
	snprintf(buf, len, "dom%u", domid);
}

static void f_nic_ctx(struct cdnactl_sys *s, unsigned ctx, uint8_t mac[6],
		      uint32_t *flags, struct cdnactl_nic_ctx_stats *st)
{
	(void)s;
	memcpy(mac, F.mac[ctx], 6);
	*flags = F.flags[ctx];
	memset(st, 0, sizeof(*st));
}

static int f_xs_assign(struct cdnactl_sys *s, unsigned domid,
		       const struct cdna_op_assign *a, unsigned *devid)
{
	(void)s, (void)domid;
	logf_("XSASSIGN%u ", a->ctx);
	if (F.xs_assign_rc)
		return F.xs_assign_rc;
	F.xs_has[a->ctx] = 1;
	*devid = a->ctx;
	return 0;
}

static int f_xs_find(struct cdnactl_sys *s, unsigned domid, unsigned ctx,
		     unsigned *devid)
{
	(void)s, (void)domid;
	if (!F.xs_has[ctx])
		return -ENOENT;
	*devid = ctx;
	return 0;
}

static int f_xs_backend_state(struct cdnactl_sys *s, unsigned domid,
			      unsigned devid, int state)
{
	(void)s, (void)domid;
	logf_("XSSTATE%u=%d ", devid, state);
	return 0;
}

static int f_xs_wait(struct cdnactl_sys *s, unsigned domid, unsigned devid,
		     int state, unsigned timeout_ms)
{
	(void)s, (void)domid;
	logf_("XSWAIT%u=%d/%u ", devid, state, timeout_ms);
	return F.xs_wait_rc;
}

static int f_xs_remove(struct cdnactl_sys *s, unsigned domid, unsigned devid)
{
	(void)s, (void)domid;
	logf_("XSRM%u ", devid);
	F.xs_has[devid] = 0;
	return 0;
}

static int f_xs_forget(struct cdnactl_sys *s, unsigned domid)
{
	(void)s;
	logf_("XSFORGET%u ", domid);
	if (domid >= 8 || !F.xs_stale[domid])
		return -ENOENT;
	F.xs_stale[domid] = 0;
	return 0;
}

static struct cdnactl_sys S = {
	.nic = &fake_nic,
	.hcall = f_hcall,
	.domain_exists = f_domain_exists,
	.domain_name = f_domain_name,
	.nic_ctx = f_nic_ctx,
	.xs_assign = f_xs_assign,
	.xs_find = f_xs_find,
	.xs_backend_state = f_xs_backend_state,
	.xs_wait_frontend = f_xs_wait,
	.xs_remove = f_xs_remove,
	.xs_forget = f_xs_forget,
};

/* dom0 holds context 0; domains 1, 2 and 5 exist; 1..3 are free. */
static void fake_reset(void)
{
	memset(&F, 0, sizeof(F));
	for (int c = 0; c < 4; c++) {
		F.owner[c] = 0xffff;
		F.state[c] = CDNA_CTX_STATE_STOPPED; /* free, as STATS says */
	}
	memcpy(F.mac[0], fake_nic.mac, 6);
	F.owner[0] = 0;
	F.state[0] = CDNA_CTX_STATE_RUNNING;
	F.refs[0] = 10;
	F.domains[0] = F.domains[1] = F.domains[2] = F.domains[5] = 1;
}

static char oerr[OPS_ERR_LEN];

TEST(assign_picks_the_lowest_free_context_with_its_derived_mac)
{
	struct ops_assign_result r;
	char buf[MAC_STR_LEN];

	fake_reset();
	CHECK_EQ(parse("assign", "5", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), 0);
	CHECK_EQ(r.ctx, 1);
	CHECK_EQ(F.owner[1], 5);
	CHECK_STR(mac_format(F.mac[1], buf), "52:54:00:cd:00:01");
	CHECK_EQ(F.flags[1], CDNA_CTXF_BCAST);
	CHECK_STR(F.log, "DOM5 STATS0 STATS1 ASSIGN1 XSASSIGN1 ");
}

TEST(assign_with_ctx_and_mac_uses_them)
{
	struct ops_assign_result r;
	char buf[MAC_STR_LEN];

	fake_reset();
	CHECK_EQ(parse("assign", "5", "--ctx", "3", "--mac",
		       "02:00:00:00:00:09", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), 0);
	CHECK_EQ(r.ctx, 3);
	CHECK_STR(mac_format(F.mac[3], buf), "02:00:00:00:00:09");
}

TEST(assign_to_an_unknown_domain_changes_nothing)
{
	struct ops_assign_result r;

	fake_reset();
	CHECK_EQ(parse("assign", "7", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "no domain 7");
	CHECK_STR(F.log, "DOM7 ");
}

TEST(assign_of_a_context_the_nic_lacks_changes_nothing)
{
	struct ops_assign_result r;

	fake_reset();
	CHECK_EQ(parse("assign", "5", "--ctx", "9", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "context 9 does not exist (the NIC has 4");
	CHECK_STR(F.log, "");
}

TEST(assign_of_a_taken_context_says_already_assigned)
{
	struct ops_assign_result r;

	fake_reset();
	CHECK_EQ(parse("assign", "5", "--ctx", "0", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "assign context 0 to domain 5: the context is "
		  "already assigned, to domain 0 (EBUSY)");
	CHECK_EQ(F.owner[0], 0);
}

TEST(assign_with_a_mac_another_context_has_says_so)
{
	struct ops_assign_result r;

	fake_reset();
	CHECK_EQ(parse("assign", "5", "--mac", "52:54:00:cd:00:00", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "another context already has MAC 52:54:00:cd:00:00 "
		  "(EBUSY)");
}

TEST(assign_skips_a_context_whose_default_mac_is_taken)
{
	struct ops_assign_result r;

	fake_reset();
	mac_derive(fake_nic.mac, 1, F.mac[0]); /* dom0 uses ctx 1's MAC */
	CHECK_EQ(parse("assign", "5", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), 0);
	CHECK_EQ(r.ctx, 2);
}

TEST(assign_when_every_context_is_taken_says_no_free_context)
{
	struct ops_assign_result r;

	fake_reset();
	F.owner[1] = F.owner[2] = F.owner[3] = 2;
	CHECK_EQ(parse("assign", "5", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "no free context on the NIC (ENOSPC)");
}

TEST(assign_on_xen_without_cdna_says_so)
{
	struct ops_assign_result r;

	fake_reset();
	F.fail_all = CDNA_ENOSYS;
	CHECK_EQ(parse("assign", "5", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "Xen has no CDNA hypercall");
}

TEST(assign_with_an_unregistered_nic_says_dom0_driver_has_not_registered)
{
	struct ops_assign_result r;

	fake_reset();
	F.fail_all = CDNA_ENODEV;
	CHECK_EQ(parse("assign", "5", "--ctx", "2", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "dom0's cdna driver has not registered the NIC");
}

TEST(assign_revokes_again_when_xenstore_fails)
{
	struct ops_assign_result r;

	fake_reset();
	F.xs_assign_rc = -EACCES;
	CHECK_EQ(parse("assign", "5", NULL), 0);
	CHECK_EQ(ops_assign(&S, &A, &r, oerr), -1);
	CHECK_HAS(oerr, "the context was revoked again");
	CHECK_EQ(F.owner[1], 0xffff);
	CHECK_STR(F.log, "DOM5 STATS0 STATS1 ASSIGN1 XSASSIGN1 REVOKE1 ");
}

TEST(revoke_closes_the_guest_first_then_revokes_then_removes_nodes)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;
	char want[128];

	fake_reset();
	F.owner[2] = 5;
	F.refs[2] = 6;
	F.xs_has[2] = 1;
	CHECK_EQ(parse("revoke", "5", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(r[0].ctx, 2);
	CHECK_EQ(r[0].refs_returned, 6);
	CHECK_EQ(r[0].drain_us, 42);
	CHECK(r[0].guest_closed);
	snprintf(want, sizeof(want), "STATS0 STATS1 STATS2 STATS3 XSSTATE2=5 "
		 "XSWAIT2=6/%u REVOKE2 XSRM2 ", CDNA_XENBUS_CLOSE_MS);
	CHECK_STR(F.log, want);
}

TEST(revoke_goes_ahead_when_the_guest_does_not_answer)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	F.owner[2] = 5;
	F.xs_has[2] = 1;
	F.xs_wait_rc = -ETIMEDOUT;
	CHECK_EQ(parse("revoke", "--ctx", "2", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), 0);
	CHECK(!r[0].guest_closed);
	CHECK_EQ(F.owner[2], 0xffff);
	CHECK_EQ(F.xs_has[2], 0);
}

TEST(revoke_of_a_free_context_changes_nothing)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	CHECK_EQ(parse("revoke", "--ctx", "3", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), -1);
	CHECK_HAS(oerr, "context 3 is not assigned");
	CHECK_STR(F.log, "STATS3 ");
}

TEST(revoke_of_another_domains_context_changes_nothing)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	F.owner[2] = 5;
	CHECK_EQ(parse("revoke", "1", "--ctx", "2", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), -1);
	CHECK_HAS(oerr, "context 2 belongs to domain 5, not 1");
	CHECK_EQ(F.owner[2], 5);
}

TEST(revoke_of_dom0s_context_is_refused)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	CHECK_EQ(parse("revoke", "--ctx", "0", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), -1);
	CHECK_HAS(oerr, "belongs to domain 0");
	CHECK_EQ(F.owner[0], 0);
}

TEST(revoke_of_a_domain_with_two_contexts_needs_all)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	F.owner[1] = F.owner[3] = 5;
	CHECK_EQ(parse("revoke", "5", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), -1);
	CHECK_HAS(oerr, "domain 5 holds contexts 1, 3");
	CHECK_EQ(F.owner[1], 5);
	CHECK_EQ(parse("revoke", "5", "--all", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), 0);
	CHECK_EQ(n, 2);
	CHECK(F.owner[1] == 0xffff && F.owner[3] == 0xffff);
}

TEST(revoke_of_an_unknown_domain_says_no_domain)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	CHECK_EQ(parse("revoke", "7", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), -1);
	CHECK_HAS(oerr, "no domain 7");
	CHECK_EQ(parse("revoke", "2", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), -1);
	CHECK_HAS(oerr, "domain 2 holds no context");
}

TEST(revoke_of_a_destroyed_domain_removes_its_leftover_backend_nodes)
{
	struct ops_revoke_result r[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	F.xs_stale[6] = 1;
	CHECK_EQ(parse("revoke", "6", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), 0);
	CHECK_EQ(n, 1);
	CHECK(r[0].stale_removed);
	CHECK_EQ(F.xs_stale[6], 0);
	CHECK(strstr(F.log, "REVOKE") == NULL);
}

TEST(list_reads_every_context_with_owner_names)
{
	struct cdnactl_ctx c[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	F.owner[2] = 5;
	CHECK_EQ(ops_list(&S, c, &n, oerr), 0);
	CHECK_EQ(n, 4);
	CHECK_STR(c[0].domain, "dom0");
	CHECK_STR(c[2].domain, "dom5");
	CHECK_STR(c[1].domain, "");
}

TEST(list_on_xen_without_cdna_gives_the_enosys_sentence)
{
	struct cdnactl_ctx c[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	F.fail_all = CDNA_ENOSYS;
	CHECK_EQ(ops_list(&S, c, &n, oerr), -1);
	CHECK_HAS(oerr, "Xen has no CDNA hypercall");
}

TEST(list_with_an_unregistered_nic_says_dom0_driver_has_not_registered)
{
	struct cdnactl_ctx c[CDNA_NUM_CTX];
	unsigned n;

	fake_reset();
	F.unregistered = 1;
	CHECK_EQ(ops_list(&S, c, &n, oerr), -1);
	CHECK_HAS(oerr, "dom0's cdna driver has not registered the NIC");
}

TEST(stats_and_revoke_with_an_unregistered_nic_say_so_too)
{
	struct cdnactl_ctx c[CDNA_NUM_CTX];
	struct ops_revoke_result r[CDNA_NUM_CTX];
	struct cdna_op_stats g;
	unsigned n;

	fake_reset();
	F.unregistered = 1;
	CHECK_EQ(parse("stats", NULL), 0);
	CHECK_EQ(ops_stats(&S, &A, &g, c, &n, oerr), -1);
	CHECK_HAS(oerr, "dom0's cdna driver has not registered the NIC");
	CHECK_EQ(parse("revoke", "--ctx", "1", NULL), 0);
	CHECK_EQ(ops_revoke(&S, &A, r, &n, oerr), -1);
	CHECK_HAS(oerr, "dom0's cdna driver has not registered the NIC");
}

TEST(stats_shows_assigned_contexts_and_the_global_references)
{
	struct cdnactl_ctx c[CDNA_NUM_CTX];
	struct cdna_op_stats g;
	unsigned n;

	fake_reset();
	F.owner[2] = 5;
	F.state[2] = CDNA_CTX_STATE_RUNNING;
	F.refs[2] = 4;
	CHECK_EQ(parse("stats", NULL), 0);
	CHECK_EQ(ops_stats(&S, &A, &g, c, &n, oerr), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(c[0].ctx, 0);
	CHECK_EQ(c[1].ctx, 2);
	CHECK_EQ(g.refs_held, 14);
}

TEST(stats_of_one_context_reads_that_one)
{
	struct cdnactl_ctx c[CDNA_NUM_CTX];
	struct cdna_op_stats g;
	unsigned n;

	fake_reset();
	CHECK_EQ(parse("stats", "--ctx", "3", NULL), 0);
	CHECK_EQ(ops_stats(&S, &A, &g, c, &n, oerr), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(c[0].ctx, 3);
	CHECK_STR(F.log, "STATS65535 STATS3 ");
}

/* ---- flash and firmware over a fake flash controller --------------------- */

/* What the fake NIC does at a reset. */
enum fake_boot {
	BOOT_COMMITS,   /* the trial runs and commits */
	BOOT_CRASHES,   /* the trial faults, rolls back after the deadline */
	BOOT_HANGS,     /* the trial faults and nothing ever happens */
	BOOT_TABLE_ERR, /* the boot ROM cannot write its table */
};

#define FAKE_BOOT_MS 100u

static struct fake_nic {
	/* page 0 */
	uint32_t fw_state, fw_version, boot_bank, boot_flags;
	uint32_t st[2], ver[2], crc[2];
	/* the window */
	uint32_t bank, size, offset, status, open_bank;
	bool open;
	uint8_t data[CDNA_IMAGE_MAX_SIZE + 64];
	uint32_t data_writes;
	/* injected refusals: at BEGIN, at DATA word data_fail_at (1-based),
	 * at VERIFY; 0 for none */
	uint32_t begin_st, data_st, data_fail_at, verify_st;
	/* the machine */
	int map_rc;              /* mgmt_map's answer while bound */
	bool map_needs_unbind;   /* map gives -EBUSY while the driver is bound */
	char driver[16];
	bool bound;
	int bind_rc;
	enum fake_boot boot;
	bool reset_seen;
	uint64_t now, reset_at;
	uint32_t old_bank, trial_bank;
	/* the hypervisor */
	int stats_rc, begin_rc, end_busy; /* END says EBUSY end_busy times */
	uint32_t hv_contexts, hv_refs;
	char log[4096];
	char steps[8192];
	char progress[2048];
} N;

__attribute__((format(printf, 1, 2)))
static void nlog(const char *fmt, ...)
{
	size_t n = strlen(N.log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(N.log + n, sizeof(N.log) - n, fmt, ap);
	va_end(ap);
}

/* The boot ROM and the trial, as time passes after a reset. */
static void fake_advance(void)
{
	uint64_t t;
	uint32_t p = N.trial_bank, o = N.old_bank;

	if (!N.reset_seen)
		return;
	t = N.now - N.reset_at;
	if (t < FAKE_BOOT_MS) {
		N.fw_state = CDNA_FW_STATE_RESET;
		N.fw_version = 0;
		return;
	}
	switch (N.boot) {
	case BOOT_COMMITS:
		N.fw_state = CDNA_FW_STATE_RUNNING;
		N.boot_bank = p;
		N.fw_version = N.ver[p];
		N.st[p] = CDNA_FLASH_BANK_ACTIVE;
		N.st[o] = CDNA_FLASH_BANK_VALID;
		N.boot_flags = MGMT_BOOT_F_TABLE | MGMT_BOOT_F_TRIAL;
		break;
	case BOOT_CRASHES:
	case BOOT_HANGS:
		if (N.boot == BOOT_HANGS ||
		    t < FAKE_BOOT_MS + CDNA_FLASH_TRIAL_MS) {
			N.fw_state = CDNA_FW_STATE_FAULT;
			N.boot_bank = p;
			N.fw_version = 0;
			N.st[p] = CDNA_FLASH_BANK_TRIAL;
			N.boot_flags = MGMT_BOOT_F_TABLE | MGMT_BOOT_F_TRIAL;
			break;
		}
		N.fw_state = CDNA_FW_STATE_RUNNING;
		N.boot_bank = o;
		N.fw_version = N.ver[o];
		N.st[p] = CDNA_FLASH_BANK_FAILED;
		N.boot_flags = MGMT_BOOT_F_TABLE | MGMT_BOOT_F_ROLLBACK;
		break;
	case BOOT_TABLE_ERR:
		N.fw_state = CDNA_FW_STATE_RUNNING;
		N.boot_bank = o;
		N.fw_version = N.ver[o];
		N.boot_flags = MGMT_BOOT_F_FLASH_ERR;
		break;
	}
}

static uint32_t fn_read(struct cdnactl_sys *s, uint32_t off)
{
	(void)s;
	fake_advance();
	switch (off) {
	case MGMT_ID: return CDNA_HW_ID;
	case MGMT_FW_STATE: return N.fw_state;
	case MGMT_FW_VERSION: return N.fw_version;
	case MGMT_BOOT_BANK: return N.boot_bank;
	case MGMT_BOOT_FLAGS: return N.boot_flags;
	case MGMT_FLASH_STATUS: return N.status;
	case MGMT_FLASH_OFFSET: return N.offset;
	case MGMT_FLASH_BANK: return N.bank;
	case MGMT_FLASH_SIZE: return N.size;
	}
	for (uint32_t b = 0; b < 2; b++) {
		if (off == MGMT_FLASH_BANK_ST(b))
			return N.st[b];
		if (off == MGMT_FLASH_BANK_VER(b))
			return N.ver[b];
		if (off == MGMT_FLASH_BANK_CRC(b))
			return N.crc[b];
	}
	return 0;
}

static void fake_begin(void)
{
	uint32_t b = N.bank;

	nlog("BEGIN%u ", b);
	N.open = false;
	if (N.begin_st)
		N.status = N.begin_st;
	else if (b > 1)
		N.status = CDNA_FLASH_ST_BAD_BANK;
	else if (!N.size || N.size > CDNA_FLASH_BANK_SIZE)
		N.status = CDNA_FLASH_ST_BAD_SIZE;
	else if (b == N.boot_bank || N.st[b] == CDNA_FLASH_BANK_ACTIVE ||
		 N.st[b] == CDNA_FLASH_BANK_TRIAL)
		N.status = CDNA_FLASH_ST_BANK_IN_USE;
	else {
		N.open = true;
		N.open_bank = b;
		N.offset = 0;
		N.status = CDNA_FLASH_ST_OK;
		N.st[b] = CDNA_FLASH_BANK_WRITING;
		N.ver[b] = N.crc[b] = 0;
	}
}

static void fake_verify(void)
{
	struct cdna_image_header h;
	enum cdna_image_error e;
	uint32_t b = N.open_bank;

	nlog("VERIFY ");
	if (!N.open) {
		N.status = CDNA_FLASH_ST_NOT_OPEN;
		return;
	}
	N.open = false;
	if (N.status != CDNA_FLASH_ST_OK) {
		N.st[b] = CDNA_FLASH_BANK_INVALID;
		return;
	}
	if (N.verify_st) {
		N.status = N.verify_st;
		N.st[b] = CDNA_FLASH_BANK_INVALID;
		return;
	}
	e = cdna_image_check(N.data, N.size, &h);
	if (e != CDNA_IMAGE_OK) {
		N.status = CDNA_FLASH_ST_BAD_IMAGE | (uint32_t)e << 8;
		N.st[b] = CDNA_FLASH_BANK_INVALID;
		return;
	}
	N.status = CDNA_FLASH_ST_OK;
	if (N.st[1 - b] == CDNA_FLASH_BANK_PENDING)
		N.st[1 - b] = CDNA_FLASH_BANK_VALID;
	N.st[b] = CDNA_FLASH_BANK_PENDING;
	N.ver[b] = h.fw_version;
	N.crc[b] = h.header_crc;
}

static void fn_write(struct cdnactl_sys *s, uint32_t off, uint32_t val)
{
	(void)s;
	switch (off) {
	case MGMT_FLASH_BANK: N.bank = val; return;
	case MGMT_FLASH_SIZE: N.size = val; return;
	case MGMT_FLASH_DATA:
		N.data_writes++;
		if (!N.open) {
			if (N.status == CDNA_FLASH_ST_OK)
				N.status = CDNA_FLASH_ST_NOT_OPEN;
			return;
		}
		if (N.data_fail_at && N.data_writes == N.data_fail_at &&
		    N.status == CDNA_FLASH_ST_OK)
			N.status = N.data_st;
		if (N.offset + 4 <= sizeof(N.data))
			memcpy(N.data + N.offset, &val, 4);
		N.offset += 4;
		return;
	case MGMT_FLASH_CMD:
		if (val == CDNA_FLASH_CMD_BEGIN)
			fake_begin();
		else if (val == CDNA_FLASH_CMD_VERIFY)
			fake_verify();
		else if (val == CDNA_FLASH_CMD_CANCEL) {
			nlog("CANCEL ");
			if (N.open && N.st[N.open_bank] ==
				      CDNA_FLASH_BANK_WRITING)
				N.st[N.open_bank] = CDNA_FLASH_BANK_INVALID;
			N.open = false;
			N.status = CDNA_FLASH_ST_OK;
		} else {
			N.status = CDNA_FLASH_ST_BAD_CMD;
		}
		return;
	case MGMT_NIC_CTRL:
		if (val & CDNA_NIC_CTRL_RESET) {
			nlog("RESET ");
			N.reset_seen = true;
			N.reset_at = N.now;
			N.old_bank = N.boot_bank;
			for (uint32_t b = 0; b < 2; b++)
				if (N.st[b] == CDNA_FLASH_BANK_PENDING)
					N.trial_bank = b;
			N.open = false;
		}
		return;
	}
}

static int fn_map(struct cdnactl_sys *s, bool writable, char *err,
		  unsigned errlen)
{
	(void)s;
	nlog("MAP%s ", writable ? "rw" : "ro");
	if (N.map_needs_unbind && N.bound) {
		snprintf(err, errlen, "the kernel refuses to map BAR2 page 0");
		return -EBUSY;
	}
	if (N.map_rc)
		snprintf(err, errlen, "cannot map BAR2 page 0");
	return N.map_rc;
}

static uint64_t fn_now(struct cdnactl_sys *s)
{
	(void)s;
	return N.now;
}

static void fn_sleep(struct cdnactl_sys *s, unsigned ms)
{
	(void)s;
	N.now += ms;
}

static void fn_driver_of(struct cdnactl_sys *s, char *buf, size_t len)
{
	(void)s;
	snprintf(buf, len, "%s", N.bound ? N.driver : "");
}

static int fn_unbind(struct cdnactl_sys *s, const char *drv)
{
	(void)s;
	nlog("UNBIND-%s ", drv);
	N.bound = false;
	return 0;
}

static int fn_bind(struct cdnactl_sys *s, const char *drv)
{
	(void)s;
	nlog("BIND-%s ", drv);
	if (N.bind_rc)
		return N.bind_rc;
	N.bound = true;
	return 0;
}

static void fn_step(struct cdnactl_sys *s, const char *line)
{
	size_t n = strlen(N.steps);

	(void)s;
	snprintf(N.steps + n, sizeof(N.steps) - n, "%s\n", line);
}

static void fn_progress(struct cdnactl_sys *s, uint32_t done, uint32_t total)
{
	size_t n = strlen(N.progress);

	(void)s;
	snprintf(N.progress + n, sizeof(N.progress) - n, "%u/%u ", done,
		 total);
}

static int fn_hcall(struct cdnactl_sys *s, unsigned cmd, void *arg,
		    size_t size)
{
	(void)s, (void)size;
	if (cmd == CDNA_OP_STATS) {
		nlog("STATS ");
		return N.stats_rc;
	}
	if (cmd == CDNA_OP_NIC_RESET) {
		struct cdna_op_nic_reset *op = arg;

		if (op->phase == CDNA_NIC_RESET_BEGIN) {
			nlog("HC-BEGIN ");
			if (N.begin_rc)
				return N.begin_rc;
			op->contexts = N.hv_contexts;
			op->refs_returned = N.hv_refs;
			op->failed = 0;
			/* The hypervisor resets the NIC itself. */
			fn_write(s, MGMT_NIC_CTRL, CDNA_NIC_CTRL_RESET);
			return 0;
		}
		nlog("HC-END ");
		fake_advance();
		if (N.end_busy) {
			N.end_busy--;
			return -CDNA_EBUSY;
		}
		if (N.fw_state != CDNA_FW_STATE_RUNNING)
			return -CDNA_EBUSY;
		op->contexts = N.hv_contexts;
		op->refs_returned = 1;
		op->failed = 0;
		return 0;
	}
	return -CDNA_ENOSYS;
}

static struct cdnactl_sys FS = {
	.nic = &fake_nic,
	.mgmt_map = fn_map,
	.mgmt_read = fn_read,
	.mgmt_write = fn_write,
	.now_ms = fn_now,
	.sleep_ms = fn_sleep,
	.driver_of = fn_driver_of,
	.driver_unbind = fn_unbind,
	.driver_bind = fn_bind,
	.step = fn_step,
	.progress = fn_progress,
};

#define V100 CDNA_FW_VERSION(1, 0, 0)
#define V110 CDNA_FW_VERSION(1, 1, 0)

/* A NIC running 1.0.0 from bank 0 (active), bank 1 empty; bare Linux with
 * driver cdna bound. */
static void fake_nic_reset(void)
{
	memset(&N, 0, sizeof(N));
	N.fw_state = CDNA_FW_STATE_RUNNING;
	N.fw_version = V100;
	N.boot_bank = 0;
	N.boot_flags = MGMT_BOOT_F_TABLE;
	N.st[0] = CDNA_FLASH_BANK_ACTIVE;
	N.ver[0] = V100;
	N.crc[0] = 0x11111111u;
	N.st[1] = CDNA_FLASH_BANK_EMPTY;
	N.now = 1000;
	snprintf(N.driver, sizeof(N.driver), "cdna");
	N.bound = true;
	FS.xen_dom0 = false;
	FS.hcall = NULL;
}

static void fake_xen(void)
{
	FS.xen_dom0 = true;
	FS.hcall = fn_hcall;
	N.bound = true; /* dom0's cdna driver: it released BAR2 */
	N.hv_contexts = 3;
	N.hv_refs = 12;
}

/* A valid image of 1.1.0 with an n-byte payload. */
static uint8_t IMG[CDNA_IMAGE_MAX_SIZE + 64];

static size_t make_image(uint32_t payload)
{
	struct cdna_image_header h;

	cdna_image_header_init(&h);
	h.fw_version = V110;
	h.load_addr = CDNA_NIC_CODE_BASE;
	h.entry = CDNA_NIC_CODE_BASE | 1u;
	h.stack_top = CDNA_NIC_SRAM_BASE + CDNA_NIC_SRAM_SIZE;
	h.payload_size = payload;
	memcpy(h.name, "cdna-test", 9);
	for (uint32_t i = 0; i < payload; i++)
		IMG[CDNA_IMAGE_HEADER_SIZE + i] = (uint8_t)(i * 7u + 3u);
	cdna_image_encode_header(&h, IMG + CDNA_IMAGE_HEADER_SIZE, IMG);
	return CDNA_IMAGE_HEADER_SIZE + payload;
}

static int flash(const char *first, ...)
{
	char *argv[16] = { "cdnactl", "flash", "test.img" };
	int argc = 3;
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s && argc < 15; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	CHECK_EQ(args_parse(argc, argv, &A, aerr, sizeof(aerr)), 0);
	return 0;
}

static struct ops_flash_result FR;

static int run_flash(size_t n)
{
	oerr[0] = '\0';
	return ops_flash(&FS, &A, "test.img", IMG, n, &FR, oerr);
}

static struct flash_fw_info fi_of(uint32_t boot, uint32_t st0, uint32_t st1)
{
	struct flash_fw_info fi;

	memset(&fi, 0, sizeof(fi));
	fi.boot_bank = boot;
	fi.bank[0].state = st0;
	fi.bank[1].state = st1;
	return fi;
}

TEST(flash_args_need_an_image)
{
	CHECK_EQ(parse("flash", NULL), -1);
	CHECK_HAS(aerr, "which image");
}

TEST(flash_args_take_activate_and_json)
{
	CHECK_EQ(parse("flash", "x.img", "--activate", "--json", NULL), 0);
	CHECK_EQ(A.cmd, CMD_FLASH);
	CHECK_STR(A.image, "x.img");
	CHECK(A.activate && A.json);
}

TEST(flash_args_refuse_a_second_image)
{
	CHECK_EQ(parse("flash", "x.img", "y.img", NULL), -1);
	CHECK_HAS(aerr, "unexpected argument 'y.img'");
}

TEST(flash_args_take_a_progress_mode)
{
	CHECK_EQ(parse("flash", "x.img", "--progress", "lines", NULL), 0);
	CHECK_EQ(A.progress, PROGRESS_LINES);
	CHECK_EQ(parse("flash", "x.img", "--progress=none", NULL), 0);
	CHECK_EQ(A.progress, PROGRESS_NONE);
	CHECK_EQ(parse("flash", "x.img", NULL), 0);
	CHECK_EQ(A.progress, PROGRESS_AUTO);
	CHECK_EQ(parse("flash", "x.img", "--progress", "dots", NULL), -1);
	CHECK_HAS(aerr, "bad --progress 'dots' (bar, lines or none)");
}

TEST(activate_is_no_option_of_firmware)
{
	CHECK_EQ(parse("firmware", "--activate", NULL), -1);
	CHECK_HAS(aerr, "unknown option '--activate'");
	CHECK_EQ(parse("firmware", "--json", NULL), 0);
	CHECK_EQ(A.cmd, CMD_FIRMWARE);
}

TEST(bank_choice_is_the_bank_not_booted)
{
	struct flash_fw_info fi = fi_of(0, CDNA_FLASH_BANK_ACTIVE,
					CDNA_FLASH_BANK_VALID);
	char err[256];

	CHECK_EQ(flash_pick_bank(&fi, err, sizeof(err)), 1);
	fi = fi_of(1, CDNA_FLASH_BANK_VALID, CDNA_FLASH_BANK_ACTIVE);
	CHECK_EQ(flash_pick_bank(&fi, err, sizeof(err)), 0);
}

TEST(bank_choice_refuses_both_banks_during_a_trial)
{
	struct flash_fw_info fi = fi_of(1, CDNA_FLASH_BANK_ACTIVE,
					CDNA_FLASH_BANK_TRIAL);
	char err[256];

	CHECK_EQ(flash_pick_bank(&fi, err, sizeof(err)), -1);
	CHECK_HAS(err, "a trial is running (bank 1 on trial, bank 0 is what "
		  "it falls back to)");
}

TEST(bank_choice_never_takes_an_active_bank_the_nic_did_not_boot)
{
	/* Booted bank 1 by fallback while the table names bank 0 ACTIVE. */
	struct flash_fw_info fi = fi_of(1, CDNA_FLASH_BANK_ACTIVE,
					CDNA_FLASH_BANK_VALID);
	char err[256];

	CHECK_EQ(flash_pick_bank(&fi, err, sizeof(err)), -1);
	CHECK_HAS(err, "no bank may be written: the NIC booted bank 1 and "
		  "the other is ACTIVE");
}

TEST(bank_choice_without_firmware_prefers_a_bank_without_an_image)
{
	struct flash_fw_info fi = fi_of(MGMT_BOOT_BANK_NONE,
					CDNA_FLASH_BANK_VALID,
					CDNA_FLASH_BANK_INVALID);
	char err[256];

	CHECK_EQ(flash_pick_bank(&fi, err, sizeof(err)), 1);
	fi = fi_of(MGMT_BOOT_BANK_NONE, CDNA_FLASH_BANK_EMPTY,
		   CDNA_FLASH_BANK_EMPTY);
	CHECK_EQ(flash_pick_bank(&fi, err, sizeof(err)), 0);
}

TEST(flash_writes_the_inactive_bank_and_leaves_it_pending)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	flash(NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_STR(N.log, "MAPrw BEGIN1 VERIFY ");
	CHECK_EQ(N.size, n);
	CHECK(!memcmp(N.data, IMG, n));
	CHECK_EQ(N.st[1], CDNA_FLASH_BANK_PENDING);
	CHECK_EQ(FR.bank, 1);
	CHECK(FR.pending);
	CHECK_EQ(FR.outcome, FLASH_PENDING);
	/* The running firmware was not touched. */
	CHECK_EQ(N.st[0], CDNA_FLASH_BANK_ACTIVE);
	CHECK_HAS(N.steps, "image: test.img: cdna-test 1.1.0, 3065 bytes, "
		  "CRC 0x");
	CHECK_HAS(N.steps, "before: firmware 1.0.0 running from bank 0; bank "
		  "0 active 1.0.0, bank 1 empty\n");
	CHECK_HAS(N.steps, "flash: writing bank 1 (was empty), 3065 bytes\n");
	CHECK_HAS(N.steps, "flash: bank 1 verified by the NIC: firmware 1.1.0 "
		  "pending (CRC 0x");
	CHECK_HAS(N.steps, "flash: it boots as a trial at the next NIC reset");
}

TEST(flash_reports_progress_from_the_nics_offset_up_to_the_size)
{
	size_t n = make_image(3001); /* 3065 bytes: 767 words */

	fake_nic_reset();
	flash(NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK(!strncmp(N.progress, "0/3065 256/3065 512/3065 ", 25));
	/* The last word's offset is past the size: shown as the size. */
	CHECK_HAS(N.progress, " 3065/3065 ");
	CHECK(strstr(N.progress, "3068/") == NULL);
}

TEST(progress_lines_mark_every_10_percent_step_once)
{
	struct fmt_progress p = { .tty = false };
	FILE *f = mopen();

	fmt_progress(f, &p, 0, 1000);
	fmt_progress(f, &p, 99, 1000);
	fmt_progress(f, &p, 100, 1000);
	fmt_progress(f, &p, 120, 1000);
	fmt_progress(f, &p, 350, 1000);  /* crosses 20% and 30% */
	fmt_progress(f, &p, 1000, 1000);
	fclose(f);
	CHECK(!strncmp(mem, "flash: 10% (100/1000 bytes)\n"
		       "flash: 20% (350/1000 bytes)\n"
		       "flash: 30% (350/1000 bytes)\n"
		       "flash: 40% (1000/1000 bytes)\n", 112));
	CHECK_STR(mem + memlen - strlen("flash: 100% (1000/1000 bytes)\n"),
		  "flash: 100% (1000/1000 bytes)\n");
	CHECK_EQ(p.last_step, 10);
}

TEST(progress_on_a_terminal_is_a_bar_redrawn_in_place)
{
	struct fmt_progress p = { .tty = true };
	FILE *f = mopen();

	fmt_progress(f, &p, 500, 1000);
	fmt_progress(f, &p, 1000, 1000);
	fclose(f);
	CHECK(!strncmp(mem, "\rflash: [###############               ]  50% "
		       "(500/1000 bytes)\rflash: [", 66));
	CHECK_STR(mem + memlen - 1, "\n");
	CHECK(strchr(mem, '\n') == mem + memlen - 1);
}

/* A refused image: the sentence, and the NIC never touched. */
static void refused_image(size_t n, const char *why)
{
	fake_nic_reset();
	flash(NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, why);
	CHECK_HAS(oerr, "nothing written");
	CHECK_STR(N.log, "");
	CHECK_EQ(N.data_writes, 0);
}

TEST(a_corrupt_image_is_refused_before_the_nic_is_touched)
{
	size_t n = make_image(2000);

	IMG[CDNA_IMAGE_HEADER_SIZE + 100] ^= 1;
	refused_image(n, "test.img: payload CRC mismatch");
}

TEST(a_truncated_image_is_refused_before_the_nic_is_touched)
{
	size_t n = make_image(2000);

	refused_image(n - 3, "test.img: image is truncated");
}

TEST(an_oversized_image_is_refused_before_the_nic_is_touched)
{
	struct cdna_image_header h;

	make_image(2000);
	cdna_image_decode_header(IMG, &h);
	h.payload_size = CDNA_NIC_CODE_SIZE + 4;
	cdna_image_encode_header(&h, NULL, IMG);
	refused_image(2064, "payload size is zero or larger than the NIC's "
		      "code RAM (payload_size 262148");
}

TEST(an_image_of_another_format_is_refused_before_the_nic_is_touched)
{
	struct cdna_image_header h;
	size_t n = make_image(2000);

	cdna_image_decode_header(IMG, &h);
	h.format_version = 2;
	cdna_image_encode_header(&h, NULL, IMG);
	refused_image(n, "unsupported image format version or header size "
		      "(format 2");
}

TEST(an_image_for_another_nic_is_refused_before_the_nic_is_touched)
{
	struct cdna_image_header h;
	size_t n = make_image(2000);

	cdna_image_decode_header(IMG, &h);
	h.hw_id = 0x12345678u;
	cdna_image_encode_header(&h, NULL, IMG);
	refused_image(n, "wrong hardware id (hw_id 0x12345678");
}

TEST(a_file_that_is_no_image_is_refused_before_the_nic_is_touched)
{
	memset(IMG, 'x', 500);
	refused_image(500, "bad magic: this is not a cdna firmware image");
}

TEST(every_nic_flash_status_has_its_own_sentence)
{
	static const struct { uint32_t st; const char *has; } t[] = {
		{ CDNA_FLASH_ST_BUSY, "stayed busy (BUSY)" },
		{ CDNA_FLASH_ST_BAD_IMAGE | CDNA_IMAGE_BAD_PAYLOAD_CRC << 8,
		  "refused them: payload CRC mismatch: the image payload is "
		  "corrupt (BAD_IMAGE)" },
		{ CDNA_FLASH_ST_BANK_IN_USE, "the bank the firmware runs from, "
		  "or the one a running trial falls back to (BANK_IN_USE)" },
		{ CDNA_FLASH_ST_BAD_BANK, "no flash bank 1 (BAD_BANK)" },
		{ CDNA_FLASH_ST_BAD_SIZE, "an image of 3065 bytes: zero, or "
		  "more than a flash bank holds" },
		{ CDNA_FLASH_ST_NOT_OPEN, "no transfer open" },
		{ CDNA_FLASH_ST_OVERRUN, "more than the 3065 bytes announced" },
		{ CDNA_FLASH_ST_INCOMPLETE, "fewer than the 3065 bytes" },
		{ CDNA_FLASH_ST_FLASH_ERROR, "flash failed a write "
		  "(FLASH_ERROR)" },
		{ CDNA_FLASH_ST_BAD_CMD, "did not know the command (BAD_CMD)" },
		{ 99, "flash status 99, which this cdnactl does not know" },
	};
	char buf[256];

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cdna_flash_status_sentence(t[i].st, 1, 3065, buf, sizeof(buf));
		CHECK_HAS(buf, t[i].has);
	}
	CHECK_STR(cdna_flash_status_name(CDNA_FLASH_ST_OVERRUN), "OVERRUN");
	CHECK(cdna_flash_status_name(99) == NULL);
}

TEST(a_begin_the_nic_refuses_writes_nothing)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.begin_st = CDNA_FLASH_ST_BANK_IN_USE;
	flash(NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, "flash: the NIC would not open bank 1: the NIC "
		  "refused to write bank 1");
	CHECK_HAS(oerr, "(BANK_IN_USE)");
	CHECK_HAS(oerr, "the running firmware is untouched");
	CHECK_EQ(N.data_writes, 0);
	CHECK(!FR.pending);
}

TEST(a_data_write_the_nic_refuses_stops_the_transfer_and_cancels_it)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.data_st = CDNA_FLASH_ST_FLASH_ERROR;
	N.data_fail_at = 100;
	flash(NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, "flash: writing bank 1: the NIC's flash failed a "
		  "write (FLASH_ERROR); bank 1 is now invalid");
	/* Stopped at the first check after the refusal (word 128). */
	CHECK_EQ(N.data_writes, 128);
	CHECK_STR(N.log, "MAPrw BEGIN1 CANCEL ");
	CHECK_EQ(N.st[0], CDNA_FLASH_BANK_ACTIVE);
}

TEST(a_verify_the_nic_refuses_says_the_image_check_reason)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.verify_st = CDNA_FLASH_ST_BAD_IMAGE |
		      (uint32_t)CDNA_IMAGE_BAD_PAYLOAD_CRC << 8;
	flash(NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, "flash: verifying bank 1: the NIC checked the 3065 "
		  "bytes written to bank 1 and refused them: payload CRC "
		  "mismatch");
	CHECK_HAS(oerr, "bank 1 is now invalid");
	CHECK(!FR.pending);
}

TEST(a_nic_reset_mid_transfer_is_reported_as_incomplete)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.verify_st = CDNA_FLASH_ST_INCOMPLETE;
	flash(NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, "fewer than the 3065 bytes announced: was it reset "
		  "meanwhile? (INCOMPLETE)");
}

TEST(a_second_flash_of_the_same_image_writes_the_other_inactive_bank)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.st[1] = CDNA_FLASH_BANK_PENDING;
	N.ver[1] = V110;
	flash(NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_EQ(FR.bank, 1);
	CHECK_EQ(FR.bank_was, CDNA_FLASH_BANK_PENDING);
}

TEST(activation_natively_unbinds_resets_waits_and_rebinds)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_STR(N.log, "MAPrw BEGIN1 VERIFY UNBIND-cdna RESET BIND-cdna ");
	CHECK_EQ(FR.via, FLASH_VIA_NATIVE);
	CHECK_EQ(FR.outcome, FLASH_COMMITTED);
	CHECK(FR.driver_rebound);
	CHECK_EQ(FR.after.boot_bank, 1);
	CHECK_EQ(FR.after.fw_version, V110);
	CHECK_HAS(N.steps, "activate: unbinding driver cdna from the NIC\n"
		  "activate: resetting the NIC (MGMT_NIC_CTRL)\n"
		  "activate: committed after ");
	CHECK_HAS(N.steps, "ms: firmware 1.1.0 runs from bank 1\n"
		  "activate: driver cdna bound to the NIC again\n"
		  "after: firmware 1.1.0 running from bank 1; bank 0 valid "
		  "1.0.0, bank 1 active 1.1.0\n");
}

TEST(activation_natively_without_a_driver_binds_nothing)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.bound = false;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_STR(N.log, "MAPrw BEGIN1 VERIFY RESET ");
	CHECK_EQ(FR.driver[0], '\0');
}

TEST(a_driver_holding_bar2_is_unbound_first_when_activating)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.map_needs_unbind = true;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_STR(N.log, "MAPrw UNBIND-cdna MAPrw BEGIN1 VERIFY RESET "
		  "BIND-cdna ");
	CHECK_HAS(N.steps, "flash: driver cdna holds BAR2 and this kernel "
		  "will not share it");
}

TEST(a_driver_holding_bar2_without_activate_is_a_failure_with_the_way_out)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.map_needs_unbind = true;
	flash(NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_STR(N.log, "MAPrw ");
	CHECK_HAS(oerr, "the kernel refuses to map BAR2 page 0; or give "
		  "--activate");
}

TEST(a_driver_holding_bar2_under_xen_is_not_unbound)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	N.map_needs_unbind = true;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_STR(N.log, "STATS MAPrw ");
	CHECK_STR(oerr, "the kernel refuses to map BAR2 page 0");
}

TEST(a_rollback_is_a_failure_that_names_the_version_running)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.boot = BOOT_CRASHES;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_EQ(FR.outcome, FLASH_ROLLED_BACK);
	CHECK_HAS(oerr, "the new firmware 1.1.0 did not report healthy within "
		  "1000 ms; the NIC rolled back to 1.0.0 (bank 0; bank 1 is "
		  "marked failed");
	/* The driver comes back on the old firmware. */
	CHECK_STR(N.log, "MAPrw BEGIN1 VERIFY UNBIND-cdna RESET BIND-cdna ");
	CHECK(FR.activate_ms >= CDNA_FLASH_TRIAL_MS);
}

TEST(a_trial_that_never_ends_times_out_within_the_bound)
{
	size_t n = make_image(3001);
	uint64_t t0;

	fake_nic_reset();
	N.boot = BOOT_HANGS;
	flash("--activate", NULL);
	t0 = N.now;
	CHECK_EQ(run_flash(n), -1);
	CHECK_EQ(FR.outcome, FLASH_TIMEOUT);
	CHECK_HAS(oerr, "the NIC did not come back within 8000 ms after the "
		  "reset: firmware none fault");
	CHECK(N.now - t0 >= FLASH_ACTIVATE_WAIT_MS);
	CHECK(N.now - t0 < FLASH_ACTIVATE_WAIT_MS + 100);
}

TEST(a_boot_rom_that_cannot_write_its_table_is_reported)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.boot = BOOT_TABLE_ERR;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_EQ(FR.outcome, FLASH_NOT_TRIED);
	CHECK_HAS(oerr, "could not write its bank table, so the new firmware "
		  "1.1.0 was not tried; 1.0.0 runs (bank 0), bank 1 is still "
		  "pending");
}

TEST(activation_under_xen_goes_begin_wait_end_through_the_hypervisor)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	/* No unbind, no direct reset: BEGIN resets, END after RUNNING. */
	CHECK_STR(N.log, "STATS MAPrw BEGIN1 VERIFY HC-BEGIN RESET HC-END ");
	CHECK_EQ(FR.via, FLASH_VIA_HYPERCALL);
	CHECK_EQ(FR.outcome, FLASH_COMMITTED);
	CHECK_EQ(FR.ctx_suspended, 3);
	CHECK_EQ(FR.ctx_restored, 3);
	CHECK_EQ(FR.refs_returned, 13);
	CHECK_HAS(N.steps, "activate: resetting the NIC through the "
		  "hypervisor (CDNA_OP_NIC_RESET)\n"
		  "activate: 3 contexts suspended, 12 page references "
		  "returned, 0 did not stop in time\n");
	CHECK_HAS(N.steps, "activate: 3 contexts restored, 0 left suspended, "
		  "1 page references returned\n");
}

TEST(activation_under_xen_retries_end_while_the_hypervisor_is_busy)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	N.end_busy = 3;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_HAS(N.log, "HC-BEGIN RESET HC-END HC-END HC-END HC-END ");
	CHECK(FR.ended);
}

TEST(activation_under_xen_restores_the_contexts_after_a_rollback)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	N.boot = BOOT_CRASHES;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, "the NIC rolled back to 1.0.0");
	CHECK_HAS(N.log, "HC-BEGIN RESET HC-END ");
	CHECK(FR.ended);
	CHECK_EQ(FR.ctx_restored, 3);
}

TEST(a_begin_the_hypervisor_refuses_leaves_the_bank_pending)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	N.begin_rc = -CDNA_EPERM;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, "the hypervisor did not reset the NIC "
		  "(CDNA_OP_NIC_RESET BEGIN): the hypervisor refused");
	CHECK_HAS(oerr, "bank 1 stays pending");
	CHECK(strstr(N.log, "HC-END") == NULL);
	CHECK(strstr(N.log, "RESET ") == NULL);
	CHECK_EQ(N.st[1], CDNA_FLASH_BANK_PENDING);
}

TEST(a_hypervisor_without_nic_reset_is_not_bypassed)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	N.begin_rc = -CDNA_ENOSYS;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_HAS(oerr, "has no NIC reset (CDNA_OP_NIC_RESET)");
	CHECK(strstr(N.log, "RESET ") == NULL);
	CHECK(strstr(N.log, "UNBIND") == NULL);
}

TEST(xen_without_cdna_resets_natively)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	N.stats_rc = -CDNA_ENOSYS;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_STR(N.log, "STATS MAPrw BEGIN1 VERIFY UNBIND-cdna RESET "
		  "BIND-cdna ");
	CHECK_HAS(N.steps, "activate: Xen has no CDNA hypercall: the NIC is "
		  "dom0's own, reset directly\n");
}

TEST(a_nic_no_one_registered_with_the_hypervisor_is_reset_natively)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	fake_xen();
	N.bound = false;
	N.begin_rc = -CDNA_ENODEV;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	CHECK_STR(N.log, "STATS MAPrw BEGIN1 VERIFY HC-BEGIN RESET ");
	CHECK_EQ(FR.via, FLASH_VIA_NATIVE);
}

TEST(a_driver_that_does_not_bind_again_is_a_failure)
{
	size_t n = make_image(3001);

	fake_nic_reset();
	N.bind_rc = -ENODEV;
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), -1);
	CHECK_EQ(FR.outcome, FLASH_COMMITTED);
	CHECK_HAS(oerr, "driver cdna did not bind to the NIC again");
}

TEST(flash_json_has_before_bank_activate_and_after)
{
	size_t n = make_image(3001);
	FILE *f;

	fake_nic_reset();
	flash("--activate", NULL);
	CHECK_EQ(run_flash(n), 0);
	f = mopen();
	fmt_flash_json(f, "0000:00:04.0", "test.img", &FR, NULL);
	fclose(f);
	CHECK(!strncmp(mem, "{\"ok\":true,\"error\":null,\"nic\":"
		       "\"0000:00:04.0\",\"image\":{\"file\":\"test.img\","
		       "\"name\":\"cdna-test\",\"version\":\"1.1.0\","
		       "\"bytes\":3065,\"crc\":\"0x", 130));
	CHECK_HAS(mem, "\"before\":{\"firmware_state\":\"running\","
		  "\"firmware_version\":\"1.0.0\",\"boot_bank\":0,");
	CHECK_HAS(mem, "\"bank\":1,\"bank_was\":\"empty\",\"pending\":true,"
		  "\"activate\":{\"via\":\"native\",\"note\":null,"
		  "\"result\":\"committed\",\"ms\":");
	CHECK_HAS(mem, "\"driver\":\"cdna\",\"driver_rebound\":true,");
	CHECK_HAS(mem, "\"after\":{\"firmware_state\":\"running\","
		  "\"firmware_version\":\"1.1.0\",\"boot_bank\":1,"
		  "\"boot_flags\":[\"trial\",\"table\"],\"trial\":true,");
	CHECK_STR(mem + memlen - 3, "}}\n");
}

TEST(flash_json_of_a_refused_image_carries_the_reason)
{
	FILE *f = mopen();

	fmt_flash_json(f, NULL, "bad.img", NULL, "bad.img: bad magic");
	fclose(f);
	CHECK_STR(mem, "{\"ok\":false,\"error\":\"bad.img: bad magic\","
		  "\"nic\":null,\"image\":{\"file\":\"bad.img\"},"
		  "\"before\":null,\"bank\":null,\"bank_was\":null,"
		  "\"pending\":false,\"activate\":null,\"after\":null}\n");
}

static struct flash_fw_info sample_fw(void)
{
	struct flash_fw_info fi = fi_of(0, CDNA_FLASH_BANK_ACTIVE,
					CDNA_FLASH_BANK_FAILED);

	fi.fw_state = CDNA_FW_STATE_RUNNING;
	fi.fw_version = V100;
	fi.boot_flags = MGMT_BOOT_F_TABLE | MGMT_BOOT_F_ROLLBACK;
	fi.bank[0].version = V100;
	fi.bank[0].crc = 0x1234abcdu;
	fi.bank[1].version = V110;
	fi.bank[1].crc = 0x0badf00du;
	return fi;
}

TEST(firmware_text_shows_both_banks_and_how_the_nic_booted)
{
	struct flash_fw_info fi = sample_fw();
	FILE *f = mopen();

	fmt_firmware_text(f, "0000:00:04.0", &fi);
	fclose(f);
	CHECK_STR(mem, "NIC 0000:00:04.0  firmware 1.0.0 (running)  booted "
		  "bank 0  boot flags: rollback, table\n"
		  "BANK  STATE    VERSION  CRC         NOTE\n"
		  "0     active   1.0.0    0x1234abcd  booted\n"
		  "1     failed   1.1.0    0x0badf00d  \n");
}

TEST(firmware_text_shows_a_fault_and_the_boot_roms_refusal)
{
	struct flash_fw_info fi = fi_of(MGMT_BOOT_BANK_NONE,
					CDNA_FLASH_BANK_INVALID,
					CDNA_FLASH_BANK_EMPTY);
	FILE *f = mopen();

	fi.fw_state = CDNA_FW_STATE_NO_FW;
	fi.boot_error = CDNA_IMAGE_BAD_PAYLOAD_CRC | CDNA_IMAGE_EMPTY << 8;
	fmt_firmware_text(f, "0000:00:04.0", &fi);
	fclose(f);
	CHECK_HAS(mem, "firmware none (no-firmware)  booted none  boot flags: "
		  "none\n");
	CHECK_HAS(mem, "0     invalid  -        -           boot ROM: payload "
		  "CRC mismatch");
	CHECK_HAS(mem, "1     empty    -        -           \n");
}

TEST(firmware_json_has_banks_flags_and_nulls_for_no_image)
{
	struct flash_fw_info fi = sample_fw();
	FILE *f = mopen();

	fi.bank[1].state = CDNA_FLASH_BANK_EMPTY;
	fi.bank[1].version = fi.bank[1].crc = 0;
	fmt_firmware_json(f, "0000:00:04.0", &fi);
	fclose(f);
	CHECK_STR(mem, "{\"nic\":\"0000:00:04.0\",\"firmware_state\":"
		  "\"running\",\"firmware_version\":\"1.0.0\",\"boot_bank\":0,"
		  "\"boot_flags\":[\"rollback\",\"table\"],\"trial\":false,"
		  "\"rollback\":true,\"fallback\":false,\"fault\":null,"
		  "\"banks\":[{\"bank\":0,\"state\":\"active\",\"version\":"
		  "\"1.0.0\",\"crc\":\"0x1234abcd\",\"booted\":true,"
		  "\"boot_error\":null},{\"bank\":1,\"state\":\"empty\","
		  "\"version\":null,\"crc\":null,\"booted\":false,"
		  "\"boot_error\":null}]}\n");
}

TEST(firmware_reads_page_0_read_only)
{
	struct flash_fw_info fi;

	fake_nic_reset();
	CHECK_EQ(ops_firmware(&FS, &fi, oerr), 0);
	CHECK_STR(N.log, "MAPro ");
	CHECK_EQ(fi.bank[0].crc, 0x11111111u);
	CHECK_EQ(fi.bank[1].state, CDNA_FLASH_BANK_EMPTY);
}

TEST(firmware_with_bar2_held_by_the_driver_says_so)
{
	struct flash_fw_info fi;

	fake_nic_reset();
	N.map_needs_unbind = true;
	CHECK_EQ(ops_firmware(&FS, &fi, oerr), -1);
	CHECK_HAS(oerr, "the kernel refuses to map BAR2 page 0");
	CHECK(strstr(N.log, "UNBIND") == NULL);
}

/* ---- flash against the real NIC model -------------------------------------- */

/* The model's flash controller and boot ROM running the build's images
 * (mk/firmware.mk): what cdnactl writes and waits for must match them. */
static struct {
	struct cdna_nic *nic;
	struct host_mem hm;
	uint64_t now_us;
	char path[64];
} M;

static uint64_t m_now_us(void *o)
{
	(void)o;
	return M.now_us;
}

static const struct cdna_nic_ops m_ops = {
	.opaque = &M.hm, .dma_read = host_mem_dma_read,
	.dma_write = host_mem_dma_write, .now_us = m_now_us,
};

static uint32_t m_read(struct cdnactl_sys *s, uint32_t off)
{
	(void)s;
	return (uint32_t)cdna_nic_bar_read(M.nic, 2, off, 4);
}

static void m_write(struct cdnactl_sys *s, uint32_t off, uint32_t val)
{
	(void)s;
	cdna_nic_bar_write(M.nic, 2, off, val, 4);
}

static int m_map(struct cdnactl_sys *s, bool writable, char *err,
		 unsigned errlen)
{
	(void)s, (void)writable, (void)err, (void)errlen;
	return 0;
}

static uint64_t m_now_ms(struct cdnactl_sys *s)
{
	(void)s;
	return M.now_us / 1000u;
}

/* Time passes for the NIC too: its processor runs, deadlines fire. */
static void m_sleep(struct cdnactl_sys *s, unsigned ms)
{
	(void)s;
	M.now_us += (uint64_t)ms * 1000u;
	cdna_nic_run(M.nic);
}

static void m_driver_of(struct cdnactl_sys *s, char *buf, size_t len)
{
	(void)s, (void)len;
	buf[0] = '\0';
}

static struct cdnactl_sys MS = {
	.nic = &fake_nic,
	.mgmt_map = m_map,
	.mgmt_read = m_read,
	.mgmt_write = m_write,
	.now_ms = m_now_ms,
	.sleep_ms = m_sleep,
	.driver_of = m_driver_of,
	.driver_unbind = fn_unbind,
	.driver_bind = fn_bind,
	.step = fn_step,
};

static struct cdna_nic *model_open(void)
{
	struct cdna_nic_config cfg = { .flash_path = M.path };
	struct cdna_nic *nic;
	char err[256];

	nic = cdna_nic_new(&cfg, &m_ops, err, sizeof(err));
	if (!nic)
		check_fail(__FILE__, __LINE__, "cdna_nic_new: %s", err);
	cdna_nic_run(nic);
	return nic;
}

/* A factory flash: 1.0.0 in bank 0, no bank table; the NIC running it. */
static void model_factory(void)
{
	uint8_t *v1;
	size_t n;
	char err[256];
	int fd;

	memset(&N, 0, sizeof(N));
	if (!M.hm.mem)
		host_mem_init(&M.hm, 0x100000ull, 1u << 20);
	M.now_us = 1000;
	snprintf(M.path, sizeof(M.path), "/tmp/test_cdnactl-flash.XXXXXX");
	fd = mkstemp(M.path);
	CHECK(fd >= 0);
	close(fd);
	unlink(M.path);
	M.nic = model_open();
	v1 = build_image("cdna-fw.img", &n);
	if (cdna_nic_flash_program(M.nic, 0, v1, n, err, sizeof(err)))
		check_fail(__FILE__, __LINE__, "program: %s", err);
	free(v1);
	cdna_nic_free(M.nic);
	M.nic = model_open();
	CHECK_EQ(m_read(&MS, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
}

static void model_close(void)
{
	cdna_nic_free(M.nic);
	M.nic = NULL;
	unlink(M.path);
}

static int model_flash(const char *name, bool activate)
{
	struct cdna_image_header h;
	uint8_t *img;
	size_t n;
	int rc;

	img = build_image(name, &n);
	CHECK_EQ(cdna_image_check(img, n, &h), CDNA_IMAGE_OK);
	flash(activate ? "--activate" : NULL, NULL);
	oerr[0] = '\0';
	rc = ops_flash(&MS, &A, name, img, n, &FR, oerr);
	free(img);
	return rc;
}

TEST(model_flash_writes_bank_1_pending_with_the_images_crc)
{
	model_factory();
	CHECK_EQ(model_flash("test/cdna-fw-v2.img", false), 0);
	CHECK_EQ(m_read(&MS, MGMT_FLASH_BANK_ST(1)), CDNA_FLASH_BANK_PENDING);
	CHECK_EQ(m_read(&MS, MGMT_FLASH_BANK_VER(1)), V110);
	CHECK_EQ(m_read(&MS, MGMT_FLASH_BANK_CRC(1)), FR.img.header_crc);
	/* Still the old firmware, from bank 0. */
	CHECK_EQ(m_read(&MS, MGMT_FW_VERSION), V100);
	model_close();
}

TEST(model_flash_activate_commits_the_new_firmware)
{
	model_factory();
	CHECK_EQ(model_flash("test/cdna-fw-v2.img", true), 0);
	CHECK_EQ(FR.outcome, FLASH_COMMITTED);
	CHECK_EQ(m_read(&MS, MGMT_BOOT_BANK), 1);
	CHECK_EQ(m_read(&MS, MGMT_FW_VERSION), V110);
	CHECK_EQ(m_read(&MS, MGMT_FLASH_BANK_ST(1)), CDNA_FLASH_BANK_ACTIVE);
	CHECK_EQ(m_read(&MS, MGMT_FLASH_BANK_ST(0)), CDNA_FLASH_BANK_VALID);
	CHECK_HAS(N.steps, "after: firmware 1.1.0 running from bank 1; bank 0 "
		  "valid 1.0.0, bank 1 active 1.1.0\n");
	/* And back: the next flash goes to bank 0. */
	CHECK_EQ(model_flash("cdna-fw.img", true), 0);
	CHECK_EQ(FR.bank, 0);
	CHECK_EQ(m_read(&MS, MGMT_FW_VERSION), V100);
	model_close();
}

TEST(model_flash_activate_of_a_crashing_image_reports_the_rollback)
{
	model_factory();
	CHECK_EQ(model_flash("test/fault-boot.img", true), -1);
	CHECK_EQ(FR.outcome, FLASH_ROLLED_BACK);
	CHECK_HAS(oerr, "the new firmware 0.0.1 did not report healthy within "
		  "1000 ms; the NIC rolled back to 1.0.0 (bank 0; bank 1 is "
		  "marked failed");
	CHECK_EQ(m_read(&MS, MGMT_FW_STATE), CDNA_FW_STATE_RUNNING);
	CHECK(m_read(&MS, MGMT_BOOT_FLAGS) & MGMT_BOOT_F_ROLLBACK);
	CHECK_EQ(m_read(&MS, MGMT_FLASH_BANK_ST(1)), CDNA_FLASH_BANK_FAILED);
	CHECK(FR.activate_ms >= CDNA_FLASH_TRIAL_MS);
	CHECK(FR.activate_ms < FLASH_ACTIVATE_WAIT_MS);
	/* A failed bank is flashed again. */
	CHECK_EQ(model_flash("test/cdna-fw-v2.img", true), 0);
	CHECK_EQ(FR.bank, 1);
	model_close();
}

__attribute__((destructor)) static void model_free_mem(void)
{
	if (M.hm.mem)
		host_mem_free(&M.hm);
}
