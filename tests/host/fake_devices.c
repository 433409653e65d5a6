/* fake_devices.c - builders for common fake PCI functions (see fake_devices.h). */
#include "fake_devices.h"

#include "igb/igb_regs.h"
#include "pci/pci_regs.h"

#define VENDOR_INTEL	0x8086
#define VENDOR_PLX	0x10b5
#define CLASS_ETHERNET	0x020000
#define CLASS_HOST	0x060000

/* PCIe capability body: type, DEVCAP, current and capable link. */
static void pcie_cap(struct fake_fn *f, uint8_t off, uint8_t type, uint32_t devcap,
		     uint8_t speed, uint8_t width)
{
	fake_cap_add(f, off, PCI_CAP_ID_EXP);
	fake_set16(f, off + PCI_EXP_FLAGS, (uint16_t)(0x0002 | type << 4));
	fake_set32(f, off + PCI_EXP_DEVCAP, devcap);
	fake_set32(f, off + PCI_EXP_LNKCAP, (uint32_t)speed | (uint32_t)width << 4);
	fake_set16(f, off + PCI_EXP_LNKSTA, (uint16_t)(speed | width << 4));
	fake_w1c(f, off + PCI_EXP_DEVSTA, 2, PCI_EXP_DEVSTA_ERRORS);
}

/* AER: the status registers are write-1-to-clear (PCIe 4.0 7.8.4.2/7.8.4.5). */
static void aer_cap(struct fake_fn *f, uint16_t off, uint8_t ver)
{
	fake_ext_cap_add(f, off, PCI_EXT_CAP_ID_ERR, ver);
	fake_w1c(f, off + PCI_ERR_UNCOR_STATUS, 4, 0xffffffffu);
	fake_w1c(f, off + PCI_ERR_COR_STATUS, 4, 0xffffffffu);
}

/* The error bits of PCI_STATUS are write-1-to-clear on every function. */
static void status_w1c(struct fake_fn *f)
{
	fake_w1c(f, PCI_STATUS, 2, PCI_STATUS_ERROR_BITS);
}

