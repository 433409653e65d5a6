/*
 * registers.c - first register reads: STATUS, the MAC address, the NVM
 * through EERD, the PHY through MDIC, and the ethtool-style register test
 * (Linux igb_ethtool.c reg_test_82576 and its STATUS toggle check). The
 * register test runs with bus mastering off: it enables receive queues
 * and RCTL with pattern values in the ring bases, and no DMA may follow.
 */
#include "igb/igb_drv.h"
#include "igb/igb_info.h"
#include "igb/igb_regs.h"
#include "report/fmt.h"
#include "suite/suite.h"
#include "pci/pci_regs.h"

/* ---- first reads ----------------------------------------------------- */

static enum ktap_result case_status_sane(struct igb_dev *d, struct test_run *t)
{
	uint32_t status = igb_rd32(d, IGB_STATUS);

	ASSERT(t, status != 0xffffffffu, "STATUS reads 0xffffffff: BAR0 does not decode");
	ktap_diag("%s: STATUS 0x%08x (link %s)", t->name, status,
		  (status & IGB_STATUS_LU) ? "up" : "down");
	return KTAP_PASS;
}

/* aa:bb:cc:dd:ee:ff */
struct mac_str {
	char s[18];
};

static struct mac_str mac_str(const uint8_t m[6])
{
	struct mac_str r;

