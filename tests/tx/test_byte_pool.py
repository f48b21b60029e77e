"""Byte memory pools (tx_byte_pool_*.c, tx_byte_allocate.c, tx_byte_release.c):
known-answer tests against the real ThreadX byte pool C code, event-log tests of every
service path, every argument and context error, and hypothesis properties.

The known answers were produced by compiling ThreadX 6.4.2's tx_byte_pool_create.c,
tx_byte_pool_search.c, tx_byte_allocate.c and tx_byte_release.c with ``gcc -m32``
(32-bit pointers, as on the target) and the Linux port headers, with a small driver
that runs each sequence with TX_NO_WAIT and prints, after every call, the status, the
returned offset from the pool start (-1 for NULL), ``tx_byte_pool_available``,
``tx_byte_pool_fragments`` and the search pointer's offset from the pool start.
"""
from __future__ import annotations

from typing import Any, Callable

import pytest
from hypothesis import given, strategies as st

from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_BYTE_MEMORY, TX_CALLER_ERROR, TX_DELETED,
    TX_NO_MEMORY, TX_NO_TIME_SLICE, TX_NO_WAIT, TX_POOL_ERROR, TX_PTR_ERROR, TX_SIZE_ERROR,
    TX_SUCCESS, TX_THREAD, TX_TIMER, TX_WAIT_ABORTED, TX_WAIT_ERROR, TX_WAIT_FOREVER,
    sizeof, tx_kernel_enter, tx_thread_create, tx_thread_info_get, tx_thread_sleep,
    tx_thread_terminate, tx_thread_wait_abort, tx_time_get, tx_timer_create,
)
from netxsim.tx.config import TxConfig
from netxsim.tx.block_pool import (
    TX_BLOCK_POOL, tx_block_allocate, tx_block_pool_create, tx_block_release,
)
from netxsim.tx.byte_pool import (
    TX_BYTE_BLOCK_FREE, TX_BYTE_POOL, tx_byte_allocate, tx_byte_pool_create,
    tx_byte_pool_delete, tx_byte_pool_info_get, tx_byte_pool_prioritize, tx_byte_release,
)
from netxsim.tx.kernel import kernel
from netxsim.tx.memory import MemoryRegionError
from tests.argerror import type_error

NO_TX_ERROR_CHECKING = TxConfig(TX_DISABLE_ERROR_CHECKING=True)

STACK = 1024


class Program:
    """A test program: threads created in ``tx_application_define`` log (tick, who, what)."""

    def __init__(self) -> None:
        self.log: list[tuple[int, str, Any]] = []
        self.memory = None

    def note(self, who: str, what: Any) -> None:
        self.log.append((tx_time_get(), who, what))

    def take(self, size: int):
        """Carve ``size`` bytes of simulated RAM, as C code advances a free-memory pointer."""
        pointer = self.memory
        self.memory = self.memory + size
        return pointer

    def thread(self, name: str, priority: int, body: Callable[[], None]) -> TX_THREAD:
        thread = TX_THREAD()
        assert tx_thread_create(thread, name, lambda _: body(), 0, self.take(STACK), STACK,
                                priority, priority, TX_NO_TIME_SLICE, TX_AUTO_START) == TX_SUCCESS
        return thread

    def timer(self, ticks: int, callback: Callable[[], None]) -> TX_TIMER:
        timer = TX_TIMER()
        assert tx_timer_create(timer, "tmr", lambda _: callback(), 0, ticks, 0,
                               TX_AUTO_ACTIVATE) == TX_SUCCESS
        return timer

    def isr(self, ticks: int, callback: Callable[[], None]) -> None:
        """Run ``callback`` as an interrupt ``ticks`` ticks from now (a simpy event)."""
        kernel().interrupt_after(ticks, callback)

    def run(self, setup: Callable[[], None], until: int | None = None, config: object = None) -> list:
        def define(first_unused_memory) -> None:
            self.memory = first_unused_memory
            setup()
        result = tx_kernel_enter(define, until=until, config=config)
        assert result.reason in ("completed", "idle", "until"), result.report()
        return self.log


def make_pool(p: Program, pool: TX_BYTE_POOL, size: int = 200, name: str = "bytes"):
    p.take(16)  # leave a gap so nothing before the pool looks like a block header
    start = p.take(size)
    assert tx_byte_pool_create(pool, name, start, size) == TX_SUCCESS
    return start


def offset(pointer, pool: TX_BYTE_POOL) -> int | None:
    return None if pointer is None else pointer - pool.tx_byte_pool_start


def state(pool: TX_BYTE_POOL) -> tuple:
    """(available, fragments, first waiter's name, waiter count) from info_get."""
    _, _, available, fragments, first, count, _ = tx_byte_pool_info_get(pool)
    return available, fragments, first and first.name, count


