/*
 * test_power.c - D0 -> D3hot -> D0 (src/pci/pm.c) on the 82576 model:
 * the state restored when the function reset itself, left alone when it
 * says No_Soft_Reset, a refused transition named, and the silicon
 * behaviours' negative tests (a driver that does not wait the 10 ms, or
 * does not restore).
 */
#include "harness.h"
#include "igb/igb_regs.h"
#include "model_test.h"
#include "pci/pci_regs.h"
#include "pci/pm.h"

#define PMCSR (0x40 + PCI_PM_CTRL) /* fake_devices.c: PM at 0x40 */

static struct mt m;

/* Idle, D3hot and back, up again: a copy passes. */
static void round_trip(enum model_personality pers, bool no_soft_reset)
{
	struct pm_report rep;

	mt_open(&m, pers);
	if (no_soft_reset)
		fake_set16(m.p.fn, PMCSR, PCI_PM_CTRL_NO_SOFT_RESET);
	mt_up(&m);
	igb_ops.remove(&m.drv);
	CHECK_EQ(pci_pm_d3hot_d0(m.d.bdf, &m.d.fn->caps, &rep), RC_OK);
	CHECK_EQ(rep.pmcsr_d3 & PCI_PM_CTRL_STATE_MASK, 3);
	CHECK_EQ(rep.pmcsr_d0 & PCI_PM_CTRL_STATE_MASK, 0);
	CHECK_EQ(rep.no_soft_reset, no_soft_reset);
	CHECK_EQ(rep.restored, !no_soft_reset);
	/* each transition waited its 10 ms (PCI PM 5.6.1) */
	CHECK(rep.d3_us >= PCI_PM_D3HOT_DELAY_US && rep.d0_us >= PCI_PM_D3HOT_DELAY_US);
	CHECK_EQ(m.g->pm_transitions, 2);
	CHECK_EQ(pci_read32(m.d.bdf, PCI_BASE_ADDRESS_0), MT_BAR0);
	mt_up(&m);
	CHECK_EQ(mt_copy(&m, 4096), RC_OK);
	CHECK_EQ(model_violations(m.g), 0);
}

TEST(pm_d3hot_d0_restores_after_soft_reset)
{
	round_trip(MODEL_SILICON, false);
	fake_reset();
	round_trip(MODEL_QEMU, false);
}

TEST(pm_d3hot_d0_no_soft_reset_keeps_state)
{
	round_trip(MODEL_SILICON, true);
	CHECK_EQ(m.g->flrs, 0);
}

TEST(pm_refused_transition_is_named)
{
	struct pm_report rep;

	mt_open(&m, MODEL_SILICON);
	model_inject(m.g, MODEL_FAULT_PM_STUCK);
	CHECK_EQ(pci_pm_d3hot_d0(m.d.bdf, &m.d.fn->caps, &rep), RC_EIO);
	CHECK_EQ(rep.pmcsr_d3, 0);
	/* not in D0 to begin with: nothing is written */
	model_inject_clear(m.g);
	fake_set16(m.p.fn, PMCSR, 3);
	unsigned writes = fake_cfg_writes_to(m.d.bdf);
	CHECK_EQ(pci_pm_d3hot_d0(m.d.bdf, &m.d.fn->caps, &rep), RC_EIO);
	CHECK_EQ(rep.pmcsr_before, 3);
	CHECK_EQ(fake_cfg_writes_to(m.d.bdf), writes);
}

TEST(pm_without_capability_is_enotsup)
{
	struct pci_caps c;
	struct pm_report rep;

	mt_open(&m, MODEL_QEMU);
	c = m.d.fn->caps;
	c.pm = 0;
	CHECK_EQ(pci_pm_d3hot_d0(m.d.bdf, &c, &rep), RC_ENOTSUP);
}

/* Wrong: D0 written at once after D3hot, without the 10 ms. Silicon
 * loses the write (the function stays in D3hot); QEMU takes it. */
static void no_delay(enum model_personality pers)
{
	mt_open(&m, pers);
	pci_write16(m.d.bdf, PMCSR, 3);
	mt_wait_us(100);
	pci_write16(m.d.bdf, PMCSR, 0);
	CHECK_EQ(pci_read16(m.d.bdf, PMCSR) & PCI_PM_CTRL_STATE_MASK,
		 pers == MODEL_SILICON ? 3 : 0);
	CHECK_EQ(m.g->violations[MV_PM_TOO_SOON], pers == MODEL_SILICON ? 1 : 0);
}

TEST(silicon_neg_d3hot_without_delay)
{
	no_delay(MODEL_QEMU);
	fake_reset();
	no_delay(MODEL_SILICON);
}

/* Wrong: back in D0 (with the delays) without restoring the config state
 * and BAR0 used: silicon's soft reset cleared COMMAND and the BARs, so
 * nothing decodes; QEMU kept them. */
static void no_restore(enum model_personality pers)
{
	mt_open(&m, pers);
	mt_up(&m);
	igb_ops.remove(&m.drv);
	pci_write16(m.d.bdf, PMCSR, 3);
	mt_wait_us(PCI_PM_D3HOT_DELAY_US);
	pci_write16(m.d.bdf, PMCSR, 0);
	mt_wait_us(PCI_PM_D3HOT_DELAY_US);
	CHECK_EQ(mt_rd(&m, IGB_STATUS) == 0xffffffffu, pers == MODEL_SILICON);
	CHECK_EQ(model_violations(m.g), 0);
}

TEST(silicon_neg_d3hot_d0_without_restore)
{
	no_restore(MODEL_QEMU);
	fake_reset();
	no_restore(MODEL_SILICON);
}

/* Wrong: a BAR read while in D3hot (it answers config only): silicon
 * records it. */
static void bar_in_d3(enum model_personality pers)
{
	mt_open(&m, pers);
	pci_write16(m.d.bdf, PMCSR, 3);
	mt_wait_us(PCI_PM_D3HOT_DELAY_US);
	CHECK_EQ(mt_rd(&m, IGB_STATUS), 0xffffffffu);
	pci_write16(m.d.bdf, PMCSR, 0);
	CHECK_EQ(m.g->violations[MV_ACCESS_IN_D3], pers == MODEL_SILICON ? 1 : 0);
}

TEST(silicon_neg_bar_access_in_d3hot)
{
	bar_in_d3(MODEL_QEMU);
	fake_reset();
	bar_in_d3(MODEL_SILICON);
}
