#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Run only under SANITIZE=1 (tests/run): proves the sanitizer settings the
# suites run with turn a real bug into a failing status and a report, so
# "zero findings" is a result and not a silent no-op.

bats_require_minimum_version 1.5.0
load ../integration/helpers

# The reports below are wanted: do not let the helpers' teardown fail them.
teardown() {
	:
}

CANARY=$BATS_TEST_DIRNAME/../../${BUILD:-build-san}/tests/canary

# The suite's own options, with reports sent here instead of to the
# directory tests/run fails on (later options override earlier ones).
canary() {
	ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$BATS_TEST_TMPDIR/asan" \
	UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$BATS_TEST_TMPDIR/ubsan" \
		run "$CANARY" "$1"
}

@test "tests/run set halt_on_error and the report directory" {
	[[ "$ASAN_OPTIONS" == *halt_on_error=1*exitcode=99*log_path=* ]]
	[[ "$UBSAN_OPTIONS" == *halt_on_error=1*exitcode=98*log_path=* ]]
}

@test "an ASan heap overflow exits 99 with a report" {
	canary asan
	[ "$status" -eq 99 ]
	grep -q "ERROR: AddressSanitizer: heap-buffer-overflow" \
		"$BATS_TEST_TMPDIR"/asan.*
}

@test "a UBSan signed overflow exits 98 with a report" {
	canary ubsan
	[ "$status" -eq 98 ]
	# gcc's UBSan ignores log_path: its report is on stderr, which the
	# helpers' teardown watches for.
	[[ "$output" == *"runtime error: signed integer overflow"* ]]
}

@test "a leak exits 99 with a LeakSanitizer report" {
	canary leak
	[ "$status" -eq 99 ]
	grep -q "ERROR: LeakSanitizer: detected memory leaks" \
		"$BATS_TEST_TMPDIR"/asan.*
}

@test "simvmm itself is built with ASan and UBSan" {
	nm "$SIMVMM" | grep -q __asan_init
	nm "$SIMVMM" | grep -q __ubsan_handle
}
