"""Thread services (``tx_thread_*.c`` and the ``txe_thread_*.c`` checks): every service's
success path, every argument and calling-context error, as exact event logs.

Expected values follow the C: where the kernel differs, the test keeps the ThreadX
outcome and is marked ``xfail(strict=True, reason="kernel bug: ...")``.
"""
from __future__ import annotations

import pytest

from netxsim.tx import (
    TX_AUTO_ACTIVATE, TX_AUTO_START, TX_CALLER_ERROR, TX_COMPLETED, TX_DELETE_ERROR,
    TX_DONT_START, TX_IO_DRIVER, TX_NO_INSTANCE, TX_NOT_DONE, TX_PRIORITY_ERROR, TX_PTR_ERROR,
    TX_READY, TX_RESUME_ERROR, TX_SIZE_ERROR, TX_SLEEP, TX_START_ERROR, TX_SUCCESS,
    TX_SUSPEND_ERROR, TX_SUSPEND_LIFTED, TX_SUSPENDED, TX_TERMINATED, TX_THREAD, TX_THREAD_ENTRY,
    TX_THREAD_ERROR, TX_THREAD_EXIT, TX_THRESH_ERROR, TX_TIMER, TX_WAIT_ABORT_ERROR,
    TX_WAIT_ABORTED, TX_WAIT_FOREVER, cpu_work, tx_thread_create, tx_thread_delete,
    tx_thread_entry_exit_notify, tx_thread_identify, tx_thread_info_get,
    tx_thread_preemption_change, tx_thread_priority_change, tx_thread_relinquish, tx_thread_reset,
    tx_thread_resume, tx_thread_sleep, tx_thread_suspend, tx_thread_terminate,
    tx_thread_time_slice_change, tx_thread_wait_abort, tx_time_get, tx_timer_create,
)
from netxsim.tx.kernel import kernel

from netxsim.testing.eventlog import Gate, Program, interrupt_at, keeper, nothing, state


# ------------------------------------------------------------------------------ create
def test_create_argument_errors_in_c_check_order():
    p = Program()
    got: dict[str, object] = {}

    def define():
        k = kernel()
        region = p.stack(8192)
        first = TX_THREAD()
        # The first stack occupies [region+2048, region+3072).
        got["first"] = tx_thread_create(first, "first", nothing, 0, region + 2048, 1024, 10, 10, 0,
                                        TX_AUTO_START)
        t = TX_THREAD()

        def create(stack, size=1024, priority=10, threshold=10, auto=TX_AUTO_START, entry=nothing,
                   thread=t):
            return tx_thread_create(thread, "t", entry, 0, stack, size, priority, threshold, 0,
                                    auto)

        end_of_ram = k.memory.first_unused + k.memory.size
        got["none"] = create(p.stack(), thread=None)
        got["again"] = create(p.stack(), thread=first)
        got["stack None"] = create(None)
        got["stack past RAM"] = create(end_of_ram)
        got["stack straddles end of RAM"] = create(end_of_ram - 512)
        got["stack below RAM"] = create(k.memory.first_unused - 2048)
        got["start inside"] = create(region + 2560)
        got["end inside"] = create(region + 1536)
        got["covers it"] = create(region + 1024, size=4096)
        got["entry None"] = create(p.stack(), entry=None)
        got["stack 199"] = create(p.stack(), size=199)
        got["priority 32"] = create(p.stack(), priority=32, threshold=32)
        got["threshold > priority"] = create(p.stack(), priority=10, threshold=11)
        got["auto_start 2"] = create(p.stack(), auto=2)
        # Several errors at once: the first check in C order wins.
        got["entry None + size"] = create(p.stack(), size=100, entry=None)
        got["size + priority"] = create(p.stack(), size=100, priority=32)
        got["priority + threshold"] = create(p.stack(), priority=32, threshold=40)
        got["threshold + start"] = create(p.stack(), threshold=11, auto=2)
        got["not created after errors"] = tx_thread_info_get(t)[0]
        # Stacks touching the first one's ends do not overlap it; 200 bytes is enough.
        got["adjacent below"] = create(region + 1024, thread=TX_THREAD())
        got["adjacent above"] = create(region + 3072, thread=TX_THREAD())
        got["minimum stack"] = create(p.stack(200), size=200, thread=TX_THREAD())
        got["priority 31"] = create(p.stack(), priority=31, threshold=0, auto=TX_DONT_START)

    run = p.run(define)
    assert got == {
        "first": TX_SUCCESS, "none": TX_THREAD_ERROR, "again": TX_THREAD_ERROR,
        "stack None": TX_PTR_ERROR, "stack past RAM": TX_PTR_ERROR,
        "stack straddles end of RAM": TX_PTR_ERROR, "stack below RAM": TX_PTR_ERROR,
        "start inside": TX_PTR_ERROR, "end inside": TX_PTR_ERROR,
        # C only tests whether the new stack's first or last byte lies inside another
        # stack; a stack covering another is caught here as well (the simulation does not
        # model the silent corruption).
        "covers it": TX_PTR_ERROR,
        "entry None": TX_PTR_ERROR, "stack 199": TX_SIZE_ERROR,
        "priority 32": TX_PRIORITY_ERROR, "threshold > priority": TX_THRESH_ERROR,
        "auto_start 2": TX_START_ERROR, "entry None + size": TX_PTR_ERROR,
        "size + priority": TX_SIZE_ERROR, "priority + threshold": TX_PRIORITY_ERROR,
        "threshold + start": TX_THRESH_ERROR, "not created after errors": TX_THREAD_ERROR,
        "adjacent below": TX_SUCCESS, "adjacent above": TX_SUCCESS, "minimum stack": TX_SUCCESS,
        "priority 31": TX_SUCCESS,
    }
    assert run.reason == "deadlock"  # the DONT_START thread never runs


def test_create_from_timer_callback_is_caller_error():
    p = Program()
    late = TX_THREAD()

    def callback(_):
        p.event("timer", tx_thread_create(late, "late", nothing, 0, p.stack(), 1024, 5, 5, 0,
                                          TX_AUTO_START))

    def define():
        p.thread("keeper", keeper(5), 20)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 2, 0, TX_AUTO_ACTIVATE)

    run = p.run(define)
    assert p.log == [(2, "timer", TX_CALLER_ERROR)]
    assert tx_thread_info_get(late)[0] == TX_THREAD_ERROR
    assert run.reason == "completed" and run.ticks == 5


def test_create_from_thread_more_urgent_auto_start_preempts_creator():
    p = Program()

    def creator(_):
        p.event("A", "create B")
        status = tx_thread_create(TX_THREAD(), "B", lambda _: p.event("B", "run"), 0, p.stack(),
                                  1024, 5, 5, 0, TX_AUTO_START)
        p.event("A", ("B created", status))
        status = tx_thread_create(TX_THREAD(), "C", lambda _: p.event("C", "run"), 0, p.stack(),
                                  1024, 20, 20, 0, TX_AUTO_START)
        p.event("A", ("C created", status))
        tx_thread_sleep(2)
        p.event("A", "end")

    p.run(lambda: p.thread("A", creator, 10))
    assert p.log == [
        (0, "A", "create B"), (0, "B", "run"), (0, "A", ("B created", TX_SUCCESS)),
        (0, "A", ("C created", TX_SUCCESS)), (0, "C", "run"), (2, "A", "end"),
    ]


