/*
 * fake_platform.c - MMIO, time, DMA and output for the host build, and the
 * per-test reset (the PCI world is in fake_pci.c).
 */
#include "fake_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dma/dma.h"
#include "dma/iommu.h"
#include "pci/pci_regs.h"
#include "pci/sriov.h"

#define FAKE_MAX_MMIO 32
#define FAKE_MAX_DMA 256
/* plat_now_us calls without time passing before we call it a hang. */
#define FAKE_MAX_IDLE_POLLS 1000000u
#define FAKE_MAX_TICKS 16

static struct fake_mmio *mmio[FAKE_MAX_MMIO];
static unsigned nmmio;

static uint64_t now_us;
static unsigned idle_polls;

static struct {
	void (*fn)(void *ctx);
	void *ctx;
} ticks[FAKE_MAX_TICKS];
static unsigned nticks;

static struct dma_mem dma[FAKE_MAX_DMA];
static unsigned ndma_live, ndma_total, dma_fail;
static size_t dma_cap, dma_live_bytes;

static char **lines;
static unsigned nlines, lines_cap;

/* ---- MMIO ---- */

static void mmio_reset(void)
{
	for (unsigned i = 0; i < nmmio; i++) {
		if (mmio[i]->own_priv)
			free(mmio[i]->priv);
		free(mmio[i]->regs);
		free(mmio[i]);
	}
	nmmio = 0;
}

struct fake_mmio *fake_mmio_add(uint64_t base, uint64_t size)
{
	struct fake_mmio *m;

	if (nmmio == FAKE_MAX_MMIO || !size || (size & 3) || (base & 3))
		harness_fatal(__FILE__, __LINE__, "fake_mmio_add(0x%llx, 0x%llx) refused",
			      (unsigned long long)base, (unsigned long long)size);
	m = calloc(1, sizeof(*m));
	if (m)
		m->regs = calloc(size / 4, sizeof(uint32_t));
	if (!m || !m->regs)
		harness_fatal(__FILE__, __LINE__, "fake_mmio_add: out of memory");
	m->base = base;
	m->size = size;
	mmio[nmmio++] = m;
	return m;
}

struct fake_mmio *fake_mmio_nth(unsigned i)
{
	return i < nmmio ? mmio[i] : NULL;
}

/* The region holding a 4-byte access at addr; ends the test if none. */
static struct fake_mmio *mmio_find(uint64_t addr, const char *what)
{
	if (addr & 3)
		harness_fatal(__FILE__, __LINE__, "misaligned MMIO %s at 0x%llx", what,
			      (unsigned long long)addr);
	for (unsigned i = 0; i < nmmio; i++)
		if (addr >= mmio[i]->base && addr - mmio[i]->base < mmio[i]->size)
			return mmio[i];
	harness_fatal(__FILE__, __LINE__, "MMIO %s at 0x%llx hits no fake region", what,
		      (unsigned long long)addr);
}

static bool mmio_decodes(const struct fake_mmio *m)
{
	const struct fake_fn *o = m->owner;

	return !o || (!o->all_ones && !o->no_decode && (fake_get16(o, PCI_COMMAND) & PCI_COMMAND_MEMORY) &&
		      (!m->at_bar || fake_bar_addr(o, m->bar) == m->base));
}

uint32_t plat_mmio_read32(uint64_t addr)
{
	struct fake_mmio *m = mmio_find(addr, "read");
	uint32_t off = (uint32_t)(addr - m->base);

	if (!mmio_decodes(m)) {
		m->undecoded++;
		return m->owner && m->owner->all_ones && m->gone_reads_zero ? 0 : 0xffffffffu;
	}
	m->reads++;
	return m->read ? m->read(m, off) : m->regs[off / 4];
}

void plat_mmio_write32(uint64_t addr, uint32_t val)
{
	struct fake_mmio *m = mmio_find(addr, "write");
	uint32_t off = (uint32_t)(addr - m->base);

	if (!mmio_decodes(m)) {
		m->undecoded++;
		return;
	}
	m->writes++;
	if (m->write)
		m->write(m, off, val);
	else
		m->regs[off / 4] = val;
}

