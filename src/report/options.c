/* options.c - igbtest's option parser (see options.h). */
#include "report/options.h"

#include "report/fmt.h"

/* ---- small string helpers (freestanding: no libc) ---------------------- */

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Copy at most n - 1 bytes and terminate; false if s did not fit. */
static bool str_copy(char *dst, size_t n, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < n; i++)
		dst[i] = s[i];
	dst[i] = '\0';
	return s[i] == '\0';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Printable ASCII or tab: everything else in input is refused. */
static bool is_text(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c < 0x7f);
}

/* ---- the table of options ---------------------------------------------- */

/* Settings that may be given once (bits of struct options.given). */
enum {
	GIVEN_ACTION = 1u << 0,
	GIVEN_REPEAT = 1u << 1,
	GIVEN_DURATION = 1u << 2,
	GIVEN_STORM = 1u << 3,
	GIVEN_TIMEOUT = 1u << 4,
	GIVEN_VERBOSITY = 1u << 5,
	GIVEN_RESULTS = 1u << 6,
	GIVEN_END = 1u << 7,
	GIVEN_DEVICE_ALL = 1u << 8,
	GIVEN_IOMMU = 1u << 9,
	GIVEN_PROFILE = 1u << 10,
	GIVEN_UNCLAIMED = 1u << 11,
	GIVEN_SERIAL = 1u << 12,
};

struct opt_def {
	const char *name;
	char short_name;   /* 0: none */
	bool takes_value;
	unsigned once;     /* GIVEN_* bit, 0 for a list option */
	const char *expect; /* what the value must be, for messages */
	int (*set)(struct options *o, const struct opt_def *d, const char *v);
};

/* The prefix of every message about the option being parsed. */
static struct {
	const char *file; /* NULL: the command line */
	unsigned line;
} where;

static int fail(struct options *o, const struct opt_def *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct options *o, const struct opt_def *d, const char *fmt, ...)
{
	char what[OPT_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (where.file)
		fmt_snprintf(o->error, sizeof(o->error), "%s line %u: %s%s%s", where.file,
			     where.line, d ? d->name : "", d ? ": " : "", what);
	else
		fmt_snprintf(o->error, sizeof(o->error), "%s%s%s%s", d ? "--" : "",
			     d ? d->name : "", d ? ": " : "", what);
	return RC_EINVAL;
}

static int bad_value(struct options *o, const struct opt_def *d, const char *v)
{
	return fail(o, d, "expected %s, got '%.60s'", d->expect, v);
}

/* Unsigned decimal in [min, max]; *end_out (if given) gets the rest. */
static bool parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		       const char **rest)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return false;
	}
	if (!rest && *p)
		return false;
	if (rest)
		*rest = p;
	*out = v;
	return v >= min;
}

static int set_action(struct options *o, const struct opt_def *d, const char *v)
{
	(void)v;
	o->action = d->name[0] == 'h' ? OPT_HELP : d->name[0] == 'v' ? OPT_VERSION :
								     OPT_LIST;
	return RC_OK;
}

/* Comma-separated patterns into one of the two pattern lists. */
static int set_patterns(struct options *o, const struct opt_def *d, const char *v)
{
	bool only = d->name[0] == 'o';
	const char **list = only ? o->only : o->exclude;
	unsigned *n = only ? &o->n_only : &o->n_exclude;
	const char *p = v;

	for (;;) {
		size_t len = 0, end;

		while (is_space(*p))
			p++;
		while (p[len] && p[len] != ',')
			len++;
		for (end = len; end && is_space(p[end - 1]); end--)
			;
		if (!end)
			return fail(o, d, "empty pattern in '%.60s' (expected %s)", v, d->expect);
		if (end >= OPT_PATTERN_MAX)
			return fail(o, d, "pattern longer than %u characters", OPT_PATTERN_MAX - 1);
		if (*n == OPT_MAX_PATTERNS || o->pool_used + end + 1 > sizeof(o->pattern_pool))
			return fail(o, d, "more than %u patterns or %u characters of them (the "
				    "limits)", OPT_MAX_PATTERNS, OPT_PATTERN_POOL - OPT_MAX_PATTERNS);
		char *pat = o->pattern_pool + o->pool_used;
		for (size_t i = 0; i < end; i++) {
			char c = p[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' ||
			      c == '?'))
				return fail(o, d, "'%c' in '%.60s': patterns are case names "
					    "with * and ?", c, v);
			pat[i] = c;
		}
		pat[end] = '\0';
		o->pool_used += (unsigned)end + 1;
		list[(*n)++] = pat;
		if (!p[len])
			return RC_OK;
		p += len + 1;
	}
}