def test_create_dont_start_thread_is_suspended_until_resumed():
    p = Program()

    def a(_):
        b = p.threads["B"]
        p.event("A", state(b))
        tx_thread_sleep(3)
        p.event("A", ("resume", tx_thread_resume(b)))

    def define():
        p.thread("A", a, 10)
        p.thread("B", lambda _: p.event("B", "run"), 5, auto_start=TX_DONT_START)

    p.run(define)
    assert p.log == [(0, "A", TX_SUSPENDED), (3, "B", "run"), (3, "A", ("resume", TX_SUCCESS))]


def test_create_again_after_delete_starts_from_a_clean_control_block():
    p = Program()
    got = {}

    def notify(thread, what):
        p.event("notify", what)

    def a(_):
        t = p.threads["T"]
        tx_thread_delete(t)
        got["create"] = tx_thread_create(t, "T", nothing, 0, p.stack(), 1024, 20, 20, 0,
                                         TX_DONT_START)
        got["info"] = tx_thread_info_get(t)[3]
        tx_thread_resume(t)

    def define():
        tx_thread_entry_exit_notify(p.thread("T", nothing, 5), notify)
        p.thread("A", a, 10)

    p.run(define)
    assert got == {"create": TX_SUCCESS, "info": 0}
    assert p.log == [(0, "notify", TX_THREAD_ENTRY), (0, "notify", TX_THREAD_EXIT)]


# ------------------------------------------------------------------------------ delete
def test_delete_errors_and_success():
    p = Program()
    got: dict[str, object] = {}

    def main(_):
        threads = p.threads
        got["None"] = tx_thread_delete(None)
        got["never created"] = tx_thread_delete(TX_THREAD())
        got["ready"] = tx_thread_delete(threads["ready"])
        got["sleeping"] = tx_thread_delete(threads["sleeper"])
        got["suspended"] = tx_thread_delete(threads["suspended"])
        got["completed"] = tx_thread_delete(threads["done"])
        got["deleted again"] = tx_thread_delete(threads["done"])
        got["info after delete"] = tx_thread_info_get(threads["done"])[0]
        tx_thread_terminate(threads["sleeper"])
        got["terminated"] = tx_thread_delete(threads["sleeper"])
        # The deleted thread's stack is free for a new thread.
        got["stack reused"] = tx_thread_create(TX_THREAD(), "new", nothing, 0,
                                               threads["done"].tx_thread_stack_start, 1024, 30, 30,
                                               0, TX_AUTO_START)
        tx_thread_terminate(threads["suspended"])
        tx_thread_terminate(threads["ready"])

    def define():
        p.thread("done", nothing, 1)
        p.thread("main", main, 10)
        p.thread("ready", nothing, 20)
        p.thread("sleeper", keeper(100), 2)
        p.thread("suspended", nothing, 20, auto_start=TX_DONT_START)
        got["init None"] = tx_thread_delete(None)  # C checks the caller first
        got["init"] = tx_thread_delete(p.threads["done"])

    run = p.run(define)
    assert got == {
        "init None": TX_CALLER_ERROR, "init": TX_CALLER_ERROR, "None": TX_THREAD_ERROR,
        "never created": TX_THREAD_ERROR, "ready": TX_DELETE_ERROR, "sleeping": TX_DELETE_ERROR,
        "suspended": TX_DELETE_ERROR, "completed": TX_SUCCESS, "deleted again": TX_THREAD_ERROR,
        "info after delete": TX_THREAD_ERROR, "terminated": TX_SUCCESS, "stack reused": TX_SUCCESS,
    }
    assert run.reason == "completed"


def test_delete_from_timer_callback_is_allowed():
    # txe_thread_delete only rejects a non-zero system state; a timer callback runs in
    # the timer thread (system state 0).
    p = Program()

    def callback(_):
        p.event("timer", tx_thread_delete(p.threads["done"]))

    def define():
        p.thread("done", nothing, 10)
        p.thread("keeper", keeper(5), 20)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 2, 0, TX_AUTO_ACTIVATE)

    p.run(define)
    assert p.log == [(2, "timer", TX_SUCCESS)]


# ---------------------------------------------------------------------------- identify
def test_identify_in_init_thread_and_timer_callback():
    p = Program()
    seen: dict[str, object] = {}

    def callback(_):
        me = tx_thread_identify()
        seen["timer"] = me
        seen["timer info"] = tx_thread_info_get(me)[1:5]

    def a(_):
        seen["thread"] = tx_thread_identify()
        tx_thread_sleep(5)

    def define():
        seen["init"] = tx_thread_identify()
        p.thread("A", a, 10)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 2, 0, TX_AUTO_ACTIVATE)

    p.run(define)
    assert seen["init"] is None
    assert seen["thread"] is p.threads["A"]
    assert seen["timer"] is kernel().timer_thread and seen["timer"] is not p.threads["A"]
    # The timer callback runs in the ready (running) system timer thread, priority 0.
    assert seen["timer info"] == ("System Timer Thread", TX_READY, 1, 0)


# ---------------------------------------------------------------------------- info_get
def test_info_get_fields_and_created_list():
    p = Program()
    got: dict[str, object] = {}

    def a(_):
        threads = p.threads
        got["A"] = tx_thread_info_get(threads["A"])
        got["B"] = tx_thread_info_get(threads["B"])
        got["None"] = tx_thread_info_get(None)
        got["never created"] = tx_thread_info_get(TX_THREAD())
        tx_thread_resume(threads["B"])

    def define():
        p.thread("A", a, 10, threshold=8, time_slice=5)
        p.thread("B", nothing, 12, auto_start=TX_DONT_START)

    p.run(define)
    timer_thread = kernel().timer_thread
    # The created list is circular and starts with the system timer thread, as ThreadX
    # creates it first (tx_timer_initialize.c).
    assert got["A"] == (TX_SUCCESS, "A", TX_READY, 1, 10, 8, 5, p.threads["B"], None)
    assert got["B"] == (TX_SUCCESS, "B", TX_SUSPENDED, 0, 12, 12, 0, timer_thread, None)
    assert got["None"] == (TX_THREAD_ERROR,) + (None,) * 8
    assert got["never created"] == (TX_THREAD_ERROR,) + (None,) * 8


def test_info_get_next_suspended_thread_follows_the_wait_list():
    p = Program()
    gate = Gate()
    got = {}

    def waiter(_):
        gate.wait()

    def a(_):
        w1, w2 = p.threads["W1"], p.threads["W2"]
        got["W1"] = tx_thread_info_get(w1)[2::6]
        got["W2"] = tx_thread_info_get(w2)[2::6]
        gate.open_one()
        gate.open_one()

    def define():
        p.thread("W1", waiter, 5)
        p.thread("W2", waiter, 5)
        p.thread("A", a, 10)

    p.run(define)
    w1, w2 = p.threads["W1"], p.threads["W2"]
    # (state, next_suspended_thread): the suspension list is circular.
    assert got == {"W1": (TX_IO_DRIVER, w2), "W2": (TX_IO_DRIVER, w1)}


