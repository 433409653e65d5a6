/* sriov.c - SR-IOV on a PF we own (see sriov.h). */
#include "pci/sriov.h"

#include <stdarg.h>

#include "report/fmt.h"
#include "wait_bound.h"

/* SR-IOV 1.1 3.3.3.1: after setting VF Enable, wait 100 ms before the
 * first configuration request to a VF (Linux sriov_enable does too). */
#define SRIOV_VF_ENABLE_WAIT_US		100000
/* After clearing VF Enable the VFs must go away; Linux sriov_disable
 * sleeps 1 s for it. We poll, with that as the bound. */
#define SRIOV_VF_DISABLE_TIMEOUT_US	1000000
#define SRIOV_VF_DISABLE_POLL_US	1000
/* PCIe Base 4.0 6.6.2: a function completes FLR within 100 ms. */
#define SRIOV_FLR_COMPLETION_US		100000
/* Transactions Pending before FLR, and the function answering after it:
 * Linux gives a function up to ~1 s for each (pci_wait_for_pending_
 * transaction, pci_dev_wait for a VF); an 82576 VF needs neither. */
#define SRIOV_FLR_PENDING_TIMEOUT_US	1000000
#define SRIOV_FLR_READY_TIMEOUT_US	1000000
#define SRIOV_FLR_POLL_US		1000

#define FOUR_GIB			0x100000000ull
/* Below 1 MiB is legacy memory, VGA and firmware: never a window, even
 * where an unconfigured bridge's base/limit (0/0) would say so. */
#define SRIOV_MIN_WINDOW		0x100000ull
/* PFs under test (SUITE_MAX_DEVICES), and what each occupies: its six
 * BARs, its ROM and its VF BARs where the firmware put them. */
#define SRIOV_MAX_PFS			32
#define SRIOV_PF_RANGES			(6 + 1 + PCI_SRIOV_NUM_BARS)
/* Ranges a window search avoids: BARs, ROMs, bridge windows of one
 * inventory, and what the PFs under test occupy. */
#define SRIOV_MAX_BUSY			(PCI_MAX_FUNCS * 4 + SRIOV_MAX_PFS * (SRIOV_PF_RANGES + 1))
#define SRIOV_MAX_APERTURES		16

static int fail(struct sriov *s, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct sriov *s, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	return rc;
}

static uint16_t rd16(const struct sriov *s, uint16_t reg)
{
	return pci_read16(s->pf, s->cap + reg);
}

static uint32_t rd32(const struct sriov *s, uint16_t reg)
{
	return pci_read32(s->pf, s->cap + reg);
}

static void wr16(const struct sriov *s, uint16_t reg, uint16_t v)
{
	pci_write16(s->pf, s->cap + reg, v);
}

static void wr32(const struct sriov *s, uint16_t reg, uint32_t v)
{
	pci_write32(s->pf, s->cap + reg, v);
}

static uint16_t bar_reg(unsigned i)
{
	return (uint16_t)(PCI_SRIOV_BAR + 4 * i);
}

/* A function answers config reads: the class/revision dword is not
 * all-ones (a VF's vendor ID reads 0xFFFF even when it is there). */
static bool answers(struct pci_bdf b)
{
	return pci_read32(b, PCI_CLASS_REVISION) != 0xffffffffu;
}

/* ---- pure parts -------------------------------------------------------- */

