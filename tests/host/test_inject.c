/*
 * test_inject.c - the fault-injection table: each entry is a device
 * misbehaviour the 82576 model injects (model_igb.h, model_inject.c),
 * while one case runs or from power-on, and the cases that must fail
 * because of it with the words their reason must contain. Each entry is a
 * test, inject_<name>: one whole registry run in one IOMMU mode on one
 * personality. It fails if a named case passes or gives another reason,
 * or if any other case ends differently from the same run without the
 * fault. inject_every_case_can_fail checks that every registry case is
 * named by some entry, or listed as not fault-checkable with why.
 */
#include <stdio.h>
#include <string.h>

#include "fake_devices.h"
#include "fake_vtd.h"
#include "harness.h"
#include "igb/igb_regs.h"
#include "suite/suite.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "pci/pci_regs.h"

#define BAR0 0xfebc0000u
/* Storm traffic for these runs: enough copies to corrupt one in the
 * middle, small enough that the table runs in seconds. */
#define INJECT_STORM_MIB "8"

enum { QEMU = 1 << MODEL_QEMU, SILICON = 1 << MODEL_SILICON, BOTH = QEMU | SILICON };

struct must_fail {
	const char *name;
	const char *text; /* in its failure reason */
};

struct inject {
	const char *name;
	unsigned pers;     /* QEMU, SILICON or BOTH */
	bool strict;       /* run under strict VT-d (else iommu=off) */
	const char *arm;   /* inject when this case starts; NULL: at power-on */
	unsigned faults;
	struct model_injection how;
	struct must_fail fail[8];
};

#define MAX_ENTRIES 64
static const struct inject *entries[MAX_ENTRIES];
static unsigned nentries;

static void entry_add(const struct inject *e)
{
	if (nentries == MAX_ENTRIES)
		harness_fatal(__FILE__, __LINE__, "more than %d inject entries", MAX_ENTRIES);
	entries[nentries++] = e;
}

static void inject_run(const struct inject *e);

