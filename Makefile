# igbtest - one entry point: make, make run, make test (see README.md).

ARCH      ?= x86_64
BUILD     := build
EFI_OUT   := $(BUILD)/$(ARCH)
HOST_OUT  := $(BUILD)/host
PYTHON    ?= python3

# Per-architecture toolchain, gnu-efi tree, flags and PE conversion.
# x86_64 builds with the host's cc/ld, the installed gnu-efi and objcopy's
# efi-app-x86_64 target. aarch64 cross-builds with Debian's
# gcc-aarch64-linux-gnu and gnu-efi:arm64, which conflicts with the amd64
# gnu-efi package (same paths), so scripts/install-deps.sh unpacks it under
# GNU_EFI_ARM64; its crt0 carries its own PE header: objcopy -O binary,
# then `scripts/efi-pe pad` fills the file out to what that header declares
# and `scripts/efi-pe bss` declares the zero-filled .bss (linker/aarch64.lds).
GNU_EFI_ARM64 ?= /opt/igbtest/gnu-efi-arm64
ifeq ($(ARCH),x86_64)
EFI_ROOT     :=
ARCH_CFLAGS  := -mno-red-zone -maccumulate-outgoing-args -DGNU_EFI_USE_MS_ABI
ARCH_LDFLAGS :=
OBJCOPY_FMT  := --target efi-app-$(ARCH) --subsystem=10
EFI_OBJCOPY  := objcopy
EFI_PAD      :=
EFI_MAX_BYTES:= 229376
else ifeq ($(ARCH),aarch64)
EFI_ROOT     := $(GNU_EFI_ARM64)
CROSS        ?= aarch64-linux-gnu-
ifeq ($(origin CC),default)
CC           := $(CROSS)gcc
endif
ifeq ($(origin LD),default)
LD           := $(CROSS)ld
endif
EFI_OBJCOPY  := $(CROSS)objcopy
# EFI_SUBSYSTEM: the crt0's PE header takes the subsystem from the link
# (10 = EFI application). gnu-efi's linker script puts code and data in
# one RWX ELF segment; the ELF is only objcopy's input (the firmware maps
# the PE sections), so that warning says nothing about the image.
# -mno-outline-atomics: atomics inline, not calls into libgcc (not linked).
ARCH_CFLAGS  := -mno-outline-atomics
ARCH_LDFLAGS := --defsym=EFI_SUBSYSTEM=10 --no-warn-rwx-segments
OBJCOPY_FMT  := -O binary
EFI_PAD       = $(PYTHON) scripts/efi-pe pad $@ && $(PYTHON) scripts/efi-pe bss $@ $<
# A64 code is about 7 % larger than x86_64's for the same sources.
EFI_MAX_BYTES:= 245760
else
$(error ARCH=$(ARCH) is not supported: use ARCH=x86_64 (default) or ARCH=aarch64)
endif
EFI_INC   := $(EFI_ROOT)/usr/include/efi
EFI_LIBDIR:= $(EFI_ROOT)/usr/lib
CRT0      := $(EFI_LIBDIR)/crt0-efi-$(ARCH).o
# Our own link (linker/): gnu-efi's layout with .bss kept out of the file.
EFI_LDS   := linker/$(ARCH).lds
# The image holds code and initialised data only (zeros live in .bss):
# the build fails past EFI_MAX_BYTES (set per ARCH above), so a static
# table cannot bloat it unnoticed. Each limit sits about a tenth above the
# code it holds (x86_64 raised to 224 KiB at 203,264 bytes of code).

