/*
 * test_mbx.c - src/igb/mbx against the 82576 model's mailbox: the
 * read-to-clear bits are never lost, locks exclude each other, messages of
 * every length arrive, bad lengths touch nothing, every wait is bounded
 * and a lost message is reported with the registers.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_devices.h"
#include "harness.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "model_test.h"
#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "igb/mbx.h"
#include "pci/pci.h"
#include "pci/sriov.h"
#include "wait_bound.h"

#define BAR0 0xfebc0000u

static struct pci_inventory inv;

struct bench {
	struct fake_82576 p;
	struct igb_dev d;
	struct sriov s;
	struct igb_mbx m[IGB_MAX_VFS];
};

static bool probe(void *ctx, const struct sriov *s, unsigned vf, uint64_t bar0)
{
	struct igb_mbx m;

	(void)s;
	igb_mbx_init(&m, ctx, vf, bar0);
	if (igb_mbx_vf_lock(&m))
		return false;
	igb_mbx_vf_unlock(&m);
	return true;
}

/* VFs enabled (QEMU model: BARs moved below 4 GiB), PF reset done. */
static void bench_open(struct bench *b)
{
	memset(b, 0, sizeof(*b));
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	b->p = fake_82576_add(1, 0, 0, BAR0);
	b->d = (struct igb_dev){ .bdf = b->p.fn->bdf, .bar0 = BAR0 };
	REQUIRE(pci_scan(&inv) == RC_OK);
	REQUIRE(sriov_open(&b->s, &inv, b->d.bdf) == RC_OK);
	REQUIRE(sriov_enable(&b->s, IGB_MAX_VFS) == RC_OK);
	REQUIRE(sriov_make_bars_usable(&b->s, &inv, probe, &b->d) == RC_OK);
	for (unsigned v = 0; v < IGB_MAX_VFS; v++)
		igb_mbx_init(&b->m[v], &b->d, v, sriov_vf_bar(&b->s, v, 0));
	igb_wr32(&b->d, IGB_CTRL_EXT, IGB_CTRL_EXT_PFRSTD);
	for (unsigned v = 0; v < IGB_MAX_VFS; v++)
		REQUIRE(!igb_mbx_vf_reset(&b->m[v]));
	igb_wr32(&b->d, IGB_VFLRE, 0xff);
}

TEST(mbx_round_trip_every_length)
{
	struct bench b;
	uint32_t msg[IGB_MBX_WORDS], got[IGB_MBX_WORDS];

	bench_open(&b);
	for (unsigned v = 0; v < IGB_MAX_VFS; v++) {
		struct igb_mbx *m = &b.m[v];
		for (unsigned n = 1; n <= IGB_MBX_WORDS; n++) {
			harness_note("VF %u, %u words", v, n);
			for (unsigned i = 0; i < n; i++)
				msg[i] = 0xc0de0000u | v << 8 | n << 4 | i;
			REQUIRE(!igb_mbx_vf_write(m, msg, n));
			CHECK(igb_mbx_pf_check(m, IGB_MBVFICR_VFREQ(v)));
			REQUIRE(!igb_mbx_pf_read(m, got, n));
			CHECK(!memcmp(got, msg, n * 4));
			CHECK(igb_mbx_vf_check(m, IGB_V2PMAILBOX_PFACK));
			REQUIRE(!igb_mbx_pf_write(m, msg, n));
			CHECK(!igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFSTS, IGB_MBX_TIMEOUT_US));
			memset(got, 0, sizeof(got));
			REQUIRE(!igb_mbx_vf_read(m, got, n));
			CHECK(!memcmp(got, msg, n * 4));
			CHECK(!igb_mbx_pf_wait(m, IGB_MBVFICR_VFACK(v), IGB_MBX_TIMEOUT_US));
		}
	}
	harness_note("%s", "");
}

/* PFSTS, PFACK and RSTD clear when read; a read for any other reason
 * (here a diagnostic) must not lose them. */
