"""Event flags groups (tx_event_flags_*.c): event-log tests of every service path,
every argument and context error, and properties against a reference model."""
from __future__ import annotations

from typing import Callable

import pytest
from hypothesis import given, strategies as st

from netxsim.tx.config import TxConfig
from tests.argerror import type_error
from netxsim.tx.constants import (
    TX_AND, TX_AND_CLEAR, TX_AUTO_ACTIVATE, TX_AUTO_START, TX_CALLER_ERROR, TX_DELETED,
    TX_GROUP_ERROR, TX_NO_EVENTS, TX_NO_TIME_SLICE, TX_NO_WAIT, TX_OPTION_ERROR, TX_OR,
    TX_OR_CLEAR, TX_SUCCESS, TX_WAIT_ABORTED, TX_WAIT_ERROR, TX_WAIT_FOREVER,
)
from netxsim.tx.event_flags import (
    TX_EVENT_FLAGS_GROUP, tx_event_flags_create, tx_event_flags_delete, tx_event_flags_get,
    tx_event_flags_info_get, tx_event_flags_set, tx_event_flags_set_notify,
)
from netxsim.tx.kernel import kernel, tx_kernel_enter
from netxsim.tx.memory import Pointer
from netxsim.tx.sizeof import sizeof
from netxsim.tx.thread import TX_THREAD, tx_thread_create, tx_thread_sleep, tx_thread_wait_abort
from netxsim.tx.timer import TX_TIMER, tx_time_get, tx_timer_create

NO_TX_ERROR_CHECKING = TxConfig(TX_DISABLE_ERROR_CHECKING=True)

STACK = 1024


class Sim:
    """A test program: carves stacks from RAM and collects the event log."""

    def __init__(self, memory: Pointer) -> None:
        self.memory = memory
        self.log: list[tuple] = []

    def rec(self, who: str, what: object) -> None:
        self.log.append((tx_time_get(), who, what))

    def thread(self, name: str, priority: int, body: Callable[[], None]) -> TX_THREAD:
        thread = TX_THREAD()
        stack, self.memory = self.memory, self.memory + STACK
        status = tx_thread_create(thread, name, lambda _: body(), 0, stack, STACK, priority,
                                  priority, TX_NO_TIME_SLICE, TX_AUTO_START)
        assert status == TX_SUCCESS
        return thread

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


def created_group(name: str = "flags") -> TX_EVENT_FLAGS_GROUP:
    group = TX_EVENT_FLAGS_GROUP()
    assert tx_event_flags_create(group, name) == TX_SUCCESS
    return group


# ------------------------------------------------------------------ create / info_get
def test_sizeof_and_name():
    assert sizeof(TX_EVENT_FLAGS_GROUP) == 40

    def build(sim: Sim) -> None:
        group = created_group("events 0")
        sim.rec("init", group.name)
    assert run(build) == [(0, "init", "events 0")]


def test_create_and_info_get_list_groups_in_creation_order():
    groups: dict[str, TX_EVENT_FLAGS_GROUP] = {}

    def build(sim: Sim) -> None:
        a = groups["a"] = created_group("a")
        b = groups["b"] = created_group("b")
        sim.rec("init", tx_event_flags_info_get(a))
        sim.rec("init", tx_event_flags_info_get(b))

        def body() -> None:
            sim.rec("t", tx_event_flags_delete(b))
            sim.rec("t", tx_event_flags_info_get(a))
            sim.rec("t", tx_event_flags_info_get(b))
            sim.rec("t", tx_event_flags_create(b, "b again"))
            sim.rec("t", tx_event_flags_info_get(b))
        sim.thread("t", 5, body)
    log = run(build)
    a, b = groups["a"], groups["b"]
    assert log == [
        (0, "init", (TX_SUCCESS, "a", 0, None, 0, b)),
        (0, "init", (TX_SUCCESS, "b", 0, None, 0, a)),
        (0, "t", TX_SUCCESS),
        (0, "t", (TX_SUCCESS, "a", 0, None, 0, a)),
        (0, "t", (TX_GROUP_ERROR, None, None, None, None, None)),
        (0, "t", TX_SUCCESS),
        (0, "t", (TX_SUCCESS, "b again", 0, None, 0, a)),
    ]


