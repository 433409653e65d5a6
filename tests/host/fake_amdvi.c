/* fake_amdvi.c - an AMD-Vi IOMMU with real translation (see fake_amdvi.h). */
#include "fake_amdvi.h"

#include <stdlib.h>
#include <string.h>

#include "dma/amdvi_regs.h"
#include "harness.h"

static uint64_t get64(const struct fake_amdvi *u, uint32_t off)
{
	return u->m->regs[off / 4] | (uint64_t)u->m->regs[off / 4 + 1] << 32;
}

static void put64(struct fake_amdvi *u, uint32_t off, uint64_t v)
{
	u->m->regs[off / 4] = (uint32_t)v;
	u->m->regs[off / 4 + 1] = (uint32_t)(v >> 32);
}

static bool on(const struct fake_amdvi *u, uint64_t bit)
{
	return get64(u, AMDVI_CONTROL) & bit;
}

static uint32_t ring_bytes(uint64_t base_reg, unsigned entry)
{
	return (1u << ((base_reg >> AMDVI_LEN_SHIFT) & 0xf)) * entry;
}

/* Append one event (2.5) unless the log is off or full (then overflow). */
static void log_event(struct fake_amdvi *u, uint16_t devid, unsigned code, unsigned flags,
		      uint64_t addr)
{
	uint64_t base = get64(u, AMDVI_EVT_LOG);
	uint32_t size = ring_bytes(base, AMDVI_EVT_BYTES);
	uint32_t tail = (uint32_t)get64(u, AMDVI_EVT_TAIL) & AMDVI_PTR_MASK;
	uint32_t head = (uint32_t)get64(u, AMDVI_EVT_HEAD) & AMDVI_PTR_MASK;
	uint64_t *e;

	if (!(get64(u, AMDVI_STATUS) & AMDVI_STATUS_EVT_RUN)) {
		u->overflows += on(u, AMDVI_CTRL_EVT_LOG_EN); /* stopped by an overflow */
		return;
	}
	if ((tail + AMDVI_EVT_BYTES) % size == head) {
		/* Full: the event is lost and logging stops until restarted. */
		put64(u, AMDVI_STATUS, (get64(u, AMDVI_STATUS) | AMDVI_STATUS_EVT_OVERFLOW) &
				       ~(uint64_t)AMDVI_STATUS_EVT_RUN);
		u->overflows++;
		return;
	}
	e = fake_dma_ptr((base & AMDVI_DTE_ROOT_MASK) + tail, AMDVI_EVT_BYTES);
	if (!e)
		harness_fatal(__FILE__, __LINE__, "fake_amdvi: event log outside DMA memory");
	e[0] = devid | (uint64_t)(code << 28 | (flags & 0xfff) << 16) << 32;
	e[1] = addr;
	put64(u, AMDVI_EVT_TAIL, (tail + AMDVI_EVT_BYTES) % size);
}

static void run_commands(struct fake_amdvi *u)
{
	uint64_t base = get64(u, AMDVI_CMD_BUF);
	uint32_t size = ring_bytes(base, AMDVI_CMD_BYTES);
	uint32_t head = (uint32_t)get64(u, AMDVI_CMD_HEAD) & AMDVI_PTR_MASK;
	uint32_t tail = (uint32_t)get64(u, AMDVI_CMD_TAIL) & AMDVI_PTR_MASK;

	if (u->stall || !on(u, AMDVI_CTRL_IOMMU_EN) || !on(u, AMDVI_CTRL_CMDBUF_EN))
		return;
	while (head != tail) {
		const uint64_t *c = fake_dma_ptr((base & AMDVI_DTE_ROOT_MASK) + head, 16);
		if (!c)
			harness_fatal(__FILE__, __LINE__, "fake_amdvi: command outside DMA memory");
		switch (c[0] >> AMDVI_OPCODE_SHIFT) {
		case AMDVI_CMD_COMPLETION_WAIT: {
			uint64_t *sem = fake_dma_ptr(c[0] & 0x000ffffffffffff8ull, 8);
			if ((c[0] & AMDVI_CW_STORE) && sem)
				*sem = c[1];
			u->completion_waits++;
			break;
		}
		case AMDVI_CMD_INV_DEVTAB_ENTRY:
			u->inv_dte++;
			break;
		case AMDVI_CMD_INV_IOMMU_PAGES:
			u->inv_pages++;
			break;
		default:
			log_event(u, 0, AMDVI_EVT_ILLEGAL_CMD, 0, (base & AMDVI_DTE_ROOT_MASK) + head);
		}
		head = (head + AMDVI_CMD_BYTES) % size;
		put64(u, AMDVI_CMD_HEAD, head);
	}
}

