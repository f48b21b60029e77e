"""Message queues (tx_queue_*.c): event-log tests of every service path, every argument
and context error, the storage in simulated RAM, and properties against a deque model."""
from __future__ import annotations

import struct
from collections import deque
from typing import Callable

import pytest
from hypothesis import given, strategies as st

from netxsim.tx.config import TxConfig
from tests.argerror import type_error
from netxsim.tx.constants import (
    TX_1_ULONG, TX_16_ULONG, TX_AUTO_ACTIVATE, TX_AUTO_START, TX_CALLER_ERROR, TX_DELETED,
    TX_NO_TIME_SLICE, TX_NO_WAIT, TX_PTR_ERROR, TX_QUEUE_EMPTY, TX_QUEUE_ERROR, TX_QUEUE_FULL,
    TX_SIZE_ERROR, TX_SUCCESS, TX_WAIT_ABORTED, TX_WAIT_ERROR, TX_WAIT_FOREVER,
)
from netxsim.tx.kernel import kernel, tx_kernel_enter
from netxsim.tx.memory import MemoryRegionError, Pointer
from netxsim.tx.queue import (
    TX_QUEUE, tx_queue_create, tx_queue_delete, tx_queue_flush, tx_queue_front_send,
    tx_queue_info_get, tx_queue_prioritize, tx_queue_receive, tx_queue_send, tx_queue_send_notify,
)
from netxsim.tx.sizeof import sizeof
from netxsim.tx.thread import (
    TX_THREAD, tx_thread_create, tx_thread_sleep, tx_thread_terminate, tx_thread_wait_abort,
)
from netxsim.tx.timer import TX_TIMER, tx_time_get, tx_timer_create

NO_TX_ERROR_CHECKING = TxConfig(TX_DISABLE_ERROR_CHECKING=True)

STACK = 1024


class Sim:
    """A test program: carves stacks and queue storage from RAM and collects the log."""

    def __init__(self, memory: Pointer) -> None:
        self.memory = memory
        self.log: list[tuple] = []

    def alloc(self, size: int) -> Pointer:
        pointer, self.memory = self.memory, self.memory + size
        return pointer

    def rec(self, who: str, what: object) -> None:
        self.log.append((tx_time_get(), who, what))

    def thread(self, name: str, priority: int, body: Callable[[], None]) -> TX_THREAD:
        thread = TX_THREAD()
        status = tx_thread_create(thread, name, lambda _: body(), 0, self.alloc(STACK), STACK,
                                  priority, priority, TX_NO_TIME_SLICE, TX_AUTO_START)
        assert status == TX_SUCCESS
        return thread

    def queue(self, name: str = "q", message_size: int = 1, capacity: int = 4) -> TX_QUEUE:
        queue = TX_QUEUE()
        size = message_size * 4 * capacity
        assert tx_queue_create(queue, name, message_size, self.alloc(size), size) == TX_SUCCESS
        return queue

    def isr_at(self, ticks: int, handler: Callable[[], None]) -> None:
        """Run ``handler`` in ISR context ``ticks`` ticks from now (a simpy event)."""
        kernel().interrupt_after(ticks, handler)

    def timer_at(self, ticks: int, handler: Callable[[], None]) -> TX_TIMER:
        """Run ``handler`` once in a timer callback ``ticks`` ticks from now."""
        timer = TX_TIMER()
        assert tx_timer_create(timer, "t", lambda _: handler(), 0, ticks, 0, TX_AUTO_ACTIVATE) == TX_SUCCESS
        return timer


def run(build: Callable[[Sim], None], until: int | None = None, config: object = None) -> list[tuple]:
    holder: dict[str, Sim] = {}

    def define(first_unused: Pointer) -> None:
        holder["sim"] = Sim(first_unused)
        build(holder["sim"])
    result = tx_kernel_enter(define, until=until, config=config)
    assert result.reason in ("completed", "idle", "until"), result.report()
    return holder["sim"].log


def info(queue: TX_QUEUE) -> tuple:
    """(enqueued, available_storage, suspended_count) from tx_queue_info_get."""
    status, _, enqueued, available, _, count, _ = tx_queue_info_get(queue)
    assert status == TX_SUCCESS
    return enqueued, available, count


# ------------------------------------------------------------------ create / info_get
def test_sizeof_and_name():
    assert sizeof(TX_QUEUE) == 60

    def build(sim: Sim) -> None:
        sim.rec("init", sim.queue("queue 0").name)
    assert run(build) == [(0, "init", "queue 0")]


@pytest.mark.parametrize("message_size, queue_size, capacity", [
    (1, 4, 1), (1, 100, 25), (2, 100, 12), (3, 100, 8), (4, 16, 1), (4, 100, 6),
    (5, 39, 1), (8, 100, 3), (16, 64, 1), (16, 1000, 15), (TX_16_ULONG, 127, 1),
])
def test_capacity_is_queue_size_over_message_bytes(message_size, queue_size, capacity):
    queues: list[TX_QUEUE] = []

    def build(sim: Sim) -> None:
        queue = TX_QUEUE()
        queues.append(queue)
        sim.rec("init", tx_queue_create(queue, "q", message_size, sim.alloc(queue_size), queue_size))
        sim.rec("init", tx_queue_info_get(queue))
        # Only the bytes the ring uses are claimed.
        region = queue.region
        sim.rec("init", region.end - region.start)
    assert run(build) == [
        (0, "init", TX_SUCCESS),
        (0, "init", (TX_SUCCESS, "q", 0, capacity, None, 0, queues[0])),
        (0, "init", capacity * message_size * 4),
    ]


