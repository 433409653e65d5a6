/*
 * test_files.c - efi/files.c, the results file and the held files, on the
 * host against a fake boot volume: the UEFI file protocol over files in
 * memory (one results folder), where a Delete() or a SetInfo() can be
 * made to fail as a real volume's may. Its own binary: efi/ takes
 * gnu-efi's headers, and the unit tests' fake platform has its own
 * plat_write_held().
 */
#include <efi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efi_files.h"
#include "efi_lib.h"
#include "harness.h"
#include "platform.h"
#include "report/ktap.h"

/* ---- the fake volume --------------------------------------------------- */

#define VOL_FILES 16
#define VOL_BYTES 4096

static struct vfile {
	bool used;
	char name[32];
	char data[VOL_BYTES];
	size_t len;
} vol[VOL_FILES];
static bool delete_fails, setinfo_fails; /* the volume refuses these */
static unsigned deletes_refused;

struct vhandle {
	EFI_FILE_PROTOCOL p; /* first: the handle is its address */
	struct vfile *f;     /* NULL: a folder */
	UINT64 pos;
};

static struct vfile *vol_find(const char *name)
{
	for (unsigned i = 0; i < VOL_FILES; i++)
		if (vol[i].used && !strcmp(vol[i].name, name))
			return &vol[i];
	return NULL;
}

static const char *vol_text(const char *name)
{
	static char text[VOL_BYTES + 1];
	struct vfile *f = vol_find(name);

	if (!f)
		return NULL;
	memcpy(text, f->data, f->len);
	text[f->len] = '\0';
	return text;
}

static EFI_FILE_PROTOCOL *vhandle_new(struct vfile *f);

