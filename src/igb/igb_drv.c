/*
 * igb_drv.c - the 82576 as a DMA copy engine (see igb_drv.h).
 *
 * A copy is a train of Ethernet frames whose bytes are the source bytes:
 * an advanced TX data descriptor reads them from src, the PHY (the SerDes
 * on a port without the copper PHY) loops the frame back, an advanced one-buffer RX descriptor writes it to dst, as
 * the Linux VFIO selftest driver does. The receive filter is promiscuous
 * and MAC control frames are passed up, so any bytes make a valid frame.
 */
#include "igb/igb_drv.h"

#include <stdarg.h>

#include "igb/igb_info.h"
#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "report/ktap.h"
#include "wait_bound.h"

/* ---- bounds on every wait (each cites its source) ---------------------- */

/* 4.2.1.6.1: at least 1 ms after setting CTRL.RST before the next access. */
#define IGB_RESET_SETTLE_US		1000
/* CTRL.RST self-clears within the settle time; 10x is a generous bound. */
#define IGB_RESET_TIMEOUT_US		10000
/* Linux igb_get_auto_rd_done(): AUTO_READ_DONE_TIMEOUT is 10 ms. */
#define IGB_AUTO_RD_TIMEOUT_US		10000
/* Linux igb_reset_hw_82575(): 10 ms after disabling RX/TX for DMA to end. */
#define IGB_QUIESCE_US			10000
/* Linux igb_get_hw_semaphore() (e1000_mac.c): SWSM.SMBI, then SWESMBI,
 * each within nvm.word_size + 1 polls of 50 us (igb_nvm_words()). */
#define IGB_SWSM_POLL_US		50
/* Linux igb_acquire_swfw_sync_82575(): 200 tries, 5 ms apart. */
#define IGB_SWFW_SYNC_TIMEOUT_US	(200u * 5000u)
#define IGB_SWFW_SYNC_POLL_US		5000
/* Linux e1000_read_phy_reg_mdic(): 1920 polls of 50 us, about 96 ms. */
#define IGB_MDIC_TIMEOUT_US		100000
#define IGB_MDIC_POLL_US		50
/* Linux igb_poll_eerd_eewr_done(): 100000 polls of 5 us, 500 ms. */
#define IGB_EERD_TIMEOUT_US		500000
#define IGB_EERD_POLL_US		5
/* Queue enable reads back at once in QEMU and within microseconds on
 * silicon once RCTL.RXEN / TCTL.TXEN are set (8.10.10, 8.12.13: it "remains
 * zero" before); 10 ms bound. */
#define IGB_QUEUE_ENABLE_TIMEOUT_US	10000
/* Linux igb_disable_pcie_master() (e1000_mac.c): STATUS.GIO_MASTER_ENABLE
 * clear within MASTER_DISABLE_TIMEOUT, 800 polls of 100 us. */
#define IGB_MASTER_DISABLE_TIMEOUT_US	80000
#define IGB_MASTER_DISABLE_POLL_US	100
/*
 * PHY loopback settle, as the VFIO igb driver (tools/testing/selftests/
 * vfio/lib/drivers/igb/igb.c, which ran on an 82576) does it: 50 ms after
 * the BMCR loopback write before forcing the MAC link, and 500 ms after
 * forcing it, both "empirically required". Linux igb_integrated_phy_
 * loopback() (igb_ethtool.c) has the same two: msleep(50) before the BMCR
 * write and mdelay(500) at its end. We follow the VFIO driver's placement,
 * the one proven with this loopback set-up on silicon. STATUS.LU is no
 * substitute: on silicon LU follows CTRL.SLU at once. These are minimum
 * times, not bounds: --timeout-scale does not shorten them.
 */
#define IGB_PHY_LOOPBACK_SETTLE_US	50000
#define IGB_FORCED_LINK_SETTLE_US	500000
/* SerDes loopback settle: Linux igb_setup_loopback_test() has none (its
 * igb_run_loopback_test waits 200 ms per batch anyway); e1000e's
 * e1000_set_82571_fiber_loopback() sleeps 10 ms after the same SCTL
 * write, and we keep that as a minimum. */
#define IGB_SERDES_LOOPBACK_SETTLE_US	10000
/* QEMU sets LU 500 ms (virtual) after the autoneg restart; silicon's
 * forced link is up in well under that (Linux waits a fixed 500 ms).
 * 4x QEMU's figure. */
#define IGB_LINK_TIMEOUT_US		2000000
#define IGB_LINK_POLL_US		1000
/* Completion: 1 Gb/s is 8 ns a byte; each frame adds preamble (8), FCS (4)
 * and inter-frame gap (12). The bound is 6x the wire time (the seed
 * series' ~200 ms for 4 MiB), never under 20 ms. */
#define IGB_WIRE_NS_PER_BYTE		8
#define IGB_FRAME_OVERHEAD_BYTES	24
#define IGB_COPY_TIMEOUT_MARGIN		6
#define IGB_COPY_TIMEOUT_MIN_US		20000
#define IGB_DD_POLL_US			2
/* After DD under an IOMMU: how long a refused data write's fault record
 * may trail the descriptor write-back. VT-d 7.2.1 logs a fault when the
 * unit processes the request, with nothing ordering the record against
 * the device's later writes; 100 us is many times a posted write's
 * latency. */
#define IGB_FAULT_SETTLE_US		100

bool igb_gone(struct igb_dev *d, const char *when, ...)
{
	va_list ap;

	if (d->gone)
		return true;
	/* One that never answered (cmd_at_start) has not left: it was absent. */
	if (d->cmd_at_start == 0xffff || pci_read32(d->bdf, PCI_VENDOR_ID) != 0xffffffffu)
		return false;
	d->gone = d->dead = true;
	va_start(ap, when);
	fmt_vsnprintf(d->gone_when, sizeof(d->gone_when), when, ap);
	va_end(ap);
	fmt_snprintf(d->dead_why, sizeof(d->dead_why), "removed: config space reads "
		     "all-ones (found %s)", d->gone_when);
	ktap_diag_at(KTAP_ALWAYS, "%s: %s; no FLR, nothing more is written to it",
		     d->name, d->dead_why);
	return true;
}

/* Poll reg until (value & mask) == want, through the one bounded wait.
 * A read of all-ones ends it at once: the device is gone or its BAR does
 * not decode. A wait that ends without its value checks whether the
 * device is still there (igb_gone). *last gets the last value read. */
struct reg_wait {
	const struct igb_dev *d;
	uint32_t reg, mask, want, last;
};

static bool reg_settled(void *ctx)
{
	struct reg_wait *w = ctx;

	w->last = igb_rd32(w->d, w->reg);
	return w->last == 0xffffffffu || (w->last & w->mask) == w->want;
}

static int poll_reg(struct igb_dev *d, uint32_t reg, uint32_t mask,
		    uint32_t want, uint32_t timeout_us, uint32_t step_us,
		    uint32_t *last)
{
	struct reg_wait w = { d, reg, mask, want, 0 };
	bool ok = wait_until(reg_settled, &w, timeout_us, step_us);

	if (last)
		*last = w.last;
	if (ok && w.last != 0xffffffffu)
		return RC_OK;
	if (igb_gone(d, "when register 0x%05x never read 0x%x (mask 0x%x)", reg, want, mask)
	    || w.last == 0xffffffffu)
		return RC_ENODEV; /* removed, or BAR not decoding */
	return RC_ETIMEDOUT;
}

static void wr_flush(const struct igb_dev *d)
{
	(void)igb_rd32(d, IGB_STATUS); /* posted writes reach the device */
}

/* ---- reset, NVM, PHY --------------------------------------------------- */

/*
 * Linux igb_disable_pcie_master() (e1000_mac.c), called first thing by
 * igb_reset_hw_82575(): block new master requests and wait, bounded, for
 * those in flight to finish, "to prevent the PCI-E bus from sticking" when
 * CTRL.RST comes. Linux resets anyway when they never finish (a read that
 * gets no completion, as after a DMA fault), and so do we.
 */
static bool master_disable(struct igb_dev *d)
{
	igb_wr32(d, IGB_CTRL, igb_rd32(d, IGB_CTRL) | IGB_CTRL_GIO_MASTER_DISABLE);
	return poll_reg(d, IGB_STATUS, IGB_STATUS_GIO_MASTER_ENABLE, 0,
			IGB_MASTER_DISABLE_TIMEOUT_US, IGB_MASTER_DISABLE_POLL_US,
			NULL) == RC_OK;
}

