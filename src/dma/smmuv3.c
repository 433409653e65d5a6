/* smmuv3.c - one Arm SMMUv3 programmed by hand (see smmuv3.h). */
#include "dma/smmuv3.h"

#include "dma/acpi.h"
#include "dma/smmuv3_regs.h"
#include "report/fmt.h"
#include "wait_bound.h"

/* Linux ARM_SMMU_POLL_TIMEOUT_US: CR0ACK and CMD_SYNC within 1 s. */
#define SMMU_POLL_TIMEOUT_US	1000000
#define SMMU_POLL_US		10
#define SMMU_ASID_FIRST		1	/* domain slot k's ASID: this + k */
/* Linear stream tables only: 2^16 streams (4 MiB) at most. */
#define SMMU_MAX_LOG2_STREAMS	16
/* Pool layout, in pages: the queues; a domain's: CD, page tables. */
#define CMDQ_PAGE		0
#define EVTQ_PAGE		1
#define POOL_PAGES		2
#define PT_FIRST		1
#define DOMAIN_PAGES		(PT_FIRST + SMMUV3_PT_PAGES)

/* ---- ACPI IORT ------------------------------------------------------------- */

/* Map id through one node's ID mappings (Linux iort_node_map_id: a range
 * covers input_base .. input_base + count, count being "IDs minus one").
 * Returns the target node's offset, 0 for no mapping, -1 malformed. */
static long map_id(const uint8_t *t, uint32_t tlen, uint32_t node, uint32_t id, uint32_t *out,
		   char *why, size_t n)
{
	uint32_t len = acpi_le16(t + node + 1), count = acpi_le32(t + node + 8);
	uint32_t off = acpi_le32(t + node + 12);

	if (count && (off < IORT_NODE_HEADER_LEN || off > len ||
		      count > (len - off) / IORT_IDMAP_LEN)) {
		fmt_snprintf(why, n, "IORT: node at offset %u: %u ID mappings at %u run past its "
			     "%u bytes", node, count, off, len);
		return -1;
	}
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *m = t + node + off + IORT_IDMAP_LEN * i;
		uint32_t in = acpi_le32(m), num = acpi_le32(m + 4), base = acpi_le32(m + 8);
		uint32_t ref = acpi_le32(m + 12), flags = acpi_le32(m + 16);

		if (flags & IORT_IDMAP_SINGLE)
			continue; /* the node's own id (an SMMU's MSIs), not a device's */
		if (id < in || id - in > num)
			continue;
		if (ref < IORT_HEADER_LEN || ref > tlen - IORT_NODE_HEADER_LEN) {
			fmt_snprintf(why, n, "IORT: an ID mapping of node %u points to offset %u, "
				     "outside the table's %u bytes", node, ref, tlen);
			return -1;
		}
		*out = base + (id - in);
		return (long)ref;
	}
	return 0;
}

int iort_find(const uint8_t *t, struct pci_bdf dev, struct iort_unit *out,
	      char *why, size_t n)
{
	uint16_t rid = (uint16_t)(dev.bus << 8 | dev.dev << 3 | dev.fn);
	uint32_t tlen = acpi_table_check(t, "IORT", IORT_HEADER_LEN, why, n);
	uint32_t nodes, o;

	*out = (struct iort_unit){ 0 };
	if (!tlen)
		return RC_EINVAL;
	nodes = acpi_le32(t + 36);
	o = acpi_le32(t + 40);
	for (uint32_t i = 0; i < nodes; i++) {
		uint16_t len;

		if (o < IORT_HEADER_LEN || o > tlen - IORT_NODE_HEADER_LEN ||
		    (len = acpi_le16(t + o + 1)) < IORT_NODE_HEADER_LEN || len > tlen - o) {
			fmt_snprintf(why, n, "IORT: node %u of %u at offset %u runs past the "
				     "table's %u bytes", i, nodes, o, tlen);
			return RC_EINVAL;
		}
		if (t[o] == IORT_NODE_RC && len >= IORT_RC_SEGMENT + 4 &&
		    acpi_le32(t + o + IORT_RC_SEGMENT) == dev.seg) {
			uint32_t sid;
			long ref = map_id(t, tlen, o, rid, &sid, why, n);
			if (ref < 0)
				return RC_EINVAL;
			if (!ref || t[ref] != IORT_NODE_SMMUV3) {
				fmt_snprintf(why, n, "IORT maps %04x:%02x:%02x.%u to no SMMUv3: no "
					     "IOMMU translates its DMA", dev.seg, dev.bus,
					     dev.dev, dev.fn);
				return RC_ENODEV;
			}
			if (acpi_le16(t + ref + 1) < IORT_SMMUV3_BASE + 8 ||
			    (uint32_t)ref > tlen - IORT_SMMUV3_BASE - 8) {
				fmt_snprintf(why, n, "IORT: the SMMUv3 node at offset %ld is too "
					     "short", ref);
				return RC_EINVAL;
			}
			uint64_t base = acpi_le64(t + ref + IORT_SMMUV3_BASE);
			if (!base || base & 0xffff) {
				fmt_snprintf(why, n, "IORT: SMMUv3 base 0x%llx is not a 64 KiB "
					     "aligned address", (unsigned long long)base);
				return RC_EINVAL;
			}
			*out = (struct iort_unit){ .base = base, .sid = sid, .rid = rid,
						   .segment = dev.seg };
			return RC_OK;
		}
		o += len;
	}
	fmt_snprintf(why, n, "IORT has no root complex for PCI segment %u", dev.seg);
	return RC_ENODEV;
}