int32_t sriov_vf_rid(struct pci_bdf pf, uint16_t offset, uint16_t stride, unsigned vf)
{
	uint32_t rid = ((uint32_t)pf.bus << 8) | ((uint32_t)pf.dev << 3) | pf.fn;

	rid += offset + (uint32_t)vf * stride;
	return rid > 0xffff ? -1 : (int32_t)rid;
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static bool overlaps(uint64_t a, uint64_t alen, const struct plat_range *r)
{
	return a < r->base + r->size && r->base < a + alen;
}

int sriov_find_window(const struct plat_range *allowed, unsigned nallowed,
		      const struct plat_range *busy, unsigned nbusy,
		      uint64_t size, uint64_t align, uint64_t limit, uint64_t *base)
{
	bool found = false;

	if (!size || !align || (align & (align - 1)))
		return RC_EINVAL;
	for (unsigned a = 0; a < nallowed; a++) {
		uint64_t start = allowed[a].base < SRIOV_MIN_WINDOW ? SRIOV_MIN_WINDOW :
								      allowed[a].base;
		uint64_t end = allowed[a].base + allowed[a].size;
		uint64_t cand = align_up(start, align);

		if (end > limit)
			end = limit;
		/* Each pass either settles or moves past one busy range. */
		for (unsigned pass = 0; pass <= nbusy; pass++) {
			bool moved = false;

			if (cand < start || cand > end || end - cand < size)
				break;
			for (unsigned b = 0; b < nbusy; b++) {
				if (busy[b].size && overlaps(cand, size, &busy[b])) {
					cand = align_up(busy[b].base + busy[b].size, align);
					moved = true;
					break;
				}
			}
			if (!moved) {
				if (!found || cand < *base)
					*base = cand;
				found = true;
				break;
			}
		}
	}
	return found ? RC_OK : RC_ENOMEM;
}

/* ---- open / enable / disable / restore -------------------------------- */

static bool bdf_eq(struct pci_bdf a, struct pci_bdf b)
{
	return a.seg == b.seg && a.bus == b.bus && a.dev == b.dev && a.fn == b.fn;
}

static const struct pci_func *inv_find(const struct pci_inventory *inv, struct pci_bdf b)
{
	for (unsigned i = 0; i < inv->n; i++)
		if (bdf_eq(inv->f[i].bdf, b))
			return &inv->f[i];
	return NULL;
}

/* Size the VF BARs by the all-ones probe; VF Enable and MSE are off. */
static void size_bars(struct sriov *s)
{
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		struct sriov_bar *b = &s->bar[i];
		uint32_t lo = s->saved.bar[i], hi = 0;
		uint64_t rb;

		*b = (struct sriov_bar){ .kind = PCI_BAR_NONE };
		if (lo & PCI_BASE_ADDRESS_SPACE_IO)
			continue; /* VF BARs are memory (SR-IOV 1.1 3.3.14) */
		b->kind = (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 &&
				  i + 1 < PCI_SRIOV_NUM_BARS ? PCI_BAR_MEM64 : PCI_BAR_MEM32;
		b->prefetch = !!(lo & PCI_BASE_ADDRESS_MEM_PREFETCH);
		wr32(s, bar_reg(i), 0xffffffffu);
		rb = rd32(s, bar_reg(i));
		wr32(s, bar_reg(i), lo);
		if (b->kind == PCI_BAR_MEM64) {
			hi = s->saved.bar[i + 1];
			wr32(s, bar_reg(i + 1), 0xffffffffu);
			rb |= (uint64_t)rd32(s, bar_reg(i + 1)) << 32;
			wr32(s, bar_reg(i + 1), hi);
		}
		b->size = pci_bar_size_from_mask(rb, b->kind);
		b->addr = (lo & PCI_BASE_ADDRESS_MEM_MASK) | (uint64_t)hi << 32;
		if (!b->size)
			b->kind = PCI_BAR_NONE;
		if (b->kind == PCI_BAR_MEM64)
			i++; /* the next register is this BAR's upper half */
	}
}

/* The window every VF BAR of s's num_vfs VFs needs, and its alignment. */
static uint64_t window_need(const struct sriov *s, uint64_t *align)
{
	uint64_t size = 0;

	*align = 1;
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		const struct sriov_bar *b = &s->bar[i];
		if (b->kind == PCI_BAR_NONE)
			continue;
		size = align_up(size, b->size) + b->size * s->num_vfs;
		if (b->size > *align)
			*align = b->size;
	}
	return size;
}

/* ---- what each PF under test occupies (sriov.h) ------------------------ */

struct pf_space {
	bool used;
	struct pci_bdf pf;
	struct plat_range r[SRIOV_PF_RANGES]; /* as the firmware left them */
	unsigned n;
	uint64_t need, align;     /* a window for TotalVFs' BARs (0: none needed) */
	struct plat_range moved;  /* its window for the run (size 0: none yet) */
	bool vfs_on;              /* we set VF Enable */
	uint16_t offset, stride, nvfs; /* its VFs' routing IDs, while vfs_on */
	uint16_t cap;             /* its SR-IOV capability, while ari_owed */
	bool ari_owed, ari_saved; /* ARI Capable Hierarchy to put back (saved) */
};

static struct pf_space spaces[SRIOV_MAX_PFS];

static struct pf_space *space_find(struct pci_bdf pf)
{
	for (unsigned i = 0; i < SRIOV_MAX_PFS; i++)
		if (spaces[i].used && bdf_eq(spaces[i].pf, pf))
			return &spaces[i];
	return NULL;
}

/* pf's entry, made when it has none; NULL when the table is full. */
static struct pf_space *space_of(struct pci_bdf pf)
{
	struct pf_space *p = space_find(pf);

	for (unsigned i = 0; !p && i < SRIOV_MAX_PFS; i++)
		if (!spaces[i].used) {
			p = &spaces[i];
			*p = (struct pf_space){ .used = true, .pf = pf };
		}
	return p;
}

/* The memory a function's BAR, ROM or bridge window decodes, at most
 * what natural alignment allows when the size is not known. */
static uint64_t extent(uint64_t addr, uint64_t size)
{
	return size ? size : addr ? addr & (~addr + 1) : 0;
}

static void space_add(struct pf_space *p, uint64_t base, uint64_t size)
{
	if (base && size && p->n < SRIOV_PF_RANGES)
		p->r[p->n++] = (struct plat_range){ base, size };
}

static void read_saved(struct sriov *s)
{
	s->saved.ctrl = rd16(s, PCI_SRIOV_CTRL);
	s->saved.num_vfs = rd16(s, PCI_SRIOV_NUM_VF);
	s->saved.sys_pgsize = rd32(s, PCI_SRIOV_SYS_PGSIZE);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		s->saved.bar[i] = rd32(s, bar_reg(i));
	s->total_vfs = rd16(s, PCI_SRIOV_TOTAL_VF);
}