WARN      := -Wall -Wextra -Werror
PORTABLE  := $(wildcard src/*.c src/*/*.c)
EFI_SRCS  := $(wildcard efi/*.c)
HEADERS   := $(wildcard src/*.h src/*/*.h efi/*.h tests/host/*.h)

# Firmware build: freestanding C11, gnu-efi's crt0, our linker script.
# -Os as EDK2 builds firmware: the image must stay within EFI_MAX_BYTES.
EFI_CFLAGS := -std=c11 -Os $(WARN) -ffreestanding -fno-stack-protector \
	-fno-stack-check -fpic -fshort-wchar -ffunction-sections -fdata-sections \
	-fvisibility=hidden $(ARCH_CFLAGS) \
	-I$(EFI_INC) -I$(EFI_INC)/$(ARCH) -Isrc -Iefi
# --no-undefined: -shared would otherwise leave a call to a function we do
# not link unresolved, and the image would jump to 0 at run time.
EFI_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc --no-undefined --gc-sections \
	-T $(EFI_LDS) -L$(EFI_LIBDIR) $(ARCH_LDFLAGS)
EFI_OBJS := $(patsubst %.c,$(EFI_OUT)/%.o,$(PORTABLE) $(EFI_SRCS))

# Host build of the same portable sources, under ASan and UBSan.
HOST_CC     ?= gcc
HOST_CFLAGS := -std=c11 -O1 -g $(WARN) -Isrc -Itests/host \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_TEST_SRCS := $(wildcard tests/host/*.c)
HOST_OBJS := $(patsubst %.c,$(HOST_OUT)/%.o,$(PORTABLE) $(HOST_TEST_SRCS))

.PHONY: all run test host-test qemu-test bench deps clean image sign fuzz lava-check
all: $(EFI_OUT)/igbtest.efi

$(EFI_OUT)/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

# Of gnu-efi, the crt0 and libgnuefi (its _relocate) only: no libefi, so a
# call into its helpers fails the link (efi/efi_lib.h has what we use).
$(EFI_OUT)/igbtest.so: $(EFI_OBJS) $(EFI_LDS)
	$(LD) $(EFI_LDFLAGS) $(CRT0) $(EFI_OBJS) -o $@ -lgnuefi

# A QEMU test's fixture, never in the product image: a UEFI driver that
# holds an 82576 and refuses to stop (tests/qemu/holdfast.c).
FIXTURES := $(EFI_OUT)/holdfast.efi
$(EFI_OUT)/holdfast.so: $(EFI_OUT)/tests/qemu/holdfast.o $(EFI_LDS)
	$(LD) $(EFI_LDFLAGS) $(CRT0) $< -o $@ -lefi -lgnuefi

# The PE keeps what the loader needs: code, data, .bss (x86_64: a section
# with no raw data), .dynamic and .rela for gnu-efi's self-relocation, the
# crt0's dummy .reloc; no symbol table, no .dynsym (_relocate reads only
# DT_RELA*). Prints the size and fails past EFI_MAX_BYTES.
$(EFI_OUT)/%.efi: $(EFI_OUT)/%.so
	$(EFI_OBJCOPY) -j .text -j .sdata -j .data -j .bss -j .dynamic -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .reloc \
		--strip-all $(OBJCOPY_FMT) $< $@
	$(EFI_PAD)
	@size=$$(wc -c < $@); echo "built $@: $$size bytes (limit $(EFI_MAX_BYTES))"; \
	if [ $$size -gt $(EFI_MAX_BYTES) ]; then \
		echo "$@ is $$size bytes, over EFI_MAX_BYTES=$(EFI_MAX_BYTES): is a large table in .data instead of .bss?" >&2; \
		rm -f $@; exit 1; fi

$(HOST_OUT)/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# test_readme.c reads the README's case table.
$(HOST_OUT)/tests/host/test_readme.o: HOST_CFLAGS += -DIGBTEST_SOURCE_DIR='"$(CURDIR)"'
$(HOST_OUT)/tests/host/test_readme.o: README.md

$(HOST_OUT)/unit_tests: $(HOST_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

# What building and booting ARCH needs (make test: every TEST_ARCHES).
INSTALL_DEPS = GNU_EFI_ARM64=$(GNU_EFI_ARM64) scripts/install-deps.sh
deps:
	@$(INSTALL_DEPS) --arch $(ARCH)

# The main job: boot igbtest in QEMU+OVMF against one emulated 82576.
run: deps all
	$(PYTHON) scripts/igbtest-qemu --arch $(ARCH) --efi $(EFI_OUT)/igbtest.efi $(RUN_ARGS)

# Time to verdict (scripts/bench --help): quick profile vs Linux ethtool -t,
# the full profile on 1, 2 and 4 ports, copy throughput. Figures, not a
# pass/fail; BENCH_ARGS go to scripts/bench (e.g. --ports=1 --no-peer).
bench: deps all
	$(PYTHON) scripts/bench --arch $(ARCH) --efi $(EFI_OUT)/igbtest.efi $(BENCH_ARGS)

# efi/files.c (results and held files) against a fake boot volume
# (tests/efi/): efi/ takes gnu-efi's headers, the host's (x86_64) here,
# so it is a binary of its own beside the fake platform's.
HOST_EFI_INC := /usr/include/efi
EFI_FILES_TEST_SRCS := tests/efi/test_files.c tests/host/harness.c efi/files.c efi/lib.c \
	src/report/fmt.c src/report/ktap.c
$(HOST_OUT)/efi_files_test: $(EFI_FILES_TEST_SRCS) $(HEADERS) $(wildcard efi/*.h) Makefile
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -fshort-wchar -DGNU_EFI_USE_MS_ABI -I$(HOST_EFI_INC) \
		-I$(HOST_EFI_INC)/x86_64 -Iefi $(EFI_FILES_TEST_SRCS) -o $@

# The unit tests, and the rooms of src/ including only what they may.
host-test: $(HOST_OUT)/unit_tests $(HOST_OUT)/efi_files_test
	$(PYTHON) tests/host/check_includes.py
	$(HOST_OUT)/unit_tests
	$(HOST_OUT)/efi_files_test

qemu-test: deps all image $(FIXTURES)
	$(PYTHON) tests/qemu/run_tests.py --arch $(ARCH) --efi $(EFI_OUT)/igbtest.efi \
		--image $(EFI_OUT)/igbtest.img

# The whole suite: host unit tests, then the QEMU tests for each
# architecture in TEST_ARCHES (every one runs even if an earlier one failed).
TEST_ARCHES ?= x86_64 aarch64
test:
	@$(INSTALL_DEPS) $(addprefix --arch ,$(TEST_ARCHES))
	$(MAKE) host-test
	$(MAKE) lava-check
	@rc=0; for a in $(TEST_ARCHES); do \
		$(MAKE) ARCH=$$a qemu-test || rc=1; \
	done; exit $$rc

# ---- lab operation: USB image, Secure Boot signing, fuzzing, LAVA ----------

# The build id in the banner: the commit, "-dirty" with local changes. The
# stamp file changes only when the id does, so igbtest.o rebuilds then.
BUILD_ID := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
BUILD_ID_STAMP := $(BUILD)/build-id
$(shell mkdir -p $(BUILD); [ "$$(cat $(BUILD_ID_STAMP) 2>/dev/null)" = "$(BUILD_ID)" ] || \
	echo "$(BUILD_ID)" > $(BUILD_ID_STAMP))
$(EFI_OUT)/src/igbtest.o: $(BUILD_ID_STAMP)
$(EFI_OUT)/src/igbtest.o: EFI_CFLAGS += -DIGBTEST_BUILD_ID='"$(BUILD_ID)"'

# make sign [KEY=db.key CERT=db.crt]: sign igbtest.efi for Secure Boot.
# Without KEY/CERT: Debian's snake-oil test key (ovmf package), which only
# OVMF_VARS_4M.snakeoil.fd trusts -- for testing, never for a lab host.
SNAKEOIL_KEY  := /usr/share/ovmf/PkKek-1-snakeoil.key
SNAKEOIL_CERT := /usr/share/ovmf/PkKek-1-snakeoil.pem
KEY  ?= $(BUILD)/snakeoil/snakeoil.key
CERT ?= $(SNAKEOIL_CERT)
SIGNED_EFI := $(EFI_OUT)/igbtest.signed.efi
sign: $(SIGNED_EFI)
$(SIGNED_EFI): $(EFI_OUT)/igbtest.efi $(KEY) $(CERT)
	sbsign --key $(KEY) --cert $(CERT) --output $@ $<
	sbverify --cert $(CERT) $@
# The snake-oil key ships encrypted with the passphrase "snakeoil".
$(BUILD)/snakeoil/snakeoil.key: $(SNAKEOIL_KEY)
	@mkdir -p $(dir $@)
	openssl rsa -in $< -passin pass:snakeoil -out $@ 2>/dev/null

# make image [SIGNED=1]: a raw GPT disk with a FAT32 ESP for a USB stick
# (dd it to the stick); SIGNED=1 puts the signed app on it.
IMAGE_EFI := $(if $(SIGNED),$(SIGNED_EFI),$(EFI_OUT)/igbtest.efi)
IMAGE := $(EFI_OUT)/igbtest$(if $(SIGNED),.signed).img
image: $(IMAGE)
$(IMAGE): $(IMAGE_EFI) image/igbtest.cfg scripts/make-image
	scripts/make-image --arch $(ARCH) --efi $< --out $@

# make fuzz [FUZZ_SECONDS=N]: libFuzzer on the option parser, then on the
# ACPI remapping-table parsers (DMAR, IVRS, IORT), each bounded.
FUZZ_SECONDS ?= 60
FUZZ_OUT := $(BUILD)/fuzz
$(FUZZ_OUT)/fuzz_options: tests/fuzz/fuzz_options.c src/report/options.c \
		src/report/fmt.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 $(WARN) -Isrc -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all tests/fuzz/fuzz_options.c \
		src/report/options.c src/report/fmt.c -o $@
FUZZ_ACPI_SRCS := tests/fuzz/fuzz_acpi.c src/dma/vtd.c src/dma/amdvi.c src/dma/smmuv3.c \
	src/dma/acpi.c \
	src/dma/dma.c src/status.c src/report/fmt.c src/wait_bound.c
$(FUZZ_OUT)/fuzz_acpi: $(FUZZ_ACPI_SRCS) $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 $(WARN) -Isrc -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(FUZZ_ACPI_SRCS) -o $@
fuzz: $(FUZZ_OUT)/fuzz_options $(FUZZ_OUT)/fuzz_acpi
	@mkdir -p $(FUZZ_OUT)/corpus
	$(FUZZ_OUT)/fuzz_options -max_total_time=$(FUZZ_SECONDS) -timeout=5 \
		-max_len=4096 -print_final_stats=1 $(FUZZ_OUT)/corpus tests/fuzz/corpus
	@mkdir -p $(FUZZ_OUT)/corpus-acpi
	$(FUZZ_OUT)/fuzz_acpi -max_total_time=$(FUZZ_SECONDS) -timeout=5 \
		-max_len=4096 -print_final_stats=1 $(FUZZ_OUT)/corpus-acpi tests/fuzz/corpus-acpi

# The LAVA job template against Debian lava-common's schema (its python3).
lava-check:
	/usr/bin/python3 lava/check-job lava/igbtest-usb.yaml lava/igbtest-tftp.yaml lava/igbtest-qemu.yaml

clean:
	rm -rf $(BUILD)
