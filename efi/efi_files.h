/* efi_files.h - the boot volume: config file in, results file out. */
#ifndef IGBTEST_EFI_FILES_H
#define IGBTEST_EFI_FILES_H

#include <efi.h>
#include <stddef.h>

#include "report/options.h"

/* Open the file system our image was loaded from (the boot volume). */
EFI_STATUS efi_boot_volume_open(EFI_HANDLE image);
void efi_boot_volume_close(void);
/* Where efi_file_read stopped, for the message that says why. */
enum efi_read_step {
	EFI_READ_OPEN,   /* opening the path failed (EFI_NOT_FOUND: no such file) */
	EFI_READ_FOLDER, /* the path is a folder (returns EFI_INVALID_PARAMETER) */
	EFI_READ_INFO,   /* its file information could not be read */
	EFI_READ_DATA,   /* reading its bytes failed, or too many (BUFFER_TOO_SMALL) */
};
/* Read a whole file (path '\' separated) into buf; EFI_BUFFER_TOO_SMALL
 * when it is larger than max. *step says where a failure happened. */
EFI_STATUS efi_file_read(const char *path, char *buf, UINTN max, UINTN *len,
			 enum efi_read_step *step);

/*
 * Create a new results file run-NNNN.ktap in dir (created if missing; ""
 * means no results file), never reusing an earlier run's name. desc gets
 * one line for the banner: where the file is, or why there is none.
 */
EFI_STATUS efi_results_open(const char *dir, char *desc, UINTN n);
/* Append output to the results file (plat_write calls this). */
void efi_results_write(const char *s, size_t len);
/* Flush and close it; write the machine-readable summary next to it. */
void efi_results_close(const char *summary, size_t len);

const char *efi_status_str(EFI_STATUS s);

#endif
