/*
 * fake_amdvi.h - an AMD-Vi IOMMU for the host tests: the ACPI IVRS table
 * that names it (one IVHD type 0x10, segment 0, a range entry covering
 * every device id), its registers (device table, command buffer and event
 * log bases, control, head/tail pointers, status), the command buffer
 * run as the tail moves (COMPLETION_WAIT stores, invalidations counted,
 * anything else an ILLEGAL_COMMAND event), and the translation itself:
 * every device DMA the 82576 model makes goes through it, walking the
 * device table entry and the v1 I/O page tables in the fake's DMA memory,
 * and logging an IO_PAGE_FAULT (device id, address, RW as silicon encodes
 * it) when the walk refuses. Freed with the fake world.
 */
#ifndef IGBTEST_FAKE_AMDVI_H
#define IGBTEST_FAKE_AMDVI_H

#include "fake_platform.h"

#define FAKE_AMDVI_BASE	0xfeb80000ull

struct fake_amdvi {
	struct fake_mmio *m;
	unsigned translated;    /* DMA accesses translated (IommuEn on) */
	unsigned faults;        /* refused accesses */
	unsigned overflows;     /* events lost: the log was full */
	unsigned inv_dte, inv_pages, completion_waits;
	bool stall;             /* commands are never run (a hung unit) */
	uint8_t ivrs[48 + 24 + 8];
};

/* One unit at base covering every PCI function; installs the IVRS table
 * and itself as the IOMMU in front of device DMA. */
struct fake_amdvi *fake_amdvi_add(uint64_t base);

#endif
