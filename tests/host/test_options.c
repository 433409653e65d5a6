/*
 * test_options.c - the option parser (src/report/options.c) and what the
 * run does with its result (igbtest_run): every source's syntax, hostile
 * input, selection, and "usage error -> exit 2, nothing run".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_devices.h"
#include "fake_platform.h"
#include "harness.h"
#include "suite/suite.h"
#include "igbtest.h"
#include "ktap_parse.h"
#include "report/options.h"

static struct options o;

static int argv_parse(int argc, const char *const *argv)
{
	options_defaults(&o);
	return options_parse_argv(&o, argc, argv);
}

#define ARGV(...) argv_parse(ARRAY_SIZE(((const char *[]){ __VA_ARGS__ })), \
			     (const char *[]){ __VA_ARGS__ })

static int cmdline(const char *s)
{
	options_defaults(&o);
	return options_parse_cmdline(&o, s, strlen(s));
}

static int config(const char *text, size_t len)
{
	options_defaults(&o);
	return options_parse_config(&o, text, len, "igbtest.cfg");
}

#define CONFIG(s) config((s), sizeof(s) - 1)

/* The parse failed and the message contains every fragment given. */
static void check_error(int rc, const char *frag1, const char *frag2)
{
	CHECK_EQ(rc, RC_EINVAL);
	harness_note("error: '%s'", o.error);
	CHECK(o.error[0]);
	CHECK(strstr(o.error, frag1));
	if (frag2)
		CHECK(strstr(o.error, frag2));
	harness_note("%s", "");
}

TEST(options_defaults_are_the_old_behaviour)
{
	REQUIRE(cmdline("") == RC_OK);
	CHECK_EQ(o.action, OPT_RUN);
	CHECK_EQ(o.n_only + o.n_exclude + o.n_devices, 0);
	CHECK_EQ(o.repeat, 1);
	CHECK_EQ(o.duration_s, 0);
	CHECK_EQ(o.storm_mib, OPT_DEFAULT_STORM_MIB);
	CHECK_EQ(o.timeout_pct, 100);
	CHECK_EQ(o.verbosity, OPT_NORMAL);
	CHECK_EQ(o.end, OPT_END_AUTO);
	CHECK(!o.unclaimed_dma);
	CHECK_STREQ(o.results, "\\igbtest\\results");
	CHECK_STREQ(o.error, "");
}

TEST(options_every_setting)
{
	REQUIRE(ARGV("--only=link_*,memcpy_success", "--exclude", "memcpy_storm",
		     "--device=0000:01:00.0,02:00.1", "--repeat=3", "--storm-mib", "64",
		     "--timeout-scale=2.5", "-q", "--results=/lab/out/", "--end=reboot",
		     "--unclaimed-dma") == RC_OK);
	CHECK(o.unclaimed_dma);
	CHECK_EQ(o.n_only, 2);
	CHECK_STREQ(o.only[0], "link_*");
	CHECK_STREQ(o.only[1], "memcpy_success");
	CHECK_EQ(o.n_exclude, 1);
	CHECK_STREQ(o.exclude[0], "memcpy_storm");
	REQUIRE(o.n_devices == 2);
	CHECK(o.device_has_seg[0]);
	CHECK_EQ(o.devices[0].bus, 1);
	CHECK(!o.device_has_seg[1]);
	CHECK_EQ(o.devices[1].bus, 2);
	CHECK_EQ(o.devices[1].fn, 1);
	CHECK_EQ(o.repeat, 3);
	CHECK_EQ(o.storm_mib, 64);
	CHECK_EQ(o.timeout_pct, 250);
	CHECK_EQ(o.verbosity, OPT_QUIET);
	CHECK_STREQ(o.results, "\\lab\\out");
	CHECK_EQ(o.end, OPT_END_REBOOT);

	REQUIRE(ARGV("--duration=90m", "--verbosity=verbose", "--results", "none") == RC_OK);
	CHECK_EQ(o.duration_s, 90 * 60);
	CHECK_EQ(o.verbosity, OPT_VERBOSE);
	CHECK_STREQ(o.results, "");
	REQUIRE(ARGV("--iommu=off,strict") == RC_OK);
	CHECK_EQ(o.n_iommu, 2);
	CHECK(options_iommu_selected(&o, "strict"));
	CHECK(!options_iommu_selected(&o, "passthrough"));
	REQUIRE(ARGV("--iommu=all") == RC_OK);
	CHECK(options_iommu_selected(&o, "passthrough"));
	REQUIRE(ARGV("--duration", "2d") == RC_OK);
	CHECK_EQ(o.duration_s, 2 * 86400);
	REQUIRE(ARGV("--list") == RC_OK);
	CHECK_EQ(o.action, OPT_LIST);
	REQUIRE(ARGV("-h") == RC_OK);
	CHECK_EQ(o.action, OPT_HELP);
	REQUIRE(ARGV("--version") == RC_OK);
	CHECK_EQ(o.action, OPT_VERSION);
}

