/*
 * test_model_silicon.c - negative tests: for each silicon behaviour the
 * model adds, a deliberately wrong driver action (the real driver with one
 * step done wrong, or a test-only variant of one step) that the QEMU
 * personality lets pass and the silicon personality makes fail, or
 * records as a violation. Together with model_registry_silicon (the right
 * driver passes) each proves the model would catch that regression.
 */
#include <string.h>

#include "dma/iommu.h"
#include "fake_vtd.h"
#include "harness.h"
#include "igb/igb_info.h"
#include "igb/igb_regs.h"
#include "model_test.h"
#include "pci/flr.h"
#include "pci/pci_regs.h"

static uint64_t bus(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static bool silicon(const struct mt *m)
{
	return m->g->pers == MODEL_SILICON;
}

/* Run body on a fresh world for each personality. */
static void each(void (*body)(struct mt *m))
{
	static struct mt m;

	harness_note("qemu personality");
	mt_open(&m, MODEL_QEMU);
	body(&m);
	fake_reset();
	harness_note("silicon personality");
	mt_open(&m, MODEL_SILICON);
	body(&m);
	harness_note("%s", "");
}

/* An advanced TX data descriptor for one whole frame of len bytes. */
static uint32_t adv_data(uint32_t len)
{
	return len | IGB_ADVTXD_DTYP_DATA | IGB_ADVTXD_DCMD_DEXT | IGB_ADVTXD_DCMD_IFCS |
	       IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS;
}

/* ---- MAC loopback is not implemented (3.5.6.2) ------------------------- */

static void mac_loopback_only(struct mt *m)
{
	uint64_t lost;
	int rc;

	mt_up(m);
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
	/* Wrong: leave the PHY out of loopback and count on RCTL.LBM_MAC,
	 * which the driver sets for QEMU's sake. */
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX) == RC_OK);
	REQUIRE(mt_rd(m, IGB_RCTL) & IGB_RCTL_LBM_MAC);
	lost = m->g->frames_to_wire;
	rc = mt_copy(m, 1500);
	if (silicon(m)) {
		CHECK_EQ(rc, RC_ETIMEDOUT);
		CHECK(m->g->frames_to_wire > lost); /* sent, never looped */
	} else {
		CHECK_EQ(rc, RC_OK);
	}
}

TEST(silicon_neg_mac_loopback_only)
{
	each(mac_loopback_only);
}

/* ---- PHY loopback needs the forced link; LU follows it ----------------- */

static void autoneg_instead_of_forced_link(struct mt *m)
{
	uint32_t forced = IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX | IGB_CTRL_SLU, ctrl;
	bool lu;

	mt_up(m);
	ctrl = mt_rd(m, IGB_CTRL);
	if (silicon(m)) { /* LU follows the forced link, both ways */
		mt_wr(m, IGB_CTRL, ctrl & ~IGB_CTRL_SLU);
		CHECK_EQ(mt_rd(m, IGB_STATUS) & IGB_STATUS_LU, 0);
		mt_wr(m, IGB_CTRL, ctrl);
		CHECK_EQ(mt_rd(m, IGB_STATUS) & IGB_STATUS_LU, IGB_STATUS_LU);
	}
	/* Wrong: the submitted driver's bring-up, autonegotiation and PHY
	 * loopback without forcing the MAC link. */
	mt_wr(m, IGB_CTRL, ctrl & ~forced);
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_AUTONEG_EN |
					     IGB_BMCR_RESTART_AN) == RC_OK);
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_LOOPBACK | IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX) == RC_OK);
	mt_wait_us(600000); /* past QEMU's 500 ms autoneg */
	lu = mt_rd(m, IGB_STATUS) & IGB_STATUS_LU;
	CHECK_EQ(lu, !silicon(m));
	CHECK_EQ(mt_copy(m, 1500), silicon(m) ? RC_ETIMEDOUT : RC_OK);
}

TEST(silicon_neg_autoneg_instead_of_forced_link)
{
	each(autoneg_instead_of_forced_link);
}

/* ---- legacy TX descriptors are not processed as data ------------------- */

static void legacy_tx_descriptor(struct mt *m)
{
	unsigned idx;

	mt_up(m);
	for (unsigned i = 0; i < 256; i++)
		m->src[i] = (uint8_t)(i * 3 + 2);
	/* Wrong: a legacy descriptor (DEXT clear; length and CMD.EOP/IFCS/RS
	 * in the same places), as the submitted driver built them. */
	idx = mt_post(m, bus(m->src), 256 | IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_IFCS |
					   IGB_ADVTXD_DCMD_RS, 0, bus(m->dst));
	if (silicon(m)) {
		CHECK(!mt_rx_done(m, idx, 20000));
		CHECK_EQ(m->g->violations[MV_LEGACY_TX_DESC], 1);
	} else {
		CHECK(mt_rx_done(m, idx, 20000));
		CHECK(!memcmp(m->src, m->dst, 256));
		CHECK_EQ(model_violations(m->g), 0);
	}
}

TEST(silicon_neg_legacy_tx_descriptor)
{
	each(legacy_tx_descriptor);
}

/* ---- SRRCTL.DESCTYPE 0: the legacy RX write-back (7.1.5.2) ------------- */

static void rx_desctype_zero(struct mt *m)
{
	unsigned q;

	mt_up(m);
	q = m->drv.rx.queue;
	/* Wrong: no advanced descriptor type (QEMU writes advanced anyway). */
	mt_wr(m, IGB_SRRCTL(q), mt_rd(m, IGB_SRRCTL(q)) & ~IGB_SRRCTL_DESCTYPE_ADV_ONEBUF);
	if (silicon(m)) {
		CHECK(mt_copy(m, 1500) != RC_OK);
		CHECK(m->g->legacy_rx_writebacks > 0);
	} else {
		CHECK_EQ(mt_copy(m, 1500), RC_OK);
	}
}

TEST(silicon_neg_rx_desctype_zero)
{
	each(rx_desctype_zero);
}

/* ---- EICR must not be read while EIAC is set (8.8.5) ------------------- */

