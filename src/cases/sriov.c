/*
 * sriov.c - SR-IOV virtual functions and the PF/VF mailbox, with
 * both ends driven from here.
 *
 * Every case is a session of its own: the copy engine is removed first
 * (the PF's rings, interrupts and bus mastering are not needed, and
 * vf_reset_handshake resets the PF under it; a later case that needs the
 * link brings the driver up again), VFs are enabled and their BARs made
 * usable, the PF says "reset done" (CTRL_EXT.PFRSTD) so the VFs may talk,
 * and at the end VFs are disabled and the SR-IOV capability and PFRSTD
 * are put back as found, whatever happened in between.
 */
#include "igb/igb_regs.h"
#include "igb/mbx.h"
#include "suite/suite.h"
#include "pci/pci_regs.h"
#include "pci/sriov.h"
#include "report/fmt.h"

/* Messages of the fixed-protocol exchange in mailbox_race_2011. */
#define EXCHANGE_MESSAGES	1000
/* The VMBMEM word the BAR probe writes (the last: no protocol uses it). */
#define PROBE_WORD		(IGB_MBX_WORDS - 1)
#define PROBE_MAGIC		0x5a1e0000u

struct session {
	struct igb_dev *d;
	struct sriov s;
	unsigned n;                       /* VFs enabled */
	struct igb_mbx mbx[IGB_MAX_VFS];
	uint32_t pfrstd;                  /* CTRL_EXT.PFRSTD as found */
	bool pf_ready;                    /* we set PFRSTD: put it back */
	bool vfs_live;                    /* VFs enabled, BARs usable */
};

/* A fresh inventory for the window search (VFs are not in it: their
 * vendor ID reads 0xFFFF). Static: it is large. Side by side another
 * device's session may rescan into it while this one waits; the scan
 * itself never waits, and any scan serves, since what a scan can miss
 * (a PF under test in reset, VF BARs we moved) sriov.c keeps (sriov.h). */
static struct pci_inventory inv;

/* VF vf's BAR0 reaches VF vf's mailbox: a word the VF writes (holding
 * VFU, as the protocol wants) reads back through the PF's VMBMEM(vf). */
static bool probe_vf(void *ctx, const struct sriov *s, unsigned vf, uint64_t bar0)
{
	struct igb_dev *d = ctx;
	uint32_t want = PROBE_MAGIC | (uint32_t)(plat_now_us() & 0xff00) | vf;
	struct igb_mbx m;
	bool ok;

	(void)s;
	igb_mbx_init(&m, d, vf, bar0);
	if (igb_mbx_vf_lock(&m))
		return false;
	igb_vf_wr32(&m, IGB_VF_VMBMEM + 4 * PROBE_WORD, want);
	igb_mbx_vf_unlock(&m);
	ok = igb_rd32(d, IGB_VMBMEM(vf) + 4 * PROBE_WORD) == want;
	igb_wr32(d, IGB_VMBMEM(vf) + 4 * PROBE_WORD, 0);
	return ok;
}

/* Clear every mailbox signal and lock of our VFs: the PF's side, and the
 * VFs' while they are there. */
static void mailbox_quiet(struct session *x)
{
	uint32_t bits = 0;

	for (unsigned v = 0; v < x->n; v++) {
		igb_mbx_pf_unlock(&x->mbx[v]);
		igb_wr32(x->d, IGB_VMBMEM(v) + 4 * PROBE_WORD, 0);
		bits |= IGB_MBVFICR_VFREQ(v) | IGB_MBVFICR_VFACK(v);
		if (!x->vfs_live)
			continue;
		igb_mbx_vf_unlock(&x->mbx[v]);
		igb_mbx_vf_status(&x->mbx[v]); /* read-to-clear bits into the cache */
		x->mbx[v].r2c = 0;
	}
	igb_wr32(x->d, IGB_MBVFICR, bits);
	igb_wr32(x->d, IGB_VFLRE, (1u << x->n) - 1);
}

static void set_pfrstd(struct igb_dev *d, uint32_t bit)
{
	uint32_t v = igb_rd32(d, IGB_CTRL_EXT);

	igb_wr32(d, IGB_CTRL_EXT, (v & ~IGB_CTRL_EXT_PFRSTD) | bit);
}

static enum ktap_result session_end(struct session *x, struct test_run *t,
				    enum ktap_result r)
{
	if (x->pf_ready) {
		mailbox_quiet(x);
		set_pfrstd(x->d, x->pfrstd);
	}
	bool restored = !x->s.cap || !sriov_restore(&x->s);

	ASSERT(t, restored || r == KTAP_FAIL, "restoring the SR-IOV capability: %s",
	       x->s.error);
	return r;
}

/* The steps every case starts with; on failure the session is already
 * closed and the result is what the case returns. */
static enum ktap_result session_begin(struct session *x, struct igb_dev *d,
				      struct test_run *t)
{
	int rc;

