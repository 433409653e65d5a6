/* wait_bound.c - the scale applied to every bounded wait (see wait_bound.h). */
#include "wait_bound.h"

static unsigned scale_pct = 100;

void wait_bound_set_scale(unsigned percent)
{
	scale_pct = percent ? percent : 100;
}

unsigned wait_bound_scale(void)
{
	return scale_pct;
}

uint64_t wait_bound_us(uint64_t us)
{
	return us * scale_pct / 100;
}
