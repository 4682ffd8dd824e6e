#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Multiboot (v1) kernels: guests/multiboot/ is a kernel written as hobby
# kernels are, linked at 1 MiB, with nothing of simvmm's in it, built as
# an ELF and as a flat binary whose header gives the load addresses. It
# prints what its loader handed it. Both run without --mode or --memory;
# the ELF's report matches QEMU's -kernel line for line where the two
# loaders must agree. Broken headers (patched copies) are refused with
# status 2 and one message; those refused before a VM exists run anywhere.

bats_require_minimum_version 1.5.0
load helpers

MB=$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests/multiboot
ELF=$MB/kernel.elf
AOUT=$MB/kernel-aout.bin
ELF64=$MB/kernel64.elf

# What the kernel prints on the given RAM (KiB above 1 MiB, and the map's
# lines), for the command line $1.
report() {
	local cmdline=$1 upper=$2
	shift 2
	cat <<OUT
multiboot: magic 0x2badb002 ok
cpu: protected mode, paging off
eflags: IF and VM clear
mem: lower 640 KiB, upper $upper KiB
cmdline: $cmdline
loader: $("$SIMVMM" --version)
OUT
	printf '%s\n' "$@"
	printf 'data: ok\nbss: zero\n'
}

MAP64=("mmap: 0x000000000 + 0x0000a0000 available"
       "mmap: 0x0000a0000 + 0x000060000 reserved"
       "mmap: 0x000100000 + 0x003f00000 available"
       "mmap: 0x0c0000000 + 0x000002000 reserved")

# --- boots (KVM) -----------------------------------------------------------

@test "an ELF Multiboot kernel linked at 1 MiB runs with no --mode or --memory" {
	require_kvm
	run_split "$SIMVMM" run "$ELF"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(report "$ELF" 64512 "${MAP64[@]}")" ]
	[[ "$stderr" == *"simvmm: running $ELF (Multiboot) in protected mode, 65536 KiB RAM"* ]]
	[[ "$stderr" == *"simvmm: guest exited with status 0"* ]]
}

@test "a flat Multiboot kernel loads by its header's addresses, with --cmdline" {
	require_kvm
	run_split "$SIMVMM" run --cmdline "console=e9 quiet x=1" "$AOUT"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(report "$AOUT console=e9 quiet x=1" 64512 "${MAP64[@]}")" ]
}

@test "an ELF64 Multiboot kernel with a 32-bit entry runs, as GRUB 2 loads it" {
	require_kvm
	run_split "$SIMVMM" run "$ELF64"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(report "$ELF64" 64512 "${MAP64[@]}")" ]
	[[ "$stderr" == *"running $ELF64 (Multiboot) in protected mode"* ]]
}

@test "--memory 2M: the information gives that RAM and the map around it" {
	require_kvm
	run_split "$SIMVMM" run -m 2M "$ELF"
	[ "$status" -eq 0 ]
	[ "$output" = "$(report "$ELF" 1024 \
		"mmap: 0x000000000 + 0x0000a0000 available" \
		"mmap: 0x0000a0000 + 0x000060000 reserved" \
		"mmap: 0x000100000 + 0x000100000 available" \
		"mmap: 0x0c0000000 + 0x000002000 reserved")" ]
}

@test "--mode protected is accepted, and --count runs several kernels" {
	require_kvm
	run_split "$SIMVMM" run --mode protected --count 3 "$AOUT"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"3 VMs: 3 passed, 0 failed"* ]]
	# Three reports on one console: bytes may interleave, all are there.
	one=$(report "$AOUT" 64512 "${MAP64[@]}")
	want=$(printf '%s\n%s\n%s\n' "$one" "$one" "$one" | fold -w1 | sort | tr -d '\n')
	[ "$(fold -w1 <<<"$output" | sort | tr -d '\n')" = "$want" ]
}

