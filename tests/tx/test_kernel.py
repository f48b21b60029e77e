"""``tx_kernel_enter`` and the run loop: why and when a run ends (completed, deadlock with
its report, until, idle), exceptions out of thread bodies and callbacks, and a fresh
kernel for every call.
"""
from __future__ import annotations

import pytest

from netxsim.tx import (
    TX_AUTO_START, TX_DONT_START, TX_SUCCESS, TX_THREAD, TX_TIMER, KernelRun, cpu_work,
    tx_kernel_enter, tx_thread_create, tx_thread_delete, tx_thread_sleep, tx_thread_suspend,
    tx_thread_terminate, tx_time_get, tx_time_set, tx_timer_create,
)
from netxsim.tx.kernel import kernel

from netxsim.testing.eventlog import Gate, Program, nothing


def test_completed_when_every_application_thread_has_finished():
    p = Program()

    def define():
        p.thread("A", lambda _: (tx_thread_sleep(3), p.event("A", "done")), 10)
        p.thread("B", lambda _: (cpu_work(5), p.event("B", "done")), 20)

    run = p.run(define)
    assert isinstance(run, KernelRun)
    assert (run.reason, run.ticks, run.blocked, run.deadlock) == ("completed", 5, [], False)
    assert p.log == [(3, "A", "done"), (5, "B", "done")]


def test_terminated_and_deleted_threads_count_as_finished():
    p = Program()
    gate = Gate()

    def a(_):
        tx_thread_sleep(2)
        tx_thread_terminate(p.threads["W"])
        tx_thread_terminate(p.threads["S"])
        p.event("A", tx_thread_delete(p.threads["S"]))

    def define():
        p.thread("W", lambda _: gate.wait(), 5)
        p.thread("S", nothing, 5, auto_start=TX_DONT_START)
        p.thread("A", a, 10)

    run = p.run(define)
    assert (run.reason, run.ticks) == ("completed", 2)
    assert p.log == [(2, "A", TX_SUCCESS)]


def test_completed_run_does_not_wait_for_active_application_timers():
    p = Program()

    def define():
        p.thread("A", lambda _: tx_thread_sleep(3), 10)
        p.timer("periodic", 2, 2)

    run = p.run(define)
    assert (run.reason, run.ticks) == ("completed", 3)
    assert p.expiries("periodic") == [2]


def test_deadlock_reports_each_stuck_thread(capsys):
    p = Program()
    gate = Gate("door")

    def define():
        p.thread("A", lambda _: tx_thread_suspend(p.threads["A"]), 5)
        p.thread("B", lambda _: gate.wait(), 6)
        p.thread("C", lambda _: cpu_work(5), 7)
        p.thread("D", nothing, 8)
        p.thread("E", nothing, 9, auto_start=TX_DONT_START)

    run = p.run(define)
    assert (run.reason, run.ticks, run.deadlock) == ("deadlock", 5, True)
    assert run.blocked == [("A", "TX_SUSPENDED", ""), ("B", "TX_IO_DRIVER", "door"),
                           ("E", "TX_SUSPENDED", "")]
    report = capsys.readouterr().err
    assert "run ended at tick 5: deadlock" in report
    assert "thread 'A' is TX_SUSPENDED" in report
    assert "thread 'B' is TX_IO_DRIVER on door" in report
    assert "thread 'E' is TX_SUSPENDED" in report
    assert "'C'" not in report and "'D'" not in report
    assert str(run) == run.report() and run.report() in report


@pytest.mark.parametrize("ending", ["returns", "terminates itself"])
def test_a_finished_thread_leaves_no_timer_armed(ending, capsys):
    p = Program()
    trace: list = []

    def c(_):
        tx_thread_sleep(5)
        if ending == "terminates itself":
            tx_thread_terminate(p.threads["C"])

    def define():
        p.thread("A", lambda _: tx_thread_suspend(p.threads["A"]), 5)
        p.thread("C", c, 7)

    run = p.run(define, trace=trace)
    assert (run.reason, run.ticks) == ("deadlock", 5)
    assert all(tick <= 5 for tick, _, _ in trace)


def test_a_timed_wait_is_not_a_deadlock():
    p = Program()
    gate = Gate()

    def define():
        p.thread("W", lambda _: p.event("W", gate.wait(40)), 5)

    run = p.run(define)
    assert (run.reason, run.ticks) == ("completed", 40)