def test_info_get_next_queue_and_recreate_after_delete():
    queues: dict[str, TX_QUEUE] = {}

    def build(sim: Sim) -> None:
        a, b = queues["a"], queues["b"] = sim.queue("a"), sim.queue("b")
        sim.rec("init", tx_queue_info_get(a)[-1] is b)
        sim.rec("init", tx_queue_info_get(b)[-1] is a)
        storage = b.tx_queue_start

        def body() -> None:
            sim.rec("t", tx_queue_delete(b))
            sim.rec("t", tx_queue_info_get(a)[-1] is a)
            sim.rec("t", tx_queue_info_get(b))
            # The storage was given back: the same memory can hold a new queue.
            sim.rec("t", tx_queue_create(b, "b2", 2, storage, 16))
            sim.rec("t", tx_queue_info_get(b)[1:4])
        sim.thread("t", 5, body)
    assert run(build) == [
        (0, "init", True), (0, "init", True),
        (0, "t", TX_SUCCESS), (0, "t", True),
        (0, "t", (TX_QUEUE_ERROR,) + (None,) * 6),
        (0, "t", TX_SUCCESS), (0, "t", ("b2", 0, 2)),
    ]


def test_create_errors_and_their_precedence():
    def build(sim: Sim) -> None:
        created = sim.queue()
        start = sim.alloc(64)
        rec = lambda *args: sim.rec("init", tx_queue_create(*args))  # noqa: E731
        rec(None, "q", 1, start, 64)
        sim.rec("init", type_error(tx_queue_create, "not a queue", "q", 1, start, 64))
        rec(created, "q", 0, None, 0)                   # duplicate checked first
        rec(TX_QUEUE(), "q", 0, None, 0)                # then the pointer
        rec(TX_QUEUE(), "q", 1, bytearray(64), 64)      # not a pointer into RAM
        rec(TX_QUEUE(), "q", 0, start, 64)
        rec(TX_QUEUE(), "q", 17, start, 1000)
        rec(TX_QUEUE(), "q", -1, start, 64)
        rec(TX_QUEUE(), "q", 4, start, 15)              # 15 // 4 < 4 ULONGs
        rec(TX_QUEUE(), "q", 1, start, 3)
        rec(TX_QUEUE(), "q", TX_1_ULONG, start, 4)
    assert run(build) == [(0, "init", s) for s in (
        TX_QUEUE_ERROR, "TypeError", TX_QUEUE_ERROR, TX_PTR_ERROR, TX_PTR_ERROR, TX_SIZE_ERROR,
        TX_SIZE_ERROR, TX_SIZE_ERROR, TX_SIZE_ERROR, TX_SIZE_ERROR, TX_SUCCESS)]


def test_overlapping_storage_raises_naming_both_owners():
    def build(sim: Sim) -> None:
        start = sim.alloc(64)
        assert tx_queue_create(TX_QUEUE(), "first", 1, start, 64) == TX_SUCCESS
        with pytest.raises(MemoryRegionError, match="queue 'second'.*queue 'first'"):
            tx_queue_create(TX_QUEUE(), "second", 1, start + 60, 8)
        # A tail too small for a message is not used, so not claimed either.
        assert tx_queue_create(TX_QUEUE(), "third", 2, sim.alloc(12), 12) == TX_SUCCESS
        assert tx_queue_create(TX_QUEUE(), "fourth", 1, start + 64 + 8, 4) == TX_SUCCESS
        sim.rec("init", "done")
    assert run(build) == [(0, "init", "done")]


# ------------------------------------------------------------------ no-wait paths
def test_fifo_full_empty_and_front_send_order():
    def build(sim: Sim) -> None:
        q = sim.queue(message_size=2, capacity=3)
        rec = lambda what: sim.rec("init", what)  # noqa: E731
        rec(tx_queue_receive(q, TX_NO_WAIT))
        rec(tx_queue_send(q, [1, 10], TX_NO_WAIT))
        rec(tx_queue_send(q, (2, 20), TX_NO_WAIT))
        rec(tx_queue_front_send(q, [3, 30], TX_NO_WAIT))    # read end: wraps to the last slot
        rec(tx_queue_send(q, [4, 40], TX_NO_WAIT))
        rec(tx_queue_front_send(q, [4, 40], TX_NO_WAIT))
        rec(info(q))
        for _ in range(4):
            rec(tx_queue_receive(q, TX_NO_WAIT))
        rec(info(q))
    assert run(build) == [(0, "init", e) for e in (
        (TX_QUEUE_EMPTY, None), TX_SUCCESS, TX_SUCCESS, TX_SUCCESS, TX_QUEUE_FULL, TX_QUEUE_FULL,
        (3, 0, 0), (TX_SUCCESS, (3, 30)), (TX_SUCCESS, (1, 10)), (TX_SUCCESS, (2, 20)),
        (TX_QUEUE_EMPTY, None), (0, 3, 0))]


