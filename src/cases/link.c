/*
 * link.c - a real link: autonegotiation with a partner through the PHY,
 * magnetics and connector, as `ethtool -t` checks it (Linux igb_link_test),
 * and frames through a cable between two ports under test. Both cases
 * report from one pass over every port of the run, made before each
 * round's device blocks (NEEDS_PORTS): every port faces its cable at once,
 * so a port's partner is never in the middle of another case, and each
 * port autonegotiates once a round for both.
 */
#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "suite/suite.h"
#include "task.h"
#include "wait_bound.h"

/* After the link comes up it must stay up this long: a partner that goes
 * away, or a link that flaps, fails here. Our figure. */
#define LINK_HOLD_US	500000
#define LINK_HOLD_POLL_US 10000

/*
 * The best mode both ends advertise, our advertisement (ANAR, 1000BASE-T
 * control) against the partner's abilities (ANLPAR, 1000BASE-T status),
 * in the priority of IEEE 802.3 Annex 28B.3 (1000BASE-T full, half, then
 * 100BASE-TX full, half, then 10BASE-T full, half; the 1000BASE-T
 * abilities are exchanged in next pages, 40.5.1.2): Mb/s and full duplex.
 * Whoever negotiated the link, this is the mode it must have. 0 when the
 * two have nothing in common that we know.
 */
