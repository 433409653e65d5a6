/* test_ktap_parse.c - the suite tests' KTAP reader rejects what it should. */
#include <stdio.h>
#include <string.h>

#include "fake_platform.h"
#include "harness.h"
#include "ktap_parse.h"

/* Each line as one complete plat_write, as igbtest writes them. */
static void out(const char *const *lines, unsigned n)
{
	char buf[200];

	for (unsigned i = 0; i < n; i++)
		plat_write(buf, (size_t)snprintf(buf, sizeof(buf), "%s\n", lines[i]));
}
#define OUT(...)                                                \
	do {                                                    \
		static const char *const l_[] = { __VA_ARGS__ }; \
		out(l_, ARRAY_SIZE(l_));                         \
	} while (0)

/* A device block with one mode block ("iommu=off") holding two cases; the
 * second mode is a skip line after it (GOOD_TAIL). */
#define GOOD_HEAD "KTAP version 1", "# hello", "1..1", "  KTAP version 1", \
	"  # Subtest: dev", "  1..2", "  # diag", "    KTAP version 1",       \
	"    # Subtest: iommu=off", "    1..2"
#define MODE_END(v) v " 1 iommu=off", "  ok 2 iommu=strict # SKIP no DMAR"

TEST(kp_accepts_well_formed)
{
	static struct kp_doc d;

	OUT(GOOD_HEAD, "    ok 1 a", "    # b: why", "    not ok 2 b", MODE_END("  not ok"),
	    "not ok 1 dev", "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0");
	REQUIRE(kp_parse(&d));
	CHECK_EQ(d.b[0].nmodes, 2);
	CHECK_EQ(kp_mode_of(&d.b[0], "off"), KP_NOT_OK);
	CHECK_EQ(kp_mode_of(&d.b[0], "strict"), KP_SKIP);
	CHECK_EQ(kp_mode_of(&d.b[0], "passthrough"), KP_NONE);
	CHECK_EQ(d.plan, 1);
	CHECK_EQ(d.nb, 1);
	CHECK_STREQ(d.b[0].name, "dev");
	CHECK_EQ(d.b[0].v, KP_NOT_OK);
	CHECK_EQ(kp_verdict_of(&d.b[0], "a"), KP_OK);
	CHECK_EQ(kp_verdict_of(&d.b[0], "b"), KP_NOT_OK);
	CHECK_EQ(kp_verdict_of(&d.b[0], "c"), KP_NONE);
	CHECK(kp_block_has_diag(&d.b[0], "b: why"));
	CHECK(kp_block_has_diag_prefix(&d.b[0], "b: "));
	CHECK(!kp_block_has_diag(&d.b[0], "b:"));
	CHECK(!kp_block_has_diag(&d.b[0], "hello"));
}

static void rejects(const char *problem, const char *file, int line)
{
	static struct kp_doc d;

	if (harness_check(!kp_parse(&d), file, line, "!kp_parse()"))
		harness_check(strstr(d.problem, problem) != NULL, file, line,
			      "expected problem");
	if (!strstr(d.problem, problem))
		harness_note("problem was \"%s\"", d.problem);
}

TEST(kp_rejects_bad_numbering)
{
	OUT(GOOD_HEAD, "    ok 1 a", "    ok 3 b", MODE_END("  ok"), "ok 1 dev",
	    "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0");
	rejects("case numbered 3, expected 2", __FILE__, __LINE__);
}

TEST(kp_rejects_plan_mismatch)
{
	OUT(GOOD_HEAD, "    ok 1 a", MODE_END("  ok"), "ok 1 dev",
	    "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0");
	rejects("plan 2, 1 results", __FILE__, __LINE__);
	fake_reset();
	OUT(GOOD_HEAD, "    ok 1 a", "    ok 2 b", "  ok 1 iommu=off", "ok 1 dev",
	    "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0");
	rejects("subtest \"dev\": plan 2, 1 results", __FILE__, __LINE__);
}

TEST(kp_rejects_wrong_totals)
{
	OUT(GOOD_HEAD, "    ok 1 a", "    ok 2 b # SKIP no", MODE_END("  ok"), "ok 1 dev",
	    "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0");
	rejects("totals pass:2 fail:0 skip:1, results say 1/0/2", __FILE__, __LINE__);
}

TEST(kp_rejects_misnamed_or_unclosed_subtest)
{
	OUT(GOOD_HEAD, "    ok 1 a", "    ok 2 b", MODE_END("  ok"), "ok 1 other");
	rejects("closed as \"other\"", __FILE__, __LINE__);
	fake_reset();
	OUT(GOOD_HEAD, "    ok 1 a", "    ok 2 b", MODE_END("  ok"));
	rejects("never closed", __FILE__, __LINE__);
	fake_reset();
	OUT(GOOD_HEAD, "    ok 1 a", "    ok 2 b", "  ok 1 iommu=strict");
	rejects("mode block \"iommu=off\" closed as \"iommu=strict\"", __FILE__, __LINE__);
	fake_reset();
	OUT(GOOD_HEAD, "    ok 1 a", "    ok 2 b", MODE_END("  ok"), "  ok 3 iommu=x");
	rejects("mode \"iommu=x\" has a result but no block", __FILE__, __LINE__);
	fake_reset();
	OUT("KTAP version 1", "1..1", "  KTAP version 1", "  1..1", "  ok 1 a", "ok 1 a");
	rejects("without a \"# Subtest:\" header", __FILE__, __LINE__);
}

TEST(kp_rejects_stray_lines)
{
	OUT("TAP version 13", "1..0");
	rejects("no \"KTAP version 1\" first", __FILE__, __LINE__);
	fake_reset();
	OUT(GOOD_HEAD, "    ok 1 a", "     ok 2 b");
	rejects("unexpected", __FILE__, __LINE__);
}