/* One entry: its table row and its test. */
#define INJECT(id, ...)                                                  \
	static const struct inject inject_row_##id = { #id, __VA_ARGS__ };  \
	__attribute__((constructor)) static void inject_add_##id(void)     \
	{                                                                \
		entry_add(&inject_row_##id);                              \
	}                                                                \
	TEST(inject_##id)                                                \
	{                                                                \
		inject_run(&inject_row_##id);                             \
	}

/* ---- the table ---------------------------------------------------------- */

/* Data: one frame of a copy corrupted, lost, mis-described or late. */
INJECT(corrupt_byte_mid_copy, BOTH, false, "memcpy_success", MODEL_FAULT_CORRUPT_FRAME,
       { .frame = 40 },
       { { "memcpy_success", "copy of 1048576 bytes: byte" } })

INJECT(corrupt_byte_loopback_frames, BOTH, false, "loopback_frames",
       MODEL_FAULT_CORRUPT_FRAME, { .frame = 100 },
       { { "loopback_frames", "frame 99 came back wrong" } })

INJECT(corrupt_byte_all_queues, BOTH, false, "all_queues", MODEL_FAULT_CORRUPT_FRAME,
       { .frame = 5 },
       { { "all_queues", "copy of 8192 bytes: byte 4096" } })

INJECT(corrupt_byte_strict, BOTH, true, "strict_confinement", MODEL_FAULT_CORRUPT_FRAME,
       { .frame = 1000 },
       { { "strict_confinement", "copy of 4194304 bytes: byte 1023488" } })

INJECT(corrupt_byte_mix_and_match, BOTH, false, "mix_and_match", MODEL_FAULT_CORRUPT_FRAME,
       { .frame = 3 },
       { { "mix_and_match", "copy of 4096 bytes: byte 2048" } })

INJECT(corrupt_byte_storm, BOTH, false, "memcpy_storm", MODEL_FAULT_CORRUPT_FRAME,
       { .frame = 400 },
       { { "memcpy_storm", "copy of 36855000 bytes: byte 3595500" } })

INJECT(corrupt_byte_throughput, BOTH, false, "memcpy_throughput", MODEL_FAULT_CORRUPT_FRAME,
       { .frame = 5000 },
       { { "memcpy_throughput", "copy of 4194304 bytes: byte" } })

/* memcpy_success's fifth and sixth frames: its copies of 60 bytes, at
 * offsets 0/0 and 5/3 (the two before each size are of 1 and 59 bytes). */
INJECT(stray_write_past_dst, BOTH, false, "memcpy_success", MODEL_FAULT_RX_STRAY_AFTER,
       { .frame = 5 },
       { { "memcpy_success", "copy of 60 bytes wrote byte 0 past dst" } })

INJECT(stray_write_before_dst, BOTH, false, "memcpy_success", MODEL_FAULT_RX_STRAY_BEFORE,
       { .frame = 6 },
       { { "memcpy_success", "copy of 60 bytes wrote 4 bytes before dst" } })

INJECT(stray_write_in_source, BOTH, false, "memcpy_success", MODEL_FAULT_TX_WRITES_SOURCE,
       { .frame = 6 },
       { { "memcpy_success", "copy of 60 bytes changed the source at 99" } })

/* The last frame of the storm's copy: past the destination. */
INJECT(stray_write_past_dst_storm, BOTH, false, "memcpy_storm", MODEL_FAULT_RX_STRAY_AFTER,
       { .frame = 4095 },
       { { "memcpy_storm", "copy of 36855000 bytes wrote byte 0 past dst" } })

INJECT(dropped_frame, BOTH, false, "ring_wrap", MODEL_FAULT_DROP_FRAME, { .frame = 300 },
       { { "ring_wrap", "no completion after" } })

/* flr_repeat's one copy, after its 20 FLRs: 64 KiB in 8 frames. */
INJECT(dropped_frame_flr_repeat, BOTH, false, "flr_repeat", MODEL_FAULT_DROP_FRAME,
       { .frame = 5 },
       { { "flr_repeat", "copy of 65536 bytes (+0 -> +0): timed out: no completion after" } })

INJECT(wrong_writeback_length, BOTH, false, "loopback_frames", MODEL_FAULT_WB_LENGTH,
       { .frame = 70 },
       { { "loopback_frames", "length 260, expected DD|EOP and 256 bytes" } })

INJECT(dd_before_data, BOTH, false, "init_remove", MODEL_FAULT_DD_BEFORE_DATA,
       { .frame = 8 },
       { { "init_remove", "copy of 65536 bytes: byte" } })

/* The last frame of the storm's first copy (4095 frames of 9000 bytes). */
INJECT(dd_before_data_storm, BOTH, false, "memcpy_storm", MODEL_FAULT_DD_BEFORE_DATA,
       { .frame = 4095 },
       { { "memcpy_storm", "copy of 36855000 bytes: byte 36846000" } })

/* memcpy_throughput's frame 8192: the last of its second 4 MiB copy in
 * 1 KiB frames, whose data lands after its DD, over the same bytes of
 * the first copy: a frame left from an earlier copy of the same size and
 * place must fail (each copy's payload has a pattern of its own; the 14
 * bytes of header before it are every copy's), as must one over zeros. The last frame: on silicon a late frame's data lands while later
 * frames are still on their way. */
INJECT(dd_before_data_over_earlier_copy, BOTH, false, "memcpy_throughput",
       MODEL_FAULT_DD_BEFORE_DATA, { .frame = 8192 },
       { { "memcpy_throughput", "copy of 4194304 bytes: byte 4193294 " } })

/* MSI-X: a vector lost, or sent twice. */
INJECT(msix_vector_never_fires, BOTH, false, NULL, MODEL_FAULT_MSI_LOST, { .vector = 8 },
       { { "msix_all_vectors", "no message on vector 8" },
	 { "queue_vector_routing", "no message on vector 8" } })

INJECT(msix_vector_0_never_fires, BOTH, false, "send_msi", MODEL_FAULT_MSI_LOST,
       { .vector = 0 },
       { { "send_msi", "no message on vector 0" } })

INJECT(msix_vector_1_lost_masked, BOTH, false, "msix_masked_pending", MODEL_FAULT_MSI_LOST,
       { .vector = 1 },
       { { "msix_masked_pending", "no message on vector 1" } })

INJECT(msix_vector_1_lost_legacy, BOTH, false, "legacy_cause_test", MODEL_FAULT_MSI_LOST,
       { .vector = 1 },
       { { "legacy_cause_test", "no message on vector 1" } })

/* A cause that sends though masked: IMS bit 11 stuck at 1 (no cause the
 * model raises itself). The masked causes share one quiet period; the
 * one that sends is then found alone and named. */
INJECT(legacy_cause_ignores_ims, BOTH, false, "legacy_cause_test", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_IMS, .stuck_mask = 1u << 11, .stuck_value = 1u << 11 },
       { { "legacy_cause_test", "ICR bit 11 masked in IMS: vector 1 wrote" } })

INJECT(msix_vector_4_lost_eicr, BOTH, false, "eicr_write_to_clear", MODEL_FAULT_MSI_LOST,
       { .vector = 4 },
       { { "eicr_write_to_clear", "no message on vector 4" } })

INJECT(msix_duplicate, BOTH, false, NULL, MODEL_FAULT_MSI_DUPLICATE, { .vector = 8 },
       { { "msix_all_vectors", "vector 8 fired more than once" },
	 { "queue_vector_routing", "vector 8 fired more than once" } })

INJECT(msix_duplicate_no_msi, BOTH, false, "memcpy_no_msi", MODEL_FAULT_MSI_DUPLICATE,
       { .vector = 2 },
       { { "memcpy_no_msi", "vector 2 fired more than once" } })

/* Registers: a bit stuck. */
INJECT(register_bit_stuck_at_1, BOTH, false, NULL, MODEL_FAULT_REG_STUCK,
       { .reg = IGB_FCTTV, .stuck_mask = 1u << 3, .stuck_value = 1u << 3 },
       { { "register_pattern", "register 0x00170: wrote 0x0000a5a5, read 0x0000a5ad" } })

INJECT(register_bit_stuck_at_0, BOTH, false, NULL, MODEL_FAULT_REG_STUCK,
       { .reg = IGB_VET, .stuck_mask = 1u << 20, .stuck_value = 0 },
       { { "register_pattern", "register 0x00038: wrote 0x5a5a5a5a, read 0x5a4a5a5a" } })

INJECT(status_all_ones, BOTH, false, "status_sane", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_STATUS, .stuck_mask = ~0u, .stuck_value = ~0u },
       { { "status_sane", "STATUS reads 0xffffffff" } })

INJECT(ral0_multicast_bit_stuck_at_1, BOTH, false, "mac_address", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_RAL(0), .stuck_mask = 1u, .stuck_value = 1u },
       { { "mac_address", "MAC address is multicast" } })

