#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Nothing wedges simvmm (docs/architecture.md, "Host I/O: backends" and
# "Stopping a VM"): a stalled reader stalls the guest, never the VMM;
# --timeout and the stop signals end a run at once whatever the guest's
# output waits for; input is read only when a guest reads; a violation
# the poller finds stops the VM by itself; closed fds 0-2; devices only
# where wanted. Durations are bounded loosely (60 s, half the stalled
# reader's 120 s), so the tests hold on a slow, emulated KVM and under
# valgrind: they tell "ended at once" from "ended when the reader went
# away" (the old behaviour), not how fast.

bats_require_minimum_version 1.5.0
load helpers

TESTG=$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests/test

setup() {
	require_kvm
	reader=
}

teardown() {
	if [ -n "${reader:-}" ]; then
		kill "$reader" 2>/dev/null || true
	fi
}

# l: mov si,0x8000; mov cx,0x8000; mov dx,0xe9; rep outsb; jmp l -- a
# flood of debug-console bytes, a page or so per exit.
flood_image() {
	image flood.bin '\xbe\x00\x80\xb9\x00\x80\xba\xe9\x00\xf3\x6e\xeb\xf3'
}

# slow_reader FIFO SECS NBYTES OUT: a reader on FIFO whose pipe holds only
# 4 KiB, that takes nothing for SECS seconds, then reads NBYTES into OUT.
# Runs in the background ($reader); returns once the pipe is that small,
# so the writer started next cannot fill a bigger one first.
slow_reader() {
	mkfifo "$1"
	python3 -c 'import fcntl, os, sys, time
fifo, secs, n, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
fd = os.open(fifo, os.O_RDWR)      # no wait for a writer, no EOF either
fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 4096)
open(out + ".ready", "w").close()
time.sleep(secs)
got = bytearray()
while len(got) < n:
    b = os.read(fd, n - len(got))
    if not b:
        break
    got += b
open(out, "wb").write(got)' "$@" &
	reader=$!
	for _ in $(seq 100); do
		[ -e "$4.ready" ] && return 0
		sleep 0.1
	done
	echo "the reader did not start" >&2
	return 1
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

@test "a stalled reader: --timeout 1 still ends the run at once, status 1" {
	img=$(flood_image)
	fifo=$BATS_TEST_TMPDIR/out.fifo
	slow_reader "$fifo" 120 0 "$BATS_TEST_TMPDIR/got"
	t0=$(now_ms)
	rc=0
	"$SIMVMM" run --mode real --timeout 1 --console-limit 0 "$img" \
		>"$fifo" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	t=$(($(now_ms) - t0))
	cat "$BATS_TEST_TMPDIR/err"
	[ "$rc" -eq 1 ]
	grep -q "still running after the 1 s timeout" "$BATS_TEST_TMPDIR/err"
	# The guest filled the pipe and the buffer and waited: what it left
	# is dropped at the end, and said so.
	grep -q "byte(s) of guest output not delivered: the reader did not take them" \
		"$BATS_TEST_TMPDIR/err"
	echo "took $t ms"
	[ "$t" -lt 60000 ]
}

@test "a stalled reader: SIGTERM still ends the run at once, status 143" {
	img=$(flood_image)
	fifo=$BATS_TEST_TMPDIR/out.fifo
	slow_reader "$fifo" 120 0 "$BATS_TEST_TMPDIR/got"
	setsid "$SIMVMM" run --mode real --timeout 60 --console-limit 0 "$img" \
		>"$fifo" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_running "$BATS_TEST_TMPDIR/err"
	# Long enough to fill the pipe and the buffer: the guest waits.
	sleep 1
	t0=$(now_ms)
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	t=$(($(now_ms) - t0))
	cat "$BATS_TEST_TMPDIR/err"
	[ "$rc" -eq 143 ]
	grep -q "stopped by signal 15 (Terminated)" "$BATS_TEST_TMPDIR/err"
	grep -q "not delivered: the reader did not take them" \
		"$BATS_TEST_TMPDIR/err"
	echo "took $t ms"
	[ "$t" -lt 60000 ]
}

@test "a stalled reader of SIMVIRTIO TX: --timeout ends the run, exit and poll" {
	for tp in exit poll; do
		fifo=$BATS_TEST_TMPDIR/tx-$tp.fifo
		slow_reader "$fifo" 120 0 "$BATS_TEST_TMPDIR/got-$tp"
		t0=$(now_ms)
		rc=0
		# bench_tx sends 64 KiB: more than the 4 KiB pipe and the
		# 16 KiB buffer hold, so the guest ends up waiting on a full
		# TX ring (in poll; the exit transport may not get that far).
		"$SIMVMM" run --mode long --transport "$tp" --timeout 1 \
			"$TESTG/bench_tx.bin" </dev/null >"$fifo" \
			2>"$BATS_TEST_TMPDIR/err" || rc=$?
		ms=$(($(now_ms) - t0))
		kill "$reader"
		reader=
		cat "$BATS_TEST_TMPDIR/err"
		[ "$rc" -eq 1 ]
		grep -q "still running after the 1 s timeout" \
			"$BATS_TEST_TMPDIR/err"
		echo "$tp: took $ms ms"
		[ "$ms" -lt 60000 ]
	done
}

