/*
 * ktap.h - KTAP version 1 emitter (kernel Documentation/dev-tools/ktap.rst).
 *
 * Produces a version line and a plan per level, one result line per test,
 * "# SKIP reason" directives, "# ..." diagnostics, subtests indented by two
 * spaces per level with a "# Subtest:" header, and kselftest's closing
 * "# Totals:" line. Names and diagnostics are sanitised so that a KTAP
 * line never carries a newline, a control character or an escape sequence.
 */
#ifndef IGBTEST_KTAP_H
#define IGBTEST_KTAP_H

#include <stdarg.h>
#include <stddef.h>

enum ktap_result {
	KTAP_PASS,
	KTAP_FAIL,
	KTAP_SKIP,
};

/* Where the output goes: printable ASCII, each line ending in '\n'; a long
 * line arrives in several pieces (no line is ever cut). */
typedef void (*ktap_sink_fn)(const char *line, size_t len);

#define KTAP_MAX_DEPTH 4

/*
 * A KTAP stream: where output goes, its nesting and numbering, the line
 * being written. There is one main stream (ktap_init). Devices tested
 * side by side each write a fork of it, at the place their block takes in
 * the main stream; the runner prints the forks' output in order.
 */
struct ktap_stream {
	ktap_sink_fn sink;
	unsigned depth;
	unsigned flattened; /* open subtests past KTAP_MAX_DEPTH, not nested */
	unsigned next[KTAP_MAX_DEPTH + 1]; /* next test number per level */
	char buf[256];      /* the line being written */
	size_t n;
};
/* s: the current stream's place, as if its next `ahead` results at this
 * level had been printed, writing to sink. */
void ktap_stream_fork(struct ktap_stream *s, unsigned ahead, ktap_sink_fn sink);
/* Write to s from now on (NULL: the main stream). */
void ktap_stream_use(struct ktap_stream *s);
/* The current stream's next n results at this level were printed by forks. */
void ktap_stream_skip(unsigned n);
/* Bytes (whole lines) straight to the main stream's sink. */
void ktap_write_through(const char *s, size_t len);

void ktap_init(ktap_sink_fn sink);
/* "KTAP version 1" at the current level (diagnostics may follow). */
void ktap_version(void);
/* The plan "1..N" at the current level. */
void ktap_plan(unsigned plan);
/* A nested block: version line, "# Subtest: name", its plan. */
void ktap_subtest_begin(const char *name, unsigned plan);
/* Close the block and print its own result line one level up. */
void ktap_subtest_end(enum ktap_result r, const char *name, const char *reason);
/* One test's result at the current level (counted in the totals). */
void ktap_result(enum ktap_result r, const char *name, const char *reason);
/* A diagnostic; embedded newlines become separate "# " lines. */
void ktap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * How much commentary a run prints (--quiet / --verbose). ktap_diag() is
 * KTAP_NORMAL: dropped when quiet. Results, plans and totals are always
 * printed; so are diagnostics given KTAP_ALWAYS (failure reasons, the exit
 * status). KTAP_VERBOSE ones only when verbose.
 */
enum ktap_level { KTAP_ALWAYS, KTAP_NORMAL, KTAP_VERBOSE };
void ktap_set_level(enum ktap_level max);
void ktap_diag_at(enum ktap_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same from a va_list, as "who: text" when who is not NULL. */
void ktap_vdiag_at(enum ktap_level level, const char *who, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* A block whose length is known only at its end (a soak for a time): no
 * plan now; ktap_trailing_plan() prints "1..N" after its N results. */
void ktap_subtest_begin_unplanned(const char *name);
void ktap_trailing_plan(void);
/* The plan "1..0 # SKIP reason": nothing to test at this level. */
void ktap_skip_all(const char *reason);
/* "# Totals: pass:N fail:N xfail:0 xpass:0 skip:N error:0" (leaves only) */
void ktap_print_totals(void);

#endif
