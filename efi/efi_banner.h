/* efi_banner.h - what the banner says about the machine. */
#ifndef IGBTEST_EFI_BANNER_H
#define IGBTEST_EFI_BANNER_H

#include <stdint.h>

/* "machine: CPU brand; N MiB usable memory; Secure Boot on; firmware clock ..." */
void efi_describe_machine(char *buf, unsigned long n);
/* "soak: planned end <firmware clock now + secs> ..." for --duration. */
void efi_planned_end(char *buf, unsigned long n, uint32_t secs);

#endif
