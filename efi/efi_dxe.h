/*
 * efi_dxe.h - the part of the PI DXE Services Table that gnu-efi lacks:
 * enough to read the GCD memory space map.
 *
 * Layout and GUID as EDK2 defines them (MdePkg/Include/Pi/PiDxeCis.h,
 * MdePkg/Include/Guid/DxeServices.h; PI 1.7 vol. 2 7.2 and 9.2): the table
 * is found in the system configuration table under DXE_SERVICES_TABLE_GUID.
 */
#ifndef IGBTEST_EFI_DXE_H
#define IGBTEST_EFI_DXE_H

#include <efi.h>

#define EFI_DXE_SERVICES_TABLE_GUID                                         \
	{ 0x05ad34ba, 0x6f02, 0x4214,                                       \
	  { 0x95, 0x2e, 0x4d, 0xa0, 0x39, 0x8e, 0x2b, 0xb9 } }

typedef enum {
	EfiGcdMemoryTypeNonExistent,
	EfiGcdMemoryTypeReserved,
	EfiGcdMemoryTypeSystemMemory,
	EfiGcdMemoryTypeMemoryMappedIo,
	EfiGcdMemoryTypePersistent,
	EfiGcdMemoryTypeMoreReliable,
	EfiGcdMemoryTypeUnaccepted,
	EfiGcdMemoryTypeMaximum
} EFI_GCD_MEMORY_TYPE;

typedef struct {
	EFI_PHYSICAL_ADDRESS BaseAddress;
	UINT64 Length;
	UINT64 Capabilities;
	UINT64 Attributes;
	EFI_GCD_MEMORY_TYPE GcdMemoryType;
	EFI_HANDLE ImageHandle;  /* NULL: not allocated to anyone */
	EFI_HANDLE DeviceHandle;
} EFI_GCD_MEMORY_SPACE_DESCRIPTOR;

typedef EFI_STATUS(EFIAPI *EFI_GET_MEMORY_SPACE_MAP)(
	UINTN *NumberOfDescriptors, EFI_GCD_MEMORY_SPACE_DESCRIPTOR **MemorySpaceMap);

/* The table up to GetMemorySpaceMap; the services before it are only
 * placeholders here (we never call them). */
typedef struct {
	EFI_TABLE_HEADER Hdr;
	VOID *AddMemorySpace;
	VOID *AllocateMemorySpace;
	VOID *FreeMemorySpace;
	VOID *RemoveMemorySpace;
	VOID *GetMemorySpaceDescriptor;
	VOID *SetMemorySpaceAttributes;
	EFI_GET_MEMORY_SPACE_MAP GetMemorySpaceMap;
} EFI_DXE_SERVICES_TABLE;

#endif
