/*
 * model_pci.c - the 82576 model's config-space side: Function Level Reset
 * through PCIe Device Control, MSI-X control changes that release pending
 * vectors, Transactions Pending while a read is being resent, and the
 * 100 ms a silicon function takes to come back from FLR.
 */
#include "fake_devices.h"
#include "model_priv.h"

/* Config bits a function reset clears (PCI 3.0: COMMAND and BAR address
 * bits, cache line size, interrupt line; the BAR type bits are fixed). */
#define BAR_MEM_TYPE_BITS 0x0000000fu
#define BAR_IO_TYPE_BITS 0x00000003u
#define PCI_INTERRUPT_LINE 0x3c

static bool touches(uint16_t off, unsigned width, uint16_t reg, unsigned reg_width)
{
	return off < reg + reg_width && off + width > reg;
}

static void reset_bars(struct fake_fn *f)
{
	for (unsigned b = 0; b < PCI_BAR_COUNT_NORMAL; b++) {
		uint16_t reg = PCI_BASE_ADDRESS_0 + 4 * b;
		uint32_t v = fake_get32(f, reg);
		bool io = v & PCI_BASE_ADDRESS_SPACE_IO;

		fake_set32(f, reg, v & (io ? BAR_IO_TYPE_BITS : BAR_MEM_TYPE_BITS));
		if (!io && (v & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64)
			fake_set32(f, reg + 4, 0), b++;
	}
}

/*
 * FLR (PCIe 6.6.2): the device resets completely (registers, PHY, EITR,
 * the wedged engine), and so does the function's config state: COMMAND,
 * BARs, MSI-X (every entry masked), SR-IOV, Device Control. QEMU does it
 * all inside the config write; silicon answers nothing for 100 ms.
 */
static void flr(struct model_igb *g)
{
	struct fake_fn *f = g->fn;
	uint16_t msix = FAKE_82576_MSIX_CAP + PCI_MSIX_FLAGS;
	uint16_t sriov = FAKE_82576_SRIOV_CAP + PCI_SRIOV_CTRL;

	g->flrs++;
	if (!inject_flr_keeps_state(g)) {
		model_device_reset(g, true);
		msix_reset(g);
	}
	fake_set16(f, PCI_COMMAND, 0);
	reset_bars(f);
	fake_set8(f, PCI_CACHE_LINE_SIZE, 0);
	fake_set8(f, PCI_INTERRUPT_LINE, 0);
	fake_set16(f, msix, fake_get16(f, msix) &
			    ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
	fake_set16(f, sriov, 0);
	fake_set16(f, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL, g->devctl_reset);
	fake_set16(f, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL2, 0);
	if (model_silicon(g)) {
		g->in_flr = true;
		g->flr_done_ns = g->now_ns + MODEL_SI_FLR_NS + MODEL_SI_FLR_RRS_NS;
		g->flr_undecoded = g->bar0->undecoded + g->bar3->undecoded;
		f->all_ones = true;
		f->rrs = true;
	}
}

static void cfg_written(struct fake_fn *f, uint16_t off, unsigned width, void *priv)
{
	struct model_igb *g = priv;
	uint16_t devctl = FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL;

	model_sync(g);
	if (touches(off, width, devctl, 2) &&
	    (fake_get16(f, devctl) & PCI_EXP_DEVCTL_BCR_FLR))
		flr(g); /* Initiate FLR reads back 0 */
	if (touches(off, width, FAKE_82576_MSIX_CAP + PCI_MSIX_FLAGS, 2))
		msix_deliver_unmasked(g);
	sriov_cfg_written(g, off, width);
}

void model_pci_sync(struct model_igb *g)
{
	uint16_t devsta = FAKE_82576_PCIE_CAP + PCI_EXP_DEVSTA;
	uint16_t sta = fake_get16(g->fn, devsta) & ~PCI_EXP_DEVSTA_TRPND;

	/* A read being resent is a request still waiting for completion. */
	fake_set16(g->fn, devsta, sta | (g->resending ? PCI_EXP_DEVSTA_TRPND : 0));
	if (g->in_flr && g->now_ns >= g->flr_done_ns) {
		unsigned refused = g->bar0->undecoded + g->bar3->undecoded;
		g->in_flr = false;
		g->fn->rrs = false;
		if (!g->removed)
			g->fn->all_ones = false;
		g->violations[MV_ACCESS_IN_FLR] += refused - g->flr_undecoded;
	}
}

void model_pci_attach(struct model_igb *g)
{
	uint16_t devctl = FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL;

	g->fn->cfg_written = cfg_written;
	g->fn->cfg_priv = g;
	fake_writable(g->fn, devctl, 2, 0xffff);
	fake_writable(g->fn, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL2, 2,
		      PCI_EXP_DEVCTL2_COMP_TIMEOUT);
	g->devctl_reset = fake_get16(g->fn, devctl);
	g->bar0->at_bar = true;
	g->bar0->bar = 0;
	g->bar3->at_bar = true;
	g->bar3->bar = 3;
}
