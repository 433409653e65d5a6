/* suite.c - run the test case registry on every 82576 found. */
#include "igb/suite.h"

#include <stdarg.h>

#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"

static void vreason(struct test_run *t, const char *fmt, va_list ap)
{
	fmt_vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
}

enum ktap_result test_fail(struct test_run *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreason(t, fmt, ap);
	va_end(ap);
	ktap_diag("%s: %s", t->name, t->reason);
	return KTAP_FAIL;
}

enum ktap_result test_skip(struct test_run *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreason(t, fmt, ap);
	va_end(ap);
	return KTAP_SKIP;
}

/* Tables of cases in the order they run. */
static const struct {
	const struct igb_test *tests;
	const unsigned *n;
} registry[] = {
	{ igb_basic_tests, &igb_basic_ntests },
	{ igb_regtest_tests, &igb_regtest_ntests },
	{ igb_dma_tests, &igb_dma_ntests },
	{ igb_irq_tests, &igb_irq_ntests },
	{ igb_fault_tests, &igb_fault_ntests },
};

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

unsigned suite_case_count(void)
{
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		n += *registry[i].n;
	return n;
}

const struct igb_test *suite_case(unsigned i)
{
	for (size_t r = 0; r < sizeof(registry) / sizeof(registry[0]); r++) {
		if (i < *registry[r].n)
			return &registry[r].tests[i];
		i -= *registry[r].n;
	}
	return NULL;
}

/*
 * Size the BARs of a function we have identified as an 82576 and decide
 * whether BAR0 can be used. Memory decode is enabled if the firmware left
 * it off (AAVMF does); the original COMMAND is restored by dev_release().
 */
static void dev_prepare(struct igb_dev *d, const struct pci_func *f)
{
	const struct pci_bar *b0;

	*d = (struct igb_dev){ .fn = f, .bdf = f->bdf };
	drv = (struct igb_drv){ 0 };
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
		ktap_diag("memory decode was off; enabling it for BAR0");
		pci_write16(d->bdf, PCI_COMMAND, d->cmd_at_start | PCI_COMMAND_MEMORY);
	}
	d->bar0 = b0->addr;
}

/* Leave the device quiesced: driver removed (rings off, reset), COMMAND as
 * the firmware had it but with bus mastering off. */
static void dev_release(struct igb_dev *d)
{
	uint16_t cmd = d->cmd_at_start & ~PCI_COMMAND_MASTER;

	if (drv.dev == d)
		igb_ops.remove(&drv);
	drv = (struct igb_drv){ 0 };
	if (d->cmd_at_start != 0xffff && pci_read16(d->bdf, PCI_COMMAND) != cmd)
		pci_write16(d->bdf, PCI_COMMAND, cmd);
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

static enum ktap_result run_one(struct igb_dev *d, const struct igb_test *tc)
{
	struct test_run t = { .name = tc->name, .drv = &drv };
	enum ktap_result r;
	uint64_t t0 = plat_now_us();

	if ((tc->needs & (NEEDS_BAR0 | NEEDS_LINK)) && !d->bar0)
		r = test_fail(&t, "%s", d->bar0_problem);
	else if ((tc->needs & NEEDS_LINK) && ensure_link(d, &t))
		r = KTAP_FAIL;
	else
		r = tc->run(d, &t);
	for (unsigned i = 0; i < TEST_MAX_BUFS; i++)
		dma_free(t.bufs[i]);
	uint64_t us = plat_now_us() - t0;
	if (us >= 100000)
		ktap_diag("%s took %llu ms", tc->name, (unsigned long long)(us / 1000));
	ktap_result(r, tc->name, r == KTAP_SKIP ? t.reason : NULL);
	return r;
}

static enum ktap_result run_device(const struct pci_func *f)
{
	struct igb_dev d;
	char title[64];
	unsigned pass = 0, fail = 0;

	dev_prepare(&d, f);
	fmt_snprintf(title, sizeof(title), "82576 %s", d.name);
	ktap_subtest_begin(title, suite_case_count());
	ktap_diag("%s [%04x:%04x] %s", d.name, f->vendor, f->device,
		  igb_82576_name(f->device));
	if (!d.bar0)
		ktap_diag("BAR0 unusable: %s", d.bar0_problem);
	for (unsigned i = 0; i < suite_case_count(); i++) {
		enum ktap_result r = run_one(&d, suite_case(i));
		pass += r == KTAP_PASS;
		fail += r == KTAP_FAIL;
	}
	dev_release(&d);
	enum ktap_result r = fail ? KTAP_FAIL : pass ? KTAP_PASS : KTAP_SKIP;
	ktap_subtest_end(r, title, r == KTAP_SKIP ? "every case skipped" : NULL);
	return r;
}

int suite_run(const struct pci_inventory *inv)
{
	unsigned count = 0, failed = 0;

	for (unsigned i = 0; i < inv->n; i++)
		count += igb_func_is_82576(&inv->f[i]);
	if (!count) {
		ktap_diag("no Intel 82576 found among the %u PCI function%s listed above",
			  inv->n, inv->n == 1 ? "" : "s");
		ktap_skip_all("no Intel 82576 found");
		ktap_print_totals();
		return IGBTEST_EXIT_NODEV;
	}
	ktap_plan(count);
	for (unsigned i = 0; i < inv->n; i++)
		if (igb_func_is_82576(&inv->f[i]))
			failed += run_device(&inv->f[i]) == KTAP_FAIL;
	ktap_print_totals();
	return failed ? IGBTEST_EXIT_FAIL : IGBTEST_EXIT_PASS;
}