def test_messages_are_stored_in_simulated_ram_as_little_endian_ulongs():
    def build(sim: Sim) -> None:
        q = sim.queue(message_size=2, capacity=2)
        start = q.tx_queue_start
        tx_queue_send(q, [0x11223344, -1], TX_NO_WAIT)          # masked to a ULONG
        tx_queue_front_send(q, [5, 6], TX_NO_WAIT)              # goes to the last slot
        sim.rec("init", start.read(16))
        sim.rec("init", (q.tx_queue_read - start, q.tx_queue_write - start))
        # Receive reads RAM: what is there is what comes out.
        (start + 8).write(struct.pack("<2I", 7, 8))
        sim.rec("init", tx_queue_receive(q, TX_NO_WAIT))
        sim.rec("init", tx_queue_receive(q, TX_NO_WAIT))
    assert run(build) == [
        (0, "init", struct.pack("<4I", 0x11223344, 0xFFFFFFFF, 5, 6)),
        (0, "init", (8, 8)),
        (0, "init", (TX_SUCCESS, (7, 8))),
        (0, "init", (TX_SUCCESS, (0x11223344, 0xFFFFFFFF))),
    ]


@pytest.mark.parametrize("message", [
    None, [1], [1, 2, 3], "ab", b"\x01\x02", bytearray(2), [1, "2"], [1.0, 2], 7, object(),
])
def test_a_message_that_is_not_message_size_ints_is_a_ptr_error(message):
    def build(sim: Sim) -> None:
        q = sim.queue(message_size=2)
        sim.rec("init", tx_queue_send(q, message, TX_NO_WAIT))
        sim.rec("init", tx_queue_front_send(q, message, TX_NO_WAIT))
        sim.rec("init", info(q))
    assert run(build) == [(0, "init", TX_PTR_ERROR), (0, "init", TX_PTR_ERROR), (0, "init", (0, 4, 0))]


def test_any_sequence_of_ints_is_a_message():
    def build(sim: Sim) -> None:
        q = sim.queue(message_size=3)
        for message in ([1, 2, 3], (4, 5, 6), range(7, 10), deque([True, False, 2 ** 32 + 1])):
            sim.rec("init", (tx_queue_send(q, message, TX_NO_WAIT), tx_queue_receive(q, TX_NO_WAIT)))
    assert run(build) == [(0, "init", (TX_SUCCESS, (TX_SUCCESS, m)))
                          for m in ((1, 2, 3), (4, 5, 6), (7, 8, 9), (1, 0, 1))]


# ------------------------------------------------------------ receivers waiting
def test_send_hands_message_to_waiting_receiver_which_preempts_when_more_urgent():
    def build(sim: Sim) -> None:
        q = sim.queue()
        tx_queue_send_notify(q, lambda queue: sim.rec("notify", queue.name))

        def receiver(name: str) -> Callable[[], None]:
            def body() -> None:
                sim.rec(name, tx_queue_receive(q, TX_WAIT_FOREVER))
            return body

        def sender() -> None:
            tx_thread_sleep(3)
            sim.rec("sender", tx_queue_send(q, [1], TX_WAIT_FOREVER))
            sim.rec("sender", tx_queue_front_send(q, [2], TX_NO_WAIT))
            sim.rec("sender", info(q))
        sim.thread("urgent", 5, receiver("urgent"))
        sim.thread("lazy", 15, receiver("lazy"))
        sim.thread("sender", 10, sender)
    assert run(build) == [
        (3, "urgent", (TX_SUCCESS, (1,))),      # runs before the sender's notify
        (3, "notify", "q"),
        (3, "sender", TX_SUCCESS),
        (3, "notify", "q"),                     # lazy was readied, it does not run yet
        (3, "sender", TX_SUCCESS),
        (3, "sender", (0, 4, 0)),               # handed over, never stored
        (3, "lazy", (TX_SUCCESS, (2,))),
    ]


def test_receive_timeout_at_exact_tick_and_later_message_is_not_delivered():
    def build(sim: Sim) -> None:
        q = sim.queue()

        def receiver() -> None:
            sim.rec("receiver", tx_queue_receive(q, 10))

        def sender() -> None:
            tx_thread_sleep(12)
            sim.rec("sender", tx_queue_send(q, [7], TX_NO_WAIT))
            sim.rec("sender", info(q))
        sim.thread("receiver", 5, receiver)
        sim.thread("sender", 10, sender)
    assert run(build) == [
        (10, "receiver", (TX_QUEUE_EMPTY, None)),
        (12, "sender", TX_SUCCESS),
        (12, "sender", (1, 3, 0)),   # stored: the timed-out receiver did not get it
    ]


def test_receive_timeout_wins_over_a_send_in_the_same_tick():
    def build(sim: Sim) -> None:
        q = sim.queue()

        def sender() -> None:
            tx_thread_sleep(10)
            sim.rec("sender", tx_queue_send(q, [7], TX_NO_WAIT))

        def receiver() -> None:
            sim.rec("receiver", tx_queue_receive(q, 10))
            sim.rec("receiver", tx_queue_receive(q, TX_NO_WAIT))
        sim.thread("sender", 3, sender)
        sim.thread("receiver", 5, receiver)
    assert run(build) == [(10, "sender", TX_SUCCESS), (10, "receiver", (TX_QUEUE_EMPTY, None)),
                          (10, "receiver", (TX_SUCCESS, (7,)))]


