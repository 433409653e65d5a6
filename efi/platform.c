/*
 * platform.c - src/platform.h on UEFI.
 *
 * Config space through EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL (works on every
 * segment and on extended space, on x86 and Arm alike); MMIO by direct
 * access, since UEFI identity-maps MMIO; DMA memory through the device's
 * EFI_PCI_IO_PROTOCOL AllocateBuffer + Map, verified to be identity.
 */
#include <efi.h>

#include "efi_dxe.h"
#include "efi_files.h"
#include "efi_lib.h"
#include "efi_platform.h"
#include "dma/acpi.h"
#include "platform.h"
#include "report/fmt.h"

/* ACPI 2.0+ QWORD Address Space Descriptor, as Configuration() and
 * GetBarAttributes() return them (ACPI 6.4 6.4.3.5.1). */
#define ACPI_QWORD_ASD		0x8A
#define ACPI_END_TAG		0x79
#define ACPI_ASD_TYPE_BUS	2
struct __attribute__((packed)) acpi_qword_asd {
	UINT8 desc;
	UINT16 len;
	UINT8 res_type;
	UINT8 gen_flag;
	UINT8 specific_flag;
	UINT64 granularity;
	UINT64 min;
	UINT64 max;
	UINT64 translation;
	UINT64 length;
};

#define MAX_ROOTS 16
#define MAX_PCIIO 256
#define MAX_DMA 256

static struct {
	EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *rb;
	struct pci_root r;
} roots[MAX_ROOTS];
static unsigned nroots;

static struct {
	EFI_PCI_IO_PROTOCOL *io;
	EFI_HANDLE handle;
	struct pci_bdf bdf;
} pciio[MAX_PCIIO];
static unsigned npciio;

static struct efi_dma {
	bool used;
	bool high; /* AllocatePages above 4 GiB, not AllocateBuffer */
	EFI_PCI_IO_PROTOCOL *io;
	VOID *mapping;
	struct dma_mem mem;
} dma[MAX_DMA];

static EFI_SERIAL_IO_PROTOCOL *serial_direct; /* NULL: ConOut covers serial */
static bool console_has_serial;
static UINT64 ticks_per_s; /* read_ticks() rate */

/* ---- console and serial -------------------------------------------- */

/* True when a device path (possibly multi-instance) includes a UART. */
static bool path_has_uart(EFI_DEVICE_PATH *p, UINTN size)
{
	UINT8 *end = (UINT8 *)p + size;

	while ((UINT8 *)p + sizeof(*p) <= end) {
		UINTN len = DevicePathNodeLength(p);
		if (DevicePathType(p) == MESSAGING_DEVICE_PATH &&
		    DevicePathSubType(p) == MSG_UART_DP)
			return true;
		if (DevicePathType(p) == END_DEVICE_PATH_TYPE &&
		    DevicePathSubType(p) == END_ENTIRE_DEVICE_PATH_SUBTYPE)
			break;
		if (len < sizeof(*p))
			break; /* malformed: stop rather than loop */
		p = (EFI_DEVICE_PATH *)((UINT8 *)p + len);
	}
	return false;
}

/*
 * Decide the serial route once. When the firmware's ConOut already drives
 * a UART terminal (OVMF does, and so do most server firmwares with serial
 * redirection), ConOut alone puts every line on the serial port once.
 * Otherwise the console is only a screen, and we also write each line
 * straight to the first EFI_SERIAL_IO_PROTOCOL, so serial users lose nothing.
 */
static void serial_route_init(void)
{
	UINTN size = 0;
	EFI_DEVICE_PATH *conout = efi_variable(L"ConOut", &efi_global_variable_guid, &size);
	EFI_HANDLE *handles = NULL;
	UINTN n = 0;

	if (conout) {
		console_has_serial = path_has_uart(conout, size);
		efi_free(conout);
	}
	if (console_has_serial)
		return;
	if (BS->LocateHandleBuffer(ByProtocol, &efi_serial_io_guid, NULL, &n, &handles) ==
		    EFI_SUCCESS && n) {
		BS->HandleProtocol(handles[0], &efi_serial_io_guid, (VOID **)&serial_direct);
		efi_free(handles);
	}
}

void plat_write(const char *s, size_t len)
{
	CHAR16 wbuf[256];
	char sbuf[256];
	size_t w = 0, b = 0;

	efi_results_write(s, len); /* the results file: the same bytes */
	for (size_t i = 0; i <= len; i++) {
		bool flush = i == len || w + 3 >= sizeof(wbuf) / sizeof(wbuf[0]);
		if (flush) {
			wbuf[w] = 0;
			if (w && ST->ConOut)
				ST->ConOut->OutputString(ST->ConOut, wbuf);
			if (b && serial_direct) {
				UINTN n = b;
				serial_direct->Write(serial_direct, &n, sbuf);
			}
			w = b = 0;
			if (i == len)
				break;
		}
		char c = s[i];
		if (c == '\n') {
			wbuf[w++] = L'\r';
			sbuf[b++] = '\r';
		}
		wbuf[w++] = (CHAR16)(unsigned char)c;
		sbuf[b++] = c;
	}
}

