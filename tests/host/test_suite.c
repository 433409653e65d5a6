/*
 * test_suite.c - the whole run (igbtest_run, suite_run) against fake
 * machines: KTAP structure, exit statuses, reasons, and what was written.
 *
 * The fake 82576 is the behaviour model (model_igb.h) with QEMU's
 * personality, so every case can pass here; these tests pin the runner's
 * contract and the diagnostics of the simplest cases. The registry against
 * both personalities, in depth, is test_model_suite.c.
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "suite/suite.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "report/ktap.h"

#define BAR0_A 0xfebc0000u
#define BAR0_B 0xfeb00000u
#define COMMAND_QUIESCED (FAKE_82576_COMMAND & ~PCI_COMMAND_MASTER)

/* Cases pinned here, with the diagnostic each prints (NULL: the verdict
 * only; the wording is the case's own business). */
static const struct {
	const char *name, *diag;
} fake_ok[] = {
	{ "identify", "identify: 82576 copper [8086:10c9] class 020000" },
	{ "bar0_mmio_128k", "bar0_mmio_128k: BAR0 mem32 at 0x%x, 128 KiB" },
	{ "cap_msix", "cap_msix: MSI-X at 0x70, 10 vectors, table BAR3+0x0, PBA BAR3+0x2000" },
	{ "cap_pcie_flr", "cap_pcie_flr: PCIe at 0xa0, FLR capable" },
	{ "cap_sriov", "cap_sriov: SR-IOV at 0x160, TotalVFs 8" },
	/* link up: the round's pass over the ports (link_partner) brought it
	 * up touching only the PHY and the MAC's link, and left it so */
	{ "status_sane", "status_sane: STATUS 0x80080783 (link up)" },
	{ "mac_address", "mac_address: RAL0 0x12005452 RAH0 0x80005634 -> 52:54:00:12:34:56" },
	{ "register_pattern", NULL },
	{ "nvm_checksum", NULL },
	{ "nvm_mac_address", NULL },
	{ "phy_id", NULL },
	{ "link_loopback_up", NULL },
	{ "memcpy_bad_input", NULL },
};

static bool needs_bar0(const struct igb_test *t)
{
	return t->needs & (NEEDS_BAR0 | NEEDS_LINK);
}

/* Parse the output; dump it and end the test if it is not good KTAP. */
static void parse(struct kp_doc *d)
{
	if (!kp_parse(d)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "output is not well-formed KTAP: %s",
			      d->problem);
	}
}

/* Every known case ran, each table in its order, and no case twice. */
static void check_all_cases_ran(const struct kp_block *b)
{
	unsigned at = 0;

	CHECK_EQ(b->n, suite_case_count());
	for (unsigned j = 0; j < suite_case_count(); j++) {
		const char *name = suite_case(j)->name;
		harness_note("%s: case %s", b->name, name);
		while (at < b->n && strcmp(b->c[at].name, name))
			at++;
		CHECK(at < b->n);
	}
	for (unsigned i = 0; i < b->n; i++)
		for (unsigned j = i + 1; j < b->n; j++)
			CHECK(strcmp(b->c[i].name, b->c[j].name));
	harness_note("%s", "");
}

/* A case that fails says why, in a diagnostic named after it. */
static void check_failures_explained(const struct kp_block *b)
{
	char prefix[KP_NAME_MAX + 4];

	for (unsigned i = 0; i < b->n; i++) {
		if (b->c[i].v != KP_NOT_OK)
			continue;
		snprintf(prefix, sizeof(prefix), "%s: ", b->c[i].name);
		harness_note("%s: case %s", b->name, b->c[i].name);
		CHECK(kp_block_has_diag_prefix(b, prefix));
	}
	harness_note("%s", "");
}