int igb_reset(struct igb_dev *d, bool *auto_rd_seen)
{
	int rc;

	igb_wr32(d, IGB_IMC, ~0u);
	igb_wr32(d, IGB_EIMC, ~0u);
	igb_wr32(d, IGB_RCTL, 0);
	igb_wr32(d, IGB_TCTL, IGB_TCTL_PSP);
	wr_flush(d);
	wait_us(IGB_QUIESCE_US);

	if (!master_disable(d))
		ktap_diag("%s: master requests still pending after %u ms; "
			  "resetting anyway (as Linux igb_reset_hw_82575)", d->name,
			  (unsigned)(wait_bound_us(IGB_MASTER_DISABLE_TIMEOUT_US) / 1000));
	/* CTRL.RST clears GIO_MASTER_DISABLE with the rest of CTRL. */
	igb_wr32(d, IGB_CTRL, igb_rd32(d, IGB_CTRL) | IGB_CTRL_RST);
	wait_us(IGB_RESET_SETTLE_US);
	rc = poll_reg(d, IGB_CTRL, IGB_CTRL_RST, 0, IGB_RESET_TIMEOUT_US, 100, NULL);
	if (rc)
		return rc;
	/* Silicon sets AUTO_RD once the NVM is loaded; QEMU never does. */
	*auto_rd_seen = poll_reg(d, IGB_EECD, IGB_EECD_AUTO_RD, IGB_EECD_AUTO_RD,
				 IGB_AUTO_RD_TIMEOUT_US, 100, NULL) == RC_OK;
	igb_wr32(d, IGB_IMC, ~0u);
	igb_wr32(d, IGB_EIMC, ~0u);
	wr_flush(d);
	return RC_OK;
}

int igb_nvm_read(struct igb_dev *d, uint16_t word, uint16_t *val)
{
	uint32_t v;
	int rc;

	igb_wr32(d, IGB_EERD, ((uint32_t)word << IGB_EERD_ADDR_SHIFT) | IGB_EERD_START);
	rc = poll_reg(d, IGB_EERD, IGB_EERD_DONE, IGB_EERD_DONE, IGB_EERD_TIMEOUT_US,
		      IGB_EERD_POLL_US, &v);
	if (rc)
		return rc;
	*val = (uint16_t)(v >> IGB_EERD_DATA_SHIFT);
	return RC_OK;
}

/* ---- the PHY semaphore (manageability firmware shares the PHY) -------- */

/* A register wait whose step also writes: SWSM's semaphores are taken by
 * the access itself. last: the value read (all-ones ends it). */
struct sem_wait {
	const struct igb_dev *d;
	uint32_t last;
};

/* Reading SWSM with SMBI clear sets it: that read takes it. */
static bool smbi_taken(void *ctx)
{
	struct sem_wait *w = ctx;

	w->last = igb_rd32(w->d, IGB_SWSM);
	return w->last == 0xffffffffu || !(w->last & IGB_SWSM_SMBI);
}

/* SWESMBI latches only while firmware does not hold it. */
static bool swesmbi_latched(void *ctx)
{
	struct sem_wait *w = ctx;

	igb_wr32(w->d, IGB_SWSM, igb_rd32(w->d, IGB_SWSM) | IGB_SWSM_SWESMBI);
	w->last = igb_rd32(w->d, IGB_SWSM);
	return w->last == 0xffffffffu || (w->last & IGB_SWSM_SWESMBI);
}

/* Linux igb_put_hw_semaphore(). */
static void hw_semaphore_put(struct igb_dev *d)
{
	igb_wr32(d, IGB_SWSM, igb_rd32(d, IGB_SWSM) & ~(IGB_SWSM_SMBI | IGB_SWSM_SWESMBI));
}

/* Linux igb_get_hw_semaphore() (e1000_mac.c): SMBI against other
 * software, then SWESMBI against the firmware. */
static int hw_semaphore_get(struct igb_dev *d)
{
	uint64_t bound = (uint64_t)(igb_nvm_words(d) + 1) * IGB_SWSM_POLL_US;
	struct sem_wait w = { d, 0 };

	if (!wait_until(smbi_taken, &w, bound, IGB_SWSM_POLL_US))
		return RC_ETIMEDOUT;
	if (w.last != 0xffffffffu && !wait_until(swesmbi_latched, &w, bound, IGB_SWSM_POLL_US)) {
		hw_semaphore_put(d);
		return RC_ETIMEDOUT;
	}
	return w.last == 0xffffffffu ? RC_ENODEV : RC_OK;
}

/* Linux igb_acquire_phy_82575(): this port's PHY bit, by STATUS.FUNC_ID. */
static uint32_t phy_sm_mask(const struct igb_dev *d)
{
	static const uint32_t mask[] = { IGB_SWFW_PHY0_SM, IGB_SWFW_PHY1_SM,
					 IGB_SWFW_PHY2_SM, IGB_SWFW_PHY3_SM };

	return mask[(igb_rd32(d, IGB_STATUS) & IGB_STATUS_FUNC_MASK) >> IGB_STATUS_FUNC_SHIFT];
}

struct swfw_wait {
	struct igb_dev *d;
	uint32_t mask;
	int rc;
};

/* One try of igb_acquire_swfw_sync_82575(): under the hardware semaphore,
 * take the PHY bit if neither firmware (mask << 16) nor other software
 * (mask) holds it. A failed hardware semaphore ends the wait. */
static bool swfw_taken(void *ctx)
{
	struct swfw_wait *w = ctx;
	uint32_t sync;

	w->rc = hw_semaphore_get(w->d);
	if (w->rc)
		return true;
	sync = igb_rd32(w->d, IGB_SW_FW_SYNC);
	if (sync & (w->mask | w->mask << IGB_SWFW_FW_SHIFT)) {
		hw_semaphore_put(w->d);
		w->rc = RC_ETIMEDOUT; /* unless a later try gets it */
		return false;
	}
	igb_wr32(w->d, IGB_SW_FW_SYNC, sync | w->mask);
	hw_semaphore_put(w->d);
	return true;
}

/*
 * Linux igb_acquire_phy_82575() -> igb_acquire_swfw_sync_82575()
 * (e1000_82575.c): manageability firmware drives the same MDIO bus, so
 * every PHY access takes this port's SW_FW_SYNC bit. Linux does it on
 * every 82576, firmware or not, and so do we (QEMU stores the registers,
 * and its SWSM read sets SMBI as silicon's does: the same steps work).
 */
static int phy_acquire(struct igb_dev *d)
{
	struct swfw_wait w = { d, phy_sm_mask(d), RC_OK };

	wait_until(swfw_taken, &w, IGB_SWFW_SYNC_TIMEOUT_US, IGB_SWFW_SYNC_POLL_US);
	return w.rc;
}

/* Linux igb_release_swfw_sync_82575(), which waits for the hardware
 * semaphore without end; ours is bounded, and our bit is cleared even
 * without it: left set, it would lock firmware and the OS out of the PHY. */
static void phy_release(struct igb_dev *d)
{
	uint32_t mask = phy_sm_mask(d);
	int rc = hw_semaphore_get(d);

	igb_wr32(d, IGB_SW_FW_SYNC, igb_rd32(d, IGB_SW_FW_SYNC) & ~mask);
	if (!rc)
		hw_semaphore_put(d);
}

/* "manageability firmware active (FWSM mode 2), MANC 0x...": for reasons. */
void igb_mng_describe(const struct igb_dev *d, char *buf, size_t n)
{
	uint32_t fwsm = igb_rd32(d, IGB_FWSM);
	unsigned mode = (fwsm & IGB_FWSM_MODE_MASK) >> IGB_FWSM_MODE_SHIFT;

	fmt_snprintf(buf, n, "manageability firmware %s (FWSM mode %u), MANC 0x%08x",
		     mode ? "active" : "absent", mode, igb_rd32(d, IGB_MANC));
}

/* Linux igb_check_reset_block() (e1000_phy.c): firmware with a
 * Serial-over-LAN or IDE-redirection session forbids PHY resets, and
 * igb_loopback_test() (igb_ethtool.c) then runs no PHY loopback. */
bool igb_phy_reset_blocked(const struct igb_dev *d)
{
	return igb_rd32(d, IGB_MANC) & IGB_MANC_BLK_PHY_RST_ON_IDE;
}

static int mdic(struct igb_dev *d, uint32_t op, uint8_t reg, uint16_t data,
		uint16_t *out)
{
	uint32_t v;
	int rc = phy_acquire(d);

	if (rc)
		return rc;
	igb_wr32(d, IGB_MDIC, data | ((uint32_t)reg << IGB_MDIC_REG_SHIFT) |
				      ((uint32_t)IGB_PHY_ADDR << IGB_MDIC_PHY_SHIFT) | op);
	rc = poll_reg(d, IGB_MDIC, IGB_MDIC_READY, IGB_MDIC_READY, IGB_MDIC_TIMEOUT_US,
		      IGB_MDIC_POLL_US, &v);
	phy_release(d);
	if (rc)
		return rc;
	if (v & IGB_MDIC_ERROR)
		return RC_EIO;
	if (out)
		*out = (uint16_t)(v & IGB_MDIC_DATA_MASK);
	return RC_OK;
}

int igb_phy_read(struct igb_dev *d, uint8_t reg, uint16_t *val)
{
	return mdic(d, IGB_MDIC_OP_READ, reg, 0, val);
}