int sriov_note_pf(struct pci_bdf pf, const struct pci_bar *bars, unsigned nbars)
{
	struct pf_space *p = space_of(pf);
	uint32_t rom = pci_read32(pf, PCI_ROM_ADDRESS);
	struct sriov s = { .pf = pf };

	if (!p)
		return RC_ENOMEM;
	p->n = 0;
	for (unsigned k = 0; k < nbars; k++)
		if (bars[k].kind == PCI_BAR_MEM32 || bars[k].kind == PCI_BAR_MEM64)
			space_add(p, bars[k].addr, extent(bars[k].addr, bars[k].size));
	if (rom != 0xffffffffu && (rom & PCI_ROM_ADDRESS_ENABLE))
		space_add(p, rom & PCI_ROM_ADDRESS_MASK, extent(rom & PCI_ROM_ADDRESS_MASK, 0));
	s.cap = pci_find_ext_cap(pf, PCI_EXT_CAP_ID_SRIOV);
	if (!s.cap)
		return RC_OK;
	read_saved(&s);
	/* Live VFs' BARs cannot be sized; sriov_open refuses that PF. */
	if (s.saved.ctrl == 0xffff || (s.saved.ctrl & (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE)))
		return RC_OK;
	size_bars(&s);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		if (s.bar[i].kind != PCI_BAR_NONE)
			space_add(p, s.bar[i].addr, s.bar[i].size * s.total_vfs);
	s.num_vfs = s.total_vfs < SRIOV_MAX_VFS ? s.total_vfs : SRIOV_MAX_VFS;
	p->need = window_need(&s, &p->align);
	return RC_OK;
}

bool sriov_vf_of_another(const struct sriov *s, struct pci_bdf b)
{
	int32_t rid = b.bus << 8 | b.dev << 3 | b.fn;

	for (unsigned i = 0; i < SRIOV_MAX_PFS; i++) {
		const struct pf_space *p = &spaces[i];
		for (unsigned v = 0; p->used && p->vfs_on && !bdf_eq(p->pf, s->pf) && v < p->nvfs; v++)
			if (p->pf.seg == b.seg && sriov_vf_rid(p->pf, p->offset, p->stride, v) == rid)
				return true;
	}
	return false;
}

void sriov_forget_pfs(void)
{
	for (unsigned i = 0; i < SRIOV_MAX_PFS; i++)
		spaces[i] = (struct pf_space){ 0 };
}

int sriov_open(struct sriov *s, const struct pci_inventory *inv, struct pci_bdf pf)
{
	const struct pci_func *f = inv_find(inv, pf);

	*s = (struct sriov){ .pf = pf };
	s->cap = pci_find_ext_cap(pf, PCI_EXT_CAP_ID_SRIOV);
	if (!s->cap)
		return fail(s, RC_ENODEV, "no SR-IOV capability");
	read_saved(s);
	s->initial_vfs = rd16(s, PCI_SRIOV_INITIAL_VF);
	s->vf_device = rd16(s, PCI_SRIOV_VF_DID);
	if (s->saved.ctrl == 0xffff)
		return fail(s, RC_EIO, "SR-IOV capability reads all-ones");
	if (s->saved.ctrl & (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE))
		return fail(s, RC_EIO, "the firmware left VF Enable or VF Memory Space set "
			    "(SR-IOV control 0x%04x, NumVFs %u): its VFs may be in use",
			    s->saved.ctrl, s->saved.num_vfs);
	if (!s->total_vfs || s->total_vfs > SRIOV_MAX_VFS)
		return fail(s, RC_EIO, "TotalVFs %u outside 1..%u", s->total_vfs, SRIOV_MAX_VFS);
	if (f && f->parent != PCI_NO_PARENT) {
		const struct pci_func *port = &inv->f[f->parent];
		uint16_t exp = port->caps.pcie;

		s->below_port = true;
		s->port = port->bdf;
		s->ari = exp && (pci_read16(port->bdf, exp + PCI_EXP_DEVCTL2) & PCI_EXP_DEVCTL2_ARI);
	}
	size_bars(s);
	return RC_OK;
}

static int check_vfs_reachable(struct sriov *s, uint16_t n)
{
	char b[16];

	for (unsigned v = 0; v < n; v++) {
		int32_t rid = sriov_vf_rid(s->pf, s->offset, s->stride, v);

		if (rid < 0)
			return fail(s, RC_ERANGE, "VF %u's routing ID (offset %u, stride %u) "
				    "is past 0xffff", v, s->offset, s->stride);
		s->vf[v] = (struct pci_bdf){ s->pf.seg, (uint8_t)(rid >> 8),
					     (uint8_t)((rid >> 3) & 0x1f), (uint8_t)(rid & 7) };
		if (s->vf[v].bus != s->pf.bus)
			return fail(s, RC_ERANGE, "VF %u (%s) is on another bus than the PF: "
				    "we do not assign bus numbers", v,
				    pci_bdf_str(s->vf[v], b, sizeof(b)));
		/* Without ARI a port forwards config requests to device 0 only. */
		if (s->below_port && !s->ari && s->vf[v].dev)
			return fail(s, RC_ERANGE, "VF %u (%s) is beyond device 0 and the "
				    "port above does not forward ARI; we do not write the "
				    "port", v, pci_bdf_str(s->vf[v], b, sizeof(b)));
	}
	return RC_OK;
}

