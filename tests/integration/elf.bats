#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# ELF32 and ELF64 images: the built-in guests' own .elf files run without
# --mode (the mode comes from the ELF class), their ABI note is checked,
# and broken images (made here with python3 from the real ones, or from
# scratch) are refused with status 2 and one message before any guest
# runs. Tests that boot a guest, or whose refusal comes when the machine
# is built (RAM and the device window, in either memory map), need KVM;
# the others run anywhere.

bats_require_minimum_version 1.5.0
load helpers

GUESTS=$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests

# mkelf OUT BITS ENTRY SEGMENT...: an ELF of class BITS (32 or 64) entered
# at ENTRY, one PT_LOAD per SEGMENT "PADDR:HEXBYTES:MEMSZ:FLAGS" (FLAGS as
# p_flags: 5 = R+X, 6 = R+W), no section headers, no note.
mkelf() {
	python3 - "$@" <<'EOF'
import struct, sys
out, bits, entry = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
segs = [s.split(':') for s in sys.argv[4:]]
eh, ph = (52, 32) if bits == 32 else (64, 56)
off = eh + len(segs) * ph
phdrs, body = b'', b''
for paddr, code, memsz, flags in segs:
    data = bytes.fromhex(code)
    paddr, memsz, flags = int(paddr, 0), int(memsz, 0), int(flags, 0)
    o = off + len(body)
    if bits == 32:
        phdrs += struct.pack('<8I', 1, o, paddr, paddr, len(data), memsz,
                             flags, 1)
    else:
        phdrs += struct.pack('<IIQQQQQQ', 1, flags, o, paddr, paddr,
                             len(data), memsz, 1)
    body += data
ident = b'\x7fELF' + bytes([1 if bits == 32 else 2, 1, 1]) + bytes(9)
if bits == 32:
    h = struct.pack('<HHIIIIIHHHHHH', 2, 3, 1, entry, eh, 0, 0, eh, ph,
                    len(segs), 0, 0, 0)
else:
    h = struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, entry, eh, 0, 0, eh, ph,
                    len(segs), 0, 0, 0)
open(out, 'wb').write(ident + h + phdrs + body)
EOF
}

# patch IN OUT 'PYTHON': a copy of IN, changed by PYTHON acting on the
# bytearray b (helpers: u16/u32/u64(off, value) write little-endian).
patch() {
	python3 - "$@" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
def u16(o, v): struct.pack_into('<H', b, o, v)
def u32(o, v): struct.pack_into('<I', b, o, v)
def u64(o, v): struct.pack_into('<Q', b, o, v)
exec(sys.argv[3])
open(sys.argv[2], 'wb').write(bytes(b))
EOF
}

# Code for the check: mov eax,42; mov dword [0x400],42; hlt (32 and 64).
CHECK32=b82a000000c705000400002a000000f4
CHECK64=b82a000000c70425000400002a000000f4

# --- the built-in guests' ELF files, without --mode -----------------------------

@test "hello64.elf (ELF64) runs in long mode without --mode and passes the check" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --check "$GUESTS/hello64.elf"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"running $GUESTS/hello64.elf in long mode"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "hello32.elf (ELF32) runs in protected mode without --mode and passes the check" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --check "$GUESTS/hello32.elf"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"in protected mode"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "hello16.elf is ELF32 too: protected by default, so it needs --mode real" {
	require_kvm
	# Its 16-bit code run as 32-bit code does not pass the check...
	run --separate-stderr "$SIMVMM" run --check --timeout 10 \
		"$GUESTS/hello16.elf"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"in protected mode"* ]]
	# ...and with --mode real (segments and entry fit) it does.
	run --separate-stderr "$SIMVMM" run --mode real --check \
		"$GUESTS/hello16.elf"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"in real mode"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "cpu_state32.elf (ELF32) runs in --mode paged: paging on, the check passes" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --mode paged --check \
		"$GUESTS/test/cpu_state32.elf"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = "cr0=0x80050033 cr4=0x620 efer=0x0" ]
	[[ "$stderr" == *"in paged mode"* ]]
}

@test "the type comes from the content: hello64.elf named .bin is still an ELF" {
	require_kvm
	cp "$GUESTS/hello64.elf" "$BATS_TEST_TMPDIR/hello64.bin"
	run --separate-stderr "$SIMVMM" run --check "$BATS_TEST_TMPDIR/hello64.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"in long mode"* ]]
}

