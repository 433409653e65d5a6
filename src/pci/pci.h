/*
 * pci.h - PCI enumeration, BAR decoding and capability walks.
 *
 * Reads only, except pci_probe_bars(), which sizes BARs by writing them and
 * is for functions we have positively identified as ours.
 */
#ifndef IGBTEST_PCI_H
#define IGBTEST_PCI_H

#include "platform.h"

#define PCI_MAX_FUNCS	256
#define PCI_MAX_CAPS	64
#define PCI_NO_PARENT	(-1)

/* Config accessors that fold errors into all-ones, as a real bus does. */
uint8_t pci_read8(struct pci_bdf bdf, uint16_t off);
uint16_t pci_read16(struct pci_bdf bdf, uint16_t off);
uint32_t pci_read32(struct pci_bdf bdf, uint16_t off);
int pci_write16(struct pci_bdf bdf, uint16_t off, uint16_t val);
int pci_write32(struct pci_bdf bdf, uint16_t off, uint32_t val);

/* Poll until (read16(off) & mask) == want, every step_us, for at most
 * wait_bound_us(timeout_us); true when it got there. */
bool pci_wait16(struct pci_bdf bdf, uint16_t off, uint16_t mask, uint16_t want,
		uint32_t timeout_us, uint32_t step_us);

/* "ssss:bb:dd.f" into buf (at least 13 bytes). */
const char *pci_bdf_str(struct pci_bdf bdf, char *buf, size_t n);
static inline bool pci_bdf_eq(struct pci_bdf a, struct pci_bdf b)
{
	return a.seg == b.seg && a.bus == b.bus && a.dev == b.dev && a.fn == b.fn;
}

enum pci_bar_kind {
	PCI_BAR_NONE,  /* not implemented (reads 0) or upper half of a 64-bit BAR */
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,
	PCI_BAR_IO,
};

struct pci_bar {
	enum pci_bar_kind kind;
	bool prefetch;
	uint64_t addr;
	uint64_t size;     /* 0 when not known */
	bool size_probed;  /* size from our own write probe */
};

struct pci_cap {
	uint16_t id;
	uint16_t off;
	uint8_t ver; /* extended capabilities only */
	bool ext;
};

/* The result of walking one capability list. */
struct pci_cap_walk {
	struct pci_cap cap[PCI_MAX_CAPS];
	unsigned n;
	const char *error; /* NULL, or why the walk stopped early */
	uint16_t error_at; /* offset involved in the error */
};

/* Walk the standard list at 0x34; stops safely on loops and bad pointers. */
int pci_walk_caps(struct pci_bdf bdf, struct pci_cap_walk *w);
/* Walk the extended list from 0x100; same safety rules. */
int pci_walk_ext_caps(struct pci_bdf bdf, struct pci_cap_walk *w);
/* Offset of the first capability with this id, 0 when absent. */
uint16_t pci_find_cap(struct pci_bdf bdf, uint8_t id);
uint16_t pci_find_ext_cap(struct pci_bdf bdf, uint16_t id);

/*
 * Decode the BAR registers without writing anything: kind, prefetch and
 * address. Returns the number of BAR slots for the header type.
 */
unsigned pci_decode_bars(struct pci_bdf bdf, uint8_t header_type,
			 struct pci_bar *bars);
/*
 * Size BARs by the write-all-ones probe (memory and I/O decode off while
 * probing, everything restored). Only for functions that are ours.
 */
int pci_probe_bars(struct pci_bdf bdf, uint8_t header_type, struct pci_bar *bars);
/* Size from a probe read-back: val is the all-ones read-back (64 bits). */
uint64_t pci_bar_size_from_mask(uint64_t readback, enum pci_bar_kind kind);

/* What the walks found, decoded for the inventory and the tests. */
struct pci_caps {
	uint16_t pm, msi, msix, pcie;  /* standard offsets, 0 = absent */
	uint16_t aer, ari, sriov, dsn; /* extended offsets, 0 = absent */
	uint16_t msix_table_size;      /* entries */
	uint8_t msix_table_bir, msix_pba_bir;
	uint32_t msix_table_off, msix_pba_off;
	uint8_t pcie_type;
	bool flr;                      /* PCIe DEVCAP FLR */
	uint8_t link_speed, link_width;   /* current, from LNKSTA (0 = n/a) */
	uint8_t link_cap_speed, link_cap_width;
	uint16_t sriov_total_vfs;
	const char *walk_error;        /* first walk error, if any */
	uint16_t walk_error_at;
};

void pci_decode_caps(struct pci_bdf bdf, struct pci_caps *caps);

struct pci_func {
	struct pci_bdf bdf;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class_code; /* 24 bits: base, sub, prog-if */
	uint8_t revision;
	uint8_t header_type; /* without the multifunction bit */
	uint8_t sec_bus, sub_bus; /* bridges */
	int parent;          /* index of the upstream bridge, PCI_NO_PARENT */
	unsigned nbars;
	struct pci_bar bar[6];
	struct pci_caps caps;
};

struct pci_inventory {
	struct pci_func f[PCI_MAX_FUNCS];
	unsigned n;
	bool truncated; /* more functions than PCI_MAX_FUNCS */
};

/* Find every function under every root, following bridges. Reads only. */
int pci_scan(struct pci_inventory *inv);
/* PCIe link speed code (LNKSTA.CLS) as text: "2.5GT/s" etc. */
const char *pci_link_speed_str(uint8_t code);
/* Print the inventory as KTAP diagnostics; mark says what becomes of an
 * 82576 of ours ("will be tested"), NULL for any other function. */
void pci_print_inventory(const struct pci_inventory *inv,
			 const char *(*mark)(const struct pci_func *f));
void pci_print_func(const struct pci_inventory *inv, const struct pci_func *f,
		    const char *mark);

#endif
