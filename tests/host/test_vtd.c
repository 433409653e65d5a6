/*
 * test_vtd.c - the VT-d layer against a fake DMAR table and a fake
 * remapping unit: unit selection, refusals, tables, mapping, faults, and
 * the firmware's registers put back.
 */
#include <string.h>

#include "dma/dma.h"
#include "dma/iommu.h"
#include "dma/vtd.h"
#include "dma/vtd_regs.h"
#include "fake_devices.h"
#include "fake_platform.h"
#include "fake_vtd.h"
#include "harness.h"
#include "model_test.h"
#include "pci/pci_regs.h"

#define UNIT_A	FAKE_VTD_BASE	/* the shared fake unit (fake_vtd.h) */
#define UNIT_B	(FAKE_VTD_BASE + 0x1000)
#define FW_RTADDR 0x7f000000ull /* what the "firmware" left in RTADDR */
#define FW_FECTL  0x00000000u

/* Registers as the fake holds them (reads with no side effects). */
static uint32_t get(struct fake_mmio *m, uint32_t off) { return m->regs[off / 4]; }
static void put(struct fake_mmio *m, uint32_t off, uint32_t v) { m->regs[off / 4] = v; }

/* ---- fake DMAR table --------------------------------------------------- */

struct dmar_builder {
	uint8_t b[256];
	unsigned n;
};

static void dmar_begin(struct dmar_builder *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->b, "DMAR", 4);
	d->b[36] = 47; /* host address width - 1 */
	d->n = 48;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

/* A DRHD; scope: NULL, or {type, start bus, dev0, fn0, dev1, fn1, ...}. */
static void dmar_drhd(struct dmar_builder *d, uint64_t base, bool all,
		      const uint8_t *scope, unsigned npath)
{
	uint8_t *h = d->b + d->n;
	unsigned len = 16 + (scope ? 6 + 2 * npath : 0);

	put16(h, 0);
	put16(h + 2, (uint16_t)len);
	h[4] = all ? 1 : 0;
	for (unsigned i = 0; i < 8; i++)
		h[8 + i] = (uint8_t)(base >> (8 * i));
	if (scope) {
		h[16] = scope[0];
		h[17] = (uint8_t)(6 + 2 * npath);
		h[21] = scope[1];
		memcpy(h + 22, scope + 2, 2 * npath);
	}
	d->n += len;
	d->b[4] = (uint8_t)d->n; /* ACPI length (fits a byte here) */
	fake_acpi_checksum(d->b);
}

/* ---- helpers ------------------------------------------------------------ */

static struct pci_inventory inv;

static struct pci_bdf machine(void)
{
	return mt_iommu_machine(&inv);
}

static uint64_t rd64(struct fake_mmio *m, uint32_t off)
{
	return get(m, off) | (uint64_t)get(m, off + 4) << 32;
}

static const uint64_t *ctx_of(uint64_t rtaddr, uint8_t bus, uint8_t devfn)
{
	const uint64_t *root = (const uint64_t *)(uintptr_t)rtaddr;

	if (!(root[2 * bus] & VTD_ROOT_PRESENT))
		return NULL;
	return (const uint64_t *)(uintptr_t)(root[2 * bus] & VTD_PAGE_MASK) + 2 * devfn;
}

/* Walk 4-level second-level tables: the leaf for addr, or 0. */
static uint64_t leaf(const uint64_t *ctx, uint64_t addr)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)(ctx[0] & VTD_PAGE_MASK);

	for (int level = 4; level > 1; level--) {
		uint64_t e = t[(addr >> (12 + 9 * (level - 1))) & 511];
		if (!(e & (VTD_PTE_READ | VTD_PTE_WRITE)))
			return 0;
		t = (const uint64_t *)(uintptr_t)(e & VTD_PTE_ADDR);
	}
	return t[(addr >> 12) & 511];
}

/* ---- tests -------------------------------------------------------------- */

TEST(vtd_no_dmar_table)
{
	struct vtd_unit u;
	char why[128] = "";

	CHECK_EQ(vtd_find(&u, (struct pci_bdf){ 0, 1, 0, 0 }, why, sizeof(why)), RC_ENODEV);
	CHECK(strstr(why, "no ACPI DMAR table") != NULL);
	CHECK_EQ(iommu_start(IOMMU_STRICT, (struct pci_bdf){ 0, 1, 0, 0 }, &inv, why,
			     sizeof(why)), RC_ENODEV);
	CHECK_EQ(iommu_mode((struct pci_bdf){ 0, 1, 0, 0 }), IOMMU_OFF);
}

