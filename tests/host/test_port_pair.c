/*
 * test_port_pair.c - port_pair on boards of 82576 models wired by
 * model_cable: a cable between the two ports of a dual-port card passes
 * frames both ways byte for byte (silicon and QEMU); a wire that drops
 * frames, stops passing them, corrupts a byte or passes one way only
 * fails naming the direction and what arrived, and the run goes on; a
 * cable to a third port pairs those two; ports cross-wired on a quad card
 * are paired as cabled, not as numbered; no cable, or no partner at all,
 * skips "no port pair found".
 */
#include <string.h>

#include "fake_devices.h"
#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "harness.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "model_test.h"
#include "pci/pci_regs.h"
#include "suite/suite.h"

#define BAR0(i) (0xfe000000u + (uint32_t)(i) * 0x40000u)

static struct kp_doc doc;
static struct model_igb *port[4];

/* A card of n ports (01:00.0 ..) behind root port 00:02.0 and, with
 * other, a one-port card at 02:00.0 behind 00:03.0 (port[n]). */
static void board(enum model_personality pers, unsigned n, bool other)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	for (unsigned i = 0; i < n; i++) {
		struct fake_82576 p = fake_82576_add_as(1, 0, (uint8_t)i, BAR0(i), pers);
		if (i == 0)
			fake_fn_multifunction(p.fn);
		if (i == 1 && pers == MODEL_SILICON)
			model_set_lan(p.model, 1);
		port[i] = p.model;
	}
	if (other) {
		fake_bridge_add(0, 3, 0, 2, 2, PCI_EXP_TYPE_ROOT_PORT);
		port[n] = fake_82576_add_as(2, 0, 0, BAR0(n), pers).model;
	}
}

/* port_pair alone, every port, iommu=off; the parsed KTAP in doc. */
static int run_pair(void)
{
	return mt_run(&doc, "--only=port_pair --iommu=off");
}

static enum kp_verdict verdict(unsigned block)
{
	REQUIRE(block < doc.nb);
	return kp_verdict_of(&doc.b[block], "port_pair");
}

static void clean(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(model_violations(port[i]), 0);
}

static void dual_port_cabled(enum model_personality pers)
{
	board(pers, 2, false);
	model_cable(port[0], port[1]);
	CHECK_EQ(run_pair(), IGBTEST_EXIT_PASS);
	CHECK_EQ(verdict(0), KP_OK);
	CHECK(kp_block_has_diag_prefix(&doc.b[0], "port_pair: 0000:01:00.0 <-> 0000:01:00.1: "
				       "1000 Mb/s full duplex both ends"));
	CHECK(fake_output_contains("128 frames of 60-1514 bytes (104999 bytes) each way"));
	CHECK_EQ(verdict(1), KP_SKIP);
	CHECK(fake_output_contains("port_pair # SKIP result in 0000:01:00.0's block (port pair "
				   "0000:01:00.0 - 0000:01:00.1)"));
	/* the probe and 128 frames each way, nothing lost */
	CHECK_EQ(port[0]->frames_cabled, 1 + 128);
	CHECK_EQ(port[1]->frames_cabled, 1 + 128);
	CHECK_EQ(port[0]->frames_to_wire + port[1]->frames_to_wire, 0);
	clean(2);
}

TEST(port_pair_dual_port_cabled_silicon)
{
	dual_port_cabled(MODEL_SILICON);
}

TEST(port_pair_dual_port_cabled_qemu)
{
	dual_port_cabled(MODEL_QEMU);
}

/* One autonegotiation for both link cases: link_partner holds, and the
 * probes and data frames cross, on the same link-up (~3 s on silicon).
 * Removing the driver leaves the PHY negotiating as it is, and the second
 * round takes the link the PHY kept through the MAC resets: no restart
 * there. Two rounds: every frame crossed twice, both cases passed. */
