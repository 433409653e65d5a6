/*
 * iommu.h - the DMA remapping mode a device's suite runs under:
 *   off          no IOMMU touched; bus address = physical address
 *   passthrough  VT-d on, the device passes through untranslated
 *   strict       VT-d on, only our DMA buffers mapped (IOVA = physical);
 *                anything else the device touches faults
 * One device at a time; iommu_stop is safe to call at any point.
 */
#ifndef IGBTEST_IOMMU_H
#define IGBTEST_IOMMU_H

#include "dma/vtd.h"

enum iommu_mode {
	IOMMU_OFF,
	IOMMU_PASSTHROUGH,
	IOMMU_STRICT,
	IOMMU_NMODES,
};

const char *iommu_mode_name(enum iommu_mode m);
/* Enter mode m for dev; why says why not (a skip reason). */
int iommu_start(enum iommu_mode m, struct pci_bdf dev, const struct pci_inventory *inv,
		char *why, size_t n);
/* Back to off, with the hardware as the firmware had it. */
void iommu_stop(void);
enum iommu_mode iommu_current(void);
/* Translation faults (VT-d modes only). */
bool iommu_fault_pending(void);
bool iommu_fault_take(struct vtd_fault *f);
/* Requester id of a function, as the IOMMU records it. */
uint16_t iommu_sid(struct pci_bdf b);

#endif
