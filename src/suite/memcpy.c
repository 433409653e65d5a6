/*
 * memcpy.c - the harness's side of the driver contract, once for every
 * case: the one checked copy (pattern, guard bytes, compare), and what is
 * done after a failed copy, since the driver's memcpy_wait only reports it
 * (the VFIO selftest leaves recovery to its tests the same way).
 */
#include "suite/suite.h"

#include "report/fmt.h"

/* ---- data patterns ----------------------------------------------------- */

/*
 * The pattern: byte i of a buffer filled with seed is a function of (seed,
 * i) alone, so any range can be checked without replaying what came before
 * it, eight bytes at a time. Word w is z = (seed << 32 | w) times an odd
 * constant, folded by an xorshift: both steps are invertible, so no two
 * words of buffers under 32 GiB are alike, across positions and seeds.
 * Under emulation these loops are most of a copy case's CPU time, so they
 * do little per word: word w + 1's z is word w's plus the constant, and
 * the long loops take four words a turn (a turn's jump costs more than a
 * word's work under TCG).
 */
#define PAT_K 0x9e3779b97f4a7c15ull

/*
 * QEMU accommodation (inert on silicon): TCG chains a jump only within one
 * 4 KiB guest page, so a hot loop whose code straddles a page boundary runs
 * through a lookup every turn. The storm's check ran 2.5 times slower for
 * nothing but where the linker had put it. The long loops are functions of
 * their own, shorter than 512 bytes and aligned to 512: never across a page.
 */
#define HOT_LOOP __attribute__((noinline, aligned(512)))

static uint64_t pat_z(uint32_t seed, size_t w)
{
	return ((uint64_t)seed << 32 | (uint32_t)w) * PAT_K;
}

static uint64_t pat_fold(uint64_t z)
{
	return z ^ (z >> 32);
}

static uint8_t pat_byte(uint32_t seed, size_t i)
{
	uint64_t v = pat_fold(pat_z(seed, i / 8));
	uint8_t b[8];

	__builtin_memcpy(b, &v, 8);
	return b[i % 8];
}

static uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static void st64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, 8);
}

/* Bytes [from, to) of p as the pattern has them. */
HOT_LOOP static void fill(uint8_t *p, size_t from, size_t to, uint32_t seed)
{
	size_t i = from;
	uint64_t z;

	for (; i < to && i % 8; i++)
		p[i] = pat_byte(seed, i);
	z = pat_z(seed, i / 8);
	for (; i + 32 <= to; i += 32, z += 4 * PAT_K) {
		st64(p + i, pat_fold(z));
		st64(p + i + 8, pat_fold(z + PAT_K));
		st64(p + i + 16, pat_fold(z + 2 * PAT_K));
		st64(p + i + 24, pat_fold(z + 3 * PAT_K));
	}
	for (; i + 8 <= to; i += 8, z += PAT_K)
		st64(p + i, pat_fold(z));
	for (; i < to; i++)
		p[i] = pat_byte(seed, i);
}

/* Index of the first byte in [from, to) of p that differs from the
 * pattern, or to. */
static size_t check_fill(const uint8_t *p, size_t from, size_t to, uint32_t seed)
{
	size_t i = from;

	for (; i < to && i % 8; i++)
		if (p[i] != pat_byte(seed, i))
			return i;
	for (; i + 8 <= to; i += 8)
		if (ld64(p + i) != pat_fold(pat_z(seed, i / 8)))
			break; /* the byte-wise loop finds which */
	for (; i < to; i++)
		if (p[i] != pat_byte(seed, i))
			return i;
	return to;
}

/*
 * A copy's bytes, source and destination in one pass (one pattern word
 * for both): the first i in [0, n) where source byte from + i of src, or
 * dst[i], is not the pattern's byte from + i; or n.
 */
