/*
 * fake_igb.h - register behaviour of an 82576 BAR0 for the fake: enough
 * for reset, NVM, PHY and link bring-up, no DMA engine (a write to a tail
 * register moves nothing).
 */
#ifndef IGBTEST_FAKE_IGB_H
#define IGBTEST_FAKE_IGB_H

#include "fake_platform.h"

#define FAKE_IGB_NVM_WORDS 64
#define FAKE_IGB_PHY_REGS 32
/* QEMU's igb PHY identifier (registers 2 and 3). */
#define FAKE_IGB_PHY_ID1 0x02a8
#define FAKE_IGB_PHY_ID2 0x0391

struct fake_igb {
	uint16_t nvm[FAKE_IGB_NVM_WORDS]; /* words 0-2 the MAC, sum 0xBABA */
	uint16_t phy[FAKE_IGB_PHY_REGS];
	unsigned resets;                  /* CTRL.RST writes */
	/* EICR reads while EIAC had bits set: forbidden on silicon (8.8.5),
	 * so any count here is a driver bug. */
	unsigned eicr_reads_with_eiac;
};

/*
 * Give region m (an 82576 BAR0) its behaviour: CTRL.RST self-clears and
 * restores STATUS (link down), RAL0/RAH0 and EECD.AUTO_RD; STATUS is
 * read-only; EERD reads the NVM at once; MDIC reaches PHY address 1 at
 * once (others set ERROR); the link comes up when the PHY is put in
 * loopback. Reading EICR while EIAC is non-zero is counted as a protocol
 * violation. Other registers are plain storage.
 */
struct fake_igb *fake_igb_model(struct fake_mmio *m);

#endif
