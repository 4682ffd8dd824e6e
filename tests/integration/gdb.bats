#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# simvmm run --gdb, driven by the real gdb in batch mode: in real,
# protected (paged) and long mode, connect, break, step, read registers
# and memory, watch 0x400 change from 0 to 42, run to the halt, and end
# exactly as a run without gdb does; Ctrl-C on a spinning guest, detach,
# kill, --stats beside --gdb, and a protocol peer that misbehaves. These
# boot guests: KVM (the testbed where /dev/kvm is missing). Most use a
# Unix socket in the test's own directory, so parallel suites never
# meet on a port.

bats_require_minimum_version 1.5.0
load helpers

GUESTS=$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests

setup() {
	require_kvm
	command -v gdb >/dev/null || {
		echo "gdb is missing (make test installs it)" >&2
		return 1
	}
	SOCK=$BATS_TEST_TMPDIR/gdb.sock
}

# stub ARGS...: start 'simvmm run --gdb $SOCK ARGS' in the background
# (stdout in $BATS_TEST_TMPDIR/out, stderr in .../err) and wait until it
# listens; $stub is its pid.
stub() {
	local i
	"$SIMVMM" run --timeout "${STUB_TIMEOUT:-120}" --gdb "${GDB_AT:-$SOCK}" "$@" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null &
	stub=$!
	for i in $(seq 900); do
		grep -q "gdb: waiting for gdb" "$BATS_TEST_TMPDIR/err" && return 0
		kill -0 "$stub" 2>/dev/null || break
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/err" >&2
	echo "simvmm --gdb did not start listening" >&2
	return 1
}

# gdb_run [FILE] -- COMMAND...: gdb in batch mode on FILE (or none),
# connected to the stub; its output in $output.
gdb_run() {
	local file=()
	if [ "$1" != -- ]; then
		file=("$1")
		shift
	fi
	shift
	local args=(-batch -nx -ex "set pagination off"
		    -ex "target remote ${GDB_AT:-$SOCK}")
	local c
	for c in "$@"; do
		args+=(-ex "$c")
	done
	run timeout 120 gdb "${args[@]}" "${file[@]}"
	echo "$output"
}

# The stub's exit status, stdout and stderr, once it has ended.
stub_end() {
	stub_rc=0
	wait "$stub" || stub_rc=$?
	stub_out=$(cat "$BATS_TEST_TMPDIR/out")
	stub_err=$(cat "$BATS_TEST_TMPDIR/err")
	echo "$stub_err"
}

@test "long mode: break main, step, registers, 0x400, a watchpoint, run to the halt" {
	stub hello64
	gdb_run "$GUESTS/hello64.elf" -- "break main" "continue" \
		"stepi" "stepi" "info registers rip" "x/1xw 0x400" \
		"watch *(int *)0x400" "continue" "continue"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Breakpoint 1, main () at guests/hello64.c:"* ]]
	[[ "$output" =~ rip\ +0x[0-9a-f]+\ +0x[0-9a-f]+\ \<main\+[1-9][0-9]*\> ]]
	[[ "$output" == *"0x400:	0x00000000"* ]]
	[[ "$output" == *"Hardware watchpoint 2: *(int *)0x400"*"Old value = 0"*"New value = 42"* ]]
	[[ "$output" == *"[Inferior 1 (Remote target) exited normally]"* ]]
	stub_end
	# Exactly what a run without gdb does.
	[ "$stub_rc" -eq 0 ]
	[ "$stub_out" = "Hello, world!" ]
	[[ "$stub_err" == *"simvmm: guest halted; verified RAX=42 and [0x400]=42"* ]]
	[[ "$stub_err" == *"simvmm: gdb: waiting for gdb on $SOCK (target remote $SOCK); breakpoints and watchpoints by single-step (this KVM: single-step works, "* ]]
}

