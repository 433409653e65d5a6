/* suite.c - run the test case registry on every 82576 found. */
#include "suite/suite.h"

#include <stdarg.h>

#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "wait_bound.h"

/* Keep the reason; false when it did not fit (it then ends in "..."). */
static bool vreason(struct test_run *t, const char *fmt, va_list ap)
{
	size_t n = (size_t)fmt_vsnprintf(t->reason, sizeof(t->reason), fmt, ap);

	if (n < sizeof(t->reason))
		return true;
	fmt_snprintf(t->reason + sizeof(t->reason) - 4, 4, "...");
	return false;
}

enum ktap_result test_fail(struct test_run *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreason(t, fmt, ap);
	va_end(ap);
	/* Printed from the arguments, not t->reason: whole, however long. */
	va_start(ap, fmt);
	ktap_vdiag_at(KTAP_ALWAYS, t->name, fmt, ap);
	va_end(ap);
	return KTAP_FAIL;
}

enum ktap_result test_skip(struct test_run *t, const char *fmt, ...)
{
	va_list ap;
	bool fits;

	va_start(ap, fmt);
	fits = vreason(t, fmt, ap);
	va_end(ap);
	if (!fits) { /* the SKIP directive has the start: the whole goes here */
		va_start(ap, fmt);
		ktap_vdiag_at(KTAP_ALWAYS, t->name, fmt, ap);
		va_end(ap);
	}
	return KTAP_SKIP;
}

/* The groups in the order they run (the README's case table). */
static const struct igb_group *const groups[] = {
	&igb_group_identity, &igb_group_registers, &igb_group_copy,
	&igb_group_msix, &igb_group_sriov, &igb_group_flr_fault,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

int test_alloc(struct test_run *t, struct igb_dev *d, size_t size, uint8_t **out)
{
	return test_alloc_flags(t, d, size, 0, out);
}

int test_alloc_flags(struct test_run *t, struct igb_dev *d, size_t size,
		     unsigned flags, uint8_t **out)
{
	for (unsigned i = 0; i < TEST_MAX_BUFS; i++) {
		if (t->bufs[i])
			continue;
		int rc = dma_alloc_flags(d->bdf, size, flags, &t->bufs[i]);
		*out = rc ? NULL : t->bufs[i]->cpu;
		return rc;
	}
	*out = NULL;
	return RC_ENOMEM;
}

/* The driver of the device under test; one device at a time. */
static struct igb_drv drv;

/* The run's options (suite_configure), or the defaults. */
static const struct options *opt;
static struct options default_opt;

/* Outcomes per (device, case), for the summary table and file. */
static struct suite_record records[SUITE_MAX_RECORDS];
static unsigned nrecords;
static struct suite_record overflow_record; /* when records[] is full */

/* The run's start (suite_configure), which --duration counts from. */
static uint64_t run_start_us;

void suite_configure(const struct options *o)
{
	opt = o;
	run_start_us = plat_now_us();
}

static const struct options *run_opt(void)
{
	if (!opt) {
		options_defaults(&default_opt);
		opt = &default_opt;
	}
	return opt;
}

bool suite_device_selected(const struct pci_func *f)
{
	return igb_func_is_82576(f) && options_device_selected(run_opt(), f->bdf);
}

unsigned suite_record_count(void)
{
	return nrecords;
}

const struct suite_record *suite_record(unsigned i)
{
	return i < nrecords ? &records[i] : NULL;
}

unsigned suite_group_count(void)
{
	return NGROUPS;
}

const struct igb_group *suite_group(unsigned g)
{
	return g < NGROUPS ? groups[g] : NULL;
}

unsigned suite_case_count(void)
{
	unsigned n = 0;

	for (unsigned g = 0; g < NGROUPS; g++)
		n += groups[g]->n;
	return n;
}

const struct igb_test *suite_case(unsigned i)
{
	for (unsigned g = 0; g < NGROUPS; g++) {
		if (i < groups[g]->n)
			return &groups[g]->cases[i];
		i -= groups[g]->n;
	}
	return NULL;
}

/*
 * Size the BARs of a function we have identified as an 82576 and decide
 * whether BAR0 can be used. Memory decode is enabled through the platform
 * if the firmware left it off (AAVMF does); dev_release() turns it off
 * again.
 */
static void dev_prepare(struct igb_dev *d, const struct pci_func *f)
{
	const struct pci_bar *b0;

	*d = (struct igb_dev){ .fn = f, .bdf = f->bdf };
	pci_bdf_str(f->bdf, d->name, sizeof(d->name));
	d->cmd_at_start = pci_read16(d->bdf, PCI_COMMAND);
	if (d->cmd_at_start == 0xffff) {
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "config space reads all-ones");
		return;
	}
	pci_probe_bars(d->bdf, f->header_type, d->bar);
	b0 = &d->bar[0];
	if (b0->kind != PCI_BAR_MEM32 && b0->kind != PCI_BAR_MEM64)
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "BAR0 is not a memory BAR");
	else if (!b0->addr)
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "BAR0 is unassigned (address 0)");
	else if (b0->size < IGB_BAR0_SIZE)
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "BAR0 is %llu bytes, the 82576 needs %u",
			     (unsigned long long)b0->size, IGB_BAR0_SIZE);
	if (d->bar0_problem[0])
		return;
	if (!(d->cmd_at_start & PCI_COMMAND_MEMORY)) {
		int rc;

		ktap_diag("%s: memory decode was off; enabling it for BAR0", d->name);
		rc = plat_pci_enable(d->bdf, PLAT_PCI_MEMORY);
		if (rc) {
			fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
				     "memory decode is off and could not be enabled: %s",
				     rc_name(rc));
			return;
		}
	}
	d->bar0 = b0->addr;
}

