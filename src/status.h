/*
 * status.h - return codes and exit statuses, with their names: a leaf
 * that any file may include (it includes nothing of ours).
 */
#ifndef IGBTEST_STATUS_H
#define IGBTEST_STATUS_H

/* Return codes: 0 is success, the rest are negative (iPXE style). */
enum rc {
	RC_OK = 0,
	RC_EINVAL = -1,    /* bad argument */
	RC_ENODEV = -2,    /* no such device / function absent */
	RC_EIO = -3,       /* the hardware answered wrongly */
	RC_ETIMEDOUT = -4, /* a bounded wait ran out */
	RC_ENOMEM = -5,    /* out of memory or address space */
	RC_ENOTSUP = -6,   /* not available on this platform */
	RC_ERANGE = -7,    /* value out of range */
	RC_EBUSY = -8,     /* held by a firmware driver that would not let go */
	RC_EACCES = -9,    /* forbidden by the NIC's manageability firmware */
};

/* "timed out" for RC_ETIMEDOUT; "unknown error" for anything else. */
const char *rc_name(int rc);

/* Process exit statuses (kselftest-like). */
enum igbtest_exit {
	IGBTEST_EXIT_PASS = 0,
	IGBTEST_EXIT_FAIL = 1,
	IGBTEST_EXIT_USAGE = 2,
	IGBTEST_EXIT_ERROR = 3,   /* could not run: platform or internal error */
	IGBTEST_EXIT_NODEV = 4,   /* nothing to test (kselftest's KSFT_SKIP) */
	IGBTEST_EXIT_REMOVED = 5, /* a device left the bus mid-run; no NIC failed */
};

/* "all tests passed", "a test failed", ... as the last line says it. */
const char *exit_meaning(int status);

#endif
