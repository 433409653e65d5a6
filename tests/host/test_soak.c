/*
 * test_soak.c - soaks on the 82576 model behind the fake VT-d unit, in
 * simulated time: a round is every selected case on the device in every
 * mode; --repeat and --duration count rounds of the whole run; the line
 * after each round gives igbtest's own resource use, which must not grow
 * after the first round however many rounds run.
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "fake_vtd.h"
#include "harness.h"
#include "dma/iommu.h"
#include "dma/vtd.h"
#include "igbtest.h"
#include "model_test.h"
#include "pci/pci_regs.h"
#include "suite/suite.h"

#define BAR0 0xfebc0000u
/* Cases that allocate DMA buffers, rings and the MSI-X page, map them
 * under strict, and bring the driver up and down: what could leak. */
#define SOAK_CASES "identify,link_loopback_up,send_msi,memcpy_from_unmapped_iova"
#define SOAK_NCASES 4
#define SOAK_MODES 2 /* off, strict */

static struct fake_82576 machine(void)
{
	fake_vtd_add(FAKE_VTD_BASE);
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	return fake_82576_add_as(1, 0, 0, BAR0, MODEL_QEMU);
}

static int run(const char *args)
{
	return mt_run(NULL, args);
}

/* One "# round N: ..." line as numbers. */
struct round_line {
	unsigned round;
	double took_s, run_s;
	unsigned buffers, vtd, vtd_peak, records;
	unsigned long long pages, pages_peak, free_kib;
};

static bool parse_round(const char *line, struct round_line *r)
{
	const char *at = strstr(line, "# round "), *held = strstr(line, "; held: ");

	return at && held &&
	       sscanf(at, "# round %u: %lf s, run %lf s", &r->round, &r->took_s,
		      &r->run_s) == 3 &&
	       sscanf(held, "; held: %u DMA buffers, %llu DMA pages (peak %llu), %u IOMMU "
		      "table pages (peak %u), %u records; firmware free memory %llu KiB",
		      &r->buffers, &r->pages, &r->pages_peak, &r->vtd, &r->vtd_peak,
		      &r->records, &r->free_kib) == 7;
}

/* Every round line in order; fails on a gap. Returns how many. */
static unsigned round_lines(struct round_line *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		struct round_line r;
		if (!strstr(fake_output_line(i), "# round "))
			continue;
		if (!CHECK(parse_round(fake_output_line(i), &r))) {
			harness_note("line: %s", fake_output_line(i));
			return n;
		}
		REQUIRE(n < max);
		CHECK_EQ(r.round, n + 1);
		out[n++] = r;
	}
	return n;
}

/*
 * Nothing grows after the first round: what is held between rounds (DMA
 * buffers and pages, IOMMU table pages, records, the free memory) stays at
 * round 1's figures. The peaks within a round depend on where buffers
 * land (a VT-d page table per 2 MiB region touched); with the fake's
 * allocator recycling, every round from the second on gets round 2's
 * layout (round 1's memory was fresh), so from there the peaks repeat
 * exactly: any drift is a growth.
 */
static void check_no_growth(const struct round_line *rl, unsigned n)
{
	const struct round_line *a = &rl[0], *two = &rl[1];

	for (unsigned i = 1; i < n; i++) {
		const struct round_line *b = &rl[i];
		harness_note("round %u against rounds 1 and 2", b->round);
		if (!CHECK(b->buffers == a->buffers && b->pages == a->pages &&
			   b->vtd == a->vtd && b->records == a->records &&
			   b->free_kib == a->free_kib) ||
		    !CHECK(b->pages_peak == two->pages_peak && b->vtd_peak == two->vtd_peak))
			return;
	}
	harness_note("%s", "");
}