/* ---- registers, queues ------------------------------------------------------ */

static uint32_t rd32(const struct smmuv3_unit *u, uint32_t r)
{
	return plat_mmio_read32(u->iort.base + r);
}

static void wr32(struct smmuv3_unit *u, uint32_t r, uint32_t v)
{
	plat_mmio_write32(u->iort.base + r, v);
}

static uint64_t rd64(const struct smmuv3_unit *u, uint32_t r)
{
	return plat_mmio_read64(u->iort.base + r);
}

static void wr64(struct smmuv3_unit *u, uint32_t r, uint64_t v)
{
	plat_mmio_write64(u->iort.base + r, v);
}

static uint64_t bus_of(const void *p)
{
	return (uint64_t)(uintptr_t)p; /* our pages are identity-mapped */
}

static uint64_t *page(const struct dma_buf *pool, unsigned i)
{
	return (uint64_t *)((uint8_t *)pool->cpu + (size_t)i * PLAT_PAGE_SIZE);
}

/* A unit that does not snoop (IDR0.COHACC = 0) reads our tables from
 * memory: write them back first. */
static void publish(struct smmuv3_unit *u)
{
	if (!(u->idr0 & SMMU_IDR0_COHACC)) {
		plat_cache_flush(u->strtab, (size_t)SMMU_STE_BYTES << u->log2_streams);
		plat_cache_flush(u->pool->cpu, (size_t)POOL_PAGES * PLAT_PAGE_SIZE);
		for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
			if (u->dom[k].pool)
				plat_cache_flush(u->dom[k].pool->cpu, (size_t)(PT_FIRST +
						 u->dom[k].pt_used) * PLAT_PAGE_SIZE);
	}
	plat_wmb();
}

struct ack_wait {
	struct smmuv3_unit *u;
	uint32_t want;
};

static bool cr0_acked(void *ctx)
{
	const struct ack_wait *w = ctx;

	return rd32(w->u, SMMU_CR0ACK) == w->want;
}

/* CR0, then CR0ACK following it (6.3.10; Linux arm_smmu_write_reg_sync). */
static bool cr0(struct smmuv3_unit *u, uint32_t v)
{
	struct ack_wait w = { u, v };

	wr32(u, SMMU_CR0, v);
	return wait_until(cr0_acked, &w, SMMU_POLL_TIMEOUT_US, SMMU_POLL_US);
}

static void cmd(struct smmuv3_unit *u, uint64_t w0, uint64_t w1)
{
	uint32_t mask = (1u << SMMU_CMDQ_LOG2) - 1;
	uint64_t *c = u->cmdq + 2 * (u->cmd_prod & mask);

	c[0] = w0;
	c[1] = w1;
	/* index and wrap bit (3.5) */
	u->cmd_prod = (u->cmd_prod + 1) & ((2u << SMMU_CMDQ_LOG2) - 1);
}

static bool consumed(void *ctx)
{
	struct smmuv3_unit *u = ctx;
	uint32_t cons = rd32(u, SMMU_CMDQ_CONS);

	return (cons & ((2u << SMMU_CMDQ_LOG2) - 1)) == u->cmd_prod ||
	       SMMU_CMDQ_CONS_ERR(cons);
}

