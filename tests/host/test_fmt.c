/* test_fmt.c - fmt_snprintf against the host C library's snprintf. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "report/fmt.h"

#define FMT_BUF 256
#define GUARD 0x5a

/*
 * Format the same thing with both, into buffers of the same size pre-filled
 * with a guard byte: same return value, same bytes, and nothing written at
 * or past size.
 */
#define SAME(size, ...)                                                        \
	do {                                                                   \
		char ours_[FMT_BUF], libc_[FMT_BUF];                           \
		volatile size_t sz_ = (size); /* hide it from -Wformat-truncation */ \
		memset(ours_, GUARD, sizeof(ours_));                           \
		memset(libc_, GUARD, sizeof(libc_));                           \
		int n1_ = fmt_snprintf(sz_ ? ours_ : NULL, sz_, __VA_ARGS__);  \
		int n2_ = snprintf(sz_ ? libc_ : NULL, sz_, __VA_ARGS__);      \
		same(__FILE__, __LINE__, #__VA_ARGS__, sz_, ours_, n1_, libc_, n2_); \
	} while (0)

static void same(const char *file, int line, const char *args, size_t size,
		 const char *ours, int n1, const char *libc, int n2)
{
	harness_note("format %s, size %zu", args, size);
	harness_check_eq((unsigned long long)n1, (unsigned long long)n2, file, line,
			 "fmt_snprintf()", "snprintf()");
	if (size)
		harness_check_streq(ours, libc, file, line, "fmt_snprintf", "snprintf");
	for (size_t i = size; i < FMT_BUF; i++) {
		if ((unsigned char)ours[i] != GUARD) {
			harness_check(false, file, line, "no byte written at or past size");
			break;
		}
	}
	harness_note("%s", "");
}

TEST(fmt_decimal)
{
	SAME(FMT_BUF, "%d", 0);
	SAME(FMT_BUF, "%d", 42);
	SAME(FMT_BUF, "%d", -42);
	SAME(FMT_BUF, "%i", -7);
	SAME(FMT_BUF, "%d", INT_MAX);
	SAME(FMT_BUF, "%d", INT_MIN);
	SAME(FMT_BUF, "%ld", LONG_MIN);
	SAME(FMT_BUF, "%lld", LLONG_MIN);
	SAME(FMT_BUF, "%lld", LLONG_MAX);
	SAME(FMT_BUF, "%hd", (short)-1234);
	SAME(FMT_BUF, "%hhd", (signed char)-128);
	SAME(FMT_BUF, "[%d|%d|%d]", 1, -2, 3);
}

TEST(fmt_unsigned_and_hex)
{
	SAME(FMT_BUF, "%u", 0u);
	SAME(FMT_BUF, "%u", UINT_MAX);
	SAME(FMT_BUF, "%lu", ULONG_MAX);
	SAME(FMT_BUF, "%llu", ULLONG_MAX);
	SAME(FMT_BUF, "%zu", (size_t)SIZE_MAX);
	SAME(FMT_BUF, "%zu", sizeof(long double));
	SAME(FMT_BUF, "%x", 0u);
	SAME(FMT_BUF, "%x", 0xdeadbeefu);
	SAME(FMT_BUF, "%X", 0xdeadbeefu);
	SAME(FMT_BUF, "%llx", 0x0123456789abcdefull);
	SAME(FMT_BUF, "%llX", ULLONG_MAX);
	SAME(FMT_BUF, "%hx", (unsigned short)0xbeef);
	SAME(FMT_BUF, "%hhx", (unsigned char)0xab);
	SAME(FMT_BUF, "%hhu", (unsigned char)255);
	SAME(FMT_BUF, "%x", (unsigned)-1);
}

TEST(fmt_widths_and_flags)
{
	SAME(FMT_BUF, "[%5d]", 42);
	SAME(FMT_BUF, "[%-5d]", 42);
	SAME(FMT_BUF, "[%05d]", 42);
	SAME(FMT_BUF, "[%05d]", -42);
	SAME(FMT_BUF, "[%2d]", 12345);
	SAME(FMT_BUF, "[%08x]", 0xbeefu);
	SAME(FMT_BUF, "[%-8x]", 0xbeefu);
	SAME(FMT_BUF, "[%04x:%02x:%02x.%u]", 0u, 3u, 0x1fu, 7u);
	SAME(FMT_BUF, "[%012llx]", 0xfebc0000ull);
	SAME(FMT_BUF, "[%*d]", 6, -3);
	SAME(FMT_BUF, "[%*d]", -6, -3);
	SAME(FMT_BUF, "[%-*s]", 8, "ab");
	SAME(FMT_BUF, "[%11d]", INT_MIN);
	SAME(FMT_BUF, "[%012d]", INT_MIN);
	SAME(FMT_BUF, "[%0*u]", 7, 99u);
}

TEST(fmt_strings_chars_pointers)
{
	const char *nul = NULL;

	SAME(FMT_BUF, "%s", "");
	SAME(FMT_BUF, "%s", "hello");
	SAME(FMT_BUF, "[%10s]", "right");
	SAME(FMT_BUF, "[%-10s]", "left");
	SAME(FMT_BUF, "[%.3s]", "abcdef");
	SAME(FMT_BUF, "[%.3s]", "ab");
	SAME(FMT_BUF, "[%.0s]", "abc");
	SAME(FMT_BUF, "[%6.2s]", "abc");
	SAME(FMT_BUF, "[%-6.2s]", "abc");
	SAME(FMT_BUF, "[%.*s]", 4, "abcdef");
	SAME(FMT_BUF, "[%.*s]", -1, "abcdef");
	SAME(FMT_BUF, "%c%c%c", 'a', 'Z', '0');
	SAME(FMT_BUF, "[%3c]", 'x');
	SAME(FMT_BUF, "[%-3c]", 'x');
	SAME(FMT_BUF, "%p", (void *)&nul);
	SAME(FMT_BUF, "%p", (void *)(uintptr_t)0x1000);
	SAME(FMT_BUF, "[%20p]", (void *)(uintptr_t)0xfebc0000u);
	SAME(FMT_BUF, "100%%");
	SAME(FMT_BUF, "%%d %d %%", 5);
	SAME(FMT_BUF, "%s", nul);
}

TEST(fmt_truncation_returns_full_length)
{
	SAME(1, "hello");
	SAME(2, "hello");
	SAME(5, "hello");
	SAME(6, "hello");
	SAME(4, "%d", -12345);
	SAME(3, "%08x", 0xabcdu);
	SAME(7, "[%-10s]", "abc");
	SAME(10, "%s=%llu", "total", ULLONG_MAX);
	SAME(1, "%c", 'x');
}

TEST(fmt_size_zero_writes_nothing)
{
	char buf[8];

	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(fmt_snprintf(buf, 0, "%s %d", "abc", 12345), 9);
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK_EQ((unsigned char)buf[i], GUARD);
	CHECK_EQ(fmt_snprintf(NULL, 0, "%llx", 0x123ull), 3);
	SAME(0, "%d%s", 7, "xyz");
}

/* Exact strings, independent of the C library. */
TEST(fmt_exact_values)
{
	char b[64];

	CHECK_EQ(fmt_snprintf(b, sizeof(b), "%d", INT_MIN), 11);
	CHECK_STREQ(b, "-2147483648");
	CHECK_EQ(fmt_snprintf(b, sizeof(b), "%04x:%02x:%02x.%u", 0, 1, 0, 1), 12);
	CHECK_STREQ(b, "0000:01:00.1");
	CHECK_EQ(fmt_snprintf(b, 4, "%s", "abcdef"), 6);
	CHECK_STREQ(b, "abc");
	CHECK_EQ(fmt_snprintf(b, sizeof(b), "%05d|%-4d|", -7, 3), 11);
	CHECK_STREQ(b, "-0007|3   |");
	CHECK_EQ(fmt_snprintf(b, sizeof(b), "%llX", 0xfedcba9876543210ull), 16);
	CHECK_STREQ(b, "FEDCBA9876543210");
}

/* '-' wins over '0' (C11 7.21.6.1p6); a literal would draw a -Wformat warning. */
TEST(fmt_minus_overrides_zero)
{
	const char *f = "[%-05d][%0-5x]";
	char b[32];

	CHECK_EQ(fmt_snprintf(b, sizeof(b), f, -42, 0xabu), 14);
	CHECK_STREQ(b, "[-42  ][ab   ]");
}

/* Outside the documented subset: pass through or stop, never overrun.
 * (Formats held in variables: literals would draw -Wformat warnings.) */
TEST(fmt_unknown_conversion_and_trailing_percent)
{
	const char *unknown = "a%qb", *lone = "ab%";
	char b[16];

	CHECK_EQ(fmt_snprintf(b, sizeof(b), unknown), 4);
	CHECK_STREQ(b, "a%qb");
	CHECK_EQ(fmt_snprintf(b, sizeof(b), lone), 2);
	CHECK_STREQ(b, "ab");
}

TEST(fmt_datetime_plus_crosses_days_months_and_leap_years)
{
	char b[32];
	struct fmt_datetime t = { 2026, 12, 6, 7, 4, 16 };

	fmt_datetime_plus(b, sizeof(b), t, 0);
	CHECK_STREQ(b, "2026-12-06 07:04:16");
	fmt_datetime_plus(b, sizeof(b), t, 12 * 3600);
	CHECK_STREQ(b, "2026-12-06 19:04:16");
	fmt_datetime_plus(b, sizeof(b), t, 26 * 86400 + 17 * 3600); /* --duration=... */
	CHECK_STREQ(b, "2027-01-02 00:04:16");
	t = (struct fmt_datetime){ 2028, 2, 28, 23, 59, 59 };
	fmt_datetime_plus(b, sizeof(b), t, 1);
	CHECK_STREQ(b, "2028-02-29 00:00:00");
	t = (struct fmt_datetime){ 2100, 2, 28, 12, 0, 0 };
	fmt_datetime_plus(b, sizeof(b), t, 86400);
	CHECK_STREQ(b, "2100-03-01 12:00:00"); /* 2100 is not a leap year */
	t = (struct fmt_datetime){ 2026, 12, 31, 23, 0, 0 };
	fmt_datetime_plus(b, sizeof(b), t, 7 * 86400); /* the longest --duration */
	CHECK_STREQ(b, "2027-01-07 23:00:00");
}
