/*
 * options.c - where igbtest's options come from on UEFI.
 *
 * In order: the UEFI shell's argv (EFI_SHELL_PARAMETERS_PROTOCOL on our
 * image), else the image's LoadOptions string (QEMU's -kernel ... -append,
 * a boot entry's optional data, a shell without that protocol), else the
 * config file on the boot volume. Only one source is used: arguments
 * replace the config file. The parsing itself is src/report/options.c.
 */
#include <efi.h>

#include "efi_files.h"
#include "efi_lib.h"
#include "efi_options.h"
#include "report/fmt.h"

/* A config file larger than this is not a config file. */
#define CONFIG_MAX_BYTES 16384

/* UCS-2 to ASCII; anything else is refused, naming where it was. */
static bool narrow(struct options *o, const CHAR16 *in, UINTN len, char *out, UINTN n,
		   const char *what)
{
	UINTN i = 0;

	for (; i < len && in[i]; i++) {
		if (in[i] > 0x7e || (in[i] < 0x20 && in[i] != L'\t')) {
			fmt_snprintf(o->error, sizeof(o->error), "%s: character U+%04X at "
				     "column %u is not printable ASCII", what, in[i],
				     (unsigned)i + 1);
			return false;
		}
		if (i + 1 >= n) {
			fmt_snprintf(o->error, sizeof(o->error), "%s: longer than %u characters",
				     what, (unsigned)n - 1);
			return false;
		}
		out[i] = (char)in[i];
	}
	out[i] = '\0';
	return true;
}

/* The shell's argv, without the program name. */
static void from_shell(struct options *o, EFI_SHELL_PARAMETERS_PROTOCOL *sp)
{
	static char buf[OPT_CMDLINE_MAX];
	const char *argv[OPT_MAX_ARGS];
	UINTN argc = sp->Argc ? sp->Argc - 1 : 0, at = 0;

	if (argc > OPT_MAX_ARGS) {
		fmt_snprintf(o->error, sizeof(o->error), "%u arguments, at most %u are read",
			     (unsigned)argc, OPT_MAX_ARGS);
		return;
	}
	for (UINTN i = 0; i < argc; i++) {
		char what[24];
		UINTN room = sizeof(buf) - at;
		fmt_snprintf(what, sizeof(what), "argument %u", (unsigned)i + 1);
		/* each argument up to OPT_LINE_MAX, all of them up to the buffer */
		if (room > OPT_LINE_MAX + 1)
			room = OPT_LINE_MAX + 1;
		if (!narrow(o, sp->Argv[i + 1], (UINTN)-1, buf + at, room, what))
			return;
		argv[i] = buf + at;
		at += __builtin_strlen(buf + at) + 1;
	}
	options_parse_argv(o, (int)argc, argv);
}

/* LoadOptions that are a UCS-2 string (a boot entry may carry binary data). */
static bool load_options_text(const EFI_LOADED_IMAGE *li, UINTN *chars)
{
	const CHAR16 *w = li->LoadOptions;
	UINTN n = li->LoadOptionsSize / sizeof(CHAR16), i = 0;

	if (!w || !n || (li->LoadOptionsSize & 1))
		return false;
	while (i < n && w[i])
		i++;
	for (UINTN j = i; j < n; j++)
		if (w[j])
			return false; /* something after the terminator: binary */
	*chars = i;
	return true;
}

/* True when tok (len chars) names an .efi file: the shell's argv[0]. */
static bool is_program_name(const char *tok, UINTN len)
{
	return len >= 4 && tok[len - 4] == '.' && (tok[len - 3] | 0x20) == 'e' &&
	       (tok[len - 2] | 0x20) == 'f' && (tok[len - 1] | 0x20) == 'i';
}

void efi_options_load(EFI_HANDLE image, struct options *o, bool *shell, char *desc,
		      UINTN n)
{
	static char line[OPT_CMDLINE_MAX];
	static char cfg[CONFIG_MAX_BYTES];
	EFI_SHELL_PARAMETERS_PROTOCOL *sp = NULL;
	EFI_LOADED_IMAGE *li = NULL;
	UINTN chars = 0, len;
	enum efi_read_step step;
	EFI_STATUS s;

	options_defaults(o);
	*shell = BS->HandleProtocol(image, &efi_shell_parameters_guid, (VOID **)&sp) ==
			 EFI_SUCCESS && sp;
	if (*shell && sp->Argc > 1) {
		fmt_snprintf(desc, n, "options: %u from the UEFI shell", (unsigned)sp->Argc - 1);
		from_shell(o, sp);
		return;
	}
	BS->HandleProtocol(image, &efi_loaded_image_guid, (VOID **)&li);
	if (!*shell && li && load_options_text(li, &chars) && chars) {
		if (!narrow(o, li->LoadOptions, chars, line, sizeof(line), "command line"))
			return;
		/* A shell without the parameters protocol passes argv[0] too. */
		const char *p = line;
		while (*p == ' ')
			p++;
		UINTN tok = 0;
		while (p[tok] && p[tok] != ' ')
			tok++;
		if (is_program_name(p, tok))
			p += tok;
		while (*p == ' ' || *p == '\t')
			p++;
		len = __builtin_strlen(p);
		if (len) {
			fmt_snprintf(desc, n, "options: from the command line (LoadOptions)");
			options_parse_cmdline(o, p, len);
			return;
		}
	} else if (!*shell && li && li->LoadOptionsSize) {
		fmt_snprintf(desc, n, "options: defaults (%u bytes of LoadOptions are not "
			     "text: ignored)", (unsigned)li->LoadOptionsSize);
		return;
	}
	s = efi_file_read(EFI_CONFIG_PATH, cfg, sizeof(cfg), &len, &step);
	if (s == EFI_NOT_FOUND && step == EFI_READ_OPEN) {
		fmt_snprintf(desc, n, "options: defaults (no arguments, no %s)",
			     EFI_CONFIG_PATH);
		return;
	}
	/* The file is there but cannot be used: nothing runs (exit 2), with
	 * what is wrong, rather than defaults the lab did not ask for. */
	switch (s == EFI_SUCCESS ? -1 : (int)step) {
	case -1:
		break;
	case EFI_READ_FOLDER:
		fmt_snprintf(o->error, sizeof(o->error), "%s is a folder, not a file: "
			     "the options must be a text file of that name", EFI_CONFIG_PATH);
		return;
	case EFI_READ_DATA:
		if (s == EFI_BUFFER_TOO_SMALL)
			fmt_snprintf(o->error, sizeof(o->error), "%s is larger than %u bytes",
				     EFI_CONFIG_PATH, CONFIG_MAX_BYTES);
		else
			fmt_snprintf(o->error, sizeof(o->error), "%s: reading it failed (%s): "
				     "the boot volume has a problem", EFI_CONFIG_PATH,
				     efi_status_str(s));
		return;
	default:
		fmt_snprintf(o->error, sizeof(o->error), "%s: cannot %s it (%s): the boot "
			     "volume has a problem", EFI_CONFIG_PATH,
			     step == EFI_READ_OPEN ? "open" : "get information about",
			     efi_status_str(s));
		return;
	}
	fmt_snprintf(desc, n, "options: from %s", EFI_CONFIG_PATH);
	options_parse_config(o, cfg, len, EFI_CONFIG_PATH);
}
