/* vtd.c - one Intel VT-d unit programmed by hand (see vtd.h). */
#include "dma/vtd.h"

#include "dma/acpi.h"
#include "dma/vtd_regs.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "wait_bound.h"

/* Linux DMAR_OPERATION_TIMEOUT: a register command completes within 1 s. */
#define VTD_OP_TIMEOUT_US	1000000
#define VTD_OP_POLL_US		10
/* Domain ids: everyone else's (passed through), then domain k's is
 * VTD_DID_FIRST + k (CAP.ND: at least 16 ids, 10.4.2). */
#define VTD_DID_OTHERS		1
#define VTD_DID_FIRST		2
/* ---- ACPI DMAR ----------------------------------------------------------- */


/* Does one device scope entry name dev, or a bridge above it? */
static bool scope_covers(const uint8_t *s, unsigned len, struct pci_bdf dev)
{
	uint8_t type = s[0], bus = s[5];
	unsigned npath = (len - 6) / 2;

	if ((type != DMAR_SCOPE_ENDPOINT && type != DMAR_SCOPE_BRIDGE) || !npath)
		return false;
	for (unsigned i = 0; i < npath; i++) {
		struct pci_bdf b = { dev.seg, bus, s[6 + 2 * i], s[7 + 2 * i] };
		bool last = i == npath - 1;

		if (last && b.bus == dev.bus && b.dev == dev.dev && b.fn == dev.fn)
			return true;
		if (last && type == DMAR_SCOPE_BRIDGE) {
			uint8_t sec = pci_read8(b, PCI_SECONDARY_BUS);
			uint8_t sub = pci_read8(b, PCI_SUBORDINATE_BUS);
			return sec && dev.bus >= sec && dev.bus <= sub;
		}
		if (!last)
			bus = pci_read8(b, PCI_SECONDARY_BUS); /* follow the path */
	}
	return false;
}

static bool drhd_scope_covers(const uint8_t *d, unsigned len, struct pci_bdf dev)
{
	for (unsigned o = 16; o + 6 <= len;) {
		unsigned slen = d[o + 1];
		if (slen < 6 || o + slen > len)
			return false; /* malformed: stop */
		if (scope_covers(d + o, slen, dev))
			return true;
		o += slen;
	}
	return false;
}

int vtd_find(struct vtd_unit *u, struct pci_bdf dev, char *why, size_t n)
{
	const uint8_t *t = plat_acpi_table("DMAR");
	const uint8_t *all = NULL, *mine = NULL;

	*u = (struct vtd_unit){ 0 };
	if (!t) {
		fmt_snprintf(why, n, "no ACPI DMAR table (no VT-d, or the firmware hides it)");
		return RC_ENODEV;
	}
	uint32_t tlen = acpi_table_check(t, "DMAR", DMAR_HEADER_LEN, why, n);
	if (!tlen)
		return RC_EINVAL;
	for (uint32_t o = DMAR_HEADER_LEN; o + 4 <= tlen && !mine;) {
		uint16_t type = acpi_le16(t + o), len = acpi_le16(t + o + 2);
		if (len < 4 || o + len > tlen)
			break; /* malformed: stop */
		if (type == DMAR_TYPE_DRHD && len >= 16 && acpi_le16(t + o + 6) == dev.seg) {
			if (t[o + 4] & DMAR_DRHD_INCLUDE_ALL)
				all = t + o;
			else if (drhd_scope_covers(t + o, len, dev))
				mine = t + o;
		}
		o += len;
	}
	if (!mine)
		mine = all;
	if (!mine) {
		fmt_snprintf(why, n, "DMAR has no remapping unit for segment %u's device",
			     dev.seg);
		return RC_ENODEV;
	}
	u->base = acpi_le64(mine + 8);
	u->segment = acpi_le16(mine + 6);
	u->include_all = mine[4] & DMAR_DRHD_INCLUDE_ALL;
	return RC_OK;
}

/* ---- registers ----------------------------------------------------------- */