INJECT(ral0_bit_stuck_at_1, BOTH, false, "nvm_mac_address", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_RAL(0), .stuck_mask = 1u << 9, .stuck_value = 1u << 9 },
       { { "nvm_mac_address", "NVM MAC does not match RAL0/RAH0" } })

INJECT(phy_reads_all_ones, BOTH, false, "phy_id", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_MDIC, .stuck_mask = 0xffff, .stuck_value = 0xffff },
       { { "phy_id", "is not a PHY" } })

INJECT(nvm_checksum_wrong, BOTH, false, NULL, MODEL_FAULT_NVM_CHECKSUM, { 0 },
       { { "nvm_checksum", "NVM checksum 0xbabb, expected 0xbaba" } })

INJECT(link_drops, BOTH, false, "link_loopback_up", MODEL_FAULT_LINK_NEVER_UP, { 0 },
       { { "link_loopback_up", "no link after 2050 ms" } })

/* SR-IOV: the mailbox and VF resets. */
INJECT(mailbox_message_lost, BOTH, false, "mailbox_vf_to_pf", MODEL_FAULT_MBX_LOST, { 0 },
       { { "mailbox_vf_to_pf", "VFREQ" } })

INJECT(mailbox_reply_lost, BOTH, false, "mailbox_pf_to_vf", MODEL_FAULT_MBX_LOST, { 0 },
       { { "mailbox_pf_to_vf", "STS did not set V2PMAILBOX.PFSTS" } })