static void eicr_read_with_eiac(struct mt *m)
{
	mt_up(m);
	REQUIRE(m->drv.irq.on && mt_rd(m, IGB_EIAC));
	CHECK_EQ(model_violations(m->g), 0);
	(void)mt_rd(m, IGB_EICR); /* wrong: the read-to-clear of old drivers */
	CHECK_EQ(m->g->eicr_reads_with_eiac, 1);
	CHECK_EQ(m->g->violations[MV_EICR_READ_WITH_EIAC], silicon(m) ? 1 : 0);
	CHECK_EQ(model_violations(m->g), silicon(m) ? 1 : 0);
}

TEST(silicon_neg_eicr_read_with_eiac)
{
	each(eicr_read_with_eiac);
}

/* ---- a DMA read fault wedges the engine; CTRL.RST does not cure it ----- */

static void ctrl_rst_only_recovery(struct mt *m)
{
	unsigned idx;
	int rc;

	mt_up(m);
	memset(m->dst, 0xee, 256);
	idx = mt_post(m, MT_UNMAPPED, adv_data(256), 256u << IGB_ADVTXD_PAYLEN_SHIFT,
		      bus(m->dst));
	mt_wait_us(50000);
	CHECK_EQ(m->g->dma_read_faults, 1);
	CHECK_EQ(m->g->wedged, silicon(m));
	/* QEMU reads zeros from nowhere and sends them; silicon sends nothing */
	CHECK_EQ(mt_rx_done(m, idx, 0), !silicon(m));
	CHECK_EQ(m->dst[0], silicon(m) ? 0xee : 0);
	/* Wrong: recover with CTRL.RST alone (remove and init reset the MAC). */
	igb_ops.remove(&m->drv);
	mt_up(m);
	CHECK_EQ(m->g->wedged, silicon(m));
	rc = mt_copy(m, 4096);
	if (silicon(m)) {
		CHECK_EQ(rc, RC_ETIMEDOUT);
		/* memcpy_wait reports and leaves recovery to its caller ... */
		CHECK_EQ(m->g->flrs, 0);
		CHECK(m->g->wedged);
		/* ... whose recovery, FLR + init, is what un-wedges it */
		igb_ops.remove(&m->drv);
		CHECK_EQ(igb_flr_init(&m->drv, &(struct flr_report){ 0 }), RC_OK);
		CHECK_EQ(m->g->flrs, 1);
		CHECK(!m->g->wedged);
	} else {
		CHECK_EQ(rc, RC_OK);
		CHECK_EQ(m->g->flrs, 0);
	}
	CHECK_EQ(mt_copy(m, 4096), RC_OK);
}

TEST(silicon_neg_ctrl_rst_only_recovery)
{
	each(ctrl_rst_only_recovery);
}

/* ---- GCR.Completion_Timeout_Resend left on: endless retries ------------ */

static void resend(struct mt *m, bool left_on)
{
	uint16_t devsta = FAKE_82576_PCIE_CAP + PCI_EXP_DEVSTA;

	mt_up(m);
	CHECK_EQ(mt_rd(m, IGB_GCR) & IGB_GCR_CMPL_TMOUT_RESEND, 0); /* init clears it */
	if (left_on) /* wrong: the reset value (resend on) kept */
		mt_wr(m, IGB_GCR, mt_rd(m, IGB_GCR) | IGB_GCR_CMPL_TMOUT_RESEND);
	mt_post(m, MT_UNMAPPED, adv_data(256), 256u << IGB_ADVTXD_PAYLEN_SHIFT, bus(m->dst));
	mt_wait_us(100000);
	if (silicon(m) && left_on) {
		/* one per completion timeout (init set 16 ms) */
		CHECK(m->g->resend_retries >= 100000000 / model_cpl_timeout_ns(m->g) - 1);
		CHECK_EQ(m->g->violations[MV_RESEND_STORM], 1);
		CHECK(pci_read16(m->d.bdf, devsta) & PCI_EXP_DEVSTA_TRPND);
	} else {
		CHECK_EQ(m->g->resend_retries, 0);
		CHECK_EQ(m->g->violations[MV_RESEND_STORM], 0);
		CHECK_EQ(pci_read16(m->d.bdf, devsta) & PCI_EXP_DEVSTA_TRPND, 0);
	}
}

static void resend_left_on(struct mt *m)
{
	resend(m, true);
}

TEST(silicon_neg_resend_left_on)
{
	static struct mt m;

	each(resend_left_on);
	fake_reset();
	mt_open(&m, MODEL_SILICON);
	resend(&m, false); /* the driver as it is: one timeout, no retries */
}

/* ---- a lost read's Completion Timeout comes when its timer expires ----- */

/*
 * Silicon: a read that gets no completion is called lost, and Completion
 * Timeout logged, only when the requester's timer expires (PCIe r5.0
 * 2.8); with the 65-210 ms a firmware may leave in Device Control 2
 * (which the driver keeps) that is after a copy's 20 ms bound. The
 * request stays pending meanwhile, so quiescing the device (igb_reset
 * waits for master requests, Linux igb_disable_pcie_master) is what
 * brings it out. Wrong: checking the error bits right after the copy
 * failed (the runner must quiesce first): nothing there yet.
 */
static void errors_checked_before_quiesce(struct mt *m, bool quiesce_first)
{
	uint16_t aer = FAKE_82576_AER_CAP + PCI_ERR_UNCOR_STATUS;

	fake_set16(m->p.fn, FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL2, 0x6);
	mt_up(m);
	mt_post(m, MT_UNMAPPED, adv_data(256), 256u << IGB_ADVTXD_PAYLEN_SHIFT, bus(m->dst));
	mt_wait_us(20000);
	CHECK(m->g->wedged);
	if (quiesce_first)
		igb_ops.remove(&m->drv);
	CHECK_EQ((pci_read32(m->d.bdf, aer) & PCI_ERR_UNC_COMP_TIME) != 0, quiesce_first);
	if (!quiesce_first)
		igb_ops.remove(&m->drv);
	CHECK(pci_read32(m->d.bdf, aer) & PCI_ERR_UNC_COMP_TIME);
}

TEST(silicon_neg_errors_checked_before_quiesce)
{
	static struct mt m;

	mt_open(&m, MODEL_SILICON);
	errors_checked_before_quiesce(&m, false);
	fake_reset();
	mt_open(&m, MODEL_SILICON);
	errors_checked_before_quiesce(&m, true);
}

/* ---- a 4 MiB copy takes its 1 Gb/s wire time --------------------------- */

#define COPY_4M (4u << 20)

