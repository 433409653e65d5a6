/*
 * model_inject.c - the device misbehaviours of the fault-injection table
 * (test_inject.c), on either personality: what each fault does, called
 * from the one place in the model where it strikes. Every hook is a no-op
 * unless its fault was injected (model_inject_with).
 */
#include <string.h>

#include "model_priv.h"

#define STRAY_FAULTS (MODEL_FAULT_RX_STRAY_AFTER | MODEL_FAULT_RX_STRAY_BEFORE | \
		      MODEL_FAULT_TX_WRITES_SOURCE)
#define FRAME_FAULTS (MODEL_FAULT_CORRUPT_FRAME | MODEL_FAULT_DROP_FRAME | \
		      MODEL_FAULT_WB_LENGTH | MODEL_FAULT_DD_BEFORE_DATA | MODEL_FAULT_DROP_FROM | \
		      STRAY_FAULTS)

static bool on(const struct model_igb *g, unsigned fault)
{
	return g->faults & fault;
}

void model_inject_with(struct model_igb *g, unsigned faults,
		       const struct model_injection *how)
{
	g->inj.how = *how;
	g->inj.frames = 0;
	g->inj.hit = false;
	model_inject(g, faults);
}

void model_inject_clear(struct model_igb *g)
{
	g->faults = 0;
	g->inj = (struct model_inject_state){ 0 };
}

/* A data frame leaves for the (looped) wire; false: it is lost. The
 * target frame is marked for the RX side's faults. */
bool inject_frame_sent(struct model_igb *g, uint8_t *data, uint32_t len)
{
	struct model_inject_state *s = &g->inj;

	if (!on(g, FRAME_FAULTS))
		return true;
	s->hit = ++s->frames == s->how.frame;
	if (on(g, MODEL_FAULT_DROP_FROM) && s->frames >= s->how.frame)
		return false;
	if (!s->hit)
		return true;
	if (on(g, MODEL_FAULT_CORRUPT_FRAME))
		data[len / 2] ^= 0x10; /* past the addresses: still delivered */
	return !on(g, MODEL_FAULT_DROP_FRAME);
}

/* The target frame's write-back length: 4 too many (FCS counted). */
uint16_t inject_wb_length(const struct model_igb *g, uint16_t len)
{
	return g->inj.hit && on(g, MODEL_FAULT_WB_LENGTH) ? (uint16_t)(len + 4) : len;
}

static void flush_late(struct model_igb *g)
{
	struct model_inject_state *s = &g->inj;

	if (!s->late_len)
		return;
	dma_write(g, s->late_addr, s->late, s->late_len);
	s->late_len = 0;
}

/* RX data of the target frame: held back until the next tick, after its
 * write-back (DD). True when taken. */
bool inject_rx_data(struct model_igb *g, uint64_t addr, const uint8_t *p, uint32_t len)
{
	struct model_inject_state *s = &g->inj;

	if (!s->hit || !on(g, MODEL_FAULT_DD_BEFORE_DATA) || len > sizeof(s->late))
		return false;
	flush_late(g);
	memcpy(s->late, p, len);
	s->late_addr = addr;
	s->late_len = len;
	return true;
}

/* MODEL_INJECT_STRAY bytes at addr changed: what a DMA that strays from
 * its buffer leaves behind. */
static void stray(struct model_igb *g, uint64_t addr)
{
	uint8_t b[MODEL_INJECT_STRAY];

	if (!dma_read(g, addr, b, sizeof(b)))
		return;
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)~b[i];
	dma_write(g, addr, b, sizeof(b));
}

/* RX data of the target frame has landed at addr (the first and/or last
 * of its buffers): bytes just past it, or just before it, changed. */
void inject_rx_landed(struct model_igb *g, uint64_t addr, uint32_t len, bool first, bool last)
{
	if (!g->inj.hit)
		return;
	if (last && on(g, MODEL_FAULT_RX_STRAY_AFTER))
		stray(g, addr + len);
	if (first && on(g, MODEL_FAULT_RX_STRAY_BEFORE))
		stray(g, addr - MODEL_INJECT_STRAY);
}

/* The target frame has been sent from src: bytes in its middle changed,
 * a write where the device should only read. */
