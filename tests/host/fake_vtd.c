/* fake_vtd.c - a VT-d remapping unit with real translation (see fake_vtd.h). */
#include "fake_vtd.h"

#include <stdlib.h>
#include <string.h>

#include "dma/vtd_regs.h"

#define UNIT_SIZE	0x1000
#define FRO		0x220	/* fault recording registers */
#define IRO		0x500	/* IOTLB registers */
#define VER_1_0		0x10
/* VT-d 7.1.3 legacy fault reasons the walk can give. */
#define FR_ROOT		0x1	/* root entry not present */
#define FR_CONTEXT	0x2	/* context entry not present */
#define FR_BAD_CONTEXT	0x3	/* invalid context entry */
#define FR_WRITE	0x5	/* write without write permission */
#define FR_READ		0x6	/* read without read permission */
#define FR_TABLE	0x7	/* a table address with no memory behind it */
/* Where a stray (fake_vtd_stray_before) wrote: no context entry for it. */
#define FAKE_VTD_STRAY_ADDR 0xdead0000ull
#define CTX_TT(lo)	(((lo) >> 2) & 3)
#define CTX_TT_PT	2
#define CTX_AW(hi)	((hi) & 7)

static uint32_t get(const struct fake_vtd *u, uint32_t off)
{
	return u->m->regs[off / 4];
}

static void put(struct fake_vtd *u, uint32_t off, uint32_t v)
{
	u->m->regs[off / 4] = v;
}

static uint64_t get64(const struct fake_vtd *u, uint32_t off)
{
	return get(u, off) | (uint64_t)get(u, off + 4) << 32;
}

static void put64(struct fake_vtd *u, uint32_t off, uint64_t v)
{
	put(u, off, (uint32_t)v);
	put(u, off + 4, (uint32_t)(v >> 32));
}

/* PPF follows the records: set while any holds a fault. */
static void update_ppf(struct fake_vtd *u)
{
	uint32_t fsts = get(u, VTD_FSTS) & ~VTD_FSTS_PPF;

	for (unsigned i = 0; i < u->nfr; i++)
		if (get(u, FRO + 16 * i + 12) & VTD_FRCD_F)
			fsts |= VTD_FSTS_PPF;
	put(u, VTD_FSTS, fsts);
}

static void unit_write(struct fake_mmio *m, uint32_t off, uint32_t v)
{
	struct fake_vtd *u = m->priv;

	if (off == VTD_GCMD) {
		uint32_t st = v & VTD_G_PERSISTENT;
		if (v & VTD_G_SRTP) {
			u->rtaddr = get64(u, VTD_RTADDR) & VTD_PAGE_MASK;
			st |= VTD_G_SRTP;
		}
		put(u, VTD_GSTS, st); /* write buffer flush: done at once */
	} else if (off == VTD_CCMD + 4 || off == IRO + VTD_IOTLB_REG + 4) {
		put(u, off, v & 0x7fffffffu); /* ICC / IVT: done at once */
	} else if (off >= FRO && off < FRO + 16 * u->nfr && (off - FRO) % 16 == 12) {
		put(u, off, get(u, off) & ~(v & VTD_FRCD_F));
		update_ppf(u);
	} else if (off == VTD_FSTS) {
		put(u, off, get(u, off) & ~(v & VTD_FSTS_PFO));
	} else if (off != VTD_GSTS && off != VTD_CAP && off != VTD_CAP + 4 &&
		   off != VTD_ECAP && off != VTD_ECAP + 4 && off != VTD_VER) {
		put(u, off, v);
	}
}

/* A fault lost: counted, and whether its requester has none recorded. */
static void lost(struct fake_vtd *u, uint16_t sid)
{
	bool own = false;

	for (unsigned i = 0; i < u->nfr; i++)
		own |= (get(u, FRO + 16 * i + 12) & VTD_FRCD_F) &&
		       (get(u, FRO + 16 * i + 8) & 0xffff) == sid;
	u->overflows++;
	u->crowded_out += !own;
}

/* Record a refused access in the next fault record (7.2.1): a full
 * record means the fault is lost and overflow is set; while FSTS.PFO is
 * set no new fault is recorded at all (FSTS_REG). */
