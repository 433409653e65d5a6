/* suite.h - the per-device test case registry and its runner. */
#ifndef IGBTEST_SUITE_H
#define IGBTEST_SUITE_H

#include "dma/dma.h"
#include "dma/iommu.h"
#include "igb/igb.h"
#include "igb/igb_drv.h"
#include "report/ktap.h"
#include "report/options.h"

#define TEST_REASON_MAX 512 /* a longer skip reason is also printed whole */
#define TEST_MAX_BUFS 4
#define TEST_MAX_MEASURES 4

/* A key figure of a case: "frames_9000" 5527 "MB/s" (key, unit: literals). */
struct test_measure {
	const char *key;
	uint64_t value;
	const char *unit;
};

/* What one test case works with and reports back besides its result. */
struct test_run {
	const char *name;
	char reason[TEST_REASON_MAX]; /* failure or skip reason */
	struct igb_drv *drv;          /* the device's driver (NEEDS_LINK: up) */
	struct dma_buf *bufs[TEST_MAX_BUFS]; /* scratch, freed by the runner */
	const struct options *opt;    /* the run's options (e.g. storm size) */
	bool no_recover;              /* leave a failed copy's device as it is */
	bool fault_window;            /* holds the fault window (test_fault_start) */
	unsigned strays_at;           /* its unit's stray faults when it took it */
	uint64_t progress_at;         /* test_progress: when it last printed */
	struct test_measure measures[TEST_MAX_MEASURES];
	unsigned nmeasures;
	bool removed;                 /* the device's removal (its one failure) */
	uint64_t us_before;           /* time its result took before the case
				       * was called (a NEEDS_PORTS pass) */
	uint64_t idle_us_before;      /* of which the CPU idled */
	bool ahead;                   /* a NEEDS_PORTS head start (d: the port) */
	/* PCIe error bits the case expects to raise (test_expect_pcie). */
	struct pci_err allow_dev, allow_port;
	const char *allow_why;
};

/*
 * The harness reads the PCIe error status of the device and of the port
 * above it after every case and fails a case that raised errors it did
 * not expect. A case that provokes errors on purpose (a DMA fault) says
 * which bits it may raise, and why, before it does; with port bits, from
 * then until its check no other function below that port runs a case
 * (side by side: it waits for theirs to end), since the port may log the
 * error without saying whose it is (errwatch.c).
 */
void test_expect_pcie(struct test_run *t, const struct pci_err *dev,
		      const struct pci_err *port, const char *why);
/* What a DMA fault may leave (a completion timeout, or an unsupported
 * request / completer abort completion from the root complex or the
 * IOMMU): PCIe 4.0 6.2.7, 2.3.2 and 6.2.3.2.5, as the requester and as
 * the port that carried it see it. */
extern const struct pci_err test_dma_fault_dev, test_dma_fault_port;

/*
 * How a long case is getting on, for whoever watches the console:
 * "name: text" at most once every TEST_PROGRESS_US (2 s) of the case.
 */
