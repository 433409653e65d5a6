/*
 * test_model_faults.c - faults the model injects and QEMU cannot: MDIC
 * never ready, a wrong NVM checksum, a link that never comes up, an RX
 * write-back that never comes, and the device turning into all-ones
 * (surprise removal) in the middle of a copy. For each, a whole run: the
 * case that meets the fault fails with a clear diagnostic, no case takes
 * longer than it does in a clean run plus the bound of the wait the fault
 * runs into, and the run goes on to the end (every case reported, totals,
 * exit status), leaving nothing allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "suite/suite.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "pci/pci_regs.h"

#define BAR0 0xfebc0000u

static struct kp_doc doc;

static struct model_igb *machine(enum model_personality pers)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	return fake_82576_add_as(1, 0, 0, BAR0, pers).model;
}

/* The whole run; it must end with every case reported and the status. */
static void run_to(int want)
{
	int status = igbtest_run(NULL, NULL);
	char line[64];

	if (!kp_parse(&doc)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", doc.problem);
	}
	CHECK_EQ(status, want);
	REQUIRE(doc.nb == 1);
	CHECK_EQ(doc.b[0].n, suite_case_count());
	CHECK(doc.totals);
	snprintf(line, sizeof(line), "# igbtest: exit status %d (%s)", want, exit_meaning(want));
	CHECK(fake_output_contains(line));
	CHECK_EQ(fake_dma_outstanding(), 0);
}

/* ... ending in a failure. */
static void run(void)
{
	run_to(IGBTEST_EXIT_FAIL);
}

/* Milliseconds a case took, from the runner's "NAME took N ms" (printed
 * from 100 ms on; 0 below that). */
static unsigned long case_ms(const char *name)
{
	char want[KP_NAME_MAX + 8];

	snprintf(want, sizeof(want), "# %s took ", name);
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *at = strstr(fake_output_line(i), want);
		if (at)
			return strtoul(at + strlen(want), NULL, 10);
	}
	return 0;
}

/* Each case's time in a clean run, per personality: simulated time, so
 * the same every run; measured once. */
static unsigned long clean_ms[2][KP_MAX_CASES];
static bool have_clean[2];

static void baseline(enum model_personality pers)
{
	if (have_clean[pers])
		return;
	REQUIRE(suite_case_count() <= KP_MAX_CASES);
	machine(pers);
	igbtest_run(NULL, NULL);
	for (unsigned i = 0; i < suite_case_count(); i++)
		clean_ms[pers][i] = case_ms(suite_case(i)->name);
	have_clean[pers] = true;
	fake_reset();
}

/* No case took longer than in the clean run plus extra_ms. */
static void all_within(enum model_personality pers, unsigned long extra_ms)
{
	for (unsigned i = 0; i < suite_case_count(); i++) {
		const char *name = suite_case(i)->name;
		unsigned long bound = clean_ms[pers][i] + extra_ms;
		harness_note("case %s: %lu ms, bound %lu ms", name, case_ms(name), bound);
		CHECK(case_ms(name) <= bound);
	}
	harness_note("%s", "");
}

/* Case name failed, with a diagnostic line containing text. */
static void failed_with(const char *name, const char *text)
{
	char prefix[KP_NAME_MAX + 4];
	bool found = false;

	harness_note("case %s, expecting \"%s\"", name, text);
	CHECK_EQ(kp_verdict_of(&doc.b[0], name), KP_NOT_OK);
	snprintf(prefix, sizeof(prefix), "# %s: ", name);
	for (unsigned i = 0; i < fake_output_nlines() && !found; i++) {
		const char *l = fake_output_line(i);
		found = strstr(l, prefix) && strstr(l, text);
	}
	if (!CHECK(found))
		fake_output_dump();
	harness_note("%s", "");
}

/* MDIC never ready: every PHY access runs into its 100 ms bound (Linux's
 * 1920 x 50 us), so the PHY case and every case needing the link fail;
 * each costs at most one MDIC timeout more than a clean init. */
TEST(model_fault_mdic_never_ready)
{
	baseline(MODEL_SILICON);
	model_inject(machine(MODEL_SILICON), MODEL_FAULT_MDIC_NEVER_READY);
	run();
	failed_with("phy_id", "MDIC read: timed out");
	failed_with("link_loopback_up", "driver init failed: timed out");
	failed_with("memcpy_success", "driver init failed: timed out");
	CHECK_EQ(kp_verdict_of(&doc.b[0], "nvm_checksum"), KP_OK);
	all_within(MODEL_SILICON, 200);
}

