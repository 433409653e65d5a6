/* amdvi.c - one AMD-Vi IOMMU programmed by hand (see amdvi.h). */
#include "dma/amdvi.h"

#include "dma/acpi.h"
#include "dma/amdvi_regs.h"
#include "report/fmt.h"
#include "wait_bound.h"

/* Linux wait_on_sem(): a COMPLETION_WAIT is given LOOP_TIMEOUT (2000000)
 * polls of 1 us, 2 s. */
#define AMDVI_CMD_TIMEOUT_US	2000000
#define AMDVI_CMD_POLL_US	10
/* Linux iommu_poll_events(): an event whose type still reads 0 is being
 * written (erratum 732); it waits LOOP_TIMEOUT polls of 1 us for it. */
#define AMDVI_EVT_WRITE_TIMEOUT_US 2000000
#define AMDVI_DOMAIN_FIRST	1	/* domain slot k's id: this + k */
/* Pool layout, in pages: device table, command buffer, event log,
 * completion semaphore. */
#define DEVTAB_PAGES		(AMDVI_DEVIDS * AMDVI_DTE_BYTES / PLAT_PAGE_SIZE)
#define CMD_PAGE		DEVTAB_PAGES
#define EVT_PAGE		(CMD_PAGE + 1)
#define SEM_PAGE		(EVT_PAGE + 1)
#define POOL_PAGES		(SEM_PAGE + 1)
/*
 * QEMU accommodation (hw/i386/amd_iommu.c amdvi_page_walk): QEMU logs an
 * IO_PAGE_FAULT only for an entry that is non-zero with PR = 0 and a next
 * level of 1 to 6; an all-zero entry ends its walk silently (the access
 * fails, nothing is logged). Silicon ignores every other bit of an entry
 * whose PR is 0 (spec 2.2.3), so our not-present entries carry next
 * level 1: inert on silicon, and QEMU then logs the fault as silicon does.
 */
#define AMDVI_PTE_ABSENT	(1ull << AMDVI_PTE_NEXT_SHIFT)

/* ---- ACPI IVRS ----------------------------------------------------------- */

/* Linux ivhd_entry_length(): 4, 8, 16 or 32 bytes by the type's top bits;
 * an ACPI HID entry is 22 bytes plus its UID; anything else unknown (0). */
static unsigned entry_len(const uint8_t *e, uint32_t left)
{
	if (e[0] < 0x80)
		return 4u << (e[0] >> 6);
	if (e[0] == IVHD_DEV_ACPI_HID && left >= 22)
		return 22u + e[21];
	return 0;
}

/* Do the device entries of one IVHD cover devid? (Linux
 * init_iommu_from_acpi). Sets *alias to the id requests carry. */
static int ivhd_covers(const uint8_t *h, uint32_t len, uint32_t hlen, uint16_t devid,
		       uint16_t *alias, bool *covered, char *why, size_t n)
{
	bool open = false, alias_range = false;
	uint16_t start = 0, range_alias = 0;

	*covered = false;
	for (uint32_t o = hlen; o < len;) {
		const uint8_t *e = h + o;
		unsigned elen = o + 4 <= len ? entry_len(e, len - o) : 0;
		uint16_t id = elen ? acpi_le16(e + 1) : 0;

		if (!elen || o + elen > len) {
			fmt_snprintf(why, n, "IVRS: device entry type 0x%02x at offset %u of "
				     "an IVHD is unknown or runs past it", e[0], o);
			return RC_EINVAL;
		}
		switch (e[0]) {
		case IVHD_DEV_ALL:
			*covered = true;
			*alias = devid;
			break;
		case IVHD_DEV_SELECT:
		case IVHD_DEV_EXT_SELECT:
			if (id == devid) {
				*covered = true;
				*alias = devid;
			}
			break;
		case IVHD_DEV_ALIAS_SELECT:
			if (id == devid) {
				*covered = true;
				*alias = acpi_le16(e + 5);
			}
			break;
		case IVHD_DEV_RANGE_START:
		case IVHD_DEV_EXT_RANGE:
		case IVHD_DEV_ALIAS_RANGE:
			open = true;
			start = id;
			alias_range = e[0] == IVHD_DEV_ALIAS_RANGE;
			range_alias = alias_range ? acpi_le16(e + 5) : 0;
			break;
		case IVHD_DEV_RANGE_END:
			if (!open) {
				fmt_snprintf(why, n, "IVRS: a range end at offset %u of an "
					     "IVHD has no start", o);
				return RC_EINVAL;
			}
			if (devid >= start && devid <= id) {
				*covered = true;
				*alias = alias_range ? range_alias : devid;
			}
			open = false;
			break;
		default:
			break; /* padding, IOAPIC/HPET, ACPI devices: not PCI */
		}
		o += elen;
	}
	return RC_OK;
}

