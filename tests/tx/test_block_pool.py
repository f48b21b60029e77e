"""Block memory pools (tx_block_pool_*.c, tx_block_allocate.c, tx_block_release.c):
layout in simulated RAM, event-log tests of every service path, every argument and
context error, and a hypothesis property on block accounting."""
from __future__ import annotations

from typing import Any, Callable

import pytest
from hypothesis import given, strategies as st

from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_BLOCK_MEMORY, TX_CALLER_ERROR, TX_DELETED,
    TX_NO_MEMORY, TX_NO_TIME_SLICE, TX_NO_WAIT, TX_POOL_ERROR, TX_PTR_ERROR, TX_SIZE_ERROR,
    TX_SUCCESS, TX_THREAD, TX_TIMER, TX_WAIT_ABORTED, TX_WAIT_ERROR, TX_WAIT_FOREVER,
    sizeof, tx_kernel_enter, tx_thread_create, tx_thread_info_get, tx_thread_sleep,
    tx_thread_terminate, tx_thread_wait_abort, tx_time_get, tx_timer_create,
)
from netxsim.tx.config import TxConfig
from netxsim.tx.block_pool import (
    TX_BLOCK_POOL, tx_block_allocate, tx_block_pool_create, tx_block_pool_delete,
    tx_block_pool_info_get, tx_block_pool_prioritize, tx_block_release,
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


def make_pool(p: Program, pool: TX_BLOCK_POOL, block_size: int = 20, blocks: int = 3,
              name: str = "bp"):
    """A pool of ``blocks`` blocks of ``block_size`` bytes; returns its start."""
    size = blocks * (block_size + 4)
    start = p.take(size)
    assert tx_block_pool_create(pool, name, block_size, start, size) == TX_SUCCESS
    return start


def offset(pointer, start) -> int | None:
    return None if pointer is None else pointer - start


# ------------------------------------------------------------------ create / layout
def test_create_counts_blocks_as_the_c_formula() -> None:
    """Block size rounds up to 4, pool size down to 4, each block costs 4 more bytes."""
    p = Program()
    pools = [TX_BLOCK_POOL() for _ in range(4)]

    def setup() -> None:
        for pool, (block_size, pool_size) in zip(pools, [(20, 72), (1, 103), (13, 100), (6, 12)]):
            p.note("init", tx_block_pool_create(pool, "bp", block_size, p.take(pool_size), pool_size))
            p.note("init", tx_block_pool_info_get(pool)[2:4])
            p.note("init", (pool.tx_block_pool_block_size, pool.tx_block_pool_size))
    p.run(setup)
    assert p.log == [
        (0, "init", TX_SUCCESS), (0, "init", (3, 3)), (0, "init", (20, 72)),
        (0, "init", TX_SUCCESS), (0, "init", (12, 12)), (0, "init", (4, 100)),   # 100 // 8
        (0, "init", TX_SUCCESS), (0, "init", (5, 5)), (0, "init", (16, 100)),    # 100 // 20
        (0, "init", TX_SUCCESS), (0, "init", (1, 1)), (0, "init", (8, 12)),      # 12 // 12
    ]


def test_free_list_lives_in_simulated_memory_in_address_order() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    seen: dict[str, Any] = {}

    def setup() -> None:
        start = make_pool(p, pool, block_size=20, blocks=3)
        seen["links"] = [(start + 24 * i).read_ulong() for i in range(3)]
        seen["expected"] = [(start + 24).address, (start + 48).address, 0]
        seen["head"] = pool.tx_block_pool_available_list == start
    p.run(setup)
    assert seen["links"] == seen["expected"]
    assert seen["head"]


def test_allocate_takes_the_head_and_release_pushes_on_the_head() -> None:
    """Blocks come out in address order, then LIFO; an allocated block's overhead word holds
    the owning pool's address, a freed one the next free link."""
    p = Program()
    pool = TX_BLOCK_POOL()

    def body() -> None:
        start = pool.tx_block_pool_start
        got = [tx_block_allocate(pool, TX_NO_WAIT) for _ in range(3)]
        p.note("a", [(s, offset(b, start)) for s, b in got])
        p.note("a", all((b - 4).read_ulong() == pool.control_block_address for _, b in got))
        p.note("a", tx_block_allocate(pool, TX_NO_WAIT))
        p.note("a", tx_block_release(got[1][1]))
        p.note("a", tx_block_release(got[0][1]))
        p.note("a", tx_block_pool_info_get(pool)[2:4])
        p.note("a", (got[0][1] - 4).read_ulong() == (got[1][1] - 4).address)  # link to the older head
        p.note("a", [offset(tx_block_allocate(pool, TX_NO_WAIT)[1], start) for _ in range(2)])
        p.note("a", tx_block_pool_info_get(pool)[2:4])

    def setup() -> None:
        make_pool(p, pool)
        p.thread("a", 10, body)
    p.run(setup)
    assert p.log == [
        (0, "a", [(TX_SUCCESS, 4), (TX_SUCCESS, 28), (TX_SUCCESS, 52)]),
        (0, "a", True),
        (0, "a", (TX_NO_MEMORY, None)),
        (0, "a", TX_SUCCESS), (0, "a", TX_SUCCESS),
        (0, "a", (2, 3)),
        (0, "a", True),
        (0, "a", [4, 28]),
        (0, "a", (0, 3)),
    ]


def test_info_get_and_created_list() -> None:
    p = Program()
    a, b = TX_BLOCK_POOL(), TX_BLOCK_POOL()

    def setup() -> None:
        make_pool(p, a, name="pool a")
        make_pool(p, b, blocks=2, name=b"pool b")
        p.note("init", tx_block_pool_info_get(a))
        p.note("init", tx_block_pool_info_get(b))
        p.note("init", (a.name, b.name, sizeof(TX_BLOCK_POOL)))
    p.run(setup)
    assert p.log == [
        (0, "init", (TX_SUCCESS, "pool a", 3, 3, None, 0, b)),
        (0, "init", (TX_SUCCESS, "pool b", 2, 2, None, 0, a)),
        (0, "init", ("pool a", "pool b", 48)),
    ]


# ----------------------------------------------------------------------- waiting
def test_wait_times_out_at_the_exact_tick_and_never_gets_a_later_block() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    held: list = []

    def owner() -> None:
        held.extend(tx_block_allocate(pool, TX_NO_WAIT)[1] for _ in range(3))
        tx_thread_sleep(12)
        p.note("owner", tx_block_release(held[0]))
        p.note("owner", tx_block_pool_info_get(pool)[2:6])

    def waiter() -> None:
        tx_thread_sleep(2)
        p.note("waiter", "allocate")
        p.note("waiter", tx_block_allocate(pool, 7))

    def setup() -> None:
        make_pool(p, pool)
        p.thread("owner", 10, owner)
        p.thread("waiter", 5, waiter)
    p.run(setup)
    assert p.log == [
        (2, "waiter", "allocate"),
        (9, "waiter", (TX_NO_MEMORY, None)),
        (12, "owner", TX_SUCCESS),
        (12, "owner", (1, 3, None, 0)),
    ]


def test_release_hands_the_block_to_the_waiter_which_preempts() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    held: list = []

    def owner() -> None:
        held.extend(tx_block_allocate(pool, TX_NO_WAIT)[1] for _ in range(3))
        tx_thread_sleep(4)
        p.note("owner", "release")
        p.note("owner", tx_block_release(held[1]))
        p.note("owner", tx_block_pool_info_get(pool)[2:6])

    def waiter() -> None:
        tx_thread_sleep(1)
        p.note("waiter", tx_block_pool_info_get(pool)[4:6])
        status, block = tx_block_allocate(pool, TX_WAIT_FOREVER)
        p.note("waiter", (status, block == held[1]))
        p.note("waiter", tx_block_pool_info_get(pool)[4:6])

    def setup() -> None:
        make_pool(p, pool)
        p.thread("owner", 10, owner)
        p.thread("waiter", 5, waiter)
    p.run(setup)
    assert p.log == [
        (1, "waiter", (None, 0)),
        (4, "owner", "release"),
        (4, "waiter", (TX_SUCCESS, True)),  # runs before the releaser's next line
        (4, "waiter", (None, 0)),
        (4, "owner", TX_SUCCESS),
        (4, "owner", (0, 3, None, 0)),      # handed over, not put on the free list
    ]


def test_waiters_are_fifo_until_prioritize() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    held: list = []
    threads: dict[str, TX_THREAD] = {}

    def waiter(name: str, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            p.note(name, tx_block_allocate(pool, TX_WAIT_FOREVER)[0])
        return body

    def controller() -> None:
        held.extend(tx_block_allocate(pool, TX_NO_WAIT)[1] for _ in range(3))
        tx_thread_sleep(5)
        status, _, _, _, first, count, _ = tx_block_pool_info_get(pool)
        p.note("ctl", (first is threads["low"], count))
        tx_block_release(held[0])            # FIFO: the first waiter, not the most urgent
        p.note("ctl", tx_block_pool_prioritize(pool))
        p.note("ctl", tx_block_pool_info_get(pool)[4] is threads["high"])
        tx_block_release(held[1])
        tx_block_release(held[2])

    def setup() -> None:
        make_pool(p, pool)
        threads["low"] = p.thread("low", 20, waiter("low", 1))
        threads["high"] = p.thread("high", 5, waiter("high", 2))
        threads["mid"] = p.thread("mid", 15, waiter("mid", 3))
        p.thread("ctl", 25, controller)
    p.run(setup)
    assert p.log == [
        (5, "ctl", (True, 3)),
        (5, "low", TX_SUCCESS),
        (5, "ctl", TX_SUCCESS),
        (5, "ctl", True),
        (5, "high", TX_SUCCESS),
        (5, "mid", TX_SUCCESS),
    ]


def test_prioritize_with_two_waiters_and_ties_keeps_the_first_found() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    threads: dict[str, TX_THREAD] = {}

    def waiter(delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            tx_block_allocate(pool, 50)
        return body

    def controller() -> None:
        tx_block_allocate(pool, TX_NO_WAIT)
        tx_thread_sleep(5)
        tx_block_pool_prioritize(pool)
        p.note("ctl", [t.name for t in pool.suspension_list])

    def setup() -> None:
        make_pool(p, pool, blocks=1)
        threads["x"] = p.thread("x", 9, waiter(1))
        threads["y"] = p.thread("y", 7, waiter(2))
        threads["z"] = p.thread("z", 7, waiter(3))
        p.thread("ctl", 3, controller)
    p.run(setup)
    assert p.log[0] == (5, "ctl", ["y", "x", "z"])


def test_wait_abort_returns_wait_aborted_and_the_block_goes_to_the_pool() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    threads: dict[str, TX_THREAD] = {}
    held: list = []

    def waiter() -> None:
        p.note("waiter", tx_block_allocate(pool, TX_WAIT_FOREVER))

    def controller() -> None:
        tx_thread_sleep(3)
        p.note("ctl", tx_thread_info_get(threads["waiter"])[2] == TX_BLOCK_MEMORY)
        p.note("ctl", tx_thread_wait_abort(threads["waiter"]))
        p.note("ctl", tx_block_release(held[0]))
        p.note("ctl", tx_block_pool_info_get(pool)[2:6])

    def setup() -> None:
        make_pool(p, pool, blocks=1)
        held.append(tx_block_allocate(pool, TX_NO_WAIT)[1])
        threads["waiter"] = p.thread("waiter", 10, waiter)
        p.thread("ctl", 12, controller)
    p.run(setup)
    assert p.log == [
        (3, "ctl", True),
        (3, "waiter", (TX_WAIT_ABORTED, None)),
        (3, "ctl", TX_SUCCESS),
        (3, "ctl", TX_SUCCESS),
        (3, "ctl", (1, 1, None, 0)),
    ]


def test_terminated_waiter_leaves_the_list() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    threads: dict[str, TX_THREAD] = {}
    held: list = []

    def waiter() -> None:
        p.note("waiter", tx_block_allocate(pool, TX_WAIT_FOREVER))  # never returns

    def controller() -> None:
        tx_thread_sleep(2)
        p.note("ctl", tx_block_pool_info_get(pool)[5])
        p.note("ctl", tx_thread_terminate(threads["waiter"]))
        p.note("ctl", tx_block_pool_info_get(pool)[5])
        p.note("ctl", tx_block_release(held[0]))
        p.note("ctl", tx_block_pool_info_get(pool)[2])

    def setup() -> None:
        make_pool(p, pool, blocks=1)
        held.append(tx_block_allocate(pool, TX_NO_WAIT)[1])
        threads["waiter"] = p.thread("waiter", 10, waiter)
        p.thread("ctl", 12, controller)
    p.run(setup)
    assert p.log == [(2, "ctl", 1), (2, "ctl", TX_SUCCESS), (2, "ctl", 0),
                     (2, "ctl", TX_SUCCESS), (2, "ctl", 1)]


def test_delete_wakes_every_waiter_with_deleted_then_the_most_urgent_runs() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    held: list = []

    def waiter(name: str, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            p.note(name, tx_block_allocate(pool, 100))
        return body

    def controller() -> None:
        held.append(tx_block_allocate(pool, TX_NO_WAIT)[1])
        tx_thread_sleep(5)
        p.note("ctl", tx_block_pool_delete(pool))
        p.note("ctl", tx_block_release(held[0]))        # its pool is gone
        p.note("ctl", tx_block_allocate(pool, TX_NO_WAIT))
        again = TX_BLOCK_POOL()                          # the memory was given back
        p.note("ctl", tx_block_pool_create(again, "again", 20, pool.tx_block_pool_start, 24))

    def setup() -> None:
        make_pool(p, pool, blocks=1)
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


def test_release_from_isr_and_timer_serves_a_waiter() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()
    held: list = []

    def waiter() -> None:
        for _ in range(2):
            status, block = tx_block_allocate(pool, TX_WAIT_FOREVER)
            p.note("waiter", (status, offset(block, pool.tx_block_pool_start)))

    def setup() -> None:
        make_pool(p, pool, blocks=2)
        held.extend(tx_block_allocate(pool, TX_NO_WAIT)[1] for _ in range(2))
        p.thread("waiter", 10, waiter)
        p.isr(3, lambda: p.note("isr", tx_block_release(held[1])))
        p.timer(6, lambda: p.note("timer", tx_block_release(held[0])))
    p.run(setup)
    assert p.log == [
        (3, "isr", TX_SUCCESS), (3, "waiter", (TX_SUCCESS, 28)),
        (6, "timer", TX_SUCCESS), (6, "waiter", (TX_SUCCESS, 4)),
    ]


# ------------------------------------------------------------------------- errors
def test_create_argument_errors() -> None:
    p = Program()
    pool, other = TX_BLOCK_POOL(), TX_BLOCK_POOL()

    def setup() -> None:
        area = p.take(64)
        p.note("init", tx_block_pool_create(None, "x", 20, area, 64))
        p.note("init", type_error(tx_block_pool_create, object(), "x", 20, area, 64))   # not a block pool
        p.note("init", tx_block_pool_create(pool, "x", 20, None, 64))
        p.note("init", type_error(tx_block_pool_create, pool, "x", 20, 0x2000_0000, 64))  # not a pointer
        # The checker rounds the block size *down* to a pointer: 8 + 4 > 8.
        p.note("init", tx_block_pool_create(pool, "x", 8, area, 11))
        # Passes that check (4 + 4 <= 8) but 8-byte blocks + 4 do not fit in 8 bytes.
        p.note("init", tx_block_pool_create(pool, "x", 6, area, 8))
        p.note("init", tx_block_pool_info_get(pool)[0])
        p.note("init", tx_block_pool_create(pool, "x", 20, area, 48))
        p.note("init", tx_block_pool_create(pool, "x", 20, area + 48, 16))  # already created
        p.note("init", tx_block_pool_create(other, "y", 4, area + 48, 16))
    p.run(setup)
    assert p.log == [
        (0, "init", TX_POOL_ERROR), (0, "init", "TypeError"), (0, "init", TX_PTR_ERROR),
        (0, "init", "TypeError"), (0, "init", TX_SIZE_ERROR), (0, "init", TX_SIZE_ERROR),
        (0, "init", TX_POOL_ERROR), (0, "init", TX_SUCCESS), (0, "init", TX_POOL_ERROR),
        (0, "init", TX_SUCCESS),
    ]


def test_pool_overlapping_another_pool_raises_naming_both() -> None:
    """ThreadX's txe_block_pool_create does not check overlaps (only thread stacks are
    checked), so as for any other overlap the simulation refuses to corrupt memory."""
    a, b = TX_BLOCK_POOL(), TX_BLOCK_POOL()

    def setup(first) -> None:
        assert tx_block_pool_create(a, "pool a", 20, first, 96) == TX_SUCCESS
        tx_block_pool_create(b, "pool b", 20, first + 48, 96)
    with pytest.raises(MemoryRegionError, match="pool b.*overlaps.*pool a"):
        tx_kernel_enter(setup)
    assert tx_block_pool_info_get(b)[0] == TX_POOL_ERROR   # not created


def test_pool_past_the_end_of_ram_raises() -> None:
    pool = TX_BLOCK_POOL()

    def setup(first) -> None:
        tx_block_pool_create(pool, "big", 20, first + (kernel().memory.size - 40), 96)
    with pytest.raises(MemoryRegionError, match="outside simulated RAM"):
        tx_kernel_enter(setup)


def test_create_and_delete_context_errors() -> None:
    p = Program()
    pools = [TX_BLOCK_POOL() for _ in range(6)]

    def in_thread() -> None:
        p.note("thread", tx_block_pool_create(pools[3], "t", 20, p.take(24), 24))
        p.note("thread", tx_block_pool_delete(pools[3]))
        tx_thread_sleep(10)

    def setup() -> None:
        make_pool(p, pools[0])
        p.note("init", tx_block_pool_delete(pools[0]))
        area_timer, area_isr = p.take(24), p.take(24)
        p.timer(2, lambda: (p.note("timer", tx_block_pool_create(pools[1], "m", 20, area_timer, 24)),
                            p.note("timer", tx_block_pool_delete(pools[0]))))
        p.isr(4, lambda: (p.note("isr", tx_block_pool_create(pools[2], "i", 20, area_isr, 24)),
                          p.note("isr", tx_block_pool_delete(pools[0]))))
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
    fresh, deleted = TX_BLOCK_POOL(), TX_BLOCK_POOL()

    def body() -> None:
        p.note("a", tx_block_pool_delete(deleted))
        for target in (None, fresh, deleted):
            p.note("a", (tx_block_allocate(target, TX_NO_WAIT), tx_block_pool_delete(target),
                         tx_block_pool_prioritize(target), tx_block_pool_info_get(target)))

    def setup() -> None:
        make_pool(p, deleted)
        p.thread("a", 10, body)
    p.run(setup)
    rejected = ((TX_POOL_ERROR, None), TX_POOL_ERROR, TX_POOL_ERROR, (TX_POOL_ERROR,) + (None,) * 6)
    assert p.log == [(0, "a", TX_SUCCESS)] + [(0, "a", rejected)] * 3


def test_allocate_wait_from_non_thread_contexts_is_a_wait_error() -> None:
    """A wait from init, an ISR or a timer callback is refused even when a block is free;
    TX_NO_WAIT is legal there."""
    p = Program()
    pool = TX_BLOCK_POOL()

    def attempt(who: str) -> None:
        status, block = tx_block_allocate(pool, 5)
        p.note(who, (status, block))
        status, block = tx_block_allocate(pool, TX_NO_WAIT)
        p.note(who, (status, offset(block, pool.tx_block_pool_start)))

    def setup() -> None:
        make_pool(p, pool)
        attempt("init")
        p.timer(1, lambda: attempt("timer"))
        p.isr(2, lambda: attempt("isr"))
    p.run(setup)
    assert p.log == [
        (0, "init", (TX_WAIT_ERROR, None)), (0, "init", (TX_SUCCESS, 4)),
        (1, "timer", (TX_WAIT_ERROR, None)), (1, "timer", (TX_SUCCESS, 28)),
        (2, "isr", (TX_WAIT_ERROR, None)), (2, "isr", (TX_SUCCESS, 52)),
    ]


def test_release_of_something_that_is_not_an_allocated_block() -> None:
    p = Program()
    pool = TX_BLOCK_POOL()

    def setup() -> None:
        p.take(16)
        start = make_pool(p, pool)
        _, block = tx_block_allocate(pool, TX_NO_WAIT)
        p.note("init", tx_block_release(None))
        p.note("init", type_error(tx_block_release, 0x2000_0004))  # an int, not a pointer
        p.note("init", tx_block_release(start))                 # the pool start: no overhead word
        p.note("init", tx_block_release(block + 8))             # inside a block
        p.note("init", tx_block_release(start + 28))            # a free block
        p.note("init", tx_block_release(kernel().memory.first_unused))  # nothing before RAM
        p.note("init", tx_block_release(block))
        p.note("init", tx_block_release(block))                 # released twice
        p.note("init", tx_block_pool_info_get(pool)[2])
    p.run(setup)
    assert p.log == [(0, "init", s) for s in (
        TX_PTR_ERROR, "TypeError", TX_PTR_ERROR, TX_PTR_ERROR, TX_PTR_ERROR, TX_PTR_ERROR,
        TX_SUCCESS, TX_PTR_ERROR, 3)]


def test_release_checks_stay_with_error_checking_disabled() -> None:
    """Without the checking layer C would follow a bad pointer; the model still answers
    TX_PTR_ERROR (documented deviation) and the core services behave the same."""
    p = Program()
    pool = TX_BLOCK_POOL()

    def setup() -> None:
        start = make_pool(p, pool)
        p.note("init", tx_block_release(start))
        p.note("init", [tx_block_allocate(pool, TX_NO_WAIT)[0] for _ in range(3)])
        p.note("init", tx_block_allocate(pool, 5))  # a wait outside a thread cannot suspend
    p.run(setup, config=NO_TX_ERROR_CHECKING)
    assert p.log == [(0, "init", TX_PTR_ERROR), (0, "init", [TX_SUCCESS] * 3),
                     (0, "init", (TX_WAIT_ERROR, None))]


# ----------------------------------------------------------------------- property
@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=12),
       st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=63)), max_size=60))
