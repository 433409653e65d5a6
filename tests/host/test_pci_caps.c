/* test_pci_caps.c - capability list walks, lookups and decoding. */
#include "fake_devices.h"
#include "harness.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"

static struct fake_fn *bare(void)
{
	struct fake_fn *f = fake_fn_add(0, 4, 0);

	fake_fn_ids(f, 0x1234, 0x0001, 0x020000, 0);
	return f;
}

/* A standard capability by hand: id and raw next byte. */
static void cap(struct fake_fn *f, uint8_t off, uint8_t id, uint8_t next)
{
	fake_set8(f, off, id);
	fake_set8(f, off + 1, next);
}

static void cap_list(struct fake_fn *f, uint8_t first)
{
	fake_set16(f, PCI_STATUS, PCI_STATUS_CAP_LIST);
	fake_set8(f, PCI_CAPABILITY_LIST, first);
}

static void ext(struct fake_fn *f, uint16_t off, uint16_t id, uint16_t next)
{
	fake_set32(f, off, id | 1u << 16 | (uint32_t)next << 20);
}

static void walk_is(const struct pci_cap_walk *w, const uint16_t *offs,
		    const uint16_t *ids, unsigned n, const char *file, int line)
{
	if (!harness_check_eq(w->n, n, file, line, "w.n", "expected"))
		return;
	for (unsigned i = 0; i < n; i++) {
		harness_check_eq(w->cap[i].off, offs[i], file, line, "cap.off", "expected");
		harness_check_eq(w->cap[i].id, ids[i], file, line, "cap.id", "expected");
	}
}
#define WALK_IS(w, offs, ids) \
	walk_is((w), (offs), (ids), ARRAY_SIZE(offs), __FILE__, __LINE__)

TEST(caps_82576_standard_list)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct pci_cap_walk w;
	static const uint16_t offs[] = { 0x40, 0x50, 0x70, 0xa0 };
	static const uint16_t ids[] = { PCI_CAP_ID_PM, PCI_CAP_ID_MSI,
					PCI_CAP_ID_MSIX, PCI_CAP_ID_EXP };

	CHECK_EQ(pci_walk_caps(p.fn->bdf, &w), RC_OK);
	CHECK(w.error == NULL);
	WALK_IS(&w, offs, ids);
	for (unsigned i = 0; i < w.n; i++)
		CHECK(!w.cap[i].ext);
}

TEST(caps_82576_extended_list)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct pci_cap_walk w;
	static const uint16_t offs[] = { 0x100, 0x150, 0x160 };
	static const uint16_t ids[] = { PCI_EXT_CAP_ID_ERR, PCI_EXT_CAP_ID_ARI,
					PCI_EXT_CAP_ID_SRIOV };

	CHECK_EQ(pci_walk_ext_caps(p.fn->bdf, &w), RC_OK);
	CHECK(w.error == NULL);
	WALK_IS(&w, offs, ids);
	CHECK_EQ(w.cap[0].ver, 2);
	CHECK_EQ(w.cap[2].ver, 1);
	CHECK(w.cap[1].ext);
}

TEST(caps_loop_two)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;
	static const uint16_t offs[] = { 0x40, 0x50 };
	static const uint16_t ids[] = { 0x01, 0x05 };

	cap_list(f, 0x40);
	cap(f, 0x40, 0x01, 0x50);
	cap(f, 0x50, 0x05, 0x40);
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_EIO);
	WALK_IS(&w, offs, ids);
	CHECK_STREQ(w.error, "capability list loops");
	CHECK_EQ(w.error_at, 0x40);
}

TEST(caps_self_loop)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	cap_list(f, 0x60);
	cap(f, 0x60, 0x10, 0x60);
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, 1);
	CHECK_STREQ(w.error, "capability list loops");
	CHECK_EQ(w.error_at, 0x60);
}

