/*
 * test_nvm_mac.c - the port's MAC address from the NVM (issue 12 item 10):
 * igb_read_nvm_mac() and the nvm_mac_address case on LAN 0 and LAN 1 of a
 * dual-port 82576 (silicon personality: STATUS.FUNC_ID and RAR0 as the
 * 82576 loads them), and with an alternate MAC block (NVM word 0x37).
 * The negative test, old logic failing on silicon, is silicon_neg_port1_mac
 * in test_model_silicon.c.
 */
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igb/igb_info.h"
#include "igb/igb_regs.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "model_test.h"
#include "pci/pci_regs.h"

#define BAR0_PORT0 0xfebc0000u
#define BAR0_PORT1 0xfeba0000u
/* Where the alternate block sits in the tests' NVMs: past the checksummed
 * words, as on real images. */
#define ALT_PTR 0x0080

static struct mt m;
static struct kp_doc doc;

/* A whole run with these options; the parsed KTAP in doc. */
static int run(const char *args)
{
	return mt_run(&doc, args);
}

static void mac_of(const uint16_t w[3], uint8_t mac[6])
{
	for (unsigned i = 0; i < 3; i++) {
		mac[2 * i] = (uint8_t)w[i];
		mac[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
}

/* LAN 0 and LAN 1 of a dual-port card: one NVM image, two addresses. */
TEST(nvm_mac_lan0_and_lan1)
{
	struct igb_nvm_mac nm;
	uint8_t nvm[6];

	mt_open(&m, MODEL_SILICON);
	mt_up(&m);
	mac_of(m.g->nvm, nvm);
	REQUIRE(igb_read_nvm_mac(&m.d, &nm) == RC_OK);
	CHECK_EQ(nm.lan, 0);
	CHECK(!memcmp(nm.dflt, nvm, 6));
	CHECK(!nm.alt);
	igb_ops.remove(&m.drv);

	model_set_lan(m.g, 1);
	mt_up(&m);
	REQUIRE(igb_read_nvm_mac(&m.d, &nm) == RC_OK);
	CHECK_EQ(nm.lan, 1);
	nvm[5] ^= 1;
	CHECK(!memcmp(nm.dflt, nvm, 6));
	/* what the 82576 loaded into RAR0 at the driver's reset */
	CHECK_EQ(mt_rd(&m, IGB_RAL(0)), (uint32_t)m.g->nvm[0] | (uint32_t)m.g->nvm[1] << 16);
	CHECK_EQ(mt_rd(&m, IGB_RAH(0)) & 0xffff, m.g->nvm[2] ^ 0x0100u);
	igb_ops.remove(&m.drv);
	CHECK_EQ(model_violations(m.g), 0);
}

/* Word 0x37 points at the alternate block; LAN n's entry is 3n words in.
 * 0 and 0xFFFF mean none; a multicast entry is not used. */
TEST(nvm_mac_alternate_block)
{
	static const uint16_t alt[2][3] = { { 0x1b00, 0x5e21, 0x0a43 },
					    { 0x1b00, 0x5e21, 0x0b43 } };
	struct igb_nvm_mac nm;
	uint8_t want[6];

	mt_open(&m, MODEL_SILICON);
	model_set_lan(m.g, 1);
	mt_wait_us(20000); /* AUTO_RD */
	m.g->nvm[IGB_NVM_ALT_MAC_ADDR_PTR] = ALT_PTR;
	memcpy(&m.g->nvm[ALT_PTR], alt, sizeof(alt));
	model_nvm_fix_checksum(m.g);
	REQUIRE(igb_read_nvm_mac(&m.d, &nm) == RC_OK);
	CHECK_EQ(nm.alt_ptr, ALT_PTR);
	CHECK(nm.alt);
	mac_of(alt[1], want);
	CHECK(!memcmp(nm.alt_mac, want, 6));
	/* a multicast entry is ignored */
	m.g->nvm[ALT_PTR + 3] |= 0x0001;
	REQUIRE(igb_read_nvm_mac(&m.d, &nm) == RC_OK);
	CHECK(!nm.alt);
	/* no block */
	for (unsigned i = 0; i < 2; i++) {
		m.g->nvm[IGB_NVM_ALT_MAC_ADDR_PTR] = i ? 0xffff : 0x0000;
		REQUIRE(igb_read_nvm_mac(&m.d, &nm) == RC_OK);
		CHECK(!nm.alt);
	}
	CHECK_EQ(model_violations(m.g), 0);
}

/* Two ports of one dual-port card behind a root port, the whole run of
 * the address cases: both pass, each with its own address. */
TEST(nvm_mac_address_case_dual_port_silicon)
{
	struct fake_82576 p0, p1;

	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p0 = fake_82576_add_as(1, 0, 0, BAR0_PORT0, MODEL_SILICON);
	fake_fn_multifunction(p0.fn);
	p1 = fake_82576_add_as(1, 0, 1, BAR0_PORT1, MODEL_SILICON);
	model_set_lan(p1.model, 1);
	CHECK_EQ(run("--only=mac_address,nvm_mac_address --iommu=off"), IGBTEST_EXIT_PASS);
	REQUIRE(doc.nb == 2);
	for (unsigned b = 0; b < 2; b++) {
		CHECK_EQ(kp_verdict_of(&doc.b[b], "mac_address"), KP_OK);
		CHECK_EQ(kp_verdict_of(&doc.b[b], "nvm_mac_address"), KP_OK);
	}
	/* FAKE_82576_RAL0/RAH0 12:00:54:52:34:56, and ...:57 on LAN 1 */
	CHECK(kp_block_has_diag(&doc.b[1], "nvm_mac_address: LAN 1 (STATUS.FUNC_ID): NVM MAC "
				"52:54:00:12:34:57 (words 0-2, last bit flipped for LAN 1), "
				"RAL0/RAH0 52:54:00:12:34:57"));
	CHECK(kp_block_has_diag_prefix(&doc.b[0], "nvm_mac_address: LAN 0 (STATUS.FUNC_ID): "
					  "NVM MAC 52:54:00:12:34:56, RAL0/RAH0 52:54:00:12:34:56"));
	CHECK_EQ(model_violations(p0.model) + model_violations(p1.model), 0);
}

/* The alternate address in RAR0, as pre-boot software leaves it (Linux
 * igb_check_alt_mac_addr does the same): honoured. A multicast one, or an
 * address from neither place, fails naming both. */
static void alt_in_rar0(bool multicast, bool written, int want_status)
{
	struct fake_82576 p;
	struct model_igb *g;
	uint16_t w0 = multicast ? 0x1b01 : 0x1b00;

	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0_PORT0, MODEL_SILICON);
	g = p.model;
	g->nvm[IGB_NVM_ALT_MAC_ADDR_PTR] = ALT_PTR;
	g->nvm[ALT_PTR] = w0;
	g->nvm[ALT_PTR + 1] = 0x5e21;
	g->nvm[ALT_PTR + 2] = 0x0a43;
	model_nvm_fix_checksum(g);
	if (written) {
		g->bar0->regs[IGB_RAL(0) / 4] = (uint32_t)w0 | 0x5e21u << 16;
		g->bar0->regs[IGB_RAH(0) / 4] = 0x0a43u | IGB_RAH_AV;
	}
	CHECK_EQ(run("--only=nvm_mac_address --iommu=off"), want_status);
	CHECK_EQ(kp_verdict_of(&doc.b[0], "nvm_mac_address"),
		 want_status == IGBTEST_EXIT_PASS ? KP_OK : KP_NOT_OK);
}

TEST(nvm_mac_address_case_alternate)
{
	alt_in_rar0(false, true, IGBTEST_EXIT_PASS);
	CHECK(kp_block_has_diag(&doc.b[0], "nvm_mac_address: RAR0 holds the alternate MAC, "
				"written by pre-boot software (Linux does the same)"));
	fake_reset();
	/* not written: RAR0 keeps the default the 82576 loaded */
	alt_in_rar0(false, false, IGBTEST_EXIT_PASS);
	CHECK(kp_block_has_diag_prefix(&doc.b[0], "nvm_mac_address: NVM word 0x37 points at "
					  "an alternate MAC block (word 0x0080): LAN 0's entry "
					  "00:1b:21:5e:43:0a"));
	fake_reset();
	alt_in_rar0(true, true, IGBTEST_EXIT_FAIL);
	CHECK(fake_output_contains("is multicast, not used"));
	CHECK(fake_output_contains("NVM MAC does not match RAL0/RAH0: they hold "
				   "01:1b:21:5e:43:0a, the NVM gives LAN 0 52:54:00:12:34:56"));
}
