/* msix.c - MSI-X table, PBA and control from the device side (see msix.h). */
#include "pci/msix.h"

#include "pci/pci_regs.h"
#include "report/fmt.h"

/* Table entry layout (PCI 3.0 6.8.2.6). */
#define MSIX_ENTRY_ADDR_LO	0
#define MSIX_ENTRY_ADDR_HI	4
#define MSIX_ENTRY_DATA		8
#define MSIX_ENTRY_CTRL		12
#define  MSIX_ENTRY_CTRL_MASKBIT 0x1

static uint64_t entry(const struct msix *m, unsigned v)
{
	return m->table + (uint64_t)v * PCI_MSIX_ENTRY_SIZE;
}

static int bar_addr(const struct pci_bar *bars, uint8_t bir, uint32_t off,
		    uint64_t bytes, uint64_t *out, const char *what, char *why,
		    size_t n)
{
	const struct pci_bar *b;

	if (bir >= PCI_BAR_COUNT_NORMAL) {
		fmt_snprintf(why, n, "MSI-X %s BIR %u is not a BAR", what, bir);
		return RC_EINVAL;
	}
	b = &bars[bir];
	if ((b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64) || !b->addr) {
		fmt_snprintf(why, n, "MSI-X %s BAR%u is %s", what, bir,
			     b->addr ? "not a memory BAR" : "unassigned");
		return RC_ENODEV;
	}
	if (b->size && (uint64_t)off + bytes > b->size) {
		fmt_snprintf(why, n, "MSI-X %s overruns BAR%u", what, bir);
		return RC_ERANGE;
	}
	*out = b->addr + off;
	return RC_OK;
}

int msix_setup(struct msix *m, struct pci_bdf bdf, const struct pci_caps *caps,
	       const struct pci_bar *bars, char *why, size_t why_len)
{
	int rc;

	*m = (struct msix){ .bdf = bdf };
	if (!caps->msix) {
		fmt_snprintf(why, why_len, "no MSI-X capability");
		return RC_ENODEV;
	}
	m->cap = caps->msix;
	m->nvec = caps->msix_table_size;
	if ((rc = bar_addr(bars, caps->msix_table_bir, caps->msix_table_off,
			   (uint64_t)m->nvec * PCI_MSIX_ENTRY_SIZE, &m->table, "table",
			   why, why_len)) ||
	    (rc = bar_addr(bars, caps->msix_pba_bir, caps->msix_pba_off,
			   ((m->nvec + 63u) / 64u) * 8u, &m->pba, "PBA", why, why_len)))
		return rc;
	m->saved_flags = pci_read16(bdf, m->cap + PCI_MSIX_FLAGS);
	m->nsaved = m->nvec < MSIX_MAX_SAVED ? m->nvec : MSIX_MAX_SAVED;
	for (unsigned v = 0; v < m->nsaved; v++) {
		uint64_t e = entry(m, v);
		m->saved[v] = (struct msix_entry_save){
			plat_mmio_read32(e + MSIX_ENTRY_ADDR_LO),
			plat_mmio_read32(e + MSIX_ENTRY_ADDR_HI),
			plat_mmio_read32(e + MSIX_ENTRY_DATA),
			plat_mmio_read32(e + MSIX_ENTRY_CTRL),
		};
	}
	m->ready = true;
	return RC_OK;
}

static void set_flags(struct msix *m, uint16_t set, uint16_t clear)
{
	uint16_t f = pci_read16(m->bdf, m->cap + PCI_MSIX_FLAGS);

	pci_write16(m->bdf, m->cap + PCI_MSIX_FLAGS, (f | set) & ~clear);
}

void msix_enable(struct msix *m)
{
	uint16_t cmd = pci_read16(m->bdf, PCI_COMMAND);

	/* MSI-X and INTx are exclusive; make the choice explicit (and undo
	 * it in msix_restore). */
	m->set_intx_disable = !(cmd & PCI_COMMAND_INTX_DISABLE);
	pci_write16(m->bdf, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE);
	set_flags(m, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
}

void msix_function_mask(struct msix *m, bool masked)
{
	if (masked)
		set_flags(m, PCI_MSIX_FLAGS_MASKALL, 0);
	else
		set_flags(m, 0, PCI_MSIX_FLAGS_MASKALL);
}

void msix_mask_entry(struct msix *m, unsigned v, bool masked)
{
	uint64_t c = entry(m, v) + MSIX_ENTRY_CTRL;
	uint32_t ctrl = plat_mmio_read32(c);

	plat_mmio_write32(c, masked ? ctrl | MSIX_ENTRY_CTRL_MASKBIT :
				      ctrl & ~MSIX_ENTRY_CTRL_MASKBIT);
}

void msix_set_entry(struct msix *m, unsigned v, uint64_t addr, uint32_t data,
		    bool masked)
{
	uint64_t e = entry(m, v);

	/* Mask while the entry is half written (PCI 3.0 6.8.2.9). */
	msix_mask_entry(m, v, true);
	plat_mmio_write32(e + MSIX_ENTRY_ADDR_LO, (uint32_t)addr);
	plat_mmio_write32(e + MSIX_ENTRY_ADDR_HI, (uint32_t)(addr >> 32));
	plat_mmio_write32(e + MSIX_ENTRY_DATA, data);
	if (!masked)
		msix_mask_entry(m, v, false);
}

bool msix_entry_masked(const struct msix *m, unsigned v)
{
	return plat_mmio_read32(entry(m, v) + MSIX_ENTRY_CTRL) & MSIX_ENTRY_CTRL_MASKBIT;
}

bool msix_pending(const struct msix *m, unsigned v)
{
	return (plat_mmio_read32(m->pba + 4 * (v / 32)) >> (v % 32)) & 1;
}

void msix_restore(struct msix *m)
{
	if (!m->ready)
		return;
	/* Masked by function first, so no half-restored entry can fire. */
	msix_function_mask(m, true);
	for (unsigned v = 0; v < m->nsaved; v++) {
		uint64_t e = entry(m, v);
		plat_mmio_write32(e + MSIX_ENTRY_CTRL, m->saved[v].ctrl | MSIX_ENTRY_CTRL_MASKBIT);
		plat_mmio_write32(e + MSIX_ENTRY_ADDR_LO, m->saved[v].addr_lo);
		plat_mmio_write32(e + MSIX_ENTRY_ADDR_HI, m->saved[v].addr_hi);
		plat_mmio_write32(e + MSIX_ENTRY_DATA, m->saved[v].data);
		plat_mmio_write32(e + MSIX_ENTRY_CTRL, m->saved[v].ctrl);
	}
	pci_write16(m->bdf, m->cap + PCI_MSIX_FLAGS, m->saved_flags);
	if (m->set_intx_disable)
		pci_write16(m->bdf, PCI_COMMAND,
			    pci_read16(m->bdf, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
	m->set_intx_disable = false;
	m->ready = false;
}