@test "--entry overrides e_entry, checked like it" {
	require_kvm
	# Entry 0x8005 skips the mov eax,42: the check sees RAX != 42.
	mkelf "$BATS_TEST_TMPDIR/e.elf" 64 0x8000 "0x8000:$CHECK64:0x11:5"
	run --separate-stderr "$SIMVMM" run --check --entry 0x8005 \
		"$BATS_TEST_TMPDIR/e.elf"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"check failed"* ]]
	run --separate-stderr "$SIMVMM" run --check --entry 0x9000 \
		"$BATS_TEST_TMPDIR/e.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--entry 0x9000 is outside every loaded segment"* ]]
}

# --- segments land at p_paddr ----------------------------------------------------

@test "an ELF64 linked at 2 MiB runs with --memory 4M" {
	require_kvm
	mkelf "$BATS_TEST_TMPDIR/high.elf" 64 0x200000 "0x200000:$CHECK64:0x1000:5"
	run --separate-stderr "$SIMVMM" run --memory 4M --check \
		"$BATS_TEST_TMPDIR/high.elf"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "an ELF32 whose code reads its data segment finds the data at p_paddr" {
	require_kvm
	# mov eax,[0x9000]; mov [0x400],eax; hlt; the data segment holds 42
	# at 0x9000, then BSS.
	mkelf "$BATS_TEST_TMPDIR/data.elf" 32 0x8000 \
		"0x8000:a100900000a300040000f4:0x20:5" \
		"0x9000:2a000000:0x1000:6"
	run --separate-stderr "$SIMVMM" run --check "$BATS_TEST_TMPDIR/data.elf"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

# --- the ABI note ---------------------------------------------------------------

@test "every built-in guest's ELF carries the simvmm ABI note, version 1" {
	for f in "$GUESTS"/*.elf "$GUESTS"/test/*.elf; do
		run readelf -n "$f"
		[[ "$output" == *"simvmm"*"0x00000004"*"description data: 01 00 00 00"* ]] ||
			{ echo "$f: $output"; false; }
	done
}

@test "the note is not in the flat .bin: it is the ELF's loaded bytes only" {
	for g in hello16 hello32 hello64 simvirtio; do
		objcopy -O binary --remove-section=.note.simvmm \
			"$GUESTS/$g.elf" "$BATS_TEST_TMPDIR/$g.bin"
		cmp "$GUESTS/$g.bin" "$BATS_TEST_TMPDIR/$g.bin"
	done
}

@test "an ELF64 built for another ABI version is refused (2)" {
	patch "$GUESTS/hello64.elf" "$BATS_TEST_TMPDIR/abi2.elf" \
		'i = b.index(b"simvmm\0\0"); u32(i + 8, 2)'
	run --separate-stderr "$SIMVMM" run "$BATS_TEST_TMPDIR/abi2.elf"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"image built for simvmm ABI 2, this simvmm speaks 1: rebuild it against this SDK"* ]]
}

@test "an ELF without the note runs as a plain image" {
	require_kvm
	mkelf "$BATS_TEST_TMPDIR/plain.elf" 32 0x8000 "0x8000:$CHECK32:0x10:5"
	run --separate-stderr "$SIMVMM" run --check "$BATS_TEST_TMPDIR/plain.elf"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"in protected mode"* ]]
}

# --- refused before any guest runs (2) ---------------------------------------------

@test "--load-addr with an ELF image is a usage error (2)" {
	run --separate-stderr "$SIMVMM" run --load-addr 0x9000 "$GUESTS/hello64.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"is an ELF image: its segments say where it loads; drop --load-addr"* ]]
}

@test "an ELF64 in a 32-bit mode is refused (2)" {
	for m in real protected paged; do
		run --separate-stderr "$SIMVMM" run --mode "$m" "$GUESTS/hello64.elf"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"an ELFCLASS64 image runs in long mode only, not in $m mode; drop --mode $m"* ]]
	done
}

@test "an ELF32 above 1 MiB in --mode real is refused (2)" {
	mkelf "$BATS_TEST_TMPDIR/r.elf" 32 0x200000 "0x200000:$CHECK32:0x10:5"
	run --separate-stderr "$SIMVMM" run --mode real "$BATS_TEST_TMPDIR/r.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"PT_LOAD 0 at [0x200000, 0x200010) reaches past the first 1 MiB"* ]]
}

@test "corrupt copies of hello64.elf are refused with what is wrong (2)" {
	local t=$BATS_TEST_TMPDIR
	# truncated; e_machine EM_ARM; e_phoff past the end; p_filesz >
	# p_memsz; e_entry outside; a second PT_LOAD over the first.
	patch "$GUESTS/hello64.elf" "$t/cut.elf" 'del b[len(b) // 2:]'
	patch "$GUESTS/hello64.elf" "$t/arm.elf" 'u16(18, 40)'
	patch "$GUESTS/hello64.elf" "$t/phoff.elf" 'u64(32, len(b))'
	patch "$GUESTS/hello64.elf" "$t/filesz.elf" 'u64(64 + 32, 1 << 40)'
	patch "$GUESTS/hello64.elf" "$t/entry.elf" 'u64(24, 0x90000)'
	patch "$GUESTS/hello64.elf" "$t/dyn.elf" 'u16(16, 3)'
	for c in "cut:past the end of the" \
		 "arm:e_machine 40 is not EM_X86_64 (62)" \
		 "phoff:the program header table (e_phoff" \
		 "filesz:p_filesz 0x10000000000 is larger than p_memsz" \
		 "entry:e_entry 0x90000 is outside every loaded segment" \
		 "dyn:e_type 3 (ET_DYN) is position-independent"; do
		run --separate-stderr "$SIMVMM" run "$t/${c%%:*}.elf"
		[ "$status" -eq 2 ] || { echo "${c%%:*}: status $status"; false; }
		[ -z "$output" ]
		[[ "$stderr" == *"ELF image '$t/${c%%:*}.elf': "*"${c#*:}"* ]] ||
			{ echo "${c%%:*}: $stderr"; false; }
		[ "$(grep -c 'error:' <<<"$stderr")" -eq 1 ]
	done
}

@test "overlapping segments are refused (2)" {
	mkelf "$BATS_TEST_TMPDIR/o.elf" 64 0x8000 "0x8000:$CHECK64:0x100:5" \
		"0x80f0:00:0x20:6"
	run --separate-stderr "$SIMVMM" run "$BATS_TEST_TMPDIR/o.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"PT_LOAD 0 at [0x8000, 0x8100) and PT_LOAD 1 at [0x80f0, 0x8110) overlap"* ]]
}

@test "a flat image named .elf is still flat: it needs --mode (2)" {
	img=$(image hlt.elf '\xf4')
	run --separate-stderr "$SIMVMM" run "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"flat image '$img' needs --mode"* ]]
}

# --- refused when the machine is built: RAM and the device window (2) ------------------

@test "segments over the device window, past RAM or over the page tables are refused (2)" {
	require_kvm
	local t=$BATS_TEST_TMPDIR
	# The assignment's map (--memory 1M): the window at 0x100000.
	mkelf "$t/hole.elf" 64 0x100000 "0x100000:$CHECK64:0x11:5"
	mkelf "$t/past.elf" 64 0x8000 "0x8000:$CHECK64:0x11:5" \
		"0xf0000:00:0x20000:6"
	mkelf "$t/pt.elf" 64 0x8000 "0x8000:$CHECK64:0x11:5" "0x1000:00:0x10:6"
	mkelf "$t/bss.elf" 32 0x8000 "0x8000:$CHECK32:0x40000000:5"
	for c in "hole:PT_LOAD 0 at [0x100000, 0x100011) overlaps the device window at 0x100000, which is MMIO, never RAM; link it inside RAM [0x0, 0x100000), or give --memory above 1M for RAM at 1 MiB" \
		 "past:PT_LOAD 1 at [0xf0000, 0x110000) overlaps the device window at 0x100000, which is MMIO, never RAM; link it inside RAM [0x0, 0x100000), or give --memory above 1M for RAM at 1 MiB" \
		 "pt:PT_LOAD 1 at [0x1000, 0x1010) overlaps the long-mode GDT/page tables at [0x600, 0x7000); link it at or above 0x7000" \
		 "bss:PT_LOAD 0: p_memsz 0x40000000 (0x10 bytes from the file, 0x3ffffff0 zero-filled) is more than the guest's 0x100000 bytes of RAM; raise --memory"; do
		run --separate-stderr "$SIMVMM" run --memory 1M "$t/${c%%:*}.elf"
		[ "$status" -eq 2 ] || { echo "${c%%:*}: status $status"; false; }
		[ -z "$output" ]
		grep -qxF "simvmm: error: ELF image '$t/${c%%:*}.elf': ${c#*:}" <<<"$stderr" ||
			{ echo "${c%%:*}: $stderr"; false; }
		[[ "$stderr" != *running* ]]
	done
	# The large map (--memory 2M): past the end of RAM, and above it.
	mkelf "$t/end.elf" 64 0x8000 "0x8000:$CHECK64:0x11:5" \
		"0x1ff000:00:0x2000:6"
	mkelf "$t/above.elf" 64 0x8000 "0x8000:$CHECK64:0x11:5" \
		"0x300000:00:0x10:6"
	for c in "end:PT_LOAD 1 at [0x1ff000, 0x201000) runs 0x1000 bytes past the end of RAM at 0x200000; raise --memory or link it lower" \
		 "above:PT_LOAD 1 at p_paddr 0x300000 is not guest RAM (RAM is [0x0, 0x200000)); link it inside RAM or raise --memory"; do
		run --separate-stderr "$SIMVMM" run --memory 2M "$t/${c%%:*}.elf"
		[ "$status" -eq 2 ] || { echo "${c%%:*}: status $status"; false; }
		[ -z "$output" ]
		grep -qxF "simvmm: error: ELF image '$t/${c%%:*}.elf': ${c#*:}" <<<"$stderr" ||
			{ echo "${c%%:*}: $stderr"; false; }
	done
}

# --- the large memory map: RAM above 1 MiB in one piece ----------------------------

@test "an ELF32 and an ELF64 linked at 1 MiB run with --memory 4M, without --mode" {
	require_kvm
	local t=$BATS_TEST_TMPDIR
	mkelf "$t/mb32.elf" 32 0x100000 "0x100000:$CHECK32:0x1000:5"
	mkelf "$t/mb64.elf" 64 0x100000 "0x100000:$CHECK64:0x1000:5"
	for c in "32:protected" "64:long"; do
		run --separate-stderr "$SIMVMM" run --memory 4M --check \
			"$t/mb${c%%:*}.elf"
		[ "$status" -eq 0 ] || { echo "${c%%:*}: $stderr"; false; }
		[ -z "$output" ]
		[[ "$stderr" == *"running $t/mb${c%%:*}.elf in ${c#*:} mode, 4096 KiB RAM"* ]]
		[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
	done
	# Without --memory, an image that loads at 1 MiB gets 64M.
	run --separate-stderr "$SIMVMM" run --check "$t/mb64.elf"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"in long mode, 65536 KiB RAM"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "a segment over the large map's device window at 0xc0000000 is refused (2)" {
	require_kvm
	local t=$BATS_TEST_TMPDIR
	# Straddling into the window from below, and inside it.
	mkelf "$t/w1.elf" 32 0x8000 "0x8000:$CHECK32:0x10:5" \
		"0xbffff000:00:0x2000:6"
	mkelf "$t/w2.elf" 32 0x8000 "0x8000:$CHECK32:0x10:5" \
		"0xc0001000:00:0x10:6"
	for c in "w1:PT_LOAD 1 at [0xbffff000, 0xc0001000) overlaps the device window at 0xc0000000, which is MMIO, never RAM; link it inside RAM [0x0, 0x400000)" \
		 "w2:PT_LOAD 1 at [0xc0001000, 0xc0001010) overlaps the device window at 0xc0000000, which is MMIO, never RAM; link it inside RAM [0x0, 0x400000)"; do
		run --separate-stderr "$SIMVMM" run --memory 4M "$t/${c%%:*}.elf"
		[ "$status" -eq 2 ] || { echo "${c%%:*}: status $status"; false; }
		[ -z "$output" ]
		grep -qxF "simvmm: error: ELF image '$t/${c%%:*}.elf': ${c#*:}" <<<"$stderr" ||
			{ echo "${c%%:*}: $stderr"; false; }
	done
}