	*x = (struct session){ .d = d };
	if (t->drv->up && t->drv->dev == d)
		igb_ops.remove(t->drv);
	ASSERT_OK(t, pci_scan(&inv), "PCI rescan failed");
	rc = sriov_open(&x->s, &inv, d->bdf);
	if (rc == RC_ENODEV)
		SKIP(t, "%s", x->s.error);
	if (rc) {
		x->s.cap = 0; /* nothing of ours to restore */
		return test_fail(t, "%s", x->s.error);
	}
	x->n = x->s.total_vfs < IGB_MAX_VFS ? x->s.total_vfs : IGB_MAX_VFS;
	rc = sriov_enable(&x->s, (uint16_t)x->n);
	if (rc)
		return session_end(x, t, test_fail(t, "enabling %u VFs: %s", x->n, x->s.error));
	rc = sriov_make_bars_usable(&x->s, &inv, probe_vf, d);
	/* No address space to put them in is the host's, not the NIC's. */
	if (rc == RC_ENOMEM)
		return session_end(x, t, test_skip(t, "not tested: no place for the VF "
						   "BARs: %s", x->s.error));
	if (rc)
		return session_end(x, t, test_fail(t, "VF BARs unusable: %s", x->s.error));
	for (unsigned v = 0; v < x->n; v++)
		igb_mbx_init(&x->mbx[v], d, v, sriov_vf_bar(&x->s, v, 0));
	x->pfrstd = igb_rd32(d, IGB_CTRL_EXT) & IGB_CTRL_EXT_PFRSTD;
	x->pf_ready = x->vfs_live = true;
	set_pfrstd(d, IGB_CTRL_EXT_PFRSTD);
	mailbox_quiet(x);
	return KTAP_PASS;
}

/* A failure with the mailbox registers of VF v as they are now. */
static enum ktap_result mbx_fail(struct test_run *t, struct igb_mbx *m, const char *what)
{
	char regs[160];

	igb_mbx_describe(m, regs, sizeof(regs));
	return test_fail(t, "VF %u: %s; %s", m->vf, what, regs);
}

/* ---- sriov_enable ------------------------------------------------------ */

static void report_bars(struct test_run *t, const struct session *x)
{
	const struct sriov_relocation *rl = &x->s.reloc;

	if (rl->done)
		ktap_diag("%s: %s; moved every VF BAR into the free window 0x%llx-0x%llx "
			  "below 4 GiB (VF0 BAR0 0x%llx -> 0x%llx) and set Memory Space in "
			  "each VF's COMMAND", t->name, rl->why,
			  (unsigned long long)rl->window_base,
			  (unsigned long long)(rl->window_base + rl->window_size - 1),
			  (unsigned long long)rl->from, (unsigned long long)rl->to);
	else if (rl->why[0])
		ktap_diag("%s: %s (VF0 BAR0 0x%llx)", t->name, rl->why,
			  (unsigned long long)rl->to);
	else
		ktap_diag("%s: VF BAR0 usable where the firmware put it (VF0 BAR0 0x%llx)",
			  t->name, (unsigned long long)rl->to);
}

static enum ktap_result case_sriov_enable(struct igb_dev *d, struct test_run *t)
{
	struct session x;
	enum ktap_result r = KTAP_PASS;
	uint32_t pf_class = pci_read32(d->bdf, PCI_CLASS_REVISION) >> 8;
	char b[16];

