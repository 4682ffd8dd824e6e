// SPDX-License-Identifier: GPL-2.0
/* Guest library: the SIMVIRTIO driver, for real, protected and long mode. */
#include <simvirtio_drv.h>

/*
 * While waiting on a ring (RAM in the poll transport), look at the device
 * status register every this many spins: a device that found a violation
 * never moves its index again, and the status read (an exit) is how the
 * driver, and the VMM's vCPU loop, learn about it.
 */
#define SV_SPINS_PER_CHECK 256

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

/*
 * A pointer the compiler cannot see through: GCC 12 warns on accesses to
 * small constant addresses, which is what fixed guest-physical ones are.
 */
static inline uintptr_t launder(uintptr_t v)
{
	__asm__("" : "+r"(v));
	return v;
}

/* Pointer into the window for guest-physical @gpa. */
#ifdef SIMVIRTIO_RM_BASE
static inline uintptr_t window_off(uint32_t gpa)
{
	return launder(gpa - SIMVIRTIO_RM_BASE);
}
#else
static inline uintptr_t window_off(uint32_t gpa)
{
	return launder(gpa);
}
#endif

uint8_t simvirtio_read_device_status(struct simvirtio_drv *d)
{
	d->dev.device_status = d->cfg->device_status;
	return d->dev.device_status;
}

void simvirtio_write_driver_status(struct simvirtio_drv *d, uint8_t v)
{
	d->cfg->driver_status = v;
	d->dev.driver_status = v;
}

int simvirtio_probe(struct simvirtio_drv *d, uint32_t addr)
{
	unsigned int len;

#ifdef SIMVIRTIO_RM_BASE
	if (addr < SIMVIRTIO_RM_BASE ||
	    addr - SIMVIRTIO_RM_BASE + SIMVIRTIO_WINDOW_SIZE > 0x10000)
		return SV_ENODEV;
	__asm__ volatile("movw %w0, %%fs" : : "r"(SIMVIRTIO_RM_SEG));
#endif
	d->addr = addr;
	d->rx_asked = 0;
	d->cfg = (volatile SIMVIRTIO_AS struct simvirtio_config *)
		window_off(addr + SIMVIRTIO_CONFIG_OFF);
	d->rings = (volatile SIMVIRTIO_AS struct simvirtio_rings *)
		window_off(addr + SIMVIRTIO_RINGS_OFF);

	d->dev.magic = d->cfg->magic;
	if (d->dev.magic != MAGIC_VALUE)
		return SV_ENODEV;
	d->cfg->queue_sel = SIMVIRTIO_QUEUE_TX;
	len = d->cfg->max_queue_len;
	d->cfg->queue_sel = SIMVIRTIO_QUEUE_RX;
	/*
	 * One length for both queues: the ring page has one layout, with
	 * room for SIMVIRTIO_QUEUE_LEN elements per buffer.
	 */
	if (len < 2 || len > SIMVIRTIO_QUEUE_LEN ||
	    d->cfg->max_queue_len != len)
		return SV_ENODEV;
	/*
	 * device_t is the assignment's, with a u8 max_queue_len: it records
	 * the length saturated at 255. The queues' maxlen is the real one.
	 */
	d->dev.max_queue_len = len > 255 ? 255 : len;
	d->dev.device_status = d->cfg->device_status;
	d->dev.driver_status = d->cfg->driver_status;

	d->tx.q_ctrl = &d->rings->tx;
	d->tx.maxlen = len;
	d->tx.buffer = (SIMVIRTIO_AS q_elem_t *)d->rings->tx_buf;
	d->rx.q_ctrl = &d->rings->rx;
	d->rx.maxlen = len;
	d->rx.buffer = (SIMVIRTIO_AS q_elem_t *)d->rings->rx_buf;
	return SV_OK;
}

void simvirtio_notify_tx(struct simvirtio_drv *d)
{
	/*
	 * Full barrier: our head store must be visible before we load
	 * needs_kick. Pairs with the device's barrier between its needs_kick
	 * store and its last look at our head before it sleeps.
	 */
	simq_full_barrier();
	if (d->rings->needs_kick)
		d->cfg->q0_ctl = 1;
}

/* The same for RX: tell a sleeping device that there is room again. */
static void notify_rx(struct simvirtio_drv *d)
{
	simq_full_barrier();
	if (d->rings->needs_kick)
		d->cfg->q1_ctl = 1;
}

