/*
 * igb_regs.h - Intel 82576 register names and bits.
 *
 * Offsets and bits from the 82576 datasheet; every define is checked
 * against Linux 6.1's drivers/net/ethernet/intel/igb/e1000_regs.h,
 * e1000_defines.h, e1000_82575.h and e1000_mbx.h, and for the VF side and
 * SRRCTL_BSIZEPKT_MASK against ../igbvf/{regs,defines,mbx}.h (names there
 * in the trailing comment where they differ). Section numbers are the
 * datasheet's.
 */
#ifndef IGBTEST_IGB_REGS_H
#define IGBTEST_IGB_REGS_H

#define IGB_VENDOR_INTEL	0x8086
#define IGB_BAR0_SIZE		(128u * 1024u)	/* 82576 CSR space */

/* ---- general ---- */
#define IGB_CTRL		0x00000
#define  IGB_CTRL_FD		0x00000001
#define  IGB_CTRL_LRST		0x00000008	/* link reset */
#define  IGB_CTRL_GIO_MASTER_DISABLE 0x00000004	/* blocks new master requests */
#define  IGB_CTRL_SLU		0x00000040
#define  IGB_CTRL_ILOS		0x00000080
#define  IGB_CTRL_SPD_SEL	0x00000300
#define  IGB_CTRL_SPD_1000	0x00000200
#define  IGB_CTRL_FRCSPD	0x00000800
#define  IGB_CTRL_FRCDPX	0x00001000
#define  IGB_CTRL_RST		0x04000000
#define  IGB_CTRL_RFCE		0x08000000	/* receive flow control */
#define  IGB_CTRL_TFCE		0x10000000	/* transmit flow control */
#define  IGB_CTRL_PHY_RST	0x80000000
#define IGB_STATUS		0x00008
#define  IGB_STATUS_FD		0x00000001
#define  IGB_STATUS_LU		0x00000002
#define  IGB_STATUS_FUNC_MASK	0x0000000C	/* LAN ID of the port (E1000_STATUS_FUNC_MASK) */
#define  IGB_STATUS_FUNC_SHIFT	2
#define  IGB_STATUS_SPEED_100	0x00000040
#define  IGB_STATUS_SPEED_1000	0x00000080
#define  IGB_STATUS_GIO_MASTER_ENABLE 0x00080000	/* master requests pending */
#define IGB_EECD		0x00010
#define  IGB_EECD_AUTO_RD	0x00000200
#define  IGB_EECD_SIZE_EX_MASK	0x00007800	/* E1000_EECD_SIZE_EX_MASK */
#define  IGB_EECD_SIZE_EX_SHIFT	11
#define  IGB_NVM_WORD_SIZE_BASE_SHIFT 6		/* NVM_WORD_SIZE_BASE_SHIFT */
#define IGB_EERD		0x00014
#define  IGB_EERD_START		0x00000001	/* E1000_NVM_RW_REG_START */
#define  IGB_EERD_DONE		0x00000002	/* E1000_NVM_RW_REG_DONE */
#define  IGB_EERD_ADDR_SHIFT	2		/* E1000_NVM_RW_ADDR_SHIFT */
#define  IGB_EERD_DATA_SHIFT	16		/* E1000_NVM_RW_REG_DATA */
#define IGB_CTRL_EXT		0x00018
#define  IGB_CTRL_EXT_PFRSTD	0x00004000
#define  IGB_CTRL_EXT_LINK_MODE_MASK 0x00C00000	/* 0: internal copper PHY */
#define  IGB_CTRL_EXT_LINK_MODE_1000BASE_KX 0x00400000
#define  IGB_CTRL_EXT_LINK_MODE_SGMII 0x00800000
#define  IGB_CTRL_EXT_LINK_MODE_PCIE_SERDES 0x00C00000
#define  IGB_CTRL_EXT_DRV_LOAD	0x10000000
#define IGB_MDIC		0x00020
#define  IGB_MDIC_DATA_MASK	0x0000FFFF
#define  IGB_MDIC_REG_SHIFT	16
#define  IGB_MDIC_PHY_SHIFT	21
#define  IGB_MDIC_OP_WRITE	0x04000000
#define  IGB_MDIC_OP_READ	0x08000000
#define  IGB_MDIC_READY		0x10000000
#define  IGB_MDIC_ERROR		0x40000000
#define IGB_SCTL		0x00024	/* SerDes control */
#define  IGB_SCTL_DISABLE_SERDES_LOOPBACK 0x0400
#define  IGB_SCTL_ENABLE_SERDES_LOOPBACK 0x0410	/* E1000_ENABLE_SERDES_LOOPBACK */
#define IGB_CONNSW		0x00034	/* copper/fiber switch control */
#define  IGB_CONNSW_ENRGSRC	0x00000004
#define IGB_PCS_LCTL		0x04208	/* PCS link control */
#define  IGB_PCS_LCTL_FLV_LINK_UP 0x00000001	/* forced link value: up */
#define  IGB_PCS_LCTL_FSV_1000	0x00000004	/* forced speed 1000 */
#define  IGB_PCS_LCTL_FDV_FULL	0x00000008	/* forced duplex full */
#define  IGB_PCS_LCTL_FSD	0x00000010	/* force speed and duplex */
#define  IGB_PCS_LCTL_FORCE_LINK 0x00000020
#define  IGB_PCS_LCTL_AN_ENABLE	0x00010000