#define TEST_PROGRESS_US 2000000ull
void test_progress(struct test_run *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record a key measurement: shown in the summary table, the JSON summary
 * and as a "# result: <case id>.<key>" line of its own after the result. */
void test_measure(struct test_run *t, const char *key, uint64_t value, const char *unit);

/* The host could not give the case size bytes of DMA memory: the case is
 * not tested (a skip saying so), never a NIC failure. */
enum ktap_result test_no_memory(struct test_run *t, size_t size, int rc);
/* Give back one test_alloc buffer early (p: what it returned). */
void test_free(struct test_run *t, const uint8_t *p);

/*
 * Recovery is the harness's, never the driver's (its memcpy_wait only
 * reports): test_recover is ops.remove then igb_flr_init (FLR + init),
 * closing a fault window in between (test_fault_start), unless the device
 * has left the bus (igb_gone, checked before and after a failure), which
 * gets RC_ENODEV and no FLR. test_memcpy_wait is ops.memcpy_wait for a
 * case: after a copy that timed out or faulted the device is recovered
 * (said in a diagnostic and appended to drv->seen.last_error) unless
 * t->no_recover; a device that has left is not. Returns memcpy_wait's
 * result.
 */
int test_recover(struct test_run *t, struct flr_report *rep);
int test_memcpy_wait(struct test_run *t);

/*
 * A copy meant to fault (DMA the device must not be able to do): the
 * fault window is taken first, so no other device has a deliberate fault
 * in flight until this one's is over (suite.c says why), then
 * ops.memcpy_start. test_memcpy_wait closes the window when the copy
 * completed; after a fault or a timeout test_recover closes it once the
 * driver is removed (the device quiesced), before the FLR. A case that
 * keeps the device as it is (t->no_recover) closes it itself with
 * test_fault_end once it has removed the driver; the runner closes a
 * window a case left open, removing the driver first, and recovers the
 * device by FLR (test_recover) before the case's PCIe error check.
 */
int test_fault_start(struct test_run *t, const void *src, void *dst, size_t size);
/* A faulting copy that found no fault of its device's: "" or, when the
 * unit recorded faults from ids with no domain (DMA from something not
 * under test) since t took its last fault window, at least as many as
 * its log holds, a note saying they may have crowded it out (the log
 * they share drops faults when full), for the case's reason. */
const char *test_fault_strays(struct test_run *t, char *buf, size_t n);
/* The device's remaining faults (the rest of the faulting copy's) dropped,
 * the window given back; nothing when t holds none. The device must be
 * quiesced or its copy complete. */
void test_fault_end(struct test_run *t);

/*
 * The checked copy, the one way cases copy data through the NIC. Buffers
 * from test_bufs_alloc (freed with the case); test_memcpy fills the source
 * bytes it copies with a pattern no earlier copy into these buffers had,
 * the copy header at each frame's start (a copy moves payloads: every
 * frame starts with igb_copy_hdr, never with pattern bytes, igb_drv.h),
 * poisons the destination's guard bytes, copies size bytes from
 * src+TEST_GUARD+so to dst+TEST_GUARD+doff count times (ops.memcpy_start,
 * test_memcpy_wait) and checks the destination holds exactly the source
 * bytes, the source is unchanged, and the TEST_GUARD bytes either side of
 * both are untouched. Fails t with what differed.
 */
#define TEST_GUARD 64      /* bytes checked either side of every copy */
#define TEST_MAX_OFFSET 64 /* so and doff stay below this */
struct test_bufs {
	uint8_t *src, *dst;
	size_t cap;        /* each buffer's size */
	size_t size;       /* the largest copy they hold, at any offset */
	unsigned copies;   /* test_memcpy's so far: each has a pattern of its own */
};
struct test_copy {
	size_t size, so, doff;
	unsigned count;    /* repetitions (0: one) */
	uint64_t us;       /* out: memcpy_start to completion */
};
/* Buffers for copies of max_size bytes; a host without that much DMA
 * memory leaves the case not tested (test_no_memory's skip). */
enum ktap_result test_bufs_alloc(struct test_run *t, struct igb_dev *d, size_t max_size,
				 struct test_bufs *b);
/* Buffers for copies of want bytes, or of less when the host has less DMA
 * memory: halved, in whole units, down to min, the least the case still
 * means something with (b->size says which; a smaller one is said in a
 * diagnostic); below min the case is not tested. */
enum ktap_result test_bufs_fit(struct test_run *t, struct igb_dev *d, size_t want,
			       size_t min, size_t unit, struct test_bufs *b);
/* The allocation itself, with dma_alloc_flags' flags: its rc, and nothing
 * kept on failure. */
int test_bufs_try(struct test_run *t, struct igb_dev *d, size_t max_size, unsigned flags,
		  struct test_bufs *b);
enum ktap_result test_memcpy(struct test_run *t, struct test_bufs *b, struct test_copy *c);
/* Index of the first byte where a and b differ, or n. */
size_t test_first_diff(const uint8_t *a, const uint8_t *b, size_t n);

/* Scratch DMA memory for one test case; the runner frees it afterwards. */
int test_alloc(struct test_run *t, struct igb_dev *d, size_t size, uint8_t **out);
/* The same with dma_alloc_flags' flags (DMA_UNMAPPED: a fault target). */
int test_alloc_flags(struct test_run *t, struct igb_dev *d, size_t size,
		     unsigned flags, uint8_t **out);
/* test_alloc_flags for a case that cannot go on without the memory:
 * KTAP_PASS, or test_no_memory's skip (TRY(test_buf(...))). */
enum ktap_result test_buf(struct test_run *t, struct igb_dev *d, size_t size,
			  unsigned flags, uint8_t **out);

/* Prerequisites the runner checks before calling a case. */
enum test_needs {
	NEEDS_NOTHING = 0,
	NEEDS_BAR0 = 1 << 0, /* a usable CSR window */
	NEEDS_LINK = 1 << 1, /* driver initialised, loopback link up */
	NEEDS_FLR = 1 << 2,  /* the function advertises FLR (cap_pcie_flr) */
	/* No other device's case runs meanwhile when devices are tested side
	 * by side: it uses what is shared (the PCI address space for VF BARs)
	 * or its figure is the device's alone. */
	NEEDS_ALONE = 1 << 3,
	/*
	 * It drives every port of the run at once (port_pair; MODES_OFF).
	 * Once a round, before the device blocks, with every port idle and
	 * translation off, the runner calls it with d NULL: its pass over the
	 * ports (suite_ports). Then in each device's block it is called as
	 * every case is and says what the pass found for that port. The
	 * blocks themselves run side by side. Before the first round, once
	 * every port is prepared and its PCIe errors recorded, it is called
	 * with t->ahead set for each port: it may start there what its pass
	 * will wait for, nothing that changes what the pass finds.
	 */
	NEEDS_PORTS = 1 << 4,
};

/* The DMA remapping modes a case means something in (bits of enum
 * iommu_mode); in the others the runner skips it with one standard reason. */
#define MODE(m) (1u << (m))
#define MODES_ANY (MODE(IOMMU_NMODES) - 1)
#define MODES_STRICT MODE(IOMMU_STRICT)
#define MODES_OFF MODE(IOMMU_OFF)
/*
 * A case whose outcome cannot depend on DMA remapping: it issues no DMA
 * (config space, registers with bus mastering off, NVM, PHY, mailbox).
 * It runs once per device and round, in the first mode that runs; the
 * other modes' blocks skip it with MODE_INDEPENDENT_SKIP "<mode>".
 */
#define MODE_INDEPENDENT (1u << 16)
#define MODES_ONCE (MODES_ANY | MODE_INDEPENDENT)
#define MODE_INDEPENDENT_SKIP "mode-independent: result in mode "

typedef enum ktap_result igb_case_fn(struct igb_dev *d, struct test_run *t);

struct igb_test {
	const char *name;
	const char *desc;  /* one line, for --list */
	unsigned needs;    /* enum test_needs */
	unsigned modes;    /* MODES_*: MODES_ANY, MODES_STRICT, MODES_ONCE */
	igb_case_fn *run;
};

/*
 * One row of a group's table, the case's one declaration:
 *   IGB_CASE(eicr_write_to_clear, NEEDS_LINK, MODES_ANY, "EICR bits ...")
 * runs case_eicr_write_to_clear(d, t) under the name "eicr_write_to_clear".
 */
#define IGB_CASE(name_, needs_, modes_, desc_) \
	{ .name = #name_, .desc = desc_, .needs = needs_, .modes = modes_, \
	  .run = case_##name_ }

/* A group of cases: one file src/cases/<name>.c, one row of the README's
 * case table (title), in the run order of the registry (suite.c). */
struct igb_group {
	const char *name;
	const char *title;
	const struct igb_test *cases;
	unsigned n;
};
#define IGB_GROUP(name_, title_, table_) \
	const struct igb_group igb_group_##name_ = { \
		.name = #name_, .title = title_, .cases = table_, \
		.n = sizeof(table_) / sizeof(table_[0]) }

/*
 * A missing capability fails once, in the case that checks it; a case
 * that depends on it skips with one of these, naming that case.
 */
#define TEST_NO_FLR "needs FLR, which the function does not advertise " \
	"(cap_pcie_flr fails for that)"
#define TEST_NO_MSIX "needs MSI-X, which the function does not have " \
	"(cap_msix fails for that)"

/* Record a failure (also printed as a diagnostic) and return KTAP_FAIL. */
enum ktap_result test_fail(struct test_run *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record why the case cannot run here and return KTAP_SKIP. */
enum ktap_result test_skip(struct test_run *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * One-line checks for cases, as kselftest_harness.h has them. The ASSERT
 * kind returns from the case when it does not hold; EXPECT records the
 * first failure in r and lets the case go on to its clean-up.
 *   TRY(step(t))                   a step's result, unless it passed
 *   ASSERT(t, cond, fmt, ...)      cond false: fail with the reason
 *   ASSERT_OK(t, rc_expr, "what")  nonzero rc: fail "what: <rc name>"
 *   EXPECT(t, r, cond, fmt, ...)   cond false and r passing: r = failure
 *   SKIP(t, fmt, ...)              not testable here, with the reason
 */
#define TRY(step) do { \
	enum ktap_result try_r_ = (step); \
	if (try_r_ != KTAP_PASS) \
		return try_r_; \
} while (0)
#define ASSERT(t, cond, ...) do { \
	if (!(cond)) \
		return test_fail((t), __VA_ARGS__); \
} while (0)
#define ASSERT_OK(t, rc_expr, what) do { \
	int assert_rc_ = (rc_expr); \
	if (assert_rc_) \
		return test_fail((t), "%s: %s", (what), rc_name(assert_rc_)); \
} while (0)
#define EXPECT(t, r, cond, ...) do { \
	if ((r) == KTAP_PASS && !(cond)) \
		(r) = test_fail((t), __VA_ARGS__); \
} while (0)
#define SKIP(t, ...) return test_skip((t), __VA_ARGS__)

