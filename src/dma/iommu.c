/* iommu.c - DMA remapping modes over one remapping unit (see iommu.h). */
#include "dma/iommu.h"

#include "dma/amdvi.h"
#include "dma/smmuv3.h"
#include "dma/vtd.h"
#include "report/fmt.h"

/* ---- VT-d through the common interface ----------------------------------- */

static int vtd_find_op(void *u, struct pci_bdf dev, char *why, size_t n)
{
	return vtd_find(u, dev, why, n);
}

static int vtd_start_op(void *u, struct pci_bdf dev, bool strict,
			const struct pci_inventory *inv, char *why, size_t n)
{
	return vtd_start(u, dev, strict, inv, why, n);
}

static int vtd_map_op(void *u, uint64_t addr, size_t len) { return vtd_map(u, addr, len); }
static void vtd_unmap_op(void *u, uint64_t addr, size_t len) { vtd_unmap(u, addr, len); }
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

static unsigned vtd_table_pages_op(void *u)
{
	const struct vtd_unit *v = u;

	return v->pool ? v->pool_used : 0;
}

static const struct iommu_ops vtd_ops = {
	"Intel VT-d", "DMAR", vtd_find_op, vtd_start_op, vtd_map_op, vtd_unmap_op,
	vtd_stop_op, vtd_pending_op, vtd_take_op, vtd_sid_op, vtd_base_op,
	vtd_table_pages_op, vtd_records_op,
};

/* ---- the modes ----------------------------------------------------------- */

static struct {
	enum iommu_mode mode;
	const struct iommu_ops *ops;   /* the unit started, or NULL */
	void *unit;
	struct vtd_unit vtd;
	struct amdvi_unit amdvi;
	struct smmuv3_unit smmuv3;
	char desc[80];
	/* map/unmap timing since start (figures, for the log) */
	unsigned maps, unmaps;
	uint64_t map_us, unmap_us, map_max_us, unmap_max_us;
	unsigned table_peak; /* iommu_table_pages_take's period */
} io;

static const struct iommu_ops *const units[] = { &vtd_ops, &amdvi_ops, &smmuv3_ops };

static void *state_of(const struct iommu_ops *ops)
{
	return ops == &vtd_ops ? (void *)&io.vtd : ops == &amdvi_ops ? (void *)&io.amdvi :
									(void *)&io.smmuv3;
}

/* Table pages only grow while a unit runs: sampled before it stops. */
static unsigned table_pages(void)
{
	unsigned n = io.ops ? io.ops->table_pages(io.unit) : 0;

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
	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (plat_acpi_table(units[i]->acpi))
			return units[i];
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

static int map(void *ctx, uint64_t bus, size_t size)
{
	uint64_t t0 = plat_now_us();
	int rc = io.ops->map(io.unit, bus, size);

	(void)ctx;
	account(&io.maps, &io.map_us, &io.map_max_us, t0);
	return rc;
}

static void unmap(void *ctx, uint64_t bus, size_t size)
{
	uint64_t t0 = plat_now_us();

	(void)ctx;
	io.ops->unmap(io.unit, bus, size);
	account(&io.unmaps, &io.unmap_us, &io.unmap_max_us, t0);
}

void iommu_stats(char *buf, size_t n)
{
	fmt_snprintf(buf, n, "%s: %u maps, %llu us mean, %llu us worst; %u unmaps, %llu us "
		     "mean, %llu us worst (tables written and invalidation waited for)",
		     io.ops ? io.ops->name : "no unit", io.maps,
		     (unsigned long long)(io.maps ? io.map_us / io.maps : 0),
		     (unsigned long long)io.map_max_us, io.unmaps,
		     (unsigned long long)(io.unmaps ? io.unmap_us / io.unmaps : 0),
		     (unsigned long long)io.unmap_max_us);
}

static const struct dma_mapper mapper = { map, unmap, NULL };

int iommu_start(enum iommu_mode m, struct pci_bdf dev, const struct pci_inventory *inv,
		char *why, size_t n)
{
	const struct iommu_ops *ops;
	void *u;
	int rc;

	iommu_stop();
	if (m == IOMMU_OFF)
		return RC_OK;
	ops = iommu_host_unit(why, n);
	if (!ops)
		return RC_ENODEV;
	u = state_of(ops);
	rc = ops->find(u, dev, why, n);
	if (!rc)
		rc = ops->start(u, dev, m == IOMMU_STRICT, inv, why, n);
	if (rc)
		return rc;
	io.ops = ops;
	io.unit = u;
	io.mode = m;
	fmt_snprintf(io.desc, sizeof(io.desc), "%s at 0x%llx, id 0x%x", ops->name,
		     (unsigned long long)ops->base(u), (unsigned)ops->sid(u, dev));
	/* Strict: every buffer the device may reach is mapped, from now on. */
	if (m == IOMMU_STRICT && (rc = dma_set_mapper(&mapper))) {
		fmt_snprintf(why, n, "%s: mapping our buffers: %s", ops->name, rc_name(rc));
		iommu_stop();
		return rc;
	}
	return RC_OK;
}

void iommu_stop(void)
{
	table_pages();
	dma_set_mapper(NULL);
	if (io.ops)
		io.ops->stop(io.unit);
	io.ops = NULL;
	io.unit = NULL;
	io.mode = IOMMU_OFF;
	io.desc[0] = 0;
	io.maps = io.unmaps = 0;
	io.map_us = io.unmap_us = io.map_max_us = io.unmap_max_us = 0;
}

enum iommu_mode iommu_current(void)
{
	return io.mode;
}

const char *iommu_unit_desc(void)
{
	return io.desc;
}

bool iommu_fault_pending(void)
{
	return io.ops && io.ops->fault_pending(io.unit);
}

bool iommu_fault_take(struct iommu_fault *f)
{
	return io.ops && io.ops->fault_take(io.unit, f);
}

unsigned iommu_fault_records(void)
{
	return io.ops ? io.ops->fault_records(io.unit) : 0;
}

uint32_t iommu_sid(struct pci_bdf b)
{
	if (io.ops)
		return io.ops->sid(io.unit, b);
	return (uint32_t)(b.bus << 8 | b.dev << 3 | b.fn);
}
