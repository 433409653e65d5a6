/* ktap.c - KTAP version 1 emitter (see ktap.h). */
#include "report/ktap.h"

#include <stdarg.h>
#include <stdbool.h>

#include "report/fmt.h"

static struct {
	ktap_sink_fn sink;
	unsigned depth;
	unsigned flattened; /* open subtests past KTAP_MAX_DEPTH, not nested */
	unsigned next[KTAP_MAX_DEPTH + 1]; /* next test number per level */
	struct ktap_totals totals;
	enum ktap_level level; /* diagnostics above it are dropped */
} k;

void ktap_init(ktap_sink_fn sink)
{
	k.sink = sink;
	k.depth = 0;
	k.flattened = 0;
	for (unsigned i = 0; i <= KTAP_MAX_DEPTH; i++)
		k.next[i] = 1;
	k.totals = (struct ktap_totals){ 0 };
	k.level = KTAP_NORMAL;
}

void ktap_set_level(enum ktap_level max)
{
	k.level = max;
}

unsigned ktap_depth(void)
{
	return k.depth;
}

/* Printable ASCII only: no control characters, no escape sequences. */
static char printable(char c)
{
	return (c >= 0x20 && c < 0x7f) ? c : '?';
}

void ktap_escape_name(char *out, size_t n, const char *s)
{
	size_t o = 0;

	if (!n)
		return;
	for (; s && *s && o + 1 < n; s++) {
		const char *esc = NULL;
		switch (*s) {
		case '#': esc = "\\#"; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: break;
		}
		if (esc) {
			if (o + 2 >= n)
				break;
			out[o++] = esc[0];
			out[o++] = esc[1];
		} else {
			out[o++] = printable(*s);
		}
	}
	out[o] = '\0';
}

/* Emit indent + text + '\n' through the sink. */
static void emit(unsigned depth, const char *text)
{
	char line[KTAP_LINE_MAX + 2 * KTAP_MAX_DEPTH + 2];
	size_t n = 0;

	for (unsigned i = 0; i < depth && i < KTAP_MAX_DEPTH; i++) {
		line[n++] = ' ';
		line[n++] = ' ';
	}
	for (; *text && n < sizeof(line) - 1; text++)
		line[n++] = *text;
	line[n++] = '\n';
	if (k.sink)
		k.sink(line, n);
}

static void emitf(unsigned depth, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void emitf(unsigned depth, const char *fmt, ...)
{
	char text[KTAP_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	emit(depth, text);
}

void ktap_version(void)
{
	emit(k.depth, "KTAP version 1");
}

void ktap_plan(unsigned plan)
{
	emitf(k.depth, "1..%u", plan);
	k.next[k.depth] = 1;
}

void ktap_skip_all(const char *reason)
{
	char r[KTAP_LINE_MAX / 2];

	ktap_escape_name(r, sizeof(r), reason);
	emitf(k.depth, "1..0 # SKIP %s", r);
}

void ktap_subtest_begin_unplanned(const char *name)
{
	char n[KTAP_LINE_MAX / 2];

	ktap_escape_name(n, sizeof(n), name);
	if (k.depth < KTAP_MAX_DEPTH)
		k.depth++;
	else
		k.flattened++;
	emit(k.depth, "KTAP version 1");
	emitf(k.depth, "# Subtest: %s", n);
	k.next[k.depth] = 1;
}

void ktap_subtest_begin(const char *name, unsigned plan)
{
	ktap_subtest_begin_unplanned(name);
	emitf(k.depth, "1..%u", plan);
}

void ktap_trailing_plan(void)
{
	emitf(k.depth, "1..%u", k.next[k.depth] - 1);
}

static void result_line(enum ktap_result r, const char *name, const char *reason)
{
	char n[KTAP_LINE_MAX / 2], why[KTAP_LINE_MAX / 2];
	unsigned num = k.next[k.depth]++;

	ktap_escape_name(n, sizeof(n), name);
	ktap_escape_name(why, sizeof(why), reason ? reason : "");
	switch (r) {
	case KTAP_PASS:
		emitf(k.depth, "ok %u %s", num, n);
		break;
	case KTAP_SKIP:
		emitf(k.depth, "ok %u %s # SKIP %s", num, n, why);
		break;
	case KTAP_FAIL:
		emitf(k.depth, "not ok %u %s", num, n);
		break;
	}
}

void ktap_subtest_end(enum ktap_result r, const char *name, const char *reason)
{
	/* Close what the matching begin opened: a flattened level never
	 * nested, so it must not pop one of its parents. */
	if (k.flattened)
		k.flattened--;
	else if (k.depth)
		k.depth--;
	result_line(r, name, reason);
}

void ktap_result(enum ktap_result r, const char *name, const char *reason)
{
	result_line(r, name, reason);
	if (r == KTAP_PASS)
		k.totals.pass++;
	else if (r == KTAP_FAIL)
		k.totals.fail++;
	else
		k.totals.skip++;
}

static void vdiag(enum ktap_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(KTAP_NORMAL, fmt, ap);
	va_end(ap);
}

void ktap_diag_at(enum ktap_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(level, fmt, ap);
	va_end(ap);
}

static void vdiag(enum ktap_level level, const char *fmt, va_list ap)
{
	char text[KTAP_LINE_MAX];
	char line[KTAP_LINE_MAX];
	size_t n = 0;

	if (level > k.level)
		return;
	fmt_vsnprintf(text, sizeof(text), fmt, ap);

	line[n++] = '#';
	line[n++] = ' ';
	for (const char *p = text;; p++) {
		if (*p == '\n' || *p == '\0') {
			line[n] = '\0';
			/* drop a trailing empty line from a final '\n' */
			if (!(*p == '\0' && n == 2 && p != text && p[-1] == '\n'))
				emit(k.depth, line);
			if (*p == '\0')
				break;
			n = 2;
			continue;
		}
		if (n < sizeof(line) - 1)
			line[n++] = printable(*p);
	}
}

void ktap_count_error(void)
{
	k.totals.error++;
}

struct ktap_totals ktap_get_totals(void)
{
	return k.totals;
}

void ktap_print_totals(void)
{
	emitf(k.depth, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:%u",
	      k.totals.pass, k.totals.fail, k.totals.skip, k.totals.error);
}