/* Leave the device quiesced: driver removed (rings off, reset, MSI-X and
 * INTx as found), bus mastering off, memory decode as the firmware had it. */
static void dev_release(struct igb_dev *d)
{
	unsigned off = PLAT_PCI_MASTER;
	int rc;

	if (drv.dev == d)
		igb_ops.remove(&drv);
	drv = (struct igb_drv){ 0 };
	if (d->cmd_at_start == 0xffff || d->gone)
		return; /* nothing answers there */
	if (!(d->cmd_at_start & PCI_COMMAND_MEMORY))
		off |= PLAT_PCI_MEMORY;
	rc = plat_pci_disable(d->bdf, off);
	if (rc)
		ktap_diag("%s: bus mastering%s could not be turned off: %s", d->name,
			  (off & PLAT_PCI_MEMORY) ? " and memory decode" : "", rc_name(rc));
}

/* Bring the driver up for a NEEDS_LINK case if it is not up already. */
static int ensure_link(struct igb_dev *d, struct test_run *t)
{
	int rc;

	if (drv.up && drv.dev == d)
		return RC_OK;
	rc = igb_ops.init(&drv, d);
	if (rc)
		test_fail(t, "driver init failed: %s%s%s", rc_name(rc),
			  drv.last_error[0] ? ": " : "", drv.last_error);
	return rc;
}

static const char *result_word(enum ktap_result r)
{
	return r == KTAP_PASS ? "pass" : r == KTAP_FAIL ? "fail" : "skip";
}

/*
 * The one-line-per-result form (for LAVA's monitors and grep): always
 * printed, right after the KTAP result it repeats, and matched by the
 * regular expression documented in lava/README.md:
 *   # result: <device>.<case>[.r<round>] <pass|fail|skip> <ms> ms
 * The device is its BDF with '-' for ':' (LAVA's test case id alphabet).
 */
