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

static enum ktap_result not_copper(struct igb_dev *d, struct test_run *t)
{
	return test_skip(t, "the port's link is %s (CTRL_EXT.LINK_MODE), not the internal "
			 "copper PHY whose autonegotiation this case drives",
			 igb_link_mode_name(igb_link_mode(d)));
}

static enum ktap_result no_partner(struct test_run *t, const char *pre,
				   const struct igb_autoneg *an)
{
	return test_skip(t, "%sno link partner: autonegotiation did not complete within "
			 "%llu ms (BMSR 0x%04x, STATUS 0x%08x)", pre,
			 (unsigned long long)an->took_us / 1000, an->bmsr, an->status);
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
		return not_copper(d, t);
	if (rc == RC_ETIMEDOUT && !an.an_done)
		return no_partner(t, "", &an);
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

/* ---- port_pair: a cable between two ports under test ------------------- */

/*
 * Which ports are cabled to each other is found, never assumed: every port
 * that gets a link sends a probe saying who sent it, and two ports that
 * hear each other and no other are a pair. A probe goes to the nearest-
 * bridge group address 01-80-C2-00-00-0E, which no IEEE 802.1Q bridge
 * forwards (8.6.3, Table 8-1): it crosses one cable, never a switch. All
 * frames are IEEE 802 Local Experimental EtherType 1 (0x88B5), with a
 * magic and a nonce, so a frame from anyone else, or from an earlier look,
 * is told apart and counted, never taken for ours.
 */
#define PAIR_ETHERTYPE	0x88b5
#define PAIR_MAGIC	0x69676250u /* "igbP" */
#define PAIR_HDR	28 /* Ethernet header, magic, nonce, kind, sender, seq */
enum { PAIR_PROBE, PAIR_DATA };
static const uint8_t pair_group[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
/* Frames each way, their sizes in turn: the smallest and largest standard
 * frames (no jumbo: the cable's far end need not take one), and between. */
#define PAIR_FRAMES	128
static const uint16_t pair_sizes[] = { 60, 1514, 1000, 61, 777, 1513 };
#define PAIR_SIZE(seq) pair_sizes[(seq) % (sizeof(pair_sizes) / sizeof(pair_sizes[0]))]
/* What a port may hear while probing: its partner's probe, and traffic of
 * a switch or host at the far end. */
#define PAIR_PROBE_SLOTS 32
/* A probe is 0.7 us on the wire at 1 Gb/s, its DMA microseconds: 50 ms
 * is thousands of times that. Ours. */
#define PAIR_PROBE_US	50000
/* 128 frames of up to 1514 bytes are 1.6 ms at 1 Gb/s each way (both ways
 * at once on a full-duplex link): 100 ms bounds them. Ours. */
#define PAIR_TRAFFIC_US	100000
#define PAIR_POLL_US	100

struct pair_port {
	struct igb_dev *d;
	struct igb_drv drv;
	struct dma_buf *mem;    /* TX frames, then RX slots */
	uint8_t mac[6];         /* RAL0/RAH0: the frames' source */
	struct igb_autoneg an;
	int rc;                 /* bringing it up */
	bool linked;
	uint32_t heard;         /* ports whose probe it received (bit i: port i) */
	unsigned foreign;       /* other frames received */
};

/* The ports of this run and what the probes found, once per round. */
static struct {
	unsigned round; /* suite_round_id() it holds for */
	unsigned n;
	struct pair_port p[SUITE_MAX_DEVICES];
} pairs;

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Frame seq of kind from port `from` (index) to dst: the header, then
 * bytes that differ by position, frame, sender and nonce. */
static void pair_frame(uint8_t *f, unsigned len, const uint8_t *dst, const struct pair_port *src,
		       uint32_t nonce, unsigned kind, unsigned from, uint32_t seq)
{
	for (unsigned i = 0; i < 6; i++)
		f[i] = dst[i], f[6 + i] = src->mac[i];
	f[12] = PAIR_ETHERTYPE >> 8, f[13] = PAIR_ETHERTYPE & 0xff;
	be32(f + 14, PAIR_MAGIC);
	be32(f + 18, nonce);
	f[22] = (uint8_t)kind, f[23] = (uint8_t)from;
	be32(f + 24, seq);
	for (unsigned i = PAIR_HDR; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i * 13 + from * 101 + nonce);
}

/* One of ours (this nonce): its kind, sender and sequence number. */
static bool pair_parse(const uint8_t *f, unsigned len, uint32_t nonce, unsigned *kind,
		       unsigned *from, uint32_t *seq)
{
	if (len < PAIR_HDR || f[12] != PAIR_ETHERTYPE >> 8 || f[13] != (PAIR_ETHERTYPE & 0xff) ||
	    get_be32(f + 14) != PAIR_MAGIC || get_be32(f + 18) != nonce)
		return false;
	*kind = f[22], *from = f[23], *seq = get_be32(f + 24);
	return true;
}

static uint8_t *pair_slot(struct pair_port *p, unsigned i)
{
	return (uint8_t *)p->mem->cpu + (size_t)i * igb_wire_slot_size(&p->drv);
}

/* Ports waited for together: since when, and the nonce of their frames. */
struct ports_wait {
	struct pair_port **pp;
	unsigned n;
	uint64_t t0;
	uint32_t nonce;
};

static bool all_linked(void *ctx)
{
	struct ports_wait *w = ctx;
	bool all = true;

	for (unsigned i = 0; i < w->n; i++) {
		struct pair_port *p = w->pp[i];
		if (p->rc || p->linked)
			continue;
		p->linked = igb_autoneg_poll(p->d, &p->an);
		p->an.took_us = plat_now_us() - w->t0;
		all &= p->linked;
	}
	return all;
}

/* Ports pp[0..n) up facing their cables, together, each with ntx frames
 * to send and nrx RX slots; then autonegotiation waited for on all at once,
 * within Linux igb_link_test()'s 5 s. */
static void ports_up(struct pair_port **pp, unsigned n, unsigned ntx, unsigned nrx)
{
	struct ports_wait w = { pp, n, plat_now_us(), 0 };

	for (unsigned i = 0; i < n; i++) {
		struct pair_port *p = pp[i];
		uint32_t ral, rah;
		*p = (struct pair_port){ .d = p->d, .rc = RC_ENOTSUP,
					 .drv = { .cfg.wire = true } };
		if (igb_link_mode(p->d))
			continue; /* no copper PHY to negotiate with */
		if (!(p->rc = igb_ops.init(&p->drv, p->d)))
			p->rc = dma_alloc(p->d->bdf, (size_t)(ntx + nrx) *
						     igb_wire_slot_size(&p->drv), &p->mem);
		if (!p->rc)
			p->rc = igb_wire_rx_fill(&p->drv, pair_slot(p, ntx), nrx);
		ral = igb_rd32(p->d, IGB_RAL(0)), rah = igb_rd32(p->d, IGB_RAH(0));
		p->mac[0] = (uint8_t)ral, p->mac[1] = (uint8_t)(ral >> 8);
		p->mac[2] = (uint8_t)(ral >> 16), p->mac[3] = (uint8_t)(ral >> 24);
		p->mac[4] = (uint8_t)rah, p->mac[5] = (uint8_t)(rah >> 8);
	}
	wait_until(all_linked, &w, IGB_AUTONEG_TIMEOUT_US, IGB_AUTONEG_POLL_US);
	for (unsigned i = 0; i < n; i++)
		if (pp[i]->linked)
			igb_autoneg_partner(pp[i]->d, &pp[i]->an);
}

static void ports_down(struct pair_port **pp, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		igb_ops.remove(&pp[i]->drv);
		dma_free(pp[i]->mem);
		pp[i]->mem = NULL;
	}
}

/* Take what each port received; done once every linked port heard one. */
static bool probes_heard(void *ctx)
{
	struct ports_wait *w = ctx;
	struct igb_wire_frame f;
	bool all = true;

	for (unsigned i = 0; i < w->n; i++) {
		struct pair_port *p = w->pp[i];
		unsigned kind, from;
		uint32_t seq;
		while (p->linked && igb_wire_rx_next(&p->drv, &f)) {
			if (pair_parse(pair_slot(p, 1 + f.slot), f.len, w->nonce, &kind, &from,
				       &seq) && kind == PAIR_PROBE && from < w->n)
				p->heard |= 1u << from;
			else
				p->foreign++;
		}
		all &= !p->linked || p->heard;
	}
	return all;
}

/* Every port of the run up at once, each linked one sending its probe. */
static void pairs_find(void)
{
	struct igb_dev *devs[SUITE_MAX_DEVICES];
	struct pair_port *pp[SUITE_MAX_DEVICES];
	struct ports_wait w = { pp, suite_ports(devs, SUITE_MAX_DEVICES), 0,
				(uint32_t)plat_now_us() };

	pairs.round = suite_round_id();
	pairs.n = w.n;
	for (unsigned i = 0; i < w.n; i++)
		pp[i] = &pairs.p[i], pp[i]->d = devs[i];
	if (w.n < 2)
		return;
	ports_up(pp, w.n, 1, PAIR_PROBE_SLOTS);
	for (unsigned i = 0; i < w.n; i++) {
		if (!pp[i]->linked)
			continue;
		pair_frame(pair_slot(pp[i], 0), IGB_MIN_FRAME, pair_group, pp[i], w.nonce,
			   PAIR_PROBE, i, 0);
		igb_wire_send(&pp[i]->drv, pair_slot(pp[i], 0), IGB_MIN_FRAME);
	}
	wait_until(probes_heard, &w, PAIR_PROBE_US, PAIR_POLL_US);
	ports_down(pp, w.n);
}

/* The ports whose probe went to or came from port i, but i itself. */
static uint32_t pair_contacts(unsigned i)
{
	uint32_t c = pairs.p[i].heard;

	for (unsigned k = 0; k < pairs.n; k++)
		if (pairs.p[k].heard & 1u << i)
			c |= 1u << k;
	return c & ~(1u << i);
}

/* One direction of the traffic, as the receiver saw it. */
struct pair_dir {
	struct pair_port *from, *to;
	unsigned from_i;
	unsigned ours, good, foreign; /* ours: this direction's frames, right or not */
	uint8_t got[PAIR_FRAMES];
	bool bad;               /* a frame of ours arrived wrong: */
	uint32_t bad_seq;
	unsigned bad_len, bad_at; /* its length; the first byte that differs */
	uint8_t bad_got, bad_want;
};

struct traffic_wait {
	struct pair_dir *dir;
	uint32_t nonce;
};

/* Check every frame against the one sent (rebuilt into exp). */
static void traffic_take(struct pair_dir *r, uint32_t nonce)
{
	uint8_t exp[IGB_WIRE_MAX_FRAME];
	struct igb_wire_frame f;
	unsigned kind, from;
	uint32_t seq;

	while (igb_wire_rx_next(&r->to->drv, &f)) {
		const uint8_t *b = pair_slot(r->to, PAIR_FRAMES + f.slot);
		unsigned want, at = 0;
		if (!pair_parse(b, f.len, nonce, &kind, &from, &seq) || kind != PAIR_DATA ||
		    from != r->from_i || seq >= PAIR_FRAMES) {
			r->foreign++;
			continue;
		}
		r->ours++;
		want = PAIR_SIZE(seq);
		pair_frame(exp, want, r->to->mac, r->from, nonce, PAIR_DATA, from, seq);
		while (at < want && at < f.len && b[at] == exp[at])
			at++;
		if ((at < want || f.len != want || (f.status & IGB_RXD_STAT_EOP) == 0) && !r->bad) {
			r->bad = true;
			r->bad_seq = seq, r->bad_len = f.len, r->bad_at = at;
			r->bad_got = at < f.len ? b[at] : 0, r->bad_want = at < want ? exp[at] : 0;
		} else if (at == want && f.len == want && !r->got[seq]) {
			r->got[seq] = 1;
			r->good++;
		}
	}
}

static bool traffic_in(void *ctx)
{
	struct traffic_wait *w = ctx;

	traffic_take(&w->dir[0], w->nonce);
	traffic_take(&w->dir[1], w->nonce);
	return w->dir[0].ours + w->dir[1].ours >= 2 * PAIR_FRAMES;
}

/* A frame that arrived wrong, in either direction, before one missing. */
static enum ktap_result pair_verdict(struct test_run *t, const struct pair_dir *dir)
{
	for (unsigned k = 0; k < 2; k++) {
		const struct pair_dir *r = &dir[k];
		if (r->bad)
			return test_fail(t, "%s -> %s: frame %u arrived wrong: %u bytes (sent "
					 "%u), byte %u is 0x%02x, sent 0x%02x", r->from->d->name,
					 r->to->d->name, (unsigned)r->bad_seq, r->bad_len,
					 PAIR_SIZE(r->bad_seq), r->bad_at, r->bad_got, r->bad_want);
	}
	for (unsigned k = 0; k < 2; k++) {
		const struct pair_dir *r = &dir[k];
		unsigned miss = 0;
		while (miss < PAIR_FRAMES && r->got[miss])
			miss++;
		if (r->good < PAIR_FRAMES)
			return test_fail(t, "%s -> %s: %u of %u frames arrived within %u ms "
					 "(first missing: frame %u; %u other frames received; "
					 "STATUS 0x%08x and 0x%08x)", r->from->d->name,
					 r->to->d->name, r->good, PAIR_FRAMES,
					 PAIR_TRAFFIC_US / 1000, miss, r->foreign,
					 igb_rd32(r->from->d, IGB_STATUS),
					 igb_rd32(r->to->d, IGB_STATUS));
	}
	return KTAP_PASS;
}

/* How bringing p up went, as t's verdict (KTAP_PASS: it came up); bytes:
 * the DMA memory it asked for. */
static enum ktap_result port_up(struct test_run *t, const struct pair_port *p, size_t bytes)
{
	if (p->rc == RC_ENOTSUP)
		return not_copper(p->d, t);
	if (p->rc == RC_ENOMEM)
		return test_no_memory(t, bytes, p->rc);
	ASSERT(t, !p->rc, "%s: bringing it up facing its cable: %s%s%s", p->d->name,
	       rc_name(p->rc), p->drv.seen.last_error[0] ? ": " : "", p->drv.seen.last_error);
	return KTAP_PASS;
}

/* Both ports linked at 1000/full: frames both ways at once, byte for byte. */
static enum ktap_result pair_traffic(struct test_run *t, struct pair_port **pp, unsigned ai,
				     unsigned bi)
{
	struct pair_dir dir[2] = { { .from = pp[0], .to = pp[1], .from_i = ai },
				   { .from = pp[1], .to = pp[0], .from_i = bi } };
	struct traffic_wait w = { dir, (uint32_t)plat_now_us() };
	uint64_t bytes = 0;

	for (unsigned k = 0; k < 2; k++) {
		struct pair_port *p = pp[k], *q = pp[!k];
		TRY(port_up(t, p, (size_t)2 * PAIR_FRAMES * 2048));
		ASSERT(t, p->linked, "%s: no link within %llu ms, where the probes found the "
		       "pair (BMSR 0x%04x, STATUS 0x%08x)", p->d->name,
		       (unsigned long long)p->an.took_us / 1000, p->an.bmsr, p->an.status);
		ASSERT(t, igb_status_speed(p->an.status) == 1000 && (p->an.status & IGB_STATUS_FD),
		       "%s linked at %u Mb/s %s duplex, not 1000 full (its partner advertises "
		       "0x%04x, 1000BASE-T status 0x%04x)", p->d->name,
		       igb_status_speed(p->an.status),
		       (p->an.status & IGB_STATUS_FD) ? "full" : "half", p->an.lpa,
		       p->an.stat1000);
		for (uint32_t s = 0; s < PAIR_FRAMES; s++)
			pair_frame(pair_slot(p, s), PAIR_SIZE(s), q->mac,
				   p, w.nonce, PAIR_DATA, dir[k].from_i, s);
	}
	/* Interleaved: both directions on the wire at once (full duplex). */
	for (uint32_t s = 0; s < PAIR_FRAMES; s++) {
		unsigned len = PAIR_SIZE(s);
		for (unsigned k = 0; k < 2; k++)
			igb_wire_send(&pp[k]->drv, pair_slot(pp[k], s), len);
		bytes += len;
	}
	wait_until(traffic_in, &w, PAIR_TRAFFIC_US, PAIR_POLL_US);
	TRY(pair_verdict(t, dir));
	ktap_diag("%s: %s <-> %s: 1000 Mb/s full duplex both ends, linked after %llu and %llu "
		  "ms; %u frames of 60-1514 bytes (%llu bytes) each way, both ways at once, "
		  "every byte as sent", t->name, pp[0]->d->name, pp[1]->d->name,
		  (unsigned long long)pp[0]->an.took_us / 1000,
		  (unsigned long long)pp[1]->an.took_us / 1000, PAIR_FRAMES,
		  (unsigned long long)bytes);
	test_measure(t, "frames", 2 * PAIR_FRAMES, "frames");
	return KTAP_PASS;
}

/*
 * Run once per device block, under iommu=off (the IOMMU is set up for one
 * device at a time; both ports of a pair do DMA here). The first port_pair
 * of a round probes every port of the run; a pair is tested and reported
 * in the block of its lower-numbered port, and its other port's block
 * says where.
 */
static enum ktap_result case_port_pair(struct igb_dev *d, struct test_run *t)
{
	unsigned i = 0, j = 0;
	struct pair_port *p;
	uint32_t c;

	igb_ops.remove(t->drv); /* out of loopback: the PHY faces the cable */
	if (pairs.round != suite_round_id())
		pairs_find();
	while (i < pairs.n && pairs.p[i].d != d)
		i++;
	if (pairs.n < 2 || i == pairs.n)
		SKIP(t, "no port pair found: the only 82576 port under test");
	p = &pairs.p[i];
	TRY(port_up(t, p, (PAIR_PROBE_SLOTS + 1) * 2048));
	if (!p->linked)
		return no_partner(t, "no port pair found: ", &p->an);
	c = pair_contacts(i);
	while (j < pairs.n && c != 1u << j)
		j++;
	if (!c)
		SKIP(t, "no port pair found: link up at %u Mb/s, but no probe of the other %u "
		     "ports under test arrived and none heard this port's (%u other frames "
		     "received)", igb_status_speed(p->an.status), pairs.n - 1, p->foreign);
	if (j == pairs.n || pair_contacts(j) != 1u << i)
		SKIP(t, "no port pair found: probes went between more than two ports (0x%x, "
		     "bit n: port n of this run): not one cable", c | 1u << i);
	if (j < i)
		SKIP(t, "result in %s's block (port pair %s - %s)", pairs.p[j].d->name,
		     pairs.p[j].d->name, d->name);
	ASSERT(t, (p->heard & 1u << j) && (pairs.p[j].heard & 1u << i), "frames pass one way "
	       "only: %s heard %s's probe, not the other way round (%u and %u other frames "
	       "received)", (p->heard & 1u << j) ? d->name : pairs.p[j].d->name,
	       (p->heard & 1u << j) ? pairs.p[j].d->name : d->name, p->foreign,
	       pairs.p[j].foreign);
	{ /* brought up afresh; what the probes found stays as found */
		struct pair_port a = { .d = d }, b = { .d = pairs.p[j].d }, *pp[2] = { &a, &b };
		enum ktap_result r;
		ports_up(pp, 2, PAIR_FRAMES, PAIR_FRAMES);
		r = pair_traffic(t, pp, i, j);
		ports_down(pp, 2);
		return r;
	}
}

static const struct igb_test cases[] = {
	IGB_CASE(link_partner, NEEDS_BAR0, MODES_ANY,
		 "autonegotiation with a link partner through the cable completes at the "
		 "best common speed within 5 s and holds; skips with no partner"),
	IGB_CASE(port_pair, NEEDS_BAR0 | NEEDS_PORTS, MODES_OFF,
		 "frames both ways, byte for byte, at 1000/full through a cable between two "
		 "ports under test, found by probes; skips when no pair is found"),
};
IGB_GROUP(link, "a link with a partner", cases);
