/*
 * claim.c - take an 82576 from the firmware's drivers, give it back at exit.
 *
 * A UEFI network driver (the board's UNDI, iPXE, ...) may manage the NIC
 * while igbtest runs, polling and programming it. Opening its PCI I/O
 * protocol EXCLUSIVE makes the firmware stop every driver that opened it
 * BY_DRIVER (their Stop() is called) or fails when one will not stop. A
 * driver that opened it EXCLUSIVE itself (iPXE does) makes that open fail
 * at once, so then DisconnectController stops every driver (and the
 * network stack above) and the open is tried again. At
 * exit the open is closed and the controller reconnected, so the firmware's
 * network stack (or the iPXE that chained us) can use the NIC again.
 */
#include <efi.h>

#include "efi_files.h"
#include "efi_lib.h"
#include "efi_platform.h"
#include "platform.h"
#include "report/fmt.h"

#define MAX_CLAIMS 32

static struct claim {
	struct pci_bdf bdf;
	EFI_HANDLE handle; /* NULL: the firmware has no PCI I/O for it */
	bool opened;       /* our EXCLUSIVE open, to close at exit */
	bool reconnect;    /* drivers were stopped: connect them again at exit */
	int rc;
	char why[PLAT_CLAIM_WHY];
} claims[MAX_CLAIMS];
static unsigned nclaims;

static bool same(struct pci_bdf a, struct pci_bdf b)
{
	return a.seg == b.seg && a.bus == b.bus && a.dev == b.dev && a.fn == b.fn;
}

/* The driver's own name (Component Name 2, else Component Name), in ASCII. */
static void driver_name(EFI_HANDLE agent, char *out, UINTN n)
{
	EFI_COMPONENT_NAME2_PROTOCOL *cn2 = NULL;
	EFI_COMPONENT_NAME_PROTOCOL *cn = NULL;
	CHAR16 *name = NULL;
	UINTN i = 0;

	if (BS->HandleProtocol(agent, &efi_component_name2_guid, (VOID **)&cn2) ==
		    EFI_SUCCESS && cn2)
		cn2->GetDriverName(cn2, (CHAR8 *)"en", &name);
	if (!name && BS->HandleProtocol(agent, &efi_component_name_guid,
					(VOID **)&cn) == EFI_SUCCESS && cn)
		cn->GetDriverName(cn, (CHAR8 *)"eng", &name);
	if (!name) {
		fmt_snprintf(out, n, "a driver without a name (handle %p)", agent);
		return;
	}
	for (; name[i] && i + 1 < n; i++)
		out[i] = name[i] >= 0x20 && name[i] < 0x7f ? (char)name[i] : '?';
	out[i] = '\0';
}

/* The names of the drivers managing handle (its BY_DRIVER opens), quoted,
 * comma-separated; "" when none. */
static void drivers_of(EFI_HANDLE handle, char *out, UINTN n)
{
	EFI_OPEN_PROTOCOL_INFORMATION_ENTRY *info = NULL;
	UINTN count = 0, at = 0;

	out[0] = '\0';
	if (BS->OpenProtocolInformation(handle, &efi_pci_io_guid, &info, &count) !=
	    EFI_SUCCESS)
		return;
	for (UINTN i = 0; i < count; i++) {
		char name[64];
		if (!(info[i].Attributes & EFI_OPEN_PROTOCOL_BY_DRIVER))
			continue;
		driver_name(info[i].AgentHandle, name, sizeof(name));
		if (at < n)
			at += (UINTN)fmt_snprintf(out + at, n - at, "%s\"%s\"", at ? ", " : "",
						  name);
	}
	efi_free(info);
}

/* True when igbtest was loaded through a child of handle: the network
 * interface (SNP) of the NIC a network loader started it from. Stopping the
 * NIC's driver destroys that interface; a loader that uses it after
 * StartImage returns (iPXE before its commit 4a7f64bf4, 2025-03) hangs. */
