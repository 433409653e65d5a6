/*
 * summary.c - what the run reports besides KTAP itself: each device's
 * identity ("# device:"), the "# result:" line after each result, the
 * outcome per (device, mode, case) with its rounds folded in, the summary
 * table and the JSON results.
 */
#include "suite/runner.h"

#include "report/fmt.h"

/* Outcomes per (device, case), for the summary table and file. */
static struct suite_record records[SUITE_MAX_RECORDS];
static unsigned nrecords;
static struct suite_record overflow_record; /* when records[] is full */

/* Which board each tested device is (issue 15 item 9), for the JSON. */
static struct {
	struct pci_bdf bdf;
	struct igb_board b;
} boards[SUITE_MAX_DEVICES];
static unsigned nboards;

void summary_reset(void)
{
	nrecords = 0;
	nboards = 0;
	overflow_record = (struct suite_record){ .result = KTAP_SKIP };
}

struct suite_record *summary_spare(void)
{
	return &overflow_record;
}

/* A record per selected case for one device and mode, in run order, or
 * NULL when the table is full. */
struct suite_record *summary_add(const struct igb_dev *d, const struct options *o,
				 unsigned nsel)
{
	struct suite_record *recs = &records[nrecords];

	if (SUITE_MAX_RECORDS - nrecords < nsel)
		return NULL;
	for (unsigned i = 0; i < suite_case_count(); i++) {
		if (!options_case_selected(o, suite_case(i)->name))
			continue;
		records[nrecords++] = (struct suite_record){
			.bdf = d->bdf, .mode = iommu_mode(d->bdf), .tc = suite_case(i),
			.result = KTAP_SKIP };
	}
	return recs;
}

static void swap_records(unsigned a, unsigned b)
{
	struct suite_record r = records[a];

	records[a] = records[b];
	records[b] = r;
}

void summary_sort(unsigned from, unsigned block, unsigned (*rank)(const struct suite_record *))
{
	for (unsigned i = from; block && i + block <= nrecords; i += block) {
		unsigned best = i;
		for (unsigned j = i + block; j + block <= nrecords; j += block)
			if (rank(&records[j]) < rank(&records[best]))
				best = j;
		for (unsigned k = 0; best != i && k < block; k++)
			swap_records(i + k, best + k);
	}
}

struct suite_record *summary_find(struct pci_bdf bdf, enum iommu_mode m)
{
	for (unsigned i = 0; i < nrecords; i++)
		if (records[i].mode == m && pci_bdf_eq(records[i].bdf, bdf))
			return &records[i];
	return NULL;
}

unsigned suite_record_count(void)
{
	return nrecords;
}

const struct suite_record *suite_record(unsigned i)
{
	return i < nrecords ? &records[i] : NULL;
}

static const char *result_word(enum ktap_result r)
{
	return r == KTAP_PASS ? "pass" : r == KTAP_FAIL ? "fail" : "skip";
}

/* The outcome's word: a removal is its own, never the NIC's "fail". */
static const char *outcome_word(enum ktap_result r, bool removed)
{
	return removed ? "removed" : result_word(r);
}

/* A record's outcome is "removed" only when no round failed otherwise. */
static bool rec_removed(const struct suite_record *r)
{
	return r->removed && !r->fails;
}

void summary_record(struct suite_record *rec, const struct test_run *t,
		    enum ktap_result r, uint64_t us, unsigned round)
{
	rec->runs++;
	rec->us += us;
	rec->nmeasures = t->nmeasures; /* the last run's figures */
	rec->removed |= t->removed;
	for (unsigned i = 0; i < t->nmeasures; i++)
		rec->measures[i] = t->measures[i];
	if (r == KTAP_FAIL && !t->removed) {
		rec->fails++;
		rec->result = KTAP_FAIL;
		if (!rec->first_fail_round)
			rec->first_fail_round = round;
		rec->last_fail_round = round;
	} else if (r == KTAP_PASS && rec->result == KTAP_SKIP) {
		rec->result = KTAP_PASS;
	} else if (t->removed && rec->result != KTAP_FAIL) {
		rec->result = KTAP_FAIL; /* rec->removed says whose */
	}
}


