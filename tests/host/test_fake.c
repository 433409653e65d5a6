/*
 * test_fake.c - the fakes themselves: every other test leans on these
 * semantics, so they are pinned down here.
 */
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"

static uint32_t rd(struct pci_bdf b, uint16_t off, unsigned width)
{
	uint32_t v = 0x12345678;

	REQUIRE(plat_pci_read(b, off, width, &v) == RC_OK);
	return v;
}

TEST(fake_absent_function_reads_all_ones)
{
	struct pci_bdf b = fake_bdf(7, 1, 2);

	CHECK_EQ(rd(b, 0x00, 1), 0xff);
	CHECK_EQ(rd(b, 0x02, 2), 0xffff);
	CHECK_EQ(rd(b, 0x100, 4), 0xffffffff);
	CHECK_EQ(plat_pci_write(b, PCI_COMMAND, 2, 0x0006), RC_OK);
	unsigned n;
	const struct fake_cfg_write *w = fake_cfg_log(&n);
	REQUIRE(n == 1);
	CHECK(fake_bdf_eq(w[0].bdf, b));
	CHECK_EQ(w[0].cmd, 0xffff);
}

TEST(fake_write_semantics)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct fake_fn *br = fake_bridge_add(0, 1, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	struct pci_bdf b = p.fn->bdf;

	/* IDs, class, header type and capabilities are read-only */
	plat_pci_write(b, PCI_VENDOR_ID, 4, 0);
	plat_pci_write(b, PCI_CLASS_REVISION, 4, 0);
	plat_pci_write(b, PCI_HEADER_TYPE, 1, 0x81);
	plat_pci_write(b, 0x70, 4, 0);
	CHECK_EQ(rd(b, PCI_VENDOR_ID, 4), 0x10c98086);
	CHECK_EQ(rd(b, PCI_CLASS_REVISION, 4), 0x02000001);
	CHECK_EQ(rd(b, PCI_HEADER_TYPE, 1), 0);
	CHECK_EQ(rd(b, 0x70, 4), 0x0009a011);
	/* COMMAND: only the defined control bits stick */
	plat_pci_write(b, PCI_COMMAND, 2, 0xffff);
	CHECK_EQ(rd(b, PCI_COMMAND, 2), 0x0547);
	/* BARs: size mask plus read-only type bits */
	plat_pci_write(b, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	CHECK_EQ(rd(b, PCI_BASE_ADDRESS_0, 4), 0xfffe0000);
	plat_pci_write(b, PCI_BASE_ADDRESS_0 + 8, 4, 0xffffffff);
	CHECK_EQ(rd(b, PCI_BASE_ADDRESS_0 + 8, 4), 0xffffffe1);
	plat_pci_write(b, PCI_BASE_ADDRESS_0 + 12, 4, 0xffffffff);
	plat_pci_write(b, PCI_BASE_ADDRESS_0 + 16, 4, 0xffffffff);
	CHECK_EQ(rd(b, PCI_BASE_ADDRESS_0 + 12, 4), 0xffffc004);
	CHECK_EQ(rd(b, PCI_BASE_ADDRESS_0 + 16, 4), 0xffffffff);
	plat_pci_write(b, PCI_BASE_ADDRESS_0 + 4, 4, 0xffffffff);
	CHECK_EQ(rd(b, PCI_BASE_ADDRESS_0 + 4, 4), 0); /* unimplemented */
	/* byte and word writes into a BAR go through the same mask */
	plat_pci_write(b, PCI_BASE_ADDRESS_0 + 2, 2, 0x1234);
	CHECK_EQ(rd(b, PCI_BASE_ADDRESS_0, 4), 0x12340000);
	/* bridge bus numbers are writable */
	plat_pci_write(br->bdf, PCI_SECONDARY_BUS, 1, 5);
	plat_pci_write(br->bdf, PCI_SUBORDINATE_BUS, 1, 9);
	CHECK_EQ(rd(br->bdf, PCI_PRIMARY_BUS, 4) & 0xffffff, 0x090500);
}

TEST(fake_io16_bar_and_prefetch_bits)
{
	struct fake_fn *f = fake_fn_add(0, 9, 0);

	fake_bar_io(f, 0, 0xc000, 0x40, false);
	fake_bar_mem32(f, 1, 0xe0000000, 0x100000, true);
	plat_pci_write(f->bdf, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	plat_pci_write(f->bdf, PCI_BASE_ADDRESS_0 + 4, 4, 0xffffffff);
	CHECK_EQ(fake_get32(f, PCI_BASE_ADDRESS_0), 0x0000ffc1);
	CHECK_EQ(fake_get32(f, PCI_BASE_ADDRESS_0 + 4), 0xfff00008);
	CHECK_EQ(f->bar_size[0], 0x40);
	uint64_t size = 0;
	CHECK_EQ(plat_pci_bar_size(f->bdf, 1, &size), RC_OK);
	CHECK_EQ(size, 0x100000);
	CHECK_EQ(plat_pci_bar_size(f->bdf, 2, &size), RC_ENOTSUP);
	fake_bar_size_known(false);
	CHECK_EQ(plat_pci_bar_size(f->bdf, 1, &size), RC_ENOTSUP);
}

TEST(fake_write_log_and_all_ones)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	unsigned n;

	pci_write16(p.fn->bdf, PCI_COMMAND, 0x0004);
	pci_write32(p.fn->bdf, PCI_BASE_ADDRESS_0, 0xffffffff);
	p.fn->all_ones = true;
	CHECK_EQ(pci_read16(p.fn->bdf, PCI_VENDOR_ID), 0xffff);
	pci_write16(p.fn->bdf, PCI_COMMAND, 0x0007);
	const struct fake_cfg_write *w = fake_cfg_log(&n);
	REQUIRE(n == 3);
	CHECK_EQ(w[0].off, PCI_COMMAND);
	CHECK_EQ(w[0].width, 2);
	CHECK_EQ(w[0].val, 0x0004);
	CHECK_EQ(w[0].cmd, FAKE_82576_COMMAND);
	CHECK_EQ(w[1].off, PCI_BASE_ADDRESS_0);
	CHECK_EQ(w[1].width, 4);
	CHECK_EQ(w[1].cmd, 0x0004);
	CHECK_EQ(w[2].val, 0x0007);
	/* a write to a gone function is logged but changes nothing */
	CHECK_EQ(fake_get16(p.fn, PCI_COMMAND), 0x0004);
	CHECK_EQ(fake_cfg_writes_to(p.fn->bdf), 3);
	CHECK_EQ(p.fn->decode_violations, 0);
}

static void mmio_read_at(void *arg)
{
	plat_mmio_read32(*(uint64_t *)arg);
}

static void cfg_misaligned(void *arg)
{
	uint32_t v;

	(void)arg;
	plat_pci_read(fake_bdf(0, 0, 0), 0x06, 4, &v);
}

TEST(fake_bad_accesses_end_the_test)
{
	uint64_t addr;

	fake_82576_add(0, 2, 0, 0xfebc0000);
	addr = 0xfebc0000 + FAKE_82576_BAR0_SIZE;
	CHECK(harness_fatal_in(mmio_read_at, &addr));
	CHECK(strstr(harness_last_fatal(), "hits no fake region") != NULL);
	addr = 0xfebc0002;
	CHECK(harness_fatal_in(mmio_read_at, &addr));
	CHECK(strstr(harness_last_fatal(), "misaligned") != NULL);
	addr = 0xfebc0008;
	CHECK(!harness_fatal_in(mmio_read_at, &addr));
	CHECK(harness_fatal_in(cfg_misaligned, NULL));
}

TEST(fake_mmio_decode_follows_command)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);

	/* STATUS: no link before an autonegotiation restart */
	CHECK_EQ(plat_mmio_read32(0xfebc0008), FAKE_82576_STATUS & ~IGB_STATUS_LU);
	CHECK_EQ(plat_mmio_read32(0xfebc5400), FAKE_82576_RAL0);
	CHECK_EQ(plat_mmio_read32(0xfebc5404), FAKE_82576_RAH0);
	plat_mmio_write32(0xfebc0100, 0x2);
	CHECK_EQ(p.bar0->regs[0x100 / 4], 0x2);
	fake_set16(p.fn, PCI_COMMAND, 0x0005);
	CHECK_EQ(plat_mmio_read32(0xfebc0008), 0xffffffff);
	plat_mmio_write32(0xfebc0100, 0x0);
	CHECK_EQ(p.bar0->regs[0x100 / 4], 0x2);
	CHECK_EQ(p.bar0->undecoded, 2);
	CHECK_EQ(p.bar0->reads, 3);
	CHECK_EQ(p.bar0->writes, 1);
}

