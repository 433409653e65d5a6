/*
 * pm.h - PCI power management: D0 -> D3hot -> D0 through the PM
 * capability's PMCSR, as Linux pci_set_power_state() does it, with the
 * config state put back when the function reset itself on the way up.
 */
#ifndef IGBTEST_PM_H
#define IGBTEST_PM_H

#include "pci/pci.h"

struct pm_report {
	uint16_t pmcsr_before;  /* PMCSR in D0 before, as found */
	uint16_t pmcsr_d3;      /* read back after the D3hot write and its delay */
	uint16_t pmcsr_d0;      /* read back after the D0 write and its delay */
	bool no_soft_reset;     /* PMCSR.No_Soft_Reset in D3hot */
	bool restored;          /* config state written back (no No_Soft_Reset) */
	uint64_t d3_us, d0_us;  /* each transition, its delay included */
};

/*
 * D0 -> D3hot -> D0. The function must be idle (no DMA, mastering off):
 * in D3hot it answers only config requests. Its config state (pci_save_
 * state) is put back unless it reports No_Soft_Reset. RC_ENOTSUP: no PM
 * capability; RC_EIO: it was not in D0, or refused a transition (rep
 * says which PMCSR it read).
 */
int pci_pm_d3hot_d0(struct pci_bdf b, const struct pci_caps *c, struct pm_report *rep);

#endif