static void record(struct fake_vtd *u, uint16_t sid, uint64_t addr, bool write,
		   uint8_t reason)
{
	unsigned fri = VTD_FSTS_FRI(get(u, VTD_FSTS)) % u->nfr;
	uint32_t r = FRO + 16 * fri;

	if (get(u, VTD_FSTS) & VTD_FSTS_PFO) {
		lost(u, sid);
		return;
	}
	if (get(u, r + 12) & VTD_FRCD_F) {
		put(u, VTD_FSTS, get(u, VTD_FSTS) | VTD_FSTS_PFO);
		lost(u, sid);
		return;
	}
	put64(u, r, addr & VTD_PAGE_MASK);
	put(u, r + 8, sid);
	put(u, r + 12, reason | (write ? 0 : 1u << 30) | VTD_FRCD_F);
	put(u, VTD_FSTS, (get(u, VTD_FSTS) & ~(0xffu << 8)) |
			 ((fri + 1) % u->nfr) << 8);
	update_ppf(u);
}

/* A refused access: recorded now, or record_delay_us later (late_sync). */
static bool fault(struct fake_vtd *u, uint16_t sid, uint64_t addr, bool write,
		  uint8_t reason)
{
	u->faults++;
	if (u->stray_armed && sid == u->stray_before) {
		u->stray_armed = false;
		u->faults++;
		record(u, u->stray_sid, FAKE_VTD_STRAY_ADDR, true, FR_CONTEXT);
	}
	if (!u->record_delay_us) {
		record(u, sid, addr, write, reason);
		return false;
	}
	for (unsigned i = 0; i < FAKE_VTD_NFR; i++)
		if (!u->late[i].used) {
			u->late[i].due_us = fake_now_us() + u->record_delay_us;
			u->late[i].addr = addr;
			u->late[i].sid = sid;
			u->late[i].reason = reason;
			u->late[i].write = write;
			u->late[i].used = true;
			return false;
		}
	record(u, sid, addr, write, reason); /* no room to hold it: now */
	return false;
}

static void late_sync(void *ctx)
{
	struct fake_vtd *u = ctx;

	for (unsigned i = 0; i < FAKE_VTD_NFR; i++)
		if (u->late[i].used && fake_now_us() >= u->late[i].due_us) {
			u->late[i].used = false;
			record(u, u->late[i].sid, u->late[i].addr, u->late[i].write,
			       u->late[i].reason);
		}
}

/* A 16-byte table entry (root or context) at addr, or NULL. */
static const uint64_t *entry(uint64_t addr)
{
	return fake_dma_ptr(addr, 16);
}

/* The leaf entry for one page, or a fault reason. */
static uint8_t walk(uint64_t slpt, unsigned levels, uint64_t page, bool write,
		    uint64_t *leaf)
{
	uint64_t table = slpt;

	for (unsigned level = levels; level >= 1; level--) {
		unsigned idx = (page >> (12 + 9 * (level - 1))) & (VTD_ENTRIES - 1);
		const uint64_t *e = fake_dma_ptr(table + 8 * idx, 8);
		uint64_t need = level == 1 ? (write ? VTD_PTE_WRITE : VTD_PTE_READ) :
					     VTD_PTE_READ | VTD_PTE_WRITE;
		if (!e)
			return FR_TABLE;
		if ((*e & need) != need)
			return write ? FR_WRITE : FR_READ;
		table = *e & VTD_PTE_ADDR;
	}
	*leaf = table;
	return 0;
}

/* The translation (legacy mode, 3.4-3.6): root entry by bus, context
 * entry by devfn, pass-through or a second-level walk for every page. */