/* The groups, by file (src/cases/). */
extern const struct igb_group igb_group_identity, igb_group_registers, igb_group_copy,
	igb_group_msix, igb_group_sriov, igb_group_flr_fault, igb_group_power,
	igb_group_interrupts, igb_group_link, igb_group_pcie, igb_group_board,
	igb_group_stats;

/* The registry in run order: how many cases, and case i. */
unsigned suite_case_count(void);
const struct igb_test *suite_case(unsigned i);
/* The groups in run order: how many, and group g. */
unsigned suite_group_count(void);
const struct igb_group *suite_group(unsigned g);

/*
 * --list: a header line, then per group "group NAME: TITLE" and per case
 * "  NAME NEEDS MODES DESCRIPTION" (NEEDS: bar0, link, flr as a comma list
 * or "-"; MODES: the IOMMU modes it runs in, a comma list). The README's
 * case table and tests/qemu read the registry in this shape.
 */
void suite_list(void);

/*
 * For the host tests of case isolation: on the 82576 at f, under
 * iommu=off, run registry cases seq[0..n) in that order exactly as
 * suite_run runs each (fixture included); out[k] gets step k's verdict.
 * Returns RC_OK, or why the mode could not start.
 */
int suite_run_sequence(const struct pci_func *f, const unsigned *seq, unsigned n,
		       enum ktap_result *out);

