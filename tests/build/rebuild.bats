#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The build folder follows the flags: every host object depends on a
# stamp of the flags it was compiled with ($BUILD/host/.flags), so the
# same folder rebuilt with another USE_POOLING recompiles, and the same
# flags again compile nothing. Runs on the host; needs no KVM.
#
# The tests share one build folder and run in order.

bats_require_minimum_version 1.5.0

setup_file() {
	# Run from make test: nothing of the caller's make may leak in (its
	# SANITIZE, USE_POOLING, jobserver or command-line variables).
	unset MAKEFLAGS MFLAGS GNUMAKEFLAGS MAKELEVEL MAKEOVERRIDES \
		SANITIZE TSAN USE_POOLING BUILD
	export ROOT=$BATS_TEST_DIRNAME/../..
	export B=$BATS_FILE_TMPDIR/build
	export JOBS=$(nproc 2>/dev/null || echo 1)
}

# build [MAKE-ARGS...]: build only the simvmm binary in $B.
build() {
	make -C "$ROOT" -j"$JOBS" BUILD="$B" "$@" "$B/simvmm"
}

# The default --transport that $B/simvmm's --help states.
default_transport() {
	"$B/simvmm" --help |
		awk '/--transport/ { on = 1 } on { print } on && /default:/ { exit }' |
		grep -oE 'default: (exit|poll)' | cut -d' ' -f2
}

# Modification times (nanoseconds) of the binary, the library and the stamp.
stamps() {
	stat -c %y "$B/simvmm" "$B/libsimvmm.a" "$B/host/.flags"
}

@test "a plain build defaults to the exit transport" {
	run build
	[ "$status" -eq 0 ]
	[ -f "$B/host/.flags" ]
	[ "$(default_transport)" = exit ]
}

@test "USE_POOLING=1 in the same folder rebuilds, and defaults to poll" {
	before=$(stamps)
	run build USE_POOLING=1
	[ "$status" -eq 0 ]
	# The library, which holds the default, was compiled again.
	[[ "$output" == *"-DUSE_POOLING=1"*"lib/devices/simvirtio.c"* ]]
	[ "$(stamps)" != "$before" ]
	[ "$(default_transport)" = poll ]
}

@test "the same flags again rebuild nothing" {
	run make -C "$ROOT" -q BUILD="$B" USE_POOLING=1 "$B/simvmm"
	[ "$status" -eq 0 ]
	before=$(stamps)
	run build USE_POOLING=1
	[ "$status" -eq 0 ]
	[[ "$output" != *" -c "* ]]
	[ "$(stamps)" = "$before" ]
	[ "$(default_transport)" = poll ]
}

@test "back to a plain build: exit again, then nothing to rebuild" {
	run make -C "$ROOT" -q BUILD="$B" "$B/simvmm"
	[ "$status" -ne 0 ]
	run build
	[ "$status" -eq 0 ]
	[ "$(default_transport)" = exit ]
	run make -C "$ROOT" -q BUILD="$B" "$B/simvmm"
	[ "$status" -eq 0 ]
}
