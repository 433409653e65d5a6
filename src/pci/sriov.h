/*
 * sriov.h - SR-IOV on a physical function we own: enable virtual
 * functions, find them, make their BARs usable, reset one, and put the
 * capability back exactly as the firmware left it.
 *
 * A VF's vendor and device IDs read 0xFFFF by design (SR-IOV 1.1 3.4.1.1),
 * so VFs are found from the PF's capability alone: VF n's routing ID is the
 * PF's plus First VF Offset plus n * VF Stride (3.3.10, 3.3.11), read after
 * NumVFs is written because both may change with it and with the ARI
 * Capable Hierarchy bit. With ARI the low 8 bits of a routing ID are one
 * function number; config space is addressed the same way, so a VF's
 * struct pci_bdf is the routing ID split as usual. Without ARI, a VF with
 * a device number other than 0 below a PCIe port is only reachable when
 * the port forwards ARI; we never write the port, so that case is refused.
 *
 * VF BAR n is one register pair in the capability; VF v's copy sits at
 * base + v * size. Whether VF memory really decodes there is checked with
 * a caller's probe (a VF register that must read a known value); when it
 * does not and the BARs lie above 4 GiB, they are moved into a free window
 * below 4 GiB (sriov_find_window) and checked again.
 *
 * The routing-ID arithmetic and the window search are pure functions so
 * the host tests can pin them down.
 */
#ifndef IGBTEST_SRIOV_H
#define IGBTEST_SRIOV_H

#include "pci/pci.h"
#include "pci/pci_regs.h"

#define SRIOV_MAX_VFS 64

/* The capability registers software may change, as first found. */
struct sriov_saved {
	uint16_t ctrl;
	uint16_t num_vfs;
	uint32_t sys_pgsize;
	uint32_t bar[PCI_SRIOV_NUM_BARS];
};

/* One VF BAR as the capability describes it (per-VF size). */
struct sriov_bar {
	enum pci_bar_kind kind; /* PCI_BAR_NONE: not implemented */
	bool prefetch;
	uint64_t addr;          /* VF 0's copy */
	uint64_t size;          /* each VF's copy */
};

/* Why the BARs were moved, and where from and to, for the report. */
struct sriov_relocation {
	bool done;
	uint64_t from;          /* VF BAR0 of VF 0 before */
	uint64_t to;            /* ... and after */
	uint64_t window_base, window_size;
	char why[120];
};

struct sriov {
	struct pci_bdf pf;
	uint16_t cap;           /* offset of the SR-IOV capability */
	uint16_t total_vfs;
	uint16_t initial_vfs;
	uint16_t vf_device;     /* VF Device ID */
	uint16_t num_vfs;       /* enabled now (0: disabled) */
	uint16_t offset, stride;
	bool ari;               /* ARI Capable Hierarchy, as Linux sets it:
				 * when the port above forwards ARI */
	bool ari_hier;          /* the bit in effect at enable: the lowest
				 * PF's, which sets every PF's VF layout */
	bool below_port;        /* a PCIe port above (not a root bus) */
	struct pci_bdf port;
	struct sriov_saved saved;
	struct sriov_bar bar[PCI_SRIOV_NUM_BARS];
	struct pci_bdf vf[SRIOV_MAX_VFS];
	bool vf_cmd_mem;        /* we set Memory Space in each VF's COMMAND */
	struct sriov_relocation reloc;
	char error[160];        /* why the last call failed */
};

/*
 * Find the capability on pf, check its state is ours to change (VF Enable
 * and VF Memory Space clear, TotalVFs sane) and save it. The VF BARs are
 * sized by the all-ones probe (VF Enable is off, so nothing decodes them).
 * inv (the current inventory) tells whether a PCIe port is above the PF
 * and whether it forwards ARI. RC_ENODEV: no capability; RC_EIO: a state
 * we cannot own.
 */
int sriov_open(struct sriov *s, const struct pci_inventory *inv, struct pci_bdf pf);

/*
 * Enable n VFs: NumVFs, then VF Enable and VF Memory Space, then the
 * SR-IOV 1.1 3.3.3.1 wait before the first VF config access, then check
 * every VF answers config reads. s->vf[] holds their addresses.
 */
int sriov_enable(struct sriov *s, uint16_t n);

/* VF Enable off; wait (bounded) until the VFs stop answering. */
int sriov_disable(struct sriov *s);

/* Everything sriov_open saved, written back; RC_EIO if it does not read
 * back so (s->error says which register). Disables VFs first. */
int sriov_restore(struct sriov *s);

