"""Message queues: ``TX_QUEUE`` and the ``tx_queue_*`` services (``tx_queue_*.c``).

A queue is a ring of fixed-size messages (1..16 ULONGs) in the caller's memory.
The storage really lives in simulated RAM: messages are written there as
little-endian ULONGs and read back from it, with the read and write pointers
moving as in ThreadX, so a dump of RAM shows what a target would hold.

In Python a message is a sequence of ``message_size`` ints (each masked to a ULONG);
``tx_queue_receive`` returns it as a tuple. A sequence of the wrong length, or
anything that is not a sequence of ints (``str``/``bytes`` included), stands for the
bad source pointer C cannot detect and returns TX_PTR_ERROR.

Waiting follows the C sources. One suspension list holds either receivers (the
queue is empty) or senders (it is full). A send finding a waiting receiver hands
the message straight to it; a receive from a full queue with waiting senders takes
the oldest message and moves the head sender's message in at the tail, or, when
that sender used front_send (those wait at the *head* of the list), takes the
sender's message directly. A waiting sender's message is copied when it is
admitted in C; here it is captured when the sender suspends (only another thread
mutating the caller's list while it waits could tell the difference).
"""
from __future__ import annotations

import struct
from typing import Any, Callable, Sequence

from netxsim.tx.memory import c_string
from netxsim.boundary import c_service, control_block, memset_control_block
from .config import service
from .constants import (
    TX_CALLER_ERROR, TX_DELETED, TX_NO_WAIT, TX_PTR_ERROR, TX_QUEUE_EMPTY, TX_QUEUE_ERROR,
    TX_QUEUE_FULL, TX_QUEUE_SUSP, TX_SIZE_ERROR, TX_SUCCESS, TX_WAIT_ERROR, TX_1_ULONG, TX_16_ULONG,
)
from .kernel import kernel
from .perf_counters import count as _perf, declare as _perf_declare, reset as _perf_reset
from .memory import Pointer
from . import trace as _trace

TX_QUEUE_ID = 0x51554555
_ULONG = 0xFFFFFFFF
_ULONG_SIZE = 4
_KIND = "queue"


class _QueueWait:
    """Per-waiter data: a sender's message and whether it front-sends (C's
    ``tx_thread_suspend_option``), or the message handed to a receiver."""

    __slots__ = ("message", "front")

    def __init__(self, message: tuple[int, ...] | None, front: bool) -> None:
        self.message = message
        self.front = front


@control_block
class TX_QUEUE:
    """Queue control block; fields keep ThreadX's names (pointers are :class:`Pointer`)."""

    def __init__(self) -> None:
        self.tx_queue_id = 0
        self.tx_queue_name: str = ""
        self.tx_queue_message_size = 0
        self.tx_queue_capacity = 0
        self.tx_queue_enqueued = 0
        self.tx_queue_available_storage = 0
        self.tx_queue_start: Pointer | None = None
        self.tx_queue_end: Pointer | None = None
        self.tx_queue_read: Pointer | None = None
        self.tx_queue_write: Pointer | None = None
        self.tx_queue_suspension_list: list = []
        self.tx_queue_send_notify: Callable[["TX_QUEUE"], None] | None = None
        self.region: Any = None

    @property
    def tx_queue_suspended_count(self) -> int:
        return len(self.tx_queue_suspension_list)

    @property
    def name(self) -> str:
        return self.tx_queue_name

    def __repr__(self) -> str:
        return f"<TX_QUEUE {self.tx_queue_name!r}>"


_perf_declare(TX_QUEUE, "queue")  # its counters read 0 until bumped


def _valid(queue: object) -> bool:
    return queue is not None and queue.tx_queue_id == TX_QUEUE_ID