/* CMD_SYNC after what was queued, then wait (bounded) until the unit has
 * consumed it all (Linux arm_smmu_cmdq_issue_cmdlist with a polled sync). */
static bool sync(struct smmuv3_unit *u)
{
	cmd(u, SMMU_CMD_SYNC, 0);
	publish(u);
	wr32(u, SMMU_CMDQ_PROD, u->cmd_prod);
	return wait_until(consumed, u, SMMU_POLL_TIMEOUT_US, SMMU_POLL_US) &&
	       !SMMU_CMDQ_CONS_ERR(rd32(u, SMMU_CMDQ_CONS)) && !(rd32(u, SMMU_GERROR) & 1);
}

/* ---- tables ------------------------------------------------------------------ */

static uint64_t *pt_page(struct smmuv3_domain *dm)
{
	uint64_t *p;

	if (dm->pt_used >= SMMUV3_PT_PAGES)
		return NULL;
	p = page(dm->pool, PT_FIRST + dm->pt_used++);
	for (unsigned i = 0; i < SMMU_PT_ENTRIES; i++)
		p[i] = 0;
	return p;
}

/* The level-3 entry for addr, creating levels 1-3 (VMSAv8-64 4 KiB granule). */
static uint64_t *pte(struct smmuv3_domain *dm, uint64_t addr, bool create)
{
	uint64_t *table = dm->pt;

	for (unsigned level = 0; level < SMMU_PT_LEVELS - 1; level++) {
		unsigned idx = (addr >> (39 - 9 * level)) & (SMMU_PT_ENTRIES - 1);
		if (!(table[idx] & SMMU_PTE_VALID)) {
			uint64_t *next = create ? pt_page(dm) : NULL;
			if (!next)
				return NULL;
			table[idx] = bus_of(next) | SMMU_PTE_TABLE | SMMU_PTE_VALID;
		}
		table = (uint64_t *)(uintptr_t)(table[idx] & SMMU_PTE_ADDR);
	}
	return &table[(addr >> 12) & (SMMU_PT_ENTRIES - 1)];
}

/* Invalidate domain k's ASID's TLB entries and wait (Linux
 * arm_smmu_tlb_inv_context). */
static bool tlbi(struct smmuv3_unit *u, unsigned k)
{
	cmd(u, SMMU_CMD_TLBI_NH_ASID | (uint64_t)(SMMU_ASID_FIRST + k) << 48, 0);
	return sync(u);
}

static int smmuv3_map(void *ctx, unsigned k, uint64_t addr, size_t len)
{
	struct smmuv3_unit *u = ctx;
	struct smmuv3_domain *dm = &u->dom[k];

	if (!u->running || !dm->pt)
		return RC_OK;
	for (uint64_t a = addr & ~0xfffull; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t *e = pte(dm, a, true);
		if (!e)
			return RC_ENOMEM;
		/* Linux arm_lpae_prot_to_pte: read/write, unprivileged, cacheable
		 * (MAIR attribute 0), inner shareable, accessed, not global */
		*e = a | SMMU_PTE_NG | SMMU_PTE_AF | SMMU_PTE_SH_ISH | SMMU_PTE_AP_UNPRIV |
		     SMMU_PTE_TABLE | SMMU_PTE_VALID;
	}
	return tlbi(u, k) ? RC_OK : RC_ETIMEDOUT;
}

static void smmuv3_unmap(void *ctx, unsigned k, uint64_t addr, size_t len)
{
	struct smmuv3_unit *u = ctx;
	struct smmuv3_domain *dm = &u->dom[k];

	if (!u->running || !dm->pt)
		return;
	for (uint64_t a = addr & ~0xfffull; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t *e = pte(dm, a, false);
		if (e)
			*e = 0;
	}
	tlbi(u, k);
}

/* ---- start / stop ------------------------------------------------------------- */

static int smmuv3_find(void *ctx, struct pci_bdf dev, char *why, size_t n)
{
	struct smmuv3_unit *u = ctx;
	const uint8_t *t = plat_acpi_table("IORT");

	*u = (struct smmuv3_unit){ 0 };
	if (!t) {
		fmt_snprintf(why, n, "no ACPI IORT table");
		return RC_ENODEV;
	}
	return iort_find(t, dev, &u->iort, why, n);
}