int igb_phy_write(struct igb_dev *d, uint8_t reg, uint16_t val)
{
	return mdic(d, IGB_MDIC_OP_WRITE, reg, val, NULL);
}

/* ---- loopback link ----------------------------------------------------- */

/*
 * Linux igb_setup_loopback_test(): "use CTRL_EXT to identify link type as
 * SGMII can appear as copper". A non-zero CTRL_EXT.LINK_MODE (loaded from
 * the NVM: 1000BASE-KX, SGMII, SerDes) means the port does not use the
 * internal copper PHY, and loopback is the SerDes's; 0 means the PHY's.
 * The fiber and SerDes SKUs (0x10E6, 0x10E7, 0x1518, 0x150D) come up so,
 * but the NVM decides, not the device ID (igb_get_invariants_82575).
 */
uint32_t igb_link_mode(struct igb_dev *d)
{
	return igb_rd32(d, IGB_CTRL_EXT) & IGB_CTRL_EXT_LINK_MODE_MASK;
}

const char *igb_link_mode_name(uint32_t mode)
{
	switch (mode) {
	case 0:
		return "internal copper PHY";
	case IGB_CTRL_EXT_LINK_MODE_1000BASE_KX:
		return "1000BASE-KX";
	case IGB_CTRL_EXT_LINK_MODE_SGMII:
		return "SGMII";
	default:
		return "SerDes";
	}
}

/*
 * Linux runs its loopback test on a reset port, whose igb_reset() has set
 * the SerDes link up (igb_setup_serdes_link_82575): outside SGMII, where
 * the PHY sets the speed, the MAC is forced to 1000/full, "the best" for
 * modes that only do 1000/full. Then igb_setup_loopback_test(), its
 * non-zero LINK_MODE branch for an 82576 (the MPHY step is DH89xxCC/i354
 * only): SerDes loopback through SCTL, the MAC link forced up at full
 * duplex with flow control and link reset off, CONNSW's energy-detect
 * source off, and the PCS forced to a 1000/full link with autonegotiation
 * off. RCTL.LBM_TCVR, which Linux sets first, goes in with the rest of
 * RCTL in mac_rx_tx_enable(). No copper PHY step: there is none behind
 * MDIC. The SFP cage and I2C steps of igb_setup_serdes_link_82575 are for
 * a link partner and are left out.
 */
static void serdes_loopback_start(struct igb_dev *d)
{
	uint32_t v = igb_rd32(d, IGB_CTRL);

	if (igb_link_mode(d) != IGB_CTRL_EXT_LINK_MODE_SGMII)
		v = (v & ~IGB_CTRL_SPD_SEL) | IGB_CTRL_SPD_1000 | IGB_CTRL_FRCSPD |
		    IGB_CTRL_FD | IGB_CTRL_FRCDPX;
	igb_wr32(d, IGB_SCTL, IGB_SCTL_ENABLE_SERDES_LOOPBACK);
	v &= ~(IGB_CTRL_RFCE | IGB_CTRL_TFCE | IGB_CTRL_LRST);
	igb_wr32(d, IGB_CTRL, v | IGB_CTRL_SLU | IGB_CTRL_FD);
	igb_wr32(d, IGB_CONNSW, igb_rd32(d, IGB_CONNSW) & ~IGB_CONNSW_ENRGSRC);
	v = igb_rd32(d, IGB_PCS_LCTL) & ~IGB_PCS_LCTL_AN_ENABLE;
	igb_wr32(d, IGB_PCS_LCTL, v | IGB_PCS_LCTL_FLV_LINK_UP | IGB_PCS_LCTL_FSV_1000 |
					  IGB_PCS_LCTL_FDV_FULL | IGB_PCS_LCTL_FSD |
					  IGB_PCS_LCTL_FORCE_LINK);
	wr_flush(d);
}

/* Linux igb_setup_serdes_link_82575(): "SerDes loopback mode persists until
 * it is explicitly turned off or a power cycle is performed", CTRL.RST
 * included, so it is turned off before the port is left to an OS. */
static void serdes_loopback_stop(struct igb_dev *d)
{
	igb_wr32(d, IGB_SCTL, IGB_SCTL_DISABLE_SERDES_LOOPBACK);
}

static int phy_loopback_start(struct igb_dev *d)
{
	uint32_t ctrl;
	int rc;

	/*
	 * QEMU accommodation 1 of 2: a one-shot autonegotiation restart. QEMU
	 * ignores CTRL.SLU and sets STATUS.LU only when an autonegotiation
	 * finishes (500 ms of virtual time later). On silicon the loopback
	 * write below turns autonegotiation off before it starts, so this
	 * write has no effect there (seed series, patch 1).
	 */
	rc = igb_phy_write(d, IGB_PHY_BMCR, IGB_BMCR_AUTONEG_EN | IGB_BMCR_RESTART_AN);
	if (rc)
		return rc;
	/* PHY internal loopback at 1000 Mb/s full duplex (3.5.6.3.1). */
	rc = igb_phy_write(d, IGB_PHY_BMCR, IGB_BMCR_LOOPBACK | IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX);
	if (rc)
		return rc;
	wait_us(IGB_PHY_LOOPBACK_SETTLE_US);
	/* Force the MAC link at 1000/full: the descriptor engine otherwise
	 * waits for a negotiated link. Flow control off, so no data pattern
	 * can pause the transmitter. */
	ctrl = igb_rd32(d, IGB_CTRL);
	ctrl &= ~(IGB_CTRL_SPD_SEL | IGB_CTRL_RFCE | IGB_CTRL_TFCE);
	ctrl |= IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX | IGB_CTRL_SPD_1000 | IGB_CTRL_FD |
		IGB_CTRL_SLU;
	igb_wr32(d, IGB_CTRL, ctrl);
	wr_flush(d);
	return RC_OK;
}

/* Either loopback; returns the settle time due from when it returns. */
static int loopback_start(struct igb_dev *d, uint32_t *settle_us)
{
	if (igb_link_mode(d)) {
		serdes_loopback_start(d);
		*settle_us = IGB_SERDES_LOOPBACK_SETTLE_US;
		return RC_OK;
	}
	*settle_us = IGB_FORCED_LINK_SETTLE_US;
	return phy_loopback_start(d);
}

/* IEEE 802.3 22.2.4.1.1: a PHY reset completes within 0.5 s (BMCR.RESET
 * self-clears). */
#define IGB_PHY_RESET_TIMEOUT_US	500000
#define IGB_PHY_RESET_POLL_US		1000

struct bmcr_wait {
	struct igb_dev *d;
	int rc;
};

static bool phy_reset_done(void *ctx)
{
	struct bmcr_wait *w = ctx;
	uint16_t bmcr;

	w->rc = igb_phy_read(w->d, IGB_PHY_BMCR, &bmcr);
	return w->rc || !(bmcr & IGB_BMCR_RESET);
}

/* Linux igb_phy_sw_reset() (e1000_phy.c): BMCR.RESET on the current
 * value; we also wait, bounded, for the reset to finish. */
static int phy_sw_reset(struct igb_dev *d)
{
	struct bmcr_wait w = { d, RC_OK };
	uint16_t bmcr;
	int rc = igb_phy_read(d, IGB_PHY_BMCR, &bmcr);

	if (!rc)
		rc = igb_phy_write(d, IGB_PHY_BMCR, bmcr | IGB_BMCR_RESET);
	if (rc)
		return rc;
	if (!wait_until(phy_reset_done, &w, IGB_PHY_RESET_TIMEOUT_US, IGB_PHY_RESET_POLL_US))
		return RC_ETIMEDOUT;
	return w.rc;
}

/*
 * Undo phy_loopback_start(), as Linux igb_loopback_cleanup() (igb_ethtool.c)
 * leaves the PHY after the ethtool test: loopback off in BMCR, then
 * igb_phy_sw_reset(); then autonegotiation enabled and restarted (Linux
 * igb_copper_link_autoneg()), so that an OS booted after us gets a link.
 * A PHY that was not looped back and negotiates already (wire mode) is
 * left alone: a restart would only drop its link. No PHY reset while the
 * firmware forbids one (igb_check_reset_block); loopback still goes off.
 */
static int phy_loopback_stop(struct igb_dev *d)
{
	uint16_t bmcr;
	int rc = igb_phy_read(d, IGB_PHY_BMCR, &bmcr);

	if (rc || (!(bmcr & IGB_BMCR_LOOPBACK) && (bmcr & IGB_BMCR_AUTONEG_EN)))
		return rc;
	if (bmcr & IGB_BMCR_LOOPBACK) {
		rc = igb_phy_write(d, IGB_PHY_BMCR, bmcr & ~IGB_BMCR_LOOPBACK);
		if (!rc && !igb_phy_reset_blocked(d))
			rc = phy_sw_reset(d);
		if (!rc)
			rc = igb_phy_read(d, IGB_PHY_BMCR, &bmcr);
	}
	if (!rc)
		rc = igb_phy_write(d, IGB_PHY_BMCR, bmcr | IGB_BMCR_AUTONEG_EN |
							 IGB_BMCR_RESTART_AN);
	return rc;
}

