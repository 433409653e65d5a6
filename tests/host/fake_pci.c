/*
 * fake_pci.c - the fake PCI world behind plat_pci_* (see fake_platform.h).
 *
 * Writes go through per-bit masks, so read-only IDs, BAR size masks with
 * read-only type bits, a writable COMMAND and bridge bus numbers all follow
 * from how the builders set cfg[] and wmask[].
 */
#include "fake_platform.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "pci/pci_regs.h"

#define FAKE_MAX_FNS 512
#define FAKE_LOG_MAX 65536 /* a soak of 1000 rounds makes tens of thousands */
#define FAKE_MAX_ROOTS 16
/* COMMAND bits software may set: IO, MEM, MASTER, PARITY, SERR, INTX off. */
#define FAKE_COMMAND_WMASK 0x0547

static struct fake_fn *fns[FAKE_MAX_FNS];
static unsigned nfns;

static struct fake_cfg_write wlog[FAKE_LOG_MAX];
static unsigned nwlog;
static bool wlog_full; /* a long run wrote more: the log cannot be read */

static struct pci_root roots[FAKE_MAX_ROOTS];
static int nroots;
static int roots_rc;
static bool bar_size_known;

void fake_pci_reset(void)
{
	for (unsigned i = 0; i < nfns; i++)
		free(fns[i]);
	nfns = 0;
	nwlog = 0;
	wlog_full = false;
	roots[0] = (struct pci_root){ 0, 0, 255 };
	nroots = 1;
	roots_rc = RC_OK;
	bar_size_known = true;
}

struct pci_bdf fake_bdf(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return (struct pci_bdf){ 0, bus, dev, fn };
}

bool fake_bdf_eq(struct pci_bdf a, struct pci_bdf b)
{
	return a.seg == b.seg && a.bus == b.bus && a.dev == b.dev && a.fn == b.fn;
}

struct fake_fn *fake_fn_find(struct pci_bdf bdf)
{
	for (unsigned i = 0; i < nfns; i++)
		if (fake_bdf_eq(fns[i]->bdf, bdf))
			return fns[i];
	return NULL;
}

struct fake_fn *fake_fn_add_bdf(struct pci_bdf bdf)
{
	struct fake_fn *f;

	if (bdf.dev > 31 || bdf.fn > 7 || fake_fn_find(bdf))
		harness_fatal(__FILE__, __LINE__, "fake_fn_add: bad or duplicate "
			      "%04x:%02x:%02x.%u", bdf.seg, bdf.bus, bdf.dev, bdf.fn);
	if (nfns == FAKE_MAX_FNS)
		harness_fatal(__FILE__, __LINE__, "fake_fn_add: more than %d functions",
			      FAKE_MAX_FNS);
	f = calloc(1, sizeof(*f));
	if (!f)
		harness_fatal(__FILE__, __LINE__, "fake_fn_add: out of memory");
	f->bdf = bdf;
	fake_writable(f, PCI_COMMAND, 2, FAKE_COMMAND_WMASK);
	fns[nfns++] = f;
	return f;
}

struct fake_fn *fake_fn_add(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return fake_fn_add_bdf(fake_bdf(bus, dev, fn));
}

/* ---- raw access ---- */

static void raw_check(uint16_t off, unsigned width)
{
	if (off > FAKE_CFG_SIZE - width)
		harness_fatal(__FILE__, __LINE__, "fake config offset 0x%x width %u "
			      "out of range", off, width);
}

static uint32_t raw_get(const uint8_t *a, uint16_t off, unsigned width)
{
	uint32_t v = 0;

	raw_check(off, width);
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)a[off + i] << (8 * i);
	return v;
}

