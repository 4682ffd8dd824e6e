/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SIMVIRTIO ring: simqueue_t and circ_bbuf_push/circ_bbuf_pop with the
 * assignment's signatures. The one implementation, used by the VMM and by
 * 16-, 32- and 64-bit guests (static inline, no libc).
 *
 * Indices live in [0, maxlen). head is the producer's: the next slot it
 * fills. tail is the consumer's: the next slot it reads. Empty when
 * head == tail, full when head + 1 == tail (mod maxlen): one slot is always
 * left empty, so maxlen - 1 elements fit. An index >= maxlen is corrupt.
 *
 * Memory ordering (docs/simvirtio.md, "Memory ordering"): an element is
 * written before the head that publishes it (release) and read after the
 * head that covers it (acquire); a slot is read before the tail that frees
 * it (release) and overwritten only after the tail that freed it (acquire).
 * On x86 (TSO) these fences compile to compiler barriers only.
 */
#ifndef SIMVMM_SIMQUEUE_H
#define SIMVMM_SIMQUEUE_H

#include <simvmm/simvirtio.h>

typedef struct simqueue {
	/* MMIO queue control. */
	volatile SIMVIRTIO_AS queue_control_t *q_ctrl;
	/* Size of the queue buffer/data. */
	unsigned int maxlen;
	/* Queue data buffer. */
	SIMVIRTIO_AS q_elem_t *buffer;
} simqueue_t;

/* Results of circ_bbuf_push/circ_bbuf_pop. */
#define SIMQ_OK		0
#define SIMQ_FULL	(-1)	/* push: no free slot */
#define SIMQ_EMPTY	(-2)	/* pop: nothing to read */
#define SIMQ_CORRUPT	(-3)	/* head or tail >= maxlen (or maxlen 0) */

#define simq_acquire()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define simq_release()	__atomic_thread_fence(__ATOMIC_RELEASE)
/* Orders a store before a later load: needed around needs_kick. */
#define simq_full_barrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

static inline unsigned int simq_next(const simqueue_t *q, unsigned int i)
{
	return i + 1 == q->maxlen ? 0 : i + 1;
}

/* Elements between @tail and @head; both already checked < maxlen. */
static inline unsigned int simq_count(unsigned int maxlen,
				      unsigned int head,
				      unsigned int tail)
{
	return head >= tail ? head - tail : maxlen - tail + head;
}

/* Append @data. SIMQ_OK, SIMQ_FULL or SIMQ_CORRUPT. */
static inline int circ_bbuf_push(simqueue_t *q, q_elem_t data)
{
	/* Each index is loaded once: a racing writer cannot split a check. */
	unsigned int head = q->q_ctrl->head;
	unsigned int tail = q->q_ctrl->tail;
	unsigned int next;

	if (head >= q->maxlen || tail >= q->maxlen)
		return SIMQ_CORRUPT;
	next = simq_next(q, head);
	if (next == tail)
		return SIMQ_FULL;
	/* The consumer's read of this slot happened before its tail store. */
	simq_acquire();
	q->buffer[head] = data;
	/* The element is visible before the index that publishes it. */
	simq_release();
	q->q_ctrl->head = next;
	return SIMQ_OK;
}

/* Take the oldest element into @data. SIMQ_OK, SIMQ_EMPTY or SIMQ_CORRUPT. */
static inline int circ_bbuf_pop(simqueue_t *q, q_elem_t *data)
{
	unsigned int head = q->q_ctrl->head;
	unsigned int tail = q->q_ctrl->tail;

	if (head >= q->maxlen || tail >= q->maxlen)
		return SIMQ_CORRUPT;
	if (head == tail)
		return SIMQ_EMPTY;
	/* The element was written before the head we just loaded. */
	simq_acquire();
	*data = q->buffer[tail];
	/* Finish reading the slot before handing it back to the producer. */
	simq_release();
	q->q_ctrl->tail = simq_next(q, tail);
	return SIMQ_OK;
}

#endif /* SIMVMM_SIMQUEUE_H */