static void short_completion_bound(struct mt *m)
{
	struct igb_copy *c = &m->drv.copy;
	uint64_t t0, us, wire_us;
	unsigned last;
	bool in_1ms;

	mt_up(m);
	igb_copy_put_headers(&m->drv, m->src, COPY_4M);
	t0 = plat_now_us();
	REQUIRE(igb_ops.memcpy_start(&m->drv, m->src, m->dst, COPY_4M, 1) == RC_OK);
	/* (4 MiB + 24 bytes of preamble, FCS and gap per frame) at 8 ns/byte */
	wire_us = ((uint64_t)COPY_4M + (uint64_t)c->total * 24) * 8 / 1000;
	last = (c->batch_first + c->batch_len - 1) % m->drv.rx.count;
	/* Wrong: the submitted driver's 1 ms completion bound. */
	in_1ms = mt_rx_done(m, last, 1000);
	CHECK_EQ(igb_ops.memcpy_wait(&m->drv), RC_OK);
	us = plat_now_us() - t0;
	if (silicon(m)) {
		CHECK(!in_1ms);
		CHECK(us >= wire_us);
		CHECK(us < igb_copy_timeout_us(COPY_4M, c->total));
	} else {
		CHECK(in_1ms);
	}
	harness_note("4 MiB: %llu us, wire time %llu us", (unsigned long long)us,
		     (unsigned long long)wire_us);
}

TEST(silicon_neg_1ms_bound_for_4mib)
{
	each(short_completion_bound);
}

/* ---- EIAM with GPIE.EIAME auto-masks a vector after its message -------- */

static void no_rearm_after_message(struct mt *m)
{
	const unsigned v = 2;
	uint32_t data;

	mt_up(m);
	REQUIRE(m->drv.irq.on);
	igb_irq_retag(&m->drv, 0x77);
	mt_wr(m, IGB_EIMS, 1u << v);
	mt_wr(m, IGB_EICS, 1u << v);
	CHECK_EQ(igb_msg_wait(&m->drv, v, &data), RC_OK);
	/* Wrong: raise again without unmasking (send_msi re-arms EIMS). */
	mt_wr(m, IGB_EICS, 1u << v);
	CHECK_EQ(igb_msg_wait(&m->drv, v, &data), silicon(m) ? RC_ETIMEDOUT : RC_OK);
	CHECK_EQ(mt_rd(m, IGB_EIMS) & (1u << v), silicon(m) ? 0 : 1u << v);
}

TEST(silicon_neg_no_rearm_after_message)
{
	each(no_rearm_after_message);
}

/* ---- EICS is write-only: its read says nothing about pending causes ---- */

static void eics_read_back(struct mt *m)
{
	const unsigned v = 3;
	uint32_t data;

	mt_up(m);
	igb_irq_retag(&m->drv, 0x78);
	igb_irq_mask(&m->drv, ~0u);
	igb_irq_ack(&m->drv, ~0u);
	mt_wr(m, IGB_EICS, 1u << v); /* a cause, held while masked */
	CHECK_EQ(m->g->violations[MV_EICS_READ], 0);
	/* Wrong: look for it by reading EICS. The read finds nothing on
	 * either (QEMU has no read handler) and is a violation on silicon. */
	CHECK_EQ(mt_rd(m, IGB_EICS), 0);
	CHECK_EQ(m->g->violations[MV_EICS_READ], silicon(m) ? 1 : 0);
	igb_irq_unmask(&m->drv, 1u << v);
	CHECK_EQ(igb_msg_wait(&m->drv, v, &data), RC_OK); /* it was there */
}

TEST(silicon_neg_eics_read_back)
{
	each(eics_read_back);
}

/* ---- nothing may touch the device for 1 ms after CTRL.RST -------------- */

/* CTRL.RST as igb_reset sets it: GIO master disabled first. */
static void raw_reset(struct mt *m)
{
	mt_wr(m, IGB_CTRL, mt_rd(m, IGB_CTRL) | IGB_CTRL_GIO_MASTER_DISABLE);
	mt_wr(m, IGB_CTRL, mt_rd(m, IGB_CTRL) | IGB_CTRL_RST);
}

static void access_during_reset(struct mt *m)
{
	bool auto_rd;

	raw_reset(m);
	(void)mt_rd(m, IGB_STATUS); /* wrong: no 1 ms wait */
	CHECK_EQ(m->g->violations[MV_ACCESS_IN_RESET], silicon(m) ? 1 : 0);
	mt_wait_us(1000);
	(void)mt_rd(m, IGB_STATUS);
	CHECK_EQ(m->g->violations[MV_ACCESS_IN_RESET], silicon(m) ? 1 : 0);
	/* the driver's reset waits; it sees AUTO_RD only on silicon */
	CHECK_EQ(igb_reset(&m->d, &auto_rd), RC_OK);
	CHECK_EQ(auto_rd, silicon(m));
	CHECK_EQ(model_violations(m->g), silicon(m) ? 1 : 0);
}

TEST(silicon_neg_access_during_reset)
{
	each(access_during_reset);
}

/* ---- EECD.AUTO_RD: the NVM is not readable until the auto-load is done - */

static void nvm_before_auto_rd(struct mt *m)
{
	uint16_t w;
	bool auto_rd;

	raw_reset(m);
	mt_wait_us(1100); /* the 1 ms, but not the AUTO_RD wait */
	CHECK_EQ(mt_rd(m, IGB_EECD) & IGB_EECD_AUTO_RD, 0);
	REQUIRE(igb_nvm_read(&m->d, 0, &w) == RC_OK); /* wrong */
	CHECK_EQ(m->g->violations[MV_NVM_BEFORE_AUTO_RD], silicon(m) ? 1 : 0);
	CHECK_EQ(w, silicon(m) ? 0xffff : (uint16_t)FAKE_82576_RAL0);
	/* the driver's reset waits for AUTO_RD (silicon) or its bound (QEMU) */
	CHECK_EQ(igb_reset(&m->d, &auto_rd), RC_OK);
	CHECK_EQ(igb_nvm_read(&m->d, 0, &w), RC_OK);
	CHECK_EQ(w, (uint16_t)FAKE_82576_RAL0);
	CHECK_EQ(m->g->violations[MV_NVM_BEFORE_AUTO_RD], silicon(m) ? 1 : 0);
}

TEST(silicon_neg_nvm_before_auto_rd)
{
	each(nvm_before_auto_rd);
}

