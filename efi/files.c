/*
 * files.c - the boot volume: reading the config file, writing the results.
 *
 * The boot volume is the EFI_SIMPLE_FILE_SYSTEM_PROTOCOL on the device our
 * image was loaded from (the USB stick, the ESP). The results file is a
 * byte-for-byte copy of the KTAP stream: plat_write() hands every line to
 * efi_results_write(), which keeps it in memory; plat_write_sync() (after
 * every test) writes and flushes what is pending. The file on the disk
 * only grows at those points: written as lines came, a reset could leave
 * it longer than its data (seen on AAVMF: a tail of zero bytes), whereas
 * this way it ends after a test's result, and everything already reported
 * survives a hang or a power cut.
 * Side by side, a device's block waits in memory until the blocks before
 * it are printed; what it holds is kept in run-NNNN.heldK (K its place in
 * the batch, plat_write_held) at each of its results, and the file goes
 * once the block is in run-NNNN.ktap. After a hang or a power cut, the
 * .heldK files hold the finished cases of the devices that were waiting
 * (a cut while the block went into the .ktap leaves a held file whose
 * first lines, or all of it, are at the .ktap's end already: the .ktap
 * is written, in 16 KiB pieces, before the held file goes).
 * A held file the volume would not delete (Delete() closes it all the
 * same) holds only what the .ktap has: the slot's next output empties it
 * and goes there. Should it not open or empty either, that slot's output
 * is no longer kept on the disk (said once); the .ktap still gets it
 * when its turn comes.
 * If the volume cannot take the file, the console says so once and the
 * run goes on without it.
 */
#include <efi.h>

#include "efi_files.h"
#include "efi_lib.h"
#include "platform.h"
#include "report/fmt.h"
#include "report/ktap.h"

/* Names tried in the results directory before giving up. */
#define RESULTS_MAX_RUNS 9999
/* Output held between syncs; more than this is written early. */
#define RESULTS_PENDING_MAX 16384

static EFI_FILE_HANDLE root;        /* the boot volume, or NULL */
static EFI_FILE_HANDLE results;     /* the open results file, or NULL */
static EFI_FILE_HANDLE results_dir; /* its directory, for the summary */
static char results_base[16];       /* "run-0001" */
static bool results_failed;         /* a write failed: stop trying */
static char pending[RESULTS_PENDING_MAX]; /* written at the next sync */
static UINTN npending;
static EFI_FILE_HANDLE held[PLAT_HELD_SLOTS]; /* run-NNNN.heldK, or NULL */
static UINTN held_len[PLAT_HELD_SLOTS];       /* the bytes in it */
static bool held_left[PLAT_HELD_SLOTS]; /* closed, not deleted: its file is there */
static bool held_off[PLAT_HELD_SLOTS];  /* that failed to be reused: not kept */

const char *efi_status_str(EFI_STATUS s)
{
	switch (s) {
	case EFI_SUCCESS: return "success";
	case EFI_NOT_FOUND: return "not found";
	case EFI_WRITE_PROTECTED: return "write-protected";
	case EFI_VOLUME_FULL: return "volume full";
	case EFI_ACCESS_DENIED: return "access denied";
	case EFI_MEDIA_CHANGED: return "media changed";
	case EFI_NO_MEDIA: return "no media";
	case EFI_DEVICE_ERROR: return "device error";
	case EFI_VOLUME_CORRUPTED: return "volume corrupted";
	case EFI_OUT_OF_RESOURCES: return "out of resources";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_INVALID_PARAMETER: return "invalid parameter";
	default: return "error";
	}
}

/* ASCII path ('\' separated) to UCS-2. */
static void to_wide(CHAR16 *out, UINTN n, const char *s)
{
	UINTN i = 0;

	for (; s[i] && i + 1 < n; i++)
		out[i] = (CHAR16)(unsigned char)s[i];
	out[i] = 0;
}

EFI_STATUS efi_boot_volume_open(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs = NULL;
	EFI_STATUS s;

	s = BS->HandleProtocol(image, &efi_loaded_image_guid, (VOID **)&li);
	if (s != EFI_SUCCESS || !li || !li->DeviceHandle)
		return s != EFI_SUCCESS ? s : EFI_NOT_FOUND;
	if (BS->HandleProtocol(li->DeviceHandle, &efi_simple_file_system_guid,
			       (VOID **)&fs) != EFI_SUCCESS ||
	    fs->OpenVolume(fs, &root) != EFI_SUCCESS)
		root = NULL;
	return root ? EFI_SUCCESS : EFI_UNSUPPORTED;
}

