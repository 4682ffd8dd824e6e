#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The guest SDK, end to end: the examples (examples/) that make sdk-check
# built from make install's tree alone ($BUILD/sdk-root) into
# $BUILD/examples, each run by the simvmm installed in that tree, in its
# mode, with its exact output and exit status. make test runs sdk-check
# on the host before the suites; without it these tests skip, and fail
# under SIMVMM_REQUIRE_KVM=1 (CI).

bats_require_minimum_version 1.5.0

ROOT=$BATS_TEST_DIRNAME/../..
SDK_ROOT=$ROOT/${BUILD:-build}/sdk-root
EX=$ROOT/${BUILD:-build}/examples
SDK_SIMVMM=$SDK_ROOT/usr/bin/simvmm
# The installed simvmm, not the build's (helpers wraps it for valgrind).
SIMVMM=$SDK_SIMVMM
load helpers

setup() {
	local f missing=
	for f in "$SDK_SIMVMM" "$EX"/{hello16,tx32,assert64}.{elf,bin}; do
		[ -e "$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		if [ "${SIMVMM_REQUIRE_KVM:-0}" = 1 ]; then
			echo "SIMVMM_REQUIRE_KVM=1 but the SDK examples are not built (missing:$missing): run make sdk-check" >&2
			return 1
		fi
		skip "the SDK examples are not built (make sdk-check)"
	fi
}

# expect STATUS MODE STDOUT: the last run's exit status, stdout, and the
# mode simvmm says it ran the guest in.
expect() {
	echo "status $status; stdout:"
	echo "$output"
	echo "stderr:"
	echo "$stderr"
	[ "$status" -eq "$1" ]
	[[ "$stderr" == *" in $2 mode,"* ]]
	[ "$output" = "$3" ]
}

HELLO16='Hello from real mode, 16-bit code
2^40 = 1099511627776 = 0x10000000000'
TX32='Hello over SIMVIRTIO TX
tx32: sent 24 bytes'
ASSERT64='fib(20) = 6765'

@test "the examples' ELF files carry the simvmm ABI note" {
	for e in hello16 tx32 assert64; do
		run readelf -n "$EX/$e.elf"
		[ "$status" -eq 0 ]
		[[ "$output" == *"simvmm"*"0x00000004"* ]]
	done
}

@test "hello16.elf (real mode, guest_printf) runs with --mode real" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --mode real "$EX/hello16.elf"
	expect 0 real "$HELLO16"
}

@test "hello16.bin, the flat image, runs the same with --mode real" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --mode real "$EX/hello16.bin"
	expect 0 real "$HELLO16"
}

@test "tx32.elf (SIMVIRTIO TX) runs in protected mode without --mode" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --simvirtio "$EX/tx32.elf"
	expect 0 protected "$TX32"
}

@test "tx32.elf runs the same in paged mode" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --simvirtio --mode paged "$EX/tx32.elf"
	expect 0 paged "$TX32"
}

@test "tx32.bin, the flat image, runs with --mode protected" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --simvirtio --mode protected "$EX/tx32.bin"
	expect 0 protected "$TX32"
}

@test "tx32 without the device: the driver's error, status 1 from the exit port" {
	require_kvm
	run --separate-stderr "$SIMVMM" run "$EX/tx32.elf"
	expect 1 protected 'tx32: SIMVIRTIO error -1'
	[[ "$stderr" == *"guest reported failure: status 1 on the exit port"* ]]
}

@test "assert64.elf (GUEST_ASSERT that holds) runs in long mode without --mode" {
	require_kvm
	run --separate-stderr "$SIMVMM" run "$EX/assert64.elf"
	expect 0 long "$ASSERT64"
	[[ "$stderr" != *"assertion failed"* ]]
}

@test "assert64.bin, the flat image, runs the same with --mode long" {
	require_kvm
	run --separate-stderr "$SIMVMM" run --mode long "$EX/assert64.bin"
	expect 0 long "$ASSERT64"
}
