/*
 * identity.c - identity and config space: IDs, BAR0, capabilities.
 * Config space is only read here; BAR0 only read.
 */
#include "igb/igb_regs.h"
#include "suite/suite.h"
#include "pci/pci_regs.h"

#define PCI_CLASS_ETHERNET 0x0200 /* base class 02 network, subclass 00 */

static enum ktap_result case_identify(struct igb_dev *d, struct test_run *t)
{
	uint16_t vendor = pci_read16(d->bdf, PCI_VENDOR_ID);
	uint16_t device = pci_read16(d->bdf, PCI_DEVICE_ID);
	uint32_t class_code = pci_read32(d->bdf, PCI_CLASS_REVISION) >> 8;

	ASSERT(t, vendor != 0xffff || device != 0xffff,
	       "config space reads all-ones (device gone?)");
	ASSERT(t, igb_is_82576_pf(vendor, device), "IDs %04x:%04x are not an 82576 PF",
	       vendor, device);
	ASSERT(t, (class_code >> 8) == PCI_CLASS_ETHERNET,
	       "class %06x is not an Ethernet controller", class_code);
	ktap_diag("%s: %s [%04x:%04x] class %06x", t->name, igb_82576_name(device),
		  vendor, device, class_code);
	return KTAP_PASS;
}

static enum ktap_result case_bar0_mmio_128k(struct igb_dev *d, struct test_run *t)
{
	const struct pci_bar *b = &d->bar[0];

	if (d->bar0_problem[0] && d->bar0_host) /* the firmware's, not the NIC's */
		SKIP(t, "not tested: %s", d->bar0_problem);
	ASSERT(t, !d->bar0_problem[0], "%s", d->bar0_problem);
	ASSERT(t, b->size == IGB_BAR0_SIZE, "BAR0 is %llu bytes, expected %u",
	       (unsigned long long)b->size, IGB_BAR0_SIZE);
	ASSERT(t, pci_read16(d->bdf, PCI_COMMAND) & PCI_COMMAND_MEMORY,
	       "memory decode is off");
	ktap_diag("%s: BAR0 %s%s at 0x%llx, 128 KiB", t->name,
		  b->kind == PCI_BAR_MEM64 ? "mem64" : "mem32",
		  b->prefetch ? " prefetchable" : "", (unsigned long long)b->addr);
	return KTAP_PASS;
}

/* The MSI-X table/PBA must lie inside a memory BAR we sized. */
static enum ktap_result msix_region_ok(struct igb_dev *d, struct test_run *t,
				       const char *what, uint8_t bir,
				       uint32_t off, uint64_t bytes)
{
	const struct pci_bar *b;

	ASSERT(t, bir < PCI_BAR_COUNT_NORMAL, "MSI-X %s BIR %u is not a BAR", what, bir);
	b = &d->bar[bir];
	ASSERT(t, b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64,
	       "MSI-X %s BAR%u is not a memory BAR", what, bir);
	ASSERT(t, b->addr, "MSI-X %s BAR%u is unassigned", what, bir);
	ASSERT(t, (uint64_t)off + bytes <= b->size, "MSI-X %s at BAR%u+0x%x (%llu bytes) "
	       "overruns the %llu-byte BAR", what, bir, off, (unsigned long long)bytes,
	       (unsigned long long)b->size);
	return KTAP_PASS;
}

/* Capabilities as the device shows them now, not as the scan saw them: a
 * device that has gone reads all-ones and must fail here. */
static enum ktap_result caps_now(struct igb_dev *d, struct test_run *t,
				 struct pci_caps *c)
{
	ASSERT(t, pci_read16(d->bdf, PCI_VENDOR_ID) != 0xffff,
	       "config space reads all-ones (device gone?)");
	pci_decode_caps(d->bdf, c);
	return KTAP_PASS;
}

static enum ktap_result case_cap_msix(struct igb_dev *d, struct test_run *t)
{
	struct pci_caps caps, *c = &caps;

	TRY(caps_now(d, t, c));
	uint64_t pba_bytes = ((c->msix_table_size + 63u) / 64u) * 8u;

	ASSERT(t, c->msix, "no MSI-X capability%s%s",
	       c->walk_error ? ": walk stopped: " : "", c->walk_error ? c->walk_error : "");
	TRY(msix_region_ok(d, t, "table", c->msix_table_bir, c->msix_table_off,
			   (uint64_t)c->msix_table_size * PCI_MSIX_ENTRY_SIZE));
	TRY(msix_region_ok(d, t, "PBA", c->msix_pba_bir, c->msix_pba_off, pba_bytes));
	ktap_diag("%s: MSI-X at 0x%02x, %u vectors, table BAR%u+0x%x, PBA BAR%u+0x%x",
		  t->name, c->msix, c->msix_table_size, c->msix_table_bir,
		  c->msix_table_off, c->msix_pba_bir, c->msix_pba_off);
	return KTAP_PASS;
}

static enum ktap_result case_cap_pcie_flr(struct igb_dev *d, struct test_run *t)
{
	struct pci_caps caps, *c = &caps;

	TRY(caps_now(d, t, c));
	ASSERT(t, c->pcie, "no PCI Express capability");
	ASSERT(t, c->flr, "PCIe DEVCAP does not advertise Function Level Reset");
	ktap_diag("%s: PCIe at 0x%02x, FLR capable", t->name, c->pcie);
	return KTAP_PASS;
}

static enum ktap_result case_cap_sriov(struct igb_dev *d, struct test_run *t)
{
	struct pci_caps caps, *c = &caps;

	TRY(caps_now(d, t, c));
	ASSERT(t, c->sriov, "no SR-IOV extended capability%s",
	       c->pcie ? "" : " (no PCIe capability either)");
	ASSERT(t, c->sriov_total_vfs >= 1 && c->sriov_total_vfs <= IGB_MAX_VFS,
	       "TotalVFs %u outside 1..%u", c->sriov_total_vfs, IGB_MAX_VFS);
	ktap_diag("%s: SR-IOV at 0x%03x, TotalVFs %u", t->name, c->sriov,
		  c->sriov_total_vfs);
	return KTAP_PASS;
}

/* Config space only: no DMA, so once per device (MODES_ONCE). */
static const struct igb_test cases[] = {
	IGB_CASE(identify, NEEDS_NOTHING, MODES_ONCE,
		 "vendor/device ID is an 82576 PF and the class is Ethernet"),
	IGB_CASE(bar0_mmio_128k, NEEDS_NOTHING, MODES_ONCE,
		 "BAR0 is an assigned memory BAR of 128 KiB, decoding"),
	IGB_CASE(cap_msix, NEEDS_NOTHING, MODES_ONCE,
		 "MSI-X capability present, table and PBA inside a memory BAR"),
	IGB_CASE(cap_pcie_flr, NEEDS_NOTHING, MODES_ONCE,
		 "PCIe capability present and advertises FLR"),
	IGB_CASE(cap_sriov, NEEDS_NOTHING, MODES_ONCE,
		 "SR-IOV capability present with 1..8 TotalVFs"),
};
IGB_GROUP(identity, "identity and config space", cases);