static void smmuv3_stop(void *ctx)
{
	struct smmuv3_unit *u = ctx;

	if (!u->strtab_buf)
		return;
	/* Everything off (the firmware's GBPA rules again), then its
	 * registers back (Linux arm_smmu_device_disable). */
	cr0(u, 0);
	wr32(u, SMMU_CR1, u->cr1_at_start);
	wr32(u, SMMU_CR2, u->cr2_at_start);
	wr64(u, SMMU_STRTAB_BASE, u->strtab_at_start);
	wr32(u, SMMU_STRTAB_BASE_CFG, u->strtab_cfg_at_start);
	wr64(u, SMMU_CMDQ_BASE, u->cmdq_at_start);
	wr64(u, SMMU_EVTQ_BASE, u->evtq_at_start);
	if (u->cr0_at_start)
		cr0(u, u->cr0_at_start);
	u->running = false;
	for (unsigned k = 0; k < IOMMU_DOMAINS; k++) {
		dma_free(u->dom[k].pool);
		u->dom[k] = (struct smmuv3_domain){ 0 };
	}
	dma_free(u->strtab_buf);
	dma_free(u->pool);
	u->strtab_buf = u->pool = NULL;
}

static void bypass_ste(uint64_t *ste)
{
	for (unsigned i = 2; i < SMMU_STE_BYTES / 8; i++)
		ste[i] = 0;
	ste[1] = SMMU_STE1_SHCFG_INCOMING;
	ste[0] = SMMU_STE_CFG_BYPASS | SMMU_STE_V;
}

static int refuse(char *why, size_t n, const char *msg)
{
	fmt_snprintf(why, n, "%s", msg);
	return RC_ENOTSUP;
}

/* Streams to cover: every function of the inventory that IORT sends to
 * this unit (they bypass), and ours. */
static unsigned log2_streams(const struct smmuv3_unit *u, const struct pci_inventory *inv)
{
	const uint8_t *t = plat_acpi_table("IORT");
	uint32_t max = u->iort.sid;
	unsigned l = 1;
	char why[8];

	for (unsigned i = 0; i < inv->n; i++) {
		struct iort_unit o;
		if (!iort_find(t, inv->f[i].bdf, &o, why, sizeof(why)) && o.base == u->iort.base &&
		    o.sid > max)
			max = o.sid;
	}
	while (l < 32 && (max >> l))
		l++;
	return l < 8 ? 8 : l;
}

