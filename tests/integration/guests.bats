#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Booting real guests: the built-ins, hand-made flat images, and every way
# a guest can end. Each test checks the exit status and the exact output.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_kvm
}

@test "hello16 (real mode) prints Hello, world! and passes the check" {
	run --separate-stderr "$SIMVMM" run hello16
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"running hello16 in real mode"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "hello32 (protected mode) prints Hello, world! and passes the check" {
	run --separate-stderr "$SIMVMM" run hello32
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"running hello32 in protected mode"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "hello64 (long mode) prints Hello, world! and passes the check" {
	run --separate-stderr "$SIMVMM" run hello64
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"running hello64 in long mode"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "hello64 stdout is exactly the guest's bytes, newline included" {
	out=$("$SIMVMM" run hello64 2>/dev/null | od -An -c | tr -s ' ')
	[ "$out" = " H e l l o , w o r l d ! \\n" ]
}

@test "--quiet leaves stderr empty on success" {
	run --separate-stderr "$SIMVMM" run --quiet hello32
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[ -z "$stderr" ]
}

@test "hello64 runs in the large map, 64M of RAM in one piece (--memory 64M)" {
	run --separate-stderr "$SIMVMM" run --memory 64M hello64
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"65536 KiB RAM"* ]]
}

@test "hello16 runs in the smallest guest (--memory 64K)" {
	run --separate-stderr "$SIMVMM" run --memory 64K hello16
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
}

@test "a flat real-mode image written here prints a character and halts" {
	# mov al,'A'; out 0xe9,al; hlt
	img=$(image a.bin '\xb0\x41\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$output" = "A" ]
	[[ "$stderr" == *"guest halted"* ]]
}

@test "an image at another --load-addr and --entry runs there" {
	# nop; mov al,'B'; out 0xe9,al; hlt -- entered past the nop
	img=$(image b.bin '\x90\xb0\x42\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real --load-addr 0x9000 \
		--entry 0x9001 "$img"
	[ "$status" -eq 0 ]
	[ "$output" = "B" ]
}

@test "a protected-mode image runs with --mode 32" {
	# mov al,'P'; out 0xe9,al; hlt
	img=$(image p.bin '\xb0\x50\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode 32 "$img"
	[ "$status" -eq 0 ]
	[ "$output" = "P" ]
}

@test "--check on an image that does not store 42 fails (1)" {
	# mov eax,42 (but nothing at 0x400); hlt -- in long mode
	img=$(image c.bin '\xb8\x2a\x00\x00\x00\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --check "$img"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"check failed: RAX=42 and [0x400]=0, expected both 42"* ]]
}

@test "--check passes for an image that follows the contract" {
	# mov dword [0x400],42; mov eax,42; hlt -- in long mode
	img=$(image ok.bin '\xc7\x04\x25\x00\x04\x00\x00\x2a\x00\x00\x00\xb8\x2a\x00\x00\x00\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --check "$img"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "--no-check turns a built-in guest's check off" {
	run --separate-stderr "$SIMVMM" run --no-check hello64
	[ "$status" -eq 0 ]
	[[ "$stderr" != *verified* ]]
	[[ "$stderr" == *"guest halted"* ]]
}

@test "exit port: status 0 is success" {
	# xor eax,eax; out 0xf4,eax
	img=$(image e0.bin '\x66\x31\xc0\x66\xe7\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"guest exited with status 0"* ]]
}

@test "exit port: a non-zero status is a guest failure (1)" {
	# mov al,7; out 0xf4,al
	img=$(image e7.bin '\xb0\x07\xe6\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"guest reported failure: status 7 on the exit port"* ]]
}

@test "unassigned ports read as all-ones and writes are ignored" {
	# out 0x80,al; in al,0x80; out 0xe9,al; hlt
	img=$(image u.bin '\xe6\x80\xe4\x80\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | od -An -tx1 | tr -d ' ')" = ff ]
}

@test "unassigned MMIO reads as all-ones" {
	# long mode: movabs al,[0x180000] (past the 1 MiB of RAM and the
	# device window, which no device holds without --simvirtio anyway);
	# out 0xe9,al; hlt
	img=$(image m.bin '\xa0\x00\x00\x18\x00\x00\x00\x00\x00\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode long "$img"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$output" | od -An -tx1 | tr -d ' ')" = ff ]
}

@test "string I/O (rep outsb) prints every byte" {
	# real mode: mov si,0x800c; mov cx,3; mov dx,0xe9; rep outsb; hlt; "xyz"
	img=$(image s.bin '\xbe\x0e\x80\xb9\x03\x00\xba\xe9\x00\xf3\x6e\xf4\x90\x90xyz')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$output" = "xyz" ]
}

@test "triple fault: KVM_EXIT_SHUTDOWN named, registers dumped and said what they are (1)" {
	# ud2 with no IDT
	img=$(image ud2.bin '\x0f\x0b')
	run --separate-stderr "$SIMVMM" run --mode long "$img"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	grep -qxF "simvmm: error: guest stopped by KVM_EXIT_SHUTDOWN" <<<"$stderr"
	grep -qxF "  the guest triple-faulted (an exception it could not handle)" <<<"$stderr"
	[[ "$stderr" == *"rip=0x"* ]]
	[[ "$stderr" == *"cr0="* ]]
	# Which registers a KVM leaves after a shutdown is its own (on AMD
	# it resets the vCPU): the report must say which, and truly.
	[ "$(grep -c '^  registers after the shutdown: ' <<<"$stderr")" -eq 1 ]
	if [[ "$stderr" == *"this KVM reset the vCPU"* ]]; then
		[[ "$stderr" == *"  rip=0x000000000000fff0 "* ]]
		[[ "$stderr" == *"  cs  sel=0xf000 base=0xffff0000 "* ]]
	else
		[[ "$stderr" == *"registers after the shutdown: not the reset state, so likely the faulting ones; but a KVM may reset the vCPU on a shutdown, so they need not be"* ]]
		[[ "$stderr" != *"  rip=0x000000000000fff0 "* ]]
	fi
}

@test "--timeout stops a guest spinning with interrupts off (1)" {
	# cli; jmp $
	img=$(image spin.bin '\xfa\xeb\xfe')
	start=$(date +%s%N)
	run --separate-stderr "$SIMVMM" run --mode long --timeout 0.5 "$img"
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"guest still running after the 0.5 s timeout; stopped it"* ]]
	# Between two instructions (KVM finishes an access before it takes
	# a signal): the guest's own registers, so no note says otherwise.
	[[ "$stderr" == *"rip=0x000000000000800"* ]]
	[[ "$stderr" != *"registers as KVM left them"* ]]
	# Promptly: well under the 10 s a wedged run would take.
	[ "$elapsed" -lt 10000 ]
}

@test "--timeout 1 stops a real-mode infinite loop (1)" {
	img=$(image loop.bin '\xeb\xfe')
	run --separate-stderr "$SIMVMM" run --mode real --timeout 1 "$img"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"after the 1 s timeout"* ]]
}

@test "SIGTERM stops a running guest with status 143" {
	img=$(image loop.bin '\xeb\xfe')
	stop_with TERM --mode long "$img"
	[ "$rc" -eq 143 ]
	grep -q "stopped by signal 15 (Terminated)" "$BATS_TEST_TMPDIR/err"
}

@test "SIGINT stops a running guest with status 130" {
	img=$(image loop.bin '\xeb\xfe')
	stop_with INT --mode real "$img"
	[ "$rc" -eq 130 ]
	grep -q "stopped by signal 2 (Interrupt)" "$BATS_TEST_TMPDIR/err"
}

@test "an image overlapping the long-mode page tables is refused (2)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --load-addr 0x2000 "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"overlaps the long-mode GDT/page tables at [0x600, 0x7000); load it at or above 0x7000"* ]]
}

@test "the same address is fine in real mode, which needs no tables" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode real --load-addr 0x2000 "$img"
	[ "$status" -eq 0 ]
}

@test "a load address in the device window at 0x100000 (--memory 1M) is refused (2)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --memory 1M \
		--load-addr 0x100000 "$img"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	grep -qxF "simvmm: error: load address 0x100000 is not guest RAM (RAM is [0x0, 0x100000)); pick another --load-addr or raise --memory" <<<"$stderr"
	[[ "$stderr" != *running* ]]
}

@test "an image running past the end of RAM is refused (2)" {
	img=$BATS_TEST_TMPDIR/big.bin
	head -c 4096 /dev/zero >"$img"
	run --separate-stderr "$SIMVMM" run --mode real --memory 64K \
		--load-addr 0xf800 "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"only 2048 bytes of RAM follow load address 0xf800"* ]]
}

@test "a real-mode entry above 0xffff is refused (2)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode real --load-addr 0x10000 "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"real-mode entry point 0x10000 is above 0xffff"* ]]
}

