/*
 * test_pcie_cases.c - pcie_link, pcie_errors and the harness's PCIe error
 * check around every case, run through igbtest_run against the model
 * behind a fake root port.
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "model_test.h"
#include "pci/pci_regs.h"
#include "suite/errwatch.h"
#include "suite/suite.h"

#define BAR0 0xfebc0000u
#define DEV_AER FAKE_82576_AER_CAP
#define DEV_EXP FAKE_82576_PCIE_CAP
#define PORT_AER FAKE_BRIDGE_AER_CAP

static struct fake_fn *port;
static struct fake_82576 p;
static struct kp_doc doc;

static void machine(enum model_personality pers)
{
	fake_host_bridge_add(0, 0, 0);
	port = fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, pers);
}

/* Run the cases in only (comma list) with --iommu=off; the exit status. */
static int run(const char *only)
{
	char line[200];

	snprintf(line, sizeof(line), "--iommu=off --only=%s", only);
	return mt_run(&doc, line);
}

static enum kp_verdict verdict(const char *name)
{
	REQUIRE(doc.nb == 1);
	return kp_verdict_of(&doc.b[0], name);
}

TEST(pcie_link_passes_at_both_ends_best)
{
	machine(MODEL_QEMU);
	CHECK_EQ(run("pcie_link"), IGBTEST_EXIT_PASS);
	CHECK_EQ(verdict("pcie_link"), KP_OK);
	CHECK_LINE("    # pcie_link: trained 2.5GT/s x4; device can 2.5GT/s x4, port "
		   "0000:00:02.0 can 5GT/s x8 (port LnkSta 0x0082)");
	CHECK(fake_output_contains("# result: 0000-01-00.0.off.pcie_link.width pass 4 lanes"));
	CHECK(fake_output_contains("# result: 0000-01-00.0.off.pcie_link.speed pass 2500 MT/s"));
	CHECK_EQ(fake_cfg_writes_to(port->bdf), 0);
}

/* QEMU's root-bus igb: an RC Integrated Endpoint has no link to check. */
TEST(pcie_link_root_complex_integrated_endpoint_skips)
{
	fake_host_bridge_add(0, 0, 0);
	p = fake_82576_add(0, 1, 0, BAR0);
	fake_set16(p.fn, DEV_EXP + PCI_EXP_FLAGS, 0x0002 | PCI_EXP_TYPE_RC_END << 4);
	CHECK_EQ(run("identify,pcie_link"), IGBTEST_EXIT_PASS);
	CHECK_EQ(verdict("pcie_link"), KP_SKIP);
	CHECK(fake_output_contains("ok 2 pcie_link # SKIP the function is a Root Complex "
				   "Integrated Endpoint (as QEMU places an igb on its root "
				   "bus): it has no link"));
}

TEST(pcie_link_below_both_ends_fails_with_both_values)
{
	machine(MODEL_QEMU);
	fake_set16(p.fn, DEV_EXP + PCI_EXP_LNKSTA, 1 | 1 << 4); /* x1 in an x8 slot */
	CHECK_EQ(run("pcie_link,identify"), IGBTEST_EXIT_FAIL);
	CHECK_EQ(verdict("pcie_link"), KP_NOT_OK);
	CHECK_EQ(verdict("identify"), KP_OK);
	CHECK(fake_output_contains("pcie_link: link trained 2.5GT/s x1, below what both "
				   "ends can do: 2.5GT/s x4 (device can 2.5GT/s x4, port "
				   "0000:00:02.0 can 5GT/s x8)"));
}

TEST(pcie_link_slot_narrower_than_the_device_passes)
{
	machine(MODEL_QEMU);
	fake_set32(port, FAKE_BRIDGE_PCIE_CAP + PCI_EXP_LNKCAP, 2 | 1 << 4);
	fake_set16(p.fn, DEV_EXP + PCI_EXP_LNKSTA, 1 | 1 << 4);
	CHECK_EQ(run("pcie_link"), IGBTEST_EXIT_PASS);
}

