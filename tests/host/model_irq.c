/*
 * model_irq.c - the 82576 model's interrupts: legacy causes (ICR, ICS,
 * IMS, IMC), extended causes (EICR, EICS, EIMS, EIMC, EIAC, EIAM), GPIE,
 * IVAR, EITR, and the MSI-X table and PBA in BAR3 that turn a vector into
 * a 4-byte write of the entry's data to the entry's address in DMA memory.
 *
 * The raise path is QEMU's (igb_raise_interrupts): a message goes out on a
 * rising edge of EICR & EIMS, at once when EITR is 0. Personalities differ
 * where model_igb.h says.
 */
#include <string.h>

#include "model_priv.h"

/* EICR bits in Multiple_MSIX mode (QEMU's E1000_EICR_MSIX_MASK); we use
 * the same mask outside it, where no message is sent per vector. */
#define EICR_MASK ((1u << MODEL_VECTORS) - 1)
/* Legacy causes IMS keeps (QEMU igb_set_ims; Linux's 82576 ics_mask). */
#define IMS_MASK IGB_82576_ICS_MASK
/* QEMU keeps EITR bits 14:1 (igb_set_eitr). */
#define QEMU_EITR_MASK 0x7ffe
/* Silicon: EITR interval bits 14:2, in microseconds (8.8.12). */
#define SI_EITR_INTERVAL(v) (((v) >> 2) & 0x1fff)

/* MSI-X table entry (PCI 3.0 6.8.2). */
#define ENTRY_ADDR_LO 0
#define ENTRY_ADDR_HI 4
#define ENTRY_DATA 8
#define ENTRY_CTRL 12

static bool msix_mode(const struct model_igb *g)
{
	return REG(g, IGB_GPIE) & IGB_GPIE_MSIX_MODE;
}

/* ---- MSI-X at the PCI level -------------------------------------------- */

static uint32_t *table(struct model_igb *g, unsigned v, unsigned field)
{
	return &g->bar3->regs[(v * PCI_MSIX_ENTRY_SIZE + field) / 4];
}

static uint32_t *pba(struct model_igb *g)
{
	return &g->bar3->regs[MODEL_MSIX_PBA_OFF / 4];
}

static uint16_t msix_flags(const struct model_igb *g)
{
	uint16_t cap = 0x70; /* fake_devices.h: MSI-X at 0x70 */

	return fake_get16(g->fn, cap + PCI_MSIX_FLAGS);
}

static bool msix_masked(struct model_igb *g, unsigned v)
{
	uint16_t f = msix_flags(g);

	return !(f & PCI_MSIX_FLAGS_ENABLE) || (f & PCI_MSIX_FLAGS_MASKALL) ||
	       (*table(g, v, ENTRY_CTRL) & MODEL_MSIX_ENTRY_CTRL_MASKBIT);
}

/* The message itself: a DMA write, so bus mastering must be on (QEMU
 * drops it silently otherwise), the IOMMU translates it like any DMA
 * (no interrupt remapping here) and the target must be ours. */
static void msix_write_to(struct model_igb *g, unsigned v, uint64_t addr, uint32_t data)
{
	void *p = dma_map(g, addr, sizeof(data), true, MV_MSI_OUTSIDE);

	if (!p) {
		g->msi_dropped++;
		return;
	}
	memcpy(p, &data, sizeof(data));
	g->msi_sent[v]++;
	inject_msi_sent(g, v, addr, data);
}

static bool msix_can_send(struct model_igb *g, unsigned v)
{
	if (!dma_master(g) || g->removed || inject_msi_lost(g, v)) {
		g->msi_dropped++;
		return false;
	}
	return true;
}

static void msix_write(struct model_igb *g, unsigned v)
{
	if (msix_can_send(g, v))
		msix_write_to(g, v, *table(g, v, ENTRY_ADDR_LO) |
					    (uint64_t)*table(g, v, ENTRY_ADDR_HI) << 32,
			      *table(g, v, ENTRY_DATA));
}