/* ---- time ---------------------------------------------------------- */

static inline UINT64 read_ticks(void)
{
#if defined(__x86_64__)
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((UINT64)hi << 32) | lo;
#elif defined(__aarch64__)
	UINT64 v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
#error "no tick source for this architecture"
#endif
}

/*
 * x86: the TSC's rate is measured once, over CLOCK_CALIBRATION_US of the
 * firmware's Stall(). Stall never returns early (UEFI 2.10 7.5.4, "at
 * least"), but it can return late: an SMI on a lab host, the vCPU thread
 * descheduled on a loaded TCG host (measured here: a run's own clock read
 * 27.5 s of a 44.9 s wall-clock run at load 8). A late window overstates
 * the rate, and every wait and figure after it runs long by as much. So
 * the window's ends are read against the ACPI PM timer, each TSC read
 * between two PM timer reads at most CLOCK_PAIR_PM_TICKS apart, which no
 * delay between the ends can disturb; without a PM timer (hardware-reduced
 * ACPI), the shortest of CLOCK_STALL_WINDOWS windows is the least late.
 */
#define CLOCK_CALIBRATION_US 20000 /* < 0.1 % error from a 1 MHz timer */
#define CLOCK_STALL_WINDOWS 5
#define ACPI_PM_TIMER_HZ 3579545ull /* ACPI 6.5 4.8.3.3 */
#define CLOCK_PAIR_PM_TICKS 36      /* 10 us: 0.05 % of the window */
#define CLOCK_PAIR_TRIES 64

static const char *clock_source = "";

#if defined(__x86_64__)
/* FADT (ACPI 6.5 Table 5.9): PM_TMR_BLK at 76, PM_TMR_LEN at 91, flags at
 * 112 (TMR_VAL_EXT, bit 8: 32 bits, else 24), X_PM_TMR_BLK at 208. */
static UINT16 pm_timer_port(UINT32 *mask)
{
	const UINT8 *f = plat_acpi_table("FACP");
	UINT32 len = f ? acpi_le32(f + 4) : 0;
	UINT64 port;

	if (len < 116 || f[91] != 4)
		return 0;
	port = acpi_le32(f + 76);
	/* A non-zero X_PM_TMR_BLK overrides PM_TMR_BLK (ACPI 6.5 5.2.9);
	 * one that is not in I/O space is not read here: Stall() instead. */
	if (len >= 220 && acpi_le64(f + 212))
		port = f[208] == 1 /* system I/O */ ? acpi_le64(f + 212) : 0;
	*mask = (acpi_le32(f + 112) & 1u << 8) ? 0xffffffffu : 0xffffffu;
	return port <= 0xfffc ? (UINT16)port : 0;
}

static UINT32 inl(UINT16 port)
{
	UINT32 v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* A TSC read and the PM timer at that moment; false when no two PM reads
 * around it came close enough. */
static bool pm_pair(UINT16 port, UINT32 mask, UINT64 *ticks, UINT32 *pm)
{
	for (int i = 0; i < CLOCK_PAIR_TRIES; i++) {
		UINT32 a = inl(port) & mask;
		UINT64 t = read_ticks();
		UINT32 b = inl(port) & mask;
		if (((b - a) & mask) <= CLOCK_PAIR_PM_TICKS) {
			*ticks = t;
			*pm = a;
			return true;
		}
	}
	return false;
}

static UINT64 tsc_rate(void)
{
	UINT32 mask = 0, pm0, pm1;
	UINT16 port = pm_timer_port(&mask);
	UINT64 t0, t1, best = 0;

	if (port && pm_pair(port, mask, &t0, &pm0)) {
		BS->Stall(CLOCK_CALIBRATION_US);
		/* Stall never returns early, so fewer PM ticks than the window
		 * means the counter wrapped (24 bits: 4.69 s late): not usable. */
		if (pm_pair(port, mask, &t1, &pm1) &&
		    ((pm1 - pm0) & mask) >= ACPI_PM_TIMER_HZ * CLOCK_CALIBRATION_US / 1000000) {
			clock_source = "TSC against the ACPI PM timer";
			return (t1 - t0) * ACPI_PM_TIMER_HZ / ((pm1 - pm0) & mask);
		}
	}
	for (int i = 0; i < CLOCK_STALL_WINDOWS; i++) {
		t0 = read_ticks();
		BS->Stall(CLOCK_CALIBRATION_US);
		t1 = read_ticks() - t0;
		best = i && best < t1 ? best : t1;
	}
	clock_source = "TSC against Stall()";
	return best * (1000000 / CLOCK_CALIBRATION_US);
}
#endif

/*
 * The rate is kept per second, not per microsecond: the architected
 * counter runs at 62.5 MHz under QEMU (CNTFRQ_EL0), and 62 ticks per us
 * would make every figure 0.8 % too large (a 500 ms link-up timer read
 * 504 ms).
 */
static void clock_init(void)
{
#if defined(__aarch64__)
	/* The firmware programs CNTFRQ_EL0 with the counter's real rate. */
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(ticks_per_s));
	clock_source = "CNTFRQ_EL0";
#else
	ticks_per_s = tsc_rate();
#endif
	if (!ticks_per_s)
		ticks_per_s = 1;
}

