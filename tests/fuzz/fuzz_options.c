/*
 * fuzz_options.c - libFuzzer target for igbtest's option parser.
 *
 * One input is tried three ways: as a config file, as a LoadOptions
 * command line, and split at NULs into an argv. The parser must never
 * read or write out of bounds (ASan), hit undefined behaviour (UBSan) or
 * hang (libFuzzer's -timeout); and it must keep its own promises: a
 * failed parse leaves a terminated, non-empty message, a good one leaves
 * every pattern and path terminated and the counts within their arrays.
 * `make fuzz` runs it for FUZZ_SECONDS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/options.h"

static void check(const struct options *o, int rc)
{
	if (rc && (!o->error[0] || !memchr(o->error, 0, sizeof(o->error))))
		abort(); /* a refusal must say why */
	if (!rc && o->error[0])
		abort();
	if (o->n_only > OPT_MAX_PATTERNS || o->n_exclude > OPT_MAX_PATTERNS ||
	    o->n_devices > OPT_MAX_DEVICES)
		abort();
	for (unsigned i = 0; i < o->n_only; i++)
		if (!memchr(o->only[i], 0, OPT_PATTERN_MAX))
			abort();
	for (unsigned i = 0; i < o->n_exclude; i++)
		if (!memchr(o->exclude[i], 0, OPT_PATTERN_MAX))
			abort();
	if (!memchr(o->results, 0, sizeof(o->results)))
		abort();
	if (!rc && (o->repeat < 1 || o->timeout_pct < 100 || o->storm_mib < 1))
		abort();
	/* Selection on a parsed result must not misbehave either. */
	for (unsigned i = 0; i < o->n_only; i++)
		(void)options_case_selected(o, o->only[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	static char copy[8192];
	const char *argv[OPT_MAX_ARGS + 8];
	int argc = 0;

	options_defaults(&o);
	check(&o, options_parse_config(&o, (const char *)data, size, "fuzz.cfg"));
	options_defaults(&o);
	check(&o, options_parse_cmdline(&o, (const char *)data, size));

	if (size >= sizeof(copy))
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && argc < (int)(sizeof(argv) / sizeof(argv[0]));) {
		argv[argc++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	options_defaults(&o);
	check(&o, options_parse_argv(&o, argc, argv));
	return 0;
}