int ivrs_find(const uint8_t *t, struct pci_bdf dev, struct ivrs_unit *out,
	      char *why, size_t n)
{
	uint16_t devid = (uint16_t)(dev.bus << 8 | dev.dev << 3 | dev.fn);
	uint32_t tlen = acpi_table_check(t, "IVRS", IVRS_HEADER_LEN, why, n);

	*out = (struct ivrs_unit){ 0 };
	if (!tlen)
		return RC_EINVAL;
	for (uint32_t o = IVRS_HEADER_LEN; o + 4 <= tlen;) {
		const uint8_t *h = t + o;
		uint8_t type = h[0];
		uint16_t len = acpi_le16(h + 2);
		uint32_t hlen = type == IVHD_TYPE_10 ? IVHD_LEN_10 : IVHD_LEN_11;
		bool ivhd = type == IVHD_TYPE_10 || type == IVHD_TYPE_11 || type == IVHD_TYPE_40;
		bool covered;
		uint16_t alias = devid;

		if (len < 4 || o + len > tlen || (ivhd && len < hlen)) {
			fmt_snprintf(why, n, "IVRS: block type 0x%02x at offset %u has length "
				     "%u, past the table's %u bytes or short of its header",
				     type, o, len, tlen);
			return RC_EINVAL;
		}
		if (ivhd && acpi_le16(h + 16) == dev.seg) {
			int rc = ivhd_covers(h, len, hlen, devid, &alias, &covered, why, n);
			if (rc)
				return rc;
			if (covered) {
				*out = (struct ivrs_unit){ .base = acpi_le64(h + 8),
							   .segment = dev.seg,
							   .iommu_devid = acpi_le16(h + 4),
							   .rid = devid, .devid = alias,
							   .ivhd_type = type };
				if (!out->base || out->base & (AMDVI_MMIO_SIZE - 1)) {
					fmt_snprintf(why, n, "IVRS: the unit for device id 0x%04x "
						     "has base 0x%llx, not a 16 KiB aligned "
						     "address", devid,
						     (unsigned long long)out->base);
					*out = (struct ivrs_unit){ 0 };
					return RC_EINVAL;
				}
				return RC_OK;
			}
		}
		o += len; /* IVMD blocks and other segments */
	}
	fmt_snprintf(why, n, "IVRS names no AMD-Vi unit for %04x:%02x:%02x.%u (device id "
		     "0x%04x)", dev.seg, dev.bus, dev.dev, dev.fn, devid);
	return RC_ENODEV;
}

/* ---- registers and commands ----------------------------------------------- */

static uint64_t rd64(const struct amdvi_unit *u, uint32_t r)
{
	return plat_mmio_read64(u->ivrs.base + r);
}

static void wr64(struct amdvi_unit *u, uint32_t r, uint64_t v)
{
	plat_mmio_write64(u->ivrs.base + r, v);
}