/* Either loopback undone, the copper PHY's or the SerDes', and the MAC's
 * link no longer forced (igb_setup_copper_link_82575 clears FRCSPD and
 * FRCDPX): the port as an OS expects to find it. */
static int loopback_stop(struct igb_dev *d)
{
	igb_wr32(d, IGB_CTRL, igb_rd32(d, IGB_CTRL) & ~(IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX));
	if (igb_link_mode(d)) {
		serdes_loopback_stop(d);
		return RC_OK;
	}
	return phy_loopback_stop(d);
}

/*
 * LU (QEMU: the autoneg restart's 500 ms; silicon: at once), then the rest
 * of the settle after forcing the link, which whatever ran since init has
 * used part of. Only frames need the settled link (silicon loses them
 * before it), so init only arms it: the first copy after an init waits
 * here, and an init that carries no frame (init_remove's cycles, an FLR
 * cycle) costs no settle. The wait itself is never shortened.
 */
int igb_link_settle(struct igb_drv *drv)
{
	struct igb_dev *d = drv->dev;
	uint64_t since;
	int rc;

	if (!drv->up)
		return RC_ENODEV;
	if (drv->link_settled)
		return RC_OK;
	rc = poll_reg(d, IGB_STATUS, IGB_STATUS_LU, IGB_STATUS_LU, IGB_LINK_TIMEOUT_US,
		      IGB_LINK_POLL_US, NULL);
	drv->seen.link_up_us = plat_now_us() - drv->link_t0;
	if (rc) {
		fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
			     "no link after %llu ms (STATUS 0x%08x)",
			     (unsigned long long)drv->seen.link_up_us / 1000,
			     igb_rd32(d, IGB_STATUS));
		return rc;
	}
	since = plat_now_us() - drv->link_forced_at;
	if (since < drv->link_settle_us)
		wait_us((uint32_t)(drv->link_settle_us - since));
	drv->link_settled = true;
	return RC_OK;
}

/* ---- link with a partner ----------------------------------------------- */

/* BMSR's link bit is latched low (IEEE 802.3 22.2.4.2.13): read twice for
 * the current state, as Linux igb_phy_has_link() does. */
bool igb_autoneg_poll(struct igb_dev *d, struct igb_autoneg *an)
{
	uint16_t bmsr = 0;

	igb_phy_read(d, IGB_PHY_BMSR, &bmsr);
	igb_phy_read(d, IGB_PHY_BMSR, &bmsr);
	an->bmsr = bmsr;
	an->an_done = bmsr & IGB_BMSR_AN_DONE;
	an->status = igb_rd32(d, IGB_STATUS);
	return (bmsr & IGB_BMSR_AN_DONE) && (bmsr & IGB_BMSR_LINK) &&
	       (an->status & IGB_STATUS_LU);
}

/* A link the PHY negotiated on its own (power-up, firmware, an earlier OS
 * or run) that can be taken as it is: autonegotiation on, out of
 * loopback, isolation and power-down, completed with a link, on at least
 * what a restart would advertise. Only reads. */
static bool phy_link_found(struct igb_dev *d)
{
	struct igb_autoneg an = { 0 };
	uint16_t bmcr;

	if (igb_phy_read(d, IGB_PHY_BMCR, &bmcr) || !(bmcr & IGB_BMCR_AUTONEG_EN) ||
	    (bmcr & (IGB_BMCR_LOOPBACK | IGB_BMCR_ISOLATE | IGB_BMCR_POWER_DOWN)))
		return false;
	igb_autoneg_poll(d, &an);
	igb_autoneg_abilities(d, &an);
	return an.an_done && (an.bmsr & IGB_BMSR_LINK) &&
	       (an.adv & IGB_AUTONEG_ADV) == IGB_AUTONEG_ADV &&
	       (an.adv1000 & IGB_AUTONEG_ADV_1000) == IGB_AUTONEG_ADV_1000;
}

int igb_autoneg_start(struct igb_dev *d, bool *taken)
{
	uint32_t ctrl;
	int rc;

	*taken = false;
	if (igb_link_mode(d))
		return RC_ENOTSUP; /* no copper PHY behind MDIC: not these steps */
	/* Linux igb_setup_copper_link_82575(): the MAC takes speed and
	 * duplex from the PHY. */
	ctrl = igb_rd32(d, IGB_CTRL);
	ctrl &= ~(IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX | IGB_CTRL_SPD_SEL);
	igb_wr32(d, IGB_CTRL, ctrl | IGB_CTRL_SLU);
	if (phy_link_found(d))
		return *taken = true, RC_OK;
	/* Linux igb_phy_setup_autoneg(); writing BMCR whole also powers the
	 * PHY up (igb_power_up_phy_copper) and ends loopback and isolation. */
	if ((rc = igb_phy_write(d, IGB_PHY_ANAR, IGB_AUTONEG_ADV)) ||
	    (rc = igb_phy_write(d, IGB_PHY_1000T_CTRL, IGB_AUTONEG_ADV_1000)))
		return rc;
	return igb_phy_write(d, IGB_PHY_BMCR, IGB_BMCR_AUTONEG_EN | IGB_BMCR_RESTART_AN);
}

void igb_autoneg_abilities(struct igb_dev *d, struct igb_autoneg *an)
{
	igb_phy_read(d, IGB_PHY_ANAR, &an->adv);
	igb_phy_read(d, IGB_PHY_1000T_CTRL, &an->adv1000);
	igb_phy_read(d, IGB_PHY_ANLPAR, &an->lpa);
	igb_phy_read(d, IGB_PHY_1000T_STAT, &an->stat1000);
}

unsigned igb_status_speed(uint32_t status)
{
	return (status & IGB_STATUS_SPEED_1000) ? 1000 :
	       (status & IGB_STATUS_SPEED_100) ? 100 : 10;
}

/* ---- rings ------------------------------------------------------------- */

/* The enable reads back only once RCTL.RXEN / TCTL.TXEN are set (8.10.10,
 * 8.12.13): rings are written and enabled first, mac_rx_tx_enable() turns
 * on the MAC, and queues_wait() then sees the enables, the VFIO igb
 * driver's order (igb_init: RCTL/TCTL, then the RXDCTL/TXDCTL polls). */
static int queue_enabled(struct igb_dev *d, uint32_t reg)
{
	return poll_reg(d, reg, IGB_XDCTL_QUEUE_ENABLE, IGB_XDCTL_QUEUE_ENABLE,
			IGB_QUEUE_ENABLE_TIMEOUT_US, 10, NULL);
}

static int queue_disable(struct igb_dev *d, uint32_t reg)
{
	igb_wr32(d, reg, igb_rd32(d, reg) & ~IGB_XDCTL_QUEUE_ENABLE);
	return poll_reg(d, reg, IGB_XDCTL_QUEUE_ENABLE, 0, IGB_QUEUE_ENABLE_TIMEOUT_US,
			10, NULL);
}

/* RLPML counts the FCS and leaves room for one VLAN tag. */
#define IGB_RLPML_EXTRA 8

/* RX/TX descriptor write-back threshold: one, so every descriptor is
 * written back as soon as it completes (Linux uses 1 on 82576 with MSI-X). */
#define IGB_XDCTL_WTHRESH_1	(1u << 16)

