/* errwatch.h - the harness's PCIe error check around the cases (errwatch.c). */
#ifndef IGBTEST_ERRWATCH_H
#define IGBTEST_ERRWATCH_H

#include "suite/suite.h"

/* A new run: no device known yet. */
void errwatch_reset(void);
/* Before anything touches the device: record (d->err_before) and clear;
 * from then on its siblings' checks know it. errwatch_say reports what
 * was found, once every device of the run is recorded. */
void errwatch_begin(struct igb_dev *d);
void errwatch_say(const struct igb_dev *d);
/* A case begins on d (name), or its check is over (NULL): what the
 * siblings' checks share a port error with. The case holds its port's
 * lock meanwhile (shared; exclusive from test_expect_pcie on). */
void errwatch_case(struct igb_dev *d, const char *name);
/* After a case: errors it did not declare turn *r into a failure; so do
 * errors of the port that a sibling's check passed to it, and those its
 * pass over every port left on d (errwatch_pass_end). */
void errwatch_after(struct igb_dev *d, struct test_run *t, enum ktap_result *r);
/* After a NEEDS_PORTS case's pass (name): what it left on each device and
 * its port is read, cleared and kept for that case's check in the
 * device's block (nothing else runs during the pass). */
void errwatch_pass_end(const char *name);

#endif
