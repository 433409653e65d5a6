/*
 * mbx.h - the 82576 PF/VF mailbox (datasheet 7.8.2.9), one VF's mailbox
 * driven from both ends: the PF through its BAR0 (VMBMEM(n), P2VMAILBOX(n),
 * MBVFICR, VFLRE), the VF through its own BAR0 (VMBMEM, V2PMAILBOX).
 *
 * The protocol is the datasheet's, as Linux's igb (e1000_mbx.c) and igbvf
 * (mbx.c) drivers implement it: the sender takes its lock bit (VFU or PFU)
 * and reads it back, writes the buffer, then signals (REQ or STS), which
 * also drops the lock; the receiver takes its own lock, reads the buffer
 * and answers ACK, dropping it. Before writing, each side flushes the
 * other's pending signals, because the buffer is about to be overwritten.
 *
 * V2PMAILBOX.PFSTS, PFACK and RSTD clear when read. Every read of it goes
 * through igb_mbx_vf_status(), which ORs those bits into a cache, so no
 * read (a diagnostic, a lock check) ever loses one; igb_mbx_vf_check()
 * consumes them.
 *
 * Every wait is bounded; a failure leaves the registers seen in
 * m->last_error.
 */
#ifndef IGBTEST_MBX_H
#define IGBTEST_MBX_H

#include "igb/igb.h"

/* Linux igbvf: "a total wait time of 1s for vf mailbox posted messages"
 * (E1000_VF_MBX_INIT_TIMEOUT 2000 x E1000_VF_MBX_INIT_DELAY 500 us). */
#define IGB_MBX_TIMEOUT_US	1000000
/* Linux polls every 500 us; the bits are register state the other side's
 * write sets at once, so we poll faster to measure a round trip. */
#define IGB_MBX_POLL_US		10
/* Lock attempts, 1 ms apart (Linux igb_obtain_mbx_lock_pf and
 * e1000_obtain_mbx_lock_vf: count = 10 in a do-while, so 11 tries). */
#define IGB_MBX_LOCK_TRIES	11
#define IGB_MBX_LOCK_RETRY_US	1000
/* After VTCTRL.RST the VF waits for RSTI/RSTD to settle: Linux igbvf
 * E1000_VF_INIT_TIMEOUT, 200 polls of 5 us. */
#define IGB_MBX_VF_RESET_TIMEOUT_US	1000
#define IGB_MBX_VF_RESET_POLL_US	5

struct igb_mbx {
	const struct igb_dev *pf;
	unsigned vf;            /* VF number: its MBVFICR bits, its buffer */
	uint64_t vf_bar0;       /* the VF's own CSR window */
	uint32_t r2c;           /* read-to-clear bits seen, not yet consumed */
	char last_error[200];
};

void igb_mbx_init(struct igb_mbx *m, const struct igb_dev *pf, unsigned vf,
		  uint64_t vf_bar0);

/* The VF's registers, by offset in its BAR0. */
uint32_t igb_vf_rd32(const struct igb_mbx *m, uint32_t reg);
void igb_vf_wr32(const struct igb_mbx *m, uint32_t reg, uint32_t v);

/* ---- VF side ---- */
/* V2PMAILBOX with the cached read-to-clear bits ORed in: the only way
 * V2PMAILBOX is read. */
uint32_t igb_mbx_vf_status(struct igb_mbx *m);
/* Whether any of bits is set (now or cached); consumes those bits. */
bool igb_mbx_vf_check(struct igb_mbx *m, uint32_t bits);
/* Take VFU (refused while the PF holds PFU); RC_ETIMEDOUT when it never
 * reads back set. */
int igb_mbx_vf_lock(struct igb_mbx *m);
/* Drop VFU without signalling. */
void igb_mbx_vf_unlock(struct igb_mbx *m);
/* Send n (1..16) words: lock, flush PFACK/PFSTS, buffer, REQ. */
int igb_mbx_vf_write(struct igb_mbx *m, const uint32_t *msg, unsigned n);
/* Receive n words: lock, buffer, ACK. */
int igb_mbx_vf_read(struct igb_mbx *m, uint32_t *msg, unsigned n);
/* Wait for bit (PFACK or PFSTS), consuming it. */
int igb_mbx_vf_wait(struct igb_mbx *m, uint32_t bit, uint32_t timeout_us);
/* VTCTRL.RST, then wait for RSTI to clear (RSTD consumed). */
int igb_mbx_vf_reset(struct igb_mbx *m);

/* ---- PF side ---- */
/* Whether the MBVFICR bit (IGB_MBVFICR_VFREQ/VFACK(vf)) is set; clears it
 * (write-1-to-clear) when it is. */
bool igb_mbx_pf_check(struct igb_mbx *m, uint32_t mbvficr_bit);
/* Take PFU (refused while the VF holds VFU). */
int igb_mbx_pf_lock(struct igb_mbx *m);
void igb_mbx_pf_unlock(struct igb_mbx *m);
/* Send n words: lock, flush VFREQ/VFACK, buffer, STS. */
int igb_mbx_pf_write(struct igb_mbx *m, const uint32_t *msg, unsigned n);
/* Receive n words: lock, buffer, ACK. */
int igb_mbx_pf_read(struct igb_mbx *m, uint32_t *msg, unsigned n);
/* Wait for an MBVFICR bit of this VF, consuming it. */
int igb_mbx_pf_wait(struct igb_mbx *m, uint32_t mbvficr_bit, uint32_t timeout_us);
/* The reply Linux's PF gives a VF_RESET message: ACK and the MAC address
 * in words 1-2 (igb_vf_reset_msg). */
int igb_mbx_pf_reply_reset(struct igb_mbx *m, const uint8_t mac[6]);

/* The mailbox registers of this VF, as text (V2PMAILBOX through the
 * caching read). */
void igb_mbx_describe(struct igb_mbx *m, char *buf, size_t n);

#endif
