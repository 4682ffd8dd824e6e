#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall: the files docs/guests.md ("The guest
# SDK") lists and no others, pkg-config files that work against a DESTDIR
# tree and an unprivileged PREFIX, flags that build a guest in each mode,
# and an uninstall that removes it all. Runs on the host, as any user;
# needs no KVM. Builds in a folder of its own.
#
# The tests share one build folder and run in order.

bats_require_minimum_version 1.5.0

setup_file() {
	# Run from make test: nothing of the caller's make may leak in.
	unset MAKEFLAGS MFLAGS GNUMAKEFLAGS MAKELEVEL MAKEOVERRIDES \
		SANITIZE TSAN USE_POOLING BUILD PREFIX DESTDIR \
		PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
	export ROOT=$BATS_TEST_DIRNAME/../..
	export B=$BATS_FILE_TMPDIR/build
	export D=$BATS_FILE_TMPDIR/root
	export JOBS=$(nproc 2>/dev/null || echo 1)
	make -C "$ROOT" -j"$JOBS" BUILD="$B" "$B/simvmm" >&2
	export BUILTINS=$("$B/simvmm" list | awk 'NR > 1 { print $1 }')
}

# What make install puts under PREFIX: docs/guests.md, "The guest SDK".
installed() {
	cat <<-EOF
	bin/simvmm
	include/simvmm-guest/guest.h
	include/simvmm-guest/guest_exc.h
	include/simvmm-guest/simvirtio_drv.h
	include/simvmm-guest/simvmm/abi-note.h
	include/simvmm-guest/simvmm/abi.h
	include/simvmm-guest/simvmm/memmap.h
	include/simvmm-guest/simvmm/report.h
	include/simvmm-guest/simvmm/simqueue.h
	include/simvmm-guest/simvmm/simvirtio.h
	include/simvmm-guest/simvmm/x86.h
	EOF
	for m in 16 32 64; do
		echo "lib/pkgconfig/simvmm-guest-$m.pc"
		for f in crt0.o libsimvmm-guest.a simvmm-guest.ld; do
			echo "lib/simvmm/$m/$f"
		done
	done
	for g in $BUILTINS; do
		echo "share/simvmm/guests/$g.elf"
	done
}

# Every file and symlink under $1, relative to it, sorted.
files() {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
}

# pkg-config as a user of the DESTDIR tree runs it.
pc() {
	PKG_CONFIG_LIBDIR=$D/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D \
		pkg-config "$@"
}

@test "make install DESTDIR=... PREFIX=/usr installs exactly the documented files" {
	run make -C "$ROOT" BUILD="$B" DESTDIR="$D" PREFIX=/usr install
	echo "$output"
	[ "$status" -eq 0 ]
	# Nothing was compiled: install only copies what the build made.
	[[ "$output" != *" -c "* ]]
	diff -u <(installed | sed 's|^|usr/|' | LC_ALL=C sort) <(files "$D")
	[ "$(stat -c %a "$D/usr/bin/simvmm")" = 755 ]
	[ -z "$(find "$D" ! -type d ! -path "$D/usr/bin/simvmm" ! -perm 644)" ]
	# The same bytes as the build's.
	cmp "$B/simvmm" "$D/usr/bin/simvmm"
	cmp "$ROOT/guests/include/guest.h" "$D/usr/include/simvmm-guest/guest.h"
	for m in 16 32 64; do
		cmp "$B/guests/$m/crt.o" "$D/usr/lib/simvmm/$m/crt0.o"
		cmp "$B/guests/$m/libguest.a" "$D/usr/lib/simvmm/$m/libsimvmm-guest.a"
		cmp "$B/guests/guest.ld" "$D/usr/lib/simvmm/$m/simvmm-guest.ld"
	done
	run "$D/usr/bin/simvmm" --version
	[ "$status" -eq 0 ]
	# The built-in guests' ELFs, for gdb, found by the installed simvmm.
	[ "$(wc -w <<<"$BUILTINS")" -eq 8 ]
	run "$D/usr/bin/simvmm" list --paths
	echo "$output"
	[ "$status" -eq 0 ]
	for g in $BUILTINS; do
		cmp "$B/guests/$g.elf" "$D/usr/share/simvmm/guests/$g.elf"
		[[ "$output" == *"$g "*" $D/usr/share/simvmm/guests/$g.elf"* ]]
	done
}

@test "pkg-config --cflags simvmm-guest-NN: the mode's flags and the SDK's headers" {
	version=$(sed -n 's/^VERSION := //p' "$ROOT/Makefile")
	for m in 16 32 64; do
		run pc --modversion "simvmm-guest-$m"
		[ "$status" -eq 0 ]
		[ "$output" = "$version" ]
		run pc --cflags "simvmm-guest-$m"
		echo "$m: $output"
		[ "$status" -eq 0 ]
		for f in "-m$m" -ffreestanding -fno-pic -fno-pie \
			 -fno-stack-protector -mgeneral-regs-only \
			 "-DSIMVMM_GUEST_BITS=$m" \
			 "-I$D/usr/include/simvmm-guest"; do
			[[ " $output " == *" $f "* ]]
		done
		# No warnings or optimization imposed on the user.
		[[ " $output " != *" -W"* ]]
		[[ " $output " != *" -O"* ]]
	done
	[[ "$(pc --cflags simvmm-guest-64)" == *" -mno-red-zone "* ]]
}