/* ---- FLR: the function is away for 100 ms (PCIe 6.6.2) ----------------- */

static void flr_without_wait(struct mt *m)
{
	uint16_t devctl = FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL;
	struct flr_report rep;

	pci_write16(m->d.bdf, devctl, pci_read16(m->d.bdf, devctl) | PCI_EXP_DEVCTL_BCR_FLR);
	/* Wrong: straight on. Silicon answers Configuration RRS yet. */
	CHECK_EQ(pci_read16(m->d.bdf, PCI_VENDOR_ID), silicon(m) ? PCI_VENDOR_ID_RRS : 0x8086);
	(void)mt_rd(m, IGB_STATUS);
	mt_wait_us(120000);
	CHECK_EQ(pci_read16(m->d.bdf, PCI_VENDOR_ID), 0x8086);
	CHECK_EQ(m->g->violations[MV_ACCESS_IN_FLR], silicon(m) ? 1 : 0);
	/* FLR cleared the BARs and COMMAND on both: nothing decodes */
	CHECK_EQ(fake_bar_addr(m->p.fn, 0), 0);
	CHECK_EQ(mt_rd(m, IGB_STATUS), 0xffffffffu);
	/* the driver's FLR waits and restores: a clean cycle */
	CHECK_EQ(pci_flr(m->d.bdf, &m->d.fn->caps, &rep), RC_OK);
	CHECK_EQ(m->g->flrs, 2);
	CHECK_EQ(m->g->violations[MV_ACCESS_IN_FLR], silicon(m) ? 1 : 0);
}

TEST(silicon_neg_flr_without_wait)
{
	each(flr_without_wait);
}

/* ---- RXDCTL/TXDCTL.ENABLE reads 0 until RCTL.RXEN/TCTL.TXEN (8.10.10) -- */

static void queue_enable_before_rxen(struct mt *m)
{
	const uint32_t en = IGB_XDCTL_QUEUE_ENABLE;
	unsigned rq, tq;

	mt_up(m);
	rq = m->drv.rx.queue;
	tq = m->drv.tx.queue;
	CHECK_EQ(mt_rd(m, IGB_RXDCTL(rq)) & en, en);
	/* Wrong: the old order, the enables polled before the MAC is on. */
	mt_wr(m, IGB_RCTL, 0);
	mt_wr(m, IGB_TCTL, 0);
	mt_wr(m, IGB_RXDCTL(rq), en);
	mt_wr(m, IGB_TXDCTL(tq), en);
	mt_wait_us(10000); /* the driver's IGB_QUEUE_ENABLE_TIMEOUT_US */
	CHECK_EQ(mt_rd(m, IGB_RXDCTL(rq)) & en, silicon(m) ? 0 : en);
	CHECK_EQ(mt_rd(m, IGB_TXDCTL(tq)) & en, silicon(m) ? 0 : en);
	/* the driver's order: rings, RCTL/TCTL, then the enables */
	CHECK_EQ(igb_drv_switch_queues(&m->drv, 1, 1), RC_OK);
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
	CHECK_EQ(model_violations(m->g), 0);
}

TEST(silicon_neg_queue_enable_before_rxen)
{
	each(queue_enable_before_rxen);
}

/* ---- PHY loopback settles 50 + 500 ms before frames loop --------------- */

static void no_phy_settle(struct mt *m)
{
	uint32_t ctrl;
	int rc;

	mt_up(m);
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
	/* Wrong: the old bring-up, loopback and forced link with no settle,
	 * copying as soon as STATUS.LU shows (on silicon at once). */
	ctrl = mt_rd(m, IGB_CTRL);
	mt_wr(m, IGB_CTRL, ctrl & ~IGB_CTRL_SLU);
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_AUTONEG_EN | IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX) == RC_OK);
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_AUTONEG_EN |
					     IGB_BMCR_RESTART_AN) == RC_OK);
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_LOOPBACK | IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX) == RC_OK);
	mt_wr(m, IGB_CTRL, ctrl);
	for (unsigned i = 0; i < 600 && !(mt_rd(m, IGB_STATUS) & IGB_STATUS_LU); i++)
		mt_wait_us(1000);
	REQUIRE(mt_rd(m, IGB_STATUS) & IGB_STATUS_LU);
	rc = mt_copy(m, 1500);
	CHECK_EQ(rc, silicon(m) ? RC_ETIMEDOUT : RC_OK);
	CHECK_EQ(m->g->frames_unsettled > 0, silicon(m));
	/* the driver settles before the first frame after an init */
	igb_ops.remove(&m->drv);
	REQUIRE(igb_ops.init(&m->drv, &m->d) == RC_OK);
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
}

TEST(silicon_neg_no_phy_settle)
{
	each(no_phy_settle);
}

/* The 500 ms settle is paid before frames, not per init: inits with no
 * frame between them (init_remove's cycles, flr_repeat's) do not wait it,
 * and the first copy after the last init waits it whole, losing nothing. */
#define FORCED_LINK_SETTLE_US 500000 /* the driver's IGB_FORCED_LINK_SETTLE_US */

static void settle_before_frames(struct mt *m)
{
	uint64_t t0;

	mt_up(m);
	t0 = fake_now_us();
	for (unsigned i = 0; i < 3; i++) {
		igb_ops.remove(&m->drv);
		REQUIRE(igb_ops.init(&m->drv, &m->d) == RC_OK);
	}
	CHECK(fake_now_us() - t0 < FORCED_LINK_SETTLE_US);
	CHECK(!m->drv.link_settled);
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
	CHECK(m->drv.link_settled);
	CHECK(fake_now_us() - m->drv.link_forced_at >= FORCED_LINK_SETTLE_US);
	CHECK_EQ(m->g->frames_unsettled, 0);
	CHECK_EQ(model_violations(m->g), 0);
}

TEST(link_settle_before_frames_not_per_init)
{
	each(settle_before_frames);
}

/* ---- GIO master disable before CTRL.RST (igb_disable_pcie_master) ------ */

