/* acpi.c - ACPI table headers checked before use (see acpi.h). */
#include "dma/acpi.h"

#include "report/fmt.h"

uint32_t acpi_table_check(const uint8_t *t, const char sig[4], uint32_t min_len,
			  char *why, size_t n)
{
	uint32_t len;
	uint8_t sum = 0;

	for (unsigned i = 0; i < 4; i++) {
		if (t[i] != (uint8_t)sig[i]) {
			fmt_snprintf(why, n, "ACPI %.4s: wrong signature", sig);
			return 0;
		}
	}
	len = acpi_le32(t + 4);
	if (len < min_len || len > ACPI_TABLE_MAX) {
		fmt_snprintf(why, n, "ACPI %.4s: length %u is malformed (expected %u to %u)",
			     sig, len, min_len, ACPI_TABLE_MAX);
		return 0;
	}
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	if (sum) {
		fmt_snprintf(why, n, "ACPI %.4s: checksum does not add up to 0 over its %u "
			     "bytes (corrupt table)", sig, len);
		return 0;
	}
	return len;
}