/* Signal vector v: written now, or held in the PBA while masked. */
static void msix_notify(struct model_igb *g, unsigned v)
{
	if (v >= MODEL_MSIX_VECTORS)
		return; /* QEMU: "vector unavailable for PF" */
	if (msix_masked(g, v)) {
		*pba(g) |= 1u << v;
		g->msi_pended++;
		return;
	}
	msix_write(g, v);
}

/*
 * Deliver, once, every pending vector that is no longer masked. QEMU
 * writes it inside the unmask. Silicon issues the write with the entry's
 * address and data as they are at the unmask and clears the PBA bit when
 * it has gone out, MODEL_SI_MSI_SEND_NS later (irq_sync): a driver that
 * restores the entries and frees its page in between has the message
 * land in freed memory (MV_MSI_OUTSIDE).
 */
void msix_deliver_unmasked(struct model_igb *g)
{
	for (unsigned v = 0; v < MODEL_MSIX_VECTORS; v++) {
		if (!(*pba(g) & (1u << v)) || msix_masked(g, v) || (g->msi_sending & (1u << v)))
			continue;
		if (!model_silicon(g)) {
			*pba(g) &= ~(1u << v);
			msix_write(g, v);
		} else if (!msix_can_send(g, v)) {
			*pba(g) &= ~(1u << v); /* dropped, as on QEMU */
		} else {
			g->msi_sending |= 1u << v;
			g->msi_send_ns[v] = g->now_ns + MODEL_SI_MSI_SEND_NS;
			g->msi_send_addr[v] = *table(g, v, ENTRY_ADDR_LO) |
					      (uint64_t)*table(g, v, ENTRY_ADDR_HI) << 32;
			g->msi_send_data[v] = *table(g, v, ENTRY_DATA);
		}
	}
}

/* Silicon: released messages whose time has come land, PBA bits clear. */
static void msix_send_sync(struct model_igb *g)
{
	for (unsigned v = 0; g->msi_sending >> v; v++) {
		if (!((g->msi_sending >> v) & 1) || g->now_ns < g->msi_send_ns[v])
			continue;
		g->msi_sending &= ~(1u << v);
		*pba(g) &= ~(1u << v);
		if (!g->removed)
			msix_write_to(g, v, g->msi_send_addr[v], g->msi_send_data[v]);
	}
}

/* Function reset: every entry masked and cleared, nothing pending. */
void msix_reset(struct model_igb *g)
{
	for (unsigned v = 0; v < MODEL_MSIX_VECTORS; v++) {
		*table(g, v, ENTRY_ADDR_LO) = *table(g, v, ENTRY_ADDR_HI) = 0;
		*table(g, v, ENTRY_DATA) = 0;
		*table(g, v, ENTRY_CTRL) = MODEL_MSIX_ENTRY_CTRL_MASKBIT;
	}
	*pba(g) = 0;
	g->msi_sending = 0;
}

static bool in_table(uint32_t off)
{
	return off < MODEL_MSIX_VECTORS * PCI_MSIX_ENTRY_SIZE;
}

static uint32_t bar3_read(struct fake_mmio *m, uint32_t off)
{
	struct model_igb *g = m->priv;

	model_sync(g);
	if (in_table(off) || off == MODEL_MSIX_PBA_OFF)
		return m->regs[off / 4];
	return 0;
}

static void bar3_write(struct fake_mmio *m, uint32_t off, uint32_t v)
{
	struct model_igb *g = m->priv;

	model_sync(g);
	if (!in_table(off))
		return; /* the PBA is read-only; the rest is unimplemented */
	m->regs[off / 4] = v;
	if (off % PCI_MSIX_ENTRY_SIZE == ENTRY_CTRL)
		msix_deliver_unmasked(g);
}

void msix_attach(struct model_igb *g)
{
	g->bar3->priv = g; /* freed with BAR0's region */
	g->bar3->read = bar3_read;
	g->bar3->write = bar3_write;
	msix_reset(g);
}

/* ---- MSI and INTx (one vector, MSI-X off) ------------------------------- */

static uint16_t msi_flags(const struct model_igb *g)
{
	return fake_get16(g->fn, MODEL_MSI_CAP + PCI_MSI_FLAGS);
}