	TRY(session_begin(&x, d, t));
	if (x.s.vf_device != IGB_82576_VF_DEVICE)
		return session_end(&x, t, test_fail(t, "VF Device ID 0x%04x, the 82576 VF "
						    "is 0x%04x", x.s.vf_device,
						    IGB_82576_VF_DEVICE));
	ktap_diag("%s: %u VFs (TotalVFs %u, InitialVFs %u), First VF Offset %u, VF Stride "
		  "%u, ARI Capable Hierarchy %s (the device's, in its lowest PF), the port "
		  "above %s ARI", t->name, x.n, x.s.total_vfs, x.s.initial_vfs, x.s.offset,
		  x.s.stride, x.s.ari_hier ? "on" : "off",
		  x.s.ari ? "forwards" : "does not forward");
	report_bars(t, &x);
	for (unsigned v = 0; v < x.n; v++) {
		struct pci_bdf vb = x.s.vf[v];
		uint16_t vendor = pci_read16(vb, PCI_VENDOR_ID);
		uint32_t class_code = pci_read32(vb, PCI_CLASS_REVISION) >> 8;

		ktap_diag("%s: VF %u at %s (routing ID 0x%04x): IDs %04x:%04x, class %06x, "
			  "BAR0 0x%llx, STATUS 0x%08x", t->name, v,
			  pci_bdf_str(vb, b, sizeof(b)),
			  (unsigned)sriov_vf_rid(d->bdf, x.s.offset, x.s.stride, v), vendor,
			  pci_read16(vb, PCI_DEVICE_ID), class_code,
			  (unsigned long long)sriov_vf_bar(&x.s, v, 0),
			  igb_vf_rd32(&x.mbx[v], IGB_VF_STATUS));
		/* SR-IOV 1.1 3.4.1.1/3.4.1.2: a VF's IDs read 0xFFFF. */
		EXPECT(t, r, vendor == 0xffff, "VF %u's vendor ID reads 0x%04x, not 0xffff",
		       v, vendor);
		EXPECT(t, r, class_code == pf_class, "VF %u's class %06x differs from the "
		       "PF's %06x", v, class_code, pf_class);
		if (r != KTAP_PASS)
			return session_end(&x, t, r);
	}
	/* Exactly n: the next routing ID is not a VF (of ours: side by side it
	 * may be another PF's, which says nothing about this one's count). */
	int32_t next = sriov_vf_rid(d->bdf, x.s.offset, x.s.stride, x.n);
	if (next >= 0 && (next >> 8) == d->bdf.bus) {
		struct pci_bdf nb = { d->bdf.seg, (uint8_t)(next >> 8),
				      (uint8_t)((next >> 3) & 0x1f), (uint8_t)(next & 7) };
		if (!sriov_vf_of_another(&x.s, nb) &&
		    pci_read32(nb, PCI_CLASS_REVISION) != 0xffffffffu)
			return session_end(&x, t, test_fail(t, "%s answers beyond the %u VFs",
							    pci_bdf_str(nb, b, sizeof(b)), x.n));
	}
	if (sriov_disable(&x.s))
		return session_end(&x, t, test_fail(t, "%s", x.s.error));
	for (unsigned v = 0; v < x.n; v++)
		if (pci_read32(x.s.vf[v], PCI_CLASS_REVISION) != 0xffffffffu)
			return session_end(&x, t, test_fail(t, "VF %u still answers after "
							    "VF Enable was cleared", v));
	x.vfs_live = false;
	r = session_end(&x, t, KTAP_PASS);
	if (r == KTAP_PASS)
		ktap_diag("%s: VF Enable cleared: all %u VFs gone; capability restored "
			  "(control 0x%04x, NumVFs %u, VF BAR0 0x%08x%08x)", t->name, x.n,
			  x.s.saved.ctrl, x.s.saved.num_vfs, x.s.saved.bar[1],
			  x.s.saved.bar[0]);
	return r;
}

/* ---- vf_reset_handshake ------------------------------------------------ */

/* The MAC the PF gives VF v: its own, locally administered, last byte
 * per VF (Linux draws a random one; a fixed one can be checked). */
static void vf_mac(const struct igb_dev *d, unsigned v, uint8_t mac[6])
{
	uint32_t ral = igb_rd32(d, IGB_RAL(0)), rah = igb_rd32(d, IGB_RAH(0));

	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = (uint8_t)(ral >> 8);
	mac[2] = (uint8_t)(ral >> 16);
	mac[3] = (uint8_t)(ral >> 24);
	mac[4] = (uint8_t)rah;
	mac[5] = (uint8_t)((rah >> 8) + 1 + v);
}

/* VF reset, VF_RESET message, PF reply with the MAC, as igbvf and igb do. */
static enum ktap_result reset_exchange(struct test_run *t, struct session *x, unsigned v)
{
	struct igb_mbx *m = &x->mbx[v];
	uint32_t msg[3] = { IGB_VF_RESET }, reply[3];
	uint8_t mac[6];

	vf_mac(x->d, v, mac);
	ASSERT(t, !igb_mbx_vf_reset(m) && !igb_mbx_vf_write(m, msg, 1), "VF %u: %s", v,
	       m->last_error);
	ASSERT(t, !igb_mbx_pf_wait(m, IGB_MBVFICR_VFREQ(v), IGB_MBX_TIMEOUT_US) &&
	       !igb_mbx_pf_read(m, msg, 1), "%s", m->last_error);
	if (msg[0] != IGB_VF_RESET)
		return mbx_fail(t, m, "the PF read a message other than VF_RESET");
	if (igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFACK, IGB_MBX_TIMEOUT_US) ||
	    igb_mbx_pf_reply_reset(m, mac) ||
	    igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFSTS, IGB_MBX_TIMEOUT_US) ||
	    igb_mbx_vf_read(m, reply, 3) ||
	    igb_mbx_pf_wait(m, IGB_MBVFICR_VFACK(v), IGB_MBX_TIMEOUT_US))
		return test_fail(t, "%s", m->last_error);
	uint8_t got[6] = { (uint8_t)reply[1], (uint8_t)(reply[1] >> 8),
			   (uint8_t)(reply[1] >> 16), (uint8_t)(reply[1] >> 24),
			   (uint8_t)reply[2], (uint8_t)(reply[2] >> 8) };
	ASSERT(t, reply[0] == (IGB_VF_RESET | IGB_VT_MSGTYPE_ACK),
	       "VF %u: reset reply 0x%08x, expected 0x%08x", v, reply[0],
	       IGB_VF_RESET | IGB_VT_MSGTYPE_ACK);
	for (unsigned i = 0; i < 6; i++)
		ASSERT(t, got[i] == mac[i], "VF %u: reply MAC %02x:%02x:%02x:%02x:%02x:%02x, "
		       "the PF sent %02x:%02x:%02x:%02x:%02x:%02x", v, got[0], got[1],
		       got[2], got[3], got[4], got[5], mac[0], mac[1], mac[2], mac[3],
		       mac[4], mac[5]);
	if (v == 0 || v == x->n - 1)
		ktap_diag("%s: VF %u: VF_RESET answered 0x%08x with MAC "
			  "%02x:%02x:%02x:%02x:%02x:%02x", t->name, v, reply[0], got[0],
			  got[1], got[2], got[3], got[4], got[5]);
	return KTAP_PASS;
}

