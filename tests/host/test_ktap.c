/* test_ktap.c - the KTAP emitter: structure, numbering, escaping, totals. */
#include <stdio.h>
#include <string.h>

#include "fake_platform.h"
#include "harness.h"
#include "report/ktap.h"

/* KTAP lines go through plat_write, whose fake checks every byte. */
static void sink(const char *line, size_t len)
{
	plat_write(line, len);
}

/* Check the captured lines are exactly want[0..n). */
static void lines_are(const char *const *want, unsigned n, const char *file, int line)
{
	bool ok = harness_check_eq(fake_output_nlines(), n, file, line,
				   "fake_output_nlines()", "expected lines");
	for (unsigned i = 0; ok && i < n; i++)
		ok = harness_check_streq(fake_output_line(i), want[i], file, line,
					 "output line", "expected");
	if (!ok)
		fake_output_dump();
}
#define LINES_ARE(...)                                                        \
	do {                                                                  \
		static const char *const want_[] = { __VA_ARGS__ };           \
		lines_are(want_, ARRAY_SIZE(want_), __FILE__, __LINE__);      \
	} while (0)

TEST(ktap_version_plan_results)
{
	ktap_init(sink);
	ktap_version();
	ktap_plan(3);
	ktap_result(KTAP_PASS, "first", NULL);
	ktap_result(KTAP_FAIL, "second", "ignored for a failure");
	ktap_result(KTAP_SKIP, "third", "no cable");
	LINES_ARE("KTAP version 1", "1..3", "ok 1 first", "not ok 2 second",
		  "ok 3 third # SKIP no cable");
}

TEST(ktap_nested_subtests)
{
	ktap_init(sink);
	ktap_version();
	ktap_plan(2);
	ktap_subtest_begin("dev A", 2);
	ktap_result(KTAP_PASS, "x", NULL);
	ktap_result(KTAP_FAIL, "y", NULL);
	ktap_subtest_end(KTAP_FAIL, "dev A", NULL);
	ktap_subtest_begin("dev B", 1);
	ktap_subtest_begin("inner", 1);
	ktap_result(KTAP_SKIP, "z", "why");
	ktap_subtest_end(KTAP_SKIP, "inner", "all skipped");
	ktap_subtest_end(KTAP_PASS, "dev B", NULL);
	LINES_ARE("KTAP version 1", "1..2",
		  "  KTAP version 1", "  # Subtest: dev A", "  1..2",
		  "  ok 1 x", "  not ok 2 y",
		  "not ok 1 dev A",
		  "  KTAP version 1", "  # Subtest: dev B", "  1..1",
		  "    KTAP version 1", "    # Subtest: inner", "    1..1",
		  "    ok 1 z # SKIP why",
		  "  ok 1 inner # SKIP all skipped",
		  "ok 2 dev B");
}

TEST(ktap_diag_splits_lines)
{
	ktap_init(sink);
	ktap_diag("one\ntwo\n");
	ktap_diag("a\n\nb");
	ktap_diag("%s", "");
	ktap_subtest_begin("s", 0);
	ktap_diag("in %d\nside", 1);
	LINES_ARE("# one", "# two", "# a", "# ", "# b", "# ",
		  "  KTAP version 1", "  # Subtest: s", "  1..0",
		  "  # in 1", "  # side");
}

TEST(ktap_names_escaped)
{
	ktap_init(sink);
	ktap_result(KTAP_PASS, "a#b\\c\nd\re", NULL);
	ktap_result(KTAP_SKIP, "n", "why # not\\now\nlater");
	ktap_subtest_begin("sub#1", 0);
	ktap_subtest_end(KTAP_PASS, "sub\\1", NULL);
	ktap_skip_all("none#here");
	LINES_ARE("ok 1 a\\#b\\\\c\\nd\\re",
		  "ok 2 n # SKIP why \\# not\\\\now\\nlater",
		  "  KTAP version 1", "  # Subtest: sub\\#1", "  1..0",
		  "ok 3 sub\\\\1",
		  "1..0 # SKIP none\\#here");
}

/* Control characters and ESC never reach the output (the fake plat_write
 * ends the test on any byte outside printable ASCII and '\n'). */