uint64_t plat_now_us(void)
{
	UINT64 t = read_ticks();

	/* Split so that neither product can overflow 64 bits. */
	return t / ticks_per_s * 1000000 + t % ticks_per_s * 1000000 / ticks_per_s;
}

void plat_udelay(uint32_t us)
{
	BS->Stall(us);
}

/* ---- PCI ----------------------------------------------------------- */

static void roots_init(void)
{
	EFI_HANDLE *h = NULL;
	UINTN n = 0;

	if (BS->LocateHandleBuffer(ByProtocol, &efi_pci_root_bridge_io_guid,
				   NULL, &n, &h) != EFI_SUCCESS)
		return;
	for (UINTN i = 0; i < n && nroots < MAX_ROOTS; i++) {
		EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *rb;
		UINT8 *res = NULL;

		if (BS->HandleProtocol(h[i], &efi_pci_root_bridge_io_guid,
				       (VOID **)&rb) != EFI_SUCCESS)
			continue;
		roots[nroots].rb = rb;
		roots[nroots].r = (struct pci_root){ (uint16_t)rb->SegmentNumber, 0, 255 };
		if (rb->Configuration(rb, (VOID **)&res) == EFI_SUCCESS && res) {
			/* Bounded: a descriptor list longer than this is broken. */
			for (int d = 0; d < 64 && res[0] == ACPI_QWORD_ASD; d++) {
				struct acpi_qword_asd *q = (struct acpi_qword_asd *)res;
				if (q->res_type == ACPI_ASD_TYPE_BUS) {
					roots[nroots].r.bus_start = (uint8_t)q->min;
					roots[nroots].r.bus_end = (uint8_t)q->max;
				}
				res += 3 + q->len;
			}
		}
		nroots++;
	}
	efi_free(h);
}

static void pciio_init(void)
{
	EFI_HANDLE *h = NULL;
	UINTN n = 0;

	if (BS->LocateHandleBuffer(ByProtocol, &efi_pci_io_guid, NULL, &n, &h) != EFI_SUCCESS)
		return;
	for (UINTN i = 0; i < n && npciio < MAX_PCIIO; i++) {
		EFI_PCI_IO_PROTOCOL *io;
		UINTN seg, bus, dev, fn;

		if (BS->HandleProtocol(h[i], &efi_pci_io_guid, (VOID **)&io) !=
			    EFI_SUCCESS ||
		    io->GetLocation(io, &seg, &bus, &dev, &fn) != EFI_SUCCESS)
			continue;
		pciio[npciio].io = io;
		pciio[npciio].handle = h[i];
		pciio[npciio].bdf = (struct pci_bdf){ (uint16_t)seg, (uint8_t)bus,
						      (uint8_t)dev, (uint8_t)fn };
		npciio++;
	}
	efi_free(h);
}

static unsigned pciio_index(struct pci_bdf b)
{
	unsigned i = 0;

	while (i < npciio && !(pciio[i].bdf.seg == b.seg && pciio[i].bdf.bus == b.bus &&
			       pciio[i].bdf.dev == b.dev && pciio[i].bdf.fn == b.fn))
		i++;
	return i;
}

static EFI_PCI_IO_PROTOCOL *pciio_find(struct pci_bdf b)
{
	unsigned i = pciio_index(b);

	return i < npciio ? pciio[i].io : NULL;
}

EFI_HANDLE efi_pci_handle(struct pci_bdf b)
{
	unsigned i = pciio_index(b);

	return i < npciio ? pciio[i].handle : NULL;
}

int plat_pci_roots(struct pci_root *out, int max)
{
	int n = 0;

	for (unsigned i = 0; i < nroots && n < max; i++)
		out[n++] = roots[i].r;
	return nroots ? n : RC_ENODEV;
}

static EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *root_for(struct pci_bdf b)
{
	for (unsigned i = 0; i < nroots; i++)
		if (roots[i].r.seg == b.seg && b.bus >= roots[i].r.bus_start &&
		    b.bus <= roots[i].r.bus_end)
			return roots[i].rb;
	return NULL;
}

/* EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_PCI_ADDRESS: Register in bits 7:0,
 * Function 15:8, Device 23:16, Bus 31:24, ExtendedRegister 63:32 (used
 * instead of Register when non-zero). */
static UINT64 rb_address(struct pci_bdf b, uint16_t off)
{
	UINT64 a = ((UINT64)b.bus << 24) | ((UINT64)b.dev << 16) | ((UINT64)b.fn << 8);
	return off < 0x100 ? a | off : a | ((UINT64)off << 32);
}

static int cfg_args_ok(struct pci_bdf b, uint16_t off, unsigned width)
{
	if ((width != 1 && width != 2 && width != 4) || (off & (width - 1)) ||
	    off > 0x1000 - width || b.dev > 31 || b.fn > 7)
		return RC_EINVAL;
	return RC_OK;
}

static EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL_WIDTH rb_width(unsigned width)
{
	return width == 1 ? EfiPciIoWidthUint8 : width == 2 ? EfiPciIoWidthUint16 :
							    EfiPciIoWidthUint32;
}

int plat_pci_read(struct pci_bdf b, uint16_t off, unsigned width, uint32_t *val)
{
	EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *rb = root_for(b);
	UINT32 v = 0;
	int rc = cfg_args_ok(b, off, width);

	*val = 0xffffffffu >> (32 - 8 * (width > 4 ? 4 : width));
	if (rc)
		return rc;
	if (!rb)
		return RC_ENODEV;
	if (rb->Pci.Read(rb, rb_width(width), rb_address(b, off), 1, &v) != EFI_SUCCESS)
		return RC_EIO;
	*val = v;
	return RC_OK;
}

int plat_pci_write(struct pci_bdf b, uint16_t off, unsigned width, uint32_t val)
{
	EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *rb = root_for(b);
	UINT32 v = val;
	int rc = cfg_args_ok(b, off, width);

	if (rc)
		return rc;
	if (!rb)
		return RC_ENODEV;
	if (rb->Pci.Write(rb, rb_width(width), rb_address(b, off), 1, &v) != EFI_SUCCESS)
		return RC_EIO;
	return RC_OK;
}

int plat_pci_bar_size(struct pci_bdf b, unsigned bar, uint64_t *size)
{
	EFI_PCI_IO_PROTOCOL *io = pciio_find(b);
	struct acpi_qword_asd *q = NULL;
	int rc = RC_ENOTSUP;

	if (!io || bar > 5)
		return RC_ENOTSUP;
	if (io->GetBarAttributes(io, (UINT8)bar, NULL, (VOID **)&q) != EFI_SUCCESS || !q)
		return RC_ENOTSUP;
	if (q->desc == ACPI_QWORD_ASD) {
		*size = q->length;
		rc = RC_OK;
	}
	efi_free(q);
	return rc;
}

/* ---- PCI memory apertures ------------------------------------------ */

#define ACPI_ASD_TYPE_MEM	0
#define FOUR_GIB		0x100000000ull
/* A root bridge reports a handful of ranges; a longer list is broken. */
#define MAX_ROOT_DESCRIPTORS	64

static EFI_DXE_SERVICES_TABLE *dxe_services(void)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (!__builtin_memcmp(&ST->ConfigurationTable[i].VendorGuid,
				      &efi_dxe_services_table_guid, sizeof(EFI_GUID)))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* Grow r over the GCD MMIO descriptors that no image owns and that adjoin
 * it: the part of the host bridge's aperture it did not need (EDK2's
 * PciHostBridgeDxe adds the whole aperture as MMIO and allocates only what
 * the BARs use). Each pass grows r or ends the loop. */
static void grow_over_free_mmio(struct plat_range *r,
				const EFI_GCD_MEMORY_SPACE_DESCRIPTOR *map, UINTN n)
{
	bool grew = true;

	for (UINTN pass = 0; grew && pass < n; pass++) {
		grew = false;
		for (UINTN i = 0; i < n; i++) {
			const EFI_GCD_MEMORY_SPACE_DESCRIPTOR *d = &map[i];

			if (d->GcdMemoryType != EfiGcdMemoryTypeMemoryMappedIo || d->ImageHandle)
				continue;
			if (d->BaseAddress == r->base + r->size) {
				r->size += d->Length;
				grew = true;
			} else if (d->BaseAddress + d->Length == r->base) {
				r->base = d->BaseAddress;
				r->size += d->Length;
				grew = true;
			}
		}
	}
}

/* Bits of physical address the CPU implements (x86 CPUID 0x80000008
 * EAX[7:0]; Arm ID_AA64MMFR0_EL1.PARange). */
