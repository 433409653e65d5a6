/*
 * efi_lib.h - the firmware's tables, pool memory and the GUIDs efi/ asks
 * for, straight from UEFI. The image takes gnu-efi's headers and crt0
 * only: its libefi helpers dragged in printing, device-path and string
 * code we never use, so the product link leaves libefi out.
 */
#ifndef IGBTEST_EFI_LIB_H
#define IGBTEST_EFI_LIB_H

#include <efi.h>

/* The tables efi_main was given (set by efi_lib_init). */
extern EFI_SYSTEM_TABLE *ST;
extern EFI_BOOT_SERVICES *BS;
extern EFI_RUNTIME_SERVICES *RT;

/* Record the tables, and our image's data memory type (EfiLoaderData for
 * an application) for pool allocations, as gnu-efi's InitializeLib did. */
void efi_lib_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* Pool memory of our image's data type; NULL when there is none. */
VOID *efi_alloc(UINTN size);
void efi_free(VOID *p);

/*
 * For a service that answers EFI_BUFFER_TOO_SMALL with the size it needs:
 *	VOID *buf = NULL; UINTN size = first_guess; EFI_STATUS s;
 *	while (efi_grow(&s, &buf, size))
 *		s = service(..., &size, buf);
 * ends with buf from efi_alloc (the caller frees it) when s is success,
 * NULL on any failure.
 */
BOOLEAN efi_grow(EFI_STATUS *s, VOID **buf, UINTN size);

/* A variable's value in pool memory and its size; NULL when unreadable. */
VOID *efi_variable(CHAR16 *name, EFI_GUID *guid, UINTN *size);

/* Non-const, as the services take them. */
extern EFI_GUID efi_acpi20_table_guid, efi_component_name_guid,
	efi_component_name2_guid, efi_device_path_guid, efi_dxe_services_table_guid,
	efi_file_info_guid,
	efi_global_variable_guid, efi_loaded_image_guid, efi_pci_io_guid,
	efi_pci_root_bridge_io_guid, efi_serial_io_guid, efi_shell_parameters_guid,
	efi_simple_file_system_guid;

#endif