TEST(model_fault_nvm_checksum)
{
	model_inject(machine(MODEL_QEMU), MODEL_FAULT_NVM_CHECKSUM);
	run();
	failed_with("nvm_checksum", "NVM checksum 0xbabb, expected 0xbaba");
	CHECK_EQ(kp_verdict_of(&doc.b[0], "nvm_mac_address"), KP_OK);
	CHECK_EQ(kp_verdict_of(&doc.b[0], "memcpy_success"), KP_OK);
}

/* Link never up: each init waits its 2 s bound (4x QEMU's 500 ms), after
 * the 50 ms PHY loopback settle that the time is counted from. */
TEST(model_fault_link_never_up)
{
	baseline(MODEL_QEMU);
	model_inject(machine(MODEL_QEMU), MODEL_FAULT_LINK_NEVER_UP);
	run();
	failed_with("link_loopback_up", "no link after 2050 ms");
	failed_with("send_msi", "no link after 2050 ms");
	failed_with("link_partner", "autonegotiation completed");
	CHECK_EQ(kp_verdict_of(&doc.b[0], "phy_id"), KP_OK);
	/* Each waits at most its link bound: the loopback link's 2.05 s,
	 * link_partner's 5 s (Linux igb_link_test). */
	for (unsigned i = 0; i < suite_case_count(); i++)
		if (!strcmp(suite_case(i)->name, "link_loopback_up"))
			CHECK(case_ms("link_loopback_up") <= clean_ms[MODEL_QEMU][i] + 2100);
	all_within(MODEL_QEMU, IGB_AUTONEG_TIMEOUT_US / 1000 + 100);
}

/* The data lands but DD never does: each copy fails after its completion
 * bound (20 ms for one small frame, 1.8 s for the storm's 36 MB batch),
 * then the driver recovers by FLR and re-init (QEMU's 500 ms link, 550 ms
 * with the PHY settle) and the run goes on; the case after a failed one
 * starts from a fresh init (another 550 ms). */
TEST(model_fault_rx_writeback_never_comes)
{
	baseline(MODEL_QEMU);
	model_inject(machine(MODEL_QEMU), MODEL_FAULT_NO_RX_WRITEBACK);
	run();
	failed_with("memcpy_success", "no completion after 20000 us: 0 of 1 frames had DD");
	failed_with("memcpy_success", "recovered by FLR");
	failed_with("loopback_frames", "no completion after");
	CHECK_EQ(kp_verdict_of(&doc.b[0], "send_msi"), KP_OK);
	CHECK(case_ms("memcpy_success") <= 1000);
	all_within(MODEL_QEMU, 3100);
}

/* Removed in the middle of a copy (surprise removal): that copy times
 * out; a device whose config space reads all-ones is gone, so no FLR is
 * tried (it would only sit out its own bounds); the case's failure is the
 * removal, every later case skips with it, and the run still ends properly
 * with the removal's exit status. */
static void skipped_with(const char *name, const char *text)
{
	char want[KP_NAME_MAX + 64];

	harness_note("case %s, expecting a skip \"%s\"", name, text);
	CHECK_EQ(kp_verdict_of(&doc.b[0], name), KP_SKIP);
	snprintf(want, sizeof(want), "ok "); /* the skip's reason is on its line */
	bool found = false;
	for (unsigned i = 0; i < fake_output_nlines() && !found; i++) {
		const char *l = fake_output_line(i);
		found = strstr(l, want) && strstr(l, name) && strstr(l, "# SKIP") &&
			strstr(l, text);
	}
	CHECK(found);
	harness_note("%s", "");
}

static void removal(enum model_personality pers)
{
	struct model_igb *g;

	baseline(pers);
	g = machine(pers);
	model_remove_after_tdt(g, 3);
	run_to(IGBTEST_EXIT_REMOVED);
	CHECK(g->removed);
	failed_with("memcpy_success", "device removed during memcpy_success: config space "
		    "reads all-ones, found when a copy timed out; the case said: ");
	CHECK(fake_output_has("    # recovery: not tried, the device was removed"));
	skipped_with("loopback_frames", "device removed during memcpy_success");
	skipped_with("send_msi", "device removed during memcpy_success");
	/* no FLR waits on a device that is gone: one copy bound at most */
	all_within(pers, 100);
}

TEST(model_fault_removed_mid_copy_qemu)
{
	removal(MODEL_QEMU);
}

TEST(model_fault_removed_mid_copy_silicon)
{
	removal(MODEL_SILICON);
}