INJECT(mailbox_message_lost_race, BOTH, false, "mailbox_race_2011", MODEL_FAULT_MBX_LOST,
       { 0 },
       { { "mailbox_race_2011", "no VFREQ from VF 0" } })

INJECT(mailbox_lock_not_exclusive, BOTH, false, "mailbox_lock_exclusion",
       MODEL_FAULT_MBX_LOCK_BROKEN, { 0 },
       { { "mailbox_lock_exclusion", "the VF took VFU while the PF held PFU" } })

INJECT(vf_reset_never_completes, BOTH, false, "vf_reset_handshake",
       MODEL_FAULT_VF_RESET_STUCK, { 0 },
       { { "vf_reset_handshake", "RSTI/RSTD still set" } })

INJECT(vflre_stuck_at_0, BOTH, false, "vf_flr", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_VFLRE, .stuck_mask = ~0u, .stuck_value = 0 },
       { { "vf_flr", "VFLRE 0x00000000 after FLR of VF" } })

/* FLR and DMA faults. */
INJECT(flr_keeps_wedge, SILICON, true, "fault_recovery_needs_flr",
       MODEL_FAULT_FLR_KEEPS_STATE, { 0 },
       { { "fault_recovery_needs_flr", "copy of 65536 bytes (+0 -> +0): timed out" },
	 { "strict_confinement", "copy of 4194304 bytes (+0 -> +0): timed out" } })

INJECT(flr_keeps_state, BOTH, false, "flr_idle", MODEL_FAULT_FLR_KEEPS_STATE, { 0 },
       { { "flr_idle", "VET still reads 0x0000f1a9, written before FLR" } })

INJECT(ctrl_rst_unwedges, SILICON, true, "fault_recovery_needs_flr",
       MODEL_FAULT_RST_UNWEDGES, { 0 },
       { { "fault_recovery_needs_flr", "CTRL.RST + re-init brought copies back" } })

/* QEMU only: silicon's driver stops the engine on the IOMMU fault (FLR)
 * before the leaked frame has crossed the wire. The page's first half
 * leaks, less its frame's 14 header bytes (the copy header, not the
 * page's pattern). */
INJECT(unmapped_read_leaks_half, QEMU, true, "memcpy_from_unmapped_iova",
       MODEL_FAULT_LEAK_READ, { 0 },
       { { "memcpy_from_unmapped_iova", "the destination holds 2034 bytes of the "
	   "unreachable page's pattern (the first at byte 14)" } })

INJECT(unmapped_write_lands_half, BOTH, true, "memcpy_to_unmapped_iova",
       MODEL_FAULT_LEAK_WRITE, { 0 },
       { { "memcpy_to_unmapped_iova", "the unreachable page changed" } })

/* Above 4 GiB: RDBAH does not keep the ring base's high half. */
INJECT(rdbah_high_half_lost, BOTH, false, "dma_above_4g", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_RDBAH(0), .stuck_mask = ~0u, .stuck_value = 0 },
       { { "dma_above_4g", "a ring base's high half is 0" } })

/* EITR: the vector is not throttled. */
INJECT(eitr_ignored, BOTH, false, "eitr_throttle", MODEL_FAULT_EITR_IGNORED, { 0 },
       { { "eitr_throttle", "did not throttle" } })

/* The partner's link: autonegotiation completes, the MAC link never comes. */
INJECT(partner_link_never_up, BOTH, false, "link_partner", MODEL_FAULT_LINK_NEVER_UP, { 0 },
       { { "link_partner", "autonegotiation completed (partner advertises" } })

/* MSI and INTx: the one-vector mode never signals. */
INJECT(msi_never_sent, BOTH, false, "msi_to_memory", MODEL_FAULT_ONE_VECTOR_LOST, { 0 },
       { { "msi_to_memory", "cause raised: no MSI message within" } })

