/*
 * test_drv_contract.c - the driver's contract with its callers, as the
 * VFIO selftest drivers state theirs: the copy limits init publishes are
 * the real ones, memcpy_wait leaves a failed device to its caller
 * (test_model_silicon.c's ctrl_rst_only_recovery checks that), and no
 * frame goes out with any header but the driver's.
 */
#include <string.h>

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
	igb_copy_put_headers(drv, m.src, IGB_MIN_FRAME);
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

/*
 * A copy moves payloads (igb_drv.h): a source whose frames do not start
 * with the copy header is refused before anything is posted; with it the
 * whole source arrives, whatever the payload holds; a copy shorter than a
 * frame goes behind the driver's own header and only its bytes land.
 */
static void headers(enum model_personality pers)
{
	static struct mt m;
	struct igb_drv *drv = &m.drv;
	const size_t n = 3 * IGB_MAX_FRAME + 17; /* the last frame moves back */
	unsigned tq;
	uint32_t tdt;

	mt_open(&m, pers);
	mt_up(&m);
	tq = drv->tx.queue;
	for (size_t i = 0; i < n; i++)
		m.src[i] = (uint8_t)(i * 13 + 5);
	tdt = mt_rd(&m, IGB_TDT(tq));
	CHECK_EQ(igb_ops.memcpy_start(drv, m.src, m.dst, n, 1), RC_EINVAL);
	CHECK(strstr(drv->seen.last_error, "copy header") != NULL);
	igb_copy_put_headers(drv, m.src, n);
	m.src[igb_copy_frame(drv, n, 3).off + 13] ^= 1; /* the last frame's */
	CHECK_EQ(igb_ops.memcpy_start(drv, m.src, m.dst, n, 1), RC_EINVAL);
	CHECK_EQ(mt_rd(&m, IGB_TDT(tq)), tdt);
	CHECK_EQ(igb_copy_frame(drv, n, 3).off, n - IGB_MIN_FRAME);
	igb_copy_put_headers(drv, m.src, n);
	for (unsigned f = 0; f < 4; f++)
		CHECK(!memcmp(m.src + igb_copy_frame(drv, n, f).off, igb_copy_hdr,
			      IGB_COPY_HDR_LEN));
	REQUIRE(igb_ops.memcpy_start(drv, m.src, m.dst, n, 1) == RC_OK);
	CHECK_EQ(igb_ops.memcpy_wait(drv), RC_OK);
	CHECK(!memcmp(m.src, m.dst, n));
	/* Short: no header asked of the source; the frame is header + bytes
	 * (+ padding), and dst gets the bytes alone. */
	for (size_t len = 1; len < IGB_MIN_FRAME; len += 29) {
		memset(m.dst, 0, IGB_MIN_FRAME + 16);
		CHECK_EQ(igb_copy_headed(len), false);
		REQUIRE(igb_ops.memcpy_start(drv, m.src + 100, m.dst, len, 1) == RC_OK);
		CHECK_EQ(igb_ops.memcpy_wait(drv), RC_OK);
		CHECK(!memcmp(m.src + 100, m.dst, len));
		CHECK_EQ(m.dst[len], 0);
	}
	CHECK_EQ(m.g->frames_unparsed, 0);
	igb_ops.remove(drv);
	fake_reset();
}

TEST(drv_copy_sends_only_its_header)
{
	headers(MODEL_QEMU);
	headers(MODEL_SILICON);
}