def test_receive_wait_abort_and_later_message_is_not_delivered():
    def build(sim: Sim) -> None:
        q = sim.queue()

        def receiver() -> None:
            sim.rec("receiver", tx_queue_receive(q, TX_WAIT_FOREVER))

        def aborter() -> None:
            tx_thread_sleep(4)
            sim.rec("aborter", tx_thread_wait_abort(r))
            sim.rec("aborter", tx_queue_send(q, [9], TX_NO_WAIT))
            sim.rec("aborter", info(q))
        r = sim.thread("receiver", 8, receiver)
        sim.thread("aborter", 6, aborter)
    assert run(build) == [
        (4, "aborter", TX_SUCCESS), (4, "aborter", TX_SUCCESS), (4, "aborter", (1, 3, 0)),
        (4, "receiver", (TX_WAIT_ABORTED, None)),
    ]


# --------------------------------------------------------------- senders waiting
def test_receive_from_full_queue_admits_head_sender_which_preempts_when_more_urgent():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=2)
        tx_queue_send(q, [1], TX_NO_WAIT)
        tx_queue_send(q, [2], TX_NO_WAIT)
        tx_queue_send_notify(q, lambda queue: sim.rec("notify", queue.name))

        def sender() -> None:
            sim.rec("sender", tx_queue_send(q, [3], TX_WAIT_FOREVER))

        def receiver() -> None:
            tx_thread_sleep(4)
            sim.rec("receiver", info(q))
            sim.rec("receiver", tx_queue_receive(q, TX_NO_WAIT))
            sim.rec("receiver", info(q))
            for _ in range(3):
                sim.rec("receiver", tx_queue_receive(q, TX_NO_WAIT))
        sim.thread("sender", 5, sender)
        sim.thread("receiver", 10, receiver)
    assert run(build) == [
        (4, "receiver", (2, 0, 1)),
        (4, "notify", "q"),                   # the woken sender notifies for itself
        (4, "sender", TX_SUCCESS),
        (4, "receiver", (TX_SUCCESS, (1,))),
        (4, "receiver", (2, 0, 0)),           # still full: 3 went in at the tail
        (4, "receiver", (TX_SUCCESS, (2,))),
        (4, "receiver", (TX_SUCCESS, (3,))),
        (4, "receiver", (TX_QUEUE_EMPTY, None)),
    ]


def test_front_send_waiters_go_to_the_head_and_their_message_is_received_first():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=2)
        tx_queue_send(q, [1], TX_NO_WAIT)
        tx_queue_send(q, [2], TX_NO_WAIT)

        def sender(name: str, service: Callable, value: int, delay: int) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(delay)
                sim.rec(name, service(q, [value], TX_WAIT_FOREVER))
            return body

        def receiver() -> None:
            tx_thread_sleep(5)
            while True:
                status, message = tx_queue_receive(q, TX_NO_WAIT)
                sim.rec("receiver", (status, message, info(q)))
                if status != TX_SUCCESS:
                    break
        sim.thread("A", 3, sender("A", tx_queue_send, 3, 1))
        sim.thread("B", 3, sender("B", tx_queue_front_send, 4, 2))
        sim.thread("C", 3, sender("C", tx_queue_send, 5, 3))
        sim.thread("D", 3, sender("D", tx_queue_front_send, 6, 4))
        sim.thread("receiver", 10, receiver)
    # Suspension list after tick 4: D (front), B (front), A, C.
    assert run(build) == [
        (5, "D", TX_SUCCESS), (5, "receiver", (TX_SUCCESS, (6,), (2, 0, 3))),
        (5, "B", TX_SUCCESS), (5, "receiver", (TX_SUCCESS, (4,), (2, 0, 2))),
        (5, "A", TX_SUCCESS), (5, "receiver", (TX_SUCCESS, (1,), (2, 0, 1))),
        (5, "C", TX_SUCCESS), (5, "receiver", (TX_SUCCESS, (2,), (2, 0, 0))),
        (5, "receiver", (TX_SUCCESS, (3,), (1, 1, 0))),
        (5, "receiver", (TX_SUCCESS, (5,), (0, 2, 0))),
        (5, "receiver", (TX_QUEUE_EMPTY, None, (0, 2, 0))),
    ]


def test_send_timeout_at_exact_tick_and_its_message_never_enters():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=1)
        tx_queue_send(q, [1], TX_NO_WAIT)

        def sender() -> None:
            sim.rec("sender", tx_queue_send(q, [2], 7))
            sim.rec("sender", tx_queue_front_send(q, [3], 2))

        def receiver() -> None:
            tx_thread_sleep(20)
            sim.rec("receiver", tx_queue_receive(q, TX_NO_WAIT))
            sim.rec("receiver", tx_queue_receive(q, TX_NO_WAIT))
        sim.thread("sender", 5, sender)
        sim.thread("receiver", 10, receiver)
    assert run(build) == [
        (7, "sender", TX_QUEUE_FULL), (9, "sender", TX_QUEUE_FULL),
        (20, "receiver", (TX_SUCCESS, (1,))), (20, "receiver", (TX_QUEUE_EMPTY, None)),
    ]


