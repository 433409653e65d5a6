/*
 * holdfast.c - a QEMU test fixture: a UEFI driver that holds an 82576 and
 * will not let go, then starts igbtest.
 *
 * A lab host's network driver (an UNDI, iPXE) may refuse to stop. igbtest
 * must then leave that device alone and mark it not tested (issue 14,
 * "a driver that refuses to stop"). OVMF has no such driver, so this one
 * plays it: its binding takes the 82576 (BY_DRIVER, as a network driver
 * does) and its Stop() fails, so neither igbtest's EXCLUSIVE open nor its
 * DisconnectController can take the device.
 *
 * Booted as the -kernel image. Its options: an optional first word
 * "hold=BB:DD.F" (default: every 82576), the rest handed to igbtest, which
 * is \igbtest.efi on any file system the firmware sees.
 * Test-only: it is never part of the product image.
 */
#include <stdbool.h>

#include <efi.h>
#include <efilib.h>

#define INTEL_VENDOR 0x8086
#define I82576_DEVICE 0x10c9

static EFI_HANDLE self;
static UINTN held;
static INTN hold_bus = -1, hold_dev, hold_fn;

static bool wanted(EFI_PCI_IO_PROTOCOL *io)
{
	UINT32 id = 0;
	UINTN seg, bus, dev, fn;

	if (io->Pci.Read(io, EfiPciIoWidthUint32, 0, 1, &id) != EFI_SUCCESS ||
	    id != ((UINT32)I82576_DEVICE << 16 | INTEL_VENDOR))
		return false;
	if (hold_bus < 0)
		return true;
	if (io->GetLocation(io, &seg, &bus, &dev, &fn) != EFI_SUCCESS)
		return false;
	return seg == 0 && (INTN)bus == hold_bus && (INTN)dev == hold_dev &&
	       (INTN)fn == hold_fn;
}

/* BY_DRIVER, as a network driver opens its NIC. */
static EFI_STATUS open_io(EFI_DRIVER_BINDING_PROTOCOL *this, EFI_HANDLE ctrl,
			  EFI_PCI_IO_PROTOCOL **io)
{
	return BS->OpenProtocol(ctrl, &gEfiPciIoProtocolGuid, (VOID **)io,
				this->DriverBindingHandle, ctrl, EFI_OPEN_PROTOCOL_BY_DRIVER);
}

static EFI_STATUS EFIAPI supported(EFI_DRIVER_BINDING_PROTOCOL *this, EFI_HANDLE ctrl,
				   EFI_DEVICE_PATH *rem)
{
	EFI_PCI_IO_PROTOCOL *io;
	EFI_STATUS st;

	(void)rem;
	st = open_io(this, ctrl, &io);
	if (st != EFI_SUCCESS)
		return st;
	st = wanted(io) ? EFI_SUCCESS : EFI_UNSUPPORTED;
	BS->CloseProtocol(ctrl, &gEfiPciIoProtocolGuid, this->DriverBindingHandle, ctrl);
	return st;
}

/* Holds the PCI I/O and touches nothing. */
static EFI_STATUS EFIAPI start(EFI_DRIVER_BINDING_PROTOCOL *this, EFI_HANDLE ctrl,
			       EFI_DEVICE_PATH *rem)
{
	EFI_PCI_IO_PROTOCOL *io;
	EFI_STATUS st;

	(void)rem;
	st = open_io(this, ctrl, &io);
	held += st == EFI_SUCCESS;
	return st;
}

/* The point of the fixture: it will not stop. */
static EFI_STATUS EFIAPI stop(EFI_DRIVER_BINDING_PROTOCOL *this, EFI_HANDLE ctrl,
			      UINTN n, EFI_HANDLE *children)
{
	(void)this, (void)ctrl, (void)n, (void)children;
	return EFI_DEVICE_ERROR;
}

static EFI_DRIVER_BINDING_PROTOCOL binding = {
	.Supported = supported, .Start = start, .Stop = stop, .Version = 0x10,
};

