"""Mutexes (tx_mutex_*.c): ownership, recursion, transfer, priority inheritance, and the
release of a finished thread's mutexes, as event logs."""
from __future__ import annotations

from typing import Callable

import pytest
from hypothesis import given, strategies as st

import netxsim.tx.mutex as mutex_module
from netxsim.tx import (
    TX_AUTO_START, TX_CALLER_ERROR, TX_COMPLETED, TX_DELETED, TX_INHERIT, TX_INHERIT_ERROR,
    TX_MAX_PRIORITIES, TX_MUTEX_ERROR, TX_MUTEX_SUSP, TX_NO_INHERIT, TX_NO_TIME_SLICE, TX_NO_WAIT,
    TX_NOT_AVAILABLE, TX_NOT_OWNED, TX_READY, TX_SUCCESS, TX_THREAD, TX_WAIT_ABORTED, TX_WAIT_ERROR,
    TX_WAIT_FOREVER, cpu_work, tx_thread_create, tx_thread_info_get, tx_thread_priority_change,
    tx_thread_sleep, tx_thread_terminate, tx_thread_wait_abort,
)
from netxsim.tx.mutex import (
    TX_MUTEX, release_all_owned, tx_mutex_create, tx_mutex_delete, tx_mutex_get, tx_mutex_info_get,
    tx_mutex_prioritize, tx_mutex_put,
)
from tests.tx.test_semaphore import STACK, Program


def info(mutex: TX_MUTEX) -> tuple:
    return tx_mutex_info_get(mutex)


def priority(thread: TX_THREAD) -> int:
    """The effective (possibly inherited) priority; tx_thread_info_get reports the user's."""
    return thread.tx_thread_priority


# ------------------------------------------------------------------- create / info
def test_create_and_info_get() -> None:
    p = Program()
    a, b = TX_MUTEX(), TX_MUTEX()

    def setup() -> None:
        p.note("init", (tx_mutex_create(a, "mutex a", TX_NO_INHERIT), tx_mutex_create(b, b"b", TX_INHERIT)))
        p.note("init", info(a))
        p.note("init", info(b))
    p.run(setup)
    assert p.log == [(0, "init", (TX_SUCCESS, TX_SUCCESS)),
                     (0, "init", (TX_SUCCESS, "mutex a", 0, None, None, 0, b)),
                     (0, "init", (TX_SUCCESS, "b", 0, None, None, 0, a))]
    assert (a.name, b.tx_mutex_inherit) == ("mutex a", TX_INHERIT)


def test_create_errors() -> None:
    p = Program()
    m, n, o = TX_MUTEX(), TX_MUTEX(), TX_MUTEX()

    def setup() -> None:
        p.note("init", (tx_mutex_create(None, "x", TX_INHERIT), tx_mutex_create(m, "m", 2),
                        tx_mutex_create(m, "m", TX_INHERIT), tx_mutex_create(m, "m", TX_INHERIT)))
        p.timer("tmr", 1, lambda: p.note("timer", tx_mutex_create(n, "n", TX_INHERIT)))
        p.isr(2, lambda: p.note("isr", tx_mutex_create(o, "o", TX_NO_INHERIT)))
        p.thread("a", 5, lambda: (tx_thread_sleep(3), p.note("a", tx_mutex_create(n, "n", 0))))
    p.run(setup)
    assert p.log == [(0, "init", (TX_MUTEX_ERROR, TX_INHERIT_ERROR, TX_SUCCESS, TX_MUTEX_ERROR)),
                     (1, "timer", TX_CALLER_ERROR), (2, "isr", TX_CALLER_ERROR), (3, "a", TX_SUCCESS)]


def test_services_reject_none_and_uncreated() -> None:
    p = Program()
    fresh = TX_MUTEX()

    def body() -> None:
        for target in (None, fresh):
            p.note("a", (tx_mutex_get(target, TX_NO_WAIT), tx_mutex_put(target),
                         tx_mutex_prioritize(target), tx_mutex_delete(target), info(target)))
    p.run(lambda: p.thread("a", 5, body))
    e = TX_MUTEX_ERROR
    row = (e, e, e, e, (e,) + (None,) * 6)
    assert p.log == [(0, "a", row), (0, "a", row)]