def _as_message(source: object, size: int) -> tuple[int, ...] | None:
    """``source`` as a message of ``size`` ULONGs, or None if it is no such thing."""
    if source is None or isinstance(source, (str, bytes, bytearray, memoryview)):
        return None
    try:
        words = tuple(source)  # type: ignore[arg-type]
    except TypeError:
        return None
    if len(words) != size or not all(isinstance(word, int) for word in words):
        return None
    return tuple(word & _ULONG for word in words)


def _message(queue: TX_QUEUE, source: Sequence[int]) -> tuple[int, ...]:
    # Without error checking a bad source is not caught by a status, as in C; here it
    # raises instead of copying garbage.
    message = _as_message(source, queue.tx_queue_message_size)
    if message is None:
        raise ValueError(f"{queue!r}: message must be a sequence of "
                         f"{queue.tx_queue_message_size} ints, got {source!r}")
    return message


# Storage access: the ring lives in simulated RAM.
def _store(at: Pointer, message: tuple[int, ...]) -> None:
    at.write(struct.pack(f"<{len(message)}I", *message))


def _load(queue: TX_QUEUE, at: Pointer) -> tuple[int, ...]:
    size = queue.tx_queue_message_size
    return struct.unpack(f"<{size}I", at.read(size * _ULONG_SIZE))


def _advance(queue: TX_QUEUE, at: Pointer) -> Pointer:
    at = at + queue.tx_queue_message_size * _ULONG_SIZE
    return queue.tx_queue_start if at == queue.tx_queue_end else at  # type: ignore[return-value]


def _enqueue_tail(queue: TX_QUEUE, message: tuple[int, ...]) -> None:
    _store(queue.tx_queue_write, message)  # type: ignore[arg-type]
    queue.tx_queue_write = _advance(queue, queue.tx_queue_write)  # type: ignore[arg-type]


def _dequeue_head(queue: TX_QUEUE) -> tuple[int, ...]:
    message = _load(queue, queue.tx_queue_read)  # type: ignore[arg-type]
    queue.tx_queue_read = _advance(queue, queue.tx_queue_read)  # type: ignore[arg-type]
    return message


# --------------------------------------------------------------------------- create
def _tx_queue_create(queue: TX_QUEUE, name: str, message_size: int, queue_start: Pointer,
                     queue_size: int) -> int:
    """``tx_queue_create``: a queue of ``message_size``-ULONG messages in ``queue_size``
    bytes at ``queue_start``; it holds floor(queue_size / (message_size * 4)) messages.

    Only the bytes the ring uses are claimed in simulated RAM (a tail too small for a
    message is never touched by C either); overlapping another object's memory raises
    MemoryRegionError naming both owners.

    Statuses: TX_SUCCESS, TX_QUEUE_ERROR (None, not a queue, or already created),
    TX_PTR_ERROR (queue_start None or not a Pointer), TX_SIZE_ERROR (message_size not in
    1..16, or queue_size below one message), TX_CALLER_ERROR (from an ISR or a timer
    callback).
    """
    k = kernel()
    name = c_string(name)
    capacity = queue_size // (message_size * _ULONG_SIZE)
    used = capacity * message_size * _ULONG_SIZE
    region = k.memory.claim(queue_start, used, f"storage of queue {name!r}", _KIND, queue)
    memset_control_block(queue)
    queue.tx_queue_name = name
    queue.tx_queue_message_size = message_size
    queue.tx_queue_capacity = capacity
    queue.tx_queue_available_storage = capacity
    queue.tx_queue_enqueued = 0
    queue.tx_queue_start = queue_start
    queue.tx_queue_end = queue_start + used
    queue.tx_queue_read = queue_start
    queue.tx_queue_write = queue_start
    queue.tx_queue_suspension_list = []
    queue.tx_queue_send_notify = None
    queue.region = region
    _perf_reset(queue, "queue")
    queue.tx_queue_id = TX_QUEUE_ID
    k.register(_KIND, queue)
    tb = _trace.active
    if tb is not None:
        tb.register(_trace.TX_TRACE_OBJECT_TYPE_QUEUE, queue, queue.name, queue_size, message_size)
        tb.insert(_trace.TX_TRACE_QUEUE_CREATE, queue, message_size, queue_start, queue_size,
                  _trace.TX_TRACE_QUEUE_EVENTS)
    return TX_SUCCESS