/* Comma-separated DMA remapping mode names, or "all" (the default). */
static int set_iommu(struct options *o, const struct opt_def *d, const char *v)
{
	const char *p = v;

	if (str_eq(v, "all")) {
		o->n_iommu = 0;
		return RC_OK;
	}
	for (;;) {
		size_t len = 0;

		while (p[len] && p[len] != ',')
			len++;
		if (!len || len >= OPT_MODE_MAX)
			return bad_value(o, d, v);
		if (o->n_iommu == OPT_MAX_MODES)
			return fail(o, d, "more than %u modes", OPT_MAX_MODES);
		for (size_t i = 0; i < len; i++) {
			if (!(p[i] >= 'a' && p[i] <= 'z'))
				return bad_value(o, d, v);
			o->iommu[o->n_iommu][i] = p[i];
		}
		o->iommu[o->n_iommu++][len] = '\0';
		if (!p[len])
			return RC_OK;
		p += len + 1;
	}
}

static int hex_field(const char **p, unsigned max_digits, unsigned max, unsigned *out)
{
	unsigned v = 0, n = 0;

	for (; n < max_digits; n++, (*p)++) {
		char c = **p;
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d == 16)
			break;
		v = v * 16 + d;
	}
	if (!n || v > max)
		return RC_EINVAL;
	*out = v;
	return RC_OK;
}

/* "SSSS:BB:DD.F" or "BB:DD.F" (hex). */
static int parse_bdf(const char *s, struct pci_bdf *b, bool *has_seg)
{
	unsigned f[4], n = 0;
	const char *p = s;

	for (;;) {
		if (n == 4 || hex_field(&p, 4, 0xffff, &f[n]))
			return RC_EINVAL;
		n++;
		if (*p == ':' && n < 3) {
			p++;
			continue;
		}
		if (*p == '.' && n >= 2) {
			p++;
			if (hex_field(&p, 1, 7, &f[n]) || *p)
				return RC_EINVAL;
			n++;
			break;
		}
		return RC_EINVAL;
	}
	unsigned at = n == 4; /* where bus, device and function start in f[] */
	if (f[at] > 0xff || f[at + 1] > 0x1f)
		return RC_EINVAL;
	*has_seg = n == 4;
	*b = (struct pci_bdf){ (uint16_t)(*has_seg ? f[0] : 0), (uint8_t)f[at],
			       (uint8_t)f[at + 1], (uint8_t)f[at + 2] };
	return RC_OK;
}

static int set_device(struct options *o, const struct opt_def *d, const char *v)
{
	char one[32];
	const char *p = v;

	if (str_eq(v, "all")) {
		if (o->given & GIVEN_DEVICE_ALL)
			return fail(o, d, "'all' given twice");
		o->given |= GIVEN_DEVICE_ALL;
	} else {
		for (;;) {
			size_t len = 0;

			while (p[len] && p[len] != ',')
				len++;
			if (!len || len >= sizeof(one))
				return bad_value(o, d, v);
			for (size_t i = 0; i < len; i++)
				one[i] = p[i];
			one[len] = '\0';
			if (o->n_devices == OPT_MAX_DEVICES)
				return fail(o, d, "more than %u devices (the limit)",
					    OPT_MAX_DEVICES);
			if (parse_bdf(one, &o->devices[o->n_devices],
				      &o->device_has_seg[o->n_devices]))
				return fail(o, d, "expected %s, got '%.40s'", d->expect, one);
			o->n_devices++;
			if (!p[len])
				break;
			p += len + 1;
		}
	}
	if ((o->given & GIVEN_DEVICE_ALL) && o->n_devices)
		return fail(o, d, "'all' and a list of devices both given");
	return RC_OK;
}