static unsigned phys_addr_bits(void)
{
#if defined(__x86_64__)
	UINT32 a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u));
	if (a < 0x80000008u)
		return 36; /* the architectural minimum with PAE */
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008u));
	return a & 0xff;
#elif defined(__aarch64__)
	static const unsigned pa_range[] = { 32, 36, 40, 42, 44, 48, 52 };
	UINT64 mmfr0;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	return (mmfr0 & 0xf) < 7 ? pa_range[mmfr0 & 0xf] : 32;
#endif
}

int plat_unbacked_range(uint64_t size, uint64_t *addr)
{
	EFI_DXE_SERVICES_TABLE *dxe = dxe_services();
	EFI_GCD_MEMORY_SPACE_DESCRIPTOR *map = NULL;
	UINT64 top = 1ull << phys_addr_bits();
	UINTN nmap = 0;
	int rc = RC_ENOTSUP;

	if (!dxe || dxe->GetMemorySpaceMap(&nmap, &map) != EFI_SUCCESS)
		return RC_ENOTSUP;
	for (UINTN i = 0; i < nmap && rc; i++) {
		const EFI_GCD_MEMORY_SPACE_DESCRIPTOR *d = &map[i];
		UINT64 lo = d->BaseAddress < FOUR_GIB ? FOUR_GIB : d->BaseAddress;
		UINT64 hi = d->BaseAddress + d->Length;

		lo = (lo + PLAT_PAGE_SIZE - 1) & ~(UINT64)(PLAT_PAGE_SIZE - 1);
		if (hi > top)
			hi = top;
		if (d->GcdMemoryType == EfiGcdMemoryTypeNonExistent && lo < hi &&
		    hi - lo >= size) {
			*addr = lo;
			rc = RC_OK;
		}
	}
	efi_free(map);
	return rc;
}

int plat_pci_root_mmio(struct pci_bdf b, struct plat_range *out, int max)
{
	EFI_PCI_ROOT_BRIDGE_IO_PROTOCOL *rb = root_for(b);
	EFI_DXE_SERVICES_TABLE *dxe = dxe_services();
	EFI_GCD_MEMORY_SPACE_DESCRIPTOR *map = NULL;
	UINTN nmap = 0;
	UINT8 *res = NULL;
	int n = 0;

	if (!rb)
		return RC_ENODEV;
	if (rb->Configuration(rb, (VOID **)&res) != EFI_SUCCESS || !res)
		return RC_ENOTSUP;
	if (dxe && dxe->GetMemorySpaceMap(&nmap, &map) != EFI_SUCCESS) {
		map = NULL;
		nmap = 0;
	}
	for (int d = 0; d < MAX_ROOT_DESCRIPTORS && res[0] == ACPI_QWORD_ASD && n < max; d++) {
		struct acpi_qword_asd *q = (struct acpi_qword_asd *)res;
		struct plat_range r = { q->min, q->length };

		res += 3 + q->len;
		/* Memory below 4 GiB, and only where bus address == CPU address. */
		if (q->res_type != ACPI_ASD_TYPE_MEM || !q->length || q->min >= FOUR_GIB ||
		    q->translation)
			continue;
		grow_over_free_mmio(&r, map, nmap);
		if (r.base + r.size > FOUR_GIB)
			r.size = FOUR_GIB - r.base;
		out[n++] = r;
	}
	if (map)
		efi_free(map);
	return n;
}

/*
 * Decode and bus mastering through the function's EFI_PCI_IO_PROTOCOL, so
 * the PCI bus driver's record of its attributes stays true. EDK2 turns
 * them on in COMMAND only (upstream bridges keep theirs: PciBusDxe has
 * enabled every bridge already).
 */
static int pciio_attributes(struct pci_bdf b, EFI_PCI_IO_PROTOCOL_ATTRIBUTE_OPERATION op,
			    unsigned what)
{
	EFI_PCI_IO_PROTOCOL *io = pciio_find(b);
	UINT64 attr = ((what & PLAT_PCI_MEMORY) ? EFI_PCI_IO_ATTRIBUTE_MEMORY : 0) |
		      ((what & PLAT_PCI_MASTER) ? EFI_PCI_IO_ATTRIBUTE_BUS_MASTER : 0);
	EFI_STATUS st;

	if (!attr || (what & ~(PLAT_PCI_MEMORY | PLAT_PCI_MASTER)))
		return RC_EINVAL;
	if (!io)
		return RC_ENODEV;
	st = io->Attributes(io, op, attr, NULL);
	return st == EFI_SUCCESS ? RC_OK : st == EFI_UNSUPPORTED ? RC_ENOTSUP : RC_EIO;
}

int plat_pci_enable(struct pci_bdf b, unsigned what)
{
	return pciio_attributes(b, EfiPciIoAttributeOperationEnable, what);
}

