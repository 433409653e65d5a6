/* igb_ids.c - which PCI functions are 82576 physical functions. */
#include "igb/igb.h"

#include "igb/igb_regs.h"

static const struct {
	uint16_t device;
	const char *name;
} igb_82576_pfs[] = {
	/* Linux e1000_hw.h E1000_DEV_ID_82576* */
	{ 0x10C9, "82576 copper" },
	{ 0x10E6, "82576 fiber" },
	{ 0x10E7, "82576 serdes" },
	{ 0x10E8, "82576 quad copper" },
	{ 0x1526, "82576 quad copper ET2" },
	{ 0x150A, "82576NS copper" },
	{ 0x1518, "82576NS serdes" },
	{ 0x150D, "82576 serdes quad" },
};

const char *igb_82576_name(uint16_t device)
{
	for (size_t i = 0; i < sizeof(igb_82576_pfs) / sizeof(igb_82576_pfs[0]); i++)
		if (igb_82576_pfs[i].device == device)
			return igb_82576_pfs[i].name;
	return NULL;
}

bool igb_is_82576_pf(uint16_t vendor, uint16_t device)
{
	return vendor == IGB_VENDOR_INTEL && igb_82576_name(device) != NULL;
}

bool igb_func_is_82576(const struct pci_func *f)
{
	return igb_is_82576_pf(f->vendor, f->device);
}