static uint32_t hook_read(struct fake_mmio *m, uint32_t off)
{
	return off | (uint32_t)(uintptr_t)m->priv;
}

static void hook_write(struct fake_mmio *m, uint32_t off, uint32_t v)
{
	m->regs[0] = off + v;
}

TEST(fake_mmio_hooks)
{
	struct fake_mmio *m = fake_mmio_add(0x100000000ull, 0x1000);

	m->read = hook_read;
	m->write = hook_write;
	m->priv = (void *)(uintptr_t)0xa0000000u;
	CHECK_EQ(plat_mmio_read32(0x100000ffcull), 0xa0000ffc);
	plat_mmio_write32(0x100000010ull, 5);
	CHECK_EQ(m->regs[0], 0x15);
}

static void poll_forever(void *arg)
{
	(void)arg;
	for (;;)
		plat_now_us();
}

TEST(fake_time_is_simulated)
{
	CHECK_EQ(plat_now_us(), 0);
	plat_udelay(250);
	plat_udelay(1000000);
	CHECK_EQ(plat_now_us(), 1000250);
	CHECK_EQ(fake_now_us(), 1000250);
	CHECK(harness_fatal_in(poll_forever, NULL));
	CHECK(strstr(harness_last_fatal(), "plat_udelay") != NULL);
}

