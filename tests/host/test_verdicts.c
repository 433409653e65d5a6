/*
 * test_verdicts.c - verdicts under faults that are nobody's failure on the
 * NIC: a device removed mid-run (gone means gone: one failure naming the
 * removal, its later cases skip "device removed", no FLR, nothing more
 * written, the other devices go on, exit status 5), on both personalities
 * (QEMU's removed BAR reads 0, silicon's all-ones).
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "pci/pci_regs.h"
#include "suite/suite.h"

static struct options o;
static struct kp_doc doc;

static int run(const char *args)
{
	options_defaults(&o);
	REQUIRE(options_parse_cmdline(&o, args, strlen(args)) == RC_OK);
	int status = igbtest_run(&o, NULL);
	if (!kp_parse(&doc)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", doc.problem);
	}
	return status;
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
