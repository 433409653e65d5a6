/* task.c - cooperative tasks switched only where they wait (see task.h). */
#include "task.h"

#include "platform.h"

/*
 * The switch: save the callee-saved registers of the running context on
 * its stack, store its stack pointer in *save, load to, restore that
 * context's registers and return into it. Callee-saved per the SysV
 * x86_64 psABI 3.2.1 (rbx, rbp, r12-r15; the firmware build's own code is
 * SysV, only EFI calls are ms_abi) and AAPCS64 6.1.1 (x19-x29, x30, d8-d15).
 * A new task's stack is laid out as if it had switched away just before
 * entering task_entry().
 */
void igb_task_switch(void **save, void *to) __attribute__((visibility("hidden")));

#if defined(__x86_64__)
__asm__(".text\n"
	".globl igb_task_switch\n"
	".hidden igb_task_switch\n"
	".type igb_task_switch, @function\n"
	"igb_task_switch:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size igb_task_switch, .-igb_task_switch\n");
#define RET_SLOT 6    /* the return address, in words from the saved sp */
#define FRAME_WORDS 8 /* saved registers, return address, alignment word */
#elif defined(__aarch64__)
__asm__(".text\n"
	".globl igb_task_switch\n"
	".hidden igb_task_switch\n"
	".type igb_task_switch, %function\n"
	"igb_task_switch:\n"
	"	sub sp, sp, #176\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mov x9, sp\n"
	"	str x9, [x0]\n"
	"	mov sp, x1\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #176\n"
	"	ret\n"
	".size igb_task_switch, .-igb_task_switch\n");
#define RET_SLOT 11    /* x30, in words from the saved sp */
#define FRAME_WORDS 22 /* 176 bytes */
#else
#error "task.c: no context switch for this architecture"
#endif

/* The host build's AddressSanitizer must be told of each stack switch. */
#ifdef __SANITIZE_ADDRESS__
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
				     size_t *size_old);
#define ASAN_START(save, bottom, size) __sanitizer_start_switch_fiber(save, bottom, size)
#define ASAN_FINISH(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define ASAN_START(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define ASAN_FINISH(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

struct task {
	void *sp;         /* saved while another context runs */
	uint64_t wake_at; /* platform clock: runnable from then */
	unsigned idx;     /* which of task_run's args */
	bool busy;        /* running fn (started, not returned) */
	void *fake;       /* ASan's fake stack while switched out */
};

/* Static: the firmware has no allocator igbtest could use for them. */
static uint8_t stacks[TASK_MAX][TASK_STACK_BYTES] __attribute__((aligned(16)));

static struct {
	struct task t[TASK_MAX];
	struct task *cur; /* NULL: the caller of task_run (or no run) */
	void *main_sp;
	void *main_fake;
	const void *main_bottom;
	size_t main_size;
	task_fn *fn;
	void *const *args;
	void (*on_switch)(void *arg);
	uint64_t idle_us; /* the CPU stalled: every task (or the one context) asleep */
} s;

/* Stall the CPU for us: nothing else can run. */
static void idle(uint32_t us)
{
	uint64_t t0 = plat_now_us();

	plat_udelay(us);
	s.idle_us += plat_now_us() - t0;
}

uint64_t task_idle_us(void)
{
	return s.idle_us;
}

static void switched_to(struct task *t)
{
	s.cur = t;
	if (s.on_switch)
		s.on_switch(t ? s.args[t->idx] : NULL);
}

/* A task's first and last frame. */
static __attribute__((noreturn)) void task_entry(void)
{
	struct task *t = s.cur;

	ASAN_FINISH(NULL, &s.main_bottom, &s.main_size);
	s.fn(s.args[t->idx]);
	t->busy = false;
	ASAN_START(NULL, s.main_bottom, s.main_size); /* this stack is done */
	igb_task_switch(&t->sp, s.main_sp);
	__builtin_unreachable();
}