TEST(mbx_read_to_clear_bits_are_cached)
{
	struct bench b;
	uint32_t one = 1;
	char text[200];

	bench_open(&b);
	REQUIRE(!igb_mbx_pf_write(&b.m[2], &one, 1));
	igb_mbx_describe(&b.m[2], text, sizeof(text)); /* reads V2PMAILBOX */
	CHECK(strstr(text, "unconsumed PFSTS/PFACK/RSTD 0x10"));
	CHECK(!(plat_mmio_read32(b.m[2].vf_bar0 + IGB_V2PMAILBOX) & IGB_V2PMAILBOX_PFSTS));
	CHECK(igb_mbx_vf_check(&b.m[2], IGB_V2PMAILBOX_PFSTS)); /* still seen */
	CHECK(!igb_mbx_vf_check(&b.m[2], IGB_V2PMAILBOX_PFSTS)); /* consumed once */

	/* RSTD from PFRSTD, seen through a lock attempt's read */
	igb_wr32(&b.d, IGB_CTRL_EXT, IGB_CTRL_EXT_PFRSTD);
	REQUIRE(!igb_mbx_vf_lock(&b.m[2]));
	igb_mbx_vf_unlock(&b.m[2]);
	CHECK(igb_mbx_vf_check(&b.m[2], IGB_V2PMAILBOX_RSTD));
	CHECK(!(igb_mbx_vf_status(&b.m[2]) & IGB_V2PMAILBOX_RSTD));
}

TEST(mbx_locks_exclude)
{
	struct bench b;
	struct igb_mbx *m;
	uint64_t t0;

	bench_open(&b);
	m = &b.m[5];
	REQUIRE(!igb_mbx_vf_lock(m));
	t0 = fake_now_us();
	CHECK_EQ(igb_mbx_pf_lock(m), RC_ETIMEDOUT);
	/* bounded: the retries, no more */
	CHECK(fake_now_us() - t0 <= IGB_MBX_LOCK_TRIES * IGB_MBX_LOCK_RETRY_US);
	CHECK(strstr(m->last_error, "PFU for VF 5 not granted within 10000 us"));
	CHECK(strstr(m->last_error, "P2VMAILBOX(5) 0x00000004"));
	igb_mbx_vf_unlock(m);
	REQUIRE(!igb_mbx_pf_lock(m));
	CHECK_EQ(igb_mbx_vf_lock(m), RC_ETIMEDOUT);
	CHECK(igb_mbx_vf_status(m) & IGB_V2PMAILBOX_PFU);
	igb_mbx_pf_unlock(m);
	CHECK_EQ(igb_mbx_vf_lock(m), RC_OK);
	igb_mbx_vf_unlock(m);
}

TEST(mbx_bad_length_touches_nothing)
{
	struct bench b;
	uint32_t msg[IGB_MBX_WORDS + 1] = { 0 };
	unsigned w;

	bench_open(&b);
	w = b.p.bar0->writes;
	CHECK_EQ(igb_mbx_pf_write(&b.m[0], msg, 0), RC_EINVAL);
	CHECK_EQ(igb_mbx_pf_read(&b.m[0], msg, IGB_MBX_WORDS + 1), RC_EINVAL);
	CHECK_EQ(igb_mbx_vf_write(&b.m[0], msg, IGB_MBX_WORDS + 1), RC_EINVAL);
	CHECK_EQ(igb_mbx_vf_read(&b.m[0], msg, 0), RC_EINVAL);
	CHECK(strstr(b.m[0].last_error, "message of 0 words (1..16)"));
	CHECK_EQ(b.p.bar0->writes, w);
}

/* The 2011 hazard at the unit level: a PF write while a VF message is
 * pending loses it, and the VF's wait ends at its bound with the
 * registers in the reason. */
