/*
 * iommu.h - the DMA remapping mode a device's suite runs under, over
 * whichever remapping unit the firmware publishes (ACPI DMAR: Intel VT-d,
 * IVRS: AMD-Vi, IORT: Arm SMMUv3):
 *   off          no IOMMU touched; bus address = physical address
 *   passthrough  the unit on, the device passes through untranslated
 *   strict       the unit on, only our DMA buffers mapped (IOVA = physical);
 *                anything else the device touches faults
 * Several devices at once, each in a domain of its own, on the unit that
 * serves it; a unit is taken over when its first device enters a mode
 * that translates and given back when its last leaves. "off" is no unit
 * at all: the caller never has a device in off while another is in a
 * mode that translates (suite.c's mode phases). iommu_stop is safe to
 * call at any point.
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
/*
 * Enter mode m for dev (off: nothing to do); why says why not (a skip
 * reason). dev has no DMA in flight; the other devices' DMA goes on.
 */
int iommu_start(enum iommu_mode m, struct pci_bdf dev, const struct pci_inventory *inv,
		char *why, size_t n);
/* dev back to off (no DMA in flight); its unit given back if it was the last. */
void iommu_end(struct pci_bdf dev);
/* Every device back to off, with the hardware as the firmware had it. */
void iommu_stop(void);
enum iommu_mode iommu_mode(struct pci_bdf dev);
/* dev's unit ("AMD-Vi at 0xfed80000, id 0x100"), or "" when off. */
const char *iommu_unit_desc(struct pci_bdf dev);
/* dev's mapping and unmapping time since it entered its mode, as one line. */
void iommu_stats(struct pci_bdf dev, char *buf, size_t n);
/*
 * dev's translation faults (passthrough and strict only), by the id its
 * unit records for it: another device's faults are kept for that device,
 * never returned here.
 */
bool iommu_fault_pending(struct pci_bdf dev);
bool iommu_fault_take(struct pci_bdf dev, struct iommu_fault *f);
/* Every fault of dev's that its unit's log and store hold, dropped: how many. */
unsigned iommu_fault_discard(struct pci_bdf dev);
/* Faults from ids with no domain (not a device under test) that dev's
 * unit's log gave so far (0: off). */
unsigned iommu_strays(struct pci_bdf dev);
/* The most faults one drain of dev's unit's log can return (0: off). */
unsigned iommu_fault_records(struct pci_bdf dev);
/* The id b's unit records for it (not in a mode that translates: its
 * requester id). */
uint32_t iommu_sid(struct pci_bdf b);
/*
 * Translation table pages (VT-d root, context and page tables; AMD-Vi
 * device table and page tables; SMMUv3 stream and page tables) in use
 * now, and *peak: the most since the previous call (a soak checks
 * neither grows).
 */
unsigned iommu_table_pages_take(unsigned *peak);

#endif
