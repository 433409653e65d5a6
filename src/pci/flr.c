/* flr.c - PCIe Function Level Reset with config restore (see flr.h). */
#include "pci/flr.h"

#include "pci/pci_regs.h"
#include "wait_bound.h"

/* PCIe Base 4.0 6.6.2: a function must complete FLR within 100 ms. */
#define FLR_COMPLETION_US		100000
/* Transactions Pending: Linux pci_wait_for_pending_transaction() gives it
 * up to ~1.5 s and then resets anyway; we give it 1 s and do the same. */
#define FLR_PENDING_TIMEOUT_US		1000000
#define FLR_PENDING_POLL_US		1000
/* After the 100 ms a function may still answer with Configuration Request
 * Retry Status (all-ones, or Vendor ID 0x0001 where the root port has RRS
 * Software Visibility); Linux waits up to 60 s for slow devices, the
 * 82576 needs none: 1 s bound. */
#define FLR_READY_TIMEOUT_US		1000000
#define FLR_READY_POLL_US		1000

/* The function answers config reads again. As Linux pci_dev_wait(): not
 * all-ones (no answer), and not Vendor ID 0x0001, which a root port with
 * RRS Software Visibility returns while the function still answers
 * Configuration RRS (pci_bus_rrs_vendor_id): "not ready yet", keep
 * polling within the bound. */
static bool present(void *ctx)
{
	uint16_t id = pci_read16(*(struct pci_bdf *)ctx, PCI_VENDOR_ID);

	return id != 0xffff && id != PCI_VENDOR_ID_RRS;
}

static bool wait_present(struct pci_bdf b)
{
	return wait_until(present, &b, FLR_READY_TIMEOUT_US, FLR_READY_POLL_US);
}

void pci_save_state(struct pci_bdf b, const struct pci_caps *c, struct pci_saved_state *s)
{
	for (unsigned i = 0; i < PCI_STD_HEADER_SIZEOF / 4; i++)
		s->header[i] = pci_read32(b, (uint16_t)(4 * i));
	s->devctl = pci_read16(b, c->pcie + PCI_EXP_DEVCTL);
	s->lnkctl = pci_read16(b, c->pcie + PCI_EXP_LNKCTL);
	s->v2 = (pci_read16(b, c->pcie + PCI_EXP_FLAGS) & PCI_EXP_FLAGS_VERS) >= 2;
	if (s->v2) {
		s->devctl2 = pci_read16(b, c->pcie + PCI_EXP_DEVCTL2);
		s->lnkctl2 = pci_read16(b, c->pcie + PCI_EXP_LNKCTL2);
	}
	s->msix_flags = c->msix ? pci_read16(b, c->msix + PCI_MSIX_FLAGS) : 0;
	if (!c->sriov)
		return;
	s->sriov_ctrl = pci_read16(b, c->sriov + PCI_SRIOV_CTRL);
	s->sriov_num_vf = pci_read16(b, c->sriov + PCI_SRIOV_NUM_VF);
	s->sriov_pgsize = pci_read32(b, c->sriov + PCI_SRIOV_SYS_PGSIZE);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		s->sriov_bar[i] = pci_read32(b, c->sriov + PCI_SRIOV_BAR + 4 * i);
}

/* SR-IOV: page size and VF BARs, NumVFs, then the control word (VF Enable
 * and VF Memory Space) last, as an enabling driver would order them. */
static void restore_sriov(struct pci_bdf b, const struct pci_caps *c,
			  const struct pci_saved_state *s)
{
	if (!c->sriov)
		return;
	pci_write32(b, c->sriov + PCI_SRIOV_SYS_PGSIZE, s->sriov_pgsize);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		pci_write32(b, c->sriov + PCI_SRIOV_BAR + 4 * i, s->sriov_bar[i]);
	pci_write16(b, c->sriov + PCI_SRIOV_NUM_VF, s->sriov_num_vf);
	pci_write16(b, c->sriov + PCI_SRIOV_CTRL, s->sriov_ctrl);
}

void pci_restore_state(struct pci_bdf b, const struct pci_caps *c,
		       const struct pci_saved_state *s)
{
	for (unsigned i = PCI_BASE_ADDRESS_0 / 4; i < PCI_STD_HEADER_SIZEOF / 4; i++)
		pci_write32(b, (uint16_t)(4 * i), s->header[i]);
	pci_write32(b, PCI_CACHE_LINE_SIZE, s->header[PCI_CACHE_LINE_SIZE / 4]);
	pci_write16(b, c->pcie + PCI_EXP_DEVCTL, s->devctl & ~PCI_EXP_DEVCTL_BCR_FLR);
	pci_write16(b, c->pcie + PCI_EXP_LNKCTL, s->lnkctl);
	if (s->v2) {
		pci_write16(b, c->pcie + PCI_EXP_DEVCTL2, s->devctl2);
		pci_write16(b, c->pcie + PCI_EXP_LNKCTL2, s->lnkctl2);
	}
	if (c->msix)
		pci_write16(b, c->msix + PCI_MSIX_FLAGS, s->msix_flags);
	restore_sriov(b, c, s);
	pci_write16(b, PCI_COMMAND, (uint16_t)s->header[PCI_COMMAND / 4]);
}

int pci_flr(struct pci_bdf b, const struct pci_caps *c, struct flr_report *rep)
{
	struct pci_saved_state s = { 0 };
	uint64_t t0;

	*rep = (struct flr_report){ 0 };
	if (!c->pcie || !c->flr)
		return RC_ENOTSUP;
	pci_save_state(b, c, &s);

	t0 = plat_now_us();
	rep->pending_timeout = !pci_wait16(b, c->pcie + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_TRPND,
					   0, FLR_PENDING_TIMEOUT_US, FLR_PENDING_POLL_US);
	rep->pending_us = plat_now_us() - t0;

	t0 = plat_now_us();
	pci_write16(b, c->pcie + PCI_EXP_DEVCTL, s.devctl | PCI_EXP_DEVCTL_BCR_FLR);
	wait_us(FLR_COMPLETION_US);
	bool ready = wait_present(b);
	rep->reset_us = plat_now_us() - t0;
	if (!ready)
		return RC_ETIMEDOUT;

	t0 = plat_now_us();
	pci_restore_state(b, c, &s);
	rep->restore_us = plat_now_us() - t0;
	return RC_OK;
}
