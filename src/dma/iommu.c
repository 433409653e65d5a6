/* iommu.c - DMA remapping modes over one VT-d unit (see iommu.h). */
#include "dma/iommu.h"

static struct {
	enum iommu_mode mode;
	struct vtd_unit unit;
} io;

const char *iommu_mode_name(enum iommu_mode m)
{
	switch (m) {
	case IOMMU_OFF: return "off";
	case IOMMU_PASSTHROUGH: return "passthrough";
	case IOMMU_STRICT: return "strict";
	default: return "?";
	}
}

static int map(void *ctx, uint64_t bus, size_t size)
{
	return vtd_map(ctx, bus, size);
}

static void unmap(void *ctx, uint64_t bus, size_t size)
{
	vtd_unmap(ctx, bus, size);
}

static const struct dma_mapper vtd_mapper = { map, unmap, &io.unit };

int iommu_start(enum iommu_mode m, struct pci_bdf dev, const struct pci_inventory *inv,
		char *why, size_t n)
{
	int rc;

	iommu_stop();
	if (m == IOMMU_OFF)
		return RC_OK;
	rc = vtd_find(&io.unit, dev, why, n);
	if (!rc)
		rc = vtd_start(&io.unit, dev, m == IOMMU_STRICT, inv, why, n);
	if (rc)
		return rc;
	io.mode = m;
	/* Strict: every buffer the device may reach is mapped, from now on. */
	if (m == IOMMU_STRICT && (rc = dma_set_mapper(&vtd_mapper))) {
		iommu_stop();
		return rc;
	}
	return RC_OK;
}

void iommu_stop(void)
{
	dma_set_mapper(NULL);
	vtd_stop(&io.unit);
	io.mode = IOMMU_OFF;
}

enum iommu_mode iommu_current(void)
{
	return io.mode;
}

bool iommu_fault_pending(void)
{
	return io.mode != IOMMU_OFF && vtd_fault_pending(&io.unit);
}

bool iommu_fault_take(struct vtd_fault *f)
{
	return io.mode != IOMMU_OFF && vtd_fault_take(&io.unit, f);
}

uint16_t iommu_sid(struct pci_bdf b)
{
	return (uint16_t)(b.bus << 8 | b.dev << 3 | b.fn);
}
