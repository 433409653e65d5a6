/*
 * wait_bound.h - the one place every bounded hardware wait takes its limit.
 *
 * Each wait keeps its named constant (with the datasheet section or the
 * measurement behind it) and passes it through wait_bound_us(), so that
 * --timeout-scale stretches all of them at once on a slow host (TCG, a
 * loaded lab machine) without touching any one of them.
 */
#ifndef IGBTEST_WAIT_BOUND_H
#define IGBTEST_WAIT_BOUND_H

#include <stdint.h>

/* Scale every bound by percent/100 (100: as written). */
void wait_bound_set_scale(unsigned percent);
unsigned wait_bound_scale(void);
/* The limit to use for a wait whose named bound is us. */
uint64_t wait_bound_us(uint64_t us);

#endif
