/*
 * model_priv.h - what the 82576 model's files share (see model_igb.h).
 *
 * Register names come from src/igb/igb_regs.h. The few bits below are ones
 * the driver never uses but the model needs to behave; each is checked
 * against Linux 6.1 drivers/net/ethernet/intel/igb (name in the comment).
 */
#ifndef IGBTEST_MODEL_PRIV_H
#define IGBTEST_MODEL_PRIV_H

#include "igb/igb_regs.h"
#include "model_igb.h"
#include "pci/pci_regs.h"

#define MODEL_EECD_PRES		0x00000100 /* E1000_EECD_PRES */
#define MODEL_ICR_TXDW		0x00000001 /* E1000_ICR_TXDW */
#define MODEL_ICR_LSC		0x00000004 /* E1000_ICR_LSC */
#define MODEL_ICR_RXT0		0x00000080 /* E1000_ICR_RXT0 (QEMU: RXDW) */
#define MODEL_ICR_DRSTA		0x40000000 /* E1000_ICR_DRSTA */
#define MODEL_RAH_POOL_MASK	0x03FC0000 /* E1000_RAH_POOL_MASK */
#define MODEL_RAH_POOL_SHIFT	18	   /* E1000_RAH_POOL_1 == 1 << 18 */
#define MODEL_SRRCTL_DESCTYPE_MASK 0x0E000000 /* SRRCTL.DESCTYPE, bits 27:25 (8.10.2) */
#define MODEL_ADVTXD_DTYP_MASK	0x00F00000 /* DTYP, bits 23:20 (7.2.2.3) */
#define MODEL_ADVTXD_DTYP_CTXT	0x00200000 /* E1000_ADVTXD_DTYP_CTXT */
#define MODEL_MSIX_ENTRY_CTRL_MASKBIT 0x1 /* PCI_MSIX_ENTRY_CTRL_MASKBIT */
#define MODEL_MSIX_PBA_OFF	0x2000	/* PBA in BAR3 (facts/82576.md) */
#define MODEL_ETH_TYPE_MAC_CONTROL 0x8808 /* IEEE 802.3 MAC control */
#define MODEL_MAC_CONTROL_PAUSE	0x0001	/* its PAUSE opcode (802.3 Annex 31B) */
#define MODEL_ETH_TYPE_IPV4	0x0800
#define MODEL_ETH_TYPE_VLAN	0x8100	/* QEMU ETH_P_VLAN */
#define MODEL_ETH_TYPE_DVLAN	0x88a8	/* QEMU ETH_P_DVLAN */
#define MODEL_IPV4_MIN_IHL	5	/* 32-bit words: 20 bytes */
#define MODEL_82576_SERDES_ID	0x10E7	/* E1000_DEV_ID_82576_SERDES */

/* Reset values of registers the driver relies on. */
#define MODEL_CTRL_RESET	(IGB_CTRL_FD | IGB_CTRL_SPD_1000) /* QEMU's, less LRST */
#define MODEL_RLPML_RESET	0x2600	/* 9728 (QEMU; datasheet 8.10.x) */
#define MODEL_GCR_RESET		IGB_GCR_CMPL_TMOUT_RESEND /* resend on at reset */
/* Silicon: GCR also says the PCIe capability is version 2 (the 82576's). */
#define MODEL_SI_GCR_RESET	(IGB_GCR_CMPL_TMOUT_RESEND | IGB_GCR_CAP_VER2)
/* Silicon: manageability firmware running (FWSM.MODE 2, pass-through; the
 * board a lab qualifies often has it). QEMU's FWSM reads 0. */
#define MODEL_SI_FWSM		(2u << IGB_FWSM_MODE_SHIFT)
#define MODEL_RX_BUF_DEFAULT	2048	/* RCTL.BSIZE 00b */
#define MODEL_ETH_MIN_FRAME	60	/* without FCS */
#define MODEL_ETH_MAX_FRAME	1514	/* LPE off: 1500 bytes of payload */
#define MODEL_ETH_FCS		4

/* ---- time (simulated; ns for the wire, us from the fake clock) ---- */

/* QEMU: STATUS.LU 500 ms (virtual) after an autoneg restart (igb_core.c
 * e1000x_restart_autoneg / igb_autoneg_timer). */
#define MODEL_QEMU_AUTONEG_NS		500000000ull
/* QEMU: EITR counts in 256 ns units (E1000_INTR_DELAY_NS_RES). */
#define MODEL_QEMU_EITR_NS		256ull
/* Silicon: an MDIO frame is 64 bits at 2.5 MHz (about 26 us). */
#define MODEL_SI_MDIO_NS		30000ull
/* Silicon: one EERD word read from the SPI NVM; a few microseconds. */
#define MODEL_SI_EERD_NS		10000ull
/* Silicon: CTRL.RST reads 1 this long; nothing may be accessed for 1 ms
 * after setting it (4.2.1.6.1). */
#define MODEL_SI_RST_BUSY_NS		100000ull
#define MODEL_SI_RST_QUIET_NS		1000000ull
/* Silicon: NVM auto-load done (EECD.AUTO_RD) this long after CTRL.RST;
 * inside Linux's 10 ms AUTO_READ_DONE_TIMEOUT. */
