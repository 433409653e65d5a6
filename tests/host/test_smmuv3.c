/*
 * test_smmuv3.c - the SMMUv3 unit (src/dma/smmuv3.c) through the common
 * interface against the fake unit (fake_smmuv3.h): IORT parsing, good
 * and malformed; the stream table, context descriptor and stage-1 tables
 * it builds; the firmware's registers put back; a unit in use refused; a
 * hung unit ending bounded; the event queue decoded; the 82576 model's
 * DMA translated and refused.
 */
#include <string.h>

#include "dma/iommu.h"
#include "dma/smmuv3.h"
#include "dma/smmuv3_regs.h"
#include "fake_smmuv3.h"
#include "harness.h"
#include "model_test.h"
#include "wait_bound.h"

#define UNIT	FAKE_SMMUV3_BASE

static struct pci_inventory inv;

static struct pci_bdf machine(void)
{
	return mt_iommu_machine(&inv);
}

static uint32_t rd32(uint32_t off) { return plat_mmio_read32(UNIT + off); }
static uint64_t rd64(uint32_t off) { return plat_mmio_read64(UNIT + off); }

static void le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* IORT: RC (segment seg, one mapping rid_base..+count -> out_base at node
 * target), an ITS group, an SMMUv3 at base. Offsets: RC 48, ITS 104, SMMU 128. */
static uint8_t *iort(uint8_t *t, uint16_t seg, uint32_t rid_base, uint32_t count,
		     uint32_t out_base, bool to_smmu, uint64_t base)
{
	memset(t, 0, 196);
	memcpy(t, "IORT", 4);
	le(t + 4, 196, 4);
	le(t + 36, 3, 4);
	le(t + 40, 48, 4);
	t[48] = IORT_NODE_RC;
	le(t + 49, 56, 2);
	le(t + 56, 1, 4);
	le(t + 60, 36, 4);
	le(t + 48 + IORT_RC_SEGMENT, seg, 4);
	le(t + 84, rid_base, 4);
	le(t + 88, count, 4);
	le(t + 92, out_base, 4);
	le(t + 96, to_smmu ? 128 : 104, 4);
	t[104] = IORT_NODE_ITS;
	le(t + 105, 24, 2);
	t[128] = IORT_NODE_SMMUV3;
	le(t + 129, 68, 2);
	le(t + 128 + IORT_SMMUV3_BASE, base, 8);
	fake_acpi_checksum(t);
	return t;
}