# ---------------------------------------------------------- ownership and recursion
def test_recursive_ownership_and_not_owned() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        me = p.threads["owner"]
        p.note("owner", [tx_mutex_get(m, TX_NO_WAIT) for _ in range(3)])
        p.note("owner", (info(m)[2:4], me.owned_mutexes == [m]))
        tx_thread_sleep(2)
        p.note("owner", [tx_mutex_put(m) for _ in range(3)])
        p.note("owner", (info(m)[2:4], me.owned_mutexes))
        p.note("owner", tx_mutex_put(m))  # a free mutex is not owned

    def other() -> None:
        tx_thread_sleep(1)
        p.note("other", (tx_mutex_get(m, TX_NO_WAIT), tx_mutex_put(m), info(m)[2]))
    p.run(lambda: (tx_mutex_create(m, "m", TX_NO_INHERIT), p.thread("owner", 5, owner),
                   p.thread("other", 6, other)))
    me = p.threads["owner"]
    assert p.log == [(0, "owner", [TX_SUCCESS] * 3), (0, "owner", ((3, me), True)),
                     (1, "other", (TX_NOT_AVAILABLE, TX_NOT_OWNED, 3)),
                     (2, "owner", [TX_SUCCESS] * 3), (2, "owner", ((0, None), [])),
                     (2, "owner", TX_NOT_OWNED)]


def test_get_timeout_at_exact_tick_and_waiter_state() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(3)
        w = p.threads["w"]
        p.note("owner", (tx_thread_info_get(w)[2], info(m)[4:6] == (w, 1)))
        tx_thread_sleep(20)
        p.note("owner", tx_mutex_put(m))

    def waiter() -> None:
        tx_thread_sleep(1)
        p.note("w", "get")
        p.note("w", tx_mutex_get(m, 9))
    p.run(lambda: (tx_mutex_create(m, "m", TX_NO_INHERIT), p.thread("owner", 5, owner),
                   p.thread("w", 6, waiter)))
    assert p.log == [(1, "w", "get"), (3, "owner", (TX_MUTEX_SUSP, True)),
                     (10, "w", TX_NOT_AVAILABLE), (23, "owner", TX_SUCCESS)]


def test_timed_out_waiter_does_not_receive_later_put() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(6)
        p.note("owner", (tx_mutex_put(m), info(m)[2:6]))

    def waiter() -> None:
        p.note("w", tx_mutex_get(m, 4))
        tx_thread_sleep(10)
        p.note("w", info(m)[2:4])
    p.run(lambda: (tx_mutex_create(m, "m", TX_NO_INHERIT), p.thread("owner", 5, owner),
                   p.thread("w", 6, waiter)))
    assert p.log == [(4, "w", TX_NOT_AVAILABLE), (6, "owner", (TX_SUCCESS, (0, None, None, 0))),
                     (14, "w", (0, None))]


def test_wait_abort_then_put_frees_the_mutex() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(3)
        p.note("owner", tx_thread_wait_abort(p.threads["w"]))
        p.note("owner", (tx_mutex_put(m), info(m)[2:6]))

    p.run(lambda: (tx_mutex_create(m, "m", TX_NO_INHERIT), p.thread("owner", 5, owner),
                   p.thread("w", 6, lambda: p.note("w", tx_mutex_get(m, TX_WAIT_FOREVER)))))
    assert p.log == [(3, "owner", TX_SUCCESS), (3, "owner", (TX_SUCCESS, (0, None, None, 0))),
                     (3, "w", TX_WAIT_ABORTED)]


