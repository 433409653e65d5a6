/*
 * amdvi_regs.h - AMD I/O Virtualization Technology (AMD-Vi) registers,
 * tables, commands and events (AMD IOMMU Specification 48882 rev 3.x,
 * chapters 2 and 3), checked against Linux drivers/iommu/amd/
 * amd_iommu_types.h, and the ACPI IVRS table (spec 5.2).
 */
#ifndef IGBTEST_AMDVI_REGS_H
#define IGBTEST_AMDVI_REGS_H

/* ---- MMIO registers (3.4) ---- */
#define AMDVI_DEV_TABLE		0x0000	/* base | size in 4 KiB pages - 1 */
#define AMDVI_CMD_BUF		0x0008	/* base | ComLen << 56 */
#define AMDVI_EVT_LOG		0x0010	/* base | EventLen << 56 */
#define AMDVI_CONTROL		0x0018
#define  AMDVI_CTRL_IOMMU_EN	(1ull << 0)
#define  AMDVI_CTRL_EVT_LOG_EN	(1ull << 2)
#define  AMDVI_CTRL_EVT_INT_EN	(1ull << 3)
#define  AMDVI_CTRL_COMWAIT_EN	(1ull << 4)	/* completion-wait interrupt */
#define  AMDVI_CTRL_CMDBUF_EN	(1ull << 12)
#define AMDVI_EXCL_BASE		0x0020
#define AMDVI_EXT_FEATURES	0x0030
#define AMDVI_CMD_HEAD		0x2000	/* byte offsets into the buffer */
#define AMDVI_CMD_TAIL		0x2008
#define AMDVI_EVT_HEAD		0x2010
#define AMDVI_EVT_TAIL		0x2018
#define  AMDVI_PTR_MASK		0x7fff0u	/* bits 18:4 */
#define AMDVI_STATUS		0x2020
#define  AMDVI_STATUS_EVT_OVERFLOW (1u << 0)	/* W1C */
#define  AMDVI_STATUS_EVT_INT	(1u << 1)	/* W1C */
#define  AMDVI_STATUS_COMWAIT_INT (1u << 2)	/* W1C */
#define  AMDVI_STATUS_EVT_RUN	(1u << 3)	/* RO: the event log is being written */
#define AMDVI_MMIO_SIZE		0x4000

/* Log2 entries of the command buffer and event log: 256 (the minimum,
 * 3.3.1/3.3.2), one 4 KiB page each. */
#define AMDVI_LOG_LEN		8
#define AMDVI_LOG_ENTRIES	(1u << AMDVI_LOG_LEN)
#define AMDVI_LEN_SHIFT		56

/* ---- device table entry (2.2.2), 256 bits ---- */
#define AMDVI_DTE_BYTES		32
#define AMDVI_DEVIDS		65536	/* a full table: every device id */
#define AMDVI_DTE_V		(1ull << 0)
#define AMDVI_DTE_TV		(1ull << 1)
#define AMDVI_DTE_MODE_SHIFT	9	/* page-table levels; 0: no translation */
#define AMDVI_DTE_IR		(1ull << 61)
#define AMDVI_DTE_IW		(1ull << 62)
#define AMDVI_DTE_ROOT_MASK	0x000ffffffffff000ull
/* second qword: domain id in bits 15:0 */

/* ---- I/O page tables, AMD64 long-mode format v1 (2.2.3) ---- */
#define AMDVI_PTE_PR		(1ull << 0)
#define AMDVI_PTE_NEXT_SHIFT	9	/* next level; 0 in a 4 KiB leaf */
#define AMDVI_PTE_IR		(1ull << 61)
#define AMDVI_PTE_IW		(1ull << 62)
#define AMDVI_PTE_ADDR		0x000ffffffffff000ull
#define AMDVI_LEVELS		4	/* 48-bit IOVA, every unit has it */
#define AMDVI_ENTRIES		512

/* ---- commands (2.4), 128 bits; opcode in bits 63:60 of the first qword ---- */
#define AMDVI_CMD_BYTES		16
#define AMDVI_OPCODE_SHIFT	60
#define AMDVI_CMD_COMPLETION_WAIT 0x1ull
#define  AMDVI_CW_STORE		(1ull << 0)	/* write the data to the address */
#define AMDVI_CMD_INV_DEVTAB_ENTRY 0x2ull
#define AMDVI_CMD_INV_IOMMU_PAGES 0x3ull
#define  AMDVI_INV_SIZE		(1ull << 0)	/* S: range from the address */
#define  AMDVI_INV_PDE		(1ull << 1)	/* page directory entries too */
/* S=1 and this address: every page of the domain (Linux
 * CMD_INV_IOMMU_ALL_PAGES_ADDRESS, page bits kept) */
#define  AMDVI_INV_ALL_PAGES	0x7ffffffffffff000ull

/* ---- event log entries (2.5), 128 bits ---- */
#define AMDVI_EVT_BYTES		16
#define AMDVI_EVT_DEVID(w0)	((w0) & 0xffff)
#define AMDVI_EVT_CODE(w1)	(((w1) >> 28) & 0xf)
#define AMDVI_EVT_FLAGS(w1)	(((w1) >> 16) & 0xfff)
#define  AMDVI_EVT_ILLEGAL_DTE	0x1
#define  AMDVI_EVT_IO_PAGE_FAULT 0x2
#define  AMDVI_EVT_DEV_TAB_HW	0x3
#define  AMDVI_EVT_PAGE_TAB_HW	0x4
#define  AMDVI_EVT_ILLEGAL_CMD	0x5
#define  AMDVI_EVT_CMD_HW	0x6
#define  AMDVI_FLAG_PR		(1u << 4)	/* the page was present */
#define  AMDVI_FLAG_RW		(1u << 5)	/* 1: a write (Linux EVENT_FLAG_RW) */
#define  AMDVI_FLAG_PE		(1u << 6)	/* permission refused */

/* ---- ACPI IVRS (5.2) ---- */
#define IVRS_HEADER_LEN		48	/* ACPI header, IVinfo, reserved */
#define IVHD_TYPE_10		0x10	/* header 24 bytes */
#define IVHD_TYPE_11		0x11	/* header 40 bytes (EFR image) */
#define IVHD_TYPE_40		0x40	/* as 0x11, ACPI HID entries too */
#define IVHD_LEN_10		24
#define IVHD_LEN_11		40
/* device entries: type, device id (16 bits), data setting */
#define IVHD_DEV_ALL		0x01
#define IVHD_DEV_SELECT		0x02
#define IVHD_DEV_RANGE_START	0x03
#define IVHD_DEV_RANGE_END	0x04
#define IVHD_DEV_ALIAS_SELECT	0x42	/* 8 bytes: alias device id at 5 */
#define IVHD_DEV_ALIAS_RANGE	0x43
#define IVHD_DEV_EXT_SELECT	0x46
#define IVHD_DEV_EXT_RANGE	0x47
#define IVHD_DEV_SPECIAL	0x48	/* IOAPIC/HPET: not PCI functions */
#define IVHD_DEV_ACPI_HID	0xf0	/* variable: 22 bytes + UID length */

#endif