#define MODEL_SI_AUTO_RD_NS		2000000ull
/* Silicon: FLR completes within 100 ms (PCIe Base 6.6.2); modelled as the
 * full 100 ms, during which the function answers config reads with RRS
 * and its BARs nothing. */
#define MODEL_SI_FLR_NS			100000000ull
/* Silicon: and answers Configuration RRS for a while after it (PCIe Base
 * 2.3.1: a function may do so after the 100 ms; Linux pci_dev_wait() keeps
 * polling while the Vendor ID reads 0x0001). The 20 ms is the model's. */
#define MODEL_SI_FLR_RRS_NS		20000000ull
/* Silicon: the completion timeout a non-posted read waits before it is
 * called lost. At the default value (GCR and DEVCTL2 timeout fields 0)
 * the 82576 uses the low end of 50 us to 10 ms: 1 ms, "500us to 1ms" in
 * practice (Linux igb_set_pcie_completion_timeout, facts/82576.md), too
 * short for a loaded host. GCR's 10 ms and DEVCTL2's 16-55 ms range
 * (igb_set_pcie_completion_timeout) are modelled at their low ends. */
#define MODEL_SI_CPL_TIMEOUT_DEFAULT_NS	1000000ull
#define MODEL_SI_CPL_TIMEOUT_GCR_10MS_NS 10000000ull
#define MODEL_SI_CPL_TIMEOUT_16MS_NS	16000000ull
/* DEVCTL2 values above 16-55 ms (range B's 65-210 ms, ranges C and D),
 * which firmware may leave and the driver keeps: modelled as 65 ms. */
#define MODEL_SI_CPL_TIMEOUT_65MS_NS	65000000ull
/* Silicon: a pending MSI-X message released by an unmask is sent (and
 * its PBA bit cleared) a little later, not inside the unmask: a posted
 * write queued behind others. 2 us is the model's figure. */
#define MODEL_SI_MSI_SEND_NS		2000ull
/* Silicon: PHY internal loopback passes frames only once the PHY has
 * settled: 50 ms after the BMCR loopback write and 500 ms after the MAC
 * link is forced (Linux igb_integrated_phy_loopback, the VFIO igb driver:
 * both "empirically required"). Before, frames are lost. */
#define MODEL_SI_PHY_LOOPBACK_SETTLE_NS	50000000ull
#define MODEL_SI_FORCED_LINK_SETTLE_NS	500000000ull
/* Silicon: PCI PM 1.2 5.6.1: after a transition to or from D3hot the
 * function may not be accessed for 10 ms (Linux PCI_PM_D3HOT_WAIT). A
 * config write before then is lost. */
#define MODEL_SI_PM_D3HOT_NS		10000000ull
/* Where fake_devices.c puts the PM and MSI capabilities (QEMU's layout;
 * MSI: 64-bit, per-vector mask, one vector: QEMU igb.c msi_init()). */
#define MODEL_PM_CAP			0x40
#define MODEL_MSI_CAP			0x50

/* Silicon: autonegotiation with a 1000BASE-T partner (the cable the model
 * has unless unplugged) takes this long: IEEE 802.3 autonegotiation plus
 * 1000BASE-T training is seconds on real PHYs; 3 s is the model's figure,
 * inside Linux igb_link_test()'s 5 s. */
#define MODEL_SI_AUTONEG_NS		3000000000ull
/* What the partner advertises: 10/100 both duplexes with Acknowledge
 * (ANLPAR), 1000BASE-T both duplexes, receivers OK (1000T_STAT). */
#define MODEL_PARTNER_ANLPAR		0x41e1
#define MODEL_PARTNER_1000T_STAT	0x3c00
/* QEMU: what every autonegotiation finds, -netdev or not (seen on 10.0.2:
 * igb_autoneg_timer checks only link_down, which only set_link changes). */
#define MODEL_QEMU_ANLPAR		0x47e0
#define MODEL_QEMU_1000T_STAT		0x3c00

/* Silicon: the manageability firmware holds its SW_FW_SYNC PHY bit this
 * long after a power-on or FLR (it sets up the PHY); a driver that does
 * not wait for it drives MDIO under the firmware. 20 ms is the model's. */
#define MODEL_SI_FW_PHY_HOLD_NS		20000000ull
/* Silicon: retries of a timed-out read we tolerate before calling it the
 * unbounded resend stream the seed series warns of (patch 5). */
#define MODEL_SI_RESEND_LIMIT		3
/* Silicon: 1 Gb/s is 8 ns a byte; a frame adds preamble+SFD (8) and the
 * inter-frame gap (12) to its bytes with FCS, at least 64 of those. */
#define MODEL_SI_NS_PER_BYTE		8ull
#define MODEL_SI_WIRE_OVERHEAD		20u
#define MODEL_SI_MIN_WIRE_FRAME		64u

#define REG(g, off) ((g)->bar0->regs[(off) / 4])

static inline bool model_silicon(const struct model_igb *g)
{
	return g->pers == MODEL_SILICON;
}

