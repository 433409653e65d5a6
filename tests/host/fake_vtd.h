/*
 * fake_vtd.h - an Intel VT-d remapping unit for the host tests: the ACPI
 * DMAR table that names it (one DRHD, INCLUDE_PCI_ALL, segment 0), its
 * registers (global command/status handshakes, root table pointer latched
 * by SRTP, context and IOTLB invalidation that complete at once, the
 * primary fault log), and the translation itself: every device DMA the
 * 82576 model makes goes through it (fake_set_iommu), walking the legacy
 * root and context tables and the second-level page tables in the fake's
 * DMA memory, and recording a fault (source id, page, read/write, reason)
 * when the walk refuses. Freed with the fake world.
 */
#ifndef IGBTEST_FAKE_VTD_H
#define IGBTEST_FAKE_VTD_H

#include "fake_platform.h"

#define FAKE_VTD_BASE	0xfed90000ull
#define FAKE_VTD_NFR	4	/* fault recording registers, at most */

struct fake_vtd {
	struct fake_mmio *m;
	uint64_t rtaddr;        /* the root table in use (SRTP latched it) */
	unsigned translated;    /* DMA accesses translated (TE on) */
	unsigned faults;        /* refused accesses */
	unsigned overflows;     /* faults lost: the next record full, or PFO set */
	/* Of those, lost while no record held one of the same requester's:
	 * a device whose fault the others' crowded out. */
	unsigned crowded_out;
	unsigned nfr;           /* records in use (CAP.NFR + 1): fake_vtd_set_nfr */
	/* A refused access is logged this long after it happened (0: at
	 * once), as a unit whose fault recording trails the DMA it refused;
	 * the device's later writes (a DD write-back) are not held back. */
	uint64_t record_delay_us;
	/* A device not under test (stray_sid) faults just before the next
	 * refused access of stray_before (fake_vtd_stray_before). */
	uint16_t stray_sid, stray_before;
	bool stray_armed;
	struct {
		uint64_t due_us;
		uint64_t addr;
		uint16_t sid;
		uint8_t reason;
		bool write, used;
	} late[FAKE_VTD_NFR];
};

/* One unit at base, covering every PCI function; installs the DMAR table
 * and itself as the IOMMU in front of device DMA. */
struct fake_vtd *fake_vtd_add(uint64_t base);
/* n (1 to FAKE_VTD_NFR) fault recording registers, as CAP.NFR says
 * (QEMU 10's intel-iommu has one). */
void fake_vtd_set_nfr(struct fake_vtd *u, unsigned n);
/* Once: a write fault from stray_sid (a function not under test, DMA to
 * nothing) recorded just before the next fault of sid, which with one
 * record it crowds out. */
void fake_vtd_stray_before(struct fake_vtd *u, uint16_t stray_sid, uint16_t sid);

#endif
