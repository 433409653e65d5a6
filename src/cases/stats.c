/*
 * stats.c - the statistics registers against what a copy sent and
 * received (issue 15 item 3): the counters a driver and an OS report from
 * (Linux igb_update_stats) must count exactly what crossed the MAC, and
 * the error and drop counters must not move on a clean loopback.
 */
#include "igb/igb_info.h"
#include "report/fmt.h"
#include "suite/suite.h"
#include "wait_bound.h"

/* 256 frames of 1000 bytes: all above the 64-byte minimum (no padding)
 * and below the 1522-byte standard maximum, so each is one good frame. */
#define STATS_FRAMES	256u
#define STATS_FRAME	1000u
/* The octet counters count from the destination address through the CRC
 * (datasheet 8.19: GORC/GOTC/TOR/TOT); QEMU's igb adds the same 4 bytes
 * (igb_on_tx_done_update_stats: tot_len + 4; e1000x_update_rx_total_stats:
 * pkt_size + 4). */
#define STATS_FCS	4u
/*
 * How long the counters may trail the last RX write-back. The datasheet
 * gives no figure (the MAC counts a frame as it passes, before its DMA
 * completes); 10 ms is 800 frame times of these frames at 1 Gb/s. The
 * counters are read and summed until they reach the copy's figures or the
 * bound passes, then compared exactly.
 */
#define STATS_SETTLE_US	10000u
#define STATS_POLL_US	100u

struct stats_wait {
	struct igb_dev *d;
	struct igb_stats sum, want;
};

/* Clear on read (8.19): each read adds what was counted since the last. */
static bool counted(void *ctx)
{
	struct stats_wait *w = ctx;
	struct igb_stats s;
	bool all = true;

	igb_stats_read(w->d, &s);
	for (unsigned i = 0; i < IGB_NSTATS; i++) {
		w->sum.v[i] += s.v[i];
		all &= w->sum.v[i] >= w->want.v[i];
	}
	return all;
}

/* "NAME value" for each counter; with want, only those off it, and what
 * they should read. */
static const char *counts_str(const struct igb_stats *s, const struct igb_stats *want,
			      char *buf, size_t n)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < IGB_NSTATS && k < n; i++) {
		if (want && s->v[i] == want->v[i])
			continue;
		k += (size_t)fmt_snprintf(buf + k, n - k, "%s%s %llu", k ? ", " : "",
					  igb_stat_name(i), (unsigned long long)s->v[i]);
		if (want && k < n)
			k += (size_t)fmt_snprintf(buf + k, n - k, " (want %llu)",
						  (unsigned long long)want->v[i]);
	}
	return buf;
}

static enum ktap_result case_stats_consistency(struct igb_dev *d, struct test_run *t)
{
	const size_t size = (size_t)STATS_FRAMES * STATS_FRAME;
	const uint64_t bytes = size + (uint64_t)STATS_FRAMES * STATS_FCS;
	struct stats_wait w = { .d = d };
	struct igb_stats again, zero = { 0 };
	struct test_bufs b;
	struct test_copy c = { .size = size };
	char s[480];

	/* Good and total, packets and octets, TX and RX: the copy's frames
	 * and bytes; the error and drop counters: 0. */
	for (unsigned i = IGB_STAT_GPTC; i <= IGB_STAT_TOR; i++)
		w.want.v[i] = i == IGB_STAT_GOTC || i == IGB_STAT_TOT || i == IGB_STAT_GORC ||
			      i == IGB_STAT_TOR ? bytes : STATS_FRAMES;
	TRY(test_bufs_alloc(t, d, size, &b));
	ASSERT(t, igb_drv_set_frame_size(t->drv, STATS_FRAME) == STATS_FRAME,
	       "the driver does not take %u-byte frames", STATS_FRAME);
	igb_stats_read(d, &again); /* clear on read: the count starts here */
	/* Every frame is a good one: its header's destination is unicast,
	 * which the driver receives promiscuously (RCTL UPE). */
	TRY(test_memcpy(t, &b, &c));
	const char *short_by = wait_until(counted, &w, STATS_SETTLE_US, STATS_POLL_US) ?
			       "" : " (still short when the wait's bound passed)";
	igb_stats_read(d, &again); /* nothing moves now: a second read reads 0 */
	ktap_diag("%s: sent and received %u frames, %llu bytes with FCS; counted %s", t->name,
		  STATS_FRAMES, (unsigned long long)bytes, counts_str(&w.sum, NULL, s, sizeof(s)));
	ASSERT(t, !counts_str(&w.sum, &w.want, s, sizeof(s))[0],
	       "counters do not match the copy%s: %s", short_by, s);
	ASSERT(t, !counts_str(&again, &zero, s, sizeof(s))[0],
	       "counters did not clear on read: a second read gave %s", s);
	return KTAP_PASS;
}

static const struct igb_test cases[] = {
	IGB_CASE(stats_consistency, NEEDS_LINK, MODES_ANY,
		 "after a copy, GPTC/GPRC/GOTC/GORC and TPT/TPR/TOT/TOR match the frames "
		 "and bytes; CRC, alignment, length, missed and no-buffer counters stay 0; "
		 "reads clear"),
};
IGB_GROUP(stats, "statistics", cases);