TEST(caps_pointer_into_header)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	cap_list(f, 0x20);
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, 0);
	CHECK_STREQ(w.error, "capability pointer into the header");
	CHECK_EQ(w.error_at, 0x20);

	cap_list(f, 0x40);
	cap(f, 0x40, 0x01, 0x3c);
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, 1);
	CHECK_EQ(w.error_at, 0x3c);
}

TEST(caps_low_pointer_bits_masked)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;
	static const uint16_t offs[] = { 0x40, 0x50, 0x60 };
	static const uint16_t ids[] = { 0x01, 0x05, 0x11 };

	cap_list(f, 0x43);
	cap(f, 0x40, 0x01, 0x52);
	cap(f, 0x50, 0x05, 0x61);
	cap(f, 0x60, 0x11, 0x03); /* masks to 0: end of list */
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_OK);
	CHECK(w.error == NULL);
	WALK_IS(&w, offs, ids);
}

TEST(caps_all_ones_capability)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	cap_list(f, 0x40);
	cap(f, 0x40, 0x01, 0x80);
	cap(f, 0x80, 0xff, 0xff);
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, 1);
	CHECK_STREQ(w.error, "capability reads all-ones");
	CHECK_EQ(w.error_at, 0x80);
}

TEST(caps_status_bit_clear_means_none)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	fake_set8(f, PCI_CAPABILITY_LIST, 0x40);
	cap(f, 0x40, 0x01, 0x00);
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_OK);
	CHECK_EQ(w.n, 0);
	CHECK(w.error == NULL);
	CHECK_EQ(pci_find_cap(f->bdf, 0x01), 0);
}

/* A function that has gone: STATUS reads 0xffff, yet nothing is listed. */
TEST(caps_absent_function)
{
	struct pci_cap_walk w;

	CHECK_EQ(pci_walk_caps(fake_bdf(9, 9, 1), &w), RC_EIO);
	CHECK_EQ(w.n, 0);
	CHECK_STREQ(w.error, "capability reads all-ones");
	CHECK_EQ(pci_walk_ext_caps(fake_bdf(9, 9, 1), &w), RC_OK);
	CHECK_EQ(w.n, 0);
}

/* Every dword from 0x40 to 0xfc: 48 capabilities, bounded and complete. */
TEST(caps_longest_standard_list)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	cap_list(f, 0x40);
	for (unsigned off = 0x40; off <= 0xfc; off += 4)
		cap(f, (uint8_t)off, 0x09, off == 0xfc ? 0 : (uint8_t)(off + 4));
	CHECK_EQ(pci_walk_caps(f->bdf, &w), RC_OK);
	CHECK_EQ(w.n, 48);
	CHECK_EQ(w.cap[47].off, 0xfc);
}

TEST(ext_caps_loop)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	ext(f, 0x100, 0x0001, 0x150);
	ext(f, 0x150, 0x000e, 0x100);
	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, 2);
	CHECK_STREQ(w.error, "extended capability list loops");
	CHECK_EQ(w.error_at, 0x100);
}

TEST(ext_caps_self_loop)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	ext(f, 0x100, 0x0001, 0x200);
	ext(f, 0x200, 0x0010, 0x200);
	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, 2);
	CHECK_EQ(w.error_at, 0x200);
}

TEST(ext_caps_next_below_0x100)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	ext(f, 0x100, 0x0001, 0x040);
	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, 1);
	CHECK_STREQ(w.error, "extended capability pointer below 0x100");
	CHECK_EQ(w.error_at, 0x40);
}

TEST(ext_caps_header_zero_or_all_ones)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_OK);
	CHECK_EQ(w.n, 0);
	CHECK(w.error == NULL);
	fake_set32(f, 0x100, 0xffffffff);
	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_OK);
	CHECK_EQ(w.n, 0);
	CHECK(w.error == NULL);
	/* a zero header later ends the list too */
	ext(f, 0x100, 0x0001, 0x180);
	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_OK);
	CHECK_EQ(w.n, 1);
}

