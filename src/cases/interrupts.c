/*
 * interrupts.c - the interrupts an OS driver uses besides MSI-X, with no
 * interrupt controller: MSI written to a page of ours, and INTx seen only
 * in PCI_STATUS.Interrupt_Status with INTx Disable set.
 *
 * Both need the device in its one-vector mode: MSI-X off on the function,
 * GPIE.Multiple_MSIX clear, causes through ICR/IMS (8.8.1: in MSI and
 * INTx mode ICR is read to clear, as Linux igb_intr_msi() and igb_intr()
 * do). Each case puts MSI-X back as the driver sets it up afterwards.
 */
#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "pci/msi.h"
#include "pci/pci_regs.h"
#include "suite/suite.h"
#include "wait_bound.h"

/* The cause raised: TX descriptor written back, which the idle rings
 * never raise themselves. */
#define IRQ_CAUSE	IGB_ICR_TXDW
/* Message data the MSI case asks for (16 bits, never 0). */
#define MSI_DATA	0x5a17
/* Interrupt_Status follows the function's INTx level (PCI 3.0 6.2.3):
 * it changes with the register write that asserts or clears the cause;
 * the same bound as a message's arrival. */
#define INTX_STATUS_TIMEOUT_US	IGB_MSI_TIMEOUT_US
#define INTX_STATUS_POLL_US	10

/* MSI-X control as the case found it, put back before the driver's
 * MSI-X set-up runs again. */
struct one_vector {
	bool msix_was_on;   /* the driver had MSI-X set up */
	uint16_t msix_flags; /* the function's MSI-X control after teardown */
};

static uint16_t msix_flags_at(const struct igb_dev *d)
{
	return d->fn->caps.msix + PCI_MSIX_FLAGS;
}

/* Every cause masked and cleared (ICR reads to clear in this mode). */
static void causes_off(struct igb_dev *d)
{
	igb_wr32(d, IGB_IMC, ~0u);
	(void)igb_rd32(d, IGB_ICR);
}

/* The device in one-vector mode, MSI-X off on the function. */
static void one_vector_mode(struct test_run *t, struct one_vector *s)
{
	struct igb_dev *d = t->drv->dev;

	s->msix_was_on = t->drv->irq.on;
	/* No legacy cause enabled while MSI-X goes: INTx would be next. */
	igb_wr32(d, IGB_IMC, ~0u);
	igb_irq_teardown(t->drv);
	if (d->fn->caps.msix) {
		s->msix_flags = pci_read16(d->bdf, msix_flags_at(d));
		pci_write16(d->bdf, msix_flags_at(d), s->msix_flags & ~PCI_MSIX_FLAGS_ENABLE);
	}
	igb_wr32(d, IGB_EIMC, ~0u);
	igb_wr32(d, IGB_EIAC, 0);
	igb_wr32(d, IGB_EIAM, 0);
	igb_wr32(d, IGB_GPIE, 0);
	igb_wr32(d, IGB_EITR(0), 0); /* no throttling: one cause, one message */
	causes_off(d);
}

static void back_to_msix(struct test_run *t, const struct one_vector *s)
{
	struct igb_dev *d = t->drv->dev;

	causes_off(d);
	if (d->fn->caps.msix)
		pci_write16(d->bdf, msix_flags_at(d), s->msix_flags);
	if (s->msix_was_on)
		igb_irq_setup(t->drv);
}

/* One message of ours at *at, and no second within the quiet period. */
static enum ktap_result one_message(struct test_run *t, volatile uint32_t *at,
				    const struct msi *m, const char *when)
{
	uint32_t data = 0;
	int rc = igb_msg_wait_at(at, &data);

	ASSERT(t, rc != RC_ETIMEDOUT, "%s: no MSI message within %llu us (MSI control "
	       "0x%04x, pending %u, IMS 0x%08x)", when,
	       (unsigned long long)wait_bound_us(IGB_MSI_TIMEOUT_US),
	       pci_read16(m->bdf, m->cap + PCI_MSI_FLAGS), msi_pending(m),
	       igb_rd32(t->drv->dev, IGB_IMS));
	ASSERT(t, rc != RC_EIO, "%s: more than one MSI message for one cause", when);
	ASSERT(t, data == MSI_DATA, "%s: the message wrote 0x%08x, expected 0x%08x (the "
	       "Message Data, upper 16 bits zero)", when, data, MSI_DATA);
	return KTAP_PASS;
}

