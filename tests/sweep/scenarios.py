"""Small scenarios for the sweep tests: a ThreadX program whose outcome depends on its
parameters and seed, the same made slow in wall time (so a worker can be killed while
it works), and one that raises for some seeds."""
from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass

from netxsim import (
    TX_AUTO_START, TX_SEMAPHORE, TX_THREAD, tx_kernel_enter, tx_semaphore_create, tx_semaphore_get,
    tx_semaphore_put, tx_thread_create, tx_thread_sleep, tx_time_get,
)


@dataclass
class GateResult:
    outcome: str
    ok: bool
    ticks: int
    got: int
    timeouts: int
    pid: int


def gate(waiters: int, posts: int, seed: int) -> GateResult:
    """``waiters`` threads each wait on a semaphore with a timeout drawn from the seed
    (some for ever); a poster thread puts ``posts`` times, 3 ticks apart. Deadlock when
    a waiter waiting for ever is never served (and prints nothing: campaigns are quiet)."""
    rng = random.Random(seed)
    semaphore = TX_SEMAPHORE()
    threads = [TX_THREAD() for _ in range(waiters + 1)]
    waits = [rng.choice([5, 10, 20, 0xFFFFFFFF]) for _ in range(waiters)]
    got, timeouts = [], []

    def waiter(index: int) -> None:
        status = tx_semaphore_get(semaphore, waits[index])
        (got if status == 0 else timeouts).append((index, tx_time_get()))

    def poster(_: int) -> None:
        for _ in range(posts):
            tx_thread_sleep(3)
            tx_semaphore_put(semaphore)

    def define(memory) -> None:
        tx_semaphore_create(semaphore, "gate", 0)
        for index in range(waiters):
            tx_thread_create(threads[index], f"waiter {index}", waiter, index, memory + 1024 * index, 1024,
                             5, 5, 0, TX_AUTO_START)
        tx_thread_create(threads[-1], "poster", poster, 0, memory + 1024 * waiters, 1024, 4, 4, 0,
                         TX_AUTO_START)

    run = tx_kernel_enter(define)
    return GateResult(run.reason, run.reason == "completed", run.ticks, len(got), len(timeouts), os.getpid())


def slow_gate(waiters: int, posts: int, seed: int, wall: float = 0.05) -> GateResult:
    """:func:`gate`, then ``wall`` seconds of wall time (a slow run to kill a worker in)."""
    result = gate(waiters, posts, seed)
    time.sleep(wall)
    return result


def flaky(x: int, seed: int) -> dict:
    """Raises for seed 3, says not ok for odd x, prints (captured, not shown)."""
    print(f"flaky x={x} seed={seed}")
    if seed == 3:
        raise ValueError(f"bad seed {seed}")
    return {"outcome": "odd" if x % 2 else "even", "ok": x % 2 == 0, "double": 2 * x}


def fatal(x: int, seed: int) -> dict:
    """Takes its worker process down for x=1, seed=2 (only on a Dask worker, never in the
    process that runs the tests); other runs pass."""
    if (x, seed) == (1, 2):
        try:
            from distributed import get_worker
            get_worker()
        except (ImportError, ValueError):
            raise RuntimeError("would have killed its worker") from None
        os._exit(13)
    return {"outcome": "fine", "value": x * 10 + seed}
