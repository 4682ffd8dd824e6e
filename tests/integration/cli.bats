#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The command line without a guest: help, version, list and usage errors.
# None of these needs /dev/kvm.

bats_require_minimum_version 1.5.0
load helpers

@test "--help lists every run option with its default and exits 0" {
	run --separate-stderr "$SIMVMM" --help
	[ "$status" -eq 0 ]
	for opt in --mode --memory --timeout --load-addr --entry --check \
		   --no-check --quiet --stats --stats-file --trace --help --version \
		   --cmdline --count --console --console-limit --simvirtio \
		   --simvirtio-in --simvirtio-out --transport; do
		[[ "$output" == *"$opt"* ]] || { echo "missing $opt"; false; }
	done
	[[ "$output" == *"(default: 1M, or 64M for an image that"* ]]
	[[ "$output" == *"(default: 0x8000)"* ]]
	[[ "$output" == *"Exit status:"* ]]
}

@test "run --help is the same help" {
	run "$SIMVMM" run --help
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
}

@test "--version prints the version" {
	run "$SIMVMM" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^simvmm\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "list shows the built-in guests with their modes" {
	run "$SIMVMM" list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == NAME* ]]
	[[ "$output" =~ hello16\ +real ]]
	[[ "$output" =~ hello32\ +protected ]]
	[[ "$output" =~ hello64\ +long ]]
}

@test "list --paths names each built-in guest's ELF, beside this simvmm" {
	run --separate-stderr "$SIMVMM" list --paths
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "NAME         MODE       ELF" ]
	[ "${#lines[@]}" -eq 9 ]
	local dir
	dir=$(cd "$BATS_TEST_DIRNAME/../../${BUILD:-build}/guests" && pwd -P)
	[ "${lines[1]}" = "hello16      real       $dir/hello16.elf" ]
	[ "${lines[4]}" = "hello64      long       $dir/hello64.elf" ]
	for l in "${lines[@]:1}"; do
		set -- $l
		[ "$3" = "$dir/$1.elf" ]
		[ -r "$3" ]
	done
	run --separate-stderr "$SIMVMM" list --bogus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"list takes no arguments but --paths"* ]]
}

@test "list --paths where no ELF is found says so, and how to get them" {
	cp "${VG_SIMVMM:-$SIMVMM}" "$BATS_TEST_TMPDIR/simvmm"
	run --separate-stderr "$BATS_TEST_TMPDIR/simvmm" list --paths
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "hello16      real       - (not found: build from source, or make install)" ]
}

@test "no command is a usage error (2)" {
	run --separate-stderr "$SIMVMM"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"missing command: run, list or probe"* ]]
}

@test "unknown command is a usage error (2)" {
	run --separate-stderr "$SIMVMM" frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
}

@test "unknown option is a usage error (2)" {
	run --separate-stderr "$SIMVMM" run --bogus hello64
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unrecognized option '--bogus'"* ]]
	[[ "$stderr" == *"Try 'simvmm --help'"* ]]
}

@test "run without a guest is a usage error (2)" {
	run --separate-stderr "$SIMVMM" run
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"run needs one GUEST"* ]]
}

@test "run with two guests is a usage error (2)" {
	run --separate-stderr "$SIMVMM" run hello16 hello32
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"extra arguments"* ]]
}

@test "unknown guest name is a usage error (2)" {
	run --separate-stderr "$SIMVMM" run nosuchguest
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no built-in guest or file named 'nosuchguest'"* ]]
}

@test "bad --mode values are refused (2)" {
	for m in bogus "" REAL 128; do
		run --separate-stderr "$SIMVMM" run --mode "$m" hello64
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"unknown mode"* ]]
	done
}

@test "bad --memory values are refused (2)" {
	for m in 12Q 1.5M "" -1M 0 4K 63K 4G 1000000 1T 99999999999999999999; do
		run --separate-stderr "$SIMVMM" run --memory "$m" hello64
		[ "$status" -eq 2 ] || { echo "accepted --memory '$m'"; false; }
		[[ "$stderr" == *"bad --memory"* ]]
	done
}