/* Longer than PCI_MAX_CAPS: stops with an error, keeps what fits. */
TEST(ext_caps_max_length_list)
{
	struct fake_fn *f = bare();
	struct pci_cap_walk w;

	for (unsigned off = 0x100; off < 0x100 + 4 * PCI_MAX_CAPS; off += 4)
		ext(f, (uint16_t)off, 0x000b, (uint16_t)(off + 4));
	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_OK);
	CHECK_EQ(w.n, PCI_MAX_CAPS);
	CHECK(w.error == NULL);

	/* every dword of the extended space chained: 960 entries */
	for (unsigned off = 0x100; off <= 0xffc; off += 4)
		ext(f, (uint16_t)off, 0x000b, off == 0xffc ? 0 : (uint16_t)(off + 4));
	CHECK_EQ(pci_walk_ext_caps(f->bdf, &w), RC_EIO);
	CHECK_EQ(w.n, PCI_MAX_CAPS);
	CHECK_STREQ(w.error, "more capabilities than we track");
	CHECK_EQ(w.error_at, 0x100 + 4 * PCI_MAX_CAPS);
}

TEST(caps_find)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct pci_bdf b = p.fn->bdf;

	CHECK_EQ(pci_find_cap(b, PCI_CAP_ID_PM), 0x40);
	CHECK_EQ(pci_find_cap(b, PCI_CAP_ID_MSI), 0x50);
	CHECK_EQ(pci_find_cap(b, PCI_CAP_ID_MSIX), 0x70);
	CHECK_EQ(pci_find_cap(b, PCI_CAP_ID_EXP), 0xa0);
	CHECK_EQ(pci_find_cap(b, 0x09), 0);
	CHECK_EQ(pci_find_ext_cap(b, PCI_EXT_CAP_ID_ERR), 0x100);
	CHECK_EQ(pci_find_ext_cap(b, PCI_EXT_CAP_ID_ARI), 0x150);
	CHECK_EQ(pci_find_ext_cap(b, PCI_EXT_CAP_ID_SRIOV), 0x160);
	CHECK_EQ(pci_find_ext_cap(b, 0x000b), 0);
	CHECK_EQ(fake_cfg_writes_total(), 0);
}

/* What precedes a loop is still found; the loop itself ends the search. */
TEST(caps_find_on_looping_list)
{
	struct fake_fn *f = bare();

	cap_list(f, 0x40);
	cap(f, 0x40, 0x01, 0x50);
	cap(f, 0x50, 0x05, 0x40);
	CHECK_EQ(pci_find_cap(f->bdf, 0x05), 0x50);
	CHECK_EQ(pci_find_cap(f->bdf, 0x10), 0);
}

TEST(caps_decode_82576)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct pci_caps c;

	pci_decode_caps(p.fn->bdf, &c);
	CHECK(c.walk_error == NULL);
	CHECK_EQ(c.pm, 0x40);
	CHECK_EQ(c.msi, 0x50);
	CHECK_EQ(c.msix, 0x70);
	CHECK_EQ(c.pcie, 0xa0);
	CHECK_EQ(c.msix_table_size, 10);
	CHECK_EQ(c.msix_table_bir, 3);
	CHECK_EQ(c.msix_table_off, 0);
	CHECK_EQ(c.msix_pba_bir, 3);
	CHECK_EQ(c.msix_pba_off, 0x2000);
	CHECK_EQ(c.pcie_type, PCI_EXP_TYPE_ENDPOINT);
	CHECK(c.flr);
	CHECK_EQ(c.link_speed, 1);
	CHECK_EQ(c.link_width, 4);
	CHECK_EQ(c.link_cap_speed, 1);
	CHECK_EQ(c.link_cap_width, 4);
	CHECK_EQ(c.aer, 0x100);
	CHECK_EQ(c.ari, 0x150);
	CHECK_EQ(c.sriov, 0x160);
	CHECK_EQ(c.sriov_total_vfs, 8);
}