static int set_repeat(struct options *o, const struct opt_def *d, const char *v)
{
	uint64_t n;

	if (!parse_uint(v, 1, OPT_MAX_REPEAT, &n, NULL))
		return bad_value(o, d, v);
	o->repeat = (unsigned)n;
	return RC_OK;
}

static int set_duration(struct options *o, const struct opt_def *d, const char *v)
{
	uint64_t n, unit = 1;
	const char *rest;

	if (!parse_uint(v, 1, OPT_MAX_DURATION_S, &n, &rest))
		return bad_value(o, d, v);
	if (str_eq(rest, "m"))
		unit = 60;
	else if (str_eq(rest, "h"))
		unit = 3600;
	else if (str_eq(rest, "d"))
		unit = 86400;
	else if (*rest && !str_eq(rest, "s"))
		return bad_value(o, d, v);
	if (n * unit > OPT_MAX_DURATION_S)
		return fail(o, d, "'%.40s' is longer than the limit of %u days", v,
			    OPT_MAX_DURATION_S / 86400);
	o->duration_s = (uint32_t)(n * unit);
	return RC_OK;
}

static int set_storm(struct options *o, const struct opt_def *d, const char *v)
{
	uint64_t n;

	if (!parse_uint(v, 1, OPT_MAX_STORM_MIB, &n, NULL))
		return bad_value(o, d, v);
	o->storm_mib = (unsigned)n;
	return RC_OK;
}

/* "N", "N.D" or "N.DD" from 1 to 100, kept as a percentage. */
static int set_timeout(struct options *o, const struct opt_def *d, const char *v)
{
	uint64_t whole, frac = 0;
	const char *rest;

	if (!parse_uint(v, 0, OPT_MAX_TIMEOUT_PCT / 100, &whole, &rest))
		return bad_value(o, d, v);
	if (*rest == '.') {
		const char *f = rest + 1;
		size_t digits = 0;

		while (f[digits] >= '0' && f[digits] <= '9')
			digits++;
		if (!digits || digits > 2 || f[digits])
			return bad_value(o, d, v);
		frac = (uint64_t)(f[0] - '0') * 10 + (digits == 2 ? (uint64_t)(f[1] - '0') : 0);
	} else if (*rest) {
		return bad_value(o, d, v);
	}
	uint64_t pct = whole * 100 + frac;
	if (pct < 100 || pct > OPT_MAX_TIMEOUT_PCT)
		return bad_value(o, d, v);
	o->timeout_pct = (unsigned)pct;
	return RC_OK;
}

static const char *const verbosity_names[] = { "quiet", "normal", "verbose" };
static const char *const end_names[] = { "auto", "shutdown", "reboot", "exit", "wait" };

static int set_verbosity(struct options *o, const struct opt_def *d, const char *v)
{
	if (d->short_name) { /* --quiet / --verbose */
		o->verbosity = d->name[0] == 'q' ? OPT_QUIET : OPT_VERBOSE;
		return RC_OK;
	}
	for (unsigned i = 0; i < 3; i++) {
		if (str_eq(v, verbosity_names[i])) {
			o->verbosity = (enum opt_verbosity)i;
			return RC_OK;
		}
	}
	return bad_value(o, d, v);
}

/* An option that only switches something on. */
static int set_flag(struct options *o, const struct opt_def *d, const char *v)
{
	(void)v;
	*(d->once == GIVEN_SERIAL ? &o->serial : &o->unclaimed_dma) = true;
	return RC_OK;
}

static int set_end(struct options *o, const struct opt_def *d, const char *v)
{
	for (unsigned i = 0; i < sizeof(end_names) / sizeof(end_names[0]); i++) {
		if (str_eq(v, end_names[i])) {
			o->end = (enum opt_end)i;
			return RC_OK;
		}
	}
	return bad_value(o, d, v);
}

