"""Dispatcher cost against bare simpy, measured side by side in one run.

* relinquish: two equal-priority threads call ``tx_thread_relinquish`` in turn; every
  call is one context switch through the dispatcher.
* semaphore ping-pong: two threads hand the CPU over through two semaphores
  (get blocks, put wakes the peer): one switch per hand-over, as in real code.
* bare simpy: two processes hand control back and forth through events; a round trip
  is two hand-overs.

Prints the wall time per switch for each and the ratio to a bare simpy round trip.
Target (issue): the dispatcher costs at most 3x a bare simpy round trip per switch.

Run: ``python -m bench.kernel [--switches N]``.
"""
from __future__ import annotations

import argparse
import time

import simpy

from netxsim import (TX_AUTO_START, TX_SEMAPHORE, TX_THREAD, TX_WAIT_FOREVER, tx_kernel_enter,
                     tx_semaphore_create, tx_semaphore_get, tx_semaphore_put, tx_thread_create,
                     tx_thread_relinquish)


def bench_relinquish(switches: int) -> float:
    rounds = switches // 2

    def entry(_: int) -> None:
        for _ in range(rounds):
            tx_thread_relinquish()

    def define(memory) -> None:
        for index in range(2):
            tx_thread_create(TX_THREAD(), f"t{index}", entry, index, memory + index * 1024, 1024,
                             10, 10, 0, TX_AUTO_START)

    start = time.perf_counter()
    run = tx_kernel_enter(define)
    elapsed = time.perf_counter() - start
    assert run.reason == "completed", run.report()
    return elapsed / (2 * rounds)


def bench_semaphore(switches: int) -> float:
    rounds = switches // 2
    ping, pong = TX_SEMAPHORE(), TX_SEMAPHORE()

    def pinger(_: int) -> None:
        for _ in range(rounds):
            tx_semaphore_put(ping)
            tx_semaphore_get(pong, TX_WAIT_FOREVER)

    def ponger(_: int) -> None:
        for _ in range(rounds):
            tx_semaphore_get(ping, TX_WAIT_FOREVER)
            tx_semaphore_put(pong)

    def define(memory) -> None:
        tx_semaphore_create(ping, "ping", 0)
        tx_semaphore_create(pong, "pong", 0)
        # The ponger is more urgent: every put preempts the putter at once.
        tx_thread_create(TX_THREAD(), "pinger", pinger, 0, memory, 1024, 10, 10, 0, TX_AUTO_START)
        tx_thread_create(TX_THREAD(), "ponger", ponger, 0, memory + 1024, 1024, 9, 9, 0, TX_AUTO_START)

    start = time.perf_counter()
    run = tx_kernel_enter(define)
    elapsed = time.perf_counter() - start
    assert run.reason == "completed", run.report()
    return elapsed / (2 * rounds)


def bench_simpy(round_trips: int) -> float:
    env = simpy.Environment()
    state = {"to_b": env.event(), "to_a": env.event()}

    def a():
        for _ in range(round_trips):
            state["to_b"].succeed()
            yield state["to_a"]
            state["to_a"] = env.event()

    def b():
        for _ in range(round_trips):
            yield state["to_b"]
            state["to_b"] = env.event()
            state["to_a"].succeed()

    env.process(b())
    env.process(a())
    start = time.perf_counter()
    env.run()
    return (time.perf_counter() - start) / round_trips


def main() -> None:
    parser = argparse.ArgumentParser(description="dispatcher vs bare simpy")
    parser.add_argument("--switches", type=int, default=200_000)
    args = parser.parse_args()
    n = args.switches
    best = {"relinquish": float("inf"), "semaphore": float("inf"), "simpy": float("inf")}
    for _ in range(3):  # best of three, interleaved so both see the same machine state
        best["simpy"] = min(best["simpy"], bench_simpy(n // 2))
        best["relinquish"] = min(best["relinquish"], bench_relinquish(n))
        best["semaphore"] = min(best["semaphore"], bench_semaphore(n))
    simpy_rt = best["simpy"]
    print(f"bare simpy round trip:          {simpy_rt * 1e6:8.2f} us  ({1 / simpy_rt:,.0f} round trips/s)")
    for name in ("relinquish", "semaphore"):
        per_switch = best[name]
        print(f"dispatcher switch ({name:10s}): {per_switch * 1e6:8.2f} us  ({1 / per_switch:,.0f} switches/s)"
              f"  ratio to simpy round trip: {per_switch / simpy_rt:.2f}x")
    print("target: ratio <= 3.00x")


if __name__ == "__main__":
    main()
