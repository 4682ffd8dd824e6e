#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Hostile guests: each small guest breaks one rule of the platform and
# each test asserts the exact outcome the rule promises (docs/security.md).
# Guest bytes are assembled from the instructions in the comment above.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_kvm
}

# The guest's stdout from the last run, as hex bytes.
out_hex() {
	printf '%s' "$output" | od -An -tx1 | tr -d ' \n'
}

# --- port I/O --------------------------------------------------------------

@test "a 16-bit OUT to the 1-byte console is dropped; a 16-bit IN reads all-ones" {
	# mov dx,0xe9; mov ax,0x4241; out dx,ax; in ax,dx; mov al,ah;
	# out dx,al; hlt
	img=$(image a.bin '\xba\xe9\x00\xb8\x41\x42\xef\xed\x88\xe0\xee\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = ff ]
}

@test "a 32-bit IN straddling into the console (0xe8-0xeb) reads all-ones" {
	# mov dx,0xe8; in eax,dx; out 0xe9,al; shr eax,24; out 0xe9,al; hlt
	img=$(image a.bin '\xba\xe8\x00\x66\xed\xe6\xe9\x66\xc1\xe8\x18\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = ffff ]
}

@test "exit port reads return the byte lanes of its magic at 0xf4-0xf7" {
	# in eax,0xf4; out 0xe9,al; in al,0xf5; out 0xe9,al;
	# in al,0xf6; out 0xe9,al; in al,0xf7; out 0xe9,al; hlt
	img=$(image a.bin '\x66\xe5\xf4\xe6\xe9\xe4\xf5\xe6\xe9\xe4\xf6\xe6\xe9\xe4\xf7\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = 4d4d5653 ]
}

@test "a write to 0xf5, inside the exit port but not its base, is ignored" {
	# mov al,0; out 0xf5,al; mov al,'X'; out 0xe9,al; hlt
	img=$(image a.bin '\xb0\x00\xe6\xf5\xb0\x58\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$output" = X ]
	[[ "$stderr" == *"guest halted"* ]]
	[[ "$stderr" != *"exited"* ]]
}

@test "a 32-bit OUT straddling the end of the exit port (0xf6-0xf9) is ignored" {
	# mov dx,0xf6; xor eax,eax; out dx,eax; mov al,'Y'; out 0xe9,al; hlt
	img=$(image a.bin '\xba\xf6\x00\x66\x31\xc0\x66\xef\xb0\x59\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$output" = Y ]
}

@test "exit port: the full 32-bit status 0xffffffff is reported as is (1)" {
	# mov eax,-1; out 0xf4,eax
	img=$(image a.bin '\x66\xb8\xff\xff\xff\xff\x66\xe7\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"guest reported failure: status 4294967295 on the exit port"* ]]
}

@test "32-bit I/O at the last ports (0xffff, 0xfffe) reads all-ones, writes nothing" {
	# mov dx,0xffff; in eax,dx; out 0xe9,al; mov dx,0xfffe; out dx,eax;
	# mov al,'Z'; out 0xe9,al; hlt
	img=$(image a.bin '\xba\xff\xff\x66\xed\xe6\xe9\xba\xfe\xff\x66\xef\xb0\x5a\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = ff5a ]
}

@test "rep insb from the console fills guest memory with 0xe9, count 5" {
	# mov di,0x9000; mov cx,5; mov dx,0xe9; rep insb;
	# mov si,0x9000; mov cx,5; rep outsb; hlt
	img=$(image a.bin '\xbf\x00\x90\xb9\x05\x00\xba\xe9\x00\xf3\x6c\xbe\x00\x90\xb9\x05\x00\xf3\x6e\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = e9e9e9e9e9 ]
}

@test "rep insd from an unassigned port stores all-ones, count 3 x 4 bytes" {
	# mov di,0x9000; mov cx,3; mov dx,0x80; rep insd;
	# mov si,0x9000; mov cx,12; mov dx,0xe9; rep outsb; hlt
	img=$(image a.bin '\xbf\x00\x90\xb9\x03\x00\xba\x80\x00\x66\xf3\x6d\xbe\x00\x90\xb9\x0c\x00\xba\xe9\x00\xf3\x6e\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = ffffffffffffffffffffffff ]
}

@test "rep outsw to the 1-byte console drops every element, count 4" {
	# mov si,0x8000; mov cx,4; mov dx,0xe9; rep outsw; mov al,'.';
	# out 0xe9,al; hlt
	img=$(image a.bin '\xbe\x00\x80\xb9\x04\x00\xba\xe9\x00\xf3\x6f\xb0\x2e\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$output" = . ]
}

@test "rep outsb of 10000 bytes across pages prints every byte once" {
	# mov ax,0x1000; mov es,ax; mov ds,ax; xor di,di; mov cx,10000;
	# mov al,'z'; rep stosb; xor si,si; mov cx,10000; mov dx,0xe9;
	# rep outsb; hlt
	img=$(image a.bin '\xb8\x00\x10\x8e\xc0\x8e\xd8\x31\xff\xb9\x10\x27\xb0\x7a\xf3\xaa\x31\xf6\xb9\x10\x27\xba\xe9\x00\xf3\x6e\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "${#output}" -eq 10000 ]
	[ -z "${output//z/}" ]
}

# --- MMIO and RAM boundaries -------------------------------------------------

@test "a read straddling the end of RAM: RAM bytes, then all-ones" {
	# With 512K, [0x80000, 0x100000) is neither RAM nor a device.
	# long mode: mov word [0x7fffe],0x4241; mov ebx,[0x7fffe];
	# 4 x (mov al,bl; out 0xe9,al; shr ebx,8); hlt
	img=$(image a.bin '\x66\xc7\x04\x25\xfe\xff\x07\x00\x41\x42\x8b\x1c\x25\xfe\xff\x07\x00\x88\xd8\xe6\xe9\xc1\xeb\x08\x88\xd8\xe6\xe9\xc1\xeb\x08\x88\xd8\xe6\xe9\xc1\xeb\x08\x88\xd8\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --memory 512K "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = 4142ffff ]
}

@test "a write straddling the end of RAM stores only its RAM part" {
	# long mode, 512K: mov dword [0x7fffe],0x44434241; mov bx,[0x7fffe];
	# mov al,bl; out 0xe9,al; mov al,bh; out 0xe9,al; hlt
	img=$(image a.bin '\xc7\x04\x25\xfe\xff\x07\x00\x41\x42\x43\x44\x66\x8b\x1c\x25\xfe\xff\x07\x00\x88\xd8\xe6\xe9\x88\xf8\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --memory 512K "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = 4142 ]
}

@test "a qword read straddling the end of RAM in the large map (--memory 2M)" {
	# RAM is [0, 0x200000) in one piece; above it nothing until the
	# device window at 0xc0000000.
	# long mode: mov dword [0x1ffffc],0x44434241; mov rbx,[0x1ffffc];
	# 8 x (mov al,bl; out 0xe9,al; shr rbx,8); hlt
	img=$(image a.bin '\xc7\x04\x25\xfc\xff\x1f\x00\x41\x42\x43\x44\x48\x8b\x1c\x25\xfc\xff\x1f\x00\xb9\x08\x00\x00\x00\x88\xd8\xe6\xe9\x48\xc1\xeb\x08\xe2\xf6\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --memory 2M "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = 41424344ffffffff ]
}

@test "MMIO reads at the top of the 4 GiB map (qword and last byte) are all-ones" {
	# long mode: mov eax,0xfffffff8; mov rbx,[rax]; print 8 bytes;
	# mov eax,0xffffffff; mov bl,[rax]; mov al,bl; out 0xe9,al; hlt
	img=$(image a.bin '\xb8\xf8\xff\xff\xff\x48\x8b\x18\xb9\x08\x00\x00\x00\x88\xd8\xe6\xe9\x48\xc1\xeb\x08\xe2\xf6\xb8\xff\xff\xff\xff\x8a\x18\x88\xd8\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode long "$img"
	[ "$status" -eq 0 ]
	[ "$(out_hex)" = ffffffffffffffffff ]
}

@test "an access past the 4 GiB identity map triple-faults (1)" {
	# long mode: mov rax,0x100000000; mov bl,[rax]; hlt
	img=$(image a.bin '\x48\xb8\x00\x00\x00\x00\x01\x00\x00\x00\x8a\x18\xf4')
	run --separate-stderr "$SIMVMM" run --mode long "$img"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	# The fault, not the hlt after it, ended the run. Where RIP is after
	# a shutdown depends on the KVM (AMD resets the vCPU): not pinned.
	grep -qxF "simvmm: error: guest stopped by KVM_EXIT_SHUTDOWN" <<<"$stderr"
	[[ "$stderr" == *"triple-faulted"* ]]
	[[ "$stderr" == *"  registers after the shutdown: "* ]]
	[[ "$stderr" != *"guest halted"* ]]
}

@test "executing from the device window at 0x100000 (1 MiB of RAM) is an emulation failure, reported (1)" {
	# The assignment's map: RAM ends at 1 MiB, where the window begins.
	# long mode: mov eax,0x100000; jmp rax
	img=$(image a.bin '\xb8\x00\x00\x10\x00\xff\xe0')
	run --separate-stderr "$SIMVMM" run --mode long "$img"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"guest stopped by KVM_EXIT_INTERNAL_ERROR at RIP=0x100000"* ]]
	[[ "$stderr" == *"suberror=1 (instruction emulation failed)"* ]]
	[[ "$stderr" == *"rip=0x0000000000100000"* ]]
}

# --- console flood (--console-limit) -----------------------------------------

@test "a flooding guest is stopped after exactly --console-limit bytes (1)" {
	# real mode: l: mov al,'x'; out 0xe9,al; jmp l
	img=$(image a.bin '\xb0\x78\xe6\xe9\xeb\xfa')
	run --separate-stderr "$SIMVMM" run --mode real --console-limit 10 "$img"
	[ "$status" -eq 1 ]
	[ "$output" = xxxxxxxxxx ]
	[[ "$stderr" == *"guest wrote more than 10 bytes to the debug console; stopped it (raise --console-limit, 0 = no limit)"* ]]
	# simvmm completes the stopped OUT before it reads RIP, so on every
	# KVM RIP is the architectural one: the jmp after the OUT at 0x8002.
	grep -qxF "  at RIP=0x8004, the guest's next instruction (KVM completed the access)" <<<"$stderr"
	[ "$(grep -c 'more than' <<<"$stderr")" -eq 1 ]
}

@test "exactly --console-limit bytes is still fine" {
	# mov cx,10; l: mov al,'x'; out 0xe9,al; loop l; hlt
	img=$(image a.bin '\xb9\x0a\x00\xb0\x78\xe6\xe9\xe2\xfa\xf4')
	run --separate-stderr "$SIMVMM" run --mode real --console-limit 10 "$img"
	[ "$status" -eq 0 ]
	[ "$output" = xxxxxxxxxx ]
}

@test "the default console limit is 1 MiB, for string I/O floods too (1)" {
	# l: mov si,0x8000; mov cx,0x8000; mov dx,0xe9; rep outsb; jmp l
	img=$(image a.bin '\xbe\x00\x80\xb9\x00\x80\xba\xe9\x00\xf3\x6e\xeb\xf3')
	run --separate-stderr bash -c '"$0" "$@" >"$BATS_TEST_TMPDIR/out"' \
		"$SIMVMM" run --mode real "$img"
	[ "$status" -eq 1 ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out")" -eq 1048576 ]
	[[ "$stderr" == *"more than 1048576 bytes to the debug console"* ]]
}

@test "--console-limit 0 lets a guest print more than 1 MiB" {
	# mov bx,33; l: mov si,0x8000; mov cx,0x8000; mov dx,0xe9;
	# rep outsb; dec bx; jnz l; mov al,'!'; out dx,al; hlt
	img=$(image a.bin '\xbb\x21\x00\xbe\x00\x80\xb9\x00\x80\xba\xe9\x00\xf3\x6e\x4b\x75\xf2\xb0\x21\xee\xf4')
	run --separate-stderr bash -c '"$0" "$@" >"$BATS_TEST_TMPDIR/out"' \
		"$SIMVMM" run --mode real --console-limit 0 "$img"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out")" -eq $((33 * 32768 + 1)) ]
	[ "$(tail -c 1 "$BATS_TEST_TMPDIR/out")" = "!" ]
}

@test "a failing stdout drops the guest's output with one warning; the run goes on" {
	# /dev/full fails every write with ENOSPC, deterministically.
	run --separate-stderr bash -c 'exec "$0" "$@" >/dev/full' \
		"$SIMVMM" run hello64
	[ "$status" -eq 0 ]
	[ "$(grep -c 'writing guest output to --console (stdout) failed (No space left on device); dropping it from here on' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

# --- command-line extremes that reach KVM ------------------------------------

@test "the largest guest (--memory 3G) and the smallest (64K) both run" {
	run --separate-stderr "$SIMVMM" run --memory 3G hello64
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"3145728 KiB RAM"* ]]
	run --separate-stderr "$SIMVMM" run --memory 0x10000 hello16
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
}

@test "--load-addr at the top of the address space is refused (2)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode long \
		--load-addr 0xffffffffffffffff "$img"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"load address 0xffffffffffffffff is not guest RAM"* ]]
}

@test "an image that ends exactly at the end of RAM is accepted" {
	# 4095 x nop, hlt: loaded at 0xf000 in 64K of RAM, last byte 0xffff
	img=$BATS_TEST_TMPDIR/fill.bin
	{ head -c 4095 /dev/zero | tr '\0' '\220'; printf '\xf4'; } >"$img"
	run --separate-stderr "$SIMVMM" run --mode real --memory 64K \
		--load-addr 0xf000 "$img"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"guest halted"* ]]
}

@test "a guest that halts before --timeout is not stopped by it" {
	run --separate-stderr "$SIMVMM" run --timeout 31622400 hello16
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
}

@test "entry points the mode cannot reach are refused before the run (2)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode protected \
		--entry 0x100000000 "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"protected-mode entry point 0x100000000 does not fit in the 32-bit EIP"* ]]
	run --separate-stderr "$SIMVMM" run --mode long \
		--entry 0xffffffffffffffff "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"long-mode entry point 0xffffffffffffffff is outside the identity map of the first 4 GiB"* ]]
	[[ "$stderr" != *running* ]]
}

@test "an entry point in unbacked memory below 4 GiB is an emulation failure (1)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --entry 0xffffffff "$img"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"guest stopped by KVM_EXIT_INTERNAL_ERROR at RIP=0xffffffff"* ]]
}

@test "a read straddling from RAM into SIMVIRTIO's registers is a protocol violation (1)" {
	# With 1M, low RAM ends where the SIMVIRTIO window begins. Its MMIO
	# half is a 2-byte read of the 4-byte magic: no register at that width.
	# long mode: mov word [0xffffe],0x4241; mov ebx,[0xffffe]; hlt
	img=$(image a.bin '\x66\xc7\x04\x25\xfe\xff\x0f\x00\x41\x42\x8b\x1c\x25\xfe\xff\x0f\x00\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --simvirtio "$img" \
		</dev/null
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"simvirtio: protocol violation: read of 2 byte(s) at config offset 0x0 matches no register"* ]]
	[[ "$stderr" == *"device status is now DEVICE_ERROR (0x80); stopping the VM"* ]]
}

# --- the large memory map: RAM above 1 MiB, the device window at 3 GiB -------

@test "executing from the device window at 0xc0000000 (--memory 2M) is an emulation failure, reported (1)" {
	# long mode: mov eax,0xc0000000; jmp rax
	img=$(image a.bin '\xb8\x00\x00\x00\xc0\xff\xe0')
	for sv in "" --simvirtio; do
		run --separate-stderr "$SIMVMM" run --mode long --memory 2M \
			$sv "$img" </dev/null
		[ "$status" -eq 1 ]
		[ -z "$output" ]
		[[ "$stderr" == *"guest stopped by KVM_EXIT_INTERNAL_ERROR at RIP=0xc0000000"* ]]
		[[ "$stderr" == *"suberror=1 (instruction emulation failed)"* ]]
		[[ "$stderr" == *"rip=0x00000000c0000000"* ]]
	done
}

@test "code stored at 0x100000 runs there with --memory 2M; with 1 MiB it is no RAM (1)" {
	# long mode: mov dword [0x100000],0xe9e648b0; mov byte [0x100004],0xf4
	# (there: mov al,'H'; out 0xe9,al; hlt); mov eax,0x100000; jmp rax
	img=$(image a.bin '\xc7\x04\x25\x00\x00\x10\x00\xb0\x48\xe6\xe9\xc6\x04\x25\x04\x00\x10\x00\xf4\xb8\x00\x00\x10\x00\xff\xe0')
	run --separate-stderr "$SIMVMM" run --mode long --memory 2M "$img"
	[ "$status" -eq 0 ]
	[ "$output" = H ]
	[[ "$stderr" == *"guest halted"* ]]
	# The assignment's map: the stores are dropped, the jump finds MMIO.
	run --separate-stderr "$SIMVMM" run --mode long --memory 1M "$img"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"guest stopped by KVM_EXIT_INTERNAL_ERROR at RIP=0x100000"* ]]
}

@test "SIMVIRTIO's magic reads at 0xc0000000 with --memory 2M, at 0x100000 with 1 MiB" {
	# long mode: mov eax,0xc0000000; mov ebx,[rax]; 4 x (print bl;
	# shr ebx,8); mov ebx,[0x100000]; 4 x (print bl; shr ebx,8); hlt
	img=$(image a.bin '\xb8\x00\x00\x00\xc0\x8b\x18\xb9\x04\x00\x00\x00\x88\xd8\xe6\xe9\xc1\xeb\x08\xe2\xf7\x8b\x1c\x25\x00\x00\x10\x00\xb9\x04\x00\x00\x00\x88\xd8\xe6\xe9\xc1\xeb\x08\xe2\xf7\xf4')
	# stdout to a file: RAM's zero bytes would not survive $output.
	# The large map: the magic ("virt"), then RAM (zero) at 0x100000.
	run --separate-stderr bash -c '"$0" "$@" </dev/null >"$BATS_TEST_TMPDIR/out"' \
		"$SIMVMM" run --mode long --memory 2M --simvirtio "$img"
	[ "$status" -eq 0 ]
	[ "$(od -An -tx1 "$BATS_TEST_TMPDIR/out" | tr -d ' \n')" = 7669727400000000 ]
	[[ "$stderr" == *"simvirtio at 0xc0000000, exit transport"* ]]
	# The assignment's map: nothing at 0xc0000000, the magic at 0x100000.
	run --separate-stderr bash -c '"$0" "$@" </dev/null >"$BATS_TEST_TMPDIR/out"' \
		"$SIMVMM" run --mode long --memory 1M --simvirtio "$img"
	[ "$status" -eq 0 ]
	[ "$(od -An -tx1 "$BATS_TEST_TMPDIR/out" | tr -d ' \n')" = ffffffff76697274 ]
	[[ "$stderr" == *"simvirtio at 0x100000, exit transport"* ]]
}

@test "a read straddling from RAM into SIMVIRTIO's registers at 0xc0000000 (--memory 3G) is a protocol violation (1)" {
	# 3G, the most RAM there is, ends where the large map's window
	# begins. long mode: mov eax,0xbffffffe; mov word [rax],0x4241;
	# mov ebx,[rax]; hlt
	img=$(image a.bin '\xb8\xfe\xff\xff\xbf\x66\xc7\x00\x41\x42\x8b\x18\xf4')
	run --separate-stderr "$SIMVMM" run --mode long --memory 3G \
		--simvirtio "$img" </dev/null
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"simvirtio at 0xc0000000, exit transport"* ]]
	[[ "$stderr" == *"simvirtio: protocol violation: read of 2 byte(s) at config offset 0x0 matches no register"* ]]
	[[ "$stderr" == *"device status is now DEVICE_ERROR (0x80); stopping the VM"* ]]
}
