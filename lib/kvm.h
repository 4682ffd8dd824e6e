/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/kvm: opening it, the API version and capability checks, exit names. */
#ifndef SIMVMM_KVM_H
#define SIMVMM_KVM_H

#include <stdint.h>

#define SIMVMM_KVM_DEV "/dev/kvm"

/*
 * Open /dev/kvm and check the API version and the capabilities simvmm
 * cannot do without. Returns the fd, or a negative errno after printing
 * what is wrong and what to do about it.
 */
int kvm_open_system(void);

/* KVM_CHECK_EXTENSION on @fd (system or VM): > 0 when present. */
int kvm_check_cap(int fd, long cap);

/* "KVM_EXIT_IO" style name of an exit reason; never NULL. */
const char *kvm_exit_name(uint32_t reason);
/* "io" style name (lower case, no prefix), for JSON keys; never NULL. */
const char *kvm_exit_key(uint32_t reason);

#endif /* SIMVMM_KVM_H */