static enum ktap_result case_vf_reset_handshake(struct igb_dev *d, struct test_run *t)
{
	struct session x;
	enum ktap_result r = KTAP_PASS;
	bool auto_rd;
	int rc;

	TRY(session_begin(&x, d, t));
	/* A PF reset: every VF sees RSTI (and no RSTD) until the PF is done. */
	rc = igb_reset(d, &auto_rd);
	if (rc)
		return session_end(&x, t, test_fail(t, "PF reset: %s", rc_name(rc)));
	for (unsigned v = 0; v < x.n; v++) {
		uint32_t st = igb_mbx_vf_status(&x.mbx[v]);
		if (!(st & IGB_V2PMAILBOX_RSTI) || (st & IGB_V2PMAILBOX_RSTD))
			return session_end(&x, t, mbx_fail(t, &x.mbx[v], "after the PF "
							   "reset RSTI should be set and RSTD clear"));
	}
	uint32_t st0 = igb_mbx_vf_status(&x.mbx[0]);
	/* PF reset done: RSTI clears and RSTD sets, once (read-to-clear). */
	set_pfrstd(d, IGB_CTRL_EXT_PFRSTD);
	for (unsigned v = 0; v < x.n; v++) {
		uint32_t st = igb_mbx_vf_status(&x.mbx[v]);
		if ((st & IGB_V2PMAILBOX_RSTI) || !(st & IGB_V2PMAILBOX_RSTD))
			return session_end(&x, t, mbx_fail(t, &x.mbx[v], "after CTRL_EXT.PFRSTD "
							   "RSTI should be clear and RSTD set"));
		igb_mbx_vf_check(&x.mbx[v], IGB_V2PMAILBOX_RSTD);
		if (igb_mbx_vf_status(&x.mbx[v]) & IGB_V2PMAILBOX_RSTD)
			return session_end(&x, t, mbx_fail(t, &x.mbx[v], "RSTD is still set on "
							   "the second read (read-to-clear)"));
	}
	ktap_diag("%s: after PF reset V2PMAILBOX 0x%08x (RSTI); after PFRSTD RSTD seen once "
		  "on all %u VFs", t->name, st0, x.n);
	for (unsigned v = 0; v < x.n && r == KTAP_PASS; v++)
		r = reset_exchange(t, &x, v);
	return session_end(&x, t, r);
}

/* ---- mailbox_vf_to_pf / mailbox_pf_to_vf ------------------------------ */

static uint32_t pattern(unsigned dir, unsigned v, unsigned len, unsigned i)
{
	return 0xa5000000u | dir << 20 | v << 16 | len << 8 | i;
}

/* The words received are the words sent. */
static enum ktap_result intact(struct test_run *t, unsigned v, unsigned len,
			       const uint32_t *got, const uint32_t *msg)
{
	for (unsigned i = 0; i < len; i++)
		ASSERT(t, got[i] == msg[i], "VF %u: %u-word message, word %u read 0x%08x, "
		       "sent 0x%08x", v, len, i, got[i], msg[i]);
	return KTAP_PASS;
}

static enum ktap_result vf_to_pf_one(struct test_run *t, struct session *x, unsigned v,
				     unsigned len)
{
	struct igb_mbx *m = &x->mbx[v];
	uint32_t msg[IGB_MBX_WORDS], got[IGB_MBX_WORDS];

	for (unsigned i = 0; i < len; i++)
		msg[i] = pattern(1, v, len, i);
	if (igb_mbx_vf_write(m, msg, len))
		return test_fail(t, "%s", m->last_error);
	/* REQ raised VFREQ for the PF and dropped VFU. */
	if (!(igb_rd32(x->d, IGB_MBVFICR) & IGB_MBVFICR_VFREQ(v)))
		return mbx_fail(t, m, "REQ did not set MBVFICR.VFREQ");
	if ((igb_mbx_vf_status(m) & IGB_V2PMAILBOX_VFU) ||
	    (igb_rd32(x->d, IGB_P2VMAILBOX(v)) & IGB_P2VMAILBOX_VFU))
		return mbx_fail(t, m, "VFU still held after REQ");
	if (!igb_mbx_pf_check(m, IGB_MBVFICR_VFREQ(v)) ||
	    (igb_rd32(x->d, IGB_MBVFICR) & IGB_MBVFICR_VFREQ(v)))
		return mbx_fail(t, m, "MBVFICR.VFREQ did not clear on write-1");
	/* The PF's lock shows on both sides. */
	if (igb_mbx_pf_lock(m))
		return test_fail(t, "%s", m->last_error);
	if (!(igb_mbx_vf_status(m) & IGB_V2PMAILBOX_PFU))
		return mbx_fail(t, m, "PFU held but V2PMAILBOX.PFU clear");
	ASSERT(t, !igb_mbx_pf_read(m, got, len), "%s", m->last_error);
	TRY(intact(t, v, len, got, msg));
	/* ACK dropped PFU and reached the VF as PFACK, once. */
	if (igb_rd32(x->d, IGB_P2VMAILBOX(v)) & IGB_P2VMAILBOX_PFU)
		return mbx_fail(t, m, "PFU still held after ACK");
	if (!igb_mbx_vf_check(m, IGB_V2PMAILBOX_PFACK))
		return mbx_fail(t, m, "the PF's ACK did not set PFACK");
	if (igb_mbx_vf_status(m) & (IGB_V2PMAILBOX_PFACK | IGB_V2PMAILBOX_PFSTS))
		return mbx_fail(t, m, "PFACK not cleared by the read, or PFSTS without a PF "
				"message");
	return KTAP_PASS;
}