def test_info_get_next_suspended_of_a_lone_waiter_is_itself():
    p = Program()
    gate = Gate()
    got = {}

    def a(_):
        got["W"] = tx_thread_info_get(p.threads["W"])[8]
        gate.open_one()

    def define():
        p.thread("W", lambda _: gate.wait(), 5)
        p.thread("A", a, 10)

    p.run(define)
    assert got["W"] is p.threads["W"]


def test_info_get_reports_user_priority_while_a_priority_is_inherited():
    p = Program()
    got = {}

    def a(_):
        b = p.threads["B"]
        # What a mutex with priority inheritance does to its owner.
        b.tx_thread_inherit_priority = 3
        kernel().change_priority(b, 3, 3)
        got["effective"] = (b.tx_thread_priority, b.tx_thread_preempt_threshold)
        got["info"] = tx_thread_info_get(b)[4:6]

    def define():
        p.thread("A", a, 2)
        p.thread("B", nothing, 10, threshold=7)

    p.run(define)
    assert got == {"effective": (3, 3), "info": (10, 7)}


def test_info_get_time_slice_is_the_remaining_slice_of_a_preempted_thread():
    p = Program()

    def a(_):
        cpu_work(6)

    def h(_):
        tx_thread_sleep(3)
        p.event("H", tx_thread_info_get(p.threads["A"])[6])

    def define():
        p.thread("A", a, 10, time_slice=10)
        p.thread("H", h, 5)

    p.run(define)
    # A ran ticks 1..3 of its 10-tick slice before H preempted it.
    assert p.log == [(3, "H", 7)]


# ------------------------------------------------------------------ preemption_change
def test_preemption_change_raising_threshold_lets_a_held_off_thread_in_at_once():
    p = Program()

    def a(_):
        p.event("A", ("resume B", tx_thread_resume(p.threads["B"])))
        p.event("A", ("change", tx_thread_preemption_change(p.threads["A"], 10)))
        p.event("A", ("info", tx_thread_info_get(p.threads["A"])[4:6]))

    def define():
        p.thread("A", a, 10, threshold=5)
        p.thread("B", lambda _: p.event("B", "run"), 8, auto_start=TX_DONT_START)

    p.run(define)
    assert p.log == [
        (0, "A", ("resume B", TX_SUCCESS)),  # 8 is not more urgent than threshold 5
        (0, "B", "run"),                     # let in inside tx_thread_preemption_change
        (0, "A", ("change", (TX_SUCCESS, 5))),
        (0, "A", ("info", (10, 10))),
    ]


def test_preemption_change_lowering_threshold_holds_off_more_urgent_threads():
    p = Program()

    def a(_):
        p.event("A", tx_thread_preemption_change(p.threads["A"], 5))
        tx_thread_resume(p.threads["B"])  # priority 8: held off
        p.event("A", "still running")
        tx_thread_resume(p.threads["C"])  # priority 4: preempts
        p.event("A", "end")

    def define():
        p.thread("A", a, 10)
        p.thread("B", lambda _: p.event("B", "run"), 8, auto_start=TX_DONT_START)
        p.thread("C", lambda _: p.event("C", "run"), 4, auto_start=TX_DONT_START)

    p.run(define)
    assert p.log == [
        (0, "A", (TX_SUCCESS, 10)), (0, "A", "still running"), (0, "C", "run"), (0, "A", "end"),
        (0, "B", "run"),
    ]


def test_preemption_change_errors():
    p = Program()
    got = {}

    def a(_):
        me = p.threads["A"]
        got["None"] = tx_thread_preemption_change(None, 5)
        got["never created"] = tx_thread_preemption_change(TX_THREAD(), 5)
        got["above priority"] = tx_thread_preemption_change(me, 11)
        got["unchanged"] = tx_thread_info_get(me)[5]
        got["equal"] = tx_thread_preemption_change(me, 10)
        got["zero"] = tx_thread_preemption_change(me, 0)

    def define():
        got["init"] = tx_thread_preemption_change(p.thread("A", a, 10, threshold=7), 5)

    p.run(define)
    assert got == {
        "init": (TX_CALLER_ERROR, None), "None": (TX_THREAD_ERROR, None),
        "never created": (TX_THREAD_ERROR, None), "above priority": (TX_THRESH_ERROR, None),
        "unchanged": 7, "equal": (TX_SUCCESS, 7), "zero": (TX_SUCCESS, 10),
    }


# -------------------------------------------------------------------- priority_change
def test_priority_change_raising_a_ready_thread_above_the_caller_preempts_at_once():
    p = Program()

    def a(_):
        b, c = p.threads["B"], p.threads["C"]
        p.event("A", ("C to 15", tx_thread_priority_change(c, 15)))  # still below A
        p.event("A", ("B to 5", tx_thread_priority_change(b, 5)))
        p.event("A", "end")

    def define():
        p.thread("A", a, 10)
        p.thread("B", lambda _: p.event("B", tx_thread_info_get(p.threads["B"])[4:6]), 20)
        p.thread("C", lambda _: p.event("C", "run"), 20)

    p.run(define)
    assert p.log == [
        (0, "A", ("C to 15", (TX_SUCCESS, 20))), (0, "B", (5, 5)),
        (0, "A", ("B to 5", (TX_SUCCESS, 20))), (0, "A", "end"), (0, "C", "run"),
    ]


def test_priority_change_lowering_own_priority_keeps_the_cpu_unless_more_urgent_ready():
    p = Program()

    def a(_):
        me = p.threads["A"]
        p.event("A", tx_thread_priority_change(me, 12))  # B (15) is less urgent: keep running
        p.event("A", tx_thread_priority_change(me, 15))  # equal to B: head of level 15, keep it
        p.event("A", "at 15")
        p.event("A", tx_thread_priority_change(me, 20))  # B is now more urgent: it runs at once
        p.event("A", "end")

    def define():
        p.thread("A", a, 10)
        p.thread("B", lambda _: p.event("B", "run"), 15)

    p.run(define)
    assert p.log == [
        (0, "A", (TX_SUCCESS, 10)), (0, "A", (TX_SUCCESS, 12)), (0, "A", "at 15"),
        (0, "B", "run"), (0, "A", (TX_SUCCESS, 15)), (0, "A", "end"),
    ]


def test_priority_change_to_a_peers_level_then_relinquish_lets_the_peer_run():
    p = Program()

    def a(_):
        tx_thread_priority_change(p.threads["A"], 15)
        p.event("A", "relinquish")
        tx_thread_relinquish()
        p.event("A", "end")

    def define():
        p.thread("A", a, 10)
        p.thread("B", lambda _: p.event("B", "run"), 15)

    p.run(define)
    assert p.log == [(0, "A", "relinquish"), (0, "B", "run"), (0, "A", "end")]


