/*
 * acpi.h - reading the ACPI tables that describe remapping units (DMAR,
 * IVRS, IORT) without trusting them: little-endian fields read bytewise
 * (tables are packed), and a table is used only when its header holds
 * together.
 */
#ifndef IGBTEST_ACPI_H
#define IGBTEST_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HEADER_LEN	36
/* No remapping table of a real machine comes near this; a longer length
 * field is corrupt, and reading that far could leave mapped memory. */
#define ACPI_TABLE_MAX	(1u << 20)

static inline uint16_t acpi_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t acpi_le32(const uint8_t *p)
{
	return acpi_le16(p) | (uint32_t)acpi_le16(p + 2) << 16;
}
static inline uint64_t acpi_le64(const uint8_t *p)
{
	return acpi_le32(p) | (uint64_t)acpi_le32(p + 4) << 32;
}

/*
 * Is t a usable table with signature sig, at least min_len bytes long,
 * at most ACPI_TABLE_MAX, with a zero checksum over its length (ACPI 6.5
 * 5.2.6)? Its length on success, else 0 and why.
 */
uint32_t acpi_table_check(const uint8_t *t, const char sig[4], uint32_t min_len,
			  char *why, size_t n);

#endif
