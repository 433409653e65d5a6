/*
 * model_dma.c - the 82576 model's DMA: reads and writes of the fake's DMA
 * memory (a fault when outside it), the TX engine (descriptor fetch, frame
 * gather, the wire), loopback, the receive filter with VMDq default-pool
 * steering, RX write-back, and on silicon the wedge a faulting read leaves
 * behind (see model_igb.h).
 */
#include <string.h>

#include "model_priv.h"

#define DESC_DD 0x1u /* TX and RX status: descriptor done */
#define DESC_EOP 0x2u
#define RX_LEGACY_STATUS_BYTE 12 /* legacy RX write-back: status, errors */
#define RX_LEGACY_LENGTH_BYTE 8

/* An advanced TX descriptor as the device reads it (7.2.2.3); a legacy
 * one has its length and command in the same dword. */
struct tx_desc {
	uint64_t addr;
	uint32_t cmd_type_len;
	uint32_t olinfo_status;
};

struct ring {
	uint64_t base;
	uint32_t count, head, tail;
};

static struct ring ring_of(const struct model_igb *g, bool tx, unsigned q)
{
	struct ring r;

	r.base = (tx ? REG(g, IGB_TDBAL(q)) | (uint64_t)REG(g, IGB_TDBAH(q)) << 32 :
		       REG(g, IGB_RDBAL(q)) | (uint64_t)REG(g, IGB_RDBAH(q)) << 32);
	r.count = (tx ? REG(g, IGB_TDLEN(q)) : REG(g, IGB_RDLEN(q))) / IGB_DESC_SIZE;
	r.head = tx ? REG(g, IGB_TDH(q)) : REG(g, IGB_RDH(q));
	r.tail = tx ? REG(g, IGB_TDT(q)) : REG(g, IGB_RDT(q));
	return r;
}

/* QEMU's rule (igb_ring_empty): head == tail, or a tail past the end. */
static bool ring_empty(const struct ring *r)
{
	return !r->count || r->head == r->tail || r->tail >= r->count;
}

static uint32_t ring_free(const struct ring *r)
{
	if (ring_empty(r))
		return 0;
	return r->head <= r->tail ? r->tail - r->head : r->count + r->tail - r->head;
}

/* ---- DMA access -------------------------------------------------------- */

bool dma_master(const struct model_igb *g)
{
	return fake_get16(g->fn, PCI_COMMAND) & PCI_COMMAND_MASTER;
}

void *dma_map(struct model_igb *g, uint64_t addr, size_t len, bool write,
	      enum model_violation outside)
{
	struct pci_bdf b = g->fn->bdf;
	uint16_t sid = (uint16_t)(b.bus << 8 | b.dev << 3 | b.fn);
	uint64_t phys;
	void *p;

	if (!fake_dma_translate(sid, addr, len, write, &phys)) {
		g->iommu_faults++;
		return NULL;
	}
	p = fake_dma_ptr(phys, len);
	/* Nothing behind it (--unclaimed-dma): the root complex answers
	 * Unsupported Request, which on silicon the port that carried the
	 * request logs (PCIe r5.0 6.2.7; where a port is modelled); anywhere
	 * else it is memory we do not own. */
	if (!p && fake_dma_unbacked(phys, len)) {
		g->unsupported_requests++;
		if (g->port && model_silicon(g))
			model_pci_port_ur(g);
	} else if (!p)
		model_violate(g, outside);
	return p;
}

bool model_dma_read(struct model_igb *g, uint64_t addr, void *buf, size_t len)
{
	return dma_read(g, addr, buf, len);
}

/* Silicon: the read gets no completion. The descriptor engine stops for
 * good (until FLR); the request stays pending until the completion
 * timeout in force expires, and only then is Completion Timeout logged
 * (PCIe r5.0 2.8: the requester's timer detects it; model_pci_sync).
 * With GCR.Completion_Timeout_Resend it keeps re-issuing the read every
 * completion timeout (dma_sync counts them). */
