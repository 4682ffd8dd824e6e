#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# SIMVIRTIO end to end (docs/simvirtio.md): the flow guests in every mode
# over both transports, echo, hostile drivers, signals, leaks, the
# USE_POOLING build. Each test checks the exit status and exact output.

bats_require_minimum_version 1.5.0
load helpers

TESTG=$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests/test

setup() {
	require_kvm
}

# run_flow GUEST TRANSPORT [MEMORY]: the assignment's flow must print
# exactly "Ana are mere", pass the check and report the transport and
# where the device is: 0x100000 in the assignment's map (1 MiB, the
# default), 0xc0000000 in the large map (--memory above 1M).
run_flow() {
	local at=0x100000 mem=()
	if [ -n "${3:-}" ]; then
		mem=(--memory "$3")
		at=0xc0000000
	fi
	run --separate-stderr "$SIMVMM" run "${mem[@]}" --transport "$2" "$1" \
		</dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "Ana are mere" ]
	[[ "$stderr" == *"simvirtio at $at, $2 transport"* ]]
	[[ "$stderr" == *"verified RAX=42 and [0x400]=42"* ]]
	[[ "$stderr" == *"TX 13 bytes, RX 0 bytes"* ]]
}

# Exit transport: every ring access exits; the count is exact (1 exit a
# byte, 6 per send; see docs/simvirtio.md "What each transport costs").
exits_exact() {
	[[ "$stderr" == *"simvirtio: 15 config exits, 33 ring exits, 0 kicks;"* ]]
}

# Poll transport: the rings never exit; config accesses still do.
no_ring_exits() {
	[[ "$stderr" =~ simvirtio:\ 1[5-9]\ config\ exits,\ 0\ ring\ exits ]] ||
	[[ "$stderr" =~ simvirtio:\ [2-9][0-9]\ config\ exits,\ 0\ ring\ exits ]]
}

@test "simvirtio (long mode), exit transport: Ana are mere, 33 ring exits" {
	run_flow simvirtio exit
	exits_exact
}

@test "simvirtio (long mode), poll transport: Ana are mere, no ring exits" {
	run_flow simvirtio poll
	no_ring_exits
}

@test "simvirtio16 (real mode), exit transport" {
	run_flow simvirtio16 exit
	[[ "$stderr" == *"running simvirtio16 in real mode"* ]]
	exits_exact
}

@test "simvirtio16 (real mode), poll transport" {
	run_flow simvirtio16 poll
	no_ring_exits
}

@test "simvirtio32 (protected mode), exit transport" {
	run_flow simvirtio32 exit
	[[ "$stderr" == *"running simvirtio32 in protected mode"* ]]
	exits_exact
}

@test "simvirtio32 (protected mode), poll transport" {
	run_flow simvirtio32 poll
	no_ring_exits
}

@test "simvirtio stdout is exactly the message bytes" {
	for t in exit poll; do
		out=$("$SIMVMM" run --transport "$t" simvirtio </dev/null \
			2>/dev/null | od -An -c | tr -s ' ')
		[ "$out" = " A n a a r e m e r e \\n" ]
	done
}

@test "the default transport is exit, and --help says so" {
	run --separate-stderr "$SIMVMM" run simvirtio </dev/null
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"simvirtio at 0x100000, exit transport"* ]]
	run "$SIMVMM" --help
	[[ "$output" == *"--transport T"* ]]
	[[ "$output" == *"default: exit"* ]]
}

@test "simvirtio in the large map (--memory 64M), poll transport: the device at 0xc0000000" {
	run_flow simvirtio poll 64M
	no_ring_exits
}

@test "a guest that never touches SIMVIRTIO gets no device report" {
	run --separate-stderr "$SIMVMM" run --transport poll hello64
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	[[ "$stderr" != *"config exits"* ]]
}

@test "bad --transport is a usage error (2)" {
	run --separate-stderr "$SIMVMM" run --transport pooling simvirtio
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown --transport 'pooling': use exit or poll"* ]]
}

@test "list shows the SIMVIRTIO guests" {
	run "$SIMVMM" list
	[ "$status" -eq 0 ]
	[[ "$output" =~ simvirtio\ +long ]]
	[[ "$output" =~ simvirtio16\ +real ]]
	[[ "$output" =~ simvirtio32\ +protected ]]
	[[ "$output" =~ echo\ +long ]]
}

# ---- echo: stdin -> RX -> guest -> TX -> stdout -------------------------

@test "echo, exit transport: printf abc | simvmm run echo prints abc" {
	run --separate-stderr bash -c "printf abc | '$SIMVMM' run --transport exit echo"
	[ "$status" -eq 0 ]
	[ "$output" = "abc" ]
	[[ "$stderr" == *"TX 3 bytes, RX 3 bytes"* ]]
	[[ "$stderr" == *"verified RAX=42"* ]]
}

@test "echo, poll transport: printf hello | simvmm run echo prints hello" {
	run --separate-stderr bash -c "printf hello | '$SIMVMM' run --transport poll echo"
	[ "$status" -eq 0 ]
	[ "$output" = "hello" ]
	[[ "$stderr" == *"0 ring exits"* ]]
	[[ "$stderr" == *"TX 5 bytes, RX 5 bytes"* ]]
}

