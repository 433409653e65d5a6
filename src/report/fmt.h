/* fmt.h - freestanding snprintf subset for igbtest's reports. */
#ifndef IGBTEST_FMT_H
#define IGBTEST_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Conversions: %d %i %u %x %X %c %s %p %%, flags '-' and '0', a field
 * width (number or '*'), precision for %s, length modifiers hh h l ll z.
 * Always NUL-terminates when size > 0; returns the length the whole
 * output would have had, as C's snprintf does.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* The same conversions, each character handed to put(c, ctx) as it comes:
 * output of any length, no buffer. Returns the number of characters. */
typedef void (*fmt_put_fn)(char c, void *ctx);
int fmt_vcbprintf(fmt_put_fn put, void *ctx, const char *f, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

/* A calendar time (proleptic Gregorian), as a firmware clock gives it. */
struct fmt_datetime {
	unsigned year, month, day, hour, minute, second;
};
/* t plus secs, as "YYYY-MM-DD HH:MM:SS" (a soak's planned end). */
int fmt_datetime_plus(char *buf, size_t size, struct fmt_datetime t, uint64_t secs);

#endif