static void wedge(struct model_igb *g, uint64_t addr)
{
	g->wedged = true;
	g->wedge_addr = addr;
	g->tx.valid = false;
	if (!g->cpl_due_ns)
		g->cpl_due_ns = g->now_ns + model_cpl_timeout_ns(g);
	if (REG(g, IGB_GCR) & IGB_GCR_CMPL_TMOUT_RESEND) {
		g->resending = true;
		g->next_retry_ns = g->now_ns + model_cpl_timeout_ns(g);
	}
}

bool dma_read(struct model_igb *g, uint64_t addr, void *buf, size_t len)
{
	void *p = dma_map(g, addr, len, false, MV_DMA_OUTSIDE);

	/* Silicon on a loaded host: a completion slower than the timeout
	 * the driver left in force is a lost read, as good as no memory. */
	if (p && model_silicon(g) && g->host_read_ns &&
	    g->host_read_ns >= model_cpl_timeout_ns(g)) {
		g->cpl_timeouts++;
		p = NULL;
	}
	if (p) {
		memcpy(buf, p, len);
		return true;
	}
	g->dma_read_faults++;
	if (inject_leak(g, addr, buf, len, false))
		return true;
	if (!model_silicon(g)) {
		memset(buf, 0, len); /* QEMU ignores the error: zeros */
		return true;
	}
	wedge(g, addr);
	return false;
}

void dma_write(struct model_igb *g, uint64_t addr, const void *buf, size_t len)
{
	void *p = dma_map(g, addr, len, true, MV_DMA_OUTSIDE);

	if (p)
		memcpy(p, buf, len);
	else if (!inject_leak(g, addr, (void *)buf, len, true))
		g->dma_write_faults++; /* posted: dropped on both */
}

/* ---- receive ----------------------------------------------------------- */