def test_send_wait_abort_and_its_message_never_enters():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=1)
        tx_queue_send(q, [1], TX_NO_WAIT)

        def sender() -> None:
            sim.rec("sender", tx_queue_front_send(q, [2], TX_WAIT_FOREVER))

        def aborter() -> None:
            tx_thread_sleep(2)
            sim.rec("aborter", tx_thread_wait_abort(s))
            sim.rec("aborter", tx_queue_receive(q, TX_NO_WAIT))
            sim.rec("aborter", tx_queue_receive(q, TX_NO_WAIT))
        s = sim.thread("sender", 8, sender)
        sim.thread("aborter", 6, aborter)
    assert run(build) == [
        (2, "aborter", TX_SUCCESS), (2, "aborter", (TX_SUCCESS, (1,))),
        (2, "aborter", (TX_QUEUE_EMPTY, None)), (2, "sender", TX_WAIT_ABORTED),
    ]


def test_terminated_waiting_sender_leaves_the_list_and_its_message_never_enters():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=1)
        tx_queue_send(q, [1], TX_NO_WAIT)

        def sender() -> None:
            sim.rec("sender", tx_queue_send(q, [2], TX_WAIT_FOREVER))

        def killer() -> None:
            tx_thread_sleep(2)
            sim.rec("killer", (info(q), tx_thread_terminate(s), info(q)))
            sim.rec("killer", (tx_queue_receive(q, TX_NO_WAIT), tx_queue_receive(q, TX_NO_WAIT)))
        s = sim.thread("sender", 8, sender)
        sim.thread("killer", 6, killer)
    assert run(build) == [
        (2, "killer", ((1, 0, 1), TX_SUCCESS, (1, 0, 0))),
        (2, "killer", ((TX_SUCCESS, (1,)), (TX_QUEUE_EMPTY, None))),
    ]


# -------------------------------------------------------------------- flush, delete
def test_flush_resumes_waiting_senders_with_success_and_drops_their_messages():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=2)
        tx_queue_send(q, [1], TX_NO_WAIT)
        tx_queue_send(q, [2], TX_NO_WAIT)
        tx_queue_send_notify(q, lambda queue: sim.rec("notify", tx_time_get()))

        def sender(name: str, value: int, delay: int) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(delay)
                sim.rec(name, tx_queue_send(q, [value], TX_WAIT_FOREVER))
            return body

        def flusher() -> None:
            tx_thread_sleep(3)
            sim.rec("flusher", info(q))
            sim.rec("flusher", tx_queue_flush(q))
            sim.rec("flusher", info(q))
            sim.rec("flusher", tx_queue_receive(q, TX_NO_WAIT))
        # FIFO: first, second, lazy; all resume before any runs, so second runs first.
        sim.thread("first", 4, sender("first", 3, 0))
        sim.thread("second", 3, sender("second", 4, 1))
        sim.thread("lazy", 6, sender("lazy", 5, 2))
        sim.thread("flusher", 5, flusher)
    assert run(build) == [
        (3, "flusher", (2, 0, 3)),
        (3, "notify", 3),                 # C: a flushed sender still notifies
        (3, "second", TX_SUCCESS),
        (3, "notify", 3),
        (3, "first", TX_SUCCESS),
        (3, "flusher", TX_SUCCESS),
        (3, "flusher", (0, 2, 0)),
        (3, "flusher", (TX_QUEUE_EMPTY, None)),
        (3, "notify", 3),
        (3, "lazy", TX_SUCCESS),
    ]


def test_flush_of_an_empty_queue_leaves_receivers_waiting_and_resets_pointers():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=3)

        def receiver() -> None:
            sim.rec("receiver", tx_queue_receive(q, 5))

        def flusher() -> None:
            sim.rec("flusher", (tx_queue_flush(q), info(q)))
            tx_thread_sleep(6)
            tx_queue_send(q, [1], TX_NO_WAIT)
            tx_queue_send(q, [2], TX_NO_WAIT)
            tx_queue_receive(q, TX_NO_WAIT)
            sim.rec("flusher", (tx_queue_flush(q), info(q), q.tx_queue_read == q.tx_queue_start,
                                q.tx_queue_write == q.tx_queue_start))
        sim.thread("receiver", 3, receiver)
        sim.thread("flusher", 5, flusher)
    assert run(build) == [
        (0, "flusher", (TX_SUCCESS, (0, 3, 1))),
        (5, "receiver", (TX_QUEUE_EMPTY, None)),
        (6, "flusher", (TX_SUCCESS, (0, 3, 0), True, True)),
    ]


