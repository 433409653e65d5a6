/*
 * flr.h - PCIe Function Level Reset with the config space put back.
 *
 * FLR resets the function's config state too (BARs, COMMAND, MSI-X
 * enable): we save what we need, reset, wait the time the spec requires,
 * and restore it, reporting how long each phase took. The device's own
 * registers (BAR memory, MSI-X table) are the driver's to re-program.
 */
#ifndef IGBTEST_FLR_H
#define IGBTEST_FLR_H

#include "pci/pci.h"
#include "pci/pci_regs.h"

struct flr_report {
	uint64_t pending_us;  /* waiting for Transactions Pending to clear */
	uint64_t reset_us;    /* Initiate FLR until the function answers */
	uint64_t restore_us;  /* writing the saved config back */
	bool pending_timeout; /* TRPND never cleared: FLR done anyway */
};

/*
 * The config state a function reset clears and we put back: the type 0
 * header (BARs, COMMAND, cache line, latency, interrupt line), the PCIe
 * capability's control registers (Device Control, Link Control and, for a
 * version 2 capability, Device Control 2 with the completion timeout the
 * driver set, and Link Control 2: Linux pci_save_pcie_state), MSI-X flags,
 * and the SR-IOV capability's set-up. FLR and a D3hot->D0 transition
 * without No_Soft_Reset (pm.c) both need it.
 */
struct pci_saved_state {
	uint32_t header[PCI_STD_HEADER_SIZEOF / 4];
	uint16_t devctl, lnkctl, devctl2, lnkctl2;
	bool v2;
	uint16_t msix_flags;
	uint16_t sriov_ctrl, sriov_num_vf;
	uint32_t sriov_pgsize;
	uint32_t sriov_bar[PCI_SRIOV_NUM_BARS];
};
void pci_save_state(struct pci_bdf b, const struct pci_caps *c, struct pci_saved_state *s);
/* BARs and the rest of the header first, COMMAND (decode) last. */
void pci_restore_state(struct pci_bdf b, const struct pci_caps *c,
		       const struct pci_saved_state *s);

/* RC_ENOTSUP when the function does not advertise FLR. */
int pci_flr(struct pci_bdf bdf, const struct pci_caps *caps, struct flr_report *rep);

#endif
