/*
 * test_link.c - a link with a partner (igb_autoneg_*, link_partner) on
 * the 82576 model: silicon's cable links at 1000/full after its
 * autonegotiation time; unplugged, the case skips naming the missing
 * partner within the 5 s bound; a completed autonegotiation without a MAC
 * link fails. QEMU's personality finds a partner whatever is attached.
 */
#include <string.h>

#include "harness.h"
#include "igb/igb_regs.h"
#include "model_test.h"
#include "suite/suite.h"

static struct mt m;

static struct igb_drv drv;

/* The driver's way to a partner: wire-mode init (igb_autoneg_start), then
 * igb_autoneg_poll until the link or IGB_AUTONEG_TIMEOUT_US; the driver
 * stays up (igb_ops.remove(&drv) after). */
static bool autoneg(struct igb_autoneg *an)
{
	uint64_t t0;
	bool up;

	drv = (struct igb_drv){ .cfg.wire = true };
	REQUIRE(igb_ops.init(&drv, &m.d) == RC_OK);
	t0 = fake_now_us();
	while (!(up = igb_autoneg_poll(&m.d, an)) &&
	       fake_now_us() - t0 < IGB_AUTONEG_TIMEOUT_US)
		mt_wait_us(IGB_AUTONEG_POLL_US);
	an->took_us = fake_now_us() - t0;
	igb_autoneg_partner(&m.d, an);
	return up;
}

TEST(autoneg_link_with_partner_silicon)
{
	struct igb_autoneg an;

	mt_open(&m, MODEL_SILICON);
	CHECK(autoneg(&an));
	CHECK(an.took_us >= 2900000 && an.took_us < IGB_AUTONEG_TIMEOUT_US);
	CHECK_EQ(igb_status_speed(an.status), 1000);
	CHECK(an.status & IGB_STATUS_FD);
	CHECK_EQ(an.lpa, 0x41e1);
	CHECK_EQ(an.stat1000, 0x3c00);
	/* the MAC link is the PHY's, not forced */
	CHECK_EQ(mt_rd(&m, IGB_CTRL) & (IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX), 0);
	igb_ops.remove(&drv);
	CHECK_EQ(model_violations(m.g), 0);
}

TEST(autoneg_link_unplugged_is_bounded)
{
	struct igb_autoneg an;

	mt_open(&m, MODEL_SILICON);
	m.g->unplugged = true;
	CHECK(!autoneg(&an));
	CHECK(!an.an_done);
	CHECK(an.took_us < IGB_AUTONEG_TIMEOUT_US + 100000);
	igb_ops.remove(&drv);
}

static enum ktap_result run_link_partner(enum model_personality pers, bool unplugged)
{
	unsigned seq[2] = { mt_case_index("link_loopback_up"), mt_case_index("link_partner") };
	enum ktap_result out[2];

	mt_open(&m, pers);
	m.g->unplugged = unplugged;
	mt_capture_ktap();
	REQUIRE(suite_run_sequence(m.d.fn, seq, 2, out) == RC_OK);
	CHECK_EQ(out[0], KTAP_PASS);
	CHECK_EQ(model_violations(m.g), 0);
	return out[1];
}

TEST(link_partner_passes_with_a_cable)
{
	CHECK_EQ(run_link_partner(MODEL_SILICON, false), KTAP_PASS);
	CHECK(fake_output_contains("link_partner: link up 3"));
	fake_reset();
	/* QEMU: a partner whatever is attached */
	CHECK_EQ(run_link_partner(MODEL_QEMU, true), KTAP_PASS);
	CHECK(fake_output_contains("partner advertises 0x47e0"));
}

TEST(link_partner_skips_without_a_partner)
{
	CHECK_EQ(run_link_partner(MODEL_SILICON, true), KTAP_SKIP);
	CHECK(fake_output_contains("# SKIP no link partner: autonegotiation did not "
				   "complete within 50"));
}

/* The partner goes away 100 ms after the link came up: the hold sees it. */
TEST(link_partner_fails_when_the_partner_goes)
{
	unsigned seq[1] = { mt_case_index("link_partner") };
	enum ktap_result out[1];

	mt_open(&m, MODEL_SILICON);
	/* autonegotiation restarts a little after now; link 3 s later */
	m.g->unplug_at_ns = fake_now_us() * 1000 + 3200000000ull;
	mt_capture_ktap();
	REQUIRE(suite_run_sequence(m.d.fn, seq, 1, out) == RC_OK);
	CHECK_EQ(out[0], KTAP_FAIL);
	CHECK(fake_output_contains("the link went down within 500 ms of coming up"));
}

/* Wrong: a forced MAC link (the loopback set-up) taken as a partner. On
 * silicon it is up with no cable at all and the PHY has negotiated
 * nothing; QEMU shows a completed autonegotiation either way. */
static void forced_link_taken_for_partner(enum model_personality pers)
{
	uint16_t bmsr = 0;

	mt_open(&m, pers);
	m.g->unplugged = true;
	mt_up(&m);
	CHECK(mt_rd(&m, IGB_STATUS) & IGB_STATUS_LU);
	REQUIRE(igb_phy_read(&m.d, IGB_PHY_BMSR, &bmsr) == RC_OK);
	CHECK_EQ(!!(bmsr & IGB_BMSR_AN_DONE), pers == MODEL_QEMU);
	igb_ops.remove(&m.drv);
}

TEST(silicon_neg_forced_link_taken_for_partner)
{
	forced_link_taken_for_partner(MODEL_QEMU);
	fake_reset();
	forced_link_taken_for_partner(MODEL_SILICON);
}
