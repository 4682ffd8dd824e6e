#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Guests that report their own failures (include/simvmm/report.h): a
# failed GUEST_ASSERT shows file:line:message, an exception the crt's
# table catches is named with its RIP (and CR2 for a page fault), in every
# mode; a hostile report is refused with "guest report at ..."; all end
# with status 1. Assertions that hold change nothing. Each test checks
# the exit status and the exact output.

bats_require_minimum_version 1.5.0
load helpers

TOP=$BATS_TEST_DIRNAME/../..
TEST_GUESTS=$TOP/${BUILD:-build}/guests/test

setup() {
	require_kvm
}

# The line of guests/test/FILE that holds STRING.
line_of() {
	grep -nF "$2" "$TOP/guests/test/$1" | cut -d: -f1
}

# guest NAME MODE [OPTIONS...]: run test guest NAME in MODE.
guest() {
	local name=$1 mode=$2
	shift 2
	run --separate-stderr "$SIMVMM" run --mode "$mode" "$@" \
		"$TEST_GUESTS/$name.bin"
}

# report_image NAME ADDR LAYOUT: a real-mode flat image (at 0x8000) that
# writes ADDR to the report port with one 32-bit OUT (mov eax,ADDR;
# out 0xf8,eax; hlt). LAYOUT is a Python dict of guest address -> bytes
# placed from 0x8010 on, zero between; R(field=value, ...) builds a
# struct simvmm_report, a good assertion by default.
report_image() {
	local path=$BATS_TEST_TMPDIR/$1
	python3 - "$path" "$2" "$3" <<-'EOF'
	import struct, sys
	def R(kind=1, flags=0, line=0, file=0, msg=0, vector=0, cs=0,
	      ec=0, rip=0, rflags=0, cr2=0, magic=0x54505253, version=1):
	    return struct.pack('<IHHIIQQIIQQQQ', magic, version, kind, flags,
	                       line, file, msg, vector, cs, ec, rip, rflags,
	                       cr2)
	path, addr, layout = sys.argv[1], int(sys.argv[2], 0), eval(sys.argv[3])
	img = bytearray(b'\x66\xb8' + struct.pack('<I', addr) +
	                b'\x66\xe7\xf8\xf4')
	img += b'\x90' * (0x10 - len(img))
	for at, data in sorted(layout.items()):
	    off = at - 0x8000
	    assert off >= len(img), hex(at)
	    img += b'\0' * (off - len(img)) + data
	open(path, 'wb').write(img)
	EOF
	echo "$path"
}

# refused IMAGE-ARGS...: the run of a hostile report image ends as a
# device error, status 1, nothing on stdout; $stderr holds what it said.
refused() {
	run --separate-stderr "$SIMVMM" run --mode real "$@"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" != *"guest halted"* ]]
	[[ "$stderr" != *"guest assertion failed"* ]]
}

# ---- assertions ---------------------------------------------------------

@test "a failed GUEST_ASSERT_MSG in long mode shows file:line:message (1)" {
	guest report_assert long
	[ "$status" -eq 1 ]
	[ "$output" = asserting ]
	line=$(line_of report_assert.c 'GUEST_ASSERT_MSG(x == 42')
	grep -qxF "simvmm: error: guest assertion failed: guests/test/report_assert.c:$line: x is 41, not 42: off by one 7 0xbeef ! %" <<<"$stderr"
	[[ "$stderr" != *"NOT STOPPED"* ]]
	[[ "$stderr" != *"guest halted"* ]]
}

@test "the same assertion in protected, paged and real mode (1)" {
	line=$(line_of report_assert.c 'GUEST_ASSERT_MSG(x == 42')
	want="simvmm: error: guest assertion failed: guests/test/report_assert.c:$line: x is 41, not 42: off by one 7 0xbeef ! %"
	for m in protected:report_assert32 paged:report_assert32 \
		 real:report_assert16; do
		guest "${m#*:}" "${m%%:*}"
		[ "$status" -eq 1 ] || { echo "$m: status $status"; false; }
		[ "$output" = asserting ]
		grep -qxF "$want" <<<"$stderr" || { echo "$m: $stderr"; false; }
	done
}