int plat_pci_disable(struct pci_bdf b, unsigned what)
{
	return pciio_attributes(b, EfiPciIoAttributeOperationDisable, what);
}

/* ---- MMIO ---------------------------------------------------------- */

/*
 * MMIO is Device memory and DMA buffers are Normal memory; Arm orders
 * neither against the other. So the accessors order themselves as Linux's
 * writel()/readl() do: a write is issued only once every earlier store to
 * memory is visible to the device (a doorbell never overtakes its
 * descriptors, a cleared MSI slot its trigger), and a read completes
 * before any later load from memory (a status seen done is not overtaken
 * by a stale buffer read): plat_wmb() before, plat_rmb() after. On x86,
 * UC MMIO is ordered with WB memory already and those only hold the
 * compiler back.
 */

uint32_t plat_mmio_read32(uint64_t addr)
{
	uint32_t v = *(volatile uint32_t *)(uintptr_t)addr;
	plat_rmb();
	return v;
}

void plat_mmio_write32(uint64_t addr, uint32_t val)
{
	plat_wmb();
	*(volatile uint32_t *)(uintptr_t)addr = val;
}

uint64_t plat_mmio_read64(uint64_t addr)
{
	uint64_t v = *(volatile uint64_t *)(uintptr_t)addr;
	plat_rmb();
	return v;
}

void plat_mmio_write64(uint64_t addr, uint64_t val)
{
	plat_wmb();
	*(volatile uint64_t *)(uintptr_t)addr = val;
}

/* ---- ACPI ------------------------------------------------------------ */

/* ACPI 6.4 5.2.5.3 RSDP (revision 2) and 5.2.6 system description header. */
struct __attribute__((packed)) acpi_rsdp {
	char signature[8];
	UINT8 checksum;
	char oem_id[6];
	UINT8 revision;
	UINT32 rsdt;
	UINT32 length;
	UINT64 xsdt;
	UINT8 ext_checksum;
	UINT8 reserved[3];
};

struct __attribute__((packed)) acpi_header {
	char signature[4];
	UINT32 length;
	UINT8 revision;
	UINT8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	UINT32 oem_revision;
	UINT32 creator_id;
	UINT32 creator_revision;
};

/* XSDT entries we look at before calling the table broken. */
#define ACPI_MAX_TABLES 256

static bool sig_eq(const char *a, const char *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

const void *plat_acpi_table(const char sig[4])
{
	const struct acpi_rsdp *rsdp = NULL;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (!__builtin_memcmp(&t->VendorGuid, &efi_acpi20_table_guid, sizeof(EFI_GUID)))
			rsdp = t->VendorTable;
	}
	if (!rsdp || !sig_eq(rsdp->signature, "RSD PTR ", 8) || rsdp->revision < 2 ||
	    !rsdp->xsdt)
		return NULL;
	const struct acpi_header *xsdt = (const void *)(UINTN)rsdp->xsdt;
	if (!sig_eq(xsdt->signature, "XSDT", 4) || xsdt->length < sizeof(*xsdt))
		return NULL;
	UINTN n = (xsdt->length - sizeof(*xsdt)) / 8;
	const UINT8 *entries = (const UINT8 *)(xsdt + 1);
	for (UINTN i = 0; i < n && i < ACPI_MAX_TABLES; i++) {
		UINT64 a;
		__builtin_memcpy(&a, entries + 8 * i, sizeof(a)); /* unaligned */
		const struct acpi_header *h = (const void *)(UINTN)a;
		if (h && sig_eq(h->signature, sig, 4))
			return h;
	}
	return NULL;
}

void plat_wmb(void)
{
#if defined(__aarch64__)
	__asm__ volatile("dmb oshst" ::: "memory");
#else
	/* x86: stores are not reordered with other stores (WB or UC). */
	__asm__ volatile("" ::: "memory");
#endif
}

void plat_rmb(void)
{
#if defined(__aarch64__)
	__asm__ volatile("dmb oshld" ::: "memory");
#else
	/* x86: loads are not reordered with other loads. */
	__asm__ volatile("" ::: "memory");
#endif
}

/* Smallest cache line of the CPUs we run on: flushing at this stride
 * touches every line (a bigger real line is flushed more than once). */
#define CACHE_LINE_MIN 32

void plat_cache_flush(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHE_LINE_MIN - 1);

	for (; a < (uintptr_t)p + len; a += CACHE_LINE_MIN) {
#if defined(__x86_64__)
		__asm__ volatile("clflush (%0)" ::"r"(a) : "memory");
#elif defined(__aarch64__)
		__asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
#endif
	}
#if defined(__x86_64__)
	__asm__ volatile("mfence" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("dsb sy" ::: "memory");
#endif
}