/* The layout holds in both ranges of ring registers (queues 0-3, 4-15). */
#define RING_LAYOUT(q) \
	_Static_assert(IGB_RDH(q) - IGB_RDBAL(q) == IGB_RING_HEAD && \
		       IGB_RDT(q) - IGB_RDBAL(q) == IGB_RING_TAIL && \
		       IGB_RDBAH(q) - IGB_RDBAL(q) == IGB_RING_BAH && \
		       IGB_RDLEN(q) - IGB_RDBAL(q) == IGB_RING_LEN && \
		       IGB_SRRCTL(q) - IGB_RDBAL(q) == IGB_RING_SRRCTL && \
		       IGB_RXDCTL(q) - IGB_RDBAL(q) == IGB_RING_XDCTL && \
		       IGB_TDH(q) - IGB_TDBAL(q) == IGB_RING_HEAD && \
		       IGB_TDT(q) - IGB_TDBAL(q) == IGB_RING_TAIL && \
		       IGB_TDBAH(q) - IGB_TDBAL(q) == IGB_RING_BAH && \
		       IGB_TDLEN(q) - IGB_TDBAL(q) == IGB_RING_LEN && \
		       IGB_TXDCTL(q) - IGB_TDBAL(q) == IGB_RING_XDCTL, \
		       "ring register layout of queue " #q)
RING_LAYOUT(0);
RING_LAYOUT(4);

/*
 * One ring, RX or TX, over its register block (base: RDBAL(q) or
 * TDBAL(q)), as iPXE's intel_create_ring: disabled, base and length,
 * head and tail 0, then enabled with a write-back threshold of one.
 * srrctl: RX's buffer control (nothing for TX).
 */
static void ring_setup(struct igb_dev *d, struct igb_ring *ring, uint32_t base,
		       const uint32_t *srrctl)
{
	igb_wr32(d, base + IGB_RING_XDCTL, 0);
	igb_wr32(d, base + IGB_RING_BAL, (uint32_t)ring->mem->bus);
	igb_wr32(d, base + IGB_RING_BAH, (uint32_t)(ring->mem->bus >> 32));
	igb_wr32(d, base + IGB_RING_LEN, ring->count * IGB_DESC_SIZE);
	if (srrctl)
		igb_wr32(d, base + IGB_RING_SRRCTL, *srrctl);
	igb_wr32(d, base + IGB_RING_HEAD, 0);
	igb_wr32(d, base + IGB_RING_TAIL, 0);
	ring->tail = 0;
	igb_wr32(d, base + IGB_RING_XDCTL, IGB_XDCTL_WTHRESH_1 | IGB_XDCTL_QUEUE_ENABLE);
}

/* Default-pool steering (7.10.3): frames that match no receive address go
 * to the RX queue's pool; the TX queue's pool must be enabled to send. */
static void vmdq_steer(struct igb_drv *drv)
{
	struct igb_dev *d = drv->dev;
	unsigned pool = drv->rx.queue;

	igb_wr32(d, IGB_VMOLR(pool), IGB_VMOLR_AUPE | IGB_VMOLR_BAM | IGB_VMOLR_LPE |
					     IGB_VMOLR_STRCRC |
					     ((drv->max_frame + IGB_RLPML_EXTRA) &
					      IGB_VMOLR_RLPML_MASK));
	igb_wr32(d, IGB_VT_CTL, pool << IGB_VT_CTL_DEF_PL_SHIFT);
	igb_wr32(d, IGB_VFRE, 1u << pool);
	igb_wr32(d, IGB_VFTE, 1u << (drv->tx.queue % IGB_NUM_POOLS));
	igb_wr32(d, IGB_MRQC, IGB_MRQC_ENABLE_VMDQ);
}

static void rings_setup(struct igb_drv *drv)
{
	/* Advanced one-buffer descriptors (7.1.5.2 requires DESCTYPE != 0 for
	 * the advanced write-back) with a buffer that holds a whole frame. */
	uint32_t bufkb = (drv->max_frame + 1023) / 1024;
	uint32_t srrctl = (bufkb & IGB_SRRCTL_BSIZEPKT_MASK) | IGB_SRRCTL_DESCTYPE_ADV_ONEBUF;

	ring_setup(drv->dev, &drv->rx, IGB_RDBAL(drv->rx.queue), &srrctl);
	ring_setup(drv->dev, &drv->tx, IGB_TDBAL(drv->tx.queue), NULL);
}

static int queues_wait(struct igb_drv *drv)
{
	int rc = queue_enabled(drv->dev, IGB_RXDCTL(drv->rx.queue));

	if (!rc)
		rc = queue_enabled(drv->dev, IGB_TXDCTL(drv->tx.queue));
	if (rc)
		fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
			     "TX queue %u or RX queue %u did not enable (%s; RXDCTL 0x%08x "
			     "TXDCTL 0x%08x)", drv->tx.queue, drv->rx.queue, rc_name(rc),
			     igb_rd32(drv->dev, IGB_RXDCTL(drv->rx.queue)),
			     igb_rd32(drv->dev, IGB_TXDCTL(drv->tx.queue)));
	return rc;
}

static void mac_rx_tx_enable(struct igb_drv *drv)
{
	struct igb_dev *d = drv->dev;
	uint32_t rctl = IGB_RCTL_EN | IGB_RCTL_UPE | IGB_RCTL_MPE | IGB_RCTL_BAM |
			IGB_RCTL_LPE | IGB_RCTL_SECRC;

	if (drv->rx.queue)
		vmdq_steer(drv);
	else
		igb_wr32(d, IGB_MRQC, 0); /* one receive queue: queue 0 */
	igb_wr32(d, IGB_RLPML, drv->max_frame + IGB_RLPML_EXTRA);
	/*
	 * Promiscuous (UPE, MPE, BAM) and passing MAC control frames, because
	 * the frame bytes are the data. SECRC strips the FCS (QEMU would
	 * otherwise append four zero bytes). LPE for jumbo frames.
	 * QEMU accommodation 2 of 2: RCTL.LBM_MAC, which QEMU honours as
	 * loopback; MAC loopback is not implemented on 82576 silicon
	 * (3.5.6.2), where the bit has no observable effect (seed, patch 1).
	 * A SerDes port gets LBM_TCVR instead (igb_setup_loopback_test).
	 */
	/* Wire mode: that alone, Linux igb_setup_rctl() with
	 * igb_set_rx_mode()'s IFF_PROMISC; the MAC keeps pause frames. */
	if (!drv->cfg.wire)
		rctl |= IGB_RCTL_PMCF |
			(igb_link_mode(d) ? IGB_RCTL_LBM_TCVR : IGB_RCTL_LBM_MAC);
	igb_wr32(d, IGB_RCTL, rctl);
	igb_wr32(d, IGB_TCTL, IGB_TCTL_EN | IGB_TCTL_PSP | IGB_TCTL_RTLC |
				      (IGB_COLLISION_THRESHOLD << IGB_TCTL_CT_SHIFT) |
				      (IGB_COLLISION_DISTANCE << IGB_TCTL_COLD_SHIFT));
	wr_flush(d);
}

/* ---- init / remove ----------------------------------------------------- */

static void free_buffers(struct igb_drv *drv)
{
	dma_free(drv->pad);
	dma_free(drv->rx.mem);
	dma_free(drv->tx.mem);
	drv->pad = drv->rx.mem = drv->tx.mem = NULL;
}

/* One page: zeros for padding short frames and the copy header
 * (igb_copy_hdr) in the first half, the RX bounce for copies below the
 * minimum frame in the second. */
#define IGB_PAD_BYTES	2048
#define IGB_PAD_HDR	64 /* past the IGB_MIN_FRAME zeros */

static int alloc_buffers(struct igb_drv *drv)
{
	struct pci_bdf b = drv->dev->bdf;
	unsigned f = drv->cfg.dma_flags;
	int rc;

	if ((rc = dma_alloc_flags(b, IGB_RING_DESCS * IGB_DESC_SIZE, f, &drv->tx.mem)) ||
	    (rc = dma_alloc_flags(b, IGB_RING_DESCS * IGB_DESC_SIZE, f, &drv->rx.mem)) ||
	    (rc = dma_alloc_flags(b, 2 * IGB_PAD_BYTES, f, &drv->pad)))
		free_buffers(drv);
	else
		__builtin_memcpy((uint8_t *)drv->pad->cpu + IGB_PAD_HDR, igb_copy_hdr,
				 IGB_COPY_HDR_LEN);
	return rc;
}

/* Decode and bus mastering on for init, mastering off for remove, the
 * platform's way (UEFI: the function's PciIo Attributes). */
static int bus_master(struct igb_dev *d, bool on)
{
	return on ? plat_pci_enable(d->bdf, PLAT_PCI_MEMORY | PLAT_PCI_MASTER) :
		    plat_pci_disable(d->bdf, PLAT_PCI_MASTER);
}

/*
 * Linux igb_set_pcie_completion_timeout() (e1000_82575.c), called from
 * igb_reset_hw_82575(): when GCR's timeout value is still the default
 * (50 us to 10 ms, about 1 ms in practice, too short for a loaded host),
 * set it to 10 ms through GCR on a capability version 1 device, or to
 * 16-55 ms through PCIe Device Control 2 on version 2 (the 82576). Either
 * way GCR.Completion_Timeout_Resend is cleared (8.6.1), so a DMA fault
 * test does not become an unbounded stream of retried reads (seed series,
 * patch 5).
 */
static void completion_timeout(struct igb_dev *d)
{
	uint32_t gcr = igb_rd32(d, IGB_GCR);
	uint16_t devctl2 = d->fn->caps.pcie + PCI_EXP_DEVCTL2;

	if (!(gcr & IGB_GCR_CMPL_TMOUT_MASK)) {
		if (!(gcr & IGB_GCR_CAP_VER2) || !d->fn->caps.pcie)
			gcr |= IGB_GCR_CMPL_TMOUT_10MS;
		else if (!(pci_read16(d->bdf, devctl2) & PCI_EXP_DEVCTL2_COMP_TIMEOUT))
			pci_write16(d->bdf, devctl2, pci_read16(d->bdf, devctl2) |
							     PCI_EXP_DEVCTL2_COMP_TMOUT_16MS);
	}
	igb_wr32(d, IGB_GCR, gcr & ~IGB_GCR_CMPL_TMOUT_RESEND);
}

