/*
 * fixture.c - what the runner does around the cases of one 82576:
 * prepare it (BARs, memory decode), bring the link up for NEEDS_LINK
 * cases, remove the driver, and release the device quiesced as found.
 */
#include "suite/runner.h"

#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "pci/sriov.h"
#include "report/fmt.h"

/*
 * Size the BARs of a function we have identified as an 82576 and decide
 * whether BAR0 can be used. Memory decode is enabled through the platform
 * if the firmware left it off (AAVMF does); fixture_release() turns it off
 * again.
 */
void fixture_prepare(struct igb_dev *d, const struct pci_func *f)
{
	const struct pci_bar *b0;

	*d = (struct igb_dev){ .fn = f, .bdf = f->bdf };
	pci_bdf_str(f->bdf, d->name, sizeof(d->name));
	d->cmd_at_start = pci_read16(d->bdf, PCI_COMMAND);
	if (d->cmd_at_start == 0xffff) {
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "config space reads all-ones");
		return;
	}
	pci_probe_bars(d->bdf, f->header_type, d->bar);
	/* Before any device runs: what this PF and its VFs occupy, for the
	 * VF BAR window searches side by side (sriov.h). It cannot be full:
	 * it holds SUITE_MAX_DEVICES. */
	(void)sriov_note_pf(d->bdf, d->bar, sizeof(d->bar) / sizeof(d->bar[0]));
	b0 = &d->bar[0];
	if (b0->kind != PCI_BAR_MEM32 && b0->kind != PCI_BAR_MEM64)
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "BAR0 is not a memory BAR");
	else if (!b0->addr) {
		d->bar0_host = true; /* the firmware gave it no memory space */
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "BAR0 is unassigned (address 0)");
	}
	else if (b0->size < IGB_BAR0_SIZE)
		fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
			     "BAR0 is %llu bytes, the 82576 needs %u",
			     (unsigned long long)b0->size, IGB_BAR0_SIZE);
	if (d->bar0_problem[0])
		return;
	if (!(d->cmd_at_start & PCI_COMMAND_MEMORY)) {
		int rc;

		rc = plat_pci_enable(d->bdf, PLAT_PCI_MEMORY);
		if (rc) {
			d->bar0_host = true;
			fmt_snprintf(d->bar0_problem, sizeof(d->bar0_problem),
				     "memory decode is off and could not be enabled: %s",
				     rc_name(rc));
			return;
		}
		d->decode_enabled = true; /* said in the device's block */
	}
	d->bar0 = b0->addr;
}

/* Leave the device quiesced: driver removed (rings off, reset, MSI-X and
 * INTx as found), bus mastering off, memory decode as the firmware had it. */
void fixture_release(struct igb_dev *d, struct igb_drv *drv)
{
	unsigned off = PLAT_PCI_MASTER;
	int rc;

	fixture_remove(d, drv);
	*drv = (struct igb_drv){ 0 };
	if (d->cmd_at_start == 0xffff || d->gone)
		return; /* nothing answers there */
	if (!(d->cmd_at_start & PCI_COMMAND_MEMORY))
		off |= PLAT_PCI_MEMORY;
	rc = plat_pci_disable(d->bdf, off);
	if (rc)
		ktap_diag("%s: bus mastering%s could not be turned off: %s", d->name,
			  (off & PLAT_PCI_MEMORY) ? " and memory decode" : "", rc_name(rc));
}

/* Bring the driver up for a NEEDS_LINK case if it is not up already, and
 * its link settled: KTAP_PASS when every such case can start with frames
 * looping. Every such case rests on PHY loopback, which Linux
 * igb_loopback_test() does not run while igb_check_reset_block() says the
 * manageability firmware forbids PHY resets (a Serial-over-LAN or
 * IDE-redirection session): the host's state, not the NIC's fault, so a
 * skip. A driver that could not get its rings' memory is the host's
 * shortage (not tested); anything else fails t. */
enum ktap_result fixture_link(struct igb_dev *d, struct igb_drv *drv, struct test_run *t)
{
	char why[96];
	int rc = RC_OK;

	if (igb_phy_reset_blocked(d)) {
		igb_mng_describe(d, why, sizeof(why));
		return test_skip(t, "needs PHY loopback, which the NIC's firmware forbids "
				 "now (MANC.BLK_PHY_RST_ON_IDE: a Serial-over-LAN or IDE "
				 "redirection session; %s)", why);
	}
	if (!(drv->up && drv->dev == d))
		rc = igb_ops.init(drv, d);
	if (rc == RC_ENOMEM)
		return test_skip(t, "not tested: driver init: %s%s%s", rc_name(rc),
				 drv->seen.last_error[0] ? ": " : "", drv->seen.last_error);
	if (rc)
		return test_fail(t, "driver init failed: %s%s%s", rc_name(rc),
				 drv->seen.last_error[0] ? ": " : "", drv->seen.last_error);
	if ((rc = igb_link_settle(drv)))
		return test_fail(t, "link: %s: %s", rc_name(rc), drv->seen.last_error);
	return KTAP_PASS;
}

void fixture_remove(struct igb_dev *d, struct igb_drv *drv)
{
	if (drv->dev == d)
		igb_ops.remove(drv);
}

/*
 * The fixture: every case starts from the same driver state, whatever ran
 * before it. What a case may change on a working driver goes back to what
 * init sets: the frame size of a copy, the queue pair (and so the VMDq
 * pool), the last copy's fault. A case that failed may have left anything
 * (rings, queues, pools, interrupts): after it the driver is removed, and
 * the next case that needs it gets a fresh init. (SR-IOV cases put VFs
 * back themselves, whatever happened.)
 */
void fixture_before(struct igb_drv *drv)
{
	drv->seen.faulted = false;
	if (drv->cfg.dma_flags) { /* rings above 4 GiB: the next init puts them low */
		igb_ops.remove(drv);
		drv->cfg.dma_flags = 0;
	}
	if ((drv->cfg.tx_queue || drv->cfg.rx_queue) && igb_drv_switch_queues(drv, 0, 0))
		igb_ops.remove(drv); /* the next user re-inits on queue 0 */
	if (drv->up)
		igb_drv_set_frame_size(drv, drv->max_frame);
}

void fixture_after(struct igb_dev *d, struct igb_drv *drv, enum ktap_result r)
{
	if (r == KTAP_FAIL && drv->dev == d && drv->up)
		igb_ops.remove(drv);
}
