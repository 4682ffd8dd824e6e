#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The testbed itself (tests/vmbox/vmbox), run on the host by tests/run
# whenever the KVM suites go to the box: what comes back is the job's.

bats_require_minimum_version 1.5.0

VMBOX=$BATS_TEST_DIRNAME/vmbox

@test "a job's stdout, stderr and status come back apart; KVM is there" {
	run --separate-stderr "$VMBOX" -e FOO="a b'c" -- bash -c \
		'echo "out $FOO"; echo "pwd $PWD"; [ -c /dev/kvm ] && echo kvm; echo err >&2; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = "out a b'c" ]
	[ "${lines[1]}" = "pwd $(pwd -P)" ]
	[ "${lines[2]}" = kvm ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$stderr" = err ]
}

@test "the checkout is writable from the box, the host's root is not" {
	local f=$BATS_TEST_DIRNAME/.vmbox-write-test
	rm -f "$f"
	run --separate-stderr "$VMBOX" -- bash -c \
		"echo hi >'$f' && ! touch /usr/vmbox-test 2>/dev/null && echo ok"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ "$(cat "$f")" = hi ]
	rm -f "$f"
}

@test "a box that does not finish in time is killed, status 124" {
	local tmp=$BATS_TEST_TMPDIR/t
	mkdir -p "$tmp"
	TMPDIR=$tmp run --separate-stderr "$VMBOX" -t 2 -- sleep 100
	[ "$status" -eq 124 ]
	[[ "$stderr" == *"vmbox: the box did not finish within 2 s and was killed"* ]]
	# Nothing of it is left behind: no QEMU, no job folder.
	! pgrep -f "path=$tmp/vmbox" >/dev/null
	[ -z "$(ls -A "$tmp")" ]
}

@test "bad usage is refused before any box boots (125, 2)" {
	run --separate-stderr "$VMBOX" -t soon -- true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--timeout wants a whole number of seconds, not 'soon'"* ]]
	run --separate-stderr "$VMBOX" -e 1BAD -- true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--env wants NAME or NAME=VALUE, not '1BAD'"* ]]
	run --separate-stderr "$VMBOX" --frobnicate -- true
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown option --frobnicate"* ]]
	run --separate-stderr "$VMBOX"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage: vmbox"* ]]
}
