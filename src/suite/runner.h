/* runner.h - the harness's own parts, shared inside src/suite/ only. */
#ifndef IGBTEST_SUITE_RUNNER_H
#define IGBTEST_SUITE_RUNNER_H

#include "igb/igb_info.h"
#include "suite/suite.h"

/* fixture.c: one device's set-up and tear-down around its cases. */
void fixture_prepare(struct igb_dev *d, const struct pci_func *f);
/* NEEDS_LINK: the driver up on d (init if it is not): KTAP_PASS, or t's
 * verdict when it cannot be: a skip when the firmware forbids PHY loopback
 * or memory is short (not tested), a fail when init fails. */
enum ktap_result fixture_link(struct igb_dev *d, struct igb_drv *drv, struct test_run *t);
/* The driver removed from d if it is on it (before translation changes). */
void fixture_remove(struct igb_dev *d, struct igb_drv *drv);
void fixture_release(struct igb_dev *d, struct igb_drv *drv);
/* Around every case: the driver state a case may change put back before,
 * the driver removed after a failure. */
void fixture_before(struct igb_drv *drv);
void fixture_after(struct igb_dev *d, struct igb_drv *drv, enum ktap_result r);

/* At most this many 82576s are tested in one run (--device picks others). */
#define SUITE_MAX_DEVICES 32

/* summary.c: identities, outcomes, result lines, the table. */
void summary_reset(void);
/* Read d's board identity, print its "# device:" line, keep it for the JSON. */
void summary_board(struct igb_dev *d);
/* nsel records (KTAP_SKIP until a run passes) for d's selected cases in
 * the current mode, in run order; NULL when the table is full. */
struct suite_record *summary_add(const struct igb_dev *d, const struct options *o,
				 unsigned nsel);
/* The records made since index from, in blocks of `block` (one
 * summary_add each), put in the order of rank(first record of the block):
 * the order a serial run makes them in. Pointers into them move. */
void summary_sort(unsigned from, unsigned block,
		  unsigned (*rank)(const struct suite_record *));
/* The first record of bdf under mode m, or NULL. */
struct suite_record *summary_find(struct pci_bdf bdf, enum iommu_mode m);
/* Where a case counts past a full table. */
struct suite_record *summary_spare(void);
void summary_record(struct suite_record *rec, const struct test_run *t,
		    enum ktap_result r, uint64_t us, unsigned round);
void summary_result_line(const struct igb_dev *d, const struct test_run *t,
			 unsigned round, enum ktap_result r, uint64_t us);
/* "12.3 s": tenths of a second. */
void summary_secs(char *buf, size_t n, uint64_t us);
/* The table; not_run: selected (device, mode) pairs that never ran. */
void summary_print(unsigned not_run);

#endif
