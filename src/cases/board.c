/*
 * board.c - which board this is (issue 15 item 9): MAC, PBA, NVM image
 * version and size, Device Serial Number, subsystem IDs. The harness
 * already printed them as the "# device:" line; this case reads them
 * again and fails what a lab cannot trace a result to: an NVM whose PBA
 * or version cannot be read, a serial number capability that reads
 * all-ones or zero.
 */
#include "igb/igb_info.h"
#include "suite/suite.h"

static enum ktap_result case_board_identity(struct igb_dev *d, struct test_run *t)
{
	struct igb_board b;
	char s[300];

	igb_board_read(d, &b);
	ktap_diag("%s: %04x:%04x %s", t->name, b.vendor, b.device,
		  igb_board_str(&b, s, sizeof(s)));
	ASSERT(t, !b.pba_rc, "PBA (part number) unreadable from the NVM: %s (Linux "
	       "igb_read_part_string)", rc_name(b.pba_rc));
	ASSERT(t, !b.ver_rc, "NVM image version unreadable: %s", rc_name(b.ver_rc));
	ASSERT(t, !b.has_dsn || (b.dsn && b.dsn != ~0ull), "Device Serial Number reads "
	       "0x%016llx", (unsigned long long)b.dsn);
	return KTAP_PASS;
}

static const struct igb_test cases[] = {
	IGB_CASE(board_identity, NEEDS_BAR0, MODES_ONCE,
		 "MAC, PBA part number, NVM version and size, serial number, subsystem "
		 "IDs: read and printed (also as the \"# device:\" line)"),
};
IGB_GROUP(board, "board identity", cases);
