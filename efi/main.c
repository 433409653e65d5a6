/*
 * main.c - UEFI entry point: set up the platform, run igbtest, leave.
 *
 * crt0-efi calls efi_main with the System V ABI (no EFIAPI here).
 */
#include <efi.h>
#include <efilib.h>

#include "efi_platform.h"
#include "igb/suite.h"
#include "igbtest.h"
#include "platform.h"
#include "report/fmt.h"

/* Let a UART drain its FIFO before power-off (16 bytes at 115200 baud take
 * 1.4 ms; 50 ms is generous and unnoticeable). */
#define EXIT_SERIAL_DRAIN_US 50000

static void say(const char *s)
{
	plat_write(s, __builtin_strlen(s));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	char banner[200];
	int status;

	InitializeLib(image, systab);
	if (efi_platform_init(image) != EFI_SUCCESS) {
		say("igbtest: no PCI root bridge I/O protocol: cannot reach PCI\n");
		status = IGBTEST_EXIT_ERROR;
	} else {
		efi_platform_describe(banner, sizeof(banner));
		status = igbtest_main(banner);
	}
	unsigned leaked = efi_platform_fini();
	if (leaked) {
		char msg[96];
		fmt_snprintf(msg, sizeof(msg),
			     "# igbtest: freed %u DMA buffer%s left by the tests\n",
			     leaked, leaked == 1 ? "" : "s");
		say(msg);
	}
	BS->Stall(EXIT_SERIAL_DRAIN_US);
	/* Power off: under QEMU this ends the VM; returning would drop into
	 * the firmware's boot menu and never exit. */
	RT->ResetSystem(EfiResetShutdown, status ? EFI_ABORTED : EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
