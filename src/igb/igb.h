/* igb.h - the 82576 as igbtest sees it: identity and per-device context. */
#ifndef IGBTEST_IGB_H
#define IGBTEST_IGB_H

#include "pci/health.h"
#include "pci/pci.h"
#include "platform.h"

/* True for every 82576 physical function ID (Linux e1000_hw.h). */
bool igb_is_82576_pf(uint16_t vendor, uint16_t device);
/* The variant's name, e.g. "82576 copper"; NULL when not an 82576 PF. */
const char *igb_82576_name(uint16_t device);
bool igb_func_is_82576(const struct pci_func *f);

/* One 82576 PF under test. */
struct igb_dev {
	const struct pci_func *fn; /* its inventory entry */
	struct pci_bdf bdf;
	char name[32];             /* "0000:00:02.0" */
	struct pci_bar bar[6];     /* sized by our own probe */
	uint16_t cmd_at_start;     /* COMMAND as the firmware left it */
	uint64_t bar0;             /* CSR base; 0 when unusable */
	char bar0_problem[96];     /* why BAR0 is unusable */
	bool bar0_host;            /* ... the host's doing (firmware left it
				    * unassigned, decode refused): not tested */
	bool decode_enabled;       /* we turned memory decode on for BAR0 */
	/* The port directly above (the other end of its link), or NULL. */
	const struct pci_func *port;
	/* PCIe error status found (and cleared) before the first case. */
	struct pci_err err_before, port_err_before;
	/* Recovery (FLR + init) failed: the rest of its cases that need the
	 * device are skipped; gone (it left the bus, igb_gone): all of them
	 * are, and nothing is written to it any more. */
	bool dead, gone;
	char dead_why[120];
	char gone_when[120];    /* the step that found it gone */
	const char *gone_case;  /* the case its one removal failure went to */
};

/*
 * Gone means gone: whether d has left the bus (slot powered off, surprise
 * removal). Decided by config space: a function that answers no request
 * reads all-ones there (PCIe 2.3.2, master abort), while a device that is
 * there but resetting answers Vendor ID 0x0001 (RRS), never all-ones.
 * Registers only prompt the check: all-ones is Linux igb_rd32()'s "PCIe
 * link lost", but QEMU's powered-off slot reads 0 there. A device that
 * never answered (cmd_at_start all-ones) was absent, not removed. The first time it
 * is found gone, d is marked (gone, dead) and when, a printf format, says
 * which step found it; from then on true without a read.
 */
bool igb_gone(struct igb_dev *d, const char *when, ...)
	__attribute__((format(printf, 2, 3)));

static inline uint32_t igb_rd32(const struct igb_dev *d, uint32_t reg)
{
	return plat_mmio_read32(d->bar0 + reg);
}

static inline void igb_wr32(const struct igb_dev *d, uint32_t reg, uint32_t v)
{
	plat_mmio_write32(d->bar0 + reg, v);
}

#endif
