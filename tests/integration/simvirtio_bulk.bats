#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The driver's bulk path (simvirtio_write/simvirtio_read): runs that wrap
# past the end of the 1024-element buffers, many ring laps, binary data,
# byte-exact through echo over both transports.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_kvm
}

@test "echo: 10000 random bytes, NULs included, come back byte-exact (exit, poll)" {
	in=$BATS_TEST_TMPDIR/in
	head -c 10000 /dev/urandom >"$in"
	printf '\0\0\0' >>"$in"
	for t in exit poll; do
		"$SIMVMM" run -q --transport "$t" echo <"$in" \
			>"$BATS_TEST_TMPDIR/out.$t"
		cmp "$in" "$BATS_TEST_TMPDIR/out.$t"
	done
}

@test "echo: input arriving in pieces while the guest waits (poll)" {
	out=$BATS_TEST_TMPDIR/out
	(head -c 3000 /dev/zero | tr '\0' a; sleep 0.2; head -c 3000 /dev/zero | tr '\0' b) |
		"$SIMVMM" run -q --transport poll echo >"$out"
	[ "$(tr -d a <"$out" | wc -c)" -eq 3000 ]
	[ "$(tr -d b <"$out" | wc -c)" -eq 3000 ]
	[ "$(head -c 3000 "$out" | tr -d a | wc -c)" -eq 0 ]
}