static uint64_t *page(const struct dma_buf *pool, unsigned i)
{
	return (uint64_t *)((uint8_t *)pool->cpu + (size_t)i * PLAT_PAGE_SIZE);
}

static uint64_t bus_of(const void *p)
{
	return (uint64_t)(uintptr_t)p; /* pool pages are identity-mapped */
}

static void cmd_put(struct amdvi_unit *u, uint64_t w0, uint64_t w1)
{
	uint64_t *c = u->cmd + u->cmd_tail / 8;

	c[0] = w0;
	c[1] = w1;
	u->cmd_tail = (u->cmd_tail + AMDVI_CMD_BYTES) % (AMDVI_LOG_ENTRIES * AMDVI_CMD_BYTES);
}

static bool sem_done(void *ctx)
{
	struct amdvi_unit *u = ctx;

	return *u->sem == u->sem_seq;
}

/* Queue COMPLETION_WAIT with a store to our semaphore, ring the tail,
 * wait (bounded) for the store: everything queued before it is done
 * (spec 2.4.1; Linux iommu_completion_wait). */
static bool cmd_sync(struct amdvi_unit *u)
{
	u->sem_seq++;
	cmd_put(u, bus_of((const void *)u->sem) | AMDVI_CW_STORE |
		   AMDVI_CMD_COMPLETION_WAIT << AMDVI_OPCODE_SHIFT, u->sem_seq);
	plat_wmb();
	wr64(u, AMDVI_CMD_TAIL, u->cmd_tail);
	return wait_until(sem_done, u, AMDVI_CMD_TIMEOUT_US, AMDVI_CMD_POLL_US);
}

/* Domain k's device table entry and every page of the domain, then wait
 * (Linux amd_iommu_flush_dte / domain_flush_pages with the all-pages
 * address). */
static bool invalidate(struct amdvi_unit *u, unsigned k)
{
	cmd_put(u, u->dom[k].devid | AMDVI_CMD_INV_DEVTAB_ENTRY << AMDVI_OPCODE_SHIFT, 0);
	cmd_put(u, (uint64_t)(AMDVI_DOMAIN_FIRST + k) << 32 |
		   AMDVI_CMD_INV_IOMMU_PAGES << AMDVI_OPCODE_SHIFT,
		AMDVI_INV_ALL_PAGES | AMDVI_INV_SIZE | AMDVI_INV_PDE);
	return cmd_sync(u);
}

/* ---- page tables ---------------------------------------------------------- */

static uint64_t *pt_page(struct amdvi_domain *dm)
{
	uint64_t *p;

	if (dm->pt_used >= AMDVI_PT_PAGES)
		return NULL;
	p = page(dm->pool, dm->pt_used++);
	for (unsigned i = 0; i < AMDVI_ENTRIES; i++)
		p[i] = AMDVI_PTE_ABSENT;
	return p;
}

/* The leaf entry for addr, creating levels (2.2.3: a PDE names the next
 * level; permissions are ANDed down the walk, so every PDE grants both). */
static uint64_t *pte(struct amdvi_domain *dm, uint64_t addr, bool create)
{
	uint64_t *table = dm->pt;

	for (unsigned level = AMDVI_LEVELS; level > 1; level--) {
		unsigned idx = (addr >> (12 + 9 * (level - 1))) & (AMDVI_ENTRIES - 1);
		if (!(table[idx] & AMDVI_PTE_PR)) {
			uint64_t *next = create ? pt_page(dm) : NULL;
			if (!next)
				return NULL;
			table[idx] = bus_of(next) | (uint64_t)(level - 1) << AMDVI_PTE_NEXT_SHIFT |
				     AMDVI_PTE_IR | AMDVI_PTE_IW | AMDVI_PTE_PR;
		}
		table = (uint64_t *)(uintptr_t)(table[idx] & AMDVI_PTE_ADDR);
	}
	return &table[(addr >> 12) & (AMDVI_ENTRIES - 1)];
}