@test "echo: empty input ends at once with nothing echoed" {
	for t in exit poll; do
		run --separate-stderr "$SIMVMM" run --transport "$t" echo </dev/null
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

@test "echo: a closed stdin is no input, and no error" {
	for t in exit poll; do
		# Closed inside bash -c: bats' own pipes would take fd 0.
		run --separate-stderr bash -c "'$SIMVMM' run --transport $t echo <&-"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		[[ "$stderr" != *warning* ]]
		[[ "$stderr" == *"TX 0 bytes, RX 0 bytes"* ]]
	done
}

@test "echo: 3000 bytes, many times the queue, come back byte for byte" {
	head -c 3000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	for t in exit poll; do
		"$SIMVMM" run -q --transport "$t" echo <"$BATS_TEST_TMPDIR/in" \
			>"$BATS_TEST_TMPDIR/out"
		cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	done
}

@test "echo: input that arrives late is waited for (both transports)" {
	for t in exit poll; do
		run --separate-stderr bash -c "(printf ab; sleep 0.3; printf cd) | '$SIMVMM' run --transport $t echo"
		[ "$status" -eq 0 ]
		[ "$output" = "abcd" ]
	done
}

@test "poll transport: a sleeping poller is woken by the driver's kick" {
	run --separate-stderr "$SIMVMM" run --mode long --check \
		--transport poll "$TESTG/idle_kick.bin" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "kick" ]
	[[ "$stderr" =~ simvirtio:\ [0-9]+\ config\ exits,\ 0\ ring\ exits,\ [1-9][0-9]*\ kicks\;\ TX\ 5\ bytes ]]
}

@test "exit transport: the same guest never kicks (needs_kick stays 0)" {
	run --separate-stderr "$SIMVMM" run --mode long --check \
		--transport exit "$TESTG/idle_kick.bin" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "kick" ]
	[[ "$stderr" == *" ring exits, 0 kicks; TX 5 bytes"* ]]
}

# ---- stop paths: the poller is stopped and joined on every one ----------

@test "SIGTERM stops echo waiting for input, poll transport (143)" {
	stop_with TERM --transport poll echo < <(sleep 5)
	[ "$rc" -eq 143 ]
	grep -q "stopped by signal 15 (Terminated)" "$BATS_TEST_TMPDIR/err"
}

@test "SIGTERM stops echo waiting for input, exit transport (143)" {
	stop_with TERM --transport exit echo < <(sleep 5)
	[ "$rc" -eq 143 ]
	grep -q "stopped by signal 15 (Terminated)" "$BATS_TEST_TMPDIR/err"
}

@test "--timeout stops echo waiting for input, poll transport (1)" {
	run --separate-stderr bash -c "sleep 5 | '$SIMVMM' run --timeout 0.5 --transport poll echo"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"after the 0.5 s timeout"* ]]
}

@test "no leak or memory error, poll transport, success and violation" {
	# The checker fits the build: valgrind for a plain one; in a
	# SANITIZE=1 build ASan and LeakSanitizer are inside simvmm already
	# (tests/run makes a report exit 99); and in the valgrind pass
	# $SIMVMM is the valgrind wrapper itself.
	vg=(valgrind -q --leak-check=full --show-leak-kinds=all
	    --errors-for-leak-kinds=all --error-exitcode=99)
	if [ "${SANITIZE:-}" = 1 ] || [ "${SIMVMM##*/}" = simvmm-vg ]; then
		vg=(env)
	fi
	run --separate-stderr "${vg[@]}" "$SIMVMM" run --transport poll \
		simvirtio </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "Ana are mere" ]
	run --separate-stderr "${vg[@]}" "$SIMVMM" run --mode long \
		--transport poll "$TESTG/hostile_c_before_r.bin" </dev/null
	[ "$status" -eq 1 ]
	run --separate-stderr bash -c "printf xy | ${vg[*]} '$SIMVMM' run --transport exit echo"
	[ "$status" -eq 0 ]
	[ "$output" = "xy" ]
}

# ---- hostile drivers: one broken rule each --------------------------------

# run_hostile NAME TRANSPORT DIAGNOSTIC: stopped with status 1 and exactly
# that diagnostic; the guest never got to say NOT STOPPED.
run_hostile() {
	run --separate-stderr "$SIMVMM" run --mode long --check \
		--transport "$2" "$TESTG/hostile_$1.bin" </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" != *"NOT STOPPED"* ]]
	[[ "$stderr" == *"simvmm: error: simvirtio: protocol violation: $3"* ]]
	[[ "$stderr" == *"device status is now DEVICE_ERROR (0x80); stopping the VM"* ]]
	[[ "$stderr" != *verified* ]]
}

@test "hostile: 'C' before 'R' (exit, poll)" {
	for t in exit poll; do
		run_hostile c_before_r "$t" \
			"'C' on TX before 'R': the handshake starts with 'R'"
		[ -z "$output" ]
	done
}

