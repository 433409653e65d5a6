/*
 * model_regs.c - the 82576 model's BAR0 register file, reset, NVM, PHY and
 * link, and the clock that drives the rest (see model_igb.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_devices.h"
#include "model_priv.h"

#define NVM_CHECKSUM_WORD (IGB_NVM_CHECKSUM_WORDS - 1)
/* Silicon's NVM is larger than the 64 words we model; the rest reads as
 * erased flash. EERD's address field is 14 bits. */
#define NVM_ADDR_MASK 0x3fff
#define NVM_ERASED 0xffff

/* PHY register numbers (IEEE 802.3 clause 22) and QEMU's reset values. */
#define PHY_BMSR 1
#define PHY_BMSR_LINK 0x0004
#define PHY_BMSR_AN_DONE 0x0020
#define PHY_BMCR_RESET_VALUE (IGB_BMCR_AUTONEG_EN | IGB_BMCR_SPEED_1000 | IGB_BMCR_FULL_DUPLEX)
#define PHY_BMSR_RESET_VALUE 0x794d /* igb_phy_reg_init: capabilities + link */
/* What the PHY advertises out of reset. QEMU: igb_phy_reg_init's MII_ANAR
 * (10/100 both duplexes, pause) and MII_CTRL1000 (1000 both duplexes,
 * port type, master), read back as 0x0de1 and 0x0f00 on QEMU 10.0.2.
 * Silicon: every ability it has (10/100 and 1000BASE-T, both duplexes). */
#define PHY_ANAR_RESET_QEMU 0x0de1
#define PHY_1000T_CTRL_RESET_QEMU 0x0f00
#define PHY_ANAR_RESET_SI 0x01e1
#define PHY_1000T_CTRL_RESET_SI 0x0300
/* QEMU clears BMCR bits 5:0 and the self-clearing RESET/RESTART_AN. */
#define PHY_BMCR_QEMU_KEEP (~(0x3fu | IGB_BMCR_RESET | IGB_BMCR_RESTART_AN) & 0xffff)

/* Which PHY registers QEMU's igb answers (igb_phy_regcap): R, W or both;
 * anything else sets MDIC.ERROR. Silicon answers all 32. */
enum { PHY_R = 1, PHY_W = 2, PHY_RW = 3 };
static const uint8_t qemu_phy_access[MODEL_PHY_REGS] = {
	[0x00] = PHY_RW, [0x01] = PHY_R, [0x02] = PHY_R, [0x03] = PHY_R,
	[0x04] = PHY_RW, [0x05] = PHY_R, [0x06] = PHY_R, [0x07] = PHY_RW,
	[0x08] = PHY_R,  [0x09] = PHY_RW, [0x0a] = PHY_R, [0x0f] = PHY_R,
	[0x10] = PHY_RW, [0x11] = PHY_R, [0x12] = PHY_RW, [0x13] = PHY_R,
	[0x19] = PHY_RW, [0x1f] = PHY_W,
};

static uint64_t clock_ns(void)
{
	return fake_now_us() * 1000;
}

/* ---- NVM, PHY, link ---------------------------------------------------- */

static void nvm_init(struct model_igb *g)
{
	memset(g->nvm, 0, sizeof(g->nvm));
	g->nvm[0] = (uint16_t)FAKE_82576_RAL0;
	g->nvm[1] = (uint16_t)(FAKE_82576_RAL0 >> 16);
	g->nvm[2] = (uint16_t)FAKE_82576_RAH0;
	/* Identity words as QEMU's igb_eeprom_template has them, and its
	 * word 0x37: no alternate MAC block. */
	g->nvm[IGB_NVM_ALT_MAC_ADDR_PTR] = 0xffff;
	g->nvm[IGB_NVM_VERSION] = MODEL_NVM_VERSION;
	g->nvm[IGB_NVM_PBA_OFFSET_0] = MODEL_NVM_PBA0;
	g->nvm[IGB_NVM_PBA_OFFSET_1] = MODEL_NVM_PBA1;
	model_nvm_fix_checksum(g);
}

void model_nvm_fix_checksum(struct model_igb *g)
{
	uint16_t sum = 0;

	for (unsigned i = 0; i < NVM_CHECKSUM_WORD; i++)
		sum = (uint16_t)(sum + g->nvm[i]);
	g->nvm[NVM_CHECKSUM_WORD] = (uint16_t)(IGB_NVM_SUM - sum);
}

static void phy_reset(struct model_igb *g)
{
	g->phy_looped = false;
	memset(g->phy, 0, sizeof(g->phy));
	g->phy[IGB_PHY_BMCR] = PHY_BMCR_RESET_VALUE;
	g->phy[PHY_BMSR] = PHY_BMSR_RESET_VALUE;
	g->phy[IGB_PHY_ID1] = MODEL_PHY_ID1;
	g->phy[IGB_PHY_ID2] = MODEL_PHY_ID2;
	g->phy[IGB_PHY_ANAR] = model_silicon(g) ? PHY_ANAR_RESET_SI : PHY_ANAR_RESET_QEMU;
	g->phy[IGB_PHY_1000T_CTRL] = model_silicon(g) ? PHY_1000T_CTRL_RESET_SI :
							PHY_1000T_CTRL_RESET_QEMU;
}

/* Silicon: the MAC link is the forced one (no cable here); a SerDes
 * port's is the PCS's, forced up through PCS_LCTL, with CTRL.SLU. */
static bool forced_link(const struct model_igb *g)
{
	uint32_t need = IGB_CTRL_SLU | IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX;
	uint32_t pcs = IGB_PCS_LCTL_FORCE_LINK | IGB_PCS_LCTL_FLV_LINK_UP;

	if (g->serdes)
		return (REG(g, IGB_CTRL) & IGB_CTRL_SLU) &&
		       (REG(g, IGB_PCS_LCTL) & pcs) == pcs;
	return (REG(g, IGB_CTRL) & need) == need;
}