static uint32_t rd32(const struct vtd_unit *u, uint32_t r) { return plat_mmio_read32(u->base + r); }
static void wr32(struct vtd_unit *u, uint32_t r, uint32_t v) { plat_mmio_write32(u->base + r, v); }
static uint64_t rd64(const struct vtd_unit *u, uint32_t r) { return plat_mmio_read64(u->base + r); }
static void wr64(struct vtd_unit *u, uint32_t r, uint64_t v) { plat_mmio_write64(u->base + r, v); }

struct vtd_wait {
	struct vtd_unit *u;
	uint32_t r;
	uint64_t mask, want;
	bool wide;
};

static bool vtd_settled(void *ctx)
{
	struct vtd_wait *w = ctx;

	return ((w->wide ? rd64(w->u, w->r) : rd32(w->u, w->r)) & w->mask) == w->want;
}

/* Wait (bounded) until (register & mask) == want; wide: a 64-bit register. */
static bool poll(struct vtd_unit *u, uint32_t r, uint64_t mask, uint64_t want, bool wide)
{
	struct vtd_wait w = { u, r, mask, want, wide };

	return wait_until(vtd_settled, &w, VTD_OP_TIMEOUT_US, VTD_OP_POLL_US);
}

/* A global command: the persistent state in GSTS plus or minus one bit,
 * then wait for the status bit to follow (10.4.4). */
static bool gcmd(struct vtd_unit *u, uint32_t bit, bool on, uint32_t status)
{
	uint32_t v = rd32(u, VTD_GSTS) & VTD_G_PERSISTENT;

	wr32(u, VTD_GCMD, on ? v | bit : v & ~bit);
	return poll(u, VTD_GSTS, status, on ? status : 0, false);
}

static bool flush_write_buffer(struct vtd_unit *u)
{
	if (!VTD_CAP_RWBF(u->cap))
		return true;
	uint32_t v = rd32(u, VTD_GSTS) & VTD_G_PERSISTENT;
	wr32(u, VTD_GCMD, v | VTD_G_WBF);
	return poll(u, VTD_GSTS, VTD_G_WBF, 0, false);
}

/* Global context-cache then IOTLB invalidation (6.5, register-based). */
static bool invalidate_all(struct vtd_unit *u)
{
	uint32_t iotlb = VTD_ECAP_IRO(u->ecap) + VTD_IOTLB_REG;

	/* A unit that does not snoop (ECAP.C = 0) reads the tables from
	 * memory: write back every table page in use first (6.1, 9.x). */
	if (!VTD_ECAP_C(u->ecap)) {
		if (u->root_pool)
			plat_cache_flush(u->root_pool->cpu, (size_t)u->root_used * PLAT_PAGE_SIZE);
		for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
			if (u->dom[k].pool)
				plat_cache_flush(u->dom[k].pool->cpu,
						 (size_t)u->dom[k].pool_used * PLAT_PAGE_SIZE);
	}
	plat_wmb();
	if (!flush_write_buffer(u))
		return false;
	wr64(u, VTD_CCMD, VTD_CCMD_ICC | VTD_CCMD_GLOBAL);
	if (!poll(u, VTD_CCMD, VTD_CCMD_ICC, 0, true))
		return false;
	wr64(u, iotlb, VTD_IOTLB_IVT | VTD_IOTLB_GLOBAL | VTD_IOTLB_DR | VTD_IOTLB_DW);
	return poll(u, iotlb, VTD_IOTLB_IVT, 0, true);
}

/* ---- tables -------------------------------------------------------------- */

/* The next zeroed page of a pool of max pages, or NULL when it is full. */
static uint64_t *pool_page(struct dma_buf *pool, unsigned *used, unsigned max)
{
	if (*used >= max)
		return NULL;
	uint64_t *p = (uint64_t *)((uint8_t *)pool->cpu + PLAT_PAGE_SIZE * (*used)++);
	for (unsigned i = 0; i < VTD_ENTRIES; i++)
		p[i] = 0;
	return p;
}

static uint64_t bus_of(const void *p)
{
	return (uint64_t)(uintptr_t)p; /* pool pages are identity-mapped */
}