/* ---- DMA memory ---------------------------------------------------- */

static int free_slot(void)
{
	unsigned slot;

	for (slot = 0; slot < MAX_DMA && dma[slot].used; slot++)
		;
	return slot == MAX_DMA ? -1 : (int)slot;
}

static void dma_release(EFI_PCI_IO_PROTOCOL *io, bool high, VOID *host, UINTN pages)
{
	if (high)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(UINTN)host, pages);
	else
		io->FreeBuffer(io, pages, host);
}

/* Map for the device, insist on identity (our descriptors carry CPU
 * addresses), zero, and record in slot. */
static int dma_map_slot(EFI_PCI_IO_PROTOCOL *io, int slot, bool high, VOID *host,
			UINTN pages, struct dma_mem *mem)
{
	UINTN mapped = pages * PLAT_PAGE_SIZE;
	EFI_PHYSICAL_ADDRESS bus;
	VOID *mapping = NULL;

	if (io->Map(io, EfiPciIoOperationBusMasterCommonBuffer, host, &mapped, &bus,
		    &mapping) != EFI_SUCCESS) {
		dma_release(io, high, host, pages);
		/* Above 4 GiB: the root bridge says it cannot (EDK2's DmaAbove4G
		 * FALSE, which OVMF declares): not for us to override. */
		return high ? RC_ENOTSUP : RC_EIO;
	}
	if (bus != (EFI_PHYSICAL_ADDRESS)(UINTN)host || mapped != pages * PLAT_PAGE_SIZE) {
		io->Unmap(io, mapping);
		dma_release(io, high, host, pages);
		return RC_ENOTSUP;
	}
	/* Zeroed (platform.h), eight bytes a store: under emulation a byte
	 * loop was over half a second of CPU for memcpy_storm's 70 MiB. */
	for (UINTN i = 0; i < pages * PLAT_PAGE_SIZE / sizeof(UINT64); i++)
		((volatile UINT64 *)host)[i] = 0;
	dma[slot] = (struct efi_dma){ .used = true, .high = high, .io = io,
					 .mapping = mapping };
	dma[slot].mem = (struct dma_mem){ host, bus, pages * PLAT_PAGE_SIZE, &dma[slot] };
	*mem = dma[slot].mem;
	return RC_OK;
}

int plat_dma_alloc(struct pci_bdf dev, size_t bytes, struct dma_mem *mem)
{
	EFI_PCI_IO_PROTOCOL *io = pciio_find(dev);
	UINTN pages = (bytes + PLAT_PAGE_SIZE - 1) / PLAT_PAGE_SIZE;
	VOID *host = NULL;
	int slot = free_slot();

	if (!bytes || !io)
		return !bytes ? RC_EINVAL : RC_ENODEV;
	if (slot < 0)
		return RC_ENOMEM;
	/* AllocateBuffer without DUAL_ADDRESS_CYCLE stays below 4 GiB. */
	if (io->AllocateBuffer(io, AllocateAnyPages, EfiBootServicesData, pages, &host,
			       0) != EFI_SUCCESS)
		return RC_ENOMEM;
	return dma_map_slot(io, slot, false, host, pages, mem);
}

/* The UEFI memory map in pool memory (the caller frees it), NULL if it
 * cannot be read. Allocating the buffer can add a descriptor to the map,
 * so the size may have to grow more than once. */
static EFI_MEMORY_DESCRIPTOR *memory_map(UINTN *entries, UINTN *dsize)
{
	VOID *map = NULL;
	UINTN size = sizeof(EFI_MEMORY_DESCRIPTOR), key;
	UINT32 version;
	EFI_STATUS s = EFI_SUCCESS;

	while (efi_grow(&s, &map, size))
		s = BS->GetMemoryMap(&size, map, &key, dsize, &version);
	if (map)
		*entries = size / *dsize;
	return map;
}

/* The lowest conventional memory above 4 GiB with room for pages, 0 if
 * none (the memory map is the firmware's own account). */
static EFI_PHYSICAL_ADDRESS free_above_4g(UINTN pages)
{
	UINTN entries, dsize;
	EFI_MEMORY_DESCRIPTOR *map = memory_map(&entries, &dsize);
	EFI_PHYSICAL_ADDRESS best = 0;

	if (!map)
		return 0;
	for (UINTN i = 0; i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize);
		EFI_PHYSICAL_ADDRESS at = d->PhysicalStart;
		UINT64 n = d->NumberOfPages;

		if (d->Type != EfiConventionalMemory || at + n * EFI_PAGE_SIZE <= PLAT_DMA_HIGH_BASE)
			continue;
		if (at < PLAT_DMA_HIGH_BASE) {
			n -= (PLAT_DMA_HIGH_BASE - at) / EFI_PAGE_SIZE;
			at = PLAT_DMA_HIGH_BASE;
		}
		if (n >= pages && (!best || at < best))
			best = at;
	}
	efi_free(map);
	return best;
}