static void check_fake_ok(const struct kp_block *b, uint32_t bar0)
{
	char diag[160];

	for (size_t i = 0; i < ARRAY_SIZE(fake_ok); i++) {
		harness_note("%s: case %s", b->name, fake_ok[i].name);
		CHECK_EQ(kp_verdict_of(b, fake_ok[i].name), KP_OK);
		if (!fake_ok[i].diag)
			continue;
		snprintf(diag, sizeof(diag), fake_ok[i].diag, bar0);
		CHECK(kp_block_has_diag(b, diag));
	}
	harness_note("%s", "");
}

/* Every case that needs BAR0 fails with reason, so does the BAR0 check
 * (KP_NOT_OK); or, where BAR0 is unusable by the host's doing, each is
 * not tested (KP_SKIP "not tested: reason"). A case that does not run
 * under iommu=off (the only mode without a DMAR table) skips for that
 * before anything else. */
static void check_bar0_cases(const struct kp_block *b, enum kp_verdict v, const char *reason)
{
	char diag[256];

	for (unsigned j = 0; j < suite_case_count(); j++) {
		const struct igb_test *t = suite_case(j);
		if (!needs_bar0(t) && strcmp(t->name, "bar0_mmio_128k"))
			continue;
		harness_note("%s: case %s", b->name, t->name);
		if (!(t->modes & MODE(IOMMU_OFF))) {
			CHECK_EQ(kp_verdict_of(b, t->name), KP_SKIP);
			continue;
		}
		CHECK_EQ(kp_verdict_of(b, t->name), v);
		if (v == KP_SKIP) {
			snprintf(diag, sizeof(diag), " %s # SKIP not tested: %s", t->name, reason);
			CHECK(fake_output_contains(diag));
			continue;
		}
		snprintf(diag, sizeof(diag), "%s: %s", t->name, reason);
		CHECK(kp_block_has_diag(b, diag));
	}
	harness_note("%s", "");
}

/* The block's verdict and the exit status follow from the case verdicts. */
static void check_verdicts_consistent(const struct kp_doc *d, int status)
{
	bool any_fail = false;

	for (unsigned i = 0; i < d->nb; i++) {
		bool fail = false;
		for (unsigned j = 0; j < d->b[i].n; j++)
			fail |= d->b[i].c[j].v == KP_NOT_OK;
		CHECK_EQ(d->b[i].v, fail ? KP_NOT_OK : KP_OK);
		any_fail |= fail;
	}
	CHECK_EQ(status, any_fail ? IGBTEST_EXIT_FAIL : IGBTEST_EXIT_PASS);
}

/* Host bridge, a root port to bus 1 and an e1000e on bus 0. */
static struct fake_fn *machine(void)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	return fake_e1000e_add(0, 3, 0, 0xfc000000);
}

static void snapshot_header(const struct fake_fn *f, uint8_t *buf)
{
	for (unsigned i = 0; i < 0x40; i++)
		buf[i] = fake_get8(f, (uint16_t)i);
}

/* The results file's JSON: measured with no buffer, then written whole;
 * one entry per record, in order, closed. */
static void check_summary_json(int status)
{
	static char buf[256 * 1024];
	size_t len = igbtest_summary_json(NULL, 0, status);
	const char *at = buf;
	char want[64];

	REQUIRE(len < sizeof(buf));
	CHECK_EQ(igbtest_summary_json(buf, sizeof(buf), status), len);
	CHECK_EQ(strlen(buf), len);
	snprintf(want, sizeof(want), "\"exit_status\": %d,", status);
	CHECK(strstr(buf, want));
	for (unsigned i = 0; i < suite_record_count(); i++) {
		snprintf(want, sizeof(want), "\"case\": \"%s\"", suite_record(i)->tc->name);
		harness_note("record %u", i);
		at = strstr(at, want);
		REQUIRE(at);
	}
	harness_note("%s", "");
	CHECK(!strstr(at + 1, "\"case\": "));
	CHECK(len > 8 && !strcmp(buf + len - 7, "\n  ]\n}\n"));
}

/* ---- scenarios ---- */

