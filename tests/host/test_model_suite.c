/*
 * test_model_suite.c - the firmware's whole test-case registry (the same
 * suite_case() list the .efi runs) against the 82576 model behind a fake
 * IOMMU (VT-d: fake_vtd.h, AMD-Vi: fake_amdvi.h, SMMUv3: fake_smmuv3.h),
 * with the QEMU
 * personality and with the silicon one. Every case must pass in every
 * IOMMU mode the suite runs, or skip outside strict because its registry
 * row excludes the mode or the fake machine has no fault target; the
 * model must have seen no protocol
 * violation; no DMA buffer may leak; the device must be left quiesced.
 * Verdicts come from the suite's own records, reasons from its output.
 */
#include <stdio.h>
#include <string.h>

#include "fake_amdvi.h"
#include "fake_devices.h"
#include "fake_smmuv3.h"
#include "fake_vtd.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "suite/suite.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "pci/pci_regs.h"

#define BAR0 0xfebc0000u

/*
 * Outside strict translation the fault cases would aim at an address with
 * nothing behind it, which they do only with --unclaimed-dma (a lab host
 * with firmware-first AER may reset on it); without it, as here, they skip
 * saying so, naming the mode.
 */
#define NO_TARGET "(--unclaimed-dma allows it)"

/* Every "ok N name # SKIP reason" line of the case gives reason `why`
 * (and, with outside_strict, names a mode other than strict); true when
 * there was at least one. */
static bool skip_lines_say(const char *name, const char *why, bool outside_strict)
{
	char want[KP_NAME_MAX + 16];
	unsigned n = 0;

	snprintf(want, sizeof(want), " %s # SKIP ", name);
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *at = strstr(fake_output_line(i), want);
		if (!at)
			continue;
		n++;
		if (!strstr(at, why) || (outside_strict && !strstr(at, "mode off") &&
					 !strstr(at, "mode passthrough")))
			return false;
	}
	return n > 0;
}

/* The runner's skip of a case in mode m, outside the modes its row names. */
static bool mode_skip_said(const char *name, enum iommu_mode m)
{
	char want[KP_NAME_MAX + 64], mode[32];

	snprintf(want, sizeof(want), " %s # SKIP only meaningful under iommu=", name);
	snprintf(mode, sizeof(mode), "(mode %s)", iommu_mode_name(m));
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *at = strstr(fake_output_line(i), want);
		if (at && strstr(at, mode))
			return true;
	}
	return false;
}

static bool skips_say(const char *name, const char *why)
{
	return skip_lines_say(name, why, true);
}

/*
 * Skips that are the truth about a personality, with the words they must
 * give: on QEMU a read fault does not wedge the engine, so
 * fault_recovery_needs_flr cannot show that FLR is needed (on silicon it
 * must pass). Any other skip under strict fails the run.
 */
static const struct {
	const char *name;
	enum model_personality pers;
	const char *why;
} personality_skips[] = {
	{ "fault_recovery_needs_flr", MODEL_QEMU, "the read fault did not wedge the engine" },
	/* and of this machine: one port, nothing to pair it with
	 * (test_port_pair.c cables two and more) */
	{ "port_pair", MODEL_QEMU, "no port pair found: the only 82576 port under test" },
	{ "port_pair", MODEL_SILICON, "no port pair found: the only 82576 port under test" },
};

/* The case's skip is allowed for this personality, and gave the reason. */
static bool personality_skip(const char *name, enum model_personality pers)
{
	char want[KP_NAME_MAX + 16];

	snprintf(want, sizeof(want), " %s # SKIP ", name);
	for (size_t i = 0; i < ARRAY_SIZE(personality_skips); i++) {
		if (strcmp(personality_skips[i].name, name) || personality_skips[i].pers != pers)
			continue;
		for (unsigned l = 0; l < fake_output_nlines(); l++) {
			const char *at = strstr(fake_output_line(l), want);
			if (at && strstr(at, personality_skips[i].why))
				return true;
		}
	}
	return false;
}

static void add_vtd(void)
{
	fake_vtd_add(FAKE_VTD_BASE);
}

static void add_amdvi(void)
{
	fake_amdvi_add(FAKE_AMDVI_BASE);
}

static void add_smmuv3(void)
{
	fake_smmuv3_add(FAKE_SMMUV3_BASE);
}

