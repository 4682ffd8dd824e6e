#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# How a run ends from the outside and what it leaves: every stop signal,
# a signal while the guest floods I/O exits, fds, processes. Under
# SIMVMM_VALGRIND=1 each of these runs also proves no leak and no fd left.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	require_kvm
}

@test "SIGHUP stops a running guest with status 129, nothing left behind" {
	img=$(image loop.bin '\xeb\xfe')
	stop_with HUP --mode long "$img"
	[ "$rc" -eq 129 ]
	grep -q "stopped by signal 1 (Hangup)" "$BATS_TEST_TMPDIR/err"
	# Its session is empty: no child outlived it. (/proc, not pgrep:
	# procps is not on a fresh Debian.) Field 4 after "comm) " is the sid.
	# Processes may vanish while being read: cat's complaint is ignored.
	left=$(cat /proc/[0-9]*/stat 2>/dev/null |
		awk -v sid="$pid" '{ sub(/.*\) /, ""); if ($4 == sid) print }')
	[ -z "$left" ]
	[ ! -e "/proc/$pid" ]
}

@test "SIGTERM stops a guest busy flooding I/O exits with status 143" {
	# l: mov si,0x8000; mov cx,0x8000; mov dx,0xe9; rep outsb; jmp l
	img=$(image flood.bin '\xbe\x00\x80\xb9\x00\x80\xba\xe9\x00\xf3\x6e\xeb\xf3')
	stop_with TERM --mode real --console-limit 0 "$img"
	[ "$rc" -eq 143 ]
	grep -q "stopped by signal 15 (Terminated)" "$BATS_TEST_TMPDIR/err"
	[ "$(grep -c "debug console" "$BATS_TEST_TMPDIR/err")" -eq 0 ]
}

@test "SIGINT stops a guest spinning in real mode with status 130" {
	img=$(image loop.bin '\xfa\xeb\xfe')
	stop_with INT --mode real "$img"
	[ "$rc" -eq 130 ]
	grep -q "stopped by signal 2 (Interrupt)" "$BATS_TEST_TMPDIR/err"
}

@test "every fd simvmm opens is O_CLOEXEC, and the image file is closed" {
	img=$(image loop.bin '\xeb\xfe')
	stats=$BATS_TEST_TMPDIR/stats.json
	# The fds of simvmm itself, not of valgrind around it.
	real=${VG_SIMVMM:-$SIMVMM}
	"$real" run --mode long --timeout 60 --stats-file "$stats" "$img" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_running "$BATS_TEST_TMPDIR/err"
	own=
	for fd in /proc/"$pid"/fd/*; do
		n=${fd##*/}
		target=$(readlink "$fd")
		# Not its own: stdio, and what it inherited from this shell.
		[ "$n" -le 2 ] && continue
		[ "$(readlink "/proc/$BASHPID/fd/$n")" = "$target" ] && continue
		[ "$target" != "$img" ] || { echo "image still open as $n"; false; }
		flags=$(awk '/^flags:/ { print $2 }' "/proc/$pid/fdinfo/$n")
		# O_CLOEXEC is 02000000 (octal) in fdinfo's flags.
		(( (8#$flags & 8#2000000) != 0 )) ||
			{ echo "$target without O_CLOEXEC ($flags)"; false; }
		own="$own $target"
	done
	kill -TERM "$pid"
	wait "$pid" || true
	own=$(printf '%s\n' $own | sort | tr '\n' ' ')
	# With --stats-file: the report file and KVM's binary-stats fds too.
	# The console's stdout (/dev/null here, a device) is reopened
	# non-blocking, with its notify eventfd; the VM's stop eventfd, the
	# run's done eventfd and the stop signals' signalfd are simvmm's own.
	want=$(printf '%s\n' /dev/kvm anon_inode:kvm-vm anon_inode:kvm-vcpu:0 \
		anon_inode:kvm-vm-stats anon_inode:kvm-vcpu-stats:0 "$stats" \
		/dev/null 'anon_inode:[eventfd]' 'anon_inode:[eventfd]' \
		'anon_inode:[eventfd]' 'anon_inode:[signalfd]' |
		sort | tr '\n' ' ')
	[ "$own" = "$want" ]
}