# --------------------------------------------------------------------- get, no wait
@pytest.mark.parametrize("current, requested, option, expected_status, expected_after", [
    (0b0101, 0b0100, TX_OR, TX_SUCCESS, 0b0101),
    (0b0101, 0b1100, TX_OR, TX_SUCCESS, 0b0101),
    (0b0101, 0b1010, TX_OR, TX_NO_EVENTS, 0b0101),
    (0b0101, 0b1100, TX_OR_CLEAR, TX_SUCCESS, 0b0001),   # clears every requested bit
    (0b0101, 0b0101, TX_AND, TX_SUCCESS, 0b0101),
    (0b0101, 0b0111, TX_AND, TX_NO_EVENTS, 0b0101),
    (0b0111, 0b0101, TX_AND_CLEAR, TX_SUCCESS, 0b0010),
    (0b0101, 0b0111, TX_AND_CLEAR, TX_NO_EVENTS, 0b0101),
    (0xFFFFFFFF, 0x80000001, TX_AND_CLEAR, TX_SUCCESS, 0x7FFFFFFE),
])
def test_get_no_wait(current, requested, option, expected_status, expected_after):
    def build(sim: Sim) -> None:
        group = created_group()
        tx_event_flags_set(group, current, TX_OR)
        sim.rec("init", tx_event_flags_get(group, requested, option, TX_NO_WAIT))
        sim.rec("init", tx_event_flags_info_get(group)[2])
    expected = (expected_status, current if expected_status == TX_SUCCESS else None)
    assert run(build) == [(0, "init", expected), (0, "init", expected_after)]


@pytest.mark.parametrize("option", [TX_OR, TX_OR_CLEAR, TX_AND, TX_AND_CLEAR])
def test_requested_zero_is_never_satisfied_and_never_waits(option):
    def build(sim: Sim) -> None:
        group = created_group()
        tx_event_flags_set(group, 0xFF, TX_OR)

        def body() -> None:
            sim.rec("t", tx_event_flags_get(group, 0, option, TX_NO_WAIT))
            sim.rec("t", tx_event_flags_get(group, 0, option, 10))
            sim.rec("t", tx_event_flags_get(group, 0, option, TX_WAIT_FOREVER))
            sim.rec("t", tx_event_flags_info_get(group)[2:5])
        sim.thread("t", 5, body)
    assert run(build) == [
        (0, "t", (TX_NO_EVENTS, None)), (0, "t", (TX_NO_EVENTS, None)),
        (0, "t", (TX_NO_EVENTS, None)), (0, "t", (0xFF, None, 0)),
    ]


def test_set_or_and_and_masks_to_32_bits():
    def build(sim: Sim) -> None:
        group = created_group()
        sim.rec("init", tx_event_flags_set(group, 0x1_0000_000F, TX_OR))
        sim.rec("init", tx_event_flags_info_get(group)[2])
        sim.rec("init", tx_event_flags_set(group, ~0x2, TX_AND))   # C idiom: clear bit 1
        sim.rec("init", tx_event_flags_info_get(group)[2])
        sim.rec("init", tx_event_flags_set(group, 0x8, TX_AND))
        sim.rec("init", tx_event_flags_info_get(group)[2])
    assert run(build) == [(0, "init", TX_SUCCESS), (0, "init", 0xF), (0, "init", TX_SUCCESS),
                          (0, "init", 0xD), (0, "init", TX_SUCCESS), (0, "init", 0x8)]


