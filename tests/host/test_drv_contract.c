/*
 * test_drv_contract.c - the driver's contract with its callers, as the
 * VFIO selftest drivers state theirs: the copy limits init publishes are
 * the real ones, and memcpy_wait leaves a failed device to its caller
 * (test_model_silicon.c's ctrl_rst_only_recovery checks the second).
 */
#include "harness.h"
#include "igb/igb_regs.h"
#include "model_test.h"

static void limits(enum model_personality pers)
{
	static struct mt m;
	struct igb_drv *drv = &m.drv;
	unsigned n;

	mt_open(&m, pers);
	mt_up(&m);
	CHECK_EQ(drv->max_memcpy_count, IGB_RING_DESCS - 1);
	CHECK_EQ(drv->max_memcpy_size, (size_t)drv->max_memcpy_count * drv->max_frame);
	/* max_memcpy_count one-frame copies go to the rings in one start ... */
	n = drv->max_memcpy_count;
	CHECK_EQ(igb_ops.memcpy_start(drv, m.src, m.dst, IGB_MIN_FRAME, n), RC_OK);
	CHECK_EQ(drv->copy.posted, (uint64_t)n);
	CHECK_EQ(igb_ops.memcpy_wait(drv), RC_OK);
	/* ... one more does not fit: the rest waits for a second batch. */
	CHECK_EQ(igb_ops.memcpy_start(drv, m.src, m.dst, IGB_MIN_FRAME, n + 1), RC_OK);
	CHECK(drv->copy.posted < drv->copy.total);
	CHECK_EQ(igb_ops.memcpy_wait(drv), RC_OK);
	CHECK_EQ(drv->copy.done, (uint64_t)n + 1);
	igb_ops.remove(drv);
	fake_reset();
}

TEST(drv_publishes_its_copy_limits)
{
	limits(MODEL_QEMU);
	limits(MODEL_SILICON);
}
