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

/* A function reset: the device (registers, PHY, EITR, the wedged
 * engine) and the function's config state: COMMAND, BARs, MSI-X (every
 * entry masked), SR-IOV, Device Control. */
static void function_reset(struct model_igb *g)
{
	struct fake_fn *f = g->fn;
	uint16_t msix = FAKE_82576_MSIX_CAP + PCI_MSIX_FLAGS;
	uint16_t sriov = FAKE_82576_SRIOV_CAP + PCI_SRIOV_CTRL;

	fake_set16(f, PCI_COMMAND, 0);
	g->master_on = false; /* reset with the rest, not given back */
	reset_bars(f);
	fake_set8(f, PCI_CACHE_LINE_SIZE, 0);
	fake_set8(f, PCI_INTERRUPT_LINE, 0);
	fake_set16(f, msix, fake_get16(f, msix) &
			    ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
	fake_set16(f, sriov, 0);
	fake_set16(f, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL, g->devctl_reset);
	fake_set16(f, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL2, 0);
}

/*
 * FLR (PCIe 6.6.2): a function reset. QEMU does it all inside the config
 * write; silicon answers nothing for 100 ms.
 */
static void flr(struct model_igb *g)
{
	struct fake_fn *f = g->fn;

	g->flrs++;
	if (!inject_flr_keeps_state(g)) {
		model_device_reset(g, true);
		msix_reset(g);
	}
	function_reset(g);
	if (model_silicon(g)) {
		g->in_flr = true;
		g->flr_done_ns = g->now_ns + MODEL_SI_FLR_NS + MODEL_SI_FLR_RRS_NS;
		g->flr_undecoded = g->bar0->undecoded + g->bar3->undecoded;
		f->all_ones = true;
		f->rrs = true;
	}
}

/*
 * PMCSR PowerState written. Both: in D3hot the BARs decode nothing (the
 * function answers config requests only; QEMU 10 unmaps them, pci_pm_
 * update()). Silicon: for 10 ms after a transition to or from D3hot a
 * config write is lost (MV_PM_TOO_SOON), and D3hot -> D0 without
 * No_Soft_Reset resets the function (PCI PM 1.2 5.4: "D0 uninitialized";
 * the model's 82576 reports No_Soft_Reset 0; a test may set the bit).
 * QEMU keeps every state across D3hot (pci_pm_update() only remaps).
 */
static void pm_written(struct model_igb *g, uint16_t at)
{
	struct fake_fn *f = g->fn;
	uint16_t pmcsr = fake_get16(f, at);
	unsigned state = pmcsr & PCI_PM_CTRL_STATE_MASK;
	unsigned refused = g->bar0->undecoded + g->bar3->undecoded;

	if (inject_pm_stuck(g) || (model_silicon(g) && g->now_ns < g->pm_busy_ns)) {
		if (!inject_pm_stuck(g))
			model_violate(g, MV_PM_TOO_SOON);
		fake_set16(f, at, (uint16_t)((pmcsr & ~PCI_PM_CTRL_STATE_MASK) | g->pm_state));
		return;
	}
	if (state == g->pm_state || (state != 0 && state != 3))
		return;
	g->pm_transitions++;
	g->pm_busy_ns = g->now_ns + MODEL_SI_PM_D3HOT_NS;
	if (state == 3) {
		g->pm_undecoded = refused;
	} else {
		if (model_silicon(g))
			g->violations[MV_ACCESS_IN_D3] += refused - g->pm_undecoded;
		if (model_silicon(g) && !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET)) {
			model_device_reset(g, true);
			msix_reset(g);
			function_reset(g);
		}
	}
	g->pm_state = state;
	f->no_decode = state == 3;
}

static void cfg_written(struct fake_fn *f, uint16_t off, unsigned width, void *priv)
{
	struct model_igb *g = priv;
	uint16_t devctl = FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL;
	uint16_t pmcsr = MODEL_PM_CAP + PCI_PM_CTRL;

	model_sync(g);
	if (model_silicon(g) && g->now_ns < g->pm_busy_ns &&
	    !touches(off, width, pmcsr, 2))
		model_violate(g, MV_PM_TOO_SOON);
	if (touches(off, width, pmcsr, 2))
		pm_written(g, pmcsr);
	if (touches(off, width, devctl, 2) &&
	    (fake_get16(f, devctl) & PCI_EXP_DEVCTL_BCR_FLR))
		flr(g); /* Initiate FLR reads back 0 */
	if (touches(off, width, MODEL_MSI_CAP + PCI_MSI_MASK_64, 4))
		msi_mask_written(g);
	if (touches(off, width, FAKE_82576_MSIX_CAP + PCI_MSIX_FLAGS, 2))
		msix_deliver_unmasked(g);
	if (touches(off, width, PCI_COMMAND, 2)) {
		bool on = fake_get16(f, PCI_COMMAND) & PCI_COMMAND_MASTER;
		if (g->master_on && !on)
			model_released(g);
		g->master_on = on;
	}
	sriov_cfg_written(g, off, width);
}

