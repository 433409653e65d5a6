/*
 * wait_bound.h - the one bounded wait, and the one place every wait on
 * hardware takes its limit.
 *
 * Each wait keeps its named constant (with the datasheet section, the
 * Linux function or the measurement behind it) and passes it to
 * wait_until(), which scales it by --timeout-scale, so that a slow host
 * (TCG, a loaded lab machine) stretches all of them at once without
 * touching any one of them. No poll loop in src/ is written by hand.
 */
#ifndef IGBTEST_WAIT_BOUND_H
#define IGBTEST_WAIT_BOUND_H

#include <stdbool.h>
#include <stdint.h>

/* Scale every bound by percent/100 (100: as written). */
void wait_bound_set_scale(unsigned percent);
/* The limit to use for a wait whose named bound is us. */
uint64_t wait_bound_us(uint64_t us);

/*
 * Call done(ctx) until it returns true, sleeping step_us between calls,
 * for at most wait_bound_us(bound_us) of the platform clock. Bounded twice
 * over, by the clock and by a count of calls, so a clock that does not
 * advance cannot make it spin forever. done is called at least once.
 * True when done() said so.
 */
bool wait_until(bool (*done)(void *ctx), void *ctx, uint64_t bound_us, uint32_t step_us);

/*
 * A fixed settle the hardware needs (FLR's 100 ms, a PHY or reset settle,
 * D3hot's 10 ms): at least us pass before it returns. Not scaled: it is a
 * minimum, not a bound. Both waits are where a device's task gives the CPU
 * to the others side by side (task.h); short gaps that pace a case's own
 * figures stay plat_udelay().
 */
void wait_us(uint32_t us);

#endif
