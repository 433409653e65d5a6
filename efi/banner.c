/*
 * banner.c - the machine in one line for the banner: CPU, memory, clock.
 *
 * A lab log names the host it came from: the CPU's brand string (CPUID
 * leaves 0x80000002-4 on x86), the memory the firmware's map calls usable,
 * whether Secure Boot is enforcing, and the RTC's date and time (as set in
 * the firmware: not trusted for anything but the log).
 */
#include <efi.h>

#include "efi_banner.h"
#include "efi_lib.h"
#include "efi_platform.h"
#include "report/fmt.h"

static void cpu_brand(char *out, unsigned n)
{
#if defined(__x86_64__)
	uint32_t r[12], max;
	char *c = (char *)r;
	unsigned o = 0;

	__asm__ volatile("cpuid" : "=a"(max) : "a"(0x80000000u) : "ebx", "ecx", "edx");
	if (max < 0x80000004u) {
		fmt_snprintf(out, n, "x86-64 (no brand string)");
		return;
	}
	for (unsigned i = 0; i < 3; i++)
		__asm__ volatile("cpuid"
				 : "=a"(r[4 * i]), "=b"(r[4 * i + 1]), "=c"(r[4 * i + 2]),
				   "=d"(r[4 * i + 3])
				 : "a"(0x80000002u + i));
	for (unsigned i = 0; i < 48 && c[i] && o + 1 < n; i++) {
		if (c[i] == ' ' && (o == 0 || out[o - 1] == ' '))
			continue; /* brand strings are padded with spaces */
		out[o++] = (c[i] >= 0x20 && c[i] < 0x7f) ? c[i] : '?';
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
#elif defined(__aarch64__)
	uint64_t midr;
	__asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
	fmt_snprintf(out, n, "arm64 MIDR 0x%08llx", (unsigned long long)midr);
#else
	fmt_snprintf(out, n, "unknown");
#endif
}

/* The SecureBoot global variable (UEFI 2.x 3.3): 1 while enforcing. */
static const char *secure_boot(void)
{
	UINTN size = 0;
	UINT8 *v = efi_variable(L"SecureBoot", &efi_global_variable_guid, &size);
	const char *s = !v || size != 1 ? "unknown" : *v == 1 ? "on" : "off";

	if (v)
		efi_free(v);
	return s;
}

void efi_describe_machine(char *buf, unsigned long n)
{
	char cpu[64], when[40] = "no firmware clock";
	EFI_TIME t;

	cpu_brand(cpu, sizeof(cpu));
	if (RT->GetTime(&t, NULL) == EFI_SUCCESS)
		fmt_snprintf(when, sizeof(when), "firmware clock %04u-%02u-%02u %02u:%02u:%02u",
			     t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second);
	fmt_snprintf(buf, n, "machine: %s; %llu MiB usable memory; Secure Boot %s; %s",
		     cpu, (unsigned long long)(efi_memory_pages(FALSE) * EFI_PAGE_SIZE >> 20), secure_boot(), when);
}

void efi_planned_end(char *buf, unsigned long n, uint32_t secs)
{
	EFI_TIME t;
	char end[32];

	if (RT->GetTime(&t, NULL) != EFI_SUCCESS) {
		fmt_snprintf(buf, n, "soak: planned end %lu s after the start (no firmware "
			     "clock); the round running then finishes", (unsigned long)secs);
		return;
	}
	fmt_datetime_plus(end, sizeof(end), (struct fmt_datetime){ t.Year, t.Month, t.Day,
		t.Hour, t.Minute, t.Second }, secs);
	fmt_snprintf(buf, n, "soak: planned end %s by the firmware clock (%lu s after the "
		     "start); the round running then finishes", end, (unsigned long)secs);
}