/* Characters FAT refuses in a name, besides control characters. */
static bool fat_bad(char c)
{
	return c == '"' || c == '*' || c == ':' || c == '<' || c == '>' || c == '?' ||
	       c == '|';
}

static int set_results(struct options *o, const struct opt_def *d, const char *v)
{
	size_t n = 0;

	if (str_eq(v, "none")) {
		o->results[0] = '\0';
		return RC_OK;
	}
	if (!*v)
		return bad_value(o, d, v);
	if (v[0] != '\\' && v[0] != '/')
		o->results[n++] = '\\';
	for (const char *p = v; *p; p++) {
		char c = *p == '/' ? '\\' : *p;
		if (fat_bad(c))
			return fail(o, d, "'%c' cannot be in a FAT path ('%.60s')", c, v);
		if (n + 1 >= sizeof(o->results))
			return fail(o, d, "path longer than %u characters", OPT_PATH_MAX - 2);
		if (c == '\\' && n && o->results[n - 1] == '\\')
			continue; /* collapse "\\" */
		o->results[n++] = c;
	}
	while (n > 1 && o->results[n - 1] == '\\')
		n--;
	o->results[n] = '\0';
	if (n == 1)
		return fail(o, d, "expected %s, not the volume's root", d->expect);
	return RC_OK;
}

/*
 * What `ethtool -t <if> offline` answers for igb: registers, NVM (eeprom),
 * interrupts, loopback (link_loopback_up, loopback_frames) and link
 * (link_partner, Linux igb_link_test: autonegotiation with the partner on
 * the cable, which also waits up to 5 s). The rest are each a fraction of
 * a second; nothing slower belongs here.
 */
const char *const options_quick_cases[] = {
	"register_pattern", "nvm_checksum", "link_loopback_up", "loopback_frames",
	"legacy_cause_test", "link_partner", NULL,
};

static int set_profile(struct options *o, const struct opt_def *d, const char *v)
{
	if (str_eq(v, "full"))
		o->profile = OPT_PROFILE_FULL;
	else if (str_eq(v, "quick"))
		o->profile = OPT_PROFILE_QUICK;
	else
		return bad_value(o, d, v);
	return RC_OK;
}

