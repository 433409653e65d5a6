/*
 * test_sriov.c - src/pci/sriov: routing IDs, the window search, owning and
 * restoring the capability, VF BARs made usable (in place on silicon,
 * moved below 4 GiB on QEMU, never probed or enabled at address 0), ARI,
 * and VF FLR, against the 82576 model's SR-IOV side.
 */
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "igb/mbx.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "report/options.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "pci/sriov.h"

#define BAR0 0xfebc0000u
#define PORT_BASE 0xfeb00000u   /* the 1 MiB window the model gives the port */
#define CAP FAKE_82576_SRIOV_CAP

static struct pci_inventory inv;

struct rig {
	struct fake_82576 p;
	struct fake_fn *port;
	struct igb_dev d;
	struct sriov s;
};

/* Host bridge, root port 0:2.0 to bus 1, the PF at 1:0.0; scanned. */
static void rig_open(struct rig *r, enum model_personality pers)
{
	memset(r, 0, sizeof(*r));
	fake_host_bridge_add(0, 0, 0);
	r->port = fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	r->p = fake_82576_add_as(1, 0, 0, BAR0, pers);
	r->d = (struct igb_dev){ .fn = NULL, .bdf = r->p.fn->bdf, .bar0 = BAR0 };
	REQUIRE(pci_scan(&inv) == RC_OK);
}

/* A VF's BAR0 answers: the probe the suite uses, through the mailbox. */
static bool probe(void *ctx, const struct sriov *s, unsigned vf, uint64_t bar0)
{
	struct igb_dev *d = ctx;
	struct igb_mbx m;
	bool ok;

	(void)s;
	igb_mbx_init(&m, d, vf, bar0);
	if (igb_mbx_vf_lock(&m))
		return false;
	igb_vf_wr32(&m, IGB_VF_VMBMEM, 0x1234u + vf);
	igb_mbx_vf_unlock(&m);
	ok = plat_mmio_read32(d->bar0 + IGB_VMBMEM(vf)) == 0x1234u + vf;
	return ok;
}

static void cap_bytes(const struct fake_fn *f, uint8_t *buf)
{
	for (unsigned i = 0; i < PCI_EXT_CAP_SRIOV_SIZEOF; i++)
		buf[i] = fake_get8(f, (uint16_t)(CAP + i));
}

/* ---- pure parts ---- */

TEST(sriov_routing_ids)
{
	struct pci_bdf pf = fake_bdf(1, 0, 0), late = fake_bdf(0xff, 0x1f, 7);

	CHECK_EQ(sriov_vf_rid(pf, 0x80, 2, 0), 0x0180);
	CHECK_EQ(sriov_vf_rid(pf, 0x80, 2, 7), 0x018e);
	CHECK_EQ(sriov_vf_rid(fake_bdf(0, 1, 0), 0x80, 2, 3), 0x0008 + 0x80 + 6);
	/* past 0xffff: no such routing ID */
	CHECK(sriov_vf_rid(late, 0x80, 2, 0) < 0);
	CHECK_EQ(sriov_vf_rid(late, 0, 0, 0), 0xffff);
}

TEST(sriov_window_search)
{
	const struct plat_range allowed[] = { { 0xc0000000, 0x100000 },
					      { 0xb0000000, 0x100000 } };
	const struct plat_range busy[] = { { 0xc0000000, 0x20000 }, { 0xc0020000, 0x20000 },
					   { 0xc0040000, 0x1000 }, { 0xb0000000, 0x100000 } };
	uint64_t base = 0;

	/* first fit after the busy ranges, aligned, in the lowest range that fits */
	CHECK_EQ(sriov_find_window(allowed, 2, busy, 4, 0x40000, 0x4000, 1ull << 32, &base),
		 RC_OK);
	CHECK_EQ(base, 0xc0044000);
	/* the second allowed range is lower and free */
	CHECK_EQ(sriov_find_window(allowed, 2, busy, 3, 0x40000, 0x4000, 1ull << 32, &base),
		 RC_OK);
	CHECK_EQ(base, 0xb0000000);
	/* alignment is honoured */
	CHECK_EQ(sriov_find_window(allowed, 1, busy, 3, 0x40000, 0x40000, 1ull << 32, &base),
		 RC_OK);
	CHECK_EQ(base, 0xc0080000);
	/* too big, or above the limit: none */
	CHECK_EQ(sriov_find_window(allowed, 1, busy, 3, 0x100000, 0x4000, 1ull << 32, &base),
		 RC_ENOMEM);
	CHECK_EQ(sriov_find_window(allowed, 1, busy, 0, 0x1000, 0x1000, 0xc0000000, &base),
		 RC_ENOMEM);
	/* nothing below 1 MiB, even when a range says so (an unset bridge) */
	const struct plat_range low[] = { { 0, 0x200000 } };
	CHECK_EQ(sriov_find_window(low, 1, NULL, 0, 0x40000, 0x4000, 1ull << 32, &base), RC_OK);
	CHECK_EQ(base, 0x100000);
	const struct plat_range only_low[] = { { 0, 0x100000 } };
	CHECK_EQ(sriov_find_window(only_low, 1, NULL, 0, 0x1000, 0x1000, 1ull << 32, &base),
		 RC_ENOMEM);
	/* bad alignment */
	CHECK_EQ(sriov_find_window(allowed, 1, NULL, 0, 0x1000, 0x3000, 1ull << 32, &base),
		 RC_EINVAL);
}

