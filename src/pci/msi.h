/*
 * msi.h - the MSI capability from the device's side, for a program with
 * no interrupt controller: the one message is a write of the Message Data
 * (low 16 bits, upper 16 zero: PCI 3.0 6.8.1.6) to the Message Address,
 * so we point it at memory we own and watch it. MSI-X must be off: a
 * function uses one or the other.
 */
#ifndef IGBTEST_MSI_H
#define IGBTEST_MSI_H

#include "pci/pci.h"

struct msi {
	struct pci_bdf bdf;
	uint16_t cap;
	bool is64, maskbit;
	/* As found, put back by msi_restore. */
	uint16_t flags;
	uint32_t addr_lo, addr_hi, data, mask;
	uint16_t command; /* its INTx Disable bit */
};

/* Save the capability (RC_ENOTSUP when the function has none). */
int msi_setup(struct msi *m, struct pci_bdf bdf, const struct pci_caps *caps);
/* One vector (Multiple Message Enable 0) writing data to addr, unmasked,
 * enabled; INTx disabled (PCI 3.0 6.8.1.3: a function with MSI enabled
 * does not use INTx anyway). */
void msi_enable(struct msi *m, uint64_t addr, uint16_t data);
/* Per-vector mask (when the capability has it); false when it has none. */
bool msi_mask(struct msi *m, bool masked);
bool msi_pending(const struct msi *m);
/* Disable, then the capability and COMMAND as msi_setup found them. */
void msi_restore(struct msi *m);

#endif
