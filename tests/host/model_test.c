/* model_test.c - helpers for tests that drive the 82576 model (model_test.h). */
#include "model_test.h"

#include <string.h>

#include "dma/iommu.h"
#include "harness.h"
#include "igbtest.h"
#include "ktap_parse.h"

#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "report/ktap.h"
#include "report/options.h"
#include "suite/suite.h"

/* Large: static, and the device keeps a pointer to its entry. */
static struct pci_inventory inv;

void mt_open(struct mt *m, enum model_personality pers)
{
	struct dma_buf *b;

	*m = (struct mt){ 0 };
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	m->p = fake_82576_add_as(1, 0, 0, MT_BAR0, pers);
	m->g = m->p.model;
	REQUIRE(pci_scan(&inv) == RC_OK);
	for (unsigned i = 0; i < inv.n && !m->d.fn; i++)
		if (igb_func_is_82576(&inv.f[i]))
			m->d.fn = &inv.f[i];
	REQUIRE(m->d.fn);
	/* What the suite's dev_prepare does for a usable BAR0. */
	m->d.bdf = m->d.fn->bdf;
	m->d.cmd_at_start = pci_read16(m->d.bdf, PCI_COMMAND);
	REQUIRE(pci_probe_bars(m->d.bdf, m->d.fn->header_type, m->d.bar) == RC_OK);
	m->d.bar0 = m->d.bar[0].addr;
	REQUIRE(m->d.bar0 == MT_BAR0);
	REQUIRE(dma_alloc(m->d.bdf, MT_BUF, &b) == RC_OK);
	m->src = b->cpu;
	REQUIRE(dma_alloc(m->d.bdf, MT_BUF, &b) == RC_OK);
	m->dst = b->cpu;
}

static void ktap_to_plat(const char *line, size_t len)
{
	plat_write(line, len);
}

void mt_capture_ktap(void)
{
	ktap_init(ktap_to_plat);
}

unsigned mt_case_index(const char *name)
{
	for (unsigned i = 0; i < suite_case_count(); i++)
		if (!strcmp(suite_case(i)->name, name))
			return i;
	harness_fatal(__FILE__, __LINE__, "no case %s", name);
}

const struct pci_inventory *mt_inventory(void)
{
	return &inv;
}

void mt_up(struct mt *m)
{
	int rc = igb_ops.init(&m->drv, &m->d);

	if (!rc)
		rc = igb_link_settle(&m->drv);
	if (rc)
		harness_fatal(__FILE__, __LINE__, "init: %s: %s", rc_name(rc),
			      m->drv.seen.last_error);
}

int mt_copy(struct mt *m, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		m->src[i] = (uint8_t)(i * 31 + 7);
		m->dst[i] = (uint8_t)~m->src[i];
	}
	igb_copy_put_headers(&m->drv, m->src, n);
	rc = igb_ops.memcpy_start(&m->drv, m->src, m->dst, n, 1);
	if (!rc)
		rc = igb_ops.memcpy_wait(&m->drv);
	if (!rc && memcmp(m->src, m->dst, n))
		rc = RC_EIO;
	return rc;
}

uint32_t mt_rd(const struct mt *m, uint32_t reg)
{
	return igb_rd32(&m->d, reg);
}

void mt_wr(const struct mt *m, uint32_t reg, uint32_t v)
{
	igb_wr32(&m->d, reg, v);
}

/* In steps, as a driver's poll loop would: the model runs on each. */
#define MT_STEP_US 10

void mt_wait_us(uint64_t us)
{
	for (uint64_t t = 0; t < us; t += MT_STEP_US)
		plat_udelay(MT_STEP_US);
}

unsigned mt_post(struct mt *m, uint64_t tx_addr, uint32_t cmd_type_len,
		 uint32_t olinfo, uint64_t rx_addr)
{
	struct igb_drv *drv = &m->drv;
	struct igb_tx_desc *t = (struct igb_tx_desc *)drv->tx.mem->cpu + drv->tx.tail;
	union igb_rx_desc *r = (union igb_rx_desc *)drv->rx.mem->cpu + drv->rx.tail;
	unsigned rx_index = drv->rx.tail;

	r->read.pkt_addr = rx_addr;
	r->read.hdr_addr = 0;
	t->addr = tx_addr;
	t->cmd_type_len = cmd_type_len;
	t->olinfo_status = olinfo;
	drv->rx.tail = (drv->rx.tail + 1) % drv->rx.count;
	drv->tx.tail = (drv->tx.tail + 1) % drv->tx.count;
	plat_wmb();
	mt_wr(m, IGB_RDT(drv->rx.queue), drv->rx.tail);
	mt_wr(m, IGB_TDT(drv->tx.queue), drv->tx.tail);
	return rx_index;
}