static void unit_write(struct fake_mmio *m, uint32_t off, uint32_t v)
{
	struct fake_amdvi *u = m->priv;
	uint32_t reg = off & ~7u;

	if (reg == AMDVI_STATUS) {
		m->regs[off / 4] &= ~(v & ~AMDVI_STATUS_EVT_RUN); /* W1C; EventLogRun RO */
		return;
	}
	if (reg == AMDVI_EXT_FEATURES || reg == AMDVI_EVT_TAIL)
		return; /* read-only to software */
	bool log_was_on = on(u, AMDVI_CTRL_EVT_LOG_EN);
	m->regs[off / 4] = v;
	/* EventLogEn 0 -> 1 starts the log running, 1 -> 0 stops it (3.4). */
	if (reg == AMDVI_CONTROL && log_was_on != on(u, AMDVI_CTRL_EVT_LOG_EN))
		put64(u, AMDVI_STATUS, log_was_on ?
		      get64(u, AMDVI_STATUS) & ~(uint64_t)AMDVI_STATUS_EVT_RUN :
		      get64(u, AMDVI_STATUS) | AMDVI_STATUS_EVT_RUN);
	if (reg == AMDVI_CMD_BUF || reg == AMDVI_EVT_LOG) {
		/* a new base resets the ring's pointers (3.4.2) */
		put64(u, reg == AMDVI_CMD_BUF ? AMDVI_CMD_HEAD : AMDVI_EVT_HEAD, 0);
		put64(u, reg == AMDVI_CMD_BUF ? AMDVI_CMD_TAIL : AMDVI_EVT_TAIL, 0);
	}
	if (reg == AMDVI_CMD_TAIL || reg == AMDVI_CONTROL)
		run_commands(u);
}

static bool fault(struct fake_amdvi *u, uint16_t devid, uint64_t addr, bool write,
		  unsigned flags)
{
	u->faults++;
	log_event(u, devid, AMDVI_EVT_IO_PAGE_FAULT, flags | (write ? AMDVI_FLAG_RW : 0), addr);
	return false;
}

/* The leaf for one page under a DTE with mode levels, or false (2.2.3). */
static bool walk(struct fake_amdvi *u, uint16_t devid, uint64_t root, unsigned levels,
		 uint64_t page, bool write, uint64_t *out)
{
	uint64_t need = write ? AMDVI_PTE_IW : AMDVI_PTE_IR, table = root;

	for (unsigned level = levels; level >= 1; level--) {
		unsigned idx = (page >> (12 + 9 * (level - 1))) & (AMDVI_ENTRIES - 1);
		const uint64_t *e = fake_dma_ptr(table + 8 * idx, 8);
		if (!e)
			harness_fatal(__FILE__, __LINE__, "fake_amdvi: page table outside DMA memory");
		if (!(*e & AMDVI_PTE_PR))
			return fault(u, devid, page, write, 0);
		if (!(*e & need))
			return fault(u, devid, page, write, AMDVI_FLAG_PR | AMDVI_FLAG_PE);
		unsigned next = (*e >> AMDVI_PTE_NEXT_SHIFT) & 7;
		if (level > 1 && next != level - 1)
			harness_fatal(__FILE__, __LINE__, "fake_amdvi: level %u entry names level "
				      "%u; skipping levels is not modelled", level, next);
		if (level == 1 && next)
			harness_fatal(__FILE__, __LINE__, "fake_amdvi: leaf with next level %u",
				      next);
		table = *e & AMDVI_PTE_ADDR;
	}
	*out = table;
	return true;
}