static enum ktap_result pf_to_vf_one(struct test_run *t, struct session *x, unsigned v,
				     unsigned len)
{
	struct igb_mbx *m = &x->mbx[v];
	uint32_t msg[IGB_MBX_WORDS], got[IGB_MBX_WORDS];

	for (unsigned i = 0; i < len; i++)
		msg[i] = pattern(2, v, len, i);
	if (igb_mbx_pf_write(m, msg, len))
		return test_fail(t, "%s", m->last_error);
	if (igb_rd32(x->d, IGB_P2VMAILBOX(v)) & IGB_P2VMAILBOX_PFU)
		return mbx_fail(t, m, "PFU still held after STS");
	if (!igb_mbx_vf_check(m, IGB_V2PMAILBOX_PFSTS))
		return mbx_fail(t, m, "STS did not set V2PMAILBOX.PFSTS");
	if (igb_mbx_vf_status(m) & IGB_V2PMAILBOX_PFSTS)
		return mbx_fail(t, m, "PFSTS not cleared by the read");
	if (igb_mbx_vf_lock(m))
		return test_fail(t, "%s", m->last_error);
	if (!(igb_rd32(x->d, IGB_P2VMAILBOX(v)) & IGB_P2VMAILBOX_VFU))
		return mbx_fail(t, m, "VFU held but P2VMAILBOX.VFU clear");
	ASSERT(t, !igb_mbx_vf_read(m, got, len), "%s", m->last_error);
	TRY(intact(t, v, len, got, msg));
	if (igb_mbx_vf_status(m) & IGB_V2PMAILBOX_VFU)
		return mbx_fail(t, m, "VFU still held after ACK");
	if (!igb_mbx_pf_check(m, IGB_MBVFICR_VFACK(v)))
		return mbx_fail(t, m, "the VF's ACK did not set MBVFICR.VFACK");
	if (igb_rd32(x->d, IGB_MBVFICR) & (IGB_MBVFICR_VFACK(v) | IGB_MBVFICR_VFREQ(v)))
		return mbx_fail(t, m, "VFACK not cleared on write-1, or VFREQ without a VF "
				"message");
	return KTAP_PASS;
}

static enum ktap_result every_vf_and_length(struct igb_dev *d, struct test_run *t,
	enum ktap_result (*one)(struct test_run *, struct session *, unsigned, unsigned))
{
	struct session x;
	enum ktap_result r = KTAP_PASS;

	TRY(session_begin(&x, d, t));
	for (unsigned v = 0; v < x.n && r == KTAP_PASS; v++)
		for (unsigned len = 1; len <= IGB_MBX_WORDS && r == KTAP_PASS; len++)
			r = one(t, &x, v, len);
	if (r == KTAP_PASS)
		ktap_diag("%s: %u VFs x messages of 1..%u words: delivered intact, locks, "
			  "signals and read-to-clear bits as specified", t->name, x.n,
			  IGB_MBX_WORDS);
	return session_end(&x, t, r);
}

static enum ktap_result case_mailbox_vf_to_pf(struct igb_dev *d, struct test_run *t)
{
	return every_vf_and_length(d, t, vf_to_pf_one);
}

static enum ktap_result case_mailbox_pf_to_vf(struct igb_dev *d, struct test_run *t)
{
	return every_vf_and_length(d, t, pf_to_vf_one);
}

/* ---- mailbox_lock_exclusion ------------------------------------------- */

static enum ktap_result exclusion_one(struct test_run *t, struct session *x, unsigned v)
{
	struct igb_mbx *m = &x->mbx[v];