static uint32_t crc32_ether(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static bool vmdq(const struct model_igb *g)
{
	return (REG(g, IGB_MRQC) & 7) == IGB_MRQC_ENABLE_VMDQ;
}

static bool oversized(uint32_t len, bool lpe, uint32_t rlpml)
{
	return lpe ? len + MODEL_ETH_FCS > rlpml : len > MODEL_ETH_MAX_FRAME;
}

/* Pools (VMDq) whose receive address matches dst, as a bit mask; bit 31
 * stands for "some address matched" outside VMDq. */
static uint32_t ra_match(const struct model_igb *g, const uint8_t *dst)
{
	uint32_t pools = 0;

	for (unsigned i = 0; i < IGB_RAR_ENTRIES_82576; i++) {
		uint32_t lo = REG(g, IGB_RAL(i)), hi = REG(g, IGB_RAH(i));
		uint8_t a[6] = { lo, lo >> 8, lo >> 16, lo >> 24, hi, hi >> 8 };
		if ((hi & IGB_RAH_AV) && !memcmp(a, dst, sizeof(a)))
			pools |= ((hi & MODEL_RAH_POOL_MASK) >> MODEL_RAH_POOL_SHIFT) |
				 0x80000000u;
	}
	return pools;
}

static bool is_bcast(const uint8_t *d)
{
	return (d[0] & d[1] & d[2] & d[3] & d[4] & d[5]) == 0xff;
}

/* VMDq receive (7.10.3, QEMU igb_receive_assign): broadcast to pools with
 * VMOLR.BAM; an address match to its pools; unmatched unicast to the
 * default pool; then VFRE and each pool's own size limit. Pool n's
 * default queue is queue n. */
static uint32_t vmdq_queues(const struct model_igb *g, const uint8_t *f, uint32_t len)
{
	uint32_t pools = 0, vt = REG(g, IGB_VT_CTL);

	if (is_bcast(f)) {
		for (unsigned p = 0; p < IGB_NUM_POOLS; p++)
			if (REG(g, IGB_VMOLR(p)) & IGB_VMOLR_BAM)
				pools |= 1u << p;
	} else {
		pools = ra_match(g, f) & 0xff;
	}
	if (!pools && !(f[0] & 1) && !(vt & IGB_VT_CTL_DIS_DEF_POOL))
		pools = 1u << ((vt >> IGB_VT_CTL_DEF_PL_SHIFT) & 7);
	pools &= REG(g, IGB_VFRE);
	for (unsigned p = 0; p < IGB_NUM_POOLS; p++) {
		uint32_t vmolr = REG(g, IGB_VMOLR(p));
		if (oversized(len, vmolr & IGB_VMOLR_LPE, vmolr & IGB_VMOLR_RLPML_MASK))
			pools &= ~(1u << p);
	}
	return pools;
}

/* Without VMDq: promiscuous bits or a receive address; queue 0. */
static uint32_t plain_queues(const struct model_igb *g, const uint8_t *f)
{
	uint32_t rctl = REG(g, IGB_RCTL);
	bool ok;

	if (is_bcast(f))
		ok = rctl & IGB_RCTL_BAM;
	else if (f[0] & 1)
		ok = rctl & IGB_RCTL_MPE;
	else
		ok = (rctl & IGB_RCTL_UPE) || ra_match(g, f);
	return ok ? 1 : 0;
}

static uint32_t rx_bufsize(const struct model_igb *g, unsigned q)
{
	uint32_t kb = REG(g, IGB_SRRCTL(q)) & IGB_SRRCTL_BSIZEPKT_MASK;

	return kb ? kb << IGB_SRRCTL_BSIZEPKT_SHIFT : MODEL_RX_BUF_DEFAULT;
}

/* One descriptor's write-back. Silicon with SRRCTL.DESCTYPE 0 writes the
 * legacy format (length at byte 8, status at byte 12, address kept);
 * otherwise (and always on QEMU) the advanced one: status_error in dword
 * 2 (DD, EOP), length in the 16 bits after it. */
static void rx_writeback(struct model_igb *g, unsigned q, uint64_t at,
			 const uint8_t *desc, uint16_t len, bool last)
{
	uint8_t wb[IGB_DESC_SIZE] = { 0 };
	uint32_t status = DESC_DD | (last ? DESC_EOP : 0);

	if (g->faults & MODEL_FAULT_NO_RX_WRITEBACK)
		return;
	len = inject_wb_length(g, len);
	if (model_silicon(g) && !(REG(g, IGB_SRRCTL(q)) & MODEL_SRRCTL_DESCTYPE_MASK)) {
		memcpy(wb, desc, 8);
		memcpy(wb + RX_LEGACY_LENGTH_BYTE, &len, sizeof(len));
		wb[RX_LEGACY_STATUS_BYTE] = (uint8_t)status;
		g->legacy_rx_writebacks++;
	} else {
		memcpy(wb + 8, &status, sizeof(status));
		memcpy(wb + 12, &len, sizeof(len));
	}
	dma_write(g, at, wb, sizeof(wb));
}

/* Write frame f (len bytes, room for 4 more) into queue q's ring. */
static bool rx_to_queue(struct model_igb *g, unsigned q, uint8_t *f, uint32_t len)
{
	struct ring r = ring_of(g, false, q);
	bool strip = (REG(g, IGB_RCTL) & IGB_RCTL_SECRC) ||
		     (model_silicon(g) && vmdq(g) &&
		      (REG(g, IGB_VMOLR(q % IGB_NUM_POOLS)) & IGB_VMOLR_STRCRC));
	uint32_t total = len + (strip ? 0 : MODEL_ETH_FCS);
	uint32_t bufsize = rx_bufsize(g, q), off = 0;

	if (!(REG(g, IGB_RXDCTL(q)) & IGB_XDCTL_QUEUE_ENABLE) || !r.count)
		return false;
	if (ring_free(&r) < (total + bufsize - 1) / bufsize) {
		g->rx_drop_nodesc++;
		stats_no_buffer(g);
		return false;
	}
	if (!strip) {
		/* The FCS: silicon's real CRC, QEMU's four zero bytes. */
		uint32_t fcs = model_silicon(g) ? crc32_ether(f, len) : 0;
		memcpy(f + len, &fcs, sizeof(fcs));
	}
	while (off < total) {
		uint8_t desc[IGB_DESC_SIZE];
		uint64_t at = r.base + (uint64_t)r.head * IGB_DESC_SIZE, buf;
		uint32_t chunk = total - off < bufsize ? total - off : bufsize;

		if (!dma_read(g, at, desc, sizeof(desc)))
			return false;
		memcpy(&buf, desc, sizeof(buf));
		/* a null buffer address is skipped (QEMU, 7.1.x) */
		if (buf && !inject_rx_data(g, buf, f + off, chunk)) {
			dma_write(g, buf, f + off, chunk);
			inject_rx_landed(g, buf, chunk, !off, off + chunk >= total);
		}
		rx_writeback(g, q, at, desc, (uint16_t)chunk, off + chunk >= total);
		r.head = (r.head + 1) % r.count;
		REG(g, IGB_RDH(q)) = r.head;
		off += chunk;
	}
	g->frames_rx++;
	return true;
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool mac_control(const uint8_t *f)
{
	return be16_at(f + 12) == MODEL_ETH_TYPE_MAC_CONTROL;
}

/* A PAUSE frame: to the MAC control multicast 01-80-C2-00-00-01, type
 * 0x8808, opcode 0x0001 (datasheet 3.7.5: the three comparisons). */
static bool pause_frame(const uint8_t *f)
{
	static const uint8_t da[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x01 };

	return !memcmp(f, da, sizeof(da)) && mac_control(f) &&
	       be16_at(f + 14) == MODEL_MAC_CONTROL_PAUSE;
}

/* A frame arrives from the (looped) wire. */
static void rx_frame(struct model_igb *g, uint8_t *f, uint32_t len)
{
	uint32_t rctl = REG(g, IGB_RCTL), queues, ecauses = 0, icr = 0;

	if (len < MODEL_ETH_MIN_FRAME) { /* the MAC pads short frames */
		memset(f + len, 0, MODEL_ETH_MIN_FRAME - len);
		len = MODEL_ETH_MIN_FRAME;
	}
	if (!(rctl & IGB_RCTL_EN) || !g->lu) {
		g->rx_drop_off++;
		return;
	}
	stats_rx(g, len);
	/* Silicon's MAC consumes control frames; RCTL.PMCF passes those
	 * without the PAUSE opcode, never a PAUSE frame (8.10.1). QEMU has
	 * no flow control and passes them all. */
	if (model_silicon(g) && mac_control(f) &&
	    (!(rctl & IGB_RCTL_PMCF) || pause_frame(f))) {
		g->rx_drop_filter++;
		return;
	}
	if (!(rctl & IGB_RCTL_SBP) &&
	    oversized(len, rctl & IGB_RCTL_LPE, REG(g, IGB_RLPML))) {
		g->rx_drop_size++;
		return;
	}
	queues = vmdq(g) ? vmdq_queues(g, f, len) : plain_queues(g, f);
	if (!queues) {
		g->rx_drop_filter++;
		return;
	}
	for (unsigned q = 0; queues >> q; q++) {
		if (!((queues >> q) & 1) || !rx_to_queue(g, q, f, len))
			continue;
		if (!icr)
			stats_rx_good(g, len); /* once, however many pools take it */
		ecauses |= irq_queue_bit(g, q, false);
		icr |= MODEL_ICR_RXT0;
		if (g->wedged)
			return;
	}
	irq_raise(g, icr, ecauses); /* per packet, on both */
}

/* ---- transmit ---------------------------------------------------------- */

/*
 * QEMU 10.0 hw/net/igb_core.c igb_process_tx_desc() sends a frame only
 * when net_tx_pkt_parse() takes its headers, and writes DD either way:
 * net_tx_pkt_parse_headers() (hw/net/net_tx_pkt.c) refuses an IPv4 frame
 * (type 0x0800, after an 802.1Q or 802.1ad tag too) whose IHL is below 5
 * or whose options run past the frame. Silicon parses nothing it is not
 * asked to offload (no context descriptor): it sends the bytes.
 */
static bool qemu_tx_unparsable(const uint8_t *f, uint32_t len)
{
	uint32_t l2 = 14;
	unsigned ihl;

	if (len < l2)
		return true;
	if (be16_at(f + 12) == MODEL_ETH_TYPE_VLAN)
		l2 = 18;
	else if (be16_at(f + 12) == MODEL_ETH_TYPE_DVLAN)
		l2 = len >= 18 && be16_at(f + 16) == MODEL_ETH_TYPE_VLAN ? 22 : 18;
	if (len < l2)
		return true;
	if (be16_at(f + l2 - 2) != MODEL_ETH_TYPE_IPV4)
		return false;
	if (len < l2 + 4 * MODEL_IPV4_MIN_IHL)
		return true;
	ihl = f[l2] & 0xf;
	return ihl < MODEL_IPV4_MIN_IHL || len < l2 + 4 * ihl;
}

/* QEMU: BMCR loopback or RCTL.LBM_MAC. Silicon: MAC loopback is not
 * implemented (3.5.6.2); PHY loopback needs the forced link; a SerDes
 * port loops in its SerDes (SCTL) with the PCS link forced up. */
static bool loopback(const struct model_igb *g)
{
	bool phy = g->phy[IGB_PHY_BMCR] & IGB_BMCR_LOOPBACK;

	if (g->serdes)
		return g->serdes_loopback && g->lu;
	if (model_silicon(g))
		return phy && g->lu;
	return phy || (REG(g, IGB_RCTL) & IGB_RCTL_LBM_MAC) == IGB_RCTL_LBM_MAC;
}

/* Silicon's descriptor engine also waits for the link. */
static bool tx_queue_on(const struct model_igb *g, unsigned q)
{
	return (REG(g, IGB_TCTL) & IGB_TCTL_EN) &&
	       (REG(g, IGB_TXDCTL(q)) & IGB_XDCTL_QUEUE_ENABLE) &&
	       (!vmdq(g) || (REG(g, IGB_VFTE) & (1u << (q % IGB_NUM_POOLS)))) &&
	       (!model_silicon(g) || g->lu);
}

static bool engine_on(const struct model_igb *g)
{
	return !g->removed && !g->wedged && !g->in_flr && dma_master(g);
}

/* Fetch queue q's next whole frame (descriptors up to EOP) into g->tx;
 * false when there is none yet or a read faulted. */
static bool gather(struct model_igb *g, unsigned q)
{
	struct model_tx_frame *f = &g->tx;
	struct ring r = ring_of(g, true, q);
	unsigned i = r.head;

	if (ring_empty(&r))
		return false;
	f->queue = q;
	f->head = r.head;
	f->ndesc = f->legacy = 0;
	f->rs = 0;
	f->len = 0;
	f->has_data = false;
	for (;;) {
		struct tx_desc d;
		bool data, eop;

		if (i == r.tail || f->ndesc == 64)
			return false; /* no EOP yet: wait for the rest */
		if (!dma_read(g, r.base + (uint64_t)i * IGB_DESC_SIZE, &d, sizeof(d)))
			return false;
		if (d.cmd_type_len & IGB_ADVTXD_DCMD_DEXT) {
			data = (d.cmd_type_len & MODEL_ADVTXD_DTYP_MASK) == IGB_ADVTXD_DTYP_DATA;
			eop = data && (d.cmd_type_len & IGB_ADVTXD_DCMD_EOP);
		} else {
			/* Legacy: QEMU sends it as data; silicon is not fed
			 * legacy descriptors here and the model flags them. */
			f->legacy += model_silicon(g);
			data = !model_silicon(g);
			eop = d.cmd_type_len & IGB_ADVTXD_DCMD_EOP;
		}
		if (d.cmd_type_len & IGB_ADVTXD_DCMD_RS)
			f->rs |= 1ull << f->ndesc;
		if (data) {
			uint32_t n = d.cmd_type_len & IGB_ADVTXD_DTALEN_MASK;
			if (f->len + n > MODEL_MAX_FRAME)
				n = 0; /* too big to send: dropped (QEMU skip_cp) */
			if (n && !dma_read(g, d.addr, f->data + f->len, n))
				return false;
			if (!f->len)
				f->src = d.addr;
			f->len += n;
			f->has_data = f->len > 0;
		}
		f->ndesc++;
		i = (i + 1) % r.count;
		if (eop)
			return true;
	}
}

static uint64_t wire_ns(const struct model_igb *g, uint32_t len)
{
	uint32_t bytes = len + MODEL_ETH_FCS;

	if (!model_silicon(g))
		return 0; /* QEMU: synchronous, no wire */
	if (bytes < MODEL_SI_MIN_WIRE_FRAME)
		bytes = MODEL_SI_MIN_WIRE_FRAME;
	return (bytes + MODEL_SI_WIRE_OVERHEAD) * MODEL_SI_NS_PER_BYTE;
}

/* ---- the cable (model_cable) -------------------------------------------- */

void model_cable(struct model_igb *a, struct model_igb *b)
{
	if (a->cable)
		a->cable->cable = NULL;
	a->cable = b;
	if (b) {
		if (b->cable)
			b->cable->cable = NULL;
		b->cable = a;
	}
}

/* Silicon: both ends have the link the PHYs negotiated (not a forced one). */
static bool cable_linked(const struct model_igb *g, const struct model_igb *p)
{
	return g->lu && g->partner_link && p->lu && p->partner_link;
}

/* QEMU igb_can_receive(): link, receiver on, mastering, and a free
 * descriptor in an enabled queue. */
static bool qemu_can_receive(const struct model_igb *g)
{
	if (!g->lu || !(REG(g, IGB_RCTL) & IGB_RCTL_EN) || !dma_master(g) || g->removed)
		return false;
	for (unsigned q = 0; q < MODEL_QUEUES / 2; q++) {
		struct ring r = ring_of(g, false, q);
		if ((REG(g, IGB_RXDCTL(q)) & IGB_XDCTL_QUEUE_ENABLE) && ring_free(&r))
			return true;
	}
	return false;
}

/* QEMU: what the net queue held goes in, oldest first, once it can. */
static void qemu_flush_held(struct model_igb *g)
{
	unsigned n = 0;

	while (n < g->held && qemu_can_receive(g)) {
		rx_frame(g, g->held_data[n], g->held_len[n]);
		n++;
	}
	if (!n)
		return;
	g->held -= n;
	memmove(g->held_data, g->held_data[n], (size_t)g->held * sizeof(g->held_data[0]));
	memmove(g->held_len, g->held_len + n, (size_t)g->held * sizeof(g->held_len[0]));
}

/* A frame sent out of loopback: to the cable's other port when the link
 * carries it there, else lost (frames_to_wire). */
static void wire_send(struct model_igb *g, uint8_t *data, uint32_t len)
{
	struct model_igb *p = g->cable;

	if (!inject_frame_sent(g, data, len) || !p || p->removed ||
	    (model_silicon(g) && !cable_linked(g, p))) {
		g->frames_to_wire++;
		return;
	}
	g->frames_cabled++;
	if (model_silicon(p) || (!p->held && qemu_can_receive(p))) {
		rx_frame(p, data, len);
	} else if (p->held < MODEL_WIRE_HELD && len <= MODEL_WIRE_HELD_FRAME) {
		memcpy(p->held_data[p->held], data, len);
		p->held_len[p->held++] = len;
	} else {
		g->frames_to_wire++;
	}
}

/* The frame in g->tx is off the wire: looped into RX, its descriptors
 * written back (DD in dword 3 where RS asked), the head moved, the TX
 * cause raised. */
static void complete(struct model_igb *g)
{
	struct model_tx_frame *f = &g->tx;
	struct ring r = ring_of(g, true, f->queue);
	unsigned q = f->queue;
	uint32_t eic;

	f->valid = false;
	g->frames_tx++;
	for (unsigned i = 0; i < f->legacy; i++)
		model_violate(g, MV_LEGACY_TX_DESC);
	bool sent = f->has_data && (model_silicon(g) || !qemu_tx_unparsable(f->data, f->len));

	g->frames_unparsed += f->has_data && !sent;
	if (sent)
		stats_tx(g, f->len);
	if (sent && loopback(g) && model_silicon(g) && !model_phy_settled(g)) {
		g->frames_unsettled++;
	} else if (sent && loopback(g)) {
		if (inject_frame_sent(g, f->data, f->len))
			rx_frame(g, f->data, f->len);
		inject_tx_sent(g, f->src, f->len);
	} else if (sent) {
		wire_send(g, f->data, f->len);
		inject_tx_sent(g, f->src, f->len);
	}
	if (g->wedged || g->removed)
		return;
	for (unsigned i = 0; i < f->ndesc; i++) {
		uint64_t at = r.base + (uint64_t)((f->head + i) % r.count) * IGB_DESC_SIZE + 12;
		uint32_t *sta;
		if (!((f->rs >> i) & 1))
			continue;
		sta = dma_map(g, at, sizeof(*sta), true, MV_DMA_OUTSIDE);
		if (sta)
			*sta |= DESC_DD; /* the rest of the descriptor stays */
		else
			g->dma_write_faults++;
	}
	REG(g, IGB_TDH(q)) = (f->head + f->ndesc) % r.count;
	if (!f->rs)
		return;
	eic = irq_queue_bit(g, q, true);
	if (g->in_tdt) /* QEMU: one raise per TDT write, if any IVAR is valid */
		g->tdt_eic |= eic;
	else
		irq_raise(g, MODEL_ICR_TXDW, eic);
}

/* Run the engine up to now: start frames when the wire is free, finish
 * those whose wire time has passed. On QEMU a frame takes no time, so a
 * TDT write sends everything at once, as QEMU does inside the write. */
void dma_run(struct model_igb *g)
{
	while (engine_on(g)) {
		if (!g->tx.valid) {
			unsigned q;
			for (q = 0; q < MODEL_QUEUES; q++)
				if (tx_queue_on(g, q) && gather(g, q))
					break;
			if (q == MODEL_QUEUES || !engine_on(g))
				return;
			g->tx.valid = true;
			g->tx.done_ns = (g->wire_free_ns > g->now_ns ? g->wire_free_ns : g->now_ns) +
					wire_ns(g, g->tx.len);
		}
		if (g->tx.done_ns > g->now_ns)
			return;
		g->wire_free_ns = g->tx.done_ns;
		complete(g);
	}
}

void dma_tdt_written(struct model_igb *g, unsigned queue)
{
	(void)queue;
	g->tdt_writes++;
	if (model_silicon(g)) {
		dma_run(g);
	} else {
		g->in_tdt = true;
		g->tdt_eic = 0;
		dma_run(g);
		g->in_tdt = false;
		if (g->tdt_eic)
			irq_raise(g, MODEL_ICR_TXDW, g->tdt_eic);
	}
	model_tdt_counted(g);
}

/* Silicon: the timed-out read is re-issued every completion timeout for
 * as long as GCR says resend; past a few that is the unbounded stream. */
void dma_sync(struct model_igb *g)
{
	if (g->held)
		qemu_flush_held(g);
	while (g->resending && g->now_ns >= g->next_retry_ns) {
		if (!(REG(g, IGB_GCR) & IGB_GCR_CMPL_TMOUT_RESEND)) {
			g->resending = false;
			break;
		}
		g->resend_retries++;
		if (g->resend_retries == MODEL_SI_RESEND_LIMIT + 1)
			model_violate(g, MV_RESEND_STORM);
		g->next_retry_ns += model_cpl_timeout_ns(g);
	}
	dma_run(g);
}

/* CTRL.RST leaves a wedged silicon engine (and its resends) as they are;
 * FLR (hard) clears them. */
void dma_reset(struct model_igb *g, bool hard)
{
	g->tx.valid = false;
	g->wire_free_ns = g->now_ns;
	if (hard || inject_rst_unwedges(g)) {
		g->wedged = false;
		g->resending = false;
	}
	if (hard) /* FLR drops the function's outstanding requests */
		g->cpl_due_ns = 0;
}