/* 64-bit accesses as two 32-bit ones, low half first (little endian). */
uint64_t plat_mmio_read64(uint64_t addr)
{
	uint64_t lo = plat_mmio_read32(addr);

	return lo | (uint64_t)plat_mmio_read32(addr + 4) << 32;
}

void plat_mmio_write64(uint64_t addr, uint64_t val)
{
	plat_mmio_write32(addr, (uint32_t)val);
	plat_mmio_write32(addr + 4, (uint32_t)(val >> 32));
}

/* Host memory is coherent with everything the fakes do. */
void plat_cache_flush(const void *p, size_t len)
{
	(void)p;
	(void)len;
}

/* Barriers: the host build is one thread, so a compiler barrier is all. */
void plat_wmb(void)
{
	__asm__ volatile("" ::: "memory");
}

void plat_rmb(void)
{
	__asm__ volatile("" ::: "memory");
}

/* ---- time ---- */

void plat_udelay(uint32_t us)
{
	now_us += us;
	idle_polls = 0;
	for (unsigned i = 0; i < nticks; i++)
		ticks[i].fn(ticks[i].ctx);
}

void fake_on_tick(void (*fn)(void *ctx), void *ctx)
{
	if (nticks == FAKE_MAX_TICKS)
		harness_fatal(__FILE__, __LINE__, "fake_on_tick: more than %d hooks",
			      FAKE_MAX_TICKS);
	ticks[nticks].fn = fn;
	ticks[nticks].ctx = ctx;
	nticks++;
}

uint64_t plat_now_us(void)
{
	if (++idle_polls > FAKE_MAX_IDLE_POLLS)
		harness_fatal(__FILE__, __LINE__, "plat_now_us polled %u times with no "
			      "plat_udelay: a wait that never sleeps?", FAKE_MAX_IDLE_POLLS);
	return now_us;
}

uint64_t fake_now_us(void)
{
	return now_us;
}

/* ---- DMA ---- */

/* fake_dma_recycle: freed memory kept for reuse (cpu NULL: empty). */
static struct {
	bool on;
	struct dma_mem kept[FAKE_MAX_DMA];
} recycle;

static bool dma_high_none;
static unsigned dma_high_total;

static void dma_reset(void)
{
	for (unsigned i = 0; i < FAKE_MAX_DMA; i++) {
		free(dma[i].cpu);
		dma[i] = (struct dma_mem){ 0 };
		free(recycle.kept[i].cpu);
		recycle.kept[i] = (struct dma_mem){ 0 };
	}
	recycle.on = false;
	ndma_live = ndma_total = dma_fail = 0;
	dma_high_none = false;
	dma_high_total = 0;
	dma_cap = dma_live_bytes = 0;
}

void fake_dma_recycle(void)
{
	recycle.on = true;
}

/* The lowest-addressed kept block of exactly size bytes, taken, or NULL:
 * a choice that depends only on which blocks are kept, not on the order
 * they were freed in. */
static void *recycled(size_t size)
{
	struct dma_mem *best = NULL;
	void *p;

	for (unsigned i = 0; recycle.on && i < FAKE_MAX_DMA; i++)
		if (recycle.kept[i].cpu && recycle.kept[i].size == size &&
		    (!best || recycle.kept[i].bus < best->bus))
			best = &recycle.kept[i];
	if (!best)
		return NULL;
	p = best->cpu;
	*best = (struct dma_mem){ 0 };
	return p;
}

static void dma_release(void *p, size_t size)
{
	for (unsigned i = 0; recycle.on && i < FAKE_MAX_DMA; i++) {
		if (!recycle.kept[i].cpu) {
			recycle.kept[i] = (struct dma_mem){ p, (uint64_t)(uintptr_t)p, size, NULL };
			return;
		}
	}
	free(p);
}

/* The fake machine's memory: what DMA allocations have not taken. */
#define FAKE_MEMORY_BYTES (1ull << 30)

uint64_t plat_free_memory(void)
{
	uint64_t used = 0;

	for (unsigned i = 0; i < FAKE_MAX_DMA; i++)
		used += dma[i].cpu ? dma[i].size : 0;
	return FAKE_MEMORY_BYTES - used;
}