static enum ktap_result msi_steps(struct test_run *t, struct msi *m, volatile uint32_t *at,
				  bool *masked_checked)
{
	struct igb_dev *d = t->drv->dev;
	uint32_t icr;

	igb_wr32(d, IGB_IMS, IRQ_CAUSE);
	igb_wr32(d, IGB_ICS, IRQ_CAUSE);
	TRY(one_message(t, at, m, "cause raised"));
	icr = igb_rd32(d, IGB_ICR);
	ASSERT(t, icr & IRQ_CAUSE, "after the message ICR reads 0x%08x, without the cause "
	       "0x%08x", icr, IRQ_CAUSE);
	/* Read, so cleared: the next cause is a new message. */
	igb_wr32(d, IGB_ICS, IRQ_CAUSE);
	TRY(one_message(t, at, m, "cause raised again after the ICR read"));
	causes_off(d);
	/* Per-vector mask (PCI 3.0 6.8.1.8/9): held pending, sent on unmask. */
	*masked_checked = msi_mask(m, true);
	if (!*masked_checked)
		return KTAP_PASS;
	igb_wr32(d, IGB_IMS, IRQ_CAUSE);
	igb_wr32(d, IGB_ICS, IRQ_CAUSE);
	plat_udelay(IGB_MSI_QUIET_US);
	ASSERT(t, !*at, "masked: the message was sent anyway (0x%08x)", *at);
	ASSERT(t, msi_pending(m), "masked: no Pending Bit for the raised cause");
	msi_mask(m, false);
	return one_message(t, at, m, "unmasked with the Pending Bit set");
}

static enum ktap_result case_msi_to_memory(struct igb_dev *d, struct test_run *t)
{
	struct one_vector s;
	struct msi m;
	volatile uint32_t *at;
	uint8_t *page;
	bool masked_checked = false;
	enum ktap_result r;

	ASSERT(t, d->fn->caps.msi, "no MSI capability (the 82576 has one)");
	TRY(test_buf(t, d, PLAT_PAGE_SIZE, 0, &page));
	at = (volatile uint32_t *)(page + 0x100);
	one_vector_mode(t, &s);
	/* Saved with MSI-X gone, so restore leaves COMMAND as MSI-X's set-up
	 * expects to find it. */
	msi_setup(&m, d->bdf, &d->fn->caps);
	msi_enable(&m, dma_bus(dma_lookup(page, PLAT_PAGE_SIZE), (void *)(uintptr_t)at),
		   MSI_DATA);
	r = msi_steps(t, &m, at, &masked_checked);
	causes_off(d);
	msi_restore(&m);
	back_to_msix(t, &s);
	if (r == KTAP_PASS)
		ktap_diag("%s: %s-bit MSI wrote 0x%04x to 0x%llx once per cause, again after "
			  "the ICR read%s", t->name, m.is64 ? "64" : "32", MSI_DATA,
			  (unsigned long long)dma_bus(dma_lookup(page, PLAT_PAGE_SIZE),
						      (void *)(uintptr_t)at),
			  masked_checked ? "; held pending while masked, sent on unmask" :
					   "; no per-vector mask to check");
	return r;
}

struct status_wait {
	struct pci_bdf bdf;
	uint16_t want;
};

static bool status_is(void *ctx)
{
	struct status_wait *w = ctx;

	return (pci_read16(w->bdf, PCI_STATUS) & PCI_STATUS_INTERRUPT) == w->want;
}

static bool wait_status(struct igb_dev *d, bool asserted)
{
	struct status_wait w = { d->bdf, asserted ? PCI_STATUS_INTERRUPT : 0 };

	return wait_until(status_is, &w, INTX_STATUS_TIMEOUT_US, INTX_STATUS_POLL_US);
}