static void free_twice(void *arg)
{
	struct dma_mem copy = *(struct dma_mem *)arg;

	plat_dma_free(arg);
	plat_dma_free(&copy);
}

TEST(fake_dma_tracking)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct dma_mem a, b;

	CHECK_EQ(plat_dma_alloc(p.fn->bdf, 0, &a), RC_EINVAL);
	CHECK_EQ(plat_dma_alloc(fake_bdf(3, 0, 0), 64, &a), RC_ENODEV);
	REQUIRE(plat_dma_alloc(p.fn->bdf, 100, &a) == RC_OK);
	REQUIRE(plat_dma_alloc(p.fn->bdf, 4097, &b) == RC_OK);
	CHECK_EQ(a.size, PLAT_PAGE_SIZE);
	CHECK_EQ(b.size, 2 * PLAT_PAGE_SIZE);
	CHECK_EQ(a.bus, (uintptr_t)a.cpu);
	CHECK_EQ((uintptr_t)b.cpu % PLAT_PAGE_SIZE, 0);
	CHECK_EQ(((uint8_t *)b.cpu)[b.size - 1], 0);
	CHECK_EQ(fake_dma_outstanding(), 2);
	plat_dma_free(&a);
	CHECK(a.cpu == NULL);
	CHECK_EQ(fake_dma_outstanding(), 1);
	CHECK(harness_fatal_in(free_twice, &b));
	CHECK_EQ(fake_dma_outstanding(), 0);
	fake_dma_fail_next(1);
	CHECK_EQ(plat_dma_alloc(p.fn->bdf, 64, &a), RC_ENOMEM);
	REQUIRE(plat_dma_alloc(p.fn->bdf, 64, &a) == RC_OK);
	CHECK_EQ(fake_dma_allocations(), 3);
	/* fake_reset frees what a test leaves */
}

static void write_str(void *arg)
{
	plat_write(arg, strlen(arg));
}

static void sync(void *arg)
{
	(void)arg;
	plat_write_sync();
}

TEST(fake_output_capture_and_contract)
{
	plat_write("one\ntwo\n", 8);
	plat_write("three\n", 6);
	CHECK_EQ(fake_output_nlines(), 3);
	CHECK_STREQ(fake_output_line(1), "two");
	CHECK(fake_output_line(3) == NULL);
	CHECK_EQ(fake_output_find("three", 0), 2);
	CHECK_EQ(fake_output_find("one", 1), -1);
	CHECK(fake_output_contains("hre"));
	CHECK(!fake_output_has("thre"));
	CHECK(harness_fatal_in(write_str, "esc \x1b[1m\n"));
	CHECK(harness_fatal_in(write_str, "tab\t\n"));
	CHECK_EQ(fake_output_nlines(), 3);
	/* a long line may come in pieces; a sync in the middle of one is a bug */
	plat_write("fo", 2);
	plat_write("ur\n", 3);
	CHECK_STREQ(fake_output_line(3), "four");
	plat_write("no newline", 10);
	CHECK(harness_fatal_in(sync, NULL));
	CHECK_EQ(fake_output_nlines(), 4);
}

/* The 82576 model's own tests are in test_model*.c. */

#define CSR 0xfebc0000ull

TEST(fake_msix_control_bits_writable)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, (uint32_t)CSR);

	pci_write16(p.fn->bdf, 0x70 + PCI_MSIX_FLAGS, 0xffff);
	CHECK_EQ(fake_get16(p.fn, 0x70 + PCI_MSIX_FLAGS), 0xc009);
	pci_write16(p.fn->bdf, 0x70 + PCI_MSIX_FLAGS, 0);
	CHECK_EQ(fake_get16(p.fn, 0x70 + PCI_MSIX_FLAGS), 0x0009);
}