TEST(link_cases_one_autoneg_per_round)
{
	unsigned passed = 0;

	board(MODEL_SILICON, 2, false);
	model_cable(port[0], port[1]);
	CHECK_EQ(mt_run(NULL, "--only=link_partner,port_pair --iommu=off --repeat=2"),
		 IGBTEST_EXIT_PASS);
	for (unsigned i = 0; i < 2; i++) {
		CHECK_EQ(port[i]->an_restarts, 1);
		CHECK_EQ(port[i]->frames_cabled, 2 * (1 + 128));
	}
	for (unsigned i = 0; i < suite_record_count(); i++)
		passed += suite_record(i)->result == KTAP_PASS && suite_record(i)->runs == 2;
	CHECK_EQ(passed, 3); /* link_partner on both ports, the pair in 01:00.0's block */
	clean(2);
}

/* Both ports cabled to something that is not a port here (a switch): the
 * probes go out and nothing comes back. Nothing tested: exit 3. */
static void no_cable_between(enum model_personality pers)
{
	board(pers, 2, false);
	CHECK_EQ(run_pair(), IGBTEST_EXIT_ERROR);
	for (unsigned b = 0; b < 2; b++)
		CHECK_EQ(verdict(b), KP_SKIP);
	CHECK(fake_output_contains("port_pair # SKIP no port pair found: link up at 1000 Mb/s, "
				   "but no probe of the other 1 ports under test arrived and "
				   "none heard this port's (0 other frames received)"));
	CHECK_EQ(port[0]->frames_to_wire, 1);
	clean(2);
}

TEST(port_pair_no_cable_between_silicon)
{
	no_cable_between(MODEL_SILICON);
}

TEST(port_pair_no_cable_between_qemu)
{
	no_cable_between(MODEL_QEMU);
}

/* Nothing at the other end at all: no link, within the 5 s bound. */
TEST(port_pair_unplugged_silicon)
{
	board(MODEL_SILICON, 2, false);
	port[0]->unplugged = port[1]->unplugged = true;
	CHECK_EQ(run_pair(), IGBTEST_EXIT_ERROR);
	CHECK(fake_output_contains("port_pair # SKIP no port pair found: no link partner: "
				   "autonegotiation did not complete within 50"));
	CHECK_EQ(port[0]->frames_tx + port[1]->frames_tx, 0);
	clean(2);
}

/* One port: nothing to pair it with, and nothing brought up for it. */
TEST(port_pair_one_port)
{
	board(MODEL_SILICON, 1, false);
	CHECK_EQ(run_pair(), IGBTEST_EXIT_ERROR);
	CHECK(fake_output_contains("port_pair # SKIP no port pair found: the only 82576 port "
				   "under test"));
	CHECK_EQ(port[0]->resets, 0);
}

/* The wire faults strike the sender's frames: its probe is its frame 1,
 * data frame n its frame n + 2. Each fails port 0's block and the run
 * goes on to port 1's. */
static void wire_fault(unsigned on, unsigned faults, unsigned frame, const char *says)
{
	board(MODEL_SILICON, 2, false);
	model_cable(port[0], port[1]);
	model_inject_with(port[on], faults, &(struct model_injection){ .frame = frame });
	CHECK_EQ(run_pair(), IGBTEST_EXIT_FAIL);
	CHECK_EQ(verdict(0), KP_NOT_OK);
	if (!CHECK(fake_output_contains(says)))
		fake_output_dump();
	CHECK_EQ(doc.nb, 2);
	CHECK_EQ(verdict(1), KP_SKIP);
	clean(2);
}

TEST(port_pair_wire_drops_a_frame)
{
	wire_fault(0, MODEL_FAULT_DROP_FRAME, 50,
		   "0000:01:00.0 -> 0000:01:00.1: 127 of 128 frames arrived within 100 ms "
		   "(first missing: frame 48;");
}

TEST(port_pair_wire_stops_passing_frames)
{
	wire_fault(1, MODEL_FAULT_DROP_FROM, 41,
		   "0000:01:00.1 -> 0000:01:00.0: 39 of 128 frames arrived within 100 ms "
		   "(first missing: frame 39;");
}