# ----------------------------------------------------------------------- transfer
def _transfer_program(inherit: int) -> tuple[Program, Callable[[], None]]:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(5)
        p.note("owner", [t.name for t in m.suspension_list])
        p.note("owner", tx_mutex_put(m))
        p.note("owner", (info(m)[3].name, info(m)[2], [t.name for t in m.suspension_list]))

    def waiter(name: str, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            p.note(name, tx_mutex_get(m, TX_WAIT_FOREVER))
            p.note(name, tx_mutex_put(m))
        return body

    def setup() -> None:
        tx_mutex_create(m, "m", inherit)
        p.thread("owner", 1, owner)
        p.thread("w20", 20, waiter("w20", 1))
        p.thread("w12", 12, waiter("w12", 2))
        p.thread("w15", 15, waiter("w15", 3))
    return p, setup


def test_final_put_transfers_to_fifo_head_without_inheritance() -> None:
    p, setup = _transfer_program(TX_NO_INHERIT)
    p.run(setup)
    assert p.log == [
        (5, "owner", ["w20", "w12", "w15"]), (5, "owner", TX_SUCCESS),
        (5, "owner", ("w20", 1, ["w12", "w15"])),
        # w12 and w15 are more urgent than w20 but wait their FIFO turn.
        (5, "w20", TX_SUCCESS), (5, "w12", TX_SUCCESS), (5, "w12", TX_SUCCESS),
        (5, "w15", TX_SUCCESS), (5, "w15", TX_SUCCESS), (5, "w20", TX_SUCCESS),
    ]


def test_final_put_transfers_to_most_urgent_with_inheritance() -> None:
    p, setup = _transfer_program(TX_INHERIT)
    p.run(setup)
    assert p.log == [
        (5, "owner", ["w20", "w12", "w15"]), (5, "owner", TX_SUCCESS),
        # After the hand-over the remaining waiters are prioritised again.
        (5, "owner", ("w12", 1, ["w15", "w20"])),
        (5, "w12", TX_SUCCESS), (5, "w12", TX_SUCCESS), (5, "w15", TX_SUCCESS),
        (5, "w15", TX_SUCCESS), (5, "w20", TX_SUCCESS), (5, "w20", TX_SUCCESS),
    ]


def test_transfer_to_more_urgent_waiter_preempts_the_releaser() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(2)
        p.note("owner", "put")
        tx_mutex_put(m)
        p.note("owner", "after put")
    p.run(lambda: (tx_mutex_create(m, "m", TX_NO_INHERIT), p.thread("owner", 9, owner),
                   p.thread("w", 4, lambda: (tx_thread_sleep(1),
                                             p.note("w", tx_mutex_get(m, TX_WAIT_FOREVER))))))
    assert p.log == [(2, "owner", "put"), (2, "w", TX_SUCCESS), (2, "owner", "after put")]


def test_prioritize() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        p.note("owner", tx_mutex_prioritize(m))  # no waiters
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(5)
        p.note("owner", [t.name for t in m.suspension_list])
        p.note("owner", tx_mutex_prioritize(m))
        p.note("owner", [t.name for t in m.suspension_list])
        tx_mutex_put(m)

    def waiter(name: str, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            p.note(name, tx_mutex_get(m, TX_WAIT_FOREVER))
            tx_mutex_put(m)
        return body
    p.run(lambda: (tx_mutex_create(m, "m", TX_NO_INHERIT), p.thread("owner", 1, owner),
                   p.thread("a", 20, waiter("a", 1)), p.thread("b", 10, waiter("b", 2)),
                   p.thread("c", 15, waiter("c", 3)), p.thread("d", 10, waiter("d", 4))))
    assert p.log == [(0, "owner", TX_SUCCESS), (5, "owner", ["a", "b", "c", "d"]),
                     (5, "owner", TX_SUCCESS), (5, "owner", ["b", "a", "c", "d"]),
                     (5, "b", TX_SUCCESS), (5, "a", TX_SUCCESS), (5, "c", TX_SUCCESS),
                     (5, "d", TX_SUCCESS)]


# --------------------------------------------------------------------------- delete
def test_delete_wakes_waiters_with_deleted_and_frees_owner() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        me = p.threads["owner"]
        tx_mutex_get(m, TX_NO_WAIT)
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(4)
        p.note("owner", priority(me))  # raised to 3 by the waiter
        p.note("owner", tx_mutex_delete(m))
        p.note("owner", (priority(me), me.tx_thread_inherit_priority, me.owned_mutexes))
        p.note("owner", (tx_mutex_put(m), tx_mutex_get(m, TX_NO_WAIT), tx_mutex_delete(m)))

    def waiter(name: str) -> Callable[[], None]:
        return lambda: (tx_thread_sleep(1), p.note(name, tx_mutex_get(m, 50)))
    p.run(lambda: (tx_mutex_create(m, "m", TX_INHERIT), p.thread("owner", 20, owner),
                   p.thread("w3", 3, waiter("w3")), p.thread("w25", 25, waiter("w25"))))
    assert p.log == [(4, "owner", 3), (4, "w3", TX_DELETED), (4, "owner", TX_SUCCESS),
                     (4, "owner", (20, TX_MAX_PRIORITIES, [])),
                     (4, "owner", (TX_MUTEX_ERROR,) * 3), (4, "w25", TX_DELETED)]
    assert p.run_result.ticks == 4


def test_delete_caller_errors() -> None:
    p = Program()
    m = TX_MUTEX()

    def setup() -> None:
        tx_mutex_create(m, "m", TX_NO_INHERIT)
        p.note("init", tx_mutex_delete(m))
        p.timer("tmr", 1, lambda: p.note("timer", tx_mutex_delete(m)))
        p.isr(2, lambda: p.note("isr", tx_mutex_delete(m)))
        p.thread("a", 5, lambda: (tx_thread_sleep(3), p.note("a", tx_mutex_delete(m))))
    p.run(setup)
    assert p.log == [(0, "init", TX_CALLER_ERROR), (1, "timer", TX_CALLER_ERROR),
                     (2, "isr", TX_CALLER_ERROR), (3, "a", TX_SUCCESS)]


# ------------------------------------------------------------------------- contexts
def test_get_and_put_during_init_owner_is_no_thread() -> None:
    p = Program()
    m, n = TX_MUTEX(), TX_MUTEX()

    def setup() -> None:
        tx_mutex_create(m, "m", TX_INHERIT)
        tx_mutex_create(n, "n", TX_NO_INHERIT)
        p.note("init", (tx_mutex_get(m, TX_NO_WAIT), tx_mutex_get(m, TX_NO_WAIT), info(m)[2:4]))
        p.note("init", (tx_mutex_put(m), tx_mutex_put(m), info(m)[2:4], tx_mutex_put(m)))
        p.note("init", (tx_mutex_get(m, 5), tx_mutex_get(n, TX_NO_WAIT)))  # n stays owned
        p.thread("a", 5, lambda: p.note("a", (tx_mutex_get(n, TX_NO_WAIT), tx_mutex_put(n),
                                              tx_mutex_get(n, 2))))
    p.run(setup)
    assert p.log == [(0, "init", (TX_SUCCESS, TX_SUCCESS, (2, None))),
                     (0, "init", (TX_SUCCESS, TX_SUCCESS, (0, None), TX_NOT_OWNED)),
                     (0, "init", (TX_WAIT_ERROR, TX_SUCCESS)),
                     (2, "a", (TX_NOT_AVAILABLE, TX_NOT_OWNED, TX_NOT_AVAILABLE))]


def test_isr_and_timer_callback_contexts() -> None:
    p = Program()
    m = TX_MUTEX()

    def in_timer() -> None:
        p.note("timer", (tx_mutex_get(m, 1), tx_mutex_get(m, TX_NO_WAIT), info(m)[3].name))
        p.note("timer", (tx_mutex_put(m), info(m)[2:4]))

    def in_isr() -> None:
        p.note("isr", (tx_mutex_get(m, TX_NO_WAIT), tx_mutex_get(m, 3), tx_mutex_put(m)))

    def setup() -> None:
        tx_mutex_create(m, "m", TX_INHERIT)
        p.timer("tmr", 1, in_timer)
        p.isr(2, in_isr)
        p.thread("a", 5, lambda: tx_thread_sleep(3))
    p.run(setup)
    assert p.log == [(1, "timer", (TX_WAIT_ERROR, TX_SUCCESS, "System Timer Thread")),
                     (1, "timer", (TX_SUCCESS, (0, None))),
                     (2, "isr", (TX_CALLER_ERROR, TX_WAIT_ERROR, TX_CALLER_ERROR))]


# ------------------------------------------------------------- priority inheritance
def _inversion_program(inherit: int) -> Program:
    """Low (20) owns the mutex and works 10 ticks; High (5) wants it at tick 2; Medium (10)
    becomes ready at tick 3 and hogs the CPU for 20 ticks. A timer samples Low's priority."""
    p = Program()
    m = TX_MUTEX()

    def low() -> None:
        p.note("low", tx_mutex_get(m, TX_WAIT_FOREVER))
        cpu_work(10)
        p.note("low", ("put", tx_mutex_put(m)))

    def high() -> None:
        tx_thread_sleep(2)
        p.note("high", "get")
        p.note("high", tx_mutex_get(m, TX_WAIT_FOREVER))
        p.note("high", ("put", tx_mutex_put(m)))

    def medium() -> None:
        tx_thread_sleep(3)
        p.note("medium", "start")
        cpu_work(20)
        p.note("medium", "done")

    def setup() -> None:
        tx_mutex_create(m, "m", inherit)
        p.thread("low", 20, low)
        p.thread("high", 5, high)
        p.thread("medium", 10, medium)
        for tick in (1, 5, 12):
            p.timer(f"probe{tick}", tick,
                    lambda: p.note("probe", ("low priority", priority(p.threads["low"]))))
    p.run(setup)
    return p


def test_priority_inheritance_lets_high_run_before_the_cpu_hog() -> None:
    p = _inversion_program(TX_INHERIT)
    assert p.log == [
        (0, "low", TX_SUCCESS),
        (1, "probe", ("low priority", 20)),
        (2, "high", "get"),                       # Low is raised to 5 and keeps working
        (5, "probe", ("low priority", 5)),        # Medium (ready since 3) cannot run
        (10, "high", TX_SUCCESS),                 # Low's put hands over and drops to 20
        (10, "high", ("put", TX_SUCCESS)),
        (10, "medium", "start"),
        (12, "probe", ("low priority", 20)),
        (30, "medium", "done"),
        (30, "low", ("put", TX_SUCCESS)),
    ]
    assert p.run_result.ticks == 30


def test_without_inheritance_the_cpu_hog_inverts_priorities() -> None:
    p = _inversion_program(TX_NO_INHERIT)
    assert p.log == [
        (0, "low", TX_SUCCESS),
        (1, "probe", ("low priority", 20)),
        (2, "high", "get"),
        (3, "medium", "start"),                   # preempts Low, which holds High's mutex
        (5, "probe", ("low priority", 20)),
        (12, "probe", ("low priority", 20)),
        (23, "medium", "done"),
        (30, "high", TX_SUCCESS),                 # Low needed 7 more ticks of work
        (30, "high", ("put", TX_SUCCESS)),
        (30, "low", ("put", TX_SUCCESS)),
    ]


def test_release_drops_to_most_urgent_waiter_of_other_owned_mutexes() -> None:
    p = Program()
    a, b, c = TX_MUTEX(), TX_MUTEX(), TX_MUTEX()

    def owner() -> None:
        me = p.threads["owner"]
        for mutex in (a, b, c):
            tx_mutex_get(mutex, TX_NO_WAIT)
        tx_thread_sleep(5)
        p.note("owner", (priority(me), me.tx_thread_inherit_priority))
        tx_mutex_put(a)  # still owns b (waiter at 8) and c (no inheritance, waiter at 2)
        p.note("owner", (priority(me), me.tx_thread_inherit_priority))
        tx_mutex_put(b)
        p.note("owner", (priority(me), me.tx_thread_inherit_priority))
        tx_mutex_put(c)
        p.note("owner", "done")

    def waiter(name: str, mutex: TX_MUTEX, delay: int) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(delay)
            p.note(name, tx_mutex_get(mutex, TX_WAIT_FOREVER))
        return body
    p.run(lambda: (tx_mutex_create(a, "a", TX_INHERIT), tx_mutex_create(b, "b", TX_INHERIT),
                   tx_mutex_create(c, "c", TX_NO_INHERIT), p.thread("owner", 20, owner),
                   p.thread("wa", 4, waiter("wa", a, 1)), p.thread("wb", 8, waiter("wb", b, 2)),
                   p.thread("wc", 2, waiter("wc", c, 3))))
    # Each hand-over goes to a waiter more urgent than the owner's new priority: it runs
    # inside tx_mutex_put.
    assert p.log == [(5, "owner", (4, 4)), (5, "wa", TX_SUCCESS), (5, "owner", (8, 8)),
                     (5, "wb", TX_SUCCESS), (5, "owner", (20, TX_MAX_PRIORITIES)),
                     (5, "wc", TX_SUCCESS), (5, "owner", "done")]


def test_inheritance_raises_a_waiting_owner_without_readying_it() -> None:
    p = Program()
    m, s = TX_MUTEX(), TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        p.note("owner", tx_mutex_get(s, 6))  # blocked elsewhere while it owns m
        p.note("owner", priority(p.threads["owner"]))
        tx_mutex_put(m)

    def holder() -> None:
        tx_mutex_get(s, TX_NO_WAIT)
        tx_thread_sleep(20)

    def high() -> None:
        tx_thread_sleep(2)
        p.note("high", tx_mutex_get(m, TX_WAIT_FOREVER))
        owner = p.threads["owner"]
        p.note("high", (tx_thread_info_get(owner)[2], owner.tx_thread_priority))
    p.run(lambda: (tx_mutex_create(m, "m", TX_INHERIT), tx_mutex_create(s, "s", TX_NO_INHERIT),
                   p.thread("holder", 2, holder), p.thread("owner", 20, owner),
                   p.thread("high", 3, high)))
    assert p.log == [(6, "owner", TX_NOT_AVAILABLE), (6, "owner", 3), (6, "high", TX_SUCCESS),
                     (6, "high", (TX_READY, 20))]


def test_user_priority_change_while_inheriting() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        me = p.threads["owner"]
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(2)
        p.note("owner", priority(me))
        p.note("owner", tx_thread_priority_change(me, 15))  # inherited 5 is kept
        p.note("owner", (priority(me), me.tx_thread_user_priority))
        tx_mutex_put(m)
        p.note("owner", priority(me))
    p.run(lambda: (tx_mutex_create(m, "m", TX_INHERIT), p.thread("owner", 20, owner),
                   p.thread("w", 5, lambda: (tx_thread_sleep(1),
                                             p.note("w", tx_mutex_get(m, TX_WAIT_FOREVER))))))
    assert p.log == [(2, "owner", 5), (2, "owner", (TX_SUCCESS, 20)), (2, "owner", (5, 15)),
                     (2, "w", TX_SUCCESS), (2, "owner", 15)]


def test_owner_leaving_inheritance_keeps_its_preemption_threshold() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        cpu_work(10)
        p.note("owner", "put")
        tx_mutex_put(m)
        cpu_work(2)
        p.note("owner", "done")

    def medium() -> None:
        tx_thread_sleep(2)
        p.note("medium", "start")
        cpu_work(3)
        p.note("medium", "done")
    p.run(lambda: (tx_mutex_create(m, "m", TX_INHERIT), p.thread("owner", 20, owner, threshold=10),
                   p.thread("high", 5, lambda: (tx_thread_sleep(1),
                                                p.note("high", tx_mutex_get(m, 2)))),
                   p.thread("medium", 15, medium)))
    # High times out at 3 but, at the owner's inherited priority 5, waits behind it. At
    # the put the owner drops to 20 with threshold 10: High runs, then the owner
    # resumes before Medium (15), which its threshold still holds off.
    assert p.log == [(10, "owner", "put"), (10, "high", TX_NOT_AVAILABLE), (12, "owner", "done"),
                     (12, "medium", "start"), (15, "medium", "done")]


def _timeout_inheritance_program() -> Program:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        cpu_work(12)
        p.note("owner", ("put", tx_mutex_put(m)))

    def high() -> None:
        tx_thread_sleep(1)
        p.note("high", tx_mutex_get(m, 3))

    def medium() -> None:
        tx_thread_sleep(2)
        p.note("medium", "start")
        cpu_work(5)
        p.note("medium", "done")

    def setup() -> None:
        tx_mutex_create(m, "m", TX_INHERIT)
        p.thread("owner", 20, owner)
        p.thread("high", 5, high)
        p.thread("medium", 10, medium)
        p.timer("probe", 6, lambda: p.note("probe", priority(p.threads["owner"])))
    p.run(setup)
    return p


def test_waiter_timeout_leaves_inherited_priority_as_threadx_does() -> None:
    p = _timeout_inheritance_program()
    # ThreadX's _tx_mutex_cleanup does not lower the owner: it keeps priority 5 after
    # High's wait timed out at tick 4, so High (also 5, behind the running owner) and
    # Medium both wait for the owner's put at tick 12.
    assert p.log == [(6, "probe", 5), (12, "high", TX_NOT_AVAILABLE), (12, "medium", "start"),
                     (17, "medium", "done"), (17, "owner", ("put", TX_SUCCESS))]


def test_waiter_timeout_recomputes_inheritance_with_the_fix(monkeypatch) -> None:
    monkeypatch.setattr(mutex_module, "RECOMPUTE_INHERITANCE_ON_WAIT_END", True)
    p = _timeout_inheritance_program()
    assert p.log == [(4, "high", TX_NOT_AVAILABLE), (4, "medium", "start"), (6, "probe", 20),
                     (9, "medium", "done"), (17, "owner", ("put", TX_SUCCESS))]


@pytest.mark.parametrize("fix", [False, True])
def test_wait_abort_of_inheriting_waiter(monkeypatch, fix: bool) -> None:
    monkeypatch.setattr(mutex_module, "RECOMPUTE_INHERITANCE_ON_WAIT_END", fix)
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(3)
        p.note("owner", priority(p.threads["owner"]))
        tx_mutex_put(m)
        p.note("owner", priority(p.threads["owner"]))

    def waiter(name: str, delay: int) -> Callable[[], None]:
        return lambda: (tx_thread_sleep(delay), p.note(name, tx_mutex_get(m, TX_WAIT_FOREVER)))

    def aborter() -> None:
        tx_thread_sleep(2)
        p.note("aborter", tx_thread_wait_abort(p.threads["w4"]))
    p.run(lambda: (tx_mutex_create(m, "m", TX_INHERIT), p.thread("owner", 20, owner),
                   p.thread("w4", 4, waiter("w4", 1)), p.thread("w9", 9, waiter("w9", 1)),
                   p.thread("aborter", 1, aborter)))
    owner_priority = 9 if fix else 4
    assert p.log == [(2, "aborter", TX_SUCCESS), (2, "w4", TX_WAIT_ABORTED),
                     (3, "owner", owner_priority), (3, "w9", TX_SUCCESS), (3, "owner", 20)]


# ---------------------------------------------------- completion and termination
def test_completed_thread_releases_its_mutexes_to_waiters() -> None:
    p = Program()
    a, b = TX_MUTEX(), TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(a, TX_NO_WAIT)
        tx_mutex_get(a, TX_NO_WAIT)
        tx_mutex_get(b, TX_NO_WAIT)
        tx_thread_sleep(2)
        p.note("owner", ("returns", priority(p.threads["owner"])))

    def waiter(name: str, mutex: TX_MUTEX) -> Callable[[], None]:
        def body() -> None:
            tx_thread_sleep(1)
            p.note(name, tx_mutex_get(mutex, TX_WAIT_FOREVER))
            p.note(name, info(mutex)[2:4])
        return body
    p.run(lambda: (tx_mutex_create(a, "a", TX_INHERIT), tx_mutex_create(b, "b", TX_NO_INHERIT),
                   p.thread("owner", 20, owner), p.thread("wa", 6, waiter("wa", a)),
                   p.thread("wb", 7, waiter("wb", b))))
    owner = p.threads["owner"]
    wa, wb = p.threads["wa"], p.threads["wb"]
    assert p.log == [(2, "owner", ("returns", 6)), (2, "wa", TX_SUCCESS), (2, "wa", (1, wa)),
                     (2, "wb", TX_SUCCESS), (2, "wb", (1, wb))]
    assert owner.tx_thread_state == TX_COMPLETED and owner.owned_mutexes == []
    assert (owner.tx_thread_priority, owner.tx_thread_inherit_priority) == (20, TX_MAX_PRIORITIES)


def test_terminated_thread_releases_its_mutexes() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(50)

    def killer() -> None:
        tx_thread_sleep(3)
        p.note("killer", priority(p.threads["owner"]))
        p.note("killer", tx_thread_terminate(p.threads["owner"]))
        p.note("killer", info(m)[2:4])

    def waiter() -> None:
        tx_thread_sleep(1)
        p.note("w", tx_mutex_get(m, TX_WAIT_FOREVER))
        p.note("w", info(m)[2:4] == (1, p.threads["w"]))
    p.run(lambda: (tx_mutex_create(m, "m", TX_INHERIT), p.thread("owner", 20, owner),
                   p.thread("w", 8, waiter), p.thread("killer", 10, killer)))
    # The new owner (8) is more urgent than the killer (10): it runs inside terminate,
    # and its own completion frees the mutex again.
    assert p.log == [(3, "killer", 8), (3, "w", TX_SUCCESS), (3, "w", True),
                     (3, "killer", TX_SUCCESS), (3, "killer", (0, None))]
    assert p.threads["owner"].tx_thread_priority == 20
    assert p.run_result.ticks == 3


def test_terminated_waiter_leaves_the_list() -> None:
    p = Program()
    m = TX_MUTEX()

    def owner() -> None:
        tx_mutex_get(m, TX_NO_WAIT)
        tx_thread_sleep(2)
        p.note("owner", tx_thread_terminate(p.threads["w"]))
        p.note("owner", (info(m)[4:6], tx_mutex_put(m), info(m)[2:4]))
    p.run(lambda: (tx_mutex_create(m, "m", TX_NO_INHERIT), p.thread("owner", 5, owner),
                   p.thread("w", 6, lambda: p.note("w", tx_mutex_get(m, TX_WAIT_FOREVER)))))
    assert p.log == [(2, "owner", TX_SUCCESS), (2, "owner", ((None, 0), TX_SUCCESS, (0, None)))]


def test_release_all_owned_directly() -> None:
    p = Program()
    a, b = TX_MUTEX(), TX_MUTEX()

    def body() -> None:
        me = p.threads["a"]
        tx_mutex_get(a, TX_NO_WAIT)
        tx_mutex_get(b, TX_NO_WAIT)
        tx_mutex_get(b, TX_NO_WAIT)
        release_all_owned(me)
        p.note("a", (me.owned_mutexes, info(a)[2:4], info(b)[2:4]))
    p.run(lambda: (tx_mutex_create(a, "a", TX_INHERIT), tx_mutex_create(b, "b", TX_NO_INHERIT),
                   p.thread("a", 5, body)))
    assert p.log == [(0, "a", ([], (0, None), (0, None)))]


def test_deadlock_report_names_the_mutex(capsys) -> None:
    p = Program()
    m = TX_MUTEX()
    p.run(lambda: (tx_mutex_create(m, "guard", TX_NO_INHERIT), tx_mutex_get(m, TX_NO_WAIT),
                   p.thread("w", 5, lambda: tx_mutex_get(m, TX_WAIT_FOREVER))))
    assert p.run_result.blocked == [("w", "TX_MUTEX_SUSP", "guard")]
    assert "guard" in capsys.readouterr().err


# ---------------------------------------------------------------- hypothesis property
M_OPS = st.one_of(
    st.tuples(st.just("get"), st.integers(0, 1),
              st.sampled_from([TX_NO_WAIT, 1, 3, 6, TX_WAIT_FOREVER])),
    st.tuples(st.just("put"), st.integers(0, 1), st.just(0)),
    st.tuples(st.just("sleep"), st.just(0), st.integers(1, 3)),
    st.tuples(st.just("work"), st.just(0), st.integers(1, 3)),
    st.tuples(st.just("abort"), st.just(0), st.integers(0, 3)),
)
M_SCRIPTS = st.lists(st.tuples(st.integers(2, 20), st.lists(M_OPS, max_size=8)), min_size=2, max_size=4)


@given(inherit=st.sampled_from([TX_INHERIT, TX_NO_INHERIT]), scripts=M_SCRIPTS)
def test_property_ownership_is_consistent(inherit: int, scripts: list) -> None:
    mutexes = [TX_MUTEX(), TX_MUTEX()]
    threads: list[TX_THREAD] = []
    problems: list[str] = []
    held: dict[int, list[int]] = {}  # thread index -> ownership count per mutex, per its log

    def check(where: str) -> None:
        for mutex in mutexes:
            owner, count = mutex.tx_mutex_owner, mutex.tx_mutex_ownership_count
            if (owner is None) != (count == 0):
                problems.append(f"{where}: owner {owner} with count {count}")
            if mutex.suspension_list and owner is None:
                problems.append(f"{where}: waiters on a free mutex")
            if owner is not None and owner in mutex.suspension_list:
                problems.append(f"{where}: owner waits on its own mutex")
        for thread in threads:
            owned = [m for m in mutexes if m.tx_mutex_owner is thread]
            if sorted(map(id, owned)) != sorted(map(id, thread.owned_mutexes)):
                problems.append(f"{where}: owned list of {thread.name} is stale")
            if inherit == TX_NO_INHERIT and thread.tx_thread_priority != thread.tx_thread_user_priority:
                problems.append(f"{where}: {thread.name} changed priority without inheritance")
            if thread.tx_thread_priority > thread.tx_thread_user_priority:
                problems.append(f"{where}: {thread.name} below its user priority")

    def body(index: int, script: list) -> Callable[[], None]:
        def run() -> None:
            counts = held.setdefault(index, [0, 0])
            for op, which, argument in script:
                mutex = mutexes[which]
                if op == "get":
                    status = tx_mutex_get(mutex, argument)
                    if status == TX_SUCCESS:
                        counts[which] += 1
                    elif status not in (TX_NOT_AVAILABLE, TX_WAIT_ABORTED):
                        problems.append(f"get returned {status}")
                elif op == "put":
                    status = tx_mutex_put(mutex)
                    expected = TX_SUCCESS if counts[which] else TX_NOT_OWNED
                    if status != expected:
                        problems.append(f"put returned {status}, expected {expected}")
                    counts[which] -= status == TX_SUCCESS
                elif op == "sleep":
                    tx_thread_sleep(argument)
                elif op == "work":
                    cpu_work(argument)
                else:
                    tx_thread_wait_abort(threads[argument % len(threads)])
                me = threads[index]
                if [m.tx_mutex_ownership_count if m.tx_mutex_owner is me else 0 for m in mutexes] != counts:
                    problems.append(f"{me.name} counts {counts} disagree with the mutexes")
                check(op)
        return run

    def setup() -> None:
        for index, mutex in enumerate(mutexes):
            tx_mutex_create(mutex, f"m{index}", inherit)
        for index, (prio, script) in enumerate(scripts):
            thread = TX_THREAD()
            assert tx_thread_create(thread, f"t{index}", lambda _, b=body(index, script): b(), 0,
                                    p.memory + index * STACK, STACK, prio, prio, TX_NO_TIME_SLICE,
                                    TX_AUTO_START) == TX_SUCCESS
            threads.append(thread)

    p = Program()
    p.run(setup, until=400)
    check("end")
    assert not problems, problems[:3]
    # Completed threads released everything and are back at their own priority.
    for thread in threads:
        if thread.tx_thread_state == TX_COMPLETED:
            assert thread.owned_mutexes == []
            assert thread.tx_thread_priority == thread.tx_thread_user_priority
