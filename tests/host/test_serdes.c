/*
 * test_serdes.c - a SerDes 82576 port (issue 12 item 11): the whole case
 * registry on the silicon personality's SerDes port (model_set_serdes).
 * Loopback is the SerDes's (Linux igb_setup_loopback_test for a non-zero
 * CTRL_EXT.LINK_MODE), so every copy case passes; phy_id, which needs the
 * copper PHY, skips naming the link mode; no MDIC access is made; the port
 * is left with SerDes loopback off. The negative test is
 * silicon_neg_copper_steps_on_serdes in test_model_silicon.c. The
 * 1000BASE-KX and SGMII link modes take the same path.
 */
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "model_test.h"
#include "pci/pci_regs.h"
#include "suite/suite.h"

#define BAR0 0xfebc0000u

TEST(serdes_port_whole_run_silicon)
{
	static struct kp_doc doc;
	struct fake_82576 p;
	int status;

	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, MODEL_SILICON);
	model_set_serdes(p.model, IGB_CTRL_EXT_LINK_MODE_PCIE_SERDES);
	status = igbtest_run(NULL, NULL);
	if (!kp_parse(&doc)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", doc.problem);
	}
	CHECK_EQ(status, IGBTEST_EXIT_PASS);
	REQUIRE(doc.nb == 1);
	CHECK(fake_output_contains("82576 serdes"));
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);

		harness_note("case %s (record %u)", r->tc->name, i);
		if (!strcmp(r->tc->name, "phy_id") || !strcmp(r->tc->name, "link_partner"))
			CHECK_EQ(r->result, KTAP_SKIP);
		else if (r->result == KTAP_SKIP) /* fault cases outside strict */
			CHECK(r->mode != IOMMU_STRICT);
		else
			CHECK_EQ(r->result, KTAP_PASS);
	}
	harness_note("%s", "");
	CHECK(fake_output_contains("phy_id # SKIP SerDes port (CTRL_EXT.LINK_MODE 0x00c00000): "
				   "no internal copper PHY behind MDIC to identify"));
	CHECK(fake_output_contains("link_partner # SKIP the port's link is SerDes "
				   "(CTRL_EXT.LINK_MODE), not the internal copper PHY"));
	CHECK(kp_block_has_diag_prefix(&doc.b[0], "link_loopback_up: link up "));
	CHECK(fake_output_contains("after SerDes loopback set-up"));
	CHECK_EQ(model_violations(p.model), 0);
	CHECK_EQ(p.model->violations[MV_MDIC_NO_PHY], 0);
	CHECK(p.model->frames_rx > 0);
	CHECK_EQ(p.model->frames_to_wire, 0);
	CHECK(!p.model->serdes_loopback); /* left as an OS expects */
	CHECK_EQ(fake_dma_outstanding(), 0);
}

/* The other non-copper link modes loop back the same way; the MAC speed is
 * forced to 1000/full except in SGMII, where the PHY sets it
 * (igb_setup_serdes_link_82575); phy_id's skip names the mode. */
static void other_mode(uint32_t mode, const char *name, bool forced)
{
	static struct mt m;

	harness_note("LINK_MODE %s", name);
	mt_open(&m, MODEL_SILICON);
	model_set_serdes(m.g, mode);
	mt_up(&m);
	CHECK_EQ(igb_link_mode(&m.d), mode);
	CHECK_STREQ(igb_link_mode_name(mode), name);
	CHECK_EQ(mt_rd(&m, IGB_CTRL) & (IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX),
		 forced ? IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX : 0);
	CHECK_EQ(mt_copy(&m, 9000), RC_OK);
	igb_ops.remove(&m.drv);
	CHECK(!m.g->serdes_loopback);
	CHECK_EQ(model_violations(m.g), 0);
	fake_reset();
}

TEST(serdes_1000base_kx_and_sgmii)
{
	other_mode(IGB_CTRL_EXT_LINK_MODE_1000BASE_KX, "1000BASE-KX", true);
	other_mode(IGB_CTRL_EXT_LINK_MODE_SGMII, "SGMII", false);
	other_mode(IGB_CTRL_EXT_LINK_MODE_PCIE_SERDES, "SerDes", true);
	harness_note("%s", "");
}