/* The context entry for (bus, devfn), creating the bus's table. */
static uint64_t *context(struct vtd_unit *u, uint8_t bus, uint8_t devfn)
{
	uint64_t *root = &u->root[2 * bus];
	uint64_t *ctx;

	if (!(*root & VTD_ROOT_PRESENT)) {
		ctx = pool_page(u->root_pool, &u->root_used, VTD_ROOT_PAGES);
		if (!ctx)
			return NULL;
		*root = bus_of(ctx) | VTD_ROOT_PRESENT;
	}
	ctx = (uint64_t *)(uintptr_t)(*root & VTD_PAGE_MASK);
	return &ctx[2 * devfn];
}

static uint64_t aw(const struct vtd_unit *u)
{
	return u->levels == 4 ? VTD_CTX_AW_48 : VTD_CTX_AW_39;
}

static int set_context(struct vtd_unit *u, struct pci_bdf b, uint64_t lo, uint16_t did)
{
	uint64_t *c = context(u, b.bus, (uint8_t)(b.dev << 3 | b.fn));

	if (!c)
		return RC_ENOMEM;
	c[1] = aw(u) | (uint64_t)did << VTD_CTX_DID_SHIFT;
	c[0] = lo | VTD_CTX_PRESENT;
	return RC_OK;
}

/*
 * A live unit's context entry given new contents. The entry is 128 bits
 * and the unit may cache it: it is made not present and the context
 * cache and IOTLB invalidated first, then written and invalidated again
 * (VT-d 6.5.3.3; Linux domain_context_clear_one before
 * domain_context_mapping_one). Global invalidations cover every domain.
 */
static int replace_context(struct vtd_unit *u, struct pci_bdf b, uint64_t lo, uint16_t did)
{
	uint64_t *c = context(u, b.bus, (uint8_t)(b.dev << 3 | b.fn));

	if (!c)
		return RC_ENOMEM;
	c[0] = 0;
	if (!invalidate_all(u))
		return RC_ETIMEDOUT;
	set_context(u, b, lo, did);
	return invalidate_all(u) ? RC_OK : RC_ETIMEDOUT;
}

/* The leaf entry for addr in domain dm's second-level tables, creating
 * levels. */
static uint64_t *pte(struct vtd_unit *u, struct vtd_domain *dm, uint64_t addr, bool create)
{
	uint64_t *table = dm->slpt;

	for (unsigned level = u->levels; level > 1; level--) {
		unsigned idx = (addr >> (12 + 9 * (level - 1))) & (VTD_ENTRIES - 1);
		if (!(table[idx] & (VTD_PTE_READ | VTD_PTE_WRITE))) {
			if (!create)
				return NULL;
			uint64_t *next = pool_page(dm->pool, &dm->pool_used, VTD_TABLE_PAGES);
			if (!next)
				return NULL;
			table[idx] = bus_of(next) | VTD_PTE_READ | VTD_PTE_WRITE;
		}
		table = (uint64_t *)(uintptr_t)(table[idx] & VTD_PTE_ADDR);
	}
	return &table[(addr >> 12) & (VTD_ENTRIES - 1)];
}

int vtd_map(struct vtd_unit *u, unsigned k, uint64_t addr, size_t len)
{
	struct vtd_domain *dm = &u->dom[k];

	if (!u->running || !dm->slpt)
		return RC_OK; /* nothing translated: nothing to map */
	for (uint64_t a = addr & VTD_PAGE_MASK; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t *e = pte(u, dm, a, true);
		if (!e)
			return RC_ENOMEM;
		*e = a | VTD_PTE_READ | VTD_PTE_WRITE;
	}
	return invalidate_all(u) ? RC_OK : RC_ETIMEDOUT;
}

void vtd_unmap(struct vtd_unit *u, unsigned k, uint64_t addr, size_t len)
{
	struct vtd_domain *dm = &u->dom[k];

	if (!u->running || !dm->slpt)
		return;
	for (uint64_t a = addr & VTD_PAGE_MASK; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t *e = pte(u, dm, a, false);
		if (e)
			*e = 0;
	}
	invalidate_all(u);
}

