/* errwatch.h - the harness's PCIe error check around the cases (errwatch.c). */
#ifndef IGBTEST_ERRWATCH_H
#define IGBTEST_ERRWATCH_H

#include "suite/suite.h"

/* A new run: no device known yet. */
void errwatch_reset(void);
/* Before the device's first case: record (d->err_before), report, clear;
 * from then on its siblings' checks know it. */
void errwatch_begin(struct igb_dev *d);
/* A case begins on d (name), or its check is over (NULL): what the
 * siblings' checks share a port error with. */
void errwatch_case(struct igb_dev *d, const char *name);
/* After a case: errors it did not declare turn *r into a failure; so do
 * errors of the port that a sibling's check passed to it. */
void errwatch_after(struct igb_dev *d, struct test_run *t, enum ktap_result *r);

#endif