static void reset_without_master_disable(struct mt *m)
{
	bool auto_rd;

	mt_up(m);
	/* Wrong: the old igb_reset, CTRL.RST with bus mastering on. */
	mt_wr(m, IGB_CTRL, mt_rd(m, IGB_CTRL) | IGB_CTRL_RST);
	mt_wait_us(3000);
	CHECK_EQ(m->g->violations[MV_RESET_MASTER_ON], silicon(m) ? 1 : 0);
	/* the driver's reset disables GIO mastering and waits first */
	CHECK_EQ(igb_reset(&m->d, &auto_rd), RC_OK);
	CHECK_EQ(m->g->violations[MV_RESET_MASTER_ON], silicon(m) ? 1 : 0);
	/* ... and so does the recovery after a fault: a read left resending
	 * keeps GIO_MASTER_ENABLE set, the wait ends at its bound and the
	 * reset goes on (as Linux's); FLR then clears the wedge. */
	igb_ops.remove(&m->drv);
	mt_up(m);
	mt_wr(m, IGB_GCR, mt_rd(m, IGB_GCR) | IGB_GCR_CMPL_TMOUT_RESEND);
	mt_post(m, MT_UNMAPPED, adv_data(256), 256u << IGB_ADVTXD_PAYLEN_SHIFT, bus(m->dst));
	mt_wait_us(1000);
	igb_ops.remove(&m->drv);
	CHECK_EQ(igb_flr_init(&m->drv, &(struct flr_report){ 0 }), RC_OK);
	CHECK_EQ(m->g->violations[MV_RESET_MASTER_ON], silicon(m) ? 1 : 0);
	CHECK_EQ(mt_copy(m, 4096), RC_OK);
}

TEST(silicon_neg_reset_without_master_disable)
{
	each(reset_without_master_disable);
}

/* ---- the default completion timeout is too short for a loaded host ----- */

static void default_completion_timeout(struct mt *m)
{
	uint16_t devctl2 = FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL2;
	struct flr_report rep;

	mt_up(m);
	/* silicon's GCR says capability version 2: 16-55 ms in DEVCTL2;
	 * QEMU's does not: 10 ms through GCR */
	CHECK_EQ(pci_read16(m->d.bdf, devctl2) & PCI_EXP_DEVCTL2_COMP_TIMEOUT,
		 silicon(m) ? PCI_EXP_DEVCTL2_COMP_TMOUT_16MS : 0);
	CHECK_EQ(mt_rd(m, IGB_GCR) & IGB_GCR_CMPL_TMOUT_MASK,
		 silicon(m) ? 0 : IGB_GCR_CMPL_TMOUT_10MS);
	/* FLR keeps DEVCTL2: the PCIe capability is saved and restored */
	pci_write16(m->d.bdf, devctl2, PCI_EXP_DEVCTL2_COMP_TMOUT_16MS);
	CHECK_EQ(pci_flr(m->d.bdf, &m->d.fn->caps, &rep), RC_OK);
	CHECK_EQ(pci_read16(m->d.bdf, devctl2) & PCI_EXP_DEVCTL2_COMP_TIMEOUT,
		 PCI_EXP_DEVCTL2_COMP_TMOUT_16MS);
	igb_ops.remove(&m->drv);
	mt_up(m);
	m->g->host_read_ns = 2000000; /* a loaded host: reads complete in 2 ms */
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
	/* Wrong: the default timeout kept, as the old init did. */
	pci_write16(m->d.bdf, devctl2, 0);
	CHECK_EQ(mt_copy(m, 1500), silicon(m) ? RC_ETIMEDOUT : RC_OK);
	CHECK_EQ(m->g->cpl_timeouts > 0, silicon(m));
}

TEST(silicon_neg_default_completion_timeout)
{
	each(default_completion_timeout);
}

/* ---- after FLR, Vendor ID 0x0001 (Configuration RRS) is "not ready" ---- */

/* BAR0, BAR3 and COMMAND as the firmware left them. */
static void restore_by_hand(struct mt *m)
{
	uint64_t bar3 = fake_82576_bar3(1, 0, 0);

	pci_write32(m->d.bdf, PCI_BASE_ADDRESS_0, MT_BAR0);
	pci_write32(m->d.bdf, PCI_BASE_ADDRESS_0 + 12, (uint32_t)bar3);
	pci_write32(m->d.bdf, PCI_BASE_ADDRESS_0 + 16, (uint32_t)(bar3 >> 32));
	pci_write16(m->d.bdf, PCI_COMMAND, FAKE_82576_COMMAND);
}

static void rrs_taken_as_ready(struct mt *m)
{
	uint16_t devctl = FAKE_82576_PCIE_CAP + PCI_EXP_DEVCTL;
	struct flr_report rep;
	uint16_t id = 0xffff;

	pci_write16(m->d.bdf, devctl, pci_read16(m->d.bdf, devctl) | PCI_EXP_DEVCTL_BCR_FLR);
	mt_wait_us(100000);
	/* Wrong: the old readiness test, "not all-ones" */
	for (unsigned i = 0; i < 1000 && id == 0xffff; i++, mt_wait_us(1000))
		id = pci_read16(m->d.bdf, PCI_VENDOR_ID);
	CHECK_EQ(id, silicon(m) ? PCI_VENDOR_ID_RRS : 0x8086);
	/* ... and restore: on silicon the writes reach nothing yet */
	restore_by_hand(m);
	mt_wait_us(30000);
	CHECK_EQ(fake_bar_addr(m->p.fn, 0), silicon(m) ? 0 : MT_BAR0);
	restore_by_hand(m); /* ready now on both */
	/* the driver's FLR waits through RRS, then restores */
	CHECK_EQ(pci_flr(m->d.bdf, &m->d.fn->caps, &rep), RC_OK);
	CHECK(rep.reset_us >= (silicon(m) ? 120000u : 100000u));
	CHECK_EQ(fake_bar_addr(m->p.fn, 0), MT_BAR0);
	mt_up(m);
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
	CHECK_EQ(model_violations(m->g), 0);
}

TEST(silicon_neg_rrs_taken_as_ready)
{
	each(rrs_taken_as_ready);
}

/* ---- a released MSI-X message lands after the unmask (PBA bit set) ---- */

/* Vector v's cause raised while its entry is masked: pending in the PBA. */
static void make_pending(struct mt *m, unsigned v)
{
	msix_mask_entry(&m->drv.irq.msix, v, true);
	igb_irq_unmask(&m->drv, 1u << v);
	mt_wr(m, IGB_EICS, 1u << v);
	REQUIRE(msix_pending(&m->drv.irq.msix, v));
}

