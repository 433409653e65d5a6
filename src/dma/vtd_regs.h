/*
 * vtd_regs.h - Intel VT-d remapping hardware registers and table formats
 * (Intel VT-d Architecture Specification, chapters 9 and 10), checked
 * against Linux 6.1 drivers/iommu/intel/iommu.h and include/acpi/actbl1.h.
 */
#ifndef IGBTEST_VTD_REGS_H
#define IGBTEST_VTD_REGS_H

/* ---- registers (10.4) ---- */
#define VTD_VER			0x00
#define VTD_CAP			0x08
#define  VTD_CAP_RWBF(c)	(((c) >> 4) & 1)	/* write buffer flush needed */
#define  VTD_CAP_CM(c)		(((c) >> 7) & 1)	/* caching mode */
#define  VTD_CAP_SAGAW(c)	(((c) >> 8) & 0x1f)
#define   VTD_SAGAW_39		0x2			/* 3-level tables */
#define   VTD_SAGAW_48		0x4			/* 4-level tables */
#define  VTD_CAP_FRO(c)		((((c) >> 24) & 0x3ff) * 16)	/* fault records */
#define  VTD_CAP_NFR(c)		((((c) >> 40) & 0xff) + 1)
#define VTD_ECAP		0x10
#define  VTD_ECAP_C(e)		((e) & 1)		/* page walks coherent */
#define  VTD_ECAP_QI(e)		(((e) >> 1) & 1)
#define  VTD_ECAP_PT(e)		(((e) >> 6) & 1)	/* pass-through */
#define  VTD_ECAP_IRO(e)	((((e) >> 8) & 0x3ff) * 16)	/* IOTLB regs */
#define VTD_GCMD		0x18
#define VTD_GSTS		0x1c
#define  VTD_G_TE		(1u << 31)	/* translation enable / status */
#define  VTD_G_SRTP		(1u << 30)	/* set root table pointer */
#define  VTD_G_WBF		(1u << 27)	/* write buffer flush */
#define  VTD_G_QIE		(1u << 26)	/* queued invalidation */
#define  VTD_G_IRE		(1u << 25)	/* interrupt remapping */
#define  VTD_G_CFI		(1u << 23)	/* compatibility format interrupts */
/* GSTS bits that reflect a persistent state, to carry into every GCMD */
#define  VTD_G_PERSISTENT	(VTD_G_TE | VTD_G_QIE | VTD_G_IRE | VTD_G_CFI)
#define VTD_RTADDR		0x20
#define VTD_CCMD		0x28
#define  VTD_CCMD_ICC		(1ull << 63)
#define  VTD_CCMD_GLOBAL	(1ull << 61)
#define VTD_FSTS		0x34
#define  VTD_FSTS_PFO		(1u << 0)	/* primary fault overflow, W1C */
#define  VTD_FSTS_PPF		(1u << 1)	/* primary pending fault */
#define  VTD_FSTS_FRI(s)	(((s) >> 8) & 0xff)
#define VTD_FECTL		0x38
#define  VTD_FECTL_IM		(1u << 31)	/* fault event interrupt mask */
/* IOTLB invalidate register, at ECAP.IRO + 8 */
#define VTD_IOTLB_REG		8
#define  VTD_IOTLB_IVT		(1ull << 63)
#define  VTD_IOTLB_GLOBAL	(1ull << 60)
#define  VTD_IOTLB_DR		(1ull << 49)	/* drain reads */
#define  VTD_IOTLB_DW		(1ull << 48)	/* drain writes */
/* Fault recording register (16 bytes): page address in the low qword;
 * source id in the dword at +8; reason, type and F in the dword at +12. */
#define VTD_FRCD_SID(d)		((d) & 0xffff)
#define VTD_FRCD_FR(d)		((d) & 0xff)
#define VTD_FRCD_T(d)		(((d) >> 30) & 1)	/* 1: read request */
#define VTD_FRCD_F		(1u << 31)		/* W1C */
#define VTD_PAGE_MASK		(~0xfffull)

/* ---- tables (9.1-9.3, 9.8) ---- */
#define VTD_ROOT_PRESENT	1ull
#define VTD_CTX_PRESENT		1ull
#define VTD_CTX_TT_MULTI_LEVEL	(0ull << 2)
#define VTD_CTX_TT_PASS_THROUGH	(2ull << 2)
#define VTD_CTX_AW_39		1ull	/* hi qword bits 2:0 */
#define VTD_CTX_AW_48		2ull
#define VTD_CTX_DID_SHIFT	8
#define VTD_PTE_READ		1ull
#define VTD_PTE_WRITE		2ull
#define VTD_PTE_ADDR		0x000ffffffffff000ull
#define VTD_ENTRIES		512	/* per page-table page */

/* ---- ACPI DMAR (ACPI actbl1.h) ---- */
#define DMAR_HEADER_LEN		48	/* ACPI header + width, flags, reserved */
#define DMAR_TYPE_DRHD		0
#define DMAR_DRHD_INCLUDE_ALL	1
#define DMAR_SCOPE_ENDPOINT	1
#define DMAR_SCOPE_BRIDGE	2

#endif
