/* iommu.c - DMA remapping modes over one remapping unit (see iommu.h). */
#include "dma/iommu.h"

#include "dma/amdvi.h"
#include "dma/smmuv3.h"
#include "dma/vtd.h"
#include "report/fmt.h"
#include "report/ktap.h"
#include "task.h"

/* ---- VT-d through the common interface ----------------------------------- */

static int vtd_find_op(void *u, struct pci_bdf dev, char *why, size_t n)
{
	return vtd_find(u, dev, why, n);
}

static int vtd_start_op(void *u, struct pci_bdf owner, const struct pci_inventory *inv,
			char *why, size_t n)
{
	return vtd_start(u, owner, inv, why, n);
}

static int vtd_attach_op(void *u, unsigned k, struct pci_bdf dev, bool strict, char *why,
			 size_t n)
{
	return vtd_attach(u, k, dev, strict, why, n);
}

static void vtd_detach_op(void *u, unsigned k) { vtd_detach(u, k); }
static int vtd_map_op(void *u, unsigned k, uint64_t addr, size_t len)
{
	return vtd_map(u, k, addr, len);
}
static void vtd_unmap_op(void *u, unsigned k, uint64_t addr, size_t len)
{
	vtd_unmap(u, k, addr, len);
}
static void vtd_stop_op(void *u) { vtd_stop(u); }
static bool vtd_pending_op(void *u) { return vtd_fault_pending(u); }

static bool vtd_take_op(void *u, struct iommu_fault *f)
{
	struct vtd_fault v;

	if (!vtd_fault_take(u, &v))
		return false;
	*f = (struct iommu_fault){ .sid = v.sid, .read = v.read, .addr = v.addr,
				   .reason = vtd_reason_str(v.reason) };
	return true;
}

/* VT-d records the PCI requester id (source id, 7.1.3). */
static uint32_t vtd_sid_op(void *u, struct pci_bdf b)
{
	(void)u;
	return (uint32_t)(b.bus << 8 | b.dev << 3 | b.fn);
}

static uint64_t vtd_base_op(void *u) { return ((struct vtd_unit *)u)->base; }
static unsigned vtd_records_op(void *u) { return vtd_fault_records(u); }

static unsigned vtd_table_pages_op(void *u) { return vtd_table_pages(u); }

static const struct iommu_ops vtd_ops = {
	"Intel VT-d", "DMAR", vtd_find_op, vtd_start_op, vtd_attach_op, vtd_detach_op,
	vtd_map_op, vtd_unmap_op, vtd_stop_op, vtd_pending_op, vtd_take_op, vtd_sid_op,
	vtd_base_op, vtd_table_pages_op, vtd_records_op,
};

/* ---- the units in use and the devices in them ------------------------------ */

/* Faults a unit's log gave that their device has not taken yet. */
#define IOMMU_FAULTS_HELD 64
/* Faults from ids with no domain said in full per unit; the rest counted. */
#define IOMMU_STRAYS_SAID 4

_Static_assert(TASK_MAX <= IOMMU_DOMAINS, "a unit holds every device tested at once");

/* A unit taken over (ops != NULL): one per unit base at most. */
struct unit {
	const struct iommu_ops *ops;
	union {
		struct vtd_unit vtd;
		struct amdvi_unit amdvi;
		struct smmuv3_unit smmuv3;
	} st;
	unsigned devices; /* attached to it */
	struct iommu_fault held[IOMMU_FAULTS_HELD];
	unsigned nheld;
	unsigned strays; /* faults from ids with no domain in it */
};

/* Faults one drain found from ids with no domain, said once the lock is
 * dropped (printing may wait for room in our output, and the device
 * ahead of us may need the lock to finish). */
struct strays {
	const char *unit;
	struct iommu_fault f[IOMMU_STRAYS_SAID];
	unsigned n;
	unsigned more; /* past the first few, counted as its unit stops */
};

/* A device in passthrough or strict; its index is its domain slot in
 * its unit (unique, as there are no more devices than slots). */
struct attached {
	bool used;
	struct pci_bdf dev;
	enum iommu_mode mode;
	struct unit *unit;
	char desc[80];
	/* map/unmap timing since it entered the mode (figures, for the log) */
	unsigned maps, unmaps;
	uint64_t map_us, unmap_us, map_max_us, unmap_max_us;
};

static struct {
	struct unit units[IOMMU_DOMAINS];
	struct attached dev[IOMMU_DOMAINS];
	unsigned table_peak; /* iommu_table_pages_take's period */
} io;
/* Table updates and invalidations wait on the unit, and another device's
 * task may run meanwhile: one at a time. (Apart from io, which is zero
 * at load and so takes no room in the image.) */