void inject_tx_sent(struct model_igb *g, uint64_t src, uint32_t len)
{
	if (g->inj.hit && on(g, MODEL_FAULT_TX_WRITES_SOURCE) && len >= MODEL_INJECT_STRAY)
		stray(g, src + len / 2);
}

/* An access the IOMMU refused, done anyway for its first half (a read
 * gets zeros for the rest): a device or translation that leaks. True
 * when it did; the IOMMU has recorded its fault all the same. */
bool inject_leak(struct model_igb *g, uint64_t addr, void *buf, size_t len, bool write)
{
	uint8_t *mem = fake_dma_ptr(addr, len);

	if (!on(g, write ? MODEL_FAULT_LEAK_WRITE : MODEL_FAULT_LEAK_READ) || !mem)
		return false;
	if (write) {
		memcpy(mem, buf, len / 2);
	} else {
		memcpy(buf, mem, len / 2);
		memset((uint8_t *)buf + len / 2, 0, len - len / 2);
	}
	return true;
}

bool inject_msi_lost(const struct model_igb *g, unsigned v)
{
	return on(g, MODEL_FAULT_MSI_LOST) && v == g->inj.how.vector;
}

/* Vector v's message was written: the duplicate follows on the next tick. */
void inject_msi_sent(struct model_igb *g, unsigned v, uint64_t addr, uint32_t data)
{
	struct model_inject_state *s = &g->inj;

	if (!on(g, MODEL_FAULT_MSI_DUPLICATE) || v != s->how.vector || s->dup_pending)
		return;
	s->dup_addr = addr;
	s->dup_data = data;
	s->dup_pending = true;
	g->msi_sent[v]++;
}

uint32_t inject_reg_read(const struct model_igb *g, uint32_t off, uint32_t v)
{
	const struct model_injection *h = &g->inj.how;

	if (!on(g, MODEL_FAULT_REG_STUCK) || off != h->reg)
		return v;
	return (v & ~h->stuck_mask) | (h->stuck_value & h->stuck_mask);
}

/* A mailbox message's signal (VF REQ, PF STS): true when this message
 * is the one lost (once). */
bool inject_mbx_lost(struct model_igb *g)
{
	if (!on(g, MODEL_FAULT_MBX_LOST))
		return false;
	g->faults &= ~MODEL_FAULT_MBX_LOST;
	return true;
}

void inject_vf_reset(struct model_igb *g, unsigned v)
{
	if (on(g, MODEL_FAULT_VF_RESET_STUCK))
		g->inj.vf_reset_stuck |= 1u << v;
}

/* V2PMAILBOX bits a stuck VF reset keeps showing. */
uint32_t inject_vf_status(const struct model_igb *g, unsigned v)
{
	return (g->inj.vf_reset_stuck >> v) & 1 ? IGB_V2PMAILBOX_RSTI : 0;
}

bool inject_mbx_lock_broken(const struct model_igb *g)
{
	return on(g, MODEL_FAULT_MBX_LOCK_BROKEN);
}

bool inject_flr_keeps_state(const struct model_igb *g)
{
	return on(g, MODEL_FAULT_FLR_KEEPS_STATE);
}

bool inject_rst_unwedges(const struct model_igb *g)
{
	return on(g, MODEL_FAULT_RST_UNWEDGES);
}

bool inject_pm_stuck(const struct model_igb *g)
{
	return on(g, MODEL_FAULT_PM_STUCK);
}

bool inject_one_vector_lost(const struct model_igb *g)
{
	return on(g, MODEL_FAULT_ONE_VECTOR_LOST);
}

bool inject_eitr_ignored(const struct model_igb *g)
{
	return on(g, MODEL_FAULT_EITR_IGNORED);
}

/* Each tick: what was held back lands. */
void inject_sync(struct model_igb *g)
{
	struct model_inject_state *s = &g->inj;

	flush_late(g);
	if (s->dup_pending) {
		void *p = dma_map(g, s->dup_addr, sizeof(s->dup_data), true, MV_MSI_OUTSIDE);
		if (p)
			memcpy(p, &s->dup_data, sizeof(s->dup_data));
		s->dup_pending = false;
	}
}
