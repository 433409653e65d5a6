/*
 * test_model_vtd.c - the 82576 model behind the fake VT-d unit, driven by
 * the real VT-d code (src/dma/iommu) in strict mode: mapped buffers are
 * reached through the unit's page tables, an unmapped page faults with the
 * requester, page and direction recorded; QEMU then goes on with zeros,
 * silicon's descriptor engine wedges until FLR. Also the fake unit's
 * translation rules themselves.
 */
#include <string.h>

#include "dma/iommu.h"
#include "dma/vtd_regs.h"
#include "fake_vtd.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "model_test.h"

static struct mt m;

static uint64_t bus(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The machine with a VT-d unit, strict translation for our 82576, the
 * driver up through it. */
static struct fake_vtd *strict_up(enum model_personality pers)
{
	struct fake_vtd *u = fake_vtd_add(FAKE_VTD_BASE);
	char why[160];

	mt_open(&m, pers);
	if (iommu_start(IOMMU_STRICT, m.d.bdf, mt_inventory(), why, sizeof(why)))
		harness_fatal(__FILE__, __LINE__, "iommu_start: %s", why);
	mt_up(&m);
	return u;
}

static void strict_fault(enum model_personality pers)
{
	struct fake_vtd *u = strict_up(pers);
	struct dma_buf *page;
	struct vtd_fault f;
	unsigned idx;

	/* Buffers allocated before translation was on are not mapped: the
	 * copy goes through buffers mapped now. */
	REQUIRE(dma_alloc(m.d.bdf, 8192, &page) == RC_OK);
	memset(page->cpu, 0x5a, 4096);
	uint8_t *src = page->cpu, *dst = (uint8_t *)page->cpu + 4096;
	REQUIRE(igb_ops.memcpy_start(&m.drv, src, dst, 1500, 1) == RC_OK);
	CHECK_EQ(igb_ops.memcpy_wait(&m.drv), RC_OK);
	CHECK(!memcmp(src, dst, 1500));
	CHECK(u->translated > 0);
	CHECK_EQ(u->faults, 0);
	CHECK(!iommu_fault_pending());
	dma_free(page);
	/* A page of ours the unit was never told about. */
	REQUIRE(dma_alloc_flags(m.d.bdf, 4096, DMA_UNMAPPED, &page) == RC_OK);
	idx = mt_post(&m, page->bus, 256 | IGB_ADVTXD_DTYP_DATA | IGB_ADVTXD_DCMD_DEXT |
				  IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS,
		      256u << IGB_ADVTXD_PAYLEN_SHIFT, bus(m.drv.pad->cpu));
	mt_wait_us(20000);
	CHECK(iommu_fault_pending());
	REQUIRE(iommu_fault_take(&f));
	CHECK_EQ(f.sid, iommu_sid(m.d.bdf));
	CHECK(f.read);
	CHECK_EQ(f.addr, page->bus);
	CHECK_EQ(f.reason, 0x6); /* read without read permission */
	CHECK_EQ(m.g->iommu_faults, 1);
	CHECK_EQ(model_violations(m.g), 0); /* refused, not outside our memory */
	/* QEMU reads zeros and carries on; silicon's engine wedges */
	CHECK_EQ(m.g->wedged, pers == MODEL_SILICON);
	CHECK_EQ(mt_rx_done(&m, idx, 0), pers == MODEL_QEMU);
	igb_ops.remove(&m.drv);
	iommu_stop();
}

TEST(model_vtd_strict_fault_qemu)
{
	strict_fault(MODEL_QEMU);
}

TEST(model_vtd_strict_fault_silicon)
{
	strict_fault(MODEL_SILICON);
}

/* MSI-X messages are DMA writes: translated, so the slot page must be
 * mapped; the driver's is. */
TEST(model_vtd_msi_translated)
{
	struct fake_vtd *u = strict_up(MODEL_SILICON);
	uint32_t data;
	unsigned before;

	REQUIRE(m.drv.irq.on);
	before = u->translated;
	igb_irq_retag(&m.drv, 0x99);
	CHECK_EQ(igb_ops.send_msi(&m.drv, 1), RC_OK);
	CHECK_EQ(igb_msg_wait(&m.drv, 1, &data), RC_OK);
	CHECK(u->translated > before);
	CHECK_EQ(u->faults, 0);
	igb_ops.remove(&m.drv);
	iommu_stop();
}

/* Translation off: addresses pass untouched; a context that is not
 * present faults with its reason; records fill and overflow. */
TEST(model_vtd_unit_rules)
{
	struct fake_vtd *u = fake_vtd_add(FAKE_VTD_BASE);
	uint64_t out;
	uint64_t *root, *ctx;
	struct dma_buf *tables;

	CHECK(fake_dma_translate(0x100, 0x1234, 4, false, &out));
	CHECK_EQ(out, 0x1234);
	mt_open(&m, MODEL_QEMU);
	REQUIRE(dma_alloc(m.d.bdf, 2 * 4096, &tables) == RC_OK);
	root = tables->cpu;
	ctx = (uint64_t *)((uint8_t *)tables->cpu + 4096);
	root[2 * 1] = (tables->bus + 4096) | VTD_ROOT_PRESENT; /* bus 1 */
	plat_mmio_write64(FAKE_VTD_BASE + VTD_RTADDR, tables->bus);
	plat_mmio_write32(FAKE_VTD_BASE + VTD_GCMD, VTD_G_SRTP);
	plat_mmio_write32(FAKE_VTD_BASE + VTD_GCMD, VTD_G_TE);
	CHECK(!fake_dma_translate(0x0100, 0x5000, 4, true, &out)); /* no context */
	CHECK(!fake_dma_translate(0x0200, 0x6000, 4, false, &out)); /* no root */
	ctx[0] = VTD_CTX_PRESENT | VTD_CTX_TT_PASS_THROUGH; /* 01:00.0 passes */
	CHECK(fake_dma_translate(0x0100, 0x7000, 4, true, &out));
	CHECK_EQ(out, 0x7000);
	CHECK_EQ(plat_mmio_read32(FAKE_VTD_BASE + VTD_FSTS) & VTD_FSTS_PPF, VTD_FSTS_PPF);
	uint32_t r0 = 0x220; /* first record: context not present, a write */
	CHECK_EQ(plat_mmio_read32(FAKE_VTD_BASE + r0 + 8), 0x0100);
	CHECK_EQ(plat_mmio_read32(FAKE_VTD_BASE + r0 + 12), 0x2 | VTD_FRCD_F);
	CHECK_EQ(plat_mmio_read32(FAKE_VTD_BASE + r0 + 16 + 12), 0x1 | 1u << 30 | VTD_FRCD_F);
	for (unsigned i = 0; i < FAKE_VTD_NFR; i++)
		fake_dma_translate(0x0300, 0x8000, 4, false, &out);
	CHECK_EQ(u->overflows, 2);
	CHECK(plat_mmio_read32(FAKE_VTD_BASE + VTD_FSTS) & VTD_FSTS_PFO);
	/* clearing every record clears PPF */
	for (unsigned i = 0; i < FAKE_VTD_NFR; i++)
		plat_mmio_write32(FAKE_VTD_BASE + r0 + 16 * i + 12, VTD_FRCD_F);
	CHECK_EQ(plat_mmio_read32(FAKE_VTD_BASE + VTD_FSTS) & VTD_FSTS_PPF, 0);
}