static int igb_init(struct igb_drv *drv, struct igb_dev *d)
{
	unsigned txq, rxq;
	bool wire = drv->cfg.wire;
	int rc;

	/* The device state afresh; the caller's config and what the last copy
	 * saw stay (a recovery must not erase the fault it recovers from). */
	*drv = (struct igb_drv){ .cfg = drv->cfg, .seen = drv->seen, .dev = d,
				 .max_frame = wire ? IGB_WIRE_MAX_FRAME : IGB_MAX_FRAME };
	drv->seen.auto_rd_seen = false;
	drv->seen.link_up_us = 0;
	drv->seen.link_taken = false;
	drv->seen.last_error[0] = '\0';
	txq = drv->cfg.tx_queue;
	rxq = drv->cfg.rx_queue;
	drv->frame_size = drv->max_frame;
	/* The copy limits, as data (the VFIO selftest drivers' contract): what
	 * the rings carry at once, frames of max_frame, one descriptor each;
	 * a ring holds count - 1 (head == tail means empty). */
	drv->max_memcpy_count = IGB_RING_DESCS - 1;
	drv->max_memcpy_size = (size_t)drv->max_memcpy_count * drv->max_frame;
	if (!d->bar0)
		return RC_ENODEV;
	drv->tx = (struct igb_ring){ .queue = txq, .count = IGB_RING_DESCS };
	drv->rx = (struct igb_ring){ .queue = rxq, .count = IGB_RING_DESCS };

	if (!wire && igb_phy_reset_blocked(d)) {
		char why[96];
		igb_mng_describe(d, why, sizeof(why));
		fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
			     "PHY resets blocked (MANC.BLK_PHY_RST_ON_IDE): %s", why);
		return RC_EACCES;
	}
	rc = bus_master(d, true);
	if (rc) {
		fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
			     "bus mastering could not be enabled: %s", rc_name(rc));
		return rc;
	}
	rc = igb_reset(d, &drv->seen.auto_rd_seen);
	if (rc)
		goto err_reset;
	igb_wr32(d, IGB_CTRL_EXT, igb_rd32(d, IGB_CTRL_EXT) | IGB_CTRL_EXT_DRV_LOAD);
	completion_timeout(d);

	rc = alloc_buffers(drv);
	if (rc)
		goto err_alloc;
	drv->link_t0 = plat_now_us();
	rc = wire ? igb_autoneg_start(d, &drv->seen.link_taken) :
		    loopback_start(d, &drv->link_settle_us);
	if (rc)
		goto err_link;
	drv->link_forced_at = plat_now_us();
	rings_setup(drv);
	mac_rx_tx_enable(drv);
	rc = queues_wait(drv);
	if (rc)
		goto err_rings;
	if (wire) { /* its link comes when the far end's PHY negotiates */
		drv->up = true;
		return RC_OK;
	}
	/* The link settles by itself: igb_link_settle() waits for it before
	 * the first frame. Interrupts are not needed to copy: a device
	 * without usable MSI-X still copies, and the interrupt tests report
	 * drv->irq.why. */
	igb_irq_setup(drv);
	drv->up = true;
	return RC_OK;

err_rings:
	igb_wr32(d, IGB_RCTL, 0);
	igb_wr32(d, IGB_TCTL, 0);
	igb_wr32(d, IGB_RXDCTL(rxq), 0);
	igb_wr32(d, IGB_TXDCTL(txq), 0);
	loopback_stop(d); /* loopback_start() got the port into loopback */
err_link:
	free_buffers(drv);
err_alloc:
	igb_wr32(d, IGB_CTRL_EXT, igb_rd32(d, IGB_CTRL_EXT) & ~IGB_CTRL_EXT_DRV_LOAD);
err_reset:
	bus_master(d, false);
	return rc;
}

/* Quiesce: receive and transmit off, queues disabled, the PHY left as an
 * OS expects it (loopback_stop), a MAC reset for good measure, bus
 * mastering off, buffers freed. */
static void igb_remove(struct igb_drv *drv)
{
	struct igb_dev *d = drv->dev;
	bool auto_rd;
	int rc;

	if (!d || !d->bar0)
		return;
	if (d->gone) { /* nothing answers: only our memory to give back */
		igb_irq_teardown(drv);
		free_buffers(drv);
		drv->up = false;
		drv->copy.active = false;
		return;
	}
	igb_irq_teardown(drv);
	igb_wr32(d, IGB_RCTL, 0);
	igb_wr32(d, IGB_TCTL, 0);
	queue_disable(d, IGB_RXDCTL(drv->rx.queue));
	queue_disable(d, IGB_TXDCTL(drv->tx.queue));
	rc = loopback_stop(d);
	if (rc && rc != RC_ENODEV) /* a device that is gone needs no word */
		ktap_diag("%s: the PHY could not be taken out of loopback: %s; an OS "
			  "may get no link until it resets the PHY", d->name, rc_name(rc));
	igb_reset(d, &auto_rd);
	igb_wr32(d, IGB_CTRL_EXT, igb_rd32(d, IGB_CTRL_EXT) & ~IGB_CTRL_EXT_DRV_LOAD);
	bus_master(d, false);
	free_buffers(drv);
	drv->up = false;
	drv->copy.active = false;
}

int igb_drv_set_queues(struct igb_drv *drv, unsigned tx, unsigned rx)
{
	if (tx >= IGB_NUM_QUEUES || rx >= IGB_NUM_POOLS)
		return RC_ERANGE;
	drv->cfg.tx_queue = tx;
	drv->cfg.rx_queue = rx;
	return RC_OK;
}

unsigned igb_drv_set_frame_size(struct igb_drv *drv, unsigned bytes)
{
	unsigned max = drv->max_frame ? drv->max_frame : IGB_MAX_FRAME;

	drv->frame_size = bytes < IGB_MIN_FRAME ? IGB_MIN_FRAME : bytes > max ? max : bytes;
	return drv->frame_size;
}

int igb_drv_switch_queues(struct igb_drv *drv, unsigned tx, unsigned rx)
{
	struct igb_dev *d = drv->dev;
	int rc = igb_drv_set_queues(drv, tx, rx);

	if (rc || !drv->up)
		return rc;
	if (drv->copy.active)
		return RC_EINVAL;
	igb_wr32(d, IGB_RCTL, 0);
	igb_wr32(d, IGB_TCTL, 0);
	if ((rc = queue_disable(d, IGB_RXDCTL(drv->rx.queue))) ||
	    (rc = queue_disable(d, IGB_TXDCTL(drv->tx.queue))))
		goto fail;
	drv->rx.queue = rx;
	drv->tx.queue = tx;
	rings_setup(drv);
	mac_rx_tx_enable(drv);
	rc = queues_wait(drv);
	if (rc)
		goto fail;
	return RC_OK;
fail:
	fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
		     "switching to TX queue %u / RX queue %u: %s", tx, rx, rc_name(rc));
	drv->up = false; /* the next user re-inits */
	return rc;
}

/* ---- copy planning ----------------------------------------------------- */

/*
 * The header every frame of a copy starts with. The MAC and QEMU act on
 * header bytes: QEMU's TX drops an IPv4-typed frame whose IHL is below 5
 * (hw/net/igb_core.c igb_process_tx_desc(): net_tx_pkt_parse() fails, DD
 * is written all the same), the 82576 takes pause frames for its flow
 * control (8.10.1 RCTL.PMCF passes only MAC control frames without the
 * pause opcode), VMDq drops multicast frames no pool asks for (7.10.3),
 * and type 0x8100 (VET), 0x8808, IP and ARP meet VLAN, flow control,
 * checksum and manageability filters. So, as Linux igb_create_lbtest_frame()
 * builds its frames with a fixed header, no copy sends arbitrary header
 * bytes: a locally administered unicast destination that no receive
 * address holds (UPE, or the VMDq default pool, takes it), and EtherType
 * 0x88B5, IEEE 802's local experimental type, which no filter of ours
 * knows and which is above 0x5FF (not an 802.3 length).
 */
const uint8_t igb_copy_hdr[IGB_COPY_HDR_LEN] = {
	0x02, 0x00, 0x00, 0x00, 0x82, 0x76, /* destination */
	0x02, 0x00, 0x00, 0x00, 0x82, 0x75, /* source */
	0x88, 0xb5,                         /* EtherType */
};

unsigned igb_copy_frames(size_t size, unsigned max_frame)
{
	if (size <= IGB_MIN_FRAME)
		return 1;
	return (unsigned)((size + max_frame - 1) / max_frame);
}

/* Frame f of a copy: the last frame is moved back to overlap its
 * predecessor when it would be shorter than the minimum frame, so every
 * frame is a legal size and lands wholly inside dst. */