def _txe_queue_create(queue: TX_QUEUE, name: str, message_size: int, queue_start: Pointer,
                      queue_size: int) -> int:
    k = kernel()
    if queue is None:
        return TX_QUEUE_ERROR
    # ThreadX finds duplicates by walking the created list, not by the id field.
    if queue in k.created.get(_KIND, []):
        return TX_QUEUE_ERROR
    if not isinstance(queue_start, Pointer):
        return TX_PTR_ERROR
    if not TX_1_ULONG <= message_size <= TX_16_ULONG:
        return TX_SIZE_ERROR
    if queue_size // _ULONG_SIZE < message_size:
        return TX_SIZE_ERROR
    if k.in_timer or k.in_isr:
        return TX_CALLER_ERROR
    return _tx_queue_create(queue, name, message_size, queue_start, queue_size)


tx_queue_create = c_service(
    "UINT tx_queue_create(TX_QUEUE *queue_ptr, CHAR *name_ptr, UINT message_size, VOID *queue_start, ULONG queue_size)",
    service(_txe_queue_create, _tx_queue_create))


# --------------------------------------------------------------------------- delete
def _tx_queue_delete(queue: TX_QUEUE) -> int:
    """``tx_queue_delete``: delete the queue and give its storage back; every waiter
    (sender or receiver) resumes with TX_DELETED, the most urgent running once all are
    ready.

    Statuses: TX_SUCCESS, TX_QUEUE_ERROR, TX_CALLER_ERROR (from init, an ISR or a timer
    callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_DELETE, queue, tb.stack_marker(), 0, 0, _trace.TX_TRACE_QUEUE_EVENTS)
        tb.unregister(queue)
    k = kernel()
    queue.tx_queue_id = 0
    k.unregister(_KIND, queue)
    k.memory.release(queue.region)
    queue.region = None
    k.wake_all(queue.tx_queue_suspension_list, TX_DELETED)
    return TX_SUCCESS


def _txe_queue_delete(queue: TX_QUEUE) -> int:
    k = kernel()
    if not _valid(queue):
        return TX_QUEUE_ERROR
    if k.system_state != 0 or k.in_timer:
        return TX_CALLER_ERROR
    return _tx_queue_delete(queue)


tx_queue_delete = c_service(
    "UINT tx_queue_delete(TX_QUEUE *queue_ptr)",
    service(_txe_queue_delete, _tx_queue_delete))


# ----------------------------------------------------------------------------- send
def _send(queue: TX_QUEUE, source: Sequence[int], wait_option: int, front: bool) -> int:
    k = kernel()
    _perf(queue, "queue", "messages_sent", k)
    message = _message(queue, source)
    waiters = queue.tx_queue_suspension_list
    notify = queue.tx_queue_send_notify
    if queue.tx_queue_available_storage:
        if waiters:
            # Room and waiters: they are receivers on an empty queue. Hand over directly;
            # a more urgent receiver runs before the sender's notify callback.
            thread = waiters.pop(0)
            thread.suspend_info.message = message
            k.wake(thread, TX_SUCCESS)
        else:
            queue.tx_queue_available_storage -= 1
            queue.tx_queue_enqueued += 1
            if front:
                read = queue.tx_queue_read
                if read == queue.tx_queue_start:
                    read = queue.tx_queue_end
                queue.tx_queue_read = read - queue.tx_queue_message_size * _ULONG_SIZE
                _store(queue.tx_queue_read, message)  # type: ignore[arg-type]
            else:
                _enqueue_tail(queue, message)
        if notify is not None:
            notify(queue)
        return TX_SUCCESS
    # Full. Suspension is refused while preemption is disabled and (error checking off)
    # outside a thread, where C would suspend the wrong thread.
    if wait_option == TX_NO_WAIT or k.preempt_disable or not k.in_thread:
        _perf(queue, "queue", "full_error", k)
        return TX_QUEUE_FULL
    wait = _QueueWait(message, front)
    _perf(queue, "queue", "full_suspension", k)
    # A waiting front-sender goes to the head of the list (tx_queue_front_send.c).
    status = k.suspend_current(TX_QUEUE_SUSP, wait_option, waiters, TX_QUEUE_FULL, queue, wait,
                               at_head=front)
    # The sender notifies for itself once its message was admitted (or flushed).
    if status == TX_SUCCESS and notify is not None:
        notify(queue)
    return status


def _tx_queue_send(queue: TX_QUEUE, source: Sequence[int], wait_option: int) -> int:
    """``tx_queue_send``: append ``source`` (message_size ints) at the tail, or hand it to
    the first waiting receiver; on a full queue wait FIFO for room. The send-notify
    callback runs after a successful send.

    Statuses: TX_SUCCESS (also when the wait ended by tx_queue_flush, the message then
    being dropped), TX_QUEUE_FULL (full with TX_NO_WAIT, or timed out), TX_DELETED,
    TX_WAIT_ABORTED, TX_QUEUE_ERROR, TX_PTR_ERROR (source not a sequence of message_size
    ints), TX_WAIT_ERROR (a wait from init, an ISR or a timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_SEND, queue, 0, wait_option, queue.tx_queue_enqueued,
                  _trace.TX_TRACE_QUEUE_EVENTS)
    return _send(queue, source, wait_option, front=False)


