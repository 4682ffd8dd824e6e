# SPDX-License-Identifier: GPL-2.0
# simvmm: host (VMM, tests) and guests, built from one Makefile with
# separate flags. `make help` lists the targets.

VERSION := 0.1.0
# Where the tests that boot guests run: auto (here if /dev/kvm is
# usable, else in the vmbox testbed), host or box (docs/testing.md).
KVM ?= auto
# A sanitized build never shares objects with the normal one.
ifeq ($(SANITIZE),1)
BUILD ?= build-san
endif
# ThreadSanitizer (TSAN=1, or make tsan): the whole library, in build-tsan/.
ifeq ($(TSAN),1)
ifeq ($(SANITIZE),1)
$(error SANITIZE=1 and TSAN=1 do not mix: ASan and TSan are separate builds)
endif
BUILD ?= build-tsan
endif
BUILD ?= build
CC ?= cc
LD := ld
OBJCOPY := objcopy

# ---- host --------------------------------------------------------------
HOST_CPPFLAGS := -D_GNU_SOURCE -DSIMVMM_VERSION='"$(VERSION)"' -Iinclude
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wmissing-prototypes -Wstrict-prototypes -fno-strict-aliasing \
	-pthread -MMD -MP
HOST_LDFLAGS := -pthread
ifeq ($(SANITIZE),1)
HOST_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
HOST_LDFLAGS += -fsanitize=address,undefined
endif
# -Wno-tsan: TSan does not model the ring's standalone fences
# (simqueue.h), which order host accesses against the guest's, which TSan
# cannot see anyway; host threads share the device under its lock.
ifeq ($(TSAN),1)
HOST_CFLAGS += -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan
HOST_LDFLAGS += -fsanitize=thread
endif
ifneq ($(USE_POOLING),)
HOST_CPPFLAGS += -DUSE_POOLING=$(USE_POOLING)
endif

# Every host object depends on this stamp of the flags it is compiled
# with, rewritten (at parse time) only when they change: a build folder
# rebuilt with another USE_POOLING, SANITIZE or HOST_CFLAGS recompiles,
# the same flags again compile nothing. Goals that compile nothing skip it.
HOST_FLAGS := $(BUILD)/host/.flags
HOST_FLAGS_NOW := $(CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS)
NO_BUILD_GOALS := clean help deps-test deps-lint deps-fuzz deps-bench \
	uninstall
ifneq ($(if $(MAKECMDGOALS),$(filter-out $(NO_BUILD_GOALS),$(MAKECMDGOALS)),all),)
ifneq ($(file <$(HOST_FLAGS)),$(HOST_FLAGS_NOW))
$(shell mkdir -p $(BUILD)/host)
$(file >$(HOST_FLAGS),$(HOST_FLAGS_NOW))
endif
endif

LIB_SRCS := lib/bus.c lib/chardev.c lib/cpu_mode.c lib/cpuid.c lib/elf.c lib/kvm.c lib/loader.c \
	lib/log.c lib/machine.c lib/multiboot.c lib/parse.c lib/vcpu.c lib/vm.c \
	lib/devices/debugcon.c lib/devices/exit_port.c \
	lib/devices/simvirtio.c lib/devices/report.c
CLI_SRCS := cli/simvmm.c cli/builtin.c cli/probe.c
# VM-exit profiling (docs/stats.md)
LIB_SRCS += lib/json.c lib/kvm_stats.c lib/stats.c lib/stats_print.c
LIB_SRCS += lib/gdb_rsp.c lib/gdb_target.c lib/gdb_break.c lib/gdbstub.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/host/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/host/%.o) $(BUILD)/host/cli/guest_images.o
LIBSIMVMM := $(BUILD)/libsimvmm.a
SIMVMM := $(BUILD)/simvmm

