/*
 * health.h - PCIe link and error health of a function and the port above
 * it: what a lab needs to know besides "the NIC works".
 *
 * Reads only, except pci_err_clear(), which writes 1s to exactly the
 * write-1-to-clear error bits it was given (PCI 3.0 6.2.3, PCIe 4.0
 * 7.5.1.1.2 / 7.5.3.5 / 7.8.4): on the 82576 under test and on the port
 * directly above it, nothing else.
 */
#ifndef IGBTEST_PCI_HEALTH_H
#define IGBTEST_PCI_HEALTH_H

#include "pci/pci.h"

/* The error status of one function: only the error bits, 0 = clean. */
struct pci_err {
	uint16_t status;  /* PCI_STATUS & PCI_STATUS_ERROR_BITS */
	uint16_t devsta;  /* PCIe DEVSTA & PCI_EXP_DEVSTA_ERRORS (0: no PCIe cap) */
	uint32_t uncor;   /* AER uncorrectable status (0: no AER) */
	uint32_t cor;     /* AER correctable status */
	bool gone;        /* config space reads all-ones */
};

/* Read the error bits of bdf, whose capabilities are c. */
void pci_err_read(struct pci_bdf bdf, const struct pci_caps *c, struct pci_err *e);
bool pci_err_any(const struct pci_err *e);
/* Clear exactly e's bits (write 1 to clear); RC_OK or the first error. */
int pci_err_clear(struct pci_bdf bdf, const struct pci_caps *c, const struct pci_err *e);
/* The bits of a and b. */
struct pci_err pci_err_or(const struct pci_err *a, const struct pci_err *b);
/*
 * Which function sent the TLP behind e, read before e is cleared from
 * bdf (whose capabilities are c): true, with *from, when e is one
 * uncorrectable error whose header AER logs (and its advisory); false
 * when the registers do not say (no AER, no header for that error, or
 * other errors beside it).
 */
bool pci_err_sender(struct pci_bdf bdf, const struct pci_caps *c, const struct pci_err *e,
		    struct pci_bdf *from);
/* e's bits that allowed does not cover. */
struct pci_err pci_err_minus(const struct pci_err *e, const struct pci_err *allowed);
/* "STATUS: received master abort; AER UE: completion timeout ..." into buf. */
const char *pci_err_str(const struct pci_err *e, char *buf, size_t n);

/* One end of a link as its PCIe capability describes it. */
struct pcie_link {
	bool present;            /* has a PCIe capability with a link */
	uint8_t cap_speed, cap_width; /* LNKCAP: max speed code, max width */
	uint8_t speed, width;    /* LNKSTA: current speed code and width */
	uint16_t lnksta;
};

void pcie_link_read(struct pci_bdf bdf, const struct pci_caps *c, struct pcie_link *l);
/*
 * What the link between dev and the port above it (port NULL or not
 * present: dev's own capability only) should have trained to: the lower
 * of both ends' maximum speed and width (PCIe 4.0 4.2.6: both ends
 * advertise, the link takes the best common).
 */
void pcie_link_expected(const struct pcie_link *dev, const struct pcie_link *port,
			uint8_t *speed, uint8_t *width);

#endif