def _txe_send(queue: TX_QUEUE, source: Sequence[int], wait_option: int) -> int:
    k = kernel()
    if not _valid(queue):
        return TX_QUEUE_ERROR
    if _as_message(source, queue.tx_queue_message_size) is None:
        return TX_PTR_ERROR
    if wait_option != TX_NO_WAIT and (k.system_state != 0 or k.in_timer):
        return TX_WAIT_ERROR
    return TX_SUCCESS


def _txe_queue_send(queue: TX_QUEUE, source: Sequence[int], wait_option: int) -> int:
    status = _txe_send(queue, source, wait_option)
    if status != TX_SUCCESS:
        return status
    return _tx_queue_send(queue, source, wait_option)


tx_queue_send = c_service(
    "UINT tx_queue_send(TX_QUEUE *queue_ptr, ULONG *source_ptr, ULONG wait_option)",
    service(_txe_queue_send, _tx_queue_send))


def _tx_queue_front_send(queue: TX_QUEUE, source: Sequence[int], wait_option: int) -> int:
    """``tx_queue_front_send``: put ``source`` at the read end (received next), or hand it
    to the first waiting receiver; on a full queue wait at the *head* of the suspension
    list, so the first receive takes this message. The send-notify callback runs after a
    successful send.

    Statuses: as tx_queue_send.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_FRONT_SEND, queue, 0, wait_option, queue.tx_queue_enqueued,
                  _trace.TX_TRACE_QUEUE_EVENTS)
    return _send(queue, source, wait_option, front=True)


def _txe_queue_front_send(queue: TX_QUEUE, source: Sequence[int], wait_option: int) -> int:
    status = _txe_send(queue, source, wait_option)
    if status != TX_SUCCESS:
        return status
    return _tx_queue_front_send(queue, source, wait_option)


tx_queue_front_send = c_service(
    "UINT tx_queue_front_send(TX_QUEUE *queue_ptr, ULONG *source_ptr, ULONG wait_option)",
    service(_txe_queue_front_send, _tx_queue_front_send))


# -------------------------------------------------------------------------- receive
def _tx_queue_receive(queue: TX_QUEUE, wait_option: int) -> tuple[int, tuple[int, ...] | None]:
    """``tx_queue_receive``: returns (status, message), the oldest message as a tuple of
    message_size ints; on an empty queue wait FIFO for a sender. Taking from a full queue
    admits the head waiting sender's message (at the tail; a front-sender's message is
    the one received).

    Statuses: TX_SUCCESS, TX_QUEUE_EMPTY (empty with TX_NO_WAIT, or timed out),
    TX_DELETED, TX_WAIT_ABORTED, TX_QUEUE_ERROR, TX_WAIT_ERROR (a wait from init, an ISR
    or a timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_RECEIVE, queue, 0, wait_option, queue.tx_queue_enqueued,
                  _trace.TX_TRACE_QUEUE_EVENTS)
    k = kernel()
    _perf(queue, "queue", "messages_received", k)
    waiters = queue.tx_queue_suspension_list
    if queue.tx_queue_enqueued:
        if not waiters:
            message = _dequeue_head(queue)
            queue.tx_queue_available_storage += 1
            queue.tx_queue_enqueued -= 1
            return TX_SUCCESS, message
        # Full with waiting senders: the queue stays full.
        thread = waiters.pop(0)
        sender: _QueueWait = thread.suspend_info
        if sender.front:
            message = sender.message  # type: ignore[assignment]
        else:
            message = _dequeue_head(queue)
            _enqueue_tail(queue, sender.message)  # type: ignore[arg-type]
        k.wake(thread, TX_SUCCESS)
        return TX_SUCCESS, message
    # Empty. Suspension is refused while preemption is disabled and (error checking off)
    # outside a thread.
    if wait_option == TX_NO_WAIT or k.preempt_disable or not k.in_thread:
        return TX_QUEUE_EMPTY, None
    wait = _QueueWait(None, False)
    _perf(queue, "queue", "empty_suspension", k)
    status = k.suspend_current(TX_QUEUE_SUSP, wait_option, waiters, TX_QUEUE_EMPTY, queue, wait)
    if status != TX_SUCCESS:
        return status, None
    return status, wait.message