TEST(iort_parse)
{
	uint8_t t[196];
	struct iort_unit u;
	char why[200];
	const struct pci_bdf dev = { 0, 1, 0, 0 }; /* requester id 0x0100 */

	/* an offset mapping: stream id = 0x20000 + (rid - 0x80) */
	CHECK_EQ(iort_find(iort(t, 0, 0x80, 0xff7f, 0x20000, true, UNIT), dev, &u, why,
			   sizeof(why)), RC_OK);
	CHECK_EQ(u.base, UNIT);
	CHECK_EQ(u.sid, 0x20080);
	/* rid outside the mapping, or mapped to the ITS only: no SMMUv3 */
	CHECK_EQ(iort_find(iort(t, 0, 0x200, 0xff, 0, true, UNIT), dev, &u, why, sizeof(why)),
		 RC_ENODEV);
	CHECK(strstr(why, "to no SMMUv3: no IOMMU translates") != NULL);
	CHECK_EQ(iort_find(iort(t, 0, 0, 0xffff, 0, false, UNIT), dev, &u, why, sizeof(why)),
		 RC_ENODEV);
	CHECK_EQ(iort_find(iort(t, 1, 0, 0xffff, 0, true, UNIT), dev, &u, why, sizeof(why)),
		 RC_ENODEV);
	CHECK(strstr(why, "no root complex for PCI segment 0") != NULL);

	/* malformed, each with its reason and no unit */
	static const struct {
		unsigned at, bytes;
		uint64_t val;
		const char *why;
	} bad[] = {
		{ 9, 1, 0x55, "checksum" },
		{ 40, 4, 190, "runs past the table" },        /* first node offset */
		{ 49, 2, 300, "runs past the table" },        /* RC length */
		{ 56, 4, 9, "ID mappings at 36 run past" },   /* mapping count */
		{ 96, 4, 400, "outside the table" },          /* mapping target */
		{ 128 + IORT_SMMUV3_BASE, 8, UNIT + 0x1000, "64 KiB aligned" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		harness_note("case %zu", i);
		iort(t, 0, 0, 0xffff, 0, true, UNIT);
		le(t + bad[i].at, bad[i].val, bad[i].bytes);
		if (bad[i].at != 9)
			fake_acpi_checksum(t);
		u.base = 1;
		CHECK_EQ(iort_find(t, dev, &u, why, sizeof(why)), RC_EINVAL);
		CHECK(strstr(why, bad[i].why) != NULL);
		CHECK_EQ(u.base, 0);
	}
}

/* Walk our stage-1 table: the level-3 entry for va, or 0. */
static uint64_t leaf(const uint64_t *cd, uint64_t va)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)(cd[1] & SMMU_CD1_TTB0);

	for (int level = 0; level < 3; level++) {
		uint64_t e = t[(va >> (39 - 9 * level)) & 511];
		if ((e & 3) != 3)
			return 0;
		t = (const uint64_t *)(uintptr_t)(e & SMMU_PTE_ADDR);
	}
	return t[(va >> 12) & 511];
}

static const uint64_t *ste_of(uint32_t sid)
{
	return (const uint64_t *)(uintptr_t)(rd64(SMMU_STRTAB_BASE) & 0x000fffffffffffc0ull) +
	       8 * sid;
}

/* Two devices at once, each its own STE, CD and ASID: one's buffers are
 * mapped in its table alone; one leaving makes its stream bypass again. */