def test_priority_change_of_a_sleeping_thread_applies_when_it_wakes():
    p = Program()

    def sleeper(name):
        def entry(_):
            tx_thread_sleep(5)
            p.event(name, tx_thread_info_get(p.threads[name])[4])
        return entry

    def a(_):
        tx_thread_sleep(1)
        p.event("A", tx_thread_priority_change(p.threads["S"], 5))
        p.event("A", tx_thread_info_get(p.threads["S"])[2])

    def define():
        p.thread("L", sleeper("L"), 8)   # arms its sleep first
        p.thread("S", sleeper("S"), 20)
        p.thread("A", a, 10)

    p.run(define)
    assert p.log == [(1, "A", (TX_SUCCESS, 20)), (1, "A", TX_SLEEP), (5, "S", 5), (5, "L", 8)]


def test_priority_change_resets_the_threshold_and_errors():
    p = Program()
    got = {}

    def a(_):
        me = p.threads["A"]
        got["None"] = tx_thread_priority_change(None, 5)
        got["never created"] = tx_thread_priority_change(TX_THREAD(), 5)
        got["32"] = tx_thread_priority_change(me, 32)
        got["change"] = tx_thread_priority_change(me, 12)
        got["info"] = tx_thread_info_get(me)[4:6]

    def define():
        t = p.thread("A", a, 10, threshold=5)
        got["init"] = tx_thread_priority_change(t, 12)
        got["init 32"] = tx_thread_priority_change(t, 32)  # priority is checked before caller

    p.run(define)
    assert got == {
        "init": (TX_CALLER_ERROR, None), "init 32": (TX_PRIORITY_ERROR, None),
        "None": (TX_THREAD_ERROR, None), "never created": (TX_THREAD_ERROR, None),
        "32": (TX_PRIORITY_ERROR, None), "change": (TX_SUCCESS, 10), "info": (12, 12),
    }


# ------------------------------------------------------------------------- relinquish
def test_relinquish_round_robin_among_equal_priorities():
    p = Program()

    def worker(name):
        def entry(_):
            for i in range(3):
                p.event(name, i)
                tx_thread_relinquish()
        return entry

    def define():
        for name in "ABC":
            p.thread(name, worker(name), 10)
        p.thread("L", lambda _: p.event("L", "run"), 11)

    p.run(define)
    assert [(who, i) for _, who, i in p.log] == [
        ("A", 0), ("B", 0), ("C", 0), ("A", 1), ("B", 1), ("C", 1), ("A", 2), ("B", 2), ("C", 2),
        ("L", "run"),
    ]


def test_relinquish_alone_returns_at_once():
    p = Program()

    def a(_):
        p.event("A", 1)
        tx_thread_relinquish()
        p.event("A", 2)

    def define():
        p.thread("A", a, 10)
        p.thread("L", lambda _: p.event("L", "run"), 20)

    p.run(define)
    assert p.log == [(0, "A", 1), (0, "A", 2), (0, "L", "run")]


def test_relinquish_lets_a_thread_held_off_by_the_threshold_run():
    p = Program()

    def a(_):
        tx_thread_resume(p.threads["B"])
        p.event("A", "relinquish")
        tx_thread_relinquish()
        p.event("A", "end")

    def define():
        p.thread("A", a, 10, threshold=5)
        p.thread("B", lambda _: p.event("B", "run"), 8, auto_start=TX_DONT_START)

    p.run(define)
    assert p.log == [(0, "A", "relinquish"), (0, "B", "run"), (0, "A", "end")]


def test_relinquish_outside_a_thread_is_a_no_op():
    p = Program()

    def callback(_):
        tx_thread_relinquish()
        p.event("timer", "after relinquish")

    def define():
        tx_thread_relinquish()
        p.thread("A", lambda _: (tx_thread_sleep(2), p.event("A", "woke")), 10)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 2, 0, TX_AUTO_ACTIVATE)

    p.run(define)
    assert p.log == [(2, "timer", "after relinquish"), (2, "A", "woke")]


# ------------------------------------------------------------------------------ reset
def test_reset_not_done_and_context_errors():
    p = Program()
    got = {}

    def callback(_):
        got["timer callback"] = tx_thread_reset(p.threads["done"])

    def a(_):
        threads = p.threads
        got["self"] = tx_thread_reset(threads["A"])
        got["ready"] = tx_thread_reset(threads["ready"])
        got["sleeping"] = tx_thread_reset(threads["sleeper"])
        got["suspended"] = tx_thread_reset(threads["suspended"])
        got["None"] = tx_thread_reset(None)
        got["never created"] = tx_thread_reset(TX_THREAD())
        tx_thread_sleep(3)
        got["state after failed resets"] = state(threads["done"])
        for name in ("ready", "sleeper", "suspended"):
            tx_thread_terminate(threads[name])

    def define():
        p.thread("done", nothing, 1)
        p.thread("A", a, 10)
        p.thread("ready", nothing, 20)
        p.thread("sleeper", keeper(100), 5)
        p.thread("suspended", nothing, 20, auto_start=TX_DONT_START)
        got["init"] = tx_thread_reset(p.threads["done"])
        tx_timer_create(TX_TIMER(), "t", callback, 0, 2, 0, TX_AUTO_ACTIVATE)

    p.run(define)
    assert got == {
        "init": TX_CALLER_ERROR, "self": TX_NOT_DONE, "ready": TX_NOT_DONE,
        "sleeping": TX_NOT_DONE, "suspended": TX_NOT_DONE, "None": TX_THREAD_ERROR,
        "never created": TX_THREAD_ERROR, "timer callback": TX_CALLER_ERROR,
        "state after failed resets": TX_COMPLETED,
    }


def test_reset_thread_runs_its_entry_from_the_top_when_resumed():
    p = Program()

    def w(value):
        p.event("W", ("start", value))
        tx_thread_sleep(10)
        p.event("W", "end")

    def a(_):
        wt = p.threads["W"]
        tx_thread_sleep(2)
        tx_thread_terminate(wt)  # in the middle of its sleep
        p.event("A", ("reset", tx_thread_reset(wt), state(wt)))
        tx_thread_sleep(2)
        p.event("A", ("resume", tx_thread_resume(wt)))
        tx_thread_sleep(20)
        p.event("A", ("reset", tx_thread_reset(wt), state(wt)))
        p.event("A", ("resume", tx_thread_resume(wt)))
        p.event("A", ("run count", tx_thread_info_get(wt)[3]))

    def define():
        p.thread("W", w, 5, entry_input=42)
        p.thread("A", a, 10)

    run = p.run(define)
    assert p.log == [
        (0, "W", ("start", 42)),
        (2, "A", ("reset", TX_SUCCESS, TX_SUSPENDED)),
        (4, "W", ("start", 42)),  # from the top, and the old sleep never fires
        (4, "A", ("resume", TX_SUCCESS)),
        (14, "W", "end"),
        (24, "A", ("reset", TX_SUCCESS, TX_SUSPENDED)),
        (24, "W", ("start", 42)),
        (24, "A", ("resume", TX_SUCCESS)),
        (24, "A", ("run count", 4)),  # ThreadX keeps counting across resets
        (34, "W", "end"),
    ]
    assert run.ticks == 34