static void print_result_line(const struct igb_dev *d, const struct test_run *t,
			      unsigned round, enum ktap_result r, uint64_t us)
{
	char id[120], rnd[16] = "";
	unsigned n = 0;

	for (const char *p = d->name; *p && n < sizeof(id) - 1; p++)
		id[n++] = *p == ':' ? '-' : *p;
	id[n] = '\0';
	if (round)
		fmt_snprintf(rnd, sizeof(rnd), ".r%u", round);
	fmt_snprintf(id + n, sizeof(id) - n, ".%s.%s%s", iommu_mode_name(iommu_current()),
		     t->name, rnd);
	ktap_diag_at(KTAP_ALWAYS, "result: %s %s %llu ms", id, result_word(r),
		     (unsigned long long)(us / 1000));
	/* Key measurements: one line each, the case's id and the key. */
	for (unsigned i = 0; i < t->nmeasures; i++)
		ktap_diag_at(KTAP_ALWAYS, "result: %s.%s %s %llu %s", id, t->measures[i].key,
			     result_word(r), (unsigned long long)t->measures[i].value,
			     t->measures[i].unit);
}

void test_progress(struct test_run *t, const char *fmt, ...)
{
	uint64_t now = plat_now_us();
	va_list ap;

	if (now - t->progress_at < TEST_PROGRESS_US)
		return;
	t->progress_at = now;
	va_start(ap, fmt);
	ktap_vdiag_at(KTAP_NORMAL, t->name, fmt, ap);
	va_end(ap);
}

void test_measure(struct test_run *t, const char *key, uint64_t value, const char *unit)
{
	if (t->nmeasures < TEST_MAX_MEASURES)
		t->measures[t->nmeasures++] = (struct test_measure){ key, value, unit };
}

static void record(struct suite_record *rec, const struct test_run *t,
		   enum ktap_result r, uint64_t us, unsigned round)
{
	rec->runs++;
	rec->us += us;
	rec->nmeasures = t->nmeasures; /* the last run's figures */
	for (unsigned i = 0; i < t->nmeasures; i++)
		rec->measures[i] = t->measures[i];
	if (r == KTAP_FAIL) {
		rec->fails++;
		rec->result = KTAP_FAIL;
		if (!rec->first_fail_round)
			rec->first_fail_round = round;
		rec->last_fail_round = round;
	} else if (r == KTAP_PASS && rec->result == KTAP_SKIP) {
		rec->result = KTAP_PASS;
	}
}

/* "passthrough,strict": a case's modes as --iommu would name them. */
static const char *modes_str(unsigned modes, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned m = 0; m < IOMMU_NMODES; m++)
		if (modes & MODE(m))
			at += (size_t)fmt_snprintf(buf + at, at < n ? n - at : 0, "%s%s",
						   at ? "," : "", iommu_mode_name((enum iommu_mode)m));
	return buf;
}

/*
 * The fixture: every case starts from the same driver state, whatever ran
 * before it. What a case may change on a working driver goes back to what
 * init sets: the frame size of a copy, the queue pair (and so the VMDq
 * pool), the recovery settings. A case that failed may have left anything
 * (rings, queues, pools, interrupts): after it the driver is removed, and
 * the next case that needs it gets a fresh init. (SR-IOV cases put VFs
 * back themselves, whatever happened.)
 */
static void fixture_before(void)
{
	drv.no_auto_recover = false;
	drv.faulted = false;
	if ((drv.tx_queue || drv.rx_queue) && igb_drv_switch_queues(&drv, 0, 0))
		igb_ops.remove(&drv); /* the next user re-inits on queue 0 */
	if (drv.up)
		igb_drv_set_frame_size(&drv, drv.max_frame);
}

static void fixture_after(struct igb_dev *d, enum ktap_result r)
{
	if (r == KTAP_FAIL && drv.dev == d && drv.up)
		igb_ops.remove(&drv);
}

/* round: the soak's round, numbered from 1 (0 in a run of one round: the
 * result line then carries no ".r<round>"). */
static enum ktap_result run_one(struct igb_dev *d, const struct igb_test *tc,
				struct suite_record *rec, unsigned round)
{
	uint64_t t0 = plat_now_us();
	struct test_run t = { .name = tc->name, .drv = &drv, .opt = run_opt(),
			      .progress_at = t0 };
	char modes[40];
	enum ktap_result r;

