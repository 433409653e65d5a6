/* fake_igb.c - an 82576 BAR0 that behaves like one (see fake_igb.h). */
#include "fake_igb.h"

#include <stdlib.h>

#include "fake_devices.h"
#include "igb/igb_regs.h"

#define NVM_CHECKSUM_WORD (IGB_NVM_CHECKSUM_WORDS - 1)
#define PHY_BMCR_DEFAULT 0x1140 /* autoneg, 1000 full: QEMU's reset value */

static void reg_set(struct fake_mmio *m, uint32_t reg, uint32_t v)
{
	m->regs[reg / 4] = v;
}

static uint32_t reg_get(struct fake_mmio *m, uint32_t reg)
{
	return m->regs[reg / 4];
}

static void nvm_init(struct fake_igb *g)
{
	uint16_t sum = 0;

	g->nvm[0] = (uint16_t)FAKE_82576_RAL0;
	g->nvm[1] = (uint16_t)(FAKE_82576_RAL0 >> 16);
	g->nvm[2] = (uint16_t)FAKE_82576_RAH0;
	for (unsigned i = 0; i < NVM_CHECKSUM_WORD; i++)
		sum = (uint16_t)(sum + g->nvm[i]);
	g->nvm[NVM_CHECKSUM_WORD] = (uint16_t)(IGB_NVM_SUM - sum);
}

static void phy_reset(struct fake_igb *g)
{
	for (unsigned i = 0; i < FAKE_IGB_PHY_REGS; i++)
		g->phy[i] = 0;
	g->phy[IGB_PHY_BMCR] = PHY_BMCR_DEFAULT;
	g->phy[IGB_PHY_ID1] = FAKE_IGB_PHY_ID1;
	g->phy[IGB_PHY_ID2] = FAKE_IGB_PHY_ID2;
}

static void link_set(struct fake_mmio *m, bool up)
{
	uint32_t s = reg_get(m, IGB_STATUS) & ~IGB_STATUS_LU;

	reg_set(m, IGB_STATUS, s | (up ? IGB_STATUS_LU : 0));
}

/* Device reset: every register to its default, the MAC reloaded. */
static void device_reset(struct fake_mmio *m, struct fake_igb *g)
{
	for (uint64_t i = 0; i < m->size / 4; i++)
		m->regs[i] = 0;
	reg_set(m, IGB_STATUS, FAKE_82576_STATUS & ~IGB_STATUS_LU);
	reg_set(m, IGB_EECD, IGB_EECD_AUTO_RD);
	reg_set(m, IGB_RAL(0), FAKE_82576_RAL0);
	reg_set(m, IGB_RAH(0), FAKE_82576_RAH0);
	phy_reset(g);
	g->resets++;
}

static void eerd_write(struct fake_mmio *m, struct fake_igb *g, uint32_t v)
{
	uint32_t word = (v >> IGB_EERD_ADDR_SHIFT) & 0x3fff;
	uint16_t data = word < FAKE_IGB_NVM_WORDS ? g->nvm[word] : 0xffff;

	if (!(v & IGB_EERD_START)) {
		reg_set(m, IGB_EERD, v);
		return;
	}
	reg_set(m, IGB_EERD, (uint32_t)data << IGB_EERD_DATA_SHIFT |
			     word << IGB_EERD_ADDR_SHIFT | IGB_EERD_DONE);
}

static void phy_write(struct fake_mmio *m, struct fake_igb *g, uint32_t reg,
		      uint16_t v)
{
	if (reg == IGB_PHY_BMCR && (v & IGB_BMCR_RESET)) {
		phy_reset(g);
		return;
	}
	g->phy[reg] = v;
	if (reg == IGB_PHY_BMCR)
		link_set(m, v & IGB_BMCR_LOOPBACK);
}

static void mdic_write(struct fake_mmio *m, struct fake_igb *g, uint32_t v)
{
	uint32_t phy = (v >> IGB_MDIC_PHY_SHIFT) & 0x1f;
	uint32_t reg = (v >> IGB_MDIC_REG_SHIFT) & 0x1f;

	if (phy != IGB_PHY_ADDR) {
		reg_set(m, IGB_MDIC, v | IGB_MDIC_READY | IGB_MDIC_ERROR);
		return;
	}
	if (v & IGB_MDIC_OP_WRITE) {
		phy_write(m, g, reg, (uint16_t)v);
		reg_set(m, IGB_MDIC, v | IGB_MDIC_READY);
	} else {
		reg_set(m, IGB_MDIC, (v & ~IGB_MDIC_DATA_MASK) | g->phy[reg] |
				     IGB_MDIC_READY);
	}
}

static void igb_write(struct fake_mmio *m, uint32_t off, uint32_t v)
{
	struct fake_igb *g = m->priv;

	switch (off) {
	case IGB_CTRL:
		if (v & IGB_CTRL_RST)
			device_reset(m, g);
		reg_set(m, IGB_CTRL, v & ~IGB_CTRL_RST);
		break;
	case IGB_STATUS:
		break; /* read-only */
	case IGB_EERD:
		eerd_write(m, g, v);
		break;
	case IGB_MDIC:
		mdic_write(m, g, v);
		break;
	default:
		reg_set(m, off, v);
		break;
	}
}

static uint32_t igb_read(struct fake_mmio *m, uint32_t off)
{
	struct fake_igb *g = m->priv;

	if (off == IGB_EICR && reg_get(m, IGB_EIAC))
		g->eicr_reads_with_eiac++;
	return reg_get(m, off);
}

struct fake_igb *fake_igb_model(struct fake_mmio *m)
{
	struct fake_igb *g = calloc(1, sizeof(*g));

	if (!g)
		harness_fatal(__FILE__, __LINE__, "fake_igb_model: out of memory");
	nvm_init(g);
	phy_reset(g);
	reg_set(m, IGB_EECD, IGB_EECD_AUTO_RD);
	m->priv = g;
	m->own_priv = true;
	m->write = igb_write;
	m->read = igb_read;
	return g;
}