static void link_set(struct model_igb *g, bool up)
{
	if (g->faults & MODEL_FAULT_LINK_NEVER_UP)
		up = false;
	if (up == g->lu)
		return;
	g->lu = up;
	if (up)
		g->phy[PHY_BMSR] |= PHY_BMSR_LINK;
	else
		g->phy[PHY_BMSR] &= ~PHY_BMSR_LINK;
	irq_raise(g, MODEL_ICR_LSC, 0);
}

/* Silicon: whether the far end of the cable negotiates: a partner that
 * is no port here always does; a port here (model_cable) while its PHY
 * has autonegotiation on, out of loopback and reset, and it is there. */
static bool far_end_negotiates(const struct model_igb *g)
{
	const struct model_igb *p = g->cable;
	uint16_t bmcr;

	if (g->unplugged || !p)
		return !g->unplugged;
	bmcr = p->phy[IGB_PHY_BMCR];
	return !p->unplugged && !p->removed && !p->serdes && (bmcr & IGB_BMCR_AUTONEG_EN) &&
	       !(bmcr & (IGB_BMCR_LOOPBACK | IGB_BMCR_RESET));
}

/* Silicon: the MAC link is the forced one, or the PHY's link to the
 * partner with CTRL.SLU (igb_setup_copper_link_82575). A far end that
 * stops negotiating takes the PHY's link with it; a PHY still
 * negotiating keeps trying, and links MODEL_SI_AUTONEG_NS after the far
 * end is back (IEEE 802.3 28.3: autonegotiation restarts on link loss). */
static uint64_t si_autoneg_ns(const struct model_igb *g)
{
	return g->autoneg_ns ? g->autoneg_ns : MODEL_SI_AUTONEG_NS;
}

static void silicon_link_sync(struct model_igb *g)
{
	if (g->unplug_at_ns && g->now_ns >= g->unplug_at_ns)
		g->unplugged = true;
	if (g->unplugged || (g->cable && !far_end_negotiates(g))) {
		g->partner_an_ns = 0;
		g->partner_link = false;
		g->phy[PHY_BMSR] &= ~PHY_BMSR_AN_DONE;
		if (!g->unplugged && (g->phy[IGB_PHY_BMCR] & IGB_BMCR_AUTONEG_EN) &&
		    !(g->phy[IGB_PHY_BMCR] & IGB_BMCR_LOOPBACK))
			g->partner_an_ns = g->now_ns + si_autoneg_ns(g);
	} else if (g->partner_an_ns && g->now_ns >= g->partner_an_ns) {
		g->partner_an_ns = 0;
		g->partner_link = true;
		g->phy[PHY_BMSR] |= PHY_BMSR_AN_DONE;
		g->phy[IGB_PHY_ANLPAR] = MODEL_PARTNER_ANLPAR;
		g->phy[IGB_PHY_1000T_STAT] = MODEL_PARTNER_1000T_STAT;
	}
	link_set(g, forced_link(g) ||
			    (g->partner_link && (REG(g, IGB_CTRL) & IGB_CTRL_SLU)));
}

static void link_sync(struct model_igb *g)
{
	if (model_silicon(g)) {
		silicon_link_sync(g);
	} else if (g->autoneg_done_ns && g->now_ns >= g->autoneg_done_ns) {
		g->autoneg_done_ns = 0;
		g->phy[PHY_BMSR] |= PHY_BMSR_AN_DONE;
		g->phy[IGB_PHY_ANLPAR] = MODEL_QEMU_ANLPAR;
		g->phy[IGB_PHY_1000T_STAT] = MODEL_QEMU_1000T_STAT;
		link_set(g, true);
	}
}

/* QEMU's BMCR write (igb_set_phy_ctrl): an autoneg restart drops the link
 * and brings it up 500 ms later, whatever is written after it. */
static void qemu_bmcr(struct model_igb *g, uint16_t v)
{
	g->phy[IGB_PHY_BMCR] = v & PHY_BMCR_QEMU_KEEP;
	if ((v & IGB_BMCR_RESTART_AN) && (v & IGB_BMCR_AUTONEG_EN)) {
		g->an_restarts++;
		link_set(g, false);
		g->phy[PHY_BMSR] &= ~PHY_BMSR_AN_DONE;
		g->autoneg_done_ns = g->now_ns + MODEL_QEMU_AUTONEG_NS;
	}
}

/* Silicon: a port here at the cable's far end loses the link when this
 * end restarts autonegotiation, and negotiates again with it (IEEE 802.3
 * clause 28, Arbitration state diagram: mr_restart_negotiation enters
 * TRANSMIT DISABLE, no link pulses for break_link_timer, 1.2-1.5 s,
 * which sends the partner to link fail, and from there it negotiates). */
static void far_end_relinks(struct model_igb *g)
{
	struct model_igb *p = g->cable;

	if (!p || g->unplugged || p->unplugged || p->removed)
		return;
	p->partner_link = false;
	p->partner_an_ns = 0;
	p->phy[PHY_BMSR] &= ~PHY_BMSR_AN_DONE;
	if ((p->phy[IGB_PHY_BMCR] & IGB_BMCR_AUTONEG_EN) &&
	    !(p->phy[IGB_PHY_BMCR] & (IGB_BMCR_LOOPBACK | IGB_BMCR_RESET)))
		p->partner_an_ns = g->now_ns + si_autoneg_ns(p);
	link_set(p, forced_link(p));
}

/* Silicon: RESET restores the PHY; an autoneg restart out of loopback
 * finds the partner MODEL_SI_AUTONEG_NS later (unless unplugged), and
 * takes a cabled far end's link down until it has negotiated again;
 * loopback drops the partner's link. Entering loopback starts the PHY's
 * settle time. */
