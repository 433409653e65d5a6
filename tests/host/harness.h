/*
 * harness.h - a tiny unit-test harness for igbtest's host build.
 *
 * TEST(name) { ... } registers a test at start-up. The CHECK macros record
 * a failure with file:line and the values involved and let the test go on;
 * REQUIRE and harness_fatal() end the current test at once. main() runs every
 * test (or those whose name contains --only SUBSTR), prints one line per
 * test and a closing "N passed, N failed" line.
 */
#ifndef IGBTEST_HARNESS_H
#define IGBTEST_HARNESS_H

#include <stdbool.h>

typedef void (*harness_fn)(void);

void harness_register(const char *name, harness_fn fn);
/* Run before and after every test (the fakes reset themselves here). */
void harness_fixture(harness_fn before, harness_fn after);

#define TEST(name)                                                     \
	static void test_##name(void);                                 \
	__attribute__((constructor)) static void register_##name(void) \
	{                                                              \
		harness_register(#name, test_##name);                  \
	}                                                              \
	static void test_##name(void)

bool harness_check(bool ok, const char *file, int line, const char *expr);
bool harness_check_eq(unsigned long long a, unsigned long long b,
		      const char *file, int line, const char *ea, const char *eb);
bool harness_check_streq(const char *a, const char *b, const char *file,
			 int line, const char *ea, const char *eb);
/* Fail the current test with a message and leave it (longjmp). */
_Noreturn void harness_fatal(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Run fn(arg) expecting it to end in harness_fatal(): true when it did (that
 * fatal is then not a failure; its message is in harness_last_fatal()).
 */
bool harness_fatal_in(void (*fn)(void *), void *arg);
const char *harness_last_fatal(void);
/* Extra context printed under the next failure report. */
void harness_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(c) harness_check(!!(c), __FILE__, __LINE__, #c)
/* Both sides compared as 64-bit unsigned: mind the sign of -1 vs 0xffffffff. */
#define CHECK_EQ(a, b)                                                      \
	harness_check_eq((unsigned long long)(a), (unsigned long long)(b), \
			 __FILE__, __LINE__, #a, #b)
#define CHECK_STREQ(a, b) harness_check_streq((a), (b), __FILE__, __LINE__, #a, #b)
#define REQUIRE(c)                                                          \
	do {                                                                \
		if (!(c))                                                   \
			harness_fatal(__FILE__, __LINE__, "REQUIRE(%s) failed", #c); \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