# --------------------------------------------------------------- known answers (C)
KNOWN_ANSWERS = [
    # (pool size, [(op, argument)], rows): "a n" allocates n bytes, "r i" releases the
    # i-th allocation; each row is (op, status, offset, available, fragments, search).
    # split only when >= 20 bytes remain; 84 is the largest block of a 100-byte pool
    (100, [('a', 64), ('r', 0), ('a', 65), ('r', 1), ('a', 84), ('r', 2), ('a', 85), ('a', 1)],
     [('c', 0, 0, 92, 2, 0),
      ('a', 0, 8, 20, 3, 72),
      ('r', 0, 8, 92, 3, 0),
      ('a', 0, 8, 0, 2, 92),
      ('r', 0, 8, 92, 2, 0),
      ('a', 0, 8, 0, 2, 92),
      ('r', 0, 8, 92, 2, 0),
      ('a', 16, -1, 92, 2, 0),
      ('a', 0, 8, 80, 3, 12)]),
    # release moves the search pointer back; first fit reuses the hole
    (200, [('a', 10), ('a', 20), ('r', 0), ('a', 4)],
     [('c', 0, 0, 192, 2, 0),
      ('a', 0, 8, 172, 3, 20),
      ('a', 0, 28, 144, 4, 48),
      ('r', 0, 8, 164, 4, 0),
      ('a', 0, 8, 144, 4, 20)]),
    # lazy merge of three free neighbours during a later search
    (300, [('a', 20), ('a', 20), ('a', 20), ('a', 20), ('r', 0), ('r', 1), ('r', 2), ('a', 50), ('a', 8)],
     [('c', 0, 0, 292, 2, 0),
      ('a', 0, 8, 264, 3, 28),
      ('a', 0, 36, 236, 4, 56),
      ('a', 0, 64, 208, 5, 84),
      ('a', 0, 92, 180, 6, 112),
      ('r', 0, 8, 208, 6, 0),
      ('r', 0, 36, 236, 6, 0),
      ('r', 0, 64, 264, 6, 0),
      ('a', 0, 8, 204, 5, 60),
      ('a', 0, 68, 180, 5, 84)]),
    # a failed search leaves the search pointer on the first free block; no-split fits
    (256, [('a', 40), ('a', 40), ('a', 40), ('r', 1), ('a', 100), ('a', 30), ('r', 0), ('a', 36), ('a', 12)],
     [('c', 0, 0, 248, 2, 0),
      ('a', 0, 8, 200, 3, 48),
      ('a', 0, 56, 152, 4, 96),
      ('a', 0, 104, 104, 5, 144),
      ('r', 0, 56, 152, 5, 48),
      ('a', 16, -1, 152, 5, 48),
      ('a', 0, 56, 104, 5, 96),
      ('r', 0, 8, 152, 5, 0),
      ('a', 0, 8, 104, 5, 48),
      ('a', 0, 152, 84, 6, 164)]),
    # a whole-block fit leaves 0 available; one refusal by block size, one by the available check
    (160, [('a', 100), ('a', 40), ('r', 0), ('a', 140), ('a', 152)],
     [('c', 0, 0, 152, 2, 0),
      ('a', 0, 8, 44, 3, 108),
      ('a', 16, -1, 44, 3, 108),
      ('r', 0, 8, 152, 3, 0),
      ('a', 0, 8, 0, 2, 152),
      ('a', 16, -1, 0, 2, 152)]),
    # pseudo-random mix: all released at row 20 gives 592 available but 8 fragments
    (600, [('a', 75), ('a', 53), ('a', 105), ('a', 17), ('a', 23), ('r', 1), ('r', 4), ('r', 3), ('a', 112), ('r', 2), ('r', 5), ('a', 18), ('a', 12), ('a', 14), ('r', 8), ('a', 2), ('r', 7), ('r', 6), ('r', 9), ('r', 0), ('a', 20), ('a', 15), ('a', 16), ('a', 44), ('r', 13), ('r', 12), ('r', 10), ('a', 7), ('a', 6), ('a', 8), ('a', 31), ('r', 16), ('a', 85), ('a', 39), ('a', 85), ('a', 16), ('r', 15), ('a', 41), ('r', 11), ('a', 70)],
     [('c', 0, 0, 592, 2, 0),
      ('a', 0, 8, 508, 3, 84),
      ('a', 0, 92, 444, 4, 148),
      ('a', 0, 156, 328, 5, 264),
      ('a', 0, 272, 300, 6, 292),
      ('a', 0, 300, 268, 7, 324),
      ('r', 0, 92, 332, 7, 84),
      ('r', 0, 300, 364, 7, 84),
      ('r', 0, 272, 392, 7, 84),
      ('a', 0, 272, 272, 6, 84),
      ('r', 0, 156, 388, 6, 84),
      ('r', 0, 272, 508, 6, 84),
      ('a', 0, 92, 480, 7, 112),
      ('a', 0, 120, 444, 7, 148),
      ('a', 0, 156, 420, 8, 172),
      ('r', 0, 156, 444, 8, 148),
      ('a', 0, 156, 420, 8, 172),
      ('r', 0, 120, 456, 8, 112),
      ('r', 0, 92, 484, 8, 84),
      ('r', 0, 156, 508, 8, 84),
      ('r', 0, 8, 592, 8, 0),
      ('a', 0, 8, 564, 9, 28),
      ('a', 0, 36, 540, 10, 52),
      ('a', 0, 60, 508, 10, 84),
      ('a', 0, 92, 444, 9, 148),
      ('r', 0, 92, 508, 9, 84),
      ('r', 0, 60, 540, 9, 52),
      ('r', 0, 8, 568, 9, 0),
      ('a', 0, 8, 540, 9, 28),
      ('a', 0, 60, 508, 9, 84),
      ('a', 0, 92, 492, 10, 100),
      ('a', 0, 108, 444, 10, 148),
      ('r', 0, 92, 460, 10, 84),
      ('a', 0, 156, 364, 10, 84),
      ('a', 0, 252, 316, 10, 84),
      ('a', 0, 300, 220, 10, 84),
      ('a', 0, 396, 196, 11, 84),
      ('r', 0, 60, 228, 11, 52),
      ('a', 0, 420, 176, 11, 52),
      ('r', 0, 36, 200, 11, 28),
      ('a', 0, 472, 120, 11, 28)]),
    # a request of exactly available + (fragments - 2) * 8 is refused before searching (no
    # merge); a smaller one searches, merges two free neighbours, and still fails
    (200, [('a', 20), ('a', 20), ('a', 20), ('r', 0), ('r', 1), ('a', 188), ('a', 185), ('a', 180), ('a', 40)],
     [('c', 0, 0, 192, 2, 0),
      ('a', 0, 8, 164, 3, 28),
      ('a', 0, 36, 136, 4, 56),
      ('a', 0, 64, 108, 5, 84),
      ('r', 0, 8, 136, 5, 0),
      ('r', 0, 36, 164, 5, 0),
      ('a', 16, -1, 164, 5, 0),
      ('a', 16, -1, 164, 5, 0),
      ('a', 16, -1, 164, 4, 0),
      ('a', 0, 8, 108, 4, 56)]),
]