TEST(vtd_scope_wins_over_include_all)
{
	struct pci_bdf dev = machine();
	struct dmar_builder d;
	struct vtd_unit u;
	char why[128];
	/* endpoint scope: start bus 0, through 00:02.0, then 00.0 below it */
	const uint8_t scope[] = { DMAR_SCOPE_ENDPOINT, 0, 2, 0, 0, 0 };

	dmar_begin(&d);
	dmar_drhd(&d, UNIT_A, true, NULL, 0);
	dmar_drhd(&d, UNIT_B, false, scope, 2);
	fake_set_acpi_table("DMAR", d.b);
	REQUIRE(vtd_find(&u, dev, why, sizeof(why)) == RC_OK);
	CHECK_EQ(u.base, UNIT_B);
	CHECK(!u.include_all);
	/* someone else falls back to the INCLUDE_PCI_ALL unit */
	REQUIRE(vtd_find(&u, (struct pci_bdf){ 0, 0, 0x1f, 0 }, why, sizeof(why)) == RC_OK);
	CHECK_EQ(u.base, UNIT_A);
	CHECK(u.include_all);
}

TEST(vtd_bridge_scope_covers_devices_below)
{
	struct pci_bdf dev = machine();
	struct dmar_builder d;
	struct vtd_unit u;
	char why[128];
	const uint8_t scope[] = { DMAR_SCOPE_BRIDGE, 0, 2, 0 };

	dmar_begin(&d);
	dmar_drhd(&d, UNIT_B, false, scope, 1);
	fake_set_acpi_table("DMAR", d.b);
	REQUIRE(vtd_find(&u, dev, why, sizeof(why)) == RC_OK);
	CHECK_EQ(u.base, UNIT_B);
	CHECK_EQ(vtd_find(&u, (struct pci_bdf){ 0, 0, 0x1f, 0 }, why, sizeof(why)), RC_ENODEV);
}

/* The shared fake unit (with its INCLUDE_PCI_ALL DMAR table), holding
 * the "firmware's" root table pointer. */
static struct fake_mmio *unit_a(void)
{
	struct fake_mmio *m = fake_vtd_add(UNIT_A)->m;

	put(m, VTD_RTADDR, (uint32_t)FW_RTADDR);
	put(m, VTD_FECTL, FW_FECTL);
	return m;
}

TEST(vtd_strict_tables_and_restore)
{
	struct pci_bdf dev = machine();
	struct fake_mmio *m = unit_a();
	struct dma_buf *before, *after, *hidden;
	char why[128] = "";

	REQUIRE(dma_alloc(dev, 8192, &before) == RC_OK);
	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	CHECK_EQ(iommu_mode(dev), IOMMU_STRICT);
	CHECK(get(m, VTD_GSTS) & VTD_G_TE);
	CHECK(get(m, VTD_FECTL) & VTD_FECTL_IM);
	uint64_t rt = rd64(m, VTD_RTADDR);
	CHECK(rt != FW_RTADDR);

	/* ours: translated by our tables, domain 2 (the first device's);
	 * someone else: PT, domain 1 */
	const uint64_t *c = ctx_of(rt, 1, 0);
	REQUIRE(c != NULL);
	CHECK_EQ(c[0] & 0xf, VTD_CTX_PRESENT | VTD_CTX_TT_MULTI_LEVEL);
	CHECK_EQ(c[1], VTD_CTX_AW_48 | 2ull << VTD_CTX_DID_SHIFT);
	const uint64_t *o = ctx_of(rt, 0, 0x1f << 3);
	REQUIRE(o != NULL);
	CHECK_EQ(o[0] & 0xf, VTD_CTX_PRESENT | VTD_CTX_TT_PASS_THROUGH);
	CHECK_EQ(o[1] >> VTD_CTX_DID_SHIFT, 1);

	/* buffers held before and made after are mapped, identity, R/W; an
	 * unmapped one is not; freeing unmaps */
	REQUIRE(dma_alloc(dev, 4096, &after) == RC_OK);
	REQUIRE(dma_alloc_flags(dev, 4096, DMA_UNMAPPED, &hidden) == RC_OK);
	CHECK_EQ(leaf(c, before->bus + 4096), (before->bus + 4096) | 3);
	CHECK_EQ(leaf(c, after->bus), after->bus | 3);
	CHECK_EQ(leaf(c, hidden->bus), 0);
	uint64_t gone = after->bus;
	dma_free(after);
	CHECK_EQ(leaf(c, gone), 0);

	iommu_stop();
	CHECK_EQ(iommu_mode(dev), IOMMU_OFF);
	CHECK(!(get(m, VTD_GSTS) & VTD_G_TE));
	CHECK_EQ(rd64(m, VTD_RTADDR), FW_RTADDR);
	CHECK_EQ(get(m, VTD_FECTL), FW_FECTL);
	dma_free(before);
	dma_free(hidden);
	CHECK_EQ(fake_dma_outstanding(), 0); /* the table pool too */
}

TEST(vtd_passthrough_context)
{
	struct pci_bdf dev = machine();
	struct fake_mmio *m = unit_a();
	char why[128];

	REQUIRE(iommu_start(IOMMU_PASSTHROUGH, dev, &inv, why, sizeof(why)) == RC_OK);
	const uint64_t *c = ctx_of(rd64(m, VTD_RTADDR), 1, 0);
	REQUIRE(c != NULL);
	CHECK_EQ(c[0] & 0xf, VTD_CTX_PRESENT | VTD_CTX_TT_PASS_THROUGH);
	iommu_stop();
	CHECK(!(get(m, VTD_GSTS) & VTD_G_TE));
}

