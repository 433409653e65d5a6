/* pm.c - D0 -> D3hot -> D0 through the PM capability (see pm.h). */
#include "pci/pm.h"

#include "pci/flr.h"
#include "pci/pci_regs.h"
#include "wait_bound.h"

#define PM_STATE_D0	0
#define PM_STATE_D3HOT	3

/*
 * One transition as Linux pci_set_low_power_state() / pci_power_up() make
 * it: PowerState written with the other bits kept (PME_Status is write-1-
 * to-clear and is not ours to clear), then PCI_PM_D3HOT_DELAY_US (Linux
 * PCI_PM_D3HOT_WAIT, 10 ms: PCI PM 1.2 5.6.1 recovery time for a
 * transition to or from D3hot, during which the function may not be
 * accessed) and one read back, as Linux reads it. The delay is a minimum
 * the spec sets, not a bound on a poll: --timeout-scale does not apply.
 */
static uint16_t set_state(struct pci_bdf b, uint16_t pmcsr_at, uint16_t keep,
			  unsigned state, uint64_t *us)
{
	uint64_t t0 = plat_now_us();
	uint16_t v;

	pci_write16(b, pmcsr_at, (uint16_t)((keep & ~(PCI_PM_CTRL_STATE_MASK |
						     PCI_PM_CTRL_PME_STATUS)) | state));
	wait_us(PCI_PM_D3HOT_DELAY_US);
	v = pci_read16(b, pmcsr_at);
	*us = plat_now_us() - t0;
	return v;
}

int pci_pm_d3hot_d0(struct pci_bdf b, const struct pci_caps *c, struct pm_report *rep)
{
	uint16_t at = c->pm + PCI_PM_CTRL;
	struct pci_saved_state s;

	*rep = (struct pm_report){ 0 };
	if (!c->pm || !c->pcie)
		return RC_ENOTSUP;
	rep->pmcsr_before = pci_read16(b, at);
	if ((rep->pmcsr_before & PCI_PM_CTRL_STATE_MASK) != PM_STATE_D0)
		return RC_EIO;
	pci_save_state(b, c, &s);
	rep->pmcsr_d3 = set_state(b, at, rep->pmcsr_before, PM_STATE_D3HOT, &rep->d3_us);
	rep->no_soft_reset = rep->pmcsr_d3 & PCI_PM_CTRL_NO_SOFT_RESET;
	/* A refused D3hot leaves the function in D0: nothing to undo. */
	if ((rep->pmcsr_d3 & PCI_PM_CTRL_STATE_MASK) != PM_STATE_D3HOT)
		return RC_EIO;
	rep->pmcsr_d0 = set_state(b, at, rep->pmcsr_before, PM_STATE_D0, &rep->d0_us);
	if ((rep->pmcsr_d0 & PCI_PM_CTRL_STATE_MASK) != PM_STATE_D0)
		return RC_EIO;
	/* Linux pci_set_full_power_state(): without No_Soft_Reset the
	 * function went through an internal reset on the way to D0 and its
	 * BARs (and the rest) must be restored (pci_restore_bars(), then the
	 * driver's pci_restore_state()). */
	if (!rep->no_soft_reset) {
		pci_restore_state(b, c, &s);
		rep->restored = true;
	}
	return RC_OK;
}