static void pba_pending_at_free(struct mt *m)
{
	struct igb_irq *irq = &m->drv.irq;
	const unsigned v = 4;
	uint64_t sent;

	mt_up(m);
	REQUIRE(irq->on);
	make_pending(m, v);
	/* Wrong: the old teardown, entries restored and the page freed right
	 * after releasing what was pending. */
	mt_wr(m, IGB_EIMC, ~0u);
	msix_mask_entry(&irq->msix, v, false);
	msix_function_mask(&irq->msix, false);
	msix_restore(&irq->msix);
	dma_free(irq->msg);
	irq->msg = NULL;
	irq->on = false;
	mt_wait_us(100);
	CHECK_EQ(m->g->violations[MV_MSI_OUTSIDE], silicon(m) ? 1 : 0);
	igb_ops.remove(&m->drv);
	/* the driver's teardown waits for the PBA bit, then frees */
	mt_up(m);
	make_pending(m, v);
	sent = m->g->msi_sent[v];
	igb_ops.remove(&m->drv);
	mt_wait_us(100);
	CHECK_EQ(m->g->msi_sent[v], sent + 1); /* into our page, before the free */
	CHECK_EQ(m->g->violations[MV_MSI_OUTSIDE], silicon(m) ? 1 : 0);
}

TEST(silicon_neg_pba_pending_at_free)
{
	each(pba_pending_at_free);
}

/* ---- the 82576 writes DD even when the data write faulted ------------- */

static void write_fault_after_dd(struct mt *m)
{
	struct fake_vtd *u = fake_vtd_add(FAKE_VTD_BASE);
	struct dma_buf *page, *dst;
	struct iommu_fault f;
	char why[160];
	unsigned idx;

	/* the unit logs a refused write a little after it (silicon run) */
	u->record_delay_us = silicon(m) ? 20 : 0;
	if (iommu_start(IOMMU_STRICT, m->d.bdf, mt_inventory(), why, sizeof(why)))
		harness_fatal(__FILE__, __LINE__, "iommu_start: %s", why);
	mt_up(m);
	REQUIRE(dma_alloc(m->d.bdf, 4096, &page) == RC_OK);
	REQUIRE(dma_alloc_flags(m->d.bdf, 4096, DMA_UNMAPPED, &dst) == RC_OK);
	memset(page->cpu, 0x5a, 4096);
	/* Wrong: the copy judged at its DD, the fault log read only then. */
	idx = mt_post(m, page->bus, adv_data(256), 256u << IGB_ADVTXD_PAYLEN_SHIFT, dst->bus);
	REQUIRE(mt_rx_done(m, idx, 20000));
	CHECK_EQ(iommu_fault_pending(m->d.bdf), !silicon(m));
	mt_wait_us(100);
	REQUIRE(iommu_fault_take(m->d.bdf, &f)); /* it was a fault all along */
	CHECK(!f.read);
	CHECK_EQ(f.addr, dst->bus);
	/* the driver looks for it after DD, within its settle */
	igb_copy_put_headers(&m->drv, page->cpu, 256);
	REQUIRE(igb_ops.memcpy_start(&m->drv, page->cpu, dst->cpu, 256, 1) == RC_OK);
	CHECK_EQ(igb_ops.memcpy_wait(&m->drv), RC_EIO);
	CHECK(m->drv.seen.faulted);
	CHECK(!m->drv.seen.fault.read);
	CHECK_EQ(m->drv.seen.fault.addr, dst->bus);
	igb_ops.remove(&m->drv);
	iommu_stop();
}

TEST(silicon_neg_write_fault_after_dd)
{
	each(write_fault_after_dd);
}

/* ---- port 1 of a dual-port card: the NVM MAC with the LAN ID applied --- */

static void port1_mac(struct mt *m)
{
	struct igb_nvm_mac nm;
	uint32_t ral, rah;
	uint16_t w[3];

	if (silicon(m))
		model_set_lan(m->g, 1); /* QEMU's igb is always LAN 0 */
	mt_up(m);
	ral = mt_rd(m, IGB_RAL(0));
	rah = mt_rd(m, IGB_RAH(0));
	/* Wrong: the old check, RAR0 against NVM words 0-2 as they stand. */
	for (uint16_t i = 0; i < 3; i++)
		REQUIRE(igb_nvm_read(&m->d, i, &w[i]) == RC_OK);
	CHECK_EQ(ral == (w[0] | (uint32_t)w[1] << 16) && (rah & 0xffff) == w[2], !silicon(m));
	/* the driver's: the LAN ID from STATUS.FUNC_ID applied */
	REQUIRE(igb_read_nvm_mac(&m->d, &nm) == RC_OK);
	CHECK_EQ(nm.lan, silicon(m) ? 1 : 0);
	CHECK_EQ(ral, nm.dflt[0] | nm.dflt[1] << 8 | nm.dflt[2] << 16 | (uint32_t)nm.dflt[3] << 24);
	CHECK_EQ(rah & 0xffff, nm.dflt[4] | nm.dflt[5] << 8);
	CHECK_EQ(model_violations(m->g), 0);
}

TEST(silicon_neg_port1_mac)
{
	each(port1_mac);
}

/* ---- a SerDes port has no copper PHY; it loops back in its SerDes ------ */

static void copper_steps_on_serdes(struct mt *m)
{
	uint32_t forced = IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX | IGB_CTRL_SLU;
	bool auto_rd;
	uint16_t id;

	if (silicon(m))
		model_set_serdes(m->g, IGB_CTRL_EXT_LINK_MODE_PCIE_SERDES); /* QEMU's igb is copper only */
	/* the driver's: SerDes loopback as Linux igb_setup_loopback_test,
	 * no MDIC at all */
	mt_up(m);
	CHECK_EQ(igb_link_mode(&m->d), silicon(m) ? IGB_CTRL_EXT_LINK_MODE_PCIE_SERDES : 0);
	CHECK_EQ(mt_copy(m, 1500), RC_OK);
	CHECK_EQ(model_violations(m->g), 0);
	/* SerDes loopback outlives CTRL.RST (igb_setup_serdes_link_82575):
	 * the driver's remove turns it off before the reset */
	CHECK_EQ(igb_reset(&m->d, &auto_rd), RC_OK);
	CHECK_EQ(m->g->serdes_loopback, silicon(m));
	igb_ops.remove(&m->drv);
	CHECK(!m->g->serdes_loopback);
	CHECK_EQ(model_violations(m->g), 0);
	/* Wrong: the old bring-up, the copper PHY's loopback and a forced
	 * copper link, and a PHY ID read. */
	mt_up(m);
	mt_wr(m, IGB_SCTL, IGB_SCTL_DISABLE_SERDES_LOOPBACK);
	CHECK_EQ(igb_phy_read(&m->d, IGB_PHY_ID1, &id), silicon(m) ? RC_EIO : RC_OK);
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_LOOPBACK | IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX) == RC_OK);
	mt_wr(m, IGB_CTRL, mt_rd(m, IGB_CTRL) | forced);
	mt_wait_us(600000); /* the PHY settle, were there a PHY */
	CHECK_EQ(mt_copy(m, 1500), silicon(m) ? RC_ETIMEDOUT : RC_OK);
	CHECK_EQ(m->g->violations[MV_MDIC_NO_PHY], silicon(m) ? 2 : 0);
}