def _txe_queue_receive(queue: TX_QUEUE, wait_option: int) -> tuple[int, tuple[int, ...] | None]:
    k = kernel()
    if not _valid(queue):
        return TX_QUEUE_ERROR, None
    if wait_option != TX_NO_WAIT and (k.system_state != 0 or k.in_timer):
        return TX_WAIT_ERROR, None
    return _tx_queue_receive(queue, wait_option)


tx_queue_receive = c_service(
    "UINT tx_queue_receive(TX_QUEUE *queue_ptr, ULONG wait_option)",
    service(_txe_queue_receive, _tx_queue_receive))


# ---------------------------------------------------------------------------- flush
def _tx_queue_flush(queue: TX_QUEUE) -> int:
    """``tx_queue_flush``: discard every message. Threads waiting to send (the queue was
    full) resume with TX_SUCCESS and their messages are dropped; receivers waiting on an
    empty queue are left waiting. Legal from any context.

    Statuses: TX_SUCCESS, TX_QUEUE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_FLUSH, queue, tb.stack_marker(), 0, 0, _trace.TX_TRACE_QUEUE_EVENTS)
    k = kernel()
    if not queue.tx_queue_enqueued:
        return TX_SUCCESS
    queue.tx_queue_enqueued = 0
    queue.tx_queue_available_storage = queue.tx_queue_capacity
    queue.tx_queue_read = queue.tx_queue_start
    queue.tx_queue_write = queue.tx_queue_start
    if queue.tx_queue_suspension_list:
        k.wake_all(queue.tx_queue_suspension_list, TX_SUCCESS)
    return TX_SUCCESS


def _txe_queue_flush(queue: TX_QUEUE) -> int:
    if not _valid(queue):
        return TX_QUEUE_ERROR
    return _tx_queue_flush(queue)


tx_queue_flush = c_service(
    "UINT tx_queue_flush(TX_QUEUE *queue_ptr)",
    service(_txe_queue_flush, _tx_queue_flush))


# ----------------------------------------------------------------------- prioritize
def _tx_queue_prioritize(queue: TX_QUEUE) -> int:
    """``tx_queue_prioritize``: move the most urgent waiter (the first one on ties) to
    the head of the suspension list; the others keep their order.

    Statuses: TX_SUCCESS, TX_QUEUE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_PRIORITIZE, queue, len(queue.tx_queue_suspension_list),
                  tb.stack_marker(), 0, _trace.TX_TRACE_QUEUE_EVENTS)
    waiters = queue.tx_queue_suspension_list
    if len(waiters) >= 2:
        best = min(range(len(waiters)), key=lambda i: (waiters[i].tx_thread_priority, i))
        if best:
            waiters.insert(0, waiters.pop(best))
    return TX_SUCCESS