@test "hostile: data before DEVICE_READY (exit, poll)" {
	for t in exit poll; do
		run_hostile early_data "$t" \
			"data (0x41) on TX before DEVICE_READY: the driver must set DRIVER_OK first"
		[ -z "$output" ]
	done
}

@test "hostile: TX head outside the queue (exit, poll)" {
	for t in exit poll; do
		run_hostile bad_index "$t" \
			"TX head 2000 is outside the queue (max queue len 1024)"
		[ -z "$output" ]
	done
}

@test "hostile: RX tail moved past the head (exit, poll)" {
	for t in exit poll; do
		run_hostile rx_tail "$t" \
			"RX tail moved from 0 to 5, past head 0: the driver consumed elements the device never produced"
		[ -z "$output" ]
	done
}

@test "hostile: a driver using a longer queue than max queue len (exit, poll)" {
	# Exit: the device sees every head store, so it stops at the first
	# bad one. The 1021 bytes that fitted were good data.
	run_hostile maxlen exit \
		"TX head 1024 is outside the queue (max queue len 1024)"
	[ "$output" = "$(printf 'x%.0s' $(seq 1021))" ]
	# Poll: the poller sees whichever head the driver reached by then.
	run_hostile maxlen poll "TX head "
	[[ "$stderr" =~ TX\ head\ (102[4-9]|10[3-9][0-9]|110[0-3])\ is\ outside\ the\ queue\ \(max\ queue\ len\ 1024\) ]]
	[[ "$output" =~ ^x*$ ]]
}

@test "hostile: write to the read-only max queue len (exit, poll)" {
	for t in exit poll; do
		run_hostile ro_write "$t" \
			"write of 0x400 to the read-only max queue len register"
		[ -z "$output" ]
	done
}

@test "hostile: a 2-byte access across two registers (exit, poll)" {
	for t in exit poll; do
		run_hostile bad_access "$t" \
			"read of 2 byte(s) at config offset 0x6 matches no register"
		[ -z "$output" ]
	done
}

@test "hostile: TX overflow is caught at the slot write (exit)" {
	run_hostile overflow exit \
		"TX overflow: the driver wrote slot 1, which is not free (head 2, tail 2; the queue holds at most 1023 elements)"
	[ -z "$output" ]
}

@test "hostile: TX overflow that laps the ring exactly is invisible in poll (documented)" {
	# docs/simvirtio.md: in shared memory the device sees indices only,
	# and a head that moved by exactly maxlen looks unmoved. The data is
	# lost to the guest; the host is untouched.
	run --separate-stderr "$SIMVMM" run --mode long --check \
		--transport poll "$TESTG/hostile_overflow.bin" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "NOT STOPPED" ]
	[[ "$stderr" == *"TX 0 bytes"* ]]
}

# ---- the USE_POOLING build ------------------------------------------------

@test "make USE_POOLING=1 builds a VMM whose default transport is poll" {
	# make test builds it beforehand (here it is then up to date), so
	# the box does not compile under emulation.
	b=${BUILD:-build}/pool
	make -s -C "$BATS_TEST_DIRNAME/../.." BUILD="$b" USE_POOLING=1 \
		"$b/simvmm" >/dev/null
	b=$BATS_TEST_DIRNAME/../../$b
	run --separate-stderr "$b/simvmm" run simvirtio </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "Ana are mere" ]
	[[ "$stderr" == *"simvirtio at 0x100000, poll transport"* ]]
	[[ "$stderr" == *"0 ring exits"* ]]
	run --separate-stderr "$b/simvmm" run --transport exit simvirtio </dev/null
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"simvirtio at 0x100000, exit transport"* ]]
	run "$b/simvmm" --help
	[[ "$output" == *"default: poll"* ]]
}

# ---- the large memory map: the device at 0xc0000000, found in the table ----

@test "simvirtio and simvirtio32 in the large map (--memory 64M), both transports" {
	for g in simvirtio simvirtio32; do
		run_flow "$g" exit 64M
		exits_exact
		run_flow "$g" poll 64M
		no_ring_exits
	done
}

@test "echo in the large map (--memory 64M), both transports" {
	for t in exit poll; do
		run --separate-stderr bash -c "printf 'Ana are mere' | '$SIMVMM' run --memory 64M --transport $t echo"
		[ "$status" -eq 0 ]
		[ "$output" = "Ana are mere" ]
		[[ "$stderr" == *"simvirtio at 0xc0000000, $t transport"* ]]
		[[ "$stderr" == *"TX 12 bytes, RX 12 bytes"* ]]
		[[ "$stderr" == *"verified RAX=42"* ]]
	done
}

@test "simvirtio16 (real mode) cannot reach the large map's window: driver error 1 (1)" {
	# docs/simvirtio.md, "Finding the device": FS reaches 0x10ffef at
	# most, so a real-mode driver finds 0xc0000000 out of reach.
	run --separate-stderr "$SIMVMM" run --memory 64M simvirtio16 </dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "simvirtio: driver error 1" ]
	[[ "$stderr" == *"simvirtio at 0xc0000000, exit transport"* ]]
	[[ "$stderr" == *"guest reported failure: status 1 on the exit port"* ]]
	[[ "$stderr" != *verified* ]]
}
