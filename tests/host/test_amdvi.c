/*
 * test_amdvi.c - the AMD-Vi unit (src/dma/amdvi.c) through the common
 * interface (src/dma/iommu.c) against the fake unit (fake_amdvi.h): IVRS
 * parsing, good and malformed; the device table and page tables it
 * builds; the firmware's registers put back; a unit in use refused; a
 * hung command buffer ending bounded; the event log decoded; the 82576
 * model's DMA translated and refused.
 */
#include <string.h>

#include "dma/amdvi.h"
#include "dma/amdvi_regs.h"
#include "dma/iommu.h"
#include "fake_amdvi.h"
#include "fake_devices.h"
#include "fake_platform.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "model_test.h"
#include "pci/pci_regs.h"
#include "wait_bound.h"

#define UNIT	FAKE_AMDVI_BASE
#define FW_DEVTAB 0x7e000000ull	/* what the "firmware" left in the bases */

static struct pci_inventory inv;

static struct pci_bdf machine(void)
{
	return mt_iommu_machine(&inv);
}

static uint64_t rd64(uint32_t off) { return plat_mmio_read64(UNIT + off); }

/* ---- IVRS tables -------------------------------------------------------- */

struct ivrs_b {
	uint8_t b[512];
	unsigned n, ivhd;
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static void ivrs_begin(struct ivrs_b *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "IVRS", 4);
	t->n = IVRS_HEADER_LEN;
}

static void ivhd(struct ivrs_b *t, uint8_t type, uint64_t base, uint16_t seg)
{
	uint8_t *h = t->b + t->n;

	t->ivhd = t->n;
	h[0] = type;
	for (unsigned i = 0; i < 8; i++)
		h[8 + i] = (uint8_t)(base >> (8 * i));
	put16(h + 16, seg);
	t->n += type == IVHD_TYPE_10 ? IVHD_LEN_10 : IVHD_LEN_11;
	put16(h + 2, (uint16_t)(t->n - t->ivhd));
}

/* A device entry of len bytes: type, device id, then extra bytes. */
static void entry(struct ivrs_b *t, uint8_t type, uint16_t id, unsigned len, uint16_t alias)
{
	uint8_t *e = t->b + t->n;

	e[0] = type;
	put16(e + 1, id);
	if (len == 8)
		put16(e + 5, alias);
	t->n += len;
	put16(t->b + t->ivhd + 2, (uint16_t)(t->n - t->ivhd));
}

static const uint8_t *ivrs_end(struct ivrs_b *t)
{
	put16(t->b + 4, (uint16_t)t->n);
	fake_acpi_checksum(t->b);
	return t->b;
}