@test "pkg-config --libs simvmm-guest-NN: crt0.o, the linker script, the library, no libc" {
	for m in 16 32 64; do
		emu=elf_i386
		[ "$m" = 64 ] && emu=elf_x86_64
		lib=$D/usr/lib/simvmm/$m
		run pc --libs "simvmm-guest-$m"
		echo "$m: $output"
		[ "$status" -eq 0 ]
		for f in "-m$m" -nostdlib -static "-Wl,-m,$emu" \
			 "-Wl,-T,$lib/simvmm-guest.ld" "$lib/crt0.o" "-L$lib" \
			 -lsimvmm-guest; do
			[[ " $output " == *" $f "* ]]
		done
		[ "$(pc --variable=libdir "simvmm-guest-$m")" = "$lib" ]
	done
}

@test "the flags build a guest in each mode: ELF class, entry 0x8000, the ABI note" {
	cat >"$BATS_TEST_TMPDIR/g.c" <<-'EOF'
	#include <guest.h>
	#include <simvirtio_drv.h>

	int main(void)
	{
		GUEST_ASSERT(SIMVMM_GUEST_BITS > 0);
		guest_printf("%d\n", SIMVMM_GUEST_BITS);
		return 0;
	}
	EOF
	for m in 16 32 64; do
		class=ELF32
		[ "$m" = 64 ] && class=ELF64
		elf=$BATS_TEST_TMPDIR/g$m.elf
		run cc $(pc --cflags "simvmm-guest-$m") -Werror -Wall -o "$elf" \
			"$BATS_TEST_TMPDIR/g.c" $(pc --libs "simvmm-guest-$m") \
			-Wl,--fatal-warnings
		echo "$m: $output"
		[ "$status" -eq 0 ]
		run readelf -hn "$elf"
		[[ "$output" == *"Class:"*"$class"* ]]
		[[ "$output" == *"Entry point address:"*"0x8000"* ]]
		[[ "$output" == *"simvmm"*"0x00000004"* ]]
		# The flat image starts with the crt's first instruction (cld).
		objcopy -O binary "$elf" "$BATS_TEST_TMPDIR/g$m.bin"
		[ "$(od -An -tx1 -N1 "$BATS_TEST_TMPDIR/g$m.bin" | tr -d ' ')" = fc ]
	done
}

@test "make uninstall removes every file install wrote, and the SDK's folders" {
	mkdir -p "$D/usr/lib/pkgconfig"
	echo other >"$D/usr/lib/pkgconfig/other.pc"
	run make -C "$ROOT" BUILD="$B" DESTDIR="$D" PREFIX=/usr uninstall
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(files "$D")" = usr/lib/pkgconfig/other.pc ]
	[ ! -e "$D/usr/include/simvmm-guest" ]
	[ ! -e "$D/usr/lib/simvmm" ]
	[ ! -e "$D/usr/share/simvmm" ]
	# Again: nothing left to remove is no error.
	run make -C "$ROOT" BUILD="$B" DESTDIR="$D" PREFIX=/usr uninstall
	[ "$status" -eq 0 ]
}

@test "PREFIX alone, a folder the user owns: installs there, found by PKG_CONFIG_PATH" {
	P=$BATS_FILE_TMPDIR/opt/simvmm
	run make -C "$ROOT" BUILD="$B" PREFIX="$P" install
	echo "$output"
	[ "$status" -eq 0 ]
	diff -u <(installed | LC_ALL=C sort) <(files "$P")
	run env PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs simvmm-guest-32
	[ "$status" -eq 0 ]
	[[ "$output" == *"-I$P/include/simvmm-guest "* ]]
	[[ "$output" == *" $P/lib/simvmm/32/crt0.o "* ]]
	run make -C "$ROOT" BUILD="$B" PREFIX="$P" uninstall
	[ "$status" -eq 0 ]
	[ -z "$(files "$P")" ]
}

@test "the default PREFIX is /usr/local" {
	run make -C "$ROOT" BUILD="$B" DESTDIR="$D" install
	[ "$status" -eq 0 ]
	diff -u <(installed | sed 's|^|usr/local/|' | LC_ALL=C sort) \
		<(files "$D" | grep -v '^usr/lib/pkgconfig/other.pc$')
	grep -qx 'prefix=/usr/local' "$D/usr/local/lib/pkgconfig/simvmm-guest-64.pc"
	run make -C "$ROOT" BUILD="$B" DESTDIR="$D" uninstall
	[ "$status" -eq 0 ]
	[ "$(files "$D")" = usr/lib/pkgconfig/other.pc ]
}
