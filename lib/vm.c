// SPDX-License-Identifier: GPL-2.0
/* VM creation and teardown, guest RAM slots and the guest-address translator. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <simvmm/memmap.h>

#include "log.h"
#include "vm.h"

static int vm_add_slot(struct vm *vm, uint64_t gpa, uint64_t size,
		       uint8_t *hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = vm->nr_slots,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};
	struct vm_slot *s;

	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		int err = -errno;

		pr_err("KVM_SET_USER_MEMORY_REGION (slot %u, 0x%llx bytes at 0x%llx): %s",
		       region.slot, (unsigned long long)size,
		       (unsigned long long)gpa, strerror(-err));
		return err;
	}
	s = &vm->slots[vm->nr_slots++];
	s->gpa = gpa;
	s->size = size;
	s->hva = hva;
	return 0;
}

int vm_create(int sys_fd, uint64_t mem_size, struct vm **out)
{
	struct vm *vm;
	int err;

	if (mem_size < SIMVMM_MEM_MIN || mem_size > SIMVMM_MEM_MAX ||
	    mem_size % 4096) {
		pr_err("guest memory must be a multiple of 4 KiB between %u KiB and %u MiB, not %llu bytes",
		       SIMVMM_MEM_MIN >> 10, SIMVMM_MEM_MAX >> 20,
		       (unsigned long long)mem_size);
		return -EINVAL;
	}

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->sys_fd = sys_fd;
	vm->mem = MAP_FAILED;
	bus_init(&vm->bus);
	pthread_mutex_init(&vm->kick_lock, NULL);

	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0) {
		err = -errno;
		pr_err("eventfd: %s", strerror(-err));
		goto err_free;
	}
	vm->fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		err = -errno;
		pr_err("KVM_CREATE_VM: %s", strerror(-err));
		goto err_stop_fd;
	}

	/* Intel's real-mode emulation needs three pages outside RAM. */
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, SIMVMM_TSS_ADDR) < 0) {
		err = -errno;
		pr_err("KVM_SET_TSS_ADDR: %s", strerror(-err));
		goto err_close;
	}

	vm->vcpu_mmap_size = ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vcpu_mmap_size < (int)sizeof(struct kvm_run)) {
		err = vm->vcpu_mmap_size < 0 ? -errno : -EINVAL;
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(-err));
		goto err_close;
	}

	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		err = -errno;
		pr_err("cannot map %llu bytes of guest memory: %s",
		       (unsigned long long)mem_size, strerror(-err));
		goto err_close;
	}
	vm->mem_size = mem_size;
	/* Advisory: KSM may be off or absent, which costs nothing. */
	(void)madvise(vm->mem, mem_size, MADV_MERGEABLE);

	/* RAM in one piece from 0; the devices sit above it (memmap.h). */
	err = vm_add_slot(vm, 0, mem_size, vm->mem);
	if (err)
		goto err_unmap;
	vm->mmio_base = SIMVMM_MMIO_BASE(mem_size);

	*out = vm;
	return 0;

err_unmap:
	munmap(vm->mem, mem_size);
err_close:
	close(vm->fd);
err_stop_fd:
	close(vm->stop_fd);
err_free:
	pthread_mutex_destroy(&vm->kick_lock);
	free(vm);
	return err;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	while (vm->nr_devices) {
		struct vm_device *d = &vm->devices[--vm->nr_devices];

		if (d->destroy)
			d->destroy(d->priv);
	}
	if (vm->mem != MAP_FAILED)
		munmap(vm->mem, vm->mem_size);
	close(vm->fd);
	close(vm->stop_fd);
	pthread_mutex_destroy(&vm->kick_lock);
	free(vm);
}

void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	const struct vm_slot *s;
	unsigned int i;

	for (i = 0; i < vm->nr_slots; i++) {
		s = &vm->slots[i];
		if (gpa >= s->gpa && gpa - s->gpa <= s->size &&
		    len <= s->size - (gpa - s->gpa))
			return s->hva + (gpa - s->gpa);
	}
	return NULL;
}

uint64_t vm_ram_room(const struct vm *vm, uint64_t gpa)
{
	const struct vm_slot *s;
	unsigned int i;

	for (i = 0; i < vm->nr_slots; i++) {
		s = &vm->slots[i];
		if (gpa >= s->gpa && gpa - s->gpa < s->size)
			return s->size - (gpa - s->gpa);
	}
	return 0;
}