TEST(port_pair_wire_corrupts_a_byte)
{
	wire_fault(1, MODEL_FAULT_CORRUPT_FRAME, 10,
		   "0000:01:00.1 -> 0000:01:00.0: frame 8 arrived wrong: 1000 bytes (sent "
		   "1000), byte 500 is 0x"); /* the byte's value depends on the nonce */
}

/* Port 1 sends nothing that arrives, its probe included: one way only. */
TEST(port_pair_one_way_only)
{
	wire_fault(1, MODEL_FAULT_DROP_FROM, 1,
		   "frames pass one way only: 0000:01:00.1 heard 0000:01:00.0's probe, not "
		   "the other way round (0 and 0 other frames received)");
}

/* Port 0 of a dual card cabled to another card's port; port 1 to a
 * switch. The pair is 01:00.0 - 02:00.0, reported in 01:00.0's block. */
TEST(port_pair_cable_to_a_third_port)
{
	board(MODEL_SILICON, 2, true);
	model_cable(port[0], port[2]);
	CHECK_EQ(run_pair(), IGBTEST_EXIT_PASS);
	REQUIRE(doc.nb == 3);
	CHECK_EQ(verdict(0), KP_OK);
	CHECK(kp_block_has_diag_prefix(&doc.b[0], "port_pair: 0000:01:00.0 <-> 0000:02:00.0: "));
	CHECK_EQ(verdict(1), KP_SKIP);
	CHECK(fake_output_contains("port_pair # SKIP no port pair found: link up at 1000 Mb/s"));
	CHECK_EQ(verdict(2), KP_SKIP);
	CHECK(fake_output_contains("port_pair # SKIP result in 0000:01:00.0's block (port pair "
				   "0000:01:00.0 - 0000:02:00.0)"));
	CHECK_EQ(port[1]->frames_to_wire, 1); /* its probe, to the switch */
	clean(3);
}

/* A quad card cabled 0-2 and 1-3: paired as cabled, not as numbered. */
TEST(port_pair_quad_cross_wired)
{
	board(MODEL_SILICON, 4, false);
	model_cable(port[0], port[2]);
	model_cable(port[1], port[3]);
	CHECK_EQ(run_pair(), IGBTEST_EXIT_PASS);
	REQUIRE(doc.nb == 4);
	CHECK(kp_block_has_diag_prefix(&doc.b[0], "port_pair: 0000:01:00.0 <-> 0000:01:00.2: "));
	CHECK(kp_block_has_diag_prefix(&doc.b[1], "port_pair: 0000:01:00.1 <-> 0000:01:00.3: "));
	CHECK_EQ(verdict(2), KP_SKIP);
	CHECK_EQ(verdict(3), KP_SKIP);
	CHECK(fake_output_contains("result in 0000:01:00.0's block (port pair 0000:01:00.0 - "
				   "0000:01:00.2)"));
	CHECK(fake_output_contains("result in 0000:01:00.1's block (port pair 0000:01:00.1 - "
				   "0000:01:00.3)"));
	clean(4);
}

/* ---- the cable itself, through the driver's wire mode ------------------ */

/* Both ports of a dual card cabled, prepared as the suite prepares them,
 * their drivers up in wire mode with 8 RX slots each. */
static struct pci_inventory inv;
static struct igb_dev dev[2];
static struct igb_drv drv[2];
static struct dma_buf *mem[2];

static void wire_pair(enum model_personality pers)
{
	unsigned n = 0;

	board(pers, 2, false);
	model_cable(port[0], port[1]);
	REQUIRE(pci_scan(&inv) == RC_OK);
	for (unsigned i = 0; i < inv.n && n < 2; i++) {
		struct igb_dev *d = &dev[n];
		if (!igb_func_is_82576(&inv.f[i]))
			continue;
		*d = (struct igb_dev){ .fn = &inv.f[i], .bdf = inv.f[i].bdf };
		d->cmd_at_start = pci_read16(d->bdf, PCI_COMMAND);
		REQUIRE(pci_probe_bars(d->bdf, d->fn->header_type, d->bar) == RC_OK);
		d->bar0 = d->bar[0].addr;
		drv[n] = (struct igb_drv){ .cfg.wire = true };
		REQUIRE(igb_ops.init(&drv[n], d) == RC_OK);
		REQUIRE(dma_alloc(d->bdf, 9 * 2048, &mem[n]) == RC_OK);
		REQUIRE(igb_wire_rx_fill(&drv[n], (uint8_t *)mem[n]->cpu + 2048, 8) == RC_OK);
		n++;
	}
	REQUIRE(n == 2);
}

