"""Thread-to-thread hand-overs: when the CPU goes straight from one thread to another,
the running thread dispatches the next one itself instead of going through the kernel
loop. Run counts, performance counters, order and ticks must be exactly those of the
loop's dispatch, and what only the loop can do (simulated CPU work, a stop, an
exception out of a thread body) must still reach it.
"""
from __future__ import annotations

import pytest

from netxsim.tx import (
    TX_NO_INSTANCE, TX_SEMAPHORE, TX_SUCCESS, TX_WAIT_FOREVER, cpu_work, tx_semaphore_create,
    tx_semaphore_get, tx_semaphore_put, tx_thread_info_get, tx_thread_performance_info_get,
    tx_thread_performance_system_info_get, tx_thread_relinquish, tx_thread_sleep,
)
from netxsim.tx.kernel import kernel

from netxsim.testing.eventlog import Program

ROUNDS = 5


def _ping_pong(p: Program) -> dict:
    """A pinger (priority 10) and a more urgent ponger (9) hand the CPU over ROUNDS times
    through two semaphores, as ``bench.kernel`` does; returns what the counters say."""
    ping, pong = TX_SEMAPHORE(), TX_SEMAPHORE()
    seen: dict = {}

    def pinger(_):
        for index in range(ROUNDS):
            p.event("pinger", ("put", index))
            tx_semaphore_put(ping)
            p.event("pinger", ("get", index, tx_semaphore_get(pong, TX_WAIT_FOREVER)))
        seen["system"] = tx_thread_performance_system_info_get()
        seen["pinger"] = tx_thread_performance_info_get(p.threads["pinger"])
        seen["ponger"] = tx_thread_performance_info_get(p.threads["ponger"])
        seen["runs"] = tuple(tx_thread_info_get(p.threads[name])[3] for name in ("pinger", "ponger"))

    def ponger(_):
        for index in range(ROUNDS):
            p.event("ponger", ("got", index, tx_semaphore_get(ping, TX_WAIT_FOREVER)))
            tx_semaphore_put(pong)

    def define():
        assert tx_semaphore_create(ping, "ping", 0) == TX_SUCCESS
        assert tx_semaphore_create(pong, "pong", 0) == TX_SUCCESS
        p.thread("pinger", pinger, 10)
        p.thread("ponger", ponger, 9)

    run = p.run(define)
    assert (run.reason, run.ticks) == ("completed", 0)
    return seen


def test_a_hand_over_counts_one_run_and_the_counters_of_the_loop_dispatch():
    p = Program()
    seen = _ping_pong(p)
    # The ponger runs first and blocks; each put of the pinger readies it and it preempts
    # at once; the pinger finds every pong already put.
    expected = []
    for index in range(ROUNDS):
        expected += [(0, "pinger", ("put", index)), (0, "ponger", ("got", index, TX_SUCCESS)),
                     (0, "pinger", ("get", index, TX_SUCCESS))]
    assert p.log == expected
    # The ponger: its first run, then one run per put; the pinger: its first run, then one
    # run each time the ponger blocks again (ROUNDS times, the last one at its completion).
    assert seen["runs"] == (1 + ROUNDS, 1 + ROUNDS)
    # (status, resumptions, suspensions, solicited preemptions, interrupt preemptions,
    # priority inversions, time slices, relinquishes, timeouts, wait aborts, last preempter)
    # The ponger's completion is a suspension too.
    assert seen["ponger"] == (TX_SUCCESS, 1 + ROUNDS, 1 + ROUNDS, 0, 0, 0, 0, 0, 0, 0, None)
    assert seen["pinger"] == (TX_SUCCESS, 1, 0, ROUNDS, 0, 0, 0, 0, 0, 0, p.threads["ponger"])
    # System-wide (resumptions, suspensions, solicited and interrupt preemptions, priority
    # inversions, time slices, relinquishes, timeouts, wait aborts, non-idle and idle
    # returns): every suspension of the ponger returned to a ready thread, the pinger.
    assert seen["system"] == (TX_SUCCESS, 2 + ROUNDS, 1 + ROUNDS, ROUNDS, 0, 0, 0, 0, 0, 0,
                              1 + ROUNDS, 0)


def test_relinquish_hands_the_cpu_over_in_turn():
    p = Program()

    def body(name):
        def entry(_):
            for index in range(3):
                p.event(name, index)
                tx_thread_relinquish()
        return entry

    run = p.run(lambda: (p.thread("A", body("A"), 10), p.thread("B", body("B"), 10)))
    assert run.reason == "completed"
    assert p.log == [(0, "A", 0), (0, "B", 0), (0, "A", 1), (0, "B", 1), (0, "A", 2), (0, "B", 2)]
    # Each gets the CPU back after every relinquish of the other, and once more to finish
    # (A after B's last relinquish, B after A completes); every relinquish found the
    # other one ready.
    assert [tx_thread_info_get(p.threads[name])[3] for name in "AB"] == [4, 4]
    assert [tx_thread_performance_info_get(p.threads[name])[7] for name in "AB"] == [3, 3]


def test_a_thread_with_cpu_work_left_is_resumed_through_the_loop():
    # W is busy for 10 ticks; U preempts it at ticks 3 and 5 and blocks again each time:
    # W's work goes on where it stopped and ends at tick 10.
    p = Program()
    gate = TX_SEMAPHORE()

    def w(_):
        p.event("W", "start")
        cpu_work(10)
        p.event("W", "done")

    def u(_):
        tx_thread_sleep(3)
        p.event("U", "woke")
        p.event("U", tx_semaphore_get(gate, 2))

    def define():
        assert tx_semaphore_create(gate, "gate", 0) == TX_SUCCESS
        p.thread("W", w, 10)
        p.thread("U", u, 5)

    run = p.run(define)
    assert (run.reason, run.ticks) == ("completed", 10)
    assert p.log == [(0, "W", "start"), (3, "U", "woke"), (5, "U", TX_NO_INSTANCE),
                     (10, "W", "done")]
    assert tx_thread_info_get(p.threads["W"])[3] == 3


def test_an_exception_in_a_thread_handed_the_cpu_leaves_the_run():
    p = Program()
    gate = TX_SEMAPHORE()

    def waker(_):
        tx_semaphore_put(gate)
        p.event("waker", "not reached")

    def raiser(_):
        tx_semaphore_get(gate, TX_WAIT_FOREVER)
        raise ValueError("from the woken thread")

    def define():
        assert tx_semaphore_create(gate, "gate", 0) == TX_SUCCESS
        p.thread("raiser", raiser, 5)
        p.thread("waker", waker, 10)

    with pytest.raises(ValueError, match="from the woken thread") as raised:
        p.run(define)
    assert "raised in simulated thread 'raiser' at tick 0" in raised.value.__notes__
    assert p.log == []


def test_a_stop_from_a_thread_handed_the_cpu_ends_the_run():
    p = Program()
    gate = TX_SEMAPHORE()

    def waker(_):
        tx_semaphore_put(gate)
        p.event("waker", "not reached")

    def stopper(_):
        tx_semaphore_get(gate, TX_WAIT_FOREVER)
        p.event("stopper", "stopping")
        kernel().stop(0x42)
        p.event("stopper", "not reached")

    def define():
        assert tx_semaphore_create(gate, "gate", 0) == TX_SUCCESS
        p.thread("stopper", stopper, 5)
        p.thread("waker", waker, 10)

    run = p.run(define)
    assert (run.reason, run.status, run.ticks) == ("stopped", 0x42, 0)
    assert p.log == [(0, "stopper", "stopping")]
