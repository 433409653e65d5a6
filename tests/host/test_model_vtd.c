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
	struct fake_vtd *u = fake_vtd_add(FAKE_VTD_BASE);

	mt_strict_fault(&m, pers, &u->translated, &u->faults,
			"read of a page without read permission");
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