static void run_registry(enum model_personality pers, void (*add_unit)(void))
{
	static struct kp_doc d;
	struct fake_82576 p;
	unsigned modes, passes[64] = { 0 };
	char v[512];
	int status;

	add_unit();
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, pers);
	status = igbtest_run(NULL, NULL);
	if (!kp_parse(&d)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", d.problem);
	}
	REQUIRE(suite_case_count() <= ARRAY_SIZE(passes));
	/* one record per case in every IOMMU mode: the fake unit offers all */
	REQUIRE(suite_record_count() % suite_case_count() == 0);
	modes = suite_record_count() / suite_case_count();
	CHECK_EQ(modes, IOMMU_NMODES);
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);
		const char *name = r->tc->name;

		harness_note("%s personality: case %s (record %u)",
			     model_personality_name(pers), name, i);
		/* a mode-independent case runs in mode off only, and every
		 * other mode's block says where its result is; a skip is
		 * otherwise the registry's mode restriction or the fake's
		 * missing fault target, both outside strict */
		if (r->tc->modes & MODE_INDEPENDENT)
			CHECK(r->mode == IOMMU_OFF ? r->result == KTAP_PASS :
			      r->result == KTAP_SKIP &&
			      skip_lines_say(name, MODE_INDEPENDENT_SKIP "off", false));
		else if (r->result == KTAP_SKIP && !(r->tc->modes & MODE(r->mode)))
			CHECK(mode_skip_said(name, r->mode));
		else if (r->result == KTAP_SKIP && r->mode == IOMMU_STRICT)
			CHECK(personality_skip(name, pers));
		else if (r->result == KTAP_SKIP)
			CHECK(skips_say(name, NO_TARGET) || personality_skip(name, pers));
		else if (!CHECK_EQ(r->result, KTAP_PASS))
			fake_output_dump();
		passes[i % suite_case_count()] += r->result == KTAP_PASS;
	}
	/* only a MODE_INDEPENDENT case skips as one */
	for (unsigned i = 0; i < suite_case_count(); i++) {
		char want[KP_NAME_MAX + 64];

		if (suite_case(i)->modes & MODE_INDEPENDENT)
			continue;
		snprintf(want, sizeof(want), " %s # SKIP " MODE_INDEPENDENT_SKIP,
			 suite_case(i)->name);
		CHECK(!fake_output_contains(want));
	}
	/* every case passed in some mode (the strict-only ones under strict) */
	for (unsigned i = 0; i < suite_case_count(); i++) {
		harness_note("%s personality: case %s", model_personality_name(pers),
			     suite_case(i)->name);
		CHECK(passes[i] >= 1 || personality_skip(suite_case(i)->name, pers));
	}
	harness_note("%s personality", model_personality_name(pers));
	CHECK_EQ(status, IGBTEST_EXIT_PASS);
	model_describe_violations(p.model, v, sizeof(v));
	CHECK_STREQ(v, "");
	CHECK_EQ(model_violations(p.model), 0);
	CHECK(!p.model->wedged);
	/* Silicon's faulting reads log a completion timeout, which the fault
	 * cases declare: said, not failed. */
	if (pers == MODEL_SILICON)
		CHECK(fake_output_contains("memcpy_from_unmapped_iova: PCIe errors expected "
					   "(the DMA fault): device: DEVSTA 0x2 (non-fatal); "
					   "AER UE 0x4000 (completion timeout)"));
	CHECK(p.model->frames_rx > 0);
	CHECK_EQ(p.model->frames_to_wire, 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
	/* quiesced: bus mastering off, receive and transmit off */
	CHECK_EQ(fake_get16(p.fn, PCI_COMMAND) & PCI_COMMAND_MASTER, 0);
	CHECK_EQ(p.bar0->regs[IGB_RCTL / 4] & IGB_RCTL_EN, 0);
	CHECK_EQ(p.bar0->regs[IGB_TCTL / 4] & IGB_TCTL_EN, 0);
	/* the link left to an OS (Linux igb_loopback_cleanup): PHY out of
	 * loopback and reset since, autoneg on, the MAC not forced */
	CHECK_EQ(p.model->phy[IGB_PHY_BMCR] & (IGB_BMCR_LOOPBACK | IGB_BMCR_AUTONEG_EN),
		 IGB_BMCR_AUTONEG_EN);
	CHECK(pers == MODEL_QEMU || !p.model->phy_looped);
	CHECK_EQ(p.bar0->regs[IGB_CTRL / 4] & (IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX), 0);
	harness_note("%s", "");
}