bool mt_rx_done(struct mt *m, unsigned rx_index, uint64_t us)
{
	volatile union igb_rx_desc *r =
		(volatile union igb_rx_desc *)m->drv.rx.mem->cpu + rx_index;

	for (uint64_t t = 0; t <= us; t += MT_STEP_US) {
		if (r->wb.status_error & IGB_RXD_STAT_DD)
			return true;
		plat_udelay(MT_STEP_US);
	}
	return false;
}

void mt_strict_fault(struct mt *m, enum model_personality pers, const unsigned *translated,
		     const unsigned *faults, const char *reason)
{
	struct dma_buf *page;
	struct iommu_fault f;
	char why[160];
	unsigned idx;

	mt_open(m, pers);
	if (iommu_start(IOMMU_STRICT, m->d.bdf, mt_inventory(), why, sizeof(why)))
		harness_fatal(__FILE__, __LINE__, "iommu_start: %s", why);
	mt_up(m);
	/* Buffers allocated before translation was on are not mapped: the
	 * copy goes through buffers mapped now. */
	REQUIRE(dma_alloc(m->d.bdf, 8192, &page) == RC_OK);
	memset(page->cpu, 0x5a, 4096);
	uint8_t *src = page->cpu, *dst = (uint8_t *)page->cpu + 4096;
	igb_copy_put_headers(&m->drv, src, 1500);
	REQUIRE(igb_ops.memcpy_start(&m->drv, src, dst, 1500, 1) == RC_OK);
	CHECK_EQ(igb_ops.memcpy_wait(&m->drv), RC_OK);
	CHECK(!memcmp(src, dst, 1500));
	CHECK(*translated > 0);
	CHECK_EQ(*faults, 0);
	CHECK(!iommu_fault_pending(m->d.bdf));
	dma_free(page);
	/* A page of ours the unit was never told about. */
	REQUIRE(dma_alloc_flags(m->d.bdf, 4096, DMA_UNMAPPED, &page) == RC_OK);
	idx = mt_post(m, page->bus, 256 | IGB_ADVTXD_DTYP_DATA | IGB_ADVTXD_DCMD_DEXT |
				   IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS,
		      256u << IGB_ADVTXD_PAYLEN_SHIFT, (uint64_t)(uintptr_t)m->drv.pad->cpu);
	mt_wait_us(20000);
	CHECK(iommu_fault_pending(m->d.bdf));
	REQUIRE(iommu_fault_take(m->d.bdf, &f));
	CHECK_EQ(f.sid, iommu_sid(m->d.bdf));
	CHECK(f.read);
	CHECK_EQ(f.addr, page->bus);
	harness_note("reason: %s", f.reason);
	CHECK(strstr(f.reason, reason) != NULL);
	CHECK_EQ(m->g->iommu_faults, 1);
	CHECK_EQ(model_violations(m->g), 0); /* refused, not outside our memory */
	/* QEMU reads zeros and carries on; silicon's engine wedges */
	CHECK_EQ(m->g->wedged, pers == MODEL_SILICON);
	CHECK_EQ(mt_rx_done(m, idx, 0), pers == MODEL_QEMU);
	igb_ops.remove(&m->drv);
	iommu_stop();
}

struct pci_bdf mt_iommu_machine(struct pci_inventory *inv)
{
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_82576_add(1, 0, 0, 0xfe000000u);
	fake_e1000e_add(0, 0x1f, 0, 0xfc000000u); /* "someone else" */
	REQUIRE(pci_scan(inv) == RC_OK);
	return (struct pci_bdf){ 0, 1, 0, 0 };
}

int mt_run(struct kp_doc *doc, const char *args)
{
	static struct options o;

	options_defaults(&o);
	REQUIRE(options_parse_cmdline(&o, args, strlen(args)) == RC_OK);
	int status = igbtest_run(&o, NULL);
	if (doc && !kp_parse(doc)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", doc->problem);
	}
	return status;
}
