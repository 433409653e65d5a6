/* test_pci_health.c - PCIe error status read/clear/name and link expectations. */
#include "fake_devices.h"
#include "harness.h"
#include "pci/health.h"
#include "pci/pci_regs.h"

static const uint16_t AER = FAKE_82576_AER_CAP;
static const uint16_t EXP = FAKE_82576_PCIE_CAP;

TEST(health_clean_82576_reads_no_errors)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct pci_caps c;
	struct pci_err e;

	pci_decode_caps(p.fn->bdf, &c);
	CHECK_EQ(c.aer, AER);
	pci_err_read(p.fn->bdf, &c, &e);
	CHECK(!pci_err_any(&e));
}

TEST(health_reads_every_error_register_and_clears_only_those_bits)
{
	/* No BAR0: no model, so DEVSTA.TRPND stays as set here. */
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0);
	struct pci_caps c;
	struct pci_err e;
	char s[300];

	pci_decode_caps(p.fn->bdf, &c);
	fake_or(p.fn, PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_INTERRUPT);
	fake_set16(p.fn, EXP + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_TRPND);
	fake_set32(p.fn, AER + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_COMP_TIME);
	fake_set32(p.fn, AER + PCI_ERR_COR_STATUS, PCI_ERR_COR_BAD_TLP | 0x10000);
	pci_err_read(p.fn->bdf, &c, &e);
	CHECK_EQ(e.status, PCI_STATUS_REC_MASTER_ABORT);
	CHECK_EQ(e.devsta, PCI_EXP_DEVSTA_NFED);
	CHECK_EQ(e.uncor, PCI_ERR_UNC_COMP_TIME);
	CHECK_EQ(e.cor, PCI_ERR_COR_BAD_TLP | 0x10000);
	pci_err_str(&e, s, sizeof(s));
	CHECK_STREQ(s, "STATUS 0x2000 (received master abort); DEVSTA 0x2 (non-fatal); "
		    "AER UE 0x4000 (completion timeout); AER CE 0x10040 (bad TLP, other 0x10000)");

	CHECK_EQ(pci_err_clear(p.fn->bdf, &c, &e), RC_OK);
	pci_err_read(p.fn->bdf, &c, &e);
	CHECK(!pci_err_any(&e));
	/* Only the error bits went: the others are untouched. */
	CHECK(fake_get16(p.fn, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	CHECK(fake_get16(p.fn, PCI_STATUS) & PCI_STATUS_CAP_LIST);
	CHECK_EQ(fake_get16(p.fn, EXP + PCI_EXP_DEVSTA), PCI_EXP_DEVSTA_TRPND);
}

TEST(health_clear_leaves_a_bit_that_rose_after_the_read)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct pci_caps c;
	struct pci_err e;

	pci_decode_caps(p.fn->bdf, &c);
	fake_set32(p.fn, AER + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_COMP_TIME);
	pci_err_read(p.fn->bdf, &c, &e);
	fake_set32(p.fn, AER + PCI_ERR_UNCOR_STATUS,
		   PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_UNSUP);
	pci_err_clear(p.fn->bdf, &c, &e);
	CHECK_EQ(fake_get32(p.fn, AER + PCI_ERR_UNCOR_STATUS), PCI_ERR_UNC_UNSUP);
}

TEST(health_without_aer_reads_status_and_devsta_only)
{
	struct fake_fn *f = fake_fn_add(0, 4, 0);
	struct pci_caps c;
	struct pci_err e;
	char s[100];

	fake_fn_ids(f, 0x8086, 0x10c9, 0x020000, 1);
	fake_set16(f, PCI_STATUS, PCI_STATUS_SIG_SYSTEM_ERROR);
	pci_decode_caps(f->bdf, &c);
	pci_err_read(f->bdf, &c, &e);
	CHECK_EQ(e.status, PCI_STATUS_SIG_SYSTEM_ERROR);
	CHECK_EQ(e.devsta, 0);
	CHECK_EQ(e.uncor, 0);
	CHECK_STREQ(pci_err_str(&e, s, sizeof(s)), "STATUS 0x4000 (signaled system error)");
}

TEST(health_gone_device_is_said)
{
	struct fake_82576 p = fake_82576_add(0, 2, 0, 0xfebc0000);
	struct pci_caps c;
	struct pci_err e;
	char s[100];

	pci_decode_caps(p.fn->bdf, &c);
	p.fn->all_ones = true;
	pci_err_read(p.fn->bdf, &c, &e);
	CHECK(e.gone);
	CHECK(pci_err_any(&e));
	CHECK_EQ(pci_err_clear(p.fn->bdf, &c, &e), RC_ENODEV);
	CHECK_STREQ(pci_err_str(&e, s, sizeof(s)), "config space reads all-ones");
}

TEST(health_minus_keeps_only_unexpected_bits)
{
	struct pci_err e = { .status = PCI_STATUS_REC_MASTER_ABORT, .devsta = 3,
			     .uncor = PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_UNSUP, .cor = 1 };
	struct pci_err allowed = { .devsta = PCI_EXP_DEVSTA_NFED,
				   .uncor = PCI_ERR_UNC_COMP_TIME };
	struct pci_err d = pci_err_minus(&e, &allowed);

	CHECK_EQ(d.status, PCI_STATUS_REC_MASTER_ABORT);
	CHECK_EQ(d.devsta, PCI_EXP_DEVSTA_CED);
	CHECK_EQ(d.uncor, PCI_ERR_UNC_UNSUP);
	CHECK_EQ(d.cor, 1);
}

