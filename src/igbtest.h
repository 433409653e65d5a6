/* igbtest.h - the program as a whole, called by the platform's entry point. */
#ifndef IGBTEST_H
#define IGBTEST_H

#include <stddef.h>

#include "report/options.h"

#define IGBTEST_VERSION "0.1.0"
/* The build: the Makefile passes the git commit (and "-dirty"). */
#ifndef IGBTEST_BUILD_ID
#define IGBTEST_BUILD_ID "unknown"
#endif

/*
 * Do what o asks (o NULL: test everything with the defaults): print the
 * banner (version, build, then platform_banner's lines), then either the
 * usage error in o->error, --help, --version, --list, or scan, print the
 * inventory, test the selected 82576s and print the summary table.
 * Everything goes out as one KTAP document. Returns an igbtest_exit.
 */
int igbtest_run(const struct options *o, const char *platform_banner);

/*
 * The machine-readable summary of the last run as JSON: version, build,
 * exit status, and per device, mode and case the result, runs, failed
 * runs, the first and last failing round (0: none) and milliseconds.
 * Returns the length it needed (like snprintf).
 */
size_t igbtest_summary_json(char *buf, size_t n, int status);

#endif