static bool bars_assigned(const struct sriov *s)
{
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		if (s->bar[i].kind != PCI_BAR_NONE && !s->bar[i].addr)
			return false;
	return true;
}

/* The control as saved, VFs off; ARI Capable Hierarchy as it is now
 * (set_ari and pay_ari alone change it). */
static uint16_t ctrl_base(const struct sriov *s)
{
	uint16_t c = s->saved.ctrl & ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE |
				      PCI_SRIOV_CTRL_ARI);
	return c | (rd16(s, PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_ARI);
}

/* The device's lowest PF (function 0 of pf's device), which holds ARI
 * Capable Hierarchy for all its PFs (SR-IOV 1.1 3.3.3.5: RsvdP in the
 * others); pf itself when function 0 has no SR-IOV capability. */
static struct sriov lowest_pf(const struct sriov *s)
{
	struct sriov o = { .pf = s->pf, .cap = s->cap };

	o.pf.fn = 0;
	if (!bdf_eq(o.pf, s->pf))
		o.cap = pci_find_ext_cap(o.pf, PCI_EXT_CAP_ID_SRIOV);
	return o.cap ? o : (struct sriov){ .pf = s->pf, .cap = s->cap };
}

static bool sibling_live(struct pci_bdf pf);

/*
 * ARI Capable Hierarchy as Linux sriov_init sets it (on when the port
 * above forwards ARI), written where it lives, the device's lowest PF,
 * before NumVFs: it sets every PF's First VF Offset and VF Stride (3.3.10,
 * 3.3.11), so each PF's VFs get the same routing IDs whichever PF enables
 * first, serial or side by side. Left as it is while another PF of the
 * device has VFs on (changing it would move their routing IDs), and when
 * the lowest PF is not one under test (not ours to write). What it was
 * goes back once no PF of the device has VFs (pay_ari). Returns the bit
 * in effect.
 */