static void task_start(struct task *t, unsigned slot, unsigned idx)
{
	uintptr_t *top = (uintptr_t *)(stacks[slot] + TASK_STACK_BYTES);
	uintptr_t *frame = top - FRAME_WORDS;

	for (unsigned i = 0; i < FRAME_WORDS; i++)
		frame[i] = 0;
	frame[RET_SLOT] = (uintptr_t)task_entry;
	*t = (struct task){ .sp = frame, .wake_at = 0, .idx = idx, .busy = true };
}

/* Give the CPU to t until it sleeps or returns. */
static void run_slice(struct task *t, unsigned slot)
{
	switched_to(t);
	ASAN_START(&s.main_fake, stacks[slot], TASK_STACK_BYTES);
	igb_task_switch(&s.main_sp, t->sp);
	ASAN_FINISH(s.main_fake, NULL, NULL);
	switched_to(NULL);
}

void task_run(task_fn *fn, void *const *args, unsigned n, void (*on_switch)(void *arg))
{
	unsigned rr = 0;

	s.fn = fn;
	s.args = args;
	s.on_switch = on_switch;
	for (unsigned i = 0; i < TASK_MAX; i++) {
		s.t[i].busy = false;
		if (i < n)
			task_start(&s.t[i], i, i);
	}
	for (;;) {
		unsigned busy = 0, pick = TASK_MAX;
		uint64_t now = plat_now_us(), first = UINT64_MAX;

		/* Round robin among those whose sleep is over. */
		for (unsigned k = 0; k < TASK_MAX; k++) {
			unsigned i = (rr + k) % TASK_MAX;
			busy += s.t[i].busy;
			if (s.t[i].busy && s.t[i].wake_at <= now && pick == TASK_MAX)
				pick = i;
			if (s.t[i].busy && s.t[i].wake_at < first)
				first = s.t[i].wake_at;
		}
		if (!busy)
			break;
		if (pick < TASK_MAX) {
			rr = pick + 1;
			run_slice(&s.t[pick], pick);
		} else {
			/* Every task sleeps: the CPU stalls until the first is due. */
			idle((uint32_t)(first - now));
		}
	}
	s.on_switch = NULL;
}

bool task_in_task(void)
{
	return s.cur != NULL;
}

void task_sleep(uint32_t us)
{
	struct task *t = s.cur;

	if (!t) {
		idle(us);
		return;
	}
	t->wake_at = plat_now_us() + us;
	ASAN_START(&t->fake, s.main_bottom, s.main_size);
	igb_task_switch(&t->sp, s.main_sp);
	ASAN_FINISH(t->fake, &s.main_bottom, &s.main_size);
}

/* How long a task waiting for a lock sleeps between looks: scheduling
 * only (no hardware waits on it), short against any case. */
#define TASK_LOCK_POLL_US 1000

static uint32_t my_bit(void)
{
	return s.cur ? 1u << s.cur->idx : 0;
}

void task_lock_shared(struct task_lock *l)
{
	if (!s.cur)
		return;
	while (l->writer >= 0 || l->want)
		task_sleep(TASK_LOCK_POLL_US);
	l->readers++;
}

void task_unlock_shared(struct task_lock *l)
{
	if (s.cur)
		l->readers--;
}

void task_lock_excl(struct task_lock *l)
{
	uint32_t me = my_bit();

	if (!s.cur)
		return;
	l->want |= me;
	/* The lowest waiting task goes first: the same order every run. */
	while (l->writer >= 0 || l->readers || (l->want & (me - 1)))
		task_sleep(TASK_LOCK_POLL_US);
	l->want &= ~me;
	l->writer = (int)s.cur->idx;
}

void task_unlock_excl(struct task_lock *l)
{
	if (s.cur)
		l->writer = -1;
}

void task_phase_enter(struct task_phase *p, unsigned phase)
{
	if (!s.cur)
		return;
	while (p->holders && p->phase != phase)
		task_sleep(TASK_LOCK_POLL_US);
	p->phase = phase;
	p->holders++;
}

void task_phase_leave(struct task_phase *p)
{
	if (s.cur)
		p->holders--;
}