/*
 * The one-line-per-result form (for LAVA's monitors and grep): always
 * printed, right after the KTAP result it repeats, and matched by the
 * regular expression documented in lava/README.md:
 *   # result: <device>.<case>[.r<round>] <pass|fail|skip|removed> <ms> ms
 * The device is its BDF with '-' for ':' (LAVA's test case id alphabet).
 */
/* The device as the result lines name it: its BDF with '-' for ':'. */
static unsigned device_id(const struct igb_dev *d, char *id, size_t size)
{
	unsigned n = 0;

	for (const char *p = d->name; *p && n < size - 1; p++)
		id[n++] = *p == ':' ? '-' : *p;
	id[n] = '\0';
	return n;
}

void summary_result_line(const struct igb_dev *d, const struct test_run *t,
			 unsigned round, enum ktap_result r, uint64_t us)
{
	char id[120], rnd[16] = "";
	unsigned n = device_id(d, id, sizeof(id));

	if (round)
		fmt_snprintf(rnd, sizeof(rnd), ".r%u", round);
	fmt_snprintf(id + n, sizeof(id) - n, ".%s.%s%s", iommu_mode_name(iommu_mode(d->bdf)),
		     t->name, rnd);
	ktap_diag_at(KTAP_ALWAYS, "result: %s %s %llu ms", id, outcome_word(r, t->removed),
		     (unsigned long long)(us / 1000));
	/* Key measurements: one line each, the case's id and the key. */
	for (unsigned i = 0; i < t->nmeasures; i++)
		ktap_diag_at(KTAP_ALWAYS, "result: %s.%s %s %llu %s", id, t->measures[i].key,
			     outcome_word(r, t->removed), (unsigned long long)t->measures[i].value,
			     t->measures[i].unit);
}

/*
 * The board's identity, once per device before its first case, on a line
 * keyed by the same device id as its "# result:" lines, so a lab can
 * trace every result to a board (grep, LAVA, ktap2junit's properties):
 *   # device: <device> <vendor>:<device id> subsystem ... dsn ...
 */
void summary_board(struct igb_dev *d)
{
	char id[32], s[300];
	struct igb_board *b = &boards[nboards].b;

	if (nboards == SUITE_MAX_DEVICES)
		return;
	boards[nboards++].bdf = d->bdf;
	igb_board_read(d, b);
	device_id(d, id, sizeof(id));
	ktap_diag_at(KTAP_ALWAYS, "device: %s %04x:%04x %s", id, b->vendor, b->device,
		     igb_board_str(b, s, sizeof(s)));
}

/* Tenths of a second. */
void summary_secs(char *buf, size_t n, uint64_t us)
{
	uint64_t ds = (us + 50000) / 100000;

	fmt_snprintf(buf, n, "%llu.%llu s", (unsigned long long)(ds / 10),
		     (unsigned long long)(ds % 10));
}

/* The human-readable end: one row per device, mode and case (rounds
 * folded in: runs, failures and the first and last failing round). */
