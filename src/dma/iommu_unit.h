/*
 * iommu_unit.h - what every DMA remapping unit driver (Intel VT-d, AMD-Vi,
 * Arm SMMUv3) offers to iommu.c, so that the modes and the fault cases
 * need no unit-specific code.
 */
#ifndef IGBTEST_IOMMU_UNIT_H
#define IGBTEST_IOMMU_UNIT_H

#include "dma/dma.h"
#include "pci/pci.h"

/* One translation fault, as any unit records it. */
struct iommu_fault {
	uint32_t sid;        /* VT-d source id, AMD-Vi device id, SMMUv3 stream id */
	bool read;           /* the refused access was a read */
	uint64_t addr;       /* page address (IOVA) */
	const char *reason;  /* the unit's reason, in words */
};

/* Devices one unit translates at once, each in a domain of its own (the
 * most devices tested side by side: task.h's TASK_MAX). */
#define IOMMU_DOMAINS 4

/*
 * A unit driver. u is the driver's own state (iommu.c holds one per unit
 * in use); k is a domain slot, [0, IOMMU_DOMAINS).
 * find: RC_OK with the unit whose scope covers dev (its base known), else
 *   a reason in why; it reads the ACPI table only, never the unit.
 * start: take the unit over (refusing one the firmware uses; owner: whose
 *   memory the tables are) with every function of inv passing through
 *   untranslated, translation on; stop undoes it and is idempotent.
 * attach: dev alone in domain k, translated (strict: nothing mapped yet)
 *   or passed through; detach: back to passing through as the others.
 *   Both while dev has no DMA in flight, the unit's caches invalidated
 *   as its spec asks before they return; the other domains keep running.
 * map/unmap: identity-map [addr, addr+len) read/write in domain k (strict).
 * sid: the id the unit records for function b.
 */
struct iommu_ops {
	const char *name;   /* "Intel VT-d" */
	char acpi[5];       /* the ACPI table that describes it: "DMAR" */
	int (*find)(void *u, struct pci_bdf dev, char *why, size_t n);
	int (*start)(void *u, struct pci_bdf owner, const struct pci_inventory *inv,
		     char *why, size_t n);
	int (*attach)(void *u, unsigned k, struct pci_bdf dev, bool strict, char *why,
		      size_t n);
	void (*detach)(void *u, unsigned k);
	int (*map)(void *u, unsigned k, uint64_t addr, size_t len);
	void (*unmap)(void *u, unsigned k, uint64_t addr, size_t len);
	void (*stop)(void *u);
	bool (*fault_pending)(void *u);
	bool (*fault_take)(void *u, struct iommu_fault *f);
	uint32_t (*sid)(void *u, struct pci_bdf b);
	uint64_t (*base)(void *u);   /* register base, for messages */
	unsigned (*table_pages)(void *u); /* translation table pages in use */
	/* Faults the log holds at most (VT-d CAP.NFR): one drain of the
	 * log takes no more than that. */
	unsigned (*fault_records)(void *u);
};

#endif
