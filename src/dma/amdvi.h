/*
 * amdvi.h - one AMD-Vi IOMMU programmed by hand pre-OS: found in the ACPI
 * IVRS table, a full device table in which only our devices' entries are
 * valid (every other device id passes through untranslated, as DTE.V = 0
 * means), for each of them a domain of its own: a 4-level I/O page table
 * with its buffers identity-mapped (strict) or none (passthrough), the
 * command buffer (INVALIDATE_DEVTAB_ENTRY, INVALIDATE_IOMMU_PAGES,
 * COMPLETION_WAIT) and the event log read for IO_PAGE_FAULT.
 */
#ifndef IGBTEST_AMDVI_H
#define IGBTEST_AMDVI_H

#include "dma/iommu_unit.h"

/* Pages for one domain's I/O page tables: a few hundred MiB of 4 KiB
 * mappings. */
#define AMDVI_PT_PAGES 512

/* What the IVRS table says about the unit that serves one device. */
struct ivrs_unit {
	uint64_t base;        /* register base */
	uint16_t segment;
	uint16_t iommu_devid; /* the IOMMU's own PCI function */
	uint16_t rid;         /* the device's requester id */
	uint16_t devid;       /* the device id its requests carry (aliases applied) */
	uint8_t ivhd_type;
};

/*
 * Parse an IVRS table (t: its first byte; it is trusted for no more than
 * its header's length, which is checked with the checksum) for the IVHD
 * whose device entries cover dev. RC_OK and *out; otherwise RC_ENODEV or
 * RC_EINVAL (malformed) with why. Reads nothing but the table.
 */
int ivrs_find(const uint8_t *t, struct pci_bdf dev, struct ivrs_unit *out,
	      char *why, size_t n);

struct amdvi_unit {
	struct ivrs_unit ivrs;
	/* firmware's registers, put back by stop */
	uint64_t control_at_start, devtab_at_start, cmd_at_start, evt_at_start;
	/* our memory: device table, command buffer, event log, completion
	 * semaphore; then each attached device's domain */
	struct dma_buf *pool;
	uint64_t *devtab;
	uint64_t *cmd, *evt;
	volatile uint64_t *sem;
	struct amdvi_domain {
		uint16_t devid;       /* the device id its requests carry */
		bool used;
		struct dma_buf *pool; /* its page tables (strict), else NULL */
		unsigned pt_used;
		uint64_t *pt;         /* its top-level page table (strict) */
	} dom[IOMMU_DOMAINS];
	uint32_t cmd_tail, evt_head; /* byte offsets */
	uint64_t sem_seq;
	bool running;
	unsigned faults_seen;
};

extern const struct iommu_ops amdvi_ops;

#endif