static void silicon_bmcr(struct model_igb *g, uint16_t v)
{
	g->partner_link = false;
	g->partner_an_ns = 0;
	if (v & IGB_BMCR_RESET) {
		phy_reset(g);
		return;
	}
	g->phy[PHY_BMSR] &= ~PHY_BMSR_AN_DONE;
	if ((v & IGB_BMCR_AUTONEG_EN) && (v & IGB_BMCR_RESTART_AN) &&
	    !(v & IGB_BMCR_LOOPBACK)) {
		g->an_restarts++;
		if (!g->unplugged)
			g->partner_an_ns = g->now_ns + si_autoneg_ns(g);
		far_end_relinks(g);
	}
	if ((v & IGB_BMCR_LOOPBACK) && !(g->phy[IGB_PHY_BMCR] & IGB_BMCR_LOOPBACK)) {
		g->phy_loopback_ns = g->now_ns;
		g->phy_looped = true;
	}
	g->phy[IGB_PHY_BMCR] = v & ~IGB_BMCR_RESTART_AN;
}

bool model_phy_settled(const struct model_igb *g)
{
	if (g->serdes)
		return true; /* no PHY to settle */
	return g->now_ns >= g->phy_loopback_ns + MODEL_SI_PHY_LOOPBACK_SETTLE_NS +
				    MODEL_SI_FORCED_LINK_SETTLE_NS &&
	       g->now_ns >= g->forced_link_ns + MODEL_SI_FORCED_LINK_SETTLE_NS;
}

uint64_t model_cpl_timeout_ns(const struct model_igb *g)
{
	uint16_t devctl2 = fake_get16(g->fn, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL2);

	if (REG(g, IGB_GCR) & IGB_GCR_CMPL_TMOUT_MASK)
		return MODEL_SI_CPL_TIMEOUT_GCR_10MS_NS;
	if ((devctl2 & PCI_EXP_DEVCTL2_COMP_TIMEOUT) > PCI_EXP_DEVCTL2_COMP_TMOUT_16MS)
		return MODEL_SI_CPL_TIMEOUT_65MS_NS;
	if ((devctl2 & PCI_EXP_DEVCTL2_COMP_TIMEOUT) == PCI_EXP_DEVCTL2_COMP_TMOUT_16MS)
		return MODEL_SI_CPL_TIMEOUT_16MS_NS;
	return MODEL_SI_CPL_TIMEOUT_DEFAULT_NS;
}

static uint32_t status_read(struct model_igb *g);

/* This port's SW_FW_SYNC PHY bit (Linux igb_acquire_phy_82575, by
 * STATUS.FUNC_ID). */
static uint32_t phy_sm(struct model_igb *g)
{
	static const uint32_t mask[] = { IGB_SWFW_PHY0_SM, IGB_SWFW_PHY1_SM,
					 IGB_SWFW_PHY2_SM, IGB_SWFW_PHY3_SM };

	return mask[(status_read(g) & IGB_STATUS_FUNC_MASK) >> IGB_STATUS_FUNC_SHIFT];
}

/* SW_FW_SYNC as read: software's bits, and the firmware's while it holds
 * the PHY (silicon). */
static uint32_t swfw_sync(struct model_igb *g)
{
	uint32_t v = REG(g, IGB_SW_FW_SYNC);

	if (model_silicon(g) && g->now_ns < g->fw_phy_until_ns)
		v |= phy_sm(g) << IGB_SWFW_FW_SHIFT;
	return v;
}

/*
 * Silicon with manageability firmware (FWSM.MODE != 0): the firmware uses
 * the MDIO bus too, so an MDIC access must hold this port's SW_FW_SYNC
 * bit while the firmware's is clear (Linux igb_acquire_phy_82575). While a
 * Serial-over-LAN / IDE-redirection session sets MANC.BLK_PHY_RST_ON_IDE,
 * no PHY reset (nor loopback, igb_loopback_test) may be started.
 */
static void mdic_check(struct model_igb *g, uint32_t v)
{
	uint32_t reg = (v >> IGB_MDIC_REG_SHIFT) & 0x1f;
	uint32_t sync = swfw_sync(g), mask = phy_sm(g);

	if (!model_silicon(g))
		return;
	if ((REG(g, IGB_FWSM) & IGB_FWSM_MODE_MASK) &&
	    (!(sync & mask) || (sync & mask << IGB_SWFW_FW_SHIFT)))
		model_violate(g, MV_PHY_NO_SEMAPHORE);
	if (g->mng_session && (v & IGB_MDIC_OP_WRITE) && reg == IGB_PHY_BMCR &&
	    (v & (IGB_BMCR_RESET | IGB_BMCR_LOOPBACK)))
		model_violate(g, MV_PHY_RESET_BLOCKED);
}

/* One MDIC operation; returns the register's new value (READY set). */
static uint32_t mdic_op(struct model_igb *g, uint32_t v)
{
	uint32_t phy = (v >> IGB_MDIC_PHY_SHIFT) & 0x1f;
	uint32_t reg = (v >> IGB_MDIC_REG_SHIFT) & 0x1f;
	uint8_t access = model_silicon(g) ? PHY_RW : qemu_phy_access[reg];

	if (g->serdes) {
		/* No PHY on the MDIO bus: a read finds no one, a write goes
		 * nowhere; either is a copper step on a SerDes port. */
		model_violate(g, MV_MDIC_NO_PHY);
		return (v & IGB_MDIC_OP_READ) ? v | IGB_MDIC_ERROR | IGB_MDIC_READY :
						 v | IGB_MDIC_READY;
	}
	if (phy != IGB_PHY_ADDR)
		return (model_silicon(g) ? v : REG(g, IGB_MDIC)) | IGB_MDIC_ERROR |
		       IGB_MDIC_READY;
	if (v & IGB_MDIC_OP_READ) {
		if (!(access & PHY_R))
			return v | IGB_MDIC_ERROR | IGB_MDIC_READY;
		return (v & ~IGB_MDIC_DATA_MASK) | g->phy[reg] | IGB_MDIC_READY;
	}
	if (v & IGB_MDIC_OP_WRITE) {
		if (!(access & PHY_W))
			return v | IGB_MDIC_ERROR | IGB_MDIC_READY;
		if (reg == IGB_PHY_BMCR && model_silicon(g))
			silicon_bmcr(g, (uint16_t)v);
		else if (reg == IGB_PHY_BMCR)
			qemu_bmcr(g, (uint16_t)v);
		else
			g->phy[reg] = (uint16_t)v;
	}
	return v | IGB_MDIC_READY;
}