# ---------------------------------------------------------------------- get, waiting
def test_set_wakes_more_urgent_waiter_which_preempts_the_setter():
    def build(sim: Sim) -> None:
        group = created_group()

        def waiter() -> None:
            sim.rec("waiter", "get")
            sim.rec("waiter", tx_event_flags_get(group, 0x1, TX_OR_CLEAR, TX_WAIT_FOREVER))
            sim.rec("waiter", tx_event_flags_info_get(group)[2])

        def setter() -> None:
            tx_thread_sleep(5)
            sim.rec("setter", "set")
            sim.rec("setter", tx_event_flags_set(group, 0x3, TX_OR))
        sim.thread("waiter", 5, waiter)
        sim.thread("setter", 10, setter)
    assert run(build) == [
        (0, "waiter", "get"),
        (5, "setter", "set"),
        (5, "waiter", (TX_SUCCESS, 0x3)),   # actual flags before the clear
        (5, "waiter", 0x2),
        (5, "setter", TX_SUCCESS),
    ]


def test_set_wakes_less_urgent_waiter_without_preemption():
    def build(sim: Sim) -> None:
        group = created_group()

        def waiter() -> None:
            sim.rec("waiter", tx_event_flags_get(group, 0x6, TX_AND, TX_WAIT_FOREVER))

        def setter() -> None:
            tx_thread_sleep(2)
            sim.rec("setter", tx_event_flags_set(group, 0x2, TX_OR))   # AND not yet met
            tx_thread_sleep(2)
            sim.rec("setter", tx_event_flags_set(group, 0x4, TX_OR))
            sim.rec("setter", "after set")
        sim.thread("waiter", 10, waiter)
        sim.thread("setter", 5, setter)
    assert run(build) == [
        (2, "setter", TX_SUCCESS),
        (4, "setter", TX_SUCCESS),
        (4, "setter", "after set"),
        (4, "waiter", (TX_SUCCESS, 0x6)),
    ]


def test_or_set_examines_every_waiter_against_one_snapshot():
    """Waiters are checked FIFO against the flags right after the OR: A's clear does not
    hide bit 0 from B and C, each gets the snapshot, D (not satisfied) keeps waiting."""
    threads: dict[str, TX_THREAD] = {}

    def build(sim: Sim) -> None:
        group = created_group()

        def waiter(name: str, requested: int, option: int) -> Callable[[], None]:
            def body() -> None:
                sim.rec(name, tx_event_flags_get(group, requested, option, TX_WAIT_FOREVER))
            return body

        def setter() -> None:
            sim.rec("setter", tx_event_flags_info_get(group)[3:5])
            sim.rec("setter", tx_event_flags_set(group, 0x7, TX_OR))
            sim.rec("setter", tx_event_flags_info_get(group)[2:5])
            sim.rec("setter", tx_event_flags_set(group, 0x8, TX_OR))
        # All four suspend at tick 0 in this FIFO order (equal priority, more urgent).
        for name, requested, option in [("A", 0x1, TX_OR_CLEAR), ("B", 0x3, TX_AND_CLEAR),
                                        ("C", 0x1, TX_OR), ("D", 0xC, TX_AND)]:
            threads[name] = sim.thread(name, 3, waiter(name, requested, option))
        sim.thread("setter", 10, setter)
    log = run(build)
    assert log == [
        (0, "setter", (threads["A"], 4)),
        (0, "A", (TX_SUCCESS, 0x7)),
        (0, "B", (TX_SUCCESS, 0x7)),
        (0, "C", (TX_SUCCESS, 0x7)),
        (0, "setter", TX_SUCCESS),
        (0, "setter", (0x4, threads["D"], 1)),   # A and B cleared 0x1 and 0x3
        (0, "D", (TX_SUCCESS, 0xC)),
        (0, "setter", TX_SUCCESS),
    ]