static int smmuv3_start(void *ctx, struct pci_bdf owner, const struct pci_inventory *inv,
			char *why, size_t n)
{
	struct smmuv3_unit *u = ctx;
	size_t tab;
	int rc;

	u->idr0 = rd32(u, SMMU_IDR0);
	u->idr1 = rd32(u, SMMU_IDR1);
	u->idr5 = rd32(u, SMMU_IDR5);
	u->cr0_at_start = rd32(u, SMMU_CR0);
	if (u->idr0 == ~0u)
		return refuse(why, n, "SMMUv3 registers read all-ones");
	if (u->cr0_at_start & (SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN))
		return refuse(why, n, "the firmware already uses this SMMUv3 (CR0 SMMUEN, "
			      "CMDQEN or EVTQEN set); we do not take it over");
	if (!(u->idr0 & SMMU_IDR0_S1P) || SMMU_IDR0_TTF(u->idr0) < 2 ||
	    !(u->idr5 & SMMU_IDR5_GRAN4K))
		return refuse(why, n, "this SMMUv3 has no stage 1 with AArch64 4 KiB tables");
	if (SMMU_IDR1_CMDQS(u->idr1) < SMMU_CMDQ_LOG2 ||
	    SMMU_IDR1_EVTQS(u->idr1) < SMMU_EVTQ_LOG2)
		return refuse(why, n, "this SMMUv3's queues are smaller than one page");
	u->log2_streams = log2_streams(u, inv);
	if (u->log2_streams > SMMU_IDR1_SIDSIZE(u->idr1) ||
	    u->log2_streams > SMMU_MAX_LOG2_STREAMS) {
		fmt_snprintf(why, n, "stream ids up to 2^%u need a 2-level stream table (this "
			     "unit: SIDSIZE %u); only linear tables are built", u->log2_streams,
			     SMMU_IDR1_SIDSIZE(u->idr1));
		return RC_ENOTSUP;
	}
	u->cr1_at_start = rd32(u, SMMU_CR1);
	u->cr2_at_start = rd32(u, SMMU_CR2);
	u->strtab_at_start = rd64(u, SMMU_STRTAB_BASE);
	u->strtab_cfg_at_start = rd32(u, SMMU_STRTAB_BASE_CFG);
	u->cmdq_at_start = rd64(u, SMMU_CMDQ_BASE);
	u->evtq_at_start = rd64(u, SMMU_EVTQ_BASE);

	/* The stream table is aligned to its size (3.3.1): allocate twice it. */
	tab = (size_t)SMMU_STE_BYTES << u->log2_streams;
	rc = dma_alloc_flags(owner, 2 * tab, DMA_UNMAPPED, &u->strtab_buf);
	if (!rc)
		rc = dma_alloc_flags(owner, (size_t)POOL_PAGES * PLAT_PAGE_SIZE, DMA_UNMAPPED,
				     &u->pool);
	if (rc) {
		fmt_snprintf(why, n, "no memory for SMMUv3 tables: %s", rc_name(rc));
		dma_free(u->strtab_buf);
		u->strtab_buf = NULL;
		return rc;
	}
	u->strtab = (uint64_t *)(uintptr_t)((u->strtab_buf->bus + tab - 1) & ~(uint64_t)(tab - 1));
	u->cmdq = page(u->pool, CMDQ_PAGE);
	u->evtq = page(u->pool, EVTQ_PAGE);
	u->cmd_prod = u->evt_cons = 0;

	/* Every stream bypasses (Linux arm_smmu_make_bypass_ste); attach
	 * gives a device a domain of its own. */
	for (size_t s = 0; s < ((size_t)1 << u->log2_streams); s++)
		bypass_ste(u->strtab + 8 * s);
	publish(u);

	/* Linux arm_smmu_device_reset order: off, attributes, tables and
	 * queues, command queue on, invalidate all, event queue on, SMMUEN. */
	if (!cr0(u, 0)) {
		fmt_snprintf(why, n, "SMMUv3: CR0ACK did not follow CR0 within %u us",
			     SMMU_POLL_TIMEOUT_US);
		smmuv3_stop(u);
		return RC_ETIMEDOUT;
	}
	wr32(u, SMMU_CR1, SMMU_CR1_WB_ISH);
	wr32(u, SMMU_CR2, SMMU_CR2_PTM | SMMU_CR2_RECINVSID);
	wr64(u, SMMU_STRTAB_BASE, bus_of(u->strtab) | SMMU_BASE_RA);
	wr32(u, SMMU_STRTAB_BASE_CFG, u->log2_streams);
	wr64(u, SMMU_CMDQ_BASE, bus_of(u->cmdq) | SMMU_BASE_RA | SMMU_CMDQ_LOG2);
	wr32(u, SMMU_CMDQ_PROD, 0);
	wr32(u, SMMU_CMDQ_CONS, 0);
	wr64(u, SMMU_EVTQ_BASE, bus_of(u->evtq) | SMMU_BASE_RA | SMMU_EVTQ_LOG2);
	wr32(u, SMMU_EVTQ_PROD, 0);
	wr32(u, SMMU_EVTQ_CONS, 0);
	bool ok = cr0(u, SMMU_CR0_CMDQEN);
	if (ok) {
		cmd(u, SMMU_CMD_CFGI_ALL, 31);
		cmd(u, SMMU_CMD_TLBI_NSNH_ALL, 0);
		ok = sync(u);
	}
	ok = ok && cr0(u, SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN);
	u->running = ok;
	ok = ok && cr0(u, SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN | SMMU_CR0_SMMUEN);
	if (!ok) {
		fmt_snprintf(why, n, "SMMUv3 did not acknowledge CR0 or complete CMD_SYNC within "
			     "%u us (CMDQ_CONS 0x%08x, GERROR 0x%08x)", SMMU_POLL_TIMEOUT_US,
			     rd32(u, SMMU_CMDQ_CONS), rd32(u, SMMU_GERROR));
		smmuv3_stop(u);
		return RC_ETIMEDOUT;
	}
	return RC_OK;
}

/*
 * A live STE given new contents (3.21.3.1, Linux arm_smmu_write_ste when
 * the update cannot be hitless): invalid first (the stream has no DMA in
 * flight, so nothing is aborted), CFGI_STE and CMD_SYNC, then every word
 * but the first, the first, and CFGI_STE and CMD_SYNC again.
 */