static const struct opt_def defs[] = {
	{ "help", 'h', false, GIVEN_ACTION, NULL, set_action },
	{ "version", 0, false, GIVEN_ACTION, NULL, set_action },
	{ "list", 0, false, GIVEN_ACTION, NULL, set_action },
	{ "profile", 0, true, GIVEN_PROFILE, "full or quick", set_profile },
	{ "only", 0, true, 0, "case names or patterns, comma-separated", set_patterns },
	{ "exclude", 0, true, 0, "case names or patterns, comma-separated", set_patterns },
	{ "device", 0, true, 0, "'all' or PCI addresses SSSS:BB:DD.F or BB:DD.F, "
	  "comma-separated", set_device },
	{ "iommu", 0, true, GIVEN_IOMMU, "'all' or DMA remapping modes (off, passthrough, "
	  "strict), comma-separated", set_iommu },
	{ "repeat", 0, true, GIVEN_REPEAT, "a count of rounds from 1 to 1000000", set_repeat },
	{ "duration", 0, true, GIVEN_DURATION, "a time such as 90s, 30m, 12h or 2d "
	  "(at most 7d)", set_duration },
	{ "storm-mib", 0, true, GIVEN_STORM, "MiB of memcpy_storm traffic, 1 to 65536",
	  set_storm },
	{ "timeout-scale", 0, true, GIVEN_TIMEOUT, "a factor from 1 to 100 (e.g. 2.5)",
	  set_timeout },
	{ "verbosity", 0, true, GIVEN_VERBOSITY, "quiet, normal or verbose", set_verbosity },
	{ "quiet", 'q', false, GIVEN_VERBOSITY, NULL, set_verbosity },
	{ "verbose", 'v', false, GIVEN_VERBOSITY, NULL, set_verbosity },
	{ "results", 0, true, GIVEN_RESULTS, "a directory on the boot volume "
	  "(e.g. \\igbtest\\results) or none", set_results },
	{ "end", 0, true, GIVEN_END, "auto, shutdown, reboot, exit or wait", set_end },
	{ "unclaimed-dma", 0, false, GIVEN_UNCLAIMED, NULL, set_flag },
	{ "serial", 0, false, GIVEN_SERIAL, NULL, set_flag },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

#define STR(x) #x
#define XSTR(x) STR(x) /* a limit's value in the usage text */

const char options_usage[] =
	"usage: igbtest.efi [OPTION]...\n"
	"Tests every Intel 82576 found on the PCI buses; KTAP on console and serial.\n"
	"Options (the same in the config file \\EFI\\igbtest\\igbtest.cfg, one\n"
	"per line as 'name = value', read when no arguments are given):\n"
	"  -h, --help             this text, then exit\n"
	"      --version          the version and build, then exit\n"
	"      --list             every test case with its description, then exit\n"
	"      --profile=NAME     full (default): every case; quick: what\n"
	"                         'ethtool -t' answers (register_pattern,\n"
	"                         nvm_checksum, link_loopback_up,\n"
	"                         loopback_frames, legacy_cause_test,\n"
	"                         link_partner), in iommu\n"
	"                         mode off unless --iommu is given; --only and\n"
	"                         --exclude then narrow it\n"
	"      --only=PATTERNS    run only cases matching (comma list; * and ?)\n"
	"      --exclude=PATTERNS skip cases matching (after --only)\n"
	"                         (each list: up to " XSTR(OPT_MAX_PATTERNS) " patterns; give the\n"
	"                         option again to add more; a line or argument:\n"
	"                         up to " XSTR(OPT_LINE_MAX) " characters)\n"
	"      --device=BDFS      test only these 82576s (SSSS:BB:DD.F or BB:DD.F,\n"
	"                         comma list; 'all', the default: every one)\n"
	"      --iommu=MODES      DMA remapping modes to run the cases under:\n"
	"                         off, passthrough, strict (comma list; default all)\n"
	"      --repeat=N         soak: N rounds, each every case on every device in\n"
	"                         every mode\n"
	"      --duration=TIME    soak: rounds until TIME after the start (90s, 30m,\n"
	"                         12h, 2d); the round running then finishes\n"
	"      --storm-mib=N      memcpy_storm moves N MiB (default 256)\n"
	"      --timeout-scale=X  stretch every hardware wait by X, 1..100 (slow hosts)\n"
	"      --serial           one device after another; by default up to 4 are\n"
	"                         tested side by side, their waits overlapped (the\n"
	"                         output is the same either way)\n"
	"      --unclaimed-dma    under iommu off and passthrough, let the DMA fault\n"
	"                         cases send the NIC to an address with nothing\n"
	"                         behind it. RISK: the root complex answers that\n"
	"                         with Unsupported Request; on servers with\n"
	"                         firmware-first AER that can be an NMI or a reset\n"
	"                         of this host. Without it they skip there (strict\n"
	"                         VT-d needs no such address and always runs them)\n"
	"  -q, --quiet            results and failures only (no inventory, no notes)\n"
	"  -v, --verbose          also a line as each case starts\n"
	"      --verbosity=LEVEL  quiet, normal (default) or verbose\n"
	"      --results=DIR      results directory on the boot volume (default\n"
	"                         \\igbtest\\results), or none\n"
	"      --end=ACTION       when done: auto (default: back to the shell if\n"
	"                         started from it, else shutdown), shutdown, reboot,\n"
	"                         exit, wait (for a key, then exit)\n"
	"Exit status: 0 all passed, 1 a test failed, 2 usage error, 3 could not\n"
	"run, 4 nothing to test, 5 a device was removed (no NIC failed).";

static const struct opt_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NDEFS; i++) {
		const char *n = defs[i].name;
		size_t j = 0;

		while (j < len && n[j] && n[j] == name[j])
			j++;
		if (j == len && !n[j])
			return &defs[i];
	}
	return NULL;
}

static const struct opt_def *find_short(char c)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].short_name == c)
			return &defs[i];
	return NULL;
}