	if (igb_mbx_vf_lock(m))
		return test_fail(t, "%s", m->last_error);
	if (igb_mbx_pf_lock(m) == RC_OK)
		return mbx_fail(t, m, "the PF took PFU while the VF held VFU");
	if (igb_mbx_vf_status(m) & IGB_V2PMAILBOX_PFU)
		return mbx_fail(t, m, "a refused PFU shows in V2PMAILBOX");
	igb_mbx_vf_unlock(m);
	if (igb_mbx_pf_lock(m))
		return test_fail(t, "after the VF let go: %s", m->last_error);
	if (igb_mbx_vf_lock(m) == RC_OK)
		return mbx_fail(t, m, "the VF took VFU while the PF held PFU");
	if (igb_rd32(x->d, IGB_P2VMAILBOX(v)) & IGB_P2VMAILBOX_VFU)
		return mbx_fail(t, m, "a refused VFU shows in P2VMAILBOX");
	igb_mbx_pf_unlock(m);
	if (igb_mbx_vf_lock(m))
		return test_fail(t, "after the PF let go: %s", m->last_error);
	igb_mbx_vf_unlock(m);
	return KTAP_PASS;
}

static enum ktap_result case_mailbox_lock_exclusion(struct igb_dev *d, struct test_run *t)
{
	struct session x;
	enum ktap_result r = KTAP_PASS;

	TRY(session_begin(&x, d, t));
	for (unsigned v = 0; v < x.n && r == KTAP_PASS; v++)
		r = exclusion_one(t, &x, v);
	if (r == KTAP_PASS)
		ktap_diag("%s: %u VFs: PFU refused while the VF held VFU and VFU while the "
			  "PF held PFU (%u tries each), granted once the other let go",
			  t->name, x.n, IGB_MBX_LOCK_TRIES);
	return session_end(&x, t, r);
}

/* ---- mailbox_race_2011 ------------------------------------------------- */

/*
 * The 2011 e1000-devel report, step by step on VF 0 (register values
 * kept for the diagnostics): VF sends A, PF reads and ACKs it, VF sends B
 * without waiting for the reply to A, PF sends the reply to A. The PF's
 * write flushes MBVFICR (clearing B's VFREQ) and overwrites the buffer:
 * B is lost, and the VF's wait for B's ACK runs out.
 */
static enum ktap_result reproduce(struct test_run *t, struct session *x)
{
	struct igb_mbx *m = &x->mbx[0];
	uint32_t a[2] = { IGB_VF_SET_MULTICAST | 1u << 16, 0x01005e01 };
	uint32_t b[1] = { IGB_VF_SET_PROMISC };
	uint32_t reply[2] = { a[0] | IGB_VT_MSGTYPE_ACK | IGB_VT_MSGTYPE_CTS, a[1] };
	uint32_t got[2], icr_b, buf_b, icr_after, buf_after;
	uint64_t t0;
	int rc;

	ASSERT(t, !igb_mbx_vf_write(m, a, 2) &&
	       !igb_mbx_pf_wait(m, IGB_MBVFICR_VFREQ(0), IGB_MBX_TIMEOUT_US) &&
	       !igb_mbx_pf_read(m, got, 2) &&
	       !igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFACK, IGB_MBX_TIMEOUT_US),
	       "message A: %s", m->last_error);
	ASSERT(t, got[0] == a[0], "message A read as 0x%08x, sent 0x%08x", got[0], a[0]);
	ktap_diag("%s: 1. VF sent A 0x%08x; 2-3. PF saw VFREQ, read A and ACKed; "
		  "5. VF got PFACK", t->name, a[0]);
	/* 6. B, without reading the reply to A first. */
	ASSERT(t, !igb_mbx_vf_write(m, b, 1), "message B: %s", m->last_error);
	icr_b = igb_rd32(x->d, IGB_MBVFICR);
	buf_b = igb_rd32(x->d, IGB_VMBMEM(0));
	ktap_diag("%s: 6. VF sent B 0x%08x without waiting for A's reply: MBVFICR 0x%08x "
		  "(VFREQ set), VMBMEM[0] 0x%08x", t->name, b[0], icr_b, buf_b);
	if (!(icr_b & IGB_MBVFICR_VFREQ(0)) || buf_b != b[0])
		return mbx_fail(t, m, "B is not pending after it was sent");
	/* 7. The PF's late reply to A. */
	ASSERT(t, !igb_mbx_pf_write(m, reply, 2), "reply to A: %s", m->last_error);
	icr_after = igb_rd32(x->d, IGB_MBVFICR);
	buf_after = igb_rd32(x->d, IGB_VMBMEM(0));
	ktap_diag("%s: 7. PF replied to A (0x%08x): MBVFICR 0x%08x (B's VFREQ cleared), "
		  "VMBMEM[0] 0x%08x (B overwritten)", t->name, reply[0], icr_after, buf_after);
	/* 8. Nothing for the PF to read; 9. the VF waits for B's ACK in vain. */
	if (igb_mbx_pf_check(m, IGB_MBVFICR_VFREQ(0)))
		return mbx_fail(t, m, "not reproduced: B's VFREQ survived the PF's reply");
	if (buf_after != reply[0])
		return mbx_fail(t, m, "not reproduced: the buffer does not hold the reply");
	t0 = plat_now_us();
	rc = igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFACK, IGB_MBX_TIMEOUT_US);
	if (rc == RC_OK)
		return mbx_fail(t, m, "not reproduced: B was ACKed");
	ktap_diag("%s: 8. PF found no VFREQ: B lost; 9. VF waited %llu ms for B's ACK: "
		  "none (%s)", t->name, (unsigned long long)((plat_now_us() - t0) / 1000),
		  m->last_error);
	ktap_diag("%s: reproduced the 2011 report exactly: the PF's reply cleared the "
		  "VF's new REQ and overwrote its message", t->name);
	return KTAP_PASS;
}

