# SPDX-License-Identifier: GPL-2.0
# Shared by the integration suites: where simvmm is, and the KVM gate.

SIMVMM=${SIMVMM:-$BATS_TEST_DIRNAME/../../${BUILD:-build}/simvmm}

# Skip, loudly and with the reason, where /dev/kvm cannot be used; fail
# instead when SIMVMM_REQUIRE_KVM=1 (CI on a machine that has KVM).
require_kvm() {
	local why=
	if [ ! -e /dev/kvm ]; then
		why="/dev/kvm does not exist"
	elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		why="/dev/kvm is not readable and writable by $(id -un)"
	fi
	[ -z "$why" ] && return 0
	if [ "${SIMVMM_REQUIRE_KVM:-0}" = 1 ]; then
		echo "SIMVMM_REQUIRE_KVM=1 but $why" >&2
		return 1
	fi
	skip "needs KVM: $why"
}

# Write raw bytes (printf escapes) to a file in the test's temp dir.
image() {
	local path=$BATS_TEST_TMPDIR/$1
	printf "$2" >"$path"
	echo "$path"
}

# Run simvmm with stdout and stderr captured apart: $output is stdout,
# $stderr is stderr, $status the exit status.
run_split() {
	local errfile=$BATS_TEST_TMPDIR/stderr
	run --separate-stderr "$@"
}

# gcc's UBSan writes its reports to stderr whatever log_path says; besides
# exiting 98 (tests/run), fail any test whose last run printed one.
teardown() {
	if [[ "${stderr:-}${output:-}" == *"runtime error:"* ]]; then
		echo "a sanitizer report is in the output of the last run" >&2
		return 1
	fi
}
