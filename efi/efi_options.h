/* efi_options.h - igbtest's options from the shell, LoadOptions or the config file. */
#ifndef IGBTEST_EFI_OPTIONS_H
#define IGBTEST_EFI_OPTIONS_H

#include <efi.h>

#include "report/options.h"

/* Read when the app gets no arguments (booted as BOOTX64.EFI). */
#define EFI_CONFIG_PATH "\\EFI\\igbtest\\igbtest.cfg"

/*
 * Fill o from the first source that has options: the shell's argv, the
 * LoadOptions string, the config file (the boot volume must be open).
 * A parse error is left in o->error. *shell: started from the UEFI shell.
 * desc gets one line for the banner saying where the options came from.
 */
void efi_options_load(EFI_HANDLE image, struct options *o, bool *shell, char *desc,
		      UINTN n);

#endif
