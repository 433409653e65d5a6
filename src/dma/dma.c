/* dma.c - identity-mapped DMA buffers, tracked (see dma.h). */
#include "dma/dma.h"

#include "pci/pci.h"

static struct dma_buf bufs[DMA_MAX_BUFS];
static const struct dma_mapper *mapper;
/* The current period's peaks (dma_usage_take). */
static struct dma_usage usage_peak;

static uint64_t pages_of(const struct dma_buf *b)
{
	return b->used && !(b->flags & DMA_UNBACKED) ? b->mem.size / PLAT_PAGE_SIZE : 0;
}

static struct dma_usage usage_now(void)
{
	struct dma_usage u = { 0 };

	for (unsigned i = 0; i < DMA_MAX_BUFS; i++) {
		u.buffers += bufs[i].used && !(bufs[i].flags & DMA_UNBACKED);
		u.pages += pages_of(&bufs[i]);
	}
	return u;
}

/* After every allocation: the period's peaks follow. */
static void usage_note(void)
{
	struct dma_usage u = usage_now();

	if (u.buffers > usage_peak.peak_buffers)
		usage_peak.peak_buffers = u.buffers;
	if (u.pages > usage_peak.peak_pages)
		usage_peak.peak_pages = u.pages;
}

struct dma_usage dma_usage_take(void)
{
	struct dma_usage u = usage_now();

	u.peak_buffers = usage_peak.peak_buffers > u.buffers ? usage_peak.peak_buffers :
							       u.buffers;
	u.peak_pages = usage_peak.peak_pages > u.pages ? usage_peak.peak_pages : u.pages;
	usage_peak = (struct dma_usage){ .peak_buffers = u.buffers, .peak_pages = u.pages };
	return u;
}

static bool mappable(const struct dma_buf *b)
{
	return b->used && !(b->flags & DMA_UNMAPPED);
}

void dma_set_mapper(const struct dma_mapper *m)
{
	mapper = m;
}

int dma_map_held(struct pci_bdf dev)
{
	for (unsigned i = 0; mapper && i < DMA_MAX_BUFS; i++) {
		if (!mappable(&bufs[i]) || !pci_bdf_eq(bufs[i].dev, dev))
			continue;
		int rc = mapper->map(mapper->ctx, dev, bufs[i].bus, bufs[i].mem.size);
		if (rc)
			return rc;
	}
	return RC_OK;
}

int dma_alloc(struct pci_bdf dev, size_t size, struct dma_buf **out)
{
	return dma_alloc_flags(dev, size, 0, out);
}

int dma_alloc_flags(struct pci_bdf dev, size_t size, unsigned flags,
		    struct dma_buf **out)
{
	struct dma_buf *b = NULL;
	int rc;

	*out = NULL;
	if (!size)
		return RC_EINVAL;
	for (unsigned i = 0; i < DMA_MAX_BUFS && !b; i++)
		if (!bufs[i].used)
			b = &bufs[i];
	if (!b)
		return RC_ENOMEM;
	rc = (flags & DMA_HIGH) ? plat_dma_alloc_high(dev, size, &b->mem) :
				  plat_dma_alloc(dev, size, &b->mem);
	if (rc)
		return rc;
	/* Descriptors carry CPU addresses: anything but identity is unusable. */
	if (b->mem.bus != (uint64_t)(uintptr_t)b->mem.cpu) {
		plat_dma_free(&b->mem);
		return RC_ENOTSUP;
	}
	b->cpu = b->mem.cpu;
	b->bus = b->mem.bus;
	b->size = size;
	b->dev = dev;
	b->flags = flags;
	b->used = true;
	usage_note();
	if (mapper && mappable(b)) {
		rc = mapper->map(mapper->ctx, b->dev, b->bus, b->mem.size);
		if (rc) {
			dma_free(b);
			return rc;
		}
	}
	*out = b;
	return RC_OK;
}

int dma_adopt_unbacked(struct pci_bdf dev, uint64_t addr, size_t size,
		       struct dma_buf **out)
{
	*out = NULL;
	for (unsigned i = 0; i < DMA_MAX_BUFS; i++) {
		struct dma_buf *b = &bufs[i];
		if (b->used)
			continue;
		*b = (struct dma_buf){ .cpu = (void *)(uintptr_t)addr, .bus = addr,
				       .size = size, .dev = dev, .used = true,
				       .flags = DMA_UNBACKED | DMA_UNMAPPED };
		b->mem.size = size;
		*out = b;
		return RC_OK;
	}
	return RC_ENOMEM;
}

void dma_free(struct dma_buf *b)
{
	if (!b || !b->used)
		return;
	if (mapper && mappable(b))
		mapper->unmap(mapper->ctx, b->dev, b->bus, b->mem.size);
	if (!(b->flags & DMA_UNBACKED))
		plat_dma_free(&b->mem);
	*b = (struct dma_buf){ 0 };
}

unsigned dma_free_all(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < DMA_MAX_BUFS; i++) {
		if (bufs[i].used) {
			dma_free(&bufs[i]);
			n++;
		}
	}
	return n;
}

struct dma_buf *dma_lookup(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	for (unsigned i = 0; i < DMA_MAX_BUFS; i++) {
		uintptr_t base = (uintptr_t)bufs[i].cpu;
		if (bufs[i].used && a >= base && len <= bufs[i].size &&
		    a - base <= bufs[i].size - len)
			return &bufs[i];
	}
	return NULL;
}