# --- the large memory map: RAM above 1 MiB in one piece ------------------------

@test "a flat image at --load-addr 0x100000 runs with --memory 2M" {
	# mov al,'M'; out 0xe9,al; hlt -- entered at its load address
	img=$(image m.bin '\xb0\x4d\xe6\xe9\xf4')
	for m in protected long; do
		run --separate-stderr "$SIMVMM" run --mode "$m" --memory 2M \
			--load-addr 0x100000 "$img"
		[ "$status" -eq 0 ]
		[ "$output" = M ]
		[[ "$stderr" == *"guest halted"* ]]
	done
}

@test "a flat image loaded at 1 MiB without --memory gets 64M of RAM" {
	img=$(image m.bin '\xb0\x4d\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --load-addr 0x100000 \
		"$img"
	[ "$status" -eq 0 ]
	[ "$output" = M ]
	[[ "$stderr" == *"65536 KiB RAM"* ]]
}

@test "a load address at the large map's device window (0xc0000000) is refused (2)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --memory 2M \
		--load-addr 0xc0000000 "$img"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	grep -qxF "simvmm: error: load address 0xc0000000 is not guest RAM (RAM is [0x0, 0x200000)); pick another --load-addr or raise --memory" <<<"$stderr"
	[[ "$stderr" != *running* ]]
}
