#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# --stats, --stats=json, --stats-file and --trace: exact exit counts for
# every built-in guest and hand-made image, JSON checked with a real
# parser, reports on every way a run ends, and the usage errors.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_kvm
}

# Run simvmm with --stats-file: $f is the report, the rest as run_split.
stats_run() {
	f=$BATS_TEST_TMPDIR/stats.json
	run --separate-stderr "$SIMVMM" run --stats-file "$f" "$@"
}

@test "hello16, hello32, hello64: one I/O exit per byte, one hlt, nothing else" {
	for g in hello16 hello32 hello64; do
		f=$BATS_TEST_TMPDIR/$g.json
		"$SIMVMM" run -q --stats-file "$f" "$g" >"$BATS_TEST_TMPDIR/out"
		[ "$(cat "$BATS_TEST_TMPDIR/out")" = "Hello, world!" ]
		[ "$(exits_of "$f")" = "hlt=1 io=14 mmio=0 total=15" ]
		[ "$(jget "$f" 'len(d["io"])')" = 1 ]
		[ "$(jget "$f" 'd["io"][0]')" = \
		  "{'port': 233, 'dir': 'out', 'device': 'debugcon', 'offset': 0, 'exits': 14, 'accesses': 14, 'bytes': 14}" ]
		[ "$(jget "$f" 'd["mmio"]')" = "[]" ]
		[ "$(jget "$f" 'd["outcome"], d["guest"]')" = "('halted', '$g')" ]
	done
}