# ----------------------------------------------------------------------------- resume
def test_resume_errors():
    p = Program()
    gate = Gate()
    got = {}

    def a(_):
        threads = p.threads
        got["sleeping"] = tx_thread_resume(threads["sleeper"])
        got["ready"] = tx_thread_resume(threads["ready"])
        got["self"] = tx_thread_resume(threads["A"])
        got["completed"] = tx_thread_resume(threads["done"])
        got["waiting"] = tx_thread_resume(threads["waiter"])
        got["None"] = tx_thread_resume(None)
        got["never created"] = tx_thread_resume(TX_THREAD())
        got["sleeper still asleep"] = state(threads["sleeper"])
        gate.open_one()

    def define():
        p.thread("done", nothing, 1)
        p.thread("sleeper", keeper(5), 2)
        p.thread("waiter", lambda _: gate.wait(), 3)
        p.thread("A", a, 10)
        p.thread("ready", nothing, 20)

    run = p.run(define)
    assert got == {
        "sleeping": TX_RESUME_ERROR, "ready": TX_RESUME_ERROR, "self": TX_RESUME_ERROR,
        "completed": TX_RESUME_ERROR, "waiting": TX_RESUME_ERROR, "None": TX_THREAD_ERROR,
        "never created": TX_THREAD_ERROR, "sleeper still asleep": TX_SLEEP,
    }
    assert run.ticks == 5


def test_resume_lifts_a_delayed_suspension():
    p = Program()

    def s(_):
        p.event("S", tx_thread_sleep(5))

    def a(_):
        sleeper = p.threads["S"]
        tx_thread_sleep(1)
        p.event("A", ("suspend", tx_thread_suspend(sleeper), state(sleeper)))
        p.event("A", ("resume", tx_thread_resume(sleeper), state(sleeper)))
        p.event("A", ("resume again", tx_thread_resume(sleeper)))

    def define():
        p.thread("S", s, 5)
        p.thread("A", a, 10)

    p.run(define)
    assert p.log == [
        (1, "A", ("suspend", TX_SUCCESS, TX_SLEEP)),
        (1, "A", ("resume", TX_SUSPEND_LIFTED, TX_SLEEP)),
        (1, "A", ("resume again", TX_RESUME_ERROR)),
        (5, "S", TX_SUCCESS),  # the sleep ends normally
    ]


def test_resume_from_a_timer_callback_runs_the_thread_after_the_callbacks():
    p = Program()

    def first(_):
        p.event("timer", ("resume", tx_thread_resume(p.threads["B"])))

    def second(_):
        p.event("timer", "second callback")

    def define():
        p.thread("B", lambda _: p.event("B", "run"), 1, auto_start=TX_DONT_START)
        tx_timer_create(TX_TIMER(), "t1", first, 0, 3, 0, TX_AUTO_ACTIVATE)
        tx_timer_create(TX_TIMER(), "t2", second, 0, 3, 0, TX_AUTO_ACTIVATE)

    p.run(define)
    assert p.log == [(3, "timer", ("resume", TX_SUCCESS)), (3, "timer", "second callback"),
                     (3, "B", "run")]


# ---------------------------------------------------------------------------- suspend
def test_suspend_self_switches_away_until_resumed():
    p = Program()

    def a(_):
        p.event("A", "suspend")
        p.event("A", ("back", tx_thread_suspend(p.threads["A"])))

    def b(_):
        p.event("B", ("A is", state(p.threads["A"])))
        p.event("B", ("resume", tx_thread_resume(p.threads["A"])))

    def define():
        p.thread("A", a, 10)
        p.thread("B", b, 20)

    p.run(define)
    assert p.log == [(0, "A", "suspend"), (0, "B", ("A is", TX_SUSPENDED)),
                     (0, "A", ("back", TX_SUCCESS)), (0, "B", ("resume", TX_SUCCESS))]


def test_suspend_a_ready_thread_keeps_it_off_the_cpu():
    p = Program()

    def a(_):
        p.event("A", tx_thread_suspend(p.threads["B"]))
        tx_thread_sleep(4)
        p.event("A", tx_thread_resume(p.threads["B"]))

    def define():
        p.thread("A", a, 10)
        p.thread("B", lambda _: p.event("B", "run"), 20)

    p.run(define)
    assert p.log == [(0, "A", TX_SUCCESS), (4, "A", TX_SUCCESS), (4, "B", "run")]


def test_suspend_of_a_sleeping_thread_takes_effect_when_the_sleep_ends():
    p = Program()

    def s(_):
        p.event("S", ("woke", tx_thread_sleep(5)))

    def a(_):
        sleeper = p.threads["S"]
        tx_thread_sleep(1)
        p.event("A", ("suspend", tx_thread_suspend(sleeper), state(sleeper)))
        tx_thread_sleep(5)
        p.event("A", ("after sleep end", state(sleeper)))
        tx_thread_sleep(1)
        p.event("A", ("resume", tx_thread_resume(sleeper)))

    def define():
        p.thread("S", s, 5)
        p.thread("A", a, 10)

    p.run(define)
    assert p.log == [
        (1, "A", ("suspend", TX_SUCCESS, TX_SLEEP)),
        (6, "A", ("after sleep end", TX_SUSPENDED)),  # not readied at tick 5
        (7, "S", ("woke", TX_SUCCESS)),
        (7, "A", ("resume", TX_SUCCESS)),
    ]


def test_suspend_of_a_waiting_thread_takes_effect_when_its_wait_ends():
    p = Program()
    gate = Gate()

    def w(_):
        p.event("W", ("wait", gate.wait()))

    def a(_):
        waiter = p.threads["W"]
        p.event("A", ("suspend", tx_thread_suspend(waiter)))
        gate.open_one()
        p.event("A", ("opened", state(waiter)))
        p.event("A", ("resume", tx_thread_resume(waiter)))

    def define():
        p.thread("W", w, 5)
        p.thread("A", a, 10)

    p.run(define)
    assert p.log == [(0, "A", ("suspend", TX_SUCCESS)), (0, "A", ("opened", TX_SUSPENDED)),
                     (0, "W", ("wait", TX_SUCCESS)), (0, "A", ("resume", TX_SUCCESS))]


def test_suspend_errors():
    p = Program()
    got = {}

    def a(_):
        threads = p.threads
        tx_thread_terminate(threads["victim"])
        got["completed"] = tx_thread_suspend(threads["done"])
        got["terminated"] = tx_thread_suspend(threads["victim"])
        got["suspended"] = tx_thread_suspend(threads["suspended"])
        got["None"] = tx_thread_suspend(None)
        got["never created"] = tx_thread_suspend(TX_THREAD())
        tx_thread_terminate(threads["suspended"])
        tx_thread_resume(threads["B"])

    def define():
        p.thread("done", nothing, 1)
        p.thread("A", a, 10)
        p.thread("victim", nothing, 20)
        p.thread("suspended", nothing, 20, auto_start=TX_DONT_START)
        p.thread("B", lambda _: p.event("B", "run"), 20)
        # From initialisation: the auto-started thread does not run until resumed.
        got["init"] = tx_thread_suspend(p.threads["B"])

    p.run(define)
    assert got == {"init": TX_SUCCESS, "completed": TX_SUSPEND_ERROR,
                   "terminated": TX_SUSPEND_ERROR, "suspended": TX_SUCCESS,
                   "None": TX_THREAD_ERROR, "never created": TX_THREAD_ERROR}
    assert p.log == [(0, "B", "run")]