unsigned vtd_table_pages(const struct vtd_unit *u)
{
	unsigned n = u->root_pool ? u->root_used : 0;

	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		n += u->dom[k].pool ? u->dom[k].pool_used : 0;
	return n;
}

/* ---- start / stop -------------------------------------------------------- */

static int refuse(char *why, size_t n, const char *msg)
{
	fmt_snprintf(why, n, "%s", msg);
	return RC_ENOTSUP;
}

/* What the unit must offer for us to drive it safely. */
static int check_unit(struct vtd_unit *u, char *why, size_t n)
{
	u->cap = rd64(u, VTD_CAP);
	u->ecap = rd64(u, VTD_ECAP);
	u->gsts_at_start = rd32(u, VTD_GSTS);
	if (u->cap == ~0ull)
		return refuse(why, n, "VT-d registers read all-ones");
	if (u->gsts_at_start & VTD_G_TE)
		return refuse(why, n, "the firmware already has DMA remapping on; we do "
			      "not take it over");
	if (u->gsts_at_start & VTD_G_QIE)
		return refuse(why, n, "queued invalidation is on; register-based "
			      "invalidation is not allowed then");
	if (!VTD_ECAP_PT(u->ecap))
		return refuse(why, n, "no pass-through (ECAP.PT): the firmware's own "
			      "devices could not keep working while translation is on");
	if (VTD_CAP_SAGAW(u->cap) & VTD_SAGAW_48)
		u->levels = 4;
	else if (VTD_CAP_SAGAW(u->cap) & VTD_SAGAW_39)
		u->levels = 3;
	else
		return refuse(why, n, "neither 39- nor 48-bit address widths supported");
	return RC_OK;
}

int vtd_start(struct vtd_unit *u, struct pci_bdf owner, const struct pci_inventory *inv,
	      char *why, size_t n)
{
	int rc = check_unit(u, why, n);

	if (rc)
		return rc;
	rc = dma_alloc_flags(owner, (size_t)VTD_ROOT_PAGES * PLAT_PAGE_SIZE, DMA_UNMAPPED,
			     &u->root_pool);
	if (rc) {
		fmt_snprintf(why, n, "no memory for VT-d tables: %s", rc_name(rc));
		return rc;
	}
	u->root_used = 0;
	u->root = pool_page(u->root_pool, &u->root_used, VTD_ROOT_PAGES);
	/* Everyone passes through untranslated, as before; attach gives a
	 * device a domain of its own. */
	for (unsigned i = 0; i < inv->n && !rc; i++)
		if (inv->f[i].bdf.seg == u->segment)
			rc = set_context(u, inv->f[i].bdf, VTD_CTX_TT_PASS_THROUGH,
					 VTD_DID_OTHERS);
	if (rc) {
		fmt_snprintf(why, n, "VT-d tables: %s", rc_name(rc));
		dma_free(u->root_pool);
		u->root_pool = NULL;
		return rc;
	}
	u->rtaddr_at_start = rd64(u, VTD_RTADDR);
	u->fectl_at_start = rd32(u, VTD_FECTL);
	/* Faults are read by polling: no fault event message to anywhere. */
	wr32(u, VTD_FECTL, VTD_FECTL_IM);
	plat_wmb();
	wr64(u, VTD_RTADDR, bus_of(u->root));
	if (!gcmd(u, VTD_G_SRTP, true, VTD_G_SRTP) || !invalidate_all(u)) {
		fmt_snprintf(why, n, "VT-d did not accept the root table or invalidation");
		vtd_stop(u);
		return RC_ETIMEDOUT;
	}
	u->running = true;
	if (!gcmd(u, VTD_G_TE, true, VTD_G_TE)) {
		fmt_snprintf(why, n, "GSTS.TES did not follow GCMD.TE");
		vtd_stop(u);
		return RC_ETIMEDOUT;
	}
	return RC_OK;
}

static void domain_free(struct vtd_domain *dm)
{
	dma_free(dm->pool);
	*dm = (struct vtd_domain){ 0 };
}

