/*
 * igb_info.h - what the 82576 says about itself and what it counted:
 * board identity from the NVM (PBA, image version, size) and the
 * statistics registers.
 */
#ifndef IGBTEST_IGB_INFO_H
#define IGBTEST_IGB_INFO_H

#include "igb/igb.h"

/* The counters a copy is checked against (8.19). */
struct igb_stats {
	uint64_t gprc, gptc, gorc, gotc; /* good packets and octets, RX/TX */
	uint64_t tpr, tpt, tor, tot;     /* total packets and octets, RX/TX */
	uint32_t crcerrs, algnerrc, rxerrc, mpc, rlec, rnbc; /* errors, drops */
};

/* Read every counter above once: the registers clear on read, so this
 * also starts the next count from zero (Linux igb_update_stats). */
void igb_stats_read(struct igb_dev *d, struct igb_stats *s);

#define IGB_PBA_MAX 32	/* longest PBA string we print, with its NUL */
/* The Printed Board Assembly number as Linux igb_read_part_string reads
 * it: legacy "XXXXXX-0XX" from words 8/9, or the string word 9 points at
 * when word 8 is the guard 0xFAFA. RC_EIO: the NVM's PBA section is bad. */
int igb_read_pba(struct igb_dev *d, char *buf, size_t n);

/* The NVM image version as Linux igb_get_fw_version reads it on an 82576. */
struct igb_nvm_version {
	unsigned major, minor, build;
	bool etrack_valid;
	uint32_t etrack;
};
int igb_read_nvm_version(struct igb_dev *d, struct igb_nvm_version *v);
/* NVM size in 16-bit words from EECD (igb_init_nvm_params_82575). */
unsigned igb_nvm_words(struct igb_dev *d);

#endif