static bool set_ari(const struct sriov *s)
{
	struct sriov o = lowest_pf(s);
	uint16_t c = rd16(&o, PCI_SRIOV_CTRL);
	bool on = c & PCI_SRIOV_CTRL_ARI;
	struct pf_space *q = bdf_eq(o.pf, s->pf) ? space_of(o.pf) : space_find(o.pf);

	if (c == 0xffff || on == s->ari || sibling_live(s->pf) || !q)
		return on;
	if (!q->ari_owed) {
		q->ari_owed = true;
		q->ari_saved = on;
		q->cap = o.cap;
	}
	wr16(&o, PCI_SRIOV_CTRL, c ^ PCI_SRIOV_CTRL_ARI);
	return rd16(&o, PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_ARI;
}

int sriov_enable(struct sriov *s, uint16_t n)
{
	uint16_t got;
	char b[16];
	int rc;

	if (!n || n > s->total_vfs || n > SRIOV_MAX_VFS)
		return fail(s, RC_ERANGE, "%u VFs asked, TotalVFs is %u", n, s->total_vfs);
	if (s->num_vfs)
		return fail(s, RC_EINVAL, "VFs are already enabled");
	/* ARI Capable Hierarchy first: it may change offset and stride. */
	s->ari_hier = set_ari(s);
	wr16(s, PCI_SRIOV_CTRL, ctrl_base(s));
	wr16(s, PCI_SRIOV_NUM_VF, n);
	got = rd16(s, PCI_SRIOV_NUM_VF);
	if (got != n)
		return fail(s, RC_EIO, "NumVFs reads %u after writing %u", got, n);
	s->offset = rd16(s, PCI_SRIOV_VF_OFFSET);
	s->stride = rd16(s, PCI_SRIOV_VF_STRIDE);
	if (!s->offset || (n > 1 && !s->stride))
		return fail(s, RC_EIO, "First VF Offset %u / VF Stride %u cannot place %u VFs",
			    s->offset, s->stride, n);
	rc = check_vfs_reachable(s, n);
	if (rc)
		return rc;
	/* VF memory decodes only once every VF BAR has an address. */
	wr16(s, PCI_SRIOV_CTRL, ctrl_base(s) | PCI_SRIOV_CTRL_VFE |
				    (bars_assigned(s) ? PCI_SRIOV_CTRL_MSE : 0));
	s->num_vfs = n;
	if (space_of(s->pf)) {
		struct pf_space *p = space_of(s->pf);
		p->vfs_on = true;
		p->offset = s->offset;
		p->stride = s->stride;
		p->nvfs = n;
	}
	wait_us(SRIOV_VF_ENABLE_WAIT_US);
	for (unsigned v = 0; v < n; v++)
		if (!answers(s->vf[v])) {
			uint16_t ctrl = rd16(s, PCI_SRIOV_CTRL);
			sriov_disable(s);
			return fail(s, RC_EIO, "VF %u (%s) does not answer config reads "
				    "100 ms after VF Enable (SR-IOV control 0x%04x)", v,
				    pci_bdf_str(s->vf[v], b, sizeof(b)), ctrl);
		}
	return RC_OK;
}

static bool gone(void *ctx)
{
	return !answers(*(struct pci_bdf *)ctx);
}

int sriov_disable(struct sriov *s)
{
	uint16_t n = s->num_vfs;
	char b[16];

	wr16(s, PCI_SRIOV_CTRL, ctrl_base(s));
	s->num_vfs = 0;
	if (space_find(s->pf))
		space_find(s->pf)->vfs_on = false;
	/* Each within the bound (Linux sriov_disable sleeps 1 s once). */
	for (unsigned v = 0; v < n; v++) {
		if (!wait_until(gone, &s->vf[v], SRIOV_VF_DISABLE_TIMEOUT_US,
				SRIOV_VF_DISABLE_POLL_US))
			return fail(s, RC_ETIMEDOUT, "VF %u (%s) still answers %llu ms "
				    "after VF Enable was cleared", v,
				    pci_bdf_str(s->vf[v], b, sizeof(b)),
				    (unsigned long long)wait_bound_us(
					    SRIOV_VF_DISABLE_TIMEOUT_US) / 1000);
	}
	return RC_OK;
}

/* Another PF of pf's device (same bus and device number: the 82576's
 * ports are functions 0 and 1) has VFs we enabled. */
static bool sibling_live(struct pci_bdf pf)
{
	for (unsigned i = 0; i < SRIOV_MAX_PFS; i++) {
		struct pci_bdf o = spaces[i].pf;
		if (spaces[i].used && spaces[i].vfs_on && o.seg == pf.seg && o.bus == pf.bus &&
		    o.dev == pf.dev && o.fn != pf.fn)
			return true;
	}
	return false;
}

/* The ARI bits owed to pf's device, put back once none of its PFs has
 * VFs (pf's have just gone). */
static void pay_ari(struct pci_bdf pf)
{
	for (unsigned i = 0; i < SRIOV_MAX_PFS; i++) {
		struct pf_space *q = &spaces[i];
		struct sriov o = { .pf = q->pf, .cap = q->cap };

		if (!q->used || !q->ari_owed || q->pf.seg != pf.seg || q->pf.bus != pf.bus ||
		    q->pf.dev != pf.dev || q->vfs_on || sibling_live(q->pf))
			continue;
		wr16(&o, PCI_SRIOV_CTRL, (uint16_t)((rd16(&o, PCI_SRIOV_CTRL) & ~PCI_SRIOV_CTRL_ARI) |
					(q->ari_saved ? PCI_SRIOV_CTRL_ARI : 0)));
		q->ari_owed = false;
	}
}

int sriov_restore(struct sriov *s)
{
	uint16_t ctrl;
	int rc = RC_OK;

	if (s->num_vfs)
		rc = sriov_disable(s);
	/* ARI Capable Hierarchy is the device's (set_ari): it goes back when
	 * the last PF of the device is out (pay_ari), not here. VF Enable
	 * and VF MSE were clear when saved: BARs may be written. */
	ctrl = ctrl_base(s);
	wr16(s, PCI_SRIOV_CTRL, ctrl);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		wr32(s, bar_reg(i), s->saved.bar[i]);
	wr32(s, PCI_SRIOV_SYS_PGSIZE, s->saved.sys_pgsize);
	wr16(s, PCI_SRIOV_NUM_VF, s->saved.num_vfs);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++)
		if (rd32(s, bar_reg(i)) != s->saved.bar[i])
			return fail(s, RC_EIO, "VF BAR%u reads 0x%08x after restoring 0x%08x",
				    i, rd32(s, bar_reg(i)), s->saved.bar[i]);
	if (rd16(s, PCI_SRIOV_CTRL) != ctrl ||
	    rd16(s, PCI_SRIOV_NUM_VF) != s->saved.num_vfs ||
	    rd32(s, PCI_SRIOV_SYS_PGSIZE) != s->saved.sys_pgsize)
		return fail(s, RC_EIO, "SR-IOV control/NumVFs/page size read 0x%04x/%u/0x%x "
			    "after restoring 0x%04x/%u/0x%x", rd16(s, PCI_SRIOV_CTRL),
			    rd16(s, PCI_SRIOV_NUM_VF), rd32(s, PCI_SRIOV_SYS_PGSIZE),
			    ctrl, s->saved.num_vfs, s->saved.sys_pgsize);
	if (!rc)
		pay_ari(s->pf);
	return rc;
}

uint64_t sriov_vf_bar(const struct sriov *s, unsigned vf, unsigned bar)
{
	const struct sriov_bar *b = &s->bar[bar];

	return b->kind == PCI_BAR_NONE ? 0 : b->addr + (uint64_t)vf * b->size;
}

/* ---- making VF BARs usable ------------------------------------------- */

static void set_vf_cmd_mem(struct sriov *s)
{
	for (unsigned v = 0; v < s->num_vfs; v++)
		pci_write16(s->vf[v], PCI_COMMAND,
			    pci_read16(s->vf[v], PCI_COMMAND) | PCI_COMMAND_MEMORY);
	s->vf_cmd_mem = true;
}