/* The unit states we refuse to take over, each with its reason, and no
 * global command issued. */
TEST(vtd_refusals)
{
	static const struct {
		uint32_t off, set, clear;
		const char *why;
	} cases[] = {
		{ VTD_GSTS, VTD_G_TE, 0, "already has DMA remapping on" },
		{ VTD_GSTS, VTD_G_QIE, 0, "queued invalidation" },
		{ VTD_ECAP, 0, 1u << 6, "pass-through" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pci_bdf dev;
		struct fake_mmio *m;
		char why[160] = "";

		fake_reset();
		dev = machine();
		m = unit_a();
		put(m, cases[i].off, (get(m, cases[i].off) | cases[i].set) & ~cases[i].clear);
		uint32_t gsts = get(m, VTD_GSTS);
		harness_note("case %zu", i);
		CHECK_EQ(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)), RC_ENOTSUP);
		CHECK(strstr(why, cases[i].why) != NULL);
		/* nothing taken over: status and root pointer as found */
		CHECK_EQ(get(m, VTD_GSTS), gsts);
		CHECK_EQ(rd64(m, VTD_RTADDR), FW_RTADDR);
		CHECK_EQ(iommu_mode(dev), IOMMU_OFF);
		CHECK_EQ(fake_dma_outstanding(), 0);
	}
	harness_note("%s", "");
}

TEST(vtd_fault_log)
{
	struct pci_bdf dev = machine();
	struct fake_mmio *m = unit_a();
	struct iommu_fault f;
	char why[128];

	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	CHECK(!iommu_fault_pending(dev));
	CHECK(!iommu_fault_take(dev, &f));
	/* record 2: a read by 01:00.0 of 0x123000, reason 6 */
	uint32_t rec = (uint32_t)VTD_CAP_FRO(rd64(m, VTD_CAP)) + 32;
	put(m, rec, 0x123abc);
	put(m, rec + 8, 0x0100);
	put(m, rec + 12, VTD_FRCD_F | 1u << 30 | 6);
	put(m, VTD_FSTS, VTD_FSTS_PPF | 2u << 8);
	CHECK(iommu_fault_pending(dev));
	REQUIRE(iommu_fault_take(dev, &f));
	CHECK_EQ(f.sid, iommu_sid(dev));
	CHECK(!strcmp(f.reason, "read of a page without read permission"));
	CHECK(f.read);
	CHECK_EQ(f.addr, 0x123000);
	CHECK(!(get(m, rec + 12) & VTD_FRCD_F));
	CHECK(!iommu_fault_pending(dev));
	iommu_stop();
	CHECK(!iommu_fault_pending(dev)); /* off: no log to read */
}

/* What a soak prints per round: DMA buffers and pages held and their peak
 * since the last look, and VT-d table pages likewise. */
TEST(vtd_dma_and_table_usage)
{
	struct pci_bdf dev = machine();
	struct dma_buf *a, *b, *target;
	struct dma_usage u0, u;
	unsigned held, peak;
	char why[128];

	unit_a();
	u0 = dma_usage_take(); /* a new period: whatever is held now */
	REQUIRE(dma_alloc(dev, 4097, &a) == RC_OK); /* 2 pages */
	REQUIRE(dma_alloc(dev, 100, &b) == RC_OK);  /* 1 page */
	REQUIRE(dma_adopt_unbacked(dev, 0xdead0000, 4096, &target) == RC_OK);
	dma_free(a);
	u = dma_usage_take();
	CHECK_EQ(u.buffers, u0.buffers + 1);
	CHECK_EQ(u.pages, u0.pages + 1);
	CHECK_EQ(u.peak_buffers, u0.buffers + 2); /* an unbacked target holds nothing */
	CHECK_EQ(u.peak_pages, u0.pages + 3);
	dma_free(b);
	dma_free(target);
	u = dma_usage_take();
	CHECK_EQ(u.pages, u0.pages);
	CHECK_EQ(u.peak_pages, u0.pages + 1); /* this period began with b held */

	iommu_table_pages_take(&peak);
	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	held = iommu_table_pages_take(&peak);
	CHECK(held >= 3); /* root, a context table, the top page table */
	CHECK_EQ(peak, held);
	REQUIRE(dma_alloc(dev, 4096, &a) == RC_OK); /* mapped: lower levels built */
	iommu_stop();
	CHECK_EQ(iommu_table_pages_take(&peak), 0);
	CHECK(peak > held);
	iommu_table_pages_take(&peak);
	CHECK_EQ(peak, 0);
	dma_free(a);
	u = dma_usage_take();
	CHECK_EQ(u.pages, u0.pages);
	CHECK(u.peak_pages >= u0.pages + VTD_TABLE_PAGES); /* the tables' pool */
}