static void mdic_write(struct model_igb *g, uint32_t v)
{
	mdic_check(g, v);
	if (g->faults & MODEL_FAULT_MDIC_NEVER_READY) {
		REG(g, IGB_MDIC) = v & ~IGB_MDIC_READY;
		return;
	}
	if (!model_silicon(g)) {
		REG(g, IGB_MDIC) = mdic_op(g, v);
		return;
	}
	/* The frame goes out now; READY (and read data) after the MDIO time. */
	g->mdic_result = mdic_op(g, v);
	REG(g, IGB_MDIC) = v & ~(IGB_MDIC_READY | IGB_MDIC_ERROR);
	g->mdic_done_ns = g->now_ns + MODEL_SI_MDIO_NS;
}

static void eerd_write(struct model_igb *g, uint32_t v)
{
	uint32_t addr = (v >> IGB_EERD_ADDR_SHIFT) & NVM_ADDR_MASK;
	uint16_t data = addr < MODEL_NVM_WORDS ? g->nvm[addr] : NVM_ERASED;
	uint32_t done = (uint32_t)data << IGB_EERD_DATA_SHIFT |
			addr << IGB_EERD_ADDR_SHIFT | IGB_EERD_DONE;

	if (!(v & IGB_EERD_START)) {
		REG(g, IGB_EERD) = v & ~IGB_EERD_DONE;
		return;
	}
	if (!model_silicon(g)) {
		/* QEMU answers at once, and only inside its 1024-word image. */
		REG(g, IGB_EERD) = addr < MODEL_NVM_WORDS ? done :
							    addr << IGB_EERD_ADDR_SHIFT;
		return;
	}
	if (!(REG(g, IGB_EECD) & IGB_EECD_AUTO_RD)) {
		/* The NVM is still being loaded after reset: software must wait
		 * for AUTO_RD (Linux igb_get_auto_rd_done) before using it. */
		model_violate(g, MV_NVM_BEFORE_AUTO_RD);
		done = (done & ~(0xffffu << IGB_EERD_DATA_SHIFT)) |
		       (uint32_t)NVM_ERASED << IGB_EERD_DATA_SHIFT;
	}
	g->eerd_result = done;
	REG(g, IGB_EERD) = v & ~IGB_EERD_DONE;
	g->eerd_done_ns = g->now_ns + MODEL_SI_EERD_NS;
}

/* ---- reset ------------------------------------------------------------- */

/* RAR0 from NVM words 0-2 at reset; silicon flips bit 0 of the last byte
 * on LAN 1 (one NVM for both ports; e1000_read_mac_addr_generic). Neither
 * loads the alternate address word 0x37 points at: that is software's. */
static void load_mac(struct model_igb *g)
{
	uint16_t w2 = g->nvm[2];

	if (g->lan == 1)
		w2 ^= 0x0100;
	REG(g, IGB_RAL(0)) = (uint32_t)g->nvm[0] | (uint32_t)g->nvm[1] << 16;
	REG(g, IGB_RAH(0)) = w2 | IGB_RAH_AV;
}

void model_set_serdes(struct model_igb *g, uint32_t link_mode)
{
	if (!model_silicon(g) || !link_mode || (link_mode & ~IGB_CTRL_EXT_LINK_MODE_MASK))
		harness_fatal(__FILE__, __LINE__, "model_set_serdes: LINK_MODE 0x%08x on %s",
			      link_mode, model_personality_name(g->pers));
	g->serdes = true;
	g->link_mode = link_mode;
	fake_set16(g->fn, PCI_DEVICE_ID, MODEL_82576_SERDES_ID);
	REG(g, IGB_CTRL_EXT) |= link_mode;
	REG(g, IGB_PCS_LCTL) = IGB_PCS_LCTL_AN_ENABLE;
}

void model_set_lan(struct model_igb *g, unsigned lan)
{
	if (!model_silicon(g) || lan > 1)
		harness_fatal(__FILE__, __LINE__, "model_set_lan: LAN %u on %s", lan,
			      model_personality_name(g->pers));
	g->lan = lan;
	load_mac(g);
}

/*
 * Registers to their reset values. hard: power-on or FLR (also the PHY,
 * EITR and, on silicon, the wedged engine); soft: CTRL.RST, which on
 * silicon leaves the PHY and a wedged descriptor engine alone and makes
 * the device unusable for 1 ms.
 */
