/*
 * model_sriov.c - the 82576 model's SR-IOV side (see model_sriov.h).
 *
 * VF config spaces are fake functions that answer only while VF Enable is
 * set. VF BAR decode lives in fake MMIO regions created where the VF BARs
 * are when VF memory is enabled; each access is checked against the BARs
 * as they are now, so a region left where the BARs used to be decodes
 * nothing (and counts the access as stray).
 */
#include <string.h>

#include "fake_devices.h"
#include "model_priv.h"
#include "pci/pci.h"

#define CAP			FAKE_82576_SRIOV_CAP
#define VF_BAR_SIZE		0x4000u	/* QEMU IGBVF_MMIO_SIZE / IGBVF_MSIX_SIZE */
#define VF_BAR_TYPE		(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH)
#define VF_PCIE_CAP		0xa0	/* QEMU's igbvf layout */
/* Where the firmware puts the VF BARs: above 4 GiB, 256 KiB per PF. */
#define VF_BARS_HIGH		0x1000000000ull
#define VF_BARS_SPAN		0x40000ull
#define SYS_PGSIZE_WMASK	0x553	/* QEMU pcie_sriov_pf_init */
#define PORT_WINDOW		0x100000ull /* bridge windows are 1 MiB grained */
#define VF_CLASS		0x020000u
#define FOUR_GIB		0x100000000ull
/* First VF Offset with ARI Capable Hierarchy set (QEMU IGB_VF_OFFSET,
 * facts/82576.md) and, silicon, with it clear: the model's non-ARI layout,
 * the VFs on the next bus (a port without ARI forwarding reaches device 0
 * only). The 82576's non-ARI value is not in our sources; what the model
 * keeps is that it differs, and that the bit read is the lowest PF's
 * (SR-IOV 1.1 3.3.3.5, 3.3.10). Stride 2 either way. */
#define VF_OFFSET_ARI		0x80
#define VF_OFFSET_NO_ARI	0x180
#define VF_STRIDE		2

static const unsigned vf_bars[] = { 0, 3 };

static bool touches(uint16_t off, unsigned width, uint16_t reg, unsigned reg_width)
{
	return off < reg + reg_width && off + width > reg;
}

static uint16_t ctrl(const struct model_sriov *sv)
{
	return fake_get16(sv->g->fn, CAP + PCI_SRIOV_CTRL);
}

/* The device's lowest PF (function 0 of the PF's device), where silicon
 * keeps ARI Capable Hierarchy for every PF (SR-IOV 1.1 3.3.3.5). */
static struct fake_fn *lowest_pf(const struct model_sriov *sv)
{
	struct pci_bdf b = sv->g->fn->bdf;
	struct fake_fn *f;

	b.fn = 0;
	f = fake_fn_find(b);
	return f ? f : sv->g->fn;
}

