/*
 * power.c - power management: D0 -> D3hot -> D0 through the PM
 * capability, the device's state back and a copy after it.
 */
#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "pci/pm.h"
#include "suite/suite.h"

#define PM_COPY (64u * 1024u)
/* A register value only a reset clears (nothing else writes VET). */
#define PM_MARK 0x0000d3d0u

static const char *state_name(uint16_t pmcsr)
{
	static const char *const names[] = { "D0", "D1", "D2", "D3hot" };

	return names[pmcsr & PCI_PM_CTRL_STATE_MASK];
}

static enum ktap_result case_d3hot_d0(struct igb_dev *d, struct test_run *t)
{
	uint32_t before[PCI_STD_HEADER_SIZEOF / 4];
	struct pm_report rep;
	struct test_bufs b;
	bool kept;
	int rc;

	ASSERT(t, d->fn->caps.pm, "no PCI power management capability (the 82576 has one)");
	TRY(test_bufs_alloc(t, d, PM_COPY, &b));
	/* Idle first, as an OS suspends it (Linux igb __igb_shutdown(), then
	 * pci_prepare_to_sleep()): rings off, bus mastering off. */
	igb_ops.remove(t->drv);
	igb_wr32(d, IGB_VET, PM_MARK);
	for (unsigned i = 0; i < PCI_STD_HEADER_SIZEOF / 4; i++)
		before[i] = pci_read32(d->bdf, (uint16_t)(4 * i));
	rc = pci_pm_d3hot_d0(d->bdf, &d->fn->caps, &rep);
	ASSERT(t, rc != RC_EIO || !(rep.pmcsr_before & PCI_PM_CTRL_STATE_MASK),
	       "not in D0 before: PMCSR 0x%04x (%s)", rep.pmcsr_before,
	       state_name(rep.pmcsr_before));
	ASSERT(t, rc != RC_EIO || (rep.pmcsr_d3 & PCI_PM_CTRL_STATE_MASK) == 3,
	       "D3hot refused: PMCSR 0x%04x (%s) %llu us after writing D3hot", rep.pmcsr_d3,
	       state_name(rep.pmcsr_d3), (unsigned long long)rep.d3_us);
	ASSERT(t, rc != RC_EIO, "D0 refused: PMCSR 0x%04x (%s) %llu us after writing D0 from "
	       "D3hot", rep.pmcsr_d0, state_name(rep.pmcsr_d0), (unsigned long long)rep.d0_us);
	ASSERT_OK(t, rc, "D3hot and back");
	for (unsigned i = PCI_COMMAND / 4; i < PCI_STD_HEADER_SIZEOF / 4; i++) {
		uint32_t now = pci_read32(d->bdf, (uint16_t)(4 * i));
		uint32_t mask = i == PCI_COMMAND / 4 ? 0xffff : ~0u; /* not STATUS */
		if (i == PCI_COMMAND / 4 || i >= PCI_BASE_ADDRESS_0 / 4)
			ASSERT(t, !((now ^ before[i]) & mask), "config dword 0x%02x was 0x%08x "
			       "before D3hot, 0x%08x in D0 again (No_Soft_Reset %u, %s)", 4 * i,
			       before[i], now, rep.no_soft_reset,
			       rep.restored ? "restored" : "not restored");
	}
	kept = igb_rd32(d, IGB_VET) == PM_MARK;
	ktap_diag("%s: PMCSR 0x%04x, D3hot 0x%04x after %llu us, D0 0x%04x after %llu us; "
		  "No_Soft_Reset %u: config state %s; device registers %s", t->name,
		  rep.pmcsr_before, rep.pmcsr_d3, (unsigned long long)rep.d3_us, rep.pmcsr_d0,
		  (unsigned long long)rep.d0_us, rep.no_soft_reset,
		  rep.restored ? "restored" : "kept", kept ? "kept" : "reset");
	rc = igb_ops.init(t->drv, d);
	ASSERT(t, !rc, "init after D3hot -> D0: %s: %s", rc_name(rc), t->drv->seen.last_error);
	return test_memcpy(t, &b, &(struct test_copy){ .size = PM_COPY });
}

static const struct igb_test cases[] = {
	IGB_CASE(d3hot_d0, NEEDS_LINK, MODES_ANY,
		 "D0 -> D3hot -> D0 through the PM capability (10 ms each way, as Linux), "
		 "config state back, then a copy"),
};
IGB_GROUP(power, "power management", cases);