	fixture_before();
	if (!(tc->modes & MODE(iommu_current())))
		r = test_skip(&t, "only meaningful under iommu=%s (mode %s)",
			      modes_str(tc->modes, modes, sizeof(modes)),
			      iommu_mode_name(iommu_current()));
	else if (d->dead && (tc->needs || d->gone))
		r = test_skip(&t, "device %s", d->dead_why);
	else if ((tc->needs & (NEEDS_BAR0 | NEEDS_LINK)) && !d->bar0)
		r = test_fail(&t, "%s", d->bar0_problem);
	else if ((tc->needs & NEEDS_LINK) && ensure_link(d, &t))
		r = KTAP_FAIL;
	else
		r = tc->run(d, &t);
	fixture_after(d, r);
	for (unsigned i = 0; i < TEST_MAX_BUFS; i++)
		dma_free(t.bufs[i]);
	uint64_t us = plat_now_us() - t0;
	if (us >= 100000)
		ktap_diag("%s took %llu ms", tc->name, (unsigned long long)(us / 1000));
	ktap_result(r, tc->name, r == KTAP_SKIP ? t.reason : NULL);
	print_result_line(d, &t, round, r, us);
	record(rec, &t, r, us, round ? round : 1);
	/* Everything up to this result survives a hang or reset from here on. */
	plat_write_sync();
	return r;
}

/* Fold results: any failure fails; otherwise any pass passes. */
static enum ktap_result fold(unsigned pass, unsigned fail)
{
	return fail ? KTAP_FAIL : pass ? KTAP_PASS : KTAP_SKIP;
}

static unsigned selected_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < suite_case_count(); i++)
		n += options_case_selected(run_opt(), suite_case(i)->name);
	return n;
}

/* Every selected case once; recs[k] is the k-th selected case's record. */
static enum ktap_result run_cases(struct igb_dev *d, struct suite_record *recs,
				  unsigned round)
{
	unsigned pass = 0, fail = 0, k = 0, nsel = selected_count();

	for (unsigned i = 0; i < suite_case_count(); i++) {
		const struct igb_test *tc = suite_case(i);
		if (!options_case_selected(run_opt(), tc->name))
			continue;
		ktap_diag_at(KTAP_VERBOSE, "[%u/%u] %s: %s", k + 1, nsel, tc->name, tc->desc);
		/* Past a full table, every case counts into one spare record. */
		enum ktap_result r = run_one(d, tc, recs ? &recs[k] : &overflow_record, round);
		k++;
		pass += r == KTAP_PASS;
		fail += r == KTAP_FAIL;
	}
	return fold(pass, fail);
}

/*
 * A selected 82576 for the whole run: prepared once (its BARs sized), its
 * records made when a mode first runs and kept across rounds (so a soak's
 * table never grows), released after the last round. A device found dead
 * stays dead: its remaining rounds skip with the reason.
 */
struct suite_device {
	struct igb_dev d;
	bool ran[IOMMU_NMODES];                  /* the mode started at least once */
	struct suite_record *recs[IOMMU_NMODES]; /* NULL: not yet, or no room */
};
#define SUITE_MAX_DEVICES 32
static struct suite_device devices[SUITE_MAX_DEVICES];
static unsigned ndevices;

/* A record per selected case for one device and mode, in run order, or
 * NULL when the table is full. */
static struct suite_record *make_records(const struct igb_dev *d)
{
	const struct options *o = run_opt();
	unsigned nsel = selected_count();
	struct suite_record *recs = &records[nrecords];

	if (SUITE_MAX_RECORDS - nrecords < nsel)
		return NULL;
	for (unsigned i = 0; i < suite_case_count(); i++) {
		if (!options_case_selected(o, suite_case(i)->name))
			continue;
		records[nrecords++] = (struct suite_record){
			.bdf = d->bdf, .mode = iommu_current(), .tc = suite_case(i),
			.result = KTAP_SKIP };
	}
	return recs;
}

/*
 * The device's cases under one DMA remapping mode, as a subtest block of
 * its own; a mode this machine cannot offer is a skip with the reason.
 * The driver is removed around every change of translation, so no DMA is
 * in flight while the IOMMU's tables change.
 */