@test "paged protected mode: C source, control registers, memory through the guest's page tables" {
	stub hello32p
	gdb_run "$GUESTS/hello32p.elf" -- "break main" "continue" \
		"list 19,19" "info registers cr0" "watch *(int *)0x400" \
		"continue" "x/1dw 0xc0000400" "print/x \$cs" "detach"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Breakpoint 1, main () at guests/hello32p.c:"* ]]
	[[ "$output" == *'19		console_puts("Hello, world!\n");'* ]]
	[[ "$output" =~ cr0\ +0x80050033\ +\[\ PE\ MP\ ET\ NE\ WP\ AM\ PG\ \] ]]
	[[ "$output" == *"Old value = 0"*"New value = 42"* ]]
	# 0xc0000000 is the guest's own alias of page 0 (hello32p.c).
	[[ "$output" == *"0xc0000400:	42"* ]]
	[[ "$output" == *'$1 = 0x8'* ]]
	[[ "$output" == *"[Inferior 1 (Remote target) detached]"* ]]
	stub_end
	[ "$stub_rc" -eq 0 ]
	[ "$stub_out" = "Hello, world!" ]
	[[ "$stub_err" == *"gdb: detached; the guest runs on"* ]]
	[[ "$stub_err" == *"verified RAX=42 and [0x400]=42"* ]]
}

@test "real mode: i8086 from the target description, 16-bit code, a watchpoint" {
	stub hello16
	gdb_run -- "show architecture" "break *0x800f" "stepi" "stepi" \
		"info registers eip" "continue" \
		"x/2i \$pc" "info registers eip cs" "x/1xw 0x400" \
		"watch *(int *)0x400" "continue" "continue"
	[ "$status" -eq 0 ]
	[[ "$output" == *'The target architecture is set to "auto" (currently "i8086").'* ]]
	# cld, then mov $msg,%si: two steps from 0x8000.
	[[ "$output" == *"0x00008001 in ?? ()"*"0x00008004 in ?? ()"* ]]
	[[ "$output" =~ eip\ +0x8004 ]]
	[[ "$output" == *"Breakpoint 1, 0x0000800f in ?? ()"* ]]
	[[ "$output" == *"=> 0x800f:	movl   \$0x2a,0x400"* ]]
	[[ "$output" == *"0x8018:	mov    \$0x2a,%eax"* ]]
	[[ "$output" =~ eip\ +0x800f ]]
	[[ "$output" =~ cs\ +0x0 ]]
	[[ "$output" == *"0x400:	0x00000000"* ]]
	[[ "$output" == *"Old value = 0"*"New value = 42"* ]]
	[[ "$output" == *"exited normally"* ]]
	stub_end
	[ "$stub_rc" -eq 0 ]
	[ "$stub_out" = "Hello, world!" ]
}

@test "protected mode: hbreak, steps, registers, a watchpoint; rwatch is refused" {
	stub hello32
	gdb_run "$GUESTS/hello32.elf" -- "show architecture" \
		"hbreak *0x800f" "continue" "info registers eip" \
		"stepi" "stepi" "stepi" "info registers eip" "x/1xw 0x400" \
		"delete 1" "watch *(int *)0x400" "rwatch *(int *)0x404" \
		"continue" "delete 3" "continue" "stepi" "info registers eax" \
		"continue"
	[ "$status" -eq 0 ]
	[[ "$output" == *'The target architecture is set to "auto" (currently "i386").'* ]]
	[[ "$output" == *"Hardware assisted breakpoint 1 at 0x800f: file guests/hello32.S, line 15."* ]]
	[[ "$output" == *"Breakpoint 1, _start () at guests/hello32.S:15"* ]]
	# out, jmp, lodsb: from 0x800f back round the loop to 0x800b.
	[[ "$output" =~ eip\ +0x800f.*eip\ +0x800b ]]
	[[ "$output" == *"0x400:	0x00000000"* ]]
	# x86 cannot watch reads alone: refused, on every KVM.
	[[ "$output" == *"Could not insert hardware watchpoint 3."* ]]
	# With it deleted, the watch fires after the movl, at 0x801c.
	[[ "$output" == *"Hardware watchpoint 2: *(int *)0x400"*"Old value = 0"*"New value = 42"*"hello32.S:18"* ]]
	[[ "$output" =~ eax\ +0x2a\ +42 ]]
	[[ "$output" == *"[Inferior 1 (Remote target) exited normally]"* ]]
	stub_end
	[ "$stub_rc" -eq 0 ]
	[ "$stub_out" = "Hello, world!" ]
	[[ "$stub_err" == *"gdb: read watchpoints (rwatch) are not supported: x86 debug registers cannot tell a read from a write"* ]]
	[[ "$stub_err" == *"simvmm: guest halted; verified RAX=42 and [0x400]=42"* ]]
}