/*
 * For the host tests of the side-by-side output's overflow: each device's
 * buffer holds bytes (0: the product's 256 KiB, also the most) from the
 * next run on.
 */
void suite_side_out_limit(size_t bytes);
/* And of a device's wait for its turn to print: the most the device ahead
 * may go without the CPU (0: the product's SIDE_AHEAD_RUNS_US). */
void suite_side_turn_limit(uint64_t us);

/*
 * For a NEEDS_PORTS case's pass: the 82576s of this run it may drive, in
 * run order (selected, claimed from any firmware driver, BAR0 usable, not
 * dead, still answering), at most max into out; how many. Nothing else
 * may be touched. And a number that changes with every round and every
 * run: what a pass learnt of them holds until then.
 */
unsigned suite_ports(struct igb_dev **out, unsigned max);
#define SUITE_MAX_DEVICES 32 /* 82576s tested in one run */
unsigned suite_round_id(void);

/*
 * Take every 82576 in inv that is selected, as soon as it is claimed:
 * prepared (fixture_prepare), its PCIe errors recorded, and its
 * NEEDS_PORTS head start begun; nothing is printed. Then suite_run runs
 * every case on each; it returns an igbtest_exit status.
 */
void suite_prepare(const struct pci_inventory *inv);
int suite_run(const struct pci_inventory *inv);

/*
 * The options suite_run follows: case selection (--only/--exclude),
 * devices (--device), rounds (--repeat/--duration), verbosity, storm size.
 * NULL (the default): every case once on every 82576.
 */
void suite_configure(const struct options *o);
/* Whether suite_run would test this function (an 82576 --device selects). */
bool suite_device_selected(const struct pci_func *f);

/* One (device, case) outcome of the last suite_run, rounds folded in. */
struct suite_record {
	struct pci_bdf bdf;
	enum iommu_mode mode;    /* the DMA remapping mode it ran under */
	const struct igb_test *tc;
	enum ktap_result result; /* FAIL if any round failed, SKIP if all skipped */
	bool removed;            /* the FAIL is the device's removal, not the NIC's */
	unsigned runs, fails;
	unsigned first_fail_round, last_fail_round; /* 0: never failed */
	uint64_t us;             /* time spent in the case, all rounds */
	struct test_measure measures[TEST_MAX_MEASURES]; /* the last run's */
	unsigned nmeasures;
};
/* Records are made once per device, mode and case, whatever the rounds:
 * room for a host full of 82576s (32 tested) in three modes. */
#define SUITE_MAX_RECORDS 4096
unsigned suite_record_count(void);
const struct suite_record *suite_record(unsigned i);
/* The records and the tested boards as JSON members, "results": [...],
 * "devices": [...] (snprintf-like). */
size_t suite_results_json(char *buf, size_t n);

#endif