static struct task_lock io_lock = TASK_LOCK_INIT;

static const struct iommu_ops *const unit_ops[] = { &vtd_ops, &amdvi_ops, &smmuv3_ops };

static struct attached *attached(struct pci_bdf dev)
{
	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		if (io.dev[k].used && pci_bdf_eq(io.dev[k].dev, dev))
			return &io.dev[k];
	return NULL;
}

static unsigned slot_of(const struct attached *a)
{
	return (unsigned)(a - io.dev);
}

/* Table pages only grow while a unit runs: sampled before one stops. */
static unsigned table_pages(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < IOMMU_DOMAINS; i++)
		if (io.units[i].ops)
			n += io.units[i].ops->table_pages(&io.units[i].st);
	if (n > io.table_peak)
		io.table_peak = n;
	return n;
}

unsigned iommu_table_pages_take(unsigned *peak)
{
	unsigned n = table_pages();

	*peak = io.table_peak;
	io.table_peak = n;
	return n;
}

const char *iommu_mode_name(enum iommu_mode m)
{
	switch (m) {
	case IOMMU_OFF: return "off";
	case IOMMU_PASSTHROUGH: return "passthrough";
	case IOMMU_STRICT: return "strict";
	default: return "?";
	}
}

const struct iommu_ops *iommu_host_unit(char *why, size_t n)
{
	for (unsigned i = 0; i < sizeof(unit_ops) / sizeof(unit_ops[0]); i++)
		if (plat_acpi_table(unit_ops[i]->acpi))
			return unit_ops[i];
	fmt_snprintf(why, n, "no ACPI DMAR, IVRS or IORT table (no IOMMU, or the "
		     "firmware hides it)");
	return NULL;
}

void iommu_describe(char *buf, size_t n)
{
	char why[96];
	const struct iommu_ops *ops = iommu_host_unit(why, sizeof(why));

	if (ops)
		fmt_snprintf(buf, n, "IOMMU: %s (ACPI %s)", ops->name, ops->acpi);
	else
		fmt_snprintf(buf, n, "IOMMU: none: %s", why);
}

static void account(unsigned *count, uint64_t *sum, uint64_t *max, uint64_t t0)
{
	uint64_t us = plat_now_us() - t0;

	++*count;
	*sum += us;
	if (us > *max)
		*max = us;
}

/* The DMA layer's hook: a buffer is mapped in its own device's domain,
 * if that device is in strict (a domain without tables ignores it). */
static int map(void *ctx, struct pci_bdf dev, uint64_t bus, size_t size)
{
	struct attached *a;
	int rc = RC_OK;

	(void)ctx;
	task_lock_excl(&io_lock);
	a = attached(dev);
	if (a && a->mode == IOMMU_STRICT) {
		uint64_t t0 = plat_now_us();
		rc = a->unit->ops->map(&a->unit->st, slot_of(a), bus, size);
		account(&a->maps, &a->map_us, &a->map_max_us, t0);
	}
	task_unlock_excl(&io_lock);
	return rc;
}

static void unmap(void *ctx, struct pci_bdf dev, uint64_t bus, size_t size)
{
	struct attached *a;

	(void)ctx;
	task_lock_excl(&io_lock);
	a = attached(dev);
	if (a && a->mode == IOMMU_STRICT) {
		uint64_t t0 = plat_now_us();
		a->unit->ops->unmap(&a->unit->st, slot_of(a), bus, size);
		account(&a->unmaps, &a->unmap_us, &a->unmap_max_us, t0);
	}
	task_unlock_excl(&io_lock);
}

void iommu_stats(struct pci_bdf dev, char *buf, size_t n)
{
	const struct attached *a = attached(dev);
	struct attached none = { 0 };

	if (!a)
		a = &none;
	fmt_snprintf(buf, n, "%s: %u maps, %llu us mean, %llu us worst; %u unmaps, %llu us "
		     "mean, %llu us worst (tables written and invalidation waited for)",
		     a->unit ? a->unit->ops->name : "no unit", a->maps,
		     (unsigned long long)(a->maps ? a->map_us / a->maps : 0),
		     (unsigned long long)a->map_max_us, a->unmaps,
		     (unsigned long long)(a->unmaps ? a->unmap_us / a->unmaps : 0),
		     (unsigned long long)a->unmap_max_us);
}

static const struct dma_mapper mapper = { map, unmap, NULL };