@pytest.mark.parametrize("size, ops, expected", KNOWN_ANSWERS,
                         ids=[f"size{size}-{len(ops)}ops" for size, ops, _ in KNOWN_ANSWERS])
def test_known_answers_from_the_c_byte_pool(size: int, ops: list, expected: list) -> None:
    rows: list[tuple] = []
    pool = TX_BYTE_POOL()

    def row(op: str, status: int, at: int) -> None:
        rows.append((op, status, at, pool.tx_byte_pool_available, pool.tx_byte_pool_fragments,
                     pool.tx_byte_pool_search - pool.tx_byte_pool_start))

    def setup(first) -> None:
        start = first + 64
        row("c", tx_byte_pool_create(pool, "kat", start, size), 0)
        live: list = []
        for op, argument in ops:
            if op == "a":
                status, pointer = tx_byte_allocate(pool, argument, TX_NO_WAIT)
                live.append(pointer)
                row("a", status, -1 if pointer is None else pointer - start)
            else:
                row("r", tx_byte_release(live[argument]), live[argument] - start)
    tx_kernel_enter(setup)
    assert rows == expected


# ------------------------------------------------------------------ create / layout
def test_create_lays_out_a_free_block_and_the_terminating_block() -> None:
    p = Program()
    pool, other = TX_BYTE_POOL(), TX_BYTE_POOL()
    seen: dict[str, Any] = {}

    def setup() -> None:
        start = make_pool(p, pool, size=103, name="layout")  # rounded down to 100
        make_pool(p, other, size=100, name=b"other")
        words = [(start + n).read_ulong() for n in (0, 4, 92, 96)]
        seen["words"] = words
        seen["expected"] = [(start + 92).address, TX_BYTE_BLOCK_FREE, start.address,
                            pool.control_block_address]
        p.note("init", tx_byte_pool_info_get(pool))
        p.note("init", tx_byte_pool_info_get(other)[1:])
        p.note("init", (pool.tx_byte_pool_size, pool.blocks(), pool.name, sizeof(TX_BYTE_POOL)))
    p.run(setup)
    assert seen["words"] == seen["expected"]
    assert p.log == [
        (0, "init", (TX_SUCCESS, "layout", 92, 2, None, 0, other)),
        (0, "init", ("other", 92, 2, None, 0, pool)),
        (0, "init", (100, [(0, 92, True), (92, 8, False)], "layout", 52)),
    ]