TEST(smmuv3_two_devices_own_domains)
{
	struct pci_bdf dev = machine(), other = { 0, 0, 0x1f, 0 };
	struct dma_buf *mine, *theirs;
	char why[200] = "";

	fake_smmuv3_add(UNIT);
	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	REQUIRE(iommu_start(IOMMU_STRICT, other, &inv, why, sizeof(why)) == RC_OK);
	REQUIRE(dma_alloc(dev, 4096, &mine) == RC_OK);
	REQUIRE(dma_alloc(other, 4096, &theirs) == RC_OK);
	const uint64_t *ste = ste_of(0x100), *ost = ste_of(0xf8);
	REQUIRE((ste[0] & 0xf) == (SMMU_STE_CFG_S1 | SMMU_STE_V));
	REQUIRE((ost[0] & 0xf) == (SMMU_STE_CFG_S1 | SMMU_STE_V));
	const uint64_t *cd = (const uint64_t *)(uintptr_t)(ste[0] & SMMU_STE_S1CTXPTR);
	const uint64_t *ocd = (const uint64_t *)(uintptr_t)(ost[0] & SMMU_STE_S1CTXPTR);
	CHECK_EQ(cd[0] >> 48, 1);
	CHECK_EQ(ocd[0] >> 48, 2); /* ASIDs */
	CHECK(leaf(cd, mine->bus) & SMMU_PTE_AF);
	CHECK_EQ(leaf(cd, theirs->bus), 0);
	CHECK(leaf(ocd, theirs->bus) & SMMU_PTE_AF);
	CHECK_EQ(leaf(ocd, mine->bus), 0);
	iommu_end(other);
	CHECK_EQ(ost[0], SMMU_STE_CFG_BYPASS | SMMU_STE_V);
	CHECK_EQ(ste[0] & 0xf, SMMU_STE_CFG_S1 | SMMU_STE_V);
	CHECK(rd32(SMMU_CR0) & SMMU_CR0_SMMUEN);
	iommu_end(dev);
	CHECK_EQ(rd32(SMMU_CR0), 0);
	dma_free(mine);
	dma_free(theirs);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(smmuv3_strict_tables_and_restore)
{
	struct pci_bdf dev = machine();
	struct fake_smmuv3 *f = fake_smmuv3_add(UNIT);
	struct dma_buf *before, *after, *hidden;
	char why[200] = "";

	plat_mmio_write64(UNIT + SMMU_STRTAB_BASE, 0x7e000000);
	REQUIRE(dma_alloc(dev, 8192, &before) == RC_OK);
	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	CHECK(strstr(iommu_unit_desc(dev), "Arm SMMUv3 at 0x9050000, id 0x100") != NULL);
	CHECK_EQ(rd32(SMMU_CR0), SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN);
	CHECK_EQ(rd32(SMMU_STRTAB_BASE_CFG), 9); /* stream ids up to 0x100 */
	CHECK(f->cfgi >= 1 && f->tlbi >= 1 && f->syncs >= 1);
	uint64_t tab = rd64(SMMU_STRTAB_BASE) & 0x000fffffffffffc0ull;
	CHECK_EQ(tab % (64u << 9), 0); /* aligned to its size */
	/* ours: stage 1 through one CD; the rest bypass */
	const uint64_t *ste = ste_of(0x100), *other = ste_of(0xf8);
	CHECK_EQ(ste[0] & 0xf, SMMU_STE_CFG_S1 | SMMU_STE_V);
	CHECK_EQ(other[0], SMMU_STE_CFG_BYPASS | SMMU_STE_V);
	CHECK_EQ(other[1], SMMU_STE1_SHCFG_INCOMING);
	const uint64_t *cd = (const uint64_t *)(uintptr_t)(ste[0] & SMMU_STE_S1CTXPTR);
	CHECK(cd[0] & SMMU_CD0_V && cd[0] & SMMU_CD0_R && cd[0] & SMMU_CD0_A);
	CHECK_EQ(cd[0] >> 48, 1); /* ASID */
	CHECK_EQ(cd[0] & 0x3f, 16);
	REQUIRE(dma_alloc(dev, 4096, &after) == RC_OK);
	REQUIRE(dma_alloc_flags(dev, 4096, DMA_UNMAPPED, &hidden) == RC_OK);
	CHECK_EQ(leaf(cd, before->bus + 4096) & SMMU_PTE_ADDR, before->bus + 4096);
	CHECK(leaf(cd, after->bus) & SMMU_PTE_AF);
	CHECK_EQ(leaf(cd, hidden->bus), 0);
	unsigned syncs = f->syncs;
	uint64_t gone = after->bus;
	dma_free(after);
	CHECK_EQ(leaf(cd, gone), 0);
	CHECK(f->syncs > syncs);
	uint64_t out;
	CHECK(fake_dma_translate(0x00f8, 0x4321000, 4, true, &out)); /* someone else */
	CHECK_EQ(out, 0x4321000);

	iommu_stop();
	CHECK_EQ(rd32(SMMU_CR0), 0);
	CHECK_EQ(rd64(SMMU_STRTAB_BASE), 0x7e000000);
	dma_free(before);
	dma_free(hidden);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(smmuv3_passthrough_ste)
{
	struct pci_bdf dev = machine();
	char why[200];

	fake_smmuv3_add(UNIT);
	REQUIRE(iommu_start(IOMMU_PASSTHROUGH, dev, &inv, why, sizeof(why)) == RC_OK);
	CHECK_EQ(ste_of(0x100)[0], SMMU_STE_CFG_BYPASS | SMMU_STE_V);
	iommu_stop();
	CHECK_EQ(rd32(SMMU_CR0), 0);
}

TEST(smmuv3_refuses_unit_in_use)
{
	struct pci_bdf dev = machine();
	char why[200] = "";

	fake_smmuv3_add(UNIT);
	plat_mmio_write32(UNIT + SMMU_CR0, SMMU_CR0_SMMUEN);
	CHECK_EQ(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)), RC_ENOTSUP);
	CHECK(strstr(why, "firmware already uses this SMMUv3") != NULL);
	CHECK_EQ(rd32(SMMU_CR0), SMMU_CR0_SMMUEN);
	CHECK_EQ(rd64(SMMU_STRTAB_BASE), 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(smmuv3_hung_unit_is_bounded)
{
	struct pci_bdf dev = machine();
	char why[200] = "";

	fake_smmuv3_add(UNIT)->stall = true;
	uint64_t t0 = plat_now_us();
	CHECK_EQ(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)), RC_ETIMEDOUT);
	uint64_t took = plat_now_us() - t0;
	uint64_t bound = wait_bound_us(1000000); /* one 1 s wait, then given up */
	CHECK(took >= bound && took < bound + bound / 10);
	CHECK(strstr(why, "did not acknowledge CR0") != NULL);
	CHECK_EQ(rd32(SMMU_CR0), 0); /* everything off again */
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(smmuv3_event_queue_decoded)
{
	struct pci_bdf dev = machine();
	struct fake_smmuv3 *fu = fake_smmuv3_add(UNIT);
	struct iommu_fault f;
	char why[200];

	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	CHECK(!iommu_fault_pending(dev));
	uint64_t *q = (uint64_t *)(uintptr_t)(rd64(SMMU_EVTQ_BASE) & 0x000fffffffffffe0ull);
	static const struct {
		unsigned id;
		uint32_t sid;
		bool read;
		const char *reason;
	} ev[] = {
		{ SMMU_EVT_F_TRANSLATION, 0x100, true, "F_TRANSLATION" },
		{ SMMU_EVT_F_TRANSLATION, 0x100, false, "F_TRANSLATION" },
		{ SMMU_EVT_F_PERMISSION, 0x100, false, "F_PERMISSION" },
		{ SMMU_EVT_C_BAD_STE, 0x0f8, true, "C_BAD_STE" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ev); i++) {
		q[4 * i] = ev[i].id | (uint64_t)ev[i].sid << 32;
		q[4 * i + 1] = ev[i].read ? SMMU_EVT1_RNW : 0;
		q[4 * i + 2] = 0x5000000 + 0x1000 * i + 0x24;
	}
	fu->m->regs[SMMU_EVTQ_PROD / 4] = (uint32_t)ARRAY_SIZE(ev); /* the unit's */
	/* The last event is another stream's: never taken for ours. */
	for (size_t i = 0; i < ARRAY_SIZE(ev) - 1; i++) {
		harness_note("event %zu", i);
		CHECK(iommu_fault_pending(dev));
		REQUIRE(iommu_fault_take(dev, &f));
		CHECK_EQ(f.sid, ev[i].sid);
		CHECK_EQ(f.read, ev[i].read);
		CHECK_EQ(f.addr, 0x5000000 + 0x1000 * i);
		CHECK(strstr(f.reason, ev[i].reason) != NULL);
	}
	CHECK(!iommu_fault_pending(dev));
	CHECK(!iommu_fault_take(dev, &f));
	CHECK_EQ(rd32(SMMU_EVTQ_CONS), ARRAY_SIZE(ev)); /* off the queue, kept for it */
	iommu_stop();
}

static struct mt m;

static void strict_fault(enum model_personality pers)
{
	struct fake_smmuv3 *u = fake_smmuv3_add(UNIT);

	mt_strict_fault(&m, pers, &u->translated, &u->faults, "F_TRANSLATION");
}

TEST(model_smmuv3_strict_fault_qemu)
{
	strict_fault(MODEL_QEMU);
}

TEST(model_smmuv3_strict_fault_silicon)
{
	strict_fault(MODEL_SILICON);
}