INJECT(intx_never_asserted, BOTH, false, "intx_status", MODEL_FAULT_ONE_VECTOR_LOST, { 0 },
       { { "intx_status", "Interrupt Status not set within" } })

/* Power management: the function stays in D0. */
INJECT(d3hot_refused, BOTH, false, "d3hot_d0", MODEL_FAULT_PM_STUCK, { 0 },
       { { "d3hot_d0", "D3hot refused: PMCSR 0x0000 (D0)" } })

/* PCIe errors: raised in the middle of a case, the harness's check after
 * it fails that case by name and the run goes on; found at power-on,
 * pcie_errors fails and no case is blamed. */
INJECT(pcie_error_mid_case, BOTH, false, "loopback_frames", MODEL_FAULT_POISONED_TLP, { 0 },
       { { "loopback_frames", "PCIe errors during the case: device: STATUS 0x8000 "
	   "(detected parity error); DEVSTA 0x2 (non-fatal); AER UE 0x1000 (poisoned "
	   "TLP)" } })

INJECT(pcie_error_before_the_run, BOTH, false, NULL, MODEL_FAULT_POISONED_TLP, { 0 },
       { { "pcie_errors", "uncorrectable PCIe errors before the run: device STATUS "
	   "0x8000 (detected parity error)" } })

/* Statistics: a counter that never moves, error counters that do. */
INJECT(gprc_never_counts, BOTH, false, "stats_consistency", MODEL_FAULT_GPRC_STUCK, { 0 },
       { { "stats_consistency", "counters do not match the copy (still short when the "
	   "wait's bound passed): GPRC 0 (want 256)" } })

INJECT(crc_errors_counted, BOTH, false, "stats_consistency", MODEL_FAULT_CRC_NOISE, { 0 },
       { { "stats_consistency", "counters do not match the copy: TPR 512 (want 256), TOR "
	   "514048 (want 257024), CRCERRS 256 (want 0), RXERRC 256 (want 0)" } })

/* Board identity: the NVM does not answer (EERD.DONE never sets). */
INJECT(nvm_read_never_done, BOTH, false, "board_identity", MODEL_FAULT_REG_STUCK,
       { .reg = IGB_EERD, .stuck_mask = IGB_EERD_DONE, .stuck_value = 0 },
       { { "board_identity", "PBA (part number) unreadable from the NVM" } })

/*
 * Cases no device misbehaviour the model injects can make fail, and why.
 * The config-space cases read what the fake PCI layer builds before the
 * scan; their wrong answers are fake-PCI tests (test_pci_caps.c,
 * test_suite.c), not model faults.
 */
static const struct {
	const char *name, *why;
} unfaultable[] = {
	{ "memcpy_bad_input", "checks the driver's refusal of bad arguments before any "
	  "DMA: no device behaviour is involved" },
	{ "identify", "vendor, device and class IDs come from config space as the scan "
	  "found it; a device with other IDs is not tested at all" },
	{ "bar0_mmio_128k", "BAR0's type and size come from config space as the scan "
	  "found it (test_suite.c: unassigned and small BAR0)" },
	{ "cap_msix", "the MSI-X capability comes from config space as the scan found "
	  "it (test_pci_caps.c)" },
	{ "cap_pcie_flr", "the PCIe capability comes from config space as the scan found "
	  "it (test_pci_caps.c)" },
	{ "cap_sriov", "the SR-IOV capability comes from config space as the scan found "
	  "it (test_pci_caps.c)" },
	{ "sriov_enable", "VF config spaces (IDs, class, count) are the fake PCI layer's; "
	  "the model injects no config-space faults" },
	{ "pcie_link", "link speed and width are the fake PCI layer's config space "
	  "(test_pcie_cases.c: a link below both ends' capability, training that never "
	  "ends)" },
	{ "port_pair", "needs two ports cabled to each other, and this table's machine has "
	  "one; the wire's faults (drop, stop, corrupt, one way) are test_port_pair.c's" },
};

/* ---- running an entry --------------------------------------------------- */

static struct kp_doc doc;

/*
 * Cases that take seconds of host time (megabytes through the model, each
 * byte checked): a run leaves out those its entry does not name. Their
 * own entries run them; every other case runs in every entry.
 */
