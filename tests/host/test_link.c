/*
 * test_link.c - a link with a partner (igb_autoneg_*, link_partner) on
 * the 82576 model: silicon's cable links at 1000/full after its
 * autonegotiation time; unplugged, the case skips naming the missing
 * partner within the 5 s bound; a completed autonegotiation without a MAC
 * link fails. QEMU's personality finds a partner whatever is attached.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "igbtest.h"
#include "ktap_parse.h"
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
	igb_autoneg_abilities(&m.d, an);
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

/* A link the PHY negotiated before the run, on everything the driver
 * advertises: link_partner and then status_sane, as a quick run orders
 * them. */
static enum ktap_result run_link_before(uint16_t adv, uint16_t adv1000)
{
	unsigned seq[2] = { mt_case_index("link_partner"), mt_case_index("status_sane") };
	enum ktap_result out[2];

	mt_open(&m, MODEL_SILICON);
	model_link_before(m.g, adv, adv1000);
	mt_capture_ktap();
	REQUIRE(suite_run_sequence(m.d.fn, seq, 2, out) == RC_OK);
	CHECK_EQ(out[1], KTAP_PASS);
	CHECK_EQ(model_violations(m.g), 0);
	return out[0];
}

/* Taken as it is (Linux igb_diag_test tests the link before any reset):
 * no restart, only the hold; nothing the pass did drops the link, so
 * status_sane after it reads it up. */
TEST(link_partner_takes_a_link_already_up)
{
	CHECK_EQ(run_link_before(IGB_AUTONEG_ADV, IGB_AUTONEG_ADV_1000), KTAP_PASS);
	CHECK_EQ(m.g->an_restarts, 0);
	CHECK(fake_output_contains("link_partner: link already up, autonegotiated on "
				   "everything we advertise (0x01e1, 1000BASE-T control "
				   "0x0200): 1000 Mb/s full duplex"));
	/* the hold and the MDIO reads, the CPU idle throughout */
	CHECK(fake_output_contains("link_partner took 520 ms, the CPU idle 520 ms"));
	CHECK(fake_output_contains("link_partner.autoneg pass 0 ms"));
	CHECK(fake_output_contains("(link up)"));
}

/* Wrong: trusting a link negotiated on a restricted advertisement (an
 * earlier OS's `ethtool -s advertise`, here 100 Mb/s only). On silicon it
 * is the best mode of what was advertised, 100/full, and says nothing of
 * the port's 1000 Mb/s; QEMU links at 1000 whatever ANAR says. The driver
 * does not take it: it advertises everything, restarts, and gets 1000. */
static void restricted_link_taken(enum model_personality pers)
{
	uint16_t adv = IGB_ANAR_SELECTOR_8023 | IGB_ANAR_100_HD | IGB_ANAR_100_FD;
	struct igb_autoneg an = { 0 };
	uint64_t t0;
	bool taken;

	mt_open(&m, pers);
	if (pers == MODEL_SILICON) {
		model_link_before(m.g, adv, 0);
	} else {
		REQUIRE(igb_phy_write(&m.d, IGB_PHY_ANAR, adv) == RC_OK);
		REQUIRE(igb_phy_write(&m.d, IGB_PHY_1000T_CTRL, 0) == RC_OK);
		REQUIRE(igb_phy_write(&m.d, IGB_PHY_BMCR,
				      IGB_BMCR_AUTONEG_EN | IGB_BMCR_RESTART_AN) == RC_OK);
		mt_wait_us(600000);
	}
	REQUIRE(igb_autoneg_poll(&m.d, &an)); /* up: taken as it is, ... */
	CHECK_EQ(igb_status_speed(an.status), pers == MODEL_SILICON ? 100 : 1000);
	REQUIRE(igb_autoneg_start(&m.d, &taken) == RC_OK); /* ... or the driver's way */
	CHECK(!taken);
	t0 = fake_now_us();
	while (!igb_autoneg_poll(&m.d, &an) && fake_now_us() - t0 < IGB_AUTONEG_TIMEOUT_US)
		mt_wait_us(IGB_AUTONEG_POLL_US);
	CHECK_EQ(igb_status_speed(an.status), 1000);
	CHECK_EQ(m.g->an_restarts, pers == MODEL_SILICON ? 1 : 2);
}

TEST(silicon_neg_link_taken_on_restricted_advertisement)
{
	restricted_link_taken(MODEL_QEMU);
	fake_reset();
	restricted_link_taken(MODEL_SILICON);
}

/* The same in a run: link_partner restarts and reports 1000/full. */
TEST(link_partner_restarts_on_a_restricted_advertisement)
{
	CHECK_EQ(run_link_before(IGB_ANAR_SELECTOR_8023 | IGB_ANAR_100_HD | IGB_ANAR_100_FD, 0),
		 KTAP_PASS);
	CHECK_EQ(m.g->an_restarts, 1);
	CHECK(fake_output_contains("link_partner: link up 3"));
	CHECK(fake_output_contains("ms after the autonegotiation restart: 1000 Mb/s full "
				   "duplex"));
}