#define MSI_PENDING (MODEL_MSI_CAP + PCI_MSI_MASK_64 + 4)

/* The one MSI message: Message Data (upper half zero) to the Message
 * Address, a DMA write like any other; held pending while masked. */
static void msi_send(struct model_igb *g)
{
	struct fake_fn *f = g->fn;
	uint64_t addr = fake_get32(f, MODEL_MSI_CAP + PCI_MSI_ADDRESS_LO) |
			(uint64_t)fake_get32(f, MODEL_MSI_CAP + PCI_MSI_ADDRESS_HI) << 32;
	uint32_t data = fake_get16(f, MODEL_MSI_CAP + PCI_MSI_DATA_64);
	void *p;

	if (fake_get32(f, MODEL_MSI_CAP + PCI_MSI_MASK_64) & 1) {
		fake_set32(f, MSI_PENDING, 1);
		g->msi_pended++;
		return;
	}
	if (!dma_master(g) || g->removed ||
	    !(p = dma_map(g, addr, sizeof(data), true, MV_MSI_OUTSIDE))) {
		g->msi_dropped++;
		return;
	}
	memcpy(p, &data, sizeof(data));
	g->msi_messages++;
}

void msi_mask_written(struct model_igb *g)
{
	struct fake_fn *f = g->fn;

	if ((fake_get32(f, MSI_PENDING) & 1) &&
	    !(fake_get32(f, MODEL_MSI_CAP + PCI_MSI_MASK_64) & 1)) {
		fake_set32(f, MSI_PENDING, 0);
		msi_send(g);
	}
}

/* Legacy causes set and enabled, with what an injected stuck IMS bit
 * (MODEL_FAULT_REG_STUCK on IMS) enables whatever was written. */
static uint32_t enabled_causes(const struct model_igb *g)
{
	return REG(g, IGB_ICR) & inject_reg_read(g, IGB_IMS, REG(g, IGB_IMS));
}

/* INTx is a level: asserted while an enabled legacy cause is set and
 * neither MSI-X nor MSI is on (QEMU igb_raise_legacy_irq / igb_lower_
 * interrupts). PCI_STATUS.Interrupt_Status shows it whatever INTx
 * Disable says (PCI 3.0 6.2.3); only with INTx Disable clear does it
 * reach the platform, which nothing here may do. */
