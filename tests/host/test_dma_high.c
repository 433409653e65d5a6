/*
 * test_dma_high.c - dma_above_4g on the 82576 model: rings and buffers
 * from plat_dma_alloc_high (the fake's host heap is above 4 GiB), put back
 * low for the next case by the fixture; skipped with the reason on a
 * machine with no memory above 4 GiB.
 */
#include <string.h>

#include "harness.h"
#include "model_test.h"
#include "suite/suite.h"

static struct mt m;


TEST(dma_above_4g_rings_and_buffers_high)
{
	unsigned seq[2] = { mt_case_index("dma_above_4g"), mt_case_index("link_loopback_up") };
	enum ktap_result out[2];

	mt_open(&m, MODEL_SILICON);
	mt_capture_ktap();
	REQUIRE(suite_run_sequence(m.d.fn, seq, 2, out) == RC_OK);
	CHECK_EQ(out[0], KTAP_PASS);
	CHECK_EQ(out[1], KTAP_PASS);
	/* src, dst, both rings and the padding page; the next case's init
	 * took none (the fixture put the driver back to ordinary memory) */
	CHECK_EQ(fake_dma_high_allocations(), 5);
	CHECK(fake_output_contains("dma_above_4g: RX ring 0x"));
	CHECK_EQ(model_violations(m.g), 0);
}

TEST(dma_above_4g_skips_without_high_memory)
{
	unsigned seq[1] = { mt_case_index("dma_above_4g") };
	enum ktap_result out[1];

	mt_open(&m, MODEL_QEMU);
	fake_dma_high_none(true);
	mt_capture_ktap();
	REQUIRE(suite_run_sequence(m.d.fn, seq, 1, out) == RC_OK);
	CHECK_EQ(out[0], KTAP_SKIP);
	CHECK(fake_output_contains("# SKIP no memory above 4 GiB this device may use"));
	CHECK_EQ(fake_dma_outstanding(), 2); /* mt_open's two buffers only */
}