@test "with --memory 1M the kernel at 1 MiB is refused: the devices sit there (2)" {
	require_kvm
	run_split "$SIMVMM" run -m 1M "$ELF"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"ELF image '$ELF': PT_LOAD 0 at [0x100000, "*") overlaps the device window at 0x100000, which is MMIO, never RAM; link it inside RAM [0x0, 0x100000), or give --memory above 1M for RAM at 1 MiB"* ]]
	run_split "$SIMVMM" run -m 1M "$AOUT"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Multiboot kernel '$AOUT': loads [0x100000, 0x"*"), over the device window at 0x100000, which is MMIO, never RAM; link it inside RAM [0x0, 0x100000), or give --memory above 1M for RAM at 1 MiB"* ]]
}

@test "a kernel past the end of RAM is refused (2)" {
	require_kvm
	run_split "$SIMVMM" run -m 1028K "$AOUT"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Multiboot kernel '$AOUT': loads [0x100000, 0x"*"), but RAM is [0x0, 0x101000); raise --memory"* ]]
}

@test "a kernel over the Multiboot information or the GDT is refused (2)" {
	require_kvm
	local at
	for at in 0x9000:information 0x400:GDT/TSS; do
		# Move the whole load range down to ${at%%:*}.
		patch_bytes "$AOUT" "$BATS_TEST_TMPDIR/low" "
d = g32(16) - ${at%%:*}
for o in (12, 16, 20, 24, 28): u32(o, g32(o) - d)"
		run_split "$SIMVMM" run "$BATS_TEST_TMPDIR/low"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"the kernel at [${at%%:*}, "*") overlaps the "*"${at#*:}"*"; link it at 1 MiB"* ]]
	done
}

@test "a magic with a wrong checksum is no header: the ELF runs as a plain ELF" {
	require_kvm
	patch_bytes "$ELF" "$BATS_TEST_TMPDIR/k.elf" 'u32(0x1008, g32(0x1008) + 1)'
	run_split "$SIMVMM" run --memory 2M "$BATS_TEST_TMPDIR/k.elf"
	echo "$stderr"
	# Entered with no Multiboot hand-over, the kernel says so and fails.
	[ "$status" -eq 1 ]
	[[ "$output" == "multiboot: magic 0x"*" WRONG" ]]
	[[ "$stderr" == *"has the Multiboot magic at offset 0x1000, but its checksum is wrong (magic + flags + checksum must be 0), so it is not run as a Multiboot kernel"* ]]
	[[ "$stderr" == *"running $BATS_TEST_TMPDIR/k.elf in protected mode"* ]]
}

@test "a video mode request is warned about and the kernel still runs" {
	require_kvm
	patch_bytes "$AOUT" "$BATS_TEST_TMPDIR/v" 'u32(4, g32(4) | 4); mb_sum(0)'
	run_split "$SIMVMM" run "$BATS_TEST_TMPDIR/v"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"asks for a video mode; simvmm has no display, so it gets none (as with QEMU)"* ]]
	[[ "$output" == *"bss: zero" ]]
}

# The same kernel under QEMU's own Multiboot loader: the lines both
# loaders must get right are the same (the map, sizes and name differ).
@test "the ELF kernel's report matches QEMU -kernel's where Multiboot fixes it" {
	if ! command -v qemu-system-i386 >/dev/null; then
		[ "${SIMVMM_REQUIRE_KVM:-0}" = 1 ] &&
			{ echo "qemu-system-i386 is missing (scripts/install-deps vmbox)" >&2; return 1; }
		skip "needs qemu-system-i386"
	fi
	require_kvm
	local keep='^(multiboot|cpu|eflags|cmdline|data|bss):'
	run timeout 120 qemu-system-i386 -kernel "$ELF" -append "a=1 b" -m 64 \
		-display none -nodefaults -no-reboot \
		-device isa-debugcon,iobase=0xe9,chardev=c -chardev stdio,id=c \
		-device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null
	# isa-debug-exit exits with (status << 1) | 1.
	[ "$status" -eq 1 ]
	qemu=$(grep -E "$keep" <<<"$output")
	[[ "$output" == *"loader: qemu"* ]]
	run_split "$SIMVMM" run --cmdline "a=1 b" "$ELF"
	[ "$status" -eq 0 ]
	[ "$(grep -E "$keep" <<<"$output")" = "$qemu" ]
	[ "$(grep -cE "$keep" <<<"$output")" -eq 6 ]
}

