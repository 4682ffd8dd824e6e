#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The CPU as simvmm sets it up: CPUID from KVM_GET_SUPPORTED_CPUID, one
# CR0 for the 32/64-bit modes, TR, LDTR and IDT set explicitly, and paged
# mode (32-bit PAE paging) with its built-in guest hello32p. Each test
# checks the exit status and the exact output; the guests' own code fixes
# the exit counts checked here.

bats_require_minimum_version 1.5.0
load helpers

TEST_GUESTS=$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests/test

# cpu_state MODE: run the test guest that prints the CPU state (the 32-bit
# build for protected and paged mode); its lines land in ${lines[@]}.
cpu_state() {
	local bin=$TEST_GUESTS/cpu_state.bin
	[ "$1" = long ] || bin=$TEST_GUESTS/cpu_state32.bin
	run --separate-stderr "$SIMVMM" run --mode "$1" --check "$bin"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "list shows hello32p in paged mode" {
	run "$SIMVMM" list
	[ "$status" -eq 0 ]
	[[ "$output" =~ hello32p\ +paged\ +32-bit\ PAE\ paging ]]
}

@test "--help names the paged mode" {
	run "$SIMVMM" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"real, protected, paged (32-bit with PAE paging)"* ]]
}

@test "hello32p (paged mode) prints Hello, world! and passes the check" {
	require_kvm
	run --separate-stderr "$SIMVMM" run hello32p
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"running hello32p in paged mode"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "hello32p: one I/O exit per byte, one hlt, nothing else" {
	require_kvm
	f=$BATS_TEST_TMPDIR/s.json
	run --separate-stderr "$SIMVMM" run -q --stats-file "$f" hello32p
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[ "$(exits_of "$f")" = "hlt=1 io=14 mmio=0 total=15" ]
	[ "$(jget "$f" 'd["outcome"], d["guest"]')" = "('halted', 'hello32p')" ]
}

@test "hello32p without paging (--mode protected) fails its check (1)" {
	require_kvm
	# Untranslated, the store to 3 GiB + 0x400 is an MMIO write nobody
	# takes, so [0x400] stays 0: the check passes only through paging.
	f=$BATS_TEST_TMPDIR/s.json
	run --separate-stderr "$SIMVMM" run --mode protected \
		--stats-file "$f" hello32p
	[ "$status" -eq 1 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"check failed: RAX=42 and [0x400]=0, expected both 42"* ]]
	[ "$(exits_of "$f")" = "hlt=1 io=14 mmio=1 total=16" ]
	[ "$(jget "$f" '[(m["addr"], m["dir"], m["device"], m["bytes"]) for m in d["mmio"]]')" = \
	  "[($((0xc0000400)), 'write', None, 4)]" ]
	[ "$(jget "$f" 'd["unassigned"]["mmio"]')" = "{'reads': 0, 'writes': 1}" ]
}

@test "an image sees CR0.PG and CR4.PAE exactly where paging is on" {
	require_kvm
	# mov eax,cr0; shr eax,31; add al,'0'; out 0xe9,al;
	# mov eax,cr4; shr eax,5; and al,1; add al,'0'; out 0xe9,al; hlt
	img=$(image pg.bin '\x0f\x20\xc0\xc1\xe8\x1f\x04\x30\xe6\xe9\x0f\x20\xe0\xc1\xe8\x05\x24\x01\x04\x30\xe6\xe9\xf4')
	for m in protected:00 paged:11 long:11; do
		run --separate-stderr "$SIMVMM" run --mode "${m%%:*}" "$img"
		[ "$status" -eq 0 ]
		[ "$output" = "${m#*:}" ] || { echo "$m: got '$output'"; false; }
	done
}

@test "CPUID comes from KVM: a max leaf, a vendor and KVM's signature" {
	require_kvm
	for m in protected paged long; do
		cpu_state "$m"
		# What every KVM's KVM_GET_SUPPORTED_CPUID has: leaf 0 with a
		# nonzero maximum leaf and a 12-character vendor, and KVM's
		# own leaf 0x40000000 (Documentation/virt/kvm/x86/cpuid.rst).
		[[ "${lines[0]}" =~ ^cpuid\ max=0x[1-9a-f][0-9a-f]*\ vendor=[[:print:]]{12}\ hv=KVMKVMKVM$ ]] ||
			{ echo "$m: ${lines[0]}"; false; }
	done
}

@test "one CR0 in protected, paged and long mode, PG only with paging" {
	require_kvm
	cpu_state protected
	[ "${lines[1]}" = "cr0=0x50033 cr4=0x600 efer=0x0" ]
	cpu_state paged
	[ "${lines[1]}" = "cr0=0x80050033 cr4=0x620 efer=0x0" ]
	cpu_state long
	[ "${lines[1]}" = "cr0=0x80050033 cr4=0x620 efer=0x500" ]
}

@test "TR is a busy TSS, LDTR null, the IDT empty, in every 32/64-bit mode" {
	require_kvm
	for m in protected paged long; do
		cpu_state "$m"
		# ar=0x8b00: present, DPL 0, system, busy TSS (LAR of its GDT
		# descriptor, 32-bit or 64-bit by mode).
		[ "${lines[2]}" = "tr=0x20 ar=0x8b00 ldtr=0x0 idt=0x0/0x0" ] ||
			{ echo "$m: ${lines[2]}"; false; }
	done
}

@test "an image over the paged-mode page tables is refused (2)" {
	require_kvm
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode paged --load-addr 0x780 "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"overlaps the paged-mode GDT/page tables at [0x600, 0x7000); load it at or above 0x7000"* ]]
}

@test "an image over the TSS is refused in protected mode (2)" {
	require_kvm
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode protected --load-addr 0x700 "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"overlaps the protected-mode GDT/page tables at [0x600, 0x768); load it at or above 0x768"* ]]
}

@test "a paged-mode entry point above 4 GiB is refused (2)" {
	require_kvm
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run --mode paged --entry 0x100000000 "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"paged-mode entry point 0x100000000 does not fit in the 32-bit EIP"* ]]
}