/* The file's EFI_FILE_INFO in pool memory (the caller frees it), NULL if
 * it cannot be read. The name at its end makes its size unknown: a first
 * guess, then what the file system asks for. */
static EFI_FILE_INFO *file_info(EFI_FILE_HANDLE f)
{
	VOID *info = NULL;
	UINTN size = SIZE_OF_EFI_FILE_INFO + 200;
	EFI_STATUS s = EFI_SUCCESS;

	while (efi_grow(&s, &info, size))
		s = f->GetInfo(f, &efi_file_info_guid, &size, info);
	return info;
}

EFI_STATUS efi_file_read(const char *path, char *buf, UINTN max, UINTN *len,
			 enum efi_read_step *step)
{
	CHAR16 wpath[128];
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	EFI_STATUS s;
	UINTN n = max;

	*len = 0;
	*step = EFI_READ_OPEN;
	if (!root)
		return EFI_NOT_FOUND;
	to_wide(wpath, sizeof(wpath) / sizeof(wpath[0]), path);
	s = root->Open(root, &f, wpath, EFI_FILE_MODE_READ, 0);
	if (s != EFI_SUCCESS)
		return s;
	/* Read() on a folder returns its entries (binary EFI_FILE_INFO),
	 * which must not be parsed as options: ask what it is first. */
	*step = EFI_READ_INFO;
	info = file_info(f);
	if (!info) {
		f->Close(f);
		return EFI_DEVICE_ERROR;
	}
	if (info->Attribute & EFI_FILE_DIRECTORY) {
		*step = EFI_READ_FOLDER;
		s = EFI_INVALID_PARAMETER;
	}
	efi_free(info);
	if (s == EFI_SUCCESS) {
		*step = EFI_READ_DATA;
		s = f->Read(f, &n, buf);
	}
	if (s == EFI_SUCCESS && n == max) {
		/* One more byte would not fit: the file is larger than allowed. */
		UINTN extra = 1;
		char c;
		if (f->Read(f, &extra, &c) == EFI_SUCCESS && extra)
			s = EFI_BUFFER_TOO_SMALL;
	}
	f->Close(f);
	*len = s == EFI_SUCCESS ? n : 0;
	return s;
}

/* Open (creating if needed) each directory of path in turn. */
static EFI_STATUS open_dirs(const char *path, EFI_FILE_HANDLE *out)
{
	EFI_FILE_HANDLE at = root, next;
	CHAR16 name[OPT_PATH_MAX];
	const char *p = path;
	EFI_STATUS s = EFI_SUCCESS;

	while (*p) {
		UINTN n = 0;
		while (*p == '\\')
			p++;
		while (*p && *p != '\\' && n + 1 < sizeof(name) / sizeof(name[0]))
			name[n++] = (CHAR16)(unsigned char)*p++;
		name[n] = 0;
		if (!n)
			break;
		s = at->Open(at, &next, name,
			     EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
			     EFI_FILE_DIRECTORY);
		if (at != root)
			at->Close(at);
		if (s != EFI_SUCCESS)
			return s;
		at = next;
	}
	*out = at;
	return s;
}

static void file_name(CHAR16 *name, UINTN n, const char *base, const char *ext)
{
	char a[32];

	fmt_snprintf(a, sizeof(a), "%s.%s", base, ext);
	to_wide(name, n, a);
}

/* Whether name.ext is in dir. */
static bool file_exists(EFI_FILE_HANDLE dir, const char *base, const char *ext)
{
	CHAR16 name[32];
	EFI_FILE_HANDLE f;

	file_name(name, sizeof(name) / sizeof(name[0]), base, ext);
	if (dir->Open(dir, &f, name, EFI_FILE_MODE_READ, 0) != EFI_SUCCESS)
		return false;
	f->Close(f);
	return true;
}

/* Create name.ext in dir; EFI_ACCESS_DENIED if it already exists. */
static EFI_STATUS create_new(EFI_FILE_HANDLE dir, const char *base, const char *ext,
			     EFI_FILE_HANDLE *out)
{
	CHAR16 name[32];

	if (file_exists(dir, base, ext))
		return EFI_ACCESS_DENIED;
	file_name(name, sizeof(name) / sizeof(name[0]), base, ext);
	return dir->Open(dir, out, name,
			 EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, 0);
}