	fmt_snprintf(r.s, sizeof(r.s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		     m[3], m[4], m[5]);
	return r;
}

static bool mac_eq(const uint8_t a[6], const uint8_t b[6])
{
	for (unsigned i = 0; i < 6; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static enum ktap_result case_mac_address(struct igb_dev *d, struct test_run *t)
{
	uint32_t ral = igb_rd32(d, IGB_RAL(0)), rah = igb_rd32(d, IGB_RAH(0));
	uint8_t m[6] = { ral, ral >> 8, ral >> 16, ral >> 24, rah, rah >> 8 };
	bool zero = !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
	bool bcast = (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;

	ktap_diag("%s: RAL0 0x%08x RAH0 0x%08x -> %s%s", t->name, ral, rah, mac_str(m).s,
		  (rah & IGB_RAH_AV) ? "" : " (AV clear)");
	ASSERT(t, !zero, "MAC address is all zeros");
	ASSERT(t, !bcast, "MAC address is all ones");
	ASSERT(t, !(m[0] & 0x01), "MAC address is multicast (I/G bit set)");
	return KTAP_PASS;
}

/* ---- ethtool register test --------------------------------------------- */

enum reg_test_type {
	PATTERN_TEST,    /* the four patterns, written & write, read & mask */
	SET_READ_TEST,   /* write (write & mask), read back & mask */
	WRITE_NO_TEST,   /* set up for the next entries */
	TABLE32_TEST,    /* n consecutive 32-bit registers, pattern test */
	TABLE64_TEST_LO, /* low halves of n 64-bit pairs */
	TABLE64_TEST_HI, /* high halves of n 64-bit pairs */
};

struct reg_test {
	uint32_t reg;
	uint16_t stride; /* between array entries */
	uint16_t n;
	enum reg_test_type type;
	uint32_t mask;
	uint32_t write;
};

/* Linux reg_test_82576, entry for entry. */
static const struct reg_test reg_test_82576[] = {
	{ IGB_FCAL, 0x100, 1, PATTERN_TEST, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_FCAH, 0x100, 1, PATTERN_TEST, 0x0000FFFF, 0xFFFFFFFF },
	{ IGB_FCT, 0x100, 1, PATTERN_TEST, 0x0000FFFF, 0xFFFFFFFF },
	{ IGB_VET, 0x100, 1, PATTERN_TEST, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_RDBAL(0), 0x100, 4, PATTERN_TEST, 0xFFFFFF80, 0xFFFFFFFF },
	{ IGB_RDBAH(0), 0x100, 4, PATTERN_TEST, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_RDLEN(0), 0x100, 4, PATTERN_TEST, 0x000FFFF0, 0x000FFFFF },
	{ IGB_RDBAL(4), 0x40, 12, PATTERN_TEST, 0xFFFFFF80, 0xFFFFFFFF },
	{ IGB_RDBAH(4), 0x40, 12, PATTERN_TEST, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_RDLEN(4), 0x40, 12, PATTERN_TEST, 0x000FFFF0, 0x000FFFFF },
	/* RDT is only writable with the queue enabled; RDH is read-only. */
	{ IGB_RXDCTL(0), 0x100, 4, WRITE_NO_TEST, 0, IGB_XDCTL_QUEUE_ENABLE },
	{ IGB_RXDCTL(4), 0x40, 12, WRITE_NO_TEST, 0, IGB_XDCTL_QUEUE_ENABLE },
	{ IGB_RDT(0), 0x100, 4, PATTERN_TEST, 0x0000FFFF, 0x0000FFFF },
	{ IGB_RDT(4), 0x40, 12, PATTERN_TEST, 0x0000FFFF, 0x0000FFFF },
	{ IGB_RXDCTL(0), 0x100, 4, WRITE_NO_TEST, 0, 0 },
	{ IGB_RXDCTL(4), 0x40, 12, WRITE_NO_TEST, 0, 0 },
	{ IGB_FCRTH, 0x100, 1, PATTERN_TEST, 0x0000FFF0, 0x0000FFF0 },
	{ IGB_FCTTV, 0x100, 1, PATTERN_TEST, 0x0000FFFF, 0x0000FFFF },
	{ IGB_TIPG, 0x100, 1, PATTERN_TEST, 0x3FFFFFFF, 0x3FFFFFFF },
	{ IGB_TDBAL(0), 0x100, 4, PATTERN_TEST, 0xFFFFFF80, 0xFFFFFFFF },
	{ IGB_TDBAH(0), 0x100, 4, PATTERN_TEST, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_TDLEN(0), 0x100, 4, PATTERN_TEST, 0x000FFFF0, 0x000FFFFF },
	{ IGB_TDBAL(4), 0x40, 12, PATTERN_TEST, 0xFFFFFF80, 0xFFFFFFFF },
	{ IGB_TDBAH(4), 0x40, 12, PATTERN_TEST, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_TDLEN(4), 0x40, 12, PATTERN_TEST, 0x000FFFF0, 0x000FFFFF },
	{ IGB_RCTL, 0x100, 1, SET_READ_TEST, 0xFFFFFFFF, 0x00000000 },
	{ IGB_RCTL, 0x100, 1, SET_READ_TEST, 0x04CFB0FE, 0x003FFFFB },
	{ IGB_RCTL, 0x100, 1, SET_READ_TEST, 0x04CFB0FE, 0xFFFFFFFF },
	{ IGB_TCTL, 0x100, 1, SET_READ_TEST, 0xFFFFFFFF, 0x00000000 },
	{ IGB_RA, 0, 16, TABLE64_TEST_LO, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_RA, 0, 16, TABLE64_TEST_HI, 0x83FFFFFF, 0xFFFFFFFF },
	{ IGB_RA2, 0, 8, TABLE64_TEST_LO, 0xFFFFFFFF, 0xFFFFFFFF },
	{ IGB_RA2, 0, 8, TABLE64_TEST_HI, 0x83FFFFFF, 0xFFFFFFFF },
	{ IGB_MTA, 0, IGB_MTA_ENTRIES, TABLE32_TEST, 0xFFFFFFFF, 0xFFFFFFFF },
};

/* STATUS bits that toggle or are writable on the 82576 (Linux). */
#define IGB_82576_STATUS_TOGGLE 0x7FFFF3FF

static const uint32_t patterns[] = { 0x5A5A5A5A, 0xA5A5A5A5, 0x00000000, 0xFFFFFFFF };

struct regtest_state {
	struct test_run *t;
	unsigned checked; /* register writes verified */
};

/* Write each pattern, read it back under the mask; restore the register. */
static bool pattern_test(struct igb_dev *d, struct regtest_state *s, uint32_t reg,
			 uint32_t mask, uint32_t write)
{
	uint32_t saved = igb_rd32(d, reg);
	bool ok = true;

	for (unsigned p = 0; p < 4 && ok; p++) {
		igb_wr32(d, reg, patterns[p] & write);
		uint32_t got = igb_rd32(d, reg) & mask;
		uint32_t want = patterns[p] & write & mask;
		s->checked++;
		if (got != want) {
			test_fail(s->t, "register 0x%05x: wrote 0x%08x, read 0x%08x under "
				  "mask 0x%08x, expected 0x%08x", reg, patterns[p] & write,
				  got, mask, want);
			ok = false;
		}
	}
	igb_wr32(d, reg, saved);
	return ok;
}

static bool set_read_test(struct igb_dev *d, struct regtest_state *s, uint32_t reg,
			  uint32_t mask, uint32_t write)
{
	uint32_t saved = igb_rd32(d, reg);
	igb_wr32(d, reg, write & mask);
	uint32_t got = igb_rd32(d, reg);
	igb_wr32(d, reg, saved);
	s->checked++;
	if ((got & mask) != (write & mask)) {
		test_fail(s->t, "register 0x%05x: set 0x%08x, read 0x%08x (mask 0x%08x)",
			  reg, write & mask, got, mask);
		return false;
	}
	return true;
}

static bool run_entry(struct igb_dev *d, struct regtest_state *s,
		      const struct reg_test *e)
{
	for (unsigned i = 0; i < e->n; i++) {
		uint32_t reg;
		bool ok = true;

		switch (e->type) {
		case PATTERN_TEST:
			ok = pattern_test(d, s, e->reg + i * e->stride, e->mask, e->write);
			break;
		case SET_READ_TEST:
			ok = set_read_test(d, s, e->reg + i * e->stride, e->mask, e->write);
			break;
		case WRITE_NO_TEST:
			igb_wr32(d, e->reg + i * e->stride, e->write);
			break;
		case TABLE32_TEST:
			ok = pattern_test(d, s, e->reg + 4 * i, e->mask, e->write);
			break;
		case TABLE64_TEST_LO:
		case TABLE64_TEST_HI:
			reg = e->reg + 8 * i + (e->type == TABLE64_TEST_HI ? 4 : 0);
			ok = pattern_test(d, s, reg, e->mask, e->write);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool status_toggle(struct igb_dev *d, struct regtest_state *s)
{
	uint32_t before = igb_rd32(d, IGB_STATUS);
	uint32_t value = before & IGB_82576_STATUS_TOGGLE;

	igb_wr32(d, IGB_STATUS, IGB_82576_STATUS_TOGGLE);
	uint32_t after = igb_rd32(d, IGB_STATUS) & IGB_82576_STATUS_TOGGLE;
	igb_wr32(d, IGB_STATUS, before);
	s->checked++;
	if (value != after) {
		test_fail(s->t, "STATUS changed under the toggle mask: 0x%08x -> 0x%08x",
			  value, after);
		return false;
	}
	return true;
}

static enum ktap_result case_register_pattern(struct igb_dev *d, struct test_run *t)
{
	struct regtest_state s = { .t = t };
	bool auto_rd, ok;

	/* Start from a reset device with no DMA possible (decode is on: the
	 * suite enabled it for BAR0). */
	if (t->drv->up)
		igb_ops.remove(t->drv);
	ASSERT_OK(t, plat_pci_disable(d->bdf, PLAT_PCI_MASTER),
		  "bus mastering could not be turned off");
	ASSERT(t, !igb_reset(d, &auto_rd), "CTRL.RST did not complete");

	ok = status_toggle(d, &s);
	for (size_t i = 0; ok && i < sizeof(reg_test_82576) / sizeof(reg_test_82576[0]); i++)
		ok = run_entry(d, &s, &reg_test_82576[i]);
	/* Leave no pattern behind: the reset puts every tested register back. */
	igb_reset(d, &auto_rd);
	ktap_diag("%s: %u register checks, bus mastering off throughout", t->name,
		  s.checked);
	return ok ? KTAP_PASS : KTAP_FAIL;
}

/* ---- NVM, PHY ---------------------------------------------------------- */

static enum ktap_result case_nvm_checksum(struct igb_dev *d, struct test_run *t)
{
	uint16_t sum = 0, w;

	for (uint16_t i = 0; i < IGB_NVM_CHECKSUM_WORDS; i++) {
		int rc = igb_nvm_read(d, i, &w);
		ASSERT(t, !rc, "EERD read of word 0x%02x: %s", i, rc_name(rc));
		sum += w;
	}
	ktap_diag("%s: words 0x00..0x3f sum to 0x%04x", t->name, sum);
	ASSERT(t, sum == IGB_NVM_SUM, "NVM checksum 0x%04x, expected 0x%04x", sum, IGB_NVM_SUM);
	return KTAP_PASS;
}

/* RAR0 holds this port's NVM address: the default one with the port's
 * LAN ID applied, as the 82576 loads it at reset, or the NVM's alternate
 * one, which pre-boot software writes there as Linux does (igb_info.h). */
static enum ktap_result case_nvm_mac_address(struct igb_dev *d, struct test_run *t)
{
	uint32_t ral = igb_rd32(d, IGB_RAL(0)), rah = igb_rd32(d, IGB_RAH(0));
	uint8_t rar[6] = { ral, ral >> 8, ral >> 16, ral >> 24, rah, rah >> 8 };
	struct igb_nvm_mac m;

	ASSERT_OK(t, igb_read_nvm_mac(d, &m), "EERD read of the NVM MAC words");
	ktap_diag("%s: LAN %u (STATUS.FUNC_ID): NVM MAC %s%s, RAL0/RAH0 %s", t->name, m.lan,
		  mac_str(m.dflt).s, m.lan == 1 ? " (words 0-2, last bit flipped for LAN 1)" : "",
		  mac_str(rar).s);
	if (m.alt_ptr != 0 && m.alt_ptr != 0xffff)
		ktap_diag("%s: NVM word 0x37 points at an alternate MAC block (word 0x%04x): "
			  "LAN %u's entry %s%s", t->name, m.alt_ptr, m.lan, mac_str(m.alt_mac).s,
			  m.alt ? "" : " is multicast, not used (Linux igb_check_alt_mac_addr)");
	if (mac_eq(rar, m.dflt))
		return KTAP_PASS;
	if (m.alt && mac_eq(rar, m.alt_mac)) {
		ktap_diag("%s: RAR0 holds the alternate MAC, written by pre-boot software "
			  "(Linux does the same)", t->name);
		return KTAP_PASS;
	}
	return test_fail(t, "NVM MAC does not match RAL0/RAH0: they hold %s, the NVM gives "
			 "LAN %u %s%s%s", mac_str(rar).s, m.lan, mac_str(m.dflt).s,
			 m.alt ? " or the alternate " : "", m.alt ? mac_str(m.alt_mac).s : "");
}

static enum ktap_result case_phy_id(struct igb_dev *d, struct test_run *t)
{
	uint32_t mode = igb_link_mode(d);
	uint16_t id1, id2;
	int rc;

	/* Linux igb_init_phy_params_82575 gives a non-copper port no PHY;
	 * an SGMII port's is external, reached over I2C or MDIO. */
	if (mode)
		SKIP(t, "%s port (CTRL_EXT.LINK_MODE 0x%08x): no internal copper PHY behind "
		     "MDIC to identify", igb_link_mode_name(mode), mode);

	if (!(rc = igb_phy_read(d, IGB_PHY_ID1, &id1)))
		rc = igb_phy_read(d, IGB_PHY_ID2, &id2);
	ASSERT(t, !rc, "MDIC read: %s (MDIC 0x%08x)", rc_name(rc), igb_rd32(d, IGB_MDIC));
	ktap_diag("%s: PHY ID 0x%04x 0x%04x (OUI bits 0x%06x, model 0x%02x, rev %u)",
		  t->name, id1, id2, ((uint32_t)id1 << 6) | (id2 >> 10),
		  (id2 >> 4) & 0x3f, id2 & 0xf);
	ASSERT(t, !(id1 == 0 && id2 == 0) && !(id1 == 0xffff && id2 == 0xffff),
	       "PHY ID 0x%04x%04x is not a PHY", id1, id2);
	return KTAP_PASS;
}

/* Registers, NVM and PHY through BAR0, no DMA (register_pattern turns bus
 * mastering off): once per device (MODES_ONCE). */
static const struct igb_test cases[] = {
	IGB_CASE(status_sane, NEEDS_BAR0, MODES_ONCE,
		 "STATUS register does not read all-ones"),
	IGB_CASE(mac_address, NEEDS_BAR0, MODES_ONCE,
		 "RAL0/RAH0 hold a valid unicast MAC address"),
	IGB_CASE(register_pattern, NEEDS_BAR0, MODES_ONCE,
		 "ethtool's 82576 register test: ring, flow-control, RCTL/TCTL, RAR and MTA registers under their masks"),
	IGB_CASE(nvm_checksum, NEEDS_BAR0, MODES_ONCE,
		 "NVM words 0x00..0x3F sum to 0xBABA (read through EERD)"),
	IGB_CASE(nvm_mac_address, NEEDS_BAR0, MODES_ONCE,
		 "RAL0/RAH0 hold the port's NVM MAC: words 0-2 with the LAN ID applied, or the alternate (word 0x37)"),
	IGB_CASE(phy_id, NEEDS_BAR0, MODES_ONCE,
		 "MDIC reads of PHY ID registers 2 and 3 give a plausible ID"),
};
IGB_GROUP(registers, "first register reads", cases);