HOT_LOOP static size_t check_copy(const uint8_t *src, const uint8_t *dst, size_t from, size_t n,
			 uint32_t seed)
{
	const uint8_t *s = src + from;
	size_t i = 0;
	uint64_t z, v;

	for (; i < n && (from + i) % 8; i++)
		if (s[i] != pat_byte(seed, from + i) || dst[i] != pat_byte(seed, from + i))
			return i;
	z = pat_z(seed, (from + i) / 8);
	for (; i + 32 <= n; i += 32, z += 4 * PAT_K) {
		uint64_t v0 = pat_fold(z), v1 = pat_fold(z + PAT_K),
			 v2 = pat_fold(z + 2 * PAT_K), v3 = pat_fold(z + 3 * PAT_K);

		if ((ld64(s + i) ^ v0) | (ld64(dst + i) ^ v0) |
		    (ld64(s + i + 8) ^ v1) | (ld64(dst + i + 8) ^ v1) |
		    (ld64(s + i + 16) ^ v2) | (ld64(dst + i + 16) ^ v2) |
		    (ld64(s + i + 24) ^ v3) | (ld64(dst + i + 24) ^ v3))
			break; /* the loops below find which */
	}
	for (; i + 8 <= n; i += 8, z += PAT_K) {
		v = pat_fold(z);
		if (ld64(s + i) != v || ld64(dst + i) != v)
			break;
	}
	for (; i < n; i++)
		if (s[i] != pat_byte(seed, from + i) || dst[i] != pat_byte(seed, from + i))
			return i;
	return n;
}

/*
 * What a copy's source holds, as test_memcpy lays it: the copy header at
 * each frame's start (igb_copy_put_headers), the pattern elsewhere. Byte i
 * of a copy of n bytes; the frames in force are drv's.
 */
static bool in_header(const struct igb_drv *drv, size_t n, size_t i, uint8_t *b)
{
	unsigned frames = igb_copy_headed(n) ? igb_copy_frames(n, drv->frame_size) : 0;

	/* frame i / frame_size, or the next: the last moves back (frame_of) */
	for (size_t f = i / drv->frame_size; f < frames && f <= i / drv->frame_size + 1; f++) {
		size_t h = igb_copy_frame(drv, n, (unsigned)f).off;
		if (i >= h && i < h + IGB_COPY_HDR_LEN) {
			*b = igb_copy_hdr[i - h];
			return true;
		}
	}
	return false;
}

static uint8_t copy_byte(const struct igb_drv *drv, size_t n, size_t from, size_t i,
			 uint32_t seed)
{
	uint8_t b;

	return in_header(drv, n, i, &b) ? b : pat_byte(seed, from + i);
}

/* check_copy over a copy's frames: the header where each starts. */
static size_t check_frames(const struct igb_drv *drv, const uint8_t *src, const uint8_t *dst,
			   size_t from, size_t n, uint32_t seed)
{
	unsigned frames = igb_copy_headed(n) ? igb_copy_frames(n, drv->frame_size) : 0;
	size_t at = 0;

	for (unsigned f = 0; f <= frames; f++) {
		size_t h = f < frames ? igb_copy_frame(drv, n, f).off : n;
		size_t e = f < frames ? h + IGB_COPY_HDR_LEN : n;

		if (h > at) {
			size_t i = check_copy(src, dst + at, from + at, h - at, seed);
			if (i < h - at)
				return at + i;
			at = h;
		}
		if (f < frames && !(igb_copy_is_header(src + from + h) &&
				    igb_copy_is_header(dst + h)))
			for (size_t j = h; j < e; j++)
				if (src[from + j] != igb_copy_hdr[j - h] ||
				    dst[j] != igb_copy_hdr[j - h])
					return j;
		at = e > at ? e : at; /* headers may overlap: the last frame's */
	}
	return n;
}

size_t test_first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		__builtin_memcpy(&x, a + i, 8);
		__builtin_memcpy(&y, b + i, 8);
		if (x != y)
			break;
	}
	for (; i < n; i++)
		if (a[i] != b[i])
			return i;
	return n;
}

/* ---- recovery ---------------------------------------------------------- */