/* Port 0 sends one 100-byte frame; whether port 1 received it. */
static bool one_frame_crosses(void)
{
	struct igb_wire_frame f = { 0 };
	uint8_t *frame = mem[0]->cpu;

	memset(frame, 0x5a, 100);
	REQUIRE(igb_wire_send(&drv[0], frame, 100) == RC_OK);
	for (unsigned us = 0; us < 10000 && !igb_wire_rx_next(&drv[1], &f); us += 10)
		plat_udelay(10);
	return f.len == 100 && !memcmp((uint8_t *)mem[1]->cpu + 2048, frame, 100);
}

static void wire_pair_down(void)
{
	for (unsigned i = 0; i < 2; i++) {
		igb_ops.remove(&drv[i]);
		dma_free(mem[i]);
	}
}

/* Port i's negotiated link waited for as the driver does, within Linux
 * igb_link_test()'s 5 s: the milliseconds it took (5000: none). */
static unsigned link_wait_ms(unsigned i, struct igb_autoneg *an)
{
	unsigned ms = 0;

	while (ms < 5000 && !igb_autoneg_poll(&dev[i], an))
		plat_udelay(1000), ms++;
	return ms;
}

/* Both links negotiated (the driver's way): a frame crosses either way. */
static void negotiated_pair(enum model_personality pers)
{
	struct igb_autoneg an;

	wire_pair(pers);
	for (unsigned i = 0; i < 2; i++) {
		link_wait_ms(i, &an);
		CHECK(an.status & IGB_STATUS_LU);
	}
	CHECK(one_frame_crosses());
	wire_pair_down();
	clean(2);
}

TEST(pair_wire_negotiated)
{
	negotiated_pair(MODEL_SILICON);
	fake_reset();
	negotiated_pair(MODEL_QEMU);
}

/* Wrong: the pair's MAC links forced up at 1000/full as for loopback,
 * with the PHYs' autonegotiation turned off instead of waited for. QEMU's
 * hub passes the frame all the same; on silicon the PHYs never linked to
 * each other and nothing crosses the cable. */
static bool forced_pair_crosses(enum model_personality pers)
{
	bool crossed;

	wire_pair(pers);
	for (unsigned i = 0; i < 2; i++) {
		igb_wr32(&dev[i], IGB_CTRL, igb_rd32(&dev[i], IGB_CTRL) | IGB_CTRL_FRCSPD |
						    IGB_CTRL_FRCDPX | IGB_CTRL_SPD_1000 |
						    IGB_CTRL_FD | IGB_CTRL_SLU);
		REQUIRE(igb_phy_write(&dev[i], IGB_PHY_BMCR, IGB_BMCR_SPEED_1000 |
							      IGB_BMCR_FULL_DUPLEX) == RC_OK);
	}
	plat_udelay(500000);
	CHECK(igb_rd32(&dev[1], IGB_STATUS) & IGB_STATUS_LU); /* the forced link */
	crossed = one_frame_crosses();
	wire_pair_down();
	return crossed;
}

TEST(silicon_neg_pair_on_forced_link)
{
	CHECK(forced_pair_crosses(MODEL_QEMU));
	fake_reset();
	CHECK(!forced_pair_crosses(MODEL_SILICON));
	CHECK_EQ(port[0]->frames_to_wire, 1);
}

/* Both links negotiated, then port 1 restarts autonegotiation (a driver
 * loaded or removed there, the pass's next init). Wrong: taking port 0's
 * link as still up. QEMU's ports do not see each other's PHY; on silicon
 * the restart breaks the link at both ends (IEEE 802.3 clause 28) and
 * port 0 links again only once both have negotiated anew, when a frame
 * crosses again. Whether port 0 read linked right after the restart. */