/* Apply one setting, refusing a second of anything that is set once. */
static int apply(struct options *o, const struct opt_def *d, const char *v)
{
	if (d->once && (o->given & d->once)) {
		const char *kind = d->once == GIVEN_ACTION ? "--help, --version and --list" :
				   d->once == GIVEN_VERBOSITY ? "--quiet, --verbose and --verbosity" :
								"it";
		return fail(o, d, "given twice (%s may be given once)", kind);
	}
	o->given |= d->once;
	return d->set(o, d, v ? v : "");
}

/* Settings that conflict with each other, checked after every source. */
static int cross_check(struct options *o)
{
	where.file = NULL;
	if ((o->given & GIVEN_REPEAT) && (o->given & GIVEN_DURATION))
		return fail(o, NULL, "--repeat and --duration both given: a soak runs a "
			    "number of rounds or for a time, not both");
	/* Quick answers for the one mode an OS would use: no remapping. */
	if (o->profile == OPT_PROFILE_QUICK && !(o->given & GIVEN_IOMMU)) {
		str_copy(o->iommu[0], sizeof(o->iommu[0]), "off");
		o->n_iommu = 1;
	}
	return RC_OK;
}

void options_defaults(struct options *o)
{
	*o = (struct options){
		.action = OPT_RUN,
		.repeat = 1,
		.storm_mib = OPT_DEFAULT_STORM_MIB,
		.timeout_pct = 100,
		.verbosity = OPT_NORMAL,
		.end = OPT_END_AUTO,
	};
	str_copy(o->results, sizeof(o->results), OPT_DEFAULT_RESULTS);
}

/* The length of the key when a is "key=value" (a kernel-style argument:
 * key of letters, digits, '_', '-', '.'), else 0. */
static size_t kernel_arg_key(const char *a)
{
	size_t k = 0;

	while ((a[k] >= 'a' && a[k] <= 'z') || (a[k] >= 'A' && a[k] <= 'Z') ||
	       (a[k] >= '0' && a[k] <= '9') || (k && (a[k] == '_' || a[k] == '-' ||
						     a[k] == '.')))
		k++;
	return a[k] == '=' ? k : 0;
}

/* A loader's kernel argument: ignored and remembered, unless its key is
 * one of our option names (then it is a mistyped option). */
static int kernel_arg(struct options *o, const char *a, size_t key)
{
	size_t at = str_len(o->ignored);

	if (find_long(a, key))
		return fail(o, NULL, "'%.60s': options start with -- (--%.*s)", a,
			    (int)key, a);
	o->n_ignored++;
	/* Room is kept for " ..." to end a list that does not fit. */
	if (at + 1 + key + 4 < sizeof(o->ignored))
		fmt_snprintf(o->ignored + at, sizeof(o->ignored) - at, "%s%.*s",
			     at ? " " : "", (int)key, a);
	else if (at < 3 || o->ignored[at - 1] != '.')
		fmt_snprintf(o->ignored + at, sizeof(o->ignored) - at, " ...");
	return RC_OK;
}

static int parse_tokens(struct options *o, int argc, const char *const *argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_def *d = NULL;
		const char *v = NULL;
		char name[40];

		if (a[0] == '-' && a[1] == '-' && a[2]) {
			size_t len = 0;
			while (a[2 + len] && a[2 + len] != '=')
				len++;
			d = find_long(a + 2, len);
			if (!d) {
				str_copy(name, sizeof(name), a);
				for (size_t j = 0; name[j]; j++)
					if (name[j] == '=')
						name[j] = '\0';
				return fail(o, NULL, "unknown option '%s' (--help lists them)",
					    name);
			}
			if (a[2 + len] == '=')
				v = a + 3 + len;
		} else if (a[0] == '-' && a[1] && !a[2]) {
			d = find_short(a[1]);
			if (!d)
				return fail(o, NULL, "unknown option '%s' (--help lists them)", a);
		} else if (kernel_arg_key(a)) {
			if (kernel_arg(o, a, kernel_arg_key(a)))
				return RC_EINVAL;
			continue;
		} else {
			return fail(o, NULL, "unexpected argument '%.60s': options start "
				    "with -- (--help lists them)", a);
		}
		if (d->takes_value && !v) {
			if (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1] == '-'))
				return fail(o, d, "needs a value: %s", d->expect);
			v = argv[++i];
		} else if (!d->takes_value && v) {
			return fail(o, d, "takes no value (got '=%.40s')", v);
		}
		if (apply(o, d, v))
			return RC_EINVAL;
	}
	return RC_OK;
}