static enum ktap_result intx_steps(struct igb_dev *d, struct test_run *t)
{
	uint32_t icr;

	ASSERT(t, wait_status(d, false),
	       "Interrupt Status set with every cause masked and cleared");
	igb_wr32(d, IGB_ICS, IRQ_CAUSE); /* masked in IMS: no assertion */
	plat_udelay(IGB_MSI_QUIET_US);
	ASSERT(t, !(pci_read16(d->bdf, PCI_STATUS) & PCI_STATUS_INTERRUPT),
	       "Interrupt Status set by a cause masked in IMS");
	causes_off(d);
	igb_wr32(d, IGB_IMS, IRQ_CAUSE);
	igb_wr32(d, IGB_ICS, IRQ_CAUSE);
	ASSERT(t, wait_status(d, true), "Interrupt Status not set within %llu us of an "
	       "unmasked cause (IMS 0x%08x)",
	       (unsigned long long)wait_bound_us(INTX_STATUS_TIMEOUT_US), igb_rd32(d, IGB_IMS));
	icr = igb_rd32(d, IGB_ICR);
	ASSERT(t, icr & IRQ_CAUSE, "ICR reads 0x%08x with Interrupt Status set, without the "
	       "cause 0x%08x", icr, IRQ_CAUSE);
	ASSERT(t, wait_status(d, false), "Interrupt Status still set %llu us after ICR was "
	       "read (ICR now 0x%08x)",
	       (unsigned long long)wait_bound_us(INTX_STATUS_TIMEOUT_US), igb_rd32(d, IGB_ICR));
	return KTAP_PASS;
}

/*
 * INTx Disable is set before any cause is unmasked and cleared only after
 * every cause is masked and read away, so the function never sends
 * Assert_INTx (PCI 3.0 6.2.2, COMMAND bit 10): nothing reaches the
 * firmware's interrupt controller and no handler is needed. Interrupt
 * Status still shows the function's INTx level (6.2.3, STATUS bit 3).
 */
static enum ktap_result case_intx_status(struct igb_dev *d, struct test_run *t)
{
	uint16_t msi_flags = d->fn->caps.msi ?
				     pci_read16(d->bdf, d->fn->caps.msi + PCI_MSI_FLAGS) : 0;
	struct one_vector s;
	enum ktap_result r;
	uint16_t cmd;

	one_vector_mode(t, &s); /* every cause masked */
	cmd = pci_read16(d->bdf, PCI_COMMAND); /* as MSI-X's teardown left it */
	pci_write16(d->bdf, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE);
	if (msi_flags & PCI_MSI_FLAGS_ENABLE) /* INTx needs MSI off too */
		pci_write16(d->bdf, d->fn->caps.msi + PCI_MSI_FLAGS,
			    msi_flags & ~PCI_MSI_FLAGS_ENABLE);
	r = intx_steps(d, t);
	causes_off(d);
	if (msi_flags & PCI_MSI_FLAGS_ENABLE)
		pci_write16(d->bdf, d->fn->caps.msi + PCI_MSI_FLAGS, msi_flags);
	pci_write16(d->bdf, PCI_COMMAND,
		    (pci_read16(d->bdf, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE) |
			    (cmd & PCI_COMMAND_INTX_DISABLE));
	back_to_msix(t, &s);
	if (r == KTAP_PASS)
		ktap_diag("%s: Interrupt Status clear with the cause masked, set with it "
			  "unmasked, clear after the ICR read (INTx Disable set throughout)",
			  t->name);
	return r;
}

static const struct igb_test cases[] = {
	IGB_CASE(msi_to_memory, NEEDS_LINK, MODES_ANY,
		 "MSI (MSI-X off) from an ICS cause lands in our page with our data, once; "
		 "again after the ICR read; held pending while masked"),
	IGB_CASE(intx_status, NEEDS_LINK, MODES_ANY,
		 "INTx seen in PCI_STATUS.Interrupt_Status (INTx Disable set, MSI and "
		 "MSI-X off): set by an unmasked cause, cleared by the ICR read"),
};
IGB_GROUP(interrupts, "MSI and INTx without an OS", cases);