/* ---- legacy interrupt causes ---- */
#define IGB_ICR			0x000C0
#define IGB_ICS			0x000C8
#define IGB_IMS			0x000D0
#define IGB_IMC			0x000D8
#define  IGB_ICR_TXDW		0x00000001	/* E1000_ICR_TXDW */

/* ---- receive / transmit control ---- */
#define IGB_RCTL		0x00100
#define  IGB_RCTL_EN		0x00000002
#define  IGB_RCTL_SBP		0x00000004
#define  IGB_RCTL_UPE		0x00000008
#define  IGB_RCTL_MPE		0x00000010
#define  IGB_RCTL_LPE		0x00000020
#define  IGB_RCTL_LBM_MAC	0x00000040	/* loops back on QEMU only: MAC
						 * loopback is not implemented on
						 * 82576 silicon (3.5.6.2) */
#define  IGB_RCTL_LBM_TCVR	0x000000C0	/* transceiver (SerDes) loopback */
#define  IGB_RCTL_BAM		0x00008000
#define  IGB_RCTL_PMCF		0x00800000	/* pass MAC control frames */
#define  IGB_RCTL_SECRC		0x04000000
#define IGB_TCTL		0x00400
#define  IGB_TCTL_EN		0x00000002
#define  IGB_TCTL_PSP		0x00000008
#define  IGB_TCTL_CT_SHIFT	4		/* collision threshold */
#define  IGB_TCTL_COLD_SHIFT	12		/* collision distance */
#define  IGB_TCTL_RTLC		0x01000000
#define IGB_COLLISION_THRESHOLD	15		/* Linux igb's values */
#define IGB_COLLISION_DISTANCE	63

/* ---- extended interrupts (8.8) ---- */
#define IGB_GPIE		0x01514
#define  IGB_GPIE_NSICR		0x00000001
#define  IGB_GPIE_MSIX_MODE	0x00000010	/* Multiple_MSIX */
#define  IGB_GPIE_EIAME		0x40000000
#define  IGB_GPIE_PBA		0x80000000
#define IGB_EICS		0x01520
#define IGB_EIMS		0x01524
#define IGB_EIMC		0x01528
#define IGB_EIAC		0x0152C
#define IGB_EIAM		0x01530
#define IGB_EICR		0x01580
#define IGB_EITR(n)		(0x01680 + 4 * (n))	/* interrupt throttle */
#define IGB_IVAR0		0x01700
#define IGB_IVAR(n)		(IGB_IVAR0 + 4 * (n))
#define  IGB_IVAR_VALID		0x80
#define IGB_IVAR_MISC		0x01740	/* byte 0 TCP timer, byte 1 other causes */
/* Legacy causes software may raise through ICS on the 82576 (Linux
 * igb_ethtool.c igb_intr_test's ics_mask). */
#define IGB_82576_ICS_MASK	0x77D4FBFD

