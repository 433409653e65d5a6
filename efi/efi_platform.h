/* efi_platform.h - UEFI side of the platform interface: setup and teardown. */
#ifndef IGBTEST_EFI_PLATFORM_H
#define IGBTEST_EFI_PLATFORM_H

#include <efi.h>

#include "platform.h"

/* Our image handle (the agent of our protocol opens), set by init. */
extern EFI_HANDLE efi_image;
/* Find root bridges, PciIo handles, the serial route; calibrate the clock. */
EFI_STATUS efi_platform_init(EFI_HANDLE image);
/* Unmap and free every DMA allocation still held. Returns how many. */
unsigned efi_platform_fini(void);
/* 4 KiB pages in the UEFI memory map: free ones (conventional memory),
 * or all usable ones (free, or boot-time code and data). */
UINT64 efi_memory_pages(BOOLEAN free_only);
/* The PCI I/O handle of a function, NULL if the firmware made none. */
EFI_HANDLE efi_pci_handle(struct pci_bdf b);
/* Give back every function plat_pci_claim took: close our exclusive open
 * and reconnect the firmware's drivers (efi/claim.c). */
void efi_pci_release_all(void);
/* One line about the firmware and the console route, for the banner. */
void efi_platform_describe(char *buf, unsigned long n);

#endif