# ------------------------------------------------------------------------------ sleep
def test_sleep_zero_returns_at_once_without_yielding():
    p = Program()

    def a(_):
        p.event("A", tx_thread_sleep(0))
        p.event("A", "still first")

    def define():
        p.thread("A", a, 10)
        p.thread("B", lambda _: p.event("B", "run"), 10)

    p.run(define)
    assert p.log == [(0, "A", TX_SUCCESS), (0, "A", "still first"), (0, "B", "run")]


@pytest.mark.parametrize("start", [0, 7])
def test_sleep_n_wakes_exactly_at_now_plus_n(start):
    p = Program()
    lengths = [1, 2, 31, 32, 33, 64, 65, 100, 1000]

    def a(_):
        tx_thread_sleep(start)
        for n in lengths:
            before = tx_time_get()
            status = tx_thread_sleep(n)
            p.event("A", (tx_time_get() - before, status))

    p.run(lambda: p.thread("A", a, 10))
    assert [what for _, _, what in p.log] == [(n, TX_SUCCESS) for n in lengths]
    assert p.log[-1][0] == start + sum(lengths)


def test_sleep_outside_a_thread_is_caller_error():
    p = Program()
    got = {}

    def callback(_):
        got["timer callback"] = tx_thread_sleep(1)
        got["timer callback 0"] = tx_thread_sleep(0)

    def define():
        got["init"] = tx_thread_sleep(1)
        got["init 0"] = tx_thread_sleep(0)
        p.thread("keeper", keeper(5), 10)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 2, 0, TX_AUTO_ACTIVATE)

    run = p.run(define)
    assert got == {"init": TX_CALLER_ERROR, "init 0": TX_CALLER_ERROR,
                   "timer callback": TX_CALLER_ERROR, "timer callback 0": TX_CALLER_ERROR}
    assert run.ticks == 5


# -------------------------------------------------------------------------- terminate
def test_terminate_a_waiting_thread_cleans_up_its_wait():
    p = Program()
    gate = Gate()

    def w(_):
        p.event("W", gate.wait(20))
        p.event("W", "never")

    def a(_):
        waiter = p.threads["W"]
        tx_thread_sleep(2)
        p.event("A", ("terminate", tx_thread_terminate(waiter), state(waiter)))
        p.event("A", ("gate", list(gate.waiters), list(gate.cleanups)))
        p.event("A", ("open", gate.open_one()))

    def define():
        p.thread("W", w, 5)
        p.thread("A", a, 10)

    run = p.run(define)
    assert p.log == [(2, "A", ("terminate", TX_SUCCESS, TX_TERMINATED)),
                     (2, "A", ("gate", [], ["W"])), (2, "A", ("open", None))]
    assert run.reason == "completed" and run.ticks == 2  # the 20-tick timeout was disarmed


def test_terminate_a_sleeping_thread_disarms_its_sleep():
    p = Program()

    def a(_):
        tx_thread_sleep(3)
        p.event("A", tx_thread_terminate(p.threads["S"]))

    def define():
        p.thread("S", lambda _: (tx_thread_sleep(1000), p.event("S", "never")), 5)
        p.thread("A", a, 10)

    run = p.run(define)
    assert p.log == [(3, "A", TX_SUCCESS)]
    assert run.reason == "completed" and run.ticks == 3


def test_terminate_itself_never_returns():
    p = Program()

    def a(_):
        p.event("A", "terminating")
        tx_thread_terminate(p.threads["A"])
        p.event("A", "never")

    def b(_):
        p.event("B", state(p.threads["A"]))

    def define():
        p.thread("A", a, 10)
        p.thread("B", b, 20)

    run = p.run(define)
    assert p.log == [(0, "A", "terminating"), (0, "B", TX_TERMINATED)]
    assert run.reason == "completed"


def test_terminate_a_ready_thread_and_repeat_terminations():
    p = Program()
    got = {}

    def a(_):
        threads = p.threads
        got["ready"] = tx_thread_terminate(threads["L"])
        got["again"] = tx_thread_terminate(threads["L"])
        got["completed"] = tx_thread_terminate(threads["done"])
        got["completed state"] = state(threads["done"])
        got["None"] = tx_thread_terminate(None)
        got["never created"] = tx_thread_terminate(TX_THREAD())

    def define():
        p.thread("done", nothing, 1)
        p.thread("A", a, 10)
        p.thread("L", lambda _: p.event("L", "never"), 20)
        got["init"] = tx_thread_terminate(p.threads["L"])

    run = p.run(define)
    assert got == {"init": TX_CALLER_ERROR, "ready": TX_SUCCESS, "again": TX_SUCCESS,
                   "completed": TX_SUCCESS, "completed state": TX_COMPLETED,
                   "None": TX_THREAD_ERROR, "never created": TX_THREAD_ERROR}
    assert p.log == [] and run.reason == "completed"


def test_terminate_from_a_timer_callback_is_allowed():
    p = Program()

    def callback(_):
        p.event("timer", tx_thread_terminate(p.threads["S"]))

    def define():
        p.thread("S", lambda _: (tx_thread_sleep(100), p.event("S", "never")), 5)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 4, 0, TX_AUTO_ACTIVATE)

    run = p.run(define)
    assert p.log == [(4, "timer", TX_SUCCESS)]
    assert run.ticks == 4


# ----------------------------------------------------------------- time_slice_change
def test_time_slice_change_takes_effect_and_errors():
    p = Program()
    got = {}

    def a(_):
        me = p.threads["A"]
        got["None"] = tx_thread_time_slice_change(None, 3)
        got["never created"] = tx_thread_time_slice_change(TX_THREAD(), 3)
        p.event("A", ("change", tx_thread_time_slice_change(me, 3)))
        p.event("A", ("info", tx_thread_info_get(me)[6]))
        cpu_work(6)
        p.event("A", "done")

    def b(_):
        p.event("B", "start")
        cpu_work(4)
        p.event("B", "done")

    def define():
        t = p.thread("A", a, 10)
        p.thread("B", b, 10)
        got["init"] = tx_thread_time_slice_change(t, 3)

    p.run(define)
    assert got == {"init": (TX_CALLER_ERROR, None), "None": (TX_THREAD_ERROR, None),
                   "never created": (TX_THREAD_ERROR, None)}
    # A is sliced after 3 ticks; B has no slice and runs its 4 ticks to the end.
    assert p.log == [(0, "A", ("change", (TX_SUCCESS, 0))), (0, "A", ("info", 3)),
                     (3, "B", "start"), (7, "B", "done"), (10, "A", "done")]


# ------------------------------------------------------------------------- wait_abort
def test_wait_abort_of_a_sleeper_returns_wait_aborted_at_once():
    p = Program()

    def s(_):
        p.event("S", tx_thread_sleep(100))

    def a(_):
        tx_thread_sleep(5)
        p.event("A", "abort")
        p.event("A", tx_thread_wait_abort(p.threads["S"]))

    def define():
        p.thread("S", s, 10)
        p.thread("A", a, 20)

    run = p.run(define)
    assert p.log == [(5, "A", "abort"), (5, "S", TX_WAIT_ABORTED), (5, "A", TX_SUCCESS)]
    assert run.ticks == 5  # the 100-tick sleep timer was disarmed