def test_delete_wakes_waiting_receivers_and_senders_with_tx_deleted():
    def build(sim: Sim) -> None:
        empty, full = sim.queue("empty"), sim.queue("full", capacity=1)
        tx_queue_send(full, [1], TX_NO_WAIT)
        tx_queue_send_notify(full, lambda queue: sim.rec("notify", queue.name))

        def receiver(name: str, delay: int) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(delay)
                sim.rec(name, tx_queue_receive(empty, TX_WAIT_FOREVER))
                sim.rec(name, tx_queue_receive(empty, TX_NO_WAIT))
            return body

        def sender() -> None:
            sim.rec("sender", tx_queue_send(full, [2], 50))

        def deleter() -> None:
            tx_thread_sleep(4)
            sim.rec("deleter", (info(empty), info(full)))
            sim.rec("deleter", tx_queue_delete(empty))
            sim.rec("deleter", tx_queue_delete(full))
            sim.rec("deleter", tx_queue_delete(full))
        # FIFO: r_low then r_high; both resume before either runs, so r_high runs first.
        sim.thread("r_low", 6, receiver("r_low", 0))
        sim.thread("r_high", 5, receiver("r_high", 1))
        sim.thread("sender", 9, sender)
        sim.thread("deleter", 7, deleter)
    assert run(build) == [
        (4, "deleter", ((0, 4, 2), (1, 0, 1))),
        (4, "r_high", (TX_DELETED, None)),
        (4, "r_high", (TX_QUEUE_ERROR, None)),
        (4, "r_low", (TX_DELETED, None)),
        (4, "r_low", (TX_QUEUE_ERROR, None)),
        (4, "deleter", TX_SUCCESS),
        (4, "deleter", TX_SUCCESS),
        (4, "deleter", TX_QUEUE_ERROR),
        (4, "sender", TX_DELETED),            # no notify on a failed send
    ]


# --------------------------------------------------------------------- prioritize
def test_prioritize_moves_the_most_urgent_waiter_to_the_head_only():
    threads: dict[str, TX_THREAD] = {}

    def build(sim: Sim) -> None:
        q = sim.queue()

        def receiver(name: str, delay: int) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(delay)
                sim.rec(name, tx_queue_receive(q, TX_WAIT_FOREVER))
            return body

        def driver() -> None:
            tx_thread_sleep(10)
            sim.rec("driver", tx_queue_info_get(q)[4] is threads["w10"])
            sim.rec("driver", tx_queue_prioritize(q))
            sim.rec("driver", tx_queue_info_get(q)[4] is threads["w5a"])
            for value in range(4):
                tx_queue_send(q, [value], TX_NO_WAIT)
        # FIFO by suspension time: w10, w5a, w7, w5b (w5a beats w5b: first found on ties).
        for name, priority, delay in [("w10", 10, 1), ("w5a", 5, 2), ("w7", 7, 3), ("w5b", 5, 4)]:
            threads[name] = sim.thread(name, priority, receiver(name, delay))
        sim.thread("driver", 20, driver)
    assert run(build) == [
        (10, "driver", True), (10, "driver", TX_SUCCESS), (10, "driver", True),
        # Each hand-off preempts the driver; the others kept their FIFO order.
        (10, "w5a", (TX_SUCCESS, (0,))), (10, "w10", (TX_SUCCESS, (1,))),
        (10, "w7", (TX_SUCCESS, (2,))), (10, "w5b", (TX_SUCCESS, (3,))),
    ]


def test_prioritize_with_two_waiters_and_with_none():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=1)
        sim.rec("init", tx_queue_prioritize(q))
        tx_queue_send(q, [0], TX_NO_WAIT)

        def sender(name: str, value: int, delay: int) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(delay)
                sim.rec(name, tx_queue_send(q, [value], TX_WAIT_FOREVER))
            return body

        def driver() -> None:
            tx_thread_sleep(5)
            sim.rec("driver", tx_queue_prioritize(q))
            for _ in range(3):
                sim.rec("driver", tx_queue_receive(q, TX_NO_WAIT))
        sim.thread("slow", 9, sender("slow", 1, 1))
        sim.thread("fast", 8, sender("fast", 2, 2))
        sim.thread("driver", 10, driver)
    assert run(build) == [
        (0, "init", TX_SUCCESS), (5, "driver", TX_SUCCESS),
        (5, "fast", TX_SUCCESS), (5, "driver", (TX_SUCCESS, (0,))),
        (5, "slow", TX_SUCCESS), (5, "driver", (TX_SUCCESS, (2,))),
        (5, "driver", (TX_SUCCESS, (1,))),
    ]


# -------------------------------------------------------------------- send_notify
def test_send_notify_only_after_successful_sends():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=1)
        sim.rec("init", tx_queue_send_notify(q, lambda queue: sim.rec("notify", queue.name)))
        sim.rec("init", tx_queue_send(q, [1], TX_NO_WAIT))
        sim.rec("init", tx_queue_send(q, [2], TX_NO_WAIT))          # full: no notify
        sim.rec("init", tx_queue_receive(q, TX_NO_WAIT))            # receive: no notify
        sim.rec("init", tx_queue_front_send(q, [3], TX_NO_WAIT))
        sim.rec("init", tx_queue_send_notify(q, None))
        sim.rec("init", tx_queue_receive(q, TX_NO_WAIT))
        sim.rec("init", tx_queue_send(q, [4], TX_NO_WAIT))
    assert run(build) == [
        (0, "init", TX_SUCCESS), (0, "notify", "q"), (0, "init", TX_SUCCESS),
        (0, "init", TX_QUEUE_FULL), (0, "init", (TX_SUCCESS, (1,))), (0, "notify", "q"),
        (0, "init", TX_SUCCESS), (0, "init", TX_SUCCESS), (0, "init", (TX_SUCCESS, (3,))),
        (0, "init", TX_SUCCESS),
    ]