TEST(health_link_expected_is_the_lower_of_both_ends)
{
	struct fake_82576 p = fake_82576_add(1, 0, 0, 0xfebc0000);
	struct fake_fn *port = fake_bridge_add(0, 1, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	struct pci_caps dc, pc;
	struct pcie_link d, u;
	uint8_t speed, width;

	pci_decode_caps(p.fn->bdf, &dc);
	pci_decode_caps(port->bdf, &pc);
	pcie_link_read(p.fn->bdf, &dc, &d);
	pcie_link_read(port->bdf, &pc, &u);
	CHECK(d.present && u.present);
	CHECK_EQ(d.cap_speed, 1);
	CHECK_EQ(d.cap_width, 4);
	CHECK_EQ(u.cap_speed, 2);
	CHECK_EQ(u.cap_width, 8);
	pcie_link_expected(&d, &u, &speed, &width);
	CHECK_EQ(speed, 1);
	CHECK_EQ(width, 4);
	/* A x1 slot: the port's width is the limit. */
	fake_set32(port, FAKE_BRIDGE_PCIE_CAP + PCI_EXP_LNKCAP, 0x12);
	pcie_link_read(port->bdf, &pc, &u);
	pcie_link_expected(&d, &u, &speed, &width);
	CHECK_EQ(speed, 1);
	CHECK_EQ(width, 1);
	/* No port: the device's own capability. */
	pcie_link_expected(&d, NULL, &speed, &width);
	CHECK_EQ(width, 4);
}

TEST(health_link_absent_without_pcie_cap)
{
	struct fake_fn *f = fake_fn_add(0, 4, 0);
	struct pci_caps c;
	struct pcie_link l;

	fake_fn_ids(f, 0x8086, 0x10c9, 0x020000, 1);
	pci_decode_caps(f->bdf, &c);
	pcie_link_read(f->bdf, &c, &l);
	CHECK(!l.present);
}

/* The sender of the TLP behind a port's error, from its AER header log:
 * only when the record is that one error (PCIe r5.0 7.8.4.7-8). */
TEST(health_sender_from_the_header_log_only_when_it_is_the_whole_record)
{
	struct fake_fn *rp = fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	const uint16_t aer = FAKE_BRIDGE_AER_CAP;
	struct pci_bdf from = { 0 };
	struct pci_caps c;
	struct pci_err e;

	pci_decode_caps(rp->bdf, &c);
	fake_set32(rp, aer + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_UNSUP);
	fake_set32(rp, aer + PCI_ERR_CAP, 20);                 /* UR first */
	fake_set32(rp, aer + PCI_ERR_HEADER_LOG, 0x20000001u); /* MRd */
	fake_set32(rp, aer + PCI_ERR_HEADER_LOG + 4, 0x0101a0ffu); /* from 01:00.1 */
	pci_err_read(rp->bdf, &c, &e);
	CHECK(pci_err_sender(rp->bdf, &c, &e, &from));
	CHECK(from.bus == 1 && from.dev == 0 && from.fn == 1);
	/* The same registers with UR masked: that UR logged nothing, and the
	 * header and pointer are an earlier error's (PCIe r5.0 6.2.3.2.2). */
	fake_set32(rp, aer + PCI_ERR_UNCOR_MASK, PCI_ERR_UNC_UNSUP);
	CHECK(!pci_err_sender(rp->bdf, &c, &e, &from));
	fake_set32(rp, aer + PCI_ERR_UNCOR_MASK, 0);
	/* Its advisory beside it is still that one error. */
	fake_set32(rp, aer + PCI_ERR_COR_STATUS, PCI_ERR_COR_ADV_NFAT);
	pci_err_read(rp->bdf, &c, &e);
	CHECK(pci_err_sender(rp->bdf, &c, &e, &from));
	/* Another error beside it: the header is not every bit's. */
	fake_set32(rp, aer + PCI_ERR_COR_STATUS, PCI_ERR_COR_BAD_DLLP);
	pci_err_read(rp->bdf, &c, &e);
	CHECK(!pci_err_sender(rp->bdf, &c, &e, &from));
	fake_set32(rp, aer + PCI_ERR_COR_STATUS, 0);
	fake_set32(rp, aer + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_COMP_TIME);
	pci_err_read(rp->bdf, &c, &e);
	CHECK(!pci_err_sender(rp->bdf, &c, &e, &from));
	/* A completion timeout logs no header (Linux aer.c AER_LOG_TLP_MASKS). */
	fake_set32(rp, aer + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_COMP_TIME);
	fake_set32(rp, aer + PCI_ERR_CAP, 14);
	pci_err_read(rp->bdf, &c, &e);
	CHECK(!pci_err_sender(rp->bdf, &c, &e, &from));
	/* The first error pointer at a bit no longer set: no header. */
	fake_set32(rp, aer + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_UNSUP);
	fake_set32(rp, aer + PCI_ERR_CAP, 15);
	pci_err_read(rp->bdf, &c, &e);
	CHECK(!pci_err_sender(rp->bdf, &c, &e, &from));
}
