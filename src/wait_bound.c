/* wait_bound.c - the scale applied to every bounded wait, and the wait
 * itself (see wait_bound.h). */
#include "wait_bound.h"

#include "platform.h"
#include "task.h"

static unsigned scale_pct = 100;

void wait_bound_set_scale(unsigned percent)
{
	scale_pct = percent ? percent : 100;
}

uint64_t wait_bound_us(uint64_t us)
{
	return us * scale_pct / 100;
}

bool wait_until(bool (*done)(void *ctx), void *ctx, uint64_t bound_us, uint32_t step_us)
{
	uint64_t limit = wait_bound_us(bound_us);
	uint64_t start = plat_now_us();
	uint64_t max_iter;

	if (!step_us)
		step_us = 1;
	max_iter = limit / step_us + 1;
	for (uint64_t i = 0; i <= max_iter; i++) {
		if (done(ctx))
			return true;
		if (plat_now_us() - start >= limit)
			break;
		task_sleep(step_us); /* other devices' tasks run meanwhile */
	}
	return false;
}

void wait_us(uint32_t us)
{
	task_sleep(us);
}