void summary_print(unsigned not_run)
{
	unsigned pass = 0, fail = 0, skip = 0, removed = 0;

	for (unsigned i = 0; i < nrecords; i++) {
		pass += records[i].result == KTAP_PASS;
		fail += records[i].result == KTAP_FAIL && !rec_removed(&records[i]);
		skip += records[i].result == KTAP_SKIP;
		removed += rec_removed(&records[i]);
	}
	ktap_diag_at(KTAP_ALWAYS, "summary: %u passed, %u failed, %u skipped, %u removed; "
		     "%u IOMMU mode%s not run%s", pass, fail, skip, removed, not_run,
		     not_run == 1 ? "" : "s", overflow_record.runs ? " (table full)" : "");
	ktap_diag_at(KTAP_ALWAYS, "  %-12s  %-11s  %-26s %-7s %8s", "device", "iommu",
		     "case", "result", "time");
	for (unsigned i = 0; i < nrecords; i++) {
		const struct suite_record *r = &records[i];
		char bdf[16], t[24], runs[160] = "";

		pci_bdf_str(r->bdf, bdf, sizeof(bdf));
		summary_secs(t, sizeof(t), r->us);
		unsigned k = 0;
		if (r->runs > 1)
			k = (unsigned)fmt_snprintf(runs, sizeof(runs), "  %u runs, %u failed",
						   r->runs, r->fails);
		if (r->runs > 1 && r->fails)
			k += (unsigned)fmt_snprintf(runs + k, sizeof(runs) - k,
						    r->fails == 1 ? " (round %u)" :
						    " (rounds %u..%u)", r->first_fail_round,
						    r->last_fail_round);
		for (unsigned m = 0; m < r->nmeasures && k < sizeof(runs); m++)
			k += (unsigned)fmt_snprintf(runs + k, sizeof(runs) - k, "  %s %llu %s",
						    r->measures[m].key,
						    (unsigned long long)r->measures[m].value,
						    r->measures[m].unit);
		ktap_diag_at(KTAP_ALWAYS, "  %-12s  %-11s  %-26s %-7s %8s%s", bdf,
			     iommu_mode_name(r->mode), r->tc->name,
			     rec_removed(r) ? "REMOVED" : r->result == KTAP_FAIL ? "FAIL" :
			     result_word(r->result), t, runs);
	}
}


size_t suite_results_json(char *buf, size_t n)
{
	size_t at = 0;
	char bdf[16];

#define PUT(...)                                                              \
	do {                                                                  \
		int w_ = fmt_snprintf(at < n ? buf + at : NULL,               \
				      at < n ? n - at : 0, __VA_ARGS__);      \
		at += w_ > 0 ? (size_t)w_ : 0;                                \
	} while (0)

	PUT("  \"results\": [");
	for (unsigned i = 0; i < nrecords; i++) {
		const struct suite_record *r = &records[i];
		pci_bdf_str(r->bdf, bdf, sizeof(bdf));
		PUT("%s\n    {\"device\": \"%s\", \"iommu\": \"%s\", \"case\": \"%s\", "
		    "\"result\": \"%s\", \"runs\": %u, \"failed_runs\": %u, "
		    "\"first_failed_round\": %u, \"last_failed_round\": %u, \"ms\": %llu, "
		    "\"measurements\": {", i ? "," : "", bdf, iommu_mode_name(r->mode),
		    r->tc->name, outcome_word(r->result, rec_removed(r)), r->runs, r->fails,
		    r->first_fail_round, r->last_fail_round, (unsigned long long)(r->us / 1000));
		for (unsigned m = 0; m < r->nmeasures; m++)
			PUT("%s\"%s\": {\"value\": %llu, \"unit\": \"%s\"}", m ? ", " : "",
			    r->measures[m].key, (unsigned long long)r->measures[m].value,
			    r->measures[m].unit);
		PUT("}}");
	}
	PUT("\n  ],\n  \"devices\": [");
	for (unsigned i = 0; i < nboards; i++) {
		const struct igb_board *b = &boards[i].b;

		pci_bdf_str(boards[i].bdf, bdf, sizeof(bdf));
		PUT("%s\n    {\"device\": \"%s\", \"ids\": \"%04x:%04x\", "
		    "\"subsystem\": \"%04x:%04x\"", i ? "," : "", bdf, b->vendor, b->device,
		    b->subsys_vendor, b->subsys_device);
		if (b->has_dsn)
			PUT(", \"dsn\": \"%016llx\"", (unsigned long long)b->dsn);
		if (b->have_bar0)
			PUT(", \"mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\", \"nvm_words\": %u",
			    b->mac[0], b->mac[1], b->mac[2], b->mac[3], b->mac[4], b->mac[5],
			    b->nvm_words);
		if (b->have_bar0 && !b->ver_rc)
			PUT(", \"nvm_version\": \"%u.%u-%u\"", b->ver.major, b->ver.minor,
			    b->ver.build);
		if (b->have_bar0 && !b->pba_rc) {
			PUT(", \"pba\": \"");
			for (const char *c = b->pba; *c; c++) /* printable ASCII */
				PUT("%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
			PUT("\"");
		}
		PUT("}");
	}
	PUT("\n  ]\n");
#undef PUT
	return at;
}
