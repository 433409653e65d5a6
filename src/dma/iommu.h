/*
 * iommu.h - the DMA remapping mode a device's suite runs under, over
 * whichever remapping unit the firmware publishes (ACPI DMAR: Intel VT-d,
 * IVRS: AMD-Vi, IORT: Arm SMMUv3):
 *   off          no IOMMU touched; bus address = physical address
 *   passthrough  the unit on, the device passes through untranslated
 *   strict       the unit on, only our DMA buffers mapped (IOVA = physical);
 *                anything else the device touches faults
 * One device at a time; iommu_stop is safe to call at any point.
 */
#ifndef IGBTEST_IOMMU_H
#define IGBTEST_IOMMU_H

#include "dma/iommu_unit.h"

enum iommu_mode {
	IOMMU_OFF,
	IOMMU_PASSTHROUGH,
	IOMMU_STRICT,
	IOMMU_NMODES,
};

const char *iommu_mode_name(enum iommu_mode m);
/*
 * The unit driver for this host: the first of DMAR, IVRS, IORT the
 * firmware publishes, or NULL (why says so).
 */
const struct iommu_ops *iommu_host_unit(char *why, size_t n);
/* One line for the banner: which unit was found, or why none. */
void iommu_describe(char *buf, size_t n);
/* Enter mode m for dev; why says why not (a skip reason). */
int iommu_start(enum iommu_mode m, struct pci_bdf dev, const struct pci_inventory *inv,
		char *why, size_t n);
/* Back to off, with the hardware as the firmware had it. */
void iommu_stop(void);
enum iommu_mode iommu_current(void);
/* The unit in use ("AMD-Vi at 0xfed80000"), or "" when off. */
const char *iommu_unit_desc(void);
/* Time spent mapping and unmapping since iommu_start, as one line. */
void iommu_stats(char *buf, size_t n);
/* Translation faults (passthrough and strict only). */
bool iommu_fault_pending(void);
bool iommu_fault_take(struct iommu_fault *f);
/* The most faults one drain of the unit's log can return (0: no unit). */
unsigned iommu_fault_records(void);
/* The id the unit in use records for a function (off: its requester id). */
uint32_t iommu_sid(struct pci_bdf b);
/*
 * Translation table pages (VT-d root, context and page tables; AMD-Vi
 * device table and page tables) in use now, and *peak: the most since the
 * previous call (a soak checks neither grows).
 */
unsigned iommu_table_pages_take(unsigned *peak);

#endif
