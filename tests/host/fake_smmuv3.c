/* fake_smmuv3.c - an SMMUv3 with real translation (see fake_smmuv3.h). */
#include "fake_smmuv3.h"

#include <stdlib.h>
#include <string.h>

#include "dma/smmuv3_regs.h"
#include "harness.h"

static uint32_t get(const struct fake_smmuv3 *u, uint32_t off)
{
	return u->m->regs[off / 4];
}

static void put(struct fake_smmuv3 *u, uint32_t off, uint32_t v)
{
	u->m->regs[off / 4] = v;
}

static uint64_t get64(const struct fake_smmuv3 *u, uint32_t off)
{
	return get(u, off) | (uint64_t)get(u, off + 4) << 32;
}

static void *mem(uint64_t addr, size_t len)
{
	void *p = fake_dma_ptr(addr, len);

	if (!p)
		harness_fatal(__FILE__, __LINE__, "fake_smmuv3: 0x%llx is not DMA memory",
			      (unsigned long long)addr);
	return p;
}

/* Append one event record (7.3) unless the queue is off or full. */
static void event(struct fake_smmuv3 *u, unsigned id, uint32_t sid, uint64_t addr, bool read)
{
	uint64_t base = get64(u, SMMU_EVTQ_BASE);
	unsigned log2 = base & 0x1f;
	uint32_t wrap = (2u << log2) - 1, prod = get(u, SMMU_EVTQ_PROD) & wrap;
	uint32_t cons = get(u, SMMU_EVTQ_CONS) & wrap;
	uint64_t *e;

	if (!(get(u, SMMU_CR0) & SMMU_CR0_EVTQEN))
		return;
	if ((prod ^ cons) == (1u << log2)) { /* full: same index, other wrap */
		put(u, SMMU_EVTQ_PROD, get(u, SMMU_EVTQ_PROD) | SMMU_Q_OVF);
		u->overflows++;
		return;
	}
	e = mem((base & 0x000fffffffffffe0ull) + SMMU_EVT_BYTES * (prod & ((1u << log2) - 1)),
		SMMU_EVT_BYTES);
	e[0] = id | (uint64_t)sid << 32;
	e[1] = read ? SMMU_EVT1_RNW : 0;
	e[2] = addr;
	e[3] = 0;
	put(u, SMMU_EVTQ_PROD, (get(u, SMMU_EVTQ_PROD) & SMMU_Q_OVF) | ((prod + 1) & wrap));
}

static void run_commands(struct fake_smmuv3 *u)
{
	uint64_t base = get64(u, SMMU_CMDQ_BASE);
	unsigned log2 = base & 0x1f;
	uint32_t wrap = (2u << log2) - 1, cons = get(u, SMMU_CMDQ_CONS) & wrap;
	uint32_t prod = get(u, SMMU_CMDQ_PROD) & wrap;

	if (!(get(u, SMMU_CR0) & SMMU_CR0_CMDQEN))
		return;
	while (cons != prod) {
		const uint64_t *c = mem((base & 0x000fffffffffffe0ull) +
					SMMU_CMD_BYTES * (cons & ((1u << log2) - 1)), 16);
		switch (c[0] & 0xff) {
		case SMMU_CMD_CFGI_STE:
		case SMMU_CMD_CFGI_ALL:
			u->cfgi++;
			break;
		case SMMU_CMD_TLBI_NH_ASID:
		case SMMU_CMD_TLBI_NSNH_ALL:
			u->tlbi++;
			break;
		case SMMU_CMD_SYNC:
			u->syncs++;
			break;
		default: /* CERROR_ILL: the queue stops at the bad command */
			put(u, SMMU_CMDQ_CONS, cons | 1u << 24);
			put(u, SMMU_GERROR, get(u, SMMU_GERROR) ^ 1u);
			return;
		}
		cons = (cons + 1) & wrap;
		put(u, SMMU_CMDQ_CONS, cons);
	}
}

static void unit_write(struct fake_mmio *m, uint32_t off, uint32_t v)
{
	struct fake_smmuv3 *u = m->priv;

	if (off == SMMU_IDR0 || off == SMMU_IDR1 || off == SMMU_IDR5 || off == SMMU_CR0ACK ||
	    off == SMMU_GERROR)
		return; /* read-only */
	m->regs[off / 4] = v;
	if (off == SMMU_CR0 && !u->stall)
		put(u, SMMU_CR0ACK, v);
	if (off == SMMU_CMDQ_PROD || off == SMMU_CR0)
		run_commands(u);
}

/* Stage-1 walk (VMSAv8-64, 4 KiB granule, 4 levels): the page, or an event id. */
static unsigned walk(uint64_t ttb, uint64_t va, bool write, uint64_t *pa)
{
	uint64_t table = ttb;

	for (unsigned level = 0; level < 4; level++) {
		unsigned idx = (va >> (39 - 9 * level)) & 511;
		uint64_t e = *(uint64_t *)mem(table + 8 * idx, 8);
		if ((e & 3) != 3) /* invalid, or a block: not modelled */
			return SMMU_EVT_F_TRANSLATION;
		if (level == 3) {
			if (!(e & SMMU_PTE_AF))
				return SMMU_EVT_F_ACCESS;
			if (write && (e & (1ull << 7))) /* AP[2]: read-only */
				return SMMU_EVT_F_PERMISSION;
		}
		table = e & SMMU_PTE_ADDR;
	}
	*pa = table;
	return 0;
}

