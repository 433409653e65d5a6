/*
 * test_verdicts.c - verdicts under faults that are nobody's failure on the
 * NIC: a device removed mid-run (gone means gone: one failure naming the
 * removal, its later cases skip "device removed", no FLR, nothing more
 * written, the other devices go on, exit status 5), on both personalities
 * (QEMU's removed BAR reads 0, silicon's all-ones); and a host that
 * cannot run a case (firmware left BAR0 unassigned, memory decode refused,
 * too little DMA memory): "not tested" as a skip with the reason, never a
 * failed NIC, exit status 3 when nothing at all could be tested, and the
 * cases that can use less memory (ring_wrap, memcpy_storm) using less.
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "model_test.h"
#include "pci/pci_regs.h"
#include "suite/suite.h"

static struct kp_doc doc;

static int run(const char *args)
{
	return mt_run(&doc, args);
}

/* Two 82576s, each behind its own root port: 01:00.0 and 02:00.0. */
static struct model_igb *two_devices(enum model_personality pers)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_bridge_add(0, 3, 0, 2, 2, PCI_EXP_TYPE_ROOT_PORT);
	struct model_igb *g = fake_82576_add_as(1, 0, 0, 0xfebc0000u, pers).model;
	fake_82576_add_as(2, 0, 0, 0xfeb00000u, pers);
	return g;
}

/* The slot of 01:00.0 loses power 1 s into flr_repeat (its FLR cycles
 * take 0.6 s and more each): mid-case, between two of its steps. */
static void unplug_in_flr_repeat(const char *line, void *ctx)
{
	if (strstr(line, "# result: 0000-01-00.0.off.flr_idle "))
		model_remove_at(ctx, fake_now_us() + 1000000);
}

/* Config writes that reached a function reading all-ones: none may. */
static unsigned writes_while_gone(struct pci_bdf bdf)
{
	unsigned n, k = 0;
	const struct fake_cfg_write *w = fake_cfg_log(&n);

	for (unsigned i = 0; i < n; i++)
		k += fake_bdf_eq(w[i].bdf, bdf) && w[i].cmd == 0xffff;
	return k;
}

#define REMOVAL_CASES "identify,memcpy_success,flr_idle,flr_repeat,memcpy_to_unmapped_iova," \
	"fault_recovery_needs_flr"

static void removed_mid_case(enum model_personality pers)
{
	struct model_igb *g = two_devices(pers);
	unsigned not_ok = 0;

	fake_on_output(unplug_in_flr_repeat, g);
	CHECK_EQ(run("--iommu=off --only=" REMOVAL_CASES), IGBTEST_EXIT_REMOVED);
	REQUIRE(g->removed);
	REQUIRE(doc.nb == 2);
	/* Exactly one failure, in the case it left during, naming it. */
	for (unsigned i = 0; i < doc.b[0].n; i++)
		not_ok += doc.b[0].c[i].v == KP_NOT_OK;
	CHECK_EQ(not_ok, 1);
	CHECK_EQ(kp_verdict_of(&doc.b[0], "flr_repeat"), KP_NOT_OK);
	CHECK(fake_output_contains("# flr_repeat: device removed during flr_repeat: config "
				   "space reads all-ones, found "));
	CHECK(fake_output_contains("# result: 0000-01-00.0.off.flr_repeat removed "));
	CHECK(!fake_output_contains("recovery by FLR failed"));
	/* The cases before it passed; the ones after skip, saying why. */
	CHECK_EQ(kp_verdict_of(&doc.b[0], "flr_idle"), KP_OK);
	CHECK(fake_output_contains("ok 5 memcpy_to_unmapped_iova # SKIP device removed during "
				   "flr_repeat (config space reads all-ones)"));
	CHECK(fake_output_contains("ok 6 fault_recovery_needs_flr # SKIP device removed "
				   "during flr_repeat"));
	/* No FLR and nothing else written once it was gone. */
	CHECK_EQ(writes_while_gone(fake_bdf(1, 0, 0)), 0);
	/* The other device went on: all of it ran, nothing failed. */
	CHECK_EQ(doc.b[1].n, 6);
	for (unsigned i = 0; i < doc.b[1].n; i++) {
		harness_note("02:00.0 %s", doc.b[1].c[i].name);
		CHECK(doc.b[1].c[i].v != KP_NOT_OK);
	}
	CHECK_EQ(kp_verdict_of(&doc.b[1], "flr_repeat"), KP_OK);
	/* Its own outcome in the summary, the records (JSON) and the exit. */
	CHECK(fake_output_contains(" passed, 0 failed, "));
	CHECK(fake_output_contains(" skipped, 1 removed; "));
	CHECK(fake_output_contains("  0000:01:00.0  off          flr_repeat                 "
				   "REMOVED"));
	CHECK(fake_output_contains("# igbtest: exit status 5 (a device was removed)"));
	unsigned removed = 0;
	for (unsigned i = 0; i < suite_record_count(); i++)
		removed += suite_record(i)->removed;
	CHECK_EQ(removed, 1);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(verdict_removed_mid_case_qemu)
{
	removed_mid_case(MODEL_QEMU);
}

TEST(verdict_removed_mid_case_silicon)
{
	removed_mid_case(MODEL_SILICON);
}

/* Whether "# <text>" is a diagnostic inside block b (not above it). */
static bool in_block(const struct kp_block *b, const char *text)
{
	for (unsigned i = b->first_line; i <= b->last_line && i < fake_output_nlines(); i++)
		if (strstr(fake_output_line(i), text))
			return true;
	return false;
}

/* The firmware left one 82576's BAR0 unassigned and the platform refuses
 * to turn on another's memory decode: both are the host's doing. Their
 * BAR0 and link cases are not tested (skips with the reason), never
 * failed; what needs only config space still runs; "memory decode was
 * off" is said inside the device's block. */
static struct fake_82576 host_problems(void)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_bridge_add(0, 3, 0, 2, 2, PCI_EXP_TYPE_ROOT_PORT);
	fake_bridge_add(0, 4, 0, 3, 3, PCI_EXP_TYPE_ROOT_PORT);
	fake_82576_add(1, 0, 0, 0);                       /* BAR0 unassigned */
	struct fake_82576 refused = fake_82576_add(2, 0, 0, 0xfeb00000u);
	fake_set16(refused.fn, PCI_COMMAND, 0x0000);
	refused.fn->enable_rc = RC_ENOTSUP;
	struct fake_82576 off = fake_82576_add(3, 0, 0, 0xfea00000u);
	fake_set16(off.fn, PCI_COMMAND, PCI_COMMAND_IO); /* decode off, enabling works */
	return off;
}

