/*
 * fake_platform.h - src/platform.h on the host, against fakes.
 *
 * A PCI world of fake functions with 4 KiB config spaces and per-bit write
 * masks, a log of every config write, fake root buses, MMIO regions for
 * fake BARs, simulated time, tracked DMA memory and captured output.
 * Everything is reset before each test (harness fixture).
 */
#ifndef IGBTEST_FAKE_PLATFORM_H
#define IGBTEST_FAKE_PLATFORM_H

#include "harness.h"
#include "platform.h"

#define FAKE_CFG_SIZE 4096

/* One PCI function. cfg is what reads return; wmask says which bits a
 * config write may change (1 = writable); everything else is read-only. */
struct fake_fn {
	struct pci_bdf bdf;
	uint8_t cfg[FAKE_CFG_SIZE];
	uint8_t wmask[FAKE_CFG_SIZE];
	uint8_t w1cmask[FAKE_CFG_SIZE]; /* 1 = writing 1 clears the bit (status) */
	uint64_t bar_size[6];     /* what plat_pci_bar_size says; 0 = unknown */
	bool all_ones;            /* config reads all-ones (surprise removal) */
	bool rrs;                 /* with all_ones: the function answers
				   * Configuration RRS, and the root port (RRS
				   * Software Visibility) returns Vendor ID
				   * 0x0001 for it */
	bool no_decode;           /* its BARs decode nothing (D3hot) */
	bool bar_holds_ones[6];   /* BAR register last written with all-ones */
	unsigned decode_violations; /* writes leaving decode on over such a BAR */
	int enable_rc;            /* plat_pci_enable/disable refuse with it */
	uint8_t last_cap;         /* tail of the standard list (builders) */
	uint16_t last_ext_cap;    /* tail of the extended list (builders) */
	/* A device model's hook, called after each config write that reached
	 * the function (FLR, MSI-X control); NULL for plain fakes. */
	void (*cfg_written)(struct fake_fn *f, uint16_t off, unsigned width,
			    void *priv);
	void *cfg_priv;
	/* A firmware driver managing the function (plat_pci_claim): its
	 * name, whether it refuses to stop, and how often it was asked. */
	const char *driver;
	bool driver_refuses;
	unsigned claims;
};

/* One logged config write. */
struct fake_cfg_write {
	struct pci_bdf bdf;
	uint16_t off;
	unsigned width;
	uint32_t val;
	uint16_t cmd; /* COMMAND just before the write (0xffff if absent) */
};

/* Reset the whole world (the harness does this before every test). */
void fake_reset(void);
/* The PCI part of fake_reset (fake_pci.c). */
void fake_pci_reset(void);

/* ---- PCI functions ---- */
struct fake_fn *fake_fn_add(uint8_t bus, uint8_t dev, uint8_t fn);
struct fake_fn *fake_fn_add_bdf(struct pci_bdf bdf);
struct fake_fn *fake_fn_find(struct pci_bdf bdf);
struct pci_bdf fake_bdf(uint8_t bus, uint8_t dev, uint8_t fn);
bool fake_bdf_eq(struct pci_bdf a, struct pci_bdf b);

/* Raw config access for setting up and inspecting fakes: not logged,
 * ignores write masks and all_ones. */
void fake_set8(struct fake_fn *f, uint16_t off, uint8_t v);
void fake_set16(struct fake_fn *f, uint16_t off, uint16_t v);
void fake_set32(struct fake_fn *f, uint16_t off, uint32_t v);
uint8_t fake_get8(const struct fake_fn *f, uint16_t off);
uint16_t fake_get16(const struct fake_fn *f, uint16_t off);
uint32_t fake_get32(const struct fake_fn *f, uint16_t off);
/* Make bits of a 1, 2 or 4 byte register writable by config writes. */
void fake_writable(struct fake_fn *f, uint16_t off, unsigned width, uint32_t mask);
/* Make bits write-1-to-clear (error status registers). */
void fake_w1c(struct fake_fn *f, uint16_t off, unsigned width, uint32_t mask);
/* Set bits of a 1, 2 or 4 byte register, raw as fake_set* (a status bit
 * the device raises). */
