/*
 * fake_smmuv3.h - an Arm SMMUv3 for the host tests: the ACPI IORT table
 * that names it (a root complex for segment 0 whose requester ids map
 * one to one to stream ids of this SMMUv3 node), its registers (ID
 * registers, CR0/CR0ACK, stream table and queue bases, the command queue
 * run as PROD moves: CFGI and TLBI counted, CMD_SYNC, an unknown opcode a
 * CERROR_ILL), and the translation itself: every device DMA the 82576
 * model makes goes through it, walking the linear stream table, the
 * context descriptor and the stage-1 tables in the fake's DMA memory, and
 * recording an event (stream id, address, RnW) when the walk refuses.
 * Freed with the fake world.
 */
#ifndef IGBTEST_FAKE_SMMUV3_H
#define IGBTEST_FAKE_SMMUV3_H

#include "fake_platform.h"

#define FAKE_SMMUV3_BASE 0x09050000ull

struct fake_smmuv3 {
	struct fake_mmio *m;
	unsigned translated, faults, overflows;
	unsigned cfgi, tlbi, syncs;
	bool stall;             /* CR0ACK never follows CR0 (a hung unit) */
	uint8_t iort[48 + 56 + 68];
};

/* One SMMUv3 at base for segment 0; installs the IORT table and itself as
 * the IOMMU in front of device DMA. */
struct fake_smmuv3 *fake_smmuv3_add(uint64_t base);

#endif
