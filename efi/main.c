/*
 * main.c - UEFI entry point: set up the platform, run igbtest, leave.
 *
 * crt0-efi calls efi_main with the System V ABI (no EFIAPI here).
 */
#include <efi.h>

#include "efi_banner.h"
#include "efi_files.h"
#include "efi_lib.h"
#include "efi_options.h"
#include "efi_platform.h"
#include "igbtest.h"
#include "platform.h"
#include "status.h"
#include "report/fmt.h"

/* Let a UART drain its FIFO before power-off (16 bytes at 115200 baud take
 * 1.4 ms; 50 ms is generous and unnoticeable). */
#define EXIT_SERIAL_DRAIN_US 50000

static void say(const char *s)
{
	plat_write(s, __builtin_strlen(s));
}

/* What --end=exit returns to the shell or boot manager, per exit status. */
static EFI_STATUS efi_status_of(int status)
{
	switch (status) {
	case IGBTEST_EXIT_PASS: return EFI_SUCCESS;
	case IGBTEST_EXIT_FAIL: return EFI_ABORTED;
	case IGBTEST_EXIT_USAGE: return EFI_INVALID_PARAMETER;
	case IGBTEST_EXIT_NODEV: return EFI_NOT_FOUND;
	default: return EFI_DEVICE_ERROR;
	}
}

/* Write the machine-readable summary next to the results file. */
static void close_results(int status)
{
	size_t len = igbtest_summary_json(NULL, 0, status);
	char *json = efi_alloc(len + 1);

	if (json)
		igbtest_summary_json(json, len + 1, status);
	efi_results_close(json, json ? len : 0);
	if (json)
		efi_free(json);
}

/* --end: power off (ends QEMU), reset, or return (to the shell). */
static EFI_STATUS end_run(enum opt_end end, bool shell, int status)
{
	if (end == OPT_END_AUTO)
		end = shell ? OPT_END_EXIT : OPT_END_SHUTDOWN;
	if (end == OPT_END_WAIT && ST->ConIn) {
		UINTN idx;
		EFI_INPUT_KEY key;
		say("# igbtest: done; press a key to return\n");
		ST->ConIn->Reset(ST->ConIn, FALSE);
		BS->WaitForEvent(1, &ST->ConIn->WaitForKey, &idx);
		ST->ConIn->ReadKeyStroke(ST->ConIn, &key);
	}
	BS->Stall(EXIT_SERIAL_DRAIN_US);
	if (end == OPT_END_SHUTDOWN || end == OPT_END_REBOOT)
		RT->ResetSystem(end == OPT_END_REBOOT ? EfiResetWarm : EfiResetShutdown,
				efi_status_of(status), 0, NULL);
	return efi_status_of(status);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static struct options opt;
	/* Each part sized for its longest form, the banner for them all. */
	char platform[320], machine[200], from[160], results[200] = "", soak[160] = "";
	char banner[sizeof(platform) + sizeof(machine) + sizeof(from) + sizeof(results) +
		    sizeof(soak)];
	bool shell = false;
	int status;

	efi_lib_init(image, systab);
	/* The boot manager arms a 5-minute watchdog before it starts a boot
	 * option and resets the host when it expires (UEFI 2.10 7.5,
	 * SetWatchdogTimer). A full run of four ports or a soak is longer:
	 * off, as GRUB turns it off (grub_efi_init); a lab's own job timeout
	 * ends a hung run. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	if (efi_platform_init(image) != EFI_SUCCESS) {
		say("igbtest: no PCI root bridge I/O protocol: cannot reach PCI\n");
		status = IGBTEST_EXIT_ERROR;
		options_defaults(&opt);
	} else {
		efi_boot_volume_open(image);
		efi_options_load(image, &opt, &shell, from, sizeof(from));
		if (opt.action == OPT_RUN && !opt.error[0])
			efi_results_open(opt.results, results, sizeof(results));
		efi_platform_describe(platform, sizeof(platform));
		efi_describe_machine(machine, sizeof(machine));
		if (opt.action == OPT_RUN && !opt.error[0] && opt.duration_s)
			efi_planned_end(soak, sizeof(soak), opt.duration_s);
		fmt_snprintf(banner, sizeof(banner), "%s\n%s\n%s%s%s%s%s", platform, machine,
			     from, results[0] ? "\n" : "", results, soak[0] ? "\n" : "", soak);
		status = igbtest_run(&opt, banner);
	}
	unsigned leaked = efi_platform_fini();
	/* After the DMA buffers are unmapped: the drivers we stopped get the
	 * NIC back, so a returning --end=exit leaves the network usable. */
	efi_pci_release_all();
	if (leaked) {
		char msg[96];
		fmt_snprintf(msg, sizeof(msg),
			     "# igbtest: freed %u DMA buffer%s left by the tests\n",
			     leaked, leaked == 1 ? "" : "s");
		say(msg);
	}
	close_results(status);
	efi_boot_volume_close();
	/* By default power off when not started from the shell: under QEMU
	 * this ends the VM; returning would drop into the firmware's boot
	 * menu and never exit. */
	return end_run(opt.end, shell, status);
}