void fake_or(struct fake_fn *f, uint16_t off, unsigned width, uint32_t bits);

void fake_fn_ids(struct fake_fn *f, uint16_t vendor, uint16_t device,
		 uint32_t class_code, uint8_t revision);
void fake_fn_multifunction(struct fake_fn *f);
/* The address memory BAR bar holds now (both halves of a 64-bit one). */
uint64_t fake_bar_addr(const struct fake_fn *f, unsigned bar);
/* Type 1 header with writable bus numbers; class 0x060400. */
void fake_fn_bridge(struct fake_fn *f, uint8_t primary, uint8_t secondary,
		    uint8_t subordinate);

/* BARs: address bits the size covers read back 0 after an all-ones write;
 * the type bits are read-only. bar_size[] is set for plat_pci_bar_size. */
void fake_bar_mem32(struct fake_fn *f, unsigned bar, uint32_t addr,
		    uint32_t size, bool prefetch);
void fake_bar_mem64(struct fake_fn *f, unsigned bar, uint64_t addr,
		    uint64_t size, bool prefetch);
/* I/O BAR; io32 false models a 16-bit decoder (upper half hardwired 0). */
void fake_bar_io(struct fake_fn *f, unsigned bar, uint32_t addr,
		 uint32_t size, bool io32);

/* Append a capability (id at off, next 0) to the standard list; sets
 * PCI_STATUS_CAP_LIST and the 0x34 pointer for the first one. */
void fake_cap_add(struct fake_fn *f, uint8_t off, uint8_t id);
/* Append an extended capability header at off (>= 0x100). */
void fake_ext_cap_add(struct fake_fn *f, uint16_t off, uint16_t id, uint8_t ver);

/* ---- the config write log ---- */
const struct fake_cfg_write *fake_cfg_log(unsigned *n);
unsigned fake_cfg_writes_to(struct pci_bdf bdf);
unsigned fake_cfg_writes_total(void);

/* ---- roots and platform knowledge ---- */
/* Default: one root, segment 0, buses 0..255. */
void fake_roots_set(const struct pci_root *roots, int n);
void fake_roots_fail(int rc);
/* Whether plat_pci_bar_size knows sizes (default true). */
void fake_bar_size_known(bool known);
/* What plat_pci_root_mmio reports for every root (default: RC_ENOTSUP). */
void fake_root_mmio_set(const struct plat_range *r, int n);

/* ---- MMIO ---- */
struct fake_mmio;
typedef uint32_t (*fake_mmio_read_fn)(struct fake_mmio *m, uint32_t off);
typedef void (*fake_mmio_write_fn)(struct fake_mmio *m, uint32_t off, uint32_t v);

struct fake_mmio {
	uint64_t base;
	uint64_t size;
	uint32_t *regs;           /* size / 4 words of backing store */
	fake_mmio_read_fn read;   /* optional hooks; default: regs[] */
	fake_mmio_write_fn write;
	void *priv;
	bool own_priv;            /* free(priv) at reset */
	/* When set, the region decodes only while the owner's COMMAND has
	 * memory decode on and its config space answers; otherwise reads
	 * return all-ones, writes are dropped and 'undecoded' counts them. */
	struct fake_fn *owner;
	/* With owner and at_bar: decode only while BAR 'bar' of the owner
	 * holds base (a BAR cleared by FLR or moved decodes nothing). */
	bool at_bar;
	unsigned bar;
	/* What a read returns once the owner's config space reads all-ones
	 * (removed): all-ones as on silicon, or 0 (QEMU's powered-off slot). */
	bool gone_reads_zero;
	unsigned reads, writes, undecoded;
};

/* A region of zeroed registers; an access outside every region ends the
 * test with a message. */
struct fake_mmio *fake_mmio_add(uint64_t base, uint64_t size);
/* The i-th region added, or NULL past the last. */
struct fake_mmio *fake_mmio_nth(unsigned i);