@test "bad --timeout values are refused (2)" {
	for t in -1 abc 1s "" 1.2.3 99999999999; do
		run --separate-stderr "$SIMVMM" run --timeout "$t" hello64
		[ "$status" -eq 2 ] || { echo "accepted --timeout '$t'"; false; }
		[[ "$stderr" == *"bad --timeout"* ]]
	done
}

@test "bad --load-addr and --entry are refused (2)" {
	run --separate-stderr "$SIMVMM" run --load-addr zz --mode real /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad --load-addr 'zz'"* ]]
	run --separate-stderr "$SIMVMM" run --entry 0x --mode real /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad --entry '0x'"* ]]
}

@test "--load-addr is refused for a built-in guest (2)" {
	run --separate-stderr "$SIMVMM" run --load-addr 0x9000 hello16
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"applies to image files"* ]]
}

@test "an image without --mode is refused (2)" {
	img=$(image hlt.bin '\xf4')
	run --separate-stderr "$SIMVMM" run "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"needs --mode"* ]]
}

@test "missing image file: clear error (2)" {
	run --separate-stderr "$SIMVMM" run --mode real /nonexistent/x.bin
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"cannot open guest image '/nonexistent/x.bin': No such file or directory"* ]]
}

@test "empty image: clear error (2)" {
	img=$(image empty.bin '')
	run --separate-stderr "$SIMVMM" run --mode real "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"is empty"* ]]
}

@test "directory as image: clear error (2)" {
	run --separate-stderr "$SIMVMM" run --mode real "$BATS_TEST_TMPDIR"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"is a directory"* ]]
}

@test "device file as image: clear error (2)" {
	run --separate-stderr "$SIMVMM" run --mode real /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"not a regular file"* ]]
}

@test "unreadable image: clear error (2)" {
	img=$(image secret.bin '\xf4')
	chmod 000 "$img"
	# Root reads mode-000 files through CAP_DAC_OVERRIDE: drop it.
	run --separate-stderr setpriv \
		--bounding-set=-dac_override,-dac_read_search \
		"$SIMVMM" run --mode real "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Permission denied"* ]]
}

@test "image larger than guest RAM: clear error (2)" {
	img=$BATS_TEST_TMPDIR/big.bin
	head -c $((65 * 1024)) /dev/zero >"$img"
	run --separate-stderr "$SIMVMM" run --mode real --memory 64K "$img"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"is 66560 bytes, more than the guest's 65536 bytes of RAM; raise --memory"* ]]
}

@test "--memory just past the limits or off the 4K grid is refused (2)" {
	for m in 3145732K 0xc0001000 65540 60K 0x0; do
		run --separate-stderr "$SIMVMM" run --memory "$m" hello64
		[ "$status" -eq 2 ] || { echo "accepted --memory '$m'"; false; }
		[[ "$stderr" == *"bad --memory '$m'"* ]]
		[ -z "$output" ]
	done
}

@test "bad --console-limit values are refused (2)" {
	for c in "" abc -1 1T 1.5M 0x 99999999999999999999; do
		run --separate-stderr "$SIMVMM" run --console-limit "$c" hello64
		[ "$status" -eq 2 ] || { echo "accepted --console-limit '$c'"; false; }
		[[ "$stderr" == *"bad --console-limit '$c'"* ]]
	done
}

@test "--help documents --console-limit and its default" {
	run "$SIMVMM" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--console-limit N"* ]]
	[[ "$output" == *"0 = no limit"* ]]
}

@test "a FIFO as image is refused at once, not waited on (2)" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run --separate-stderr timeout 10 "$SIMVMM" run --mode real \
		"$BATS_TEST_TMPDIR/fifo"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"guest image '$BATS_TEST_TMPDIR/fifo' is not a regular file"* ]]
}

@test "bad --gdb values and --gdb with --count are usage errors (2)" {
	local v
	for v in abc 0 70000 :1234 "host:" "1234x"; do
		run_split "$SIMVMM" run --gdb "$v" hello64
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"bad --gdb '$v': give a port (1234), HOST:PORT (0.0.0.0:1234) or a Unix socket path with a '/' (./gdb.sock)"* ]]
	done
	run_split "$SIMVMM" run --gdb 1234 --count 2 hello64
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--gdb debugs one VM; drop --count"* ]]
}
