/* test_igb_info.c - board identity from the NVM and the statistics
 * registers, through the real driver against the 82576 model. */
#include "harness.h"
#include "igb/igb_info.h"
#include "igb/igb_regs.h"
#include "model_test.h"

static struct mt m;

TEST(info_pba_legacy_as_qemu_template)
{
	char pba[IGB_PBA_MAX];

	mt_open(&m, MODEL_QEMU);
	CHECK_EQ(igb_read_pba(&m.d, pba, sizeof(pba)), RC_OK);
	CHECK_STREQ(pba, "1040FF-0FF");
}

TEST(info_pba_string_behind_the_guard)
{
	char pba[IGB_PBA_MAX];
	static const char s[] = "G15136-003";

	mt_open(&m, MODEL_SILICON);
	mt_wait_us(20000); /* AUTO_RD */
	m.g->nvm[IGB_NVM_PBA_OFFSET_0] = IGB_NVM_PBA_PTR_GUARD;
	m.g->nvm[IGB_NVM_PBA_OFFSET_1] = 0x80;
	m.g->nvm[0x80] = 6; /* the length word and five of text */
	for (unsigned i = 0; i < 5; i++)
		m.g->nvm[0x81 + i] = (uint16_t)(s[2 * i] << 8 | s[2 * i + 1]);
	model_nvm_fix_checksum(m.g);
	CHECK_EQ(igb_read_pba(&m.d, pba, sizeof(pba)), RC_OK);
	CHECK_STREQ(pba, s);
	/* Too small a buffer for it: refused, not cut. */
	CHECK_EQ(igb_read_pba(&m.d, pba, 10), RC_EINVAL);
	CHECK_EQ(igb_read_pba(&m.d, pba, 11), RC_OK);
	m.g->nvm[0x80] = 7; /* six words of text need 12 bytes and the NUL */
	CHECK_EQ(igb_read_pba(&m.d, pba, 12), RC_ERANGE);
	/* An erased or empty PBA section is an error (E1000_ERR_NVM_PBA_SECTION). */
	m.g->nvm[0x80] = 0xffff;
	CHECK_EQ(igb_read_pba(&m.d, pba, sizeof(pba)), RC_EIO);
	m.g->nvm[0x80] = 0;
	CHECK_EQ(igb_read_pba(&m.d, pba, sizeof(pba)), RC_EIO);
	CHECK_EQ(model_violations(m.g), 0);
}

TEST(info_nvm_version_and_etrack)
{
	struct igb_nvm_version v;

	mt_open(&m, MODEL_QEMU);
	CHECK_EQ(igb_read_nvm_version(&m.d, &v), RC_OK);
	CHECK_EQ(v.major, 2);
	CHECK_EQ(v.minor, 1);
	CHECK_EQ(v.build, 0);
	CHECK(!v.etrack_valid);
	m.g->nvm[IGB_NVM_ETRACK_HIWORD] = 0x8000 | 0x0123;
	m.g->nvm[IGB_NVM_ETRACK_WORD] = 0x4567;
	CHECK_EQ(igb_read_nvm_version(&m.d, &v), RC_OK);
	CHECK(v.etrack_valid);
	CHECK_EQ(v.etrack, 0x80234567u | 0x01000000u);
}

TEST(info_nvm_words_from_eecd)
{
	mt_open(&m, MODEL_QEMU);
	mt_wr(&m, IGB_EECD, 0); /* the size field is read-only */
	CHECK_EQ(igb_nvm_words(&m.d), 1u << (((mt_rd(&m, IGB_EECD) >> 11) & 0xf) + 6));
}

static void copy_and_read(enum model_personality p, unsigned faults,
			  struct igb_stats *s, unsigned frames)
{
	mt_open(&m, p);
	mt_up(&m);
	model_inject(m.g, faults);
	REQUIRE(igb_drv_set_frame_size(&m.drv, 1000) == 1000);
	igb_stats_read(&m.d, s); /* clears what init's traffic left */
	REQUIRE(mt_copy(&m, (size_t)frames * 1000) == RC_OK);
	igb_stats_read(&m.d, s);
}

static void stats_match(enum model_personality p)
{
	struct igb_stats s, again;

	copy_and_read(p, 0, &s, 64);
	CHECK_EQ(s.v[IGB_STAT_GPTC], 64);
	CHECK_EQ(s.v[IGB_STAT_TPT], 64);
	CHECK_EQ(s.v[IGB_STAT_GPRC], 64);
	CHECK_EQ(s.v[IGB_STAT_TPR], 64);
	CHECK_EQ(s.v[IGB_STAT_GOTC], 64 * 1004);
	CHECK_EQ(s.v[IGB_STAT_TOT], 64 * 1004);
	CHECK_EQ(s.v[IGB_STAT_GORC], 64 * 1004);
	CHECK_EQ(s.v[IGB_STAT_TOR], 64 * 1004);
	for (unsigned i = IGB_STAT_CRCERRS; i < IGB_NSTATS; i++) /* errors, drops */
		CHECK_EQ(s.v[i], 0);
	/* Clear on read: a second read finds nothing. */
	igb_stats_read(&m.d, &again);
	for (unsigned i = 0; i < IGB_NSTATS; i++)
		CHECK_EQ(again.v[i], 0);
	CHECK_EQ(model_violations(m.g), 0);
}

TEST(info_stats_count_a_copy_qemu)
{
	stats_match(MODEL_QEMU);
}

TEST(info_stats_count_a_copy_silicon)
{
	stats_match(MODEL_SILICON);
}

TEST(info_stats_stuck_counter_and_crc_noise_show)
{
	struct igb_stats s;

	copy_and_read(MODEL_SILICON, MODEL_FAULT_GPRC_STUCK, &s, 8);
	CHECK_EQ(s.v[IGB_STAT_GPRC], 0);
	CHECK_EQ(s.v[IGB_STAT_GPTC], 8);
	fake_reset();
	copy_and_read(MODEL_SILICON, MODEL_FAULT_CRC_NOISE, &s, 8);
	CHECK_EQ(s.v[IGB_STAT_CRCERRS], 8);
	CHECK_EQ(s.v[IGB_STAT_TPR], 16);
	CHECK_EQ(s.v[IGB_STAT_GPRC], 8);
}

TEST(info_stats_high_read_clears_both_halves)
{
	mt_open(&m, MODEL_QEMU);
	mt_up(&m);
	REQUIRE(mt_copy(&m, 4000) == RC_OK);
	uint32_t lo = mt_rd(&m, IGB_GOTCL);
	CHECK(lo != 0);
	CHECK_EQ(mt_rd(&m, IGB_GOTCL), lo); /* the low read does not clear */
	mt_rd(&m, IGB_GOTCH);
	CHECK_EQ(mt_rd(&m, IGB_GOTCL), 0);
}