static unsigned common_mode(const struct igb_autoneg *an, bool *fd)
{
	uint16_t c = an->adv & an->lpa;

	*fd = true;
	if ((an->adv1000 & IGB_1000T_CTRL_FD) && (an->stat1000 & IGB_1000T_STAT_LP_FD))
		return 1000;
	if ((an->adv1000 & IGB_1000T_CTRL_HD) && (an->stat1000 & IGB_1000T_STAT_LP_HD))
		return *fd = false, 1000;
	if (c & IGB_ANAR_100_FD)
		return 100;
	if (c & IGB_ANAR_100_HD)
		return *fd = false, 100;
	if (c & IGB_ANAR_10_FD)
		return 10;
	if (c & IGB_ANAR_10_HD)
		return *fd = false, 10;
	return 0;
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

/* ---- the cable pass; port_pair: a cable between two ports under test ---- */

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
/* A port's buffer: its probe and its data frames to send (slots 0 and
 * 1..PAIR_FRAMES), then the slots it receives into, in order: what it
 * hears while probing, then its partner's data frames. */
#define PAIR_TX		(1 + PAIR_FRAMES)
#define PAIR_RX		(PAIR_PROBE_SLOTS + PAIR_FRAMES)
/* A probe is 0.7 us on the wire at 1 Gb/s, its DMA microseconds: 50 ms
 * is thousands of times that. Ours. */
#define PAIR_PROBE_US	50000
/* 128 frames of up to 1514 bytes are 1.6 ms at 1 Gb/s each way (both ways
 * at once on a full-duplex link): 100 ms bounds them. Ours. */
#define PAIR_TRAFFIC_US	100000
#define PAIR_POLL_US	100

struct pair_port;

/* One direction of the traffic, as the receiver saw it. */
struct pair_dir {
	struct pair_port *from; /* NULL: no traffic was sent to this port */
	unsigned from_i;
	unsigned ours, good, foreign; /* ours: this direction's frames, right or not */
	uint8_t got[PAIR_FRAMES];
	bool bad;               /* a frame of ours arrived wrong: */
	uint32_t bad_seq;
	unsigned bad_len, bad_at; /* its length; the first byte that differs */
	uint8_t bad_got, bad_want;
};

struct pair_port {
	struct igb_dev *d;
	struct igb_drv drv;
	struct dma_buf *mem;    /* PAIR_TX frames to send, then PAIR_RX slots */
	size_t bytes;           /* mem's size, asked for */
	uint8_t mac[6];         /* RAL0/RAH0: the frames' source */
	struct igb_autoneg an;
	uint64_t t0;            /* its autonegotiation restarted (or was taken) */
	int rc;                 /* bringing it up */
	bool linked;
	bool late;              /* no link IGB_AUTONEG_TIMEOUT_US after t0 */
	uint32_t heard;         /* ports whose probe it received (bit i: port i) */
	unsigned foreign;       /* other frames received while probing */
	bool lost;              /* the link went down during the hold */
	uint32_t lost_status;   /* STATUS then */
	struct pair_dir rx;     /* the traffic from its pair */
	uint32_t status;        /* STATUS when the traffic ended */
};

/* The ports of this run and what the round's pass found. */
static struct {
	unsigned round; /* suite_round_id() it holds for */
	unsigned n;
	uint64_t up_us, pair_us; /* the pass: up and held; probes and traffic */
	uint64_t up_idle_us, pair_idle_us; /* of which the CPU idled */
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

/* The next frame p received, in its slot; false when none (yet). */
static const uint8_t *pair_rx(struct pair_port *p, struct igb_wire_frame *f)
{
	return igb_wire_rx_next(&p->drv, f) ? pair_slot(p, PAIR_TX + f->slot) : NULL;
}

/* Ports waited for together: since when, and the nonce of their frames. */
struct ports_wait {
	struct pair_port **pp;
	unsigned n;
	uint64_t t0;
	uint32_t nonce;
};

/* Every port linked, or past its bound: Linux igb_link_test()'s 5 s count
 * from its own restart, a head start's too (link_ahead), not from the
 * pass, which the wait_until around this bounds. */
static bool all_linked(void *ctx)
{
	struct ports_wait *w = ctx;
	bool all = true;

	for (unsigned i = 0; i < w->n; i++) {
		struct pair_port *p = w->pp[i];
		if (p->rc || p->linked || p->late)
			continue;
		p->linked = igb_autoneg_poll(p->d, &p->an);
		p->an.took_us = p->an.taken ? 0 : plat_now_us() - p->t0;
		p->late = !p->linked && p->an.took_us >= wait_bound_us(IGB_AUTONEG_TIMEOUT_US);
		all &= p->linked || p->late;
	}
	return all;
}

/*
 * Autonegotiations started ahead of the first round's pass (link_ahead):
 * the pass takes them as if it had started them, and forgets them.
 */
static struct {
	unsigned n;
	struct {
		struct igb_dev *d;
		int rc;
		bool taken;
		uint64_t t0;
	} p[SUITE_MAX_DEVICES];
} ahead;

/* Whether the round's pass sends frames between ports: it then brings
 * each port up with its driver (a MAC reset first), not its link alone. */
static bool pass_pairs(const struct options *o, unsigned nports)
{
	return options_case_selected(o, "port_pair") && options_iommu_selected(o, "off") &&
	       nports >= 2;
}

/* p's link alone, as the pass finds it: started ahead, or now. */
static int link_start(struct pair_port *p)
{
	for (unsigned i = 0; i < ahead.n; i++) {
		if (ahead.p[i].d == p->d) {
			p->t0 = ahead.p[i].t0;
			p->an.taken = ahead.p[i].taken;
			return ahead.p[i].rc;
		}
	}
	p->t0 = plat_now_us();
	return igb_autoneg_start(p->d, &p->an.taken);
}

/*
 * Ports pp[0..n) facing their cables, together; then autonegotiation
 * waited for on all at once, within Linux igb_link_test()'s 5 s. For
 * frames (rings: drv true) each is brought up in wire mode; for the link
 * alone only the PHY and the MAC's link are touched (igb_autoneg_start),
 * no reset, as Linux igb_diag_test tests the link before its reset. A
 * link the PHY already has is taken either way; only a port without one
 * restarts autonegotiation.
 */
static void ports_up(struct pair_port **pp, unsigned n, bool drv)
{
	struct ports_wait w = { pp, n, plat_now_us(), 0 };

	for (unsigned i = 0; i < n; i++) {
		struct pair_port *p = pp[i];
		uint32_t ral, rah;
		*p = (struct pair_port){ .d = p->d, .rc = RC_ENOTSUP, .t0 = w.t0,
					 .drv = { .cfg.wire = true } };
		if (igb_link_mode(p->d))
			continue; /* no copper PHY to negotiate with */
		if (!drv) {
			p->rc = link_start(p);
			continue;
		}
		if (!(p->rc = igb_ops.init(&p->drv, p->d))) {
			p->an.taken = p->drv.seen.link_taken;
			p->bytes = (size_t)(PAIR_TX + PAIR_RX) * igb_wire_slot_size(&p->drv);
			p->rc = dma_alloc(p->d->bdf, p->bytes, &p->mem);
		}
		if (!p->rc)
			p->rc = igb_wire_rx_fill(&p->drv, pair_slot(p, PAIR_TX), PAIR_RX);
		ral = igb_rd32(p->d, IGB_RAL(0)), rah = igb_rd32(p->d, IGB_RAH(0));
		p->mac[0] = (uint8_t)ral, p->mac[1] = (uint8_t)(ral >> 8);
		p->mac[2] = (uint8_t)(ral >> 16), p->mac[3] = (uint8_t)(ral >> 24);
		p->mac[4] = (uint8_t)rah, p->mac[5] = (uint8_t)(rah >> 8);
	}
	ahead.n = 0;
	wait_until(all_linked, &w, IGB_AUTONEG_TIMEOUT_US, IGB_AUTONEG_POLL_US);
	for (unsigned i = 0; i < n; i++)
		if (pp[i]->linked)
			igb_autoneg_abilities(pp[i]->d, &pp[i]->an);
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
	const uint8_t *b;
	bool all = true;

	for (unsigned i = 0; i < w->n; i++) {
		struct pair_port *p = w->pp[i];
		unsigned kind, from;
		uint32_t seq;
		while (p->linked && (b = pair_rx(p, &f))) {
			if (pair_parse(b, f.len, w->nonce, &kind, &from, &seq) &&
			    kind == PAIR_PROBE && from < w->n)
				p->heard |= 1u << from;
			else
				p->foreign++;
		}
		all &= !p->linked || p->heard;
	}
	return all;
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

/* The port that only i's probe went between, both ways, and whose probe
 * went between i only: i's pair; pairs.n when i has none. */
static unsigned pair_of(unsigned i)
{
	uint32_t c = pair_contacts(i);
	unsigned j = 0;

	while (j < pairs.n && c != 1u << j)
		j++;
	return j < pairs.n && pair_contacts(j) == 1u << i ? j : pairs.n;
}

/* Linked at 1000 Mb/s full duplex: what the traffic asks of both ends. */
static bool at_1000_full(const struct pair_port *p)
{
	return igb_status_speed(p->an.status) == 1000 && (p->an.status & IGB_STATUS_FD);
}

struct traffic_wait {
	struct pair_port *a, *b;
	uint32_t nonce;
};

/* Check every frame p received against the one sent (rebuilt into exp). */
static void traffic_take(struct pair_port *p, uint32_t nonce)
{
	struct pair_dir *r = &p->rx;
	uint8_t exp[IGB_WIRE_MAX_FRAME];
	struct igb_wire_frame f;
	const uint8_t *b;
	unsigned kind, from;
	uint32_t seq;

	while ((b = pair_rx(p, &f))) {
		unsigned want, at = 0;
		if (!pair_parse(b, f.len, nonce, &kind, &from, &seq) || kind != PAIR_DATA ||
		    from != r->from_i || seq >= PAIR_FRAMES) {
			r->foreign++;
			continue;
		}
		r->ours++;
		want = PAIR_SIZE(seq);
		pair_frame(exp, want, p->mac, r->from, nonce, PAIR_DATA, from, seq);
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

	traffic_take(w->a, w->nonce);
	traffic_take(w->b, w->nonce);
	return w->a->rx.ours + w->b->rx.ours >= 2 * PAIR_FRAMES;
}

/* Ports i and j, a pair linked at 1000/full: frames both ways at once on
 * the link the probes crossed; what arrived goes in each one's rx. */
static void pair_traffic(unsigned i, unsigned j, uint32_t nonce)
{
	struct pair_port *a = &pairs.p[i], *b = &pairs.p[j];
	struct traffic_wait w = { a, b, nonce };

	a->rx = (struct pair_dir){ .from = b, .from_i = j };
	b->rx = (struct pair_dir){ .from = a, .from_i = i };
	for (uint32_t s = 0; s < PAIR_FRAMES; s++) {
		pair_frame(pair_slot(a, 1 + s), PAIR_SIZE(s), b->mac, a, nonce, PAIR_DATA, i, s);
		pair_frame(pair_slot(b, 1 + s), PAIR_SIZE(s), a->mac, b, nonce, PAIR_DATA, j, s);
	}
	/* Interleaved: both directions on the wire at once (full duplex). */
	for (uint32_t s = 0; s < PAIR_FRAMES; s++) {
		igb_wire_send(&a->drv, pair_slot(a, 1 + s), PAIR_SIZE(s));
		igb_wire_send(&b->drv, pair_slot(b, 1 + s), PAIR_SIZE(s));
	}
	wait_until(traffic_in, &w, PAIR_TRAFFIC_US, PAIR_POLL_US);
	a->status = igb_rd32(a->d, IGB_STATUS);
	b->status = igb_rd32(b->d, IGB_STATUS);
}

/* Every linked port's link through the hold; a port whose link went
 * down is marked. Done early only when every one went down. */
static bool links_lost(void *ctx)
{
	struct ports_wait *w = ctx;
	bool all = true;

	for (unsigned i = 0; i < w->n; i++) {
		struct pair_port *p = w->pp[i];
		uint32_t status;
		if (!p->linked || p->lost)
			continue;
		status = igb_rd32(p->d, IGB_STATUS);
		if (!(status & IGB_STATUS_LU))
			p->lost = true, p->lost_status = status;
		all &= p->lost;
	}
	return all;
}

/*
 * The round's pass, for whichever of the two cases is selected (the
 * first call of the round does it; the runner makes it before the device
 * blocks, every port idle, translation off): every port of the run comes
 * up facing its cable at once, one autonegotiation each; for link_partner
 * every link is held LINK_HOLD_US; for port_pair (with two ports or more)
 * each linked port sends its probe, then each pair found that linked at
 * 1000/full both ends sends its frames on that same link-up. Nothing
 * re-initialises a port between hold, probe and traffic: Linux brings a
 * link up once (igb_up) and sends on it, and no datasheet step asks for a
 * reset between frames. The cases judge what was found in each port's
 * block.
 */
static void cable_pass(const struct test_run *t)
{
	struct igb_dev *devs[SUITE_MAX_DEVICES];
	struct pair_port *pp[SUITE_MAX_DEVICES];
	struct ports_wait w = { pp, suite_ports(devs, SUITE_MAX_DEVICES), 0,
				(uint32_t)plat_now_us() };
	bool hold = options_case_selected(t->opt, "link_partner");
	bool pair = pass_pairs(t->opt, w.n);
	uint64_t t0 = plat_now_us(), idle0 = task_idle_us();

	if (pairs.round == suite_round_id())
		return; /* the other case's call made it */
	pairs.round = suite_round_id();
	pairs.n = w.n;
	pairs.up_us = pairs.pair_us = pairs.up_idle_us = pairs.pair_idle_us = 0;
	for (unsigned i = 0; i < w.n; i++)
		pp[i] = &pairs.p[i], pp[i]->d = devs[i];
	if (!hold && !pair)
		return;
	ports_up(pp, w.n, pair);
	if (hold)
		wait_until(links_lost, &w, LINK_HOLD_US, LINK_HOLD_POLL_US);
	pairs.up_us = plat_now_us() - t0;
	pairs.up_idle_us = task_idle_us() - idle0;
	if (pair) {
		for (unsigned i = 0; i < w.n; i++) {
			if (!pp[i]->linked)
				continue;
			pair_frame(pair_slot(pp[i], 0), IGB_MIN_FRAME, pair_group, pp[i],
				   w.nonce, PAIR_PROBE, i, 0);
			igb_wire_send(&pp[i]->drv, pair_slot(pp[i], 0), IGB_MIN_FRAME);
		}
		wait_until(probes_heard, &w, PAIR_PROBE_US, PAIR_POLL_US);
		for (unsigned i = 0; i < w.n; i++) {
			unsigned j = pair_of(i);
			if (j < w.n && i < j && (pp[i]->heard & 1u << j) &&
			    (pp[j]->heard & 1u << i) && at_1000_full(pp[i]) && at_1000_full(pp[j]))
				pair_traffic(i, j, w.nonce);
		}
		pairs.pair_us = plat_now_us() - t0;
		pairs.pair_idle_us = task_idle_us() - idle0;
	}
	ports_down(pp, w.n);
}

/* d's place in the pass, or NULL when the pass did not drive it. */
static struct pair_port *port_of(const struct igb_dev *d, unsigned *i)
{
	for (*i = 0; pairs.round == suite_round_id() && *i < pairs.n; (*i)++)
		if (pairs.p[*i].d == d)
			return &pairs.p[*i];
	return NULL;
}

/* A frame that arrived wrong, in either direction, before one missing. */
static enum ktap_result traffic_verdict(struct test_run *t, const struct pair_port *a,
					const struct pair_port *b)
{
	const struct pair_port *to[2] = { b, a };

	for (unsigned k = 0; k < 2; k++) {
		const struct pair_dir *r = &to[k]->rx;
		if (r->bad)
			return test_fail(t, "%s -> %s: frame %u arrived wrong: %u bytes (sent "
					 "%u), byte %u is 0x%02x, sent 0x%02x", r->from->d->name,
					 to[k]->d->name, (unsigned)r->bad_seq, r->bad_len,
					 PAIR_SIZE(r->bad_seq), r->bad_at, r->bad_got, r->bad_want);
	}
	for (unsigned k = 0; k < 2; k++) {
		const struct pair_dir *r = &to[k]->rx;
		unsigned miss = 0;
		while (miss < PAIR_FRAMES && r->got[miss])
			miss++;
		if (r->good < PAIR_FRAMES)
			return test_fail(t, "%s -> %s: %u of %u frames arrived within %u ms "
					 "(first missing: frame %u; %u other frames received; "
					 "STATUS 0x%08x and 0x%08x)", r->from->d->name,
					 to[k]->d->name, r->good, PAIR_FRAMES,
					 PAIR_TRAFFIC_US / 1000, miss, r->foreign,
					 r->from->status, to[k]->status);
	}
	return KTAP_PASS;
}

/* How bringing p up went, as t's verdict (KTAP_PASS: it came up). */
static enum ktap_result port_up(struct test_run *t, const struct pair_port *p)
{
	if (p->rc == RC_ENOTSUP)
		return not_copper(p->d, t);
	if (p->rc == RC_ENOMEM)
		return test_no_memory(t, p->bytes, p->rc);
	ASSERT(t, !p->rc, "%s: bringing it up facing its cable: %s%s%s", p->d->name,
	       rc_name(p->rc), p->drv.seen.last_error[0] ? ": " : "", p->drv.seen.last_error);
	return KTAP_PASS;
}

/*
 * The head start (t->ahead): when the first pass will drive the link
 * alone, d's autonegotiation starts (or its link is taken) as soon as the
 * run has d, not when the pass begins: QEMU's 500 ms, silicon's seconds,
 * run while the run prints its header. Only reads, and the pass's own
 * writes, touch the port until the pass looks (the runner's PCIe error
 * record is before); Linux igb_diag_test still tests the link before any
 * reset, and so does the pass.
 */
static void link_ahead(struct igb_dev *d, const struct test_run *t)
{
	struct igb_dev *devs[SUITE_MAX_DEVICES];

	if (pass_pairs(t->opt, suite_ports(devs, SUITE_MAX_DEVICES)) ||
	    ahead.n == SUITE_MAX_DEVICES || igb_link_mode(d))
		return;
	ahead.p[ahead.n].d = d;
	ahead.p[ahead.n].t0 = plat_now_us();
	ahead.p[ahead.n].rc = igb_autoneg_start(d, &ahead.p[ahead.n].taken);
	ahead.n++;
}

/*
 * NEEDS_PORTS: called with d NULL for the round's pass (cable_pass), then
 * in each port's block to say what it found for that port: the link, the
 * best common mode, and that it held.
 */
static enum ktap_result case_link_partner(struct igb_dev *d, struct test_run *t)
{
	struct pair_port *p;
	unsigned i, speed, want;
	bool fd, want_fd;

	if (t->ahead) {
		link_ahead(d, t);
		return KTAP_PASS;
	}
	if (!d) {
		cable_pass(t);
		return KTAP_PASS;
	}
	p = port_of(d, &i);
	if (!p) /* the runner's doing, never the port's */
		SKIP(t, "not tested: %s was not in the round's pass over the ports", d->name);
	t->us_before = pairs.up_us;
	t->idle_us_before = pairs.up_idle_us;
	TRY(port_up(t, p));
	if (!p->linked && !p->an.an_done)
		return no_partner(t, "", &p->an);
	ASSERT(t, p->linked, "autonegotiation completed (partner advertises 0x%04x, "
	       "1000BASE-T 0x%04x) but no link within %llu ms (BMSR 0x%04x, STATUS 0x%08x)",
	       p->an.lpa, p->an.stat1000, (unsigned long long)p->an.took_us / 1000, p->an.bmsr,
	       p->an.status);
	speed = igb_status_speed(p->an.status);
	fd = p->an.status & IGB_STATUS_FD;
	want = common_mode(&p->an, &want_fd);
	ASSERT(t, !want || (speed == want && fd == want_fd), "negotiated %u Mb/s %s duplex; "
	       "both ends advertise %u Mb/s %s duplex (ours 0x%04x, 1000BASE-T 0x%04x; "
	       "partner 0x%04x, 1000BASE-T 0x%04x)", speed, fd ? "full" : "half", want,
	       want_fd ? "full" : "half", p->an.adv, p->an.adv1000, p->an.lpa, p->an.stat1000);
	ASSERT(t, !p->lost, "the link went down within %u ms of coming up (STATUS 0x%08x)",
	       LINK_HOLD_US / 1000, p->lost_status);
	if (p->an.taken)
		ktap_diag("%s: link already up, autonegotiated on everything we advertise "
			  "(0x%04x, 1000BASE-T control 0x%04x): %u Mb/s %s duplex; partner "
			  "advertises 0x%04x, 1000BASE-T status 0x%04x%s", t->name, p->an.adv,
			  p->an.adv1000, speed, fd ? "full" : "half", p->an.lpa, p->an.stat1000,
			  want ? "" : " (no abilities to compare)");
	else
		ktap_diag("%s: link up %llu ms after the autonegotiation restart: %u Mb/s %s "
			  "duplex; partner advertises 0x%04x, 1000BASE-T status 0x%04x%s",
			  t->name, (unsigned long long)p->an.took_us / 1000, speed,
			  fd ? "full" : "half", p->an.lpa, p->an.stat1000,
			  want ? "" : " (no abilities to compare)");
	test_measure(t, "autoneg", p->an.took_us / 1000, "ms");
	return KTAP_PASS;
}

/*
 * NEEDS_PORTS, under iommu=off: called with d NULL for the round's pass
 * (cable_pass), then in each port's block to say what it found for that
 * port. A pair is reported in the block of its lower-numbered port,
 * naming its peer, with the time of its probes and traffic; its other
 * port's block says where.
 */
static enum ktap_result case_port_pair(struct igb_dev *d, struct test_run *t)
{
	unsigned i, j;
	struct pair_port *p, *q;
	uint64_t bytes = 0;

	if (t->ahead) /* its pass brings every port up anew: nothing to start */
		return KTAP_PASS;
	if (!d) {
		cable_pass(t);
		return KTAP_PASS;
	}
	p = port_of(d, &i);
	if (!p || pairs.n < 2)
		SKIP(t, "no port pair found: the only 82576 port under test");
	TRY(port_up(t, p));
	if (!p->linked)
		return no_partner(t, "no port pair found: ", &p->an);
	if (!pair_contacts(i))
		SKIP(t, "no port pair found: link up at %u Mb/s, but no probe of the other %u "
		     "ports under test arrived and none heard this port's (%u other frames "
		     "received)", igb_status_speed(p->an.status), pairs.n - 1, p->foreign);
	j = pair_of(i);
	if (j == pairs.n)
		SKIP(t, "no port pair found: probes went between more than two ports (0x%x, "
		     "bit n: port n of this run): not one cable", pair_contacts(i) | 1u << i);
	q = &pairs.p[j];
	if (j < i)
		SKIP(t, "result in %s's block (port pair %s - %s)", q->d->name, q->d->name,
		     d->name);
	t->us_before = pairs.pair_us;
	t->idle_us_before = pairs.pair_idle_us;
	ASSERT(t, (p->heard & 1u << j) && (q->heard & 1u << i), "frames pass one way "
	       "only: %s heard %s's probe, not the other way round (%u and %u other frames "
	       "received)", (p->heard & 1u << j) ? d->name : q->d->name,
	       (p->heard & 1u << j) ? q->d->name : d->name, p->foreign, q->foreign);
	for (unsigned k = 0; k < 2; k++) {
		const struct pair_port *e = k ? q : p;
		ASSERT(t, at_1000_full(e), "%s linked at %u Mb/s %s duplex, not 1000 full (its "
		       "partner advertises 0x%04x, 1000BASE-T status 0x%04x)", e->d->name,
		       igb_status_speed(e->an.status),
		       (e->an.status & IGB_STATUS_FD) ? "full" : "half", e->an.lpa,
		       e->an.stat1000);
	}
	TRY(traffic_verdict(t, p, q));
	for (uint32_t s = 0; s < PAIR_FRAMES; s++)
		bytes += PAIR_SIZE(s);
	ktap_diag("%s: %s <-> %s: 1000 Mb/s full duplex both ends, linked after %llu and %llu "
		  "ms; %u frames of 60-1514 bytes (%llu bytes) each way, both ways at once, "
		  "every byte as sent", t->name, d->name, q->d->name,
		  (unsigned long long)p->an.took_us / 1000,
		  (unsigned long long)q->an.took_us / 1000, PAIR_FRAMES,
		  (unsigned long long)bytes);
	test_measure(t, "frames", 2 * PAIR_FRAMES, "frames");
	return KTAP_PASS;
}

static const struct igb_test cases[] = {
	IGB_CASE(link_partner, NEEDS_BAR0 | NEEDS_PORTS, MODES_ONCE,
		 "a link with a partner through the cable, taken if already up or else "
		 "autonegotiated within 5 s, at the best mode both ends advertise, holds; "
		 "skips with no partner"),
	IGB_CASE(port_pair, NEEDS_BAR0 | NEEDS_PORTS, MODES_OFF,
		 "frames both ways, byte for byte, at 1000/full through a cable between two "
		 "ports under test, found by probes; skips when no pair is found"),
};
IGB_GROUP(link, "a link with a partner", cases);