static void raw_set(uint8_t *a, uint16_t off, unsigned width, uint32_t v)
{
	raw_check(off, width);
	for (unsigned i = 0; i < width; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

void fake_set8(struct fake_fn *f, uint16_t off, uint8_t v) { raw_set(f->cfg, off, 1, v); }
void fake_set16(struct fake_fn *f, uint16_t off, uint16_t v) { raw_set(f->cfg, off, 2, v); }
void fake_set32(struct fake_fn *f, uint16_t off, uint32_t v) { raw_set(f->cfg, off, 4, v); }
uint8_t fake_get8(const struct fake_fn *f, uint16_t off) { return (uint8_t)raw_get(f->cfg, off, 1); }
uint16_t fake_get16(const struct fake_fn *f, uint16_t off) { return (uint16_t)raw_get(f->cfg, off, 2); }
uint32_t fake_get32(const struct fake_fn *f, uint16_t off) { return raw_get(f->cfg, off, 4); }

void fake_or(struct fake_fn *f, uint16_t off, unsigned width, uint32_t bits)
{
	raw_set(f->cfg, off, width, raw_get(f->cfg, off, width) | bits);
}

void fake_writable(struct fake_fn *f, uint16_t off, unsigned width, uint32_t mask)
{
	raw_set(f->wmask, off, width, mask);
}

void fake_w1c(struct fake_fn *f, uint16_t off, unsigned width, uint32_t mask)
{
	raw_set(f->w1cmask, off, width, mask);
}

/* ---- header helpers ---- */

void fake_fn_ids(struct fake_fn *f, uint16_t vendor, uint16_t device,
		 uint32_t class_code, uint8_t revision)
{
	fake_set16(f, PCI_VENDOR_ID, vendor);
	fake_set16(f, PCI_DEVICE_ID, device);
	fake_set32(f, PCI_CLASS_REVISION, (class_code << 8) | revision);
}

void fake_fn_multifunction(struct fake_fn *f)
{
	fake_set8(f, PCI_HEADER_TYPE, fake_get8(f, PCI_HEADER_TYPE) | PCI_HEADER_TYPE_MFD);
}

void fake_fn_bridge(struct fake_fn *f, uint8_t primary, uint8_t secondary,
		    uint8_t subordinate)
{
	uint8_t mfd = fake_get8(f, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MFD;

	fake_set8(f, PCI_HEADER_TYPE, mfd | PCI_HEADER_TYPE_BRIDGE);
	fake_set32(f, PCI_CLASS_REVISION,
		   (0x060400u << 8) | fake_get8(f, PCI_CLASS_REVISION));
	fake_set8(f, PCI_PRIMARY_BUS, primary);
	fake_set8(f, PCI_SECONDARY_BUS, secondary);
	fake_set8(f, PCI_SUBORDINATE_BUS, subordinate);
	fake_writable(f, PCI_PRIMARY_BUS, 1, 0xff);
	fake_writable(f, PCI_SECONDARY_BUS, 1, 0xff);
	fake_writable(f, PCI_SUBORDINATE_BUS, 1, 0xff);
}

/* ---- BARs ---- */

static uint16_t bar_reg(unsigned bar)
{
	if (bar > 5)
		harness_fatal(__FILE__, __LINE__, "fake BAR index %u", bar);
	return PCI_BASE_ADDRESS_0 + 4 * bar;
}

static void size_check(uint64_t size, uint64_t min)
{
	if (size < min || (size & (size - 1)))
		harness_fatal(__FILE__, __LINE__, "fake BAR size 0x%llx is not a "
			      "power of two >= %llu", (unsigned long long)size,
			      (unsigned long long)min);
}

void fake_bar_mem32(struct fake_fn *f, unsigned bar, uint32_t addr,
		    uint32_t size, bool prefetch)
{
	uint16_t reg = bar_reg(bar);

	size_check(size, 16);
	fake_set32(f, reg, (addr & ~(size - 1)) |
		   (prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0));
	fake_writable(f, reg, 4, ~(size - 1));
	f->bar_size[bar] = size;
}

void fake_bar_mem64(struct fake_fn *f, unsigned bar, uint64_t addr,
		    uint64_t size, bool prefetch)
{
	uint16_t reg = bar_reg(bar);
	uint64_t mask = ~(size - 1);

	size_check(size, 16);
	bar_reg(bar + 1);
	addr &= mask;
	fake_set32(f, reg, (uint32_t)addr | PCI_BASE_ADDRESS_MEM_TYPE_64 |
		   (prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0));
	fake_set32(f, reg + 4, (uint32_t)(addr >> 32));
	fake_writable(f, reg, 4, (uint32_t)mask & PCI_BASE_ADDRESS_MEM_MASK);
	fake_writable(f, reg + 4, 4, (uint32_t)(mask >> 32));
	f->bar_size[bar] = size;
}

void fake_bar_io(struct fake_fn *f, unsigned bar, uint32_t addr,
		 uint32_t size, bool io32)
{
	uint16_t reg = bar_reg(bar);
	uint32_t mask = ~(size - 1) & (io32 ? 0xffffffffu : 0xffffu);

	size_check(size, 4);
	fake_set32(f, reg, (addr & mask) | PCI_BASE_ADDRESS_SPACE_IO);
	fake_writable(f, reg, 4, mask);
	f->bar_size[bar] = size;
}

uint64_t fake_bar_addr(const struct fake_fn *f, unsigned bar)
{
	uint32_t lo = fake_get32(f, bar_reg(bar));

	if (lo & PCI_BASE_ADDRESS_SPACE_IO)
		return lo & PCI_BASE_ADDRESS_IO_MASK;
	if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64)
		return (lo & PCI_BASE_ADDRESS_MEM_MASK) |
		       (uint64_t)fake_get32(f, bar_reg(bar + 1)) << 32;
	return lo & PCI_BASE_ADDRESS_MEM_MASK;
}

/* ---- capability lists ---- */

void fake_cap_add(struct fake_fn *f, uint8_t off, uint8_t id)
{
	fake_set8(f, off + PCI_CAP_LIST_ID, id);
	fake_set8(f, off + PCI_CAP_LIST_NEXT, 0);
	if (f->last_cap) {
		fake_set8(f, f->last_cap + PCI_CAP_LIST_NEXT, off);
	} else {
		fake_set8(f, PCI_CAPABILITY_LIST, off);
		fake_or(f, PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
	}
	f->last_cap = off;
}

void fake_ext_cap_add(struct fake_fn *f, uint16_t off, uint16_t id, uint8_t ver)
{
	fake_set32(f, off, id | (uint32_t)(ver & 0xf) << 16);
	if (f->last_ext_cap)
		fake_set32(f, f->last_ext_cap,
			   fake_get32(f, f->last_ext_cap) | (uint32_t)off << 20);
	f->last_ext_cap = off;
}

/* ---- the write log ---- */

static void log_readable(void)
{
	if (wlog_full)
		harness_fatal(__FILE__, __LINE__, "more than %d config writes: the log "
			      "is incomplete", FAKE_LOG_MAX);
}

const struct fake_cfg_write *fake_cfg_log(unsigned *n)
{
	log_readable();
	*n = nwlog;
	return wlog;
}

unsigned fake_cfg_writes_total(void)
{
	log_readable();
	return nwlog;
}

unsigned fake_cfg_writes_to(struct pci_bdf bdf)
{
	unsigned n = 0;

	log_readable();
	for (unsigned i = 0; i < nwlog; i++)
		n += fake_bdf_eq(wlog[i].bdf, bdf);
	return n;
}

static void log_write(struct pci_bdf bdf, uint16_t off, unsigned width,
		      uint32_t val, const struct fake_fn *f)
{
	if (nwlog == FAKE_LOG_MAX) {
		wlog_full = true; /* only a reader of the log fails */
		return;
	}
	wlog[nwlog++] = (struct fake_cfg_write){
		.bdf = bdf, .off = off, .width = width, .val = val,
		.cmd = f ? fake_get16(f, PCI_COMMAND) : 0xffff,
	};
}

/* ---- plat_pci_* ---- */

/* A bad access is a bug in the code under test: end the test. */
static void access_check(struct pci_bdf bdf, uint16_t off, unsigned width)
{
	if ((width != 1 && width != 2 && width != 4) || (off & (width - 1)) ||
	    off > FAKE_CFG_SIZE - width || bdf.dev > 31 || bdf.fn > 7)
		harness_fatal(__FILE__, __LINE__, "bad config access %04x:%02x:%02x.%u "
			      "off 0x%x width %u", bdf.seg, bdf.bus, bdf.dev, bdf.fn,
			      off, width);
}

int plat_pci_read(struct pci_bdf bdf, uint16_t off, unsigned width, uint32_t *val)
{
	struct fake_fn *f = fake_fn_find(bdf);

	access_check(bdf, off, width);
	if (f && f->all_ones && f->rrs && off < 2) /* PCIe 2.3.2: 0001h */
		*val = ((0xffff0000u | PCI_VENDOR_ID_RRS) >> (8 * off)) &
		       (0xffffffffu >> (32 - 8 * width));
	else if (!f || f->all_ones)
		*val = 0xffffffffu >> (32 - 8 * width);
	else
		*val = raw_get(f->cfg, off, width);
	return RC_OK;
}

static unsigned bar_count(const struct fake_fn *f)
{
	switch (fake_get8(f, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) {
	case PCI_HEADER_TYPE_NORMAL: return PCI_BAR_COUNT_NORMAL;
	case PCI_HEADER_TYPE_BRIDGE: return PCI_BAR_COUNT_BRIDGE;
	default: return 0;
	}
}

/* Track BARs holding the all-ones probe value and decode left on over one. */
static void track_probe(struct fake_fn *f, uint16_t off, unsigned width, uint32_t val)
{
	bool any = false;

	for (unsigned b = 0; b < bar_count(f); b++) {
		uint16_t reg = PCI_BASE_ADDRESS_0 + 4 * b;
		if (off < reg + 4 && off + width > reg)
			f->bar_holds_ones[b] = width == 4 && val == 0xffffffffu;
		any |= f->bar_holds_ones[b];
	}
	if (any && (fake_get16(f, PCI_COMMAND) & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)))
		f->decode_violations++;
}

int plat_pci_write(struct pci_bdf bdf, uint16_t off, unsigned width, uint32_t val)
{
	struct fake_fn *f = fake_fn_find(bdf);

	access_check(bdf, off, width);
	log_write(bdf, off, width, val, f);
	if (!f || f->all_ones)
		return RC_OK;
	for (unsigned i = 0; i < width; i++) {
		uint8_t m = f->wmask[off + i], v = (uint8_t)(val >> (8 * i));
		f->cfg[off + i] = (uint8_t)((f->cfg[off + i] & ~m) | (v & m));
		f->cfg[off + i] &= (uint8_t)~(v & f->w1cmask[off + i]);
	}
	track_probe(f, off, width, val);
	if (f->cfg_written)
		f->cfg_written(f, off, width, f->cfg_priv);
	return RC_OK;
}

/* As EDK2's PciIo Attributes do it: a read-modify-write of COMMAND (a
 * logged config write), unless the test made the function refuse. */
static int fake_decode(struct pci_bdf bdf, unsigned what, bool on)
{
	struct fake_fn *f = fake_fn_find(bdf);
	uint16_t bits = ((what & PLAT_PCI_MEMORY) ? PCI_COMMAND_MEMORY : 0) |
			((what & PLAT_PCI_MASTER) ? PCI_COMMAND_MASTER : 0);
	uint32_t cmd;

	if (!bits || (what & ~(PLAT_PCI_MEMORY | PLAT_PCI_MASTER)))
		return RC_EINVAL;
	if (!f)
		return RC_ENODEV;
	if (f->enable_rc)
		return f->enable_rc;
	plat_pci_read(bdf, PCI_COMMAND, 2, &cmd);
	return plat_pci_write(bdf, PCI_COMMAND, 2, on ? (cmd | bits) : (cmd & ~bits));
}

int plat_pci_claim(struct pci_bdf bdf, char *why, size_t n)
{
	struct fake_fn *f = fake_fn_find(bdf);
	char buf[160] = "";
	int rc = RC_OK;

	if (f) {
		f->claims++;
		if (f->driver && f->driver_refuses) {
			snprintf(buf, sizeof(buf), "the firmware driver \"%s\" would not stop",
				 f->driver);
			rc = RC_EBUSY;
		} else if (f->driver) {
			snprintf(buf, sizeof(buf), "taken from the firmware driver \"%s\"",
				 f->driver);
		}
	}
	if (why && n)
		snprintf(why, n, "%s", buf);
	return rc;
}

int plat_pci_enable(struct pci_bdf bdf, unsigned what)
{
	return fake_decode(bdf, what, true);
}

int plat_pci_disable(struct pci_bdf bdf, unsigned what)
{
	return fake_decode(bdf, what, false);
}

int plat_pci_bar_size(struct pci_bdf bdf, unsigned bar, uint64_t *size)
{
	struct fake_fn *f = fake_fn_find(bdf);

	if (!bar_size_known || !f || bar > 5 || !f->bar_size[bar])
		return RC_ENOTSUP;
	*size = f->bar_size[bar];
	return RC_OK;
}

void fake_bar_size_known(bool known)
{
	bar_size_known = known;
}

void fake_roots_set(const struct pci_root *r, int n)
{
	if (n < 0 || n > FAKE_MAX_ROOTS)
		harness_fatal(__FILE__, __LINE__, "fake_roots_set: %d roots", n);
	memcpy(roots, r, (size_t)n * sizeof(*r));
	nroots = n;
	roots_rc = RC_OK;
}

void fake_roots_fail(int rc)
{
	roots_rc = rc;
}

int plat_pci_roots(struct pci_root *out, int max)
{
	int n = 0;

	if (roots_rc)
		return roots_rc;
	for (; n < nroots && n < max; n++)
		out[n] = roots[n];
	return n;
}