TEST(pcie_link_training_that_never_ends_fails_within_the_bound)
{
	uint64_t t0;

	machine(MODEL_QEMU);
	fake_set16(port, FAKE_BRIDGE_PCIE_CAP + PCI_EXP_LNKSTA,
		   2 | 8 << 4 | PCI_EXP_LNKSTA_LT);
	t0 = fake_now_us();
	CHECK_EQ(run("pcie_link"), IGBTEST_EXIT_FAIL);
	CHECK(fake_output_contains("pcie_link: port 0000:00:02.0 still shows Link "
				   "Training after 1000 ms"));
	/* Bandwidth status bits are said, not failed. */
	fake_reset();
	machine(MODEL_QEMU);
	fake_set16(port, FAKE_BRIDGE_PCIE_CAP + PCI_EXP_LNKSTA, 2 | 8 << 4 |
		   PCI_EXP_LNKSTA_LBMS | PCI_EXP_LNKSTA_LABS);
	CHECK_EQ(run("pcie_link"), IGBTEST_EXIT_PASS);
	CHECK(fake_output_contains("Link Bandwidth Management Status set"));
	CHECK(fake_output_contains("Link Autonomous Bandwidth Status set"));
	CHECK(fake_now_us() - t0 < 3000000);
}

TEST(pcie_errors_before_the_run_reported_once_cleared_not_blamed)
{
	machine(MODEL_QEMU);
	fake_set32(p.fn, DEV_AER + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_COMP_TIME);
	fake_set32(port, PORT_AER + PCI_ERR_COR_STATUS, PCI_ERR_COR_RCVR);
	CHECK_EQ(run("identify,pcie_errors,status_sane"), IGBTEST_EXIT_FAIL);
	CHECK_EQ(verdict("identify"), KP_OK);
	CHECK_EQ(verdict("status_sane"), KP_OK);
	CHECK_EQ(verdict("pcie_errors"), KP_NOT_OK);
	CHECK(fake_output_contains("PCIe errors found before the run (cleared, not blamed "
				   "on any case): device: AER UE 0x4000 (completion timeout); "
				   "port 0000:00:02.0: AER CE 0x1 (receiver error)"));
	CHECK(fake_output_contains("pcie_errors: uncorrectable PCIe errors before the run"));
	CHECK_EQ(fake_get32(p.fn, DEV_AER + PCI_ERR_UNCOR_STATUS), 0);
	CHECK_EQ(fake_get32(port, PORT_AER + PCI_ERR_COR_STATUS), 0);
}

TEST(pcie_errors_correctable_only_before_the_run_passes)
{
	machine(MODEL_QEMU);
	fake_set32(port, PORT_AER + PCI_ERR_COR_STATUS, PCI_ERR_COR_RCVR);
	CHECK_EQ(run("pcie_errors"), IGBTEST_EXIT_PASS);
	CHECK(fake_output_contains("pcie_errors: before the run: device none; port "
				   "0000:00:02.0: AER CE 0x1 (receiver error)"));
}

TEST(pcie_errors_missing_aer_fails_once)
{
	machine(MODEL_QEMU);
	/* Drop AER from the extended list: ARI becomes the first capability. */
	fake_set32(p.fn, 0x100, fake_get32(p.fn, 0x150));
	CHECK_EQ(run("pcie_errors,identify"), IGBTEST_EXIT_FAIL);
	CHECK_EQ(verdict("pcie_errors"), KP_NOT_OK);
	CHECK_EQ(verdict("identify"), KP_OK);
	CHECK(fake_output_contains("pcie_errors: no AER capability"));
}

TEST(errwatch_case_raising_an_error_fails_naming_it_next_case_clean)
{
	machine(MODEL_SILICON);
	model_inject(p.model, MODEL_FAULT_BAD_TLP);
	CHECK_EQ(run("memcpy_success,identify"), IGBTEST_EXIT_FAIL);
	CHECK_EQ(verdict("memcpy_success"), KP_NOT_OK);
	CHECK_EQ(verdict("identify"), KP_OK);
	CHECK(fake_output_contains("memcpy_success: PCIe errors during the case: device: "
				   "DEVSTA 0x1 (correctable); AER CE 0x40 (bad TLP)"));
	CHECK_EQ(fake_get32(p.fn, DEV_AER + PCI_ERR_COR_STATUS), 0);
}

