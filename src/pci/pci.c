/* pci.c - PCI enumeration, BAR decoding and capability walks (see pci.h). */
#include "pci/pci.h"

#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "report/ktap.h"
#include "wait_bound.h"

uint8_t pci_read8(struct pci_bdf bdf, uint16_t off)
{
	uint32_t v;
	return plat_pci_read(bdf, off, 1, &v) ? 0xff : (uint8_t)v;
}

uint16_t pci_read16(struct pci_bdf bdf, uint16_t off)
{
	uint32_t v;
	return plat_pci_read(bdf, off, 2, &v) ? 0xffff : (uint16_t)v;
}

uint32_t pci_read32(struct pci_bdf bdf, uint16_t off)
{
	uint32_t v;
	return plat_pci_read(bdf, off, 4, &v) ? 0xffffffffu : v;
}

int pci_write16(struct pci_bdf bdf, uint16_t off, uint16_t val)
{
	return plat_pci_write(bdf, off, 2, val);
}

int pci_write32(struct pci_bdf bdf, uint16_t off, uint32_t val)
{
	return plat_pci_write(bdf, off, 4, val);
}

struct cfg_wait {
	struct pci_bdf b;
	uint16_t off, mask, want;
};

static bool cfg_settled(void *ctx)
{
	struct cfg_wait *w = ctx;

	return (pci_read16(w->b, w->off) & w->mask) == w->want;
}

bool pci_wait16(struct pci_bdf b, uint16_t off, uint16_t mask, uint16_t want,
		uint32_t timeout_us, uint32_t step_us)
{
	struct cfg_wait w = { b, off, mask, want };

	return wait_until(cfg_settled, &w, timeout_us, step_us);
}

const char *pci_bdf_str(struct pci_bdf bdf, char *buf, size_t n)
{
	fmt_snprintf(buf, n, "%04x:%02x:%02x.%u", bdf.seg, bdf.bus, bdf.dev, bdf.fn);
	return buf;
}

/* ---- capability walks ------------------------------------------------ */

static void walk_stop(struct pci_cap_walk *w, const char *why, uint16_t at)
{
	w->error = why;
	w->error_at = at;
}

static void walk_add(struct pci_cap_walk *w, uint16_t id, uint16_t off,
		     uint8_t ver, bool ext)
{
	if (w->n < PCI_MAX_CAPS)
		w->cap[w->n++] = (struct pci_cap){ id, off, ver, ext };
	else
		walk_stop(w, "more capabilities than we track", off);
}

