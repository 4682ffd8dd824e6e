#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Many VMs in one process: tests/multi/multi_vm (16 machines of every
# kind at once, each with its own backends, checked one by one), the
# same under ThreadSanitizer, and simvmm run --count.

bats_require_minimum_version 1.5.0
load helpers

ROOT=$BATS_TEST_DIRNAME/../..
MULTI_VM=$ROOT/${BUILD:-build}/tests/multi_vm
# Built by make tsan (CI does, before the box); not by make test.
TSAN_MULTI_VM=$ROOT/build-tsan/tests/multi_vm

setup() {
	require_kvm
}

# multi_vm's TAP: the plan, then one line per VM, all of them ok.
assert_16_ok() {
	local n
	[[ "$output" == *"1..16"* ]]
	n=$(grep -Ec '^ok [0-9]+ - ' <<<"$output")
	[ "$n" -eq 16 ]
	! grep -q '^not ok' <<<"$output"
	[[ "$output" == *"# 16 VMs at once: 16 as expected, 0 not"* ]]
}

# wait_vms PID N: until PID runs N VM threads besides its main one, at
# most 30 s, then 1 s more. simvmm blocks its stop signals before it
# starts them (a signal sent earlier would end it unhandled). Threads,
# not a message: with --count > 1 it prints no "running" line. (Under
# valgrind, too, each of its threads is one of the process's.)
wait_vms() {
	local pid=$1 want=$(($2 + 1)) i
	for i in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		if [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -ge "$want" ]; then
			sleep 1
			kill -0 "$pid" 2>/dev/null && return 0
			break
		fi
		sleep 0.1
	done
	echo "simvmm (pid $pid) did not start its $2 VMs, or ended" >&2
	return 1
}

@test "multi_vm: 16 VMs of every kind at once, each as expected" {
	[ -x "$MULTI_VM" ] || { echo "$MULTI_VM is not built (make test builds it)"; false; }
	run "$MULTI_VM"
	echo "$output"
	[ "$status" -eq 0 ]
	assert_16_ok
}

@test "multi_vm under ThreadSanitizer: no race, each VM as expected" {
	if [ ! -x "$TSAN_MULTI_VM" ]; then
		if [ "${SIMVMM_REQUIRE_KVM:-0}" = 1 ]; then
			echo "SIMVMM_REQUIRE_KVM=1 but $TSAN_MULTI_VM is not built: run make tsan" >&2
			return 1
		fi
		skip "build-tsan/tests/multi_vm is not built (make tsan)"
	fi
	TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1" \
		run "$TSAN_MULTI_VM"
	echo "$output"
	[[ "$output" != *"WARNING: ThreadSanitizer"* ]]
	[ "$status" -eq 0 ]
	assert_16_ok
}

@test "run --count 16 hello64: 16 VMs, 16 passed, with a VMs/s figure" {
	out=$BATS_TEST_TMPDIR/out
	err=$BATS_TEST_TMPDIR/err
	rc=0
	"$SIMVMM" run --count 16 hello64 >"$out" 2>"$err" || rc=$?
	cat "$err"
	[ "$rc" -eq 0 ]
	grep -Eq '16 VMs: 16 passed, 0 failed, in [0-9.]+ s \([0-9.]+ VMs/s\)' "$err"
	[ "$(grep -c 'verified RAX=42' "$err")" -eq 16 ]
	# Sixteen Hello, world! lines on one console: the VMs write a byte
	# per exit, so they may interleave; the bytes are all there.
	want=$(for i in $(seq 16); do echo 'Hello, world!'; done | fold -w1 | sort | tr -d '\n')
	got=$(fold -w1 <"$out" | sort | tr -d '\n')
	[ "$got" = "$want" ]
	[ "$(wc -c <"$out")" -eq $((16 * 14)) ]
}

@test "run --count 4 --timeout 0.3 on spinning guests: 0 passed, 4 failed" {
	img=$(image spin.bin '\xeb\xfe')
	run --separate-stderr timeout 120 "$SIMVMM" run --count 4 \
		--timeout 0.3 --mode real "$img"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"4 VMs: 0 passed, 4 failed"* ]]
	[ "$(grep -c 'still running after the 0.3 s timeout' <<<"$stderr")" -eq 4 ]
}

@test "SIGTERM stops a --count 8 run of spinning guests with status 143" {
	img=$(image spin.bin '\xeb\xfe')
	err=$BATS_TEST_TMPDIR/err
	# Its own session, as stop_with does; --timeout: a lost signal fails
	# the test (status 1) instead of hanging it.
	setsid "$SIMVMM" run --count 8 --timeout 120 --mode real "$img" \
		>/dev/null 2>"$err" &
	pid=$!
	wait_vms "$pid" 8
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	cat "$err"
	[ "$rc" -eq 143 ]
	[[ "$(cat "$err")" == *"8 VMs: 0 passed, 8 failed"* ]]
	[ "$(grep -c 'stopped by signal 15' "$err")" -eq 8 ]
	[ "$(grep -c 'still running after' "$err")" -eq 0 ]
}