TEST(caps_decode_msix_fields)
{
	struct fake_fn *f = bare();
	struct pci_caps c;

	fake_cap_add(f, 0x60, PCI_CAP_ID_MSIX);
	fake_set16(f, 0x60 + PCI_MSIX_FLAGS, 0xc7ff); /* enable, mask, 2048 */
	fake_set32(f, 0x60 + PCI_MSIX_TABLE, 0x00012345);
	fake_set32(f, 0x60 + PCI_MSIX_PBA, 0xfff00005);
	pci_decode_caps(f->bdf, &c);
	CHECK_EQ(c.msix_table_size, 2048);
	CHECK_EQ(c.msix_table_bir, 5);
	CHECK_EQ(c.msix_table_off, 0x00012340);
	CHECK_EQ(c.msix_pba_bir, 5);
	CHECK_EQ(c.msix_pba_off, 0xfff00000);
	CHECK_EQ(c.pcie, 0);
	CHECK(!c.flr);
}

/* An RC integrated endpoint has no link: link fields stay 0 even though
 * the register bytes hold something. */
TEST(caps_decode_rc_integrated_endpoint_has_no_link)
{
	struct fake_fn *f = bare();
	struct pci_caps c;

	fake_cap_add(f, 0x40, PCI_CAP_ID_EXP);
	fake_set16(f, 0x40 + PCI_EXP_FLAGS, 0x0002 | PCI_EXP_TYPE_RC_END << 4);
	fake_set32(f, 0x40 + PCI_EXP_LNKCAP, 0x42);
	fake_set16(f, 0x40 + PCI_EXP_LNKSTA, 0x42);
	pci_decode_caps(f->bdf, &c);
	CHECK_EQ(c.pcie_type, PCI_EXP_TYPE_RC_END);
	CHECK(!c.flr);
	CHECK_EQ(c.link_speed, 0);
	CHECK_EQ(c.link_width, 0);
	CHECK_EQ(c.link_cap_speed, 0);
	CHECK_EQ(c.link_cap_width, 0);

	fake_set16(f, 0x40 + PCI_EXP_FLAGS, 0x0002 | PCI_EXP_TYPE_LEG_END << 4);
	pci_decode_caps(f->bdf, &c);
	CHECK_EQ(c.link_speed, 2);
	CHECK_EQ(c.link_width, 4);
}

/* Conventional PCI: no PCIe capability, so extended space is not read. */
TEST(caps_decode_conventional_skips_extended)
{
	struct fake_fn *f = bare();
	struct pci_caps c;

	fake_cap_add(f, 0x40, PCI_CAP_ID_PM);
	ext(f, 0x100, PCI_EXT_CAP_ID_SRIOV, 0);
	pci_decode_caps(f->bdf, &c);
	CHECK_EQ(c.pm, 0x40);
	CHECK_EQ(c.sriov, 0);
	CHECK_EQ(c.sriov_total_vfs, 0);
}

TEST(caps_decode_reports_walk_error)
{
	struct fake_fn *f = bare();
	struct pci_caps c;

	cap_list(f, 0x40);
	cap(f, 0x40, PCI_CAP_ID_EXP, 0x40);
	fake_set32(f, 0x40 + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR);
	ext(f, 0x100, PCI_EXT_CAP_ID_SRIOV, 0x100);
	fake_set16(f, 0x100 + PCI_SRIOV_TOTAL_VF, 7);
	pci_decode_caps(f->bdf, &c);
	CHECK_STREQ(c.walk_error, "capability list loops");
	CHECK_EQ(c.walk_error_at, 0x40);
	CHECK_EQ(c.pcie, 0x40);
	CHECK(c.flr);
	CHECK_EQ(c.sriov, 0x100);
	CHECK_EQ(c.sriov_total_vfs, 7);

	/* a clean standard list lets the extended error through */
	cap(f, 0x40, PCI_CAP_ID_EXP, 0);
	pci_decode_caps(f->bdf, &c);
	CHECK_STREQ(c.walk_error, "extended capability list loops");
	CHECK_EQ(c.walk_error_at, 0x100);
}