TEST(ivrs_parse)
{
	struct ivrs_b t;
	struct ivrs_unit u;
	char why[200];
	const struct pci_bdf dev = { 0, 1, 0, 0 }; /* device id 0x0100 */

	/* select entry, in the second of two IVHDs (0x10 and 0x11) */
	ivrs_begin(&t);
	ivhd(&t, IVHD_TYPE_10, 0xfeb00000, 0);
	entry(&t, IVHD_DEV_SELECT, 0x0008, 4, 0);
	ivhd(&t, IVHD_TYPE_11, 0xfeb80000, 0);
	entry(&t, IVHD_DEV_SPECIAL, 0, 8, 0);
	entry(&t, IVHD_DEV_SELECT, 0x0100, 4, 0);
	CHECK_EQ(ivrs_find(ivrs_end(&t), dev, &u, why, sizeof(why)), RC_OK);
	CHECK_EQ(u.base, 0xfeb80000);
	CHECK_EQ(u.devid, 0x0100);
	CHECK_EQ(u.ivhd_type, IVHD_TYPE_11);

	/* a range, and an alias range that renames the device */
	ivrs_begin(&t);
	ivhd(&t, IVHD_TYPE_40, 0xfeb80000, 0);
	entry(&t, IVHD_DEV_ALIAS_RANGE, 0x00f0, 8, 0x00e8);
	entry(&t, IVHD_DEV_RANGE_END, 0x01ff, 4, 0);
	CHECK_EQ(ivrs_find(ivrs_end(&t), dev, &u, why, sizeof(why)), RC_OK);
	CHECK_EQ(u.rid, 0x0100);
	CHECK_EQ(u.devid, 0x00e8);

	/* other segment only: no unit, with the device named */
	ivrs_begin(&t);
	ivhd(&t, IVHD_TYPE_10, 0xfeb80000, 1);
	entry(&t, IVHD_DEV_ALL, 0, 4, 0);
	CHECK_EQ(ivrs_find(ivrs_end(&t), dev, &u, why, sizeof(why)), RC_ENODEV);
	CHECK(strstr(why, "no AMD-Vi unit for 0000:01:00.0") != NULL);

	/* malformed: each with its reason, never a unit */
	static const struct {
		const char *what, *why;
	} bad[] = {
		{ "checksum", "checksum" },
		{ "length", "length" },
		{ "ivhd past end", "past the table" },
		{ "unknown entry", "unknown or runs past" },
		{ "end without start", "has no start" },
		{ "unaligned base", "16 KiB aligned" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		harness_note("%s", bad[i].what);
		ivrs_begin(&t);
		ivhd(&t, IVHD_TYPE_10, i == 5 ? 0xfeb80100 : 0xfeb80000, 0);
		if (i == 3)
			entry(&t, 0x99, 0x0100, 4, 0);
		else if (i == 4)
			entry(&t, IVHD_DEV_RANGE_END, 0x0100, 4, 0);
		else
			entry(&t, IVHD_DEV_ALL, 0, 4, 0);
		if (i == 2)
			put16(t.b + t.ivhd + 2, 200);
		ivrs_end(&t);
		if (i == 0)
			t.b[9] ^= 1;
		if (i == 1) {
			put16(t.b + 4, 20);
			fake_acpi_checksum(t.b);
		}
		u.base = 1;
		CHECK_EQ(ivrs_find(t.b, dev, &u, why, sizeof(why)), RC_EINVAL);
		CHECK(strstr(why, bad[i].why) != NULL);
		CHECK_EQ(u.base, 0);
	}
}

/* ---- the unit ----------------------------------------------------------- */

static struct fake_amdvi *unit(void)
{
	struct fake_amdvi *u = fake_amdvi_add(UNIT);

	plat_mmio_write64(UNIT + AMDVI_DEV_TABLE, FW_DEVTAB | 0x1ff);
	return u;
}

static const uint64_t *dte_of(uint16_t devid)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)(rd64(AMDVI_DEV_TABLE) & AMDVI_DTE_ROOT_MASK);

	return t + devid * 4;
}

/* Walk our 4-level table: the leaf for addr, or 0. */
static uint64_t leaf(const uint64_t *dte, uint64_t addr)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)(dte[0] & AMDVI_DTE_ROOT_MASK);

	for (int level = 4; level > 1; level--) {
		uint64_t e = t[(addr >> (12 + 9 * (level - 1))) & 511];
		if (!(e & AMDVI_PTE_PR))
			return 0;
		t = (const uint64_t *)(uintptr_t)(e & AMDVI_PTE_ADDR);
	}
	return t[(addr >> 12) & 511];
}