def test_deferred_preemption_runs_most_urgent_satisfied_waiter_first():
    """With several waiters preemption waits until all satisfied ones are ready: "urgent"
    runs first although "slow" (also more urgent than the setter) was readied before it."""
    def build(sim: Sim) -> None:
        group = created_group()

        def waiter(name: str, requested: int, delay: int) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(delay)
                sim.rec(name, tx_event_flags_get(group, requested, TX_OR_CLEAR, TX_WAIT_FOREVER))
            return body

        def setter() -> None:
            tx_thread_sleep(2)
            sim.rec("setter", tx_event_flags_set(group, 0x3, TX_OR))
        sim.thread("slow", 8, waiter("slow", 0x1, 0))     # suspends first
        sim.thread("fast", 8, waiter("fast", 0x1, 0))     # also clears 0x1: not hidden
        sim.thread("urgent", 2, waiter("urgent", 0x2, 1))  # suspends last
        sim.thread("setter", 9, setter)
    assert run(build) == [
        (2, "urgent", (TX_SUCCESS, 0x3)),
        (2, "slow", (TX_SUCCESS, 0x3)),
        (2, "fast", (TX_SUCCESS, 0x3)),
        (2, "setter", TX_SUCCESS),
    ]


def test_notify_runs_after_preemption_with_one_waiter_but_before_with_several():
    def build(sim: Sim) -> None:
        single, multi = created_group("single"), created_group("multi")
        for group in (single, multi):
            tx_event_flags_set_notify(group, lambda g: sim.rec("notify", g.name))

        def waiter(name: str, group: TX_EVENT_FLAGS_GROUP) -> Callable[[], None]:
            def body() -> None:
                sim.rec(name, tx_event_flags_get(group, 0x1, TX_OR, TX_WAIT_FOREVER))
            return body

        def setter() -> None:
            tx_thread_sleep(1)
            sim.rec("setter", tx_event_flags_set(single, 0x1, TX_OR))
            tx_thread_sleep(1)
            sim.rec("setter", tx_event_flags_set(multi, 0x1, TX_OR))
            sim.rec("setter", tx_event_flags_set(multi, 0x0, TX_AND))   # AND: no notify
        sim.thread("w1", 3, waiter("w1", single))
        sim.thread("w2", 3, waiter("w2", multi))
        sim.thread("w3", 3, waiter("w3", multi))
        sim.thread("setter", 10, setter)
    assert run(build) == [
        (1, "w1", (TX_SUCCESS, 0x1)),
        (1, "notify", "single"),
        (1, "setter", TX_SUCCESS),
        (2, "notify", "multi"),
        (2, "w2", (TX_SUCCESS, 0x1)),
        (2, "w3", (TX_SUCCESS, 0x1)),
        (2, "setter", TX_SUCCESS),
        (2, "setter", TX_SUCCESS),
    ]


def test_notify_called_for_or_set_without_waiters_and_can_be_removed():
    def build(sim: Sim) -> None:
        group = created_group()
        sim.rec("init", tx_event_flags_set_notify(group, lambda g: sim.rec("notify", g.name)))
        tx_event_flags_set(group, 0x1, TX_OR)
        tx_event_flags_set(group, 0x1, TX_AND)
        sim.rec("init", tx_event_flags_set_notify(group, None))
        tx_event_flags_set(group, 0x1, TX_OR)
    assert run(build) == [(0, "init", TX_SUCCESS), (0, "notify", "flags"), (0, "init", TX_SUCCESS)]


def test_and_set_wakes_nobody():
    threads: dict[str, TX_THREAD] = {}

    def build(sim: Sim) -> None:
        group = created_group()

        def waiter() -> None:
            sim.rec("waiter", tx_event_flags_get(group, 0x1, TX_OR, 20))

        def setter() -> None:
            tx_thread_sleep(3)
            sim.rec("setter", tx_event_flags_set(group, 0xFFFFFFFF, TX_AND))
            sim.rec("setter", tx_event_flags_info_get(group)[2:5])
        threads["waiter"] = sim.thread("waiter", 5, waiter)
        sim.thread("setter", 10, setter)
    log = run(build)
    assert log == [
        (3, "setter", TX_SUCCESS),
        (3, "setter", (0, threads["waiter"], 1)),
        (20, "waiter", (TX_NO_EVENTS, None)),
    ]


