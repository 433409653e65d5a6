/* igbtest.h - the program as a whole, called by the platform's entry point. */
#ifndef IGBTEST_H
#define IGBTEST_H

#define IGBTEST_VERSION "0.1.0"

/* Scan, print the inventory, test every 82576; returns an igbtest_exit. */
int igbtest_main(const char *platform_banner);

#endif