static bool write_ste(struct smmuv3_unit *u, uint32_t sid, const uint64_t *want)
{
	uint64_t *ste = u->strtab + 8 * sid;
	bool ok;

	ste[0] = 0;
	cmd(u, SMMU_CMD_CFGI_STE | (uint64_t)sid << 32, 1 /* leaf */);
	ok = sync(u);
	for (unsigned i = 1; i < SMMU_STE_BYTES / 8; i++)
		ste[i] = want[i];
	plat_wmb();
	ste[0] = want[0];
	cmd(u, SMMU_CMD_CFGI_STE | (uint64_t)sid << 32, 1);
	return sync(u) && ok;
}

static void smmuv3_detach(void *ctx, unsigned k)
{
	struct smmuv3_unit *u = ctx;
	struct smmuv3_domain *dm = &u->dom[k];
	uint64_t ste[SMMU_STE_BYTES / 8];

	if (!dm->used)
		return;
	/* Bypassing again, then the domain's TLB entries gone. */
	if (u->running && dm->pt) {
		bypass_ste(ste);
		write_ste(u, dm->sid, ste);
		tlbi(u, k);
	}
	dma_free(dm->pool);
	*dm = (struct smmuv3_domain){ 0 };
}

static int smmuv3_attach(void *ctx, unsigned k, struct pci_bdf dev, bool strict,
			 char *why, size_t n)
{
	struct smmuv3_unit *u = ctx;
	struct smmuv3_domain *dm = &u->dom[k];
	uint64_t ste[SMMU_STE_BYTES / 8] = { 0 };
	struct iort_unit o;
	int rc = iort_find(plat_acpi_table("IORT"), dev, &o, why, n);

	if (rc)
		return rc;
	if (o.sid >> u->log2_streams) {
		fmt_snprintf(why, n, "stream id 0x%x is beyond the stream table", o.sid);
		return RC_ENOTSUP;
	}
	*dm = (struct smmuv3_domain){ .sid = o.sid, .used = true };
	if (!strict)
		return RC_OK; /* it bypasses, as every stream does */
	rc = dma_alloc_flags(dev, (size_t)DOMAIN_PAGES * PLAT_PAGE_SIZE, DMA_UNMAPPED,
			     &dm->pool);
	if (rc) {
		fmt_snprintf(why, n, "no memory for SMMUv3 page tables: %s", rc_name(rc));
		*dm = (struct smmuv3_domain){ 0 };
		return rc;
	}
	/* Translated through one context descriptor of its own, with its
	 * own ASID (Linux arm_smmu_make_s1_cd, arm_smmu_make_cdtable_ste). */
	dm->cd = page(dm->pool, 0);
	dm->pt = pt_page(dm);
	for (unsigned i = 0; i < SMMU_CD_BYTES / 8; i++)
		dm->cd[i] = 0;
	dm->cd[0] = SMMU_CD0_T0SZ(SMMU_PT_T0SZ) | SMMU_CD0_TG0_4K | SMMU_CD0_IRGN0_WB |
		    SMMU_CD0_ORGN0_WB | SMMU_CD0_SH0_ISH | SMMU_CD0_EPD1 | SMMU_CD0_V |
		    SMMU_CD0_IPS(SMMU_IDR5_OAS(u->idr5)) | SMMU_CD0_AA64 | SMMU_CD0_R |
		    SMMU_CD0_A | SMMU_CD0_ASET | SMMU_CD0_ASID(SMMU_ASID_FIRST + k);
	dm->cd[1] = bus_of(dm->pt) & SMMU_CD1_TTB0;
	dm->cd[3] = SMMU_MAIR_WB;
	ste[1] = SMMU_STE1_S1DSS_SSID0 | SMMU_STE1_S1C_WB_ISH;
	ste[0] = (bus_of(dm->cd) & SMMU_STE_S1CTXPTR) | SMMU_STE_CFG_S1 | SMMU_STE_V;
	/* A fresh ASID may still have stale entries from a previous run. */
	if (!write_ste(u, dm->sid, ste) || !tlbi(u, k)) {
		fmt_snprintf(why, n, "SMMUv3 did not complete CFGI_STE/CMD_SYNC within %u us "
			     "(CMDQ_CONS 0x%08x, GERROR 0x%08x)", SMMU_POLL_TIMEOUT_US,
			     rd32(u, SMMU_CMDQ_CONS), rd32(u, SMMU_GERROR));
		smmuv3_detach(u, k);
		return RC_ETIMEDOUT;
	}
	return RC_OK;
}