def test_allocate_and_release_in_a_thread() -> None:
    """The caller's bytes are simulated RAM right after the 8-byte header; the header
    names the owner while allocated and is marked free on release (no merge yet)."""
    p = Program()
    pool = TX_BYTE_POOL()

    def body() -> None:
        status, a = tx_byte_allocate(pool, 10, TX_NO_WAIT)
        a.write(b"0123456789")
        status_b, b = tx_byte_allocate(pool, 30, TX_WAIT_FOREVER)
        p.note("a", (status, offset(a, pool), status_b, offset(b, pool)))
        p.note("a", ((a - 4).read_ulong() == pool.control_block_address, a.read(10)))
        p.note("a", tx_byte_pool_info_get(pool)[2:4])
        p.note("a", tx_byte_release(a))
        p.note("a", ((a - 4).read_ulong() == TX_BYTE_BLOCK_FREE, tx_byte_pool_info_get(pool)[2:4]))
        p.note("a", tx_byte_release(b))
        p.note("a", (tx_byte_pool_info_get(pool)[2:4], pool.blocks()))

    def setup() -> None:
        make_pool(p, pool)
        p.thread("a", 10, body)
    p.run(setup)
    assert p.log == [
        (0, "a", (TX_SUCCESS, 8, TX_SUCCESS, 28)),   # 10 rounds up to 12
        (0, "a", (True, b"0123456789")),
        (0, "a", (132, 4)),                           # 192 - (12 + 8) - (32 + 8)
        (0, "a", TX_SUCCESS),
        (0, "a", (True, (152, 4))),
        (0, "a", TX_SUCCESS),
        (0, "a", ((192, 4), [(0, 20, True), (20, 40, True), (60, 132, True), (192, 8, False)])),
    ]


# ----------------------------------------------------------------------- waiting
def test_wait_times_out_at_the_exact_tick_and_never_gets_later_memory() -> None:
    p = Program()
    pool = TX_BYTE_POOL()

    def owner() -> None:
        _, everything = tx_byte_allocate(pool, 184, TX_NO_WAIT)
        tx_thread_sleep(12)
        p.note("owner", tx_byte_release(everything))
        p.note("owner", tx_byte_pool_info_get(pool)[2:6])

    def waiter() -> None:
        tx_thread_sleep(2)
        p.note("waiter", "allocate")
        p.note("waiter", tx_byte_allocate(pool, 20, 7))

    def setup() -> None:
        make_pool(p, pool)
        p.thread("owner", 10, owner)
        p.thread("waiter", 5, waiter)
    p.run(setup)
    assert p.log == [
        (2, "waiter", "allocate"),
        (9, "waiter", (TX_NO_MEMORY, None)),
        (12, "owner", TX_SUCCESS),
        (12, "owner", (192, 2, None, 0)),
    ]


def test_release_hands_memory_to_the_waiter_which_preempts() -> None:
    p = Program()
    pool = TX_BYTE_POOL()

    def owner() -> None:
        _, everything = tx_byte_allocate(pool, 184, TX_NO_WAIT)
        tx_thread_sleep(4)
        p.note("owner", "release")
        p.note("owner", tx_byte_release(everything))
        p.note("owner", tx_byte_pool_info_get(pool)[2:6])

    def waiter() -> None:
        tx_thread_sleep(1)
        status, memory = tx_byte_allocate(pool, 40, TX_WAIT_FOREVER)
        p.note("waiter", (status, offset(memory, pool), tx_byte_pool_info_get(pool)[4:6]))

    def setup() -> None:
        make_pool(p, pool)
        p.thread("owner", 10, owner)
        p.thread("waiter", 5, waiter)
    p.run(setup)
    assert p.log == [
        (4, "owner", "release"),
        (4, "waiter", (TX_SUCCESS, 8, (None, 0))),   # runs before the releaser's next line
        (4, "owner", TX_SUCCESS),
        (4, "owner", (144, 3, None, 0)),             # split: 48 bytes out, 136 + 8 left
    ]


def test_release_serves_waiters_one_by_one_and_a_served_thread_preempts_mid_loop() -> None:
    """After each waiter is served it may run before the next is examined (as on target,
    where _tx_thread_system_resume switches inside the release loop): here it takes more
    memory, so the second waiter no longer fits and stays suspended."""
    p = Program()
    pool = TX_BYTE_POOL()

    def owner() -> None:
        _, everything = tx_byte_allocate(pool, 184, TX_NO_WAIT)
        tx_thread_sleep(5)
        p.note("owner", tx_byte_release(everything))
        p.note("owner", state(pool))

    def first() -> None:
        tx_thread_sleep(1)
        status, memory = tx_byte_allocate(pool, 40, TX_WAIT_FOREVER)
        p.note("first", (status, offset(memory, pool)))
        status, more = tx_byte_allocate(pool, 100, TX_NO_WAIT)
        p.note("first", (status, offset(more, pool)))
        tx_thread_sleep(3)
        p.note("first", tx_byte_release(more))

    def second() -> None:
        tx_thread_sleep(2)
        status, memory = tx_byte_allocate(pool, 40, TX_WAIT_FOREVER)
        p.note("second", (status, offset(memory, pool)))

    def setup() -> None:
        make_pool(p, pool)
        p.thread("owner", 10, owner)
        p.thread("first", 5, first)
        p.thread("second", 6, second)
    p.run(setup)
    assert p.log == [
        (5, "first", (TX_SUCCESS, 8)),
        (5, "first", (TX_SUCCESS, 56)),
        (5, "owner", TX_SUCCESS),
        (5, "owner", (36, 4, "second", 1)),     # a 28-byte hole is left: too small
        (8, "first", TX_SUCCESS),                 # release serves "second", less urgent
        (8, "second", (TX_SUCCESS, 56)),
    ]