/* ---- PCIe ---- */
#define IGB_GCR			0x05B00
#define  IGB_GCR_CMPL_TMOUT_MASK	0x0000F000	/* completion timeout value */
#define  IGB_GCR_CMPL_TMOUT_10MS 0x00001000	/* E1000_GCR_CMPL_TMOUT_10ms */
#define  IGB_GCR_CMPL_TMOUT_RESEND 0x00010000
#define  IGB_GCR_CAP_VER2	0x00040000	/* PCIe capability version 2 */

/* ---- manageability firmware and the software/firmware semaphores ---- */
#define IGB_MANC		0x05820
#define  IGB_MANC_BLK_PHY_RST_ON_IDE 0x00040000	/* firmware forbids PHY resets */
#define IGB_SWSM		0x05B50
#define  IGB_SWSM_SMBI		0x00000001	/* driver semaphore */
#define  IGB_SWSM_SWESMBI	0x00000002	/* software/firmware semaphore */
#define IGB_FWSM		0x05B54
#define  IGB_FWSM_MODE_MASK	0x0000000E	/* manageability mode, 0: none */
#define  IGB_FWSM_MODE_SHIFT	1
#define IGB_SW_FW_SYNC		0x05B5C	/* software's bits; firmware's << 16 */
#define  IGB_SWFW_PHY0_SM	0x0002
#define  IGB_SWFW_PHY1_SM	0x0004
#define  IGB_SWFW_PHY2_SM	0x0020
#define  IGB_SWFW_PHY3_SM	0x0040
#define  IGB_SWFW_FW_SHIFT	16	/* fwmask = mask << 16 (igb_acquire_swfw_sync_82575) */

/* ---- queues: 16 RX and 16 TX (8.10, 8.12) ---- */
#define IGB_NUM_QUEUES		16
#define IGB_RDBAL(n)	((n) < 4 ? (0x02800 + ((n) * 0x100)) : (0x0C000 + ((n) * 0x40)))
#define IGB_RDBAH(n)	((n) < 4 ? (0x02804 + ((n) * 0x100)) : (0x0C004 + ((n) * 0x40)))
#define IGB_RDLEN(n)	((n) < 4 ? (0x02808 + ((n) * 0x100)) : (0x0C008 + ((n) * 0x40)))
#define IGB_SRRCTL(n)	((n) < 4 ? (0x0280C + ((n) * 0x100)) : (0x0C00C + ((n) * 0x40)))
#define  IGB_SRRCTL_BSIZEPKT_SHIFT	10	/* shift bytes to 1 KiB units */
#define  IGB_SRRCTL_BSIZEPKT_MASK	0x0000007F
#define  IGB_SRRCTL_DESCTYPE_ADV_ONEBUF	0x02000000
#define  IGB_SRRCTL_DROP_EN		0x80000000
#define IGB_RDH(n)	((n) < 4 ? (0x02810 + ((n) * 0x100)) : (0x0C010 + ((n) * 0x40)))
#define IGB_RDT(n)	((n) < 4 ? (0x02818 + ((n) * 0x100)) : (0x0C018 + ((n) * 0x40)))
#define IGB_RXDCTL(n)	((n) < 4 ? (0x02828 + ((n) * 0x100)) : (0x0C028 + ((n) * 0x40)))
#define IGB_TDBAL(n)	((n) < 4 ? (0x03800 + ((n) * 0x100)) : (0x0E000 + ((n) * 0x40)))
#define IGB_TDBAH(n)	((n) < 4 ? (0x03804 + ((n) * 0x100)) : (0x0E004 + ((n) * 0x40)))
#define IGB_TDLEN(n)	((n) < 4 ? (0x03808 + ((n) * 0x100)) : (0x0E008 + ((n) * 0x40)))
#define IGB_TDH(n)	((n) < 4 ? (0x03810 + ((n) * 0x100)) : (0x0E010 + ((n) * 0x40)))
#define IGB_TDT(n)	((n) < 4 ? (0x03818 + ((n) * 0x100)) : (0x0E018 + ((n) * 0x40)))
#define IGB_TXDCTL(n)	((n) < 4 ? (0x03828 + ((n) * 0x100)) : (0x0E028 + ((n) * 0x40)))
/* A queue's ring registers share one layout, RX from RDBAL(n) and TX from
 * TDBAL(n) (the differences of the macros above; igb_drv.c asserts it). */