/* The fix: the VF reads the reply to every message before the next. */
static enum ktap_result exchange(struct test_run *t, struct session *x)
{
	uint64_t t0 = plat_now_us(), min = ~0ull, max = 0, sum = 0;

	for (unsigned i = 0; i < EXCHANGE_MESSAGES; i++) {
		unsigned v = i % x->n, len = 2 + i % (IGB_MBX_WORDS - 1);
		struct igb_mbx *m = &x->mbx[v];
		uint32_t msg[IGB_MBX_WORDS], got[IGB_MBX_WORDS], reply[2];
		uint64_t s = plat_now_us(), us;

		msg[0] = IGB_VF_SET_MULTICAST | (uint32_t)(len - 1) << 16;
		msg[1] = i;
		for (unsigned k = 2; k < len; k++)
			msg[k] = pattern(3, v, len, k) ^ i;
		ASSERT(t, !igb_mbx_vf_write(m, msg, len) &&
		       !igb_mbx_pf_wait(m, IGB_MBVFICR_VFREQ(v), IGB_MBX_TIMEOUT_US) &&
		       !igb_mbx_pf_read(m, got, len) &&
		       !igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFACK, IGB_MBX_TIMEOUT_US),
		       "message %u (VF %u) lost: %s", i, v, m->last_error);
		TRY(intact(t, v, len, got, msg));
		/* The PF replies late, as in the report; the VF waits for it. */
		if (igb_mbx_vf_check(m, IGB_V2PMAILBOX_PFSTS))
			return mbx_fail(t, m, "a reply before the PF sent one");
		reply[0] = msg[0] | IGB_VT_MSGTYPE_ACK | IGB_VT_MSGTYPE_CTS;
		reply[1] = i;
		ASSERT(t, !igb_mbx_pf_write(m, reply, 2) &&
		       !igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFSTS, IGB_MBX_TIMEOUT_US) &&
		       !igb_mbx_vf_read(m, got, 2) &&
		       !igb_mbx_pf_wait(m, IGB_MBVFICR_VFACK(v), IGB_MBX_TIMEOUT_US),
		       "reply %u (VF %u) lost: %s", i, v, m->last_error);
		ASSERT(t, got[0] == reply[0] && got[1] == i, "reply %u (VF %u) read 0x%08x "
		       "0x%08x, sent 0x%08x 0x%08x", i, v, got[0], got[1], reply[0], i);
		us = plat_now_us() - s;
		sum += us;
		min = us < min ? us : min;
		max = us > max ? us : max;
	}
	ktap_diag("%s: fixed protocol: %u messages (1..%u words) and %u replies over %u "
		  "VFs, none lost, in %llu ms; round trip min %llu us, mean %llu us, max "
		  "%llu us", t->name, EXCHANGE_MESSAGES, IGB_MBX_WORDS, EXCHANGE_MESSAGES,
		  x->n, (unsigned long long)((plat_now_us() - t0) / 1000),
		  (unsigned long long)min, (unsigned long long)(sum / EXCHANGE_MESSAGES),
		  (unsigned long long)max);
	return KTAP_PASS;
}

static enum ktap_result case_mailbox_race_2011(struct igb_dev *d, struct test_run *t)
{
	struct session x;
	enum ktap_result r;

	TRY(session_begin(&x, d, t));
	r = reproduce(t, &x);
	if (r == KTAP_PASS) {
		mailbox_quiet(&x);
		r = exchange(t, &x);
	}
	return session_end(&x, t, r);
}

/* ---- vf_flr ------------------------------------------------------------ */

/* One message each way on VF v: the mailbox works. */
static enum ktap_result works(struct test_run *t, struct session *x, unsigned v)
{
	enum ktap_result r = vf_to_pf_one(t, x, v, 2);

	return r == KTAP_PASS ? pf_to_vf_one(t, x, v, 2) : r;
}

static enum ktap_result case_vf_flr(struct igb_dev *d, struct test_run *t)
{
	struct session x;
	enum ktap_result r = KTAP_PASS;
	unsigned k, j = 0;
	uint32_t pf_ral, keep = 0x5a5a0000u, vflre;
	bool pending;
	int rc;

	TRY(session_begin(&x, d, t));
	k = x.n - 1;
	if (k == j)
		return session_end(&x, t, test_skip(t, "one VF: no other VF to watch"));
	/* Observable state: Bus Master on in VFs j and k (no DMA is set
	 * up), a word in VF j's and k's buffers, the PF's address. */
	pci_write16(x.s.vf[j], PCI_COMMAND, pci_read16(x.s.vf[j], PCI_COMMAND) | PCI_COMMAND_MASTER);
	pci_write16(x.s.vf[k], PCI_COMMAND, pci_read16(x.s.vf[k], PCI_COMMAND) | PCI_COMMAND_MASTER);
	igb_wr32(d, IGB_VMBMEM(j) + 4, keep | j);
	igb_wr32(d, IGB_VMBMEM(k) + 4, keep | k);
	pf_ral = igb_rd32(d, IGB_RAL(0));
	igb_wr32(d, IGB_VFLRE, (1u << x.n) - 1);