static EFI_STATUS EFIAPI driver_name(EFI_COMPONENT_NAME2_PROTOCOL *this, CHAR8 *lang,
				     CHAR16 **name)
{
	(void)this, (void)lang;
	*name = L"holdfast (test driver that refuses to stop)";
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI controller_name(EFI_COMPONENT_NAME2_PROTOCOL *this,
					 EFI_HANDLE ctrl, EFI_HANDLE child, CHAR8 *lang,
					 CHAR16 **name)
{
	(void)this, (void)ctrl, (void)child, (void)lang, (void)name;
	return EFI_UNSUPPORTED;
}

static EFI_COMPONENT_NAME2_PROTOCOL component_name = {
	.GetDriverName = driver_name, .GetControllerName = controller_name,
	.SupportedLanguages = (CHAR8 *)"en",
};

static INTN hex(CHAR16 **p, UINTN digits)
{
	INTN v = 0;

	for (UINTN i = 0; i < digits; i++, (*p)++) {
		CHAR16 c = **p;
		if (c >= L'0' && c <= L'9')
			v = v * 16 + (c - L'0');
		else if (c >= L'a' && c <= L'f')
			v = v * 16 + (c - L'a' + 10);
		else
			return -1;
	}
	return v;
}

/* Takes "hold=BB:DD.F " off the front of opts; false when it is malformed. */
static bool parse_hold(CHAR16 **opts)
{
	CHAR16 *p = *opts;

	if (StrnCmp(p, L"hold=", 5))
		return true;
	p += 5;
	hold_bus = hex(&p, 2);
	if (hold_bus < 0 || *p++ != L':' || (hold_dev = hex(&p, 2)) < 0 || *p++ != L'.' ||
	    (hold_fn = hex(&p, 1)) < 0 || (*p && *p != L' '))
		return false;
	while (*p == L' ')
		p++;
	*opts = p;
	return true;
}

/* igbtest.efi from the first file system that has it. AAVMF starts the
 * -kernel image before it connects any disk (ArmVirtPkg's
 * PlatformBootManagerAfterConsole: TryRunningQemuKernel, then
 * EfiBootManagerConnectAll), OVMF after: connect everything first. */
static EFI_STATUS load_igbtest(EFI_HANDLE *child)
{
	EFI_HANDLE *fs = NULL;
	UINTN n = 0;
	EFI_STATUS st = LibLocateHandle(AllHandles, NULL, NULL, &n, &fs);

	for (UINTN i = 0; st == EFI_SUCCESS && i < n; i++)
		BS->ConnectController(fs[i], NULL, NULL, TRUE);
	if (fs)
		FreePool(fs);
	fs = NULL;
	st = LibLocateHandle(ByProtocol, &gEfiSimpleFileSystemProtocolGuid, NULL, &n, &fs);

	for (UINTN i = 0; st == EFI_SUCCESS && i < n; i++) {
		EFI_DEVICE_PATH *path = FileDevicePath(fs[i], L"\\igbtest.efi");
		if (path && BS->LoadImage(FALSE, self, path, NULL, 0, child) == EFI_SUCCESS) {
			FreePool(fs);
			return EFI_SUCCESS;
		}
	}
	if (fs)
		FreePool(fs);
	return EFI_NOT_FOUND;
}

/* A test must not wait for its timeout: power off, as igbtest would. */
static EFI_STATUS give_up(EFI_STATUS st)
{
	RT->ResetSystem(EfiResetShutdown, st, 0, NULL);
	return st;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li, *cli;
	EFI_HANDLE *pci = NULL, child, drivers[2] = { image, NULL };
	UINTN n = 0;
	CHAR16 *opts = L"";
	EFI_STATUS st;

	InitializeLib(image, systab);
	self = image;
	BS->HandleProtocol(image, &gEfiLoadedImageProtocolGuid, (VOID **)&li);
	if (li->LoadOptions && li->LoadOptionsSize >= sizeof(CHAR16))
		opts = li->LoadOptions;
	if (!parse_hold(&opts)) {
		Print(L"holdfast: bad hold= word in \"%s\", want hold=BB:DD.F\n", opts);
		return give_up(EFI_INVALID_PARAMETER);
	}
	binding.ImageHandle = binding.DriverBindingHandle = image;
	st = LibInstallProtocolInterfaces(&image, &gEfiDriverBindingProtocolGuid, &binding,
					  &gEfiComponentName2ProtocolGuid, &component_name,
					  NULL);
	if (st != EFI_SUCCESS)
		return give_up(st);
	LibLocateHandle(ByProtocol, &gEfiPciIoProtocolGuid, NULL, &n, &pci);
	for (UINTN i = 0; i < n; i++)
		BS->ConnectController(pci[i], drivers, NULL, FALSE);
	Print(L"holdfast: holding %d 82576%s; igbtest gets \"%s\"\n", held,
	      held == 1 ? L"" : L"s", opts);
	if (pci)
		FreePool(pci);

	st = load_igbtest(&child);
	if (st != EFI_SUCCESS) {
		Print(L"holdfast: no \\igbtest.efi on any file system\n");
		return give_up(st);
	}
	BS->HandleProtocol(child, &gEfiLoadedImageProtocolGuid, (VOID **)&cli);
	cli->LoadOptions = opts;
	cli->LoadOptionsSize = (UINT32)((StrLen(opts) + 1) * sizeof(CHAR16));
	return BS->StartImage(child, NULL, NULL);
}