# ------------------------------------------------------------ ISR and timer contexts
def test_send_from_isr_and_timer_callback_without_wait():
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=1)

        def receiver() -> None:
            sim.rec("receiver", tx_queue_receive(q, TX_WAIT_FOREVER))
            sim.rec("receiver", tx_queue_receive(q, TX_WAIT_FOREVER))

        def isr() -> None:
            sim.rec("isr", tx_queue_send(q, [1], TX_NO_WAIT))
            sim.rec("isr", tx_queue_front_send(q, [2], TX_NO_WAIT))
            sim.rec("isr", tx_queue_receive(q, TX_NO_WAIT))

        def timer() -> None:
            sim.rec("timer", tx_queue_front_send(q, [3], TX_NO_WAIT))
            sim.rec("timer", tx_queue_flush(q))
        sim.thread("receiver", 5, receiver)
        sim.isr_at(2, isr)
        sim.timer_at(6, timer)
    assert run(build) == [
        (2, "isr", TX_SUCCESS),              # handed to the receiver
        (2, "isr", TX_SUCCESS),              # stored
        (2, "isr", (TX_SUCCESS, (2,))),
        (2, "receiver", (TX_SUCCESS, (1,))),
        (6, "timer", TX_SUCCESS),
        (6, "timer", TX_SUCCESS),
        (6, "receiver", (TX_SUCCESS, (3,))),
    ]


def test_contexts_wait_error_and_caller_error():
    """A wait from init, an ISR or a timer callback is TX_WAIT_ERROR even when it would
    not block; create is refused from ISRs and timer callbacks, delete also from init."""
    def attempts(sim: Sim, who: str, q: TX_QUEUE, start: Pointer) -> None:
        sim.rec(who, tx_queue_send(q, [1], 1))
        sim.rec(who, tx_queue_front_send(q, [1], TX_WAIT_FOREVER))
        sim.rec(who, tx_queue_receive(q, 5))
        sim.rec(who, tx_queue_send(q, [1], TX_NO_WAIT))
        sim.rec(who, tx_queue_receive(q, TX_NO_WAIT))
        sim.rec(who, tx_queue_create(TX_QUEUE(), who, 1, start, 4))
        sim.rec(who, tx_queue_delete(q))

    def build(sim: Sim) -> None:
        q = sim.queue()
        attempts(sim, "init", q, sim.alloc(4))
        isr_start, timer_start = sim.alloc(4), sim.alloc(4)
        sim.isr_at(2, lambda: attempts(sim, "isr", q, isr_start))
        sim.timer_at(4, lambda: attempts(sim, "timer", q, timer_start))
    refused = [TX_WAIT_ERROR, TX_WAIT_ERROR, (TX_WAIT_ERROR, None), TX_SUCCESS, (TX_SUCCESS, (1,))]
    assert run(build) == (
        [(0, "init", s) for s in refused + [TX_SUCCESS, TX_CALLER_ERROR]]
        + [(2, "isr", s) for s in refused + [TX_CALLER_ERROR, TX_CALLER_ERROR]]
        + [(4, "timer", s) for s in refused + [TX_CALLER_ERROR, TX_CALLER_ERROR]])


def test_every_service_rejects_none_and_uncreated_queues():
    def build(sim: Sim) -> None:
        for q in (None, TX_QUEUE()):
            sim.rec("init", (tx_queue_send(q, [1], TX_NO_WAIT), tx_queue_front_send(q, [1], TX_NO_WAIT),
                             tx_queue_receive(q, TX_NO_WAIT), tx_queue_flush(q), tx_queue_prioritize(q),
                             tx_queue_info_get(q), tx_queue_send_notify(q, None)))
        q = "not a queue"
        sim.rec("init", (type_error(tx_queue_send, q, [1], TX_NO_WAIT),
                         type_error(tx_queue_front_send, q, [1], TX_NO_WAIT),
                         type_error(tx_queue_receive, q, TX_NO_WAIT), type_error(tx_queue_flush, q),
                         type_error(tx_queue_prioritize, q), type_error(tx_queue_info_get, q),
                         type_error(tx_queue_send_notify, q, None)))

        def body() -> None:
            sim.rec("t", (tx_queue_delete(None), tx_queue_delete(TX_QUEUE())))
        sim.thread("t", 5, body)
    errors = (TX_QUEUE_ERROR, TX_QUEUE_ERROR, (TX_QUEUE_ERROR, None), TX_QUEUE_ERROR, TX_QUEUE_ERROR,
              (TX_QUEUE_ERROR,) + (None,) * 6, TX_QUEUE_ERROR)
    assert run(build) == [(0, "init", errors)] * 2 + [(0, "init", ("TypeError",) * 7)] \
        + [(0, "t", (TX_QUEUE_ERROR, TX_QUEUE_ERROR))]


def test_error_precedence_queue_then_pointer_then_wait():
    def build(sim: Sim) -> None:
        q = sim.queue()
        sim.rec("init", tx_queue_send(None, None, 5))
        sim.rec("init", tx_queue_send(q, None, 5))
        sim.rec("init", tx_queue_front_send(q, [1, 2], 5))
        sim.rec("init", tx_queue_send(q, [1], 5))
    assert run(build) == [(0, "init", s) for s in (TX_QUEUE_ERROR, TX_PTR_ERROR, TX_PTR_ERROR, TX_WAIT_ERROR)]


