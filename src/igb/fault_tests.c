/*
 * fault_tests.c - Function Level Reset and recovery, per 82576.
 */
#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "igb/suite.h"
#include "pci/pci_regs.h"

#define FLR_COPY (64u * 1024u)

/* A checked copy of FLR_COPY bytes; src/dst from test_alloc. */
static enum ktap_result good_copy(struct test_run *t, uint8_t *src, uint8_t *dst,
				  uint32_t seed)
{
	int rc;

	for (size_t i = 0; i < FLR_COPY; i++) {
		src[i] = (uint8_t)(seed + i * 13);
		dst[i] = (uint8_t)~src[i];
	}
	rc = igb_ops.memcpy_start(t->drv, src, dst, FLR_COPY, 1);
	if (!rc)
		rc = igb_ops.memcpy_wait(t->drv);
	if (rc)
		return test_fail(t, "copy: %s: %s", rc_name(rc), t->drv->last_error);
	for (size_t i = 0; i < FLR_COPY; i++)
		if (dst[i] != src[i])
			return test_fail(t, "copy: byte %zu is 0x%02x, source 0x%02x", i,
					 dst[i], src[i]);
	return KTAP_PASS;
}

/* The type 0 header as it reads now. */
static void header_snapshot(struct igb_dev *d, uint32_t *h)
{
	for (unsigned i = 0; i < PCI_STD_HEADER_SIZEOF / 4; i++)
		h[i] = pci_read32(d->bdf, (uint16_t)(4 * i));
}

static enum ktap_result t_flr_idle(struct igb_dev *d, struct test_run *t)
{
	uint32_t before[PCI_STD_HEADER_SIZEOF / 4], after[PCI_STD_HEADER_SIZEOF / 4];
	struct flr_report rep;
	uint8_t *src, *dst;
	int rc;

	if (!d->fn->caps.flr)
		return test_fail(t, "the function does not advertise FLR");
	if ((rc = test_alloc(t, d, FLR_COPY, &src)) || (rc = test_alloc(t, d, FLR_COPY, &dst)))
		return test_fail(t, "DMA allocation: %s", rc_name(rc));
	igb_ops.remove(t->drv); /* idle: rings off, bus mastering off */
	header_snapshot(d, before);
	rc = pci_flr(d->bdf, &d->fn->caps, &rep);
	if (rc)
		return test_fail(t, "FLR: %s", rc_name(rc));
	header_snapshot(d, after);
	for (unsigned i = PCI_BASE_ADDRESS_0 / 4; i < PCI_STD_HEADER_SIZEOF / 4; i++)
		if (before[i] != after[i])
			return test_fail(t, "config dword 0x%02x was 0x%08x before FLR, 0x%08x "
					 "after restore", 4 * i, before[i], after[i]);
	if ((before[PCI_COMMAND / 4] & 0xffff) != (after[PCI_COMMAND / 4] & 0xffff))
		return test_fail(t, "COMMAND was 0x%04x, restored 0x%04x",
				 before[PCI_COMMAND / 4] & 0xffff, after[PCI_COMMAND / 4] & 0xffff);
	ktap_diag("%s: transactions pending %llu us%s, reset %llu ms, restore %llu us; "
		  "BARs and COMMAND back as they were", t->name,
		  (unsigned long long)rep.pending_us,
		  rep.pending_timeout ? " (never cleared)" : "",
		  (unsigned long long)rep.reset_us / 1000, (unsigned long long)rep.restore_us);
	rc = igb_ops.init(t->drv, d);
	if (rc)
		return test_fail(t, "init after FLR: %s: %s", rc_name(rc), t->drv->last_error);
	return good_copy(t, src, dst, 1);
}

#define FLR_CYCLES 20

static enum ktap_result t_flr_repeat(struct igb_dev *d, struct test_run *t)
{
	uint64_t worst = 0, total = 0;
	uint8_t *src, *dst;
	int rc;

	if (!d->fn->caps.flr)
		return test_fail(t, "the function does not advertise FLR");
	if ((rc = test_alloc(t, d, FLR_COPY, &src)) || (rc = test_alloc(t, d, FLR_COPY, &dst)))
		return test_fail(t, "DMA allocation: %s", rc_name(rc));
	for (unsigned i = 0; i < FLR_CYCLES; i++) {
		struct flr_report rep;
		uint64_t t0 = plat_now_us();

		rc = igb_recover(t->drv, &rep);
		if (rc)
			return test_fail(t, "cycle %u: FLR + init: %s: %s", i, rc_name(rc),
					 t->drv->last_error);
		uint64_t us = plat_now_us() - t0;
		total += us;
		worst = us > worst ? us : worst;
		if (good_copy(t, src, dst, i) != KTAP_PASS)
			return KTAP_FAIL;
	}
	ktap_diag("%s: %u cycles of FLR + init + copy; FLR + init %llu ms mean, %llu ms "
		  "worst", t->name, FLR_CYCLES,
		  (unsigned long long)(total / FLR_CYCLES / 1000),
		  (unsigned long long)(worst / 1000));
	return KTAP_PASS;
}

const struct igb_test igb_fault_tests[] = {
	{ "flr_idle", "FLR on an idle device: config space restored, then a copy passes",
	  NEEDS_LINK, t_flr_idle },
	{ "flr_repeat", "20 x (FLR + re-init + copy)", NEEDS_LINK, t_flr_repeat },
};
const unsigned igb_fault_ntests = sizeof(igb_fault_tests) / sizeof(igb_fault_tests[0]);