/* ---- time ---- */
uint64_t fake_now_us(void);
/* Call fn(ctx) after every plat_udelay (time moved): device models run
 * their timers and DMA engines from here. Cleared by fake_reset. */
void fake_on_tick(void (*fn)(void *ctx), void *ctx);

/* ---- DMA ---- */
unsigned fake_dma_outstanding(void);
unsigned fake_dma_allocations(void);
/* From now on (until the next test) freed DMA memory is kept and given
 * again to allocations of the same size, lowest address first: the same
 * sequence of allocations gets the same addresses, as from a firmware's
 * allocator, so address-dependent figures (IOMMU table pages) repeat. */
void fake_dma_recycle(void);
/* plat_dma_alloc_high: none (RC_ENOTSUP, a machine with no memory above
 * 4 GiB) or the host's heap (above 4 GiB); how many it gave. */
void fake_dma_high_none(bool none);
unsigned fake_dma_high_allocations(void);
/* Make the next n plat_dma_alloc calls fail with RC_ENOMEM. */
void fake_dma_fail_next(unsigned n);
/* A host short of memory: plat_dma_alloc fails with RC_ENOMEM once the
 * live DMA memory would pass bytes (0: no limit, the default). */
void fake_dma_cap(size_t bytes);
/* The CPU pointer for bus addresses [bus, bus + len) when they lie inside
 * one live allocation, else NULL: what a device may reach by DMA. */
void *fake_dma_ptr(uint64_t bus, size_t len);
/* From now on (until the next test) plat_unbacked_range proves [addr,
 * addr + 64 KiB) has nothing behind it, as a firmware map would. */
void fake_set_unbacked(uint64_t addr);
/* True when [bus, bus + len) lies in that range: a DMA there is an
 * Unsupported Request at the root complex, not a write into memory. */
bool fake_dma_unbacked(uint64_t bus, size_t len);
/* An IOMMU in front of every device's DMA (fake_vtd.c installs one):
 * translate returns false when it refuses the access (and records the
 * fault its own way). Cleared by fake_reset. */
typedef bool (*fake_iommu_fn)(void *ctx, uint16_t sid, uint64_t addr, size_t len,
			      bool write, uint64_t *out);
void fake_set_iommu(fake_iommu_fn translate, void *ctx);
/* A device's DMA address as the IOMMU (if any) translates it. */
bool fake_dma_translate(uint16_t sid, uint64_t addr, size_t len, bool write,
			uint64_t *out);

/* ---- output ---- */
/* Output is echoed to stdout when IGBTEST_ECHO is set in the environment. */
unsigned fake_output_nlines(void);
/* Lines written before the last plat_write_sync(); *calls: how many syncs. */
unsigned fake_output_synced(unsigned *calls);
const char *fake_output_line(unsigned i);
/* Index of the first line equal to s at or after from, or -1. */
int fake_output_find(const char *s, unsigned from);
bool fake_output_has(const char *s);
/* True when some line contains sub. */
bool fake_output_contains(const char *sub);
/* Call fn(line, ctx) for each line as it is written (one hook; NULL
 * removes it; cleared by fake_reset): a test acts at a point of the run. */
void fake_on_output(void (*fn)(const char *line, void *ctx), void *ctx);
/* fn(ctx) after each plat_write_sync and plat_write_held (until
 * fake_reset): each point where what is on the "disk" changes. */
void fake_on_sync(void (*fn)(void *ctx), void *ctx);
/* What plat_write_held last left in slot ("" when nothing), and how many
 * plat_write_held calls there were. */
const char *fake_held(unsigned slot, unsigned *calls);
/* Print the captured output (for failure reports). */
void fake_output_dump(void);

/* Check a line is present; dump the output when it is not. */
#define CHECK_LINE(s)                                      \
	(CHECK(fake_output_has(s)) ? true : (fake_output_dump(), false))

/* Make plat_acpi_table(sig) return table (NULL: none). */
void fake_set_acpi_table(const char sig[4], const void *table);
/* Set an ACPI table's checksum byte so its bytes sum to 0 over its length. */
void fake_acpi_checksum(uint8_t *table);

#endif
