/* SPDX-License-Identifier: MIT */
/*
 * test_cdnactl.c - cdnactl's parts that need no Xen (dom0-mgr/): argument
 * parsing, MACs, error sentences, text and JSON output, the xenstore
 * layout, the root/dom0 checks, sysfs discovery and BAR2 reads (a fake
 * sysfs tree in a scratch directory, resource2 a plain file), and the
 * commands' logic over a fake hypervisor and xenstore (struct cdnactl_sys):
 * what is called in which order, and that a failure changes nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/check.h"
#include "args.h"
#include "cdna/regs.h"
#include "cdna/xenbus.h"
#include "env.h"
#include "errmsg.h"
#include "fmt.h"
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
