/*
 * igb_irq.c - 82576 MSI-X routing with no interrupt controller.
 *
 * Order matters (seed series patch 3, datasheet Table 7-47, 8.8.5/8.8.6):
 * GPIE.Multiple_MSIX and EIAME first (QEMU ignores EIAC writes until
 * Multiple_MSIX is set), then EIAC and EIAM, IVAR, and EIMS last. EICR is
 * only ever cleared by writing ones; nothing here reads it, because a read
 * while EIAC is set is forbidden on silicon (8.8.5) and clears it on QEMU.
 */
#include "igb/igb_drv.h"

#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "report/ktap.h"
#include "wait_bound.h"

uint32_t igb_msg_data(const struct igb_drv *drv, unsigned v)
{
	return (drv->irq.tag << 16) | 0x8000u | v; /* never 0 */
}

static volatile uint32_t *slot(const struct igb_drv *drv, unsigned v)
{
	return (volatile uint32_t *)((uint8_t *)drv->irq.msg->cpu + v * IGB_MSG_SLOT);
}

uint32_t igb_msg_read(const struct igb_drv *drv, unsigned v)
{
	uint32_t x = *slot(drv, v);
	plat_rmb();
	return x;
}

void igb_msg_clear(struct igb_drv *drv, unsigned v)
{
	*slot(drv, v) = 0;
	plat_wmb();
}

void igb_irq_retag(struct igb_drv *drv, uint32_t tag)
{
	struct igb_irq *irq = &drv->irq;

	irq->tag = tag & 0xffff;
	for (unsigned v = 0; v < irq->nvec; v++) {
		igb_msg_clear(drv, v);
		msix_set_entry(&irq->msix, v, irq->msg->bus + v * IGB_MSG_SLOT,
			       igb_msg_data(drv, v), false);
	}
}

/* Read and clear a slot in one access, so a message that lands between a
 * read and a clear cannot be lost: each one is seen once. */
static uint32_t msg_take(volatile uint32_t *at)
{
	uint32_t x = __atomic_exchange_n(at, 0, __ATOMIC_SEQ_CST);

	plat_rmb();
	return x;
}

/* Poll every IGB_MSI_POLL_US: a message is one posted write. */
#define IGB_MSI_POLL_US 10

struct slot_wait {
	volatile uint32_t *at;
	uint32_t data;
};

static bool slot_written(void *ctx)
{
	struct slot_wait *w = ctx;

	w->data = msg_take(w->at);
	return w->data != 0;
}

static bool wait_slot(volatile uint32_t *at, uint32_t bound_us, uint32_t *data)
{
	struct slot_wait w = { at, 0 };
	bool got = wait_until(slot_written, &w, bound_us, IGB_MSI_POLL_US);

	*data = w.data;
	return got;
}

int igb_msg_wait_at(volatile uint32_t *at, uint32_t *data)
{
	uint32_t again;

	if (!wait_slot(at, IGB_MSI_TIMEOUT_US, data))
		return RC_ETIMEDOUT;
	/* Taken, so cleared: any later write is a duplicate. */
	if (wait_slot(at, IGB_MSI_QUIET_US, &again))
		return RC_EIO;
	return RC_OK;
}

uint32_t igb_msg_take(struct igb_drv *drv, unsigned v)
{
	return msg_take(slot(drv, v));
}

int igb_msg_wait(struct igb_drv *drv, unsigned v, uint32_t *data)
{
	return igb_msg_wait_at(slot(drv, v), data);
}

/* IVAR (8.8.15): queue n's causes in IVAR[n & 7]; RX n in byte 0, TX n in
 * byte 1, RX n+8 in byte 2, TX n+8 in byte 3; each VALID | vector. */
static void ivar_set(struct igb_drv *drv, unsigned queue, bool tx, unsigned vector)
{
	uint32_t reg = IGB_IVAR(queue & 7);
	unsigned shift = ((queue & 8) << 1) + (tx ? 8 : 0);
	uint32_t v = igb_rd32(drv->dev, reg);

	v &= ~(0xffu << shift);
	v |= (uint32_t)(IGB_IVAR_VALID | (vector & 0x1f)) << shift;
	igb_wr32(drv->dev, reg, v);
}

void igb_irq_route_rx(struct igb_drv *drv, unsigned queue, unsigned vector)
{
	ivar_set(drv, queue, false, vector);
}

void igb_irq_route_tx(struct igb_drv *drv, unsigned queue, unsigned vector)
{
	ivar_set(drv, queue, true, vector);
}

/* Other causes go through IVAR_MISC byte 1 (8.8.16). Byte 0 (the TCP
 * timer's on silicon) gets the same vector: QEMU routes ICR.DRSTA there. */
void igb_irq_route_other(struct igb_drv *drv, unsigned vector)
{
	uint32_t e = IGB_IVAR_VALID | (vector & 0x1f);

	igb_wr32(drv->dev, IGB_IVAR_MISC, e | e << 8);
}

void igb_irq_unmask(struct igb_drv *drv, uint32_t vectors)
{
	igb_wr32(drv->dev, IGB_EIMS, vectors);
}

void igb_irq_mask(struct igb_drv *drv, uint32_t vectors)
{
	igb_wr32(drv->dev, IGB_EIMC, vectors);
}

void igb_irq_ack(struct igb_drv *drv, uint32_t vectors)
{
	igb_wr32(drv->dev, IGB_EICR, vectors);
}