@test "a slow reader gets every byte, in order (the guest waits for it)" {
	for tp in exit poll; do
		fifo=$BATS_TEST_TMPDIR/tx-$tp.fifo
		got=$BATS_TEST_TMPDIR/got-$tp
		slow_reader "$fifo" 2 65536 "$got"
		# bench_tx sends 64 KiB through SIMVIRTIO TX.
		"$SIMVMM" run -q --mode long --transport "$tp" --check \
			"$TESTG/bench_tx.bin" </dev/null >"$fifo"
		wait "$reader"
		reader=
		[ "$(stat -c %s "$got")" -eq 65536 ]
		python3 -c 'import sys
data = open(sys.argv[1], "rb").read()
assert data == bytes(i & 0xff for i in range(65536)), "stream differs"' "$got"
	done
}

@test "poll transport: a guest that never reads RX leaves the input unread" {
	printf 'line one\nline two\n' >"$BATS_TEST_TMPDIR/in"
	# From a file (shared offset) and from a pipe: what follows simvmm
	# in the same input must still get all of it.
	run bash -c '{ "$1" run -q --transport poll simvirtio >/dev/null; cat; } <"$2"' \
		_ "$SIMVMM" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line one\nline two')" ]
	run bash -c 'cat "$2" | { "$1" run -q --transport poll simvirtio >/dev/null; cat; }' \
		_ "$SIMVMM" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line one\nline two')" ]
	# The exit transport never did; it still does not.
	run bash -c '{ "$1" run -q --transport exit simvirtio >/dev/null; cat; } <"$2"' \
		_ "$SIMVMM" "$BATS_TEST_TMPDIR/in"
	[ "$output" = "$(printf 'line one\nline two')" ]
}

@test "poll transport: a guest that reads RX still gets all of its input" {
	printf 'abc\ndef\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr "$SIMVMM" run --transport poll echo \
		<"$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'abc\ndef')" ]
	[[ "$stderr" == *"TX 8 bytes, RX 8 bytes"* ]]
}

@test "poll transport: a violation with no register access after it stops the VM" {
	# No --timeout: only the poller sees the write; it must stop the VM.
	run --separate-stderr timeout 60 "$SIMVMM" run --mode long \
		--transport poll "$TESTG/hostile_silent.bin" </dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ "$stderr" == *"simvirtio: protocol violation: the driver wrote the device-owned TX tail"* ]]
	[ "$(grep -c "protocol violation" <<<"$stderr")" -eq 1 ]
	# The exit transport sees the write as it happens.
	run --separate-stderr timeout 60 "$SIMVMM" run --mode long \
		--transport exit "$TESTG/hostile_silent.bin" </dev/null
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"(TX tail): the driver may write only"* ]]
}

@test "closed stdout: the guest's output is discarded, never sent to another fd" {
	f=$BATS_TEST_TMPDIR/stats.json
	run --separate-stderr bash -c 'exec >&-; exec "$1" run --stats-file "$2" hello64' \
		_ "$SIMVMM" "$f"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"stdout is closed: the guest's output is discarded"* ]]
	# The stats file holds the report and nothing of the guest's.
	! grep -q "Hello" "$f"
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$f"
}

@test "closed stdin and stderr: the run is unharmed" {
	# echo with a closed stdin: no input, end of stream at once.
	run --separate-stderr bash -c 'exec <&-; exec "$1" run echo' _ "$SIMVMM"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run bash -c 'exec 2>&-; exec "$1" run hello16' _ "$SIMVMM"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
}

@test "--console and --simvirtio-out send the streams to files, apart" {
	con=$BATS_TEST_TMPDIR/con
	tx=$BATS_TEST_TMPDIR/tx
	run --separate-stderr "$SIMVMM" run --console "$con" \
		--simvirtio-out "$tx" simvirtio </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(cat "$tx")" = "Ana are mere" ]
	run --separate-stderr "$SIMVMM" run --console "$con" hello32
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(cat "$con")" = "Hello, world!" ]
}

@test "--simvirtio-in feeds RX from a file; stdin stays unread" {
	printf 'from file\n' >"$BATS_TEST_TMPDIR/in"
	run bash -c 'echo from stdin | { "$1" run -q --simvirtio-in "$2" echo; cat; }' \
		_ "$SIMVMM" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'from file\nfrom stdin')" ]
}

@test "bad backend paths are clear setup errors (status 2)" {
	run --separate-stderr "$SIMVMM" run --console /nonexistent/dir/x hello64
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot open --console '/nonexistent/dir/x' for writing: No such file or directory"* ]]
	run --separate-stderr "$SIMVMM" run --simvirtio-in /nonexistent echo
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot open --simvirtio-in '/nonexistent' for reading"* ]]
	mkfifo "$BATS_TEST_TMPDIR/noreader"
	run --separate-stderr "$SIMVMM" run --console "$BATS_TEST_TMPDIR/noreader" hello64
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"a FIFO with no reader; start the reader first"* ]]
}

@test "SIMVIRTIO only where wanted: not for hello64, even under poll by default" {
	run --separate-stderr "$BATS_TEST_DIRNAME/../../${BUILD:-build}/pool/simvmm" \
		run hello64
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"simvirtio"* ]]
	# Nothing answers at the window: the built-in driver finds no device.
	img=$TESTG/hostile_silent.bin
	run --separate-stderr timeout 60 "$SIMVMM" run --mode long "$img"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"status 90 on the exit port"* ]]
	# --simvirtio attaches it to an image.
	run --separate-stderr timeout 60 "$SIMVMM" run --mode long --simvirtio \
		"$img" </dev/null
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"protocol violation"* ]]
}

@test "-m is the memory, --mode has no short form" {
	run --separate-stderr "$SIMVMM" run -m 2M hello64
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"2048 KiB RAM"* ]]
	run --separate-stderr "$SIMVMM" run -m long hello64
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad --memory 'long'"* ]]
}
