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

struct flr_report {
	uint64_t pending_us;  /* waiting for Transactions Pending to clear */
	uint64_t reset_us;    /* Initiate FLR until the function answers */
	uint64_t restore_us;  /* writing the saved config back */
	bool pending_timeout; /* TRPND never cleared: FLR done anyway */
};

/* RC_ENOTSUP when the function does not advertise FLR. */
int pci_flr(struct pci_bdf bdf, const struct pci_caps *caps, struct flr_report *rep);

#endif