static bool translate(void *ctx, uint16_t sid, uint64_t addr, size_t len, bool write,
		      uint64_t *out)
{
	struct fake_vtd *u = ctx;
	const uint64_t *root, *c;
	uint64_t first = 0;
	unsigned levels;

	if (!(get(u, VTD_GSTS) & VTD_G_TE)) {
		*out = addr;
		return true;
	}
	u->translated++;
	root = entry(u->rtaddr + 16 * (sid >> 8));
	if (!root || !(root[0] & VTD_ROOT_PRESENT))
		return fault(u, sid, addr, write, root ? FR_ROOT : FR_TABLE);
	c = entry((root[0] & VTD_PAGE_MASK) + 16 * (sid & 0xff));
	if (!c || !(c[0] & VTD_CTX_PRESENT))
		return fault(u, sid, addr, write, c ? FR_CONTEXT : FR_TABLE);
	if (CTX_TT(c[0]) == CTX_TT_PT) {
		*out = addr;
		return true;
	}
	if (CTX_TT(c[0]) != 0 || (CTX_AW(c[1]) != VTD_CTX_AW_39 && CTX_AW(c[1]) != VTD_CTX_AW_48))
		return fault(u, sid, addr, write, FR_BAD_CONTEXT);
	levels = CTX_AW(c[1]) == VTD_CTX_AW_48 ? 4 : 3;
	for (uint64_t p = addr & VTD_PAGE_MASK; p < addr + len; p += 0x1000) {
		uint64_t leaf;
		uint8_t fr = walk(c[0] & VTD_PAGE_MASK, levels, p, write, &leaf);
		if (fr)
			return fault(u, sid, p > addr ? p : addr, write, fr);
		if (p == (addr & VTD_PAGE_MASK))
			first = leaf;
		else if (leaf != first + (p - (addr & VTD_PAGE_MASK)))
			harness_fatal(__FILE__, __LINE__, "fake_vtd: 0x%llx maps "
				      "non-contiguously; not modelled",
				      (unsigned long long)addr);
	}
	*out = first | (addr & ~VTD_PAGE_MASK);
	return true;
}

/* The DMAR table: ACPI header, host address width, one DRHD. */
static uint8_t dmar[DMAR_HEADER_LEN + 16];

static void dmar_build(uint64_t base)
{
	uint8_t *d = dmar + DMAR_HEADER_LEN;

	memset(dmar, 0, sizeof(dmar));
	memcpy(dmar, "DMAR", 4);
	dmar[4] = sizeof(dmar); /* length, little endian */
	dmar[36] = 47;          /* host address width - 1 */
	d[2] = 16;              /* DRHD: type 0, length 16 */
	d[4] = DMAR_DRHD_INCLUDE_ALL;
	for (unsigned i = 0; i < 8; i++)
		d[8 + i] = (uint8_t)(base >> (8 * i));
	fake_acpi_checksum(dmar);
	fake_set_acpi_table("DMAR", dmar);
}

struct fake_vtd *fake_vtd_add(uint64_t base)
{
	struct fake_vtd *u = calloc(1, sizeof(*u));
	uint64_t cap = (uint64_t)VTD_SAGAW_48 << 8 | (uint64_t)(FRO / 16) << 24 |
		       (uint64_t)(FAKE_VTD_NFR - 1) << 40;
	uint64_t ecap = 1 /* C: coherent */ | 1ull << 6 /* PT */ | (uint64_t)(IRO / 16) << 8;

	if (!u)
		harness_fatal(__FILE__, __LINE__, "fake_vtd_add: out of memory");
	u->m = fake_mmio_add(base, UNIT_SIZE);
	u->m->priv = u;
	u->m->own_priv = true;
	u->m->write = unit_write;
	put(u, VTD_VER, VER_1_0);
	put64(u, VTD_CAP, cap);
	put64(u, VTD_ECAP, ecap);
	u->nfr = FAKE_VTD_NFR;
	dmar_build(base);
	fake_set_iommu(translate, u);
	fake_on_tick(late_sync, u);
	return u;
}

void fake_vtd_set_nfr(struct fake_vtd *u, unsigned n)
{
	uint64_t cap = get64(u, VTD_CAP) & ~(0xffull << 40);

	if (n < 1 || n > FAKE_VTD_NFR)
		harness_fatal(__FILE__, __LINE__, "fake_vtd_set_nfr: %u records", n);
	u->nfr = n;
	put64(u, VTD_CAP, cap | (uint64_t)(n - 1) << 40);
}

void fake_vtd_stray_before(struct fake_vtd *u, uint16_t stray_sid, uint16_t sid)
{
	u->stray_sid = stray_sid;
	u->stray_before = sid;
	u->stray_armed = true;
}
