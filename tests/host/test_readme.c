/*
 * test_readme.c - the README's case table is the registry: one row per
 * group (IGB_GROUP's title), naming the group's cases (IGB_CASE rows) in
 * run order, so the table cannot drift from what --list prints.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "suite/suite.h"

#define README IGBTEST_SOURCE_DIR "/README.md"
#define TABLE_HEADING "## What is tested, per 82576"
#define ROW_MAX 2048

/* The next "| a | b |" row of the table; false at its end. */
static bool next_row(FILE *f, char *title, char *cases)
{
	char line[ROW_MAX];

	while (fgets(line, sizeof(line), f)) {
		char *a, *b, *end;

		REQUIRE(strchr(line, '\n')); /* a longer row would be misread */
		if (line[0] != '|')
			return false;
		if (!strncmp(line, "| ---", 5) || !strncmp(line, "| group |", 9))
			continue;
		a = line + 1;
		b = strchr(a, '|');
		REQUIRE(b);
		*b++ = '\0';
		end = strchr(b, '|');
		REQUIRE(end);
		*end = '\0';
		while (isspace((unsigned char)*a))
			a++;
		end = a + strlen(a);
		while (end > a && isspace((unsigned char)end[-1]))
			*--end = '\0';
		snprintf(title, ROW_MAX, "%s", a);
		snprintf(cases, ROW_MAX, "%s", b);
		return true;
	}
	return false;
}

/* Case names in a cell: the leading identifier of each item, items split
 * at commas outside parentheses ("memcpy_success (1 B..4 MiB, aligned and
 * not)" names memcpy_success). */
static unsigned cell_names(char *cell, const char *names[], unsigned max)
{
	unsigned n = 0, depth = 0;
	char *item = cell;

	for (char *c = cell;; c++) {
		bool last = !*c;
		char *end;

		depth += *c == '(';
		depth -= *c == ')' && depth;
		if (!last && (*c != ',' || depth))
			continue;
		while (isspace((unsigned char)*item))
			item++;
		for (end = item; islower((unsigned char)*end) || isdigit((unsigned char)*end) ||
				 *end == '_'; end++)
			;
		*end = '\0';
		REQUIRE(n < max);
		names[n++] = item;
		if (last)
			return n;
		item = c + 1;
	}
}

TEST(readme_case_table_is_the_registry)
{
	static char title[ROW_MAX], cases[ROW_MAX];
	char line[ROW_MAX];
	unsigned g = 0;
	FILE *f = fopen(README, "r");

	if (!f)
		harness_fatal(__FILE__, __LINE__, "cannot read %s", README);
	while (fgets(line, sizeof(line), f) && strncmp(line, TABLE_HEADING, strlen(TABLE_HEADING)))
		;
	while (fgets(line, sizeof(line), f) && line[0] != '|')
		;
	/* that was the header row; the separator and the groups follow */
	for (; next_row(f, title, cases); g++) {
		const struct igb_group *grp = suite_group(g);
		const char *names[64];
		unsigned n = cell_names(cases, names, ARRAY_SIZE(names));

		harness_note("README case table row %u (\"%s\")", g + 1, title);
		if (!grp) {
			CHECK(!"a README row for a group the registry does not have");
			continue;
		}
		CHECK_STREQ(title, grp->title);
		CHECK_EQ(n, grp->n);
		for (unsigned i = 0; i < n && i < grp->n; i++) {
			harness_note("group %s (src/cases/%s.c), case %u", grp->name, grp->name, i);
			CHECK_STREQ(names[i], grp->cases[i].name);
		}
	}
	fclose(f);
	harness_note("README case table");
	CHECK_EQ(g, suite_group_count());
}