# --- refused before any VM exists (anywhere) ------------------------------

@test "options a Multiboot kernel's header overrides are refused (2)" {
	run_split "$SIMVMM" run --mode long "$ELF"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'$ELF' is a Multiboot kernel, which starts in protected mode as the Multiboot specification says; drop --mode"* ]]
	for o in "--load-addr 0x100000" "--entry 0x100000"; do
		# shellcheck disable=SC2086
		run_split "$SIMVMM" run $o "$AOUT"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"'$AOUT' is a Multiboot kernel: its header says where it loads and starts; drop --load-addr and --entry"* ]]
	done
}

@test "--cmdline is only for Multiboot kernels, and at most 2047 bytes (2)" {
	run_split "$SIMVMM" run --cmdline x hello64
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--cmdline is for Multiboot kernels; built-in guest 'hello64' is not one"* ]]
	flat=$(image flat '\xf4')
	run_split "$SIMVMM" run --mode long --cmdline x "$flat"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--cmdline is for Multiboot kernels, and '$flat' has no Multiboot header"* ]]
	run_split "$SIMVMM" run --cmdline "$(printf 'a%.0s' $(seq 2048))" "$ELF"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"is too long: a Multiboot command line holds at most 2047 bytes, the kernel's path included"* ]]
}

@test "a long --cmdline that fits alone but not after the path is refused (2)" {
	require_kvm
	run_split "$SIMVMM" run --cmdline "$(printf 'a%.0s' $(seq 2040))" "$ELF"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"the command line (the kernel's path, a space and --cmdline) is "*" bytes, more than the 2047 that fit; shorten --cmdline"* ]]
}

@test "a flat file whose magic has a wrong checksum is a flat image" {
	patch_bytes "$AOUT" "$BATS_TEST_TMPDIR/f" 'u32(8, g32(8) ^ 1)'
	run_split "$SIMVMM" run "$BATS_TEST_TMPDIR/f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"has the Multiboot magic at offset 0x0, but its checksum is wrong"* ]]
	[[ "$stderr" == *"flat image '$BATS_TEST_TMPDIR/f' needs --mode"* ]]
}

@test "every bad Multiboot header is refused with its reason (2)" {
	local c
	# FIELD-PATCH@@MESSAGE: header at 0, flags 4, header_addr 12,
	# load_addr 16, load_end 20, bss_end 24, entry 28.
	for c in \
		'u32(4, g32(4) | 8); mb_sum(0)@@its header flags 0x0001000b require features simvmm does not know (bits 0x0008 of the required 0-15)' \
		'u32(16, g32(12) + 4)@@load_addr 0x100004 is above header_addr 0x100000' \
		'u32(16, g32(12) - 4)@@header_addr 0x100000 - load_addr 0xffffc = 0x4 bytes before the header, but the header is at file offset 0x0' \
		'u32(20, g32(16))@@load_end_addr 0x100000 is not above load_addr 0x100000' \
		'u32(20, g32(16) + 0x100000)@@load_end_addr 0x200000 asks for 0x100000 bytes from file offset 0x0, but the file has only 0x' \
		'u32(24, g32(20) - 1)@@bss_end_addr 0x'"*"' is below the end of the loaded bytes' \
		'u32(28, g32(16) - 1)@@entry_addr 0xfffff is outside the loaded bytes [0x100000, 0x' \
		'u32(4, g32(4) & ~0x10000); mb_sum(0)@@its header has no address fields (flag 16 clear), so it must be an ELF file, and it is not'
	do
		patch_bytes "$AOUT" "$BATS_TEST_TMPDIR/bad" "${c%%@@*}"
		run_split "$SIMVMM" run "$BATS_TEST_TMPDIR/bad"
		echo "case: ${c%%@@*}: $stderr"
		[ "$status" -eq 2 ]
		# shellcheck disable=SC2053
		[[ "$stderr" == "simvmm: error: Multiboot kernel '$BATS_TEST_TMPDIR/bad': "${c#*@@}* ]]
	done
}