static int amdvi_map(void *ctx, unsigned k, uint64_t addr, size_t len)
{
	struct amdvi_unit *u = ctx;
	struct amdvi_domain *dm = &u->dom[k];

	if (!u->running || !dm->pt)
		return RC_OK; /* nothing translated: nothing to map */
	for (uint64_t a = addr & ~0xfffull; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t *e = pte(dm, a, true);
		if (!e)
			return RC_ENOMEM;
		*e = a | AMDVI_PTE_IR | AMDVI_PTE_IW | AMDVI_PTE_PR; /* next level 0: 4 KiB */
	}
	return invalidate(u, k) ? RC_OK : RC_ETIMEDOUT;
}

static void amdvi_unmap(void *ctx, unsigned k, uint64_t addr, size_t len)
{
	struct amdvi_unit *u = ctx;
	struct amdvi_domain *dm = &u->dom[k];

	if (!u->running || !dm->pt)
		return;
	for (uint64_t a = addr & ~0xfffull; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t *e = pte(dm, a, false);
		if (e)
			*e = AMDVI_PTE_ABSENT;
	}
	invalidate(u, k);
}

/* ---- start / stop ---------------------------------------------------------- */

static int amdvi_find(void *ctx, struct pci_bdf dev, char *why, size_t n)
{
	struct amdvi_unit *u = ctx;
	const uint8_t *t = plat_acpi_table("IVRS");

	*u = (struct amdvi_unit){ 0 };
	if (!t) {
		fmt_snprintf(why, n, "no ACPI IVRS table");
		return RC_ENODEV;
	}
	return ivrs_find(t, dev, &u->ivrs, why, n);
}

static void amdvi_stop(void *ctx)
{
	struct amdvi_unit *u = ctx;

	if (!u->pool)
		return;
	/* Translation off first: the device passes through again (3.4.3);
	 * then the logs, then the firmware's registers back. */
	wr64(u, AMDVI_CONTROL, rd64(u, AMDVI_CONTROL) & ~AMDVI_CTRL_IOMMU_EN);
	wr64(u, AMDVI_CONTROL, u->control_at_start);
	wr64(u, AMDVI_DEV_TABLE, u->devtab_at_start);
	wr64(u, AMDVI_CMD_BUF, u->cmd_at_start);
	wr64(u, AMDVI_EVT_LOG, u->evt_at_start);
	wr64(u, AMDVI_STATUS, AMDVI_STATUS_EVT_OVERFLOW | AMDVI_STATUS_EVT_INT |
			      AMDVI_STATUS_COMWAIT_INT);
	u->running = false;
	for (unsigned k = 0; k < IOMMU_DOMAINS; k++) {
		dma_free(u->dom[k].pool);
		u->dom[k] = (struct amdvi_domain){ 0 };
	}
	dma_free(u->pool);
	u->pool = NULL;
}

static int refuse(char *why, size_t n, const char *msg)
{
	fmt_snprintf(why, n, "%s", msg);
	return RC_ENOTSUP;
}