int vm_attach_device(struct vm *vm, const char *name, void *priv,
		     void (*destroy)(void *priv))
{
	struct vm_device *d;

	if (vm->nr_devices == VM_MAX_DEVICES)
		return -ENOSPC;
	d = &vm->devices[vm->nr_devices++];
	d->name = name;
	d->priv = priv;
	d->destroy = destroy;
	return 0;
}

/* Device slots follow the RAM slots' numbers, well clear of them. */
#define VM_DEV_SLOT_BASE 8
#define VM_DEV_SLOT_MAX 8

int vm_map_device_memory(struct vm *vm, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};
	int err;

	if (vm->nr_dev_slots == VM_DEV_SLOT_MAX)
		return -ENOSPC;
	region.slot = VM_DEV_SLOT_BASE + vm->nr_dev_slots;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		err = -errno;
		pr_err("KVM_SET_USER_MEMORY_REGION (device slot %u, 0x%llx bytes at 0x%llx): %s",
		       region.slot, (unsigned long long)size,
		       (unsigned long long)gpa, strerror(-err));
		return err;
	}
	vm->nr_dev_slots++;
	return region.slot;
}

void vm_unmap_device_memory(struct vm *vm, int slot, uint64_t gpa)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = 0,	/* size 0 deletes the slot */
	};

	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		pr_warn("deleting device memory slot %d: %s", slot,
			strerror(errno));
}

void vm_request_stop(struct vm *vm, enum vm_stop why, uint32_t code)
{
	uint64_t none = 0, req = (uint64_t)why << 32 | code;

	if (why == VM_RUNNING ||
	    !__atomic_compare_exchange_n(&vm->stop_req, &none, req, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	/* Readable from now on: every vm_wait() returns, now and later. */
	if (vm->stop_fd >= 0)
		(void)eventfd_write(vm->stop_fd, 1);
	/*
	 * vcpu_run() binds its thread under kick_lock and only then looks at
	 * the request: either it sees ours before it enters KVM_RUN, or we
	 * see its thread and kick it. A kick that lands outside KVM_RUN stays
	 * pending and ends the next KVM_RUN at once. Under the lock, the
	 * thread cannot finish its run (and go away) while we kick it.
	 */
	pthread_mutex_lock(&vm->kick_lock);
	if (vm->vcpu_bound)
		pthread_kill(vm->vcpu_thread, VM_KICK_SIGNAL);
	pthread_mutex_unlock(&vm->kick_lock);
}

enum vm_stop vm_stop_reason(const struct vm *vm, uint32_t *code)
{
	uint64_t req = __atomic_load_n(&vm->stop_req, __ATOMIC_ACQUIRE);

	if (code)
		*code = (uint32_t)req;
	return (enum vm_stop)(req >> 32);
}

static uint64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

bool vm_check_deadline(struct vm *vm)
{
	if (vm->deadline_ns && !vm_stopping(vm) &&
	    vm_now_ns() >= vm->deadline_ns)
		vm_request_stop(vm, VM_STOP_TIMEOUT, 0);
	return vm_stopping(vm);
}

int vm_wait(struct vm *vm, int fd, short events, int timeout_ms)
{
	struct pollfd pfd[2];
	struct timespec ts, *tsp = NULL;
	uint64_t wait_ns = 0, now;
	nfds_t n = 0;
	int r;

	if (vm_check_deadline(vm))
		return -ECANCELED;
	if (timeout_ms >= 0) {
		wait_ns = (uint64_t)timeout_ms * 1000000ull;
		tsp = &ts;
	}
	if (vm->deadline_ns) {
		now = vm_now_ns();
		/* Passed since the check above: never a wait that underflows. */
		if (now >= vm->deadline_ns)
			return vm_check_deadline(vm) ? -ECANCELED : 0;
		if (!tsp || vm->deadline_ns - now < wait_ns)
			wait_ns = vm->deadline_ns - now;
		tsp = &ts;
	}
	ts.tv_sec = wait_ns / 1000000000ull;
	ts.tv_nsec = wait_ns % 1000000000ull;
	if (vm->stop_fd >= 0) {
		pfd[n].fd = vm->stop_fd;
		pfd[n++].events = POLLIN;
	}
	if (fd >= 0) {
		pfd[n].fd = fd;
		pfd[n++].events = events;
	}
	/* Signals stay as they are: the stop request is the eventfd. */
	r = ppoll(pfd, n, tsp, NULL);
	if (vm_check_deadline(vm))
		return -ECANCELED;
	if (r <= 0)
		return 0;	/* timed out, or EINTR: the caller looks again */
	return fd >= 0 && pfd[n - 1].revents ? 1 : 0;
}
