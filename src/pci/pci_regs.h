/*
 * pci_regs.h - PCI/PCIe configuration space register names (PCI Local Bus
 * 3.0, PCIe Base 4.0, SR-IOV 1.1), checked against Linux's
 * include/uapi/linux/pci_regs.h.
 */
#ifndef IGBTEST_PCI_REGS_H
#define IGBTEST_PCI_REGS_H

#define PCI_CFG_SIZE		0x100
#define PCIE_CFG_SIZE		0x1000

#define PCI_VENDOR_ID		0x00
#define  PCI_VENDOR_ID_RRS	0x0001	/* Configuration RRS: not ready yet */
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x0001
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_INTERRUPT	0x0008	/* INTx asserted */
#define  PCI_STATUS_CAP_LIST	0x0010
#define  PCI_STATUS_PARITY	0x0100	/* master data parity error */
#define  PCI_STATUS_SIG_TARGET_ABORT 0x0800
#define  PCI_STATUS_REC_TARGET_ABORT 0x1000
#define  PCI_STATUS_REC_MASTER_ABORT 0x2000
#define  PCI_STATUS_SIG_SYSTEM_ERROR 0x4000
#define  PCI_STATUS_DETECTED_PARITY 0x8000
/* The write-1-to-clear error bits (Linux drivers/pci/pci.h PCI_STATUS_ERROR_BITS) */
#define  PCI_STATUS_ERROR_BITS	(PCI_STATUS_DETECTED_PARITY | PCI_STATUS_SIG_SYSTEM_ERROR | \
				 PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_REC_TARGET_ABORT | \
				 PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_PARITY)
#define PCI_CLASS_REVISION	0x08	/* revision 7:0, class code 31:8 */
#define PCI_CACHE_LINE_SIZE	0x0c
#define PCI_HEADER_TYPE		0x0e
#define  PCI_HEADER_TYPE_MASK	0x7f
#define  PCI_HEADER_TYPE_NORMAL	0
#define  PCI_HEADER_TYPE_BRIDGE	1
#define  PCI_HEADER_TYPE_MFD	0x80
#define PCI_BASE_ADDRESS_0	0x10
#define  PCI_BASE_ADDRESS_SPACE_IO	0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_MASK	0x06
#define  PCI_BASE_ADDRESS_MEM_TYPE_64	0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH	0x08
#define  PCI_BASE_ADDRESS_MEM_MASK	(~0x0fu)
#define  PCI_BASE_ADDRESS_IO_MASK	(~0x03u)
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_ROM_ADDRESS		0x30	/* type 0; type 1 has it at 0x38 */
#define  PCI_ROM_ADDRESS_ENABLE	0x01
#define  PCI_ROM_ADDRESS_MASK	(~0x7ffu)
#define PCI_CAPABILITY_LIST	0x34
#define PCI_ROM_ADDRESS1	0x38
#define PCI_STD_HEADER_SIZEOF	0x40

/* Type 1 (bridge) header */
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_MEMORY_BASE		0x20	/* 16-bit: address bits 31:20 in 15:4 */
#define PCI_MEMORY_LIMIT	0x22
#define  PCI_MEMORY_RANGE_MASK	(~0x0fu)
#define PCI_PREF_MEMORY_BASE	0x24
#define PCI_PREF_MEMORY_LIMIT	0x26
#define  PCI_PREF_RANGE_TYPE_64	0x01
#define  PCI_PREF_RANGE_MASK	(~0x0fu)
#define PCI_PREF_BASE_UPPER32	0x28
#define PCI_PREF_LIMIT_UPPER32	0x2c

#define PCI_BAR_COUNT_NORMAL	6
#define PCI_BAR_COUNT_BRIDGE	2

/* Standard capability list */
#define PCI_CAP_LIST_ID		0
#define PCI_CAP_LIST_NEXT	1
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_MSIX		0x11

/* Power Management capability */
#define PCI_PM_PMC		2
#define PCI_PM_CTRL		4
#define  PCI_PM_CTRL_STATE_MASK	0x0003	/* D0..D3hot */
#define  PCI_PM_CTRL_NO_SOFT_RESET 0x0008	/* no reset on D3hot->D0 */
#define  PCI_PM_CTRL_PME_STATUS	0x8000
#define PCI_PM_D3HOT_DELAY_US	10000	/* PCI PM 1.2 5.6.1; Linux pci_pm_d3hot_delay */

