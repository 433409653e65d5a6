/* harness.c - registration, CHECK reporting and the test runner. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HARNESS_MAX_TESTS 512

static struct {
	const char *name;
	harness_fn fn;
} tests[HARNESS_MAX_TESTS];
static unsigned ntests;

static harness_fn fixture_before, fixture_after;

/* State of the test now running. */
static bool in_test;
static bool failed;
static jmp_buf bail;
static char note[512];
/* harness_fatal_in(): where an expected fatal goes, and what it said. */
static jmp_buf *expect_bail;
static char last_fatal[512];

void harness_register(const char *name, harness_fn fn)
{
	if (ntests == HARNESS_MAX_TESTS) {
		fprintf(stderr, "harness: more than %d tests\n", HARNESS_MAX_TESTS);
		abort();
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void harness_fixture(harness_fn before, harness_fn after)
{
	fixture_before = before;
	fixture_after = after;
}

void harness_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
}

static void report(const char *file, int line, const char *what)
{
	printf("  %s:%d: %s\n", file, line, what);
	if (note[0])
		printf("    note: %s\n", note);
	fflush(stdout);
	failed = true;
}

bool harness_check(bool ok, const char *file, int line, const char *expr)
{
	char msg[512];

	if (ok)
		return true;
	snprintf(msg, sizeof(msg), "CHECK(%s) failed", expr);
	report(file, line, msg);
	return false;
}

bool harness_check_eq(unsigned long long a, unsigned long long b,
		      const char *file, int line, const char *ea, const char *eb)
{
	char msg[512];

	if (a == b)
		return true;
	snprintf(msg, sizeof(msg),
		 "CHECK_EQ(%s, %s) failed: %lld (0x%llx) != %lld (0x%llx)",
		 ea, eb, (long long)a, a, (long long)b, b);
	report(file, line, msg);
	return false;
}

bool harness_check_streq(const char *a, const char *b, const char *file,
			 int line, const char *ea, const char *eb)
{
	char msg[2048];

	if (a && b && !strcmp(a, b))
		return true;
	snprintf(msg, sizeof(msg), "CHECK_STREQ(%s, %s) failed:\n    got:      \"%s\"\n"
		 "    expected: \"%s\"", ea, eb, a ? a : "(null)", b ? b : "(null)");
	report(file, line, msg);
	return false;
}

void harness_fatal(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (expect_bail) {
		snprintf(last_fatal, sizeof(last_fatal), "%s", msg);
		longjmp(*expect_bail, 1);
	}
	report(file, line, msg);
	if (!in_test)
		abort();
	longjmp(bail, 1);
}

bool harness_fatal_in(void (*fn)(void *), void *arg)
{
	jmp_buf here;
	/* volatile: read after longjmp back into this frame */
	volatile bool fatal = false;

	last_fatal[0] = '\0';
	expect_bail = &here;
	if (!setjmp(here))
		fn(arg);
	else
		fatal = true;
	expect_bail = NULL;
	return fatal;
}

const char *harness_last_fatal(void)
{
	return last_fatal;
}

/* Run one test with its fixture; true when it passed. */
static bool run_test(unsigned i)
{
	failed = false;
	note[0] = '\0';
	in_test = true;
	if (fixture_before)
		fixture_before();
	if (!setjmp(bail))
		tests[i].fn();
	in_test = false;
	if (fixture_after)
		fixture_after();
	return !failed;
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--only SUBSTR] [--list]\n", argv0);
	return 2;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool list = false;
	unsigned pass = 0, fail = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--list"))
			list = true;
		else
			return usage(argv[0]);
	}
	for (unsigned i = 0; i < ntests; i++) {
		if (only && !strstr(tests[i].name, only))
			continue;
		if (list) {
			printf("%s\n", tests[i].name);
			continue;
		}
		fflush(stdout);
		bool ok = run_test(i);
		printf("%s %s\n", ok ? "PASS" : "FAIL", tests[i].name);
		if (ok)
			pass++;
		else
			fail++;
	}
	if (list)
		return 0;
	/* A filter that matches nothing is a mistake, not a pass. */
	if (!pass && !fail)
		printf("no test name contains \"%s\"\n", only ? only : "");
	printf("%u passed, %u failed\n", pass, fail);
	return fail || !pass ? 1 : 0;
}