TEST(model_registry_qemu)
{
	run_registry(MODEL_QEMU, add_vtd);
}

TEST(model_registry_silicon)
{
	run_registry(MODEL_SILICON, add_vtd);
}

TEST(model_registry_amdvi_qemu)
{
	run_registry(MODEL_QEMU, add_amdvi);
}

TEST(model_registry_amdvi_silicon)
{
	run_registry(MODEL_SILICON, add_amdvi);
}

TEST(model_registry_smmuv3_qemu)
{
	run_registry(MODEL_QEMU, add_smmuv3);
}

TEST(model_registry_smmuv3_silicon)
{
	run_registry(MODEL_SILICON, add_smmuv3);
}

/*
 * A function without FLR (DEVCAP.FLR clear): cap_pcie_flr fails once, in
 * mode off (it is mode-independent: the other modes point there); every
 * case that depends on FLR skips saying so and naming cap_pcie_flr (the
 * registry's NEEDS_FLR rows, and mix_and_match under strict, whose fault
 * step needs it); nothing else fails.
 */
TEST(model_missing_flr_fails_once)
{
	struct fake_82576 p;
	unsigned fails = 0, modes = 0, mix_skipped = 0;

	fake_vtd_add(FAKE_VTD_BASE);
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, MODEL_SILICON);
	fake_set32(p.fn, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCAP,
		   fake_get32(p.fn, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCAP) & ~PCI_EXP_DEVCAP_FLR);
	CHECK_EQ(igbtest_run(NULL, NULL), IGBTEST_EXIT_FAIL);
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);
		const char *name = r->tc->name;
		bool flr_dep = (r->tc->needs & NEEDS_FLR) ||
			       (!strcmp(name, "mix_and_match") && r->mode == IOMMU_STRICT);

		harness_note("case %s, mode %s", name, iommu_mode_name(r->mode));
		if (!strcmp(name, "cap_pcie_flr")) {
			modes++;
			CHECK_EQ(r->result, r->mode == IOMMU_OFF ? KTAP_FAIL : KTAP_SKIP);
		} else if (flr_dep) {
			CHECK_EQ(r->result, KTAP_SKIP);
			mix_skipped += !strcmp(name, "mix_and_match");
		} else {
			CHECK(r->result != KTAP_FAIL);
		}
		fails += r->result == KTAP_FAIL;
	}
	harness_note("%s", "");
	CHECK_EQ(modes, 3);
	CHECK_EQ(fails, 1);
	CHECK(fake_output_contains("cap_pcie_flr # SKIP " MODE_INDEPENDENT_SKIP "off"));
	CHECK_EQ(mix_skipped, 1);
	CHECK(fake_output_contains("flr_idle # SKIP " TEST_NO_FLR));
	CHECK(fake_output_contains("flr_repeat # SKIP " TEST_NO_FLR));
	CHECK(fake_output_contains("mix_and_match # SKIP " TEST_NO_FLR));
}

/*
 * Issue 12 item 12: outside strict the fault cases DMA to an address with
 * nothing behind it (an Unsupported Request at the root complex; with
 * firmware-first AER, possibly an NMI or a host reset) only when the user
 * asked with --unclaimed-dma. Without it each skips naming the risk and
 * the option, nothing reaches the address and nothing fails; with it they
 * run against the address the firmware's map proves unbacked, and the
 * model sees the Unsupported Requests.
 */
#define UNBACKED 0x00f000000000ull /* no allocation can be there */