void model_device_reset(struct model_igb *g, bool hard)
{
	uint32_t eitr[MODEL_VECTORS];

	for (unsigned v = 0; v < MODEL_VECTORS; v++)
		eitr[v] = REG(g, IGB_EITR(v));
	irq_reset(g, hard); /* QEMU fires pending EITR timers first */
	memset(g->bar0->regs, 0, g->bar0->size);
	if (!hard) /* QEMU keeps EITR over CTRL.RST (igb_reset, sw) */
		for (unsigned v = 0; v < MODEL_VECTORS; v++)
			REG(g, IGB_EITR(v)) = eitr[v];
	REG(g, IGB_CTRL) = MODEL_CTRL_RESET;
	REG(g, IGB_EECD) = MODEL_EECD_PRES;
	load_mac(g);
	if (g->serdes) { /* loaded from the NVM; PCS autonegotiation on */
		REG(g, IGB_CTRL_EXT) = g->link_mode;
		REG(g, IGB_PCS_LCTL) = IGB_PCS_LCTL_AN_ENABLE;
	}
	REG(g, IGB_TXDCTL(0)) = IGB_XDCTL_QUEUE_ENABLE;
	REG(g, IGB_RXDCTL(0)) = IGB_XDCTL_QUEUE_ENABLE;
	REG(g, IGB_TCTL) = IGB_TCTL_PSP |
			   (IGB_COLLISION_THRESHOLD << IGB_TCTL_CT_SHIFT);
	REG(g, IGB_RLPML) = MODEL_RLPML_RESET;
	REG(g, IGB_GCR) = model_silicon(g) ? MODEL_SI_GCR_RESET : MODEL_GCR_RESET;
	REG(g, IGB_FWSM) = model_silicon(g) ? MODEL_SI_FWSM : 0;
	if (model_silicon(g) && hard) /* the firmware sets the PHY up first */
		g->fw_phy_until_ns = g->now_ns + MODEL_SI_FW_PHY_HOLD_NS;
	REG(g, IGB_VFRE) = (1u << IGB_NUM_POOLS) - 1;
	REG(g, IGB_VFTE) = (1u << IGB_NUM_POOLS) - 1;
	for (unsigned p = 0; p < IGB_NUM_POOLS; p++)
		REG(g, IGB_VMOLR(p)) = MODEL_RLPML_RESET | IGB_VMOLR_STRCRC;
	g->mdic_done_ns = g->eerd_done_ns = 0;
	g->autoneg_done_ns = 0;
	if (hard || !model_silicon(g))
		phy_reset(g);
	g->lu = false; /* every reset drops the link (no LSC: IMS is 0) */
	if (model_silicon(g)) /* QEMU's PHY reset leaves BMSR's link bit set */
		g->phy[PHY_BMSR] &= ~PHY_BMSR_LINK;
	dma_reset(g, hard);
	if (model_silicon(g) && !hard) {
		g->in_reset = true;
		g->reset_start_ns = g->now_ns;
		g->reset_done_ns = g->now_ns + MODEL_SI_RST_BUSY_NS;
		g->auto_rd_ns = g->now_ns + MODEL_SI_AUTO_RD_NS;
	} else if (model_silicon(g)) {
		REG(g, IGB_EECD) |= IGB_EECD_AUTO_RD;
	}
	sriov_reset(g, hard);
}

static void reset_sync(struct model_igb *g)
{
	if (!g->in_reset)
		return;
	if (g->now_ns >= g->auto_rd_ns)
		REG(g, IGB_EECD) |= IGB_EECD_AUTO_RD;
	if (g->now_ns >= g->reset_start_ns + MODEL_SI_RST_QUIET_NS &&
	    g->now_ns >= g->auto_rd_ns)
		g->in_reset = false;
}

/* ---- the clock --------------------------------------------------------- */

/* Config space reads all-ones at once; the BARs read all-ones on silicon
 * and 0 on QEMU (qemu-igb.md: a powered-off slot's BAR0 reads 0). */
static void remove_now(struct model_igb *g)
{
	g->removed = true;
	g->fn->all_ones = true;
	g->bar0->gone_reads_zero = g->bar3->gone_reads_zero = !model_silicon(g);
}

void model_sync(struct model_igb *g)
{
	g->now_ns = clock_ns();
	if (g->remove_at_us && !g->removed && fake_now_us() >= g->remove_at_us)
		remove_now(g);
	model_pci_sync(g);
	reset_sync(g);
	if (g->mdic_done_ns && g->now_ns >= g->mdic_done_ns) {
		REG(g, IGB_MDIC) = g->mdic_result;
		g->mdic_done_ns = 0;
	}
	if (g->eerd_done_ns && g->now_ns >= g->eerd_done_ns) {
		REG(g, IGB_EERD) = g->eerd_result;
		g->eerd_done_ns = 0;
	}
	link_sync(g);
	inject_sync(g);
	irq_sync(g);
	dma_sync(g);
}

static void tick(void *ctx)
{
	model_sync(ctx);
}

/* ---- register access --------------------------------------------------- */

/* Silicon: nothing may touch the device for 1 ms after CTRL.RST. */
static void access_check(struct model_igb *g)
{
	if (g->in_reset && g->now_ns < g->reset_start_ns + MODEL_SI_RST_QUIET_NS)
		model_violate(g, MV_ACCESS_IN_RESET);
}

/*
 * Queue register decode: off -> RX or TX, queue, and the register's offset
 * inside the queue's block (IGB_xDBAL(q) + field). Queues 0-3 sit at
 * 0x2800/0x3800 with a 0x100 stride, 4-15 at 0xC000/0xE000 with 0x40.
 */