static struct igb_frame frame_of(size_t size, unsigned max_frame, unsigned f)
{
	struct igb_frame fr;
	size_t off = (size_t)f * max_frame;
	size_t len = size - off < max_frame ? size - off : max_frame;

	if (size < IGB_MIN_FRAME)
		return (struct igb_frame){ 0, (uint16_t)size };
	if (len < IGB_MIN_FRAME) {
		off = size - IGB_MIN_FRAME;
		len = IGB_MIN_FRAME;
	}
	fr.off = (uint32_t)off;
	fr.len = (uint16_t)len;
	return fr;
}

/* TX descriptors a frame needs: a short copy's is the driver's header,
 * the source bytes and, up to the minimum frame, zeros. */
static unsigned tx_descs_per_frame(const struct igb_copy *c)
{
	return c->bounce ? 3 : 1;
}

/* A short copy's frame: the header, the source bytes, padded. */
static unsigned bounce_len(size_t size)
{
	unsigned len = IGB_COPY_HDR_LEN + (unsigned)size;

	return len < IGB_MIN_FRAME ? IGB_MIN_FRAME : len;
}

struct igb_frame igb_copy_frame(const struct igb_drv *drv, size_t size, unsigned f)
{
	return frame_of(size, drv->frame_size, f);
}

bool igb_copy_headed(size_t size)
{
	return size >= IGB_MIN_FRAME;
}

/* Two overlapping 8-byte loads cover the 14 bytes: per frame of a copy,
 * under emulation too, next to nothing. */
bool igb_copy_is_header(const uint8_t *p)
{
	uint64_t a, b, x, y;

	__builtin_memcpy(&a, p, 8);
	__builtin_memcpy(&b, p + IGB_COPY_HDR_LEN - 8, 8);
	__builtin_memcpy(&x, igb_copy_hdr, 8);
	__builtin_memcpy(&y, igb_copy_hdr + IGB_COPY_HDR_LEN - 8, 8);
	return a == x && b == y;
}

void igb_copy_put_headers(const struct igb_drv *drv, void *src, size_t size)
{
	unsigned n = igb_copy_frames(size, drv->frame_size);

	for (unsigned f = 0; igb_copy_headed(size) && f < n; f++)
		__builtin_memcpy((uint8_t *)src + frame_of(size, drv->frame_size, f).off,
				 igb_copy_hdr, IGB_COPY_HDR_LEN);
}

/* Every frame of the source starts with the header. An unbacked fault
 * target is never read by the CPU, and has nothing the engine could send. */
static bool src_headed(const struct igb_drv *drv, const struct dma_buf *b,
		       const uint8_t *src, size_t size)
{
	unsigned n = igb_copy_frames(size, drv->frame_size);

	if (!igb_copy_headed(size) || (b->flags & DMA_UNBACKED))
		return true;
	for (unsigned f = 0; f < n; f++)
		if (!igb_copy_is_header(src + frame_of(size, drv->frame_size, f).off))
			return false;
	return true;
}

/* The named bound, before --timeout-scale. */
static uint64_t igb_copy_timeout_bound_us(uint64_t bytes, uint64_t frames)
{
	uint64_t wire_ns = (bytes + frames * IGB_FRAME_OVERHEAD_BYTES) * IGB_WIRE_NS_PER_BYTE;
	uint64_t us = wire_ns * IGB_COPY_TIMEOUT_MARGIN / 1000;

	return us < IGB_COPY_TIMEOUT_MIN_US ? IGB_COPY_TIMEOUT_MIN_US : us;
}

uint64_t igb_copy_timeout_us(uint64_t bytes, uint64_t frames)
{
	return wait_bound_us(igb_copy_timeout_bound_us(bytes, frames));
}

static struct igb_tx_desc *tx_desc(struct igb_drv *drv, unsigned i)
{
	return &((struct igb_tx_desc *)drv->tx.mem->cpu)[i];
}

static volatile union igb_rx_desc *rx_desc(struct igb_drv *drv, unsigned i)
{
	return &((volatile union igb_rx_desc *)drv->rx.mem->cpu)[i];
}

static void put_tx(struct igb_drv *drv, uint64_t addr, uint32_t len,
		   uint32_t frame_len, bool first, bool eop, bool rs)
{
	struct igb_tx_desc *t = tx_desc(drv, drv->tx.tail);

	t->addr = addr;
	t->cmd_type_len = (len & IGB_ADVTXD_DTALEN_MASK) | IGB_ADVTXD_DTYP_DATA |
			  IGB_ADVTXD_DCMD_DEXT | IGB_ADVTXD_DCMD_IFCS |
			  (eop ? IGB_ADVTXD_DCMD_EOP : 0) | (rs ? IGB_ADVTXD_DCMD_RS : 0);
	/* PAYLEN (the whole frame) goes in the first descriptor of a frame. */
	t->olinfo_status = first ? frame_len << IGB_ADVTXD_PAYLEN_SHIFT : 0;
	drv->tx.tail = (drv->tx.tail + 1) % drv->tx.count;
}

static void put_rx(struct igb_drv *drv, uint64_t addr)
{
	volatile union igb_rx_desc *r = rx_desc(drv, drv->rx.tail);

	r->read.pkt_addr = addr;
	r->read.hdr_addr = 0;
	drv->rx.tail = (drv->rx.tail + 1) % drv->rx.count;
}

static uint8_t *bounce(struct igb_drv *drv)
{
	return (uint8_t *)drv->pad->cpu + IGB_PAD_BYTES;
}

/* Give the next batch of frames to the rings and ring the doorbells. */
static void post_batch(struct igb_drv *drv)
{
	struct igb_copy *c = &drv->copy;
	uint64_t left = c->total - c->posted;
	unsigned cap = (IGB_RING_DESCS - 1) / tx_descs_per_frame(c);
	unsigned n = left < cap ? (unsigned)left : cap;

	c->batch_first = drv->rx.tail;
	c->batch_len = n;
	for (unsigned i = 0; i < n; i++) {
		unsigned f = (unsigned)((c->posted + i) % c->frames);
		struct igb_frame fr = frame_of(c->size, drv->frame_size, f);
		bool rs = i == n - 1;

		if (c->bounce) {
			unsigned len = bounce_len(c->size);
			unsigned pad = len - IGB_COPY_HDR_LEN - fr.len;

			put_rx(drv, drv->pad->bus + IGB_PAD_BYTES);
			put_tx(drv, drv->pad->bus + IGB_PAD_HDR, IGB_COPY_HDR_LEN, len, true,
			       false, false);
			put_tx(drv, c->src_bus, fr.len, 0, false, !pad, rs && !pad);
			if (pad)
				put_tx(drv, drv->pad->bus, pad, 0, false, true, rs);
		} else {
			put_rx(drv, c->dst_bus + fr.off);
			put_tx(drv, c->src_bus + fr.off, fr.len, fr.len, true, true, rs);
		}
	}
	c->posted += n;
	plat_wmb();
	/* Receive descriptors first, so no looped frame finds the ring empty. */
	igb_wr32(drv->dev, IGB_RDT(drv->rx.queue), drv->rx.tail);
	igb_wr32(drv->dev, IGB_TDT(drv->tx.queue), drv->tx.tail);
}

static int igb_memcpy_start(struct igb_drv *drv, const void *src, void *dst,
			    size_t size, unsigned count)
{
	struct igb_copy *c = &drv->copy;
	struct dma_buf *sb, *db;
	uintptr_t s = (uintptr_t)src, t = (uintptr_t)dst;
	int rc;

	drv->seen.last_error[0] = '\0';
	drv->seen.faulted = false;
	if (!drv->up)
		return RC_ENODEV;
	if (c->active || drv->cfg.wire)
		return RC_EINVAL; /* one copy at a time, and never onto the cable */
	if (!size || !count)
		return RC_EINVAL;
	if (s < t + size && t < s + size)
		return RC_EINVAL; /* overlapping source and destination */
	sb = dma_lookup(src, size);
	db = dma_lookup(dst, size);
	if (!sb || !db)
		return RC_EINVAL; /* not memory from our allocator: no DMA */
	if (!src_headed(drv, sb, src, size)) {
		fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
			     "a frame of the source does not start with the copy header "
			     "(igb_copy_put_headers)");
		return RC_EINVAL;
	}
	rc = igb_link_settle(drv);
	if (rc)
		return rc;

	*c = (struct igb_copy){
		.src = src, .dst = dst, .size = size, .count = count,
		.src_bus = dma_bus(sb, src), .dst_bus = dma_bus(db, dst),
		.frames = igb_copy_frames(size, drv->frame_size),
		.bounce = size < IGB_MIN_FRAME, .active = true,
	};
	c->total = (uint64_t)c->frames * count;
	post_batch(drv);
	return RC_OK;
}

static unsigned batch_bytes(const struct igb_drv *drv)
{
	const struct igb_copy *c = &drv->copy;
	unsigned per = c->bounce ? bounce_len(c->size) :
		       c->size < drv->frame_size ? (unsigned)c->size : drv->frame_size;

	return per * c->batch_len;
}