def test_wait_abort_errors():
    p = Program()
    got = {}

    def a(_):
        threads = p.threads
        got["ready"] = tx_thread_wait_abort(threads["ready"])
        got["self"] = tx_thread_wait_abort(threads["A"])
        got["suspended"] = tx_thread_wait_abort(threads["suspended"])
        got["completed"] = tx_thread_wait_abort(threads["done"])
        got["None"] = tx_thread_wait_abort(None)
        got["never created"] = tx_thread_wait_abort(TX_THREAD())
        tx_thread_terminate(threads["suspended"])

    def define():
        p.thread("done", nothing, 1)
        p.thread("A", a, 10)
        p.thread("ready", nothing, 20)
        p.thread("suspended", nothing, 20, auto_start=TX_DONT_START)

    p.run(define)
    assert got == {"ready": TX_WAIT_ABORT_ERROR, "self": TX_WAIT_ABORT_ERROR,
                   "suspended": TX_WAIT_ABORT_ERROR, "completed": TX_WAIT_ABORT_ERROR,
                   "None": TX_THREAD_ERROR, "never created": TX_THREAD_ERROR}


def test_wait_abort_of_an_object_wait_runs_cleanup_and_disarms_the_timeout():
    p = Program()
    gate = Gate()

    def w(_):
        p.event("W", gate.wait(10))
        p.event("W", gate.wait(TX_WAIT_FOREVER))

    def a(_):
        tx_thread_sleep(3)
        p.event("A", ("abort", tx_thread_wait_abort(p.threads["W"])))
        p.event("A", ("gate", [t.tx_thread_name for t in gate.waiters], list(gate.cleanups)))
        tx_thread_sleep(20)  # well past the aborted wait's timeout
        p.event("A", ("open", gate.open_one()))

    def define():
        p.thread("W", w, 20)
        p.thread("A", a, 10)

    p.run(define)
    assert p.log == [
        (3, "A", ("abort", TX_SUCCESS)),
        (3, "A", ("gate", [], ["W"])),
        (3, "W", TX_WAIT_ABORTED),      # W is less urgent: it runs when A sleeps
        (23, "A", ("open", "W")),       # no spurious TX_NO_INSTANCE at tick 13
        (23, "W", TX_SUCCESS),
    ]


def test_wait_abort_of_a_suspended_sleeper_leaves_it_suspended():
    p = Program()

    def s(_):
        p.event("S", tx_thread_sleep(100))

    def a(_):
        sleeper = p.threads["S"]
        tx_thread_sleep(1)
        tx_thread_suspend(sleeper)  # delayed suspension
        p.event("A", ("abort", tx_thread_wait_abort(sleeper), state(sleeper)))
        tx_thread_sleep(1)
        p.event("A", ("resume", tx_thread_resume(sleeper)))

    def define():
        p.thread("S", s, 5)
        p.thread("A", a, 10)

    run = p.run(define)
    assert p.log == [(1, "A", ("abort", TX_SUCCESS, TX_SUSPENDED)), (2, "S", TX_WAIT_ABORTED),
                     (2, "A", ("resume", TX_SUCCESS))]
    assert run.ticks == 2


def test_wait_abort_from_a_timer_callback():
    p = Program()

    def callback(_):
        p.event("timer", tx_thread_wait_abort(p.threads["S"]))

    def define():
        p.thread("S", lambda _: p.event("S", tx_thread_sleep(50)), 5)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 4, 0, TX_AUTO_ACTIVATE)

    p.run(define)
    assert p.log == [(4, "timer", TX_SUCCESS), (4, "S", TX_WAIT_ABORTED)]


def test_timed_object_wait_times_out_at_the_exact_tick():
    p = Program()
    gate = Gate()

    def w(_):
        p.event("W", gate.wait(7))
        p.event("W", (list(gate.waiters), list(gate.cleanups)))

    p.run(lambda: p.thread("W", w, 5))
    assert p.log == [(7, "W", TX_NO_INSTANCE), (7, "W", ([], ["W"]))]


# ------------------------------------------------------------------ entry_exit_notify
def test_entry_exit_notify_on_entry_completion_and_termination():
    p = Program()

    def notify(thread, what):
        me = tx_thread_identify()
        p.event("notify", (thread.tx_thread_name, what, me.tx_thread_name if me else None))

    def a(_):
        p.event("A", "body")
        tx_thread_sleep(2)

    def b(_):
        p.event("B", "body")
        tx_thread_sleep(100)

    def c(_):
        tx_thread_sleep(1)
        p.event("C", ("terminate B", tx_thread_terminate(p.threads["B"])))

    def define():
        p.thread("A", a, 10)
        p.thread("B", b, 11)
        p.thread("C", c, 12)
        got = [tx_thread_entry_exit_notify(p.threads[n], notify) for n in "AB"]
        got.append(tx_thread_entry_exit_notify(None, notify))
        got.append(tx_thread_entry_exit_notify(TX_THREAD(), notify))
        p.event("init", got)

    p.run(define)
    assert p.log == [
        (0, "init", [TX_SUCCESS, TX_SUCCESS, TX_THREAD_ERROR, TX_THREAD_ERROR]),
        (0, "notify", ("A", TX_THREAD_ENTRY, "A")), (0, "A", "body"),
        (0, "notify", ("B", TX_THREAD_ENTRY, "B")), (0, "B", "body"),
        (1, "notify", ("B", TX_THREAD_EXIT, "C")),  # called by the terminating thread
        (1, "C", ("terminate B", TX_SUCCESS)),
        (2, "notify", ("A", TX_THREAD_EXIT, "A")),
    ]


def test_entry_exit_notify_cleared_self_termination_and_reset():
    p = Program()

    def notify(thread, what):
        p.event("notify", (thread.tx_thread_name, what))

    def a(_):
        p.event("A", "body")
        tx_thread_terminate(p.threads["A"])

    def b(_):
        a_thread = p.threads["A"]
        tx_thread_reset(a_thread)
        tx_thread_resume(a_thread)
        p.event("B", tx_thread_entry_exit_notify(a_thread, None))
        tx_thread_reset(a_thread)
        tx_thread_resume(a_thread)

    def define():
        tx_thread_entry_exit_notify(p.thread("A", a, 5), notify)
        p.thread("B", b, 10)

    p.run(define)
    assert p.log == [
        (0, "notify", ("A", TX_THREAD_ENTRY)), (0, "A", "body"),
        (0, "notify", ("A", TX_THREAD_EXIT)),
        (0, "notify", ("A", TX_THREAD_ENTRY)), (0, "A", "body"),
        (0, "notify", ("A", TX_THREAD_EXIT)),
        (0, "B", TX_SUCCESS), (0, "A", "body"),
    ]


def test_entry_exit_notify_sees_the_thread_completed_at_exit():
    p = Program()

    def notify(thread, what):
        p.event("notify", (what, state(thread)))

    def define():
        tx_thread_entry_exit_notify(p.thread("A", nothing, 5), notify)

    p.run(define)
    assert p.log == [(0, "notify", (TX_THREAD_ENTRY, TX_READY)),
                     (0, "notify", (TX_THREAD_EXIT, TX_COMPLETED))]


