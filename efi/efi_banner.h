/* efi_banner.h - what the banner says about the machine. */
#ifndef IGBTEST_EFI_BANNER_H
#define IGBTEST_EFI_BANNER_H

/* "machine: CPU brand; N MiB usable memory; Secure Boot on; firmware clock ..." */
void efi_describe_machine(char *buf, unsigned long n);

#endif