TEST(silicon_neg_copper_steps_on_serdes)
{
	each(copper_steps_on_serdes);
}

/* ---- PHY access under the SW_FW_SYNC semaphore (igb_acquire_phy_82575) - */

static void mdic_without_semaphore(struct mt *m)
{
	uint32_t *regs = m->p.bar0->regs; /* read past the model: no side effects */
	uint64_t fw_until_us = m->g->fw_phy_until_ns / 1000;
	uint16_t id1;

	/* Wrong: the old PHY access, straight to MDIC, at power-on while the
	 * manageability firmware still holds the PHY. */
	mt_wr(m, IGB_MDIC, ((uint32_t)IGB_PHY_ID1 << IGB_MDIC_REG_SHIFT) |
			   ((uint32_t)IGB_PHY_ADDR << IGB_MDIC_PHY_SHIFT) | IGB_MDIC_OP_READ);
	mt_wait_us(100);
	CHECK_EQ(m->g->violations[MV_PHY_NO_SEMAPHORE], silicon(m) ? 1 : 0);
	/* the driver's access waits for the firmware's bit to clear, holds
	 * its own around MDIC and gives both semaphores back */
	CHECK_EQ(igb_phy_read(&m->d, IGB_PHY_ID1, &id1), RC_OK);
	CHECK_EQ(id1, MODEL_PHY_ID1);
	CHECK_EQ(m->g->violations[MV_PHY_NO_SEMAPHORE], silicon(m) ? 1 : 0);
	CHECK(!silicon(m) || fake_now_us() >= fw_until_us);
	CHECK_EQ(regs[IGB_SW_FW_SYNC / 4] & IGB_SWFW_PHY0_SM, 0);
	CHECK_EQ(regs[IGB_SWSM / 4] & (IGB_SWSM_SMBI | IGB_SWSM_SWESMBI), 0);
	/* init, the copy and remove touch the PHY only that way */
	mt_up(m);
	CHECK_EQ(mt_copy(m, 4096), RC_OK);
	igb_ops.remove(&m->drv);
	CHECK_EQ(m->g->violations[MV_PHY_NO_SEMAPHORE], silicon(m) ? 1 : 0);
	CHECK_EQ(regs[IGB_SW_FW_SYNC / 4], 0);
}

TEST(silicon_neg_mdic_without_semaphore)
{
	each(mdic_without_semaphore);
}

/* A PHY semaphore other software never gives back: the driver's wait is
 * bounded (Linux's 200 tries of 5 ms) and says so; no MDIC goes out. */
TEST(phy_semaphore_held_elsewhere_is_bounded)
{
	static struct mt m;
	uint64_t t0;
	uint16_t v;

	mt_open(&m, MODEL_SILICON);
	mt_wait_us(30000); /* past the firmware's own hold */
	m.p.bar0->regs[IGB_SW_FW_SYNC / 4] = IGB_SWFW_PHY0_SM;
	t0 = fake_now_us();
	CHECK_EQ(igb_phy_read(&m.d, IGB_PHY_ID1, &v), RC_ETIMEDOUT);
	CHECK(fake_now_us() - t0 >= 1000000 && fake_now_us() - t0 < 1100000);
	CHECK_EQ(m.g->violations[MV_PHY_NO_SEMAPHORE], 0);
	CHECK_EQ(m.p.bar0->regs[IGB_SW_FW_SYNC / 4], IGB_SWFW_PHY0_SM);
}

/* ---- no PHY reset or loopback while MANC blocks it (igb_check_reset_block) */

static void phy_reset_while_blocked(struct mt *m)
{
	model_mng_session(m->g, true);
	/* Wrong: the old init, straight into PHY loopback whatever the
	 * firmware's session. */
	mt_wait_us(30000);
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_LOOPBACK | IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX) == RC_OK);
	CHECK_EQ(m->g->violations[MV_PHY_RESET_BLOCKED], silicon(m) ? 1 : 0);
	/* the driver's init refuses before touching the device */
	unsigned resets = m->g->resets;
	CHECK_EQ(igb_ops.init(&m->drv, &m->d), RC_EACCES);
	CHECK(strstr(m->drv.seen.last_error, "MANC.BLK_PHY_RST_ON_IDE"));
	CHECK_EQ(m->g->resets, resets);
	CHECK_EQ(m->g->violations[MV_PHY_RESET_BLOCKED], silicon(m) ? 1 : 0);
	/* the session over, it comes up */
	model_mng_session(m->g, false);
	mt_up(m);
	CHECK_EQ(mt_copy(m, 4096), RC_OK);
}

TEST(silicon_neg_phy_reset_while_blocked)
{
	each(phy_reset_while_blocked);
}

/* ---- the PHY given back as an OS expects it (igb_loopback_cleanup) ------ */