@test "awatch: by debug register where this KVM's fire, refused with the reason where not" {
	run "$SIMVMM" probe
	[ "$status" -eq 0 ]
	local dr=${lines[9]}
	stub hello32
	# The watch is on the message's first bytes, which lodsb reads.
	gdb_run "$GUESTS/hello32.elf" -- "awatch *(char *)0x8024" \
		"continue" "info registers eip" "delete" "continue"
	[ "$status" -eq 0 ]
	if [[ "$dr" =~ ^dr-exit\ +yes ]]; then
		[[ "$output" == *"Hardware access (read/write) watchpoint 1: *(char *)0x8024"*"Value = 72 'H'"* ]]
		# The stop comes after the lodsb that read it.
		[[ "$output" =~ eip\ +0x800b ]]
		[[ "$output" == *"exited normally"* ]]
	else
		[[ "$output" == *"Could not insert hardware watchpoint 1."* ]]
	fi
	stub_end
	[ "$stub_rc" -eq 0 ]
	[ "$stub_out" = "Hello, world!" ]
	if [[ "$dr" =~ ^dr-exit\ +no ]]; then
		[[ "$stub_err" == *"gdb: access watchpoints (awatch) need debug registers, and this KVM's do not fire (simvmm probe)"* ]]
	fi
}

@test "real mode with CS = 0x800: addresses are linear, CS * 16 + IP" {
	# jmp 0x0800:0x0010 (linear 0x8010), where nop; nop; hlt waits.
	img=$(image far.bin '\xea\x10\x00\x00\x08\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\xf4')
	stub --mode real "$img"
	gdb_run -- "break *0x8010" "continue" "info registers eip cs" \
		"stepi" "info registers eip" "x/1xb 0x8012" "continue"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Breakpoint 1, 0x00008010 in ?? ()"* ]]
	[[ "$output" =~ eip\ +0x8010.*cs\ +0x800.*eip\ +0x8011 ]]
	[[ "$output" == *"0x8012:	0xf4"* ]]
	stub_end
	[ "$stub_rc" -eq 0 ]
}

@test "Ctrl-C stops a spinning guest; kill ends simvmm with 137" {
	GDB_AT=127.0.0.1:$((20000 + (BATS_ROOT_PID + BATS_SUITE_TEST_NUMBER) % 20000))
	img=$(image spin.bin '\xeb\xfe')
	stub --mode long "$img"
	# --foreground: else timeout passes the SIGINT on twice, to gdb and to
	# its group, and a second Ctrl-C makes gdb give up on the target.
	timeout --foreground 120 gdb -batch -nx -ex "set pagination off" \
		-ex "target remote $GDB_AT" -ex continue \
		-ex "info registers rip" -ex kill \
		>"$BATS_TEST_TMPDIR/gdb" 2>&1 &
	g=$!
	# Once gdb has connected it continues at once; then interrupt it.
	for i in $(seq 300); do
		grep -q "0x0000000000008000 in ?? ()" "$BATS_TEST_TMPDIR/gdb" && break
		sleep 0.1
	done
	sleep 1
	kill -INT "$g"
	wait "$g" || true	# gdb's status after a kill says nothing
	cat "$BATS_TEST_TMPDIR/gdb"
	grep -q "Program received signal SIGINT, Interrupt." "$BATS_TEST_TMPDIR/gdb"
	grep -Eq "rip +0x8000 +0x8000" "$BATS_TEST_TMPDIR/gdb"
	grep -q "\[Inferior 1 (Remote target) killed\]" "$BATS_TEST_TMPDIR/gdb"
	stub_end
	[ "$stub_rc" -eq 137 ]
	[[ "$stub_err" == *"simvmm: error: killed from gdb"* ]]
	[[ "$stub_err" == *"waiting for gdb on $GDB_AT (target remote $GDB_AT)"* ]]
}

