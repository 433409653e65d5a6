/* igbtest.c - the run: banner, inventory, per-device suites, totals. */
#include "igbtest.h"

#include "dma/iommu.h"
#include "igb/igb.h"
#include "suite/suite.h"
#include "pci/pci.h"
#include "report/fmt.h"
#include "report/ktap.h"

static void ktap_to_platform(const char *line, size_t len)
{
	plat_write(line, len);
}

/* Large: lives in static storage, not on the firmware's small stack. */
static struct pci_inventory inventory;

/* The inventory marks each 82576 that --device selects: tested (and which
 * firmware driver it was taken from), or held by a driver that would not
 * let go. */
static const char *inventory_mark(const struct pci_func *f)
{
	static char mark[PLAT_CLAIM_WHY + 16];
	char why[PLAT_CLAIM_WHY];

	if (!suite_device_selected(f))
		return NULL;
	if (plat_pci_claim(f->bdf, why, sizeof(why)) != RC_OK)
		fmt_snprintf(mark, sizeof(mark), "not tested: %s", why);
	else
		fmt_snprintf(mark, sizeof(mark), "will be tested%s%s", why[0] ? "; " : "",
			     why);
	return mark;
}

/*
 * The run's own result line, then the exit status. A lab that counts
 * result lines (LAVA's monitors) sees a run that stopped early (usage error,
 * nothing to test, could not run) or had a failure as a failed case,
 * never as a green job with no cases; a crash prints neither line.
 */
static int finish(int status)
{
	ktap_diag_at(KTAP_ALWAYS, "result: igbtest.run %s %d status",
		     status == IGBTEST_EXIT_PASS ? "pass" : "fail", status);
	ktap_diag_at(KTAP_ALWAYS, "igbtest: exit status %d (%s)", status,
		     exit_meaning(status));
	return status;
}

/* Nothing runs: the document is a skip-all plan, then the exit status. */
static int nothing_run(const char *why, int status)
{
	ktap_skip_all(why);
	ktap_print_totals();
	return finish(status);
}

static int usage_error(const char *what)
{
	ktap_diag_at(KTAP_ALWAYS, "usage error: %s", what);
	ktap_diag_at(KTAP_ALWAYS, "igbtest --help lists the options; nothing was run");
	return nothing_run("usage error", IGBTEST_EXIT_USAGE);
}

/* Patterns that match no case are typos: refuse them before anything runs. */
static int check_selection(const struct options *o)
{
	char msg[OPT_ERROR_MAX];
	unsigned selected = 0;

	for (unsigned p = 0; p < o->n_only + o->n_exclude; p++) {
		bool only = p < o->n_only;
		const char *pat = only ? o->only[p] : o->exclude[p - o->n_only];
		bool hit = false;
		for (unsigned i = 0; i < suite_case_count() && !hit; i++)
			hit = options_glob(pat, suite_case(i)->name);
		if (!hit) {
			fmt_snprintf(msg, sizeof(msg), "--%s: '%s' matches no test case "
				     "(--list shows them)", only ? "only" : "exclude", pat);
			return usage_error(msg);
		}
	}
	for (unsigned i = 0; i < suite_case_count(); i++)
		selected += options_case_selected(o, suite_case(i)->name);
	if (!selected)
		return usage_error(o->profile == OPT_PROFILE_QUICK ?
				   "--only and --exclude leave none of --profile=quick's cases "
				   "(register_pattern, nvm_checksum, link_loopback_up, "
				   "loopback_frames, legacy_cause_test) to run" :
				   "--only and --exclude together leave no test case to run");
	for (unsigned i = 0; i < o->n_iommu; i++) {
		bool known = false;
		for (unsigned m = 0; m < IOMMU_NMODES && !known; m++)
			known = options_glob(o->iommu[i], iommu_mode_name((enum iommu_mode)m));
		if (!known) {
			fmt_snprintf(msg, sizeof(msg), "--iommu: '%s' is not a mode (off, "
				     "passthrough, strict)", o->iommu[i]);
			return usage_error(msg);
		}
	}
	return RC_OK;
}

static int list_cases(void)
{
	suite_list();
	return nothing_run("--list: nothing run", IGBTEST_EXIT_PASS);
}

