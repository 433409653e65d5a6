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
 * Retry (reads all-ones); Linux waits up to 60 s for slow devices, the
 * 82576 needs none: 1 s bound. */
#define FLR_READY_TIMEOUT_US		1000000
#define FLR_READY_POLL_US		1000

/* What FLR clears and we put back: the type 0 header (BARs, COMMAND,
 * cache line, latency, interrupt line), PCIe Device Control, MSI-X flags,
 * and the SR-IOV capability's set-up (a PF's FLR clears its VF BARs and
 * VF Enable too). */
struct flr_saved {
	uint32_t header[PCI_STD_HEADER_SIZEOF / 4];
	uint16_t devctl;
	uint16_t msix_flags;
	uint16_t sriov_ctrl, sriov_num_vf;
	uint32_t sriov_pgsize;
	uint32_t sriov_bar[PCI_SRIOV_NUM_BARS];
};

static bool poll_cfg16(struct pci_bdf b, uint16_t off, uint16_t mask, uint16_t want,
		       uint32_t timeout_us, uint32_t step_us)
{
	uint64_t start = plat_now_us();
	uint64_t limit = wait_bound_us(timeout_us);

	for (uint64_t i = 0; i <= limit / step_us; i++) {
		if ((pci_read16(b, off) & mask) == want)
			return true;
		if (plat_now_us() - start >= limit)
			break;
		plat_udelay(step_us);
	}
	return false;
}

/* The function answers config reads again (not all-ones / CRS). */
static bool wait_present(struct pci_bdf b)
{
	uint64_t start = plat_now_us();
	uint64_t limit = wait_bound_us(FLR_READY_TIMEOUT_US);

	for (uint64_t i = 0; i <= limit / FLR_READY_POLL_US; i++) {
		if (pci_read16(b, PCI_VENDOR_ID) != 0xffff)
			return true;
		if (plat_now_us() - start >= limit)
			break;
		plat_udelay(FLR_READY_POLL_US);
	}
	return false;
}

static void save(struct pci_bdf b, const struct pci_caps *c, struct flr_saved *s)
{
	for (unsigned i = 0; i < PCI_STD_HEADER_SIZEOF / 4; i++)
		s->header[i] = pci_read32(b, (uint16_t)(4 * i));
	s->devctl = pci_read16(b, c->pcie + PCI_EXP_DEVCTL);
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
			  const struct flr_saved *s)
{
	if (!c->sriov)
		return;
	pci_write32(b, c->sriov + PCI_SRIOV_SYS_PGSIZE, s->sriov_pgsize);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		pci_write32(b, c->sriov + PCI_SRIOV_BAR + 4 * i, s->sriov_bar[i]);
	pci_write16(b, c->sriov + PCI_SRIOV_NUM_VF, s->sriov_num_vf);
	pci_write16(b, c->sriov + PCI_SRIOV_CTRL, s->sriov_ctrl);
}

static void restore(struct pci_bdf b, const struct pci_caps *c, const struct flr_saved *s)
{
	/* BARs and the rest of the header first, COMMAND (decode) last. */
	for (unsigned i = PCI_BASE_ADDRESS_0 / 4; i < PCI_STD_HEADER_SIZEOF / 4; i++)
		pci_write32(b, (uint16_t)(4 * i), s->header[i]);
	pci_write32(b, PCI_CACHE_LINE_SIZE, s->header[PCI_CACHE_LINE_SIZE / 4]);
	pci_write16(b, c->pcie + PCI_EXP_DEVCTL, s->devctl & ~PCI_EXP_DEVCTL_BCR_FLR);
	if (c->msix)
		pci_write16(b, c->msix + PCI_MSIX_FLAGS, s->msix_flags);
	restore_sriov(b, c, s);
	pci_write16(b, PCI_COMMAND, (uint16_t)s->header[PCI_COMMAND / 4]);
}

int pci_flr(struct pci_bdf b, const struct pci_caps *c, struct flr_report *rep)
{
	struct flr_saved s = { 0 };
	uint64_t t0;

	*rep = (struct flr_report){ 0 };
	if (!c->pcie || !c->flr)
		return RC_ENOTSUP;
	save(b, c, &s);

	t0 = plat_now_us();
	rep->pending_timeout = !poll_cfg16(b, c->pcie + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_TRPND,
					   0, FLR_PENDING_TIMEOUT_US, FLR_PENDING_POLL_US);
	rep->pending_us = plat_now_us() - t0;

	t0 = plat_now_us();
	pci_write16(b, c->pcie + PCI_EXP_DEVCTL, s.devctl | PCI_EXP_DEVCTL_BCR_FLR);
	plat_udelay(FLR_COMPLETION_US);
	bool ready = wait_present(b);
	rep->reset_us = plat_now_us() - t0;
	if (!ready)
		return RC_ETIMEDOUT;

	t0 = plat_now_us();
	restore(b, c, &s);
	rep->restore_us = plat_now_us() - t0;
	return RC_OK;
}