/* ---- owning the capability ---- */

TEST(sriov_open_refuses_live_vfs_and_missing_cap)
{
	struct rig r;

	rig_open(&r, MODEL_QEMU);
	fake_set16(r.p.fn, CAP + PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	CHECK_EQ(sriov_open(&r.s, &inv, r.d.bdf), RC_EIO);
	CHECK(strstr(r.s.error, "the firmware left VF Enable or VF Memory Space set"));

	struct fake_fn *plain = fake_fn_add(0, 5, 0);
	fake_fn_ids(plain, 0x8086, 0x10c9, 0x020000, 1);
	CHECK_EQ(sriov_open(&r.s, &inv, plain->bdf), RC_ENODEV);
	CHECK_STREQ(r.s.error, "no SR-IOV capability");
	CHECK_EQ(fake_cfg_writes_total(), 0);
}

TEST(sriov_enable_disable_restore)
{
	struct rig r;
	uint8_t before[PCI_EXT_CAP_SRIOV_SIZEOF], after[PCI_EXT_CAP_SRIOV_SIZEOF];

	rig_open(&r, MODEL_QEMU);
	cap_bytes(r.p.fn, before);
	REQUIRE(sriov_open(&r.s, &inv, r.d.bdf) == RC_OK);
	CHECK_EQ(r.s.total_vfs, 8);
	CHECK(r.s.ari);              /* the model's port forwards ARI, as OVMF sets it */
	CHECK(r.s.below_port);
	CHECK_EQ(r.s.bar[0].kind, PCI_BAR_MEM64);
	CHECK_EQ(r.s.bar[0].size, 0x4000);
	CHECK_EQ(r.s.bar[3].size, 0x4000);
	CHECK_EQ(r.s.bar[1].kind, PCI_BAR_NONE);
	CHECK(r.s.bar[0].addr >= (1ull << 32));
	REQUIRE(sriov_enable(&r.s, 8) == RC_OK);
	CHECK_EQ(fake_get16(r.p.fn, CAP + PCI_SRIOV_NUM_VF), 8);
	for (unsigned v = 0; v < 8; v++) {
		harness_note("VF %u", v);
		CHECK(fake_bdf_eq(r.s.vf[v], fake_bdf(1, 0x10 + v / 4, (uint8_t)(2 * (v % 4)))));
		CHECK_EQ(pci_read16(r.s.vf[v], PCI_VENDOR_ID), 0xffff);
		CHECK_EQ(pci_read32(r.s.vf[v], PCI_CLASS_REVISION) >> 8, 0x020000);
	}
	harness_note("%s", "");
	CHECK_EQ(sriov_enable(&r.s, 8), RC_EINVAL); /* already on */
	CHECK_EQ(sriov_disable(&r.s), RC_OK);
	for (unsigned v = 0; v < 8; v++)
		CHECK_EQ(pci_read32(r.s.vf[v], PCI_CLASS_REVISION), 0xffffffffu);
	CHECK_EQ(sriov_restore(&r.s), RC_OK);
	cap_bytes(r.p.fn, after);
	CHECK(!memcmp(before, after, sizeof(before)));
	CHECK_EQ(sriov_enable(&r.s, 9), RC_ERANGE);
}

/* QEMU: above 4 GiB the VFs do not answer; the BARs move below 4 GiB into
 * the port's window, clear of the PF's BAR0, and VF COMMAND.MEM is set
 * only there (never over low memory). */
TEST(sriov_bars_moved_below_4g_on_qemu)
{
	struct rig r;
	const struct model_sriov *sv;

	rig_open(&r, MODEL_QEMU);
	sv = model_sriov(r.p.model);
	REQUIRE(sriov_open(&r.s, &inv, r.d.bdf) == RC_OK);
	uint64_t high = r.s.bar[0].addr;
	REQUIRE(sriov_enable(&r.s, 8) == RC_OK);
	CHECK_EQ(sriov_make_bars_usable(&r.s, &inv, probe, &r.d), RC_OK);
	CHECK(r.s.reloc.done);
	CHECK(r.s.vf_cmd_mem);
	CHECK_EQ(r.s.reloc.from, high);
	CHECK(strstr(r.s.reloc.why, "above 4 GiB) does not answer"));
	/* inside the port's window, not over the PF's BAR0 (0xfebc0000 +128K) */
	CHECK_EQ(r.s.reloc.to, PORT_BASE);
	CHECK_EQ(r.s.reloc.window_size, 2 * 8 * 0x4000);
	CHECK(r.s.reloc.window_base + r.s.reloc.window_size <= BAR0);
	CHECK_EQ(sriov_vf_bar(&r.s, 7, 0), PORT_BASE + 7 * 0x4000);
	CHECK_EQ(sriov_vf_bar(&r.s, 0, 3), PORT_BASE + 8 * 0x4000);
	CHECK_EQ(sv->low_alias, 0);
	CHECK_EQ(sv->bar_moved_live, 0);
	for (unsigned v = 0; v < 8; v++)
		CHECK(probe(&r.d, &r.s, v, sriov_vf_bar(&r.s, v, 0)));
	CHECK_EQ(sriov_restore(&r.s), RC_OK);
	CHECK_EQ(fake_get32(r.p.fn, CAP + PCI_SRIOV_BAR + 4), (uint32_t)(high >> 32));
}

/* Silicon decodes 64-bit VF BARs where the firmware put them: nothing is
 * moved and no VF COMMAND is written. */
TEST(sriov_bars_used_in_place_on_silicon)
{
	struct rig r;

	rig_open(&r, MODEL_SILICON);
	REQUIRE(sriov_open(&r.s, &inv, r.d.bdf) == RC_OK);
	REQUIRE(sriov_enable(&r.s, 8) == RC_OK);
	unsigned writes = fake_cfg_writes_total();
	CHECK_EQ(sriov_make_bars_usable(&r.s, &inv, probe, &r.d), RC_OK);
	CHECK(!r.s.reloc.done);
	CHECK(!r.s.vf_cmd_mem);
	CHECK_EQ(r.s.reloc.why[0], '\0');
	CHECK_EQ(fake_cfg_writes_total(), writes);
	CHECK(r.s.bar[0].addr >= (1ull << 32));
	CHECK_EQ(sriov_restore(&r.s), RC_OK);
}

/* After a PF FLR the VF BARs are 0: VF memory stays off until they have
 * an address, nothing probes address 0 (the fake ends a test that touches
 * unmapped memory), and they are placed below 4 GiB. */
TEST(sriov_unassigned_bars_are_placed_not_probed)
{
	struct rig r;

	rig_open(&r, MODEL_SILICON);
	fake_set32(r.p.fn, CAP + PCI_SRIOV_BAR, 0xc);
	fake_set32(r.p.fn, CAP + PCI_SRIOV_BAR + 4, 0);
	fake_set32(r.p.fn, CAP + PCI_SRIOV_BAR + 12, 0xc);
	fake_set32(r.p.fn, CAP + PCI_SRIOV_BAR + 16, 0);
	REQUIRE(sriov_open(&r.s, &inv, r.d.bdf) == RC_OK);
	REQUIRE(sriov_enable(&r.s, 8) == RC_OK);
	CHECK_EQ(fake_get16(r.p.fn, CAP + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_MSE, 0);
	CHECK_EQ(sriov_make_bars_usable(&r.s, &inv, probe, &r.d), RC_OK);
	CHECK(r.s.reloc.done);
	CHECK(strstr(r.s.reloc.why, "unassigned"));
	CHECK_EQ(r.s.reloc.to, PORT_BASE);
	CHECK(fake_get16(r.p.fn, CAP + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_MSE);
	CHECK_EQ(sriov_restore(&r.s), RC_OK);
}

/* A PF on a root bus: the window comes from the platform's apertures, and
 * the BARs of every other function in the inventory are avoided. */
TEST(sriov_root_bus_window_from_platform)
{
	static const struct plat_range ap[] = { { 0xc0000000, 0x100000 } };
	struct sriov s;
	struct fake_82576 p;
	struct igb_dev d;

	fake_host_bridge_add(0, 0, 0);
	p = fake_82576_add_as(0, 1, 0, 0xc0020000, MODEL_QEMU);
	fake_e1000e_add(0, 3, 0, 0xc0040000); /* BARs 0xc0040000 +128K, +0x20000 16K */
	fake_root_mmio_set(ap, 1);
	d = (struct igb_dev){ .bdf = p.fn->bdf, .bar0 = 0xc0020000 };
	REQUIRE(pci_scan(&inv) == RC_OK);
	REQUIRE(sriov_open(&s, &inv, d.bdf) == RC_OK);
	CHECK(!s.below_port);
	CHECK(!s.ari);
	REQUIRE(sriov_enable(&s, 8) == RC_OK);
	CHECK(fake_bdf_eq(s.vf[0], fake_bdf(0, 0x11, 0)));
	CHECK_EQ(sriov_make_bars_usable(&s, &inv, probe, &d), RC_OK);
	/* 0xc0000000 is free below the PF's BAR0 but too small (256K needed);
	 * next is right after the e1000e's BAR3, 16K-aligned */
	CHECK_EQ(s.reloc.to, 0xc0064000);
	CHECK_EQ(sriov_restore(&s), RC_OK);

	/* a platform that cannot say (a new run: no window kept from above):
	 * a clear reason, nothing moved */
	sriov_forget_pfs();
	fake_root_mmio_set(NULL, 0);
	REQUIRE(sriov_open(&s, &inv, d.bdf) == RC_OK);
	REQUIRE(sriov_enable(&s, 8) == RC_OK);
	CHECK_EQ(sriov_make_bars_usable(&s, &inv, probe, &d), RC_ENOMEM);
	CHECK(strstr(s.error, "no free 256 KiB window below 4 GiB"));
	CHECK_EQ(sriov_restore(&s), RC_OK);
}

/*
 * An SR-IOV function not under test (a second 82576 on the root bus, not
 * selected): where the firmware put its VF BARs, TotalVFs copies each,
 * is avoided as any BAR is, though its VFs are off (an OS may enable them
 * there). Its per-VF size is not read (that writes it): the address's
 * alignment bounds it. Here its VF BAR0 and BAR3 lie where the window
 * would otherwise be (0xc0040000, first free 256 KiB-aligned place after
 * the PF's BARs); nothing of it is written.
 */
TEST(sriov_window_avoids_vf_bars_of_a_function_not_under_test)
{
	static const struct plat_range ap[] = { { 0xc0000000, 0x400000 } };
	struct sriov s;
	struct fake_82576 p, q;
	struct igb_dev d;
	uint64_t end;

	fake_host_bridge_add(0, 0, 0);
	p = fake_82576_add_as(0, 1, 0, 0xc0020000, MODEL_QEMU);
	q = fake_82576_add_as(0, 5, 0, 0xc0300000, MODEL_QEMU);
	/* 16 KiB-aligned: 8 copies of at most 16 KiB from each */
	fake_set32(q.fn, CAP + PCI_SRIOV_BAR, 0xc0044000u | 0xc);
	fake_set32(q.fn, CAP + PCI_SRIOV_BAR + 4, 0);
	fake_set32(q.fn, CAP + PCI_SRIOV_BAR + 12, 0xc0064000u | 0xc);
	fake_set32(q.fn, CAP + PCI_SRIOV_BAR + 16, 0);
	fake_root_mmio_set(ap, 1);
	d = (struct igb_dev){ .bdf = p.fn->bdf, .bar0 = 0xc0020000 };
	REQUIRE(pci_scan(&inv) == RC_OK);
	REQUIRE(sriov_open(&s, &inv, d.bdf) == RC_OK);
	REQUIRE(sriov_enable(&s, 8) == RC_OK);
	CHECK_EQ(sriov_make_bars_usable(&s, &inv, probe, &d), RC_OK);
	CHECK(s.reloc.done);
	end = s.reloc.window_base + s.reloc.window_size;
	CHECK(s.reloc.window_base >= 0xc0064000u + 8 * 0x4000 || end <= 0xc0044000u);
	CHECK_EQ(s.reloc.to, 0xc0084000u); /* right after its VF BAR3 copies */
	CHECK_EQ(fake_cfg_writes_to(q.fn->bdf), 0);
	CHECK_EQ(sriov_restore(&s), RC_OK);
	CHECK_EQ(model_violations(p.model) + model_violations(q.model), 0);
}

/*
 * A host with no free place below 4 GiB for VF BARs that must move (QEMU's
 * personality: above 4 GiB; a platform that cannot say where its root bus
 * decodes): the SR-IOV cases are not tested, with the reason, and the NIC
 * is not blamed.
 */
TEST(sriov_no_window_is_not_tested)
{
	static struct options o;
	static const char only[] = "--only=sriov_enable";
	static struct kp_doc d;

	fake_host_bridge_add(0, 0, 0);
	(void)fake_82576_add_as(0, 1, 0, 0xc0020000, MODEL_QEMU);
	fake_root_mmio_set(NULL, 0);
	options_defaults(&o);
	REQUIRE(options_parse_cmdline(&o, only, sizeof(only) - 1) == RC_OK);
	igbtest_run(&o, NULL);
	REQUIRE(kp_parse(&d));
	REQUIRE(d.nb == 1);
	CHECK_EQ(kp_verdict_of(&d.b[0], "sriov_enable"), KP_SKIP);
	CHECK(fake_output_contains("not tested: no place for the VF BARs: no free "
				   "256 KiB window below 4 GiB"));
}

/*
 * Side by side, two PFs move their VF BARs at once: the window one found
 * is claimed before it is written, so another PF's search cannot land on
 * it. Both ports of a dual-port 82576 under one root port (01:00.0 and
 * 01:00.1, VFs interleaved at 01:10.0-01:11.7, SR-IOV 1.1 3.3.10-11),
 * QEMU's personality (both move). A moves, then turns its VFs off as
 * between two steps of a session (sriov_make_bars_usable disables and
 * re-enables around the move); B searches meanwhile; A's VFs come back.
 * Kept apart, nothing overlaps. Then the same with the claims forgotten
 * (as before they existed) while A's VF BARs read 0, as during an FLR of
 * A (PCIe 4.0 6.6.2; otherwise B would avoid them as any function's):
 * B lands on A's window, where A's VFs still take its accesses (B's VFs
 * "do not answer": a NIC blamed for the host's doing), and the model sees
 * A's VFs come back over B's.
 */
/* Both ports of a dual-port 82576 under root port 0:2.0; scanned. */
static void dual_open_as(struct fake_82576 *a, struct fake_82576 *b, struct igb_dev *da,
			 struct igb_dev *db, enum model_personality pers)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	*a = fake_82576_add_as(1, 0, 0, BAR0, pers);
	fake_fn_multifunction(a->fn);
	*b = fake_82576_add_as(1, 0, 1, BAR0 + FAKE_82576_BAR0_SIZE, pers);
	*da = (struct igb_dev){ .bdf = a->fn->bdf, .bar0 = BAR0 };
	*db = (struct igb_dev){ .bdf = b->fn->bdf, .bar0 = BAR0 + FAKE_82576_BAR0_SIZE };
	REQUIRE(pci_scan(&inv) == RC_OK);
}

static void dual_open(struct fake_82576 *a, struct fake_82576 *b, struct igb_dev *da,
		      struct igb_dev *db)
{
	dual_open_as(a, b, da, db, MODEL_QEMU);
}

static unsigned overlaps_after_b_moves(bool forget, int *rc_b, uint64_t *wa, uint64_t *wb)
{
	struct fake_82576 a, b;
	struct igb_dev da, db;
	struct sriov sa, sb;
	unsigned n;

	dual_open(&a, &b, &da, &db);
	REQUIRE(sriov_open(&sa, &inv, da.bdf) == RC_OK);
	REQUIRE(sriov_open(&sb, &inv, db.bdf) == RC_OK);
	REQUIRE(sriov_enable(&sa, 8) == RC_OK);
	REQUIRE(sriov_make_bars_usable(&sa, &inv, probe, &da) == RC_OK);
	REQUIRE(sriov_disable(&sa) == RC_OK);
	uint32_t abar[PCI_SRIOV_NUM_BARS];
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		abar[i] = fake_get32(a.fn, (uint16_t)(CAP + PCI_SRIOV_BAR + 4 * i));
		if (forget)
			fake_set32(a.fn, (uint16_t)(CAP + PCI_SRIOV_BAR + 4 * i), 0);
	}
	if (forget)
		sriov_forget_pfs();
	REQUIRE(sriov_enable(&sb, 8) == RC_OK);
	/* interleaved: A's VFs even functions, B's odd */
	CHECK(fake_bdf_eq(sa.vf[0], fake_bdf(1, 0x10, 0)));
	CHECK(fake_bdf_eq(sb.vf[0], fake_bdf(1, 0x10, 1)));
	CHECK(fake_bdf_eq(sb.vf[7], fake_bdf(1, 0x11, 7)));
	*rc_b = sriov_make_bars_usable(&sb, &inv, probe, &db);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		fake_set32(a.fn, (uint16_t)(CAP + PCI_SRIOV_BAR + 4 * i), abar[i]);
	REQUIRE(sriov_enable(&sa, 8) == RC_OK);
	*wa = sa.reloc.to;
	*wb = sb.reloc.to;
	n = model_violations(a.model) + model_violations(b.model);
	CHECK_EQ(sriov_restore(&sa), RC_OK);
	CHECK_EQ(sriov_restore(&sb), RC_OK);
	return n;
}

TEST(sriov_two_pfs_moving_at_once_kept_apart)
{
	uint64_t wa, wb;
	int rc_b;

	CHECK_EQ(overlaps_after_b_moves(false, &rc_b, &wa, &wb), 0);
	CHECK_EQ(rc_b, RC_OK);
	CHECK(wa >= PORT_BASE && wb >= PORT_BASE);
	CHECK(wa + 2 * 8 * 0x4000 <= wb || wb + 2 * 8 * 0x4000 <= wa);
}

TEST(sriov_neg_window_claims_forgotten_overlap)
{
	uint64_t wa, wb;
	int rc_b;

	CHECK(overlaps_after_b_moves(true, &rc_b, &wa, &wb) > 0);
	CHECK_EQ(rc_b, RC_EIO);
	CHECK_EQ(wa, wb);
}

/* ARI Capable Hierarchy is the device's, in its lowest PF, and sets the
 * routing IDs of both ports' VFs (SR-IOV 1.1 3.3.3.5): with the firmware
 * having left it clear below a port that forwards ARI, port 0 sets it for
 * its session; when port 0 is done first, the bit stays while port 1's
 * VFs are on, and port 1's restore puts it back as found. */
TEST(sriov_ari_bit_kept_while_the_other_port_has_vfs)
{
	struct fake_82576 a, b;
	struct igb_dev da, db;
	struct sriov sa, sb;

	dual_open(&a, &b, &da, &db);
	fake_set16(a.fn, CAP + PCI_SRIOV_CTRL, 0);
	fake_set16(b.fn, CAP + PCI_SRIOV_CTRL, 0);
	REQUIRE(sriov_open(&sa, &inv, da.bdf) == RC_OK);
	REQUIRE(sriov_open(&sb, &inv, db.bdf) == RC_OK);
	CHECK(sa.ari && sb.ari);
	REQUIRE(sriov_enable(&sa, 8) == RC_OK);
	REQUIRE(sriov_enable(&sb, 8) == RC_OK);
	CHECK_EQ(sriov_restore(&sa), RC_OK);
	CHECK_EQ(fake_get16(a.fn, CAP + PCI_SRIOV_CTRL), PCI_SRIOV_CTRL_ARI);
	CHECK_EQ(sriov_restore(&sb), RC_OK);
	CHECK_EQ(fake_get16(a.fn, CAP + PCI_SRIOV_CTRL), 0);
	CHECK_EQ(fake_get16(b.fn, CAP + PCI_SRIOV_CTRL), 0);
	/* alone (no sibling live), a restore puts it back at once */
	REQUIRE(sriov_open(&sa, &inv, da.bdf) == RC_OK);
	REQUIRE(sriov_enable(&sa, 8) == RC_OK);
	CHECK_EQ(sriov_restore(&sa), RC_OK);
	CHECK_EQ(fake_get16(a.fn, CAP + PCI_SRIOV_CTRL), 0);
}

/*
 * Silicon keeps ARI Capable Hierarchy in the lowest PF only (SR-IOV 1.1
 * 3.3.3.5: RsvdP in PF1), and every PF's First VF Offset follows it
 * (3.3.10). The firmware left it clear below a port that forwards ARI:
 * port 1, enabling alone (port 0 is under test, between its cases), sets
 * it in port 0, so its VFs take the ARI routing IDs, the ones a serial
 * and a side-by-side run both give; port 0's bit goes back once port 1 is
 * done. Writing it in port 1's own control (RsvdP) left port 1's VFs at
 * the non-ARI offset, on the next bus: refused, a NIC failure for the
 * firmware's setting.
 */
TEST(sriov_ari_bit_set_where_it_lives_for_port_1)
{
	struct fake_82576 a, b;
	struct igb_dev da, db;
	struct sriov sb;

	dual_open_as(&a, &b, &da, &db, MODEL_SILICON);
	fake_set16(a.fn, CAP + PCI_SRIOV_CTRL, 0);
	CHECK_EQ(fake_get16(b.fn, CAP + PCI_SRIOV_CTRL), 0);
	REQUIRE(sriov_note_pf(da.bdf, NULL, 0) == RC_OK);
	REQUIRE(sriov_note_pf(db.bdf, NULL, 0) == RC_OK);
	REQUIRE(sriov_open(&sb, &inv, db.bdf) == RC_OK);
	CHECK(sb.ari);
	CHECK_EQ(sriov_enable(&sb, 8), RC_OK);
	CHECK(sb.ari_hier);
	CHECK_EQ(sb.offset, 0x80);
	CHECK(fake_bdf_eq(sb.vf[0], fake_bdf(1, 0x10, 1)));
	CHECK(fake_bdf_eq(sb.vf[7], fake_bdf(1, 0x11, 7)));
	CHECK_EQ(fake_get16(a.fn, CAP + PCI_SRIOV_CTRL), PCI_SRIOV_CTRL_ARI);
	CHECK_EQ(sriov_restore(&sb), RC_OK);
	CHECK_EQ(fake_get16(a.fn, CAP + PCI_SRIOV_CTRL), 0);
	CHECK_EQ(fake_get16(b.fn, CAP + PCI_SRIOV_CTRL), 0);
	CHECK_EQ(model_violations(a.model) + model_violations(b.model), 0);
}

/*
 * Silicon: port 0's ARI Capable Hierarchy moves port 1's VFs (SR-IOV 1.1
 * 3.3.3.5, 3.3.10). Wrong: changing it while port 1 has VFs on (port 0's
 * own restore putting back what the firmware left, as a per-PF restore
 * would): the model flags it; QEMU's VF layout is fixed.
 */
static void ari_changed_under_sibling(enum model_personality pers)
{
	struct fake_82576 a, b;
	struct igb_dev da, db;
	struct sriov sb;

	dual_open_as(&a, &b, &da, &db, pers);
	REQUIRE(sriov_open(&sb, &inv, db.bdf) == RC_OK);
	REQUIRE(sriov_enable(&sb, 8) == RC_OK);
	pci_write16(da.bdf, CAP + PCI_SRIOV_CTRL, 0);
	CHECK_EQ(a.model->violations[MV_ARI_CHANGED_LIVE], pers == MODEL_SILICON);
	CHECK_EQ(sriov_restore(&sb), RC_OK);
}

TEST(silicon_neg_ari_changed_while_a_sibling_has_vfs)
{
	ari_changed_under_sibling(MODEL_SILICON);
	fake_reset();
	ari_changed_under_sibling(MODEL_QEMU);
}

/* Without ARI forwarding in the port above, VFs past device 0 cannot be
 * reached; we refuse rather than write the port. */
TEST(sriov_non_ari_port_refused)
{
	struct rig r;
	uint16_t exp;

	rig_open(&r, MODEL_QEMU);
	exp = pci_find_cap(r.port->bdf, PCI_CAP_ID_EXP);
	fake_set16(r.port, exp + PCI_EXP_DEVCTL2, 0);
	REQUIRE(sriov_open(&r.s, &inv, r.d.bdf) == RC_OK);
	CHECK(!r.s.ari);
	CHECK_EQ(sriov_enable(&r.s, 8), RC_ERANGE);
	CHECK(strstr(r.s.error, "beyond device 0 and the port above does not forward ARI"));
	CHECK_EQ(fake_cfg_writes_to(r.port->bdf), 0);
	CHECK_EQ(sriov_restore(&r.s), RC_OK);
	CHECK_EQ(fake_get16(r.p.fn, CAP + PCI_SRIOV_CTRL), PCI_SRIOV_CTRL_ARI);
}

TEST(sriov_vf_flr_resets_one_vf)
{
	struct rig r;
	bool pending = true;
	const struct model_sriov *sv;

	rig_open(&r, MODEL_QEMU);
	sv = model_sriov(r.p.model);
	REQUIRE(sriov_open(&r.s, &inv, r.d.bdf) == RC_OK);
	REQUIRE(sriov_enable(&r.s, 8) == RC_OK);
	REQUIRE(sriov_make_bars_usable(&r.s, &inv, probe, &r.d) == RC_OK);
	pci_write16(r.s.vf[3], PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	plat_mmio_write32(BAR0 + IGB_VFLRE, 0xff);
	CHECK_EQ(sriov_vf_flr(&r.s, 3, &pending), RC_OK);
	CHECK(!pending);
	CHECK_EQ(sv->vf_flrs[3], 1);
	CHECK_EQ(plat_mmio_read32(BAR0 + IGB_VFLRE), 1u << 3);
	/* the reset cleared COMMAND; Memory Space came back (we had set it) */
	CHECK_EQ(pci_read16(r.s.vf[3], PCI_COMMAND), PCI_COMMAND_MEMORY);
	CHECK(probe(&r.d, &r.s, 3, sriov_vf_bar(&r.s, 3, 0)));
	CHECK(pci_read16(r.s.vf[2], PCI_COMMAND) & PCI_COMMAND_MEMORY);

	/* a VF without FLR: RC_ENOTSUP, nothing written */
	fake_set32(fake_fn_find(r.s.vf[1]), 0xa0 + PCI_EXP_DEVCAP, 0);
	unsigned w = fake_cfg_writes_to(r.s.vf[1]);
	CHECK_EQ(sriov_vf_flr(&r.s, 1, &pending), RC_ENOTSUP);
	CHECK(strstr(r.s.error, "does not advertise FLR"));
	CHECK_EQ(fake_cfg_writes_to(r.s.vf[1]), w);
	CHECK_EQ(sriov_restore(&r.s), RC_OK);
}

/* The SR-IOV cases as the app runs them, both personalities (the fault
 * cases' PF FLR would reset the capability): every one passes, and the
 * device is left as found: the capability byte for byte, VFs gone,
 * CTRL_EXT.PFRSTD as it was, nothing mapped over low memory, no VF BAR
 * moved while decoding. */
static void whole_run(enum model_personality pers)
{
	static const char *const cases[] = {
		"sriov_enable", "vf_reset_handshake", "mailbox_vf_to_pf", "mailbox_pf_to_vf",
		"mailbox_lock_exclusion", "mailbox_race_2011", "vf_flr",
	};
	uint8_t before[PCI_EXT_CAP_SRIOV_SIZEOF], after[PCI_EXT_CAP_SRIOV_SIZEOF];
	static struct kp_doc d;
	struct rig r;

	static struct options o;
	static const char only[] = "--only=sriov_enable,vf_*,mailbox_*";

	options_defaults(&o);
	REQUIRE(options_parse_cmdline(&o, only, sizeof(only) - 1) == RC_OK);
	rig_open(&r, pers);
	cap_bytes(r.p.fn, before);
	igbtest_run(&o, NULL);
	REQUIRE(kp_parse(&d));
	REQUIRE(d.nb == 1);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		harness_note("%s: %s", model_personality_name(pers), cases[i]);
		if (!CHECK_EQ(kp_verdict_of(&d.b[0], cases[i]), KP_OK))
			fake_output_dump();
	}
	harness_note("%s", model_personality_name(pers));
	cap_bytes(r.p.fn, after);
	CHECK(!memcmp(before, after, sizeof(before)));
	for (unsigned v = 0; v < IGB_MAX_VFS; v++)
		CHECK(model_sriov(r.p.model)->vf[v]->all_ones);
	CHECK_EQ(r.p.bar0->regs[IGB_CTRL_EXT / 4] & IGB_CTRL_EXT_PFRSTD, 0);
	CHECK_EQ(model_sriov(r.p.model)->low_alias, 0);
	CHECK_EQ(model_sriov(r.p.model)->bar_moved_live, 0);
	CHECK_EQ(model_sriov(r.p.model)->vf_flrs[IGB_MAX_VFS - 1], 1);
	CHECK(kp_block_has_diag(&d.b[0], "mailbox_race_2011: reproduced the 2011 report "
				"exactly: the PF's reply cleared the VF's new REQ and "
				"overwrote its message"));
	harness_note("%s", "");
}

TEST(sriov_whole_run_qemu)
{
	whole_run(MODEL_QEMU);
	CHECK(fake_output_contains("moved every VF BAR into the free window 0xfeb00000-"
				   "0xfeb3ffff below 4 GiB"));
}

TEST(sriov_whole_run_silicon)
{
	whole_run(MODEL_SILICON);
	CHECK(fake_output_contains("sriov_enable: VF BAR0 usable where the firmware put it"));
}