void igb_describe_rings(const struct igb_drv *drv, char *buf, size_t n)
{
	const struct igb_dev *d = drv->dev;
	unsigned rq = drv->rx.queue, tq = drv->tx.queue;

	fmt_snprintf(buf, n, "RX%u RDH %u RDT %u, TX%u TDH %u TDT %u, STATUS 0x%08x",
		     rq, igb_rd32(d, IGB_RDH(rq)), igb_rd32(d, IGB_RDT(rq)), tq,
		     igb_rd32(d, IGB_TDH(tq)), igb_rd32(d, IGB_TDT(tq)),
		     igb_rd32(d, IGB_STATUS));
}

/*
 * Under an IOMMU a fault for our device ends the wait at once: on silicon the
 * engine wedges and no DD would ever come, and on QEMU the copy "succeeds"
 * with the wrong bytes. Only our device's faults are taken (iommu.h): another
 * device's stay for it.
 */
static bool own_fault(struct igb_drv *drv)
{
	struct iommu_fault f;
	struct pci_bdf dev = drv->dev->bdf;
	unsigned records = iommu_fault_records(dev);

	/* At most as many faults as the log holds (VT-d CAP.NFR): a device
	 * that keeps faulting cannot hold us here. */
	for (unsigned i = 0; i < records && iommu_fault_take(dev, &f); i++) {
		drv->seen.fault = f;
		drv->seen.faulted = true;
	}
	return drv->seen.faulted;
}

/* The batch in flight is done: its last descriptor has DD, or the IOMMU
 * recorded a fault of ours (the wait ends on it at once). */
static bool batch_done(void *ctx)
{
	struct igb_drv *drv = ctx;
	const struct igb_copy *c = &drv->copy;
	unsigned last = (c->batch_first + c->batch_len - 1) % drv->rx.count;

	return own_fault(drv) || (rx_desc(drv, last)->wb.status_error & IGB_RXD_STAT_DD);
}

static bool faulted(void *ctx)
{
	return own_fault(ctx);
}

/* Wait for the batch in flight; check every frame's write-back. */
static int wait_batch(struct igb_drv *drv)
{
	struct igb_copy *c = &drv->copy;
	unsigned last = (c->batch_first + c->batch_len - 1) % drv->rx.count;
	/* The named bound: wait_until() applies --timeout-scale. */
	uint64_t bound = igb_copy_timeout_bound_us(batch_bytes(drv), c->batch_len);
	bool dd;

	wait_until(batch_done, drv, bound, IGB_DD_POLL_US);
	dd = rx_desc(drv, last)->wb.status_error & IGB_RXD_STAT_DD;
	/* The 82576 writes DD even when a frame's data write was refused,
	 * and the unit may log that fault after the write-back we just saw:
	 * look for it a little longer before calling the copy done. */
	if (dd && iommu_fault_records(drv->dev->bdf))
		wait_until(faulted, drv, IGB_FAULT_SETTLE_US, IGB_DD_POLL_US);
	bound = wait_bound_us(bound);
	plat_rmb();
	if (own_fault(drv)) {
		fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
			     "IOMMU fault: %s of 0x%llx, %s (%llu of %llu frames done)",
			     drv->seen.fault.read ? "read" : "write",
			     (unsigned long long)drv->seen.fault.addr,
			     drv->seen.fault.reason,
			     (unsigned long long)c->done, (unsigned long long)c->total);
		return RC_EIO;
	}
	if (!dd) {
		unsigned seen = 0;
		char rings[96];
		for (unsigned i = 0; i < c->batch_len; i++)
			seen += !!(rx_desc(drv, (c->batch_first + i) % drv->rx.count)
					   ->wb.status_error & IGB_RXD_STAT_DD);
		igb_describe_rings(drv, rings, sizeof(rings));
		fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
			     "no completion after %llu us: %u of %u frames had DD "
			     "(%llu of %llu done before); %s",
			     (unsigned long long)bound, seen, c->batch_len,
			     (unsigned long long)c->done, (unsigned long long)c->total,
			     rings);
		return RC_ETIMEDOUT;
	}
	for (unsigned i = 0; i < c->batch_len; i++) {
		unsigned f = (unsigned)((c->done + i) % c->frames);
		uint16_t want = c->bounce ? bounce_len(c->size) :
				frame_of(c->size, drv->frame_size, f).len;
		volatile union igb_rx_desc *r = rx_desc(drv, (c->batch_first + i) % drv->rx.count);
		uint32_t st = r->wb.status_error;
		if (!(st & IGB_RXD_STAT_DD) || !(st & IGB_RXD_STAT_EOP) ||
		    r->wb.length != want) {
			fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error),
				     "frame %llu: status 0x%x length %u, expected DD|EOP "
				     "and %u bytes",
				     (unsigned long long)(c->done + i), st,
				     (unsigned)r->wb.length, want);
			return RC_EIO;
		}
	}
	c->done += c->batch_len;
	return RC_OK;
}

/* ---- frames on the cable (wire mode) ----------------------------------- */

unsigned igb_wire_slot_size(const struct igb_drv *drv)
{
	return (drv->max_frame + 1023) / 1024 * 1024; /* SRRCTL.BSIZEPKT */
}

int igb_wire_rx_fill(struct igb_drv *drv, uint8_t *buf, unsigned n)
{
	struct igb_wire_rx *w = &drv->wire_rx;
	unsigned size = igb_wire_slot_size(drv);
	struct dma_buf *b = dma_lookup(buf, (size_t)n * size);

	if (!drv->up || !drv->cfg.wire || !b || !n || n >= drv->rx.count)
		return RC_EINVAL;
	*w = (struct igb_wire_rx){ .cpu = buf, .bus = dma_bus(b, buf), .slots = n,
				   .slot_size = size, .first = drv->rx.tail,
				   .next = drv->rx.tail };
	for (unsigned i = 0; i < n; i++)
		put_rx(drv, w->bus + (uint64_t)i * size);
	plat_wmb();
	igb_wr32(drv->dev, IGB_RDT(drv->rx.queue), drv->rx.tail);
	return RC_OK;
}

int igb_wire_send(struct igb_drv *drv, const uint8_t *frame, size_t len)
{
	struct dma_buf *b = dma_lookup(frame, len);

	if (!drv->up || !drv->cfg.wire || !b || !len || len > drv->max_frame)
		return RC_EINVAL;
	if ((drv->tx.tail + 1) % drv->tx.count == igb_rd32(drv->dev, IGB_TDH(drv->tx.queue)))
		return RC_ENOMEM; /* the ring is full */
	put_tx(drv, dma_bus(b, frame), (uint32_t)len, (uint32_t)len, true, true, true);
	plat_wmb();
	igb_wr32(drv->dev, IGB_TDT(drv->tx.queue), drv->tx.tail);
	return RC_OK;
}

bool igb_wire_rx_next(struct igb_drv *drv, struct igb_wire_frame *f)
{
	struct igb_wire_rx *w = &drv->wire_rx;
	volatile union igb_rx_desc *r;

	if (!w->slots || w->seen == w->slots)
		return false;
	r = rx_desc(drv, w->next);
	if (!(r->wb.status_error & IGB_RXD_STAT_DD))
		return false;
	plat_rmb();
	f->slot = (w->next + drv->rx.count - w->first) % drv->rx.count;
	f->len = r->wb.length;
	f->status = r->wb.status_error;
	w->next = (w->next + 1) % drv->rx.count;
	w->seen++;
	return true;
}

unsigned igb_wire_tx_pending(const struct igb_drv *drv)
{
	unsigned head = igb_rd32(drv->dev, IGB_TDH(drv->tx.queue));

	return (drv->tx.tail + drv->tx.count - head) % drv->tx.count;
}

int igb_flr_init(struct igb_drv *drv, struct flr_report *rep)
{
	struct igb_dev *d = drv->dev;
	int rc;

	rc = pci_flr(d->bdf, &d->fn->caps, rep);
	return rc ? rc : igb_init(drv, d);
}

/* Reports what went wrong and nothing else: recovery is the caller's. */
static int igb_memcpy_wait(struct igb_drv *drv)
{
	struct igb_copy *c = &drv->copy;
	int rc = RC_OK;

	if (!c->active)
		return RC_EINVAL;
	while (c->done < c->total) {
		rc = wait_batch(drv);
		if (rc)
			break;
		if (c->posted < c->total)
			post_batch(drv);
	}
	if (!rc && c->bounce)
		for (size_t i = 0; i < c->size; i++)
			c->dst[i] = bounce(drv)[IGB_COPY_HDR_LEN + i];
	c->active = false;
	return rc;
}

const struct igb_ops igb_ops = {
	.init = igb_init,
	.remove = igb_remove,
	.memcpy_start = igb_memcpy_start,
	.memcpy_wait = igb_memcpy_wait,
	.send_msi = igb_send_msi,
};