#define IGB_RING_BAL		0x00
#define IGB_RING_BAH		0x04
#define IGB_RING_LEN		0x08
#define IGB_RING_SRRCTL		0x0C	/* RX only */
#define IGB_RING_HEAD		0x10
#define IGB_RING_TAIL		0x18
#define IGB_RING_XDCTL		0x28
#define  IGB_XDCTL_QUEUE_ENABLE	0x02000000	/* E1000_[RT]XDCTL_QUEUE_ENABLE */
#define IGB_RLPML		0x05004

/* ---- VMDq pools (7.10): steer receive traffic to a queue ---- */
#define IGB_MRQC		0x05818
#define  IGB_MRQC_ENABLE_VMDQ	0x00000003
#define IGB_VT_CTL		0x0581C
#define  IGB_VT_CTL_DEF_PL_SHIFT 7	/* default pool, bits 9:7 */
#define  IGB_VT_CTL_DIS_DEF_POOL 0x20000000
#define IGB_VFRE		0x00C8C	/* per-pool receive enable */
#define IGB_VFTE		0x00C90	/* per-pool transmit enable */
#define IGB_VMOLR(n)		(0x05AD0 + 4 * (n))
#define  IGB_VMOLR_RLPML_MASK	0x00003FFF
#define  IGB_VMOLR_LPE		0x00010000
#define  IGB_VMOLR_AUPE		0x01000000	/* accept untagged */
#define  IGB_VMOLR_BAM		0x08000000
#define  IGB_VMOLR_STRCRC	0x80000000
#define IGB_NUM_POOLS		8

/* ---- flow control (register test) ---- */
#define IGB_FCAL		0x00028
#define IGB_FCAH		0x0002C
#define IGB_FCT			0x00030
#define IGB_FCTTV		0x00170
#define IGB_FCRTL		0x02160
#define IGB_FCRTH		0x02168
#define IGB_VET			0x00038	/* VLAN ether type */
#define IGB_TIPG		0x00410	/* transmit inter-packet gap */
#define IGB_RA			0x05400	/* receive addresses 0..15 (RAL/RAH pairs) */
#define IGB_RA2			0x054E0	/* receive addresses 16..23 */

/* ---- receive address and multicast tables ---- */
#define IGB_RAL(n)	((n) <= 15 ? (0x05400 + ((n) * 8)) : (0x054E0 + (((n) - 16) * 8)))
#define IGB_RAH(n)	((n) <= 15 ? (0x05404 + ((n) * 8)) : (0x054E4 + (((n) - 16) * 8)))
#define  IGB_RAH_AV		0x80000000	/* address valid */
#define IGB_RAR_ENTRIES_82576	24
#define IGB_MTA			0x05200
#define IGB_MTA_ENTRIES		128

/* ---- PF/VF mailbox (7.8.2) ---- */
#define IGB_MAX_VFS		8	/* mailboxes and MBVFICR bits (7.8) */
#define IGB_82576_VF_DEVICE	0x10CA	/* E1000_DEV_ID_82576_VF (igbvf/vf.h) */
#define IGB_VMBMEM(n)		(0x00800 + 0x40 * (n))
#define IGB_P2VMAILBOX(n)	(0x00C00 + 4 * (n))
#define  IGB_P2VMAILBOX_STS	0x00000001
#define  IGB_P2VMAILBOX_ACK	0x00000002
#define  IGB_P2VMAILBOX_VFU	0x00000004
#define  IGB_P2VMAILBOX_PFU	0x00000008
#define  IGB_P2VMAILBOX_RVFU	0x00000010
#define IGB_MBVFICR		0x00C80
#define  IGB_MBVFICR_VFREQ(vf)	(0x00000001u << (vf))	/* E1000_MBVFICR_VFREQ_VF1 << vf */
#define  IGB_MBVFICR_VFACK(vf)	(0x00010000u << (vf))	/* E1000_MBVFICR_VFACK_VF1 << vf */
#define IGB_MBVFIMR		0x00C84
#define IGB_VFLRE		0x00C88	/* bit n: VF n had an FLR (write-1-to-clear) */
#define IGB_MBX_WORDS		16	/* E1000_VFMAILBOX_SIZE: 64-byte buffer */
/* The VF's own BAR0 (igbvf/regs.h): the same offsets, its own view. */
#define IGB_VF_CTRL		0x00000
#define  IGB_VF_CTRL_RST	0x04000000	/* resets the VF's queues/interrupts */
#define IGB_VF_STATUS		0x00008
#define IGB_VF_VMBMEM		0x00800	/* VMBMEM(0): this VF's buffer */
#define IGB_V2PMAILBOX		0x00C40	/* in the VF's own BAR0 */
#define  IGB_V2PMAILBOX_REQ	0x00000001
#define  IGB_V2PMAILBOX_ACK	0x00000002
#define  IGB_V2PMAILBOX_VFU	0x00000004
#define  IGB_V2PMAILBOX_PFU	0x00000008
#define  IGB_V2PMAILBOX_PFSTS	0x00000010
#define  IGB_V2PMAILBOX_PFACK	0x00000020
#define  IGB_V2PMAILBOX_RSTI	0x00000040
#define  IGB_V2PMAILBOX_RSTD	0x00000080
#define  IGB_V2PMAILBOX_R2C_BITS 0x000000B0	/* PFSTS, PFACK, RSTD clear on read */
/* Message words (e1000_mbx.h): word 0 is the type, replies OR in ACK or
 * NACK and CTS. */