int plat_dma_alloc(struct pci_bdf dev, size_t bytes, struct dma_mem *mem)
{
	size_t size = (bytes + PLAT_PAGE_SIZE - 1) / PLAT_PAGE_SIZE * PLAT_PAGE_SIZE;
	unsigned slot;

	if (!bytes)
		return RC_EINVAL;
	if (!fake_fn_find(dev))
		return RC_ENODEV;
	if (dma_fail) {
		dma_fail--;
		return RC_ENOMEM;
	}
	if (dma_cap && dma_live_bytes + size > dma_cap)
		return RC_ENOMEM;
	for (slot = 0; slot < FAKE_MAX_DMA && dma[slot].cpu; slot++)
		;
	if (slot == FAKE_MAX_DMA)
		return RC_ENOMEM;
	void *p = recycled(size);
	if (!p)
		p = aligned_alloc(PLAT_PAGE_SIZE, size);
	if (!p)
		return RC_ENOMEM;
	memset(p, 0, size);
	dma[slot] = (struct dma_mem){ p, (uint64_t)(uintptr_t)p, size, &dma[slot] };
	*mem = dma[slot];
	dma_live_bytes += size;
	ndma_live++;
	ndma_total++;
	return RC_OK;
}

void fake_dma_high_none(bool none)
{
	dma_high_none = none;
}

unsigned fake_dma_high_allocations(void)
{
	return dma_high_total;
}

/* The host's heap is above 4 GiB: an ordinary allocation, checked. */
int plat_dma_alloc_high(struct pci_bdf dev, size_t bytes, struct dma_mem *mem)
{
	int rc;

	if (dma_high_none)
		return RC_ENOTSUP;
	rc = plat_dma_alloc(dev, bytes, mem);
	if (!rc && mem->bus < PLAT_DMA_HIGH_BASE)
		harness_fatal(__FILE__, __LINE__, "host memory at 0x%llx is below 4 GiB",
			      (unsigned long long)mem->bus);
	dma_high_total += !rc;
	return rc;
}

void plat_dma_free(struct dma_mem *mem)
{
	for (unsigned i = 0; i < FAKE_MAX_DMA; i++) {
		if (!mem->cpu || dma[i].cpu != mem->cpu)
			continue;
		if (mem->priv != &dma[i] || mem->size != dma[i].size)
			harness_fatal(__FILE__, __LINE__, "plat_dma_free: descriptor of %p "
				      "was altered", mem->cpu);
		dma_release(dma[i].cpu, dma[i].size);
		dma_live_bytes -= dma[i].size;
		dma[i] = (struct dma_mem){ 0 };
		ndma_live--;
		*mem = (struct dma_mem){ 0 };
		return;
	}
	harness_fatal(__FILE__, __LINE__, "plat_dma_free(%p): not a live allocation",
		      mem->cpu);
}

unsigned fake_dma_outstanding(void)
{
	return ndma_live;
}

unsigned fake_dma_allocations(void)
{
	return ndma_total;
}

void fake_dma_fail_next(unsigned n)
{
	dma_fail = n;
}

void fake_dma_cap(size_t bytes)
{
	dma_cap = bytes;
}

void *fake_dma_ptr(uint64_t bus, size_t len)
{
	for (unsigned i = 0; i < FAKE_MAX_DMA; i++) {
		if (dma[i].cpu && bus >= dma[i].bus && len <= dma[i].size &&
		    bus - dma[i].bus <= dma[i].size - len)
			return (uint8_t *)dma[i].cpu + (bus - dma[i].bus);
	}
	return NULL;
}

static fake_iommu_fn iommu;
static void *iommu_ctx;

void fake_set_iommu(fake_iommu_fn translate, void *ctx)
{
	iommu = translate;
	iommu_ctx = ctx;
}

bool fake_dma_translate(uint16_t sid, uint64_t addr, size_t len, bool write,
			uint64_t *out)
{
	if (iommu)
		return iommu(iommu_ctx, sid, addr, len, write, out);
	*out = addr;
	return true;
}

/* ---- output ---- */

