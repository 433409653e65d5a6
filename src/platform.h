/*
 * platform.h - the one door from portable igbtest code to the machine.
 *
 * Everything under src/ reaches hardware, time, memory and output only
 * through these functions. efi/platform.c implements them on UEFI;
 * tests/host/fake_platform.c implements them on the host against fakes.
 */
#ifndef IGBTEST_PLATFORM_H
#define IGBTEST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* A PCI function address. */
struct pci_bdf {
	uint16_t seg;
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

/* A range of bus numbers under one host bridge, to be scanned. */
struct pci_root {
	uint16_t seg;
	uint8_t bus_start;
	uint8_t bus_end;
};

/* Root bus ranges; returns how many were stored (at most max), or rc < 0. */
int plat_pci_roots(struct pci_root *roots, int max);

/*
 * Configuration space access, offsets 0..0xFFF (extended space included
 * where the platform has it). width is 1, 2 or 4 and off must be aligned
 * to it. An absent function reads all-ones, as on a real bus.
 */
int plat_pci_read(struct pci_bdf bdf, uint16_t off, unsigned width, uint32_t *val);
int plat_pci_write(struct pci_bdf bdf, uint16_t off, unsigned width, uint32_t val);

/*
 * Size of a BAR as the platform already knows it (UEFI's PCI bus driver
 * sized it at enumeration), without touching the device. RC_ENOTSUP when
 * the platform does not know. Used for devices that are not ours, whose
 * BARs we must not write to probe.
 */
int plat_pci_bar_size(struct pci_bdf bdf, unsigned bar, uint64_t *size);

/*
 * Memory decode and bus mastering of a function we have identified as
 * ours, switched the way the platform's firmware expects: on UEFI through
 * its EFI_PCI_IO_PROTOCOL Attributes, so the PCI bus driver's record
 * stays true (OVMF leaves COMMAND 0x0007 on every function, AAVMF 0 on
 * every endpoint). what: PLAT_PCI_MEMORY and/or PLAT_PCI_MASTER; other
 * COMMAND bits are left alone. RC_ENODEV: the platform has no handle for
 * the function; RC_ENOTSUP: the firmware refused.
 */
#define PLAT_PCI_MEMORY 0x1u
#define PLAT_PCI_MASTER 0x2u
int plat_pci_enable(struct pci_bdf bdf, unsigned what);
int plat_pci_disable(struct pci_bdf bdf, unsigned what);

/*
 * Take the function from every firmware driver that manages it, before
 * igbtest touches it (UEFI: its PCI I/O opened EXCLUSIVE, which stops the
 * drivers bound to it); the platform gives it back, reconnected, when
 * igbtest ends. The first call decides, later calls repeat its answer.
 * RC_OK: ours; why (if not NULL) names the drivers stopped, or is "" when
 * none held it. RC_EBUSY: a driver would not let go, why says which; the
 * function must not be touched. PLAT_CLAIM_WHY holds any why whole.
 */
#define PLAT_CLAIM_WHY 256
int plat_pci_claim(struct pci_bdf bdf, char *why, size_t n);

/* A range of physical addresses, [base, base + size). */
struct plat_range {
	uint64_t base;
	uint64_t size;
};

/*
 * The memory ranges below 4 GiB that the host bridge above bdf's root bus
 * forwards to PCI: what the firmware allocated to that root bridge plus
 * the rest of its aperture that nothing was given (UEFI: the root bridge's
 * Configuration() memory ranges, each grown by the adjoining GCD
 * MemoryMappedIo space that no image owns). BARs and bridge windows inside
 * them are the caller's to subtract. Returns how many ranges were stored
 * (at most max), or rc < 0 (RC_ENOTSUP: the platform cannot tell).
 */
int plat_pci_root_mmio(struct pci_bdf bdf, struct plat_range *out, int max);

/*
 * An address range of size bytes that provably has nothing behind it: no
 * memory and no MMIO (UEFI: the GCD map calls it non-existent), above
 * 4 GiB and below the CPU's physical address width. A DMA fault target
 * when no IOMMU translates. RC_ENOTSUP when none can be proven.
 */
int plat_unbacked_range(uint64_t size, uint64_t *addr);

/*
 * The ACPI table with this 4-character signature (e.g. "DMAR"), found
 * through the firmware's RSDP and XSDT, or NULL. The pointer is to the
 * table itself (identity-mapped), which stays valid while we run.
 */
const void *plat_acpi_table(const char sig[4]);

/* 32-bit MMIO at a CPU physical address (identity mapped pre-OS). */
uint32_t plat_mmio_read32(uint64_t addr);
void plat_mmio_write32(uint64_t addr, uint32_t val);
/* 64-bit MMIO, for registers that must be accessed whole (VT-d). */
uint64_t plat_mmio_read64(uint64_t addr);
void plat_mmio_write64(uint64_t addr, uint64_t val);

/*
 * Ordering. The MMIO accessors order themselves against DMA memory as
 * Linux's writel()/readl() do: a write is issued after every earlier store
 * to memory is visible to the device, a read completes before any later
 * load from memory. plat_wmb() orders stores to DMA memory among
 * themselves (kept before doorbells as the documented point); plat_rmb()
 * after seeing a DD bit orders the reads of what the device wrote after it.
 */
void plat_wmb(void);
void plat_rmb(void);
/*
 * Write [p, p+len) back from the CPU caches to memory, for a reader that
 * does not snoop them (a VT-d unit whose ECAP.C is 0 walks tables that way).
 */
void plat_cache_flush(const void *p, size_t len);

/* Busy-wait at least us microseconds. */
void plat_udelay(uint32_t us);
/* Monotonic microseconds since an arbitrary origin. */
uint64_t plat_now_us(void);

/* DMA memory: page-aligned, zeroed, reachable by dev at bus == CPU address. */
struct dma_mem {
	void *cpu;    /* CPU pointer */
	uint64_t bus; /* device address; == (uintptr_t)cpu, verified */
	size_t size;  /* bytes, a multiple of the page size */
	void *priv;   /* platform bookkeeping */
};
#define PLAT_PAGE_SIZE 4096u
int plat_dma_alloc(struct pci_bdf dev, size_t bytes, struct dma_mem *mem);
void plat_dma_free(struct dma_mem *mem);
/*
 * The same above 4 GiB, for the 64-bit address path (the high halves of
 * the base registers). RC_ENOTSUP when the machine has no free memory
 * there the device may reach (UEFI: none in the memory map above 4 GiB,
 * or the function may not use 64-bit addresses); freed by plat_dma_free.
 */
int plat_dma_alloc_high(struct pci_bdf dev, size_t bytes, struct dma_mem *mem);
/* 4 GiB: the first address a 32-bit base register cannot hold. */
#define PLAT_DMA_HIGH_BASE 0x100000000ull
/*
 * Bytes of memory the firmware counts free (UEFI: conventional memory in
 * its memory map), 0 when unknown. A soak prints it per round: pool or
 * pages leaked by igbtest, or by the firmware on its behalf, show here.
 */
uint64_t plat_free_memory(void);

/* Text output: printable ASCII lines, each ending in '\n', no escapes; a
 * long line may come in several calls, the last one ending it. */
void plat_write(const char *s, size_t len);
/*
 * Make everything written so far durable: the results file on the boot
 * volume (if there is one) is flushed to the disk, so a hang, a reset or a
 * power cut after this loses nothing already reported. Called after every
 * test's result.
 */
void plat_write_sync(void);
/*
 * Output held back to be written later (side by side, a device's block
 * waits in memory until the blocks before it are printed): s[0..len) is
 * all that stream slot (< PLAT_HELD_SLOTS) holds now, whole lines that a
 * later plat_write repeats in full. Durable when this returns (the
 * results file: a file of its own beside it), so a hang or a power cut
 * loses none of it; len 0 once the stream has been written and synced
 * (its file goes).
 */
#define PLAT_HELD_SLOTS 4
void plat_write_held(unsigned slot, const char *s, size_t len);

#endif