int plat_dma_alloc_high(struct pci_bdf dev, size_t bytes, struct dma_mem *mem)
{
	EFI_PCI_IO_PROTOCOL *io = pciio_find(dev);
	UINTN pages = (bytes + PLAT_PAGE_SIZE - 1) / PLAT_PAGE_SIZE;
	EFI_PHYSICAL_ADDRESS at;
	int slot = free_slot();

	if (!bytes || !io)
		return !bytes ? RC_EINVAL : RC_ENODEV;
	if (slot < 0)
		return RC_ENOMEM;
	at = free_above_4g(pages);
	if (!at)
		return RC_ENOTSUP;
	/* A function may be given addresses above 4 GiB only with DUAL_
	 * ADDRESS_CYCLE (UEFI spec, EFI_PCI_IO_PROTOCOL.Map/AllocateBuffer);
	 * PciIo.AllocateBuffer cannot ask for memory above a floor, so the
	 * pages are the boot services' (AllocateAddress) and PciIo maps them. */
	if (io->Attributes(io, EfiPciIoAttributeOperationEnable,
			   EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE, NULL) != EFI_SUCCESS)
		return RC_ENOTSUP;
	if (BS->AllocatePages(AllocateAddress, EfiBootServicesData, pages, &at) != EFI_SUCCESS)
		return RC_ENOMEM;
	return dma_map_slot(io, slot, true, (VOID *)(UINTN)at, pages, mem);
}

void plat_dma_free(struct dma_mem *mem)
{
	for (unsigned i = 0; i < MAX_DMA; i++) {
		if (!dma[i].used || dma[i].mem.cpu != mem->cpu)
			continue;
		dma[i].io->Unmap(dma[i].io, dma[i].mapping);
		dma_release(dma[i].io, dma[i].high, dma[i].mem.cpu,
			    dma[i].mem.size / PLAT_PAGE_SIZE);
		dma[i].used = false;
		break;
	}
	*mem = (struct dma_mem){ 0 };
}

UINT64 efi_memory_pages(BOOLEAN free_only)
{
	UINTN entries, dsize;
	EFI_MEMORY_DESCRIPTOR *map = memory_map(&entries, &dsize);
	uint64_t pages = 0;

	if (!map)
		return 0;
	for (UINTN i = 0; i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize);
		switch (d->Type) {
		case EfiConventionalMemory:
			pages += d->NumberOfPages;
			break;
		case EfiLoaderCode:
		case EfiLoaderData:
		case EfiBootServicesCode:
		case EfiBootServicesData:
			pages += free_only ? 0 : d->NumberOfPages;
			break;
		default:
			break;
		}
	}
	efi_free(map);
	return pages;
}

uint64_t plat_free_memory(void)
{
	return efi_memory_pages(TRUE) * EFI_PAGE_SIZE;
}

/* ---- setup --------------------------------------------------------- */

EFI_HANDLE efi_image;

EFI_STATUS efi_platform_init(EFI_HANDLE image)
{
	efi_image = image;
	serial_route_init();
	clock_init();
	roots_init();
	pciio_init();
	return nroots ? EFI_SUCCESS : EFI_NOT_FOUND;
}

unsigned efi_platform_fini(void)
{
	unsigned freed = 0;

	for (unsigned i = 0; i < MAX_DMA; i++) {
		if (dma[i].used) {
			struct dma_mem m = dma[i].mem;
			plat_dma_free(&m);
			freed++;
		}
	}
	return freed;
}

void efi_platform_describe(char *buf, unsigned long n)
{
	char vendor[100]; /* what the banner (efi/main.c) has room for */
	unsigned i = 0;

	for (; ST->FirmwareVendor && ST->FirmwareVendor[i] && i < sizeof(vendor) - 1; i++) {
		CHAR16 c = ST->FirmwareVendor[i];
		vendor[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	vendor[i] = '\0';
	fmt_snprintf(buf, n,
		     "firmware: %s rev 0x%08x, UEFI %u.%u; %u PCI root bridge%s; "
		     "serial: %s; clock: %llu.%03llu MHz %s",
		     vendor, ST->FirmwareRevision, ST->Hdr.Revision >> 16,
		     (ST->Hdr.Revision & 0xffff) / 10, nroots, nroots == 1 ? "" : "s",
		     console_has_serial ? "via the firmware console" :
		     serial_direct ? "written directly (console is not serial)" :
				     "none found",
		     (unsigned long long)(ticks_per_s / 1000000),
		     (unsigned long long)(ticks_per_s / 1000 % 1000), clock_source);
}