TEST(options_refused_with_a_message)
{
	check_error(ARGV("--frobnicate"), "unknown option '--frobnicate'", "--help");
	check_error(ARGV("--frob=1"), "unknown option '--frob'", NULL);
	check_error(ARGV("-x"), "unknown option '-x'", NULL);
	check_error(ARGV("list"), "unexpected argument 'list'", "start with --");
	check_error(ARGV("--repeat"), "--repeat: needs a value", "1 to 1000000");
	check_error(ARGV("--repeat", "--list"), "--repeat: needs a value", NULL);
	check_error(ARGV("--repeat=0"), "--repeat: expected a count", "got '0'");
	check_error(ARGV("--repeat=1000001"), "--repeat", "got '1000001'");
	check_error(ARGV("--repeat=99999999999999999999999"), "--repeat", NULL);
	check_error(ARGV("--repeat=-1"), "--repeat", "got '-1'");
	check_error(ARGV("--repeat=3x"), "--repeat", NULL);
	check_error(ARGV("--duration=10y"), "--duration: expected a time", "'10y'");
	check_error(ARGV("--duration=8d"), "--duration", "7 days");
	check_error(ARGV("--timeout-scale=0.5"), "--timeout-scale", "from 1 to 100");
	check_error(ARGV("--timeout-scale=1.234"), "--timeout-scale", NULL);
	check_error(ARGV("--timeout-scale=101"), "--timeout-scale", NULL);
	check_error(ARGV("--timeout-scale=2."), "--timeout-scale", NULL);
	check_error(ARGV("--storm-mib=0"), "--storm-mib", NULL);
	check_error(ARGV("--end=sleep"), "--end: expected auto, shutdown", "'sleep'");
	check_error(ARGV("--verbosity=loud"), "--verbosity", "'loud'");
	check_error(ARGV("--list=yes"), "--list: takes no value", NULL);
	check_error(ARGV("--device=1:2"), "--device: expected", "'1:2'");
	check_error(ARGV("--device=00:20.0"), "--device", "'00:20.0'");
	check_error(ARGV("--device=00:1f.8"), "--device", NULL);
	check_error(ARGV("--device=100:00.0"), "--device", NULL);
	check_error(ARGV("--device=0:0:0:0.0"), "--device", NULL);
	check_error(ARGV("--device=all,00:01.0"), "--device", NULL);
	check_error(ARGV("--device=all", "--device=01:00.0"), "'all' and a list", NULL);
	check_error(ARGV("--only="), "--only: empty pattern", NULL);
	check_error(ARGV("--only=a,,b"), "--only: empty pattern", NULL);
	check_error(ARGV("--only=a#b"), "--only: '#'", NULL);
	check_error(ARGV("--results=a:b"), "--results: ':'", NULL);
	check_error(ARGV("--iommu=Off"), "--iommu: expected 'all' or DMA remapping", NULL);
	check_error(ARGV("--iommu=off,"), "--iommu", NULL);
	check_error(ARGV("--iommu=off", "--iommu=strict"), "--iommu: given twice", NULL);
	check_error(ARGV("--results=/"), "--results", "root");
}

TEST(options_given_twice_is_an_error)
{
	check_error(ARGV("--repeat=2", "--repeat=3"), "--repeat: given twice", NULL);
	check_error(ARGV("-q", "--verbose"), "--verbose: given twice",
		    "--quiet, --verbose and --verbosity");
	check_error(ARGV("--list", "--help"), "--help: given twice", NULL);
	check_error(ARGV("--repeat=2", "--duration=1h"), "--repeat and --duration", NULL);
	check_error(ARGV("--unclaimed-dma", "--unclaimed-dma"), "--unclaimed-dma: given twice",
		    NULL);
	check_error(ARGV("--unclaimed-dma=yes"), "--unclaimed-dma", NULL);
	/* List options accumulate instead. */
	REQUIRE(ARGV("--only=a", "--only=b,c", "--device=01:00.0", "--device=02:00.0") ==
		RC_OK);
	CHECK_EQ(o.n_only, 3);
	CHECK_EQ(o.n_devices, 2);
}

