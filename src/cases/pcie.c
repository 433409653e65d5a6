/*
 * pcie.c - PCIe link and error health (issue 15 items 1 and 2): how the
 * link to the port above trained, and what error status the device and
 * that port carried before the run. Config space reads only here; the
 * per-case error check and its clearing are the harness's (errwatch.c).
 */
#include "pci/health.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "suite/suite.h"

/* Linux pcie_wait_for_link / pcie_retrain_link: PCIE_LINK_RETRAIN_TIMEOUT_MS
 * (drivers/pci/pci.h) bounds how long a port may show Link Training. */
#define PCIE_LINK_TRAIN_TIMEOUT_US	1000000u
#define PCIE_LINK_TRAIN_POLL_US		10000u

static uint64_t mts(uint8_t speed)
{
	static const uint16_t m[] = { 0, 2500, 5000, 8000, 16000, 32000, 64000 };

	return speed < sizeof(m) / sizeof(m[0]) ? m[speed] : 0;
}

static enum ktap_result case_pcie_link(struct igb_dev *d, struct test_run *t)
{
	struct pcie_link dev, port = { 0 };
	const struct pci_caps *pc = d->port ? &d->port->caps : NULL;
	uint8_t speed, width;
	char bdf[16] = "", ends[80];
	size_t k;

	/* QEMU puts an igb on q35's or virt's root bus as a Root Complex
	 * Integrated Endpoint, which has no link (PCIe 4.0 7.5.3.2); an 82576
	 * on a board is a PCIe Endpoint, so this never applies on silicon. */
	if (d->fn->caps.pcie && d->fn->caps.pcie_type == PCI_EXP_TYPE_RC_END)
		SKIP(t, "the function is a Root Complex Integrated Endpoint (as QEMU places "
		     "an igb on its root bus): it has no link");
	pcie_link_read(d->bdf, &d->fn->caps, &dev);
	ASSERT(t, dev.present, "no PCIe capability with a link (the 82576 is a x4 PCIe "
	       "endpoint)");
	if (d->port) {
		pci_bdf_str(d->port->bdf, bdf, sizeof(bdf));
		pcie_link_read(d->port->bdf, pc, &port);
	}
	/* Link Training is meaningful in the port only (PCIe 4.0 7.5.3.8). */
	if (port.present && (port.lnksta & PCI_EXP_LNKSTA_LT)) {
		ASSERT(t, pci_wait16(d->port->bdf, pc->pcie + PCI_EXP_LNKSTA, PCI_EXP_LNKSTA_LT,
				     0, PCIE_LINK_TRAIN_TIMEOUT_US, PCIE_LINK_TRAIN_POLL_US),
		       "port %s still shows Link Training after %u ms", bdf,
		       PCIE_LINK_TRAIN_TIMEOUT_US / 1000);
		pcie_link_read(d->bdf, &d->fn->caps, &dev);
		pcie_link_read(d->port->bdf, pc, &port);
	}
	pcie_link_expected(&dev, &port, &speed, &width);
	test_measure(t, "speed", mts(dev.speed), "MT/s");
	test_measure(t, "width", dev.width, "lanes");
	/* What both ends can do, as the diagnostic and a failure say it. */
	k = (size_t)fmt_snprintf(ends, sizeof(ends), "device can %s x%u",
				 pci_link_speed_str(dev.cap_speed), dev.cap_width);
	if (port.present && k < sizeof(ends))
		fmt_snprintf(ends + k, sizeof(ends) - k, ", port %s can %s x%u", bdf,
			     pci_link_speed_str(port.cap_speed), port.cap_width);
	ktap_diag("%s: trained %s x%u; %s (%s LnkSta 0x%04x)", t->name,
		  pci_link_speed_str(dev.speed), dev.width, ends,
		  port.present ? "port" : "no port above; device", port.present ? port.lnksta :
		  dev.lnksta);
	/* Said, not failed: the port may have retrained for a reason of its own. */
	if (port.lnksta & (PCI_EXP_LNKSTA_LBMS | PCI_EXP_LNKSTA_LABS))
		ktap_diag("%s: port %s:%s%s: speed or width changed after training", t->name,
			  bdf, port.lnksta & PCI_EXP_LNKSTA_LBMS ? " Link Bandwidth Management "
			  "Status set (retrained, or for reliability)" : "",
			  port.lnksta & PCI_EXP_LNKSTA_LABS ? " Link Autonomous Bandwidth "
			  "Status set (by the hardware)" : "");
	ASSERT(t, dev.speed && dev.width, "the link is down: LnkSta 0x%04x", dev.lnksta);
	ASSERT(t, dev.speed >= speed && dev.width >= width, "link trained %s x%u, below what "
	       "both ends can do: %s x%u (%s): a marginal slot, riser or board",
	       pci_link_speed_str(dev.speed), dev.width, pci_link_speed_str(speed), width, ends);
	return KTAP_PASS;
}

static bool uncorrectable(const struct pci_err *e)
{
	return e->status || (e->devsta & ~PCI_EXP_DEVSTA_CED) || e->uncor;
}

/*
 * What the harness found (and cleared) before the first case. An
 * uncorrectable error there fails: the board or its slot raised it at
 * power-on or under the firmware. Correctable ones alone are reported and
 * do not fail: link training at power-on may log a receiver error. During
 * the run every error fails the case that raised it (the harness's check).
 */
static enum ktap_result case_pcie_errors(struct igb_dev *d, struct test_run *t)
{
	char a[300], b[300], bdf[16] = "none";

	if (d->port)
		pci_bdf_str(d->port->bdf, bdf, sizeof(bdf));
	ktap_diag("%s: before the run: device %s; port %s: %s", t->name,
		  pci_err_str(&d->err_before, a, sizeof(a)), bdf,
		  d->port ? pci_err_str(&d->port_err_before, b, sizeof(b)) : "-");
	ASSERT(t, d->fn->caps.aer, "no AER capability: uncorrectable and correctable errors "
	       "cannot be seen (only PCI_STATUS and DEVSTA)");
	ASSERT(t, !uncorrectable(&d->err_before) && !uncorrectable(&d->port_err_before),
	       "uncorrectable PCIe errors before the run: device %s; port %s: %s", a, bdf,
	       d->port ? b : "-");
	return KTAP_PASS;
}

static const struct igb_test cases[] = {
	IGB_CASE(pcie_link, NEEDS_NOTHING, MODES_ONCE,
		 "the PCIe link trained to the best both ends can do (LnkSta against both "
		 "LnkCaps); port training and bandwidth status"),
	IGB_CASE(pcie_errors, NEEDS_NOTHING, MODES_ONCE,
		 "no uncorrectable PCIe error on the device or its port before the run "
		 "(each case is checked after it runs)"),
};
IGB_GROUP(pcie, "PCIe link and error health", cases);
