/*
 * test_interrupts.c - MSI and INTx on the 82576 model (src/pci/msi.c and
 * the interrupts cases' mechanism): one message per raised cause at our
 * page, pending while masked; Interrupt_Status as the INTx level; an
 * INTx asserted without INTx Disable recorded as reaching the platform.
 */
#include <string.h>

#include "harness.h"
#include "igb/igb_regs.h"
#include "model_test.h"
#include "pci/msi.h"
#include "pci/pci_regs.h"

static struct mt m;

/* Up, then MSI-X off and the device in one-vector mode. */
static void one_vector_up(enum model_personality pers)
{
	mt_open(&m, pers);
	mt_up(&m);
	igb_irq_teardown(&m.drv);
	mt_wr(&m, IGB_GPIE, 0);
	mt_wr(&m, IGB_IMC, ~0u);
	(void)mt_rd(&m, IGB_ICR);
}

static void msi_once_per_cause(enum model_personality pers)
{
	volatile uint32_t *at;
	struct msi msi;
	uint32_t data;

	one_vector_up(pers);
	at = (volatile uint32_t *)(m.dst + 64);
	REQUIRE(msi_setup(&msi, m.d.bdf, &m.d.fn->caps) == RC_OK);
	CHECK(msi.is64 && msi.maskbit);
	msi_enable(&msi, (uint64_t)(uintptr_t)at, 0x1234);
	CHECK(pci_read16(m.d.bdf, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
	mt_wr(&m, IGB_IMS, IGB_ICR_TXDW);
	mt_wr(&m, IGB_ICS, IGB_ICR_TXDW);
	CHECK_EQ(igb_msg_wait_at(at, &data), RC_OK);
	CHECK_EQ(data, 0x1234);
	/* masked: pending, nothing written; unmasked: sent */
	(void)mt_rd(&m, IGB_ICR);
	msi_mask(&msi, true);
	mt_wr(&m, IGB_ICS, IGB_ICR_TXDW);
	CHECK_EQ(*at, 0);
	CHECK(msi_pending(&msi));
	msi_mask(&msi, false);
	CHECK_EQ(igb_msg_wait_at(at, &data), RC_OK);
	CHECK(!msi_pending(&msi));
	CHECK_EQ(m.g->msi_messages, 2);
	/* nothing reached INTx, and restore puts every bit back */
	CHECK_EQ(m.g->intx_asserts, 0);
	msi_restore(&msi);
	CHECK_EQ(pci_read16(m.d.bdf, 0x50 + PCI_MSI_FLAGS), 0x0180);
	CHECK_EQ(pci_read16(m.d.bdf, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE, 0);
	CHECK_EQ(model_violations(m.g), 0);
}

TEST(msi_once_per_cause_to_our_page)
{
	msi_once_per_cause(MODEL_QEMU);
	fake_reset();
	msi_once_per_cause(MODEL_SILICON);
}

/* An MSI aimed at memory that is not ours is a violation, as MSI-X's. */
TEST(msi_outside_our_memory_recorded)
{
	struct msi msi;

	one_vector_up(MODEL_QEMU);
	REQUIRE(msi_setup(&msi, m.d.bdf, &m.d.fn->caps) == RC_OK);
	msi_enable(&msi, MT_UNMAPPED, 1);
	mt_wr(&m, IGB_IMS, IGB_ICR_TXDW);
	mt_wr(&m, IGB_ICS, IGB_ICR_TXDW);
	CHECK_EQ(m.g->violations[MV_MSI_OUTSIDE], 1);
	msi_restore(&msi);
}

static void intx_level(enum model_personality pers)
{
	one_vector_up(pers);
	pci_write16(m.d.bdf, PCI_COMMAND,
		    pci_read16(m.d.bdf, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	mt_wr(&m, IGB_ICS, IGB_ICR_TXDW); /* masked */
	CHECK_EQ(pci_read16(m.d.bdf, PCI_STATUS) & PCI_STATUS_INTERRUPT, 0);
	mt_wr(&m, IGB_IMS, IGB_ICR_TXDW);
	CHECK(pci_read16(m.d.bdf, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	CHECK(mt_rd(&m, IGB_ICR) & IGB_ICR_TXDW);
	CHECK_EQ(pci_read16(m.d.bdf, PCI_STATUS) & PCI_STATUS_INTERRUPT, 0);
	CHECK_EQ(m.g->intx_asserts, 1);
	CHECK_EQ(model_violations(m.g), 0);
	/* Wrong: INTx Disable left clear: the interrupt reaches the platform. */
	pci_write16(m.d.bdf, PCI_COMMAND,
		    pci_read16(m.d.bdf, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
	mt_wr(&m, IGB_ICS, IGB_ICR_TXDW);
	CHECK_EQ(m.g->violations[MV_INTX_TO_PLATFORM], 1);
	(void)mt_rd(&m, IGB_ICR);
}

TEST(intx_status_follows_the_level)
{
	intx_level(MODEL_QEMU);
	fake_reset();
	intx_level(MODEL_SILICON);
}