TEST(verdict_bar0_host_problems_not_tested)
{
	host_problems();
	CHECK_EQ(run("--iommu=off"), IGBTEST_EXIT_PASS);
	REQUIRE(doc.nb == 3);
	/* Each case: test_suite.c (suite_unassigned_bar0_..., suite_decode_refused). */
	CHECK(fake_output_contains("ok 2 bar0_mmio_128k # SKIP not tested: BAR0 is unassigned "
				   "(address 0)"));
	CHECK(fake_output_contains(" memcpy_success # SKIP not tested: memory decode is off and "
				   "could not be enabled: not supported"));
	CHECK_EQ(kp_verdict_of(&doc.b[1], "bar0_mmio_128k"), KP_SKIP);
	CHECK_EQ(kp_verdict_of(&doc.b[0], "identify"), KP_OK);
	CHECK_EQ(kp_verdict_of(&doc.b[1], "cap_msix"), KP_OK);
	CHECK_EQ(doc.fail, 0);
	/* The third 82576 had decode off and got it on: said in its block. */
	CHECK(in_block(&doc.b[2], "# 0000:03:00.0: memory decode was off; enabled for BAR0"));
	CHECK(!in_block(&doc.b[0], "memory decode was off"));
	CHECK_EQ(kp_verdict_of(&doc.b[2], "memcpy_success"), KP_OK);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

/* Nothing at all could be tested: exit status 3, not a pass, not a fail. */
TEST(verdict_nothing_testable_exit_3)
{
	host_problems();
	CHECK_EQ(run("--iommu=off --only=memcpy_success,send_msi,register_pattern "
		      "--device=01:00.0,02:00.0"), IGBTEST_EXIT_ERROR);
	CHECK_EQ(doc.fail, 0);
	CHECK_EQ(doc.pass, 0);
	CHECK(fake_output_contains("# igbtest: exit status 3 (could not run)"));
}

/* A host short of DMA memory (2 MiB in all): memcpy_success's 2 x 4 MiB
 * is not tested; ring_wrap and memcpy_storm copy less and pass, saying
 * so; nothing fails. */
TEST(verdict_short_of_dma_memory_sizes_down)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_82576_add(1, 0, 0, 0xfebc0000u);
	fake_dma_cap(2u << 20);
	CHECK_EQ(run("--iommu=off --storm-mib=16 --only=link_loopback_up,memcpy_success,"
		      "ring_wrap,memcpy_storm"), IGBTEST_EXIT_PASS);
	CHECK(fake_output_contains("ok 2 memcpy_success # SKIP not tested: cannot allocate "
				   "8388992 bytes of DMA memory: out of memory"));
	CHECK_EQ(kp_verdict_of(&doc.b[0], "ring_wrap"), KP_OK);
	CHECK(fake_output_contains("# ring_wrap: the host has too little DMA memory for "
				   "2 x 8406208 bytes: copies of "));
	CHECK(fake_output_contains("# ring_wrap: 8209 frames through 4096-entry rings"));
	CHECK_EQ(kp_verdict_of(&doc.b[0], "memcpy_storm"), KP_OK);
	CHECK(fake_output_contains("# memcpy_storm: the host has too little DMA memory for "));
	CHECK(fake_output_contains(" MiB moved") || fake_output_contains("16 MiB in "));
	CHECK_EQ(doc.fail, 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

/* Below a case's stated minimum it is not tested, naming what it needs;
 * with nothing else selected the run could not test anything: exit 3. */
TEST(verdict_below_minimum_not_tested)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_82576_add(1, 0, 0, 0xfebc0000u);
	fake_dma_cap(200u << 10);
	CHECK_EQ(run("--iommu=off --only=ring_wrap,memcpy_storm"), IGBTEST_EXIT_ERROR);
	CHECK(fake_output_contains("ok 1 ring_wrap # SKIP not tested: needs 2 x 65728 bytes "
				   "of DMA memory (copies of 65536 bytes, its least), the host "
				   "has less: out of memory"));
	CHECK(fake_output_contains("ok 2 memcpy_storm # SKIP not tested: needs 2 x "));
	CHECK_EQ(doc.fail, 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}
