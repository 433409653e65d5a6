/* test_igb_ids.c - which functions igbtest takes for an 82576 PF. */
#include <string.h>

#include "harness.h"
#include "igb/igb.h"

static const uint16_t pf_ids[] = {
	0x10C9, 0x10E6, 0x10E7, 0x10E8, 0x1526, 0x150A, 0x1518, 0x150D,
};

TEST(igb_ids_every_82576_pf)
{
	for (unsigned i = 0; i < ARRAY_SIZE(pf_ids); i++) {
		harness_note("device 0x%04x", pf_ids[i]);
		CHECK(igb_is_82576_pf(0x8086, pf_ids[i]));
		CHECK(igb_82576_name(pf_ids[i]) != NULL);
	}
	harness_note("%s", "");
	CHECK_STREQ(igb_82576_name(0x10C9), "82576 copper");
}

TEST(igb_ids_not_ours)
{
	static const uint16_t others[] = {
		0x10CA, /* 82576 VF */
		0x152D, /* 82576NS VF */
		0x10D3, /* 82574L, e1000e */
		0x10A7, /* 82575EB copper */
		0x1533, /* I210 */
		0x0000, 0xFFFF,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(others); i++) {
		harness_note("device 0x%04x", others[i]);
		CHECK(!igb_is_82576_pf(0x8086, others[i]));
		CHECK(igb_82576_name(others[i]) == NULL);
	}
	harness_note("%s", "");
	CHECK(!igb_is_82576_pf(0x8087, 0x10C9));
	CHECK(!igb_is_82576_pf(0x1af4, 0x10C9));
	CHECK(!igb_is_82576_pf(0xFFFF, 0xFFFF));
}

TEST(igb_ids_from_inventory_entry)
{
	struct pci_func f;

	memset(&f, 0, sizeof(f));
	f.vendor = 0x8086;
	f.device = 0x10E8;
	CHECK(igb_func_is_82576(&f));
	f.device = 0x10D3;
	CHECK(!igb_func_is_82576(&f));
	f.vendor = 0x10de;
	f.device = 0x10C9;
	CHECK(!igb_func_is_82576(&f));
}
