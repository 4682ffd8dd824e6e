/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual machine: the KVM fds, guest RAM, the I/O bus and the devices.
 * Everything a VM owns hangs off struct vm, so VMs in one process share
 * nothing.
 */
#ifndef SIMVMM_VM_H
#define SIMVMM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

struct vm_slot {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

/* Why a run stopped before the guest halted (vm_request_stop()). */
enum vm_stop {
	VM_RUNNING = 0,
	VM_STOP_GUEST_EXIT,	/* guest wrote the exit port; code: its value */
	VM_STOP_DEVICE_ERROR,	/* a device refused the guest */
	VM_STOP_TIMEOUT,	/* the VM's own timeout passed */
	VM_STOP_SIGNAL,		/* the caller stopped it; code: a signal */
	VM_STOP_GUEST_REPORT,	/* the guest reported a failure; code: its kind */
};

/*
 * The signal that kicks a vCPU thread out of KVM_RUN. It is blocked in
 * that thread except inside KVM_RUN, so it is never delivered there: a
 * kick is consumed by the loop (sigtimedwait), never lost, and handled
 * only where the loop looks at the stop request.
 */
#define VM_KICK_SIGNAL SIGUSR1

#define VM_MAX_DEVICES 8

struct vm_device {
	const char *name;
	void *priv;
	void (*destroy)(void *priv);
};

struct vm {
	int sys_fd;		/* /dev/kvm */
	int fd;			/* the VM */
	uint8_t *mem;		/* all guest RAM, one host mapping */
	uint64_t mem_size;
	struct vm_slot slots[1];
	unsigned int nr_slots;
	uint64_t mmio_base;	/* the device window (SIMVMM_MMIO_BASE()) */
	unsigned int nr_dev_slots;	/* device memory, see vm_map_device_memory */
	int vcpu_mmap_size;
	struct bus bus;
	struct vm_device devices[VM_MAX_DEVICES];
	unsigned int nr_devices;

	/*
	 * The one stop mechanism: an atomic request ((why << 32) | code,
	 * the first one wins), an eventfd every wait of this VM watches, and
	 * a kick of the thread in vcpu_run(). Any thread may ask.
	 */
	uint64_t stop_req;
	int stop_fd;
	pthread_mutex_t kick_lock;	/* a kick never meets a finished run */
	bool vcpu_bound;		/* vcpu_thread is in vcpu_run() */
	pthread_t vcpu_thread;
	/* Run time allowed, 0 = no limit; vcpu_run() turns it into these. */
	uint64_t timeout_ns;
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC; 0 = none */
};

/*
 * Create a VM with @mem_size bytes of RAM laid out as in memmap.h, using
 * the already-checked /dev/kvm fd @sys_fd (not owned). Returns 0 or a
 * negative errno after saying why on stderr.
 */
int vm_create(int sys_fd, uint64_t mem_size, struct vm **out);

/* Destroy the devices in reverse order, then the VM. NULL is fine. */
void vm_destroy(struct vm *vm);

/*
 * Host address of guest-physical [gpa, gpa + len), or NULL unless the
 * whole range is RAM of this VM. The only way host code reaches guest RAM.
 */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);

/*
 * The RAM slot holding @gpa and how many bytes of RAM follow it (0 if
 * @gpa is not RAM).
 */
uint64_t vm_ram_room(const struct vm *vm, uint64_t gpa);

/*
 * Hand a device to the VM: @destroy(@priv) runs at vm_destroy, in reverse
 * order of attachment. Returns 0 or -ENOSPC.
 */
int __attribute__((warn_unused_result))
vm_attach_device(struct vm *vm, const char *name, void *priv,
		 void (*destroy)(void *priv));

/*
 * Make @size bytes of host memory at @hva (page aligned) guest memory at
 * @gpa for a device, e.g. a shared ring page in the device window. It is
 * not RAM: vm_gpa_to_hva() and the loader never see it. Returns the KVM
 * slot number (>= 0) or a negative errno (reported).
 */
int __attribute__((warn_unused_result))
vm_map_device_memory(struct vm *vm, uint64_t gpa, uint64_t size, void *hva);

/* Remove a slot made by vm_map_device_memory(). */
void vm_unmap_device_memory(struct vm *vm, int slot, uint64_t gpa);

/*
 * Ask the VM to stop, from any thread (not a signal handler): the first
 * request wins, every wait of the VM (vm_wait()) returns, and the vCPU
 * thread leaves KVM_RUN at once.
 */
void vm_request_stop(struct vm *vm, enum vm_stop why, uint32_t code);

/* The stop asked so far (VM_RUNNING if none), and its code into @code. */
enum vm_stop vm_stop_reason(const struct vm *vm, uint32_t *code);

/* Has a stop been asked? Cheap: one atomic load. */
static inline bool vm_stopping(const struct vm *vm)
{
	return __atomic_load_n(&vm->stop_req, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Past the VM's deadline? Then ask for VM_STOP_TIMEOUT. Returns whether
 * a stop (of any kind) has been asked.
 */
bool vm_check_deadline(struct vm *vm);

/*
 * The one way a VM's device or backend waits: for @events on @fd (-1:
 * none), at most @timeout_ms (-1: no bound but the VM's deadline), and
 * never past a stop request or the deadline. Returns > 0 when @fd is
 * ready, 0 when @timeout_ms passed, -ECANCELED once the VM is stopping.
 */
int vm_wait(struct vm *vm, int fd, short events, int timeout_ms);

#endif /* SIMVMM_VM_H */