/* The unit in use at dev's unit's base, or a free one taken over. */
static struct unit *unit_for(struct pci_bdf dev, const struct pci_inventory *inv,
			     char *why, size_t n, int *rc)
{
	const struct iommu_ops *ops = iommu_host_unit(why, n);
	struct unit *u, *free = NULL;

	if (!ops) {
		*rc = RC_ENODEV;
		return NULL;
	}
	for (unsigned i = 0; i < IOMMU_DOMAINS && !free; i++)
		if (!io.units[i].ops)
			free = &io.units[i];
	/* find() reads the ACPI table into a unit's state: a free one's. */
	if (!free) {
		fmt_snprintf(why, n, "%s: every unit slot in use", ops->name);
		*rc = RC_ENOMEM;
		return NULL;
	}
	*rc = ops->find(&free->st, dev, why, n);
	if (*rc)
		return NULL;
	for (unsigned i = 0; i < IOMMU_DOMAINS; i++) {
		u = &io.units[i];
		if (u->ops == ops && ops->base(&u->st) == ops->base(&free->st))
			return u;
	}
	*rc = ops->start(&free->st, dev, inv, why, n);
	if (*rc)
		return NULL;
	free->ops = ops;
	free->devices = 0;
	free->nheld = 0;
	free->strays = 0;
	return free;
}

static void unit_put(struct unit *u)
{
	if (--u->devices)
		return;
	table_pages();
	u->ops->stop(&u->st);
	u->ops = NULL;
	u->nheld = 0;
}

/* Whether id has a domain in u: a device under test is attached. */
static bool has_domain(struct unit *u, uint32_t id)
{
	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		if (io.dev[k].used && io.dev[k].unit == u &&
		    u->ops->sid(&u->st, io.dev[k].dev) == id)
			return true;
	return false;
}

/*
 * Everything dev's unit's log holds now, into the unit's store: one pass,
 * at most as many as the log holds. A full store drops the oldest fault
 * (a device faulting on and on must not starve the others). A fault from
 * an id with no domain is no device's to take (DMA from something not
 * under test, or from ours between its modes): it goes to s, to be said.
 */
static void drain(struct unit *u, struct strays *s)
{
	unsigned records = u->ops->fault_records(&u->st);
	struct iommu_fault f;

	s->unit = u->ops->name;
	for (unsigned i = 0; i < records && u->ops->fault_pending(&u->st) &&
			     u->ops->fault_take(&u->st, &f); i++) {
		if (!has_domain(u, f.sid)) {
			if (u->strays++ < IOMMU_STRAYS_SAID && s->n < IOMMU_STRAYS_SAID)
				s->f[s->n++] = f;
			continue;
		}
		if (u->nheld == IOMMU_FAULTS_HELD) {
			for (unsigned j = 1; j < u->nheld; j++)
				u->held[j - 1] = u->held[j];
			u->nheld--;
		}
		u->held[u->nheld++] = f;
	}
}

/* Say what drain set aside, in the output of the block running (the
 * verdicts stay: it is not the device under test's DMA). */
static void strays_say(const struct strays *s)
{
	for (unsigned i = 0; i < s->n; i++)
		ktap_diag_at(KTAP_ALWAYS, "IOMMU: %s recorded a DMA fault from id 0x%x, which "
			     "has no domain (not a device under test): %s of 0x%llx, %s",
			     s->unit, (unsigned)s->f[i].sid, s->f[i].read ? "read" : "write",
			     (unsigned long long)s->f[i].addr, s->f[i].reason);
	if (s->more)
		ktap_diag_at(KTAP_ALWAYS, "IOMMU: %s: of the DMA faults from ids with no "
			     "domain, %u more were not said", s->unit, s->more);
}

int iommu_start(enum iommu_mode m, struct pci_bdf dev, const struct pci_inventory *inv,
		char *why, size_t n)
{
	struct attached *a = NULL;
	struct unit *u;
	int rc = RC_OK;

	iommu_end(dev);
	if (m == IOMMU_OFF)
		return RC_OK;
	task_lock_excl(&io_lock);
	for (unsigned k = 0; k < IOMMU_DOMAINS && !a; k++)
		if (!io.dev[k].used)
			a = &io.dev[k];
	u = a ? unit_for(dev, inv, why, n, &rc) : NULL;
	if (!a) {
		fmt_snprintf(why, n, "more than %u devices under an IOMMU at once",
			     IOMMU_DOMAINS);
		rc = RC_ENOMEM;
	}
	if (u) {
		u->devices++;
		rc = u->ops->attach(&u->st, slot_of(a), dev, m == IOMMU_STRICT, why, n);
		if (rc)
			unit_put(u);
	}
	if (!rc) {
		*a = (struct attached){ .used = true, .dev = dev, .mode = m, .unit = u };
		fmt_snprintf(a->desc, sizeof(a->desc), "%s at 0x%llx, id 0x%x", u->ops->name,
			     (unsigned long long)u->ops->base(&u->st),
			     (unsigned)u->ops->sid(&u->st, dev));
		dma_set_mapper(&mapper);
	}
	task_unlock_excl(&io_lock);
	/* Strict: every buffer of dev's is mapped, from now on. */
	if (!rc && m == IOMMU_STRICT && (rc = dma_map_held(dev))) {
		fmt_snprintf(why, n, "%s: mapping our buffers: %s", u->ops->name, rc_name(rc));
		iommu_end(dev);
	}
	return rc;
}