static void msix_cap(struct fake_fn *f, uint8_t off, uint16_t vectors, uint8_t bir,
		     uint32_t table, uint32_t pba)
{
	fake_cap_add(f, off, PCI_CAP_ID_MSIX);
	fake_set16(f, off + PCI_MSIX_FLAGS, (uint16_t)(vectors - 1));
	/* Enable and Function Mask are read-write; the rest read-only. */
	fake_writable(f, off + PCI_MSIX_FLAGS, 2,
		      PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	fake_set32(f, off + PCI_MSIX_TABLE, table | bir);
	fake_set32(f, off + PCI_MSIX_PBA, pba | bir);
}

static void sriov_cap(struct fake_fn *f, uint16_t off, uint16_t total, uint16_t vf_did)
{
	fake_ext_cap_add(f, off, PCI_EXT_CAP_ID_SRIOV, 1);
	fake_set16(f, off + PCI_SRIOV_INITIAL_VF, total);
	fake_set16(f, off + PCI_SRIOV_TOTAL_VF, total);
	fake_set16(f, off + PCI_SRIOV_VF_OFFSET, 0x80);
	fake_set16(f, off + PCI_SRIOV_VF_STRIDE, 2);
	fake_set16(f, off + PCI_SRIOV_VF_DID, vf_did);
}

static void fake_82576_caps(struct fake_fn *f)
{
	fake_cap_add(f, 0x40, PCI_CAP_ID_PM);
	fake_set16(f, 0x42, 0xc823);
	fake_cap_add(f, 0x50, PCI_CAP_ID_MSI);
	fake_set16(f, 0x52, 0x0180);
	msix_cap(f, FAKE_82576_MSIX_CAP, 10, 3, 0x0000, 0x2000);
	pcie_cap(f, FAKE_82576_PCIE_CAP, PCI_EXP_TYPE_ENDPOINT, 0x10008cc2, 1, 4);
	aer_cap(f, FAKE_82576_AER_CAP, 2);
	fake_ext_cap_add(f, 0x150, PCI_EXT_CAP_ID_ARI, 1);
	sriov_cap(f, FAKE_82576_SRIOV_CAP, 8, 0x10ca);
}

uint64_t fake_82576_bar3(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return 0x800000000ull | (uint64_t)bus << 20 | (uint64_t)dev << 15 |
	       (uint64_t)fn << 14;
}

struct fake_82576 fake_82576_add(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t bar0)
{
	return fake_82576_add_as(bus, dev, fn, bar0, MODEL_QEMU);
}

struct fake_82576 fake_82576_add_as(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t bar0,
				    enum model_personality pers)
{
	struct fake_82576 p = { .fn = fake_fn_add(bus, dev, fn) };
	struct fake_fn *f = p.fn;

	fake_fn_ids(f, VENDOR_INTEL, 0x10c9, CLASS_ETHERNET, 0x01);
	fake_set16(f, PCI_SUBSYSTEM_VENDOR_ID, VENDOR_INTEL);
	fake_set16(f, PCI_SUBSYSTEM_ID, 0xa01c);
	fake_set8(f, 0x3d, 1); /* INTA */
	fake_bar_mem32(f, 0, bar0, FAKE_82576_BAR0_SIZE, false);
	fake_bar_io(f, 2, FAKE_82576_IO_BASE, 32, true);
	fake_bar_mem64(f, 3, fake_82576_bar3(bus, dev, fn), FAKE_82576_BAR3_SIZE, false);
	fake_82576_caps(f);
	status_w1c(f);
	fake_set16(f, PCI_COMMAND, FAKE_82576_COMMAND);
	p.bar3 = fake_mmio_add(fake_82576_bar3(bus, dev, fn), FAKE_82576_BAR3_SIZE);
	p.bar3->owner = f;
	if (bar0) {
		p.bar0 = fake_mmio_add(bar0, FAKE_82576_BAR0_SIZE);
		p.bar0->owner = f;
		p.model = model_igb_attach(f, p.bar0, p.bar3, pers);
	}
	return p;
}

struct fake_fn *fake_host_bridge_add(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct fake_fn *f = fake_fn_add(bus, dev, fn);

	fake_fn_ids(f, VENDOR_INTEL, 0x29c0, CLASS_HOST, 0x02);
	fake_set16(f, PCI_COMMAND, 0x0006);
	return f;
}

struct fake_fn *fake_bridge_add(uint8_t bus, uint8_t dev, uint8_t fn,
				uint8_t secondary, uint8_t subordinate,
				uint8_t pcie_type)
{
	struct fake_fn *f = fake_fn_add(bus, dev, fn);
	bool root = pcie_type == PCI_EXP_TYPE_ROOT_PORT;

	fake_fn_ids(f, root ? VENDOR_INTEL : VENDOR_PLX, root ? 0x3c02 : 0x8724,
		    0, 0x01);
	fake_fn_bridge(f, bus, secondary, subordinate);
	fake_set16(f, PCI_COMMAND, 0x0007);
	pcie_cap(f, FAKE_BRIDGE_PCIE_CAP, pcie_type, 0x00008000, 2, 8);
	aer_cap(f, FAKE_BRIDGE_AER_CAP, 2);
	status_w1c(f);
	return f;
}

struct fake_fn *fake_e1000e_add(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t bar0)
{
	struct fake_fn *f = fake_fn_add(bus, dev, fn);

	fake_fn_ids(f, VENDOR_INTEL, 0x10d3, CLASS_ETHERNET, 0x00);
	fake_bar_mem32(f, 0, bar0, 0x20000, false);
	fake_bar_io(f, 2, 0xd000, 32, true);
	fake_bar_mem32(f, 3, bar0 + 0x20000, 0x4000, false);
	fake_cap_add(f, 0xc8, PCI_CAP_ID_PM);
	fake_cap_add(f, 0xd0, PCI_CAP_ID_MSI);
	fake_cap_add(f, 0xe0, PCI_CAP_ID_EXP);
	fake_set16(f, 0xe0 + PCI_EXP_FLAGS, 0x0001);
	msix_cap(f, 0xa0, 5, 3, 0x0000, 0x2000);
	fake_ext_cap_add(f, 0x100, PCI_EXT_CAP_ID_ERR, 1);
	fake_set16(f, PCI_COMMAND, 0x0007);
	return f;
}