static bool far_end_restart_keeps_link(enum model_personality pers)
{
	struct igb_autoneg an;
	bool kept;

	wire_pair(pers);
	for (unsigned i = 0; i < 2; i++)
		REQUIRE(link_wait_ms(i, &an) < 5000);
	REQUIRE(igb_phy_write(&dev[1], IGB_PHY_BMCR,
			      IGB_BMCR_AUTONEG_EN | IGB_BMCR_RESTART_AN) == RC_OK);
	kept = igb_autoneg_poll(&dev[0], &an);
	if (pers == MODEL_SILICON) {
		CHECK(!(igb_rd32(&dev[0], IGB_STATUS) & IGB_STATUS_LU));
		CHECK(!one_frame_crosses());
		/* The right way: wait for both links again. */
		for (unsigned i = 0; i < 2; i++) {
			unsigned ms = link_wait_ms(i, &an);
			CHECK(ms < 5000 && (i || ms > 1000)); /* port 0: anew */
		}
		CHECK(one_frame_crosses());
	}
	wire_pair_down();
	return kept;
}

TEST(silicon_neg_far_end_link_kept_over_its_autoneg_restart)
{
	CHECK(far_end_restart_keeps_link(MODEL_QEMU));
	fake_reset();
	CHECK(!far_end_restart_keeps_link(MODEL_SILICON));
}

/* QEMU's hub holds a frame for a port that cannot receive yet (RX ring
 * empty) and hands it over once it can; silicon's port drops it. */
static uint64_t held_then_filled(enum model_personality pers)
{
	struct igb_autoneg an;
	uint8_t *frame;
	uint64_t got;

	wire_pair(pers);
	for (unsigned i = 0; i < 2; i++)
		link_wait_ms(i, &an);
	/* port 1's slots all taken: a ring with no free descriptor */
	for (unsigned k = 0; k < 8; k++)
		REQUIRE(one_frame_crosses());
	frame = mem[0]->cpu;
	REQUIRE(igb_wire_send(&drv[0], frame, 100) == RC_OK);
	plat_udelay(1000);
	got = port[1]->frames_rx;
	REQUIRE(igb_wire_rx_fill(&drv[1], (uint8_t *)mem[1]->cpu + 2048, 8) == RC_OK);
	plat_udelay(1000);
	got = port[1]->frames_rx - got;
	wire_pair_down();
	return got;
}

TEST(model_qemu_hub_holds_frames)
{
	CHECK_EQ(held_then_filled(MODEL_QEMU), 1);
	fake_reset();
	CHECK_EQ(held_then_filled(MODEL_SILICON), 0);
}

/*
 * A PCIe error raised during the round's pass over every port (here port
 * 0 logs a Bad TLP at each TDT write: the pass's frames) belongs to the
 * pass's case in that port's block, not to the port's first case, which
 * ran after it. The port's later cases start clean.
 */
TEST(errwatch_pass_errors_go_to_the_pass_case)
{
	board(MODEL_SILICON, 2, false);
	model_cable(port[0], port[1]);
	model_inject(port[0], MODEL_FAULT_BAD_TLP);
	CHECK_EQ(mt_run(&doc, "--only=identify,port_pair,nvm_checksum --iommu=off"),
		 IGBTEST_EXIT_FAIL);
	REQUIRE(doc.nb == 2);
	CHECK_EQ(kp_verdict_of(&doc.b[0], "identify"), KP_OK);
	CHECK_EQ(kp_verdict_of(&doc.b[0], "nvm_checksum"), KP_OK);
	CHECK_EQ(verdict(0), KP_NOT_OK);
	CHECK(kp_block_has_diag(&doc.b[0], "port_pair: PCIe errors during the round's pass "
				"over every port, before the device blocks: device: DEVSTA 0x1 "
				"(correctable); AER CE 0x40 (bad TLP)"));
	CHECK_EQ(kp_verdict_of(&doc.b[1], "identify"), KP_OK);
	CHECK_EQ(verdict(1), KP_SKIP);
}