int pci_walk_caps(struct pci_bdf bdf, struct pci_cap_walk *w)
{
	/* One bit per dword of the 256-byte space: a revisit is a loop. */
	uint64_t seen = 0;

	w->n = 0;
	w->error = NULL;
	w->error_at = 0;
	if (!(pci_read16(bdf, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return RC_OK;
	/* The low two bits of every pointer are reserved (PCI 3.0 6.7). */
	uint16_t ptr = pci_read8(bdf, PCI_CAPABILITY_LIST) & 0xfc;
	while (ptr && !w->error) {
		if (ptr < PCI_STD_HEADER_SIZEOF) {
			walk_stop(w, "capability pointer into the header", ptr);
			break;
		}
		if (seen & (1ull << (ptr / 4))) {
			walk_stop(w, "capability list loops", ptr);
			break;
		}
		seen |= 1ull << (ptr / 4);
		uint8_t id = pci_read8(bdf, ptr + PCI_CAP_LIST_ID);
		uint8_t next = pci_read8(bdf, ptr + PCI_CAP_LIST_NEXT);
		if (id == 0xff && next == 0xff) {
			walk_stop(w, "capability reads all-ones", ptr);
			break;
		}
		walk_add(w, id, ptr, 0, false);
		ptr = next & 0xfc;
	}
	return w->error ? RC_EIO : RC_OK;
}

int pci_walk_ext_caps(struct pci_bdf bdf, struct pci_cap_walk *w)
{
	/* One bit per dword of the extended space 0x100..0xfff. */
	uint64_t seen[(PCIE_CFG_SIZE - PCI_EXT_CAP_START) / 4 / 64 + 1] = { 0 };
	uint16_t off = PCI_EXT_CAP_START;

	w->n = 0;
	w->error = NULL;
	w->error_at = 0;
	while (off && !w->error) {
		if (off < PCI_EXT_CAP_START) {
			walk_stop(w, "extended capability pointer below 0x100", off);
			break;
		}
		unsigned bit = (off - PCI_EXT_CAP_START) / 4;
		if (seen[bit / 64] & (1ull << (bit % 64))) {
			walk_stop(w, "extended capability list loops", off);
			break;
		}
		seen[bit / 64] |= 1ull << (bit % 64);
		uint32_t h = pci_read32(bdf, off);
		/* 0: no extended capabilities; all-ones: no extended space. */
		if (h == 0 || h == 0xffffffffu)
			break;
		walk_add(w, PCI_EXT_CAP_ID(h), off, PCI_EXT_CAP_VER(h), true);
		off = PCI_EXT_CAP_NEXT(h); /* NEXT is 12 bits: never past 0xffc */
	}
	return w->error ? RC_EIO : RC_OK;
}

uint16_t pci_find_cap(struct pci_bdf bdf, uint8_t id)
{
	struct pci_cap_walk w;

	pci_walk_caps(bdf, &w);
	for (unsigned i = 0; i < w.n; i++)
		if (w.cap[i].id == id)
			return w.cap[i].off;
	return 0;
}

uint16_t pci_find_ext_cap(struct pci_bdf bdf, uint16_t id)
{
	struct pci_cap_walk w;

	pci_walk_ext_caps(bdf, &w);
	for (unsigned i = 0; i < w.n; i++)
		if (w.cap[i].id == id)
			return w.cap[i].off;
	return 0;
}

void pci_decode_caps(struct pci_bdf bdf, struct pci_caps *c)
{
	struct pci_cap_walk w;

	*c = (struct pci_caps){ 0 };
	pci_walk_caps(bdf, &w);
	if (w.error) {
		c->walk_error = w.error;
		c->walk_error_at = w.error_at;
	}
	for (unsigned i = 0; i < w.n; i++) {
		uint16_t o = w.cap[i].off;
		switch (w.cap[i].id) {
		case PCI_CAP_ID_PM: if (!c->pm) c->pm = o; break;
		case PCI_CAP_ID_MSI: if (!c->msi) c->msi = o; break;
		case PCI_CAP_ID_MSIX: if (!c->msix) c->msix = o; break;
		case PCI_CAP_ID_EXP: if (!c->pcie) c->pcie = o; break;
		default: break;
		}
	}
	if (c->msix) {
		uint16_t flags = pci_read16(bdf, c->msix + PCI_MSIX_FLAGS);
		uint32_t t = pci_read32(bdf, c->msix + PCI_MSIX_TABLE);
		uint32_t p = pci_read32(bdf, c->msix + PCI_MSIX_PBA);
		c->msix_table_size = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
		c->msix_table_bir = t & PCI_MSIX_TABLE_BIR;
		c->msix_table_off = t & PCI_MSIX_TABLE_OFFSET;
		c->msix_pba_bir = p & PCI_MSIX_TABLE_BIR;
		c->msix_pba_off = p & PCI_MSIX_TABLE_OFFSET;
	}
	if (!c->pcie)
		return;

	uint16_t flags = pci_read16(bdf, c->pcie + PCI_EXP_FLAGS);
	c->pcie_type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
	c->flr = !!(pci_read32(bdf, c->pcie + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR);
	/* Root-complex integrated endpoints and event collectors have no link. */
	if (c->pcie_type != PCI_EXP_TYPE_RC_END && c->pcie_type != PCI_EXP_TYPE_RC_EC) {
		uint32_t lcap = pci_read32(bdf, c->pcie + PCI_EXP_LNKCAP);
		uint16_t lsta = pci_read16(bdf, c->pcie + PCI_EXP_LNKSTA);
		c->link_cap_speed = lcap & PCI_EXP_LNKCAP_SLS;
		c->link_cap_width = (lcap & PCI_EXP_LNKCAP_MLW) >> 4;
		c->link_speed = lsta & PCI_EXP_LNKSTA_CLS;
		c->link_width = (lsta & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT;
	}

	pci_walk_ext_caps(bdf, &w);
	if (w.error && !c->walk_error) {
		c->walk_error = w.error;
		c->walk_error_at = w.error_at;
	}
	for (unsigned i = 0; i < w.n; i++) {
		uint16_t o = w.cap[i].off;
		switch (w.cap[i].id) {
		case PCI_EXT_CAP_ID_ERR: if (!c->aer) c->aer = o; break;
		case PCI_EXT_CAP_ID_ARI: if (!c->ari) c->ari = o; break;
		case PCI_EXT_CAP_ID_SRIOV: if (!c->sriov) c->sriov = o; break;
		case PCI_EXT_CAP_ID_DSN: if (!c->dsn) c->dsn = o; break;
		default: break;
		}
	}
	if (c->sriov)
		c->sriov_total_vfs = pci_read16(bdf, c->sriov + PCI_SRIOV_TOTAL_VF);
}

/* ---- BARs ------------------------------------------------------------ */

static unsigned bar_slots(uint8_t header_type)
{
	switch (header_type) {
	case PCI_HEADER_TYPE_NORMAL: return PCI_BAR_COUNT_NORMAL;
	case PCI_HEADER_TYPE_BRIDGE: return PCI_BAR_COUNT_BRIDGE;
	default: return 0; /* CardBus and unknown layouts: none decoded */
	}
}

unsigned pci_decode_bars(struct pci_bdf bdf, uint8_t header_type,
			 struct pci_bar *bars)
{
	unsigned n = bar_slots(header_type);

	for (unsigned i = 0; i < PCI_BAR_COUNT_NORMAL; i++)
		bars[i] = (struct pci_bar){ .kind = PCI_BAR_NONE };
	for (unsigned i = 0; i < n; i++) {
		uint16_t reg = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t lo = pci_read32(bdf, reg);
		struct pci_bar *b = &bars[i];

		if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
			b->kind = PCI_BAR_IO;
			b->addr = lo & PCI_BASE_ADDRESS_IO_MASK;
			continue;
		}
		b->prefetch = !!(lo & PCI_BASE_ADDRESS_MEM_PREFETCH);
		b->addr = lo & PCI_BASE_ADDRESS_MEM_MASK;
		if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 &&
		    i + 1 < n) {
			b->kind = PCI_BAR_MEM64;
			b->addr |= (uint64_t)pci_read32(bdf, reg + 4) << 32;
			i++; /* the next slot is this BAR's upper half */
		} else {
			b->kind = PCI_BAR_MEM32;
		}
	}
	/* A register that reads 0 in every bit may be unimplemented: the probe
	 * tells; without it the slot stays MEM32 at address 0, size unknown. */
	return n;
}

uint64_t pci_bar_size_from_mask(uint64_t readback, enum pci_bar_kind kind)
{
	uint64_t mask;

	switch (kind) {
	case PCI_BAR_IO:
		mask = readback & PCI_BASE_ADDRESS_IO_MASK & 0xffffffffu;
		if (!mask)
			return 0; /* no writable address bit: not implemented */
		/* 16-bit I/O decoders leave the upper half 0 */
		if (!(mask & 0xffff0000u))
			mask |= 0xffff0000u;
		mask |= 0xffffffff00000000ull;
		break;
	case PCI_BAR_MEM32:
		mask = (readback & PCI_BASE_ADDRESS_MEM_MASK & 0xffffffffu) |
		       0xffffffff00000000ull;
		break;
	case PCI_BAR_MEM64:
		mask = readback & ~(uint64_t)0x0f;
		break;
	default:
		return 0;
	}
	if (!(mask & 0xffffffffu) && kind != PCI_BAR_MEM64)
		return 0;
	if (!mask)
		return 0; /* BAR not implemented */
	return ~mask + 1;
}

int pci_probe_bars(struct pci_bdf bdf, uint8_t header_type, struct pci_bar *bars)
{
	unsigned n = pci_decode_bars(bdf, header_type, bars);
	uint16_t cmd = pci_read16(bdf, PCI_COMMAND);
	int rc;

	/* Stop decoding while the BARs hold all-ones (PCI 3.0 6.2.5.1). */
	rc = pci_write16(bdf, PCI_COMMAND,
			 cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		struct pci_bar *b = &bars[i];
		uint16_t reg = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t lo = pci_read32(bdf, reg), hi = 0;
		uint64_t rb;

		if (b->kind == PCI_BAR_NONE)
			continue;
		pci_write32(bdf, reg, 0xffffffffu);
		rb = pci_read32(bdf, reg);
		pci_write32(bdf, reg, lo);
		if (b->kind == PCI_BAR_MEM64) {
			hi = pci_read32(bdf, reg + 4);
			pci_write32(bdf, reg + 4, 0xffffffffu);
			rb |= (uint64_t)pci_read32(bdf, reg + 4) << 32;
			pci_write32(bdf, reg + 4, hi);
		}
		b->size = pci_bar_size_from_mask(rb, b->kind);
		b->size_probed = true;
		if (!b->size)
			b->kind = PCI_BAR_NONE;
		if (b->kind == PCI_BAR_MEM64)
			i++;
	}
	return pci_write16(bdf, PCI_COMMAND, cmd);
}

/* ---- enumeration ----------------------------------------------------- */

struct scan {
	struct pci_inventory *inv;
	uint64_t seen_bus[4]; /* per segment being scanned: one bit a bus */
};

static void scan_bus(struct scan *s, uint16_t seg, uint8_t bus, int parent,
		     unsigned depth);

static void add_func(struct scan *s, struct pci_bdf bdf, int parent,
		     unsigned depth)
{
	struct pci_inventory *inv = s->inv;

	if (inv->n >= PCI_MAX_FUNCS) {
		inv->truncated = true;
		return;
	}
	struct pci_func *f = &inv->f[inv->n];
	int idx = (int)inv->n++;
	uint32_t cr = pci_read32(bdf, PCI_CLASS_REVISION);

	*f = (struct pci_func){ .bdf = bdf, .parent = parent };
	f->vendor = pci_read16(bdf, PCI_VENDOR_ID);
	f->device = pci_read16(bdf, PCI_DEVICE_ID);
	f->revision = cr & 0xff;
	f->class_code = cr >> 8;
	f->header_type = pci_read8(bdf, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	if (f->header_type == PCI_HEADER_TYPE_NORMAL) {
		f->subsys_vendor = pci_read16(bdf, PCI_SUBSYSTEM_VENDOR_ID);
		f->subsys_device = pci_read16(bdf, PCI_SUBSYSTEM_ID);
	}
	f->nbars = pci_decode_bars(bdf, f->header_type, f->bar);
	for (unsigned i = 0; i < f->nbars; i++) {
		uint64_t size;
		if (f->bar[i].kind != PCI_BAR_NONE &&
		    plat_pci_bar_size(bdf, i, &size) == RC_OK)
			f->bar[i].size = size;
	}
	pci_decode_caps(bdf, &f->caps);

	if (f->header_type == PCI_HEADER_TYPE_BRIDGE) {
		f->sec_bus = pci_read8(bdf, PCI_SECONDARY_BUS);
		f->sub_bus = pci_read8(bdf, PCI_SUBORDINATE_BUS);
		/* An unconfigured bridge (secondary 0) or one pointing back at
		 * or above itself leads nowhere we may go. */
		if (f->sec_bus > bdf.bus)
			scan_bus(s, bdf.seg, f->sec_bus, idx, depth + 1);
	}
}

/* Bridges nest at most this deep on any real topology (bus numbers are 8
 * bits, and each level takes at least one). */
#define PCI_MAX_BRIDGE_DEPTH 32

static void scan_bus(struct scan *s, uint16_t seg, uint8_t bus, int parent,
		     unsigned depth)
{
	if (depth > PCI_MAX_BRIDGE_DEPTH || (s->seen_bus[bus / 64] & (1ull << (bus % 64))))
		return;
	s->seen_bus[bus / 64] |= 1ull << (bus % 64);

	for (uint8_t dev = 0; dev < 32; dev++) {
		struct pci_bdf bdf = { seg, bus, dev, 0 };
		uint16_t vendor = pci_read16(bdf, PCI_VENDOR_ID);

		if (vendor == 0xffff || vendor == 0)
			continue;
		uint8_t nfn = (pci_read8(bdf, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MFD) ? 8 : 1;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			bdf.fn = fn;
			if (fn) {
				vendor = pci_read16(bdf, PCI_VENDOR_ID);
				if (vendor == 0xffff || vendor == 0)
					continue;
			}
			add_func(s, bdf, parent, depth);
		}
	}
}

#define PCI_MAX_ROOTS 16

int pci_scan(struct pci_inventory *inv)
{
	struct pci_root roots[PCI_MAX_ROOTS];
	int nroots = plat_pci_roots(roots, PCI_MAX_ROOTS);
	struct scan s = { .inv = inv };

	inv->n = 0;
	inv->truncated = false;
	if (nroots < 0)
		return nroots;
	for (int r = 0; r < nroots; r++) {
		/* Roots of one segment share the bus-number space. */
		if (r == 0 || roots[r].seg != roots[r - 1].seg)
			for (unsigned i = 0; i < 4; i++)
				s.seen_bus[i] = 0;
		scan_bus(&s, roots[r].seg, roots[r].bus_start, PCI_NO_PARENT, 0);
	}
	return RC_OK;
}

/* ---- inventory ------------------------------------------------------- */

const char *pci_link_speed_str(uint8_t code)
{
	/* Inline, not pointers: each pointer costs the .efi a relocation. */
	static const char speeds[][8] = {
		"?", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s",
	};
	return code < sizeof(speeds) / sizeof(speeds[0]) ? speeds[code] : "?";
}

static const char *pcie_type_str(uint8_t t)
{
	switch (t) {
	case PCI_EXP_TYPE_ENDPOINT: return "endpoint";
	case PCI_EXP_TYPE_LEG_END: return "legacy endpoint";
	case PCI_EXP_TYPE_ROOT_PORT: return "root port";
	case PCI_EXP_TYPE_UPSTREAM: return "switch upstream port";
	case PCI_EXP_TYPE_DOWNSTREAM: return "switch downstream port";
	case PCI_EXP_TYPE_PCI_BRIDGE: return "PCIe-to-PCI bridge";
	case PCI_EXP_TYPE_PCIE_BRIDGE: return "PCI-to-PCIe bridge";
	case PCI_EXP_TYPE_RC_END: return "RC integrated endpoint";
	case PCI_EXP_TYPE_RC_EC: return "RC event collector";
	default: return "unknown type";
	}
}

/* "128K", "16M", "4G", or bytes. */
static const char *size_str(uint64_t sz, char *buf, size_t n)
{
	static const char units[] = "KMGT";
	unsigned u = 0;

	if (!sz) {
		fmt_snprintf(buf, n, "size ?");
		return buf;
	}
	if (sz < 1024 || (sz % 1024)) {
		fmt_snprintf(buf, n, "%lluB", (unsigned long long)sz);
		return buf;
	}
	sz /= 1024;
	while (sz >= 1024 && !(sz % 1024) && u < 3) {
		sz /= 1024;
		u++;
	}
	fmt_snprintf(buf, n, "%llu%c", (unsigned long long)sz, units[u]);
	return buf;
}

void pci_print_func(const struct pci_inventory *inv, const struct pci_func *f,
		    const char *mark)
{
	char b[16], pb[16], sz[24];
	const struct pci_caps *c = &f->caps;

	if (f->parent != PCI_NO_PARENT)
		fmt_snprintf(pb, sizeof(pb), "%s",
			     pci_bdf_str(inv->f[f->parent].bdf, b, sizeof(b)));
	else
		fmt_snprintf(pb, sizeof(pb), "root");
	ktap_diag("%s [%04x:%04x] rev %02x class %06x%s%s%s (behind %s)",
		  pci_bdf_str(f->bdf, b, sizeof(b)), f->vendor, f->device,
		  f->revision, f->class_code,
		  f->header_type == PCI_HEADER_TYPE_BRIDGE ? " bridge" : "",
		  mark ? " <- 82576, " : "", mark ? mark : "", pb);
	if (f->header_type == PCI_HEADER_TYPE_BRIDGE)
		ktap_diag("  buses %02x..%02x", f->sec_bus, f->sub_bus);
	for (unsigned i = 0; i < f->nbars; i++) {
		const struct pci_bar *bar = &f->bar[i];
		const char *kind = bar->kind == PCI_BAR_IO ? "io" :
				   bar->kind == PCI_BAR_MEM64 ? "mem64" : "mem32";
		if (bar->kind == PCI_BAR_NONE)
			continue;
		if (!bar->addr && !bar->size)
			continue; /* unimplemented slot */
		ktap_diag("  BAR%u %s%s 0x%llx %s%s", i, kind,
			  bar->prefetch ? " pref" : "",
			  (unsigned long long)bar->addr,
			  size_str(bar->size, sz, sizeof(sz)),
			  bar->addr ? "" : " (unassigned)");
	}

	char caps[160];
	int n = fmt_snprintf(caps, sizeof(caps), "  caps:");
	if (c->pm) n += fmt_snprintf(caps + n, sizeof(caps) - n, " PM@%02x", c->pm);
	if (c->msi) n += fmt_snprintf(caps + n, sizeof(caps) - n, " MSI@%02x", c->msi);
	if (c->msix)
		n += fmt_snprintf(caps + n, sizeof(caps) - n, " MSI-X@%02x(%u)", c->msix,
				  c->msix_table_size);
	if (c->pcie)
		n += fmt_snprintf(caps + n, sizeof(caps) - n, " PCIe@%02x%s", c->pcie,
				  c->flr ? "(FLR)" : "");
	if (c->aer) n += fmt_snprintf(caps + n, sizeof(caps) - n, " AER@%03x", c->aer);
	if (c->ari) n += fmt_snprintf(caps + n, sizeof(caps) - n, " ARI@%03x", c->ari);
	if (c->dsn) n += fmt_snprintf(caps + n, sizeof(caps) - n, " DSN@%03x", c->dsn);
	if (c->sriov)
		n += fmt_snprintf(caps + n, sizeof(caps) - n, " SR-IOV@%03x(TotalVFs %u)",
				  c->sriov, c->sriov_total_vfs);
	if (n > 7)
		ktap_diag("%s", caps);
	if (c->msix)
		ktap_diag("  MSI-X table BAR%u+0x%x, PBA BAR%u+0x%x", c->msix_table_bir,
			  c->msix_table_off, c->msix_pba_bir, c->msix_pba_off);
	if (c->pcie) {
		if (c->link_width)
			ktap_diag("  PCIe %s, link %s x%u (capable %s x%u)",
				  pcie_type_str(c->pcie_type),
				  pci_link_speed_str(c->link_speed), c->link_width,
				  pci_link_speed_str(c->link_cap_speed), c->link_cap_width);
		else
			ktap_diag("  PCIe %s, no link", pcie_type_str(c->pcie_type));
	}
	if (c->walk_error)
		ktap_diag("  capability walk stopped: %s at 0x%x", c->walk_error,
			  c->walk_error_at);
}

void pci_print_inventory(const struct pci_inventory *inv,
			 const char *(*mark)(const struct pci_func *f))
{
	ktap_diag("PCI inventory: %u function%s%s", inv->n, inv->n == 1 ? "" : "s",
		  inv->truncated ? " (list full: more not shown)" : "");
	for (unsigned i = 0; i < inv->n; i++)
		pci_print_func(inv, &inv->f[i], mark ? mark(&inv->f[i]) : NULL);
}