static void phy_left_in_loopback(struct mt *m)
{
	bool auto_rd;

	mt_up(m);
	CHECK_EQ(mt_copy(m, 4096), RC_OK);
	/* Wrong: the old remove, loopback off by one BMCR write with no PHY
	 * reset, then CTRL.RST and bus mastering off. */
	REQUIRE(igb_phy_write(&m->d, IGB_PHY_BMCR, IGB_BMCR_AUTONEG_EN | IGB_BMCR_SPEED_1000 |
					     IGB_BMCR_FULL_DUPLEX) == RC_OK);
	CHECK_EQ(igb_reset(&m->d, &auto_rd), RC_OK);
	CHECK_EQ(plat_pci_disable(m->d.bdf, PLAT_PCI_MASTER), RC_OK);
	CHECK_EQ(m->g->violations[MV_PHY_LEFT_LOOPBACK], silicon(m) ? 1 : 0);
	/* the driver's remove leaves loopback off, the PHY reset, autoneg
	 * on and the MAC unforced */
	mt_up(m);
	igb_ops.remove(&m->drv);
	CHECK_EQ(m->g->violations[MV_PHY_LEFT_LOOPBACK], silicon(m) ? 1 : 0);
	CHECK(!m->g->phy_looped);
	CHECK_EQ(m->g->phy[IGB_PHY_BMCR] & (IGB_BMCR_LOOPBACK | IGB_BMCR_AUTONEG_EN),
		 IGB_BMCR_AUTONEG_EN);
	CHECK_EQ(mt_rd(m, IGB_CTRL) & (IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX), 0);
	/* ... and so does an init that fails after entering loopback (its RX
	 * queue never reads enabled) ... */
	model_inject_with(m->g, MODEL_FAULT_REG_STUCK,
			  &(struct model_injection){ .reg = IGB_RXDCTL(0),
						     .stuck_mask = IGB_XDCTL_QUEUE_ENABLE });
	CHECK(igb_ops.init(&m->drv, &m->d) != RC_OK);
	CHECK_EQ(m->g->violations[MV_PHY_LEFT_LOOPBACK], silicon(m) ? 1 : 0);
	CHECK(!m->g->phy_looped);
	CHECK_EQ(m->g->phy[IGB_PHY_BMCR] & IGB_BMCR_LOOPBACK, 0);
	model_inject_clear(m->g);
	/* ... and the remove after a link that never came up: init only arms
	 * the settle, the wait before the first frame is what fails */
	model_inject(m->g, MODEL_FAULT_LINK_NEVER_UP);
	REQUIRE(igb_ops.init(&m->drv, &m->d) == RC_OK);
	CHECK(igb_link_settle(&m->drv) != RC_OK);
	igb_ops.remove(&m->drv);
	CHECK_EQ(m->g->violations[MV_PHY_LEFT_LOOPBACK], silicon(m) ? 1 : 0);
	CHECK(!m->g->phy_looped);
	CHECK_EQ(m->g->phy[IGB_PHY_BMCR] & IGB_BMCR_LOOPBACK, 0);
}

TEST(silicon_neg_phy_left_in_loopback)
{
	each(phy_left_in_loopback);
}

/* ---- a frame's header is the driver's, not the source's bytes --------- */

/* The first bytes of the frame a large memcpy_storm lost on QEMU (copy 78,
 * frame 2491: pattern seed 0x5eed0000 + 2 * 77 at 64 + 2491 * 9000):
 * IPv4-typed with IHL 0. */
static const uint8_t storm_lost[16] = { 0xb5, 0xb8, 0x7c, 0xa3, 0x4e, 0x86, 0xc8, 0x19,
					0x18, 0xbb, 0xfe, 0x81, 0x08, 0x00, 0x00, 0xb8 };
/* A PAUSE frame's: 01-80-C2-00-00-01, a source, 0x8808, opcode 1. */
static const uint8_t pause_head[16] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x01, 0x02, 0x00,
					0x00, 0x00, 0x00, 0x01, 0x88, 0x08, 0x00, 0x01 };

/* One 256-byte frame of the source's own bytes, head first, as the driver
 * sent copies before igb_copy_hdr; whether it arrived. */
static bool raw_frame_arrives(struct mt *m, const uint8_t *head)
{
	unsigned idx;

	igb_ops.remove(&m->drv);
	mt_up(m); /* fresh rings: a lost frame leaves the RX ring a frame short */
	for (unsigned i = 0; i < 256; i++)
		m->src[i] = (uint8_t)(i * 7 + 1);
	memcpy(m->src, head, 16);
	idx = mt_post(m, bus(m->src), adv_data(256), 256u << IGB_ADVTXD_PAYLEN_SHIFT,
		      bus(m->dst));
	return mt_rx_done(m, idx, 20000) && !memcmp(m->src, m->dst, 256);
}

static void source_bytes_as_header(struct mt *m)
{
	uint64_t unparsed, dropped;
	size_t n = 2 * IGB_MAX_FRAME;

	mt_up(m);
	/* Wrong: the source's bytes as the header. Silicon's MAC takes a
	 * PAUSE frame for flow control; QEMU has none and passes it. */
	dropped = m->g->rx_drop_filter;
	CHECK_EQ(raw_frame_arrives(m, pause_head), !silicon(m));
	CHECK_EQ(m->g->rx_drop_filter - dropped, silicon(m) ? 1 : 0);
	/* The storm's frame: QEMU's TX parser drops it (DD all the same);
	 * silicon parses nothing it offloads nothing for, and sends it. */
	unparsed = m->g->frames_unparsed;
	CHECK_EQ(raw_frame_arrives(m, storm_lost), silicon(m));
	CHECK_EQ(m->g->frames_unparsed - unparsed, silicon(m) ? 0 : 1);
	CHECK_EQ(mt_rd(m, IGB_TDH(m->drv.tx.queue)), m->drv.tx.tail);
	/* Right: the driver's header on every frame; those bytes are payload
	 * now and arrive on both. */
	igb_ops.remove(&m->drv);
	mt_up(m);
	for (size_t i = 0; i < n; i++)
		m->src[i] = (uint8_t)(i * 11 + 3);
	memcpy(m->src + IGB_COPY_HDR_LEN, pause_head, sizeof(pause_head));
	memcpy(m->src + IGB_MAX_FRAME + IGB_COPY_HDR_LEN, storm_lost, sizeof(storm_lost));
	igb_copy_put_headers(&m->drv, m->src, n);
	dropped = m->g->rx_drop_filter;
	unparsed = m->g->frames_unparsed;
	REQUIRE(igb_ops.memcpy_start(&m->drv, m->src, m->dst, n, 1) == RC_OK);
	CHECK_EQ(igb_ops.memcpy_wait(&m->drv), RC_OK);
	CHECK(!memcmp(m->src, m->dst, n));
	CHECK_EQ(m->g->rx_drop_filter, dropped);
	CHECK_EQ(m->g->frames_unparsed, unparsed);
}

TEST(silicon_neg_source_bytes_as_header)
{
	each(source_bytes_as_header);
}
