/* igbtest.c - the run: banner, inventory, per-device suites, totals. */
#include "igbtest.h"

#include "igb/igb.h"
#include "igb/suite.h"
#include "pci/pci.h"
#include "report/ktap.h"

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
	default: return "unknown error";
	}
}

static const char *exit_meaning(int status)
{
	switch (status) {
	case IGBTEST_EXIT_PASS: return "all tests passed";
	case IGBTEST_EXIT_FAIL: return "a test failed";
	case IGBTEST_EXIT_USAGE: return "usage error";
	case IGBTEST_EXIT_NODEV: return "nothing to test";
	default: return "could not run";
	}
}

static void ktap_to_platform(const char *line, size_t len)
{
	plat_write(line, len);
}

/* Large: lives in static storage, not on the firmware's small stack. */
static struct pci_inventory inventory;

int igbtest_main(const char *platform_banner)
{
	int status, rc;

	ktap_init(ktap_to_platform);
	ktap_version();
	ktap_diag("igbtest %s: Intel 82576 qualification, pre-OS", IGBTEST_VERSION);
	if (platform_banner)
		ktap_diag("%s", platform_banner);

	rc = pci_scan(&inventory);
	if (rc) {
		ktap_diag("PCI scan failed: %s", rc_name(rc));
		ktap_skip_all("PCI scan failed");
		status = IGBTEST_EXIT_ERROR;
	} else {
		pci_print_inventory(&inventory, igb_func_is_82576);
		status = suite_run(&inventory);
	}
	ktap_diag("igbtest: exit status %d (%s)", status, exit_meaning(status));
	return status;
}