static bool started_under(EFI_HANDLE handle)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_DEVICE_PATH *nic = NULL, *dev = NULL;
	UINTN nodes = 0;

	if (BS->HandleProtocol(efi_image, &efi_loaded_image_guid, (VOID **)&li) != EFI_SUCCESS ||
	    !li || !li->DeviceHandle ||
	    BS->HandleProtocol(li->DeviceHandle, &efi_device_path_guid, (VOID **)&dev) !=
		    EFI_SUCCESS ||
	    BS->HandleProtocol(handle, &efi_device_path_guid, (VOID **)&nic) != EFI_SUCCESS ||
	    !dev || !nic)
		return false;
	/* Every node of the NIC's path, then at least one more in dev's. */
	for (; !IsDevicePathEnd(nic); nodes++) {
		UINTN len = DevicePathNodeLength(nic);
		if (len < sizeof(*nic) || (UINTN)DevicePathNodeLength(dev) != len)
			return false;
		for (UINTN i = 0; i < len; i++)
			if (((UINT8 *)nic)[i] != ((UINT8 *)dev)[i])
				return false;
		nic = (EFI_DEVICE_PATH *)((UINT8 *)nic + len);
		dev = (EFI_DEVICE_PATH *)((UINT8 *)dev + len);
	}
	return nodes && !IsDevicePathEnd(dev);
}

static void claim(struct claim *c)
{
	char held[120];
	const char *how = "OpenProtocol EXCLUSIVE";
	bool ours_under; /* asked before stopping the drivers removes the child */
	VOID *io;
	EFI_STATUS st;

	c->handle = efi_pci_handle(c->bdf);
	c->rc = RC_OK;
	if (!c->handle)
		return; /* no PCI I/O handle: no UEFI driver can hold it */
	drivers_of(c->handle, held, sizeof(held));
	ours_under = started_under(c->handle);
	st = BS->OpenProtocol(c->handle, &efi_pci_io_guid, &io, efi_image, NULL,
			      EFI_OPEN_PROTOCOL_EXCLUSIVE);
	if (st == EFI_ACCESS_DENIED) {
		/* Its answer is not the proof (iPXE 1.0.0 stops yet says Not
		 * Found): the exclusive open that follows is. */
		BS->DisconnectController(c->handle, NULL, NULL);
		how = "OpenProtocol EXCLUSIVE after DisconnectController";
		st = BS->OpenProtocol(c->handle, &efi_pci_io_guid, &io, efi_image, NULL,
				      EFI_OPEN_PROTOCOL_EXCLUSIVE);
	}
	if (st != EFI_SUCCESS) {
		/* A refused disconnect may have stopped part of the stack: put
		 * back what can be put back, and leave the device alone. */
		if (how[sizeof("OpenProtocol EXCLUSIVE") - 1])
			BS->ConnectController(c->handle, NULL, NULL, TRUE);
		c->rc = RC_EBUSY;
		fmt_snprintf(c->why, sizeof(c->why), "%s%s would not let go (%s: %s)",
			     held[0] ? "the firmware driver " : "a firmware driver", held, how,
			     efi_status_str(st));
		return;
	}
	c->opened = true;
	c->reconnect = held[0] != '\0';
	if (held[0])
		fmt_snprintf(c->why, sizeof(c->why), "taken from the firmware driver %s "
			     "(stopped%s; reconnected at exit)%s", held,
			     how[sizeof("OpenProtocol EXCLUSIVE") - 1] ? " by DisconnectController"
								       : "",
			     ours_under ? "; igbtest was started from its network interface, "
					  "gone with that driver (an iPXE before 2025-03 hangs "
					  "when igbtest returns)" : "");
}

int plat_pci_claim(struct pci_bdf bdf, char *why, size_t n)
{
	struct claim *c = NULL;

	for (unsigned i = 0; i < nclaims && !c; i++)
		if (same(claims[i].bdf, bdf))
			c = &claims[i];
	if (!c && nclaims < MAX_CLAIMS) {
		c = &claims[nclaims++];
		c->bdf = bdf;
		claim(c);
	}
	if (!c) {
		if (why && n)
			fmt_snprintf(why, n, "igbtest takes at most %u devices", MAX_CLAIMS);
		return RC_ENOMEM;
	}
	if (why && n)
		fmt_snprintf(why, n, "%s", c->why);
	return c->rc;
}

void efi_pci_release_all(void)
{
	for (unsigned i = 0; i < nclaims; i++) {
		struct claim *c = &claims[i];
		if (!c->opened)
			continue;
		BS->CloseProtocol(c->handle, &efi_pci_io_guid, efi_image, NULL);
		/* Recursive: the network stack above the NIC's driver too. */
		if (c->reconnect)
			BS->ConnectController(c->handle, NULL, NULL, TRUE);
		c->opened = false;
	}
	nclaims = 0;
}