TEST(options_cmdline_quotes_and_hostile_input)
{
	REQUIRE(cmdline("  --only \"link_*\"\t--results=\"\\my dir\\x\"  ") == RC_OK);
	CHECK_STREQ(o.only[0], "link_*");
	CHECK_STREQ(o.results, "\\my dir\\x");
	REQUIRE(cmdline("--results=\"a\\\"b\"") != RC_OK); /* '"' is not a FAT name */
	check_error(cmdline("--only \"link_*"), "unterminated quote", "column 8");
	check_error(cmdline("--only=\xc3\xa9t\xc3\xa9"), "byte 0xc3", "not printable ASCII");
	char with_nul[] = "--list\0--help";
	options_defaults(&o);
	check_error(options_parse_cmdline(&o, with_nul, sizeof(with_nul) - 1), "byte 0x00",
		    NULL);
	static char longarg[OPT_LINE_MAX + 20];
	memset(longarg, 'a', sizeof(longarg) - 1);
	memcpy(longarg, "--only=", 7);
	longarg[sizeof(longarg) - 1] = '\0';
	check_error(cmdline(longarg), "longer than 4095", NULL);
	char many[70 * 4 + 1] = "";
	for (int i = 0; i < 70; i++)
		strcat(many, "-q ");
	check_error(cmdline(many), "more than 64 arguments", NULL);
}

TEST(options_config_file)
{
	static const char text[] =
		"\xef\xbb\xbf# igbtest.cfg: comments and blank lines are fine\r\n"
		"\r\n"
		"only = link_*, memcpy_success  # trailing comment\n"
		"  exclude=memcpy_storm\n"
		"--device 0000:01:00.0\n"
		"repeat = 2\n"
		"timeout-scale = \"3\"   \n"
		"verbose\n"
		"unclaimed-dma\n"
		"results = \"\\lab results\\host 7\"\n"
		"end = wait";
	REQUIRE(CONFIG(text) == RC_OK);
	harness_note("%s", o.error);
	CHECK_EQ(o.n_only, 2);
	CHECK_STREQ(o.only[1], "memcpy_success");
	CHECK_STREQ(o.exclude[0], "memcpy_storm");
	CHECK_EQ(o.n_devices, 1);
	CHECK_EQ(o.repeat, 2);
	CHECK_EQ(o.timeout_pct, 300);
	CHECK_EQ(o.verbosity, OPT_VERBOSE);
	CHECK_STREQ(o.results, "\\lab results\\host 7");
	CHECK_EQ(o.end, OPT_END_WAIT);
	CHECK(o.unclaimed_dma);
	check_error(CONFIG("unclaimed-dma = yes"), "unclaimed-dma: takes no value", NULL);
}

TEST(options_config_hostile)
{
	check_error(CONFIG("repeat = 2\nrepeat = 3\n"), "igbtest.cfg line 2: repeat: given "
		    "twice", NULL);
	check_error(CONFIG("# ok\nfrobnicate = 1\n"), "igbtest.cfg line 2: unknown option "
		    "'frobnicate'", NULL);
	check_error(CONFIG("repeat\n"), "line 1: repeat: needs a value", NULL);
	check_error(CONFIG("list = yes\n"), "line 1: list: takes no value", NULL);
	check_error(CONFIG("results = \"\\x\n"), "line 1: unterminated quote", NULL);
	check_error(CONFIG("results = \"\\x\" y\n"), "after the quoted value", NULL);
	check_error(CONFIG("= 3\n"), "line 1: expected 'name = value'", NULL);
	check_error(CONFIG("only = a\nend = r\xc3\xa9""boot\n"), "line 2: byte 0xc3 at "
		    "column 8", NULL);
	check_error(CONFIG("repeat = 1\0\n"), "line 1: a NUL byte at column 11", NULL);
	check_error(CONFIG("verbose\x1b[2J\n"), "byte 0x1b", NULL);
	check_error(CONFIG("repeat = 2\nduration = 1h\n"), "--repeat and --duration", NULL);
	static char big[OPT_LINE_MAX + 100];
	memset(big, '#', sizeof(big));
	check_error(config(big, sizeof(big)), "line 1: longer than 4095", NULL);
	/* A lone CR inside a line is refused, CRLF is not. */
	check_error(CONFIG("repeat = 2\r3\n"), "byte 0x0d", NULL);
	REQUIRE(CONFIG("repeat = 2\r\n") == RC_OK);
	REQUIRE(CONFIG("") == RC_OK);
	REQUIRE(CONFIG("\n\n   \n# only comments\n") == RC_OK);
}

