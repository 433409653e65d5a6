/* ktap_parse.c - strict reader for igbtest's KTAP (see ktap_parse.h). */
#include "ktap_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"

struct parser {
	struct kp_doc *d;
	unsigned line;        /* index of the line being read */
	unsigned top_results; /* results seen at level 0 */
	struct kp_block *open; /* device block being read, or NULL */
	/* mode block being read inside it */
	bool mode_open;
	char mode_name[KP_NAME_MAX];
	unsigned mode_plan, mode_results;
};

static bool problem(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool problem(struct parser *p, const char *fmt, ...)
{
	char what[150];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(p->d->problem, sizeof(p->d->problem), "line %u: %s", p->line + 1, what);
	return false;
}

static void copy_name(char *dst, const char *src, size_t n)
{
	if (n > KP_NAME_MAX - 1)
		n = KP_NAME_MAX - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "ok N name[ # SKIP why]" / "not ok N name": false when not a result. */
static bool result_line(const char *l, unsigned *num, char *name, enum kp_verdict *v)
{
	char *end;

	if (!strncmp(l, "ok ", 3)) {
		*v = KP_OK;
		l += 3;
	} else if (!strncmp(l, "not ok ", 7)) {
		*v = KP_NOT_OK;
		l += 7;
	} else {
		return false;
	}
	*num = (unsigned)strtoul(l, &end, 10);
	if (end == l || *end != ' ')
		return false;
	l = end + 1;
	const char *skip = strstr(l, " # SKIP");
	if (skip && *v == KP_OK)
		*v = KP_SKIP;
	copy_name(name, l, skip ? (size_t)(skip - l) : strlen(l));
	return true;
}

/* "1..N": false when not a plan. */
static bool plan_line(const char *l, unsigned *n)
{
	char *end;

	if (strncmp(l, "1..", 3))
		return false;
	*n = (unsigned)strtoul(l + 3, &end, 10);
	return end != l + 3;
}

static bool totals_line(struct parser *p, const char *l)
{
	struct kp_doc *d = p->d;

	if (sscanf(l, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:%u",
		   &d->pass, &d->fail, &d->skip, &d->error) != 4)
		return problem(p, "malformed totals \"%s\"", l);
	d->totals = true;
	return true;
}

/* Header of a block: "  KTAP version 1", "  # Subtest: name", "  1..M". */
static bool block_begin(struct parser *p)
{
	struct kp_doc *d = p->d;
	const char *name = fake_output_line(p->line + 1);
	const char *plan = fake_output_line(p->line + 2);
	struct kp_block *b;

	if (d->nb == KP_MAX_BLOCKS)
		return problem(p, "more than %d subtests", KP_MAX_BLOCKS);
	b = &d->b[d->nb++];
	memset(b, 0, sizeof(*b));
	b->v = KP_NONE;
	b->first_line = p->line;
	if (!name || strncmp(name, "  # Subtest: ", 13))
		return problem(p, "subtest without a \"# Subtest:\" header");
	copy_name(b->name, name + 13, strlen(name + 13));
	if (!plan || strncmp(plan, "  ", 2) || !plan_line(plan + 2, &b->plan))
		return problem(p, "subtest \"%s\" without a plan", b->name);
	p->open = b;
	p->line += 2;
	return true;
}

/* "    KTAP version 1", "    # Subtest: iommu=...", "    1..M". */
static bool mode_begin(struct parser *p)
{
	const char *name = fake_output_line(p->line + 1);
	const char *plan = fake_output_line(p->line + 2);

	if (p->mode_open)
		return problem(p, "mode block inside mode block \"%s\"", p->mode_name);
	if (!name || strncmp(name, "    # Subtest: ", 15))
		return problem(p, "mode block without a \"# Subtest:\" header");
	copy_name(p->mode_name, name + 15, strlen(name + 15));
	if (!plan || strncmp(plan, "    ", 4) || !plan_line(plan + 4, &p->mode_plan))
		return problem(p, "mode block \"%s\" without a plan", p->mode_name);
	p->mode_open = true;
	p->mode_results = 0;
	p->line += 2;
	return true;
}

/* A line of a mode block (its 4-space indent removed). */
static bool mode_line(struct parser *p, const char *l)
{
	struct kp_block *b = p->open;
	struct kp_case *c;
	unsigned num;

	if (l[0] == '#')
		return true;
	if (b->n == KP_MAX_CASES)
		return problem(p, "more than %d cases", KP_MAX_CASES);
	c = &b->c[b->n];
	if (!result_line(l, &num, c->name, &c->v))
		return problem(p, "unexpected \"%s\" in mode block", l);
	if (num != ++p->mode_results)
		return problem(p, "case numbered %u, expected %u", num, p->mode_results);
	b->n++;
	return true;
}

/* A line of the device block (its 2-space indent removed): a mode's
 * result, which closes the open mode block unless it is a skip line. */
static bool block_line(struct parser *p, const char *l)
{
	struct kp_block *b = p->open;
	struct kp_case *m;
	unsigned num;

	if (!strcmp(l, "  KTAP version 1"))
		return mode_begin(p);
	if (p->mode_open && !strncmp(l, "  ", 2))
		return mode_line(p, l + 2);
	if (l[0] == '#')
		return true;
	if (b->nmodes == KP_MAX_MODES)
		return problem(p, "more than %d modes", KP_MAX_MODES);
	m = &b->modes[b->nmodes];
	if (!result_line(l, &num, m->name, &m->v))
		return problem(p, "unexpected \"%s\" in subtest", l);
	if (num != ++b->nmodes)
		return problem(p, "mode numbered %u, expected %u", num, b->nmodes);
	m->leaf = !p->mode_open;
	if (p->mode_open) {
		p->mode_open = false;
		if (strcmp(m->name, p->mode_name))
			return problem(p, "mode block \"%s\" closed as \"%s\"",
				       p->mode_name, m->name);
		if (p->mode_results != p->mode_plan)
			return problem(p, "mode block \"%s\": plan %u, %u results",
				       p->mode_name, p->mode_plan, p->mode_results);
	} else if (m->v != KP_SKIP) {
		return problem(p, "mode \"%s\" has a result but no block", m->name);
	}
	return true;
}

/* The parent's result line closes the open block. */
static bool block_end(struct parser *p, enum kp_verdict v, const char *name)
{
	struct kp_block *b = p->open;

	p->open = NULL;
	b->v = v;
	b->last_line = p->line;
	if (strcmp(name, b->name))
		return problem(p, "subtest \"%s\" closed as \"%s\"", b->name, name);
	if (p->mode_open)
		return problem(p, "subtest \"%s\" closed inside mode block \"%s\"",
			       b->name, p->mode_name);
	if (b->nmodes != b->plan)
		return problem(p, "subtest \"%s\": plan %u, %u results", b->name,
			       b->plan, b->nmodes);
	return true;
}

static bool top_line(struct parser *p, const char *l)
{
	struct kp_doc *d = p->d;
	char name[KP_NAME_MAX];
	enum kp_verdict v;
	unsigned num;

	if (!strcmp(l, "  KTAP version 1"))
		return block_begin(p);
	if (p->open && !strncmp(l, "  ", 2))
		return block_line(p, l + 2);
	if (!strncmp(l, "# Totals:", 9))
		return totals_line(p, l);
	if (l[0] == '#')
		return true;
	if (!strncmp(l, "1..0 # SKIP ", 12)) {
		d->skip_all = true;
		copy_name(d->skip_reason, l + 12, strlen(l + 12));
		return true;
	}
	if (plan_line(l, &d->plan))
		return true;
	if (!result_line(l, &num, name, &v))
		return problem(p, "unexpected \"%s\"", l);
	if (num != ++p->top_results)
		return problem(p, "result numbered %u, expected %u", num, p->top_results);
	if (!p->open)
		return problem(p, "result \"%s\" without a subtest", name);
	return block_end(p, v, name);
}

/* Totals count leaves: every case of every block, and every skipped mode
 * (a skip line with no block under it). */
static bool totals_match(struct parser *p)
{
	struct kp_doc *d = p->d;
	unsigned n[3] = { 0, 0, 0 };

	for (unsigned i = 0; i < d->nb; i++) {
		for (unsigned j = 0; j < d->b[i].n; j++)
			n[d->b[i].c[j].v]++;
		for (unsigned j = 0; j < d->b[i].nmodes; j++)
			n[KP_SKIP] += d->b[i].modes[j].leaf;
	}
	if (!d->totals)
		return problem(p, "no \"# Totals:\" line");
	if (n[KP_OK] != d->pass || n[KP_NOT_OK] != d->fail || n[KP_SKIP] != d->skip)
		return problem(p, "totals pass:%u fail:%u skip:%u, results say %u/%u/%u",
			       d->pass, d->fail, d->skip, n[KP_OK], n[KP_NOT_OK], n[KP_SKIP]);
	return true;
}

bool kp_parse(struct kp_doc *d)
{
	struct parser p = { .d = d };
	const char *l;

	memset(d, 0, sizeof(*d));
	if (!fake_output_nlines() || strcmp(fake_output_line(0), "KTAP version 1"))
		return problem(&p, "no \"KTAP version 1\" first");
	for (p.line = 1; (l = fake_output_line(p.line)); p.line++)
		if (!top_line(&p, l))
			return false;
	if (p.open)
		return problem(&p, "subtest \"%s\" never closed", p.open->name);
	if (d->skip_all ? d->nb != 0 : p.top_results != d->plan)
		return problem(&p, "plan %u, %u results", d->plan, p.top_results);
	return totals_match(&p);
}

enum kp_verdict kp_verdict_of(const struct kp_block *b, const char *name)
{
	for (unsigned i = 0; i < b->n; i++)
		if (!strcmp(b->c[i].name, name))
			return b->c[i].v;
	return KP_NONE;
}

enum kp_verdict kp_mode_of(const struct kp_block *b, const char *mode)
{
	char name[KP_NAME_MAX];

	snprintf(name, sizeof(name), "iommu=%s", mode);
	for (unsigned i = 0; i < b->nmodes; i++)
		if (!strcmp(b->modes[i].name, name))
			return b->modes[i].v;
	return KP_NONE;
}

static bool block_diag(const struct kp_block *b, const char *text, bool prefix)
{
	char want[256];
	size_t n;

	snprintf(want, sizeof(want), "# %s", text);
	n = prefix ? strlen(want) : sizeof(want);
	for (unsigned i = b->first_line; i <= b->last_line; i++) {
		const char *l = fake_output_line(i);
		while (*l == ' ')
			l++;
		if (!strncmp(l, want, n))
			return true;
	}
	return false;
}

bool kp_block_has_diag(const struct kp_block *b, const char *text)
{
	return block_diag(b, text, false);
}

bool kp_block_has_diag_prefix(const struct kp_block *b, const char *prefix)
{
	return block_diag(b, prefix, true);
}