def test_head_of_line_blocking_only_the_head_waiter_is_retried() -> None:
    """A small request queued behind a big one is not served by a release that would fit
    it, nor when the big one times out; only the next release serves it."""
    p = Program()
    pool = TX_BYTE_POOL()
    held: dict[str, Any] = {}

    def holder() -> None:
        held["x"] = tx_byte_allocate(pool, 100, TX_NO_WAIT)[1]
        held["y"] = tx_byte_allocate(pool, 60, TX_NO_WAIT)[1]   # takes the whole 76-byte rest
        p.note("holder", tx_byte_pool_info_get(pool)[2:4])
        tx_thread_sleep(3)
        p.note("holder", tx_byte_release(held["y"]))
        p.note("holder", state(pool))
        tx_thread_sleep(12)
        p.note("holder", tx_byte_release(held["x"]))

    def big() -> None:
        tx_thread_sleep(1)
        p.note("big", tx_byte_allocate(pool, 120, 10))

    def small() -> None:
        tx_thread_sleep(2)
        status, memory = tx_byte_allocate(pool, 8, TX_WAIT_FOREVER)
        p.note("small", (status, offset(memory, pool)))

    def setup() -> None:
        make_pool(p, pool)
        p.thread("holder", 20, holder)
        p.thread("big", 10, big)
        p.thread("small", 10, small)
    p.run(setup)
    assert p.log == [
        (0, "holder", (0, 3)),
        (3, "holder", TX_SUCCESS),
        (3, "holder", (84, 3, "big", 2)),        # 8 bytes would fit, "small" still waits
        (11, "big", (TX_NO_MEMORY, None)),       # timed out; nobody retries "small"
        (15, "small", (TX_SUCCESS, 8)),
        (15, "holder", TX_SUCCESS),
    ]