void iommu_end(struct pci_bdf dev)
{
	struct attached *a;
	struct strays s = { 0 };
	bool any = false;

	task_lock_excl(&io_lock);
	a = attached(dev);
	if (a) {
		/* What the log holds is read while dev still has its domain,
		 * and before its unit may stop (that would lose it). */
		drain(a->unit, &s);
		table_pages();
		a->unit->ops->detach(&a->unit->st, slot_of(a));
		if (a->unit->devices == 1 && a->unit->strays > IOMMU_STRAYS_SAID)
			s.more = a->unit->strays - IOMMU_STRAYS_SAID;
		unit_put(a->unit);
		*a = (struct attached){ 0 };
	}
	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		any |= io.dev[k].used;
	if (!any)
		dma_set_mapper(NULL);
	task_unlock_excl(&io_lock);
	strays_say(&s);
}

void iommu_stop(void)
{
	for (unsigned k = 0; k < IOMMU_DOMAINS; k++)
		if (io.dev[k].used)
			iommu_end(io.dev[k].dev);
}

enum iommu_mode iommu_mode(struct pci_bdf dev)
{
	const struct attached *a = attached(dev);

	return a ? a->mode : IOMMU_OFF;
}

const char *iommu_unit_desc(struct pci_bdf dev)
{
	const struct attached *a = attached(dev);

	return a ? a->desc : "";
}

/* The first fault held for dev (taken off the store if take), by the id
 * its unit records for it. */
static bool fault_of(struct pci_bdf dev, struct iommu_fault *f, bool take)
{
	struct attached *a;
	struct strays s = { 0 };
	bool found = false;

	task_lock_excl(&io_lock);
	a = attached(dev);
	if (a) {
		struct unit *u = a->unit;
		uint32_t sid = u->ops->sid(&u->st, dev);

		drain(u, &s);
		for (unsigned j = 0; j < u->nheld && !found; j++) {
			if (u->held[j].sid != sid)
				continue;
			found = true;
			if (f)
				*f = u->held[j];
			for (unsigned i = j + 1; take && i < u->nheld; i++)
				u->held[i - 1] = u->held[i];
			u->nheld -= take;
		}
	}
	task_unlock_excl(&io_lock);
	strays_say(&s);
	return found;
}

unsigned iommu_fault_discard(struct pci_bdf dev)
{
	struct attached *a;
	struct strays s = { 0 };
	unsigned n = 0;

	task_lock_excl(&io_lock);
	a = attached(dev);
	if (a) {
		struct unit *u = a->unit;
		uint32_t sid = u->ops->sid(&u->st, dev);
		unsigned kept = 0;

		drain(u, &s);
		for (unsigned j = 0; j < u->nheld; j++) {
			if (u->held[j].sid == sid)
				n++;
			else
				u->held[kept++] = u->held[j];
		}
		u->nheld = kept;
	}
	task_unlock_excl(&io_lock);
	strays_say(&s);
	return n;
}

bool iommu_fault_pending(struct pci_bdf dev)
{
	return fault_of(dev, NULL, false);
}

bool iommu_fault_take(struct pci_bdf dev, struct iommu_fault *f)
{
	return fault_of(dev, f, true);
}

unsigned iommu_strays(struct pci_bdf dev)
{
	const struct attached *a = attached(dev);

	return a ? a->unit->strays : 0;
}

unsigned iommu_fault_records(struct pci_bdf dev)
{
	const struct attached *a = attached(dev);

	return a ? a->unit->ops->fault_records(&a->unit->st) : 0;
}

uint32_t iommu_sid(struct pci_bdf b)
{
	const struct attached *a = attached(b);

	if (a)
		return a->unit->ops->sid(&a->unit->st, b);
	return (uint32_t)(b.bus << 8 | b.dev << 3 | b.fn);
}
