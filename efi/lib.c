/*
 * lib.c - the firmware's tables, pool memory and GUIDs (efi_lib.h).
 */
#include <efi.h>

#include "efi_dxe.h"
#include "efi_lib.h"

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;

/* Until our loaded image says otherwise (gnu-efi's default too). */
static EFI_MEMORY_TYPE pool_type = EfiBootServicesData;

void efi_lib_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li;

	ST = systab;
	BS = systab->BootServices;
	RT = systab->RuntimeServices;
	if (BS->HandleProtocol(image, &efi_loaded_image_guid, (VOID **)&li) == EFI_SUCCESS)
		pool_type = li->ImageDataType;
}

VOID *efi_alloc(UINTN size)
{
	VOID *p;

	return BS->AllocatePool(pool_type, size, &p) == EFI_SUCCESS ? p : NULL;
}

void efi_free(VOID *p)
{
	BS->FreePool(p);
}

BOOLEAN efi_grow(EFI_STATUS *s, VOID **buf, UINTN size)
{
	if (!*buf && size)
		*s = EFI_BUFFER_TOO_SMALL; /* the first call */
	if (*s == EFI_BUFFER_TOO_SMALL) {
		if (*buf)
			efi_free(*buf);
		*buf = efi_alloc(size);
		if (*buf)
			return TRUE;
		*s = EFI_OUT_OF_RESOURCES;
	}
	if (EFI_ERROR(*s) && *buf) {
		efi_free(*buf);
		*buf = NULL;
	}
	return FALSE;
}

VOID *efi_variable(CHAR16 *name, EFI_GUID *guid, UINTN *size)
{
	VOID *buf = NULL;
	UINTN n = 100; /* most variables fit the first call */
	EFI_STATUS s = EFI_SUCCESS;

	while (efi_grow(&s, &buf, n))
		s = RT->GetVariable(name, guid, NULL, &n, buf);
	*size = buf ? n : 0;
	return buf;
}

EFI_GUID efi_acpi20_table_guid = ACPI_20_TABLE_GUID;
EFI_GUID efi_component_name_guid = EFI_COMPONENT_NAME_PROTOCOL_GUID;
EFI_GUID efi_component_name2_guid = EFI_COMPONENT_NAME2_PROTOCOL_GUID;
EFI_GUID efi_dxe_services_table_guid = EFI_DXE_SERVICES_TABLE_GUID;
EFI_GUID efi_device_path_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
EFI_GUID efi_file_info_guid = EFI_FILE_INFO_ID;
EFI_GUID efi_global_variable_guid = EFI_GLOBAL_VARIABLE;
EFI_GUID efi_loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
EFI_GUID efi_pci_io_guid = EFI_PCI_IO_PROTOCOL_GUID;
EFI_GUID efi_pci_root_bridge_io_guid = EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_GUID;
EFI_GUID efi_serial_io_guid = EFI_SERIAL_IO_PROTOCOL_GUID;
EFI_GUID efi_shell_parameters_guid = EFI_SHELL_PARAMETERS_PROTOCOL_GUID;
EFI_GUID efi_simple_file_system_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