def test_blocks_are_distinct_and_counted(block_size: int, blocks: int,
                                          ops: list[tuple[bool, int]]) -> None:
    """Any allocate/release sequence: live blocks are distinct, inside the pool, whole
    blocks apart; available + live == total; everything released gives the pool back."""
    pool = TX_BLOCK_POOL()

    def setup(first) -> None:
        size = blocks * (((block_size + 3) // 4 * 4) + 4)
        assert tx_block_pool_create(pool, "prop", block_size, first, size) == TX_SUCCESS
        stride = pool.tx_block_pool_block_size + 4
        live: list = []
        for allocate, pick in ops:
            if allocate:
                status, block = tx_block_allocate(pool, TX_NO_WAIT)
                if len(live) == blocks:
                    assert (status, block) == (TX_NO_MEMORY, None)
                    continue
                assert status == TX_SUCCESS and block not in live
                assert (block - first - 4) % stride == 0 and 4 <= block - first < size
                live.append(block)
            elif live:
                assert tx_block_release(live.pop(pick % len(live))) == TX_SUCCESS
            assert tx_block_pool_info_get(pool)[2] + len(live) == blocks
        for block in live:
            assert tx_block_release(block) == TX_SUCCESS
        assert tx_block_pool_info_get(pool)[2:4] == (blocks, blocks)
    tx_kernel_enter(setup)