/* The mode a taken link has is judged from both ends' abilities: a MAC
 * that shows less than the best common mode (STATUS says 100 Mb/s) fails
 * the case, whoever negotiated the link. */
TEST(link_partner_fails_a_taken_link_below_the_best_mode)
{
	unsigned seq[1] = { mt_case_index("link_partner") };
	enum ktap_result out[1];
	struct model_injection how = { .reg = IGB_STATUS,
				       .stuck_mask = IGB_STATUS_SPEED_1000 | IGB_STATUS_SPEED_100,
				       .stuck_value = IGB_STATUS_SPEED_100 };

	mt_open(&m, MODEL_SILICON);
	model_link_before(m.g, IGB_AUTONEG_ADV, IGB_AUTONEG_ADV_1000);
	model_inject_with(m.g, MODEL_FAULT_REG_STUCK, &how);
	mt_capture_ktap();
	REQUIRE(suite_run_sequence(m.d.fn, seq, 1, out) == RC_OK);
	CHECK_EQ(out[0], KTAP_FAIL);
	CHECK(fake_output_contains("negotiated 100 Mb/s full duplex; both ends advertise "
				   "1000 Mb/s full duplex (ours 0x01e1, 1000BASE-T 0x0200"));
}

/* The first line with prefix in it, the number right after it (or ~0). */
static unsigned long number_after(const char *prefix)
{
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *at = strstr(fake_output_line(i), prefix);
		if (at)
			return strtoul(at + strlen(prefix), NULL, 10);
	}
	return ~0ul;
}

/*
 * The head start: with only the link to drive in its pass, the run
 * restarts autonegotiation as soon as it has the port and its PCIe
 * errors are recorded, and the pass takes that restart: one in the run.
 * On silicon the header's NVM reads take time, and the autonegotiation
 * ran during them: the pass (the case's time) is shorter than the
 * autonegotiation and the hold. Wrong, and failing here: a restart at
 * the pass (no head start), or a second one there.
 */
static void head_start(enum model_personality pers)
{
	static struct kp_doc doc;
	struct fake_82576 p;
	unsigned long up, took;

	fake_host_bridge_add(0, 0, 0);
	p = fake_82576_add_as(0, 1, 0, 0xfebc0000u, pers);
	mt_capture_ktap();
	CHECK_EQ(mt_run(&doc, "--iommu=off --only=link_partner"), IGBTEST_EXIT_PASS);
	CHECK_EQ(p.model->an_restarts, 1);
	CHECK_EQ(model_violations(p.model), 0);
	up = number_after("link_partner: link up ");
	took = number_after("link_partner took ");
	CHECK(up != ~0ul && took != ~0ul);
	if (pers == MODEL_SILICON)
		CHECK(took < up + 500);
}

TEST(link_partner_autonegotiates_from_the_claim)
{
	head_start(MODEL_SILICON);
	fake_reset();
	head_start(MODEL_QEMU);
}

/* A lab's serial console: the header's device line takes 300 ms. */
static void slow_console(const char *line, void *ctx)
{
	(void)ctx;
	if (strstr(line, "# device: "))
		plat_udelay(300000);
}

/*
 * The pass's bound counts from each port's restart, a head start's too
 * (Linux igb_link_test() gives a link 5 s; the README promises them from
 * the restart). With the header taking 300 ms after the head start, a
 * partner that links 5.15 s after the restart comes 4.85 s into the pass:
 * no link within the bound, not tested, never a pass. Wrong, and failing
 * here: the 5 s counted from the pass ("link up 5170 ms after the
 * autonegotiation restart", a pass).
 */
TEST(link_partner_bound_counts_from_the_head_start)
{
	static struct kp_doc doc;
	struct fake_82576 p;
	unsigned long within;

	fake_host_bridge_add(0, 0, 0);
	p = fake_82576_add_as(0, 1, 0, 0xfebc0000u, MODEL_SILICON);
	p.model->autoneg_ns = (IGB_AUTONEG_TIMEOUT_US + 150000) * 1000ull;
	fake_on_output(slow_console, NULL);
	mt_capture_ktap();
	CHECK_EQ(mt_run(&doc, "--iommu=off --only=link_partner"), IGBTEST_EXIT_ERROR);
	CHECK_EQ(p.model->an_restarts, 1);
	CHECK(!fake_output_contains("link_partner: link up "));
	within = number_after("no link partner: autonegotiation did not complete within ");
	CHECK(within >= IGB_AUTONEG_TIMEOUT_US / 1000 && within < IGB_AUTONEG_TIMEOUT_US / 1000 + 150);
}