# ------------------------------------------------------------- timeout, abort, delete
def test_timeout_at_exact_tick_and_later_set_is_not_consumed():
    def build(sim: Sim) -> None:
        group = created_group()

        def waiter() -> None:
            sim.rec("waiter", tx_event_flags_get(group, 0x1, TX_OR_CLEAR, 10))
            sim.rec("waiter", tx_event_flags_get(group, 0x1, TX_OR_CLEAR, 1))

        def setter() -> None:
            tx_thread_sleep(12)
            sim.rec("setter", tx_event_flags_set(group, 0x1, TX_OR))
            sim.rec("setter", tx_event_flags_info_get(group)[2:5])
        sim.thread("waiter", 5, waiter)
        sim.thread("setter", 10, setter)
    assert run(build) == [
        (10, "waiter", (TX_NO_EVENTS, None)),
        (11, "waiter", (TX_NO_EVENTS, None)),
        (12, "setter", TX_SUCCESS),
        (12, "setter", (0x1, None, 0)),   # nobody took (and cleared) the flag
    ]


def test_timeout_wins_over_a_set_in_the_same_tick():
    """Every expiration of a tick runs in the timer thread before any thread: the waiter's
    timeout and the setter's wake-up both happen at tick 10, the timeout first."""
    def build(sim: Sim) -> None:
        group = created_group()

        def setter() -> None:
            tx_thread_sleep(10)
            sim.rec("setter", tx_event_flags_set(group, 0x1, TX_OR))

        def waiter() -> None:
            sim.rec("waiter", tx_event_flags_get(group, 0x1, TX_OR, 10))
        sim.thread("setter", 3, setter)
        sim.thread("waiter", 5, waiter)
    assert run(build) == [(10, "setter", TX_SUCCESS), (10, "waiter", (TX_NO_EVENTS, None))]


def test_wait_abort_and_later_set_is_not_consumed():
    def build(sim: Sim) -> None:
        group = created_group()

        def waiter() -> None:
            sim.rec("waiter", tx_event_flags_get(group, 0x1, TX_AND_CLEAR, TX_WAIT_FOREVER))

        def aborter() -> None:
            tx_thread_sleep(3)
            sim.rec("aborter", tx_thread_wait_abort(w))
            sim.rec("aborter", tx_event_flags_set(group, 0x1, TX_OR))
            sim.rec("aborter", tx_event_flags_info_get(group)[2:5])
        w = sim.thread("waiter", 10, waiter)
        sim.thread("aborter", 5, aborter)
    assert run(build) == [
        (3, "aborter", TX_SUCCESS),
        (3, "aborter", TX_SUCCESS),
        (3, "aborter", (0x1, None, 0)),
        (3, "waiter", (TX_WAIT_ABORTED, None)),
    ]


def test_delete_wakes_every_waiter_with_tx_deleted():
    def build(sim: Sim) -> None:
        group = created_group()

        def waiter(name: str, delay: int) -> Callable[[], None]:
            def body() -> None:
                tx_thread_sleep(delay)
                sim.rec(name, tx_event_flags_get(group, 0x1, TX_OR, TX_WAIT_FOREVER))
                sim.rec(name, tx_event_flags_get(group, 0x1, TX_OR, TX_NO_WAIT))
            return body

        def deleter() -> None:
            tx_thread_sleep(4)
            sim.rec("deleter", tx_event_flags_info_get(group)[4])
            sim.rec("deleter", tx_event_flags_delete(group))
            sim.rec("deleter", tx_event_flags_delete(group))
        # FIFO: low then high; both resume before either runs, so high runs first.
        sim.thread("low", 6, waiter("low", 0))
        sim.thread("high", 5, waiter("high", 1))
        sim.thread("deleter", 7, deleter)
        sim.thread("lazy", 9, waiter("lazy", 0))
    assert run(build) == [
        (4, "deleter", 3),
        (4, "high", (TX_DELETED, None)),
        (4, "high", (TX_GROUP_ERROR, None)),
        (4, "low", (TX_DELETED, None)),
        (4, "low", (TX_GROUP_ERROR, None)),
        (4, "deleter", TX_SUCCESS),
        (4, "deleter", TX_GROUP_ERROR),
        (4, "lazy", (TX_DELETED, None)),
        (4, "lazy", (TX_GROUP_ERROR, None)),
    ]