/* The name of held stream slot's file: "heldK". */
static void held_ext(char *ext, UINTN n, unsigned slot)
{
	fmt_snprintf(ext, n, "held%u", slot);
}

/*
 * Whether run base is taken by an earlier run: its .json, or a .heldK
 * that a hang left after its .ktap was copied off and deleted (reusing
 * the number, our first held write would find that file and give the
 * results file up; it is the earlier run's data, not ours to replace).
 * The .ktap itself is checked by creating it.
 */
static bool run_taken(const char *base)
{
	char ext[8];

	if (file_exists(results_dir, base, "json"))
		return true;
	for (unsigned k = 0; k < PLAT_HELD_SLOTS; k++) {
		held_ext(ext, sizeof(ext), k);
		if (file_exists(results_dir, base, ext))
			return true;
	}
	return false;
}

EFI_STATUS efi_results_open(const char *dir, char *desc, UINTN n)
{
	EFI_STATUS s;

	if (!dir[0]) {
		fmt_snprintf(desc, n, "results file: none (--results=none)");
		return EFI_SUCCESS;
	}
	if (!root) {
		fmt_snprintf(desc, n, "results file: not written: the boot volume has "
			     "no file system we can open");
		return EFI_NOT_FOUND;
	}
	s = open_dirs(dir, &results_dir);
	if (s != EFI_SUCCESS) {
		fmt_snprintf(desc, n, "results file: not written: cannot create %s on the "
			     "boot volume (%s)", dir, efi_status_str(s));
		return s;
	}
	/* The first run-NNNN not taken by an earlier run's files. */
	for (unsigned i = 1; i <= RESULTS_MAX_RUNS; i++) {
		fmt_snprintf(results_base, sizeof(results_base), "run-%04u", i);
		if (run_taken(results_base))
			continue;
		s = create_new(results_dir, results_base, "ktap", &results);
		if (s == EFI_ACCESS_DENIED)
			continue;
		if (s != EFI_SUCCESS)
			break;
		s = results->Flush(results); /* the empty file exists from now on */
		if (s != EFI_SUCCESS) {
			results->Delete(results);
			results = NULL;
			break;
		}
		fmt_snprintf(desc, n, "results file: %s\\run-%04u.ktap on the boot volume",
			     dir, i);
		return EFI_SUCCESS;
	}
	if (s == EFI_SUCCESS || s == EFI_ACCESS_DENIED)
		s = EFI_VOLUME_FULL;
	fmt_snprintf(desc, n, "results file: not written: cannot create a new file in "
		     "%s (%s)", dir, efi_status_str(s));
	results_dir->Close(results_dir);
	results_dir = NULL;
	return s;
}

/* Say once, on the console only (the file is given up first), and as a
 * KTAP diagnostic at the current depth, that the file stopped. */
static void results_lost(const char *what, EFI_STATUS s)
{
	results_failed = true;
	npending = 0;
	ktap_diag_at(KTAP_ALWAYS, "igbtest: results file: %s failed (%s); testing goes "
		     "on, the console has everything", what, efi_status_str(s));
}

void efi_results_write(const char *s, size_t len)
{
	if (!results || results_failed)
		return;
	while (len) {
		UINTN n = len < sizeof(pending) - npending ? len : sizeof(pending) - npending;

		for (UINTN i = 0; i < n; i++)
			pending[npending + i] = s[i];
		npending += n;
		s += n;
		len -= n;
		if (npending == sizeof(pending))
			plat_write_sync();
	}
}

void plat_write_sync(void)
{
	UINTN want = npending, n = npending;
	EFI_STATUS s;

	if (!results || results_failed)
		return;
	npending = 0;
	if (want) {
		s = results->Write(results, &n, pending);
		if (s == EFI_SUCCESS && n != want)
			s = EFI_VOLUME_FULL; /* a short write: the volume is full */
		if (s != EFI_SUCCESS) {
			results_lost("a write", s);
			return;
		}
	}
	s = results->Flush(results);
	if (s != EFI_SUCCESS)
		results_lost("flushing to the disk", s);
}

/* The slot's output is in the .ktap (synced): its file goes. Delete()
 * closes the handle even when it cannot delete (UEFI 2.10 13.5,
 * EFI_WARN_DELETE_FAILURE); the file then stays, to be reused. */