TEST(amdvi_strict_tables_and_restore)
{
	struct pci_bdf dev = machine();
	struct fake_amdvi *f = unit();
	struct dma_buf *before, *after, *hidden;
	char why[160] = "";
	const uint64_t rw = AMDVI_PTE_IR | AMDVI_PTE_IW | AMDVI_PTE_PR;

	REQUIRE(dma_alloc(dev, 8192, &before) == RC_OK);
	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	CHECK(strstr(iommu_unit_desc(dev), "AMD-Vi at 0xfeb80000, id 0x100") != NULL);
	CHECK_EQ(rd64(AMDVI_CONTROL) & (AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN |
					AMDVI_CTRL_EVT_LOG_EN | AMDVI_CTRL_EVT_INT_EN),
		 AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVT_LOG_EN);
	CHECK_EQ(rd64(AMDVI_DEV_TABLE) & 0x1ff, 0x1ff); /* every device id */
	CHECK(f->inv_dte >= 1 && f->inv_pages >= 1 && f->completion_waits >= 1);
	/* ours: valid, translated, 4 levels, domain 1; someone else: all zero */
	const uint64_t *d = dte_of(0x0100);
	CHECK_EQ(d[0] & ~AMDVI_DTE_ROOT_MASK, AMDVI_DTE_V | AMDVI_DTE_TV | AMDVI_DTE_IR |
					      AMDVI_DTE_IW | 4ull << AMDVI_DTE_MODE_SHIFT);
	CHECK_EQ(d[1], 1);
	const uint64_t *o = dte_of(0x00f8);
	CHECK_EQ(o[0] | o[1] | o[2] | o[3], 0);
	/* held before and made after: mapped identity R/W; unmapped: not;
	 * freeing unmaps (with an invalidation each time) */
	REQUIRE(dma_alloc(dev, 4096, &after) == RC_OK);
	REQUIRE(dma_alloc_flags(dev, 4096, DMA_UNMAPPED, &hidden) == RC_OK);
	CHECK_EQ(leaf(d, before->bus + 4096), (before->bus + 4096) | rw);
	CHECK_EQ(leaf(d, after->bus), after->bus | rw);
	CHECK_EQ(leaf(d, hidden->bus) & AMDVI_PTE_PR, 0);
	unsigned waits = f->completion_waits;
	uint64_t gone = after->bus;
	dma_free(after);
	CHECK_EQ(leaf(d, gone) & AMDVI_PTE_PR, 0);
	CHECK(f->completion_waits > waits);

	iommu_stop();
	CHECK_EQ(iommu_mode(dev), IOMMU_OFF);
	CHECK_EQ(rd64(AMDVI_CONTROL), 0);
	CHECK_EQ(rd64(AMDVI_DEV_TABLE), FW_DEVTAB | 0x1ff);
	dma_free(before);
	dma_free(hidden);
	CHECK_EQ(fake_dma_outstanding(), 0); /* tables and logs too */
}

/* Two devices at once, each its own DTE and domain: one's buffers are
 * mapped in its table alone; one leaving clears its DTE only. */