static bool translate(void *ctx, uint16_t devid, uint64_t addr, size_t len, bool write,
		      uint64_t *out)
{
	struct fake_amdvi *u = ctx;
	uint64_t devtab = get64(u, AMDVI_DEV_TABLE);
	const uint64_t *dte;
	uint64_t first = 0;

	if (!on(u, AMDVI_CTRL_IOMMU_EN)) {
		*out = addr;
		return true;
	}
	u->translated++;
	if ((uint64_t)devid * AMDVI_DTE_BYTES >= ((devtab & 0x1ff) + 1) * 4096) {
		u->faults++;
		log_event(u, devid, AMDVI_EVT_ILLEGAL_DTE, 0, addr);
		return false;
	}
	dte = fake_dma_ptr((devtab & AMDVI_DTE_ROOT_MASK) + (uint64_t)devid * AMDVI_DTE_BYTES,
			   AMDVI_DTE_BYTES);
	if (!dte)
		harness_fatal(__FILE__, __LINE__, "fake_amdvi: device table outside DMA memory");
	if (!(dte[0] & AMDVI_DTE_V)) { /* not valid: untranslated (2.2.2) */
		*out = addr;
		return true;
	}
	if (!(dte[0] & AMDVI_DTE_TV)) {
		u->faults++;
		log_event(u, devid, AMDVI_EVT_ILLEGAL_DTE, 0, addr);
		return false;
	}
	if (!(dte[0] & (write ? AMDVI_DTE_IW : AMDVI_DTE_IR)))
		return fault(u, devid, addr, write, AMDVI_FLAG_PE);
	unsigned mode = (dte[0] >> AMDVI_DTE_MODE_SHIFT) & 7;
	if (!mode) {
		*out = addr;
		return true;
	}
	for (uint64_t p = addr & ~0xfffull; p < addr + len; p += 0x1000) {
		uint64_t leaf;
		if (!walk(u, devid, dte[0] & AMDVI_DTE_ROOT_MASK, mode, p, write, &leaf))
			return false;
		if (p == (addr & ~0xfffull))
			first = leaf;
		else if (leaf != first + (p - (addr & ~0xfffull)))
			harness_fatal(__FILE__, __LINE__, "fake_amdvi: 0x%llx maps "
				      "non-contiguously; not modelled", (unsigned long long)addr);
	}
	*out = first | (addr & 0xfff);
	return true;
}

/* IVRS: header, one IVHD type 0x10 at base, entries: range 0000-ffff. */
static void ivrs_build(struct fake_amdvi *u, uint64_t base)
{
	uint8_t *t = u->ivrs, *h = t + IVRS_HEADER_LEN;

	memset(t, 0, sizeof(u->ivrs));
	memcpy(t, "IVRS", 4);
	t[4] = sizeof(u->ivrs);
	h[0] = IVHD_TYPE_10;
	h[2] = IVHD_LEN_10 + 8;
	h[4] = 0x10; /* the IOMMU is 00:02.0 */
	for (unsigned i = 0; i < 8; i++)
		h[8 + i] = (uint8_t)(base >> (8 * i));
	h[24] = IVHD_DEV_RANGE_START;
	h[28] = IVHD_DEV_RANGE_END;
	h[29] = h[30] = 0xff;
	fake_acpi_checksum(t);
	fake_set_acpi_table("IVRS", t);
}

struct fake_amdvi *fake_amdvi_add(uint64_t base)
{
	struct fake_amdvi *u = calloc(1, sizeof(*u));

	if (!u)
		harness_fatal(__FILE__, __LINE__, "fake_amdvi_add: out of memory");
	u->m = fake_mmio_add(base, AMDVI_MMIO_SIZE);
	u->m->priv = u;
	u->m->own_priv = true;
	u->m->write = unit_write;
	put64(u, AMDVI_EXT_FEATURES, 0);
	ivrs_build(u, base);
	fake_set_iommu(translate, u);
	return u;
}