static void held_drop(unsigned slot)
{
	if (held[slot] && held[slot]->Delete(held[slot]) != EFI_SUCCESS)
		held_left[slot] = true;
	held[slot] = NULL;
	held_len[slot] = 0;
}

/* An open file cut to nothing: its EFI_FILE_INFO with FileSize 0 (a
 * SetInfo() that changes FileSize truncates, UEFI 2.10 13.5). */
static EFI_STATUS file_empty(EFI_FILE_HANDLE f)
{
	EFI_FILE_INFO *info = file_info(f);
	EFI_STATUS s;

	if (!info)
		return EFI_DEVICE_ERROR;
	info->FileSize = 0;
	s = f->SetInfo(f, &efi_file_info_guid, info->Size, info);
	efi_free(info);
	return s;
}

/* The slot's file for new output: created; or, when a Delete() left it,
 * opened and emptied (what it held is in the .ktap already). */
static EFI_STATUS held_open(unsigned slot)
{
	char ext[8];
	CHAR16 name[32];
	EFI_STATUS s;

	held_ext(ext, sizeof(ext), slot);
	if (!held_left[slot])
		return create_new(results_dir, results_base, ext, &held[slot]);
	file_name(name, sizeof(name) / sizeof(name[0]), results_base, ext);
	s = results_dir->Open(results_dir, &held[slot], name,
			      EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
	if (s == EFI_SUCCESS && (s = file_empty(held[slot])) != EFI_SUCCESS)
		held[slot]->Close(held[slot]);
	if (s == EFI_SUCCESS)
		held_left[slot] = false;
	return s;
}

void plat_write_held(unsigned slot, const char *s, size_t len)
{
	char ext[8];
	UINTN n;
	EFI_STATUS st = EFI_SUCCESS;

	if (!results || results_failed || slot >= PLAT_HELD_SLOTS || held_off[slot])
		return;
	if (len < held_len[slot]) /* it only grows while held: else anew */
		held_drop(slot);
	if (!len)
		return;
	if (!held[slot]) {
		bool left = held_left[slot];
		st = held_open(slot);
		if (st != EFI_SUCCESS)
			held[slot] = NULL;
		if (st != EFI_SUCCESS && left) {
			held_ext(ext, sizeof(ext), slot);
			held_off[slot] = true;
			ktap_diag_at(KTAP_ALWAYS, "igbtest: results file: %s.%s could not be "
				     "deleted nor emptied (%s): the output waiting there is no "
				     "longer kept on the disk; the .ktap gets it in its turn",
				     results_base, ext, efi_status_str(st));
			return;
		}
	}
	n = len - held_len[slot];
	if (st == EFI_SUCCESS)
		st = held[slot]->SetPosition(held[slot], held_len[slot]);
	if (st == EFI_SUCCESS)
		st = held[slot]->Write(held[slot], &n, (VOID *)(s + held_len[slot]));
	if (st == EFI_SUCCESS && n != len - held_len[slot])
		st = EFI_VOLUME_FULL; /* a short write: the volume is full */
	if (st == EFI_SUCCESS)
		st = held[slot]->Flush(held[slot]);
	if (st != EFI_SUCCESS) {
		results_lost("writing held output", st);
		return;
	}
	held_len[slot] = len;
}

void efi_results_close(const char *summary, size_t len)
{
	EFI_FILE_HANDLE f;

	/* Every held block is in the .ktap by the end of a run, unless
	 * writing it failed: then what was held stays. */
	for (unsigned i = 0; i < PLAT_HELD_SLOTS; i++) {
		if (held[i] && results_failed)
			held[i]->Close(held[i]);
		else
			held_drop(i);
		held[i] = NULL;
	}
	if (results) {
		plat_write_sync();
		results->Close(results);
		results = NULL;
	}
	if (results_dir && summary && !results_failed) {
		EFI_STATUS s = create_new(results_dir, results_base, "json", &f);
		if (s == EFI_SUCCESS) {
			UINTN n = len;
			s = f->Write(f, &n, (VOID *)summary);
			if (s == EFI_SUCCESS)
				s = f->Flush(f);
			f->Close(f);
		}
		if (s != EFI_SUCCESS)
			results_lost("writing the summary", s);
	}
	if (results_dir) {
		results_dir->Close(results_dir);
		results_dir = NULL;
	}
}

void efi_boot_volume_close(void)
{
	if (root) {
		root->Close(root);
		root = NULL;
	}
}