static const char *const heavy[] = { "memcpy_success", "memcpy_throughput" };

static const struct must_fail *listed(const struct inject *e, const char *name);

/* The run's options: one mode, verbose (a line as each case starts, where
 * a fault is armed), a short storm, no results file, the heavy cases e
 * does not name left out (all of them for the clean run, e NULL). */
static void run_options(struct options *o, bool strict, const struct inject *e)
{
	static char exclude[200];
	const char *argv[] = { strict ? "--iommu=strict" : "--iommu=off", "--verbose",
			       "--storm-mib=" INJECT_STORM_MIB, "--results=none", exclude };
	size_t n = (size_t)snprintf(exclude, sizeof(exclude), "--exclude=");

	for (unsigned i = 0; i < ARRAY_SIZE(heavy); i++)
		if (!e || !listed(e, heavy[i]))
			n += (size_t)snprintf(exclude + n, sizeof(exclude) - n, "%s%s",
					      exclude[n - 1] == '=' ? "" : ",", heavy[i]);
	options_defaults(o);
	REQUIRE(options_parse_argv(o, ARRAY_SIZE(argv) - (exclude[n - 1] == '='),
				   argv) == RC_OK);
}

/* A fault armed at a case strikes while that case runs: from the verbose
 * line that starts it ("# [k/n] NAME: ...") to the line that starts the
 * next one. */
struct arming {
	const struct inject *e;
	struct model_igb *g;
	char line[KP_NAME_MAX + 8]; /* "] NAME: " */
	bool armed, over;
};

static void arm_on_line(const char *line, void *ctx)
{
	struct arming *a = ctx;

	if (!strstr(line, "# [") || a->over)
		return;
	if (a->armed) {
		model_inject_clear(a->g);
		a->over = true;
	} else if (strstr(line, a->line)) {
		model_inject_with(a->g, a->e->faults, &a->e->how);
		a->armed = true;
	}
}

/* A whole run; the fault (if any) injected as e says. Returns the status. */
static int run(enum model_personality pers, bool strict, const struct inject *e)
{
	static struct options o;
	static struct arming a;
	struct model_igb *g;
	int status;

	if (strict)
		fake_vtd_add(FAKE_VTD_BASE);
	fake_host_bridge_add(0, 0, 0);
	fake_bridge_add(0, 2, 0, 1, 1, PCI_EXP_TYPE_ROOT_PORT);
	g = fake_82576_add_as(1, 0, 0, BAR0, pers).model;
	run_options(&o, strict, e);
	a = (struct arming){ .e = e, .g = g };
	if (e && e->arm) {
		snprintf(a.line, sizeof(a.line), "] %s: ", e->arm);
		fake_on_output(arm_on_line, &a);
	} else if (e) {
		model_inject_with(g, e->faults, &e->how);
		a.armed = true;
	}
	status = igbtest_run(&o, NULL);
	if (!kp_parse(&doc)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", doc.problem);
	}
	if (e && !a.armed)
		harness_fatal(__FILE__, __LINE__, "case %s never started", e->arm);
	return status;
}

/* Each case's result without a fault, per personality and mode: the
 * model's time is simulated, so the same every run; taken once. */
static struct {
	const char *name;
	enum ktap_result result;
} clean[2][2][KP_MAX_CASES];
static unsigned nclean[2][2];
static bool have_clean[2][2];

static void baseline(enum model_personality pers, bool strict)
{
	if (have_clean[pers][strict])
		return;
	run(pers, strict, NULL);
	REQUIRE(suite_record_count() <= KP_MAX_CASES);
	for (unsigned i = 0; i < suite_record_count(); i++) {
		clean[pers][strict][i].name = suite_record(i)->tc->name;
		clean[pers][strict][i].result = suite_record(i)->result;
	}
	nclean[pers][strict] = suite_record_count();
	have_clean[pers][strict] = true;
	fake_reset();
}

/* What case name did in the clean run (only the heavy cases are absent,
 * and an entry runs those only to see them fail). */
