/*
 * fake_devices.h - ready-made fake PCI functions: an 82576 PF laid out as
 * QEMU's -device igb presents it, bridges, a host bridge and an e1000e.
 */
#ifndef IGBTEST_FAKE_DEVICES_H
#define IGBTEST_FAKE_DEVICES_H

#include "fake_platform.h"
#include "model_igb.h"

#define FAKE_82576_BAR0_SIZE	0x20000u
#define FAKE_82576_BAR3_SIZE	0x4000u
#define FAKE_82576_IO_BASE	0xe000u
#define FAKE_82576_COMMAND	0x0007u	/* IO | MEM | MASTER, as OVMF leaves it */
/* STATUS as QEMU's igb reads after reset: FD, LU, 1000 Mb/s, ... */
#define FAKE_82576_STATUS	0x80080783u
/* 52:54:00:12:34:56 with Address Valid */
#define FAKE_82576_RAL0		0x12005452u
#define FAKE_82576_RAH0		0x80005634u
/* Where the capabilities sit (QEMU's layout). */
#define FAKE_82576_MSIX_CAP	0x70
#define FAKE_82576_PCIE_CAP	0xa0
#define FAKE_82576_SRIOV_CAP	0x160
#define FAKE_82576_AER_CAP	0x100
/* Bridges (fake_bridge_add): PCIe at 0x40, AER at 0x100. */
#define FAKE_BRIDGE_PCIE_CAP	0x40
#define FAKE_BRIDGE_AER_CAP	0x100

struct fake_82576 {
	struct fake_fn *fn;
	struct fake_mmio *bar0; /* CSR registers; NULL when BAR0 is 0 */
	struct model_igb *model; /* its behaviour; NULL when BAR0 is 0 */
	struct fake_mmio *bar3; /* MSI-X table and PBA (all zero) */
};

/*
 * An 82576 PF (8086:10C9, class 020000): BAR0 32-bit 128 KiB at bar0,
 * BAR2 32-byte I/O, BAR3 64-bit 16 KiB above 4 GiB; PM@0x40 -> MSI@0x50 ->
 * MSI-X@0x70 (10 vectors, table BAR3+0, PBA BAR3+0x2000) -> PCIe@0xA0
 * (endpoint, FLR, 2.5GT/s x4); AER@0x100 -> ARI@0x150 -> SR-IOV@0x160
 * (TotalVFs 8). With a BAR0 address, the function behaves as the 82576
 * model (model_igb.h) with QEMU's personality; its BAR0 and BAR3 regions
 * decode only while COMMAND.MEM is set and the BAR holds their address.
 * In config space COMMAND, the MSI-X Enable and Function Mask bits and
 * PCIe Device Control (FLR) are writable.
 */
struct fake_82576 fake_82576_add(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t bar0);
/* The same with the model's personality chosen. */
struct fake_82576 fake_82576_add_as(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t bar0,
				    enum model_personality pers);
/* Where fake_82576_add puts that function's BAR3. */
uint64_t fake_82576_bar3(uint8_t bus, uint8_t dev, uint8_t fn);

/* A host bridge (8086:29c0, class 060000, no BARs, no capabilities). */
struct fake_fn *fake_host_bridge_add(uint8_t bus, uint8_t dev, uint8_t fn);
/* A PCIe bridge: type PCI_EXP_TYPE_ROOT_PORT, _UPSTREAM or _DOWNSTREAM;
 * link 5GT/s x8 capable and trained, AER with write-1-to-clear status. */
struct fake_fn *fake_bridge_add(uint8_t bus, uint8_t dev, uint8_t fn,
				uint8_t secondary, uint8_t subordinate,
				uint8_t pcie_type);
/* An e1000e (8086:10D3): not ours, so never to be written. No MMIO region:
 * any access to its BARs ends the test. */
struct fake_fn *fake_e1000e_add(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t bar0);

#endif