static EFI_STATUS EFIAPI v_open(EFI_FILE_PROTOCOL *self, EFI_FILE_PROTOCOL **out,
				CHAR16 *wname, UINT64 mode, UINT64 attr)
{
	char name[32];
	unsigned i = 0;
	struct vfile *f;

	(void)self;
	for (; wname[i] && i + 1 < sizeof(name); i++)
		name[i] = (char)wname[i];
	name[i] = '\0';
	if (attr & EFI_FILE_DIRECTORY) { /* the folders: one level, always there */
		*out = vhandle_new(NULL);
		return EFI_SUCCESS;
	}
	f = vol_find(name);
	if (!f && !(mode & EFI_FILE_MODE_CREATE))
		return EFI_NOT_FOUND;
	for (i = 0; !f && i < VOL_FILES; i++)
		if (!vol[i].used) {
			f = &vol[i];
			*f = (struct vfile){ .used = true };
			snprintf(f->name, sizeof(f->name), "%s", name);
		}
	REQUIRE(f);
	*out = vhandle_new(f);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI v_close(EFI_FILE_PROTOCOL *self)
{
	free(self);
	return EFI_SUCCESS;
}

/* UEFI 2.10 13.5: the handle is closed either way. */
static EFI_STATUS EFIAPI v_delete(EFI_FILE_PROTOCOL *self)
{
	struct vhandle *h = (struct vhandle *)self;

	if (delete_fails) {
		deletes_refused++;
		free(h);
		return EFI_WARN_DELETE_FAILURE;
	}
	h->f->used = false;
	free(h);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI v_read(EFI_FILE_PROTOCOL *self, UINTN *n, VOID *buf)
{
	struct vhandle *h = (struct vhandle *)self;
	size_t left = h->f->len > h->pos ? h->f->len - h->pos : 0;

	if (*n > left)
		*n = left;
	memcpy(buf, h->f->data + h->pos, *n);
	h->pos += *n;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI v_write(EFI_FILE_PROTOCOL *self, UINTN *n, VOID *buf)
{
	struct vhandle *h = (struct vhandle *)self;

	if (h->pos + *n > VOL_BYTES)
		return EFI_VOLUME_FULL;
	memcpy(h->f->data + h->pos, buf, *n);
	h->pos += *n;
	if (h->pos > h->f->len)
		h->f->len = h->pos;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI v_setpos(EFI_FILE_PROTOCOL *self, UINT64 pos)
{
	((struct vhandle *)self)->pos = pos;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI v_getpos(EFI_FILE_PROTOCOL *self, UINT64 *pos)
{
	*pos = ((struct vhandle *)self)->pos;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI v_getinfo(EFI_FILE_PROTOCOL *self, EFI_GUID *type, UINTN *size,
				   VOID *buf)
{
	struct vhandle *h = (struct vhandle *)self;
	EFI_FILE_INFO *info = buf;
	UINTN need = SIZE_OF_EFI_FILE_INFO + sizeof(CHAR16) * (h->f ? strlen(h->f->name) + 1 : 1);

	(void)type;
	if (*size < need) {
		*size = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	memset(info, 0, need);
	info->Size = need;
	info->FileSize = h->f ? h->f->len : 0;
	info->Attribute = h->f ? 0 : EFI_FILE_DIRECTORY;
	for (size_t i = 0; h->f && h->f->name[i]; i++)
		info->FileName[i] = (CHAR16)h->f->name[i];
	return EFI_SUCCESS;
}

/* FileSize changed: the file truncated (or extended with zeros). */
static EFI_STATUS EFIAPI v_setinfo(EFI_FILE_PROTOCOL *self, EFI_GUID *type, UINTN size,
				   VOID *buf)
{
	struct vhandle *h = (struct vhandle *)self;
	EFI_FILE_INFO *info = buf;

	(void)type;
	REQUIRE(size >= SIZE_OF_EFI_FILE_INFO && info->FileSize <= VOL_BYTES);
	if (setinfo_fails)
		return EFI_ACCESS_DENIED;
	if (info->FileSize > h->f->len)
		memset(h->f->data + h->f->len, 0, info->FileSize - h->f->len);
	h->f->len = info->FileSize;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI v_flush(EFI_FILE_PROTOCOL *self)
{
	(void)self;
	return EFI_SUCCESS;
}

static EFI_FILE_PROTOCOL *vhandle_new(struct vfile *f)
{
	struct vhandle *h = calloc(1, sizeof(*h));

	REQUIRE(h);
	h->p = (EFI_FILE_PROTOCOL){ .Open = v_open, .Close = v_close, .Delete = v_delete,
				    .Read = v_read, .Write = v_write, .GetPosition = v_getpos,
				    .SetPosition = v_setpos, .GetInfo = v_getinfo,
				    .SetInfo = v_setinfo, .Flush = v_flush };
	h->f = f;
	return &h->p;
}

static EFI_STATUS EFIAPI v_open_volume(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs,
				       EFI_FILE_PROTOCOL **root)
{
	(void)fs;
	*root = vhandle_new(NULL);
	return EFI_SUCCESS;
}

/* ---- the firmware around it: our image on that volume, pool memory ----- */

static EFI_SIMPLE_FILE_SYSTEM_PROTOCOL fs = { .OpenVolume = v_open_volume };
static EFI_LOADED_IMAGE image = { .DeviceHandle = &fs };

static EFI_STATUS EFIAPI b_handle_protocol(EFI_HANDLE h, EFI_GUID *guid, VOID **out)
{
	if (!memcmp(guid, &efi_loaded_image_guid, sizeof(*guid)) && h == &image)
		*out = &image;
	else if (!memcmp(guid, &efi_simple_file_system_guid, sizeof(*guid)) && h == &fs)
		*out = &fs;
	else
		return EFI_UNSUPPORTED;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI b_allocate_pool(EFI_MEMORY_TYPE type, UINTN size, VOID **p)
{
	(void)type;
	*p = malloc(size);
	return *p ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS EFIAPI b_free_pool(VOID *p)
{
	free(p);
	return EFI_SUCCESS;
}

static EFI_BOOT_SERVICES boot = { .HandleProtocol = b_handle_protocol,
				  .AllocatePool = b_allocate_pool,
				  .FreePool = b_free_pool };

/* What KTAP said (the diagnostics files.c prints), and the results file
 * gets every byte, as plat_write() hands it over. */
static char said[4096];

static void sink(const char *line, size_t len)
{
	size_t n = strlen(said);

	if (n + len < sizeof(said)) {
		memcpy(said + n, line, len);
		said[n + len] = '\0';
	}
	efi_results_write(line, len);
}

static void volume(void)
{
	char desc[160];

	memset(vol, 0, sizeof(vol));
	delete_fails = setinfo_fails = false;
	deletes_refused = 0;
	said[0] = '\0';
	BS = &boot;
	ktap_init(sink);
	REQUIRE(efi_boot_volume_open(&image) == EFI_SUCCESS);
	REQUIRE(efi_results_open("igbtest\\results", desc, sizeof(desc)) == EFI_SUCCESS);
	CHECK_STREQ(desc, "results file: igbtest\\results\\run-0001.ktap on the boot volume");
}

static void done(void)
{
	efi_results_close("{}\n", 3);
	efi_boot_volume_close();
}

/* A block printed: into the .ktap and synced, then its held output goes
 * (suite.c side_release()). */
static void printed(unsigned slot, const char *block)
{
	efi_results_write(block, strlen(block));
	plat_write_sync();
	plat_write_held(slot, NULL, 0);
}

/* ---- the tests --------------------------------------------------------- */

#define HEAD_A "  KTAP version 1\n  # Subtest: 82576 0000:00:03.0\n"
#define BLOCK_A HEAD_A "  1..1\n  ok 1 identify\n"
#define BLOCK_B "  KTAP version 1\n  # Subtest: 82576 0000:00:04.0\n  1..1\n"

/* The held file grows with its block, and goes once the block is in the
 * .ktap; a finished run leaves none. */
TEST(efi_files_held_kept_then_gone)
{
	volume();
	plat_write_held(1, BLOCK_A, strlen(HEAD_A));
	CHECK_STREQ(vol_text("run-0001.held1"), HEAD_A);
	plat_write_held(1, BLOCK_A, strlen(BLOCK_A));
	CHECK_STREQ(vol_text("run-0001.held1"), BLOCK_A);
	printed(1, BLOCK_A);
	CHECK(!vol_find("run-0001.held1"));
	CHECK_STREQ(vol_text("run-0001.ktap"), BLOCK_A);
	done();
	CHECK(vol_find("run-0001.json"));
	CHECK_EQ(deletes_refused, 0);
}

/*
 * The volume will not delete a held file whose block is in the .ktap:
 * the slot's next block empties that file and goes there (before, its
 * create failed and the whole results file was given up: nothing more
 * reached the .ktap, no summary). Nothing written is lost.
 */
TEST(efi_files_held_file_left_by_delete_is_reused)
{
	volume();
	plat_write_held(2, BLOCK_A, strlen(BLOCK_A));
	delete_fails = true;
	printed(2, BLOCK_A);
	CHECK_EQ(deletes_refused, 1);
	CHECK_STREQ(vol_text("run-0001.held2"), BLOCK_A); /* left, and in the .ktap */
	plat_write_held(2, BLOCK_B, strlen(BLOCK_B));
	CHECK_STREQ(vol_text("run-0001.held2"), BLOCK_B);
	printed(2, BLOCK_B "  ok 1 identify\n");
	CHECK_STREQ(vol_text("run-0001.ktap"), BLOCK_A BLOCK_B "  ok 1 identify\n");
	CHECK(!strstr(said, "results file"));
	done();
	CHECK(vol_find("run-0001.json"));
}

/*
 * Neither deleted nor emptied (SetInfo refused too): that slot's output
 * is no longer kept on the disk, said once; the results file goes on
 * and gets the block in its turn, and the summary is written.
 */
TEST(efi_files_held_file_neither_deleted_nor_emptied_only_that_slot_stops)
{
	const char *said_once;

	volume();
	plat_write_held(3, BLOCK_A, strlen(BLOCK_A));
	delete_fails = setinfo_fails = true;
	printed(3, BLOCK_A);
	plat_write_held(3, BLOCK_B, strlen(BLOCK_B));
	plat_write_held(3, BLOCK_B "  ok 1 identify\n", strlen(BLOCK_B) + 16);
	CHECK_STREQ(vol_text("run-0001.held3"), BLOCK_A); /* as it was: in the .ktap */
	said_once = strstr(said, "# igbtest: results file: run-0001.held3 could not be deleted "
			   "nor emptied (access denied): the output waiting there is no "
			   "longer kept on the disk; the .ktap gets it in its turn\n");
	CHECK(said_once && !strstr(strchr(said_once, '\n'), "could not be deleted"));
	printed(3, BLOCK_B "  ok 1 identify\n");
	CHECK(vol_text("run-0001.ktap") && strstr(vol_text("run-0001.ktap"), BLOCK_A) &&
	      strstr(vol_text("run-0001.ktap"), BLOCK_B "  ok 1 identify\n"));
	done();
	CHECK(vol_find("run-0001.json"));
}