/* plat_write_sync(): lines made durable, and how many calls. */
static unsigned synced_lines, syncs;
/* The line plat_write has begun but not yet ended. */
static char *part;
static size_t part_len, part_cap;
/* fake_on_output: told of each line as it is written. */
static void (*line_hook)(const char *line, void *ctx);
static void *line_hook_ctx;
/* plat_write_held: what each slot holds on the "disk"; calls. */
static char *held[PLAT_HELD_SLOTS];
static unsigned held_calls;
/* fake_on_sync: told after each plat_write_sync and plat_write_held. */
static void (*sync_hook)(void *ctx);
static void *sync_hook_ctx;

void fake_on_sync(void (*fn)(void *ctx), void *ctx)
{
	sync_hook = fn;
	sync_hook_ctx = ctx;
}

void fake_on_output(void (*fn)(const char *line, void *ctx), void *ctx)
{
	line_hook = fn;
	line_hook_ctx = ctx;
}

static void output_reset(void)
{
	free(part);
	part = NULL;
	part_len = part_cap = 0;
	for (unsigned i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	lines = NULL;
	nlines = lines_cap = 0;
	synced_lines = syncs = 0;
	line_hook = NULL;
	for (unsigned i = 0; i < PLAT_HELD_SLOTS; i++) {
		free(held[i]);
		held[i] = NULL;
	}
	held_calls = 0;
	sync_hook = NULL;
}

static void add_line(const char *s, size_t len)
{
	if (nlines == lines_cap) {
		lines_cap = lines_cap ? 2 * lines_cap : 64;
		lines = realloc(lines, lines_cap * sizeof(*lines));
		if (!lines)
			harness_fatal(__FILE__, __LINE__, "output: out of memory");
	}
	char *l = malloc(len + 1);
	if (!l)
		harness_fatal(__FILE__, __LINE__, "output: out of memory");
	memcpy(l, s, len);
	l[len] = '\0';
	lines[nlines++] = l;
	if (line_hook)
		line_hook(l, line_hook_ctx);
}

/* The platform.h contract: printable ASCII lines (a long one in pieces). */
static void write_check(const char *s, size_t len)
{
	if (!len)
		harness_fatal(__FILE__, __LINE__, "plat_write: nothing to write");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '\n' && (c < 0x20 || c > 0x7e))
			harness_fatal(__FILE__, __LINE__, "plat_write: byte 0x%02x at %zu "
				      "in \"%.*s\"", c, i, (int)len - 1, s);
	}
}

/* Nothing is proven unbacked on the fake machine unless a test says so. */
#define FAKE_UNBACKED_SIZE 0x10000u
static uint64_t unbacked;

void fake_set_unbacked(uint64_t addr)
{
	unbacked = addr;
}

bool fake_dma_unbacked(uint64_t bus, size_t len)
{
	return unbacked && bus >= unbacked && len <= FAKE_UNBACKED_SIZE &&
	       bus - unbacked <= FAKE_UNBACKED_SIZE - len;
}

int plat_unbacked_range(uint64_t size, uint64_t *addr)
{
	if (!unbacked || size > FAKE_UNBACKED_SIZE)
		return RC_ENOTSUP;
	*addr = unbacked;
	return RC_OK;
}

/* No ACPI tables unless a test installs one. */
static const void *fake_acpi;
static char fake_acpi_sig[4];

void fake_set_acpi_table(const char sig[4], const void *table)
{
	memcpy(fake_acpi_sig, sig, 4);
	fake_acpi = table;
}

void fake_acpi_checksum(uint8_t *t)
{
	uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;
	uint8_t sum = 0;

	t[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
}

const void *plat_acpi_table(const char sig[4])
{
	return fake_acpi && !memcmp(sig, fake_acpi_sig, 4) ? fake_acpi : NULL;
}

void plat_write(const char *s, size_t len)
{
	write_check(s, len);
	if (getenv("IGBTEST_ECHO"))
		fwrite(s, 1, len, stdout);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			add_line(part ? part : "", part_len);
			part_len = 0;
			continue;
		}
		if (part_len == part_cap) {
			part_cap = part_cap ? 2 * part_cap : 256;
			part = realloc(part, part_cap);
			if (!part)
				harness_fatal(__FILE__, __LINE__, "output: out of memory");
		}
		part[part_len++] = s[i];
	}
}

