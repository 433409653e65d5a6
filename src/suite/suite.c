/* suite.c - run the test case registry on every 82576 found. */
#include "suite/runner.h"

#include <stdarg.h>

#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "suite/errwatch.h"
#include "task.h"
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
	&igb_group_msix, &igb_group_interrupts, &igb_group_sriov, &igb_group_flr_fault,
	&igb_group_power, &igb_group_link, &igb_group_pcie, &igb_group_board,
	&igb_group_stats,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

enum ktap_result test_no_memory(struct test_run *t, size_t size, int rc)
{
	return test_skip(t, "not tested: cannot allocate %zu bytes of DMA memory: %s", size,
			 rc_name(rc));
}

void test_free(struct test_run *t, const uint8_t *p)
{
	for (unsigned i = 0; i < TEST_MAX_BUFS; i++) {
		if (t->bufs[i] && t->bufs[i]->cpu == p) {
			dma_free(t->bufs[i]);
			t->bufs[i] = NULL;
		}
	}
}

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

enum ktap_result test_buf(struct test_run *t, struct igb_dev *d, size_t size,
			  unsigned flags, uint8_t **out)
{
	int rc = test_alloc_flags(t, d, size, flags, out);

	return rc ? test_no_memory(t, size, rc) : KTAP_PASS;
}

/* What the exit status is made of: failures of a NIC, removals, and the
 * cases that ran to a verdict at all (none: nothing could be tested). */
static unsigned nic_failures, removals, tested;

/*
 * Side by side (task.h): what devices tested at once must not do at once.
 * mode_phase: a remapping unit holds each device in a domain of its own
 * (iommu.h), so passthrough and strict blocks run together; but off
 * means no unit translating at all, so off blocks run together and never
 * beside a passthrough or strict one (phase 0: off; 1: translating). A
 * unit is taken over and given back only while no device of the batch
 * is in a block of the other phase, so none has DMA in flight then.
 * case_lock: a NEEDS_ALONE case runs while no other device runs one.
 */
static struct task_phase mode_phase = TASK_PHASE_INIT;
static struct task_lock case_lock = TASK_LOCK_INIT;

/*
 * fault_lock, the fault window: one deliberate DMA fault in flight at a
 * time, from its copy's start until its device is quiesced and its
 * faults drained; the recovery after it (FLR's 100 ms, re-init, link
 * settle) runs outside, side by side. What every device shares there is
 * where the fault is recorded, and each of those loses faults when full:
 * VT-d has CAP.NFR fault recording registers (QEMU 10: one), and with
 * the next one still full it sets FSTS.PFO and records no new fault until
 * software clears it (VT-d spec 7.2.1, FSTS_REG); AMD-Vi writes no event
 * while EventOverflow is set (IOMMU spec, MMIO 0x2020); SMMUv3 discards
 * events while its event queue is full (7.4); DMA to nothing (off,
 * passthrough) is logged in a shared port's one AER header log (PCIe
 * 7.8.4.7-8). A fault lost that way would make a good NIC look like one
 * that faulted unseen: with one window at a time the only faults in the
 * log are the window's own.
 */
static struct task_lock fault_lock = TASK_LOCK_INIT;

int test_fault_start(struct test_run *t, const void *src, void *dst, size_t size)
{
	int rc;

	if (!t->fault_window) {
		task_lock_excl(&fault_lock);
		t->strays_at = iommu_strays(t->drv->dev->bdf);
	}
	t->fault_window = true;
	rc = igb_ops.memcpy_start(t->drv, src, dst, size, 1);
	if (rc) /* nothing was started */
		test_fault_end(t);
	return rc;
}

void test_fault_end(struct test_run *t)
{
	if (!t->fault_window)
		return;
	if (t->drv->dev)
		iommu_fault_discard(t->drv->dev->bdf);
	t->fault_window = false;
	task_unlock_excl(&fault_lock);
}

/* Only as many strays as the log holds can fill it: fewer, taken since
 * the window opened (the log held none of ours then), left room for ours. */
const char *test_fault_strays(struct test_run *t, char *buf, size_t n)
{
	struct pci_bdf b = t->drv->dev ? t->drv->dev->bdf : (struct pci_bdf){ 0 };
	unsigned strays = t->drv->dev ? iommu_strays(b) - t->strays_at : 0;

	buf[0] = '\0';
	if (strays && strays >= iommu_fault_records(b))
		fmt_snprintf(buf, n, "; meanwhile the IOMMU recorded %u DMA fault%s from ids "
			     "with no domain (DMA from something not under test): the fault "
			     "log they share drops faults when full, so it may have had no "
			     "room for this one", strays, strays == 1 ? "" : "s");
	return buf;
}