@test "detach: the guest runs on without gdb, to its own end" {
	img=$(image spin.bin '\xeb\xfe')
	STUB_TIMEOUT=10 stub --mode long "$img"
	gdb_run -- "stepi" "detach"
	[ "$status" -eq 0 ]
	[[ "$output" == *"detached"* ]]
	stub_end
	# It spun on after the detach until its --timeout.
	[ "$stub_rc" -eq 1 ]
	[[ "$stub_err" == *"gdb: detached; the guest runs on"* ]]
	[[ "$stub_err" == *"guest still running after the 10 s timeout"* ]]
}

@test "--stats and --trace count and show the debug exits with the rest" {
	stub --stats-file "$BATS_TEST_TMPDIR/s.json" --trace hello64
	gdb_run -- "stepi" "stepi" "stepi" "continue"
	[ "$status" -eq 0 ]
	stub_end
	[ "$stub_rc" -eq 0 ]
	[ "$(grep -c 'reason=debug' <<<"$stub_err")" -eq 3 ]
	# Three steps, three debug exits; the guest's own 14 io + 1 hlt too.
	[ "$(jget "$BATS_TEST_TMPDIR/s.json" 'd["exits"]["debug"]')" -eq 3 ]
	[ "$(jget "$BATS_TEST_TMPDIR/s.json" 'd["exits"]["io"]')" -eq 14 ]
	[ "$(jget "$BATS_TEST_TMPDIR/s.json" 'd["exits"]["hlt"]')" -eq 1 ]
}

@test "a peer that sends junk, bad checksums, an oversize packet, then hangs up mid-packet" {
	stub hello64
	run python3 - "$SOCK" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(20)
def expect(want):
    got = b''
    while len(got) < len(want):
        got += s.recv(len(want) - len(got))
    assert got == want, (got, want)
def pkt(p):
    return b'$%s#%02x' % (p, sum(p) & 0xff)
s.sendall(b'junk before any packet')
s.sendall(b'$g#00')             # bad checksum
expect(b'-')
s.sendall(pkt(b'm' * 5000))
expect(b'-')                    # oversize: dropped
s.sendall(b'$g}#00')            # an escape with nothing to escape
expect(b'-')
s.sendall(pkt(b'?'))
expect(b'+' + pkt(b'T05thread:1;'))
s.sendall(pkt(b'mfff00000,10'))  # not RAM: an error, no crash
expect(b'+' + pkt(b'E0e'))
s.sendall(b'$qSupp')            # and away, mid-packet
s.close()
print("peer done")
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "peer done" ]
	stub_end
	[ "$stub_rc" -eq 0 ]
	[ "$stub_out" = "Hello, world!" ]
	[[ "$stub_err" == *"gdb: dropped a packet with a bad checksum"* ]]
	[[ "$stub_err" == *"gdb: dropped a packet of more than 4096 bytes"* ]]
	[[ "$stub_err" == *"gdb: the connection closed; the guest runs on"* ]]
}

@test "--timeout while nobody connects: the run ends, and says the guest never ran (1)" {
	STUB_TIMEOUT=1 stub hello64
	stub_end
	[ "$stub_rc" -eq 1 ]
	[ -z "$stub_out" ]
	[[ "$stub_err" == *"simvmm: warning: gdb: no gdb connected on $SOCK; the guest never ran"* ]]
	[[ "$stub_err" == *"guest still running after the 1 s timeout"* ]]
	[ ! -e "$SOCK" ]
}

@test "a port another simvmm holds is refused with a hint (2)" {
	GDB_AT=127.0.0.1:$((20000 + (BATS_ROOT_PID + BATS_SUITE_TEST_NUMBER) % 20000))
	stub hello64
	run_split "$SIMVMM" run --gdb "$GDB_AT" hello64
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--gdb: cannot listen on ${GDB_AT%:*}:${GDB_AT#*:}: Address already in use"* ]]
	[[ "$stderr" == *"another program uses that port; pick another"* ]]
	kill "$stub"
	stub_end
}
