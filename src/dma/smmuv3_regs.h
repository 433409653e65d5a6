/*
 * smmuv3_regs.h - Arm SMMUv3 registers, tables, commands and events (Arm
 * IHI 0070, chapters 3, 4, 5, 6, 7), checked against Linux
 * drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h, and the ACPI IORT table
 * (Arm DEN 0049; Linux include/acpi/actbl2.h).
 */
#ifndef IGBTEST_SMMUV3_REGS_H
#define IGBTEST_SMMUV3_REGS_H

/* ---- registers (6.3) ---- */
#define SMMU_IDR0		0x00
#define  SMMU_IDR0_S1P		(1u << 1)
#define  SMMU_IDR0_COHACC	(1u << 4)
#define  SMMU_IDR0_TTF(r)	(((r) >> 2) & 3)	/* 2 or 3: AArch64 tables */
#define SMMU_IDR1		0x04
#define  SMMU_IDR1_SIDSIZE(r)	((r) & 0x3f)
#define  SMMU_IDR1_EVTQS(r)	(((r) >> 16) & 0x1f)
#define  SMMU_IDR1_CMDQS(r)	(((r) >> 21) & 0x1f)
#define SMMU_IDR5		0x14
#define  SMMU_IDR5_OAS(r)	((r) & 7)
#define  SMMU_IDR5_GRAN4K	(1u << 4)
#define SMMU_CR0		0x20
#define  SMMU_CR0_SMMUEN	(1u << 0)
#define  SMMU_CR0_EVTQEN	(1u << 2)
#define  SMMU_CR0_CMDQEN	(1u << 3)
#define SMMU_CR0ACK		0x24
#define SMMU_CR1		0x28
/* tables and queues: inner shareable, write-back cacheable (Linux
 * arm_smmu_device_reset) */
#define  SMMU_CR1_WB_ISH	(3u << 10 | 1u << 8 | 1u << 6 | 3u << 4 | 1u << 2 | 1u << 0)
#define SMMU_CR2		0x2c
#define  SMMU_CR2_RECINVSID	(1u << 1)	/* record invalid stream ids */
#define  SMMU_CR2_PTM		(1u << 2)	/* private TLB maintenance */
#define SMMU_GERROR		0x60
#define SMMU_GERRORN		0x64
#define SMMU_STRTAB_BASE	0x80
#define  SMMU_BASE_RA		(1ull << 62)	/* read-allocate hint */
#define SMMU_STRTAB_BASE_CFG	0x88	/* FMT 0: linear, LOG2SIZE in 5:0 */
#define SMMU_CMDQ_BASE		0x90	/* base | log2 entries in 4:0 */
#define SMMU_CMDQ_PROD		0x98
#define SMMU_CMDQ_CONS		0x9c
#define  SMMU_CMDQ_CONS_ERR(r)	(((r) >> 24) & 0x7f)
#define SMMU_EVTQ_BASE		0xa0
/* The event queue's indexes live in register page 1 (6.2). */
#define SMMU_EVTQ_PROD		0x100a8
#define SMMU_EVTQ_CONS		0x100ac
#define  SMMU_Q_OVF		(1u << 31)
#define SMMU_MMIO_SIZE		0x20000

/* Queue sizes we use: one 4 KiB page each. */
#define SMMU_CMDQ_LOG2		8	/* 256 x 16 bytes */
#define SMMU_EVTQ_LOG2		7	/* 128 x 32 bytes */

/* ---- stream table entry (5.2), 64 bytes ---- */
#define SMMU_STE_BYTES		64
#define SMMU_STE_V		(1ull << 0)
#define SMMU_STE_CFG_BYPASS	(4ull << 1)
#define SMMU_STE_CFG_S1		(5ull << 1)
#define SMMU_STE_CFG(w)		(((w) >> 1) & 7)
#define SMMU_STE_S1CTXPTR	0x000fffffffffffc0ull
#define SMMU_STE1_S1DSS_SSID0	(2ull << 0)
#define SMMU_STE1_S1C_WB_ISH	(1ull << 2 | 1ull << 4 | 3ull << 6)	/* CIR, COR, CSH */
#define SMMU_STE1_SHCFG_INCOMING (1ull << 44)