TEST(mbx_lost_message_reported_not_waited_for)
{
	struct bench b;
	struct igb_mbx *m;
	uint32_t a = 0x00010003, bmsg = 0x6, reply = 0xa0010003, got;
	uint64_t t0;

	bench_open(&b);
	m = &b.m[0];
	REQUIRE(!igb_mbx_vf_write(m, &a, 1));
	REQUIRE(!igb_mbx_pf_wait(m, IGB_MBVFICR_VFREQ(0), IGB_MBX_TIMEOUT_US));
	REQUIRE(!igb_mbx_pf_read(m, &got, 1));
	REQUIRE(!igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFACK, IGB_MBX_TIMEOUT_US));
	REQUIRE(!igb_mbx_vf_write(m, &bmsg, 1));
	CHECK(igb_rd32(&b.d, IGB_MBVFICR) & IGB_MBVFICR_VFREQ(0));
	REQUIRE(!igb_mbx_pf_write(m, &reply, 1));
	CHECK(!(igb_rd32(&b.d, IGB_MBVFICR) & IGB_MBVFICR_VFREQ(0)));
	CHECK_EQ(igb_rd32(&b.d, IGB_VMBMEM(0)), reply);
	t0 = fake_now_us();
	CHECK_EQ(igb_mbx_vf_wait(m, IGB_V2PMAILBOX_PFACK, IGB_MBX_TIMEOUT_US), RC_ETIMEDOUT);
	CHECK(fake_now_us() - t0 >= IGB_MBX_TIMEOUT_US);
	CHECK(fake_now_us() - t0 <= IGB_MBX_TIMEOUT_US + 2 * IGB_MBX_POLL_US);
	CHECK(strstr(m->last_error, "VF 0: no PFACK within 1000000 us"));
	CHECK(strstr(m->last_error, "VMBMEM(0)[0] 0xa0010003"));
	CHECK(strstr(m->last_error, "unconsumed PFSTS/PFACK/RSTD 0x10")); /* the reply */
}

/* The VF may not start while RSTI shows; when the PF never says it is
 * done, the wait ends at igbvf's bound. */
TEST(mbx_vf_reset_waits_for_the_pf_bounded)
{
	struct bench b;
	bool auto_rd;
	uint64_t t0;

	bench_open(&b);
	REQUIRE(!igb_reset(&b.d, &auto_rd)); /* RSTI on every VF */
	t0 = fake_now_us();
	CHECK_EQ(igb_mbx_vf_reset(&b.m[1]), RC_ETIMEDOUT);
	CHECK(fake_now_us() - t0 <= IGB_MBX_VF_RESET_TIMEOUT_US + IGB_MBX_VF_RESET_POLL_US);
	CHECK(strstr(b.m[1].last_error, "RSTI/RSTD still set"));
	igb_wr32(&b.d, IGB_CTRL_EXT, IGB_CTRL_EXT_PFRSTD);
	CHECK_EQ(igb_mbx_vf_reset(&b.m[1]), RC_OK);
	CHECK_EQ(model_sriov(b.p.model)->vf_soft_resets[1], 3); /* bench, and twice here */
}

TEST(mbx_reset_reply_carries_the_mac)
{
	struct bench b;
	const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint32_t got[3];

	bench_open(&b);
	REQUIRE(!igb_mbx_pf_reply_reset(&b.m[4], mac));
	REQUIRE(!igb_mbx_vf_wait(&b.m[4], IGB_V2PMAILBOX_PFSTS, IGB_MBX_TIMEOUT_US));
	REQUIRE(!igb_mbx_vf_read(&b.m[4], got, 3));
	CHECK_EQ(got[0], IGB_VF_RESET | IGB_VT_MSGTYPE_ACK);
	CHECK_EQ(got[1], 0x33221102u);
	CHECK_EQ(got[2], 0x00005544u);
}

/* How long the VF waited in vain for B's ACK in mailbox_race_2011 (its
 * diagnostic line), run as a lab user would run it with args. */
static unsigned long race_wait_ms(const char *args)
{
	static struct kp_doc doc;
	unsigned long ms = 0;

	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	fake_82576_add(1, 0, 0, BAR0);
	mt_run(&doc, args);
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *p = strstr(fake_output_line(i), "VF waited ");
		if (p)
			ms = strtoul(p + strlen("VF waited "), NULL, 10);
	}
	REQUIRE(ms);
	return ms;
}

/* --timeout-scale reaches the mailbox waits: the VF's wait for an ACK
 * that never comes takes IGB_MBX_TIMEOUT_US, three times that with
 * --timeout-scale=3. Fails when mbx.c polls outside wait_until(). */
TEST(mbx_wait_takes_the_timeout_scale)
{
	unsigned long one = race_wait_ms("--only=mailbox_race_2011 --iommu=off");
	unsigned long three;

	fake_reset();
	three = race_wait_ms("--only=mailbox_race_2011 --iommu=off --timeout-scale=3");
	wait_bound_set_scale(100);
	harness_note("the VF waited %lu ms, %lu ms with --timeout-scale=3", one, three);
	CHECK(one >= IGB_MBX_TIMEOUT_US / 1000 && one <= IGB_MBX_TIMEOUT_US / 1000 + 5);
	CHECK(three >= 3 * one - 5 && three <= 3 * one + 5);
}