static bool translate(void *ctx, uint16_t rid, uint64_t addr, size_t len, bool write,
		      uint64_t *out)
{
	struct fake_smmuv3 *u = ctx;
	uint32_t sid = rid; /* the IORT mapping is one to one */
	uint64_t strtab = get64(u, SMMU_STRTAB_BASE) & 0x000fffffffffffc0ull;
	const uint64_t *ste, *cd;
	uint64_t first = 0;

	if (!(get(u, SMMU_CR0) & SMMU_CR0_SMMUEN)) {
		*out = addr; /* GBPA: bypass */
		return true;
	}
	u->translated++;
	if (sid >= (1u << (get(u, SMMU_STRTAB_BASE_CFG) & 0x3f))) {
		u->faults++;
		event(u, SMMU_EVT_C_BAD_STREAMID, sid, addr, !write);
		return false;
	}
	ste = mem(strtab + SMMU_STE_BYTES * sid, SMMU_STE_BYTES);
	if (!(ste[0] & SMMU_STE_V) || (SMMU_STE_CFG(ste[0]) != 4 && SMMU_STE_CFG(ste[0]) != 5)) {
		u->faults++;
		event(u, SMMU_EVT_C_BAD_STE, sid, addr, !write);
		return false;
	}
	if (SMMU_STE_CFG(ste[0]) == 4) {
		*out = addr;
		return true;
	}
	cd = mem(ste[0] & SMMU_STE_S1CTXPTR, SMMU_CD_BYTES);
	if (!(cd[0] & SMMU_CD0_V) || !(cd[0] & SMMU_CD0_AA64) || (cd[0] & 0x3f) != SMMU_PT_T0SZ) {
		u->faults++;
		event(u, SMMU_EVT_C_BAD_CD, sid, addr, !write);
		return false;
	}
	for (uint64_t p = addr & ~0xfffull; p < addr + len; p += 0x1000) {
		uint64_t pa;
		unsigned id = walk(cd[1] & SMMU_CD1_TTB0, p, write, &pa);
		if (id) {
			u->faults++;
			if (cd[0] & SMMU_CD0_R)
				event(u, id, sid, p > addr ? p : addr, !write);
			return false;
		}
		if (p == (addr & ~0xfffull))
			first = pa;
		else if (pa != first + (p - (addr & ~0xfffull)))
			harness_fatal(__FILE__, __LINE__, "fake_smmuv3: 0x%llx maps "
				      "non-contiguously; not modelled", (unsigned long long)addr);
	}
	*out = first | (addr & 0xfff);
	return true;
}

static void le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* IORT: header, an RC node (segment 0, RIDs 0-0xffff -> stream ids 0-0xffff
 * of the SMMUv3 node), the SMMUv3 node. */
static void iort_build(struct fake_smmuv3 *u, uint64_t base)
{
	uint8_t *t = u->iort, *rc = t + IORT_HEADER_LEN, *sm = rc + 56;

	memset(t, 0, sizeof(u->iort));
	memcpy(t, "IORT", 4);
	le(t + 4, sizeof(u->iort), 4);
	le(t + 36, 2, 4);                   /* nodes */
	le(t + 40, IORT_HEADER_LEN, 4);     /* first node */
	rc[0] = IORT_NODE_RC;
	le(rc + 1, 56, 2);
	le(rc + 8, 1, 4);                   /* one ID mapping ... */
	le(rc + 12, 36, 4);                 /* ... at 36 */
	le(rc + IORT_RC_SEGMENT, 0, 4);
	le(rc + 36 + 4, 0xffff, 4);         /* 0x10000 ids, out base 0 */
	le(rc + 36 + 12, (uint64_t)(sm - t), 4);
	sm[0] = IORT_NODE_SMMUV3;
	le(sm + 1, 68, 2);
	le(sm + IORT_SMMUV3_BASE, base, 8);
	fake_acpi_checksum(t);
	fake_set_acpi_table("IORT", t);
}

struct fake_smmuv3 *fake_smmuv3_add(uint64_t base)
{
	struct fake_smmuv3 *u = calloc(1, sizeof(*u));

	if (!u)
		harness_fatal(__FILE__, __LINE__, "fake_smmuv3_add: out of memory");
	u->m = fake_mmio_add(base, SMMU_MMIO_SIZE);
	u->m->priv = u;
	u->m->own_priv = true;
	u->m->write = unit_write;
	put(u, SMMU_IDR0, SMMU_IDR0_S1P | 2u << 2 | SMMU_IDR0_COHACC);
	put(u, SMMU_IDR1, 16 | 19u << 16 | 19u << 21);
	put(u, SMMU_IDR5, 4 | SMMU_IDR5_GRAN4K);
	iort_build(u, base);
	fake_set_iommu(translate, u);
	return u;
}