/* Where VF vf's copy of VF BAR bar is (0 when not implemented). */
uint64_t sriov_vf_bar(const struct sriov *s, unsigned vf, unsigned bar);

/* Whether VF vf's memory decodes at bar0; ctx is the caller's. */
typedef bool (*sriov_probe_fn)(void *ctx, const struct sriov *s, unsigned vf,
			       uint64_t bar0);

/*
 * Make VF BAR0 usable on every enabled VF: probe each VF where the
 * firmware put it; if any fails and the BARs are above 4 GiB, find a free
 * window below 4 GiB (inv: the current inventory), move every VF BAR there
 * (VFs re-enabled around it), set Memory Space in each VF's COMMAND (which
 * QEMU needs; it is reserved, ignored, on real VFs) and probe again.
 * s->reloc records what was done.
 */
int sriov_make_bars_usable(struct sriov *s, const struct pci_inventory *inv,
			   sriov_probe_fn probe, void *ctx);

/* Function Level Reset of VF vf (RC_ENOTSUP unless it advertises FLR):
 * wait for its pending transactions (bounded; *pending_timeout says they
 * never drained and it was reset anyway), reset, wait the PCIe 6.6.2
 * 100 ms and until it answers config reads again. The reset clears its
 * COMMAND; the Memory Space bit is put back when we had set it. */
int sriov_vf_flr(struct sriov *s, unsigned vf, bool *pending_timeout);

/*
 * Side by side (task.h) PFs enable VFs and move VF BARs at the same time,
 * and what they share is the memory their bus receives: a window one PF
 * finds free must not be found by another before the first has written
 * its BARs, nor overlap where another PF's VFs decode or will decode.
 * Routing IDs need one thing: First VF Offset and VF Stride are the
 * device's (SR-IOV 1.1 3.3.10-11; on a dual-port 82576 the ports' VFs
 * interleave, PF0's even and PF1's odd), and follow ARI Capable Hierarchy,
 * which only the lowest PF holds (3.3.3.5): whichever PF enables first
 * sets it there, it stays while any PF of the device has VFs on, and the
 * last one out puts it back, so every PF's VFs land where a serial run
 * puts them. Bus numbers are not ours to give (check_vfs_reachable
 * refuses VFs on another bus).
 *
 * So sriov.c keeps what each PF under test occupies: its own BARs and ROM
 * and its VF BARs (per VF size times TotalVFs, as Linux sriov_init
 * reserves them) where the firmware left them, noted before any device
 * runs, and a window below 4 GiB for its VF BARs, claimed for the run in
 * the same step as the search that found it: no wait between, so no
 * other task runs. Every window search avoids all of it, whatever state
 * the PF is in at that moment: a PF in FLR reads its BARs as 0 in a
 * rescan (PCIe 4.0 6.6.2 resets them; Linux pci_restore_state writes them
 * back). The first PF that has to move carves a window for every PF
 * noted, in the order noted, so each lands where a serial run puts it
 * whichever moves first; a run whose VF BARs answer where the firmware
 * put them (silicon) searches nothing.
 */

/* fixture_prepare: PF pf is under test, its BARs as probed (nbars of
 * them). Sizes its VF BARs (VF Enable is off then; when it is not,
 * sriov_open refuses the PF anyway). RC_ENOMEM: more PFs than the table. */
int sriov_note_pf(struct pci_bdf pf, const struct pci_bar *bars, unsigned nbars);

/* Whether b is a VF of another PF whose VFs we have on now: side by side
 * the routing ID after s's last VF may be one (two 82576s on a root bus:
 * 00:01.0's VFs end at 00:12.6, 00:03.0's begin at 00:13.0). */
bool sriov_vf_of_another(const struct sriov *s, struct pci_bdf b);

/* Forget every PF noted (a new machine, in the host tests). */
void sriov_forget_pfs(void);

/* ---- pure parts, exposed for the tests ---- */

/* The routing ID of VF vf (0-based): pf + offset + vf * stride, or -1 when
 * it does not fit in 16 bits. */
int32_t sriov_vf_rid(struct pci_bdf pf, uint16_t offset, uint16_t stride,
		     unsigned vf);

/*
 * The lowest base in one of the allowed ranges, aligned to align, such
 * that [base, base + size) lies inside that range, at or above 1 MiB,
 * below limit, and overlaps no busy range. RC_ENOMEM when there is none.
 */
int sriov_find_window(const struct plat_range *allowed, unsigned nallowed,
		      const struct plat_range *busy, unsigned nbusy,
		      uint64_t size, uint64_t align, uint64_t limit,
		      uint64_t *base);

#endif