static bool queue_reg(uint32_t off, bool *tx, unsigned *q, uint32_t *field)
{
	static const struct {
		uint32_t start, end, stride;
		bool tx;
	} blocks[] = {
		{ 0x2800, 0x2c00, 0x100, false }, { 0x3800, 0x3c00, 0x100, true },
		{ 0xc100, 0xc400, 0x40, false },  { 0xe100, 0xe400, 0x40, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
		if (off < blocks[i].start || off >= blocks[i].end)
			continue;
		*tx = blocks[i].tx;
		*q = blocks[i].stride == 0x100 ? (off - blocks[i].start) / 0x100 :
						 (off - 0xc000 - (*tx ? 0x2000 : 0)) / 0x40;
		*field = off - (*tx ? IGB_TDBAL(*q) : IGB_RDBAL(*q));
		return true;
	}
	return false;
}

#define FIELD_BAL (IGB_RDBAL(0) - IGB_RDBAL(0))
#define FIELD_LEN (IGB_RDLEN(0) - IGB_RDBAL(0))
#define FIELD_HEAD (IGB_RDH(0) - IGB_RDBAL(0))
#define FIELD_TAIL (IGB_RDT(0) - IGB_RDBAL(0))
#define FIELD_XDCTL (IGB_RXDCTL(0) - IGB_RDBAL(0))
/* QEMU keeps RDBAL/TDBAL bits 31:5, silicon 31:7 (128-byte rings); both
 * keep RDLEN/TDLEN bits 19:4 (Linux's register test mask) and 16-bit
 * heads and tails. */
#define QEMU_BAL_MASK 0xffffffe0u
#define SILICON_BAL_MASK 0xffffff80u
#define LEN_MASK 0x000ffff0u
#define HEAD_TAIL_MASK 0x0000ffffu

static void queue_write(struct model_igb *g, uint32_t off, uint32_t v, bool tx,
			unsigned q, uint32_t field)
{
	switch (field) {
	case FIELD_BAL:
		REG(g, off) = v & (model_silicon(g) ? SILICON_BAL_MASK : QEMU_BAL_MASK);
		break;
	case FIELD_LEN:
		REG(g, off) = v & LEN_MASK;
		break;
	case FIELD_HEAD:
		REG(g, off) = v & HEAD_TAIL_MASK;
		break;
	case FIELD_TAIL:
		REG(g, off) = v & HEAD_TAIL_MASK;
		if (tx)
			dma_tdt_written(g, q);
		break;
	default:
		REG(g, off) = v;
		break;
	}
}

/* Registers with bits that read back 0 (Linux's reg_test_82576 masks and
 * QEMU's 16-bit setters). */
static const struct {
	uint32_t reg, mask;
} rw_masks[] = {
	{ IGB_FCAH, 0x0000ffff }, { IGB_FCT, 0x0000ffff }, { IGB_FCTTV, 0x0000ffff },
	{ IGB_FCRTH, 0x0000fff8 }, { IGB_TIPG, 0x3fffffff },
};

static void bar0_write(struct fake_mmio *m, uint32_t off, uint32_t v)
{
	struct model_igb *g = m->priv;
	unsigned q;
	uint32_t field;
	bool tx;

	model_sync(g);
	access_check(g);
	if (irq_write(g, off, v) || sriov_write(g, off, v))
		return;
	if (queue_reg(off, &tx, &q, &field)) {
		queue_write(g, off, v, tx, q, field);
		return;
	}
	switch (off) {
	case IGB_CTRL:
		if (v & IGB_CTRL_RST) {
			/* Silicon: a reset while the function may still master
			 * can leave the PCIe bus stuck (igb_disable_pcie_master) */
			if (model_silicon(g) && dma_master(g) &&
			    !(REG(g, IGB_CTRL) & IGB_CTRL_GIO_MASTER_DISABLE))
				model_violate(g, MV_RESET_MASTER_ON);
			g->resets++;
			model_device_reset(g, false);
			return;
		}
		if (!forced_link(g)) /* the settle counts from forcing it */
			g->forced_link_ns = g->now_ns;
		REG(g, IGB_CTRL) = v;
		if (model_silicon(g) && (v & IGB_CTRL_PHY_RST))
			phy_reset(g);
		link_sync(g);
		return;
	case IGB_STATUS:
		return; /* read-only */
	case IGB_EECD: {
		uint32_t ro = MODEL_EECD_PRES | IGB_EECD_AUTO_RD;
		REG(g, IGB_EECD) = (REG(g, IGB_EECD) & ro) | (v & ~ro);
		return;
	}
	case IGB_EERD:
		eerd_write(g, v);
		return;
	case IGB_MDIC:
		mdic_write(g, v);
		return;
	case IGB_SCTL:
		/* A read does not show it (igb_setup_serdes_link_82575). */
		if (v == IGB_SCTL_ENABLE_SERDES_LOOPBACK)
			g->serdes_loopback = true;
		else if (v == IGB_SCTL_DISABLE_SERDES_LOOPBACK)
			g->serdes_loopback = false;
		return;
	case IGB_SWSM: /* QEMU stores it; silicon keeps the two semaphores */
		REG(g, IGB_SWSM) = model_silicon(g) ? v & (IGB_SWSM_SMBI | IGB_SWSM_SWESMBI) : v;
		return;
	case IGB_SW_FW_SYNC:
		/* Silicon: changed only under SWSM.SWESMBI
		 * (igb_acquire_swfw_sync_82575); the firmware's half is its own. */
		if (model_silicon(g) && (REG(g, IGB_FWSM) & IGB_FWSM_MODE_MASK) &&
		    !(REG(g, IGB_SWSM) & IGB_SWSM_SWESMBI))
			model_violate(g, MV_PHY_NO_SEMAPHORE);
		REG(g, IGB_SW_FW_SYNC) = model_silicon(g) ? v & 0xffffu : v;
		return;
	case IGB_FWSM: /* silicon: the firmware's; QEMU stores it */
		if (!model_silicon(g))
			REG(g, IGB_FWSM) = v;
		return;
	default:
		break;
	}
	if (off >= IGB_RA && off < IGB_RA + 8 * 16 && (off & 4) && model_silicon(g))
		v &= 0x83ffffff; /* RAH bits 30:26 reserved (Linux mask) */
	for (size_t i = 0; i < ARRAY_SIZE(rw_masks); i++)
		if (off == rw_masks[i].reg)
			v &= rw_masks[i].mask;
	REG(g, off) = v;
}

/* Silicon: the mode the PHY resolved from both ends' abilities (IEEE 802.3
 * Annex 28B.3 priority), as STATUS reports it (speed, FD). */
static uint32_t phy_resolved(const struct model_igb *g)
{
	static const struct {
		uint8_t ours, theirs;  /* PHY registers */
		uint16_t our, their;   /* their bits */
		uint32_t status;
	} prio[] = {
		{ IGB_PHY_1000T_CTRL, IGB_PHY_1000T_STAT, IGB_1000T_CTRL_FD, IGB_1000T_STAT_LP_FD,
		  IGB_STATUS_SPEED_1000 | IGB_STATUS_FD },
		{ IGB_PHY_1000T_CTRL, IGB_PHY_1000T_STAT, IGB_1000T_CTRL_HD, IGB_1000T_STAT_LP_HD,
		  IGB_STATUS_SPEED_1000 },
		{ IGB_PHY_ANAR, IGB_PHY_ANLPAR, IGB_ANAR_100_FD, IGB_ANAR_100_FD,
		  IGB_STATUS_SPEED_100 | IGB_STATUS_FD },
		{ IGB_PHY_ANAR, IGB_PHY_ANLPAR, IGB_ANAR_100_HD, IGB_ANAR_100_HD,
		  IGB_STATUS_SPEED_100 },
		{ IGB_PHY_ANAR, IGB_PHY_ANLPAR, IGB_ANAR_10_FD, IGB_ANAR_10_FD, IGB_STATUS_FD },
	};

	for (unsigned i = 0; i < sizeof(prio) / sizeof(prio[0]); i++)
		if ((g->phy[prio[i].ours] & prio[i].our) && (g->phy[prio[i].theirs] & prio[i].their))
			return prio[i].status;
	return 0; /* 10BASE-T half duplex, the last resort */
}

static uint32_t status_read(struct model_igb *g)
{
	uint32_t s = FAKE_82576_STATUS & ~(IGB_STATUS_LU | IGB_STATUS_GIO_MASTER_ENABLE);

	s |= g->lan << IGB_STATUS_FUNC_SHIFT; /* silicon: the port's LAN ID */
	if (g->lu)
		s |= IGB_STATUS_LU;
	if (model_silicon(g) && g->lu && g->partner_link && !forced_link(g))
		s = (s & ~(IGB_STATUS_SPEED_1000 | IGB_STATUS_SPEED_100 | IGB_STATUS_FD)) |
		    phy_resolved(g);
	/* Both follow CTRL.GIO_MASTER_DISABLE (QEMU igb_get_status); silicon
	 * keeps the bit while a read waits for its completion or its
	 * timeout, or is still being resent. */
	if (!(REG(g, IGB_CTRL) & IGB_CTRL_GIO_MASTER_DISABLE) ||
	    (model_silicon(g) && (g->resending || g->cpl_due_ns)))
		s |= IGB_STATUS_GIO_MASTER_ENABLE;
	return s;
}

static uint32_t bar0_value(struct fake_mmio *m, uint32_t off)
{
	struct model_igb *g = m->priv;
	uint32_t v, field;
	unsigned q;
	bool tx;

	model_sync(g);
	access_check(g);
	if (irq_read(g, off, &v) || stats_read(g, off, &v))
		return v;
	if (model_silicon(g) && queue_reg(off, &tx, &q, &field) &&
	    field == FIELD_XDCTL) {
		/* 8.10.10 / 8.12.13: the enable "remains zero" until
		 * RCTL.RXEN / TCTL.TXEN are set. */
		bool mac_on = REG(g, tx ? IGB_TCTL : IGB_RCTL) & (tx ? IGB_TCTL_EN : IGB_RCTL_EN);
		return mac_on ? REG(g, off) : REG(g, off) & ~IGB_XDCTL_QUEUE_ENABLE;
	}
	switch (off) {
	case IGB_STATUS:
		return status_read(g);
	case IGB_CTRL:
		v = REG(g, IGB_CTRL);
		if (g->in_reset && g->now_ns < g->reset_done_ns)
			v |= IGB_CTRL_RST; /* silicon: still resetting */
		return v;
	case IGB_SWSM: /* both: a read with SMBI clear sets it (igb_mac_swsm_read) */
		v = REG(g, IGB_SWSM);
		REG(g, IGB_SWSM) |= IGB_SWSM_SMBI;
		return v;
	case IGB_SW_FW_SYNC:
		return swfw_sync(g);
	case IGB_MANC:
		return REG(g, IGB_MANC) | (g->mng_session ? IGB_MANC_BLK_PHY_RST_ON_IDE : 0);
	default:
		return REG(g, off);
	}
}

static uint32_t bar0_read(struct fake_mmio *m, uint32_t off)
{
	return inject_reg_read(m->priv, off, bar0_value(m, off));
}

/* ---- setup, faults, reporting ------------------------------------------ */

struct model_igb *model_igb_attach(struct fake_fn *fn, struct fake_mmio *bar0,
				   struct fake_mmio *bar3, enum model_personality p)
{
	struct model_igb *g = calloc(1, sizeof(*g));

	if (!g)
		harness_fatal(__FILE__, __LINE__, "model_igb_attach: out of memory");
	g->pers = p;
	g->fn = fn;
	g->bar0 = bar0;
	g->bar3 = bar3;
	g->now_ns = clock_ns();
	nvm_init(g);
	phy_reset(g);
	bar0->priv = g;
	bar0->own_priv = true;
	bar0->read = bar0_read;
	bar0->write = bar0_write;
	model_pci_attach(g);
	msix_attach(g);
	model_device_reset(g, true);
	sriov_attach(g);
	/* As the firmware leaves it. QEMU: no autonegotiation has completed
	 * when the app starts (seen on 10.0.2 under OVMF: BMSR 0x794d, STATUS
	 * 0x80080481), so LU waits for a restart. Silicon: the cable (unless
	 * unplugged) links once autonegotiation is restarted, or as
	 * model_link_before says. */
	fake_on_tick(tick, g);
	return g;
}

const char *model_personality_name(enum model_personality p)
{
	return p == MODEL_SILICON ? "silicon" : "qemu";
}

void model_inject(struct model_igb *g, unsigned faults)
{
	g->faults |= faults;
	if (faults & MODEL_FAULT_NVM_CHECKSUM)
		g->nvm[NVM_CHECKSUM_WORD]++;
	if (faults & MODEL_FAULT_LINK_NEVER_UP)
		g->lu = false;
	if (faults & MODEL_FAULT_POISONED_TLP)
		model_pci_poisoned_tlp(g);
}

/*
 * Silicon: the device given back (bus mastering off) must be as an OS
 * expects it, as Linux igb_loopback_cleanup() leaves it after the ethtool
 * loopback test: loopback off and a PHY software reset since loopback was
 * entered, autonegotiation enabled, the MAC's speed and duplex not forced.
 * Otherwise the OS booted next finds no link.
 */
void model_released(struct model_igb *g)
{
	uint16_t bmcr = g->phy[IGB_PHY_BMCR];

	if (!model_silicon(g) || g->removed)
		return;
	if ((bmcr & IGB_BMCR_LOOPBACK) || g->phy_looped || !(bmcr & IGB_BMCR_AUTONEG_EN) ||
	    (REG(g, IGB_CTRL) & (IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX)))
		model_violate(g, MV_PHY_LEFT_LOOPBACK);
}

void model_link_before(struct model_igb *g, uint16_t adv, uint16_t adv1000)
{
	g->phy[IGB_PHY_ANAR] = adv;
	g->phy[IGB_PHY_1000T_CTRL] = adv1000;
	g->partner_an_ns = 0;
	g->partner_link = true;
	g->phy[PHY_BMSR] |= PHY_BMSR_AN_DONE;
	g->phy[IGB_PHY_ANLPAR] = MODEL_PARTNER_ANLPAR;
	g->phy[IGB_PHY_1000T_STAT] = MODEL_PARTNER_1000T_STAT;
	REG(g, IGB_CTRL) |= IGB_CTRL_SLU;
	link_sync(g);
}

void model_mng_session(struct model_igb *g, bool on)
{
	g->mng_session = on;
}

void model_remove_at(struct model_igb *g, uint64_t at_us)
{
	g->remove_at_us = at_us ? at_us : 1;
}

void model_remove_after_tdt(struct model_igb *g, uint64_t n)
{
	g->remove_after_tdt = n;
}

void model_tdt_counted(struct model_igb *g)
{
	if (g->remove_after_tdt && g->tdt_writes >= g->remove_after_tdt && !g->removed)
		remove_now(g);
	if (g->faults & MODEL_FAULT_BAD_TLP)
		model_pci_bad_tlp(g);
	if (g->faults & (MODEL_FAULT_PORT_UR | MODEL_FAULT_PORT_BAD_DLLP))
		model_pci_port_error(g);
}

static const char *const violation_names[MV_COUNT] = {
	[MV_EICR_READ_WITH_EIAC] = "EICR read while EIAC set (8.8.5)",
	[MV_LEGACY_TX_DESC] = "legacy TX descriptor fetched",
	[MV_ACCESS_IN_RESET] = "register access within 1 ms of CTRL.RST (4.2.1.6.1)",
	[MV_RESEND_STORM] = "faulting read retried endlessly (GCR resend left on, 8.6.1)",
	[MV_ACCESS_IN_FLR] = "BAR access within 100 ms of FLR (PCIe 6.6.2)",
	[MV_NVM_BEFORE_AUTO_RD] = "NVM read through EERD before EECD.AUTO_RD after reset",
	[MV_DMA_OUTSIDE] = "descriptor/buffer DMA outside our DMA memory",
	[MV_MSI_OUTSIDE] = "MSI-X message aimed outside our DMA memory",
	[MV_EICS_READ] = "EICS read (write-only on silicon; QEMU reads 0)",
	[MV_RESET_MASTER_ON] = "CTRL.RST with bus mastering on and GIO master not "
			       "disabled (Linux igb_disable_pcie_master)",
	[MV_MDIC_NO_PHY] = "MDIC access on a SerDes port, which has no copper PHY "
			   "(Linux igb_setup_loopback_test: CTRL_EXT.LINK_MODE != 0)",
	[MV_PM_TOO_SOON] = "config write within 10 ms of a D3hot transition "
			   "(PCI PM 1.2 5.6.1)",
	[MV_ACCESS_IN_D3] = "BAR access in D3hot (the function answers config only)",
	[MV_INTX_TO_PLATFORM] = "INTx asserted with COMMAND.INTx_Disable clear: an "
				"interrupt to the firmware's controller",
	[MV_PHY_NO_SEMAPHORE] = "PHY (MDIC) or SW_FW_SYNC access without the "
				"software/firmware semaphores while manageability firmware "
				"runs (Linux igb_acquire_swfw_sync_82575)",
	[MV_PHY_RESET_BLOCKED] = "PHY reset or loopback while MANC.BLK_PHY_RST_ON_IDE "
				 "forbids it (Linux igb_check_reset_block)",
	[MV_PHY_LEFT_LOOPBACK] = "device given back with the PHY in loopback (or not "
				 "reset since), autoneg off or the MAC link forced "
				 "(Linux igb_loopback_cleanup)",
	[MV_VF_BAR_OVERLAP] = "VF memory enabled where another function's BAR or "
			      "another PF's live VFs decode (PCIe 4.0 7.5.1.2.1: "
			      "a range is one function's)",
	[MV_ARI_CHANGED_LIVE] = "ARI Capable Hierarchy changed while a PF of the device "
				"had VF Enable set (SR-IOV 1.1 3.3.3.5: it moves their "
				"routing IDs)",
};

const char *model_violation_name(enum model_violation v)
{
	return v < MV_COUNT ? violation_names[v] : "?";
}

unsigned model_violations(const struct model_igb *g)
{
	unsigned n = 0;

	for (unsigned v = 0; v < MV_COUNT; v++)
		n += g->violations[v];
	return n;
}

void model_describe_violations(const struct model_igb *g, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned v = 0; v < MV_COUNT && at < n; v++) {
		if (!g->violations[v])
			continue;
		int w = snprintf(buf + at, n - at, "%s%u x %s", at ? "; " : "",
				 g->violations[v], violation_names[v]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}