/* The check itself, on an inventory: port bits count as the device's do. */
TEST(errwatch_port_errors_fail_the_case_unless_declared)
{
	static struct pci_inventory inv;
	struct igb_dev d = { 0 };
	struct test_run t = { .name = "somecase" };
	enum ktap_result r = KTAP_PASS;
	const struct pci_err ce = { .cor = PCI_ERR_COR_BAD_DLLP };

	machine(MODEL_QEMU);
	mt_capture_ktap(); /* its lines are looked for below, run alone or not */
	REQUIRE(pci_scan(&inv) == RC_OK);
	for (unsigned i = 0; i < inv.n; i++)
		if (fake_bdf_eq(inv.f[i].bdf, p.fn->bdf))
			d.fn = &inv.f[i];
	REQUIRE(d.fn && d.fn->parent != PCI_NO_PARENT);
	d.bdf = d.fn->bdf;
	d.port = &inv.f[d.fn->parent];
	fake_set32(port, PORT_AER + PCI_ERR_COR_STATUS, PCI_ERR_COR_BAD_DLLP);
	errwatch_after(&d, &t, &r);
	CHECK_EQ(r, KTAP_FAIL);
	CHECK_STREQ(t.reason, "PCIe errors during the case: port 0000:00:02.0: AER CE 0x80 "
		    "(bad DLLP)");
	CHECK_EQ(fake_get32(port, PORT_AER + PCI_ERR_COR_STATUS), 0);
	/* Declared: passes, and is said. */
	r = KTAP_PASS;
	test_expect_pcie(&t, &(struct pci_err){ 0 }, &ce, "a test");
	fake_set32(port, PORT_AER + PCI_ERR_COR_STATUS, PCI_ERR_COR_BAD_DLLP);
	errwatch_after(&d, &t, &r);
	CHECK_EQ(r, KTAP_PASS);
	CHECK(fake_output_contains("somecase: PCIe errors expected (a test): port "
				   "0000:00:02.0: AER CE 0x80 (bad DLLP)"));
	/* A device gone reads as no errors here: the runner says "gone". */
	p.fn->all_ones = true;
	errwatch_after(&d, &t, &r);
	CHECK_EQ(r, KTAP_PASS);
}

/*
 * Side by side, the two functions of a dual-port 82576 share the root
 * port above them (00:02.0), and port 1 (01:00.1) makes the port record
 * an error on every TDT write (fault). The cases of port 0 that run
 * meanwhile must not take the blame alone.
 */
#define DUAL_CASES "--iommu=off --only=identify,register_pattern,link_loopback_up," \
	"memcpy_success,loopback_frames,flr_idle,stats_consistency"

static void dual_port(unsigned fault)
{
	struct fake_82576 p1;

	fake_host_bridge_add(0, 0, 0);
	port = fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, MODEL_SILICON);
	fake_fn_multifunction(p.fn);
	p1 = fake_82576_add_as(1, 0, 1, BAR0 + 0x100000u, MODEL_SILICON);
	model_set_lan(p1.model, 1);
	model_set_port(p.model, port);
	model_set_port(p1.model, port);
	model_inject(p1.model, fault);
	CHECK_EQ(mt_run(&doc, DUAL_CASES), IGBTEST_EXIT_FAIL);
	REQUIRE(doc.nb == 2);
}

static unsigned not_ok(const struct kp_block *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n; i++)
		n += b->c[i].v == KP_NOT_OK;
	return n;
}

/* An Unsupported Request logs its TLP's header: the port's AER header
 * log names 01:00.1, so only its cases fail, and port 0 passes. */
TEST(errwatch_shared_port_error_goes_to_the_function_its_header_names)
{
	dual_port(MODEL_FAULT_PORT_UR);
	CHECK_EQ(not_ok(&doc.b[0]), 0);
	CHECK(not_ok(&doc.b[1]) > 0);
	CHECK_EQ(kp_verdict_of(&doc.b[1], "memcpy_success"), KP_NOT_OK);
	CHECK_EQ(kp_verdict_of(&doc.b[1], "identify"), KP_OK);
	CHECK(fake_output_contains("memcpy_success: PCIe errors during the case: port "
				   "0000:00:02.0: DEVSTA 0xa (non-fatal, unsupported request); "
				   "AER UE 0x100000 (unsupported request)"));
	CHECK_EQ(fake_get32(port, PORT_AER + PCI_ERR_UNCOR_STATUS), 0);
}

/*
 * A Bad DLLP has no header: the port cannot say whose it is. Every case
 * of port 0 that fails names the case of 01:00.1 that was running with
 * it, and that case fails too; port 1's own cases fail; none of port 0's
 * fails without naming its sibling.
 */