TEST(suite_good_82576)
{
	struct fake_fn *e1000e = machine();
	struct fake_82576 p = fake_82576_add(1, 0, 0, BAR0_A);
	static struct kp_doc d;
	uint8_t before[0x40], after[0x40];
	int status;

	snapshot_header(p.fn, before);
	uint16_t msix_flags = fake_get16(p.fn, 0x70 + PCI_MSIX_FLAGS);
	status = igbtest_run(NULL, NULL);
	parse(&d);
	CHECK_EQ(d.plan, 1);
	REQUIRE(d.nb == 1);
	CHECK_STREQ(d.b[0].name, "82576 0000:01:00.0");
	check_all_cases_ran(&d.b[0]);
	check_fake_ok(&d.b[0], BAR0_A);
	check_failures_explained(&d.b[0]);
	check_verdicts_consistent(&d, status);
	CHECK(kp_block_has_diag(&d.b[0], "0000:01:00.0 [8086:10c9] 82576 copper"));
	char last[64];
	snprintf(last, sizeof(last), "# igbtest: exit status %d (%s)", status,
		 status ? "a test failed" : "all tests passed");
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 1), last);

	/* left as found but for bus mastering; only it and its VFs were
	 * written; decode off whenever a BAR held all-ones; BAR0 used only
	 * while decoding; every DMA buffer given back */
	snapshot_header(p.fn, after);
	before[PCI_COMMAND] &= (uint8_t)~PCI_COMMAND_MASTER;
	for (unsigned i = 0; i < sizeof(before); i++) {
		harness_note("config byte 0x%02x", i);
		CHECK_EQ(after[i], before[i]);
	}
	harness_note("%s", "");
	CHECK_EQ(fake_get16(p.fn, 0x70 + PCI_MSIX_FLAGS), msix_flags);
	CHECK(fake_cfg_writes_to(p.fn->bdf) > 0);
	CHECK_EQ(fake_cfg_writes_total(), fake_cfg_writes_to(p.fn->bdf) +
					  model_sriov_vf_cfg_writes(p.model));
	CHECK_EQ(fake_cfg_writes_to(e1000e->bdf), 0);
	CHECK_EQ(p.fn->decode_violations, 0);
	CHECK(p.bar0->reads >= 3);
	CHECK_EQ(p.bar0->undecoded, 0);
	CHECK(p.model->resets > 0);
	CHECK_EQ(p.model->eicr_reads_with_eiac, 0);
	CHECK(fake_dma_allocations() > 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
	check_summary_json(status);
}

/* The detector behind the check above works: such a read is counted. */
TEST(fake_igb_counts_eicr_read_with_eiac)
{
	machine();
	struct fake_82576 p = fake_82576_add(1, 0, 0, BAR0_A);

	fake_set16(p.fn, PCI_COMMAND, PCI_COMMAND_MEMORY);
	(void)plat_mmio_read32(BAR0_A + IGB_EICR);
	CHECK_EQ(p.model->eicr_reads_with_eiac, 0);
	/* QEMU takes EIAC only in Multiple_MSIX mode */
	plat_mmio_write32(BAR0_A + IGB_GPIE, IGB_GPIE_MSIX_MODE);
	plat_mmio_write32(BAR0_A + IGB_EIAC, 1);
	(void)plat_mmio_read32(BAR0_A + IGB_EICR);
	CHECK_EQ(p.model->eicr_reads_with_eiac, 1);
}

