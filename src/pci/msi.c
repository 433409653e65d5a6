/* msi.c - the MSI capability, set up and put back (see msi.h). */
#include "pci/msi.h"

#include "pci/pci_regs.h"

/* Pending Bits follow the Mask Bits (PCI 3.0 6.8.1.8/9). */
#define MSI_PENDING_AFTER_MASK	4

static uint16_t data_at(const struct msi *m)
{
	return m->cap + (m->is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
}

static uint16_t mask_at(const struct msi *m)
{
	return m->cap + (m->is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

int msi_setup(struct msi *m, struct pci_bdf bdf, const struct pci_caps *caps)
{
	*m = (struct msi){ .bdf = bdf, .cap = caps->msi };
	if (!m->cap)
		return RC_ENOTSUP;
	m->flags = pci_read16(bdf, m->cap + PCI_MSI_FLAGS);
	m->is64 = m->flags & PCI_MSI_FLAGS_64BIT;
	m->maskbit = m->flags & PCI_MSI_FLAGS_MASKBIT;
	m->addr_lo = pci_read32(bdf, m->cap + PCI_MSI_ADDRESS_LO);
	if (m->is64)
		m->addr_hi = pci_read32(bdf, m->cap + PCI_MSI_ADDRESS_HI);
	m->data = pci_read16(bdf, data_at(m));
	if (m->maskbit)
		m->mask = pci_read32(bdf, mask_at(m));
	m->command = pci_read16(bdf, PCI_COMMAND);
	return RC_OK;
}

void msi_enable(struct msi *m, uint64_t addr, uint16_t data)
{
	uint16_t flags = m->flags & ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);

	/* Disabled while the message is changed, enabled last (as Linux
	 * __pci_write_msi_msg() / pci_msi_set_enable() order it). */
	pci_write16(m->bdf, m->cap + PCI_MSI_FLAGS, flags);
	pci_write16(m->bdf, PCI_COMMAND,
		    pci_read16(m->bdf, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	pci_write32(m->bdf, m->cap + PCI_MSI_ADDRESS_LO, (uint32_t)addr);
	if (m->is64)
		pci_write32(m->bdf, m->cap + PCI_MSI_ADDRESS_HI, (uint32_t)(addr >> 32));
	pci_write16(m->bdf, data_at(m), data);
	msi_mask(m, false);
	pci_write16(m->bdf, m->cap + PCI_MSI_FLAGS, flags | PCI_MSI_FLAGS_ENABLE);
}

bool msi_mask(struct msi *m, bool masked)
{
	if (!m->maskbit)
		return false;
	pci_write32(m->bdf, mask_at(m), masked ? 1u : 0u);
	return true;
}

bool msi_pending(const struct msi *m)
{
	return m->maskbit &&
	       (pci_read32(m->bdf, mask_at(m) + MSI_PENDING_AFTER_MASK) & 1u);
}

void msi_restore(struct msi *m)
{
	pci_write16(m->bdf, m->cap + PCI_MSI_FLAGS, m->flags & ~PCI_MSI_FLAGS_ENABLE);
	pci_write32(m->bdf, m->cap + PCI_MSI_ADDRESS_LO, m->addr_lo);
	if (m->is64)
		pci_write32(m->bdf, m->cap + PCI_MSI_ADDRESS_HI, m->addr_hi);
	pci_write16(m->bdf, data_at(m), (uint16_t)m->data);
	if (m->maskbit)
		pci_write32(m->bdf, mask_at(m), m->mask);
	pci_write16(m->bdf, m->cap + PCI_MSI_FLAGS, m->flags);
	/* Only INTx Disable is ours: decode and mastering are the platform's
	 * (plat_pci_enable) and may have changed since. */
	pci_write16(m->bdf, PCI_COMMAND,
		    (pci_read16(m->bdf, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE) |
			    (m->command & PCI_COMMAND_INTX_DISABLE));
}
