#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# simvmm probe: what this host's KVM gives simvmm, checked by doing it.
# On every conforming KVM each CPU mode and single-step work; whether an
# int3 or a debug register exits differs between KVMs, so those lines are
# checked for their form only. Where there is no KVM (hidden in a mount
# namespace of the test's own) the probe and a run fail alike, status 2.

bats_require_minimum_version 1.5.0
load helpers

@test "probe: every CPU mode runs its hello guest, and the features simvmm uses work (0)" {
	require_kvm
	run --separate-stderr "$SIMVMM" probe
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 11 ]
	[[ "${lines[0]}" =~ ^kvm\ +yes\ +/dev/kvm,\ API\ version\ 12,\ guests\ see\ [[:print:]]{12},\ hypervisor\ KVMKVMKVM$ ]]
	[ "${lines[1]}" = "real         yes  hello16 halted and passed its check" ]
	[ "${lines[2]}" = "protected    yes  hello32 halted and passed its check" ]
	[ "${lines[3]}" = "paged        yes  hello32p halted and passed its check" ]
	[ "${lines[4]}" = "long         yes  hello64 halted and passed its check" ]
	[ "${lines[5]}" = "ioeventfd    yes  --transport poll works" ]
	[[ "${lines[6]}" =~ ^kvm-stats\ +(yes|no)\ + ]]
	[[ "${lines[7]}" == "single-step  yes  --gdb steps, "* ]]
	[[ "${lines[8]}" =~ ^int3-exit\ +(yes|no)\ +.*--gdb ]]
	[[ "${lines[9]}" =~ ^dr-exit\ +(yes|no)\ +.*--gdb ]]
	[ "${lines[10]}" = "simvmm can use every CPU mode and feature on this KVM" ]
}

@test "probe: what --gdb says it uses is what probe found" {
	require_kvm
	run --separate-stderr "$SIMVMM" probe
	[ "$status" -eq 0 ]
	local int3=${lines[8]} dr=${lines[9]}
	sock=$BATS_TEST_TMPDIR/gdb.sock
	"$SIMVMM" run --timeout 30 --gdb "$sock" hello16 \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err" </dev/null &
	for i in $(seq 300); do
		grep -q "waiting for gdb" "$BATS_TEST_TMPDIR/err" && break
		sleep 0.1
	done
	kill -TERM $!
	wait $! || true
	err=$(cat "$BATS_TEST_TMPDIR/err")
	echo "$err"
	[[ "$int3" =~ ^int3-exit\ +yes ]] && want="int3 exits yes" || want="int3 exits no"
	[[ "$err" == *"$want"* ]]
	[[ "$dr" =~ ^dr-exit\ +yes ]] && want="DR0 breakpoints fire" || want="DR0 breakpoints do not fire"
	[[ "$err" == *"$want"* ]]
}

@test "probe takes no arguments (2)" {
	run --separate-stderr "$SIMVMM" probe --all
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"probe takes no arguments"* ]]
	[[ "$stderr" == *"Try 'simvmm --help'"* ]]
}

@test "--help names probe and its exit statuses" {
	run "$SIMVMM" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"simvmm probe"* ]]
	[[ "$output" == *"it exits 0 if all work, 1 if some do not, 2 without KVM."* ]]
}

# In a mount namespace of its own, /dev/kvm missing or not KVM at all.
without_kvm() {
	local how=$1
	shift
	[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null ||
		{ echo "needs root and unshare to hide /dev/kvm" >&2; return 1; }
	run --separate-stderr unshare -m sh -c '
		case $1 in
		missing) mount -t tmpfs none /dev ;;
		not-kvm) mount --bind /dev/null /dev/kvm ;;
		esac || exit 99
		shift
		exec "$@"' sh "$how" "$@"
}

@test "no /dev/kvm: probe and run say what to do (2)" {
	require_kvm
	for cmd in probe "run hello16"; do
		# shellcheck disable=SC2086
		without_kvm missing "$SIMVMM" $cmd
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[[ "$stderr" == *"simvmm: error: /dev/kvm does not exist: load the kvm module (kvm_intel or kvm_amd) or run on a host with virtualization enabled"* ]]
	done
}

@test "a /dev/kvm that is not KVM is named as such (2)" {
	require_kvm
	without_kvm not-kvm "$SIMVMM" probe
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"simvmm: error: /dev/kvm is not a KVM device: KVM_GET_API_VERSION failed: Inappropriate ioctl for device"* ]]
}

@test "probe: what does not work is named, each line and the summary (1)" {
	require_kvm
	# One descriptor past stdio: /dev/kvm opens, no VM can be made. bats's
	# own descriptors are closed first; valgrind needs more than this
	# allows, so the plain binary runs even under SIMVMM_VALGRIND=1.
	run --separate-stderr sh -c 'for fd in 3 4 5 6 7 8 9; do eval "exec $fd>&-"; done
		exec prlimit --nofile=4:4 "$1" probe' sh "${VG_SIMVMM:-$SIMVMM}"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^kvm\ +yes ]]
	[ "${lines[1]}" = "real         no   hello16: KVM refused its setup (see above)" ]
	[ "${lines[4]}" = "long         no   hello64: KVM refused its setup (see above)" ]
	[ "${lines[-1]}" = "simvmm cannot use on this KVM: real protected paged long guest-debug" ]
	[[ "$stderr" == *"simvmm: error: --gdb: probing this KVM's guest debugging: Too many open files"* ]]
}
