/*
 * model_sriov.h - the 82576 model's SR-IOV side (model_sriov.c): the PF's
 * SR-IOV capability, eight VF functions, their BAR0 decode and the PF/VF
 * mailbox on both sides.
 *
 * As OVMF leaves an 82576 on QEMU 10.0 (seen there): VF Enable off, the VF
 * BARs assigned above 4 GiB, and, when a PCIe port is above the PF, the
 * port forwarding ARI (DEVCTL2) with a memory window around the PF's BAR0
 * and the PF's ARI Capable Hierarchy set. The personalities differ in VF
 * BAR decode: QEMU maps a VF BAR only when it lies below 4 GiB (it ignores
 * the upper half) and only with Memory Space set in the VF's own COMMAND;
 * silicon decodes VF BARs wherever they are once VF MSE is set (SR-IOV
 * 1.1 3.3.3.4; VF COMMAND.MEM is reserved there). The mailbox follows
 * QEMU's igb_core.c (igb_set_pfmailbox, igb_set_vfmailbox, the R2C read)
 * for both, except RVFU, which on silicon frees VFU in both views.
 */
#ifndef IGBTEST_MODEL_SRIOV_H
#define IGBTEST_MODEL_SRIOV_H

#include "fake_platform.h"
#include "igb/igb_regs.h"

struct model_igb;

#define MODEL_SRIOV_REGIONS 4

struct model_sriov {
	struct model_igb *g;                /* NULL until sriov_attach */
	bool enabled;                       /* VF Enable seen set */
	bool ari_seen;                      /* silicon, lowest PF: its ARI bit */
	unsigned nvfs;                      /* VFs present */
	struct fake_fn *vf[IGB_MAX_VFS];   /* NULL: the slot was taken */
	struct fake_mmio *region[MODEL_SRIOV_REGIONS]; /* where VF BARs were */
	unsigned nregions;
	uint32_t v2p[IGB_MAX_VFS];         /* each VF's V2PMAILBOX */
	/* what a test reads back */
	unsigned vf_flrs[IGB_MAX_VFS];
	unsigned vf_soft_resets[IGB_MAX_VFS]; /* VF CTRL.RST */
	unsigned stray;        /* accesses in a VF region no VF BAR decodes */
	unsigned low_alias;    /* QEMU: VF COMMAND.MEM set with the BAR above 4 GiB
				* or unassigned: QEMU maps it over low memory */
	unsigned bar_moved_live; /* VF BAR written while VF MSE was on */
};

/* The model's hooks (model_regs.c, model_pci.c call them): attach after
 * the model's first reset; a PF reset (hard: FLR) and the PF's BAR0
 * writes (true: handled here) and SR-IOV config writes. */
void sriov_attach(struct model_igb *g);
void sriov_reset(struct model_igb *g, bool hard);
bool sriov_write(struct model_igb *g, uint32_t off, uint32_t val);
void sriov_cfg_written(struct model_igb *g, uint16_t off, unsigned width);

/* For tests. */
const struct model_sriov *model_sriov(const struct model_igb *g);
/* Config writes that reached the PF's VFs (so "only our device was
 * written" can count them with the PF's). */
unsigned model_sriov_vf_cfg_writes(const struct model_igb *g);

#endif