TEST(amdvi_two_devices_own_domains)
{
	struct pci_bdf dev = machine(), other = { 0, 0, 0x1f, 0 };
	struct dma_buf *mine, *theirs;
	char why[160] = "";

	unit();
	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	REQUIRE(iommu_start(IOMMU_STRICT, other, &inv, why, sizeof(why)) == RC_OK);
	REQUIRE(dma_alloc(dev, 4096, &mine) == RC_OK);
	REQUIRE(dma_alloc(other, 4096, &theirs) == RC_OK);
	const uint64_t *d = dte_of(0x0100), *o = dte_of(0x00f8);
	CHECK_EQ(d[1], 1);
	CHECK_EQ(o[1], 2);
	CHECK(o[0] & AMDVI_DTE_V);
	CHECK((d[0] & AMDVI_DTE_ROOT_MASK) != (o[0] & AMDVI_DTE_ROOT_MASK));
	CHECK(leaf(d, mine->bus) & AMDVI_PTE_PR);
	CHECK_EQ(leaf(d, theirs->bus) & AMDVI_PTE_PR, 0);
	CHECK(leaf(o, theirs->bus) & AMDVI_PTE_PR);
	CHECK_EQ(leaf(o, mine->bus) & AMDVI_PTE_PR, 0);
	iommu_end(dev);
	CHECK_EQ(d[0] | d[1], 0); /* untranslated again */
	CHECK(o[0] & AMDVI_DTE_V);
	CHECK(rd64(AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN);
	iommu_end(other);
	CHECK_EQ(rd64(AMDVI_CONTROL), 0);
	dma_free(mine);
	dma_free(theirs);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

TEST(amdvi_passthrough_dte)
{
	struct pci_bdf dev = machine();
	char why[160];

	unit();
	REQUIRE(iommu_start(IOMMU_PASSTHROUGH, dev, &inv, why, sizeof(why)) == RC_OK);
	const uint64_t *d = dte_of(0x0100);
	CHECK_EQ(d[0], AMDVI_DTE_V | AMDVI_DTE_TV | AMDVI_DTE_IR | AMDVI_DTE_IW); /* mode 0 */
	uint64_t out;
	CHECK(fake_dma_translate(0x0100, 0x12345678, 4, true, &out));
	CHECK_EQ(out, 0x12345678);
	iommu_stop();
	CHECK_EQ(rd64(AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN, 0);
}

TEST(amdvi_refuses_unit_in_use)
{
	struct pci_bdf dev = machine();
	char why[160] = "";

	unit();
	plat_mmio_write64(UNIT + AMDVI_CONTROL, AMDVI_CTRL_IOMMU_EN);
	CHECK_EQ(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)), RC_ENOTSUP);
	CHECK(strstr(why, "firmware already uses this AMD-Vi unit") != NULL);
	CHECK_EQ(rd64(AMDVI_DEV_TABLE), FW_DEVTAB | 0x1ff); /* nothing written */
	CHECK_EQ(rd64(AMDVI_CONTROL), AMDVI_CTRL_IOMMU_EN);
	CHECK_EQ(iommu_mode(dev), IOMMU_OFF);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

/* A unit that never runs its commands: start ends within the bound,
 * says so, and leaves the unit as the firmware had it. */
TEST(amdvi_hung_command_buffer_is_bounded)
{
	struct pci_bdf dev = machine();
	char why[160] = "";

	unit()->stall = true;
	uint64_t t0 = plat_now_us();
	CHECK_EQ(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)), RC_ETIMEDOUT);
	uint64_t took = plat_now_us() - t0;
	uint64_t bound = wait_bound_us(2000000); /* Linux's 2 s, scaled */
	CHECK(took >= bound && took < bound + bound / 10);
	CHECK(strstr(why, "COMPLETION_WAIT did not complete") != NULL);
	CHECK_EQ(rd64(AMDVI_CONTROL), 0);
	CHECK_EQ(rd64(AMDVI_DEV_TABLE), FW_DEVTAB | 0x1ff);
	CHECK_EQ(fake_dma_outstanding(), 0);
}

/* Events as silicon writes them and as QEMU 10.0 does (access in flags
 * bits 1:0), another requester's, and an event that is not a page fault. */
TEST(amdvi_event_log_decoded)
{
	struct pci_bdf dev = machine();
	struct fake_amdvi *fa = unit();
	struct iommu_fault f;
	char why[160];

	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	CHECK(!iommu_fault_pending(dev));
	uint64_t *log = (uint64_t *)(uintptr_t)(rd64(AMDVI_EVT_LOG) & AMDVI_DTE_ROOT_MASK);
	static const struct {
		uint16_t devid;
		unsigned code, flags;
		bool read;
		const char *reason;
	} ev[] = {
		{ 0x0100, AMDVI_EVT_IO_PAGE_FAULT, AMDVI_FLAG_RW, false, "page not present" },
		{ 0x0100, AMDVI_EVT_IO_PAGE_FAULT, 0, true, "page not present" },
		{ 0x0100, AMDVI_EVT_IO_PAGE_FAULT, 2 | 8, false, "page not present" }, /* QEMU write */
		{ 0x0100, AMDVI_EVT_IO_PAGE_FAULT, 1 | 8, true, "page not present" },  /* QEMU read */
		{ 0x0100, AMDVI_EVT_IO_PAGE_FAULT, AMDVI_FLAG_PR | AMDVI_FLAG_PE, true, "permission" },
		{ 0x00f8, AMDVI_EVT_ILLEGAL_DTE, 0, true, "ILLEGAL_DEV_TABLE_ENTRY" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ev); i++) {
		log[2 * i] = ev[i].devid | (uint64_t)(ev[i].code << 28 | ev[i].flags << 16) << 32;
		log[2 * i + 1] = 0xabc000 + 0x1000 * i + 0x10;
	}
	fa->m->regs[AMDVI_EVT_TAIL / 4] = (uint32_t)(16 * ARRAY_SIZE(ev)); /* the unit's */
	/* The last event is another device's: never taken for ours. */
	for (size_t i = 0; i < ARRAY_SIZE(ev) - 1; i++) {
		harness_note("event %zu", i);
		CHECK(iommu_fault_pending(dev));
		REQUIRE(iommu_fault_take(dev, &f));
		CHECK_EQ(f.sid, ev[i].devid);
		CHECK_EQ(f.read, ev[i].read);
		CHECK_EQ(f.addr, 0xabc000 + 0x1000 * i);
		CHECK(strstr(f.reason, ev[i].reason) != NULL);
		CHECK_EQ(log[2 * i], 0); /* zeroed behind us */
	}
	CHECK(!iommu_fault_pending(dev));
	CHECK_EQ(log[2 * (ARRAY_SIZE(ev) - 1)], 0); /* off the log, kept for its device */
	CHECK(!iommu_fault_take(dev, &f));
	CHECK_EQ(rd64(AMDVI_EVT_HEAD), 16 * ARRAY_SIZE(ev));
	iommu_stop();
	CHECK(!iommu_fault_pending(dev));
}

