/*
 * model_test.h - helpers for the host tests that drive the 82576 model
 * directly or through the real driver (igb_ops) outside the suite runner.
 */
#ifndef IGBTEST_MODEL_TEST_H
#define IGBTEST_MODEL_TEST_H

#include "fake_devices.h"
#include "igb/igb_drv.h"

#define MT_BAR0 0xfebc0000u

/* One 82576 (model) on bus 1 behind a root port, found by a PCI scan and
 * prepared the way the suite prepares a device; drv is the real driver. */
struct mt {
	struct fake_82576 p;
	struct model_igb *g;
	struct igb_dev d;
	struct igb_drv drv;
	uint8_t *src, *dst;   /* MT_BUF bytes each, DMA memory */
};
#define MT_BUF (4u << 20)

/* Build and scan the machine; the device is ready for igb_ops.init. */
void mt_open(struct mt *m, enum model_personality pers);
/* The inventory mt_open's scan found. */
const struct pci_inventory *mt_inventory(void);
/* igb_ops.init and the link settled (as the suite's fixture does),
 * which must succeed. */
void mt_up(struct mt *m);
/* A copy of n bytes through the driver; RC_EIO when the bytes differ. */
int mt_copy(struct mt *m, size_t n);
/* KTAP output from here on into the fake platform's captured output
 * (fake_output_contains), as igbtest's main() sends it to plat_write. */
void mt_capture_ktap(void);
/* igbtest_run with these command-line arguments (the one helper for a
 * whole run); its output parsed into doc, which must be KTAP (doc NULL:
 * not parsed; a soak's rounds nest deeper than ktap_parse reads).
 * Returns the exit status. */
struct kp_doc;
int mt_run(struct kp_doc *doc, const char *args);
/* The registry index of case name (for suite_run_sequence). */
unsigned mt_case_index(const char *name);
/* BAR0 register access. */
uint32_t mt_rd(const struct mt *m, uint32_t reg);
void mt_wr(const struct mt *m, uint32_t reg, uint32_t v);
/* Let simulated time pass (the model runs). */
void mt_wait_us(uint64_t us);

/* Post one TX descriptor {addr, cmd_type_len, olinfo} and one RX buffer
 * at the rings' software tails and ring both doorbells, as the driver
 * would, but with whatever descriptor a test wants. Returns the RX index. */
unsigned mt_post(struct mt *m, uint64_t tx_addr, uint32_t cmd_type_len,
		 uint32_t olinfo, uint64_t rx_addr);
/* The RX descriptor's write-back status dword; whether DD came within
 * us of simulated time. */
bool mt_rx_done(struct mt *m, unsigned rx_index, uint64_t us);

/*
 * With a fake IOMMU already added: strict translation for the model
 * through the real unit driver (iommu_start); a mapped copy passes, and a
 * read of a page the unit was never told about faults, the unit's log
 * naming our requester, the page and a read, with a reason containing
 * reason; then the model carries on with zeros (QEMU) or wedges
 * (silicon). translated and faults are the fake unit's own counters.
 */
void mt_strict_fault(struct mt *m, enum model_personality pers, const unsigned *translated,
		     const unsigned *faults, const char *reason);
/* Host bridge, root port 00:02.0 -> bus 1 with an 82576 (no model), an
 * e1000e at 00:1f.0 as someone else; scanned into inv. Returns the 82576. */
struct pci_bdf mt_iommu_machine(struct pci_inventory *inv);

/* An address with nothing behind it: no DMA allocation covers it. */
#define MT_UNMAPPED 0x0000dead00000000ull

#endif
