# SPDX-License-Identifier: GPL-2.0
# Shared by the integration suites: where simvmm is, and the KVM gate.

SIMVMM=${SIMVMM:-$BATS_TEST_DIRNAME/../../${BUILD:-build}/simvmm}

# SIMVMM_VALGRIND=1 (tests/run, unsanitized builds): every simvmm a test
# starts runs under valgrind memcheck, and teardown fails the test unless
# each run freed all memory and closed every fd it opened.
# (bats sources this file more than once: wrap only once.)
if [ "${SIMVMM_VALGRIND:-0}" = 1 ] && [ "${SIMVMM##*/}" != simvmm-vg ]; then
	export VG_SIMVMM=$SIMVMM
	SIMVMM=$(dirname "${BASH_SOURCE[0]}")/../valgrind/simvmm-vg
fi

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

# Wait until the simvmm writing stderr to $1 has started its guest (its
# stop signals are blocked from then on), at most 10 s. A signal sent
# earlier may be lost: a background job inherits SIGINT ignored, and an
# ignored signal that is not yet blocked is discarded. Tests that signal
# a spinning guest also give it a --timeout, so a lost signal fails the
# test instead of hanging the suite.
wait_running() {
	local i
	for i in $(seq 100); do
		grep -q "simvmm: running" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "simvmm did not start its guest within 10 s" >&2
	return 1
}

# stop_with SIGNAL RUN-ARGS...: start 'simvmm run --timeout 60 RUN-ARGS' in
# its own session (a background job would ignore SIGINT), stop it with
# SIGNAL once its guest runs, and leave its exit status in $rc and its
# stderr in $BATS_TEST_TMPDIR/err. stdin is the caller's.
stop_with() {
	local sig=$1
	shift
	# <&0: an async command would otherwise read /dev/null.
	setsid "$SIMVMM" run --timeout 60 "$@" <&0 >/dev/null \
		2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_running "$BATS_TEST_TMPDIR/err"
	sleep 0.2
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
}

teardown() {
	# gcc's UBSan writes its reports to stderr whatever log_path says;
	# besides exiting 98 (tests/run), fail a test whose last run has one.
	if [[ "${stderr:-}${output:-}" == *"runtime error:"* ]]; then
		echo "a sanitizer report is in the output of the last run" >&2
		return 1
	fi
	if [ "${SIMVMM_VALGRIND:-0}" = 1 ] &&
	   [ "${SIMVMM##*/}" != simvmm-vg ]; then
		echo "SIMVMM_VALGRIND=1 but the test ran $SIMVMM" >&2
		return 1
	fi
	if [ "${SIMVMM_VALGRIND:-0}" = 1 ] &&
	   compgen -G "$BATS_TEST_TMPDIR/vg.*" >/dev/null; then
		"$(dirname "${BASH_SOURCE[0]}")/../valgrind/vg-check" \
			"$BATS_TEST_TMPDIR"/vg.*
	fi
}

# jget FILE 'PYTHON EXPRESSION over d': a value from a JSON report (jq's
# job, in python3, which the tests need anyway).
jget() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# The exits object of a stats report as sorted "key=value" words.
exits_of() {
	jget "$1" '" ".join("%s=%d" % kv for kv in sorted(d["exits"].items()))'
}

# patch_bytes IN OUT 'PYTHON': a copy of IN, changed by PYTHON acting on
# the bytearray b (u16/u32/u64(off, value) write little-endian, and
# mb_sum(off) recomputes the checksum of a Multiboot header at off).
patch_bytes() {
	python3 - "$@" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
def u16(o, v): struct.pack_into('<H', b, o, v & 0xffff)
def u32(o, v): struct.pack_into('<I', b, o, v & 0xffffffff)
def u64(o, v): struct.pack_into('<Q', b, o, v & 0xffffffffffffffff)
def g32(o): return struct.unpack_from('<I', b, o)[0]
def mb_sum(o): u32(o + 8, -(0x1badb002 + g32(o + 4)))
exec(sys.argv[3])
open(sys.argv[2], 'wb').write(bytes(b))
PY
}