/* The first VF whose BAR0 the probe rejects, or -1 when all pass. */
static int first_bad(struct sriov *s, sriov_probe_fn probe, void *ctx)
{
	for (unsigned v = 0; v < s->num_vfs; v++)
		if (!probe(ctx, s, v, sriov_vf_bar(s, v, 0)))
			return (int)v;
	return -1;
}

struct layout {
	struct plat_range allowed[SRIOV_MAX_APERTURES];
	unsigned nallowed;
	struct plat_range busy[SRIOV_MAX_BUSY];
	unsigned nbusy;
};

static void add_busy(struct layout *l, uint64_t base, uint64_t size)
{
	if (size && l->nbusy < SRIOV_MAX_BUSY)
		l->busy[l->nbusy++] = (struct plat_range){ base, size };
}

/*
 * An SR-IOV function not under test: where the firmware put its VF BARs,
 * TotalVFs copies each, avoided as any BAR is (its VFs may be enabled
 * later, there). Their per-VF size cannot be read without writing the
 * function; each copy is aligned to its size (SR-IOV 1.1 3.3.14), so the
 * address's own alignment bounds it.
 */
static void add_vf_bars_of(struct layout *l, const struct pci_func *f)
{
	uint16_t cap = f->caps.sriov;
	uint16_t total = pci_read16(f->bdf, cap + PCI_SRIOV_TOTAL_VF);

	for (unsigned i = 0; total != 0xffff && i < PCI_SRIOV_NUM_BARS; i++) {
		uint32_t lo = pci_read32(f->bdf, cap + bar_reg(i));
		uint64_t a = lo & PCI_BASE_ADDRESS_MEM_MASK;

		if (lo & PCI_BASE_ADDRESS_SPACE_IO)
			continue;
		if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 &&
		    i + 1 < PCI_SRIOV_NUM_BARS)
			a |= (uint64_t)pci_read32(f->bdf, cap + bar_reg(++i)) << 32;
		add_busy(l, a, extent(a, 0) * total);
	}
}

/* A bridge's memory and (when 32-bit addressable) prefetchable windows. */
static unsigned bridge_windows(struct pci_bdf b, struct plat_range *w)
{
	unsigned n = 0;
	uint64_t base = (uint64_t)(pci_read16(b, PCI_MEMORY_BASE) & PCI_MEMORY_RANGE_MASK) << 16;
	uint64_t limit = ((uint64_t)(pci_read16(b, PCI_MEMORY_LIMIT) & PCI_MEMORY_RANGE_MASK)
			  << 16) | 0xfffff;
	uint16_t pb = pci_read16(b, PCI_PREF_MEMORY_BASE);
	uint16_t pl = pci_read16(b, PCI_PREF_MEMORY_LIMIT);

	if (base <= limit)
		w[n++] = (struct plat_range){ base, limit - base + 1 };
	base = (uint64_t)(pb & PCI_PREF_RANGE_MASK) << 16;
	limit = ((uint64_t)(pl & PCI_PREF_RANGE_MASK) << 16) | 0xfffff;
	if (pb & PCI_PREF_RANGE_TYPE_64) {
		base |= (uint64_t)pci_read32(b, PCI_PREF_BASE_UPPER32) << 32;
		limit |= (uint64_t)pci_read32(b, PCI_PREF_LIMIT_UPPER32) << 32;
	}
	if (base <= limit)
		w[n++] = (struct plat_range){ base, limit - base + 1 };
	return n;
}

static bool is_ancestor(const struct pci_inventory *inv, const struct pci_func *f, int idx)
{
	for (unsigned d = 0; f->parent != PCI_NO_PARENT && d < PCI_MAX_FUNCS; d++) {
		if (f->parent == idx)
			return true;
		f = &inv->f[f->parent];
	}
	return false;
}

/*
 * Where the PF's bus receives memory (the port's windows, or the host
 * bridge's apertures on a root bus), and everything already decoded there.
 */