TEST(ktap_control_chars_replaced)
{
	ktap_init(sink);
	ktap_result(KTAP_PASS, "\x1b[31mred\x1b[0m\t\x7f\x01", NULL);
	ktap_diag("bell\a esc\x1b]0;title\x07 cr\r tab\t hi\x80\xff");
	ktap_skip_all("\x1b" "c");
	LINES_ARE("ok 1 ?[31mred?[0m???",
		  "# bell? esc?]0;title? cr? tab? hi??",
		  "1..0 # SKIP ?c");
}

static void fill(char *s, size_t n, char c)
{
	memset(s, c, n - 1);
	s[n - 1] = '\0';
}

/* No line is ever cut: names, reasons and diagnostics of any length come
 * out whole (in several plat_write pieces), the escapes included. */
TEST(ktap_long_lines_whole)
{
	static char big[4000], want[9000];

	ktap_init(sink);
	fill(big, sizeof(big), 'n');
	ktap_result(KTAP_PASS, big, NULL);
	fill(big, sizeof(big), '#');
	ktap_result(KTAP_FAIL, big, NULL);
	fill(big, sizeof(big), 'd');
	ktap_diag("%s", big);
	ktap_skip_all(big);
	ktap_subtest_begin("s", 1);
	ktap_result(KTAP_SKIP, "c", big);
	ktap_diag_at(KTAP_ALWAYS, "%s\nshort", big);
	REQUIRE(fake_output_nlines() == 10);

	fill(big, sizeof(big), 'n');
	snprintf(want, sizeof(want), "ok 1 %s", big);
	CHECK_STREQ(fake_output_line(0), want);
	strcpy(want, "not ok 2 ");
	for (unsigned i = 0; i < sizeof(big) - 1; i++)
		strcat(want, "\\#");
	CHECK_STREQ(fake_output_line(1), want);
	fill(big, sizeof(big), 'd');
	snprintf(want, sizeof(want), "# %s", big);
	CHECK_STREQ(fake_output_line(2), want);
	snprintf(want, sizeof(want), "1..0 # SKIP %s", big);
	CHECK_STREQ(fake_output_line(3), want);
	snprintf(want, sizeof(want), "  ok 1 c # SKIP %s", big);
	CHECK_STREQ(fake_output_line(7), want);
	snprintf(want, sizeof(want), "  # %s", big);
	CHECK_STREQ(fake_output_line(8), want);
	CHECK_STREQ(fake_output_line(9), "  # short");
}

TEST(ktap_totals_count_leaves_only)
{
	ktap_init(sink);
	ktap_plan(2);
	ktap_subtest_begin("dev", 3);
	ktap_result(KTAP_PASS, "a", NULL);
	ktap_result(KTAP_FAIL, "b", NULL);
	ktap_result(KTAP_SKIP, "c", "n/a");
	ktap_subtest_end(KTAP_FAIL, "dev", NULL);
	ktap_result(KTAP_PASS, "d", NULL);
	ktap_print_totals();
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 1),
		    "# Totals: pass:2 fail:1 xfail:0 xpass:0 skip:1 error:0");
	/* ktap_init starts over */
	ktap_init(sink);
	ktap_print_totals();
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 1),
		    "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0");
}

TEST(ktap_skip_all)
{
	ktap_init(sink);
	ktap_version();
	ktap_skip_all("no Intel 82576 found");
	LINES_ARE("KTAP version 1", "1..0 # SKIP no Intel 82576 found");
}

/* Nesting past KTAP_MAX_DEPTH flattens the extra levels, but every end
 * still closes its own begin: the outer levels keep their place. */
TEST(ktap_nesting_past_max_depth_stays_balanced)
{
	char name[8], deepest[2 * KTAP_MAX_DEPTH + 8];

	ktap_init(sink);
	for (int i = 1; i <= KTAP_MAX_DEPTH + 2; i++) {
		name[0] = 'L';
		name[1] = (char)('0' + i);
		name[2] = '\0';
		ktap_subtest_begin(name, 1);
	}
	/* the innermost levels print at the deepest indentation */
	ktap_diag("here");
	snprintf(deepest, sizeof(deepest), "%*s# here", 2 * KTAP_MAX_DEPTH, "");
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 1), deepest);
	for (int i = KTAP_MAX_DEPTH + 2; i >= 1; i--) {
		name[1] = (char)('0' + i);
		ktap_subtest_end(KTAP_PASS, name, NULL);
	}
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 1), "ok 1 L1");
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 2), "  ok 1 L2");
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 3), "    ok 1 L3");
	CHECK_STREQ(fake_output_line(fake_output_nlines() - 4), "      ok 1 L4");
}
