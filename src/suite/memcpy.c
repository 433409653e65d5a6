/*
 * memcpy.c - the harness's side of the driver contract: the driver's
 * memcpy_wait only reports a failed copy; what to do about it is decided
 * here, once for every case (the VFIO selftest leaves recovery to its
 * tests the same way).
 */
#include "suite/suite.h"

#include "report/fmt.h"

int test_recover(struct test_run *t, struct flr_report *rep)
{
	struct igb_dev *d = t->drv->dev;
	int rc;

	*rep = (struct flr_report){ 0 };
	/* No FLR on a device that has left: it would only sit out its waits. */
	if (igb_gone(d, "before FLR recovery"))
		return RC_ENODEV;
	rc = igb_recover(t->drv, rep);
	if (rc && igb_gone(d, "when FLR + init failed: %s", rc_name(rc)))
		rc = RC_ENODEV;
	return rc;
}

/* After a timeout or a fault: FLR + init, and what that did appended to
 * last_error (seed series patch 8: CTRL.RST does not un-wedge the
 * descriptor engine after a DMA read fault, FLR does). */
static void recover(struct test_run *t)
{
	struct igb_drv *drv = t->drv;
	struct flr_report rep;
	char what[sizeof(drv->last_error)];
	size_t n;
	int rc;

	/* init starts the driver afresh: keep what went wrong. */
	fmt_snprintf(what, sizeof(what), "%s", drv->last_error);
	rc = test_recover(t, &rep);
	n = (size_t)fmt_snprintf(drv->last_error, sizeof(drv->last_error), "%s", what);
	if (n >= sizeof(drv->last_error))
		n = sizeof(drv->last_error) - 1;
	/* Said on a line of its own: a long failure reason can hide the tail. */
	ktap_diag("recovery: FLR + init %s%s", rc ? "failed: " : "done",
		  rc ? rc_name(rc) : "");
	if (rc && drv->dev->gone) {
		fmt_snprintf(drv->last_error + n, sizeof(drv->last_error) - n,
			     "; the device was removed");
	} else if (rc) {
		fmt_snprintf(drv->last_error + n, sizeof(drv->last_error) - n,
			     "; recovery by FLR failed: %s", rc_name(rc));
		drv->dev->dead = true;
		fmt_snprintf(drv->dev->dead_why, sizeof(drv->dev->dead_why),
			     "not recovered after a failed copy (FLR + init: %s)",
			     rc_name(rc));
	} else {
		fmt_snprintf(drv->last_error + n, sizeof(drv->last_error) - n,
			     "; recovered by FLR (%llu ms) and re-init",
			     (unsigned long long)(rep.pending_us + rep.reset_us +
						  rep.restore_us) / 1000);
	}
}

int test_memcpy_wait(struct test_run *t)
{
	struct igb_drv *drv = t->drv;
	int rc = igb_ops.memcpy_wait(drv);

	/* A device that has left: FLR cannot bring it back. */
	if (rc == RC_ETIMEDOUT && igb_gone(drv->dev, "when a copy timed out"))
		ktap_diag("recovery: not tried, the device was removed");
	else if ((rc == RC_ETIMEDOUT || drv->faulted) && !t->no_recover)
		recover(t);
	return rc;
}