static int collect_layout(struct sriov *s, const struct pci_inventory *inv, struct layout *l)
{
	const struct pci_func *pf = inv_find(inv, s->pf);
	const struct pf_space *other;
	struct plat_range w[2];
	char b[16];
	int n;

	if (!pf)
		return fail(s, RC_ENODEV, "the PF is not in the inventory");
	if (pf->parent != PCI_NO_PARENT) {
		n = (int)bridge_windows(inv->f[pf->parent].bdf, l->allowed);
	} else {
		n = plat_pci_root_mmio(s->pf, l->allowed, SRIOV_MAX_APERTURES);
		if (n < 0)
			return fail(s, n, "the platform cannot say which memory its PCI host "
				    "bridge forwards (%s)", rc_name(n));
	}
	l->nallowed = (unsigned)n;
	for (unsigned i = 0; i < inv->n; i++) {
		const struct pci_func *f = &inv->f[i];
		bool bridge = f->header_type == PCI_HEADER_TYPE_BRIDGE;
		uint32_t rom = pci_read32(f->bdf, bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS);

		for (unsigned k = 0; k < f->nbars; k++) {
			const struct pci_bar *bar = &f->bar[k];
			if (bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64)
				add_busy(l, bar->addr, extent(bar->addr, bar->size));
		}
		if (rom != 0xffffffffu && (rom & PCI_ROM_ADDRESS_ENABLE))
			add_busy(l, rom & PCI_ROM_ADDRESS_MASK,
				 extent(rom & PCI_ROM_ADDRESS_MASK, 0));
		/* A bridge above the PF holds the window we look in. */
		if (bridge && !is_ancestor(inv, pf, (int)i))
			for (unsigned k = 0, nw = bridge_windows(f->bdf, w); k < nw; k++)
				add_busy(l, w[k].base, w[k].size);
		/* Live VFs of a PF we enabled decode inside what it occupies
		 * (added below); anyone else's are of unknown size. */
		other = space_find(f->bdf);
		if (f->caps.sriov && f != pf && !(other && other->vfs_on) &&
		    (pci_read16(f->bdf, f->caps.sriov + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE))
			return fail(s, RC_EIO, "%s has VFs enabled: their BARs' sizes cannot "
				    "be read without writing it, so no window is safe",
				    pci_bdf_str(f->bdf, b, sizeof(b)));
		if (f->caps.sriov && f != pf && !other) /* a noted PF's: below */
			add_vf_bars_of(l, f);
	}
	for (unsigned i = 0; i < SRIOV_MAX_PFS; i++) {
		for (unsigned k = 0; k < spaces[i].n; k++)
			add_busy(l, spaces[i].r[k].base, spaces[i].r[k].size);
		add_busy(l, spaces[i].moved.base, spaces[i].moved.size);
	}
	if (l->nbusy == SRIOV_MAX_BUSY)
		return fail(s, RC_ENOMEM, "more than %u decoded ranges to avoid", SRIOV_MAX_BUSY);
	return RC_OK;
}

/* Move every VF BAR into [base, ...): VFs off around it, then on again. */
static int move_bars(struct sriov *s, uint64_t base)
{
	uint16_t n = s->num_vfs;
	int rc = sriov_disable(s);

	if (rc)
		return rc;
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		struct sriov_bar *b = &s->bar[i];
		uint32_t type = s->saved.bar[i] & ~PCI_BASE_ADDRESS_MEM_MASK;

		if (b->kind == PCI_BAR_NONE)
			continue;
		base = align_up(base, b->size);
		b->addr = base;
		wr32(s, bar_reg(i), (uint32_t)base | type);
		if (b->kind == PCI_BAR_MEM64)
			wr32(s, bar_reg(i + 1), (uint32_t)(base >> 32));
		base += b->size * n;
	}
	return sriov_enable(s, n);
}

/*
 * A window for p's VF BARs, free of everything decoded and of what every
 * noted PF occupies, and claimed for the run. From the layout to the
 * claim nothing waits, so no other task (task.h) searches meanwhile: the
 * static layout and the window found are this one's.
 */
static int claim_window(struct sriov *s, const struct pci_inventory *inv,
			struct pf_space *p, uint64_t need, uint64_t align)
{
	static struct layout l;
	uint64_t base = 0;
	int rc;

	l = (struct layout){ 0 };
	rc = collect_layout(s, inv, &l);
	if (rc)
		return rc;
	rc = sriov_find_window(l.allowed, l.nallowed, l.busy, l.nbusy, need, align,
			       FOUR_GIB, &base);
	if (rc)
		return fail(s, rc, "no free %llu KiB window below 4 GiB in the %u range%s "
			    "the PF's bus receives (%u decoded ranges avoided)",
			    (unsigned long long)(need / 1024), l.nallowed,
			    l.nallowed == 1 ? "" : "s", l.nbusy);
	p->moved = (struct plat_range){ base, need };
	return RC_OK;
}

/* A window for every PF noted that has none, in the order noted (sriov.h);
 * one that finds none is searched for again, and says why, when it moves. */
static void carve_windows(const struct pci_inventory *inv)
{
	for (unsigned i = 0; i < SRIOV_MAX_PFS; i++) {
		struct pf_space *p = &spaces[i];
		struct sriov s = { .pf = p->pf };

		if (p->used && p->need && !p->moved.size)
			(void)claim_window(&s, inv, p, p->need, p->align);
	}
}

/* Into the PF's window, carved with every other PF's when the first moves. */
static int relocate(struct sriov *s, const struct pci_inventory *inv)
{
	struct pf_space *p = space_of(s->pf);
	uint64_t align, need = window_need(s, &align);
	int rc;

	if (!p)
		return fail(s, RC_ENOMEM, "more than %u PFs to keep apart", SRIOV_MAX_PFS);
	if (!p->moved.size)
		carve_windows(inv);
	if (p->moved.size < need || p->moved.base & (align - 1)) {
		rc = claim_window(s, inv, p, need, align);
		if (rc)
			return rc;
	}
	s->reloc.window_base = p->moved.base;
	s->reloc.window_size = need;
	return move_bars(s, p->moved.base);
}

