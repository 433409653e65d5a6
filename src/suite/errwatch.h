/* errwatch.h - the harness's PCIe error check around the cases (errwatch.c). */
#ifndef IGBTEST_ERRWATCH_H
#define IGBTEST_ERRWATCH_H

#include "suite/suite.h"

/* Before the device's first case: record (d->err_before), report, clear. */
void errwatch_begin(struct igb_dev *d);
/* After a case: errors it did not declare turn *r into a failure. */
void errwatch_after(struct igb_dev *d, struct test_run *t, enum ktap_result *r);

#endif