int simvirtio_put(struct simvirtio_drv *d, q_elem_t c)
{
	unsigned int spins = 0;
	int r;

	for (;;) {
		r = circ_bbuf_push(&d->tx, c);
		if (r == SIMQ_OK)
			return SV_OK;
		if (r == SIMQ_CORRUPT)
			return SV_ECORRUPT;
		/* Full: make sure the device knows there is work, then wait. */
		simvirtio_notify_tx(d);
		if (++spins % SV_SPINS_PER_CHECK == 0 &&
		    simvirtio_read_device_status(d) == DEVICE_ERROR)
			return SV_EPROTO;
		cpu_relax();
	}
}

int simvirtio_wait_tx(struct simvirtio_drv *d)
{
	unsigned int spins = 0;

	while (d->rings->tx.tail != d->rings->tx.head) {
		if (++spins % SV_SPINS_PER_CHECK == 0 &&
		    simvirtio_read_device_status(d) == DEVICE_ERROR)
			return SV_EPROTO;
		cpu_relax();
	}
	/* Whatever the device did with our bytes happened before its tail. */
	simq_acquire();
	return simvirtio_read_device_status(d) == DEVICE_ERROR ? SV_EPROTO :
								 SV_OK;
}

/*
 * Copy @n bytes between the ring and guest memory. In 32- and 64-bit
 * mode one `rep movsb`: the fewest guest instructions per byte, which is
 * what a guest whose every instruction is emulated (the nested test
 * machines) pays for, and the usual fast copy on hardware. The exit
 * transport still sees one MMIO access per ring byte. Real mode reaches
 * the ring only through FS, which movsb cannot write through: a loop.
 */
#if SIMVMM_GUEST_BITS == 16
static void copy_to_ring(volatile SIMVIRTIO_AS q_elem_t *dst,
			 const q_elem_t *src, unsigned int n)
{
	while (n--)
		*dst++ = *src++;
}

static void copy_from_ring(q_elem_t *dst,
			   const volatile SIMVIRTIO_AS q_elem_t *src,
			   unsigned int n)
{
	while (n--)
		*dst++ = *src++;
}
#else
static void copy_to_ring(volatile q_elem_t *dst, const q_elem_t *src,
			 unsigned int n)
{
	unsigned long cnt = n;

	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(cnt) : : "memory");
}

static void copy_from_ring(q_elem_t *dst, const volatile q_elem_t *src,
			   unsigned int n)
{
	unsigned long cnt = n;

	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(cnt) : : "memory");
}
#endif

int simvirtio_write(struct simvirtio_drv *d, const void *buf,
		    unsigned int len)
{
	volatile SIMVIRTIO_AS queue_control_t *q = d->tx.q_ctrl;
	unsigned int maxlen = d->tx.maxlen, spins = 0;
	const q_elem_t *p = buf;
	unsigned int head, tail, n, first;

	while (len) {
		/* Each index loaded once, as circ_bbuf_push() does. */
		head = q->head;
		tail = q->tail;
		if (head >= maxlen || tail >= maxlen)
			return SV_ECORRUPT;
		/* Free slots: one always stays empty (the full/empty rule). */
		n = maxlen - 1 - simq_count(maxlen, head, tail);
		if (!n) {
			/*
			 * Full: make sure the device knows there is work (an
			 * earlier put may not have told it), then wait.
			 */
			if (!spins)
				simvirtio_notify_tx(d);
			if (++spins % SV_SPINS_PER_CHECK == 0 &&
			    simvirtio_read_device_status(d) == DEVICE_ERROR)
				return SV_EPROTO;
			cpu_relax();
			continue;
		}
		if (n > len)
			n = len;
		/* Up to the buffer's end, then the rest from slot 0. */
		first = maxlen - head < n ? maxlen - head : n;
		/* The device's reads of these slots came before its tail. */
		simq_acquire();
		copy_to_ring(d->tx.buffer + head, p, first);
		if (n > first)
			copy_to_ring(d->tx.buffer, p + first, n - first);
		/* The elements are visible before the head that publishes them. */
		simq_release();
		head += n;
		/* One head store (and notify check) for the whole run. */
		q->head = head >= maxlen ? head - maxlen : head;
		simvirtio_notify_tx(d);
		p += n;
		len -= n;
	}
	return SV_OK;
}

int simvirtio_send(struct simvirtio_drv *d, const void *buf,
		   unsigned int len)
{
	int err = simvirtio_write(d, buf, len);

	return err ? err : simvirtio_wait_tx(d);
}