static inline void model_violate(struct model_igb *g, enum model_violation v)
{
	g->violations[v]++;
}

/* model_regs.c */
void model_sync(struct model_igb *g);

void model_device_reset(struct model_igb *g, bool hard);
/* Bus mastering went off: the driver gives the device back (silicon
 * checks the PHY and MAC are left as an OS expects them). */
void model_released(struct model_igb *g);
/* After each TDT write: the surprise-removal trigger counts them. */
void model_tdt_counted(struct model_igb *g);

/* model_irq.c: EICR/EIMS/..., ICR/IMS/..., IVAR, EITR, MSI-X table/PBA */
bool irq_read(struct model_igb *g, uint32_t off, uint32_t *val);
bool irq_write(struct model_igb *g, uint32_t off, uint32_t val);
void irq_raise(struct model_igb *g, uint32_t icr_causes, uint32_t eicr_causes);
uint32_t irq_queue_bit(const struct model_igb *g, unsigned queue, bool tx);
void irq_sync(struct model_igb *g);
void irq_reset(struct model_igb *g, bool hard);
void msix_reset(struct model_igb *g);
/* MSI: the mask written (a pending message goes out when unmasked). */
void msi_mask_written(struct model_igb *g);
void msix_deliver_unmasked(struct model_igb *g);
void msix_attach(struct model_igb *g);

/* model_dma.c: DMA access, TX/RX engine, wedge and resend */
/* The host memory a device access reaches through the IOMMU (if any), or
 * NULL: refused by the IOMMU, or nothing behind it (violation outside). */
void *dma_map(struct model_igb *g, uint64_t addr, size_t len, bool write,
	      enum model_violation outside);
bool dma_read(struct model_igb *g, uint64_t addr, void *buf, size_t len);
void dma_write(struct model_igb *g, uint64_t addr, const void *buf, size_t len);
bool dma_master(const struct model_igb *g);
void dma_run(struct model_igb *g);
void dma_tdt_written(struct model_igb *g, unsigned queue);
void dma_sync(struct model_igb *g);
void dma_reset(struct model_igb *g, bool hard);

/* model_stats.c: statistics counters; frame lengths without FCS */
void stats_tx(struct model_igb *g, uint32_t len);
void stats_rx(struct model_igb *g, uint32_t len);      /* arrived at the MAC */
void stats_rx_good(struct model_igb *g, uint32_t len); /* given to the host */
void stats_no_buffer(struct model_igb *g);
bool stats_read(struct model_igb *g, uint32_t off, uint32_t *val);

/* model_inject.c: the fault-injection table's faults (model_igb.h) */
bool inject_frame_sent(struct model_igb *g, uint8_t *data, uint32_t len);
uint16_t inject_wb_length(const struct model_igb *g, uint16_t len);
bool inject_rx_data(struct model_igb *g, uint64_t addr, const uint8_t *p, uint32_t len);
void inject_rx_landed(struct model_igb *g, uint64_t addr, uint32_t len, bool first, bool last);
void inject_tx_sent(struct model_igb *g, uint64_t src, uint32_t len);
bool inject_leak(struct model_igb *g, uint64_t addr, void *buf, size_t len, bool write);
bool inject_msi_lost(const struct model_igb *g, unsigned v);
void inject_msi_sent(struct model_igb *g, unsigned v, uint64_t addr, uint32_t data);
uint32_t inject_reg_read(const struct model_igb *g, uint32_t off, uint32_t v);
bool inject_mbx_lost(struct model_igb *g);
void inject_vf_reset(struct model_igb *g, unsigned v);
uint32_t inject_vf_status(const struct model_igb *g, unsigned v);
bool inject_mbx_lock_broken(const struct model_igb *g);
bool inject_flr_keeps_state(const struct model_igb *g);
bool inject_rst_unwedges(const struct model_igb *g);
bool inject_pm_stuck(const struct model_igb *g);
bool inject_one_vector_lost(const struct model_igb *g);
bool inject_eitr_ignored(const struct model_igb *g);
void inject_sync(struct model_igb *g);

/* model_pci.c: config space side (FLR, MSI-X control) */
void model_pci_attach(struct model_igb *g);
void model_pci_sync(struct model_igb *g);
/* Silicon: a read that got no completion (PCIe 4.0 2.8): AER UE
 * Completion Timeout and DEVSTA Non-Fatal Error Detected, sticky. */
void model_pci_completion_timeout(struct model_igb *g);
/* The port above (model_set_port) logs an Unsupported Request of ours,
 * naming us in its AER header log when it is the first (model_pci.c). */
void model_pci_port_ur(struct model_igb *g);
/* A marginal link: the device logs a correctable Bad TLP (AER CE, DEVSTA). */
void model_pci_bad_tlp(struct model_igb *g);
/* A poisoned TLP received (PCIe 4.0 2.7.2.2): AER UE Poisoned TLP, DEVSTA
 * Non-Fatal Error Detected, PCI_STATUS Detected Parity Error. */
void model_pci_poisoned_tlp(struct model_igb *g);

#endif
