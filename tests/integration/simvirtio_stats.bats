#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# SIMVIRTIO seen through --stats-file (docs/stats.md): where each
# transport's MMIO exits land. The ring page is the device's second page,
# offset >= 0x1000 from its base: the poll transport must never exit
# there; the exit transport exits there an exact number of times.

bats_require_minimum_version 1.5.0
load helpers

TESTG=$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests/test

setup() {
	require_kvm
}

# MMIO exits of the simvirtio device in its register page (offset <
# 0x1000) or its ring page, from the per-address list. No site may have
# been dropped, or the sums would not be the whole story.
reg_exits() {
	jget "$1" 'sum(m["exits"] for m in d["mmio"] if m["device"] == "simvirtio" and m["offset"] < 0x1000)'
}
ring_exits() {
	jget "$1" 'sum(m["exits"] for m in d["mmio"] if m["device"] == "simvirtio" and m["offset"] >= 0x1000)'
}

@test "simvirtio, poll transport: no MMIO exit in the ring page, every MMIO exit a register" {
	for g in simvirtio simvirtio32 simvirtio16; do
		f=$BATS_TEST_TMPDIR/$g.json
		run --separate-stderr "$SIMVMM" run -q --transport poll \
			--stats-file "$f" "$g" </dev/null
		[ "$status" -eq 0 ]
		[ "$output" = "Ana are mere" ]
		[ "$(jget "$f" 'd["sites_dropped"]')" = 0 ]
		[ "$(ring_exits "$f")" = 0 ]
		[ "$(jget "$f" 'd["exits"]["mmio"]')" = "$(reg_exits "$f")" ]
		[ "$(jget "$f" 'd["exits"]["io"]')" = 0 ]
		[ "$(jget "$f" 'd["exits"]["hlt"]')" = 1 ]
	done
}

# The exit transport is synchronous, so its counts are exact: see
# docs/simvirtio.md, "What each transport costs".
@test "simvirtio, exit transport: exactly 15 register and 33 ring-page exits" {
	for g in simvirtio simvirtio32 simvirtio16; do
		f=$BATS_TEST_TMPDIR/$g.json
		run --separate-stderr "$SIMVMM" run -q --transport exit \
			--stats-file "$f" "$g" </dev/null
		[ "$status" -eq 0 ]
		[ "$output" = "Ana are mere" ]
		[ "$(jget "$f" 'd["sites_dropped"]')" = 0 ]
		[ "$(reg_exits "$f")" = 15 ]
		[ "$(ring_exits "$f")" = 33 ]
		[ "$(jget "$f" 'd["exits"]')" = \
		  "{'total': 49, 'io': 0, 'hlt': 1, 'mmio': 48}" ]
	done
}

# The steady state over a whole 64 KiB stream (the bench guests): not one
# ring-page exit in either direction. The per-address list may drop sites
# in the exit transport, never here: the ring page adds none.
@test "poll transport, 64 KiB over TX and over RX: no ring-page exit" {
	f=$BATS_TEST_TMPDIR/tx.json
	# The stream holds NUL bytes: to a file, not through $output. A
	# non-zero status fails the test here.
	"$SIMVMM" run -q --mode long --check --transport poll \
		--stats-file "$f" "$TESTG/bench_tx.bin" \
		</dev/null >"$BATS_TEST_TMPDIR/tx.out"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/tx.out")" -eq 65536 ]
	[ "$(jget "$f" 'd["sites_dropped"]')" = 0 ]
	[ "$(ring_exits "$f")" = 0 ]
	[ "$(jget "$f" 'd["exits"]["mmio"]')" = "$(reg_exits "$f")" ]

	f=$BATS_TEST_TMPDIR/rx.json
	python3 -c 'import sys; sys.stdout.buffer.write(bytes(i & 0xff for i in range(65536)))' \
		>"$BATS_TEST_TMPDIR/stream"
	run --separate-stderr "$SIMVMM" run -q --mode long --check \
		--transport poll --stats-file "$f" "$TESTG/bench_rx.bin" \
		<"$BATS_TEST_TMPDIR/stream"
	[ "$status" -eq 0 ]
	[ "$(jget "$f" 'd["sites_dropped"]')" = 0 ]
	[ "$(ring_exits "$f")" = 0 ]
	[ "$(jget "$f" 'd["exits"]["mmio"]')" = "$(reg_exits "$f")" ]
}

# The bulk path's exit-transport cost is exact too. The driver copies a
# run with one rep movsb (one exit per byte) and spends 4 exits per run:
# both indices, the index store, needs_kick. The handshake's 'R' and 'C'
# cost 7 each.
#   TX: 16 writes of 4096 bytes, each in runs of 1023, 1023, 1023, 1023
#       and 4: 16 * (4096 + 5 * 4) = 65856, + 14, + 2 (the final wait's
#       index loads) = 65872.
#   RX: 65 runs (64 of 1023, one of 64): 65536 + 65 * 4, + 14, + 5 (the
#       end: both indices, rx_eos, both indices again) = 65815.
# The per-address list drops sites here (the ring page has thousands),
# so the ring page's share is the MMIO total less the register sites,
# which the handshake lists first.
@test "exit transport, 64 KiB: exactly 65872 (TX) and 65815 (RX) ring-page exits" {
	f=$BATS_TEST_TMPDIR/tx.json
	"$SIMVMM" run -q --mode long --check --transport exit \
		--stats-file "$f" "$TESTG/bench_tx.bin" </dev/null >/dev/null
	[ "$(reg_exits "$f")" = 15 ]
	[ "$(jget "$f" 'd["exits"]["mmio"]')" = $((65872 + 15)) ]

	python3 -c 'import sys; sys.stdout.buffer.write(bytes(i & 0xff for i in range(65536)))' \
		>"$BATS_TEST_TMPDIR/stream"
	f=$BATS_TEST_TMPDIR/rx.json
	"$SIMVMM" run -q --mode long --check --transport exit \
		--stats-file "$f" "$TESTG/bench_rx.bin" <"$BATS_TEST_TMPDIR/stream"
	# 14, + the driver's one Q1 notify before its first read (it reads
	# RX: docs/simvirtio.md section 6).
	[ "$(reg_exits "$f")" = 15 ]
	[ "$(jget "$f" 'd["exits"]["mmio"]')" = $((65815 + 15)) ]
}