TEST(options_glob)
{
	CHECK(options_glob("*", "anything"));
	CHECK(options_glob("*", ""));
	CHECK(options_glob("memcpy_*", "memcpy_storm"));
	CHECK(!options_glob("memcpy_*", "link_memcpy"));
	CHECK(options_glob("*_up", "link_loopback_up"));
	CHECK(options_glob("m?ix*", "msix_all_vectors"));
	CHECK(!options_glob("m?ix", "msix_all"));
	CHECK(options_glob("*a*b*c*", "xaybzc"));
	CHECK(!options_glob("*a*b*c*d", "xaybzc"));
	CHECK(options_glob("identify", "identify"));
	CHECK(!options_glob("identify", "identify2"));
	/* Pathological patterns stay linear-ish (would time out if exponential). */
	CHECK(!options_glob("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

TEST(options_selection)
{
	REQUIRE(ARGV("--only=memcpy_*,identify", "--exclude=memcpy_storm") == RC_OK);
	CHECK(options_case_selected(&o, "identify"));
	CHECK(options_case_selected(&o, "memcpy_success"));
	CHECK(!options_case_selected(&o, "memcpy_storm"));
	CHECK(!options_case_selected(&o, "link_loopback_up"));
	REQUIRE(ARGV("--device=01:00.0,0001:02:00.0") == RC_OK);
	CHECK(options_device_selected(&o, (struct pci_bdf){ 0, 1, 0, 0 }));
	CHECK(options_device_selected(&o, (struct pci_bdf){ 5, 1, 0, 0 })); /* any seg */
	CHECK(options_device_selected(&o, (struct pci_bdf){ 1, 2, 0, 0 }));
	CHECK(!options_device_selected(&o, (struct pci_bdf){ 0, 2, 0, 0 }));
	CHECK(!options_device_selected(&o, (struct pci_bdf){ 0, 1, 0, 1 }));
}

/* The command line LAVA's stock iPXE device types give: our options, then
 * the loader's kernel arguments, which are ignored by name. */
#define LAVA_IPXE_CMDLINE "--only=identify --end=shutdown --results=none ip=dhcp " \
			  "console=ttyS0,115200n8 lava_mac=00:90:05:af:00:7d"

TEST(options_kernel_style_arguments_are_ignored)
{
	REQUIRE(cmdline(LAVA_IPXE_CMDLINE) == RC_OK);
	CHECK_EQ(o.n_ignored, 3);
	CHECK_STREQ(o.ignored, "ip console lava_mac");
	CHECK_EQ(o.end, OPT_END_SHUTDOWN);
	CHECK_STREQ(o.only[0], "identify");
	/* One of our names without the dashes is a mistake, not a loader's. */
	check_error(cmdline("ip=dhcp only=identify"), "'only=identify': options start "
		    "with --", "(--only)");
	check_error(cmdline("ip=dhcp quiet"), "unexpected argument 'quiet'", NULL);
	check_error(cmdline("=x"), "unexpected argument '=x'", NULL);
	/* A list too long for the line ends with "...", counted in full. */
	char many[40 * 24 + 1] = "";
	for (int i = 0; i < 40; i++)
		sprintf(many + strlen(many), "kernel_arg_%02d=value ", i);
	REQUIRE(cmdline(many) == RC_OK);
	CHECK_EQ(o.n_ignored, 40);
	CHECK(strlen(o.ignored) < OPT_IGNORED_MAX);
	CHECK(strstr(o.ignored, "kernel_arg_00 kernel_arg_01 "));
	CHECK(!strcmp(o.ignored + strlen(o.ignored) - 4, " ..."));
}

/* ---- what the run does with the options --------------------------------- */

static int run(const char *args)
{
	REQUIRE(cmdline(args) == RC_OK || o.error[0]);
	return igbtest_run(&o, "fake platform");
}

/* The run's own result line: exactly one, right before the exit status. */
static void check_run_line(const char *want)
{
	unsigned n = fake_output_nlines(), hits = 0;

	for (unsigned i = 0; i < n; i++)
		hits += strstr(fake_output_line(i), "# result: igbtest.run ") != NULL;
	CHECK_EQ(hits, 1);
	REQUIRE(n >= 2);
	CHECK(!strcmp(fake_output_line(n - 2), want));
	CHECK(!strncmp(fake_output_line(n - 1), "# igbtest: exit status ", 23));
}

/* A run that stopped before testing: a skip-all document, no case's result
 * line, the run's own (run_line) with its verdict. */
static void check_nothing_run(struct kp_doc *d, const char *reason, const char *run_line)
{
	if (!kp_parse(d)) {
		fake_output_dump();
		harness_fatal(__FILE__, __LINE__, "not KTAP: %s", d->problem);
	}
	CHECK_EQ(d->plan, 0);
	CHECK(d->skip_all);
	CHECK_EQ(d->nb, 0);
	CHECK(strstr(d->skip_reason, reason));
	CHECK(!fake_output_contains("# result: 0"));
	check_run_line(run_line);
	CHECK(!fake_output_contains("PCI inventory"));
}

TEST(run_usage_error_runs_nothing)
{
	static struct kp_doc d;

	fake_82576_add(1, 0, 0, 0xfebc0000u);
	CHECK_EQ(run("--repeat=lots"), IGBTEST_EXIT_USAGE);
	check_nothing_run(&d, "usage error", "# result: igbtest.run fail 2 status");
	CHECK_LINE("# usage error: --repeat: expected a count of rounds from 1 to 1000000, "
		   "got 'lots'");
	CHECK_LINE("# igbtest: exit status 2 (usage error)");
	CHECK_EQ(fake_cfg_writes_total(), 0);
}

/* Refused after parsing, against the registry: a usage error each. */
TEST(run_selection_errors_are_usage_errors)
{
	static const struct {
		const char *args, *message;
	} bad[] = {
		{ "--only=identify,no_such_case*", "--only: 'no_such_case*' matches no test case" },
		{ "--exclude=identify,nope", "--exclude: 'nope' matches no test case" },
		{ "--only=identify --exclude=ident*", "leave no test case to run" },
		{ "--iommu=off,paranoid", "--iommu: 'paranoid' is not a mode (off, passthrough, "
					  "strict)" },
	};
	static struct kp_doc d;

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		fake_reset();
		harness_note("%s", bad[i].args);
		CHECK_EQ(run(bad[i].args), IGBTEST_EXIT_USAGE);
		check_nothing_run(&d, "usage error", "# result: igbtest.run fail 2 status");
		CHECK(fake_output_contains(bad[i].message));
	}
	harness_note("%s", "");
}

TEST(run_names_the_ignored_kernel_arguments)
{
	fake_82576_add(0, 3, 0, 0xfebc0000u);
	CHECK_EQ(run(LAVA_IPXE_CMDLINE), IGBTEST_EXIT_PASS);
	CHECK_LINE("# options: ignored 3 kernel-style arguments (a boot loader's, not "
		   "igbtest's): ip console lava_mac");
	CHECK(fake_output_contains("# result: 0000-00-03.0.off.identify pass "));
	check_run_line("# result: igbtest.run pass 0 status");
}

/* The registry, each row whole: its group, needs, modes and description
 * (the format suite.h documents); a few rows pinned field by field. */
TEST(run_list)
{
	static const struct {
		const char *name, *needs, *modes;
	} pinned[] = {
		{ "identify", "-", "once" },
		{ "status_sane", "bar0", "once" },
		{ "flr_idle", "link,flr", "off,passthrough,strict" },
		{ "strict_confinement", "link", "strict" },
		{ "sriov_enable", "bar0", "once" },
	};
	static struct kp_doc d;
	char want[400];

	CHECK_EQ(run("--list"), IGBTEST_EXIT_PASS);
	check_nothing_run(&d, "--list", "# result: igbtest.run pass 0 status");
	snprintf(want, sizeof(want), "# %u test cases in %u groups, run on each 82576 in this "
		 "order (name, needs, IOMMU modes, description):", suite_case_count(),
		 suite_group_count());
	CHECK_LINE(want);
	for (unsigned g = 0; g < suite_group_count(); g++) {
		const struct igb_group *grp = suite_group(g);
		int at;

		snprintf(want, sizeof(want), "# group %s: %s", grp->name, grp->title);
		at = fake_output_find(want, 0);
		harness_note("group %s", grp->name);
		CHECK(at >= 0);
		for (unsigned i = 0; at >= 0 && i < grp->n; i++) {
			const char *line = fake_output_line((unsigned)at + 1 + i);
			const char *desc = grp->cases[i].desc;

			harness_note("group %s, case %s: %s", grp->name, grp->cases[i].name, line);
			snprintf(want, sizeof(want), "#   %-24s ", grp->cases[i].name);
			CHECK(!strncmp(line, want, strlen(want)));
			CHECK(desc && strlen(desc) > 5 && strlen(line) > strlen(desc) &&
			      !strcmp(line + strlen(line) - strlen(desc), desc));
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(pinned); i++) {
		unsigned c = 0;

		while (c < suite_case_count() && strcmp(suite_case(c)->name, pinned[i].name))
			c++;
		REQUIRE(c < suite_case_count());
		snprintf(want, sizeof(want), "#   %-24s %-13s %-23s %s", pinned[i].name,
			 pinned[i].needs, pinned[i].modes, suite_case(c)->desc);
		harness_note("case %s", pinned[i].name);
		CHECK_LINE(want);
	}
	harness_note("%s", "");
}

TEST(run_help)
{
	static struct kp_doc d;

	CHECK_EQ(run("--help"), IGBTEST_EXIT_PASS);
	check_nothing_run(&d, "--help", "# result: igbtest.run pass 0 status");
	CHECK_LINE("# usage: igbtest.efi [OPTION]...");
	CHECK_LINE("#       --end=ACTION       when done: auto (default: back to the shell if");
	/* the option's risk is in the help a lab reads */
	CHECK_LINE("#                          firmware-first AER that can be an NMI or a reset");
}

TEST(run_version)
{
	static struct kp_doc d;

	CHECK_EQ(run("--version"), IGBTEST_EXIT_PASS);
	check_nothing_run(&d, "--version", "# result: igbtest.run pass 0 status");
	CHECK_LINE("# igbtest " IGBTEST_VERSION " (build " IGBTEST_BUILD_ID "): Intel 82576 "
		   "qualification, pre-OS");
}

/* ---- the run's own reporting: result lines, sync, summary ---------------- */

/* The verdict word a KTAP result line implies, and its case name. */
static bool parse_result(const char *line, char *name, size_t n, const char **word)
{
	const char *p = line;
	bool ok;

	while (*p == ' ')
		p++;
	if (!strncmp(p, "not ok ", 7))
		ok = false, p += 7;
	else if (!strncmp(p, "ok ", 3))
		ok = true, p += 3;
	else
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != ' ')
		return false;
	size_t len = strcspn(p, " ");
	snprintf(name, n, "%.*s", (int)len, p);
	*word = !ok ? "fail" : strstr(p, " # SKIP") ? "skip" : "pass";
	return true;
}

TEST(run_result_lines_follow_every_case_and_are_synced)
{
	unsigned calls, results = 0, last_result = 0;

	fake_82576_add(0, 3, 0, 0xfebc0000u);
	REQUIRE(cmdline("--only=identify,status_sane,mac_address") == RC_OK);
	igbtest_run(&o, NULL);
	for (unsigned i = 1; i < fake_output_nlines(); i++) {
		const char *l = fake_output_line(i), *p = strstr(l, "# result: ");
		char name[64], want[128];
		const char *word;
		if (!p || strstr(p, "igbtest.run "))
			continue;
		results++;
		last_result = i;
		harness_note("line %u: %s", i, l);
		/* Right after the KTAP result it repeats, with the same verdict. */
		REQUIRE(parse_result(fake_output_line(i - 1), name, sizeof(name), &word));
		snprintf(want, sizeof(want), ".%s %s ", name, word);
		CHECK(strstr(p, want));
		CHECK(!strncmp(p + 10, "0000-00-03.0.", 13));
		CHECK(strstr(p, " ms"));
	}
	harness_note("%s", "");
	CHECK(results >= 3);
	/* Synced after every result: the last sync covers the last result. */
	CHECK(fake_output_synced(&calls) > last_result);
	CHECK(calls >= results);
	CHECK(fake_output_contains("# summary: "));
	CHECK(fake_output_contains("0000:00:03.0"));
	check_run_line("# result: igbtest.run pass 0 status");
}

TEST(run_quiet_drops_inventory_keeps_results_and_failures)
{
	struct fake_82576 p = fake_82576_add(0, 3, 0, 0xfebc0000u);

	fake_bar_mem32(p.fn, 0, 0xfebc0000u, 0x10000, false); /* too small: status_sane fails */
	REQUIRE(cmdline("--only=identify,status_sane -q") == RC_OK);
	CHECK_EQ(igbtest_run(&o, "fake platform"), IGBTEST_EXIT_FAIL);
	CHECK(fake_output_contains("# status_sane: BAR0 is 65536 bytes, the 82576 needs 131072"));
	CHECK(fake_output_contains(".status_sane fail "));
	CHECK(!fake_output_contains("PCI inventory"));
	CHECK(!fake_output_contains("options: "));
	CHECK(fake_output_contains("# result: "));
	CHECK(fake_output_contains("# igbtest: exit status"));
	check_run_line("# result: igbtest.run fail 1 status");
	CHECK(fake_output_contains("# fake platform"));
	CHECK(fake_output_contains("# summary: "));
}

TEST(run_iommu_selects_modes)
{
	fake_82576_add(0, 3, 0, 0xfebc0000u);
	REQUIRE(cmdline("--only=identify --iommu=passthrough,strict") == RC_OK);
	igbtest_run(&o, NULL);
	CHECK_LINE("  # Subtest: 82576 0000:00:03.0");
	CHECK_LINE("  1..2"); /* the device block: two modes */
	CHECK(!fake_output_contains("iommu=off"));
	CHECK(fake_output_contains("iommu=passthrough"));
	CHECK(fake_output_contains("iommu=strict"));
	CHECK(fake_output_contains("options: 1 of "));
	CHECK(fake_output_contains(", iommu passthrough,strict"));
}

/* How long phy_id took (its "# result:" line) with MDIC never ready. */
static unsigned long phy_id_ms(const char *args)
{
	struct fake_82576 p = fake_82576_add(0, 3, 0, 0xfebc0000u);
	unsigned long ms = 0;

	model_inject(p.model, MODEL_FAULT_MDIC_NEVER_READY);
	REQUIRE(cmdline(args) == RC_OK);
	CHECK_EQ(igbtest_run(&o, NULL), IGBTEST_EXIT_FAIL);
	for (unsigned i = 0; i < fake_output_nlines(); i++) {
		const char *p2 = strstr(fake_output_line(i), ".phy_id fail ");
		if (p2)
			ms = strtoul(p2 + strlen(".phy_id fail "), NULL, 10);
	}
	REQUIRE(ms);
	return ms;
}

/* --timeout-scale reaches the driver's named bounds (MDIC's 100 ms here). */
TEST(run_timeout_scale_stretches_driver_waits)
{
	unsigned long one = phy_id_ms("--only=phy_id --iommu=off");
	fake_reset();
	unsigned long three = phy_id_ms("--only=phy_id --iommu=off --timeout-scale=3");

	harness_note("phy_id took %lu ms, %lu ms with --timeout-scale=3", one, three);
	CHECK(one >= 100);
	CHECK(three >= 3 * one - 5 && three <= 3 * one + 5);
	CHECK(fake_output_contains("options: 1 of "));
	CHECK(fake_output_contains("waits x3.00"));
}

/* Selection lists of hundreds of names (a lab's list of every case but a
 * few, spelt out): one argument or config line of thousands of characters,
 * or the option given again; past the limits, an error that names them,
 * as the help does. */
TEST(options_long_selection_lists)
{
	static char arg[OPT_LINE_MAX + 1], line[OPT_LINE_MAX + 16], name[16];
	unsigned n = 0;

	strcpy(arg, "--only=");
	for (; n < 250; n++) {
		snprintf(name, sizeof(name), "%scase_%03u", n ? "," : "", n);
		strcat(arg, name);
	}
	REQUIRE(strlen(arg) > 2000);
	REQUIRE(ARGV(arg, "--exclude=case_007") == RC_OK);
	CHECK_EQ(o.n_only, n);
	CHECK_STREQ(o.only[0], "case_000");
	CHECK_STREQ(o.only[n - 1], arg + strlen(arg) - 8);
	CHECK(options_case_selected(&o, "case_150"));
	CHECK(!options_case_selected(&o, "case_007"));
	CHECK(!options_case_selected(&o, "identify"));
	/* the same as a config line, and as a command line */
	snprintf(line, sizeof(line), "only = %s\n", arg + 7);
	REQUIRE(config(line, strlen(line)) == RC_OK);
	CHECK_EQ(o.n_only, n);
	REQUIRE(cmdline(arg) == RC_OK);
	CHECK_EQ(o.n_only, n);
	/* given again, the list grows to the limit, and no further */
	REQUIRE(ARGV(arg, "--only=a,b,c,d,e,f") == RC_OK);
	CHECK_EQ(o.n_only, 256);
	CHECK_STREQ(o.only[255], "f");
	check_error(ARGV(arg, "--only=a,b,c,d,e,f,g"), "more than 256 patterns", NULL);
	CHECK(strstr(options_usage, "up to 256 patterns"));
	CHECK(strstr(options_usage, "up to 4095 characters"));
	/* as many devices as a host could hold 82576s */
	strcpy(arg, "--device=");
	for (unsigned i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "%s%02x:00.%u", i ? "," : "", i / 4 + 1, i % 4);
		strcat(arg, name);
	}
	REQUIRE(ARGV(arg) == RC_OK);
	CHECK_EQ(o.n_devices, 100);
}

/* ---- --profile ------------------------------------------------------------ */

static unsigned quick_count(void)
{
	unsigned n = 0;

	while (options_quick_cases[n])
		n++;
	return n;
}

/* Quick is exactly ethtool -t's answers, each a case that exists. */
TEST(options_profile_quick_selects_exactly_those_cases)
{
	unsigned selected = 0;

	REQUIRE(ARGV("--profile=quick") == RC_OK);
	CHECK_EQ(o.profile, OPT_PROFILE_QUICK);
	CHECK_EQ(quick_count(), 6);
	for (unsigned q = 0; options_quick_cases[q]; q++) {
		bool found = false;
		for (unsigned i = 0; i < suite_case_count(); i++)
			found |= !strcmp(suite_case(i)->name, options_quick_cases[q]);
		harness_note("quick case %s", options_quick_cases[q]);
		CHECK(found);
	}
	harness_note("%s", "");
	for (unsigned i = 0; i < suite_case_count(); i++) {
		const char *name = suite_case(i)->name;
		bool want = false;
		for (unsigned q = 0; options_quick_cases[q]; q++)
			want |= !strcmp(name, options_quick_cases[q]);
		CHECK_EQ(options_case_selected(&o, name), want);
		selected += options_case_selected(&o, name);
	}
	CHECK_EQ(selected, 6);
	CHECK(options_case_selected(&o, "register_pattern"));
	CHECK(options_case_selected(&o, "nvm_checksum"));
	CHECK(options_case_selected(&o, "legacy_cause_test"));
	CHECK(options_case_selected(&o, "link_loopback_up"));
	CHECK(options_case_selected(&o, "loopback_frames"));
	CHECK(options_case_selected(&o, "link_partner"));
	CHECK(!options_case_selected(&o, "flr_repeat"));
	/* One mode, the one an OS runs ethtool in, unless --iommu says otherwise. */
	CHECK_EQ(o.n_iommu, 1);
	CHECK_STREQ(o.iommu[0], "off");
	REQUIRE(ARGV("--profile=quick", "--iommu=all") == RC_OK);
	CHECK_EQ(o.n_iommu, 0);
	REQUIRE(ARGV("--profile=quick", "--iommu=strict") == RC_OK);
	CHECK_EQ(o.n_iommu, 1);
	CHECK_STREQ(o.iommu[0], "strict");
	REQUIRE(ARGV("--profile=full") == RC_OK);
	CHECK_EQ(o.profile, OPT_PROFILE_FULL);
	CHECK_EQ(o.n_iommu, 0);
	CHECK(options_case_selected(&o, "flr_repeat"));
}

/* --only and --exclude narrow the profile; they never widen it. */
TEST(options_profile_combines_with_only_and_exclude)
{
	REQUIRE(ARGV("--profile=quick", "--only=link_*,loopback_*,flr_*") == RC_OK);
	CHECK(options_case_selected(&o, "link_loopback_up"));
	CHECK(options_case_selected(&o, "loopback_frames"));
	CHECK(!options_case_selected(&o, "flr_repeat"));
	CHECK(!options_case_selected(&o, "register_pattern"));
	REQUIRE(ARGV("--exclude=nvm_checksum", "--profile=quick") == RC_OK);
	CHECK(!options_case_selected(&o, "nvm_checksum"));
	CHECK(options_case_selected(&o, "register_pattern"));
	CHECK(!options_case_selected(&o, "identify"));
	REQUIRE(CONFIG("profile = quick\nexclude = legacy_cause_test\n") == RC_OK);
	CHECK_EQ(o.profile, OPT_PROFILE_QUICK);
	CHECK(!options_case_selected(&o, "legacy_cause_test"));
	CHECK(options_case_selected(&o, "loopback_frames"));
	CHECK_STREQ(o.iommu[0], "off");
	check_error(ARGV("--profile=slow"), "--profile", "full or quick");
	check_error(ARGV("--profile=quick", "--profile=full"), "--profile", "given twice");
}

TEST(run_profile_quick)
{
	static struct kp_doc d;

	fake_82576_add(0, 3, 0, 0xfebc0000u);
	REQUIRE(cmdline("--profile=quick") == RC_OK);
	igbtest_run(&o, NULL);
	CHECK(fake_output_contains("options: 6 of "));
	CHECK(fake_output_contains(" cases, profile quick, iommu off"));
	CHECK_LINE("  1..1"); /* the device block: mode off only */
	CHECK_LINE("    1..6");
	for (unsigned q = 0; options_quick_cases[q]; q++) {
		char want[96];
		snprintf(want, sizeof(want), "0000-00-03.0.off.%s ", options_quick_cases[q]);
		harness_note("%s", want);
		CHECK(fake_output_contains(want));
	}
	harness_note("%s", "");
	CHECK(!fake_output_contains(".identify "));
	/* A selection that leaves none of the profile is refused, naming it. */
	fake_reset();
	CHECK_EQ(run("--profile=quick --only=flr_repeat"), IGBTEST_EXIT_USAGE);
	check_nothing_run(&d, "usage error", "# result: igbtest.run fail 2 status");
	CHECK(fake_output_contains("leave none of --profile=quick's cases"));
}
