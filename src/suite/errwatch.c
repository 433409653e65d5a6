/*
 * errwatch.c - the harness's PCIe error check (issue 15 item 2).
 *
 * Before a device's first case: read its error status (PCI_STATUS,
 * DEVSTA, AER) and the port's above it, report what was there once and
 * clear it, so nothing found before the run is blamed on a case. After
 * every case: read again; bits the case did not declare fail it, by name;
 * then clear everything seen, so each case starts clean. Only the device
 * under test and the port directly above it are written, and only their
 * write-1-to-clear error bits.
 */
#include "suite/errwatch.h"

#include "pci/pci_regs.h"
#include "report/fmt.h"

const struct pci_err test_dma_fault_dev = {
	.status = PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_REC_TARGET_ABORT,
	.devsta = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_URD,
	.uncor = PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP |
		 PCI_ERR_UNC_UNSUP,
	.cor = PCI_ERR_COR_ADV_NFAT,
};

const struct pci_err test_dma_fault_port = {
	.status = PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
		  PCI_STATUS_REC_TARGET_ABORT,
	.devsta = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_URD,
	.uncor = PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNSUP,
	.cor = PCI_ERR_COR_ADV_NFAT,
};

void test_expect_pcie(struct test_run *t, const struct pci_err *dev,
		      const struct pci_err *port, const char *why)
{
	t->allow_dev = *dev;
	t->allow_port = *port;
	t->allow_why = why;
}

/* Read both ends; a function that is gone reads as no errors here (the
 * runner's own checks say "gone"). */
static void read_both(const struct igb_dev *d, struct pci_err *dev, struct pci_err *port)
{
	pci_err_read(d->bdf, &d->fn->caps, dev);
	if (dev->gone)
		*dev = (struct pci_err){ 0 };
	*port = (struct pci_err){ 0 };
	if (d->port) {
		pci_err_read(d->port->bdf, &d->port->caps, port);
		if (port->gone)
			*port = (struct pci_err){ 0 };
	}
}

static void clear_both(const struct igb_dev *d, const struct pci_err *dev,
		       const struct pci_err *port)
{
	if (pci_err_any(dev))
		pci_err_clear(d->bdf, &d->fn->caps, dev);
	if (d->port && pci_err_any(port))
		pci_err_clear(d->port->bdf, &d->port->caps, port);
}

/* "device: ...; port 0000:00:1c.0: ..." for whichever end has bits. */
static const char *both_str(const struct igb_dev *d, const struct pci_err *dev,
			    const struct pci_err *port, char *buf, size_t n)
{
	char e[200], bdf[16];
	size_t k = 0;

	buf[0] = '\0';
	if (pci_err_any(dev))
		k = (size_t)fmt_snprintf(buf, n, "device: %s", pci_err_str(dev, e, sizeof(e)));
	if (pci_err_any(port) && k < n)
		fmt_snprintf(buf + k, n - k, "%sport %s: %s", k ? "; " : "",
			     pci_bdf_str(d->port->bdf, bdf, sizeof(bdf)),
			     pci_err_str(port, e, sizeof(e)));
	return buf;
}

void errwatch_begin(struct igb_dev *d)
{
	char s[400], bdf[16] = "";

	read_both(d, &d->err_before, &d->port_err_before);
	if (d->port)
		pci_bdf_str(d->port->bdf, bdf, sizeof(bdf));
	ktap_diag("PCIe error check: after every case, on %s and the port above it (%s), "
		  "whose error status bits igbtest clears", d->name, d->port ? bdf : "none");
	if (both_str(d, &d->err_before, &d->port_err_before, s, sizeof(s))[0])
		ktap_diag_at(KTAP_ALWAYS, "PCIe errors found before the run (cleared, not "
			     "blamed on any case): %s", s);
	clear_both(d, &d->err_before, &d->port_err_before);
}

void errwatch_after(struct igb_dev *d, struct test_run *t, enum ktap_result *r)
{
	struct pci_err dev, port, bad_dev, bad_port, ok_dev, ok_port;
	char s[400];

	read_both(d, &dev, &port);
	bad_dev = pci_err_minus(&dev, &t->allow_dev);
	bad_port = pci_err_minus(&port, &t->allow_port);
	ok_dev = pci_err_minus(&dev, &bad_dev);
	ok_port = pci_err_minus(&port, &bad_port);
	if (both_str(d, &ok_dev, &ok_port, s, sizeof(s))[0])
		ktap_diag("%s: PCIe errors expected (%s): %s", t->name,
			  t->allow_why ? t->allow_why : "declared", s);
	if (both_str(d, &bad_dev, &bad_port, s, sizeof(s))[0]) {
		if (*r == KTAP_FAIL)
			ktap_diag_at(KTAP_ALWAYS, "%s: also PCIe errors: %s", t->name, s);
		else
			*r = test_fail(t, "PCIe errors during the case: %s", s);
	}
	clear_both(d, &dev, &port);
}