void model_pci_sync(struct model_igb *g)
{
	uint16_t devsta = FAKE_82576_PCIE_CAP + PCI_EXP_DEVSTA;
	uint16_t sta;

	if (g->cpl_due_ns && g->now_ns >= g->cpl_due_ns) {
		g->cpl_due_ns = 0;
		model_pci_completion_timeout(g);
	}
	sta = fake_get16(g->fn, devsta) & ~PCI_EXP_DEVSTA_TRPND;
	/* A read awaiting its completion (or timeout), or being resent, is a
	 * request still pending. */
	fake_set16(g->fn, devsta, sta | (g->resending || g->cpl_due_ns ?
					 PCI_EXP_DEVSTA_TRPND : 0));
	if (g->in_flr && g->now_ns >= g->flr_done_ns) {
		unsigned refused = g->bar0->undecoded + g->bar3->undecoded;
		g->in_flr = false;
		g->fn->rrs = false;
		if (!g->removed)
			g->fn->all_ones = false;
		g->violations[MV_ACCESS_IN_FLR] += refused - g->flr_undecoded;
	}
}

/* An error f logs (PCIe r5.0 6.2.5): its bit in the AER status register
 * at aer_status, and DEVSTA's detected bit for its severity (exp: the
 * PCI Express capability). Logged whatever the masks say. */
static void err_log(struct fake_fn *f, uint16_t aer_status, uint32_t bit, uint16_t exp,
		    uint16_t detected)
{
	fake_or(f, aer_status, 4, bit);
	fake_or(f, exp + PCI_EXP_DEVSTA, 2, detected);
}

/* Non-fatal by default severity. */
void model_pci_completion_timeout(struct model_igb *g)
{
	err_log(g->fn, FAKE_82576_AER_CAP + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_COMP_TIME,
		FAKE_82576_PCIE_CAP, PCI_EXP_DEVSTA_NFED);
}

void model_pci_bad_tlp(struct model_igb *g)
{
	err_log(g->fn, FAKE_82576_AER_CAP + PCI_ERR_COR_STATUS, PCI_ERR_COR_BAD_TLP,
		FAKE_82576_PCIE_CAP, PCI_EXP_DEVSTA_CED);
}

void model_set_port(struct model_igb *g, struct fake_fn *port)
{
	g->port = port;
}

/*
 * The port above logs an error of ours. An Unsupported Request (a DMA
 * the port cannot route, PCIe r5.0 6.2.7) logs the request's header when
 * it is the first uncorrectable error (First Error Pointer, 7.8.4.7): a
 * 64-bit memory read whose second dword carries our requester ID. A Bad
 * DLLP is the link's, correctable, with no header (6.2.7 table 6-3).
 */
void model_pci_port_ur(struct model_igb *g)
{
	uint16_t ue = FAKE_BRIDGE_AER_CAP + PCI_ERR_UNCOR_STATUS;
	uint16_t log = FAKE_BRIDGE_AER_CAP + PCI_ERR_HEADER_LOG;
	uint32_t rid = (uint32_t)g->fn->bdf.bus << 8 | (uint32_t)g->fn->bdf.dev << 3 |
		       g->fn->bdf.fn;

	if (!fake_get32(g->port, ue)) {
		fake_set32(g->port, FAKE_BRIDGE_AER_CAP + PCI_ERR_CAP, 20); /* UR's bit */
		fake_set32(g->port, log, 0x20000001u); /* MRd, 4 DW header, 1 DW */
		fake_set32(g->port, log + 4, rid << 16 | 0x00ffu);
		fake_set32(g->port, log + 8, 0x00000001u);
		fake_set32(g->port, log + 12, 0xdead0000u);
	}
	err_log(g->port, ue, PCI_ERR_UNC_UNSUP, FAKE_BRIDGE_PCIE_CAP,
		PCI_EXP_DEVSTA_URD | PCI_EXP_DEVSTA_NFED);
}

void model_pci_port_error(struct model_igb *g)
{
	if (!g->port)
		harness_fatal(__FILE__, __LINE__, "MODEL_FAULT_PORT_*: no model_set_port");
	if (g->faults & MODEL_FAULT_PORT_UR)
		model_pci_port_ur(g);
	if (g->faults & MODEL_FAULT_PORT_BAD_DLLP)
		err_log(g->port, FAKE_BRIDGE_AER_CAP + PCI_ERR_COR_STATUS, PCI_ERR_COR_BAD_DLLP,
			FAKE_BRIDGE_PCIE_CAP, PCI_EXP_DEVSTA_CED);
}

void model_pci_poisoned_tlp(struct model_igb *g)
{
	err_log(g->fn, FAKE_82576_AER_CAP + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_POISON_TLP,
		FAKE_82576_PCIE_CAP, PCI_EXP_DEVSTA_NFED);
	fake_or(g->fn, PCI_STATUS, 2, PCI_STATUS_DETECTED_PARITY);
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
	fake_writable(g->fn, MODEL_PM_CAP + PCI_PM_CTRL, 2, PCI_PM_CTRL_STATE_MASK);
	/* MSI: enable and Multiple Message Enable, a dword-aligned 64-bit
	 * address, 16 bits of data, the mask bit of the one vector. */
	fake_writable(g->fn, MODEL_MSI_CAP + PCI_MSI_FLAGS, 2,
		      PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	fake_writable(g->fn, MODEL_MSI_CAP + PCI_MSI_ADDRESS_LO, 4, 0xfffffffcu);
	fake_writable(g->fn, MODEL_MSI_CAP + PCI_MSI_ADDRESS_HI, 4, ~0u);
	fake_writable(g->fn, MODEL_MSI_CAP + PCI_MSI_DATA_64, 2, 0xffff);
	fake_writable(g->fn, MODEL_MSI_CAP + PCI_MSI_MASK_64, 4, 1);

	g->bar0->at_bar = true;
	g->bar0->bar = 0;
	g->bar3->at_bar = true;
	g->bar3->bar = 3;
}
