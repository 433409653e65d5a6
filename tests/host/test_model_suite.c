/*
 * test_model_suite.c - the firmware's whole test-case registry (the same
 * suite_case() list the .efi runs) against the 82576 model, once with the
 * QEMU personality and once with the silicon one. Every case must pass or
 * skip for a reason listed here; the model must have seen no protocol
 * violation; no DMA buffer may leak; the device must be left quiesced.
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "igb/suite.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "pci/pci_regs.h"

#define BAR0 0xfebc0000u

/*
 * Cases that cannot run against the model, and the skip reason each must
 * give: they need a VT-d remapping unit in front of the device, which the
 * host fake platform does not provide (no DMAR table), so the suite runs
 * them in IOMMU mode "off" and they say so.
 */
static const struct {
	const char *name, *reason;
} expected_skips[] = {
	{ "memcpy_from_unmapped_iova", "mode off" },
	{ "memcpy_to_unmapped_iova", "mode off" },
	{ "fault_recovery_needs_flr", "mode off" },
	{ "strict_confinement", "mode off" },
};

static const char *skip_reason_for(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(expected_skips); i++)
		if (!strcmp(expected_skips[i].name, name))
			return expected_skips[i].reason;
	return NULL;
}

/* The "ok N name # SKIP reason" line of a case, or NULL. */
static const char *result_line(const char *name)
{
	char want[KP_NAME_MAX + 16];

	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *l = fake_output_line(i);
		const char *ok = strstr(l, "ok ");
		if (!ok || (ok != l && strncmp(l, "  ok ", 5)))
			continue;
		snprintf(want, sizeof(want), " %s", name);
		const char *at = strstr(ok, want);
		if (at && (at[strlen(want)] == '\0' || at[strlen(want)] == ' '))
			return l;
	}
	return NULL;
}

static void run_registry(enum model_personality pers)
{
	static struct kp_doc d;
	struct fake_82576 p;
	char v[512];
	int status;

	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, pers);
	status = igbtest_main(NULL);
	if (!kp_parse(&d)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", d.problem);
	}
	REQUIRE(d.nb == 1);
	CHECK_EQ(d.b[0].n, suite_case_count());
	for (unsigned i = 0; i < suite_case_count(); i++) {
		const char *name = suite_case(i)->name;
		const char *why = skip_reason_for(name);
		enum kp_verdict got = kp_verdict_of(&d.b[0], name);

		harness_note("%s personality: case %s", model_personality_name(pers), name);
		if (why) {
			const char *l = result_line(name);
			CHECK_EQ(got, KP_SKIP);
			CHECK(l && strstr(l, why));
		} else if (!CHECK_EQ(got, KP_OK)) {
			fake_output_dump();
		}
	}
	harness_note("%s personality", model_personality_name(pers));
	CHECK_EQ(status, IGBTEST_EXIT_PASS);
	model_describe_violations(p.model, v, sizeof(v));
	CHECK_STREQ(v, "");
	CHECK_EQ(model_violations(p.model), 0);
	CHECK_EQ(p.model->dma_read_faults + p.model->dma_write_faults, 0);
	CHECK(!p.model->wedged);
	CHECK(p.model->frames_rx > 0);
	CHECK_EQ(p.model->frames_to_wire, 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
	/* quiesced: bus mastering off, receive and transmit off */
	CHECK_EQ(fake_get16(p.fn, PCI_COMMAND) & PCI_COMMAND_MASTER, 0);
	CHECK_EQ(p.bar0->regs[IGB_RCTL / 4] & IGB_RCTL_EN, 0);
	CHECK_EQ(p.bar0->regs[IGB_TCTL / 4] & IGB_TCTL_EN, 0);
	harness_note("%s", "");
}

TEST(model_registry_qemu)
{
	run_registry(MODEL_QEMU);
}

TEST(model_registry_silicon)
{
	run_registry(MODEL_SILICON);
}