def test_without_error_checking_a_bad_message_raises_and_no_context_can_block():
    """As in C nothing checks the arguments; where C would copy garbage the core raises,
    and where it would suspend a thread that is not the caller (a wait from init or an
    ISR) the simulation returns the no-wait status instead."""
    def build(sim: Sim) -> None:
        q = sim.queue(capacity=1)
        with pytest.raises(ValueError, match="sequence of 1 ints"):
            tx_queue_send(q, [1, 2], TX_NO_WAIT)
        sim.rec("init", tx_queue_receive(q, TX_WAIT_FOREVER))
        tx_queue_send(q, [1], TX_NO_WAIT)
        sim.rec("init", tx_queue_send(q, [2], TX_WAIT_FOREVER))
        sim.isr_at(1, lambda: sim.rec("isr", tx_queue_front_send(q, [3], 5)))
    log = run(build, config=NO_TX_ERROR_CHECKING)
    assert log == [(0, "init", (TX_QUEUE_EMPTY, None)), (0, "init", TX_QUEUE_FULL),
                   (1, "isr", TX_QUEUE_FULL)]


# ------------------------------------------------------------------------ properties
queue_ops = st.lists(st.one_of(
    st.tuples(st.just("send"), st.integers(0, 0xFFFFFFFF)),
    st.tuples(st.just("front"), st.integers(0, 0xFFFFFFFF)),
    st.tuples(st.just("receive"), st.just(0)),
), max_size=60)


@given(st.integers(1, 16), st.integers(1, 6), st.integers(0, 15), queue_ops)
def test_property_no_wait_operations_match_a_deque(message_size, capacity, slack, ops):
    """send/front_send/receive with TX_NO_WAIT behave as a bounded deque (append,
    appendleft, popleft); the storage pointers stay inside the ring."""
    queue_size = capacity * message_size * 4 + min(slack, message_size * 4 - 1)
    model: deque = deque()
    expected = []
    for op, seed in ops:
        message = tuple((seed + i) & 0xFFFFFFFF for i in range(message_size))
        if op == "receive":
            expected.append((TX_SUCCESS, model.popleft()) if model else (TX_QUEUE_EMPTY, None))
        elif len(model) == capacity:
            expected.append(TX_QUEUE_FULL)
        else:
            model.append(message) if op == "send" else model.appendleft(message)
            expected.append(TX_SUCCESS)
        expected[-1] = (expected[-1], len(model), capacity - len(model))

    def build(sim: Sim) -> None:
        q = TX_QUEUE()
        start = sim.alloc(queue_size)
        assert tx_queue_create(q, "q", message_size, start, queue_size) == TX_SUCCESS
        for op, seed in ops:
            message = [seed + i for i in range(message_size)]
            if op == "receive":
                result = tx_queue_receive(q, TX_NO_WAIT)
            elif op == "send":
                result = tx_queue_send(q, message, TX_NO_WAIT)
            else:
                result = tx_queue_front_send(q, message, TX_NO_WAIT)
            _, _, enqueued, available, _, _, _ = tx_queue_info_get(q)
            assert q.tx_queue_start <= q.tx_queue_read < q.tx_queue_end
            assert q.tx_queue_start <= q.tx_queue_write < q.tx_queue_end
            sim.rec("init", (result, enqueued, available))
    assert run(build) == [(0, "init", e) for e in expected]


sender_specs = st.lists(st.tuples(st.booleans(), st.integers(1, 9)), min_size=1, max_size=6)


@given(st.integers(1, 3), sender_specs)
def test_property_blocked_senders_match_a_deque_model(capacity, senders):
    """A full queue, senders (front?, priority) blocking on it one per tick, then a
    receiver draining it. Model: waiting senders form a list (a front sender joins at
    its head); a receive takes the head sender's message itself if it front-sent, else
    the oldest message, the head sender's message joining the tail."""
    model = deque(range(100, 100 + capacity))
    waiting: list[int] = []
    for i, (front, _) in enumerate(senders):
        waiting.insert(0, i) if front else waiting.append(i)
    expected, resumed = [], []
    while waiting or model:
        if waiting:
            head = waiting.pop(0)
            resumed.append((head, TX_SUCCESS))
            if senders[head][0]:
                expected.append(head)
                continue
            model.append(head)
        expected.append(model.popleft())

    got: list = []
    woken: list = []

    def build(sim: Sim) -> None:
        q = sim.queue(capacity=capacity)
        for value in range(100, 100 + capacity):
            tx_queue_send(q, [value], TX_NO_WAIT)

        def sender(i: int, front: bool) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(i + 1)
                service = tx_queue_front_send if front else tx_queue_send
                woken.append((i, service(q, [i], TX_WAIT_FOREVER)))
            return body

        def receiver() -> None:
            tx_thread_sleep(len(senders) + 1)
            assert tx_queue_info_get(q)[2:6:3] == (capacity, len(senders))
            while True:
                status, message = tx_queue_receive(q, TX_NO_WAIT)
                if status != TX_SUCCESS:
                    break
                got.append(message[0])
        for i, (front, priority) in enumerate(senders):
            sim.thread(f"s{i}", priority, sender(i, front))
        sim.thread("receiver", 10, receiver)
    run(build)
    assert got == expected
    assert woken == resumed   # more urgent than the receiver: each runs as it is resumed