def test_info_get_reports_first_suspended_and_count():
    holder = {}

    def build(sim: Sim) -> None:
        group = created_group()

        def waiter() -> None:
            tx_event_flags_get(group, 0x1, TX_OR, 5)

        def observer() -> None:
            sim.rec("observer", tx_event_flags_info_get(group))
        holder["a"] = sim.thread("a", 3, waiter)
        holder["b"] = sim.thread("b", 4, waiter)
        sim.thread("observer", 9, observer)
        holder["group"] = group
    log = run(build)
    assert log == [(0, "observer", (TX_SUCCESS, "flags", 0, holder["a"], 2, holder["group"]))]


# ----------------------------------------------------------- ISR and timer contexts
def test_set_from_isr_and_timer_callback_wakes_waiters():
    def build(sim: Sim) -> None:
        group = created_group()

        def waiter() -> None:
            sim.rec("waiter", tx_event_flags_get(group, 0x1, TX_OR_CLEAR, TX_WAIT_FOREVER))
            sim.rec("waiter", tx_event_flags_get(group, 0x2, TX_OR_CLEAR, TX_WAIT_FOREVER))

        def isr() -> None:
            sim.rec("isr", tx_event_flags_set(group, 0x1, TX_OR))
            sim.rec("isr", tx_event_flags_get(group, 0x4, TX_OR, TX_NO_WAIT))

        def timer() -> None:
            sim.rec("timer", tx_event_flags_set(group, 0x2, TX_OR))
            sim.rec("timer", tx_event_flags_get(group, 0x2, TX_OR, TX_NO_WAIT))
        sim.thread("waiter", 5, waiter)
        sim.isr_at(3, isr)
        sim.timer_at(7, timer)
    assert run(build) == [
        (3, "isr", TX_SUCCESS),
        (3, "isr", (TX_NO_EVENTS, None)),
        (3, "waiter", (TX_SUCCESS, 0x1)),
        (7, "timer", TX_SUCCESS),
        (7, "timer", (TX_NO_EVENTS, None)),   # the woken waiter already cleared 0x2
        (7, "waiter", (TX_SUCCESS, 0x2)),
    ]


# ------------------------------------------------------------------------ errors
def test_every_service_rejects_none_and_uncreated_groups():
    def build(sim: Sim) -> None:
        for group in (None, TX_EVENT_FLAGS_GROUP()):
            sim.rec("init", (tx_event_flags_set(group, 1, TX_OR),
                             tx_event_flags_get(group, 1, TX_OR, TX_NO_WAIT),
                             tx_event_flags_info_get(group),
                             tx_event_flags_set_notify(group, None)))
        group = "not a group"
        sim.rec("init", (type_error(tx_event_flags_set, group, 1, TX_OR),
                         type_error(tx_event_flags_get, group, 1, TX_OR, TX_NO_WAIT),
                         type_error(tx_event_flags_info_get, group),
                         type_error(tx_event_flags_set_notify, group, None)))

        def body() -> None:
            sim.rec("t", tx_event_flags_delete(None))
            sim.rec("t", tx_event_flags_delete(TX_EVENT_FLAGS_GROUP()))
            sim.rec("t", tx_event_flags_create(None, "x"))
            sim.rec("t", type_error(tx_event_flags_create, "not a group", "x"))
        sim.thread("t", 5, body)
    errors = (TX_GROUP_ERROR, (TX_GROUP_ERROR, None), (TX_GROUP_ERROR,) + (None,) * 5, TX_GROUP_ERROR)
    assert run(build) == [(0, "init", errors)] * 2 + [(0, "init", ("TypeError",) * 4)] \
        + [(0, "t", TX_GROUP_ERROR)] * 3 + [(0, "t", "TypeError")]


