# igbtest - one entry point: make, make run, make test (see README.md).

ARCH      ?= x86_64
BUILD     := build
EFI_OUT   := $(BUILD)/$(ARCH)
HOST_OUT  := $(BUILD)/host
PYTHON    ?= python3

EFI_INC   := /usr/include/efi
EFI_LIBDIR:= /usr/lib
CRT0      := $(EFI_LIBDIR)/crt0-efi-$(ARCH).o
EFI_LDS   := $(EFI_LIBDIR)/elf_$(ARCH)_efi.lds

WARN      := -Wall -Wextra -Werror
PORTABLE  := $(wildcard src/*.c src/*/*.c)
EFI_SRCS  := $(wildcard efi/*.c)
HEADERS   := $(wildcard src/*.h src/*/*.h efi/*.h tests/host/*.h)

# Firmware build: freestanding C11, gnu-efi's crt0 and linker script.
EFI_CFLAGS := -std=c11 -O2 $(WARN) -ffreestanding -fno-stack-protector \
	-fno-stack-check -fpic -fshort-wchar -mno-red-zone \
	-maccumulate-outgoing-args -DGNU_EFI_USE_MS_ABI \
	-I$(EFI_INC) -I$(EFI_INC)/$(ARCH) -Isrc -Iefi
EFI_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc -T $(EFI_LDS) \
	-L$(EFI_LIBDIR)
EFI_OBJS := $(patsubst %.c,$(EFI_OUT)/%.o,$(PORTABLE) $(EFI_SRCS))

# Host build of the same portable sources, under ASan and UBSan.
HOST_CC     ?= gcc
HOST_CFLAGS := -std=c11 -O1 -g $(WARN) -Isrc -Itests/host \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_TEST_SRCS := $(wildcard tests/host/*.c)
HOST_OBJS := $(patsubst %.c,$(HOST_OUT)/%.o,$(PORTABLE) $(HOST_TEST_SRCS))

.PHONY: all run test host-test qemu-test bench deps clean
all: $(EFI_OUT)/igbtest.efi

$(EFI_OUT)/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_OUT)/igbtest.so: $(EFI_OBJS)
	$(LD) $(EFI_LDFLAGS) $(CRT0) $^ -o $@ -lefi -lgnuefi

$(EFI_OUT)/igbtest.efi: $(EFI_OUT)/igbtest.so
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .reloc \
		--target efi-app-$(ARCH) --subsystem=10 $< $@
	@echo "built $@"

$(HOST_OUT)/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(HOST_OUT)/unit_tests: $(HOST_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

deps:
	@scripts/install-deps.sh

# The main job: boot igbtest in QEMU+OVMF against one emulated 82576.
run: deps all
	$(PYTHON) scripts/igbtest-qemu --efi $(EFI_OUT)/igbtest.efi $(RUN_ARGS)

# Copy-engine throughput on the emulated 82576 (figures, not a pass/fail).
BENCH_LOG := $(BUILD)/qemu/bench/serial.log
bench: deps all
	$(PYTHON) scripts/igbtest-qemu --quiet --efi $(EFI_OUT)/igbtest.efi \
		--serial-log $(BENCH_LOG) $(RUN_ARGS); \
	grep -aE 'memcpy_(throughput|storm): .*(MB/s|ratio)' $(BENCH_LOG) | tr -d '\r'

host-test: $(HOST_OUT)/unit_tests
	$(HOST_OUT)/unit_tests

qemu-test: deps all
	$(PYTHON) tests/qemu/run_tests.py --efi $(EFI_OUT)/igbtest.efi

# The whole suite: host unit tests, then the QEMU tests.
test: deps
	$(MAKE) host-test
	$(MAKE) qemu-test

clean:
	rm -rf $(BUILD)