	rc = sriov_vf_flr(&x.s, k, &pending);
	if (rc == RC_ENOTSUP)
		return session_end(&x, t, test_skip(t, "%s", x.s.error));
	if (rc)
		return session_end(&x, t, test_fail(t, "%s", x.s.error));
	vflre = igb_rd32(d, IGB_VFLRE);
	uint16_t cmd_k = pci_read16(x.s.vf[k], PCI_COMMAND);
	uint16_t cmd_j = pci_read16(x.s.vf[j], PCI_COMMAND);
	uint32_t buf_j = igb_rd32(d, IGB_VMBMEM(j) + 4), buf_k = igb_rd32(d, IGB_VMBMEM(k) + 4);
	ktap_diag("%s: FLR of VF %u%s: VFLRE 0x%08x, VF %u COMMAND 0x%04x, VF %u COMMAND "
		  "0x%04x, VMBMEM(%u)[1] 0x%08x, VMBMEM(%u)[1] 0x%08x", t->name, k,
		  pending ? " (Transactions Pending never cleared)" : "", vflre, k, cmd_k, j,
		  cmd_j, j, buf_j, k, buf_k);
	EXPECT(t, r, vflre == (1u << k), "VFLRE 0x%08x after FLR of VF %u, expected 0x%08x",
	       vflre, k, 1u << k);
	EXPECT(t, r, !(cmd_k & PCI_COMMAND_MASTER), "VF %u's Bus Master survived its FLR "
	       "(COMMAND 0x%04x)", k, cmd_k);
	EXPECT(t, r, cmd_j & PCI_COMMAND_MASTER, "VF %u's Bus Master was cleared by VF "
	       "%u's FLR", j, k);
	EXPECT(t, r, buf_j == (keep | j), "VF %u's buffer changed (0x%08x) with VF %u's "
	       "FLR", j, buf_j, k);
	EXPECT(t, r, igb_rd32(d, IGB_RAL(0)) == pf_ral &&
		     igb_rd32(d, IGB_STATUS) != 0xffffffffu,
	       "the PF's registers changed with VF %u's FLR", k);
	igb_wr32(d, IGB_VFLRE, vflre);
	pci_write16(x.s.vf[j], PCI_COMMAND, cmd_j & ~PCI_COMMAND_MASTER);
	if (r == KTAP_PASS && (r = works(t, &x, j)) == KTAP_PASS &&
	    (r = works(t, &x, k)) == KTAP_PASS)
		ktap_diag("%s: VF %u reset alone; the PF and VF %u kept their state, and both "
			  "mailboxes work after it", t->name, k, j);
	return session_end(&x, t, r);
}

/* The PF's driver is removed and no VF is given DMA work: config space
 * and mailbox registers only, so once per device (MODES_ONCE). Side by
 * side with other PFs' sessions: all they share is the PCI memory VF BARs
 * are moved into, kept apart in sriov.c (sriov.h). */
static const struct igb_test cases[] = {
	IGB_CASE(sriov_enable, NEEDS_BAR0, MODES_ONCE,
		 "VFs appear with the right count, IDs and routing IDs, BAR0 reaches each VF's mailbox; disable removes them, the capability is restored"),
	IGB_CASE(vf_reset_handshake, NEEDS_BAR0, MODES_ONCE,
		 "PF reset sets RSTI, PFRSTD sets RSTD (read-to-clear), VF_RESET is answered with ACK and the VF's MAC"),
	IGB_CASE(mailbox_vf_to_pf, NEEDS_BAR0, MODES_ONCE,
		 "every VF: messages of 1..16 words reach the PF intact; REQ/ACK, VFU/PFU and PFACK as the datasheet says"),
	IGB_CASE(mailbox_pf_to_vf, NEEDS_BAR0, MODES_ONCE,
		 "every VF: messages of 1..16 words reach the VF intact; STS/ACK, PFU/VFU and PFSTS as the datasheet says"),
	IGB_CASE(mailbox_lock_exclusion, NEEDS_BAR0, MODES_ONCE,
		 "PFU is refused while the VF holds VFU and the reverse, and granted once the other lets go"),
	IGB_CASE(mailbox_race_2011, NEEDS_BAR0, MODES_ONCE,
		 "reproduction of the 2011 report (a late PF reply loses the VF's next message), then 1000 messages with the fixed protocol, none lost"),
	IGB_CASE(vf_flr, NEEDS_BAR0, MODES_ONCE,
		 "FLR of one VF resets it alone; the PF and the other VFs keep working"),
};
IGB_GROUP(sriov, "SR-IOV and the PF/VF mailbox", cases);
