/* ktap.c - KTAP version 1 emitter (see ktap.h). */
#include "report/ktap.h"

#include <stdarg.h>
#include <stdbool.h>

#include "report/fmt.h"

/* Shared by every stream: what the run counts and how much it says. */
static struct {
	struct {
		unsigned pass, fail, skip;
	} totals; /* leaves only: "# Totals:" */
	enum ktap_level level; /* diagnostics above it are dropped */
} k;

/*
 * The stream being written (ktap_stream_use), the main one by default.
 * A line is written in pieces of at most sizeof(buf) as they fill, the
 * last ending in '\n'. No line is cut, however long: a long failure
 * reason or banner line reaches the console and the results file whole,
 * and the parsers downstream have no line limit either.
 */
static struct ktap_stream root;
static struct ktap_stream *cur = &root;

void ktap_init(ktap_sink_fn sink)
{
	root = (struct ktap_stream){ .sink = sink };
	for (unsigned i = 0; i <= KTAP_MAX_DEPTH; i++)
		root.next[i] = 1;
	cur = &root;
	k.totals.pass = k.totals.fail = k.totals.skip = 0;
	k.level = KTAP_NORMAL;
}

void ktap_stream_fork(struct ktap_stream *s, unsigned ahead, ktap_sink_fn sink)
{
	*s = *cur;
	s->sink = sink;
	s->n = 0;
	s->next[s->depth] += ahead;
}

void ktap_stream_use(struct ktap_stream *s)
{
	cur = s ? s : &root;
}

void ktap_stream_skip(unsigned n)
{
	cur->next[cur->depth] += n;
}

void ktap_write_through(const char *s, size_t len)
{
	if (len && root.sink)
		root.sink(s, len);
}

void ktap_set_level(enum ktap_level max)
{
	k.level = max;
}

/* Printable ASCII only: no control characters, no escape sequences. */
static char printable(char c)
{
	return (c >= 0x20 && c < 0x7f) ? c : '?';
}

static void out_flush(void)
{
	if (cur->n && cur->sink)
		cur->sink(cur->buf, cur->n);
	cur->n = 0;
}

static void out_put(char c)
{
	if (cur->n == sizeof(cur->buf))
		out_flush();
	cur->buf[cur->n++] = printable(c);
}

static void out_str(const char *s)
{
	while (*s)
		out_put(*s++);
}

static void out_begin(unsigned depth)
{
	for (unsigned i = 0; i < depth && i < KTAP_MAX_DEPTH; i++)
		out_str("  ");
}

static void out_end(void)
{
	if (cur->n == sizeof(cur->buf))
		out_flush();
	cur->buf[cur->n++] = '\n';
	out_flush();
}

/* s as a KTAP name or directive reason: "#" and "\\" escaped, line
 * breaks as \\n and \\r, anything else unprintable as '?'. */
static void out_escaped(const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '#': out_str("\\#"); break;
		case '\\': out_str("\\\\"); break;
		case '\n': out_str("\\n"); break;
		case '\r': out_str("\\r"); break;
		default: out_put(*s); break;
		}
	}
}

static void put_out(char c, void *ctx)
{
	(void)ctx;
	out_put(c);
}

static void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vcbprintf(put_out, NULL, fmt, ap);
	va_end(ap);
}

/* A whole line: indent, then fmt's output. */
static void emitf(unsigned depth, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emitf(unsigned depth, const char *fmt, ...)
{
	va_list ap;

	out_begin(depth);
	va_start(ap, fmt);
	fmt_vcbprintf(put_out, NULL, fmt, ap);
	va_end(ap);
	out_end();
}

void ktap_version(void)
{
	emitf(cur->depth, "KTAP version 1");
}

void ktap_plan(unsigned plan)
{
	emitf(cur->depth, "1..%u", plan);
	cur->next[cur->depth] = 1;
}

void ktap_skip_all(const char *reason)
{
	out_begin(cur->depth);
	out_str("1..0 # SKIP ");
	out_escaped(reason);
	out_end();
}

void ktap_subtest_begin_unplanned(const char *name)
{
	if (cur->depth < KTAP_MAX_DEPTH)
		cur->depth++;
	else
		cur->flattened++;
	emitf(cur->depth, "KTAP version 1");
	out_begin(cur->depth);
	out_str("# Subtest: ");
	out_escaped(name);
	out_end();
	cur->next[cur->depth] = 1;
}

void ktap_subtest_begin(const char *name, unsigned plan)
{
	ktap_subtest_begin_unplanned(name);
	emitf(cur->depth, "1..%u", plan);
}

void ktap_trailing_plan(void)
{
	emitf(cur->depth, "1..%u", cur->next[cur->depth] - 1);
}

static void result_line(enum ktap_result r, const char *name, const char *reason)
{
	unsigned num = cur->next[cur->depth]++;

	out_begin(cur->depth);
	out_printf("%sok %u ", r == KTAP_FAIL ? "not " : "", num);
	out_escaped(name);
	if (r == KTAP_SKIP) {
		out_str(" # SKIP ");
		out_escaped(reason);
	}
	out_end();
}

void ktap_subtest_end(enum ktap_result r, const char *name, const char *reason)
{
	/* Close what the matching begin opened: a flattened level never
	 * nested, so it must not pop one of its parents. */
	if (cur->flattened)
		cur->flattened--;
	else if (cur->depth)
		cur->depth--;
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

/* A diagnostic's text on its way out: each '\n' starts a new "# " line. */
struct diag {
	bool at_start;  /* the next character begins a line */
	unsigned lines; /* lines ended so far */
};

static void diag_put(char c, void *ctx)
{
	struct diag *d = ctx;

	if (d->at_start) {
		out_begin(cur->depth);
		out_str("# ");
		d->at_start = false;
	}
	if (c == '\n') {
		out_end();
		d->at_start = true;
		d->lines++;
	} else {
		out_put(c);
	}
}

void ktap_vdiag_at(enum ktap_level level, const char *who, const char *fmt, va_list ap)
{
	struct diag d = { .at_start = true };

	if (level > k.level)
		return;
	for (; who && *who; who++)
		diag_put(*who, &d);
	if (who) {
		diag_put(':', &d);
		diag_put(' ', &d);
	}
	fmt_vcbprintf(diag_put, &d, fmt, ap);
	/* an empty diagnostic is one "# " line; a final '\n' adds none */
	if (d.at_start && !d.lines) {
		out_begin(cur->depth);
		out_str("# ");
	}
	if (!d.at_start || !d.lines)
		out_end();
}

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vdiag_at(KTAP_NORMAL, NULL, fmt, ap);
	va_end(ap);
}

void ktap_diag_at(enum ktap_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vdiag_at(level, NULL, fmt, ap);
	va_end(ap);
}

void ktap_print_totals(void)
{
	/* error: a test that could not run to a verdict; each case here ends
	 * in one (fail or skip), so there are none. */
	emitf(cur->depth, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0",
	      k.totals.pass, k.totals.fail, k.totals.skip);
}
