/*
 * link.c - a real link: autonegotiation with a partner through the PHY,
 * magnetics and connector, as `ethtool -t` checks it (Linux igb_link_test).
 */
#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "suite/suite.h"
#include "wait_bound.h"

/* After the link comes up it must stay up this long: a partner that goes
 * away, or a link that flaps, fails here. Our figure. */
#define LINK_HOLD_US	500000
#define LINK_HOLD_POLL_US 10000

/* The best mode both ends advertise (IEEE 802.3 Annex 28B.3 priority):
 * Mb/s and full duplex. 0 when the partner advertised nothing we know. */
static unsigned common_mode(const struct igb_autoneg *an, bool *fd)
{
	*fd = true;
	if (an->stat1000 & IGB_1000T_STAT_LP_FD)
		return 1000;
	if (an->stat1000 & IGB_1000T_STAT_LP_HD)
		return *fd = false, 1000;
	if (an->lpa & IGB_ANAR_100_FD)
		return 100;
	if (an->lpa & IGB_ANAR_100_HD)
		return *fd = false, 100;
	if (an->lpa & IGB_ANAR_10_FD)
		return 10;
	if (an->lpa & IGB_ANAR_10_HD)
		return *fd = false, 10;
	return 0;
}

struct lu_wait {
	struct igb_dev *d;
	uint32_t status;
};

static bool link_lost(void *ctx)
{
	struct lu_wait *w = ctx;

	w->status = igb_rd32(w->d, IGB_STATUS);
	return !(w->status & IGB_STATUS_LU);
}

static enum ktap_result case_link_partner(struct igb_dev *d, struct test_run *t)
{
	struct igb_autoneg an;
	struct lu_wait w = { d, 0 };
	unsigned speed, want;
	bool fd, want_fd;
	int rc;

	igb_ops.remove(t->drv); /* out of loopback: the PHY faces the cable */
	rc = igb_autoneg_link(d, &an);
	if (rc == RC_ENOTSUP)
		SKIP(t, "the port's link is %s (CTRL_EXT.LINK_MODE), not the internal copper "
		     "PHY whose autonegotiation this case drives",
		     igb_link_mode_name(igb_link_mode(d)));
	if (rc == RC_ETIMEDOUT && !an.an_done)
		SKIP(t, "no link partner: autonegotiation did not complete within %llu ms "
		     "(BMSR 0x%04x, STATUS 0x%08x)", (unsigned long long)an.took_us / 1000,
		     an.bmsr, an.status);
	ASSERT(t, rc != RC_ETIMEDOUT, "autonegotiation completed (partner advertises 0x%04x, "
	       "1000BASE-T 0x%04x) but no link within %llu ms (BMSR 0x%04x, STATUS 0x%08x)",
	       an.lpa, an.stat1000, (unsigned long long)an.took_us / 1000, an.bmsr, an.status);
	ASSERT_OK(t, rc, "PHY access");
	speed = igb_status_speed(an.status);
	fd = an.status & IGB_STATUS_FD;
	want = common_mode(&an, &want_fd);
	ASSERT(t, !want || (speed == want && fd == want_fd), "negotiated %u Mb/s %s duplex; "
	       "both ends advertise %u Mb/s %s duplex (partner 0x%04x, 1000BASE-T 0x%04x)",
	       speed, fd ? "full" : "half", want, want_fd ? "full" : "half", an.lpa,
	       an.stat1000);
	ASSERT(t, !wait_until(link_lost, &w, LINK_HOLD_US, LINK_HOLD_POLL_US),
	       "the link went down within %u ms of coming up (STATUS 0x%08x)",
	       LINK_HOLD_US / 1000, w.status);
	ktap_diag("%s: link up %llu ms after the autonegotiation restart: %u Mb/s %s duplex; "
		  "partner advertises 0x%04x, 1000BASE-T status 0x%04x%s", t->name,
		  (unsigned long long)an.took_us / 1000, speed, fd ? "full" : "half", an.lpa,
		  an.stat1000, want ? "" : " (no abilities to compare)");
	test_measure(t, "autoneg", an.took_us / 1000, "ms");
	return KTAP_PASS;
}

static const struct igb_test cases[] = {
	IGB_CASE(link_partner, NEEDS_BAR0, MODES_ANY,
		 "autonegotiation with a link partner through the cable completes at the "
		 "best common speed within 5 s and holds; skips with no partner"),
};
IGB_GROUP(link, "a link with a partner", cases);