@test "a failed GUEST_ASSERT: its condition is the message (1)" {
	guest report_cond long
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	line=$(line_of report_cond.c 'GUEST_ASSERT(')
	grep -qxF "simvmm: error: guest assertion failed: guests/test/report_cond.c:$line: launder(1) + 1 == 3" <<<"$stderr"
}

@test "assertions that hold change nothing: same output, same exits, in every mode" {
	want='str -42 7 4000000000 cafe CAFE deadbeef 123456789abcdef0 18446744073709551615 -9223372036854775808 c 0x1234 % |   42|42   |-0042|abc|ab  |  z| 9 truncat'
	f=$BATS_TEST_TMPDIR/s.json
	for m in long:report_pass protected:report_pass32 \
		 paged:report_pass32 real:report_pass16; do
		guest "${m#*:}" "${m%%:*}" --check --stats-file "$f"
		[ "$status" -eq 0 ] || { echo "$m: $stderr"; false; }
		[ "$output" = "$want" ] || { echo "$m: '$output'"; false; }
		[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
		# One exit per byte and the hlt: installing the exception
		# table and the assertions that held made none.
		n=$(( ${#want} + 1 ))
		[ "$(exits_of "$f")" = "hlt=1 io=$n mmio=0 total=$((n + 1))" ] ||
			{ echo "$m: $(exits_of "$f")"; false; }
		[ "$(jget "$f" 'd["outcome"]')" = halted ]
	done
}

@test "a report is outcome guest_report in the stats, one exit at the report port" {
	f=$BATS_TEST_TMPDIR/s.json
	guest report_assert long -q --stats-file "$f"
	[ "$status" -eq 1 ]
	[ "$(jget "$f" 'd["outcome"]')" = guest_report ]
	# "asserting\n" and the report's one OUT.
	[ "$(exits_of "$f")" = "hlt=0 io=11 mmio=0 total=11" ]
	[ "$(jget "$f" '[(p["port"], p["dir"], p["device"], p["exits"]) for p in d["io"] if p["device"] == "report"]')" = \
	  "[(248, 'out', 'report', 1)]" ]
	# -q keeps errors: the report is still said.
	[[ "$stderr" == *"guest assertion failed: "* ]]
}

# ---- exceptions ---------------------------------------------------------

@test "a page fault in long mode: named, with RIP and CR2 the address touched (1)" {
	guest report_pf long
	[ "$status" -eq 1 ]
	rip=$output
	[[ "$rip" =~ ^0x8[0-9a-f]{3}$ ]]
	# A read (error code 0: not present, read, supervisor).
	grep -qxF "simvmm: error: guest exception: page fault (#PF, vector 14) at RIP=$rip error code 0x0 CR2=0x100000000000" <<<"$stderr"
	grep -qE '^  CS=0x18 RFLAGS=0x[0-9a-f]+ \(read of a not-present page in supervisor mode\)$' <<<"$stderr"
	[[ "$stderr" != *"KVM_EXIT_SHUTDOWN"* ]]
	[[ "$stderr" != *"NOT STOPPED"* ]]
}

@test "a general-protection fault in long mode: #GP(0) at a non-canonical read (1)" {
	guest report_gp long
	[ "$status" -eq 1 ]
	rip=$output
	[[ "$rip" =~ ^0x8[0-9a-f]{3}$ ]]
	grep -qxF "simvmm: error: guest exception: general protection (#GP, vector 13) at RIP=$rip error code 0x0" <<<"$stderr"
	grep -qE '^  CS=0x18 RFLAGS=0x[0-9a-f]+$' <<<"$stderr"
}

@test "an invalid opcode (ud2) in long and protected mode: no error code (1)" {
	for m in long:report_ud:0x18 protected:report_ud32:0x8; do
		IFS=: read -r mode name cs <<<"$m"
		guest "$name" "$mode"
		[ "$status" -eq 1 ]
		rip=$output
		[[ "$rip" =~ ^0x8[0-9a-f]{3}$ ]]
		grep -qxF "simvmm: error: guest exception: invalid opcode (#UD, vector 6) at RIP=$rip" <<<"$stderr" ||
			{ echo "$m: $stderr"; false; }
		grep -qE "^  CS=$cs RFLAGS=0x[0-9a-f]+$" <<<"$stderr"
	done
}

@test "a divide error in long, protected, paged and real mode (1)" {
	for m in long:report_de:0x18 protected:report_de32:0x8 \
		 paged:report_de32:0x8 real:report_de16:0x0; do
		IFS=: read -r mode name cs <<<"$m"
		guest "$name" "$mode"
		[ "$status" -eq 1 ] || { echo "$m: status $status"; false; }
		rip=$output
		[[ "$rip" =~ ^0x8[0-9a-f]{3}$ ]]
		grep -qxF "simvmm: error: guest exception: divide error (#DE, vector 0) at RIP=$rip" <<<"$stderr" ||
			{ echo "$m: $stderr"; false; }
		grep -qE "^  CS=$cs RFLAGS=0x[0-9a-f]+$" <<<"$stderr"
	done
}

# ---- hostile reports ------------------------------------------------------

@test "hostile: a report address outside RAM, in the hole, or past RAM's end (1)" {
	for a in 0xfff00000 0x100000 0x1ffff8 0xffffb8; do
		img=$(report_image bad.bin "$a" '{}')
		refused "$img"
		grep -qxF "simvmm: error: guest report at $a: not in guest RAM (a report is 72 bytes)" <<<"$stderr" ||
			{ echo "$a: $stderr"; false; }
	done
	# Straddling the end of RAM: 71 bytes of it are RAM.
	img=$(report_image end.bin 0xffb9 '{}')
	refused --memory 64K "$img"
	grep -qxF "simvmm: error: guest report at 0xffb9: not in guest RAM (a report is 72 bytes)" <<<"$stderr"
	# Completed like any stopped access: RIP past the OUT.
	grep -qxF "  at RIP=0x8009, the guest's next instruction (KVM completed the access)" <<<"$stderr"
}

@test "hostile: a bad magic, version or kind (1)" {
	img=$(report_image zero.bin 0x9000 '{}')
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x9000: bad magic 0x00000000 (expected 0x54505253): not a report" <<<"$stderr"
	img=$(report_image v.bin 0x8010 '{0x8010: R(version=2)}')
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: version 2, this simvmm reads version 1" <<<"$stderr"
	img=$(report_image k.bin 0x8010 '{0x8010: R(kind=7)}')
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: unknown kind 7 (1 = assertion, 2 = exception)" <<<"$stderr"
}

@test "hostile: an unterminated string at the end of RAM, a huge one (1)" {
	img=$(report_image u.bin 0x8010 \
		"{0x8010: R(file=0xfff0, msg=0x8100), 0x8100: b'm\\0', 0xfff0: b'A' * 16}")
	refused --memory 64K "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: file name at 0xfff0: no NUL before the end of guest RAM (16 bytes on)" <<<"$stderr"
	img=$(report_image h.bin 0x8010 \
		"{0x8010: R(file=0x8100, msg=0x8200), 0x8100: b'f.c\\0', 0x8200: b'B' * 300 + b'\\0'}")
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: message at 0x8200: longer than 255 bytes (no NUL in the first 256)" <<<"$stderr"
}

@test "hostile: a string outside RAM, a NULL one (1)" {
	img=$(report_image o.bin 0x8010 \
		"{0x8010: R(file=0x150000, msg=0x8100), 0x8100: b'm\\0'}")
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: file name at 0x150000: not in guest RAM" <<<"$stderr"
	img=$(report_image n.bin 0x8010 \
		"{0x8010: R(file=0x8100, msg=0), 0x8100: b'f.c\\0'}")
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: message address is 0 (NULL)" <<<"$stderr"
}

@test "hostile: an exception out of range or with unknown flags (1)" {
	img=$(report_image x.bin 0x8010 '{0x8010: R(kind=2, vector=32)}')
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: vector 32 out of range (exceptions are 0-31)" <<<"$stderr"
	img=$(report_image f.bin 0x8010 '{0x8010: R(kind=2, vector=13, flags=4)}')
	refused "$img"
	grep -qxF "simvmm: error: guest report at 0x8010: unknown flags 0x4 (known: 0x1, error code)" <<<"$stderr"
}

@test "hostile: a write at the report port that is not one 32-bit OUT at 0xf8 (1)" {
	# mov al,0x10; out 0xf8,al; hlt
	img=$(image b.bin '\xb0\x10\xe6\xf8\xf4')
	refused "$img"
	grep -qxF "simvmm: error: guest report: a 1-byte write at port 0xf8; a report is one 32-bit write of its address at port 0xf8" <<<"$stderr"
	# mov ax,0x8010; out 0xfa,ax; hlt
	img=$(image w.bin '\xb8\x10\x80\xe7\xfa\xf4')
	refused "$img"
	grep -qxF "simvmm: error: guest report: a 2-byte write at port 0xfa; a report is one 32-bit write of its address at port 0xf8" <<<"$stderr"
}

@test "a report's strings are printed escaped, and the report is good (1)" {
	img=$(report_image e.bin 0x8010 \
		"{0x8010: R(line=7, file=0x8100, msg=0x8200), 0x8100: b'a\\x1b[31m\\\\b.c\\0', 0x8200: b'tab\\there\\x7f\\0'}")
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 1 ]
	grep -qxF 'simvmm: error: guest assertion failed: a\x1b[31m\\b.c:7: tab\there\x7f' <<<"$stderr"
	# No raw control byte reached the terminal.
	! grep -q $'\x1b' <<<"$stderr"
}

@test "a reserved vector is named as such; a hostile report is outcome device_error" {
	f=$BATS_TEST_TMPDIR/s.json
	img=$(report_image r.bin 0x8010 \
		'{0x8010: R(kind=2, vector=15, cs=0, rip=0x1234, rflags=2)}')
	run --separate-stderr "$SIMVMM" run --mode real --stats-file "$f" "$img"
	[ "$status" -eq 1 ]
	grep -qxF "simvmm: error: guest exception: reserved vector 15 at RIP=0x1234" <<<"$stderr"
	grep -qxF "  CS=0x0 RFLAGS=0x2" <<<"$stderr"
	[ "$(jget "$f" 'd["outcome"]')" = guest_report ]
	img=$(report_image zero.bin 0x9000 '{}')
	refused --stats-file "$f" "$img"
	[ "$(jget "$f" 'd["outcome"]')" = device_error ]
}

@test "reading the report port returns its magic, byte lane by byte lane" {
	# in eax,0xf8; out 0xe9,al; in al,0xf9; out 0xe9,al; in al,0xfa;
	# out 0xe9,al; in al,0xfb; out 0xe9,al; hlt
	img=$(image p.bin '\x66\xe5\xf8\xe6\xe9\xe4\xf9\xe6\xe9\xe4\xfa\xe6\xe9\xe4\xfb\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$output" = SRPT ]
}

@test "the library's memcpy, memmove, memset and memcmp work (long mode)" {
	run --separate-stderr "$SIMVMM" run --mode long --check \
		"$TEST_GUESTS/string_ops.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "string ops ok" ]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
}