static bool ari_hierarchy(const struct model_sriov *sv)
{
	return fake_get16(lowest_pf(sv), CAP + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_ARI;
}

static uint64_t vf_bar(const struct model_sriov *sv, unsigned bar)
{
	uint16_t reg = (uint16_t)(CAP + PCI_SRIOV_BAR + 4 * bar);

	return (fake_get32(sv->g->fn, reg) & PCI_BASE_ADDRESS_MEM_MASK) |
	       (uint64_t)fake_get32(sv->g->fn, reg + 4) << 32;
}

static int vf_index(const struct model_sriov *sv, const struct fake_fn *f)
{
	for (unsigned v = 0; v < IGB_MAX_VFS; v++)
		if (sv->vf[v] == f)
			return (int)v;
	return -1;
}

/* ---- VF registers ------------------------------------------------------ */

static uint32_t vf_reg_read(struct model_sriov *sv, unsigned v, uint32_t off)
{
	struct model_igb *g = sv->g;
	uint32_t val;

	if (off >= IGB_VF_VMBMEM && off < IGB_VF_VMBMEM + 4 * IGB_MBX_WORDS)
		return REG(g, IGB_VMBMEM(v) + off - IGB_VF_VMBMEM);
	switch (off) {
	case IGB_V2PMAILBOX:
		val = sv->v2p[v] | inject_vf_status(g, v);
		sv->v2p[v] &= ~IGB_V2PMAILBOX_R2C_BITS;
		return val;
	case IGB_VF_STATUS:
		return g->bar0->read(g->bar0, IGB_STATUS); /* QEMU: the PF's */
	default:
		return 0;
	}
}

/* QEMU igb_core_vf_reset: the VF's queues off, VFLRE tells the PF. */
static void vf_reset(struct model_sriov *sv, unsigned v)
{
	struct model_igb *g = sv->g;

	REG(g, IGB_VFRE) &= ~(1u << v);
	REG(g, IGB_VFTE) &= ~(1u << v);
	REG(g, IGB_VFLRE) |= 1u << v;
}

static void vf_reg_write(struct model_sriov *sv, unsigned v, uint32_t off, uint32_t val)
{
	struct model_igb *g = sv->g;
	uint32_t *p2v = &REG(g, IGB_P2VMAILBOX(v));

	if (off >= IGB_VF_VMBMEM && off < IGB_VF_VMBMEM + 4 * IGB_MBX_WORDS) {
		REG(g, IGB_VMBMEM(v) + off - IGB_VF_VMBMEM) = val;
		return;
	}
	switch (off) {
	case IGB_V2PMAILBOX: /* igb_set_vfmailbox */
		if ((val & IGB_V2PMAILBOX_REQ) && !inject_mbx_lost(g))
			REG(g, IGB_MBVFICR) |= IGB_MBVFICR_VFREQ(v);
		if (val & IGB_V2PMAILBOX_ACK)
			REG(g, IGB_MBVFICR) |= IGB_MBVFICR_VFACK(v);
		if (!(val & IGB_V2PMAILBOX_VFU)) {
			sv->v2p[v] &= ~IGB_V2PMAILBOX_VFU;
			*p2v &= ~IGB_P2VMAILBOX_VFU;
		} else if (!(sv->v2p[v] & IGB_V2PMAILBOX_PFU) || inject_mbx_lock_broken(g)) {
			sv->v2p[v] |= IGB_V2PMAILBOX_VFU;
			*p2v |= IGB_P2VMAILBOX_VFU;
		}
		return;
	case IGB_VF_CTRL:
		if (val & IGB_VF_CTRL_RST) {
			sv->vf_soft_resets[v]++;
			vf_reset(sv, v);
			inject_vf_reset(g, v);
		}
		return;
	default:
		return;
	}
}

/* Does VF v decode its copy of a VF BAR at a? */
static bool decodes(const struct model_sriov *sv, unsigned v, uint64_t a)
{
	const struct fake_fn *vf = sv->vf[v];
	uint16_t c = ctrl(sv);

	if (!(c & PCI_SRIOV_CTRL_VFE) || !(c & PCI_SRIOV_CTRL_MSE) || v >= sv->nvfs ||
	    !vf || vf->all_ones || !a)
		return false;
	if (model_silicon(sv->g))
		return true;
	return a < FOUR_GIB && (fake_get16(vf, PCI_COMMAND) & PCI_COMMAND_MEMORY);
}

/* Find which VF BAR copy holds addr; false when none decodes it. */
static bool route(struct model_sriov *sv, uint64_t addr, unsigned *v, unsigned *bar,
		  uint32_t *off)
{
	for (unsigned i = 0; i < sv->nvfs; i++)
		for (unsigned b = 0; b < ARRAY_SIZE(vf_bars); b++) {
			uint64_t a = vf_bar(sv, vf_bars[b]) + (uint64_t)i * VF_BAR_SIZE;
			if (addr >= a && addr - a < VF_BAR_SIZE && decodes(sv, i, a)) {
				*v = i;
				*bar = vf_bars[b];
				*off = (uint32_t)(addr - a);
				return true;
			}
		}
	return false;
}

static uint32_t region_read(struct fake_mmio *m, uint32_t off)
{
	struct model_sriov *sv = m->priv;
	unsigned v, bar;
	uint32_t o;

	model_sync(sv->g);
	if (!route(sv, m->base + off, &v, &bar, &o)) {
		sv->stray++;
		return model_silicon(sv->g) ? 0xffffffffu : 0; /* QEMU: unassigned reads 0 */
	}
	return bar == 0 ? vf_reg_read(sv, v, o) : 0; /* BAR3: MSI-X, unmodelled */
}

static void region_write(struct fake_mmio *m, uint32_t off, uint32_t val)
{
	struct model_sriov *sv = m->priv;
	unsigned v, bar;
	uint32_t o;

	model_sync(sv->g);
	if (!route(sv, m->base + off, &v, &bar, &o))
		sv->stray++;
	else if (bar == 0)
		vf_reg_write(sv, v, o, val);
}

/* A region over [base, base + size) unless one of ours covers it. */
static void cover(struct model_sriov *sv, uint64_t base, uint64_t size)
{
	struct fake_mmio *m;

	for (unsigned i = 0; i < sv->nregions; i++)
		if (base >= sv->region[i]->base &&
		    base + size <= sv->region[i]->base + sv->region[i]->size)
			return;
	if (sv->nregions == MODEL_SRIOV_REGIONS)
		harness_fatal(__FILE__, __LINE__, "VF BARs placed in more than %d places",
			      MODEL_SRIOV_REGIONS);
	m = fake_mmio_add(base, size);
	m->priv = sv;
	m->read = region_read;
	m->write = region_write;
	sv->region[sv->nregions++] = m;
}

/* Whether [a, a + len) meets a live VF BAR of sv's. */
static bool vfs_decode_in(const struct model_sriov *sv, uint64_t a, uint64_t len)
{
	uint16_t c = ctrl(sv);

	if (!(c & PCI_SRIOV_CTRL_VFE) || !(c & PCI_SRIOV_CTRL_MSE))
		return false;
	for (unsigned b = 0; b < ARRAY_SIZE(vf_bars); b++) {
		uint64_t o = vf_bar(sv, vf_bars[b]);
		if (o && a < o + (uint64_t)sv->nvfs * VF_BAR_SIZE && o < a + len)
			return true;
	}
	return false;
}

static uint32_t region_read(struct fake_mmio *m, uint32_t off);

/* sv's VF memory just went live (or moved): it must meet no function's
 * BAR region and no other PF's live VFs. A BAR region counts whether it
 * decodes now or not: a PF in FLR has its BARs back a moment later. */
static void check_overlap(struct model_sriov *sv)
{
	struct fake_mmio *m;

	for (unsigned b = 0; b < ARRAY_SIZE(vf_bars); b++) {
		uint64_t a = vf_bar(sv, vf_bars[b]), len = (uint64_t)sv->nvfs * VF_BAR_SIZE;

		for (unsigned i = 0; a && (m = fake_mmio_nth(i)); i++) {
			bool vf_region = m->read == region_read;
			if (vf_region ? m->priv != sv && vfs_decode_in(m->priv, a, len) :
					a < m->base + m->size && m->base < a + len)
				model_violate(sv->g, MV_VF_BAR_OVERLAP);
		}
	}
}

static void cover_bars(struct model_sriov *sv)
{
	for (unsigned b = 0; b < ARRAY_SIZE(vf_bars); b++) {
		uint64_t a = vf_bar(sv, vf_bars[b]);
		if (a)
			cover(sv, a, (uint64_t)sv->nvfs * VF_BAR_SIZE);
	}
}

/* ---- VF config space --------------------------------------------------- */

static void vf_cfg_written(struct fake_fn *f, uint16_t off, unsigned width, void *priv)
{
	struct model_sriov *sv = priv;
	int v = vf_index(sv, f);
	uint16_t devctl = VF_PCIE_CAP + PCI_EXP_DEVCTL;
	uint64_t bar0 = vf_bar(sv, 0);

	if (v < 0)
		return;
	if (touches(off, width, devctl, 2) && (fake_get16(f, devctl) & PCI_EXP_DEVCTL_BCR_FLR)) {
		/* FLR: the VF's config state and its registers. */
		fake_set16(f, PCI_COMMAND, 0);
		fake_set16(f, devctl, fake_get16(f, devctl) & ~PCI_EXP_DEVCTL_BCR_FLR);
		sv->vf_flrs[v]++;
		vf_reset(sv, (unsigned)v);
	}
	if (touches(off, width, PCI_COMMAND, 2) && !model_silicon(sv->g) &&
	    (fake_get16(f, PCI_COMMAND) & PCI_COMMAND_MEMORY) && (!bar0 || bar0 >= FOUR_GIB))
		sv->low_alias++;
}

static void vf_present(struct model_sriov *sv, unsigned v, bool on)
{
	struct fake_fn *f = sv->vf[v];

	if (!f)
		return;
	f->all_ones = !on;
	fake_set16(f, PCI_COMMAND, 0);
	fake_set16(f, VF_PCIE_CAP + PCI_EXP_DEVCTL, 0);
}

static struct fake_fn *vf_add(struct model_sriov *sv, struct pci_bdf b)
{
	struct fake_fn *f;

	if (fake_fn_find(b))
		return NULL;
	f = fake_fn_add_bdf(b);
	fake_fn_ids(f, 0xffff, 0xffff, VF_CLASS, 0x01); /* SR-IOV 3.4.1.1 */
	fake_cap_add(f, VF_PCIE_CAP, PCI_CAP_ID_EXP);
	fake_set16(f, VF_PCIE_CAP + PCI_EXP_FLAGS, 0x0002); /* v2 endpoint */
	fake_set32(f, VF_PCIE_CAP + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR);
	fake_writable(f, VF_PCIE_CAP + PCI_EXP_DEVCTL, 2, 0xffff);
	f->all_ones = true;
	f->cfg_written = vf_cfg_written;
	f->cfg_priv = sv;
	return f;
}

/* ---- PF side ----------------------------------------------------------- */

/* igb_set_pfmailbox */
static void pf_mailbox_write(struct model_sriov *sv, unsigned v, uint32_t val)
{
	struct model_igb *g = sv->g;
	uint32_t *p2v = &REG(g, IGB_P2VMAILBOX(v)), *v2p = &sv->v2p[v];

	if ((val & IGB_P2VMAILBOX_STS) && !inject_mbx_lost(g))
		*v2p |= IGB_V2PMAILBOX_PFSTS;
	if (val & IGB_P2VMAILBOX_ACK)
		*v2p |= IGB_V2PMAILBOX_PFACK;
	if (!(val & IGB_P2VMAILBOX_PFU)) {
		*p2v &= ~IGB_P2VMAILBOX_PFU;
		*v2p &= ~IGB_V2PMAILBOX_PFU;
	} else if (!(*p2v & IGB_P2VMAILBOX_VFU)) {
		*p2v |= IGB_P2VMAILBOX_PFU;
		*v2p |= IGB_V2PMAILBOX_PFU;
	}
	if (val & IGB_P2VMAILBOX_RVFU) {
		*v2p &= ~IGB_V2PMAILBOX_VFU;
		REG(g, IGB_MBVFICR) &= ~(IGB_MBVFICR_VFREQ(v) | IGB_MBVFICR_VFACK(v));
		if (model_silicon(g)) /* QEMU leaves the PF's view of VFU set */
			*p2v &= ~IGB_P2VMAILBOX_VFU;
	}
}

bool sriov_write(struct model_igb *g, uint32_t off, uint32_t val)
{
	struct model_sriov *sv = &g->sriov;

	if (!sv->g)
		return false;
	if (off >= IGB_P2VMAILBOX(0) && off <= IGB_P2VMAILBOX(IGB_MAX_VFS - 1)) {
		pf_mailbox_write(sv, (off - IGB_P2VMAILBOX(0)) / 4, val);
		return true;
	}
	switch (off) {
	case IGB_MBVFICR:
	case IGB_VFLRE:
		REG(g, off) &= ~val; /* write-1-to-clear */
		return true;
	case IGB_CTRL_EXT: /* igb_set_ctrlext: every write with PFRSTD */
		REG(g, off) = val;
		if (val & IGB_CTRL_EXT_PFRSTD)
			for (unsigned v = 0; v < IGB_MAX_VFS; v++)
				sv->v2p[v] = (sv->v2p[v] & ~IGB_V2PMAILBOX_RSTI) |
					     IGB_V2PMAILBOX_RSTD;
		return true;
	default:
		return false;
	}
}

/* Silicon, VFs off: First VF Offset as the lowest PF's ARI bit says now,
 * and the VF functions at the routing IDs that gives. */
static void place_vfs(struct model_sriov *sv)
{
	struct fake_fn *f = sv->g->fn;
	uint32_t rid = (uint32_t)f->bdf.bus << 8 | (uint32_t)f->bdf.dev << 3 | f->bdf.fn;
	uint16_t offset = ari_hierarchy(sv) ? VF_OFFSET_ARI : VF_OFFSET_NO_ARI;

	if (!model_silicon(sv->g) || sv->enabled ||
	    fake_get16(f, CAP + PCI_SRIOV_VF_OFFSET) == offset)
		return;
	fake_set16(f, CAP + PCI_SRIOV_VF_OFFSET, offset);
	for (unsigned v = 0; v < IGB_MAX_VFS; v++) {
		uint32_t r = rid + offset + v * VF_STRIDE;
		struct pci_bdf b = { f->bdf.seg, (uint8_t)(r >> 8), (uint8_t)((r >> 3) & 0x1f),
				     (uint8_t)(r & 7) };
		if (sv->vf[v] && r <= 0xffff && !fake_fn_find(b))
			sv->vf[v]->bdf = b;
	}
}

/* The lowest PF's ARI bit written: on silicon it moves every PF's VF
 * routing IDs, so it must not change while any PF has VFs on. */
static void ari_written(struct model_sriov *sv)
{
	bool ari = ari_hierarchy(sv);
	struct pci_bdf b = sv->g->fn->bdf;

	if (!model_silicon(sv->g) || b.fn || ari == sv->ari_seen)
		return;
	sv->ari_seen = ari;
	for (b.fn = 0; b.fn < 8; b.fn++) {
		struct fake_fn *pf = fake_fn_find(b);
		if (pf && pci_find_ext_cap(b, PCI_EXT_CAP_ID_SRIOV) == CAP &&
		    (fake_get16(pf, CAP + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE))
			model_violate(sv->g, MV_ARI_CHANGED_LIVE);
	}
}

void sriov_cfg_written(struct model_igb *g, uint16_t off, unsigned width)
{
	struct model_sriov *sv = &g->sriov;
	uint16_t c;

	if (!sv->g || !touches(off, width, CAP, PCI_EXT_CAP_SRIOV_SIZEOF))
		return;
	ari_written(sv);
	place_vfs(sv);
	c = ctrl(sv);
	if (touches(off, width, CAP + PCI_SRIOV_BAR, 4 * PCI_SRIOV_NUM_BARS) &&
	    (c & PCI_SRIOV_CTRL_VFE) && (c & PCI_SRIOV_CTRL_MSE))
		sv->bar_moved_live++;
	if (!touches(off, width, CAP + PCI_SRIOV_CTRL, 2))
		return;
	if ((c & PCI_SRIOV_CTRL_VFE) && !sv->enabled) {
		uint16_t n = fake_get16(g->fn, CAP + PCI_SRIOV_NUM_VF);
		sv->nvfs = n < IGB_MAX_VFS ? n : IGB_MAX_VFS;
		for (unsigned v = 0; v < sv->nvfs; v++)
			vf_present(sv, v, true);
		sv->enabled = true;
	} else if (!(c & PCI_SRIOV_CTRL_VFE) && sv->enabled) {
		for (unsigned v = 0; v < IGB_MAX_VFS; v++)
			vf_present(sv, v, false);
		sv->enabled = false;
		sv->nvfs = 0;
	}
	if ((c & PCI_SRIOV_CTRL_VFE) && (c & PCI_SRIOV_CTRL_MSE)) {
		check_overlap(sv);
		cover_bars(sv);
	}
}

void sriov_reset(struct model_igb *g, bool hard)
{
	struct model_sriov *sv = &g->sriov;

	if (!sv->g)
		return;
	/* igb_reset: every VF sees RSTI until the PF says it is done. */
	for (unsigned v = 0; v < IGB_MAX_VFS; v++)
		sv->v2p[v] = IGB_V2PMAILBOX_RSTI;
	if (!hard)
		return;
	/* A PF FLR resets the capability: VFs gone, NumVFs and BARs 0. */
	fake_set16(g->fn, CAP + PCI_SRIOV_CTRL, 0);
	fake_set16(g->fn, CAP + PCI_SRIOV_NUM_VF, 0);
	for (unsigned b = 0; b < ARRAY_SIZE(vf_bars); b++) {
		fake_set32(g->fn, CAP + PCI_SRIOV_BAR + 4 * vf_bars[b], VF_BAR_TYPE);
		fake_set32(g->fn, CAP + PCI_SRIOV_BAR + 4 * vf_bars[b] + 4, 0);
	}
	for (unsigned v = 0; v < IGB_MAX_VFS; v++)
		vf_present(sv, v, false);
	sv->enabled = false;
	sv->nvfs = 0;
}

/* ---- setup ------------------------------------------------------------- */

/* The bridge whose secondary bus is the PF's, or NULL (a root bus). */
static struct fake_fn *port_above(struct pci_bdf pf)
{
	for (unsigned bus = 0; bus < pf.bus; bus++)
		for (unsigned devfn = 0; devfn < 256; devfn++) {
			struct fake_fn *f = fake_fn_find((struct pci_bdf){
				pf.seg, (uint8_t)bus, (uint8_t)(devfn >> 3), (uint8_t)(devfn & 7) });
			if (f && (fake_get8(f, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) ==
					 PCI_HEADER_TYPE_BRIDGE &&
			    fake_get8(f, PCI_SECONDARY_BUS) == pf.bus)
				return f;
		}
	return NULL;
}

/* What OVMF does for the port above an ARI device with SR-IOV. */
static void firmware_port(struct model_sriov *sv, struct fake_fn *port)
{
	uint16_t exp = pci_find_cap(port->bdf, PCI_CAP_ID_EXP);
	uint64_t bar0 = fake_bar_addr(sv->g->fn, 0) & ~(PORT_WINDOW - 1);

	if (exp) {
		fake_set32(port, exp + PCI_EXP_DEVCAP2,
			   fake_get32(port, exp + PCI_EXP_DEVCAP2) | PCI_EXP_DEVCAP2_ARI);
		fake_set16(port, exp + PCI_EXP_DEVCTL2,
			   fake_get16(port, exp + PCI_EXP_DEVCTL2) | PCI_EXP_DEVCTL2_ARI);
		if (!model_silicon(sv->g) || !sv->g->fn->bdf.fn) /* silicon: RsvdP */
			fake_set16(sv->g->fn, CAP + PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_ARI);
	}
	/* An unset window (base and limit 0) gets 1 MiB around BAR0. */
	if (!fake_get16(port, PCI_MEMORY_BASE) && !fake_get16(port, PCI_MEMORY_LIMIT) && bar0) {
		fake_set16(port, PCI_MEMORY_BASE, (uint16_t)(bar0 >> 16));
		fake_set16(port, PCI_MEMORY_LIMIT, (uint16_t)((bar0 + PORT_WINDOW - 1) >> 16) &
							    PCI_MEMORY_RANGE_MASK);
	}
}

void sriov_attach(struct model_igb *g)
{
	struct model_sriov *sv = &g->sriov;
	struct fake_fn *f = g->fn, *port;
	uint32_t rid = (uint32_t)f->bdf.bus << 8 | (uint32_t)f->bdf.dev << 3 | f->bdf.fn;
	uint64_t high = VF_BARS_HIGH + rid * VF_BARS_SPAN;

	memset(sv, 0, sizeof(*sv));
	sv->g = g;
	/* QEMU: ARI Capable Hierarchy writable in every PF (pcie_sriov_pf_init);
	 * silicon: only in the lowest, RsvdP in the others (SR-IOV 3.3.3.5). */
	fake_writable(f, CAP + PCI_SRIOV_CTRL, 2, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE |
		      (model_silicon(g) && f->bdf.fn ? 0 : PCI_SRIOV_CTRL_ARI));
	fake_writable(f, CAP + PCI_SRIOV_NUM_VF, 2, 0xffff);
	fake_set32(f, CAP + PCI_SRIOV_SYS_PGSIZE, 1); /* 4 KiB */
	fake_writable(f, CAP + PCI_SRIOV_SYS_PGSIZE, 4, SYS_PGSIZE_WMASK);
	for (unsigned b = 0; b < ARRAY_SIZE(vf_bars); b++) {
		uint16_t reg = (uint16_t)(CAP + PCI_SRIOV_BAR + 4 * vf_bars[b]);
		uint64_t a = high + (uint64_t)b * IGB_MAX_VFS * VF_BAR_SIZE;
		fake_set32(f, reg, (uint32_t)a | VF_BAR_TYPE);
		fake_set32(f, reg + 4, (uint32_t)(a >> 32));
		fake_writable(f, reg, 4, ~(VF_BAR_SIZE - 1) & PCI_BASE_ADDRESS_MEM_MASK);
		fake_writable(f, reg + 4, 4, 0xffffffffu);
	}
	for (unsigned v = 0; v < IGB_MAX_VFS; v++) {
		uint32_t r = rid + fake_get16(f, CAP + PCI_SRIOV_VF_OFFSET) +
			     v * fake_get16(f, CAP + PCI_SRIOV_VF_STRIDE);
		sv->vf[v] = r > 0xffff ? NULL :
			    vf_add(sv, (struct pci_bdf){ f->bdf.seg, (uint8_t)(r >> 8),
							 (uint8_t)((r >> 3) & 0x1f),
							 (uint8_t)(r & 7) });
	}
	port = port_above(f->bdf);
	if (port)
		firmware_port(sv, port);
	sv->ari_seen = ari_hierarchy(sv);
	sriov_reset(g, false);
}

const struct model_sriov *model_sriov(const struct model_igb *g)
{
	return &g->sriov;
}

unsigned model_sriov_vf_cfg_writes(const struct model_igb *g)
{
	unsigned n = 0;

	for (unsigned v = 0; v < IGB_MAX_VFS; v++)
		if (g->sriov.vf[v])
			n += fake_cfg_writes_to(g->sriov.vf[v]->bdf);
	return n;
}