/* MSI capability */
#define PCI_MSI_FLAGS		2
#define  PCI_MSI_FLAGS_ENABLE	0x0001
#define  PCI_MSI_FLAGS_QSIZE	0x0070
#define  PCI_MSI_FLAGS_64BIT	0x0080
#define  PCI_MSI_FLAGS_MASKBIT	0x0100
#define PCI_MSI_ADDRESS_LO	4
#define PCI_MSI_ADDRESS_HI	8	/* 64-bit only */
#define PCI_MSI_DATA_32		8
#define PCI_MSI_DATA_64		12
#define PCI_MSI_MASK_32		12
#define PCI_MSI_MASK_64		16

/* MSI-X capability */
#define PCI_MSIX_FLAGS		2
#define  PCI_MSIX_FLAGS_QSIZE	0x07ff	/* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL	0x4000
#define  PCI_MSIX_FLAGS_ENABLE	0x8000
#define PCI_MSIX_TABLE		4
#define  PCI_MSIX_TABLE_BIR	0x00000007
#define  PCI_MSIX_TABLE_OFFSET	0xfffffff8
#define PCI_MSIX_PBA		8
#define PCI_MSIX_ENTRY_SIZE	16

/* PCI Express capability */
#define PCI_EXP_FLAGS		2
#define  PCI_EXP_FLAGS_VERS	0x000f	/* capability version */
#define  PCI_EXP_FLAGS_TYPE	0x00f0
#define   PCI_EXP_TYPE_ENDPOINT	0x0
#define   PCI_EXP_TYPE_LEG_END	0x1
#define   PCI_EXP_TYPE_ROOT_PORT 0x4
#define   PCI_EXP_TYPE_UPSTREAM	0x5
#define   PCI_EXP_TYPE_DOWNSTREAM 0x6
#define   PCI_EXP_TYPE_PCI_BRIDGE 0x7
#define   PCI_EXP_TYPE_PCIE_BRIDGE 0x8
#define   PCI_EXP_TYPE_RC_END	0x9
#define   PCI_EXP_TYPE_RC_EC	0xa
#define PCI_EXP_DEVCAP		4
#define  PCI_EXP_DEVCAP_FLR	0x10000000
#define PCI_EXP_DEVCTL		8
#define  PCI_EXP_DEVCTL_BCR_FLR	0x8000
#define PCI_EXP_DEVSTA		10
#define  PCI_EXP_DEVSTA_CED	0x0001	/* correctable error detected */
#define  PCI_EXP_DEVSTA_NFED	0x0002	/* non-fatal error detected */
#define  PCI_EXP_DEVSTA_FED	0x0004	/* fatal error detected */
#define  PCI_EXP_DEVSTA_URD	0x0008	/* unsupported request detected */
#define  PCI_EXP_DEVSTA_ERRORS	0x000f	/* the write-1-to-clear ones */
#define  PCI_EXP_DEVSTA_TRPND	0x0020
#define PCI_EXP_LNKCAP		12
#define  PCI_EXP_LNKCAP_SLS	0x0000000f
#define  PCI_EXP_LNKCAP_MLW	0x000003f0
#define PCI_EXP_LNKCTL		16
#define PCI_EXP_LNKSTA		18
#define  PCI_EXP_LNKSTA_CLS	0x000f
#define  PCI_EXP_LNKSTA_NLW	0x03f0
#define  PCI_EXP_LNKSTA_NLW_SHIFT 4
#define  PCI_EXP_LNKSTA_LT	0x0800	/* link training in progress */
#define  PCI_EXP_LNKSTA_LBMS	0x4000	/* link bandwidth management status */
#define  PCI_EXP_LNKSTA_LABS	0x8000	/* link autonomous bandwidth status */
#define PCI_EXP_DEVCAP2		0x24
#define  PCI_EXP_DEVCAP2_ARI	0x00000020	/* ARI Forwarding Supported */
#define PCI_EXP_DEVCTL2		0x28
#define  PCI_EXP_DEVCTL2_ARI	0x0020	/* ARI Forwarding Enable (ports) */
#define  PCI_EXP_DEVCTL2_COMP_TIMEOUT 0x000f	/* Completion Timeout Value */
#define   PCI_EXP_DEVCTL2_COMP_TMOUT_16MS 0x0005	/* range B: 16 ms to 55 ms */
#define PCI_EXP_LNKCTL2		0x30

