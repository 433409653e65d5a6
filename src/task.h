/*
 * task.h - cooperative tasks: several devices' case sequences side by
 * side on one CPU, switched only where a task waits.
 *
 * Every wait on hardware goes through wait_until() or wait_us()
 * (wait_bound.h), which call task_sleep(): inside a task that gives the
 * CPU to the next task whose own sleep is over, and only when every task
 * is sleeping does the CPU stall (plat_udelay) until the first is due.
 * Time still comes from the platform clock, so a bound is as strict as
 * before: a sleep never ends early, and a wait checks its condition once
 * more before it gives up. Nothing else switches tasks, so code between
 * two waits runs whole (firmware calls, table updates), as before.
 * Outside a task (one device, --serial, the host tests' direct calls)
 * task_sleep() is plat_udelay().
 */
#ifndef IGBTEST_TASK_H
#define IGBTEST_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most tasks run at once, and each one's stack. The firmware stack
 * the cases ran on before is 128 KiB (OVMF's DXE stack; UEFI 2.10 2.3.4
 * guarantees at least 128 KiB); the host build's sanitizers need more. */
#define TASK_MAX 4
#ifdef __SANITIZE_ADDRESS__
#define TASK_STACK_BYTES (1024u * 1024u)
#else
#define TASK_STACK_BYTES (128u * 1024u)
#endif

typedef void task_fn(void *arg);

/*
 * Run fn(args[i]) for i in [0, n), n <= TASK_MAX, each on a task of its
 * own; returns when all have returned. on_switch (may be NULL) is called with
 * args[i] whenever task i gets the CPU and with NULL when the caller's
 * context does (task-local state: the KTAP stream, for one). Not nested.
 */
void task_run(task_fn *fn, void *const *args, unsigned n, void (*on_switch)(void *arg));

/* Let at least us of the platform clock pass; other tasks run meanwhile. */
void task_sleep(uint32_t us);

/*
 * The platform time the CPU spent stalled since boot: every task asleep
 * (or, outside task_run, the one context). The rest was the CPU busy:
 * igbtest's own work and, under emulation, the device models'.
 */
uint64_t task_idle_us(void);

/* Whether the caller is a task (another task may run while it waits). */
bool task_in_task(void);

/*
 * A readers-writer lock between tasks, granted in task order among the
 * writers waiting, and to no new reader while a writer waits (so a
 * writer is never starved by readers taking turns). Outside task_run
 * there is one context, and every lock is free.
 */
struct task_lock {
	unsigned readers;
	int writer;        /* the task holding it exclusively, or -1 */
	uint32_t want;     /* tasks waiting to hold it exclusively (bit i: args[i]) */
};
#define TASK_LOCK_INIT { 0, -1, 0 }
void task_lock_shared(struct task_lock *l);
void task_unlock_shared(struct task_lock *l);
void task_lock_excl(struct task_lock *l);
void task_unlock_excl(struct task_lock *l);

/*
 * A lock held in one of two phases: any number of tasks hold it in the
 * same phase, never in both at once; a task asking for the other phase
 * waits until every holder has left. Outside task_run it is always free.
 */
struct task_phase {
	unsigned holders;
	unsigned phase;
};
#define TASK_PHASE_INIT { 0, 0 }
void task_phase_enter(struct task_phase *p, unsigned phase);
void task_phase_leave(struct task_phase *p);

#endif