int test_recover(struct test_run *t, struct flr_report *rep)
{
	struct igb_dev *d = t->drv->dev;
	int rc;

	*rep = (struct flr_report){ 0 };
	/* No FLR on a device that has left: it would only sit out its waits. */
	if (igb_gone(d, "before FLR recovery"))
		return RC_ENODEV;
	igb_ops.remove(t->drv);
	/* Quiesced: no DMA can fault any more, so the window closes before
	 * the FLR's waits. */
	test_fault_end(t);
	rc = igb_flr_init(t->drv, rep);
	if (rc && igb_gone(d, "when FLR + init failed: %s", rc_name(rc)))
		rc = RC_ENODEV;
	return rc;
}

/* After a timeout or a fault: FLR + init, and what that did appended to
 * last_error (seed series patch 8: CTRL.RST does not un-wedge the
 * descriptor engine after a DMA read fault, FLR does). */
static void recover(struct test_run *t)
{
	struct igb_drv *drv = t->drv;
	struct flr_report rep;
	char what[sizeof(drv->seen.last_error)];
	size_t n;
	int rc;

	/* init starts the driver afresh: keep what went wrong. */
	fmt_snprintf(what, sizeof(what), "%s", drv->seen.last_error);
	rc = test_recover(t, &rep);
	n = (size_t)fmt_snprintf(drv->seen.last_error, sizeof(drv->seen.last_error), "%s", what);
	if (n >= sizeof(drv->seen.last_error))
		n = sizeof(drv->seen.last_error) - 1;
	/* Said on a line of its own: a long failure reason can hide the tail. */
	ktap_diag("recovery: FLR + init %s%s", rc ? "failed: " : "done",
		  rc ? rc_name(rc) : "");
	if (rc && drv->dev->gone) {
		fmt_snprintf(drv->seen.last_error + n, sizeof(drv->seen.last_error) - n,
			     "; the device was removed");
	} else if (rc) {
		fmt_snprintf(drv->seen.last_error + n, sizeof(drv->seen.last_error) - n,
			     "; recovery by FLR failed: %s", rc_name(rc));
		drv->dev->dead = true;
		fmt_snprintf(drv->dev->dead_why, sizeof(drv->dev->dead_why),
			     "not recovered after a failed copy (FLR + init: %s)",
			     rc_name(rc));
	} else {
		fmt_snprintf(drv->seen.last_error + n, sizeof(drv->seen.last_error) - n,
			     "; recovered by FLR (%llu ms) and re-init",
			     (unsigned long long)(rep.pending_us + rep.reset_us +
						  rep.restore_us) / 1000);
	}
}

int test_memcpy_wait(struct test_run *t)
{
	struct igb_drv *drv = t->drv;
	int rc = igb_ops.memcpy_wait(drv);

	/* A device that has left: FLR cannot bring it back. */
	if (rc == RC_ETIMEDOUT && igb_gone(drv->dev, "when a copy timed out"))
		ktap_diag("recovery: not tried, the device was removed");
	else if ((rc == RC_ETIMEDOUT || drv->seen.faulted) && !t->no_recover)
		recover(t);
	if (rc == RC_OK) /* complete: nothing of it in flight */
		test_fault_end(t);
	return rc;
}

/* ---- the checked copy -------------------------------------------------- */

/* Source seeds are even (SRC_SEED plus twice the copy's number), the
 * destination's odd: no copy's bytes are ever the poison's. */
#define SRC_SEED 0x5eed0000u
#define DST_SEED 0xd5d50001u

static size_t bufs_cap(size_t max_size)
{
	return max_size + 2 * TEST_GUARD + TEST_MAX_OFFSET;
}

int test_bufs_try(struct test_run *t, struct igb_dev *d, size_t max_size, unsigned flags,
		  struct test_bufs *b)
{
	int rc;

	b->cap = bufs_cap(max_size);
	b->size = max_size;
	b->copies = 0;
	b->src = b->dst = NULL;
	if ((rc = test_alloc_flags(t, d, b->cap, flags, &b->src)) ||
	    (rc = test_alloc_flags(t, d, b->cap, flags, &b->dst)))
		test_free(t, b->src);
	return rc;
}

enum ktap_result test_bufs_alloc(struct test_run *t, struct igb_dev *d, size_t max_size,
				 struct test_bufs *b)
{
	int rc = test_bufs_try(t, d, max_size, 0, b);