/* A full log loses the next event and stops the log (EventLogRun clear);
 * after we drain it, the next fault must be logged again: the unit stays
 * stopped unless we restart it, not merely clear EventOverflow. */
TEST(amdvi_event_log_restarts_after_overflow)
{
	struct pci_bdf dev = machine();
	struct fake_amdvi *fa = unit();
	struct dma_buf *hidden;
	struct iommu_fault f;
	uint64_t out;
	char why[160];
	unsigned taken = 0;

	REQUIRE(iommu_start(IOMMU_STRICT, dev, &inv, why, sizeof(why)) == RC_OK);
	REQUIRE(dma_alloc_flags(dev, 4096, DMA_UNMAPPED, &hidden) == RC_OK);
	CHECK(rd64(AMDVI_STATUS) & AMDVI_STATUS_EVT_RUN);
	for (unsigned i = 0; i < AMDVI_LOG_ENTRIES; i++) /* one more than it holds */
		CHECK(!fake_dma_translate(0x0100, hidden->bus, 64, true, &out));
	CHECK_EQ(fa->overflows, 1);
	CHECK(rd64(AMDVI_STATUS) & AMDVI_STATUS_EVT_OVERFLOW);
	CHECK(!(rd64(AMDVI_STATUS) & AMDVI_STATUS_EVT_RUN));
	while (iommu_fault_take(dev, &f))
		taken++;
	CHECK(taken >= 1); /* the newest the store holds; the log is empty */
	CHECK_EQ(rd64(AMDVI_EVT_HEAD), rd64(AMDVI_EVT_TAIL));
	CHECK(!(rd64(AMDVI_STATUS) & AMDVI_STATUS_EVT_OVERFLOW));
	CHECK(rd64(AMDVI_STATUS) & AMDVI_STATUS_EVT_RUN);
	CHECK(!fake_dma_translate(0x0100, hidden->bus, 64, false, &out));
	CHECK(iommu_fault_pending(dev));
	REQUIRE(iommu_fault_take(dev, &f));
	CHECK(f.read);
	CHECK_EQ(f.addr, hidden->bus);
	CHECK_EQ(fa->overflows, 1);
	dma_free(hidden);
	iommu_stop();
}

/* ---- the 82576 model behind the unit ---------------------------------- */

static struct mt m;

static void strict_fault(enum model_personality pers)
{
	struct fake_amdvi *u = fake_amdvi_add(UNIT);

	mt_strict_fault(&m, pers, &u->translated, &u->faults, "IO_PAGE_FAULT");
}

TEST(model_amdvi_strict_fault_qemu)
{
	strict_fault(MODEL_QEMU);
}

TEST(model_amdvi_strict_fault_silicon)
{
	strict_fault(MODEL_SILICON);
}