/* ---- context descriptor (5.4), 64 bytes ---- */
#define SMMU_CD_BYTES		64
#define SMMU_CD0_T0SZ(v)	((uint64_t)(v) << 0)
#define SMMU_CD0_TG0_4K		(0ull << 6)
#define SMMU_CD0_IRGN0_WB	(1ull << 8)
#define SMMU_CD0_ORGN0_WB	(1ull << 10)
#define SMMU_CD0_SH0_ISH	(3ull << 12)
#define SMMU_CD0_EPD1		(1ull << 30)	/* no walks through TTB1 */
#define SMMU_CD0_V		(1ull << 31)
#define SMMU_CD0_IPS(v)		((uint64_t)(v) << 32)
#define SMMU_CD0_AA64		(1ull << 41)
#define SMMU_CD0_R		(1ull << 45)	/* record faults */
#define SMMU_CD0_A		(1ull << 46)	/* abort faulting transactions */
#define SMMU_CD0_ASET		(1ull << 47)
#define SMMU_CD0_ASID(v)	((uint64_t)(v) << 48)
#define SMMU_CD1_TTB0		0x000ffffffffffff0ull
#define SMMU_MAIR_WB		0xffull		/* attribute 0: normal, write-back */

/* ---- VMSAv8-64 stage 1 tables, 4 KiB granule, 48-bit input ---- */
#define SMMU_PT_T0SZ		16
#define SMMU_PT_LEVELS		4
#define SMMU_PT_ENTRIES		512
#define SMMU_PTE_VALID		(1ull << 0)
#define SMMU_PTE_TABLE		(1ull << 1)	/* levels 0-2: table; level 3: page */
#define SMMU_PTE_AP_UNPRIV	(1ull << 6)	/* read/write at any privilege */
#define SMMU_PTE_SH_ISH		(3ull << 8)
#define SMMU_PTE_AF		(1ull << 10)
#define SMMU_PTE_NG		(1ull << 11)
#define SMMU_PTE_ADDR		0x0000fffffffff000ull

/* ---- commands (4.1-4.7), 16 bytes; opcode in bits 7:0 ---- */
#define SMMU_CMD_BYTES		16
#define SMMU_CMD_CFGI_STE	0x03	/* SID in 63:32; LEAF in the second qword */
#define SMMU_CMD_CFGI_ALL	0x04	/* second qword: range 31 */
#define SMMU_CMD_TLBI_NH_ASID	0x11	/* ASID in 63:48 */
#define SMMU_CMD_TLBI_NSNH_ALL	0x30
#define SMMU_CMD_SYNC		0x46	/* CS 13:12 = 0: completion seen in CONS */

/* ---- events (7.3), 32 bytes ---- */
#define SMMU_EVT_BYTES		32
#define SMMU_EVT_ID(w0)		((unsigned)((w0) & 0xff))
#define SMMU_EVT_SID(w0)	((uint32_t)((w0) >> 32))
#define SMMU_EVT1_RNW		(1ull << 35)	/* 1: a read */
#define  SMMU_EVT_C_BAD_STREAMID 0x02
#define  SMMU_EVT_C_BAD_STE	0x04
#define  SMMU_EVT_F_STREAM_DISABLED 0x06
#define  SMMU_EVT_C_BAD_CD	0x0a
#define  SMMU_EVT_F_WALK_EABT	0x0b
#define  SMMU_EVT_F_TRANSLATION	0x10
#define  SMMU_EVT_F_ADDR_SIZE	0x11
#define  SMMU_EVT_F_ACCESS	0x12
#define  SMMU_EVT_F_PERMISSION	0x13

/* ---- ACPI IORT ---- */
#define IORT_HEADER_LEN		48	/* ACPI header, node count, offset, reserved */
#define IORT_NODE_HEADER_LEN	16	/* type, length, revision, id, mappings */
#define IORT_NODE_ITS		0
#define IORT_NODE_RC		2
#define IORT_NODE_SMMUV3	4
#define IORT_RC_SEGMENT		28	/* within the root complex node */
#define IORT_SMMUV3_BASE	16	/* within the SMMUv3 node */
#define IORT_IDMAP_LEN		20	/* input base, count - 1, output base, node, flags */
#define IORT_IDMAP_SINGLE	1u

#endif