def test_until_stops_the_run_at_the_given_tick():
    p = Program()

    def define():
        p.thread("S", lambda _: (tx_thread_sleep(1000), p.event("S", "never")), 10)
        p.thread("W", lambda _: (p.event("W", "start"), cpu_work(100), p.event("W", "never")), 20)
        p.timer("periodic", 10, 10)

    run = p.run(define, until=30)
    assert (run.reason, run.ticks) == ("until", 30)
    # The tick "until" itself is processed.
    assert p.log == [(0, "W", "start"), (10, "periodic", "expired"), (20, "periodic", "expired"),
                     (30, "periodic", "expired")]
    assert run.blocked == [("S", "TX_SLEEP", "")]  # W is ready: not listed


def test_until_with_nothing_to_do_still_reaches_the_tick():
    p = Program()

    def define():
        p.thread("S", lambda _: tx_thread_sleep(1000), 10)

    run = p.run(define, until=25)
    assert (run.reason, run.ticks) == ("until", 25)


def test_idle_when_no_application_thread_exists():
    p = Program()
    run = p.run(lambda: p.timer("one-shot", 5))
    assert (run.reason, run.ticks) == ("idle", 5)
    assert p.log == [(5, "one-shot", "expired")]


# ------------------------------------------------------------------------- exceptions
class Boom(Exception):
    pass


def test_an_exception_in_a_thread_body_propagates_out_of_tx_kernel_enter():
    p = Program()

    def a(_):
        tx_thread_sleep(3)
        raise Boom("in thread A")

    with pytest.raises(Boom, match="in thread A"):
        p.run(lambda: p.thread("A", a, 10))
    assert kernel().now == 3


def test_an_exception_in_a_timer_callback_propagates():
    p = Program()

    def callback(_):
        raise Boom("in callback")

    def define():
        p.thread("A", lambda _: tx_thread_sleep(10), 10)
        p.timer("t", 4, callback=callback)

    with pytest.raises(Boom, match="in callback"):
        p.run(define)


def test_an_exception_in_the_define_function_propagates():
    def define(_):
        raise Boom("in define")

    with pytest.raises(Boom, match="in define"):
        tx_kernel_enter(define)


def test_a_run_after_an_exception_is_clean():
    def fail(_):
        raise Boom()

    p = Program()
    with pytest.raises(Boom):
        p.run(lambda: p.thread("A", fail, 10))
    q = Program()
    run = q.run(lambda: q.thread("A", lambda _: q.event("A", "ok"), 10))
    assert run.reason == "completed" and q.log == [(0, "A", "ok")]


# ---------------------------------------------------------------------- fresh kernels
def test_each_call_gets_a_fresh_kernel():
    thread = TX_THREAD()
    timer = TX_TIMER()
    seen = []

    def make_define(log_name: str, second: bool):
        def define(first_unused):
            k = kernel()
            status = tx_thread_create(thread, "T", entry, log_name, first_unused, 1024, 10, 10, 0,
                                      TX_AUTO_START)
            seen.append((log_name, "create", status, tx_time_get(), len(k.created["thread"]),
                         len(k.created.get("timer", []))))
            if not second:
                tx_timer_create(timer, "stale", lambda _: seen.append("stale timer"), 0, 50, 0, 1)
                tx_time_set(1000)
        return define

    def entry(name):
        seen.append((name, "run", tx_time_get()))
        tx_thread_sleep(5 if name == "first" else 100)

    first = tx_kernel_enter(make_define("first", False))
    k1 = kernel()
    second = tx_kernel_enter(make_define("second", True))
    k2 = kernel()
    assert k1 is not k2 and first.kernel is k1 and second.kernel is k2
    assert seen == [
        ("first", "create", TX_SUCCESS, 0, 2, 0),
        ("first", "run", 1000),
        # The same control block and stack address again; the clock, the created lists
        # and the first run's pending timer are all gone.
        ("second", "create", TX_SUCCESS, 0, 2, 0),
        ("second", "run", 0),
    ]
    assert (first.ticks, second.ticks) == (5, 100)


def test_trace_records_scheduling_events_in_order():
    p = Program()
    trace: list = []

    def define():
        p.thread("A", lambda _: tx_thread_sleep(3), 10)

    p.run(define, trace=trace)
    assert all(isinstance(tick, int) and isinstance(who, str) and isinstance(what, str)
               for tick, who, what in trace)
    names = [(tick, who, what) for tick, who, what in trace if who == "A"]
    assert names[0] == (0, "A", "ready")
    assert (0, "A", "suspend TX_SLEEP") in names
    assert names[-1] == (3, "A", "suspend TX_COMPLETED")
    assert [tick for tick, _, _ in trace] == sorted(tick for tick, _, _ in trace)
