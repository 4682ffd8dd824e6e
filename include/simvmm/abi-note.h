/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI version an image carries: an ELF note (as Solo5's images do),
 * name "simvmm", type SIMVMM_NOTE_ABI, a 4-byte little-endian descriptor
 * holding the SIMVMM_ABI_VERSION the image was built for. The loader
 * refuses an image whose note names another version; an image without
 * the note is accepted as a plain image.
 *
 * The note may sit in a PT_NOTE segment or in an SHT_NOTE section. The
 * built-in guests' linker script (guests/guest.ld.S) emits it as a
 * non-allocated .note.simvmm section, so it never lands in guest RAM nor
 * in a flat image made with objcopy -O binary.
 *
 * Only #defines: this file is read by C, by assembly and by linker
 * scripts run through the C preprocessor.
 */
#ifndef SIMVMM_ABI_NOTE_H
#define SIMVMM_ABI_NOTE_H

/* Raise it when a change breaks images built before it. */
#define SIMVMM_ABI_VERSION	1

/* The note's name, with its NUL: namesz is 7. */
#define SIMVMM_NOTE_NAME	"simvmm"
#define SIMVMM_NOTE_NAMESZ	7

/* The note's type: "SV" and 1, the ABI version note. */
#define SIMVMM_NOTE_ABI		0x53560001

/* The descriptor: one 32-bit version. */
#define SIMVMM_NOTE_ABI_DESCSZ	4

#endif /* SIMVMM_ABI_NOTE_H */