/* ---- faults --------------------------------------------------------------------- */

static uint32_t evtq_mask(void)
{
	return (2u << SMMU_EVTQ_LOG2) - 1; /* index and wrap bit */
}

static bool smmuv3_fault_pending(void *ctx)
{
	struct smmuv3_unit *u = ctx;

	return u->running && (rd32(u, SMMU_EVTQ_PROD) & evtq_mask()) != u->evt_cons;
}

static const char *event_str(unsigned id)
{
	switch (id) {
	case SMMU_EVT_F_TRANSLATION: return "F_TRANSLATION: no valid translation";
	case SMMU_EVT_F_ADDR_SIZE: return "F_ADDR_SIZE: address beyond the table's size";
	case SMMU_EVT_F_ACCESS: return "F_ACCESS: access flag fault";
	case SMMU_EVT_F_PERMISSION: return "F_PERMISSION: permission refused";
	case SMMU_EVT_C_BAD_STREAMID: return "C_BAD_STREAMID: stream id beyond the table";
	case SMMU_EVT_C_BAD_STE: return "C_BAD_STE: invalid stream table entry";
	case SMMU_EVT_F_STREAM_DISABLED: return "F_STREAM_DISABLED";
	case SMMU_EVT_C_BAD_CD: return "C_BAD_CD: invalid context descriptor";
	case SMMU_EVT_F_WALK_EABT: return "F_WALK_EABT: external abort on a table walk";
	default: return "other event";
	}
}

/* The oldest event off the queue (Linux arm_smmu_evtq_thread): decode,
 * move CONS on. */
static bool smmuv3_fault_take(void *ctx, struct iommu_fault *f)
{
	struct smmuv3_unit *u = ctx;
	const uint64_t *e;

	if (!smmuv3_fault_pending(u))
		return false;
	plat_rmb();
	e = u->evtq + 4 * (u->evt_cons & ((1u << SMMU_EVTQ_LOG2) - 1));
	*f = (struct iommu_fault){ .sid = SMMU_EVT_SID(e[0]), .read = (e[1] & SMMU_EVT1_RNW) != 0,
				   .addr = e[2] & ~0xfffull, .reason = event_str(SMMU_EVT_ID(e[0])) };
	u->evt_cons = (u->evt_cons + 1) & evtq_mask();
	/* acknowledge an overflow with the consumer index (7.4) */
	wr32(u, SMMU_EVTQ_CONS, u->evt_cons | (rd32(u, SMMU_EVTQ_PROD) & SMMU_Q_OVF));
	u->faults_seen++;
	return true;
}

static uint32_t smmuv3_sid(void *ctx, struct pci_bdf b)
{
	const struct smmuv3_unit *u = ctx;
	const uint8_t *t = plat_acpi_table("IORT");
	struct iort_unit o;
	char why[8];

	if (t && !iort_find(t, b, &o, why, sizeof(why)))
		return o.sid;
	(void)u;
	return (uint32_t)(b.bus << 8 | b.dev << 3 | b.fn);
}

static uint64_t smmuv3_base(void *ctx)
{
	return ((const struct smmuv3_unit *)ctx)->iort.base;
}

/* The stream table and the page-table pages built so far. */
static unsigned smmuv3_table_pages(void *ctx)
{
	const struct smmuv3_unit *u = ctx;
	size_t tab = (size_t)SMMU_STE_BYTES << u->log2_streams;
	unsigned n = u->strtab_buf ? (unsigned)((tab + PLAT_PAGE_SIZE - 1) / PLAT_PAGE_SIZE) : 0;

	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		n += u->dom[k].pool ? u->dom[k].pt_used : 0;
	return n;
}

/* The event queue holds at most its entries: one drain takes no more. */
static unsigned smmuv3_records(void *ctx)
{
	(void)ctx;
	return 1u << SMMU_EVTQ_LOG2;
}

const struct iommu_ops smmuv3_ops = {
	"Arm SMMUv3", "IORT", smmuv3_find, smmuv3_start, smmuv3_attach, smmuv3_detach,
	smmuv3_map, smmuv3_unmap,
	smmuv3_stop, smmuv3_fault_pending, smmuv3_fault_take, smmuv3_sid, smmuv3_base,
	smmuv3_table_pages, smmuv3_records,
};