def _txe_queue_prioritize(queue: TX_QUEUE) -> int:
    if not _valid(queue):
        return TX_QUEUE_ERROR
    return _tx_queue_prioritize(queue)


tx_queue_prioritize = c_service(
    "UINT tx_queue_prioritize(TX_QUEUE *queue_ptr)",
    service(_txe_queue_prioritize, _tx_queue_prioritize))


# ------------------------------------------------------------------------- info_get
def _tx_queue_info_get(queue: TX_QUEUE) -> tuple:
    """``tx_queue_info_get``: returns (status, name, enqueued, available_storage,
    first_suspended, suspended_count, next_queue).

    Statuses: TX_SUCCESS, TX_QUEUE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_INFO_GET, queue, 0, 0, 0, _trace.TX_TRACE_QUEUE_EVENTS)
    waiters = queue.tx_queue_suspension_list
    return (TX_SUCCESS, queue.tx_queue_name, queue.tx_queue_enqueued,
            queue.tx_queue_available_storage, waiters[0] if waiters else None, len(waiters),
            kernel().next_created(_KIND, queue))


def _txe_queue_info_get(queue: TX_QUEUE) -> tuple:
    if not _valid(queue):
        return (TX_QUEUE_ERROR,) + (None,) * 6
    return _tx_queue_info_get(queue)


tx_queue_info_get = c_service(
    "UINT tx_queue_info_get(TX_QUEUE *queue_ptr)",
    service(_txe_queue_info_get, _tx_queue_info_get))


# ---------------------------------------------------------------------- send_notify
def _tx_queue_send_notify(queue: TX_QUEUE,
                          queue_send_notify: Callable[[TX_QUEUE], None] | None) -> int:
    """``tx_queue_send_notify``: call ``queue_send_notify(queue)`` after every successful
    send or front_send (in the sender's context), or stop with None.

    Statuses: TX_SUCCESS, TX_QUEUE_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_trace.TX_TRACE_QUEUE_SEND_NOTIFY, queue, 0, 0, 0, _trace.TX_TRACE_QUEUE_EVENTS)
    queue.tx_queue_send_notify = queue_send_notify
    return TX_SUCCESS


def _txe_queue_send_notify(queue: TX_QUEUE,
                           queue_send_notify: Callable[[TX_QUEUE], None] | None) -> int:
    if not _valid(queue):
        return TX_QUEUE_ERROR
    return _tx_queue_send_notify(queue, queue_send_notify)


tx_queue_send_notify = c_service(
    "UINT tx_queue_send_notify(TX_QUEUE *queue_ptr, VOID (*queue_send_notify)(TX_QUEUE *notify_queue_ptr))",
    service(_txe_queue_send_notify, _tx_queue_send_notify))


__all__ = [
    "TX_QUEUE", "tx_queue_create", "tx_queue_delete", "tx_queue_send", "tx_queue_front_send",
    "tx_queue_receive", "tx_queue_flush", "tx_queue_prioritize", "tx_queue_info_get",
    "tx_queue_send_notify",
]