static enum ktap_result run_mode(struct suite_device *sd, enum iommu_mode m,
				 const struct pci_inventory *inv, unsigned round)
{
	struct igb_dev *d = &sd->d;
	char title[32], why[160] = "";
	enum ktap_result r;

	fmt_snprintf(title, sizeof(title), "iommu=%s", iommu_mode_name(m));
	if (drv.dev == d)
		igb_ops.remove(&drv);
	if (iommu_start(m, d->bdf, inv, why, sizeof(why))) {
		ktap_result(KTAP_SKIP, title, why);
		plat_write_sync();
		return KTAP_SKIP;
	}
	if (!sd->ran[m])
		sd->recs[m] = make_records(d);
	sd->ran[m] = true;
	ktap_subtest_begin(title, selected_count());
	if (m != IOMMU_OFF)
		ktap_diag("%s: %s", title, iommu_unit_desc());
	r = run_cases(d, sd->recs[m], round);
	if (drv.dev == d)
		igb_ops.remove(&drv);
	if (m == IOMMU_STRICT) {
		iommu_stats(why, sizeof(why));
		ktap_diag("%s: %s", title, why);
	}
	iommu_stop();
	ktap_subtest_end(r, title, r == KTAP_SKIP ? "every case skipped" : NULL);
	return r;
}

/* Whether --iommu asks for mode m (all of them by default). */
static bool mode_selected(unsigned m)
{
	return options_iommu_selected(run_opt(), iommu_mode_name((enum iommu_mode)m));
}

static unsigned modes_selected(void)
{
	unsigned n = 0;

	for (unsigned m = 0; m < IOMMU_NMODES; m++)
		n += mode_selected(m);
	return n;
}

/*
 * A device that answered when the run began but reads all-ones at the
 * start of a round has left the bus: it is gone for the rest of the run,
 * its cases skip with the reason and the other devices go on.
 */
static void check_present(struct igb_dev *d, unsigned round)
{
	if (d->gone || d->cmd_at_start == 0xffff ||
	    pci_read32(d->bdf, PCI_VENDOR_ID) != 0xffffffffu)
		return;
	d->dead = d->gone = true;
	fmt_snprintf(d->dead_why, sizeof(d->dead_why), "gone: config space reads all-ones "
		     "from round %u on", round);
	ktap_diag_at(KTAP_ALWAYS, "%s: %s; its cases skip from now on", d->name, d->dead_why);
}

/* One device in one round: every selected mode. */
static enum ktap_result run_device(struct suite_device *sd, const struct pci_inventory *inv,
				   unsigned round)
{
	struct igb_dev *d = &sd->d;
	const struct pci_func *f = d->fn;
	char title[64];
	unsigned pass = 0, fail = 0;

	fmt_snprintf(title, sizeof(title), "82576 %s", d->name);
	ktap_subtest_begin(title, modes_selected());
	check_present(d, round ? round : 1);
	ktap_diag("%s [%04x:%04x] %s", d->name, f->vendor, f->device,
		  igb_82576_name(f->device));
	if (!d->bar0)
		ktap_diag_at(KTAP_ALWAYS, "BAR0 unusable: %s", d->bar0_problem);
	for (unsigned m = 0; m < IOMMU_NMODES; m++) {
		if (!mode_selected(m))
			continue;
		enum ktap_result r = run_mode(sd, (enum iommu_mode)m, inv, round);
		pass += r == KTAP_PASS;
		fail += r == KTAP_FAIL;
	}
	enum ktap_result r = fold(pass, fail);
	ktap_subtest_end(r, title, r == KTAP_SKIP ? "every mode skipped" : NULL);
	return r;
}

int suite_run_sequence(const struct pci_func *f, const unsigned *seq, unsigned n,
		       enum ktap_result *out)
{
	struct igb_dev d;
	struct suite_record scratch;
	char why[160];
	int rc;