TEST(soak_1000_rounds_do_not_grow)
{
	static struct round_line rl[1100];
	struct fake_82576 p = machine();
	char line[64];

	fake_dma_recycle();

	CHECK_EQ(run("--repeat=1000 -q --iommu=off,strict --only=" SOAK_CASES),
		 IGBTEST_EXIT_PASS);
	REQUIRE(round_lines(rl, ARRAY_SIZE(rl)) == 1000);
	/* The figures are real: round 1 held and mapped something. */
	CHECK(rl[0].pages_peak > VTD_TABLE_PAGES); /* the tables' pool and more */
	CHECK(rl[0].vtd_peak > 3);                 /* strict built page tables */
	CHECK_EQ(rl[0].records, SOAK_NCASES * SOAK_MODES);
	CHECK_EQ(rl[0].buffers, 0); /* nothing held between rounds */
	check_no_growth(rl, 1000);
	/* One top-level plan of rounds; each round every mode, every case. */
	CHECK_LINE("1..1000");
	for (unsigned r = 1; r <= 1000; r += 333) {
		snprintf(line, sizeof(line), "ok %u round %u", r, r);
		CHECK_LINE(line);
	}
	CHECK_EQ(suite_record_count(), SOAK_NCASES * SOAK_MODES);
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);
		harness_note("record %u: %s", i, r->tc->name);
		CHECK_EQ(r->runs, 1000);
		CHECK_EQ(r->fails, 0);
	}
	CHECK_EQ(model_violations(p.model), 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

/*
 * An intermittent fault: the class code reads wrong from the start of
 * round 3 and of round 7 to the start of the next round, so identify
 * fails in those two rounds. identify is mode-independent: it runs in
 * mode off every round, and strict's block points at that result.
 */
static void flaky_class(const char *line, void *ctx)
{
	struct fake_fn *f = ctx;
	unsigned r;

	if (sscanf(line, "  # Subtest: round %u", &r) != 1)
		return;
	fake_set32(f, PCI_CLASS_REVISION, (r == 3 || r == 7 ? 0x0c033000u : 0x02000000u) |
		   (fake_get32(f, PCI_CLASS_REVISION) & 0xff));
}

TEST(soak_intermittent_failure_names_its_rounds)
{
	struct fake_82576 p = machine();
	static char json[16384];
	const struct suite_record *off = NULL, *strict = NULL;

	fake_dma_recycle();
	fake_on_output(flaky_class, p.fn);
	CHECK_EQ(run("--repeat=10 -q --iommu=off,strict --only=identify,link_loopback_up"),
		 IGBTEST_EXIT_FAIL);
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);
		if (!strcmp(r->tc->name, "identify"))
			*(r->mode == IOMMU_OFF ? &off : &strict) = r;
	}
	REQUIRE(off && strict);
	CHECK_EQ(off->runs, 10);
	CHECK_EQ(off->fails, 2);
	CHECK_EQ(off->first_fail_round, 3);
	CHECK_EQ(off->last_fail_round, 7);
	CHECK_EQ(strict->result, KTAP_SKIP);
	CHECK_EQ(strict->fails, 0);
	/* where the lab looks: the result lines, the summary row, the JSON */
	CHECK(fake_output_contains("# result: 0000-01-00.0.off.identify.r3 fail"));
	CHECK(fake_output_contains("# result: 0000-01-00.0.off.identify.r4 pass"));
	CHECK(fake_output_contains("# result: 0000-01-00.0.off.identify.r7 fail"));
	CHECK(fake_output_contains("# result: 0000-01-00.0.strict.identify.r3 skip"));
	CHECK(fake_output_contains("ok 1 identify # SKIP " MODE_INDEPENDENT_SKIP "off"));
	CHECK(fake_output_contains("identify                   FAIL "));
	CHECK(fake_output_contains("  10 runs, 2 failed (rounds 3..7)"));
	CHECK(igbtest_summary_json(json, sizeof(json), IGBTEST_EXIT_FAIL) < sizeof(json));
	CHECK(strstr(json, "\"iommu\": \"off\", \"case\": \"identify\", \"result\": \"fail\", "
		      "\"runs\": 10, \"failed_runs\": 2, \"first_failed_round\": 3, "
		      "\"last_failed_round\": 7,"));
	CHECK(strstr(json, "\"iommu\": \"strict\", \"case\": \"identify\", \"result\": \"skip\""));
	CHECK(strstr(json, "\"iommu\": \"off\", \"case\": \"link_loopback_up\", "
		      "\"result\": \"pass\", \"runs\": 10, \"failed_runs\": 0, "
		      "\"first_failed_round\": 0, \"last_failed_round\": 0,"));
	/* the summary comes once, at the end */
	int at = fake_output_find("# summary: 2 passed, 1 failed, 1 skipped, 0 removed; 0 IOMMU modes not run", 0);
	CHECK(at > fake_output_find("not ok 7 round 7", 0));
	CHECK(at > fake_output_find("ok 10 round 10", 0));
	for (unsigned i = 0; i < fake_output_nlines(); i++)
		CHECK(i == (unsigned)at || !strstr(fake_output_line(i), "# summary:"));
}

/* Without mode off, a mode-independent case runs in the first mode that
 * runs, and the later modes name that one. */