int vtd_attach(struct vtd_unit *u, unsigned k, struct pci_bdf dev, bool strict,
	       char *why, size_t n)
{
	struct vtd_domain *dm = &u->dom[k];
	uint64_t lo = VTD_CTX_TT_PASS_THROUGH;
	int rc;

	*dm = (struct vtd_domain){ .dev = dev, .used = true };
	if (strict) {
		rc = dma_alloc_flags(dev, (size_t)VTD_TABLE_PAGES * PLAT_PAGE_SIZE,
				     DMA_UNMAPPED, &dm->pool);
		if (rc) {
			fmt_snprintf(why, n, "no memory for VT-d page tables: %s", rc_name(rc));
			domain_free(dm);
			return rc;
		}
		dm->slpt = pool_page(dm->pool, &dm->pool_used, VTD_TABLE_PAGES);
		lo = bus_of(dm->slpt) | VTD_CTX_TT_MULTI_LEVEL;
	}
	rc = replace_context(u, dev, lo, (uint16_t)(VTD_DID_FIRST + k));
	if (rc) {
		fmt_snprintf(why, n, "VT-d context entry: %s", rc_name(rc));
		vtd_detach(u, k);
	}
	return rc;
}

void vtd_detach(struct vtd_unit *u, unsigned k)
{
	struct vtd_domain *dm = &u->dom[k];

	if (!dm->used)
		return;
	if (u->running)
		replace_context(u, dm->dev, VTD_CTX_TT_PASS_THROUGH, VTD_DID_OTHERS);
	domain_free(dm);
}

void vtd_stop(struct vtd_unit *u)
{
	if (!u->root_pool)
		return;
	if (rd32(u, VTD_GSTS) & VTD_G_TE)
		gcmd(u, VTD_G_TE, false, VTD_G_TE);
	/* The firmware's root table pointer and fault control back. */
	wr64(u, VTD_RTADDR, u->rtaddr_at_start);
	gcmd(u, VTD_G_SRTP, true, VTD_G_SRTP);
	invalidate_all(u);
	wr32(u, VTD_FECTL, u->fectl_at_start);
	u->running = false;
	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		domain_free(&u->dom[k]);
	dma_free(u->root_pool);
	u->root_pool = NULL;
	u->root = NULL;
}

/* ---- faults -------------------------------------------------------------- */

bool vtd_fault_pending(const struct vtd_unit *u)
{
	return u->running && (rd32(u, VTD_FSTS) & VTD_FSTS_PPF);
}

bool vtd_fault_take(struct vtd_unit *u, struct vtd_fault *f)
{
	unsigned nfr = VTD_CAP_NFR(u->cap), fro = VTD_CAP_FRO(u->cap);

	if (!u->running)
		return false;
	for (unsigned i = 0; i < nfr; i++) {
		uint32_t r = fro + 16 * i;
		uint32_t hi = rd32(u, r + 12);
		if (!(hi & VTD_FRCD_F))
			continue;
		*f = (struct vtd_fault){
			.sid = VTD_FRCD_SID(rd32(u, r + 8)),
			.reason = VTD_FRCD_FR(hi),
			.read = VTD_FRCD_T(hi),
			.addr = rd64(u, r) & VTD_PAGE_MASK,
		};
		wr32(u, r + 12, VTD_FRCD_F); /* clear this record */
		wr32(u, VTD_FSTS, VTD_FSTS_PFO);
		u->faults_seen++;
		return true;
	}
	return false;
}

unsigned vtd_fault_records(const struct vtd_unit *u)
{
	return u->running ? VTD_CAP_NFR(u->cap) : 0;
}

const char *vtd_reason_str(uint8_t reason)
{
	/* VT-d spec 7.1.3 (legacy-mode fault reasons) */
	switch (reason) {
	case 0x1: return "root entry not present";
	case 0x2: return "context entry not present";
	case 0x3: return "invalid context entry";
	case 0x4: return "address beyond the address width";
	case 0x5: return "write to a page without write permission";
	case 0x6: return "read of a page without read permission";
	case 0x7: return "invalid page-table entry address";
	default: return "other";
	}
}