def test_prioritize_lets_an_urgent_small_request_jump_the_queue() -> None:
    p = Program()
    pool = TX_BYTE_POOL()
    held: list = []

    def holder() -> None:
        held.append(tx_byte_allocate(pool, 100, TX_NO_WAIT)[1])
        held.append(tx_byte_allocate(pool, 60, TX_NO_WAIT)[1])
        tx_thread_sleep(3)
        p.note("holder", [t.name for t in pool.suspension_list])
        p.note("holder", tx_byte_pool_prioritize(pool))
        p.note("holder", tx_byte_pool_info_get(pool)[4].name)
        p.note("holder", tx_byte_release(held[1]))
        first, count = tx_byte_pool_info_get(pool)[4:6]
        p.note("holder", (first.name, count))

    def waiter(name: str, delay: int, size: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            status, memory = tx_byte_allocate(pool, size, 20)
            p.note(name, (status, offset(memory, pool)))
        return body

    def setup() -> None:
        make_pool(p, pool)
        p.thread("holder", 20, holder)
        p.thread("big", 12, waiter("big", 1, 120))
        p.thread("small", 8, waiter("small", 2, 8))
    p.run(setup)
    assert p.log == [
        (3, "holder", ["big", "small"]),
        (3, "holder", TX_SUCCESS),
        (3, "holder", "small"),
        (3, "small", (TX_SUCCESS, 116)),
        (3, "holder", TX_SUCCESS),
        (3, "holder", ("big", 1)),
        (21, "big", (TX_NO_MEMORY, None)),
    ]


def test_wait_abort_returns_wait_aborted_and_the_memory_stays_in_the_pool() -> None:
    p = Program()
    pool = TX_BYTE_POOL()
    threads: dict[str, TX_THREAD] = {}
    held: list = []

    def waiter() -> None:
        p.note("waiter", tx_byte_allocate(pool, 50, TX_WAIT_FOREVER))

    def controller() -> None:
        tx_thread_sleep(3)
        p.note("ctl", tx_thread_info_get(threads["waiter"])[2] == TX_BYTE_MEMORY)
        p.note("ctl", tx_thread_wait_abort(threads["waiter"]))
        p.note("ctl", tx_byte_release(held[0]))
        p.note("ctl", tx_byte_pool_info_get(pool)[2:6])

    def setup() -> None:
        make_pool(p, pool)
        held.append(tx_byte_allocate(pool, 184, TX_NO_WAIT)[1])
        threads["waiter"] = p.thread("waiter", 10, waiter)
        p.thread("ctl", 12, controller)
    p.run(setup)
    assert p.log == [
        (3, "ctl", True),
        (3, "waiter", (TX_WAIT_ABORTED, None)),
        (3, "ctl", TX_SUCCESS),
        (3, "ctl", TX_SUCCESS),
        (3, "ctl", (192, 2, None, 0)),
    ]


def test_terminated_waiter_leaves_the_list() -> None:
    p = Program()
    pool = TX_BYTE_POOL()
    threads: dict[str, TX_THREAD] = {}
    held: list = []

    def waiter() -> None:
        tx_byte_allocate(pool, 50, TX_WAIT_FOREVER)  # never returns

    def controller() -> None:
        tx_thread_sleep(2)
        p.note("ctl", tx_byte_pool_info_get(pool)[5])
        p.note("ctl", tx_thread_terminate(threads["waiter"]))
        p.note("ctl", tx_byte_pool_info_get(pool)[5])
        p.note("ctl", tx_byte_release(held[0]))
        p.note("ctl", tx_byte_pool_info_get(pool)[2:4])

    def setup() -> None:
        make_pool(p, pool)
        held.append(tx_byte_allocate(pool, 184, TX_NO_WAIT)[1])
        threads["waiter"] = p.thread("waiter", 10, waiter)
        p.thread("ctl", 12, controller)
    p.run(setup)
    assert p.log == [(2, "ctl", 1), (2, "ctl", TX_SUCCESS), (2, "ctl", 0),
                     (2, "ctl", TX_SUCCESS), (2, "ctl", (192, 2))]


def test_delete_wakes_every_waiter_with_deleted_then_the_most_urgent_runs() -> None:
    p = Program()
    pool = TX_BYTE_POOL()
    held: list = []

    def waiter(name: str, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            p.note(name, tx_byte_allocate(pool, 16, 100))
        return body

    def controller() -> None:
        held.append(tx_byte_allocate(pool, 184, TX_NO_WAIT)[1])
        tx_thread_sleep(5)
        p.note("ctl", tx_byte_pool_delete(pool))
        p.note("ctl", tx_byte_release(held[0]))             # its pool is gone
        p.note("ctl", tx_byte_allocate(pool, 8, TX_NO_WAIT))
        again = TX_BYTE_POOL()                               # the memory was given back
        p.note("ctl", tx_byte_pool_create(again, "again", pool.tx_byte_pool_start, 200))

    def setup() -> None:
        make_pool(p, pool)
        p.thread("first", 8, waiter("first", 1))
        p.thread("second", 6, waiter("second", 2))
        p.thread("ctl", 10, controller)
    p.run(setup)
    assert p.log == [
        (5, "second", (TX_DELETED, None)),   # readied together; the more urgent runs first
        (5, "first", (TX_DELETED, None)),
        (5, "ctl", TX_SUCCESS),
        (5, "ctl", TX_PTR_ERROR),
        (5, "ctl", (TX_POOL_ERROR, None)),
        (5, "ctl", TX_SUCCESS),
    ]


# ------------------------------------------------------------------------- errors
def test_create_argument_errors() -> None:
    p = Program()
    pool, other = TX_BYTE_POOL(), TX_BYTE_POOL()

    def setup() -> None:
        area = p.take(300)
        p.note("init", tx_byte_pool_create(None, "x", area, 100))
        p.note("init", type_error(tx_byte_pool_create, TX_BLOCK_POOL(), "x", area, 100))  # wrong type
        p.note("init", tx_byte_pool_create(pool, "x", None, 100))
        p.note("init", type_error(tx_byte_pool_create, pool, "x", 0x2000_0000, 100))   # not a pointer
        p.note("init", tx_byte_pool_create(pool, "x", area, 99))             # TX_BYTE_POOL_MIN
        p.note("init", tx_byte_pool_create(pool, "x", area, 100))
        p.note("init", tx_byte_pool_create(pool, "x", area + 100, 100))      # already created
        p.note("init", tx_byte_pool_create(other, "y", area + 100, 100))
    p.run(setup)
    assert p.log == [(0, "init", s) for s in (
        TX_POOL_ERROR, "TypeError", TX_PTR_ERROR, "TypeError", TX_SIZE_ERROR, TX_SUCCESS,
        TX_POOL_ERROR, TX_SUCCESS)]


def test_pool_overlapping_another_byte_pool_raises_naming_both() -> None:
    """ThreadX 6.4's txe_byte_pool_create checks no overlap (only thread stacks are
    checked), so as for any other overlap the simulation refuses to corrupt memory
    rather than return a status the C never returns."""
    a, b = TX_BYTE_POOL(), TX_BYTE_POOL()

    def setup(first) -> None:
        assert tx_byte_pool_create(a, "pool a", first, 200) == TX_SUCCESS
        tx_byte_pool_create(b, "pool b", first + 100, 200)
    with pytest.raises(MemoryRegionError, match="pool b.*overlaps.*pool a"):
        tx_kernel_enter(setup)
    assert tx_byte_pool_info_get(b)[0] == TX_POOL_ERROR   # not created


def test_create_and_delete_context_errors() -> None:
    p = Program()
    pools = [TX_BYTE_POOL() for _ in range(4)]

    def in_thread() -> None:
        p.note("thread", tx_byte_pool_create(pools[3], "t", p.take(100), 100))
        p.note("thread", tx_byte_pool_delete(pools[3]))
        tx_thread_sleep(10)  # keeps the run going past the timer and the interrupt

    def setup() -> None:
        make_pool(p, pools[0])
        p.note("init", tx_byte_pool_delete(pools[0]))
        area_timer, area_isr = p.take(100), p.take(100)
        p.timer(2, lambda: (p.note("timer", tx_byte_pool_create(pools[1], "m", area_timer, 100)),
                            p.note("timer", tx_byte_pool_delete(pools[0]))))
        p.isr(4, lambda: (p.note("isr", tx_byte_pool_create(pools[2], "i", area_isr, 100)),
                          p.note("isr", tx_byte_pool_delete(pools[0]))))
        p.thread("thread", 10, in_thread)
    p.run(setup)
    assert p.log == [
        (0, "init", TX_CALLER_ERROR),
        (0, "thread", TX_SUCCESS), (0, "thread", TX_SUCCESS),
        (2, "timer", TX_CALLER_ERROR), (2, "timer", TX_CALLER_ERROR),
        (4, "isr", TX_CALLER_ERROR), (4, "isr", TX_CALLER_ERROR),
    ]


def test_services_reject_none_uncreated_and_deleted_pools() -> None:
    p = Program()
    fresh, deleted = TX_BYTE_POOL(), TX_BYTE_POOL()

    def body() -> None:
        p.note("a", tx_byte_pool_delete(deleted))
        for target in (None, fresh, deleted):
            p.note("a", (tx_byte_allocate(target, 8, TX_NO_WAIT), tx_byte_pool_delete(target),
                         tx_byte_pool_prioritize(target), tx_byte_pool_info_get(target)))

    def setup() -> None:
        make_pool(p, deleted)
        p.thread("a", 10, body)
    p.run(setup)
    rejected = ((TX_POOL_ERROR, None), TX_POOL_ERROR, TX_POOL_ERROR, (TX_POOL_ERROR,) + (None,) * 6)
    assert p.log == [(0, "a", TX_SUCCESS)] + [(0, "a", rejected)] * 3


def test_allocate_size_errors() -> None:
    """0 bytes, or more than the pool size (rounded down to 4), is TX_SIZE_ERROR; a size
    that passes the check but cannot fit is TX_NO_MEMORY."""
    p = Program()
    pool = TX_BYTE_POOL()

    def body() -> None:
        p.note("a", [tx_byte_allocate(pool, size, TX_NO_WAIT)[0] for size in (0, 101, 100, 92, 85)])
        p.note("a", tx_byte_allocate(pool, 84, TX_NO_WAIT)[0])

    def setup() -> None:
        make_pool(p, pool, size=103)
        p.thread("a", 10, body)
    p.run(setup)
    assert p.log == [
        (0, "a", [TX_SIZE_ERROR, TX_SIZE_ERROR, TX_NO_MEMORY, TX_NO_MEMORY, TX_NO_MEMORY]),
        (0, "a", TX_SUCCESS),
    ]


def test_allocate_and_release_calling_contexts() -> None:
    """Init may allocate (no wait) and release; a timer callback gets TX_CALLER_ERROR for
    both; an ISR gets TX_WAIT_ERROR for a wait, else TX_CALLER_ERROR."""
    p = Program()
    pool = TX_BYTE_POOL()
    held: list = []

    def attempt(who: str) -> None:
        p.note(who, (tx_byte_allocate(pool, 8, 5), tx_byte_allocate(pool, 8, TX_NO_WAIT),
                     tx_byte_release(held[0])))

    def setup() -> None:
        make_pool(p, pool)
        p.note("init", tx_byte_allocate(pool, 8, 5))
        status, memory = tx_byte_allocate(pool, 8, TX_NO_WAIT)
        p.note("init", (status, offset(memory, pool)))
        held.append(memory)
        p.timer(1, lambda: attempt("timer"))
        p.isr(2, lambda: attempt("isr"))
        p.timer(3, lambda: p.note("init", tx_byte_pool_info_get(pool)[2:4]))
    p.run(setup)
    refused = (TX_CALLER_ERROR, None)
    assert p.log == [
        (0, "init", (TX_WAIT_ERROR, None)), (0, "init", (TX_SUCCESS, 8)),
        (1, "timer", (refused, refused, TX_CALLER_ERROR)),
        (2, "isr", ((TX_WAIT_ERROR, None), refused, TX_CALLER_ERROR)),
        (3, "init", (176, 3)),
    ]


def test_release_of_something_that_is_not_an_allocated_block() -> None:
    p = Program()
    pool, blocks = TX_BYTE_POOL(), TX_BLOCK_POOL()

    def setup() -> None:
        start = make_pool(p, pool)
        assert tx_block_pool_create(blocks, "blocks", 12, p.take(32), 32) == TX_SUCCESS
        _, block = tx_block_allocate(blocks, TX_NO_WAIT)
        _, memory = tx_byte_allocate(pool, 40, TX_NO_WAIT)
        p.note("init", tx_byte_release(None))
        p.note("init", type_error(tx_byte_release, 0x2000_0100))  # an int, not a pointer
        p.note("init", tx_byte_release(start))                     # before the first header
        p.note("init", tx_byte_release(memory + 8))                # inside an allocation
        p.note("init", tx_byte_release(start + 56))                # the free remainder
        p.note("init", tx_byte_release(kernel().memory.first_unused))
        p.note("init", tx_byte_release(block))                     # a block pool's block
        p.note("init", tx_block_release(memory))                   # and the other way round
        p.note("init", tx_byte_release(memory))
        p.note("init", tx_byte_release(memory))                    # released twice
        p.note("init", tx_byte_pool_info_get(pool)[2:4])
    p.run(setup)
    assert p.log == [(0, "init", s) for s in (
        TX_PTR_ERROR, "TypeError", TX_PTR_ERROR, TX_PTR_ERROR, TX_PTR_ERROR, TX_PTR_ERROR,
        TX_PTR_ERROR, TX_PTR_ERROR, TX_SUCCESS, TX_PTR_ERROR, (192, 3))]


def test_core_services_with_error_checking_disabled() -> None:
    """Without the checking layer the core still recognises a bad pointer (C would follow
    it) and refuses to suspend a non-thread (C would corrupt its thread lists)."""
    p = Program()
    pool = TX_BYTE_POOL()

    def setup() -> None:
        start = make_pool(p, pool)
        p.note("init", tx_byte_release(start))
        p.note("init", tx_byte_allocate(pool, 184, TX_NO_WAIT)[0])
        p.note("init", tx_byte_allocate(pool, 8, 5))
    p.run(setup, config=NO_TX_ERROR_CHECKING)
    assert p.log == [(0, "init", TX_PTR_ERROR), (0, "init", TX_SUCCESS),
                     (0, "init", (TX_WAIT_ERROR, None))]


# ----------------------------------------------------------------------- properties
def _walk_is_consistent(pool: TX_BYTE_POOL) -> None:
    """The C counters agree with the block list in RAM: available = bytes of free blocks
    (headers included), fragments = blocks (terminating block included)."""
    walk = pool.blocks()
    assert pool.tx_byte_pool_available == sum(size for _, size, free in walk if free)
    assert pool.tx_byte_pool_fragments == len(walk)
    assert sum(size for _, size, _ in walk) == pool.tx_byte_pool_size


@given(st.integers(min_value=100, max_value=1200),
       st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=1200),
                          st.integers(min_value=0, max_value=63)), max_size=80))
