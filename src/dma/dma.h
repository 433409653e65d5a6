/*
 * dma.h - identity-mapped DMA buffers for one device, tracked.
 *
 * Every buffer the NIC may touch comes from here, so "is this ours?" has
 * one answer (dma_lookup) and exit can free everything (dma_free_all).
 */
#ifndef IGBTEST_DMA_H
#define IGBTEST_DMA_H

#include "platform.h"

#define DMA_MAX_BUFS 64

/* Flags for dma_alloc_flags. */
enum dma_flags {
	DMA_UNMAPPED = 1 << 0, /* never given to the IOMMU: tables, fault targets */
	DMA_UNBACKED = 1 << 1, /* an address with nothing behind it: never
				* read or written by the CPU, never freed */
	DMA_HIGH = 1 << 2,     /* above 4 GiB (plat_dma_alloc_high) */
};

struct dma_buf {
	void *cpu;
	uint64_t bus; /* == (uintptr_t)cpu: checked at allocation */
	size_t size;  /* what was asked for */
	struct pci_bdf dev;
	struct dma_mem mem;
	unsigned flags;
	bool used;
};

/*
 * The IOMMU layer's hook: every buffer a device may reach is mapped for
 * that device (the one it was allocated for) when allocated, or when the
 * device enters a mode that translates (dma_map_held), and unmapped when
 * freed.
 */
struct dma_mapper {
	int (*map)(void *ctx, struct pci_bdf dev, uint64_t bus, size_t size);
	void (*unmap)(void *ctx, struct pci_bdf dev, uint64_t bus, size_t size);
	void *ctx;
};
/* Install m (NULL: none). */
void dma_set_mapper(const struct dma_mapper *m);
/* Map every buffer dev holds through the hook installed. */
int dma_map_held(struct pci_bdf dev);

/* Allocate size bytes (page aligned, zeroed) that dev can reach. */
int dma_alloc(struct pci_bdf dev, size_t size, struct dma_buf **out);
int dma_alloc_flags(struct pci_bdf dev, size_t size, unsigned flags,
		    struct dma_buf **out);
void dma_free(struct dma_buf *b);
/*
 * Track [addr, addr+size), which plat_unbacked_range proved has nothing
 * behind it, as a DMA fault target: DMA_UNBACKED | DMA_UNMAPPED. cpu is
 * the identity pointer, which must never be dereferenced.
 */
int dma_adopt_unbacked(struct pci_bdf dev, uint64_t addr, size_t size,
		       struct dma_buf **out);
/*
 * Free every buffer still held (all devices); returns how many. For the
 * host fakes' reset between tests only: the product frees each buffer where
 * it took it, and deliberately keeps a page a device may still write (the
 * MSI-X page under a pending PBA bit), which this would free.
 */
unsigned dma_free_all(void);
/*
 * What the buffers hold of the machine (a soak checks it does not grow):
 * now, and the most at any moment since the previous call (whose figures
 * start the next period). Pages are the platform's (whole pages); a fault
 * target adopted with dma_adopt_unbacked holds no memory and counts none.
 */
struct dma_usage {
	unsigned buffers, peak_buffers;
	uint64_t pages, peak_pages;
};
struct dma_usage dma_usage_take(void);
/*
 * The buffer that wholly contains [p, p+len), or NULL: DMA may only ever
 * be pointed at memory this returns a buffer for.
 */
struct dma_buf *dma_lookup(const void *p, size_t len);
/* Bus address of p inside b. */
static inline uint64_t dma_bus(const struct dma_buf *b, const void *p)
{
	return b->bus + (uint64_t)((const uint8_t *)p - (const uint8_t *)b->cpu);
}

#endif