#define IGB_VT_MSGTYPE_ACK	0x80000000
#define IGB_VT_MSGTYPE_NACK	0x40000000
#define IGB_VT_MSGTYPE_CTS	0x20000000
#define IGB_VF_RESET		0x01	/* VF requests reset; reply: ACK + MAC */
#define IGB_VF_SET_MULTICAST	0x03
#define IGB_VF_SET_PROMISC	0x06

/* ---- descriptors (7.1.5, 7.2.2.3): 16 bytes, rings 128-byte aligned ---- */
#define IGB_DESC_SIZE		16
#define IGB_RING_ALIGN		128
/* Advanced TX data descriptor, cmd_type_len */
#define  IGB_ADVTXD_DTALEN_MASK	0x0000FFFF
#define  IGB_ADVTXD_DTYP_DATA	0x00300000
#define  IGB_ADVTXD_DCMD_EOP	0x01000000
#define  IGB_ADVTXD_DCMD_IFCS	0x02000000
#define  IGB_ADVTXD_DCMD_RS	0x08000000
#define  IGB_ADVTXD_DCMD_DEXT	0x20000000
/* olinfo_status */
#define  IGB_ADVTXD_PAYLEN_SHIFT 14
#define  IGB_TXD_STAT_DD	0x00000001
/* Advanced RX write-back status_error */
#define  IGB_RXD_STAT_DD	0x00000001
#define  IGB_RXD_STAT_EOP	0x00000002

/* ---- PHY (MDIC, internal PHY at address 1) ---- */
#define IGB_PHY_ADDR		1
#define IGB_PHY_BMCR		0x00	/* PHY_CONTROL */
#define  IGB_BMCR_SPEED_1000	0x0040	/* MII_CR_SPEED_1000 */
#define  IGB_BMCR_FULL_DUPLEX	0x0100
#define  IGB_BMCR_RESTART_AN	0x0200
#define  IGB_BMCR_ISOLATE	0x0400	/* MII_CR_ISOLATE */
#define  IGB_BMCR_POWER_DOWN	0x0800	/* MII_CR_POWER_DOWN */
#define  IGB_BMCR_AUTONEG_EN	0x1000
#define  IGB_BMCR_LOOPBACK	0x4000
#define  IGB_BMCR_RESET		0x8000
#define IGB_PHY_BMSR		0x01	/* PHY_STATUS */
#define  IGB_BMSR_LINK		0x0004	/* MII_SR_LINK_STATUS (latched low) */
#define  IGB_BMSR_AN_DONE	0x0020	/* MII_SR_AUTONEG_COMPLETE */
#define IGB_PHY_ID1		0x02
#define IGB_PHY_ID2		0x03
#define IGB_PHY_ANAR		0x04	/* PHY_AUTONEG_ADV */
#define  IGB_ANAR_SELECTOR_8023	0x0001	/* NWAY_AR_SELECTOR_FIELD: IEEE 802.3 */
#define  IGB_ANAR_10_HD		0x0020	/* NWAY_AR_10T_HD_CAPS */
#define  IGB_ANAR_10_FD		0x0040	/* NWAY_AR_10T_FD_CAPS */
#define  IGB_ANAR_100_HD	0x0080	/* NWAY_AR_100TX_HD_CAPS */
#define  IGB_ANAR_100_FD	0x0100	/* NWAY_AR_100TX_FD_CAPS */
#define IGB_PHY_ANLPAR		0x05	/* PHY_LP_ABILITY: same bits as ANAR */
#define IGB_PHY_1000T_CTRL	0x09	/* PHY_1000T_CTRL */
#define  IGB_1000T_CTRL_HD	0x0100	/* CR_1000T_HD_CAPS */
#define  IGB_1000T_CTRL_FD	0x0200	/* CR_1000T_FD_CAPS */
#define IGB_PHY_1000T_STAT	0x0A	/* PHY_1000T_STATUS */
#define  IGB_1000T_STAT_LP_HD	0x0400	/* SR_1000T_LP_HD_CAPS */
#define  IGB_1000T_STAT_LP_FD	0x0800	/* SR_1000T_LP_FD_CAPS */