int options_parse_argv(struct options *o, int argc, const char *const *argv)
{
	where.file = NULL;
	if (argc > OPT_MAX_ARGS)
		return fail(o, NULL, "%d arguments, at most %d are read", argc, OPT_MAX_ARGS);
	for (int i = 0; i < argc; i++) {
		size_t len = str_len(argv[i]);
		if (len > OPT_LINE_MAX)
			return fail(o, NULL, "argument %d is longer than %u characters", i + 1,
				    OPT_LINE_MAX);
		for (size_t j = 0; j < len; j++)
			if (!is_text((unsigned char)argv[i][j]))
				return fail(o, NULL, "argument %d: byte 0x%02x at %zu is not "
					    "printable ASCII", i + 1,
					    (unsigned char)argv[i][j], j + 1);
	}
	if (parse_tokens(o, argc, argv))
		return RC_EINVAL;
	return cross_check(o);
}

int options_split(struct options *o, const char *line, size_t len, char *buf,
		  size_t n, const char **argv, int max, int *argc)
{
	size_t out = 0, i = 0;

	*argc = 0;
	while (i < len) {
		while (i < len && is_space(line[i]))
			i++;
		if (i == len)
			break;
		if (*argc == max)
			return fail(o, NULL, "more than %d arguments", max);
		size_t start = out;
		bool quoted = false;
		size_t quote_at = 0;
		for (; i < len && (quoted || !is_space(line[i])); i++) {
			char c = line[i];
			if (!is_text((unsigned char)c))
				return fail(o, NULL, "byte 0x%02x at column %zu of the command "
					    "line is not printable ASCII", (unsigned char)c, i + 1);
			if (c == '"') {
				quoted = !quoted;
				quote_at = i + 1;
				continue;
			}
			if (quoted && c == '\\' && i + 1 < len && line[i + 1] == '"')
				c = line[++i];
			if (out + 2 > n || out - start >= OPT_LINE_MAX)
				return fail(o, NULL, "argument %d is longer than %u characters",
					    *argc + 1, OPT_LINE_MAX);
			buf[out++] = c;
		}
		if (quoted)
			return fail(o, NULL, "unterminated quote at column %zu of the command "
				    "line", quote_at);
		if (out + 1 > n)
			return fail(o, NULL, "command line longer than %u characters",
				    OPT_CMDLINE_MAX - OPT_MAX_ARGS);
		buf[out++] = '\0';
		argv[(*argc)++] = buf + start;
	}
	return RC_OK;
}

int options_parse_cmdline(struct options *o, const char *line, size_t len)
{
	static char buf[OPT_CMDLINE_MAX];
	const char *argv[OPT_MAX_ARGS];
	int argc;

	where.file = NULL;
	if (options_split(o, line, len, buf, sizeof(buf), argv, OPT_MAX_ARGS, &argc))
		return RC_EINVAL;
	return options_parse_argv(o, argc, argv);
}