TEST(suite_inventory_lines)
{
	machine();
	fake_82576_add(1, 0, 0, BAR0_A);
	igbtest_run(NULL, "fake platform");
	CHECK_EQ(fake_output_find("KTAP version 1", 0), 0);
	CHECK_LINE("# igbtest " IGBTEST_VERSION " (build " IGBTEST_BUILD_ID "): Intel 82576 "
		   "qualification, pre-OS");
	CHECK_LINE("# fake platform");
	CHECK_LINE("# PCI inventory: 4 functions");
	CHECK_LINE("# 0000:00:00.0 [8086:29c0] rev 02 class 060000 (behind root)");
	CHECK_LINE("# 0000:00:02.0 [8086:3c02] rev 01 class 060400 bridge (behind root)");
	CHECK_LINE("#   buses 01..01");
	CHECK_LINE("#   caps: PCIe@40 AER@100");
	CHECK_LINE("#   PCIe root port, link 5GT/s x8 (capable 5GT/s x8)");
	CHECK_LINE("# 0000:01:00.0 [8086:10c9] rev 01 class 020000 <- 82576, will be "
		   "tested (behind 0000:00:02.0)");
	CHECK_LINE("#   BAR0 mem32 0xfebc0000 128K");
	CHECK_LINE("#   BAR2 io 0xe000 32B");
	CHECK_LINE("#   BAR3 mem64 0x800100000 16K");
	CHECK_LINE("#   caps: PM@40 MSI@50 MSI-X@70(10) PCIe@a0(FLR) AER@100 ARI@150 "
		   "SR-IOV@160(TotalVFs 8)");
	CHECK_LINE("#   MSI-X table BAR3+0x0, PBA BAR3+0x2000");
	CHECK_LINE("#   PCIe endpoint, link 2.5GT/s x4 (capable 2.5GT/s x4)");
	CHECK_LINE("# 0000:00:03.0 [8086:10d3] rev 00 class 020000 (behind root)");
	/* the inventory comes before the plan */
	CHECK(fake_output_find("#   BAR0 mem32 0xfebc0000 128K", 0) <
	      fake_output_find("1..1", 0));
}

TEST(suite_no_82576_skips_all)
{
	struct fake_fn *e1000e = machine();
	static struct kp_doc d;

	CHECK_EQ(igbtest_run(NULL, NULL), IGBTEST_EXIT_NODEV);
	parse(&d);
	CHECK(d.skip_all);
	CHECK_EQ(d.nb, 0);
	CHECK_LINE("1..0 # SKIP no Intel 82576 found");
	CHECK_LINE("# no Intel 82576 found among the 3 PCI functions listed above");
	CHECK_LINE("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0");
	CHECK_LINE("# igbtest: exit status 4 (nothing to test)");
	CHECK_EQ(fake_cfg_writes_to(e1000e->bdf), 0);
	CHECK_EQ(fake_cfg_writes_total(), 0);
}

/* The firmware left BAR0 unassigned: that device's BAR0 cases are not
 * tested (the host's doing, not the NIC's); the other device is tested. */