TEST(errwatch_shared_port_error_without_header_fails_every_case_running)
{
	char want[400];
	unsigned shared = 0;

	dual_port(MODEL_FAULT_PORT_BAD_DLLP);
	CHECK(not_ok(&doc.b[1]) > 0);
	for (unsigned i = 0; i < doc.b[0].n; i++) {
		const struct kp_case *c = &doc.b[0].c[i];
		if (c->v != KP_NOT_OK)
			continue;
		harness_note("port 0's %s", c->name);
		shared++;
		bool named = false;
		for (unsigned j = 0; j < doc.b[1].n; j++) {
			snprintf(want, sizeof(want), "%s: PCIe errors during the case: port "
				 "0000:00:02.0: DEVSTA 0x1 (correctable); AER CE 0x80 (bad DLLP) "
				 "(the port is shared and does not say which function: failed "
				 "too, as it ran meanwhile: 0000:01:00.1's %s)", c->name,
				 doc.b[1].c[j].name);
			if (kp_block_has_diag(&doc.b[0], want)) {
				named = true;
				CHECK_EQ(doc.b[1].c[j].v, KP_NOT_OK);
				snprintf(want, sizeof(want), "(raised while 0000:01:00.0's %s ran "
					 "too; the port is shared and does not say which function)",
					 c->name);
				CHECK(fake_output_contains(want));
			}
		}
		CHECK(named);
	}
	CHECK(shared > 0); /* the error did come while both ran */
	CHECK(not_ok(&doc.b[0]) < doc.b[0].n);
}

/*
 * A DMA fault raised on purpose below a shared port: with --unclaimed-dma
 * each port's fault cases DMA to an address with nothing behind it under
 * off, and the root port logs the Unsupported Request. Its AER has UR
 * masked (as firmware-first platforms may leave it), so it cannot say
 * whose the error is. The other port's cases must not run meanwhile: each
 * would fail for the fault its sibling declared and raised on purpose.
 */
#define SIBLING_FAULT_CASES "--iommu=off --unclaimed-dma --only=identify," \
	"register_pattern,memcpy_success,loopback_frames,memcpy_from_unmapped_iova," \
	"memcpy_to_unmapped_iova,fault_recovery_needs_flr,stats_consistency"

TEST(errwatch_sibling_fault_on_purpose_fails_no_other_case)
{
	struct fake_82576 p1;
	int status;

	fake_set_unbacked(0x00f000000000ull); /* no allocation can be there */
	fake_host_bridge_add(0, 0, 0);
	port = fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_set32(port, PORT_AER + PCI_ERR_UNCOR_MASK, PCI_ERR_UNC_UNSUP);
	p = fake_82576_add_as(1, 0, 0, BAR0, MODEL_SILICON);
	fake_fn_multifunction(p.fn);
	p1 = fake_82576_add_as(1, 0, 1, BAR0 + 0x100000u, MODEL_SILICON);
	model_set_lan(p1.model, 1);
	model_set_port(p.model, port);
	model_set_port(p1.model, port);
	status = mt_run(&doc, SIBLING_FAULT_CASES);
	REQUIRE(doc.nb == 2);
	CHECK_EQ(not_ok(&doc.b[0]), 0);
	CHECK_EQ(not_ok(&doc.b[1]), 0);
	CHECK_EQ(status, IGBTEST_EXIT_PASS);
	/* the faults did reach the port, and were their own cases' */
	CHECK(p.model->unsupported_requests > 0 && p1.model->unsupported_requests > 0);
	CHECK(fake_output_contains("memcpy_from_unmapped_iova: PCIe errors expected (the "
				   "DMA fault): device: DEVSTA 0x2 (non-fatal); AER UE 0x4000 "
				   "(completion timeout); port 0000:00:02.0: DEVSTA 0xa (non-fatal, "
				   "unsupported request); AER UE 0x100000 (unsupported request)"));
	CHECK(!fake_output_contains("raised while"));
	CHECK(!fake_output_contains("ran meanwhile"));
}

/* a (01:00.0, p) and b (01:00.1, p1) below the port, as the runner knows
 * them, their errors watched: the check itself, without a run. */
static void watch_two(struct igb_dev *a, struct igb_dev *b, const struct fake_82576 *p1)
{
	static struct pci_inventory inv;

	REQUIRE(pci_scan(&inv) == RC_OK);
	for (unsigned i = 0; i < inv.n; i++) {
		struct igb_dev *d = fake_bdf_eq(inv.f[i].bdf, p.fn->bdf) ? a :
				    fake_bdf_eq(inv.f[i].bdf, p1->fn->bdf) ? b : NULL;
		if (!d)
			continue;
		d->fn = &inv.f[i];
		d->bdf = inv.f[i].bdf;
		pci_bdf_str(d->bdf, d->name, sizeof(d->name));
		d->port = &inv.f[inv.f[i].parent];
	}
	REQUIRE(a->fn && b->fn);
	mt_capture_ktap();
	errwatch_reset();
	errwatch_begin(a);
	errwatch_begin(b);
}