static int amdvi_start(void *ctx, struct pci_bdf owner, const struct pci_inventory *inv,
		       char *why, size_t n)
{
	struct amdvi_unit *u = ctx;

	(void)inv; /* everyone: DTE.V = 0, untranslated (2.2.2) */
	u->control_at_start = rd64(u, AMDVI_CONTROL);
	if (u->control_at_start == ~0ull)
		return refuse(why, n, "AMD-Vi registers read all-ones");
	if (u->control_at_start & (AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN |
				   AMDVI_CTRL_EVT_LOG_EN))
		return refuse(why, n, "the firmware already uses this AMD-Vi unit (IommuEn, "
			      "CmdBufEn or EventLogEn set); we do not take it over");
	u->devtab_at_start = rd64(u, AMDVI_DEV_TABLE);
	u->cmd_at_start = rd64(u, AMDVI_CMD_BUF);
	u->evt_at_start = rd64(u, AMDVI_EVT_LOG);
	int rc = dma_alloc_flags(owner, (size_t)POOL_PAGES * PLAT_PAGE_SIZE, DMA_UNMAPPED,
				 &u->pool);
	if (rc) {
		fmt_snprintf(why, n, "no memory for AMD-Vi tables: %s", rc_name(rc));
		return rc;
	}
	u->devtab = page(u->pool, 0);
	u->cmd = page(u->pool, CMD_PAGE);
	u->evt = page(u->pool, EVT_PAGE);
	u->sem = page(u->pool, SEM_PAGE);
	u->cmd_tail = u->evt_head = 0;
	u->sem_seq = 0;
	plat_wmb();

	/* Linux iommu_init_flags/iommu_enable order: tables and logs, then
	 * the command buffer and event log on, then translation. */
	wr64(u, AMDVI_DEV_TABLE, bus_of(u->devtab) | (DEVTAB_PAGES - 1));
	wr64(u, AMDVI_CMD_BUF, bus_of(u->cmd) | (uint64_t)AMDVI_LOG_LEN << AMDVI_LEN_SHIFT);
	wr64(u, AMDVI_CMD_HEAD, 0);
	wr64(u, AMDVI_CMD_TAIL, 0);
	wr64(u, AMDVI_EVT_LOG, bus_of(u->evt) | (uint64_t)AMDVI_LOG_LEN << AMDVI_LEN_SHIFT);
	wr64(u, AMDVI_EVT_HEAD, 0);
	wr64(u, AMDVI_EVT_TAIL, 0);
	wr64(u, AMDVI_STATUS, AMDVI_STATUS_EVT_OVERFLOW | AMDVI_STATUS_EVT_INT |
			      AMDVI_STATUS_COMWAIT_INT);
	/* Faults are read by polling: no event or completion interrupts. */
	uint64_t ctl = u->control_at_start & ~(AMDVI_CTRL_EVT_INT_EN | AMDVI_CTRL_COMWAIT_EN);
	wr64(u, AMDVI_CONTROL, ctl | AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVT_LOG_EN);
	wr64(u, AMDVI_CONTROL, ctl | AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVT_LOG_EN |
			       AMDVI_CTRL_IOMMU_EN);
	u->running = true;
	if (!(rd64(u, AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN)) {
		amdvi_stop(u);
		return refuse(why, n, "AMD-Vi: CONTROL.IommuEn did not stay set");
	}
	if (!cmd_sync(u)) {
		amdvi_stop(u);
		fmt_snprintf(why, n, "AMD-Vi: COMPLETION_WAIT did not complete within %u us",
			     AMDVI_CMD_TIMEOUT_US);
		return RC_ETIMEDOUT;
	}
	return RC_OK;
}

static uint64_t *dte_of(struct amdvi_unit *u, uint16_t devid)
{
	return u->devtab + (size_t)devid * (AMDVI_DTE_BYTES / 8);
}

static void amdvi_detach(void *ctx, unsigned k)
{
	struct amdvi_unit *u = ctx;
	struct amdvi_domain *dm = &u->dom[k];
	uint64_t *dte;

	if (!dm->used)
		return;
	/* V first: untranslated again (2.2.2), then the entry's cached copy
	 * and the domain's pages invalidated (Linux clear_dte_entry, then
	 * amd_iommu_flush_dte and the domain flush). */
	dte = dte_of(u, dm->devid);
	dte[0] = 0;
	plat_wmb();
	dte[1] = 0;
	if (u->running)
		invalidate(u, k);
	dma_free(dm->pool);
	*dm = (struct amdvi_domain){ 0 };
}

static int amdvi_attach(void *ctx, unsigned k, struct pci_bdf dev, bool strict,
			char *why, size_t n)
{
	struct amdvi_unit *u = ctx;
	struct amdvi_domain *dm = &u->dom[k];
	struct ivrs_unit iv;
	uint64_t *dte;
	int rc = ivrs_find(plat_acpi_table("IVRS"), dev, &iv, why, n);

	if (rc)
		return rc;
	/* Requests carry the alias (a bridge's id): a device sharing it with
	 * another domain's cannot have one of its own. */
	for (unsigned j = 0; j < IOMMU_DOMAINS; j++)
		if (u->dom[j].used && u->dom[j].devid == iv.devid) {
			fmt_snprintf(why, n, "AMD-Vi device id 0x%04x is already another "
				     "device's (an IVRS alias)", iv.devid);
			return RC_ENOTSUP;
		}
	*dm = (struct amdvi_domain){ .devid = iv.devid, .used = true };
	dte = dte_of(u, iv.devid);
	/* Translated through its own table, or passed through (mode 0, both
	 * permissions: Linux's identity domain). The entry was not valid:
	 * everything but V first, V last (Linux set_dte_entry). */
	dte[0] = 0;
	if (strict) {
		rc = dma_alloc_flags(dev, (size_t)AMDVI_PT_PAGES * PLAT_PAGE_SIZE, DMA_UNMAPPED,
				     &dm->pool);
		if (rc) {
			fmt_snprintf(why, n, "no memory for AMD-Vi page tables: %s",
				     rc_name(rc));
			*dm = (struct amdvi_domain){ 0 };
			return rc;
		}
		dm->pt = pt_page(dm);
		dte[0] = bus_of(dm->pt) | (uint64_t)AMDVI_LEVELS << AMDVI_DTE_MODE_SHIFT;
	}
	dte[1] = AMDVI_DOMAIN_FIRST + k;
	dte[0] |= AMDVI_DTE_IR | AMDVI_DTE_IW | AMDVI_DTE_TV;
	plat_wmb();
	dte[0] |= AMDVI_DTE_V;
	plat_wmb();
	if (!invalidate(u, k)) {
		fmt_snprintf(why, n, "AMD-Vi: COMPLETION_WAIT did not complete within %u us",
			     AMDVI_CMD_TIMEOUT_US);
		amdvi_detach(u, k);
		return RC_ETIMEDOUT;
	}
	return RC_OK;
}

/* ---- faults ---------------------------------------------------------------- */

static bool amdvi_fault_pending(void *ctx)
{
	struct amdvi_unit *u = ctx;

	return u->running && (rd64(u, AMDVI_EVT_TAIL) & AMDVI_PTR_MASK) != u->evt_head;
}

static const char *event_str(unsigned code, unsigned flags)
{
	switch (code) {
	case AMDVI_EVT_IO_PAGE_FAULT:
		return !(flags & AMDVI_FLAG_PR) ? "IO_PAGE_FAULT: page not present" :
		       "IO_PAGE_FAULT: permission";
	case AMDVI_EVT_ILLEGAL_DTE: return "ILLEGAL_DEV_TABLE_ENTRY";
	case AMDVI_EVT_DEV_TAB_HW: return "DEV_TAB_HARDWARE_ERROR";
	case AMDVI_EVT_PAGE_TAB_HW: return "PAGE_TAB_HARDWARE_ERROR";
	case AMDVI_EVT_ILLEGAL_CMD: return "ILLEGAL_COMMAND_ERROR";
	case AMDVI_EVT_CMD_HW: return "COMMAND_HARDWARE_ERROR";
	default: return "other event";
	}
}

static bool evt_written(void *ctx)
{
	const struct amdvi_unit *u = ctx;

	return AMDVI_EVT_CODE(u->evt[u->evt_head / 8] >> 32) != 0;
}

/*
 * After an overflow the unit writes no event (EventLogRun clear) until
 * logging is restarted: EventLogEn off, EventOverflow cleared, EventLogEn
 * on (spec 48882 MMIO 2020h; Linux amd_iommu_restart_log, called from
 * amd_iommu_int_thread). Clearing EventOverflow alone leaves it stopped,
 * and every later fault unseen.
 */
static void restart_event_log(struct amdvi_unit *u)
{
	uint64_t ctl = rd64(u, AMDVI_CONTROL);

	wr64(u, AMDVI_CONTROL, ctl & ~AMDVI_CTRL_EVT_LOG_EN);
	wr64(u, AMDVI_STATUS, AMDVI_STATUS_EVT_OVERFLOW);
	wr64(u, AMDVI_CONTROL, ctl | AMDVI_CTRL_EVT_LOG_EN);
}

/* The oldest event off the log (Linux iommu_poll_events/iommu_print_event):
 * wait for a half-written entry, decode, zero it, move the head on. */
static bool amdvi_fault_take(void *ctx, struct iommu_fault *f)
{
	struct amdvi_unit *u = ctx;
	uint64_t *e;

	if (!amdvi_fault_pending(u))
		return false;
	e = u->evt + u->evt_head / 8;
	if (!wait_until(evt_written, u, AMDVI_EVT_WRITE_TIMEOUT_US, 1))
		return false;
	plat_rmb();
	unsigned code = AMDVI_EVT_CODE(e[0] >> 32), flags = AMDVI_EVT_FLAGS(e[0] >> 32);
	/*
	 * QEMU accommodation (amdvi_page_fault): QEMU puts the access in flags
	 * bits 1:0 as its permission (1 read, 2 write) and never sets RW.
	 * On silicon bits 1:0 are GN and NX, both 0 for a device's DMA
	 * without a PASID, so "NX without GN" never comes from silicon.
	 */
	bool write = (flags & AMDVI_FLAG_RW) || (flags & 3) == 2;
	*f = (struct iommu_fault){ .sid = AMDVI_EVT_DEVID(e[0]), .read = !write,
				   .addr = e[1] & ~0xfffull, .reason = event_str(code, flags) };
	e[0] = e[1] = 0;
	u->evt_head = (u->evt_head + AMDVI_EVT_BYTES) % (AMDVI_LOG_ENTRIES * AMDVI_EVT_BYTES);
	wr64(u, AMDVI_EVT_HEAD, u->evt_head);
	if (rd64(u, AMDVI_STATUS) & AMDVI_STATUS_EVT_OVERFLOW)
		restart_event_log(u);
	u->faults_seen++;
	return true;
}

static uint32_t amdvi_sid(void *ctx, struct pci_bdf b)
{
	const uint8_t *t = plat_acpi_table("IVRS");
	struct ivrs_unit iv;
	char why[8];

	(void)ctx;
	/* An IVRS alias renames a device; others are as on the bus. */
	if (t && !ivrs_find(t, b, &iv, why, sizeof(why)))
		return iv.devid;
	return (uint32_t)(b.bus << 8 | b.dev << 3 | b.fn);
}

static uint64_t amdvi_base(void *ctx)
{
	return ((const struct amdvi_unit *)ctx)->ivrs.base;
}

/* The device table and the page-table pages built so far. */
static unsigned amdvi_table_pages(void *ctx)
{
	const struct amdvi_unit *u = ctx;
	unsigned n = u->pool ? DEVTAB_PAGES : 0;

	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		n += u->dom[k].pool ? u->dom[k].pt_used : 0;
	return n;
}

static unsigned amdvi_records(void *ctx)
{
	(void)ctx;
	return AMDVI_LOG_ENTRIES; /* the event log's entries */
}

const struct iommu_ops amdvi_ops = {
	"AMD-Vi", "IVRS", amdvi_find, amdvi_start, amdvi_attach, amdvi_detach, amdvi_map,
	amdvi_unmap, amdvi_stop,
	amdvi_fault_pending, amdvi_fault_take, amdvi_sid, amdvi_base, amdvi_table_pages,
	amdvi_records,
};