void plat_write_sync(void)
{
	if (part_len)
		harness_fatal(__FILE__, __LINE__, "plat_write_sync in the middle of a "
			      "line (\"%.*s\")", (int)part_len, part);
	synced_lines = nlines;
	syncs++;
	if (sync_hook)
		sync_hook(sync_hook_ctx);
}

/* The platform.h contract: a slot of ours, whole printable lines. */
void plat_write_held(unsigned slot, const char *s, size_t len)
{
	if (slot >= PLAT_HELD_SLOTS)
		harness_fatal(__FILE__, __LINE__, "plat_write_held: slot %u", slot);
	if (len) {
		write_check(s, len);
		if (s[len - 1] != '\n')
			harness_fatal(__FILE__, __LINE__, "plat_write_held: ends mid-line");
	}
	free(held[slot]);
	held[slot] = NULL;
	if (len) {
		held[slot] = malloc(len + 1);
		if (!held[slot])
			harness_fatal(__FILE__, __LINE__, "held: out of memory");
		memcpy(held[slot], s, len);
		held[slot][len] = '\0';
	}
	held_calls++;
	/* A held slot emptied before its block is synced loses it. */
	if (sync_hook)
		sync_hook(sync_hook_ctx);
}

const char *fake_held(unsigned slot, unsigned *calls)
{
	if (calls)
		*calls = held_calls;
	return slot < PLAT_HELD_SLOTS && held[slot] ? held[slot] : "";
}

unsigned fake_output_synced(unsigned *calls)
{
	if (calls)
		*calls = syncs;
	return synced_lines;
}

unsigned fake_output_nlines(void)
{
	return nlines;
}

const char *fake_output_line(unsigned i)
{
	return i < nlines ? lines[i] : NULL;
}

int fake_output_find(const char *s, unsigned from)
{
	for (unsigned i = from; i < nlines; i++)
		if (!strcmp(lines[i], s))
			return (int)i;
	return -1;
}

bool fake_output_has(const char *s)
{
	return fake_output_find(s, 0) >= 0;
}

bool fake_output_contains(const char *sub)
{
	for (unsigned i = 0; i < nlines; i++)
		if (strstr(lines[i], sub))
			return true;
	return false;
}

void fake_output_dump(void)
{
	printf("    captured output (%u lines):\n", nlines);
	for (unsigned i = 0; i < nlines; i++)
		printf("    | %s\n", lines[i]);
}

/* ---- PCI memory apertures ---- */

#define FAKE_MAX_ROOT_MMIO 8
/* What plat_pci_root_mmio reports for every root; -1: RC_ENOTSUP. */
static struct plat_range root_mmio[FAKE_MAX_ROOT_MMIO];
static int nroot_mmio = -1;

void fake_root_mmio_set(const struct plat_range *r, int n)
{
	if (n > FAKE_MAX_ROOT_MMIO)
		harness_fatal(__FILE__, __LINE__, "fake_root_mmio_set: %d ranges", n);
	for (int i = 0; i < n; i++)
		root_mmio[i] = r[i];
	nroot_mmio = n;
}

int plat_pci_root_mmio(struct pci_bdf bdf, struct plat_range *out, int max)
{
	int n = 0;

	(void)bdf;
	if (nroot_mmio < 0)
		return RC_ENOTSUP;
	for (; n < nroot_mmio && n < max; n++)
		out[n] = root_mmio[n];
	return n;
}

/* ---- reset ---- */

void fake_reset(void)
{
	/* src/dma keeps a table of what it holds: empty it while the memory
	 * is still there, so no test inherits entries for freed memory. A
	 * unit a test left running goes first, its tables still there. */
	iommu_stop();
	dma_free_all();
	sriov_forget_pfs();
	fake_acpi = NULL;
	unbacked = 0;
	nticks = 0; /* before the models they call are freed */
	iommu = NULL;
	fake_pci_reset();
	mmio_reset();
	dma_reset();
	output_reset();
	now_us = 0;
	idle_polls = 0;
	nroot_mmio = -1;
}

__attribute__((constructor)) static void fake_fixture(void)
{
	harness_fixture(fake_reset, fake_reset);
}