/* The run's options (suite_configure), or the defaults. */
static const struct options *opt;
static struct options default_opt;

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

/* "passthrough,strict": a case's modes as --iommu would name them; "once"
 * for a MODES_ONCE case (every mode, run in the first). */
static const char *modes_str(unsigned modes, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	if (modes == MODES_ONCE) {
		fmt_snprintf(buf, n, "once");
		return buf;
	}
	for (unsigned m = 0; m < IOMMU_NMODES; m++)
		if (modes & MODE(m))
			at += (size_t)fmt_snprintf(buf + at, at < n ? n - at : 0, "%s%s",
						   at ? "," : "", iommu_mode_name((enum iommu_mode)m));
	return buf;
}

/*
 * A removed device gets exactly one failure, in the case during which (or
 * before which) it was found gone, naming the removal and the step that
 * found it; t's own reason is kept after it. Its later cases skip.
 */
static enum ktap_result removal(struct igb_dev *d, struct test_run *t, bool ran)
{
	char said[TEST_REASON_MAX];

	fmt_snprintf(said, sizeof(said), "%s", ran ? t->reason : "");
	d->gone_case = t->name;
	t->removed = true;
	return test_fail(t, "device removed %s %s: config space reads all-ones, found %s%s%s",
			 ran ? "during" : "before", t->name, d->gone_when,
			 said[0] ? "; the case said: " : "", said);
}

/* needs as --list prints them: "bar0,link,flr,alone", or "-" for none. */
static const char *needs_str(unsigned needs, char *buf, size_t n)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ NEEDS_BAR0, "bar0" }, { NEEDS_LINK, "link" }, { NEEDS_FLR, "flr" },
		{ NEEDS_ALONE, "alone" }, { NEEDS_PORTS, "ports" },
	};
	size_t at = 0;

	fmt_snprintf(buf, n, "-");
	for (unsigned b = 0; b < sizeof(names) / sizeof(names[0]); b++)
		if (needs & names[b].bit)
			at += (size_t)fmt_snprintf(buf + at, at < n ? n - at : 0, "%s%s",
						   at ? "," : "", names[b].name);
	return buf;
}

void suite_list(void)
{
	char needs[32], modes[40];

	ktap_diag_at(KTAP_ALWAYS, "%u test cases in %u groups, run on each 82576 in this "
		     "order (name, needs, IOMMU modes, description):", suite_case_count(),
		     suite_group_count());
	for (unsigned g = 0; g < NGROUPS; g++) {
		ktap_diag_at(KTAP_ALWAYS, "group %s: %s", groups[g]->name, groups[g]->title);
		for (unsigned i = 0; i < groups[g]->n; i++) {
			const struct igb_test *tc = &groups[g]->cases[i];

			ktap_diag_at(KTAP_ALWAYS, "  %-24s %-13s %-23s %s", tc->name,
				     needs_str(tc->needs, needs, sizeof(needs)),
				     modes_str(tc->modes, modes, sizeof(modes)), tc->desc);
		}
	}
}

static void side_sync(void);

/* round: the soak's round, numbered from 1 (0 in a run of one round: the
 * result line then carries no ".r<round>"). once_in: the mode this device's
 * MODE_INDEPENDENT cases ran in this round, NULL while it is this one. */