	wait_bound_set_scale(run_opt()->timeout_pct);
	dev_prepare(&d, f);
	rc = iommu_start(IOMMU_OFF, d.bdf, NULL, why, sizeof(why));
	for (unsigned k = 0; !rc && k < n; k++) {
		scratch = (struct suite_record){ .tc = suite_case(seq[k]) };
		out[k] = run_one(&d, suite_case(seq[k]), &scratch, 0);
	}
	if (drv.dev == &d)
		igb_ops.remove(&drv);
	iommu_stop();
	dev_release(&d);
	return rc;
}

/* Tenths of a second. */
static void secs(char *buf, size_t n, uint64_t us)
{
	uint64_t ds = (us + 50000) / 100000;

	fmt_snprintf(buf, n, "%llu.%llu s", (unsigned long long)(ds / 10),
		     (unsigned long long)(ds % 10));
}

/*
 * After each round: its time, and what igbtest holds of the machine once
 * every device's driver is removed and translation is off (a soak that
 * leaks shows it growing from round to round), with the round's peaks.
 */
static void print_round_usage(unsigned round, uint64_t round_us)
{
	const struct options *o = run_opt();
	struct dma_usage u = dma_usage_take();
	unsigned vtd_peak, vtd = iommu_table_pages_take(&vtd_peak);
	char took[24], run[24], of[40] = "";

	secs(took, sizeof(took), round_us);
	secs(run, sizeof(run), plat_now_us() - run_start_us);
	if (o->duration_s)
		fmt_snprintf(of, sizeof(of), " of %lu s", (unsigned long)o->duration_s);
	ktap_diag_at(KTAP_ALWAYS, "round %u: %s, run %s%s; held: %u DMA buffers, "
		     "%llu DMA pages (peak %llu), %u IOMMU table pages (peak %u), %u records; "
		     "firmware free memory %llu KiB", round, took, run, of, u.buffers,
		     (unsigned long long)u.pages, (unsigned long long)u.peak_pages, vtd,
		     vtd_peak, nrecords, (unsigned long long)(plat_free_memory() >> 10));
}

/*
 * Rounds: each is every selected case on every selected device in every
 * selected mode. --repeat=N: N of them; --duration=T: a round starts only
 * while less than T has passed since the run's start, so the run ends
 * within one round of T. A soak's rounds are KTAP subtests holding the
 * device blocks; a single run has the device blocks at the top.
 */
static unsigned run_rounds(const struct pci_inventory *inv)
{
	const struct options *o = run_opt();
	uint64_t limit = (uint64_t)o->duration_s * 1000000;
	bool soak = o->repeat > 1 || o->duration_s;
	unsigned failed = 0;
	char name[32];

	if (!o->duration_s)
		ktap_plan(soak ? o->repeat : ndevices);
	for (unsigned round = 1;; round++) {
		uint64_t t0 = plat_now_us();
		unsigned pass = 0, fail = 0;

		if (o->duration_s ? round > 1 && t0 - run_start_us >= limit : round > o->repeat)
			break;
		fmt_snprintf(name, sizeof(name), "round %u", round);
		if (soak)
			ktap_subtest_begin(name, ndevices);
		for (unsigned i = 0; i < ndevices; i++) {
			enum ktap_result r = run_device(&devices[i], inv, soak ? round : 0);
			pass += r == KTAP_PASS;
			fail += r == KTAP_FAIL;
		}
		print_round_usage(round, plat_now_us() - t0);
		enum ktap_result r = fold(pass, fail);
		if (soak)
			ktap_subtest_end(r, name, r == KTAP_SKIP ? "every device skipped" : NULL);
		failed += r == KTAP_FAIL;
		plat_write_sync();
	}
	if (o->duration_s)
		ktap_trailing_plan();
	return failed;
}

/* (device, mode) pairs selected that never ran: no DMAR, a refused unit. */
static unsigned modes_not_run(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ndevices; i++)
		for (unsigned m = 0; m < IOMMU_NMODES; m++)
			n += mode_selected(m) && !devices[i].ran[m];
	return n;
}

/* The human-readable end: one row per device, mode and case (rounds
 * folded in: runs, failures and the first and last failing round). */
