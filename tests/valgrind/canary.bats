#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Run only without sanitizers (tests/run): proves that the valgrind checks
# the integration suites run under (simvmm-vg, vg-check, the helpers'
# teardown) really fail on an invalid read, a leak and a leaked fd.

bats_require_minimum_version 1.5.0
load ../integration/helpers

CANARY=$BATS_TEST_DIRNAME/../../${BUILD:-build}/tests/canary
VG=$BATS_TEST_DIRNAME/simvmm-vg
CHECK=$BATS_TEST_DIRNAME/vg-check

# Deliberate findings live in their own directory, not the teardown's.
canary() {
	mkdir -p "$BATS_TEST_TMPDIR/canary"
	VG_SIMVMM=$CANARY VG_LOG_DIR=$BATS_TEST_TMPDIR/canary run "$VG" "$1"
	log=$(echo "$BATS_TEST_TMPDIR"/canary/vg.*)
}

@test "an invalid read exits 97 and fails the check" {
	canary asan
	[ "$status" -eq 97 ]
	run "$CHECK" "$log"
	[ "$status" -eq 1 ]
	[[ "$output" == *"memcheck errors"* ]]
	[[ "$output" == *"Invalid read of size 1"* ]]
}

@test "a leak exits 97 and fails the check" {
	canary leak
	[ "$status" -eq 97 ]
	run "$CHECK" "$log"
	[ "$status" -eq 1 ]
	[[ "$output" == *"heap blocks still allocated at exit"* ]]
	[[ "$output" == *"definitely lost: 16 bytes in 1 blocks"* ]]
}

@test "an fd left open fails the check, though valgrind exits 0" {
	canary fd
	[ "$status" -eq 0 ]
	run "$CHECK" "$log"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fds left open: [Open file descriptor "*": /dev/null]"* ]]
}

@test "a clean simvmm run passes the check" {
	require_kvm
	mkdir -p "$BATS_TEST_TMPDIR/clean"
	VG_SIMVMM=$SIMVMM VG_LOG_DIR=$BATS_TEST_TMPDIR/clean \
		run --separate-stderr "$VG" run hello64
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	"$CHECK" "$BATS_TEST_TMPDIR"/clean/vg.*
}

@test "under SIMVMM_VALGRIND=1 a test whose program leaks an fd fails" {
	# Spelt so that this file's own bats does not take it for a test.
	local at=@
	cat >"$BATS_TEST_TMPDIR/leaky.bats" <<-END
		load $BATS_TEST_DIRNAME/../integration/helpers
		${at}test leaky {
			run "\$SIMVMM" fd
			[ "\$status" -eq 0 ]
		}
	END
	SIMVMM=$CANARY SIMVMM_VALGRIND=1 VG_SIMVMM= \
		run bats --tap "$BATS_TEST_TMPDIR/leaky.bats"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not ok 1 leaky"* ]]
	[[ "$output" == *"fds left open"* ]]
}