int simvirtio_read(struct simvirtio_drv *d, void *buf, unsigned int len)
{
	volatile SIMVIRTIO_AS queue_control_t *q = d->rx.q_ctrl;
	unsigned int maxlen = d->rx.maxlen, spins = 0;
	unsigned int head, tail, n, first;
	q_elem_t *p = buf;
	int last_look = 0;

	if (!len)
		return 0;
	/*
	 * Tell the device we read RX: in the poll transport it takes no
	 * input before this, so a guest that never reads leaves it unread.
	 */
	if (!d->rx_asked) {
		d->rx_asked = 1;
		simq_full_barrier();
		d->cfg->q1_ctl = 1;
	}
	for (;;) {
		head = q->head;
		tail = q->tail;
		if (head >= maxlen || tail >= maxlen)
			return SV_ECORRUPT;
		if (head != tail)
			break;
		if (last_look)
			return SV_EOS;
		if (d->rings->rx_eos) {
			/* EOS was set after the last head: look once more. */
			simq_acquire();
			last_look = 1;
			continue;
		}
		if (++spins % SV_SPINS_PER_CHECK == 0 &&
		    simvirtio_read_device_status(d) == DEVICE_ERROR)
			return SV_EPROTO;
		cpu_relax();
	}
	n = simq_count(maxlen, head, tail);
	if (n > len)
		n = len;
	/* Up to the buffer's end, then the rest from slot 0. */
	first = maxlen - tail < n ? maxlen - tail : n;
	/* The elements were written before the head we just loaded. */
	simq_acquire();
	copy_from_ring(p, d->rx.buffer + tail, first);
	if (n > first)
		copy_from_ring(p + first, d->rx.buffer, n - first);
	/* Finish reading the slots before handing them back to the device. */
	simq_release();
	tail += n;
	/* One tail store (and notify check) for the whole run. */
	q->tail = tail >= maxlen ? tail - maxlen : tail;
	notify_rx(d);
	return n;
}

int simvirtio_recv(struct simvirtio_drv *d, q_elem_t *c)
{
	int n = simvirtio_read(d, c, 1);

	return n < 0 ? n : SV_OK;
}

uint32_t simvirtio_raw_read(struct simvirtio_drv *d, unsigned int off,
			    unsigned int len)
{
	uintptr_t p = (uintptr_t)d->cfg + off;

	switch (len) {
	case 1:
		return *(volatile SIMVIRTIO_AS uint8_t *)p;
	case 2:
		return *(volatile SIMVIRTIO_AS uint16_t *)p;
	default:
		return *(volatile SIMVIRTIO_AS uint32_t *)p;
	}
}

int simvirtio_in_table(uint64_t addr)
{
	const volatile device_table_t *t = (const volatile device_table_t *)
		launder(SIMVMM_DEVTABLE_ADDR);
	unsigned int i, n = t->count;

	if (n > SIMVIRTIO_MAX_DEVICES)
		return 0;
	for (i = 0; i < n; i++)
		if (t->device_addresses[i] == addr)
			return 1;
	return 0;
}

uint32_t simvirtio_find(void)
{
	const volatile device_table_t *t = (const volatile device_table_t *)
		launder(SIMVMM_DEVTABLE_ADDR);
	uint64_t addr;

	/* Empty: the assignment's map, where the device has a fixed home. */
	if (t->count == 0 || t->count > SIMVIRTIO_MAX_DEVICES)
		return SIMVMM_SIMVIRTIO_ADDR;
	addr = t->device_addresses[0];
	return addr > 0xffffffffu ? 0 : (uint32_t)addr;
}

/* One control byte on TX, then wait for the device to act on it. */
static int send_ctl(struct simvirtio_drv *d, q_elem_t c)
{
	return simvirtio_send(d, &c, 1);
}

int simvirtio_start(struct simvirtio_drv *d)
{
	int err;

	/* 'R': the device resets itself; DEVICE_RESET once it took it. */
	err = send_ctl(d, 'R');
	if (err)
		return err;
	if (simvirtio_read_device_status(d) != DEVICE_RESET)
		return SV_EPROTO;
	simvirtio_write_driver_status(d, DRIVER_ACK);

	/* 'C': the device configures itself and enters the device table. */
	err = send_ctl(d, 'C');
	if (err)
		return err;
	if (simvirtio_read_device_status(d) != DEVICE_CONFIG)
		return SV_EPROTO;
	if (!simvirtio_in_table(d->addr))
		return SV_ENOENT;

	/* DRIVER_OK: the device is READY before the write completes. */
	simvirtio_write_driver_status(d, DRIVER_OK);
	if (simvirtio_read_device_status(d) != DEVICE_READY)
		return SV_EPROTO;
	return SV_OK;
}
