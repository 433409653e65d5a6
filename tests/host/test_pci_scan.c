/* test_pci_scan.c - enumeration: topology, parents, loops, reads only. */
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"

/* Large: static, not on the stack. */
static struct pci_inventory inv;

/*
 * Bus 0: host bridge 00.0; 01.0/.2/.5 one multi-function device (gaps at
 * .1, .3, .4); root port 02.0 -> bus 1 (a dual-port 82576, 01:00.0/.1);
 * root port 03.0 -> buses 2..4: switch upstream 02:00.0 -> downstream
 * 03:00.0 -> bus 4 with an 82576 (04:00.0) and two bridges pointing back
 * up (04:01.0 -> bus 2, 04:02.0 -> bus 0); 00:05.0 an unconfigured bridge
 * (secondary 0); 00:06.0 a bridge claiming bus 1 again. 05:00.0 exists but
 * no bridge leads to it.
 */
static void build_topology(void)
{
	fake_host_bridge_add(0, 0, 0);
	struct fake_fn *lpc = fake_fn_add(0, 1, 0);
	fake_fn_ids(lpc, 0x8086, 0x2918, 0x060100, 2);
	fake_fn_multifunction(lpc);
	fake_fn_ids(fake_fn_add(0, 1, 2), 0x8086, 0x2922, 0x010601, 2);
	fake_fn_ids(fake_fn_add(0, 1, 5), 0x8086, 0x2930, 0x0c0500, 2);

	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	struct fake_82576 a = fake_82576_add(1, 0, 0, 0xfe000000);
	fake_fn_multifunction(a.fn);
	fake_82576_add(1, 0, 1, 0xfe020000);

	fake_bridge_add(0, 3, 0, 2, 4, PCI_EXP_TYPE_ROOT_PORT);
	fake_bridge_add(2, 0, 0, 3, 4, PCI_EXP_TYPE_UPSTREAM);
	fake_bridge_add(3, 0, 0, 4, 4, PCI_EXP_TYPE_DOWNSTREAM);
	fake_82576_add(4, 0, 0, 0xfd000000);
	fake_bridge_add(4, 1, 0, 2, 4, PCI_EXP_TYPE_DOWNSTREAM);
	fake_bridge_add(4, 2, 0, 0, 4, PCI_EXP_TYPE_DOWNSTREAM);

	fake_bridge_add(0, 5, 0, 0, 0, PCI_EXP_TYPE_ROOT_PORT);
	fake_bridge_add(0, 6, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_e1000e_add(5, 0, 0, 0xfc000000);
}

static const struct {
	uint8_t bus, dev, fn;
	int parent;
	uint16_t device;
} expect[] = {
	{ 0, 0, 0, PCI_NO_PARENT, 0x29c0 },
	{ 0, 1, 0, PCI_NO_PARENT, 0x2918 },
	{ 0, 1, 2, PCI_NO_PARENT, 0x2922 },
	{ 0, 1, 5, PCI_NO_PARENT, 0x2930 },
	{ 0, 2, 0, PCI_NO_PARENT, 0x3c02 },
	{ 1, 0, 0, 4, 0x10c9 },
	{ 1, 0, 1, 4, 0x10c9 },
	{ 0, 3, 0, PCI_NO_PARENT, 0x3c02 },
	{ 2, 0, 0, 7, 0x8724 },
	{ 3, 0, 0, 8, 0x8724 },
	{ 4, 0, 0, 9, 0x10c9 },
	{ 4, 1, 0, 9, 0x8724 },
	{ 4, 2, 0, 9, 0x8724 },
	{ 0, 5, 0, PCI_NO_PARENT, 0x3c02 },
	{ 0, 6, 0, PCI_NO_PARENT, 0x3c02 },
};

TEST(scan_topology)
{
	build_topology();
	REQUIRE(pci_scan(&inv) == RC_OK);
	CHECK(!inv.truncated);
	REQUIRE(inv.n == ARRAY_SIZE(expect));
	for (unsigned i = 0; i < inv.n; i++) {
		const struct pci_func *f = &inv.f[i];
		harness_note("inventory entry %u", i);
		CHECK(fake_bdf_eq(f->bdf, fake_bdf(expect[i].bus, expect[i].dev,
						    expect[i].fn)));
		CHECK_EQ(f->parent, expect[i].parent);
		CHECK_EQ(f->device, expect[i].device);
	}
}

TEST(scan_writes_nothing)
{
	build_topology();
	REQUIRE(pci_scan(&inv) == RC_OK);
	CHECK_EQ(fake_cfg_writes_total(), 0);
}

TEST(scan_decodes_functions)
{
	build_topology();
	REQUIRE(pci_scan(&inv) == RC_OK);
	const struct pci_func *nic = &inv.f[10], *rp = &inv.f[7], *lpc = &inv.f[1];

	CHECK_EQ(nic->vendor, 0x8086);
	CHECK_EQ(nic->class_code, 0x020000);
	CHECK_EQ(nic->revision, 1);
	CHECK_EQ(nic->subsys_vendor, 0x8086);
	CHECK_EQ(nic->subsys_device, 0xa01c);
	CHECK_EQ(nic->header_type, PCI_HEADER_TYPE_NORMAL);
	CHECK_EQ(nic->nbars, 6);
	CHECK_EQ(nic->bar[0].addr, 0xfd000000);
	CHECK_EQ(nic->bar[0].size, FAKE_82576_BAR0_SIZE); /* platform knew it */
	CHECK(!nic->bar[0].size_probed);
	CHECK_EQ(nic->bar[3].kind, PCI_BAR_MEM64);
	CHECK_EQ(nic->bar[3].size, FAKE_82576_BAR3_SIZE);
	CHECK_EQ(nic->caps.msix, 0x70);
	CHECK_EQ(nic->caps.sriov_total_vfs, 8);
	CHECK_EQ(rp->header_type, PCI_HEADER_TYPE_BRIDGE);
	CHECK_EQ(rp->sec_bus, 2);
	CHECK_EQ(rp->sub_bus, 4);
	CHECK_EQ(rp->nbars, 2);
	CHECK_EQ(rp->caps.pcie_type, PCI_EXP_TYPE_ROOT_PORT);
	CHECK_EQ(lpc->header_type, PCI_HEADER_TYPE_NORMAL); /* MFD bit stripped */
	CHECK_EQ(lpc->class_code, 0x060100);
}

TEST(scan_bar_sizes_unknown_to_platform)
{
	fake_bar_size_known(false);
	fake_82576_add(0, 2, 0, 0xfebc0000);
	REQUIRE(pci_scan(&inv) == RC_OK);
	REQUIRE(inv.n == 1);
	CHECK_EQ(inv.f[0].bar[0].addr, 0xfebc0000);
	CHECK_EQ(inv.f[0].bar[0].size, 0);
	CHECK_EQ(inv.f[0].bar[3].size, 0);
	CHECK_EQ(fake_cfg_writes_total(), 0);
}

TEST(scan_multiple_roots_and_segments)
{
	static const struct pci_root roots[] = {
		{ 0, 0x00, 0x7f }, { 0, 0x80, 0xff }, { 1, 0x00, 0xff },
	};

	fake_roots_set(roots, ARRAY_SIZE(roots));
	fake_host_bridge_add(0, 0, 0);
	fake_82576_add(0x80, 1, 0, 0xfe000000);
	fake_fn_ids(fake_fn_add_bdf((struct pci_bdf){ 1, 0, 0, 0 }), 0x8086,
		    0x29c0, 0x060000, 0);
	fake_bridge_add(0, 0x1f, 0, 0x80, 0x80, PCI_EXP_TYPE_ROOT_PORT);
	REQUIRE(pci_scan(&inv) == RC_OK);
	REQUIRE(inv.n == 4);
	CHECK(fake_bdf_eq(inv.f[0].bdf, fake_bdf(0, 0, 0)));
	/* the root port leads to bus 0x80 first: scanned once, under it */
	CHECK(fake_bdf_eq(inv.f[1].bdf, fake_bdf(0, 0x1f, 0)));
	CHECK(fake_bdf_eq(inv.f[2].bdf, fake_bdf(0x80, 1, 0)));
	CHECK_EQ(inv.f[2].parent, 1);
	CHECK_EQ(inv.f[3].bdf.seg, 1);
	CHECK_EQ(inv.f[3].parent, PCI_NO_PARENT);
}

TEST(scan_roots_failure)
{
	fake_roots_fail(RC_ENODEV);
	fake_host_bridge_add(0, 0, 0);
	inv.n = 99;
	CHECK_EQ(pci_scan(&inv), RC_ENODEV);
	CHECK_EQ(inv.n, 0);
}

/* Vendor 0 and all-ones functions are absent; so is a gone function 0. */
TEST(scan_skips_vendor_zero_and_all_ones)
{
	struct fake_fn *z = fake_fn_add(0, 1, 0);
	struct fake_fn *gone = fake_fn_add(0, 2, 0);

	fake_fn_ids(z, 0x0000, 0x1234, 0x020000, 0);
	fake_fn_ids(gone, 0x8086, 0x10c9, 0x020000, 0);
	gone->all_ones = true;
	fake_host_bridge_add(0, 3, 0);
	REQUIRE(pci_scan(&inv) == RC_OK);
	REQUIRE(inv.n == 1);
	CHECK(fake_bdf_eq(inv.f[0].bdf, fake_bdf(0, 3, 0)));
}

/* More functions than the inventory holds: full, flagged, no overrun. */
TEST(scan_truncates_at_max_funcs)
{
	fake_bridge_add(0, 0, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	for (uint8_t dev = 1; dev < 32; dev++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			struct fake_fn *f = fake_fn_add(0, dev, fn);
			fake_fn_ids(f, 0x8086, 0x1000 + dev, 0x020000, fn);
			if (!fn)
				fake_fn_multifunction(f);
		}
	}
	for (uint8_t dev = 0; dev < 8; dev++)
		fake_fn_ids(fake_fn_add(1, dev, 0), 0x8086, 0x2000, 0x020000, 0);
	REQUIRE(pci_scan(&inv) == RC_OK);
	CHECK_EQ(inv.n, PCI_MAX_FUNCS);
	CHECK(inv.truncated);
	CHECK_EQ(inv.f[1].parent, 0); /* bus 1 came first, under 00:00.0 */
	CHECK_EQ(inv.f[PCI_MAX_FUNCS - 1].bdf.bus, 0);
}