static uint32_t all_vectors(const struct igb_drv *drv)
{
	return drv->irq.nvec >= 32 ? ~0u : (1u << drv->irq.nvec) - 1;
}

int igb_irq_setup(struct igb_drv *drv)
{
	struct igb_irq *irq = &drv->irq;
	struct igb_dev *d = drv->dev;
	int rc;

	*irq = (struct igb_irq){ 0 };
	rc = msix_setup(&irq->msix, d->bdf, &d->fn->caps, d->bar, irq->why,
			sizeof(irq->why));
	if (rc)
		return rc;
	irq->nvec = irq->msix.nvec < IGB_MAX_VECTORS ? irq->msix.nvec : IGB_MAX_VECTORS;
	rc = dma_alloc(d->bdf, PLAT_PAGE_SIZE, &irq->msg);
	if (rc) {
		fmt_snprintf(irq->why, sizeof(irq->why), "no DMA page for messages: %s",
			     rc_name(rc));
		msix_restore(&irq->msix);
		return rc;
	}
	/* Function side: enabled with everything masked, then the entries. */
	msix_enable(&irq->msix);
	igb_irq_retag(drv, 1);
	/* Device side, in the datasheet's order; nothing unmasked in EIMS.
	 * EITR 0: no throttling, so one cause is one message (QEMU sends an
	 * extra message when a throttle timer expires). */
	igb_wr32(d, IGB_EIMC, ~0u);
	for (unsigned v = 0; v < irq->nvec; v++)
		igb_wr32(d, IGB_EITR(v), 0);
	igb_wr32(d, IGB_GPIE, IGB_GPIE_MSIX_MODE | IGB_GPIE_EIAME | IGB_GPIE_PBA |
				      IGB_GPIE_NSICR);
	igb_wr32(d, IGB_EIAC, all_vectors(drv));
	igb_wr32(d, IGB_EIAM, all_vectors(drv));
	igb_irq_ack(drv, ~0u);
	msix_function_mask(&irq->msix, false);
	irq->on = true;
	return RC_OK;
}

/*
 * Pending bits survive a device reset (only delivery clears them), and a
 * restored entry that the firmware had unmasked would then write to its
 * address, which is not ours. So deliver anything pending into our page
 * first: every entry still points there. Returns the vectors released.
 */
static uint32_t drain_pending(struct igb_drv *drv)
{
	struct msix *m = &drv->irq.msix;
	uint32_t released = 0;

	for (unsigned v = 0; v < drv->irq.nvec; v++)
		if (msix_pending(m, v)) {
			msix_mask_entry(m, v, false);
			released |= 1u << v;
		}
	msix_function_mask(m, false);
	return released;
}

struct pba_wait {
	const struct igb_dev *d;
	const struct msix *m;
	uint32_t vectors;
};

/* Every released vector's message sent; or the device is gone (reads
 * all-ones, the PBA too), and sends nothing more. */
static bool delivered(void *ctx)
{
	struct pba_wait *w = ctx;

	if (igb_rd32(w->d, IGB_STATUS) == 0xffffffffu)
		return true;
	for (unsigned v = 0; w->vectors >> v; v++)
		if (((w->vectors >> v) & 1) && msix_pending(w->m, v))
			return false;
	return true;
}

void igb_irq_teardown(struct igb_drv *drv)
{
	struct igb_irq *irq = &drv->irq;
	struct pba_wait w = { drv->dev, &irq->msix, 0 };

	if (drv->dev->gone) { /* nothing answers, and it sends nothing more */
		dma_free(irq->msg);
		irq->msg = NULL;
		irq->on = false;
		return;
	}
	if (irq->on && drv->dev->bar0) {
		igb_wr32(drv->dev, IGB_EIMC, ~0u);
		/* EIAC/EIAM/GPIE go back to 0 with the reset that follows in
		 * remove (QEMU ignores clearing EIAC by a write). */
		w.vectors = drain_pending(drv);
	}
	/*
	 * A released vector's PBA bit clears when its message has been sent
	 * (PCI 3.0 6.8.2.10), which on silicon is later than the unmask.
	 * Until then the message may still be on its way to our page: wait,
	 * bounded, before the firmware's entries come back and the page is
	 * freed, so no message lands in memory that is no longer ours. If it
	 * never clears, the page is left allocated rather than freed under
	 * a pending write.
	 */
	if (w.vectors && !wait_until(delivered, &w, IGB_MSI_TIMEOUT_US, IGB_MSI_POLL_US)) {
		ktap_diag("%s: MSI-X vectors 0x%x still pending %llu us after unmasking; "
			  "their message page is not freed", drv->dev->name, w.vectors,
			  (unsigned long long)wait_bound_us(IGB_MSI_TIMEOUT_US));
		irq->msg = NULL;
	}
	msix_restore(&irq->msix);
	dma_free(irq->msg);
	irq->msg = NULL;
	irq->on = false;
}

int igb_send_msi(struct igb_drv *drv, unsigned v)
{
	if (!drv->irq.on)
		return RC_ENOTSUP;
	if (v >= drv->irq.nvec)
		return RC_ERANGE;
	/* EIAME auto-masks a vector after its message on silicon: unmask it
	 * again, then raise its cause. */
	igb_wr32(drv->dev, IGB_EIMS, 1u << v);
	igb_wr32(drv->dev, IGB_EICS, 1u << v);
	return RC_OK;
}
