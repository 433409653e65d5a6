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
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x0001
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x0010
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
#define  PCI_EXP_DEVSTA_TRPND	0x0020
#define PCI_EXP_LNKCAP		12
#define  PCI_EXP_LNKCAP_SLS	0x0000000f
#define  PCI_EXP_LNKCAP_MLW	0x000003f0
#define PCI_EXP_LNKSTA		18
#define  PCI_EXP_LNKSTA_CLS	0x000f
#define  PCI_EXP_LNKSTA_NLW	0x03f0
#define  PCI_EXP_LNKSTA_NLW_SHIFT 4
#define PCI_EXP_DEVCAP2		0x24
#define  PCI_EXP_DEVCAP2_ARI	0x00000020	/* ARI Forwarding Supported */
#define PCI_EXP_DEVCTL2		0x28
#define  PCI_EXP_DEVCTL2_ARI	0x0020	/* ARI Forwarding Enable (ports) */

/* Extended capabilities (config offsets >= 0x100) */
#define PCI_EXT_CAP_START	0x100
#define PCI_EXT_CAP_ID(h)	((h) & 0xffff)
#define PCI_EXT_CAP_VER(h)	(((h) >> 16) & 0xf)
#define PCI_EXT_CAP_NEXT(h)	(((h) >> 20) & 0xffc)
#define PCI_EXT_CAP_ID_ERR	0x0001	/* AER */
#define PCI_EXT_CAP_ID_ARI	0x000e
#define PCI_EXT_CAP_ID_SRIOV	0x0010

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