static void intx_sync(struct model_igb *g)
{
	struct fake_fn *f = g->fn;
	uint16_t status = fake_get16(f, PCI_STATUS);
	bool level = !msix_mode(g) && !(msix_flags(g) & PCI_MSIX_FLAGS_ENABLE) &&
		     !(msi_flags(g) & PCI_MSI_FLAGS_ENABLE) && enabled_causes(g);

	if (level && !(status & PCI_STATUS_INTERRUPT)) {
		g->intx_asserts++;
		if (!(fake_get16(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE))
			model_violate(g, MV_INTX_TO_PLATFORM);
	}
	fake_set16(f, PCI_STATUS, (uint16_t)((status & ~PCI_STATUS_INTERRUPT) |
					     (level ? PCI_STATUS_INTERRUPT : 0)));
}

/* A newly raised legacy cause outside Multiple_MSIX mode: MSI-X vector 0
 * if MSI-X is on, else the MSI message if MSI is on, else INTx (QEMU
 * igb_raise_interrupts). */
static void one_vector(struct model_igb *g)
{
	if (inject_one_vector_lost(g) && !(msix_flags(g) & PCI_MSIX_FLAGS_ENABLE))
		return;
	if (msix_flags(g) & PCI_MSIX_FLAGS_ENABLE)
		msix_notify(g, 0);
	else if (msi_flags(g) & PCI_MSI_FLAGS_ENABLE)
		msi_send(g);
	else
		intx_sync(g);
}

/* ---- the device's causes ----------------------------------------------- */

/* Auto-clear (EIAC, both) and, on silicon, auto-mask (EIAM with
 * GPIE.EIAME) after a message attempt, sent or held pending. */
static void notify(struct model_igb *g, unsigned v)
{
	uint32_t bit = 1u << v;

	msix_notify(g, v);
	REG(g, IGB_EICR) &= ~(REG(g, IGB_EIAC) & bit);
	if (model_silicon(g) && (REG(g, IGB_GPIE) & IGB_GPIE_EIAME))
		REG(g, IGB_EIMS) &= ~(REG(g, IGB_EIAM) & bit);
}

static uint64_t eitr_ns(const struct model_igb *g, unsigned v)
{
	uint32_t e = REG(g, IGB_EITR(v));

	if (inject_eitr_ignored(g))
		return 0;
	return model_silicon(g) ? SI_EITR_INTERVAL(e) * 1000ull :
				  (e & QEMU_EITR_MASK) * MODEL_QEMU_EITR_NS;
}

/* One vector's turn (igb_send_msix): while its throttle timer runs the
 * message waits for it; otherwise it goes now and, with EITR set, arms
 * the timer. */
static void send(struct model_igb *g, unsigned v)
{
	uint32_t bit = 1u << v;

	if (g->eitr_running & bit) {
		g->eitr_pending |= bit;
		return;
	}
	if (eitr_ns(g, v)) {
		g->eitr_running |= bit;
		g->eitr_deadline_ns[v] = g->now_ns + eitr_ns(g, v);
	}
	notify(g, v);
}

/* Timer expiry: QEMU sends a message whatever the state, without
 * re-arming (igb_intrmgr_on_msix_throttling_timer: the extra message
 * measured on 10.0.2); silicon sends what waited, throttled again. */
static void eitr_expire(struct model_igb *g, unsigned v)
{
	uint32_t bit = 1u << v;
	bool waited = g->eitr_pending & bit;

	g->eitr_running &= ~bit;
	g->eitr_pending &= ~bit;
	if (!model_silicon(g))
		notify(g, v);
	else if (waited)
		send(g, v);
}

void irq_sync(struct model_igb *g)
{
	msix_send_sync(g);
	for (unsigned v = 0; g->eitr_running >> v; v++)
		if (((g->eitr_running >> v) & 1) && g->now_ns >= g->eitr_deadline_ns[v])
			eitr_expire(g, v);
}

/* Legacy causes newly set and enabled raise the "other" vector: IVAR_MISC
 * byte 1; QEMU routes DRSTA through byte 0 (the TCP timer's on silicon). */
static void other_cause(struct model_igb *g, uint32_t raised)
{
	uint32_t misc = REG(g, IGB_IVAR_MISC);
	uint32_t other = raised;

	if (!model_silicon(g) && (raised & MODEL_ICR_DRSTA)) {
		if (misc & IGB_IVAR_VALID)
			REG(g, IGB_EICR) |= 1u << (misc & 0x1f);
		other &= ~MODEL_ICR_DRSTA;
	}
	if (other && ((misc >> 8) & IGB_IVAR_VALID))
		REG(g, IGB_EICR) |= 1u << ((misc >> 8) & 0x1f);
}

/* Set causes (or enables) in reg and send what that newly unmasked. */
static void raise_in(struct model_igb *g, uint32_t reg, uint32_t causes)
{
	uint32_t old_c = enabled_causes(g);
	uint32_t old_e = REG(g, IGB_EICR) & REG(g, IGB_EIMS);
	uint32_t raised;

	REG(g, reg) |= causes;
	raised = enabled_causes(g) & ~old_c;
	if (!msix_mode(g)) {
		if (raised)
			one_vector(g);
		return;
	}
	if (raised)
		other_cause(g, raised);
	raised = REG(g, IGB_EICR) & REG(g, IGB_EIMS) & ~old_e;
	for (unsigned v = 0; raised >> v; v++)
		if ((raised >> v) & 1)
			send(g, v);
}

void irq_raise(struct model_igb *g, uint32_t icr_causes, uint32_t eicr_causes)
{
	if (eicr_causes)
		raise_in(g, IGB_EICR, eicr_causes);
	if (icr_causes)
		raise_in(g, IGB_ICR, icr_causes);
}

uint32_t irq_queue_bit(const struct model_igb *g, unsigned queue, bool tx)
{
	unsigned shift = ((queue & 8) << 1) + (tx ? 8 : 0);
	uint32_t e = (REG(g, IGB_IVAR(queue & 7)) >> shift) & 0xff;

	return (e & IGB_IVAR_VALID) ? 1u << (e & 0x1f) : 0;
}

/* Reset: QEMU delivers what its throttle timers held (igb_intrmgr_reset),
 * then everything clears with the registers. */
void irq_reset(struct model_igb *g, bool hard)
{
	(void)hard;
	while (!model_silicon(g) && g->eitr_running) {
		unsigned v = (unsigned)__builtin_ctz(g->eitr_running);
		g->eitr_running &= ~(1u << v);
		notify(g, v);
	}
	g->eitr_running = g->eitr_pending = 0;
}

bool irq_read(struct model_igb *g, uint32_t off, uint32_t *val)
{
	switch (off) {
	case IGB_EICR:
		if (REG(g, IGB_EIAC)) {
			g->eicr_reads_with_eiac++;
			if (model_silicon(g))
				model_violate(g, MV_EICR_READ_WITH_EIAC);
		}
		*val = REG(g, IGB_EICR); /* read to clear */
		REG(g, IGB_EICR) = 0;
		return true;
	case IGB_EICS: /* write-only: QEMU has no read handler */
		if (model_silicon(g))
			model_violate(g, MV_EICS_READ);
		*val = 0;
		return true;
	case IGB_EIMC:
		*val = 0;
		return true;
	case IGB_IMC:
		*val = model_silicon(g) ? 0 : REG(g, IGB_IMS); /* QEMU: 8.8.10 */
		return true;
	case IGB_ICR:
		*val = REG(g, IGB_ICR);
		/* Cleared on read when nothing could be lost (igb_mac_icr_read):
		 * NSICR set, no causes enabled, or MSI-X not in use. */
		if ((REG(g, IGB_GPIE) & IGB_GPIE_NSICR) || !REG(g, IGB_IMS) ||
		    !(msix_flags(g) & PCI_MSIX_FLAGS_ENABLE))
			REG(g, IGB_ICR) = 0;
		intx_sync(g);
		return true;
	default:
		return false;
	}
}

bool irq_write(struct model_igb *g, uint32_t off, uint32_t v)
{
	if (off >= IGB_EITR(0) && off <= IGB_EITR(MODEL_VECTORS - 1)) {
		REG(g, off) = model_silicon(g) ? v : v & QEMU_EITR_MASK;
		return true;
	}
	switch (off) {
	case IGB_ICR:
		REG(g, IGB_ICR) &= ~v; /* write 1 to clear */
		intx_sync(g);
		return true;
	case IGB_ICS:
		irq_raise(g, model_silicon(g) ? v & IGB_82576_ICS_MASK : v, 0);
		return true;
	case IGB_IMS:
		raise_in(g, IGB_IMS, v & IMS_MASK);
		return true;
	case IGB_IMC:
		REG(g, IGB_IMS) &= ~v;
		intx_sync(g);
		return true;
	case IGB_EICR:
		REG(g, IGB_EICR) &= ~(v & EICR_MASK);
		return true;
	case IGB_EICS:
		raise_in(g, IGB_EICR, v & EICR_MASK);
		return true;
	case IGB_EIMS:
		raise_in(g, IGB_EIMS, v & EICR_MASK);
		return true;
	case IGB_EIMC:
		REG(g, IGB_EIMS) &= ~(v & EICR_MASK);
		return true;
	case IGB_EIAC:
		if (model_silicon(g))
			REG(g, IGB_EIAC) = v & EICR_MASK;
		else if (msix_mode(g)) /* QEMU: only in Multiple_MSIX mode, OR-ing */
			REG(g, IGB_EIAC) |= v & EICR_MASK;
		return true;
	case IGB_EIAM:
		if (model_silicon(g))
			REG(g, IGB_EIAM) = v & EICR_MASK;
		else /* QEMU's igb_set_eiam, stored as it does; it has no effect */
			REG(g, IGB_EIAM) |= ~(v & EICR_MASK);
		return true;
	default:
		return false;
	}
}
