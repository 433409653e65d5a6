/*
 * options.h - igbtest's options, one syntax wherever they come from.
 *
 * The UEFI shell's argv, the LoadOptions string (QEMU's -append) and the
 * config file on the boot volume all end up here. A command line is
 * "--name=value", "--name value" or "--flag" tokens; a config file has one
 * option per line, "name = value" or "name" (a leading "--" is allowed, so
 * a command line pasted one option per line works), '#' comments.
 *
 * Nothing is guessed: an unknown name, a missing or malformed value, a
 * setting given twice, an overlong line, a NUL, a non-ASCII byte or an
 * unterminated quote stops the parse with a message naming the option (and
 * the line, for a file) and saying what was expected. The caller then runs
 * nothing and exits with IGBTEST_EXIT_USAGE.
 *
 * Portable: no allocation, no libc; builds for UEFI and for the host.
 */
#ifndef IGBTEST_OPTIONS_H
#define IGBTEST_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

#define OPT_MAX_PATTERNS 256  /* --only patterns, and --exclude patterns */
#define OPT_PATTERN_MAX 48    /* bytes per pattern, NUL included */
#define OPT_PATTERN_POOL 8192 /* bytes of all patterns together, NULs included */
#define OPT_MAX_DEVICES 256   /* --device BDFs */
#define OPT_MAX_MODES 8       /* --iommu mode names */
#define OPT_MODE_MAX 16       /* bytes per mode name, NUL included */
#define OPT_PATH_MAX 96       /* --results directory, NUL included */
#define OPT_ERROR_MAX 240     /* the usage message */
#define OPT_MAX_ARGS 64       /* tokens on one command line */
#define OPT_LINE_MAX 4095     /* characters in one config line or token */
#define OPT_CMDLINE_MAX 16384 /* characters of a whole command line */
#define OPT_IGNORED_MAX 96    /* names of ignored kernel-style tokens, NUL included */

/* What the run is asked to do. */
enum opt_action {
	OPT_RUN,     /* test (the default) */
	OPT_HELP,    /* --help: print the usage text */
	OPT_VERSION, /* --version */
	OPT_LIST,    /* --list: every case with its one-line description */
};

enum opt_verbosity {
	OPT_QUIET,   /* results, failure reasons, totals: no inventory or diagnostics */
	OPT_NORMAL,
	OPT_VERBOSE, /* also a line before each case starts */
};

/* What to do when the run is over. */
enum opt_end {
	OPT_END_AUTO,     /* back to the shell if started from it, else shut down */
	OPT_END_SHUTDOWN, /* power off (ends QEMU) */
	OPT_END_REBOOT,   /* warm reset */
	OPT_END_EXIT,     /* return to whoever started us (shell, boot manager) */
	OPT_END_WAIT,     /* wait for a key, then return */
};

/* A named set of cases (--profile). */
enum opt_profile {
	OPT_PROFILE_FULL,  /* every case (the default) */
	OPT_PROFILE_QUICK, /* what `ethtool -t` answers, in mode off unless --iommu */
};

/* Defaults of the numeric settings. */
#define OPT_DEFAULT_STORM_MIB 256u
#define OPT_MAX_STORM_MIB 65536u            /* 64 GiB: about 9 minutes at line rate */
#define OPT_MAX_REPEAT 1000000u
#define OPT_MAX_DURATION_S (7u * 24 * 3600) /* a week-long soak */
#define OPT_MAX_TIMEOUT_PCT 10000u          /* --timeout-scale 100 */
#define OPT_DEFAULT_RESULTS "\\igbtest\\results"

struct options {
	enum opt_action action;
	const char *only[OPT_MAX_PATTERNS]; /* globs (in pattern_pool); none: every case */
	unsigned n_only;
	const char *exclude[OPT_MAX_PATTERNS];
	unsigned n_exclude;
	enum opt_profile profile; /* narrows the cases before --only/--exclude */
	char pattern_pool[OPT_PATTERN_POOL]; /* the patterns' text, NUL-terminated */
	unsigned pool_used;
	struct pci_bdf devices[OPT_MAX_DEVICES]; /* none: every 82576 */
	bool device_has_seg[OPT_MAX_DEVICES];    /* "BB:DD.F" matches any segment */
	unsigned n_devices;
	char iommu[OPT_MAX_MODES][OPT_MODE_MAX]; /* DMA remapping modes; none: all */
	unsigned n_iommu;
	unsigned repeat;       /* rounds; 1 unless --repeat */
	uint32_t duration_s;   /* 0, or --duration: rounds until this much time */
	unsigned storm_mib;    /* memcpy_storm traffic */
	unsigned timeout_pct;  /* every wait's bound scaled by this/100 */
	bool unclaimed_dma;    /* fault cases DMA to an address with nothing
				* behind it even without strict remapping */
	bool serial;           /* --serial: devices one after another */
	enum opt_verbosity verbosity;
	enum opt_end end;
	char results[OPT_PATH_MAX]; /* directory on the boot volume; "" = none */
	unsigned given;        /* bit per setting already given (duplicates) */
	/* Kernel-style "key=value" tokens a loader adds (iPXE's "ip=dhcp
	 * console=... lava_mac=..."): ignored, their keys kept to be shown. */
	char ignored[OPT_IGNORED_MAX];
	unsigned n_ignored;
	char error[OPT_ERROR_MAX]; /* set when a parse fails */
};

/* Every setting at its default. */
void options_defaults(struct options *o);

/*
 * Parse argv-style tokens (no program name). Returns RC_OK or RC_EINVAL
 * with o->error saying what was wrong. Settings accumulate in o. A token
 * "key=value" whose key is not one of ours is a boot loader's kernel
 * argument: counted in o->n_ignored, its key added to o->ignored.
 */
int options_parse_argv(struct options *o, int argc, const char *const *argv);

/*
 * Split a command line (len bytes, need not be NUL-terminated) into tokens
 * on spaces and tabs; "double quotes" group, \" inside them is a quote.
 * Tokens are written NUL-separated into buf (size n); argv[] points into
 * it. Returns RC_OK, or RC_EINVAL with o->error set (unterminated quote,
 * NUL or non-ASCII byte, too many or too long tokens).
 */
int options_split(struct options *o, const char *line, size_t len, char *buf,
		  size_t n, const char **argv, int max, int *argc);

/* options_split + options_parse_argv: a whole LoadOptions string. */
int options_parse_cmdline(struct options *o, const char *line, size_t len);

/*
 * Parse a config file's bytes; name is how messages call it (its path).
 * Settings accumulate in o, so a duplicate of one given earlier is an error.
 */
int options_parse_config(struct options *o, const char *text, size_t len,
			 const char *name);

/* The usage text, line by line ('\n'-separated, no trailing newline). */
extern const char options_usage[];

/* Shell-style match: '*' any run of characters, '?' one character. */
bool options_glob(const char *pattern, const char *name);
/* The quick profile's cases, NULL-terminated. */
extern const char *const options_quick_cases[];
/* Whether case `name` is in profile p. */
bool options_profile_has(enum opt_profile p, const char *name);
/* Whether case `name` is selected by --profile, --only and --exclude. */
bool options_case_selected(const struct options *o, const char *name);
/* Whether the function at bdf is selected by --device. */
bool options_device_selected(const struct options *o, struct pci_bdf bdf);
/* Whether --iommu selects the mode with this name (igbtest checks the names). */
bool options_iommu_selected(const struct options *o, const char *mode);
/* Whether --device entry i names the function at bdf. */
bool options_device_matches(const struct options *o, unsigned i, struct pci_bdf bdf);

#endif