	return rc ? test_no_memory(t, 2 * bufs_cap(max_size), rc) : KTAP_PASS;
}

enum ktap_result test_bufs_fit(struct test_run *t, struct igb_dev *d, size_t want,
			       size_t min, size_t unit, struct test_bufs *b)
{
	size_t size = want;
	int rc;

	while ((rc = test_bufs_try(t, d, size, 0, b))) {
		if (size <= min)
			return test_skip(t, "not tested: needs 2 x %zu bytes of DMA memory "
					 "(copies of %zu bytes, its least), the host has less: %s",
					 bufs_cap(min), min, rc_name(rc));
		size = size / 2 / unit * unit;
		size = size < min ? min : size;
	}
	if (size < want)
		ktap_diag("%s: the host has too little DMA memory for 2 x %zu bytes: copies "
			  "of %zu bytes instead (%zu at the least)", t->name, bufs_cap(want),
			  size, min);
	return KTAP_PASS;
}

/*
 * Each copy fills only the source bytes it reads, and the guard bytes
 * around them, with a pattern of its own, then lays the copy header at
 * each frame's start (the payload is the pattern), and poisons the
 * destination's guard bytes. What a copy's destination held before it is
 * then zeros (DMA memory comes zeroed, and no pattern word is 0) or an
 * earlier copy's bytes, every payload word unlike this copy's: a frame
 * not written, or one left from an earlier copy, is caught as surely as
 * with the whole buffers refilled for every copy, which under emulation
 * cost 4 MiB of filling and checking for a copy of one byte.
 */
enum ktap_result test_memcpy(struct test_run *t, struct test_bufs *b, struct test_copy *c)
{
	struct igb_drv *drv = t->drv;
	uint32_t sseed = SRC_SEED + 2 * b->copies++, dseed = DST_SEED;
	size_t so = TEST_GUARD + c->so, before = TEST_GUARD + c->doff;
	size_t end = before + c->size, send = so + c->size, i;
	uint8_t *s = b->src + so, *dd = b->dst + before;
	uint64_t t0;
	int rc;

	fill(b->src, c->so, send + TEST_GUARD, sseed);
	igb_copy_put_headers(drv, s, c->size);
	fill(b->dst, c->doff, before, dseed);
	fill(b->dst, end, end + TEST_GUARD, dseed);
	t0 = plat_now_us();
	rc = igb_ops.memcpy_start(drv, s, dd, c->size, c->count ? c->count : 1);
	if (!rc)
		rc = test_memcpy_wait(t);
	c->us = plat_now_us() - t0;
	ASSERT(t, !rc, "copy of %zu bytes (+%zu -> +%zu): %s%s%s", c->size, c->so,
	       c->doff, rc_name(rc), drv->seen.last_error[0] ? ": " : "", drv->seen.last_error);
	/* The destination holds exactly the source bytes, the source is as
	 * laid, and the guard bytes either side of both are untouched. */
	i = check_frames(drv, b->src, dd, so, c->size, sseed);
	ASSERT(t, i == c->size || s[i] == copy_byte(drv, c->size, so, i, sseed),
	       "copy of %zu bytes changed the source at %zu", c->size, so + i);
	ASSERT(t, i == c->size, "copy of %zu bytes: byte %zu is 0x%02x, source 0x%02x",
	       c->size, i, dd[i], s[i]);
	ASSERT(t, (i = check_fill(b->dst, c->doff, before, dseed)) == before,
	       "copy of %zu bytes wrote %zu bytes before dst", c->size, before - i);
	ASSERT(t, (i = check_fill(b->dst, end, end + TEST_GUARD, dseed)) == end + TEST_GUARD,
	       "copy of %zu bytes wrote byte %zu past dst", c->size, i - end);
	ASSERT(t, (i = check_fill(b->src, c->so, so, sseed)) == so &&
		  (i = check_fill(b->src, send, send + TEST_GUARD, sseed)) == send + TEST_GUARD,
	       "copy of %zu bytes changed the source at %zu", c->size, i);
	return KTAP_PASS;
}
