/*
 * test_task.c - the cooperative tasks the suite tests devices side by
 * side on (src/task.c): the context switch keeps each task's stack and
 * registers, sleeps overlap and never end early, wait_until keeps its
 * bound, the readers-writer lock shares, excludes and does not starve.
 */
#include <stdio.h>

#include "fake_platform.h"
#include "harness.h"
#include "task.h"
#include "wait_bound.h"

struct sleeper {
	unsigned id, steps;
	uint32_t step_us;
	uint64_t woke[8];
	uint64_t canary; /* what the task read back from its own stack */
};

static unsigned order[64], norder;
static void *switched_last;
static unsigned switches;

static void sleeper_run(void *arg)
{
	struct sleeper *s = arg;
	volatile uint64_t mine = 0x5a5a0000u + s->id; /* lives on this task's stack */

	for (unsigned i = 0; i < s->steps; i++) {
		order[norder++] = s->id;
		wait_us(s->step_us);
		s->woke[i] = fake_now_us();
		REQUIRE(mine == 0x5a5a0000u + s->id);
	}
	s->canary = mine;
}

static void note_switch(void *arg)
{
	switched_last = arg;
	switches++;
}

/* Two tasks sleeping 10 ms and 25 ms: each sleep lasts at least its time,
 * they overlap (the whole takes the longer, not the sum), the CPU is
 * handed over in their sleeps only, and the caller's context is told. */
TEST(task_sleeps_overlap)
{
	struct sleeper a = { .id = 1, .steps = 4, .step_us = 10000 };
	struct sleeper b = { .id = 2, .steps = 4, .step_us = 25000 };
	void *args[] = { &a, &b };
	uint64_t t0 = fake_now_us();

	norder = switches = 0;
	task_run(sleeper_run, args, 2, note_switch);
	CHECK_EQ(a.canary, 0x5a5a0001u);
	CHECK_EQ(b.canary, 0x5a5a0002u);
	for (unsigned i = 0; i < 4; i++) {
		CHECK(a.woke[i] >= t0 + (i + 1) * 10000);
		CHECK(b.woke[i] >= t0 + (i + 1) * 25000);
	}
	/* side by side: done when the slower is, not after both in turn */
	CHECK_EQ(fake_now_us() - t0, 100000);
	CHECK_EQ(order[0], 1);
	CHECK_EQ(order[1], 2);
	CHECK_EQ(norder, 8);
	CHECK(switched_last == NULL);
	CHECK(switches >= 2 * 9); /* in and out of each slice */
	CHECK(!task_in_task());
}

struct locker {
	struct task_lock *l;
	bool excl;
	unsigned id;
	unsigned *inside, *max_inside;
	unsigned *log, *nlog;
};

static void locker_run(void *arg)
{
	struct locker *k = arg;

	wait_us(1000 * k->id); /* arrive in turn */
	if (k->excl)
		task_lock_excl(k->l);
	else
		task_lock_shared(k->l);
	k->log[(*k->nlog)++] = k->id;
	if (++*k->inside > *k->max_inside)
		*k->max_inside = *k->inside;
	REQUIRE(!k->excl || *k->inside == 1);
	wait_us(50000);
	--*k->inside;
	if (k->excl)
		task_unlock_excl(k->l);
	else
		task_unlock_shared(k->l);
}

/* Readers share, a writer is alone, and a waiting writer stops new
 * readers (it is not starved); writers go in task order. */
TEST(task_lock_readers_share_writer_alone)
{
	struct task_lock l = TASK_LOCK_INIT;
	unsigned inside = 0, max_inside = 0, log[4], nlog = 0;
	struct locker k[4] = {
		{ &l, false, 0, &inside, &max_inside, log, &nlog },
		{ &l, true, 1, &inside, &max_inside, log, &nlog },
		{ &l, false, 2, &inside, &max_inside, log, &nlog },
		{ &l, true, 3, &inside, &max_inside, log, &nlog },
	};
	void *args[] = { &k[0], &k[1], &k[2], &k[3] };

	task_run(locker_run, args, 4, NULL);
	CHECK_EQ(nlog, 4);
	CHECK_EQ(log[0], 0);
	CHECK_EQ(log[1], 1); /* the writer before the later reader */
	CHECK_EQ(log[2], 3); /* and the other writer too: writers first */
	CHECK_EQ(log[3], 2);
	CHECK_EQ(max_inside, 1);
	CHECK_EQ(l.readers, 0);
	CHECK_EQ(l.writer, -1);
	CHECK_EQ(l.want, 0);
}

/* Phases: tasks 0 and 2 hold phase 0 together, task 1 (phase 1) waits
 * until both have left, task 3 (phase 1) shares it with task 1; the
 * phases never overlap. */
struct phaser {
	struct task_phase *p;
	unsigned phase, id;
	unsigned *in; /* holders of each phase now */
	bool *overlap;
	uint64_t *entered;
};

static void phaser_run(void *arg)
{
	struct phaser *k = arg;

	wait_us(1000 * k->id);
	task_phase_enter(k->p, k->phase);
	k->entered[k->id] = fake_now_us();
	k->in[k->phase]++;
	*k->overlap |= k->in[0] && k->in[1];
	wait_us(50000);
	k->in[k->phase]--;
	task_phase_leave(k->p);
}

TEST(task_phase_shared_within_exclusive_across)
{
	struct task_phase p = TASK_PHASE_INIT;
	unsigned in[2] = { 0, 0 };
	bool overlap = false;
	uint64_t t0 = fake_now_us(), entered[4];
	struct phaser k[4] = {
		{ &p, 0, 0, in, &overlap, entered }, { &p, 1, 1, in, &overlap, entered },
		{ &p, 0, 2, in, &overlap, entered }, { &p, 1, 3, in, &overlap, entered },
	};
	void *args[] = { &k[0], &k[1], &k[2], &k[3] };

	task_run(phaser_run, args, 4, NULL);
	CHECK(!overlap);
	CHECK(entered[2] - t0 < 50000);  /* beside task 0 */
	CHECK(entered[1] - t0 >= 52000); /* after task 2 left */
	CHECK(entered[3] - entered[1] < 10000); /* beside task 1 */
	CHECK_EQ(p.holders, 0);
}

/* A wait_until whose condition comes true while other tasks run returns
 * true however late it is resumed; one that never does gives up after
 * its bound, not before. */
struct poller {
	uint64_t ready_at, bound;
	bool got;
	uint64_t gave_up_at;
};

static bool poll_ready(void *ctx)
{
	return fake_now_us() >= ((struct poller *)ctx)->ready_at;
}

static void poller_run(void *arg)
{
	struct poller *p = arg;
	uint64_t t0 = fake_now_us();

	p->got = wait_until(poll_ready, p, p->bound, 1000);
	p->gave_up_at = fake_now_us() - t0;
}

TEST(task_wait_until_bounds_kept)
{
	uint64_t t0 = fake_now_us();
	struct poller ok = { .ready_at = t0 + 30000, .bound = 40000 };
	struct poller never = { .ready_at = UINT64_MAX, .bound = 20000 };
	void *args[] = { &ok, &never };

	wait_bound_set_scale(100);
	task_run(poller_run, args, 2, NULL);
	CHECK(ok.got);
	CHECK(!never.got);
	CHECK(never.gave_up_at >= 20000);
	CHECK(never.gave_up_at <= 21000);
}