TEST(mode_independent_runs_in_the_first_mode_run)
{
	machine();
	CHECK_EQ(run("-q --iommu=passthrough,strict --only=identify,register_pattern,link_loopback_up"),
		 IGBTEST_EXIT_PASS);
	CHECK(fake_output_contains("# result: 0000-01-00.0.passthrough.identify pass"));
	CHECK(fake_output_contains("# result: 0000-01-00.0.passthrough.register_pattern pass"));
	CHECK(fake_output_contains("ok 1 identify # SKIP " MODE_INDEPENDENT_SKIP "passthrough"));
	CHECK(fake_output_contains("ok 2 register_pattern # SKIP " MODE_INDEPENDENT_SKIP
				   "passthrough"));
	/* a case that is not mode-independent runs in both */
	CHECK(fake_output_contains("# result: 0000-01-00.0.passthrough.link_loopback_up pass"));
	CHECK(fake_output_contains("# result: 0000-01-00.0.strict.link_loopback_up pass"));
}

/* --duration bounds the whole run: rounds start until T has passed since
 * the start, and each finished round ran every mode. */
TEST(soak_duration_bounds_the_run)
{
	static struct round_line rl[200];
	char line[64];
	unsigned n;

	machine();
	fake_dma_recycle();
	CHECK_EQ(run("--duration=30s -q --iommu=off,strict --only=identify,link_loopback_up"),
		 IGBTEST_EXIT_PASS);
	n = round_lines(rl, ARRAY_SIZE(rl));
	REQUIRE(n >= 2);
	/* the last round started before T and ended at or after it */
	CHECK(rl[n - 1].run_s - rl[n - 1].took_s < 30.0);
	CHECK(rl[n - 1].run_s >= 30.0);
	CHECK(rl[n - 2].run_s < 30.0);
	snprintf(line, sizeof(line), "1..%u", n); /* the trailing plan */
	CHECK_EQ(fake_output_find(line, 0) > fake_output_find("ok 1 round 1", 0), 1);
	for (unsigned r = 1; r <= n; r++) {
		snprintf(line, sizeof(line), "ok %u round %u", r, r);
		CHECK_LINE(line);
	}
	/* every round: both modes of the device, in order */
	unsigned off = 0, strict = 0;
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		off += !strcmp(fake_output_line(i), "    ok 1 iommu=off");
		strict += !strcmp(fake_output_line(i), "    ok 2 iommu=strict");
	}
	CHECK_EQ(off, n);
	CHECK_EQ(strict, n);
	check_no_growth(rl, n);
}

/* Device 0000:02:00.0 leaves the bus as round 3 starts. */
static void unplug_at_round_3(const char *line, void *ctx)
{
	struct fake_82576 *p = ctx;

	if (!strcmp(line, "  # Subtest: round 3")) {
		p->fn->all_ones = true;
		p->bar0->owner = p->fn; /* its BAR0 stops decoding with it */
	}
}

/* A device lost mid-soak: the round that finds it gone gives its first
 * case the removal (its one failure, not the NIC's), every later case and
 * round skips with it, the other device goes on passing; exit status 5. */
TEST(soak_device_lost_midway_skips_its_remaining_rounds)
{
	static struct fake_82576 gone;
	const char *why = "device removed during identify (config space reads all-ones)";
	char line[160];

	machine();
	fake_bridge_add(0, 3, 0, 2, 2, PCI_EXP_TYPE_ROOT_PORT);
	gone = fake_82576_add_as(2, 0, 0, 0xfeb00000u, MODEL_QEMU);
	fake_on_output(unplug_at_round_3, &gone);
	CHECK_EQ(run("--repeat=5 -q --iommu=off --only=identify,link_loopback_up"),
		 IGBTEST_EXIT_REMOVED);
	CHECK(fake_output_contains("# 0000:02:00.0: removed: config space reads all-ones "
				   "(found at the start of round 3); no FLR, nothing more is "
				   "written to it"));
	CHECK(fake_output_contains("# identify: device removed before identify: config space "
				   "reads all-ones, found at the start of round 3"));
	for (unsigned r = 1; r <= 5; r++) {
		snprintf(line, sizeof(line), "# result: 0000-02-00.0.off.identify.r%u %s", r,
			 r < 3 ? "pass" : r == 3 ? "removed" : "skip");
		CHECK(fake_output_contains(line));
		snprintf(line, sizeof(line), "# result: 0000-01-00.0.off.link_loopback_up.r%u pass",
			 r);
		CHECK(fake_output_contains(line));
	}
	snprintf(line, sizeof(line), "ok 1 identify # SKIP %s", why);
	CHECK(fake_output_contains(line));
	snprintf(line, sizeof(line), "ok 2 link_loopback_up # SKIP %s", why);
	CHECK(fake_output_contains(line));
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);
		harness_note("record %u: %s", i, r->tc->name);
		CHECK_EQ(r->runs, 5);
		CHECK_EQ(r->fails, 0); /* the removal is not the NIC's failure */
		CHECK_EQ(r->removed, i == 2); /* 02:00.0's identify, once */
	}
	CHECK_EQ(fake_dma_outstanding(), 0);
}
