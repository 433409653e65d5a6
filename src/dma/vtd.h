/*
 * vtd.h - one Intel VT-d remapping unit, programmed by hand pre-OS:
 * found in the ACPI DMAR table, legacy-mode root and context tables,
 * second-level page tables, register-based invalidation, translation on
 * and off with status checks, and the primary fault log.
 */
#ifndef IGBTEST_VTD_H
#define IGBTEST_VTD_H

#include "dma/iommu_unit.h"

/* Pages for one strict domain's page tables: a few hundred MiB of 4 KiB
 * mappings. */
#define VTD_TABLE_PAGES 512
/* The root table and a context table for each of 256 buses at most. */
#define VTD_ROOT_PAGES 257

struct vtd_fault {
	uint16_t sid;     /* requester: bus << 8 | dev << 3 | fn */
	uint8_t reason;
	bool read;
	uint64_t addr;    /* page address */
};

struct vtd_unit {
	uint64_t base;    /* register base */
	uint16_t segment;
	bool include_all;
	uint64_t cap, ecap;
	unsigned levels;  /* page-table levels: 3 or 4 */
	/* firmware's state, put back by vtd_stop */
	uint32_t gsts_at_start, fectl_at_start;
	uint64_t rtaddr_at_start;
	/* our tables: root and context tables, then one domain per device */
	struct dma_buf *root_pool;
	unsigned root_used;
	uint64_t *root;
	struct vtd_domain {
		struct pci_bdf dev;
		bool used;
		struct dma_buf *pool; /* its page tables (strict), else NULL */
		unsigned pool_used;
		uint64_t *slpt;       /* its top-level page table (strict) */
	} dom[IOMMU_DOMAINS];
	bool running;
	unsigned faults_seen;
};

/* The unit whose scope covers dev (or the segment's INCLUDE_PCI_ALL unit).
 * RC_ENODEV with why when there is no DMAR table or no unit for dev. */
int vtd_find(struct vtd_unit *u, struct pci_bdf dev, char *why, size_t n);
/*
 * Take the unit over: refuse (with why) if translation or queued
 * invalidation is already on or the unit cannot do what we need; build
 * root and context tables (owner's memory) where every function in inv
 * passes through untranslated; enable translation and check it took.
 */
int vtd_start(struct vtd_unit *u, struct pci_bdf owner, const struct pci_inventory *inv,
	      char *why, size_t n);
/* dev alone in domain k: translated (strict) or passed through; detach:
 * passed through as everyone else. dev has no DMA in flight. */
int vtd_attach(struct vtd_unit *u, unsigned k, struct pci_bdf dev, bool strict,
	       char *why, size_t n);
void vtd_detach(struct vtd_unit *u, unsigned k);
/* Identity-map (strict) [addr, addr+len) read/write in domain k. */
int vtd_map(struct vtd_unit *u, unsigned k, uint64_t addr, size_t len);
void vtd_unmap(struct vtd_unit *u, unsigned k, uint64_t addr, size_t len);
/* Root, context and page-table pages in use. */
unsigned vtd_table_pages(const struct vtd_unit *u);
/* Translation off, firmware's registers back, tables freed. Idempotent. */
void vtd_stop(struct vtd_unit *u);
bool vtd_fault_pending(const struct vtd_unit *u);
/* Take the oldest recorded fault off the log and clear it. */
bool vtd_fault_take(struct vtd_unit *u, struct vtd_fault *f);
/* The fault recording registers the unit has (CAP.NFR); 0 when stopped. */
unsigned vtd_fault_records(const struct vtd_unit *u);
const char *vtd_reason_str(uint8_t reason);

#endif