static enum ktap_result clean_result(enum model_personality pers, bool strict,
				     const char *name)
{
	for (unsigned i = 0; i < nclean[pers][strict]; i++)
		if (!strcmp(clean[pers][strict][i].name, name))
			return clean[pers][strict][i].result;
	harness_fatal(__FILE__, __LINE__, "case %s is not in the clean run", name);
}

static const struct must_fail *listed(const struct inject *e, const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(e->fail) && e->fail[i].name; i++)
		if (!strcmp(e->fail[i].name, name))
			return &e->fail[i];
	return NULL;
}

/* Some "# name: ..." diagnostic of the case holds text. */
static bool said(const char *name, const char *text)
{
	char prefix[KP_NAME_MAX + 4];

	snprintf(prefix, sizeof(prefix), "# %s: ", name);
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *l = fake_output_line(i), *at = strstr(l, prefix);
		if (at && strstr(at, text))
			return true;
	}
	return false;
}

static const char *word(enum ktap_result r)
{
	return r == KTAP_PASS ? "pass" : r == KTAP_FAIL ? "fail" : "skip";
}

static void check_one(enum model_personality pers, const struct inject *e)
{
	bool bad = false;
	int status;

	baseline(pers, e->strict);
	status = run(pers, e->strict, e);
	for (unsigned i = 0; i < suite_record_count(); i++) {
		const struct suite_record *r = suite_record(i);
		const struct must_fail *f = listed(e, r->tc->name);
		enum ktap_result want = f ? KTAP_FAIL :
				       clean_result(pers, e->strict, r->tc->name);

		harness_note("inject_%s, %s personality: case %s %s, expected %s%s%s%s",
			     e->name, model_personality_name(pers), r->tc->name,
			     word(r->result), word(want), f ? " saying \"" : "",
			     f ? f->text : "", f ? "\"" : "");
		bad |= !CHECK_EQ(r->result, want);
		if (f && r->result == KTAP_FAIL)
			bad |= !CHECK(said(r->tc->name, f->text));
	}
	harness_note("inject_%s, %s personality", e->name, model_personality_name(pers));
	CHECK_EQ(status, IGBTEST_EXIT_FAIL);
	CHECK_EQ(fake_dma_outstanding(), 0);
	if (bad)
		fake_output_dump();
	harness_note("%s", "");
	fake_reset();
}

static void inject_run(const struct inject *e)
{
	REQUIRE(e->fail[0].name);
	for (unsigned p = MODEL_QEMU; p <= MODEL_SILICON; p++)
		if (e->pers & (1u << p))
			check_one((enum model_personality)p, e);
}

/* Every registry case is named by an entry, or listed as unfaultable;
 * every name in the table is a registry case. */
TEST(inject_every_case_can_fail)
{
	for (unsigned i = 0; i < suite_case_count(); i++) {
		const char *name = suite_case(i)->name;
		unsigned n = 0;

		for (unsigned k = 0; k < nentries; k++)
			n += listed(entries[k], name) != NULL;
		for (unsigned k = 0; k < ARRAY_SIZE(unfaultable); k++)
			n += !strcmp(unfaultable[k].name, name);
		harness_note("case %s: no inject entry makes it fail, and it is not "
			     "listed as unfaultable", name);
		CHECK(n >= 1);
	}
	for (unsigned k = 0; k < nentries; k++) {
		const struct inject *e = entries[k];
		for (unsigned j = 0; j < ARRAY_SIZE(e->fail) && e->fail[j].name; j++) {
			bool known = false;
			for (unsigned i = 0; i < suite_case_count() && !known; i++)
				known = !strcmp(suite_case(i)->name, e->fail[j].name);
			harness_note("inject_%s names %s, not a registry case", e->name,
				     e->fail[j].name);
			CHECK(known);
		}
		bool arm_known = !e->arm;
		for (unsigned i = 0; i < suite_case_count() && !arm_known; i++)
			arm_known = !strcmp(suite_case(i)->name, e->arm);
		harness_note("inject_%s arms at %s, not a registry case", e->name,
			     e->arm ? e->arm : "");
		CHECK(arm_known);
	}
	harness_note("%s", "");
}