def test_create_twice_is_a_group_error():
    def build(sim: Sim) -> None:
        group = created_group()
        sim.rec("init", tx_event_flags_create(group, "again"))
        sim.rec("init", group.name)
    assert run(build) == [(0, "init", TX_GROUP_ERROR), (0, "init", "flags")]


@pytest.mark.parametrize("option", [1, 3, 4, -1, 0x100])
def test_bad_set_option(option):
    def build(sim: Sim) -> None:
        group = created_group()
        sim.rec("init", tx_event_flags_set(group, 1, option))
        sim.rec("init", tx_event_flags_info_get(group)[2])
    assert run(build) == [(0, "init", TX_OPTION_ERROR), (0, "init", 0)]


@pytest.mark.parametrize("option", [4, 5, -1])
def test_bad_get_option(option):
    def build(sim: Sim) -> None:
        group = created_group()
        tx_event_flags_set(group, 1, TX_OR)
        sim.rec("init", tx_event_flags_get(group, 1, option, TX_NO_WAIT))
    assert run(build) == [(0, "init", (TX_OPTION_ERROR, None))]


def test_error_precedence_group_then_wait_then_option():
    def build(sim: Sim) -> None:
        group = created_group()
        sim.rec("init", tx_event_flags_get(None, 1, 9, 5))
        sim.rec("init", tx_event_flags_get(group, 1, 9, 5))
        sim.rec("init", tx_event_flags_get(group, 1, 9, TX_NO_WAIT))
    assert run(build) == [(0, "init", (TX_GROUP_ERROR, None)), (0, "init", (TX_WAIT_ERROR, None)),
                          (0, "init", (TX_OPTION_ERROR, None))]


def test_contexts_wait_error_and_caller_error():
    """Waiting from init, an ISR or a timer callback is TX_WAIT_ERROR even when the flags
    are there; create is refused from ISRs and timer callbacks, delete also from init."""
    def attempts(sim: Sim, who: str, group: TX_EVENT_FLAGS_GROUP) -> None:
        sim.rec(who, tx_event_flags_get(group, 0x1, TX_OR, 1))
        sim.rec(who, tx_event_flags_get(group, 0x1, TX_OR, TX_WAIT_FOREVER))
        sim.rec(who, tx_event_flags_get(group, 0x1, TX_OR, TX_NO_WAIT))
        sim.rec(who, tx_event_flags_create(TX_EVENT_FLAGS_GROUP(), "x"))
        sim.rec(who, tx_event_flags_delete(group))

    def build(sim: Sim) -> None:
        group = created_group()
        tx_event_flags_set(group, 0x1, TX_OR)
        attempts(sim, "init", group)
        sim.isr_at(2, lambda: attempts(sim, "isr", group))
        sim.timer_at(4, lambda: attempts(sim, "timer", group))
    refused = [(TX_WAIT_ERROR, None), (TX_WAIT_ERROR, None), (TX_SUCCESS, 0x1)]
    log = run(build)
    assert log == (
        [(0, "init", s) for s in refused + [TX_SUCCESS, TX_CALLER_ERROR]]
        + [(2, "isr", s) for s in refused + [TX_CALLER_ERROR, TX_CALLER_ERROR]]
        + [(4, "timer", s) for s in refused + [TX_CALLER_ERROR, TX_CALLER_ERROR]])


def test_without_error_checking_core_masks_the_set_option_as_c_does():
    def build(sim: Sim) -> None:
        group = created_group()
        tx_event_flags_set(group, 0xF, TX_OR)
        sim.rec("init", tx_event_flags_set(group, 0x3, 3))   # bit 1 set: an AND
        sim.rec("init", tx_event_flags_info_get(group)[2])
    log = run(build, config=NO_TX_ERROR_CHECKING)
    assert log == [(0, "init", TX_SUCCESS), (0, "init", 0x3)]


def test_without_error_checking_a_wait_outside_a_thread_does_not_block():
    def build(sim: Sim) -> None:
        group = created_group()
        sim.rec("init", tx_event_flags_get(group, 0x1, TX_OR, TX_WAIT_FOREVER))
        sim.isr_at(1, lambda: sim.rec("isr", tx_event_flags_get(group, 0x1, TX_AND, 5)))
    log = run(build, config=NO_TX_ERROR_CHECKING)
    assert log == [(0, "init", (TX_NO_EVENTS, None)), (1, "isr", (TX_NO_EVENTS, None))]