# ------------------------------------------------------------------------- run_count
def test_run_count_counts_each_time_the_thread_is_given_the_cpu():
    p = Program()

    def a(_):
        me = p.threads["A"]
        p.event("A", tx_thread_info_get(me)[3])
        cpu_work(5)  # no switch: still the same run
        p.event("A", tx_thread_info_get(me)[3])
        tx_thread_sleep(1)
        p.event("A", tx_thread_info_get(me)[3])
        tx_thread_relinquish()  # alone at its level: no switch
        tx_thread_sleep(0)
        p.event("A", tx_thread_info_get(me)[3])
        tx_thread_resume(p.threads["H"])  # preempted, then resumed
        p.event("A", tx_thread_info_get(me)[3])

    def define():
        p.thread("A", a, 10)
        p.thread("H", nothing, 5, auto_start=TX_DONT_START)

    p.run(define)
    assert [what for _, _, what in p.log] == [1, 1, 2, 2, 3]


def test_run_count_of_a_thread_preempted_during_cpu_work():
    p = Program()

    def h(_):
        for _ in range(2):
            tx_thread_sleep(3)
            p.event("H", tx_thread_info_get(p.threads["A"])[3])

    def a(_):
        cpu_work(10)
        p.event("A", tx_thread_info_get(p.threads["A"])[3])

    def define():
        p.thread("A", a, 20)
        p.thread("H", h, 5)

    p.run(define)
    # A runs at 0, is preempted at 3 and 6 (timer thread, then H), resumes each time.
    assert p.log == [(3, "H", 1), (6, "H", 2), (10, "A", 3)]


# ----------------------------------------------------------------- calling contexts
def test_services_from_an_isr():
    """Caller rules, ISR column (system state 1..n): creates, deletes, terminate, priority,
    threshold and slice changes, reset and sleep are caller errors; resume, suspend and
    wait_abort are allowed; relinquish does nothing."""
    p = Program()
    got = {}

    def isr():
        threads = p.threads
        got["identify (idle CPU)"] = tx_thread_identify()
        got["create"] = tx_thread_create(TX_THREAD(), "x", nothing, 0, p.stack(), 1024, 5, 5, 0,
                                         TX_AUTO_START)
        got["delete"] = tx_thread_delete(threads["done"])
        got["terminate"] = tx_thread_terminate(threads["S"])
        got["priority"] = tx_thread_priority_change(threads["S"], 3)
        got["threshold"] = tx_thread_preemption_change(threads["S"], 3)
        got["slice"] = tx_thread_time_slice_change(threads["S"], 3)
        got["reset"] = tx_thread_reset(threads["done"])
        got["sleep"] = tx_thread_sleep(1)
        got["timer create"] = tx_timer_create(TX_TIMER(), "t", nothing, 0, 5, 0, TX_AUTO_ACTIVATE)
        tx_thread_relinquish()
        got["wait_abort"] = tx_thread_wait_abort(threads["S"])
        got["resume"] = tx_thread_resume(threads["R"])
        p.event("isr", "end")

    def define():
        p.thread("done", nothing, 1)
        p.thread("S", lambda _: p.event("S", tx_thread_sleep(100)), 10)
        p.thread("R", lambda _: p.event("R", "run"), 5, auto_start=TX_DONT_START)
        interrupt_at(3, isr)

    p.run(define)
    assert got == {
        "identify (idle CPU)": None, "create": TX_CALLER_ERROR, "delete": TX_CALLER_ERROR,
        "terminate": TX_CALLER_ERROR, "priority": (TX_CALLER_ERROR, None),
        "threshold": (TX_CALLER_ERROR, None), "slice": (TX_CALLER_ERROR, None),
        "reset": TX_CALLER_ERROR, "sleep": TX_CALLER_ERROR, "timer create": TX_CALLER_ERROR,
        "wait_abort": TX_SUCCESS, "resume": TX_SUCCESS,
    }
    # Threads readied by the ISR run when it returns, most urgent first.
    assert p.log == [(3, "isr", "end"), (3, "R", "run"), (3, "S", TX_WAIT_ABORTED)]


def test_an_isr_interrupts_the_running_thread_and_may_suspend_it():
    p = Program()
    got = {}

    def suspend_w():
        got["identify"] = tx_thread_identify()
        got["suspend"] = tx_thread_suspend(p.threads["W"])

    def define():
        p.thread("W", lambda _: (p.event("W", "start"), cpu_work(10), p.event("W", "done")), 10)
        p.thread("L", lambda _: p.event("L", "run"), 20)
        interrupt_at(3, suspend_w)
        interrupt_at(6, lambda: got.setdefault("resume", tx_thread_resume(p.threads["W"])))

    run = p.run(define)
    assert got == {"identify": p.threads["W"], "suspend": TX_SUCCESS, "resume": TX_SUCCESS}
    # W is switched out when the ISR returns and keeps its remaining 7 ticks of work.
    assert p.log == [(0, "W", "start"), (3, "L", "run"), (13, "W", "done")]
    assert run.ticks == 13


def test_an_isr_readying_a_more_urgent_thread_preempts_at_its_return():
    p = Program()

    def define():
        p.thread("W", lambda _: (p.event("W", "start"), cpu_work(10), p.event("W", "done")), 10)
        p.thread("H", lambda _: p.event("H", "run"), 5, auto_start=TX_DONT_START)
        interrupt_at(4, lambda: (tx_thread_resume(p.threads["H"]), p.event("isr", "resumed H")))

    p.run(define)
    assert p.log == [(0, "W", "start"), (4, "isr", "resumed H"), (4, "H", "run"), (10, "W", "done")]


def test_thread_services_allowed_in_a_timer_callback():
    """Caller rules, timer-callback column: thread delete, terminate and priority/threshold/slice
    changes only check for a non-zero system state, so a callback may call them."""
    p = Program()
    got = {}

    def callback(_):
        threads = p.threads
        got["priority"] = tx_thread_priority_change(threads["S"], 3)
        got["threshold"] = tx_thread_preemption_change(threads["S"], 2)
        got["slice"] = tx_thread_time_slice_change(threads["S"], 4)
        got["info"] = tx_thread_info_get(threads["S"])[4:7]
        got["suspend"] = tx_thread_suspend(threads["R"])
        got["terminate"] = tx_thread_terminate(threads["T"])
        got["delete"] = tx_thread_delete(threads["T"])

    def define():
        p.thread("S", lambda _: tx_thread_sleep(5), 10)
        p.thread("W", lambda _: cpu_work(5), 15)  # R and T stay ready behind it
        p.thread("R", lambda _: p.event("R", "never"), 20)
        p.thread("T", lambda _: p.event("T", "never"), 20)
        tx_timer_create(TX_TIMER(), "t", callback, 0, 1, 0, TX_AUTO_ACTIVATE)

    p.run(define, until=10)
    assert got == {"priority": (TX_SUCCESS, 10), "threshold": (TX_SUCCESS, 3),
                   "slice": (TX_SUCCESS, 0), "info": (3, 2, 4), "suspend": TX_SUCCESS,
                   "terminate": TX_SUCCESS, "delete": TX_SUCCESS}
    assert p.log == []