/* ---- NVM ---- */
#define IGB_NVM_CHECKSUM_WORDS	0x40	/* words 0x00..0x3F */
#define IGB_NVM_SUM		0xBABA
/* Board identity words (e1000_defines.h; igb_read_part_string, igb_get_fw_version) */
#define IGB_NVM_VERSION		0x0005	/* NVM_VERSION */
#define IGB_NVM_PBA_OFFSET_0	0x0008	/* NVM_PBA_OFFSET_0 */
#define IGB_NVM_PBA_OFFSET_1	0x0009	/* NVM_PBA_OFFSET_1 */
#define IGB_NVM_ALT_MAC_ADDR_PTR 0x0037	/* NVM_ALT_MAC_ADDR_PTR: 0 or 0xFFFF, none */
#define  IGB_ALT_MAC_ADDRESS_OFFSET_LAN1 3	/* E1000_ALT_MAC_ADDRESS_OFFSET_LANn = 3n words */
#define  IGB_NVM_PBA_PTR_GUARD	0xFAFA	/* word 8 says: word 9 points at a string */
#define IGB_NVM_ETRACK_WORD	0x0042	/* NVM_ETRACK_WORD */
#define IGB_NVM_ETRACK_HIWORD	0x0043	/* NVM_ETRACK_HIWORD */
#define  IGB_NVM_ETRACK_VALID	0x8000	/* NVM_ETRACK_VALID (under NVM_MAJOR_MASK) */
#define  IGB_NVM_MAJOR_MASK	0xF000	/* NVM_MAJOR_MASK, NVM_MAJOR_SHIFT 12 */
#define  IGB_NVM_MINOR_MASK	0x0FF0	/* NVM_MINOR_MASK, NVM_MINOR_SHIFT 4 */
#define  IGB_NVM_IMAGE_ID_MASK	0x000F	/* NVM_IMAGE_ID_MASK */

/* ---- statistics (8.19; e1000_regs.h): clear on read. The 64-bit octet
 * counters are read low dword first; reading the high dword clears both
 * (igb_update_stats: "rd32(E1000_GORCH); clear GORCL"). ---- */
#define IGB_CRCERRS		0x04000	/* CRC error count */
#define IGB_ALGNERRC		0x04004	/* alignment error count */
#define IGB_RXERRC		0x0400C	/* receive error count */
#define IGB_MPC			0x04010	/* missed packets count */
#define IGB_RLEC		0x04040	/* receive length error count */
#define IGB_GPRC		0x04074	/* good packets received */
#define IGB_GPTC		0x04080	/* good packets transmitted */
#define IGB_GORCL		0x04088	/* good octets received, low */
#define IGB_GORCH		0x0408C
#define IGB_GOTCL		0x04090	/* good octets transmitted, low */
#define IGB_GOTCH		0x04094
#define IGB_RNBC		0x040A0	/* receive no buffers count */
#define IGB_TORL		0x040C0	/* total octets received, low */
#define IGB_TORH		0x040C4
#define IGB_TOTL		0x040C8	/* total octets transmitted, low */
#define IGB_TOTH		0x040CC
#define IGB_TPR			0x040D0	/* total packets received */
#define IGB_TPT			0x040D4	/* total packets transmitted */

#endif
