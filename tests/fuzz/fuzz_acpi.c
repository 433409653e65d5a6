/*
 * fuzz_acpi.c - libFuzzer target for the ACPI remapping-table parsers:
 * DMAR (vtd_find), IVRS (ivrs_find) and IORT (iort_find).
 *
 * The input is the table body; the harness writes the signature, sets the
 * header's length to the input's size (a table is as long as its header
 * says, so every offset inside it must stay within that) and, unless the
 * first byte is odd, fixes the checksum so the parsers get past it. Each
 * parser is asked for a few devices. It must never read outside the table
 * (ASan: the table is an exact-size heap copy), hit undefined behaviour
 * (UBSan) or hang; a refusal leaves a terminated, non-empty reason; a
 * found unit has a base. Finding must not touch the machine: every
 * platform call aborts (PCI config reads answer from a fixed pattern). `make fuzz-acpi` runs it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dma/amdvi.h"
#include "dma/smmuv3.h"
#include "dma/vtd.h"
#include "pci/pci.h"
#include "platform.h"

static const uint8_t *table;
static char table_sig[4];

const void *plat_acpi_table(const char sig[4])
{
	return table && !memcmp(sig, table_sig, 4) ? table : NULL;
}

/* DMAR bridge scopes read secondary/subordinate bus numbers: answer with
 * bytes that depend on the address, so paths go somewhere. */
uint8_t pci_read8(struct pci_bdf bdf, uint16_t off)
{
	return (uint8_t)(bdf.bus * 7u + bdf.dev * 3u + bdf.fn + off);
}

/* Nothing else may be reached from a parser. */
#define NEVER(decl) decl { abort(); }
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-parameter"
NEVER(uint32_t plat_mmio_read32(uint64_t a))
NEVER(void plat_mmio_write32(uint64_t a, uint32_t v))
NEVER(uint64_t plat_mmio_read64(uint64_t a))
NEVER(void plat_mmio_write64(uint64_t a, uint64_t v))
NEVER(int plat_dma_alloc(struct pci_bdf d, size_t n, struct dma_mem *m))
NEVER(void plat_dma_free(struct dma_mem *m))
NEVER(void plat_wmb(void))
NEVER(void plat_rmb(void))
NEVER(void plat_cache_flush(const void *p, size_t n))
NEVER(void plat_udelay(uint32_t us))
NEVER(uint64_t plat_now_us(void))
#pragma clang diagnostic pop

static const struct pci_bdf devs[] = {
	{ 0, 0, 0, 0 }, { 0, 0, 3, 0 }, { 0, 1, 0, 0 }, { 0, 0x80, 0x1f, 7 }, { 1, 0, 2, 0 },
};

static void check_reason(const char *why, size_t n)
{
	if (!why[0] || !memchr(why, 0, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *t;
	char why[200];

	if (size < 1 || size > 65536)
		return 0;
	t = malloc(size < 36 ? 36 : size);
	memcpy(t, data, size);
	static const char sigs[3][4] = { { 'D', 'M', 'A', 'R' }, { 'I', 'V', 'R', 'S' },
					 { 'I', 'O', 'R', 'T' } };
	for (int which = 0; which < 3; which++) {
		memcpy(table_sig, sigs[which], 4);
		memcpy(t, table_sig, 4);
		if (size >= 8) {
			uint32_t len = (uint32_t)size;
			memcpy(t + 4, &len, 4);
		}
		if (size >= 10 && !(data[0] & 1)) {
			uint8_t sum = 0;
			t[9] = 0;
			for (size_t i = 0; i < size; i++)
				sum = (uint8_t)(sum + t[i]);
			t[9] = (uint8_t)-sum;
		}
		if (size < 8)
			continue; /* too short to hold its own length: never handed over */
		table = t;
		for (size_t d = 0; d < sizeof(devs) / sizeof(devs[0]); d++) {
			memset(why, 0, sizeof(why));
			if (which == 2) {
				struct iort_unit u;
				int rc = iort_find(t, devs[d], &u, why, sizeof(why));
				if (rc)
					check_reason(why, sizeof(why));
				else if (!u.base || (u.base & 0xffff) || u.segment != devs[d].seg)
					abort();
			} else if (which) {
				struct ivrs_unit u;
				int rc = ivrs_find(t, devs[d], &u, why, sizeof(why));
				if (rc)
					check_reason(why, sizeof(why));
				else if (!u.base || u.segment != devs[d].seg)
					abort();
			} else {
				struct vtd_unit u;
				int rc = vtd_find(&u, devs[d], why, sizeof(why));
				if (rc)
					check_reason(why, sizeof(why));
				else if (u.segment != devs[d].seg)
					abort();
			}
		}
	}
	table = NULL;
	free(t);
	return 0;
}