/*
 * Silicon: DMA to an address with nothing behind it is answered with
 * Unsupported Request, which the port that carried it logs (PCIe r5.0
 * 6.2.7); with UR masked in the port's AER it cannot say whose. Wrong: a
 * sibling's case running while that happens (test_expect_pcie's hold on
 * the port prevents it): on silicon the sibling's check fails it; QEMU
 * logs nothing at the port.
 */
static void sibling_beside_unbacked_dma(enum model_personality pers)
{
	struct igb_dev a = { 0 }, b = { 0 };
	struct test_run ta = { .name = "case_a" };
	enum ktap_result ra = KTAP_PASS;
	uint8_t buf[64];

	fake_set_unbacked(0x00f000000000ull);
	machine(pers);
	fake_set32(port, PORT_AER + PCI_ERR_UNCOR_MASK, PCI_ERR_UNC_UNSUP);
	fake_fn_multifunction(p.fn);
	struct fake_82576 p1 = fake_82576_add_as(1, 0, 1, BAR0 + 0x100000u, pers);
	model_set_port(p.model, port);
	model_set_port(p1.model, port);
	watch_two(&a, &b, &p1);
	errwatch_case(&a, ta.name);
	errwatch_case(&b, "case_b");
	/* silicon: no completion; QEMU: zeros */
	CHECK_EQ(model_dma_read(p1.model, 0x00f000000000ull, buf, sizeof(buf)),
		 pers == MODEL_QEMU);
	CHECK_EQ(p1.model->unsupported_requests, 1);
	errwatch_after(&a, &ta, &ra);
	CHECK_EQ(ra, pers == MODEL_SILICON ? KTAP_FAIL : KTAP_PASS);
}

TEST(silicon_neg_sibling_case_beside_unbacked_dma)
{
	sibling_beside_unbacked_dma(MODEL_SILICON);
	fake_reset();
	sibling_beside_unbacked_dma(MODEL_QEMU);
}

/* The check itself, two functions below one port: an error the port's
 * header log names the sibling for goes to the sibling's running case;
 * with the sibling between cases it stays with the case that found it,
 * saying whose the header says it is. */
TEST(errwatch_header_log_names_the_sibling)
{
	struct igb_dev a = { 0 }, b = { 0 };
	struct test_run ta = { .name = "case_a" }, tb = { .name = "case_b" };
	enum ktap_result ra = KTAP_PASS, rb = KTAP_PASS;

	machine(MODEL_QEMU);
	fake_fn_multifunction(p.fn);
	struct fake_82576 p1 = fake_82576_add_as(1, 0, 1, BAR0 + 0x100000u, MODEL_QEMU);
	model_set_port(p1.model, port);
	watch_two(&a, &b, &p1);
	/* Both running: 01:00.1's Unsupported Request is its case's. */
	errwatch_case(&a, ta.name);
	errwatch_case(&b, tb.name);
	model_inject(p1.model, MODEL_FAULT_PORT_UR);
	model_pci_port_error(p1.model);
	errwatch_after(&a, &ta, &ra);
	CHECK_EQ(ra, KTAP_PASS);
	CHECK_EQ(fake_get32(port, PORT_AER + PCI_ERR_UNCOR_STATUS), 0);
	errwatch_after(&b, &tb, &rb);
	CHECK_EQ(rb, KTAP_FAIL);
	CHECK_STREQ(tb.reason, "PCIe errors during the case: port 0000:00:02.0: DEVSTA 0xa "
		    "(non-fatal, unsupported request); AER UE 0x100000 (unsupported request) "
		    "(the port's AER header log names this function)");
	/* 01:00.1 between cases: case_a keeps it, and says whose it is. */
	errwatch_case(&b, NULL);
	ra = KTAP_PASS;
	model_pci_port_error(p1.model);
	errwatch_after(&a, &ta, &ra);
	CHECK_EQ(ra, KTAP_FAIL);
	CHECK_STREQ(ta.reason, "PCIe errors during the case: port 0000:00:02.0: DEVSTA 0xa "
		    "(non-fatal, unsupported request); AER UE 0x100000 (unsupported request) "
		    "(the port's AER header log names 0000:01:00.1, between its cases)");
}