TEST(suite_unassigned_bar0_not_tested_only_that_device)
{
	static struct kp_doc d;
	struct fake_82576 bad, good;
	int status;

	machine();
	fake_bridge_add(0, 4, 0, 2, 2, PCI_EXP_TYPE_ROOT_PORT);
	bad = fake_82576_add(1, 0, 0, 0);
	good = fake_82576_add(2, 0, 0, BAR0_B);
	status = igbtest_run(NULL, NULL);
	CHECK_EQ(status, IGBTEST_EXIT_PASS);
	parse(&d);
	CHECK_EQ(d.plan, 2);
	REQUIRE(d.nb == 2);
	CHECK_STREQ(d.b[0].name, "82576 0000:01:00.0");
	CHECK_STREQ(d.b[1].name, "82576 0000:02:00.0");
	CHECK_EQ(d.b[0].v, KP_OK);
	CHECK(kp_block_has_diag(&d.b[0], "BAR0 unusable: BAR0 is unassigned (address 0) (the "
				"host's doing: its cases are not tested)"));
	check_bar0_cases(&d.b[0], KP_SKIP, "BAR0 is unassigned (address 0)");
	CHECK_EQ(kp_verdict_of(&d.b[0], "identify"), KP_OK);
	CHECK_EQ(kp_verdict_of(&d.b[0], "cap_msix"), KP_OK);
	CHECK_EQ(kp_verdict_of(&d.b[0], "cap_pcie_flr"), KP_OK);
	CHECK_EQ(kp_verdict_of(&d.b[0], "cap_sriov"), KP_OK);
	check_all_cases_ran(&d.b[1]);
	check_fake_ok(&d.b[1], BAR0_B);
	check_verdicts_consistent(&d, status);
	CHECK_LINE("#   BAR0 mem32 0x0 128K (unassigned)");
	CHECK(bad.bar0 == NULL); /* so any MMIO near 0 would have ended the test */
	CHECK_EQ(fake_get16(bad.fn, PCI_COMMAND), COMMAND_QUIESCED);
	CHECK_EQ(fake_get16(good.fn, PCI_COMMAND), COMMAND_QUIESCED);
	CHECK_EQ(bad.fn->decode_violations + good.fn->decode_violations, 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(suite_small_bar0_fails_naming_size)
{
	static struct kp_doc d;
	struct fake_82576 p;

	machine();
	p = fake_82576_add(1, 0, 0, BAR0_A);
	fake_bar_mem32(p.fn, 0, BAR0_A, 0x10000, false);
	CHECK_EQ(igbtest_run(NULL, NULL), IGBTEST_EXIT_FAIL);
	parse(&d);
	REQUIRE(d.nb == 1);
	CHECK_LINE("#   BAR0 mem32 0xfebc0000 64K");
	check_bar0_cases(&d.b[0], KP_NOT_OK, "BAR0 is 65536 bytes, the 82576 needs 131072");
	CHECK_EQ(kp_verdict_of(&d.b[0], "identify"), KP_OK);
	CHECK_EQ(p.bar0->reads + p.bar0->writes + p.bar0->undecoded, 0);
}

/* The platform does not know BAR sizes: the 82576's come from our probe. */
TEST(suite_bar_sizes_from_probe)
{
	static struct kp_doc d;

	machine();
	fake_bar_size_known(false);
	fake_82576_add(1, 0, 0, BAR0_A);
	igbtest_run(NULL, NULL);
	parse(&d);
	REQUIRE(d.nb == 1);
	CHECK_LINE("#   BAR0 mem32 0xfebc0000 size ?");
	check_fake_ok(&d.b[0], BAR0_A);
}

static void ktap_to_plat(const char *line, size_t len)
{
	plat_write(line, len);
}

/* Present at scan time, gone (all-ones) when its suite runs. */
TEST(suite_device_gone_at_test_time)
{
	static struct pci_inventory inv;
	static struct kp_doc d;
	struct fake_82576 p;

	machine();
	p = fake_82576_add(1, 0, 0, BAR0_A);
	REQUIRE(pci_scan(&inv) == RC_OK);
	p.fn->all_ones = true;
	ktap_init(ktap_to_plat);
	ktap_version();
	suite_prepare(&inv);
	CHECK_EQ(suite_run(&inv), IGBTEST_EXIT_FAIL);
	parse(&d);
	REQUIRE(d.nb == 1);
	CHECK_EQ(kp_verdict_of(&d.b[0], "identify"), KP_NOT_OK);
	CHECK(kp_block_has_diag(&d.b[0], "identify: config space reads all-ones (device gone?)"));
	CHECK(kp_block_has_diag(&d.b[0], "BAR0 unusable: config space reads all-ones"));
	check_bar0_cases(&d.b[0], KP_NOT_OK, "config space reads all-ones");
	CHECK_EQ(d.b[0].v, KP_NOT_OK);
	CHECK_EQ(fake_cfg_writes_total(), 0);
	CHECK_EQ(p.bar0->reads + p.bar0->writes + p.bar0->undecoded, 0);
}

#define ONLY_TWO "--only=identify,status_sane --iommu=off"

/* Two 82576s held by firmware drivers: one lets go and is tested (the
 * inventory names the driver), one refuses and is never touched. */
TEST(suite_firmware_drivers_taken_or_refused)
{
	static struct options o;
	static struct kp_doc d;

	machine();
	struct fake_82576 a = fake_82576_add(0, 4, 0, BAR0_A);
	struct fake_82576 b = fake_82576_add(0, 5, 0, BAR0_B);
	a.fn->driver = "Intel(R) PRO/1000 UNDI";
	b.fn->driver = "iPXE";
	b.fn->driver_refuses = true;
	options_defaults(&o);
	REQUIRE(options_parse_cmdline(&o, ONLY_TWO, strlen(ONLY_TWO)) ==
		RC_OK);
	CHECK_EQ(igbtest_run(&o, NULL), IGBTEST_EXIT_PASS);
	CHECK_LINE("# 0000:00:04.0 [8086:10c9] rev 01 class 020000 <- 82576, will be tested; "
		   "taken from the firmware driver \"Intel(R) PRO/1000 UNDI\" (behind root)");
	CHECK_LINE("# 0000:00:05.0 [8086:10c9] rev 01 class 020000 <- 82576, not tested: the "
		   "firmware driver \"iPXE\" would not stop (behind root)");
	CHECK_LINE("ok 2 82576 0000:00:05.0 # SKIP not tested: the firmware driver \"iPXE\" "
		   "would not stop");
	CHECK(fake_output_has("    ok 2 status_sane"));
	CHECK(a.bar0->reads > 0);
	CHECK_EQ(b.bar0->reads + b.bar0->writes, 0);
	CHECK_EQ(fake_cfg_writes_to(b.fn->bdf), 0);
	CHECK(a.fn->claims >= 1 && b.fn->claims >= 1);
	parse(&d);
	CHECK_EQ(d.plan, 2);

	/* Only the refusing one: nothing could be tested, exit 3. */
	fake_reset();
	machine();
	b = fake_82576_add(0, 5, 0, BAR0_B);
	b.fn->driver = "iPXE";
	b.fn->driver_refuses = true;
	options_defaults(&o);
	REQUIRE(options_parse_cmdline(&o, "--only=identify", strlen("--only=identify")) == RC_OK);
	CHECK_EQ(igbtest_run(&o, NULL), IGBTEST_EXIT_ERROR);
	CHECK_EQ(b.bar0->reads + b.bar0->writes, 0);
	CHECK_EQ(fake_cfg_writes_to(b.fn->bdf), 0);
}

/* Firmware left memory decode off (AAVMF does), or on: the suite turns it
 * on for BAR0 and puts COMMAND back, with bus mastering off. */
TEST(suite_restores_command)
{
	static const uint16_t firmware_cmd[] = {
		0x0000, 0x0001, 0x0003, 0x0400, 0x0004, 0x0006, 0x0007,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(firmware_cmd); i++) {
		uint16_t cmd = firmware_cmd[i];
		harness_note("firmware COMMAND 0x%04x", cmd);
		fake_reset();
		machine();
		struct fake_82576 p = fake_82576_add(1, 0, 0, BAR0_A);
		fake_set16(p.fn, PCI_COMMAND, cmd);
		igbtest_run(NULL, NULL);
		CHECK_EQ(fake_get16(p.fn, PCI_COMMAND), cmd & ~PCI_COMMAND_MASTER);
		CHECK_EQ(p.bar0->undecoded, 0);
		CHECK(p.bar0->reads >= 3);
		CHECK_EQ(p.fn->decode_violations, 0);
		/* said inside the device's block */
		CHECK_EQ(fake_output_has("  # 0000:01:00.0: memory decode was off; enabled for BAR0"),
			 !(cmd & PCI_COMMAND_MEMORY));
		CHECK_LINE("    ok 6 status_sane"); /* in the iommu=off block */
	}
}

/* The platform refuses to switch decode (UEFI: PciIo Attributes answered
 * Unsupported). BAR0 is never touched, the cases that need it are not
 * tested, saying why, and COMMAND is not forced by a config write instead. */
TEST(suite_decode_refused)
{
	static struct kp_doc d;

	machine();
	struct fake_82576 p = fake_82576_add(1, 0, 0, BAR0_A);
	fake_set16(p.fn, PCI_COMMAND, 0x0000);
	p.fn->enable_rc = RC_ENOTSUP;
	CHECK_EQ(igbtest_run(NULL, NULL), IGBTEST_EXIT_PASS); /* config space was tested */
	parse(&d);
	REQUIRE(d.nb == 1);
	CHECK(kp_block_has_diag(&d.b[0], "BAR0 unusable: memory decode is off and could "
					 "not be enabled: not supported (the host's doing: its "
					 "cases are not tested)"));
	check_bar0_cases(&d.b[0], KP_SKIP, "memory decode is off and could not be enabled: "
				       "not supported");
	CHECK_EQ(kp_verdict_of(&d.b[0], "identify"), KP_OK);
	CHECK_EQ(fake_get16(p.fn, PCI_COMMAND), 0x0000);
	CHECK_EQ(p.bar0->reads + p.bar0->writes + p.bar0->undecoded, 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(suite_scan_failure_is_an_error)
{
	fake_roots_fail(RC_ENODEV);
	CHECK_EQ(igbtest_run(NULL, NULL), IGBTEST_EXIT_ERROR);
	CHECK_LINE("# PCI scan failed: no such device");
	CHECK_LINE("1..0 # SKIP PCI scan failed");
	CHECK_LINE("# igbtest: exit status 3 (could not run)");
}

/* A capability loop shows in the inventory and fails the cases that need
 * what lies beyond it, not the whole run. */
TEST(suite_capability_loop_reported)
{
	static struct kp_doc d;
	struct fake_82576 p;

	machine();
	p = fake_82576_add(1, 0, 0, BAR0_A);
	fake_set8(p.fn, 0x50 + PCI_CAP_LIST_NEXT, 0x40); /* MSI -> PM */
	CHECK_EQ(igbtest_run(NULL, NULL), IGBTEST_EXIT_FAIL);
	parse(&d);
	REQUIRE(d.nb == 1);
	CHECK_LINE("#   capability walk stopped: capability list loops at 0x40");
	CHECK_EQ(kp_verdict_of(&d.b[0], "cap_msix"), KP_NOT_OK);
	CHECK(kp_block_has_diag(&d.b[0], "cap_msix: no MSI-X capability: walk "
				"stopped: capability list loops"));
	CHECK_EQ(kp_verdict_of(&d.b[0], "cap_pcie_flr"), KP_NOT_OK);
	CHECK(kp_block_has_diag(&d.b[0], "cap_pcie_flr: no PCI Express capability"));
	CHECK_EQ(kp_verdict_of(&d.b[0], "identify"), KP_OK);
	CHECK_EQ(kp_verdict_of(&d.b[0], "status_sane"), KP_OK);
}

/* No line is cut: a banner line longer than any buffer the report once
 * had (a server's CPU name, a deep results path), and the line after it,
 * come out whole; so does a long failure reason, and a skip reason longer
 * than the directive keeps is printed whole as well. */
TEST(suite_long_lines_whole)
{
	static char banner[1200], want[1200], big[700];
	struct test_run t = { .name = "some_case" };

	memset(big, 'x', sizeof(big) - 1);
	snprintf(banner, sizeof(banner), "machine: %s; 1 MiB usable memory\n"
		 "results file: \\igbtest\\results\\run-0001.ktap on the boot volume", big);
	machine();
	CHECK_EQ(igbtest_run(NULL, banner), IGBTEST_EXIT_NODEV);
	snprintf(want, sizeof(want), "# machine: %s; 1 MiB usable memory", big);
	CHECK_LINE(want);
	CHECK_LINE("# results file: \\igbtest\\results\\run-0001.ktap on the boot volume");

	CHECK_EQ(test_fail(&t, "recovery by FLR failed: %s: timed out", big), KTAP_FAIL);
	snprintf(want, sizeof(want), "# some_case: recovery by FLR failed: %s: timed out",
		 big);
	CHECK_LINE(want);
	CHECK_EQ(test_skip(&t, "no %s here", big), KTAP_SKIP);
	snprintf(want, sizeof(want), "# some_case: no %s here", big);
	CHECK_LINE(want);
	CHECK_EQ(strlen(t.reason), TEST_REASON_MAX - 1);
	CHECK(!strcmp(t.reason + TEST_REASON_MAX - 4, "..."));
	CHECK(!strncmp(t.reason, "no xxx", 6));
}
