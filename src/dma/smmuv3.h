/*
 * smmuv3.h - one Arm SMMUv3 programmed by hand pre-OS: found through the
 * ACPI IORT table (root complex ID mapping to an SMMUv3 node), a linear
 * stream table in which every stream of the inventory bypasses and each
 * of ours in strict is translated in a domain of its own (stage 1, one
 * context descriptor and ASID, a 4-level table with its buffers
 * identity-mapped), the command queue
 * (CFGI_STE, CFGI_ALL, TLBI, SYNC) and the event queue read for
 * translation faults.
 */
#ifndef IGBTEST_SMMUV3_H
#define IGBTEST_SMMUV3_H

#include "dma/iommu_unit.h"

/* Pages for one domain's stage-1 tables: a few hundred MiB of 4 KiB
 * mappings. */
#define SMMUV3_PT_PAGES 512

/* What IORT says about the SMMUv3 that serves one device. */
struct iort_unit {
	uint64_t base;     /* register base */
	uint32_t sid;      /* the device's stream id */
	uint16_t rid;      /* its requester id, as mapped */
	uint16_t segment;
};

/*
 * Parse an IORT table (trusted for no more than its header's length,
 * checked with the checksum) for the root complex of dev's segment and
 * the ID mapping of dev's requester id to an SMMUv3. RC_OK and *out;
 * RC_ENODEV (no SMMUv3 for dev) or RC_EINVAL (malformed) with why. Reads
 * nothing but the table.
 */
int iort_find(const uint8_t *t, struct pci_bdf dev, struct iort_unit *out,
	      char *why, size_t n);

struct smmuv3_unit {
	struct iort_unit iort;
	uint32_t idr0, idr1, idr5;
	/* firmware's registers, put back by stop */
	uint32_t cr0_at_start, cr1_at_start, cr2_at_start, strtab_cfg_at_start;
	uint64_t strtab_at_start, cmdq_at_start, evtq_at_start;
	/* our memory: the stream table (twice its size, to align it to its
	 * size), the queues; then each attached device's domain: its
	 * context descriptor, then its page tables */
	struct dma_buf *strtab_buf, *pool;
	unsigned log2_streams;
	uint64_t *strtab, *cmdq, *evtq;
	struct smmuv3_domain {
		uint32_t sid;
		bool used;
		struct dma_buf *pool; /* CD and page tables (strict), else NULL */
		unsigned pt_used;
		uint64_t *cd, *pt;
	} dom[IOMMU_DOMAINS];
	uint32_t cmd_prod, evt_cons;
	bool running;
	unsigned faults_seen;
};

extern const struct iommu_ops smmuv3_ops;

#endif
