/* status.c - the names of return codes and exit statuses (status.h). */
#include "status.h"

const char *rc_name(int rc)
{
	switch (rc) {
	case RC_OK: return "ok";
	case RC_EINVAL: return "invalid argument";
	case RC_ENODEV: return "no such device";
	case RC_EIO: return "I/O error";
	case RC_ETIMEDOUT: return "timed out";
	case RC_ENOMEM: return "out of memory";
	case RC_ENOTSUP: return "not supported";
	case RC_ERANGE: return "out of range";
	case RC_EBUSY: return "in use by a firmware driver";
	case RC_EACCES: return "forbidden by manageability firmware";
	default: return "unknown error";
	}
}

const char *exit_meaning(int status)
{
	switch (status) {
	case IGBTEST_EXIT_PASS: return "all tests passed";
	case IGBTEST_EXIT_FAIL: return "a test failed";
	case IGBTEST_EXIT_USAGE: return "usage error";
	case IGBTEST_EXIT_NODEV: return "nothing to test";
	case IGBTEST_EXIT_REMOVED: return "a device was removed";
	default: return "could not run";
	}
}
