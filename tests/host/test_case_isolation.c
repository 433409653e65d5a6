/*
 * test_case_isolation.c - every case passes whatever ran before it: the
 * whole registry on the 82576 model, in one sequence in which every
 * ordered pair of cases (A then B) occurs back to back, once with the QEMU
 * personality and once with the silicon one (an Eulerian circuit of the
 * complete directed graph on the cases: n(n-1)+1 steps).
 *
 * Under iommu=off, where the strict-only cases skip with their standard
 * reason; with memcpy_storm at 1 MiB to keep it quick.
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "fake_platform.h"
#include "harness.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "suite/suite.h"

#define BAR0 0xfebc0000u
#define MAX_CASES 64

/* Hierholzer on the complete digraph: every (a, b), a != b, once. */
static unsigned circuit(unsigned n, unsigned *seq)
{
	static unsigned next[MAX_CASES], stack[MAX_CASES * MAX_CASES + 1];
	unsigned sp = 0, len = 0;

	for (unsigned v = 0; v < n; v++)
		next[v] = 0;
	stack[sp++] = 0;
	while (sp) {
		unsigned v = stack[sp - 1];
		while (next[v] < n && next[v] == v)
			next[v]++;
		if (next[v] < n) {
			stack[sp++] = next[v]++;
		} else {
			seq[len++] = v;
			sp--;
		}
	}
	/* the circuit comes out reversed: reverse it back */
	for (unsigned i = 0; i < len / 2; i++) {
		unsigned t = seq[i];
		seq[i] = seq[len - 1 - i];
		seq[len - 1 - i] = t;
	}
	return len;
}

static void all_pairs(enum model_personality pers)
{
	static unsigned seq[MAX_CASES * MAX_CASES + 1];
	static enum ktap_result out[MAX_CASES * MAX_CASES + 1];
	static bool seen[MAX_CASES][MAX_CASES];
	static struct options o;
	unsigned n = suite_case_count(), len, bad = 0;
	const struct pci_func *f = NULL;
	struct fake_82576 p;

	REQUIRE(n <= MAX_CASES);
	len = circuit(n, seq);
	REQUIRE(len == n * (n - 1) + 1);
	memset(seen, 0, sizeof(seen));
	for (unsigned k = 1; k < len; k++)
		seen[seq[k - 1]][seq[k]] = true;
	for (unsigned a = 0; a < n; a++)
		for (unsigned b = 0; b < n; b++)
			REQUIRE(seen[a][b] == (a != b));

	options_defaults(&o);
	o.storm_mib = 1;
	suite_configure(&o);
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	p = fake_82576_add_as(1, 0, 0, BAR0, pers);
	static struct pci_inventory inv;
	REQUIRE(pci_scan(&inv) == RC_OK);
	for (unsigned i = 0; i < inv.n; i++)
		if (fake_bdf_eq(inv.f[i].bdf, p.fn->bdf))
			f = &inv.f[i];
	REQUIRE(f);
	REQUIRE(suite_run_sequence(f, seq, len, out) == RC_OK);
	/* A case passes everywhere, or skips everywhere (a strict-only one
	 * under off): never fails, never changes its verdict with its
	 * predecessor. */
	for (unsigned k = 0; k < len; k++) {
		const struct igb_test *tc = suite_case(seq[k]);
		bool ok = out[k] == KTAP_PASS || out[k] == KTAP_SKIP;
		for (unsigned j = 0; ok && j < len; j++)
			ok = seq[j] != seq[k] || out[j] == out[k];
		if (ok || bad++ >= 8)
			continue;
		harness_note("%s personality: %s after %s: %s",
			     model_personality_name(pers), tc->name,
			     k ? suite_case(seq[k - 1])->name : "(nothing)",
			     out[k] == KTAP_FAIL ? "failed" : "skipped");
		CHECK(ok);
	}
	harness_note("%s personality: %u of %u steps went wrong",
		     model_personality_name(pers), bad, len);
	CHECK_EQ(bad, 0);
	CHECK_EQ(model_violations(p.model), 0);
	CHECK_EQ(fake_dma_outstanding(), 0);
	suite_configure(NULL);
}

TEST(case_isolation_all_pairs_qemu)
{
	all_pairs(MODEL_QEMU);
}

TEST(case_isolation_all_pairs_silicon)
{
	all_pairs(MODEL_SILICON);
}