/* One config line (NUL-terminated, checked printable): "name [=] value". */
static int config_line(struct options *o, char *s)
{
	char *name, *value = NULL, *p = s;
	const struct opt_def *d;

	while (is_space(*p))
		p++;
	if (!*p || *p == '#')
		return RC_OK;
	if (p[0] == '-' && p[1] == '-')
		p += 2;
	name = p;
	while (*p && !is_space(*p) && *p != '=' && *p != '#')
		p++;
	size_t name_len = (size_t)(p - name);
	while (is_space(*p))
		p++;
	if (*p == '=') {
		p++;
		while (is_space(*p))
			p++;
	}
	if (*p == '"') { /* quoted: up to the closing quote */
		value = ++p;
		while (*p && *p != '"')
			p++;
		if (!*p)
			return fail(o, NULL, "unterminated quote");
		*p++ = '\0';
		while (is_space(*p))
			p++;
		if (*p && *p != '#')
			return fail(o, NULL, "unexpected '%.40s' after the quoted value", p);
	} else if (*p && *p != '#') {
		value = p;
		while (*p && !(*p == '#' && is_space(p[-1])))
			p++;
		while (p > value && is_space(p[-1]))
			p--;
		*p = '\0';
	}
	if (!name_len)
		return fail(o, NULL, "expected 'name = value', got '%.60s'", s);
	d = find_long(name, name_len);
	if (!d) {
		name[name_len] = '\0';
		return fail(o, NULL, "unknown option '%.40s' (--help lists them)", name);
	}
	if (d->takes_value && !value)
		return fail(o, d, "needs a value: %s", d->expect);
	if (!d->takes_value && value)
		return fail(o, d, "takes no value (got '%.40s')", value);
	return apply(o, d, value);
}

int options_parse_config(struct options *o, const char *text, size_t len,
			 const char *name)
{
	static char line[OPT_LINE_MAX + 1];
	size_t i = 0;

	where.file = name;
	where.line = 0;
	/* A UTF-8 byte order mark, as some editors write, is not content. */
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
	    (unsigned char)text[2] == 0xbf)
		i = 3;
	while (i < len) {
		size_t n = 0;

		where.line++;
		for (; i < len && text[i] != '\n'; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c == '\r' && (i + 1 == len || text[i + 1] == '\n'))
				continue;
			if (!c)
				return fail(o, NULL, "a NUL byte at column %zu (is this a text "
					    "file?)", n + 1);
			if (!is_text(c))
				return fail(o, NULL, "byte 0x%02x at column %zu is not "
					    "printable ASCII", c, n + 1);
			if (n == OPT_LINE_MAX)
				return fail(o, NULL, "longer than %u characters", OPT_LINE_MAX);
			line[n++] = (char)c;
		}
		i++; /* the '\n' */
		line[n] = '\0';
		if (config_line(o, line))
			return RC_EINVAL;
	}
	return cross_check(o);
}

/* ---- selection ----------------------------------------------------------- */

bool options_glob(const char *pat, const char *name)
{
	const char *star = NULL, *resume = NULL;

	/* Greedy with one backtrack point: linear in practice, never exponential. */
	while (*name) {
		if (*pat == '*') {
			star = pat++;
			resume = name;
		} else if (*pat == '?' || *pat == *name) {
			pat++;
			name++;
		} else if (star) {
			pat = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

bool options_profile_has(enum opt_profile p, const char *name)
{
	if (p != OPT_PROFILE_QUICK)
		return true;
	for (unsigned i = 0; options_quick_cases[i]; i++)
		if (str_eq(options_quick_cases[i], name))
			return true;
	return false;
}

bool options_case_selected(const struct options *o, const char *name)
{
	bool in = !o->n_only;

	if (!options_profile_has(o->profile, name))
		return false;

	for (unsigned i = 0; i < o->n_only && !in; i++)
		in = options_glob(o->only[i], name);
	for (unsigned i = 0; i < o->n_exclude && in; i++)
		in = !options_glob(o->exclude[i], name);
	return in;
}

bool options_iommu_selected(const struct options *o, const char *mode)
{
	for (unsigned i = 0; i < o->n_iommu; i++)
		if (str_eq(o->iommu[i], mode))
			return true;
	return !o->n_iommu;
}

bool options_device_matches(const struct options *o, unsigned i, struct pci_bdf b)
{
	const struct pci_bdf *d = &o->devices[i];

	return i < o->n_devices && (!o->device_has_seg[i] || d->seg == b.seg) &&
	       d->bus == b.bus && d->dev == b.dev && d->fn == b.fn;
}

bool options_device_selected(const struct options *o, struct pci_bdf b)
{
	if (!o->n_devices)
		return true;
	for (unsigned i = 0; i < o->n_devices; i++)
		if (options_device_matches(o, i, b))
			return true;
	return false;
}