# ------------------------------------------------------------------------ properties
def satisfied(value: int, requested: int, option: int) -> bool:
    if option & TX_AND:
        return requested != 0 and value & requested == requested
    return value & requested != 0


flag_values = st.integers(0, 0xFFFFFFFF) | st.sampled_from([0, 1, 2, 3, 0x80000000, 0xF0])
operations = st.lists(st.one_of(
    st.tuples(st.just("set"), flag_values, st.sampled_from([TX_OR, TX_AND])),
    st.tuples(st.just("get"), flag_values | st.integers(0, 0xF),
              st.sampled_from([TX_OR, TX_OR_CLEAR, TX_AND, TX_AND_CLEAR])),
), max_size=40)


@given(operations)
def test_property_set_get_match_reference_model(ops):
    value = 0
    expected = []
    for op, flags, option in ops:
        if op == "set":
            value = value | flags if option == TX_OR else value & flags
            expected.append((TX_SUCCESS, value))
        elif satisfied(value, flags, option):
            expected.append(((TX_SUCCESS, value), value & ~flags if option & 1 else value))
            value = expected[-1][1]
        else:
            expected.append(((TX_NO_EVENTS, None), value))

    def build(sim: Sim) -> None:
        group = created_group()
        for op, flags, option in ops:
            if op == "set":
                result = tx_event_flags_set(group, flags, option)
            else:
                result = tx_event_flags_get(group, flags, option, TX_NO_WAIT)
            sim.rec("init", (result, tx_event_flags_info_get(group)[2]))
    assert run(build) == [(0, "init", e) for e in expected]


waiter_specs = st.lists(st.tuples(st.integers(1, 0xFF), st.sampled_from([0, 1, 2, 3]),
                                  st.integers(1, 8)), min_size=1, max_size=6)


@given(waiter_specs, st.lists(st.integers(0, 0xFF), max_size=8))
def test_property_waiters_woken_by_or_sets_match_reference_model(waiters, sets):
    """Waiters (requested, option, priority) block at tick 0; a low-priority thread ORs in
    each value of ``sets`` then deletes the group. Model: FIFO scan against the snapshot
    after each OR, every requested bit of a satisfied _CLEAR waiter cleared."""
    # FIFO order of suspension = the order they run = priority, then creation.
    fifo = sorted(range(len(waiters)), key=lambda i: waiters[i][2])
    value, pending, outcome = 0, list(fifo), {}
    for index, flags in enumerate(sets):
        value |= flags
        snapshot = value
        for i in list(pending):
            requested, option, _ = waiters[i]
            if satisfied(snapshot, requested, option):
                outcome[i] = (index, (TX_SUCCESS, snapshot))
                if option & 1:
                    value &= ~requested
                pending.remove(i)
    for i in pending:
        outcome[i] = (len(sets), (TX_DELETED, None))

    results: dict[int, tuple] = {}
    final: list[int] = []

    def build(sim: Sim) -> None:
        group = created_group()
        step = [0]

        def waiter(i: int) -> Callable[[], None]:
            def body() -> None:
                requested, option, _ = waiters[i]
                results[i] = tx_event_flags_get(group, requested, option, TX_WAIT_FOREVER)
                results[i] = (step[0], results[i])
            return body

        def setter() -> None:
            for flags in sets:
                assert tx_event_flags_set(group, flags, TX_OR) == TX_SUCCESS
                step[0] += 1
            final.append(tx_event_flags_info_get(group)[2])
            assert tx_event_flags_delete(group) == TX_SUCCESS
        for i, (_, _, priority) in enumerate(waiters):
            sim.thread(f"w{i}", priority, waiter(i))
        sim.thread("setter", 20, setter)
    run(build)
    assert results == outcome
    assert final == [value]