static enum ktap_result run_one(struct igb_dev *d, struct igb_drv *drv,
				const struct igb_test *tc, struct suite_record *rec,
				unsigned round, const char *once_in)
{
	uint64_t t0, idle0;
	struct test_run t = { .name = tc->name, .drv = drv, .opt = run_opt() };
	struct flr_report flr;
	char modes[40];
	enum ktap_result r;
	bool ran = false;
	bool alone = tc->needs & NEEDS_ALONE;

	/* Side by side, the fixture and the case are one step, alone or not. */
	if (alone)
		task_lock_excl(&case_lock);
	else
		task_lock_shared(&case_lock);
	errwatch_case(d, tc->name);
	t0 = t.progress_at = plat_now_us();
	idle0 = task_idle_us();
	fixture_before(drv);
	if (!(tc->modes & MODE(iommu_mode(d->bdf))))
		r = test_skip(&t, "only meaningful under iommu=%s (mode %s)",
			      modes_str(tc->modes, modes, sizeof(modes)),
			      iommu_mode_name(iommu_mode(d->bdf)));
	else if (d->gone && d->gone_case)
		r = test_skip(&t, "device removed during %s (config space reads all-ones)",
			      d->gone_case);
	else if (d->gone)
		r = removal(d, &t, false);
	else if ((tc->modes & MODE_INDEPENDENT) && once_in)
		r = test_skip(&t, MODE_INDEPENDENT_SKIP "%s", once_in);
	else if (d->dead && tc->needs)
		r = test_skip(&t, "device %s", d->dead_why);
	else if ((tc->needs & NEEDS_FLR) && !d->fn->caps.flr)
		r = test_skip(&t, TEST_NO_FLR);
	else if ((tc->needs & (NEEDS_BAR0 | NEEDS_LINK)) && !d->bar0 && d->bar0_host)
		r = test_skip(&t, "not tested: %s", d->bar0_problem);
	else if ((tc->needs & (NEEDS_BAR0 | NEEDS_LINK)) && !d->bar0)
		r = test_fail(&t, "%s", d->bar0_problem);
	else if ((tc->needs & NEEDS_LINK) && (r = fixture_link(d, drv, &t)) != KTAP_PASS)
		ran = true;
	else
		r = tc->run(d, &t), ran = true;
	/* Gone means gone: whatever the case saw, a device that has left is
	 * its removal, not its failure (one config read after every case). */
	bool left = ran && (d->gone || igb_gone(d, "after %s", tc->name));
	/*
	 * A window left open (the case ended with its faulting copy as it
	 * was): the device quiesced, the window closed and the device
	 * recovered by FLR before the check, so what the copy still raises
	 * meanwhile (a completion timeout) is this case's, not the next
	 * check's, which may be a sibling's; and the next case does not
	 * find the engine wedged (CTRL.RST leaves it so, seed patch 8).
	 * test_recover closes the window before the FLR. Lock order kept:
	 * the window goes back before the port lock (errwatch_case) and
	 * the case lock.
	 */
	if (t.fault_window && (left || !d->fn->caps.flr)) {
		fixture_remove(d, drv);
		test_fault_end(&t);
	} else if (t.fault_window && test_recover(&t, &flr) && !d->gone) {
		d->dead = true;
		fmt_snprintf(d->dead_why, sizeof(d->dead_why), "not recovered after %s left "
			     "its faulting copy (FLR + init failed)", tc->name);
	}
	if (ran && d->gone) /* found gone after it, or in its recovery */
		r = removal(d, &t, true);
	else if (!d->gone)
		errwatch_after(d, &t, &r);
	errwatch_case(d, NULL);
	fixture_after(d, drv, r);
	for (unsigned i = 0; i < TEST_MAX_BUFS; i++)
		dma_free(t.bufs[i]);
	uint64_t us = plat_now_us() - t0 + t.us_before;
	if (alone)
		task_unlock_excl(&case_lock);
	else
		task_unlock_shared(&case_lock);
	if (us >= 100000)
		ktap_diag("%s took %llu ms, the CPU idle %llu ms of it", tc->name,
			  (unsigned long long)(us / 1000),
			  (unsigned long long)((task_idle_us() - idle0 + t.idle_us_before) /
					       1000));
	ktap_result(r, tc->name, r == KTAP_SKIP ? t.reason : NULL);
	summary_result_line(d, &t, round, r, us);
	summary_record(rec, &t, r, us, round ? round : 1);
	nic_failures += r == KTAP_FAIL && !t.removed;
	removals += t.removed;
	tested += r != KTAP_SKIP && !t.removed;
	/* Everything up to this result survives a hang or reset from here on. */
	side_sync();
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
static enum ktap_result run_cases(struct igb_dev *d, struct igb_drv *drv,
				  struct suite_record *recs, unsigned round, const char *once_in)
{
	unsigned pass = 0, fail = 0, k = 0, nsel = selected_count();

	for (unsigned i = 0; i < suite_case_count(); i++) {
		const struct igb_test *tc = suite_case(i);
		if (!options_case_selected(run_opt(), tc->name))
			continue;
		ktap_diag_at(KTAP_VERBOSE, "[%u/%u] %s: %s", k + 1, nsel, tc->name, tc->desc);
		/* Past a full table, every case counts into one spare record. */
		enum ktap_result r = run_one(d, drv, tc, recs ? &recs[k] : summary_spare(),
					     round, once_in);
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
	struct igb_drv drv; /* its driver: each device has its own */
	char held[PLAT_CLAIM_WHY + 16]; /* "not tested: <why>" when a driver kept it */
	bool ran[IOMMU_NMODES];                  /* the mode started at least once */
	const char *once_in; /* this round: where MODE_INDEPENDENT cases ran */
	struct suite_record *recs[IOMMU_NMODES]; /* NULL: not yet, or no room */
	/* Side by side: its KTAP stream, its place in the batch, its verdict. */
	struct ktap_stream stream;
	unsigned slot;
	enum ktap_result r;
};
static struct suite_device devices[SUITE_MAX_DEVICES];
static unsigned ndevices;
/* suite_run_sequence's one device, in place of devices[]. */
static struct igb_dev *sequence_dev;
static unsigned round_id;

unsigned suite_round_id(void)
{
	return round_id;
}

/* One that has left the bus since is not driven: its block finds it gone. */
static bool port_usable(struct igb_dev *d)
{
	return d->bar0 && !d->dead && !d->gone &&
	       pci_read32(d->bdf, PCI_VENDOR_ID) != 0xffffffffu;
}

unsigned suite_ports(struct igb_dev **out, unsigned max)
{
	unsigned n = 0;

	if (sequence_dev)
		return max && port_usable(sequence_dev) ? (out[0] = sequence_dev, 1) : 0;
	for (unsigned i = 0; i < ndevices && n < max; i++)
		if (!devices[i].held[0] && port_usable(&devices[i].d))
			out[n++] = &devices[i].d;
	return n;
}

/*
 * Output side by side: the first unfinished device of a batch (fg)
 * writes through; the others fill their buffer, which is written out
 * when they come first. A device whose buffer is past half full at
 * the start of a mode block waits (holding no lock) until it comes
 * first; a block that would overflow the rest loses its output past the
 * last whole line, said in a line of its own, never its records.
 */
#define SIDE_OUT_BYTES (256u * 1024u)
static size_t side_out_bytes = SIDE_OUT_BYTES; /* suite_side_out_limit */
static struct {
	char buf[TASK_MAX][SIDE_OUT_BYTES];
	size_t n[TASK_MAX];
	size_t lost[TASK_MAX];         /* bytes that did not fit */
	bool held[TASK_MAX];           /* given to plat_write_held */
	bool done[TASK_MAX];
	unsigned slices[TASK_MAX];     /* times its task got the CPU */
	bool gave_up[TASK_MAX];        /* waited for its turn in vain */
	unsigned nbatch, fg;
	struct suite_device *batch[TASK_MAX];
	struct suite_device *cur;      /* the task running, or NULL */
	const struct pci_inventory *inv;
	unsigned round;
} side;

static void side_sink(const char *s, size_t len)
{
	unsigned i = side.cur->slot;
	size_t room = side_out_bytes - side.n[i];

	if (i == side.fg) {
		ktap_write_through(s, len);
		return;
	}
	if (side.lost[i] || len > room) {
		/* Keep whole lines only: drop the one begun. */
		while (!side.lost[i] && side.n[i] && side.buf[i][side.n[i] - 1] != '\n')
			side.n[i]--, side.lost[i]++;
		side.lost[i] += len;
		return;
	}
	for (size_t k = 0; k < len; k++)
		side.buf[i][side.n[i] + k] = s[k];
	side.n[i] += len;
}

/* Everything the devices at the front have written, in order. */
static void side_release(void)
{
	while (side.fg < side.nbatch) {
		unsigned i = side.fg;
		char line[160];

		if (side.n[i] || side.lost[i]) {
			ktap_write_through(side.buf[i], side.n[i]);
			side.n[i] = 0;
			if (side.lost[i]) {
				int n = fmt_snprintf(line, sizeof(line), "# igbtest: %zu bytes "
						     "of %s's output did not fit while it waited "
						     "to be printed (--serial prints all)\n",
						     side.lost[i], side.batch[i]->d.name);
				ktap_write_through(line, (size_t)n < sizeof(line) ? (size_t)n : 0);
				side.lost[i] = 0;
			}
			plat_write_sync();
			if (side.held[i])
				plat_write_held(i, NULL, 0);
			side.held[i] = false;
		}
		if (!side.done[i])
			return;
		side.fg++;
	}
}

/*
 * A result's sync: the output of a device that waits for its turn is
 * made durable as it stands (plat_write_held) before the sync, so its
 * finished cases survive a hang as the first device's do.
 */
_Static_assert(TASK_MAX <= PLAT_HELD_SLOTS, "a held stream per task");
static void side_sync(void)
{
	if (side.cur && side.cur->slot != side.fg) {
		unsigned i = side.cur->slot;
		plat_write_held(i, side.buf[i], side.n[i]);
		side.held[i] = true;
	}
	plat_write_sync();
}

static void side_switch(void *arg)
{
	side.cur = arg;
	if (arg)
		side.slices[side.cur->slot]++;
	ktap_stream_use(arg ? &side.cur->stream : NULL);
	if (!arg)
		side_release();
}

void suite_side_out_limit(size_t bytes)
{
	side_out_bytes = bytes && bytes < SIDE_OUT_BYTES ? bytes : SIDE_OUT_BYTES;
}

/*
 * How long the device ahead may go without getting the CPU while a device
 * behind waits for its turn. Each of its waits is wait_until or wait_us,
 * which give the CPU away, so it gets it back once per sleep of its own;
 * its longest sleep in one piece is the forced link's settle
 * (igb_drv.c IGB_FORCED_LINK_SETTLE_US, 0.5 s), and a lock or phase it
 * waits for is polled every millisecond (task.c). 20 times that: only a
 * task switch that no longer runs it gets here. Scaled by --timeout-scale.
 */
#define SIDE_AHEAD_RUNS_US (10u * 1000u * 1000u)
/* How often a device waiting for its turn looks: scheduling only. */
#define SIDE_TURN_POLL_US 1000u
static uint64_t side_ahead_runs_us = SIDE_AHEAD_RUNS_US; /* suite_side_turn_limit */

void suite_side_turn_limit(uint64_t us)
{
	side_ahead_runs_us = us ? us : SIDE_AHEAD_RUNS_US;
}

static bool side_has_room(const struct suite_device *sd)
{
	return sd->slot == side.fg || side.n[sd->slot] <= side_out_bytes / 2;
}

struct side_wait {
	const struct suite_device *sd;
	unsigned fg, slices; /* the device ahead, and its slices so far */
};

static bool side_turn_or_ahead_ran(void *ctx)
{
	const struct side_wait *w = ctx;

	return side_has_room(w->sd) || side.fg != w->fg || side.slices[w->fg] != w->slices;
}

/*
 * A device waits to come first before its buffer could overflow: past
 * half of it at the start of a mode block. It holds no lock and no mode
 * phase meanwhile, so the devices ahead of it never wait for it and the
 * first one always finishes: the wait goes on as long as the device ahead
 * runs (each of its waits is bounded). If that device does not get the
 * CPU for SIDE_AHEAD_RUNS_US, false with why: the waiting device's blocks
 * of this round are then skipped (not tested, its output so far kept),
 * rather than run into a buffer that cannot take them, or hang.
 */
static bool side_make_room(struct suite_device *sd, char *why, size_t n)
{
	struct side_wait w = { .sd = sd };

	if (!task_in_task() || side_has_room(sd))
		return true;
	if (!side.gave_up[sd->slot]) {
		do {
			w.fg = side.fg;
			w.slices = side.slices[w.fg];
			if (!wait_until(side_turn_or_ahead_ran, &w, side_ahead_runs_us,
					SIDE_TURN_POLL_US))
				break;
		} while (!side_has_room(sd));
		if (side_has_room(sd))
			return true;
		side.gave_up[sd->slot] = true;
	}
	fmt_snprintf(why, n, "%s, ahead of it in the output, did not run for "
		     "%llu ms while this device waited to print (--serial tests one at a time)",
		     side.batch[side.fg]->d.name,
		     (unsigned long long)wait_bound_us(side_ahead_runs_us) / 1000);
	return false;
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
	char title[32], why[160] = "", took[24], idle[24];
	enum ktap_result r;
	uint64_t t0, idle0;

	fmt_snprintf(title, sizeof(title), "iommu=%s", iommu_mode_name(m));
	if (!side_make_room(sd, why, sizeof(why))) {
		ktap_result(KTAP_SKIP, title, why);
		side_sync();
		return KTAP_SKIP;
	}
	task_phase_enter(&mode_phase, m != IOMMU_OFF);
	fixture_remove(d, &sd->drv);
	if (iommu_start(m, d->bdf, inv, why, sizeof(why))) {
		ktap_result(KTAP_SKIP, title, why);
		side_sync();
		r = KTAP_SKIP;
		goto out;
	}
	if (!sd->ran[m])
		sd->recs[m] = summary_add(d, run_opt(), selected_count());
	sd->ran[m] = true;
	ktap_subtest_begin(title, selected_count());
	if (m != IOMMU_OFF)
		ktap_diag("%s: %s", title, iommu_unit_desc(d->bdf));
	t0 = plat_now_us();
	idle0 = task_idle_us();
	r = run_cases(d, &sd->drv, sd->recs[m], round, sd->once_in);
	if (!sd->once_in)
		sd->once_in = iommu_mode_name(m);
	/* The block's last touch of the device; the driver as before its first
	 * init, so the next block and the release, with nothing done to the
	 * device since, do not remove it again (a MAC reset each, ~21 ms on
	 * QEMU, its AUTO_RD poll running out). */
	fixture_remove(d, &sd->drv);
	sd->drv = (struct igb_drv){ 0 };
	if (m == IOMMU_STRICT) {
		iommu_stats(d->bdf, why, sizeof(why));
		ktap_diag("%s: %s", title, why);
	}
	/* Where the time went: the CPU idle (every device waiting on
	 * hardware) or busy (our work and, emulated, the device models'). */
	summary_secs(took, sizeof(took), plat_now_us() - t0);
	summary_secs(idle, sizeof(idle), task_idle_us() - idle0);
	ktap_diag("%s: cases took %s, the CPU idle %s of it", title, took, idle);
	iommu_end(d->bdf);
	ktap_subtest_end(r, title, r == KTAP_SKIP ? "every case skipped" : NULL);
out:
	task_phase_leave(&mode_phase);
	return r;
}

/* Whether --iommu asks for mode m (all of them by default). */
static bool mode_selected(unsigned m)
{
	return options_iommu_selected(run_opt(), iommu_mode_name((enum iommu_mode)m));
}

/* A NEEDS_PORTS case this run makes its pass for: selected, in a selected
 * mode it runs in. */
static bool ports_case_runs(const struct igb_test *tc)
{
	bool runs = false;

	for (unsigned m = 0; m < IOMMU_NMODES; m++)
		runs |= mode_selected(m) && (tc->modes & MODE(m));
	return (tc->needs & NEEDS_PORTS) && options_case_selected(run_opt(), tc->name) && runs;
}

/*
 * The NEEDS_PORTS cases' pass over every port of the run (suite.h), once
 * a round before its device blocks, for each such case selected in a
 * selected mode: no device is in a block, none of their drivers is up,
 * translation is off (every mode block ends with iommu_end). Only its
 * start is said (verbose); the blocks report what it found.
 */
static void ports_pass(void)
{
	for (unsigned i = 0; i < suite_case_count(); i++) {
		const struct igb_test *tc = suite_case(i);
		struct test_run t = { .name = tc->name, .opt = run_opt() };
		if (!ports_case_runs(tc))
			continue;
		ktap_diag_at(KTAP_VERBOSE, "[pass] %s: over every port, before the device "
			     "blocks", tc->name);
		tc->run(NULL, &t);
		errwatch_pass_end(tc->name);
		for (unsigned b = 0; b < TEST_MAX_BUFS; b++)
			dma_free(t.bufs[b]);
	}
}

/* The first round's pass a head start (suite.h, NEEDS_PORTS), on every
 * port it will drive, as soon as all are prepared and their PCIe errors
 * recorded: what the pass then waits for runs while the run prints its
 * header. */
static void ports_ahead(void)
{
	struct igb_dev *ports[SUITE_MAX_DEVICES];
	unsigned n = suite_ports(ports, SUITE_MAX_DEVICES);

	for (unsigned i = 0; i < suite_case_count(); i++) {
		const struct igb_test *tc = suite_case(i);
		struct test_run t = { .name = tc->name, .opt = run_opt(), .ahead = true };
		if (!ports_case_runs(tc))
			continue;
		for (unsigned k = 0; k < n; k++)
			tc->run(ports[k], &t);
	}
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
 * start of a round has left the bus: gone for the rest of the run (its
 * first case of the round is its removal, the rest skip), and the other
 * devices go on.
 */
static void check_present(struct igb_dev *d, unsigned round)
{
	igb_gone(d, "at the start of round %u", round);
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
	if (sd->held[0]) {
		/* A firmware driver would not let go: never touched. */
		for (unsigned m = 0; m < IOMMU_NMODES; m++) {
			char mode[32];
			if (!mode_selected(m))
				continue;
			fmt_snprintf(mode, sizeof(mode), "iommu=%s",
				     iommu_mode_name((enum iommu_mode)m));
			ktap_result(KTAP_SKIP, mode, sd->held);
		}
		ktap_subtest_end(KTAP_SKIP, title, sd->held);
		return KTAP_SKIP;
	}
	check_present(d, round ? round : 1);
	sd->once_in = NULL;
	ktap_diag("%s [%04x:%04x] %s", d->name, f->vendor, f->device,
		  igb_82576_name(f->device));
	if (d->decode_enabled)
		ktap_diag("%s: memory decode was off; enabled for BAR0", d->name);
	if (!d->bar0)
		ktap_diag_at(KTAP_ALWAYS, "BAR0 unusable: %s%s", d->bar0_problem,
			     d->bar0_host ? " (the host's doing: its cases are not tested)" : "");
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
	static struct igb_drv drv;
	struct igb_dev d;
	struct suite_record scratch;
	char why[160];
	int rc;

	wait_bound_set_scale(run_opt()->timeout_pct);
	drv = (struct igb_drv){ 0 };
	fixture_prepare(&d, f);
	sequence_dev = &d;
	round_id++;
	ports_pass();
	rc = iommu_start(IOMMU_OFF, d.bdf, NULL, why, sizeof(why));
	for (unsigned k = 0; !rc && k < n; k++) {
		scratch = (struct suite_record){ .tc = suite_case(seq[k]) };
		out[k] = run_one(&d, &drv, suite_case(seq[k]), &scratch, 0, NULL);
	}
	fixture_remove(&d, &drv);
	iommu_stop();
	fixture_release(&d, &drv);
	sequence_dev = NULL;
	return rc;
}

/*
 * After each round: its time, and what igbtest holds of the machine once
 * every device's driver is removed and translation is off (a soak that
 * leaks shows it growing from round to round), with the round's peaks.
 */
static void print_round_usage(unsigned round, uint64_t round_us, uint64_t idle_us)
{
	const struct options *o = run_opt();
	struct dma_usage u = dma_usage_take();
	unsigned vtd_peak, vtd = iommu_table_pages_take(&vtd_peak);
	char took[24], idle[24], run[24], of[40] = "";

	summary_secs(took, sizeof(took), round_us);
	summary_secs(idle, sizeof(idle), idle_us);
	summary_secs(run, sizeof(run), plat_now_us() - run_start_us);
	if (o->duration_s)
		fmt_snprintf(of, sizeof(of), " of %lu s", (unsigned long)o->duration_s);
	ktap_diag_at(KTAP_ALWAYS, "round %u: %s, run %s%s; held: %u DMA buffers, "
		     "%llu DMA pages (peak %llu), %u IOMMU table pages (peak %u), %u records; "
		     "firmware free memory %llu KiB; the CPU idle %s of the round", round, took,
		     run, of, u.buffers, (unsigned long long)u.pages,
		     (unsigned long long)u.peak_pages, vtd, vtd_peak, suite_record_count(),
		     (unsigned long long)(plat_free_memory() >> 10), idle);
}

static void side_task(void *arg)
{
	struct suite_device *sd = arg;

	sd->r = run_device(sd, side.inv, side.round);
	side.done[sd->slot] = true;
}

/* Where a record's block goes: its device's place, then its mode. */
static unsigned serial_rank(const struct suite_record *r)
{
	unsigned i = 0;

	while (i < ndevices && !pci_bdf_eq(devices[i].d.bdf, r->bdf))
		i++;
	return i * IOMMU_NMODES + r->mode;
}

/*
 * devices[first..first+n) in one round, n <= TASK_MAX: one after another
 * (--serial, or one device), else side by side, each on a task (task.h)
 * with its own driver and a fork of the KTAP stream at its block's place,
 * printed in order; their records are then put in the serial order.
 */
static void run_batch(unsigned first, unsigned n, const struct pci_inventory *inv,
		      unsigned round, unsigned *pass, unsigned *fail)
{
	void *args[TASK_MAX];
	unsigned from = suite_record_count();

	if (run_opt()->serial || n == 1) {
		for (unsigned i = first; i < first + n; i++)
			devices[i].r = run_device(&devices[i], inv, round);
	} else {
		side.nbatch = n;
		side.fg = 0;
		side.inv = inv;
		side.round = round;
		for (unsigned k = 0; k < n; k++) {
			struct suite_device *sd = &devices[first + k];
			sd->slot = k;
			side.batch[k] = sd;
			side.n[k] = side.lost[k] = 0;
			side.slices[k] = 0;
			side.done[k] = side.held[k] = side.gave_up[k] = false;
			ktap_stream_fork(&sd->stream, k, side_sink);
			args[k] = sd;
		}
		task_run(side_task, args, n, side_switch);
		ktap_stream_skip(n);
		summary_sort(from, selected_count(), serial_rank);
		for (unsigned i = first; i < first + n; i++)
			for (unsigned m = 0; m < IOMMU_NMODES; m++)
				if (devices[i].recs[m])
					devices[i].recs[m] = summary_find(devices[i].d.bdf,
									  (enum iommu_mode)m);
	}
	for (unsigned i = first; i < first + n; i++) {
		*pass += devices[i].r == KTAP_PASS;
		*fail += devices[i].r == KTAP_FAIL;
	}
}

/*
 * Rounds: each is every selected case on every selected device in every
 * selected mode. --repeat=N: N of them; --duration=T: a round starts only
 * while less than T has passed since the run's start, so the run ends
 * within one round of T. A soak's rounds are KTAP subtests holding the
 * device blocks; a single run has the device blocks at the top.
 */
static void run_rounds(const struct pci_inventory *inv)
{
	const struct options *o = run_opt();
	uint64_t limit = (uint64_t)o->duration_s * 1000000;
	bool soak = o->repeat > 1 || o->duration_s;
	char name[32];

	if (!o->duration_s)
		ktap_plan(soak ? o->repeat : ndevices);
	for (unsigned round = 1;; round++) {
		uint64_t t0 = plat_now_us(), idle0 = task_idle_us();
		unsigned pass = 0, fail = 0;

		if (o->duration_s ? round > 1 && t0 - run_start_us >= limit : round > o->repeat)
			break;
		fmt_snprintf(name, sizeof(name), "round %u", round);
		round_id++;
		if (soak)
			ktap_subtest_begin(name, ndevices);
		ports_pass();
		for (unsigned i = 0; i < ndevices; i += TASK_MAX)
			run_batch(i, ndevices - i < TASK_MAX ? ndevices - i : TASK_MAX, inv,
				  soak ? round : 0, &pass, &fail);
		print_round_usage(round, plat_now_us() - t0, task_idle_us() - idle0);
		enum ktap_result r = fold(pass, fail);
		if (soak)
			ktap_subtest_end(r, name, r == KTAP_SKIP ? "every device skipped" : NULL);
		plat_write_sync();
	}
	if (o->duration_s)
		ktap_trailing_plan();
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

void suite_prepare(const struct pci_inventory *inv)
{
	summary_reset();
	errwatch_reset();
	nic_failures = removals = tested = 0;
	ndevices = 0;
	wait_bound_set_scale(run_opt()->timeout_pct);
	for (unsigned i = 0; i < inv->n && ndevices < SUITE_MAX_DEVICES; i++) {
		if (!suite_device_selected(&inv->f[i]))
			continue;
		struct suite_device *sd = &devices[ndevices++];
		char why[PLAT_CLAIM_WHY];
		*sd = (struct suite_device){ 0 };
		if (plat_pci_claim(inv->f[i].bdf, why, sizeof(why)) == RC_OK) {
			fixture_prepare(&sd->d, &inv->f[i]);
			sd->d.port = inv->f[i].parent == PCI_NO_PARENT ? NULL :
				     &inv->f[inv->f[i].parent];
			errwatch_begin(&sd->d);
			continue;
		}
		/* Held by a firmware driver: named, never touched. */
		sd->d = (struct igb_dev){ .fn = &inv->f[i], .bdf = inv->f[i].bdf };
		pci_bdf_str(inv->f[i].bdf, sd->d.name, sizeof(sd->d.name));
		fmt_snprintf(sd->held, sizeof(sd->held), "not tested: %s", why);
	}
	ports_ahead();
}

int suite_run(const struct pci_inventory *inv)
{
	const struct options *o = run_opt();
	unsigned count = 0, igbs = 0;

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
	for (unsigned i = 0; i < ndevices; i++) {
		if (devices[i].held[0])
			continue;
		errwatch_say(&devices[i].d);
		summary_board(&devices[i].d);
	}
	/* The rounds' resource figures count from here. */
	dma_usage_take();
	iommu_table_pages_take(&(unsigned){ 0 });
	run_rounds(inv);
	for (unsigned i = 0; i < ndevices; i++)
		if (!devices[i].held[0])
			fixture_release(&devices[i].d, &devices[i].drv);
	summary_print(modes_not_run());
	ktap_print_totals();
	/* A NIC that failed wins; a removal is not one, yet not a pass either.
	 * No case reached a verdict (every device held by a firmware driver,
	 * BARs unassigned, no memory, no mode available): could not run, not
	 * a pass. */
	if (nic_failures)
		return IGBTEST_EXIT_FAIL;
	if (removals)
		return IGBTEST_EXIT_REMOVED;
	return tested ? IGBTEST_EXIT_PASS : IGBTEST_EXIT_ERROR;
}