def test_allocations_never_overlap_and_releasing_all_gives_the_pool_back(
        pool_size: int, ops: list[tuple[bool, int, int]]) -> None:
    """Any allocate/release sequence: every allocation's [ptr, ptr + size) lies inside the
    pool, after a header, disjoint from every live one, and its contents survive until
    it is released. After releasing everything, available is back to its initial value;
    fragments need not be 2 (free neighbours merge only during a later search), but the
    largest possible block, size - 16, can then be allocated at the pool start + 8."""
    pool = TX_BYTE_POOL()

    def setup(first) -> None:
        start = first + 16
        assert tx_byte_pool_create(pool, "prop", start, pool_size) == TX_SUCCESS
        size = pool.tx_byte_pool_size
        initial = tx_byte_pool_info_get(pool)[2]
        assert initial == size - 8
        live: list[tuple[Any, int, bytes]] = []
        for serial, (allocate, request, pick) in enumerate(ops):
            if allocate:
                request = min(request, size)
                status, memory = tx_byte_allocate(pool, request, TX_NO_WAIT)
                if status != TX_SUCCESS:
                    assert (status, memory) == (TX_NO_MEMORY, None)
                    continue
                low, high = memory.address, memory.address + request
                assert start.address + 8 <= low and high <= start.address + size - 8
                for other, length, _ in live:
                    assert high <= other.address or other.address + length <= low
                pattern = bytes((serial + i) & 0xFF for i in range(request))
                memory.write(pattern)
                live.append((memory, request, pattern))
            elif live:
                memory, length, pattern = live.pop(pick % len(live))
                assert memory.read(length) == pattern
                assert tx_byte_release(memory) == TX_SUCCESS
            _walk_is_consistent(pool)
        for memory, length, pattern in live:
            assert memory.read(length) == pattern
            assert tx_byte_release(memory) == TX_SUCCESS
        _, _, available, fragments, _, _, _ = tx_byte_pool_info_get(pool)
        assert available == initial and fragments >= 2
        assert all(free for _, _, free in pool.blocks()[:-1])
        status, memory = tx_byte_allocate(pool, size - 16, TX_NO_WAIT)
        assert (status, memory - start) == (TX_SUCCESS, 8)
        assert tx_byte_pool_info_get(pool)[2:4] == (0, 2)   # the search merged everything
        assert tx_byte_release(memory) == TX_SUCCESS
        assert tx_byte_pool_info_get(pool)[2:4] == (initial, 2)
    tx_kernel_enter(setup)