static void run_unclaimed(enum model_personality pers, bool allow)
{
	static const char *const fault_cases[] = {
		"memcpy_from_unmapped_iova", "memcpy_to_unmapped_iova",
		"fault_recovery_needs_flr",
	};
	const char *argv[] = {
		"--iommu=off,passthrough", "--only=memcpy_from_unmapped_iova,"
		"memcpy_to_unmapped_iova,fault_recovery_needs_flr", "--unclaimed-dma",
	};
	static struct options o;
	struct fake_82576 p;
	unsigned ran = 0;
	int status;

	options_defaults(&o);
	REQUIRE(options_parse_argv(&o, allow ? 3 : 2, argv) == RC_OK);
	REQUIRE(!fake_dma_ptr(UNBACKED, PLAT_PAGE_SIZE));
	fake_set_unbacked(UNBACKED);
	fake_vtd_add(FAKE_VTD_BASE);
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, pers);
	status = igbtest_run(&o, NULL);
	CHECK_EQ(suite_record_count(), 2 * ARRAY_SIZE(fault_cases));
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);

		harness_note("%s personality, %s: %s in mode %s",
			     model_personality_name(pers), allow ? "allowed" : "not allowed",
			     r->tc->name, iommu_mode_name(r->mode));
		if (!allow)
			CHECK_EQ(r->result, KTAP_SKIP);
		else if (pers == MODEL_QEMU && !strcmp(r->tc->name, "fault_recovery_needs_flr"))
			CHECK(r->result == KTAP_SKIP && fake_output_contains(
				" fault_recovery_needs_flr # SKIP the copy from an unbacked "
				"address completed: this platform does not signal DMA read errors"));
		else
			CHECK_EQ(r->result, KTAP_PASS);
		ran += r->result == KTAP_PASS;
	}
	for (size_t k = 0; !allow && k < ARRAY_SIZE(fault_cases); k++) {
		harness_note("%s skips", fault_cases[k]);
		CHECK(skips_say(fault_cases[k], "firmware-first AER (--unclaimed-dma allows it)"));
	}
	harness_note("%s personality, %s", model_personality_name(pers),
		     allow ? "allowed" : "not allowed");
	/* a skip is never the NIC's failure */
	if (!CHECK(allow ? status == IGBTEST_EXIT_PASS : status != IGBTEST_EXIT_FAIL))
		fake_output_dump();
	/* the address was reached exactly when allowed */
	CHECK_EQ(p.model->unsupported_requests > 0, allow);
	CHECK_EQ(ran > 0, allow);
	CHECK_EQ(model_violations(p.model), 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(unclaimed_dma_skips_without_the_option_qemu)
{
	run_unclaimed(MODEL_QEMU, false);
}

TEST(unclaimed_dma_skips_without_the_option_silicon)
{
	run_unclaimed(MODEL_SILICON, false);
}

TEST(unclaimed_dma_runs_with_the_option_qemu)
{
	run_unclaimed(MODEL_QEMU, true);
}

TEST(unclaimed_dma_runs_with_the_option_silicon)
{
	run_unclaimed(MODEL_SILICON, true);
}

/*
 * Issue 12 item 9: while the manageability firmware forbids PHY resets
 * (MANC.BLK_PHY_RST_ON_IDE: a Serial-over-LAN or IDE-redirection session)
 * every case that rests on PHY loopback skips saying so, as Linux
 * igb_loopback_test() runs none then (igb_check_reset_block); the others
 * run, the PHY is never reset or looped, no frame is sent, and nothing is
 * the NIC's failure.
 */
static void run_blocked(enum model_personality pers)
{
	const char *argv[] = {
		"--iommu=off", "--only=phy_id,register_pattern,link_loopback_up,"
		"loopback_frames,memcpy_success",
	};
	static struct options o;
	struct fake_82576 p;
	int status;

	options_defaults(&o);
	REQUIRE(options_parse_argv(&o, 2, argv) == RC_OK);
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, pers);
	model_mng_session(p.model, true);
	status = igbtest_run(&o, NULL);
	REQUIRE(suite_record_count() == 5);
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);
		char want[160];

		harness_note("%s personality: %s", model_personality_name(pers), r->tc->name);
		if (!(r->tc->needs & NEEDS_LINK)) {
			CHECK_EQ(r->result, KTAP_PASS);
			continue;
		}
		CHECK_EQ(r->result, KTAP_SKIP);
		snprintf(want, sizeof(want), " %s # SKIP needs PHY loopback, which the NIC's "
			 "firmware forbids now (MANC.BLK_PHY_RST_ON_IDE", r->tc->name);
		CHECK(fake_output_contains(want));
	}
	harness_note("%s personality", model_personality_name(pers));
	if (!CHECK_EQ(status, IGBTEST_EXIT_PASS))
		fake_output_dump();
	CHECK_EQ(model_violations(p.model), 0);
	CHECK_EQ(p.model->frames_tx, 0);
	CHECK_EQ(p.model->phy[IGB_PHY_BMCR] & (IGB_BMCR_LOOPBACK | IGB_BMCR_RESET), 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(phy_reset_blocked_skips_loopback_cases_qemu)
{
	run_blocked(MODEL_QEMU);
}

TEST(phy_reset_blocked_skips_loopback_cases_silicon)
{
	run_blocked(MODEL_SILICON);
}