static void print_summary(void)
{
	unsigned pass = 0, fail = 0, skip = 0, not_run = modes_not_run();

	for (unsigned i = 0; i < nrecords; i++) {
		pass += records[i].result == KTAP_PASS;
		fail += records[i].result == KTAP_FAIL;
		skip += records[i].result == KTAP_SKIP;
	}
	ktap_diag_at(KTAP_ALWAYS, "summary: %u passed, %u failed, %u skipped; %u IOMMU "
		     "mode%s not run%s", pass, fail, skip, not_run, not_run == 1 ? "" : "s",
		     overflow_record.runs ? " (table full)" : "");
	ktap_diag_at(KTAP_ALWAYS, "  %-12s  %-11s  %-26s %-6s %9s", "device", "iommu",
		     "case", "result", "time");
	for (unsigned i = 0; i < nrecords; i++) {
		const struct suite_record *r = &records[i];
		char bdf[16], t[24], runs[160] = "";

		pci_bdf_str(r->bdf, bdf, sizeof(bdf));
		secs(t, sizeof(t), r->us);
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
		ktap_diag_at(KTAP_ALWAYS, "  %-12s  %-11s  %-26s %-6s %9s%s", bdf,
			     iommu_mode_name(r->mode), r->tc->name,
			     r->result == KTAP_FAIL ? "FAIL" : result_word(r->result), t, runs);
	}
}

int suite_run(const struct pci_inventory *inv)
{
	const struct options *o = run_opt();
	unsigned count = 0, failed, igbs = 0;

	nrecords = 0;
	ndevices = 0;
	drv = (struct igb_drv){ 0 };
	overflow_record = (struct suite_record){ .result = KTAP_SKIP };
	wait_bound_set_scale(o->timeout_pct);
	for (unsigned i = 0; i < inv->n; i++) {
		igbs += igb_func_is_82576(&inv->f[i]);
		count += suite_device_selected(&inv->f[i]);
	}
	for (unsigned i = 0; i < o->n_devices; i++) {
		const struct pci_bdf *b = &o->devices[i];
		bool found = false;
		for (unsigned j = 0; j < inv->n && !found; j++)
			found = igb_func_is_82576(&inv->f[j]) &&
				options_device_matches(o, i, inv->f[j].bdf);
		if (!found)
			ktap_diag_at(KTAP_ALWAYS, "--device %s%04x:%02x:%02x.%u: no 82576 there",
				     o->device_has_seg[i] ? "" : "(any segment) ", b->seg,
				     b->bus, b->dev, b->fn);
	}
	if (!count) {
		if (igbs)
			ktap_diag_at(KTAP_ALWAYS, "none of the %u 82576%s found is selected "
				     "by --device", igbs, igbs == 1 ? "" : "s");
		else
			ktap_diag_at(KTAP_ALWAYS, "no Intel 82576 found among the %u PCI "
				     "function%s listed above", inv->n,
				     inv->n == 1 ? "" : "s");
		ktap_skip_all(igbs ? "no selected 82576 found" : "no Intel 82576 found");
		ktap_print_totals();
		return IGBTEST_EXIT_NODEV;
	}
	if (count > SUITE_MAX_DEVICES)
		ktap_diag_at(KTAP_ALWAYS, "%u 82576s selected: only the first %u are tested "
			     "(--device picks others)", count, SUITE_MAX_DEVICES);
	for (unsigned i = 0; i < inv->n && ndevices < SUITE_MAX_DEVICES; i++) {
		if (!suite_device_selected(&inv->f[i]))
			continue;
		devices[ndevices] = (struct suite_device){ 0 };
		dev_prepare(&devices[ndevices++].d, &inv->f[i]);
	}
	/* The rounds' resource figures count from here. */
	dma_usage_take();
	iommu_table_pages_take(&(unsigned){ 0 });
	failed = run_rounds(inv);
	for (unsigned i = 0; i < ndevices; i++)
		dev_release(&devices[i].d);
	print_summary();
	ktap_print_totals();
	return failed ? IGBTEST_EXIT_FAIL : IGBTEST_EXIT_PASS;
}