/* One line saying what this run was asked to do, when it is not the default. */
static void describe_options(const struct options *o)
{
	char line[256]; /* fits every option's longest form */
	unsigned selected = 0, n = 0;

	for (unsigned i = 0; i < suite_case_count(); i++)
		selected += options_case_selected(o, suite_case(i)->name);
	n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, "options: %u of %u cases",
				    selected, suite_case_count());
	if (o->profile == OPT_PROFILE_QUICK)
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, ", profile quick");
	if (o->n_devices)
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, ", %u device%s named",
					    o->n_devices, o->n_devices == 1 ? "" : "s");
	for (unsigned i = 0; i < o->n_iommu && n < sizeof(line); i++)
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, "%s%s",
					    i ? "," : ", iommu ", o->iommu[i]);
	if (o->duration_s)
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, ", rounds for %u s",
					    o->duration_s);
	else if (o->repeat > 1)
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, ", %u rounds",
					    o->repeat);
	if (o->storm_mib != OPT_DEFAULT_STORM_MIB)
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, ", storm %u MiB",
					    o->storm_mib);
	/* The risk the user took: on record in every log of the run. */
	if (o->unclaimed_dma && n < sizeof(line))
		n += (unsigned)fmt_snprintf(line + n, sizeof(line) - n, ", unclaimed DMA "
					    "allowed");
	if (o->timeout_pct != 100 && n < sizeof(line))
		fmt_snprintf(line + n, sizeof(line) - n, ", waits x%u.%02u",
			     o->timeout_pct / 100, o->timeout_pct % 100);
	ktap_diag("%s", line);
}

static enum ktap_level level_of(enum opt_verbosity v)
{
	return v == OPT_QUIET ? KTAP_ALWAYS : v == OPT_VERBOSE ? KTAP_VERBOSE : KTAP_NORMAL;
}

int igbtest_run(const struct options *o, const char *platform_banner)
{
	static struct options defaults;
	int status, rc;

	if (!o) {
		options_defaults(&defaults);
		o = &defaults;
	}
	ktap_init(ktap_to_platform);
	ktap_set_level(level_of(o->verbosity));
	suite_configure(o);
	ktap_version();
	ktap_diag_at(KTAP_ALWAYS, "igbtest %s (build %s): Intel 82576 qualification, pre-OS",
		     IGBTEST_VERSION, IGBTEST_BUILD_ID);
	if (platform_banner)
		ktap_diag_at(KTAP_ALWAYS, "%s", platform_banner);
	if (o->n_ignored)
		ktap_diag_at(KTAP_ALWAYS, "options: ignored %u kernel-style argument%s "
			     "(a boot loader's, not igbtest's): %s", o->n_ignored,
			     o->n_ignored == 1 ? "" : "s", o->ignored);

	if (o->error[0])
		return usage_error(o->error);
	if (o->action == OPT_HELP) {
		/* Line by line: the text is longer than one diagnostic holds. */
		for (const char *p = options_usage; *p;) {
			int len = 0;
			while (p[len] && p[len] != '\n')
				len++;
			ktap_diag_at(KTAP_ALWAYS, "%.*s", len, p);
			p += len + (p[len] == '\n');
		}
		return nothing_run("--help: nothing run", IGBTEST_EXIT_PASS);
	}
	if (o->action == OPT_VERSION)
		return nothing_run("--version: nothing run", IGBTEST_EXIT_PASS);
	if (o->action == OPT_LIST)
		return list_cases();
	rc = check_selection(o);
	if (rc)
		return rc;
	describe_options(o);

	rc = pci_scan(&inventory);
	if (rc) {
		ktap_diag_at(KTAP_ALWAYS, "PCI scan failed: %s", rc_name(rc));
		return nothing_run("PCI scan failed", IGBTEST_EXIT_ERROR);
	}
	/* Every device to be tested is taken from the firmware's drivers
	 * before anything touches it, printed or not (--quiet), and then at
	 * once: what it waits for (an autonegotiation) runs while the header
	 * prints, which on a lab's serial console takes a while. */
	for (unsigned i = 0; i < inventory.n; i++)
		if (suite_device_selected(&inventory.f[i]))
			plat_pci_claim(inventory.f[i].bdf, NULL, 0);
	suite_prepare(&inventory);
	pci_print_inventory(&inventory, inventory_mark);
	char unit[160];
	iommu_describe(unit, sizeof(unit));
	ktap_diag_at(KTAP_ALWAYS, "%s", unit);
	status = suite_run(&inventory);
	/* Each mode turns translation off when its device is done; this is
	 * the last word on it, whatever a test did. */
	iommu_stop();
	return finish(status);
}

size_t igbtest_summary_json(char *buf, size_t n, int status)
{
	int w = fmt_snprintf(buf, n, "{\n  \"igbtest\": \"%s\",\n  \"build\": \"%s\",\n"
			     "  \"exit_status\": %d,\n  \"exit_meaning\": \"%s\",\n",
			     IGBTEST_VERSION, IGBTEST_BUILD_ID, status, exit_meaning(status));
	size_t at = w > 0 ? (size_t)w : 0;

	at += suite_results_json(at < n ? buf + at : NULL, at < n ? n - at : 0);
	w = fmt_snprintf(at < n ? buf + at : NULL, at < n ? n - at : 0, "}\n");
	return at + (w > 0 ? (size_t)w : 0);
}