/* Extended capabilities (config offsets >= 0x100) */
#define PCI_EXT_CAP_START	0x100
#define PCI_EXT_CAP_ID(h)	((h) & 0xffff)
#define PCI_EXT_CAP_VER(h)	(((h) >> 16) & 0xf)
#define PCI_EXT_CAP_NEXT(h)	(((h) >> 20) & 0xffc)
#define PCI_EXT_CAP_ID_ERR	0x0001	/* AER */
#define PCI_EXT_CAP_ID_DSN	0x0003	/* Device Serial Number */
#define PCI_EXT_CAP_ID_ARI	0x000e
#define PCI_EXT_CAP_ID_SRIOV	0x0010

/* AER extended capability */
#define PCI_ERR_UNCOR_STATUS	0x04	/* write 1 to clear */
#define  PCI_ERR_UNC_DLP	0x00000010	/* data link protocol */
#define  PCI_ERR_UNC_SURPDN	0x00000020	/* surprise down */
#define  PCI_ERR_UNC_POISON_TLP	0x00001000
#define  PCI_ERR_UNC_FCP	0x00002000	/* flow control protocol */
#define  PCI_ERR_UNC_COMP_TIME	0x00004000	/* completion timeout */
#define  PCI_ERR_UNC_COMP_ABORT	0x00008000	/* completer abort */
#define  PCI_ERR_UNC_UNX_COMP	0x00010000	/* unexpected completion */
#define  PCI_ERR_UNC_RX_OVER	0x00020000	/* receiver overflow */
#define  PCI_ERR_UNC_MALF_TLP	0x00040000
#define  PCI_ERR_UNC_ECRC	0x00080000
#define  PCI_ERR_UNC_UNSUP	0x00100000	/* unsupported request */
#define  PCI_ERR_UNC_ACSV	0x00200000	/* ACS violation */
#define  PCI_ERR_UNC_INTN	0x00400000	/* internal */
#define PCI_ERR_UNCOR_MASK	0x08	/* masked: status only, no header, no FEP */
#define PCI_ERR_COR_STATUS	0x10	/* write 1 to clear */
#define  PCI_ERR_COR_RCVR	0x00000001	/* receiver error */
#define  PCI_ERR_COR_BAD_TLP	0x00000040
#define  PCI_ERR_COR_BAD_DLLP	0x00000080
#define  PCI_ERR_COR_REP_ROLL	0x00000100	/* REPLAY_NUM rollover */
#define  PCI_ERR_COR_REP_TIMER	0x00001000	/* replay timer timeout */
#define  PCI_ERR_COR_ADV_NFAT	0x00002000	/* advisory non-fatal */
#define PCI_ERR_CAP		0x18	/* Advanced Error Capabilities and Control */
#define  PCI_ERR_CAP_FEP(x)	((x) & 0x1f)	/* First Error Pointer */
#define PCI_ERR_HEADER_LOG	0x1c	/* TLP header of the first error, 4 dwords */
#define  PCI_ERR_COR_INTERNAL	0x00004000
#define  PCI_ERR_COR_LOG_OVER	0x00008000	/* header log overflow */

/* Device Serial Number extended capability */
#define PCI_DSN			0x04	/* 64 bits: low dword, then high */

/* SR-IOV extended capability */
#define PCI_SRIOV_CAP		0x04
#define PCI_SRIOV_CTRL		0x08
#define  PCI_SRIOV_CTRL_VFE	0x0001
#define  PCI_SRIOV_CTRL_MSE	0x0008
#define  PCI_SRIOV_CTRL_ARI	0x0010
#define PCI_SRIOV_STATUS	0x0a
#define PCI_SRIOV_INITIAL_VF	0x0c
#define PCI_SRIOV_TOTAL_VF	0x0e
#define PCI_SRIOV_NUM_VF	0x10
#define PCI_SRIOV_VF_OFFSET	0x14
#define PCI_SRIOV_VF_STRIDE	0x16
#define PCI_SRIOV_VF_DID	0x1a
#define PCI_SRIOV_SYS_PGSIZE	0x20
#define PCI_SRIOV_BAR		0x24
#define  PCI_SRIOV_NUM_BARS	6
#define PCI_EXT_CAP_SRIOV_SIZEOF 0x40

#endif