int sriov_make_bars_usable(struct sriov *s, const struct pci_inventory *inv,
			   sriov_probe_fn probe, void *ctx)
{
	uint64_t from = sriov_vf_bar(s, 0, 0);
	int bad = 0, rc;

	s->reloc = (struct sriov_relocation){ .from = from, .to = from };
	if (s->bar[0].kind == PCI_BAR_NONE)
		return fail(s, RC_ENODEV, "VF BAR0 is not implemented");
	/* Never probe an unassigned BAR: address 0 is memory, not the VF. */
	if (bars_assigned(s)) {
		bad = first_bad(s, probe, ctx);
		if (bad < 0)
			return RC_OK;
	}
	if (from && from + s->bar[0].size * s->num_vfs <= FOUR_GIB) {
		/* Where the firmware put it: only VF COMMAND.MEM is left to try. */
		set_vf_cmd_mem(s);
		bad = first_bad(s, probe, ctx);
		if (bad >= 0)
			return fail(s, RC_EIO, "VF %d's BAR0 at 0x%llx does not answer, even "
				    "with Memory Space set in its COMMAND", bad,
				    (unsigned long long)sriov_vf_bar(s, (unsigned)bad, 0));
		fmt_snprintf(s->reloc.why, sizeof(s->reloc.why),
			     "VF BAR0 answered only with Memory Space set in each VF's COMMAND");
		return RC_OK;
	}
	/* Unassigned (a PF FLR clears the capability too), or above 4 GiB:
	 * never turn on VF COMMAND.MEM there (QEMU would map the VF over low
	 * memory), move the BARs instead. */
	if (bars_assigned(s))
		fmt_snprintf(s->reloc.why, sizeof(s->reloc.why),
			     "VF %d's BAR0 at 0x%llx (above 4 GiB) does not answer", bad,
			     (unsigned long long)sriov_vf_bar(s, (unsigned)bad, 0));
	else
		fmt_snprintf(s->reloc.why, sizeof(s->reloc.why),
			     "VF BARs unassigned (0: a PF FLR clears them too)");
	rc = relocate(s, inv);
	if (rc)
		return rc;
	set_vf_cmd_mem(s);
	s->reloc.done = true;
	s->reloc.to = sriov_vf_bar(s, 0, 0);
	bad = first_bad(s, probe, ctx);
	if (bad >= 0)
		return fail(s, RC_EIO, "%s; moved below 4 GiB to 0x%llx, VF %d's BAR0 at "
			    "0x%llx still does not answer", s->reloc.why,
			    (unsigned long long)s->reloc.to, bad,
			    (unsigned long long)sriov_vf_bar(s, (unsigned)bad, 0));
	return RC_OK;
}

/* ---- VF Function Level Reset ------------------------------------------ */

struct cfg_wait {
	struct pci_bdf b;
	bool (*done)(struct pci_bdf b, uint16_t off);
	uint16_t off;
};

static bool cfg_done(void *ctx)
{
	struct cfg_wait *w = ctx;

	return w->done(w->b, w->off);
}

static bool poll_cfg(struct pci_bdf b, bool (*done)(struct pci_bdf b, uint16_t off),
		     uint16_t off, uint32_t timeout_us)
{
	struct cfg_wait w = { b, done, off };

	return wait_until(cfg_done, &w, timeout_us, SRIOV_FLR_POLL_US);
}

static bool no_pending(struct pci_bdf b, uint16_t devsta)
{
	return !(pci_read16(b, devsta) & PCI_EXP_DEVSTA_TRPND);
}

static bool answers_at(struct pci_bdf b, uint16_t unused)
{
	(void)unused;
	return answers(b);
}

int sriov_vf_flr(struct sriov *s, unsigned vf, bool *pending_timeout)
{
	struct pci_bdf b = s->vf[vf];
	uint16_t exp = vf < s->num_vfs ? pci_find_cap(b, PCI_CAP_ID_EXP) : 0;
	char name[16];

	pci_bdf_str(b, name, sizeof(name));
	if (!exp || !(pci_read32(b, exp + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR))
		return fail(s, RC_ENOTSUP, "VF %u (%s) does not advertise FLR", vf, name);
	/* Pending transactions would be lost; reset anyway when they never
	 * drain, as Linux does, and tell the caller. */
	*pending_timeout = !poll_cfg(b, no_pending, exp + PCI_EXP_DEVSTA,
				     SRIOV_FLR_PENDING_TIMEOUT_US);
	pci_write16(b, exp + PCI_EXP_DEVCTL,
		    pci_read16(b, exp + PCI_EXP_DEVCTL) | PCI_EXP_DEVCTL_BCR_FLR);
	wait_us(SRIOV_FLR_COMPLETION_US);
	if (!poll_cfg(b, answers_at, 0, SRIOV_FLR_READY_TIMEOUT_US))
		return fail(s, RC_ETIMEDOUT, "VF %u (%s) does not answer config reads %u ms "
			    "after FLR", vf, name,
			    (unsigned)((SRIOV_FLR_COMPLETION_US +
					wait_bound_us(SRIOV_FLR_READY_TIMEOUT_US)) / 1000));
	if (s->vf_cmd_mem)
		pci_write16(b, PCI_COMMAND, pci_read16(b, PCI_COMMAND) | PCI_COMMAND_MEMORY);
	return RC_OK;
}