# ---- guests -------------------------------------------------------------
# Each guest is guests/NAME.S (bare) or guests/NAME.c (on crt + library).
GUESTS_16 := hello16 simvirtio16
GUESTS_32 := hello32 hello32p simvirtio32
GUESTS_64 := hello64 simvirtio echo
GUESTS := $(GUESTS_16) $(GUESTS_32) $(GUESTS_64)
# One source, several modes: NAME is built from guests/$(GUEST_SRC_NAME).c.
GUEST_SRC_simvirtio16 := simvirtio
GUEST_SRC_simvirtio32 := simvirtio
guest_src = $(or $(GUEST_SRC_$(1)),$(1))
# Guests only the tests run (long mode, and 32-bit too for TEST_GUESTS_32),
# e.g. hostile SIMVIRTIO drivers: built, not embedded.
TEST_GUESTS := $(patsubst guests/%.c,%,$(wildcard guests/test/*.c))
# Test guests also built for 32-bit (protected and paged) mode: NAME32.
TEST_GUESTS_32 := test/cpu_state32
GUEST_SRC_test/cpu_state32 := test/cpu_state
# Guest reports (tests/integration/report.bats), in 32-bit and real mode too.
REPORT_GUESTS_32 := report_assert report_de report_pass report_ud
REPORT_GUESTS_16 := report_assert report_de report_pass
TEST_GUESTS_32 += $(REPORT_GUESTS_32:%=test/%32)
TEST_GUESTS_16 := $(REPORT_GUESTS_16:%=test/%16)
$(foreach g,$(REPORT_GUESTS_32),$(eval GUEST_SRC_test/$(g)32 := test/$(g)))
$(foreach g,$(REPORT_GUESTS_16),$(eval GUEST_SRC_test/$(g)16 := test/$(g)))
TEST_GUEST_BINS := $(TEST_GUESTS:%=$(BUILD)/guests/%.bin) \
	$(TEST_GUESTS_32:%=$(BUILD)/guests/%.bin) \
	$(TEST_GUESTS_16:%=$(BUILD)/guests/%.bin)

# How every guest's code is generated: the built-in guests' and, through
# the SDK's pkg-config files, the installed SDK's users'.
GUEST_CODE_FLAGS := -ffreestanding -fno-builtin -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -mgeneral-regs-only
GUEST_CFLAGS := -std=gnu11 -Os -g $(GUEST_CODE_FLAGS) -nostdlib \
	-Wall -Wextra -Werror -Iinclude -Iguests/include -MMD -MP
GUEST_FLAGS_16 := -m16 -march=i386 -DSIMVMM_GUEST_BITS=16
GUEST_FLAGS_32 := -m32 -march=i386 -DSIMVMM_GUEST_BITS=32
GUEST_FLAGS_64 := -m64 -mno-red-zone -DSIMVMM_GUEST_BITS=64
GUEST_LDEMU_16 := elf_i386
GUEST_LDEMU_32 := elf_i386
GUEST_LDEMU_64 := elf_x86_64
GUEST_LIB_SRCS := guests/lib/console.c guests/lib/simvirtio_drv.c \
	guests/lib/printf.c guests/lib/report.c guests/lib/string.c
GUEST_LD := $(BUILD)/guests/guest.ld
# A flat guest is one segment, code and data (the exception table, the
# library's report) alike: RWX by design, so ld 2.39+ need not warn.
GUEST_LDFLAGS := $(shell $(LD) --help 2>/dev/null | grep -q no-warn-rwx-segments && echo --no-warn-rwx-segments)
GUEST_BINS := $(GUESTS:%=$(BUILD)/guests/%.bin)
# Multiboot kernels as other tools build them (guests/multiboot/): linked
# at 1 MiB by their own script, no crt or library of simvmm's: an ELF32,
# the same in an ELF64 file, and a flat binary whose header gives the
# load addresses.
MB_OUT := $(BUILD)/guests/multiboot
MB_KERNELS := $(MB_OUT)/kernel.elf $(MB_OUT)/kernel-aout.bin \
	$(MB_OUT)/kernel64.elf

# ---- tests ----------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

# ---- fuzz targets -----------------------------------------------------------
# A target is fuzz/NAME.c (LLVMFuzzerTestOneInput), seeds in
# fuzz/corpus/NAME/ and one line here. make fuzz runs each with libFuzzer;
# make test replays its seeds and fuzz/regressions/NAME/ as a unit test.
FUZZ_TARGETS := parse
FUZZ_TARGETS += loader
FUZZ_TARGETS += bus
FUZZ_TARGETS += simvirtio
FUZZ_TARGETS += simvirtio_poll
FUZZ_TARGETS += report
FUZZ_TARGETS += elf
FUZZ_TARGETS += multiboot
FUZZ_TARGETS += gdb_rsp
FUZZ_REPLAYS := $(FUZZ_TARGETS:%=$(BUILD)/tests/test_fuzz_%)

.PHONY: all help test unit-tests lint deps deps-test deps-lint clean demo \
	fuzz fuzz-build deps-fuzz tsan
all: $(SIMVMM) $(TEST_GUEST_BINS) $(MB_KERNELS)

help:
	@echo "make            build build/simvmm and the built-in guests"
	@echo "make demo       build, then run the hello64 guest"
	@echo "make test       install test dependencies (as root), build, run every test"
	@echo "                (KVM=host|box: where guests boot; default: here if /dev/kvm works, else the vmbox testbed)"
	@echo "make lint       checkpatch.pl, sparse and cppcheck; fails on any finding"
	@echo "make fuzz       build the libFuzzer targets (clang), run each FUZZ_TIME s (default 60)"
	@echo "make bench      simvmm against the raw-KVM floor: table, results, chart"
	@echo "make install    simvmm and the guest SDK into PREFIX (default /usr/local), under DESTDIR"
	@echo "make uninstall  remove what make install put there (same PREFIX and DESTDIR)"
	@echo "make sdk-check  install into $(BUILD)/sdk-root, build examples/ from it alone"
	@echo "make clean      remove $(BUILD)/"
	@echo "options: SANITIZE=1 (ASan+UBSan, builds into build-san/), USE_POOLING=1 (SIMVIRTIO: poll transport by default)"

# host objects
$(BUILD)/host/%.o: %.c $(HOST_FLAGS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/cli/guest_images.o: cli/guest_images.S $(GUEST_BINS)
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@ -Wa,-I,$(BUILD)/guests

$(LIBSIMVMM): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(SIMVMM): $(CLI_OBJS) $(LIBSIMVMM)
	$(CC) $(HOST_LDFLAGS) -o $@ $^

# guest objects, per mode
define guest_mode_rules
$(BUILD)/guests/$(1)/%.o: guests/%.c
	@mkdir -p $$(dir $$@)
	$(CC) $(GUEST_FLAGS_$(1)) $(GUEST_CFLAGS) -c $$< -o $$@
$(BUILD)/guests/$(1)/%.o: guests/%.S
	@mkdir -p $$(dir $$@)
	$(CC) $(GUEST_FLAGS_$(1)) $(GUEST_CFLAGS) -c $$< -o $$@
$(BUILD)/guests/$(1)/crt.o: guests/crt/crt$(1).S
	@mkdir -p $$(dir $$@)
	$(CC) $(GUEST_FLAGS_$(1)) $(GUEST_CFLAGS) -c $$< -o $$@
GUEST_LIB_OBJS_$(1) := $(GUEST_LIB_SRCS:guests/%.c=$(BUILD)/guests/$(1)/%.o)
# An archive, so a guest links only the parts of the library it uses.
$(BUILD)/guests/$(1)/libguest.a: $$(GUEST_LIB_OBJS_$(1))
	rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach m,16 32 64,$(eval $(call guest_mode_rules,$(m))))

# NAME.elf from its object, plus crt and library for C guests
define guest_rules
$(BUILD)/guests/$(1).elf: $(BUILD)/guests/$(2)/$(call guest_src,$(1)).o $(if $(wildcard guests/$(call guest_src,$(1)).c),$(BUILD)/guests/$(2)/crt.o $(BUILD)/guests/$(2)/libguest.a) $(GUEST_LD)
	@mkdir -p $$(dir $$@)
	$(LD) -m $(GUEST_LDEMU_$(2)) -nostdlib $(GUEST_LDFLAGS) -T $(GUEST_LD) -o $$@ $$(filter %.o %.a,$$^)
endef
$(foreach g,$(GUESTS_16) $(TEST_GUESTS_16),$(eval $(call guest_rules,$(g),16)))
$(foreach g,$(GUESTS_32) $(TEST_GUESTS_32),$(eval $(call guest_rules,$(g),32)))
$(foreach g,$(GUESTS_64) $(TEST_GUESTS),$(eval $(call guest_rules,$(g),64)))

$(BUILD)/guests/%.bin: $(BUILD)/guests/%.elf
	$(OBJCOPY) -O binary $< $@

$(GUEST_LD): guests/guest.ld.S include/simvmm/memmap.h include/simvmm/abi-note.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -Iinclude $< -o $@

# The Multiboot kernels (MB_KERNELS)
$(MB_OUT)/%.o: guests/multiboot/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_FLAGS_32) $(GUEST_CFLAGS) -O2 -c $< -o $@
$(MB_OUT)/boot.o: guests/multiboot/boot.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_FLAGS_32) $(GUEST_CFLAGS) -c $< -o $@
$(MB_OUT)/boot-aout.o: guests/multiboot/boot.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_FLAGS_32) $(GUEST_CFLAGS) -DMB_BY_ADDRESS -c $< -o $@
$(MB_OUT)/kernel.elf: $(MB_OUT)/boot.o $(MB_OUT)/kernel.o guests/multiboot/kernel.ld
	$(LD) -m elf_i386 -nostdlib $(GUEST_LDFLAGS) -T guests/multiboot/kernel.ld -o $@ $(filter %.o,$^)
$(MB_OUT)/kernel-aout.elf: $(MB_OUT)/boot-aout.o $(MB_OUT)/kernel.o guests/multiboot/kernel.ld
	$(LD) -m elf_i386 -nostdlib $(GUEST_LDFLAGS) -T guests/multiboot/kernel.ld -o $@ $(filter %.o,$^)
$(MB_OUT)/kernel-aout.bin: $(MB_OUT)/kernel-aout.elf
	$(OBJCOPY) -O binary $< $@
# The same 32-bit code in an ELF64 file, as x86-64 hobby kernels ship.
$(MB_OUT)/kernel64.elf: $(MB_OUT)/kernel.elf
	$(OBJCOPY) -I elf32-i386 -O elf64-x86-64 $< $@

# Where /dev/kvm is missing, the demo runs in the vmbox testbed instead.
demo: $(SIMVMM)
	@if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then \
		echo "$(SIMVMM) run hello64"; $(SIMVMM) run hello64; \
	else \
		echo "demo: /dev/kvm is missing here; running it in the vmbox testbed (tests/vmbox, docs/testing.md)"; \
		tests/vmbox/vmbox -- $(SIMVMM) run hello64; \
	fi

# ---- install: simvmm and the guest SDK (docs/guests.md, "The guest SDK") ----
# make install [PREFIX=/usr/local] [DESTDIR=]: the simvmm binary, and for
# each mode its start-up code, library, linker script and pkg-config file
# (simvmm-guest-16, -32, -64), with the headers they share. No root is
# needed where PREFIX (or DESTDIR) can be written.
PREFIX ?= /usr/local
INSTALL ?= install
bindir = $(PREFIX)/bin
sdk_includedir = $(PREFIX)/include/simvmm-guest
sdk_libdir = $(PREFIX)/lib/simvmm
pkgconfigdir = $(PREFIX)/lib/pkgconfig
# The built-in guests' ELFs with debug information, for gdb; simvmm list
# --paths finds them here, relative to the installed binary.
guestdir = $(PREFIX)/share/simvmm/guests
GUEST_ELFS := $(GUESTS:%=$(BUILD)/guests/%.elf)
SDK_MODES := 16 32 64
# The guest library's headers, and the guest/host ABI headers they
# include, installed as simvmm/*.h beside them: one -I finds both.
SDK_HEADERS := guests/include/guest.h guests/include/guest_exc.h \
	guests/include/simvirtio_drv.h
SDK_ABI_HEADERS := include/simvmm/abi.h include/simvmm/abi-note.h \
	include/simvmm/memmap.h include/simvmm/report.h \
	include/simvmm/simqueue.h include/simvmm/simvirtio.h include/simvmm/x86.h
SDK_MODE_FILES := crt0.o libsimvmm-guest.a simvmm-guest.ld
INSTALLED = $(bindir)/simvmm \
	$(SDK_HEADERS:guests/include/%=$(sdk_includedir)/%) \
	$(SDK_ABI_HEADERS:include/%=$(sdk_includedir)/%) \
	$(foreach m,$(SDK_MODES),$(SDK_MODE_FILES:%=$(sdk_libdir)/$(m)/%) \
		$(pkgconfigdir)/simvmm-guest-$(m).pc) \
	$(GUESTS:%=$(guestdir)/%.elf)
SDK_MODE_NAME_16 := real-mode (16-bit)
SDK_MODE_NAME_32 := protected- and paged-mode (32-bit)
SDK_MODE_NAME_64 := long-mode (64-bit)

# Mode $(1)'s pkg-config file, one printf argument per line. Cflags: the
# flags the built-in guests are compiled with, less warnings and -O.
# Libs: linking through the compiler driver as the Makefile links with
# ld: no libc, static, the mode's emulation, no build ID (the script
# keeps notes out of RAM), the linker script.
sdk_pc = 'prefix=$(PREFIX)' \
	'includedir=$${prefix}/include/simvmm-guest' \
	'libdir=$${prefix}/lib/simvmm/$(1)' \
	'' \
	'Name: simvmm-guest-$(1)' \
	'Description: simvmm guest SDK for $(SDK_MODE_NAME_$(1)) guests' \
	'Version: $(VERSION)' \
	'Cflags: $(GUEST_FLAGS_$(1)) $(GUEST_CODE_FLAGS) -I$${includedir}' \
	'Libs: $(firstword $(GUEST_FLAGS_$(1))) -nostdlib -static -Wl,-m,$(GUEST_LDEMU_$(1)) -Wl,--build-id=none $(GUEST_LDFLAGS:%=-Wl,%) -Wl,-T,$${libdir}/simvmm-guest.ld $${libdir}/crt0.o -L$${libdir} -lsimvmm-guest'

define sdk_mode_install
install-sdk-$(1): $(BUILD)/guests/$(1)/crt.o $(BUILD)/guests/$(1)/libguest.a $(GUEST_LD)
	$(INSTALL) -d $(DESTDIR)$(sdk_libdir)/$(1) $(DESTDIR)$(pkgconfigdir)
	$(INSTALL) -m 644 $(BUILD)/guests/$(1)/crt.o $(DESTDIR)$(sdk_libdir)/$(1)/crt0.o
	$(INSTALL) -m 644 $(BUILD)/guests/$(1)/libguest.a $(DESTDIR)$(sdk_libdir)/$(1)/libsimvmm-guest.a
	$(INSTALL) -m 644 $(GUEST_LD) $(DESTDIR)$(sdk_libdir)/$(1)/simvmm-guest.ld
	@echo "write $(DESTDIR)$(pkgconfigdir)/simvmm-guest-$(1).pc"
	@printf '%s\n' $$(call sdk_pc,$(1)) >$(DESTDIR)$(pkgconfigdir)/simvmm-guest-$(1).pc
endef
$(foreach m,$(SDK_MODES),$(eval $(call sdk_mode_install,$(m))))

.PHONY: install uninstall sdk-check $(SDK_MODES:%=install-sdk-%)
install: $(SIMVMM) $(GUEST_ELFS) $(SDK_MODES:%=install-sdk-%)
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(sdk_includedir)/simvmm \
		$(DESTDIR)$(guestdir)
	$(INSTALL) -m 755 $(SIMVMM) $(DESTDIR)$(bindir)/simvmm
	$(INSTALL) -m 644 $(GUEST_ELFS) $(DESTDIR)$(guestdir)
	$(INSTALL) -m 644 $(SDK_HEADERS) $(DESTDIR)$(sdk_includedir)
	$(INSTALL) -m 644 $(SDK_ABI_HEADERS) $(DESTDIR)$(sdk_includedir)/simvmm

# Every file install writes, then the SDK's own folders if they are empty.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@for d in $(sdk_includedir)/simvmm $(sdk_includedir) \
		$(SDK_MODES:%=$(sdk_libdir)/%) $(sdk_libdir) \
		$(guestdir) $(dir $(guestdir)); do \
		rmdir "$(DESTDIR)$$d" 2>/dev/null || true; \
	done

# make test's SDK check: install into $(BUILD)/sdk-root, then build a copy
# of examples/ outside this tree with nothing but the installed SDK's
# pkg-config files (PKG_CONFIG_LIBDIR: no other .pc is seen) into
# $(BUILD)/examples, where tests/integration/sdk.bats runs them. The
# examples' dependency files prove that every header came from the SDK.
SDK_ROOT := $(abspath $(BUILD)/sdk-root)
SDK_CHECK_PREFIX := /usr
EXAMPLES_OUT := $(abspath $(BUILD)/examples)
sdk-check:
	rm -rf $(SDK_ROOT) $(EXAMPLES_OUT)
	$(MAKE) install DESTDIR=$(SDK_ROOT) PREFIX=$(SDK_CHECK_PREFIX)
	$(SDK_ROOT)$(SDK_CHECK_PREFIX)/bin/simvmm --version
	@set -e; src=$$(mktemp -d); trap 'rm -rf "$$src"' EXIT; \
	cp -R examples/. "$$src"; \
	echo "sdk-check: examples/ copied to $$src, built against $(SDK_ROOT) alone"; \
	env -i PATH="$$PATH" \
		PKG_CONFIG_LIBDIR=$(SDK_ROOT)$(SDK_CHECK_PREFIX)/lib/pkgconfig \
		PKG_CONFIG_SYSROOT_DIR=$(SDK_ROOT) \
		$(MAKE) -C "$$src" O=$(EXAMPLES_OUT) CC=$(CC) \
		CFLAGS='-std=gnu11 -Os -Wall -Wextra -Werror' \
		LDFLAGS=-Wl,--fatal-warnings; \
	outside=$$(sed 's/^[^:]*://' $(EXAMPLES_OUT)/*.d | tr ' \\' '\n\n' | \
		grep -v -e '^$$' -e '^$(SDK_ROOT)/' -e '^[A-Za-z0-9_-]*\.c$$' || true); \
	if [ -n "$$outside" ]; then \
		echo "sdk-check: the examples used files outside the SDK:" $$outside >&2; \
		exit 1; \
	fi; \
	echo "sdk-check: ok:" $$(cd $(EXAMPLES_OUT) && ls *.elf *.bin)

# ---- tests ----------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c $(LIBSIMVMM) $(HOST_FLAGS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) -Ilib $(HOST_CFLAGS) -Wno-missing-prototypes \
		$< -o $@ $(LIBSIMVMM) $(HOST_LDFLAGS) -lcmocka

unit-tests: $(UNIT_TESTS) $(FUZZ_REPLAYS)

# A fuzz target replayed over its committed inputs, with the host compiler.
$(BUILD)/tests/test_fuzz_%: fuzz/%.c fuzz/replay.c fuzz/null_log.c fuzz/fuzz.h \
		fuzz/fake_vm.h $(LIBSIMVMM) $(HOST_FLAGS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) -Ilib $(HOST_CFLAGS) -DFUZZ_NAME='"$*"' \
		fuzz/$*.c fuzz/replay.c fuzz/null_log.c -o $@ $(LIBSIMVMM) \
		$(HOST_LDFLAGS)

# Deliberate bugs: prove that ASan/UBSan (tests/sanitizer/) and valgrind
# (tests/valgrind/) reports really turn a test red.
CANARY := $(BUILD)/tests/canary
$(CANARY): tests/canary.c $(HOST_FLAGS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) $< -o $@ $(HOST_LDFLAGS)

# Many VMs in one process (tests/multi/, run by multi.bats): the library
# and the built-in images, linked as any program embedding simvmm would.
MULTI_VM := $(BUILD)/tests/multi_vm
$(MULTI_VM): tests/multi/multi_vm.c $(LIBSIMVMM) \
		$(BUILD)/host/cli/guest_images.o $(HOST_FLAGS) \
		| $(BUILD)/guests/test/hostile_bad_index.bin
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) -Ilib $(HOST_CFLAGS) $< -o $@ \
		$(BUILD)/host/cli/guest_images.o $(LIBSIMVMM) $(HOST_LDFLAGS)

# The same under ThreadSanitizer, library and all, in build-tsan/.
TSAN_BUILD := build-tsan
tsan: deps-test
	$(MAKE) TSAN=1 SANITIZE= USE_POOLING= BUILD=$(TSAN_BUILD) $(TSAN_BUILD)/tests/multi_vm

deps-test:
	@scripts/install-deps test

deps-lint:
	@scripts/install-deps lint

test: deps-test
	$(MAKE) all unit-tests $(CANARY) $(MULTI_VM)
	$(MAKE) sdk-check
	$(MAKE) BUILD=$(BUILD)/pool USE_POOLING=1 $(BUILD)/pool/simvmm
	$(MAKE) tsan
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) KVM=$(KVM) tests/run

# ---- fuzzing: clang + libFuzzer, ASan and UBSan, in build-fuzz/ -------------
FUZZ_BUILD := build-fuzz
FUZZ_CC := clang
FUZZ_TIME ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# vcpu.c's kvm_signal_mask wrapper is a GNU extension clang warns about.
FUZZ_CFLAGS := $(filter-out -O2,$(HOST_CFLAGS)) -O1 \
	-fno-omit-frame-pointer -Wno-gnu-variable-sized-type-not-at-end \
	$(FUZZ_SAN)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/host/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

# The library gets coverage counters; only the targets link libFuzzer.
$(FUZZ_BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(HOST_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-c $< -o $@

$(FUZZ_BUILD)/libsimvmm.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/%.c fuzz/fuzz.h fuzz/fake_vm.h fuzz/null_log.c \
		$(FUZZ_BUILD)/libsimvmm.a
	$(FUZZ_CC) $(HOST_CPPFLAGS) -Ilib $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		fuzz/$*.c fuzz/null_log.c -o $@ $(FUZZ_BUILD)/libsimvmm.a

deps-fuzz:
	@scripts/install-deps fuzz

fuzz-build: deps-fuzz
	$(MAKE) $(FUZZ_BINS)

# Each target fuzzes a scratch copy of its seeds; crashes land in
# build-fuzz/crash/NAME/ and fail the run. Commit a crash input to
# fuzz/regressions/NAME/ once fixed, so make test replays it for ever.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/crash/$$t; \
		echo "fuzz: $$t for $(FUZZ_TIME) s"; \
		$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
			-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_BUILD)/crash/$$t/ \
			$(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t \
			2>$(FUZZ_BUILD)/$$t.log || \
			{ tail -n 40 $(FUZZ_BUILD)/$$t.log; exit 1; }; \
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' \
			$(FUZZ_BUILD)/$$t.log | sed "s/^/fuzz: $$t: /"; \
	done

# ---- lint -------------------------------------------------------------------
CHECKPATCH := .cache/linux-scripts/checkpatch.pl
# volatile stays banned (checkpatch VOLATILE) except where the SIMVIRTIO
# ABI puts it: the assignment's simqueue_t, and the guest driver's window
# pointers (real mode has no atomics on __seg_fs memory).
LINT_VOLATILE_OK := include/simvmm/simqueue.h guests/include/simvirtio_drv.h \
	guests/lib/simvirtio_drv.c
LINT_C := $(filter-out $(LINT_VOLATILE_OK),$(LIB_SRCS) $(CLI_SRCS) \
	$(wildcard lib/*.h lib/devices/*.h cli/*.h \
	include/simvmm/*.h guests/include/*.h guests/*.c guests/lib/*.c \
	guests/test/*.[ch] guests/multiboot/*.c examples/*.c \
	tests/unit/*.c tests/canary.c tests/multi/*.c fuzz/*.c fuzz/*.h))
CHECKPATCH_IGNORE := SPDX_LICENSE_TAG,FILE_PATH_CHANGES,NEW_TYPEDEFS,PREFER_DEFINED_ATTRIBUTE_MACRO,PREFER_KERNEL_TYPES

$(CHECKPATCH):
	@scripts/install-deps lint
	scripts/fetch-checkpatch .cache/linux-scripts

# cppcheck's variableScope is off: kernel style declares locals up top.
lint: deps-lint $(CHECKPATCH)
	$(CHECKPATCH) --no-tree --terse --show-types \
		--ignore $(CHECKPATCH_IGNORE) -f $(LINT_C)
	$(CHECKPATCH) --no-tree --terse --show-types \
		--ignore $(CHECKPATCH_IGNORE),VOLATILE -f $(LINT_VOLATILE_OK)
	@for f in $(LIB_SRCS) $(CLI_SRCS); do \
		echo "sparse $$f"; \
		sparse -Wsparse-error $(HOST_CPPFLAGS) -Ilib $$f || exit 1; \
	done
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --std=c11 \
		--suppress=variableScope \
		-D__x86_64__ -D__linux__ -Iinclude -Ilib -Iguests/include \
		$(LIB_SRCS) $(CLI_SRCS) \
		$(wildcard guests/*.c guests/lib/*.c guests/test/*.c \
		guests/multiboot/*.c fuzz/*.c \
		tests/multi/*.c examples/*.c)
	@echo "lint: clean"

# ---- benchmarks (bench/: not part of simvmm) ------------------------------
.PHONY: bench bench-build deps-bench lint-bench
BENCH_OUT := $(BUILD)/bench
BENCH_BIN := $(BENCH_OUT)/bench
RAWKVM := $(BENCH_OUT)/rawkvm
RAW_OBJ := $(BUILD)/host/bench/raw.o

$(BENCH_BIN): $(BUILD)/host/bench/bench.o $(RAW_OBJ) $(LIBSIMVMM)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_LDFLAGS) -o $@ $^

$(RAWKVM): $(BUILD)/host/bench/rawkvm.o $(RAW_OBJ) $(BUILD)/host/cli/guest_images.o
	@mkdir -p $(dir $@)
	$(CC) $(HOST_LDFLAGS) -o $@ $^

# Build without running: CI keeps bench/ compiling without timing anything.
bench-build: $(SIMVMM) $(BENCH_BIN) $(RAWKVM)

deps-bench:
	@scripts/install-deps bench

# bench/ is linted like the rest, as a step of its own.
BENCH_SRCS := bench/bench.c bench/raw.c bench/rawkvm.c
lint: lint-bench
lint-bench: deps-lint $(CHECKPATCH)
	$(CHECKPATCH) --no-tree --terse --show-types \
		--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,NEW_TYPEDEFS,PREFER_DEFINED_ATTRIBUTE_MACRO,PREFER_KERNEL_TYPES \
		-f $(BENCH_SRCS) $(wildcard bench/*.h)
	@for f in $(BENCH_SRCS); do \
		echo "sparse $$f"; \
		sparse -Wsparse-error $(HOST_CPPFLAGS) -Ilib $$f || exit 1; \
	done
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --std=c11 \
		--suppress=variableScope -D__x86_64__ -D__linux__ -Iinclude -Ilib \
		$(BENCH_SRCS)

bench: deps-bench $(SIMVMM) $(BENCH_BIN) $(RAWKVM) $(TEST_GUEST_BINS)
	$(BENCH_BIN) $(SIMVMM) $(RAWKVM) $(BUILD)/guests/test $(BENCH_OUT)
	gnuplot -e "datafile='$(BENCH_OUT)/ratios.dat'; outfile='$(BENCH_OUT)/ratios.svg'" bench/plot.gp
	gnuplot -e "datafile='$(BENCH_OUT)/transports.dat'; outfile='$(BENCH_OUT)/transports.svg'" bench/transports.gp
	@echo "bench: results in $(BENCH_OUT)/results.md, results.json, ratios.svg, transports.svg"

clean:
	rm -rf $(BUILD) build-san build-fuzz $(TSAN_BUILD)

# Not the examples' own: they belong to examples/Makefile (sdk-check).
-include $(shell find $(BUILD) $(FUZZ_BUILD) -path $(BUILD)/examples -prune \
	-o -name '*.d' -print 2>/dev/null)
