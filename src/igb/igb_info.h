/*
 * igb_info.h - what the 82576 says about itself and what it counted:
 * board identity from the NVM (PBA, image version, size) and the
 * statistics registers.
 */
#ifndef IGBTEST_IGB_INFO_H
#define IGBTEST_IGB_INFO_H

#include "igb/igb.h"

/* The counters a copy is checked against (8.19), as an array so that a
 * check walks them all the same way. */
enum igb_stat {
	IGB_STAT_GPTC, IGB_STAT_TPT, IGB_STAT_GOTC, IGB_STAT_TOT,    /* TX packets, octets */
	IGB_STAT_GPRC, IGB_STAT_TPR, IGB_STAT_GORC, IGB_STAT_TOR,    /* RX packets, octets */
	IGB_STAT_CRCERRS, IGB_STAT_ALGNERRC, IGB_STAT_RXERRC,        /* errors */
	IGB_STAT_MPC, IGB_STAT_RLEC, IGB_STAT_RNBC,                  /* drops */
	IGB_NSTATS
};
struct igb_stats {
	uint64_t v[IGB_NSTATS];
};

/* Read every counter above once: the registers clear on read, so this
 * also starts the next count from zero (Linux igb_update_stats). */
void igb_stats_read(struct igb_dev *d, struct igb_stats *s);
/* The counter's register name ("GPTC"). */
const char *igb_stat_name(enum igb_stat i);

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

/*
 * The port's MAC addresses in the NVM, as the e1000 shared code finds
 * them. A dual-port 82576 has one NVM for both ports (a quad-port card is
 * two 82576s, each with ports 0 and 1): words 0-2 are port 0's address,
 * and port 1's is the same with bit 0 of the last byte flipped
 * (e1000_read_mac_addr_generic: "Flip last bit of mac address if we're on
 * second port"). The 82576 loads that into RAL0/RAH0 itself at reset,
 * which is why Linux igb_read_mac_addr() only reads RAR0. The port is the
 * LAN ID in STATUS.FUNC_ID (igb_get_bus_info_pcie), not the PCI function
 * number (the NVM can swap them). NVM word 0x37 may point at an alternate
 * block, one address per LAN ID 3 words apart; a pointer of 0 or 0xFFFF
 * means none and a multicast address is ignored (igb_check_alt_mac_addr).
 * Silicon never loads the alternate: pre-boot software and Linux
 * (igb_read_mac_addr_82575) write it into RAR0 over the default.
 */
struct igb_nvm_mac {
	unsigned lan;          /* STATUS.FUNC_ID */
	uint8_t dflt[6];       /* words 0-2 with the LAN ID applied */
	uint16_t alt_ptr;      /* word 0x37 */
	bool alt;              /* alt_mac is an alternate address to honour */
	uint8_t alt_mac[6];    /* this LAN's entry of the alternate block */
};
int igb_read_nvm_mac(struct igb_dev *d, struct igb_nvm_mac *m);

/* Everything that says which board this is, read once (igb_board_read). */
struct igb_board {
	uint16_t vendor, device, subsys_vendor, subsys_device;
	bool have_bar0;            /* the NVM and MAC parts below were read */
	uint8_t mac[6];            /* RAL0/RAH0, as the NVM loaded them */
	char pba[IGB_PBA_MAX];
	int pba_rc;
	struct igb_nvm_version ver;
	int ver_rc;
	unsigned nvm_words;
	bool has_dsn;              /* PCIe Device Serial Number capability */
	uint64_t dsn;
};

/* Config space always; the NVM and MAC only with a usable BAR0. */
void igb_board_read(struct igb_dev *d, struct igb_board *b);
/* "subsystem 8086:a01c mac 52:54:00:12:34:56 pba 1040FF-0FF nvm 2.1-0
 * (1024 words) dsn 00-1b-21-ff-ff-12-34-56" (what could not be read
 * says so). */
const char *igb_board_str(const struct igb_board *b, char *buf, size_t n);

#endif