@test "--stats=json on stderr is one JSON object with the required keys" {
	run --separate-stderr "$SIMVMM" run -q --stats=json hello64
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/s.json"
	f=$BATS_TEST_TMPDIR/s.json
	[ "$(jget "$f" 'sorted(d)')" = \
	  "['elapsed_ns', 'exits', 'guest', 'histogram_bounds_ns', 'io', 'kernel', 'mmio', 'outcome', 'sites_dropped', 'timing', 'unassigned', 'version']" ]
	[ "$(jget "$f" 'd["version"]')" = 1 ]
	[ "$(jget "$f" 'sorted(d["timing"])')" = "['hlt', 'io']" ]
	[ "$(jget "$f" 'sorted(d["timing"]["io"]["kvm_run"])')" = \
	  "['count', 'histogram', 'max_ns', 'mean_ns', 'min_ns', 'total_ns']" ]
	[ "$(jget "$f" 'd["timing"]["io"]["kvm_run"]["count"], d["timing"]["io"]["handler"]["count"]')" = "(14, 14)" ]
	# Each histogram holds every exit, in one more bucket than bounds.
	[ "$(jget "$f" 'sum(d["timing"]["io"]["kvm_run"]["histogram"])')" = 14 ]
	[ "$(jget "$f" 'len(d["timing"]["hlt"]["handler"]["histogram"]) - len(d["histogram_bounds_ns"])')" = 1 ]
	t='d["timing"]["io"]["kvm_run"]'
	[ "$(jget "$f" "$t[\"min_ns\"] <= $t[\"mean_ns\"] <= $t[\"max_ns\"] and $t[\"total_ns\"] >= 14 * $t[\"min_ns\"]")" = True ]
}

@test "the kernel's counters sit beside simvmm's" {
	stats_run -q hello64
	[ "$status" -eq 0 ]
	[ "$(jget "$f" 'd["kernel"]["available"]')" = True ]
	[[ "$(jget "$f" 'd["kernel"]["vcpu"]["id"]')" == kvm-*/vcpu-0 ]]
	[[ "$(jget "$f" 'd["kernel"]["vm"]["id"]')" == kvm-* ]]
	c='d["kernel"]["vcpu"]["counters"]'
	[ "$(jget "$f" "all(k in $c for k in ('exits', 'io_exits', 'mmio_exits', 'halt_exits'))")" = True ]
	[ "$(jget "$f" "$c[\"halt_exits\"]")" = 1 ]
	[ "$(jget "$f" "$c[\"exits\"] >= 15")" = True ]
}

@test "--stats prints a table on stderr, beside the kernel's counts" {
	run --separate-stderr "$SIMVMM" run --stats hello64
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" == *"simvmm: stats: hello64 halted after 15 exits in "* ]]
	grep -Eq '^    io +14 +[0-9]+  \(io_exits\)$' <<<"$stderr"
	grep -Eq '^    hlt +1 +1  \(halt_exits\)$' <<<"$stderr"
	grep -Eq '^    total +15 +[0-9]+  \(exits\)$' <<<"$stderr"
	grep -Eq '^    io +KVM_RUN +14( +[0-9]+\.[0-9]{3}){4}$' <<<"$stderr"
	grep -Eq '^    hlt +simvmm +1( +[0-9]+\.[0-9]{3}){4}$' <<<"$stderr"
	grep -Eq '^    pio  0x000000e9 out +14 +14 +14  debugcon$' <<<"$stderr"
	[[ "$stderr" == *"unassigned accesses: pio 0 reads 0 writes, mmio 0 reads 0 writes"* ]]
	[[ "$stderr" == *"kernel counters, vCPU kvm-"* ]]
}

@test "no report without --stats, and the guest's stdout is untouched" {
	run --separate-stderr "$SIMVMM" run -q hello16
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	stats_run -q hello16
	[ "$output" = "Hello, world!" ]
	[ -z "$stderr" ]
	[ "$(jget "$f" 'd["exits"]["total"]')" = 15 ]
}

@test "unassigned port accesses: per port and direction, and counted" {
	# out 0x80,al; in al,0x80; out 0xe9,al; hlt
	img=$(image u.bin '\xe6\x80\xe4\x80\xe6\xe9\xf4')
	stats_run --mode real "$img"
	[ "$status" -eq 0 ]
	[ "$(exits_of "$f")" = "hlt=1 io=3 mmio=0 total=4" ]
	[ "$(jget "$f" '[(p["port"], p["dir"], p["device"], p["exits"]) for p in d["io"]]')" = \
	  "[(128, 'in', None, 1), (128, 'out', None, 1), (233, 'out', 'debugcon', 1)]" ]
	[ "$(jget "$f" 'd["unassigned"]')" = \
	  "{'pio': {'reads': 1, 'writes': 1}, 'mmio': {'reads': 0, 'writes': 0}}" ]
}

@test "an MMIO read is counted by address, unassigned" {
	img=$(image m.bin '\xa0\x00\x00\x18\x00\x00\x00\x00\x00\xe6\xe9\xf4')
	stats_run --mode long "$img"
	[ "$status" -eq 0 ]
	[ "$(exits_of "$f")" = "hlt=1 io=1 mmio=1 total=3" ]
	[ "$(jget "$f" 'd["mmio"]')" = \
	  "[{'addr': 1572864, 'dir': 'read', 'device': None, 'offset': 0, 'exits': 1, 'bytes': 1}]" ]
	[ "$(jget "$f" 'd["unassigned"]["mmio"]')" = "{'reads': 1, 'writes': 0}" ]
}

@test "string I/O: every byte accounted for, however KVM splits the exits" {
	img=$(image s.bin '\xbe\x0e\x80\xb9\x03\x00\xba\xe9\x00\xf3\x6e\xf4\x90\x90xyz')
	stats_run --mode real --trace "$img"
	[ "$status" -eq 0 ]
	[ "$output" = "xyz" ]
	n=$(grep -c 'reason=io dir=out port=0x00e9' <<<"$stderr")
	[ "$(jget "$f" '[(p["exits"], p["accesses"], p["bytes"]) for p in d["io"]]')" = \
	  "[($n, 3, 3)]" ]
	[ "$(jget "$f" 'd["exits"]["total"]')" = $((n + 1)) ]
}

@test "exit port: outcome guest_exit, the one write counted" {
	img=$(image e7.bin '\xb0\x07\xe6\xf4')
	stats_run --mode real "$img"
	[ "$status" -eq 1 ]
	[ "$(exits_of "$f")" = "hlt=0 io=1 mmio=0 total=1" ]
	[ "$(jget "$f" 'd["outcome"], d["io"][0]["device"], d["io"][0]["port"]')" = \
	  "('guest_exit', 'exit', 244)" ]
}

@test "stats on a triple fault: outcome fault, one shutdown exit" {
	img=$(image ud2.bin '\x0f\x0b')
	stats_run --mode long --stats "$img"
	[ "$status" -eq 1 ]
	[ "$(exits_of "$f")" = "hlt=0 io=0 mmio=0 shutdown=1 total=1" ]
	[ "$(jget "$f" 'd["outcome"]')" = fault ]
	[[ "$stderr" == *"guest stopped by KVM_EXIT_SHUTDOWN"* ]]
	[[ "$stderr" == *"simvmm: stats: $img fault after 1 exits in "* ]]
}

@test "stats on a timeout: outcome timeout, the signal's exit counted" {
	img=$(image spin.bin '\xfa\xeb\xfe')
	stats_run --mode long --timeout 0.2 --stats "$img"
	[ "$status" -eq 1 ]
	[ "$(exits_of "$f")" = "hlt=0 intr=1 io=0 mmio=0 total=1" ]
	[ "$(jget "$f" 'd["outcome"]')" = timeout ]
	[[ "$stderr" == *"simvmm: stats: $img timeout after 1 exits in "* ]]
}

@test "stats on SIGTERM: outcome signal, report written, status 143" {
	img=$(image loop.bin '\xeb\xfe')
	f=$BATS_TEST_TMPDIR/term.json
	stop_with TERM --mode long --stats --stats-file "$f" "$img"
	[ "$rc" -eq 143 ]
	[ "$(exits_of "$f")" = "hlt=0 intr=1 io=0 mmio=0 total=1" ]
	[ "$(jget "$f" 'd["outcome"]')" = signal ]
	grep -q "simvmm: stats: $img signal after 1 exits" "$BATS_TEST_TMPDIR/err"
}

@test "stats on SIGINT: status 130, report on stderr" {
	img=$(image loop.bin '\xeb\xfe')
	stop_with INT --mode real --stats=json "$img"
	[ "$rc" -eq 130 ]
	tail -n 1 "$BATS_TEST_TMPDIR/err" >"$BATS_TEST_TMPDIR/s.json"
	[ "$(exits_of "$BATS_TEST_TMPDIR/s.json")" = "hlt=0 intr=1 io=0 mmio=0 total=1" ]
}

@test "--trace: one line per exit, in order, with the bytes printed" {
	re='^trace: seq=([0-9]+) t=[0-9]+\.[0-9]{9} reason=io dir=out port=0x00e9 size=1 count=1 data=0x([0-9a-f]{2}) dev=debugcon rip=0x[0-9a-f]+$'
	for g in hello16 hello32 hello64; do
		run --separate-stderr "$SIMVMM" run -q --trace "$g"
		[ "$status" -eq 0 ]
		[ "$output" = "Hello, world!" ]
		[ "${#stderr_lines[@]}" -eq 15 ]
		text=
		for i in $(seq 0 13); do
			[[ "${stderr_lines[$i]}" =~ $re ]]
			[ "${BASH_REMATCH[1]}" -eq $((i + 1)) ]
			text+="\\x${BASH_REMATCH[2]}"
		done
		[ "$(printf "$text")" = "Hello, world!" ]
		[[ "${stderr_lines[14]}" =~ ^trace:\ seq=15\ t=[0-9]+\.[0-9]{9}\ reason=hlt\ rip=0x[0-9a-f]+$ ]]
	done
}

@test "--trace: times rise, and RIP is the guest's" {
	# mov al,'A'; out 0xe9,al; hlt at 0x8000
	img=$(image a.bin '\xb0\x41\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run -q --mode real --trace "$img"
	[ "$status" -eq 0 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	# RIP as KVM reports it at the exit: at the instruction or past it,
	# depending on the KVM (out at 0x8002, hlt at 0x8004). Not pinned.
	[[ "${stderr_lines[0]}" =~ \ data=0x41\ dev=debugcon\ rip=0x800[24]$ ]]
	[[ "${stderr_lines[1]}" =~ \ reason=hlt\ rip=0x800[45]$ ]]
	t0=$(sed -E 's/.* t=([0-9.]+) .*/\1/' <<<"${stderr_lines[0]}")
	t1=$(sed -E 's/.* t=([0-9.]+) .*/\1/' <<<"${stderr_lines[1]}")
	[ "$(python3 -c "print($t0 < $t1)")" = True ]
}

@test "--trace shows reads with the data the device returned" {
	img=$(image u.bin '\xe6\x80\xe4\x80\xe6\xe9\xf4')
	run --separate-stderr "$SIMVMM" run -q --mode real --trace "$img"
	[ "$status" -eq 0 ]
	[ "${#stderr_lines[@]}" -eq 4 ]
	[[ "${stderr_lines[1]}" == *" reason=io dir=in port=0x0080 size=1 count=1 data=0xff dev=unassigned "* ]]
}

@test "--stats with a bad format is a usage error (2)" {
	run --separate-stderr "$SIMVMM" run --stats=xml hello16
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"bad --stats format 'xml': use text or json"* ]]
}

@test "--stats-file to an unwritable path fails before the guest runs (2)" {
	run --separate-stderr "$SIMVMM" run --stats-file /nonexistent/dir/s.json hello16
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"cannot write --stats-file '/nonexistent/dir/s.json': No such file or directory"* ]]
	run --separate-stderr "$SIMVMM" run --stats-file "$BATS_TEST_TMPDIR" hello16
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Is a directory"* ]]
}
