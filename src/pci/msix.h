/*
 * msix.h - MSI-X from the device's side, for a program with no interrupt
 * controller: an MSI-X message is a 4-byte write of the entry's data to
 * the entry's address, so we point entries at memory we own and watch it.
 * The table and PBA are located through the capability (BIR + offset).
 */
#ifndef IGBTEST_MSIX_H
#define IGBTEST_MSIX_H

#include "pci/pci.h"

#define MSIX_MAX_SAVED 32 /* entries saved and restored around a test */

struct msix_entry_save {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct msix {
	struct pci_bdf bdf;
	uint16_t cap;      /* capability offset */
	uint16_t nvec;     /* table size */
	uint64_t table;    /* MMIO address of entry 0 */
	uint64_t pba;      /* MMIO address of the pending bit array */
	uint16_t saved_flags;
	bool set_intx_disable; /* msix_enable set COMMAND.INTX_DISABLE */
	struct msix_entry_save saved[MSIX_MAX_SAVED];
	unsigned nsaved;
	bool ready;
};

/*
 * Locate the table and PBA from the capability and the sized BARs, and
 * save the message control word and the entries. Fails with a reason in
 * why when the capability is missing or its BAR is unusable.
 */
int msix_setup(struct msix *m, struct pci_bdf bdf, const struct pci_caps *caps,
	       const struct pci_bar *bars, char *why, size_t why_len);
/* MSI-X enable with every entry masked by the function mask, INTx off. */
void msix_enable(struct msix *m);
void msix_function_mask(struct msix *m, bool masked);
/* Program entry v to write data to addr; the entry stays masked or not. */
void msix_set_entry(struct msix *m, unsigned v, uint64_t addr, uint32_t data,
		    bool masked);
void msix_mask_entry(struct msix *m, unsigned v, bool masked);
bool msix_entry_masked(const struct msix *m, unsigned v);
bool msix_pending(const struct msix *m, unsigned v);
/* Put back the entries, the control word and INTx as msix_setup found
 * them. */
void msix_restore(struct msix *m);

#endif
