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
	uint64_t progress_at;         /* test_progress: when it last printed */
	struct test_measure measures[TEST_MAX_MEASURES];
	unsigned nmeasures;
};

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

/* Scratch DMA memory for one test case; the runner frees it afterwards. */
int test_alloc(struct test_run *t, struct igb_dev *d, size_t size, uint8_t **out);
/* The same with dma_alloc_flags' flags (DMA_UNMAPPED: a fault target). */
int test_alloc_flags(struct test_run *t, struct igb_dev *d, size_t size,
		     unsigned flags, uint8_t **out);

/* Prerequisites the runner checks before calling a case. */
enum test_needs {
	NEEDS_NOTHING = 0,
	NEEDS_BAR0 = 1 << 0, /* a usable CSR window */
	NEEDS_LINK = 1 << 1, /* driver initialised, loopback link up */
};

struct igb_test {
	const char *name;
	const char *desc; /* one line, for --list */
	unsigned needs;
	enum ktap_result (*run)(struct igb_dev *d, struct test_run *t);
};

/* Record a failure (also printed as a diagnostic) and return KTAP_FAIL. */
enum ktap_result test_fail(struct test_run *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record why the case cannot run here and return KTAP_SKIP. */
enum ktap_result test_skip(struct test_run *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Test cases, by file. */
extern const struct igb_test igb_basic_tests[];
extern const unsigned igb_basic_ntests;
extern const struct igb_test igb_regtest_tests[];
extern const unsigned igb_regtest_ntests;
extern const struct igb_test igb_irq_tests[];
extern const unsigned igb_irq_ntests;
extern const struct igb_test igb_fault_tests[];
extern const unsigned igb_fault_ntests;
extern const struct igb_test igb_sriov_tests[];
extern const unsigned igb_sriov_ntests;
extern const struct igb_test igb_dma_tests[];
extern const unsigned igb_dma_ntests;

/* The registry in run order: how many cases, and case i. */
unsigned suite_case_count(void);
const struct igb_test *suite_case(unsigned i);

/* Process exit statuses (kselftest-like). */
enum igbtest_exit {
	IGBTEST_EXIT_PASS = 0,
	IGBTEST_EXIT_FAIL = 1,
	IGBTEST_EXIT_USAGE = 2,
	IGBTEST_EXIT_ERROR = 3,   /* could not run: platform or internal error */
	IGBTEST_EXIT_NODEV = 4,   /* nothing to test (kselftest's KSFT_SKIP) */
};

/* Run every case on every 82576 in inv; returns an igbtest_exit status. */
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
	unsigned runs, fails;
	uint64_t us;             /* time spent in the case, all rounds */
	struct test_measure measures[TEST_MAX_MEASURES]; /* the last run's */
	unsigned nmeasures;
};
#define SUITE_MAX_RECORDS 1024
unsigned suite_record_count(void);
const struct suite_record *suite_record(unsigned i);

#endif
