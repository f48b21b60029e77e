"""Memory retained per finished run, over many runs in one process.

Each program is run ``--runs`` times in a row (after ``--warmup`` runs that fill the
interpreter's own caches), keeping nothing but its result's reason. Python's heap is
measured with ``tracemalloc`` after ``gc.collect()`` at checkpoints, and the process's
resident set size (RSS) beside it. Programs:

* two-object: one application thread blocked for ever on a semaphore (a deadlock: the
  usual end of a small test program), plus the system timer thread;
* pools: a block pool, a byte pool, a queue, a mutex, a periodic timer and a thread
  blocked on the queue, stopped at ``until`` and closed with ``KernelRun.close()``;
* smtp demo: the guide's SMTP demo (``demos/demo_netx_smtp_client.py``) with two IP
  instances, ARP, TCP, the simulated SMTP server host and its threads.

Prints, per program, the traced heap at each checkpoint and the average retained per
run next to the target. Target (issue): flat memory, under 1 KB retained per run on
average over 10,000 runs.

Run: ``python -m bench.retention [--runs N] [--warmup N] [--programs two-object,smtp]``.
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import time
import tracemalloc
from typing import Callable

from netxsim import (TX_AUTO_ACTIVATE, TX_AUTO_START, TX_BLOCK_POOL, TX_BYTE_POOL, TX_MUTEX, TX_QUEUE,
                     TX_SEMAPHORE, TX_THREAD, TX_TIMER, TX_WAIT_FOREVER, tx_block_pool_create,
                     tx_byte_pool_create, tx_kernel_enter, tx_mutex_create, tx_mutex_get,
                     tx_queue_create, tx_queue_receive, tx_semaphore_create, tx_semaphore_get,
                     tx_thread_create, tx_timer_create)

TARGET_BYTES_PER_RUN = 1024


def two_object() -> str:
    thread, semaphore = TX_THREAD(), TX_SEMAPHORE()

    def entry(_: int) -> None:
        tx_semaphore_get(semaphore, TX_WAIT_FOREVER)

    def define(memory) -> None:
        tx_semaphore_create(semaphore, "gate", 0)
        tx_thread_create(thread, "waiter", entry, 0, memory, 1024, 1, 1, 0, TX_AUTO_START)

    return tx_kernel_enter(define).reason


def pools() -> str:
    thread, block_pool, byte_pool = TX_THREAD(), TX_BLOCK_POOL(), TX_BYTE_POOL()
    queue, mutex, timer = TX_QUEUE(), TX_MUTEX(), TX_TIMER()

    def entry(_: int) -> None:
        tx_mutex_get(mutex, TX_WAIT_FOREVER)
        tx_queue_receive(queue, TX_WAIT_FOREVER)

    def define(memory) -> None:
        tx_block_pool_create(block_pool, "blocks", 64, memory, 1024)
        tx_byte_pool_create(byte_pool, "bytes", memory + 1024, 4096)
        tx_queue_create(queue, "queue", 1, memory + 8192, 64)
        tx_mutex_create(mutex, "mutex", 1)
        tx_timer_create(timer, "tick", lambda _: None, 0, 5, 5, TX_AUTO_ACTIVATE)
        tx_thread_create(thread, "waiter", entry, 0, memory + 10_000, 1024, 1, 1, 0, TX_AUTO_START)

    with tx_kernel_enter(define, until=50) as run:
        return run.reason


def smtp_demo() -> str:
    from demos.demo_netx_smtp_client import NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, Demo
    demo = Demo(NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, None)
    run = demo.run()
    assert demo.delivered
    return run.reason


PROGRAMS: dict[str, Callable[[], str]] = {"two-object": two_object, "pools": pools, "smtp": smtp_demo}


def rss_kib() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def heap() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def measure(name: str, program: Callable[[], str], runs: int, warmup: int, checkpoints: int = 5) -> float:
    for _ in range(warmup):
        program()
    start_heap, start_rss = heap(), rss_kib()
    reasons: dict[str, int] = {}
    step = max(runs // checkpoints, 1)
    began = time.perf_counter()
    points = []
    for index in range(1, runs + 1):
        reason = program()
        reasons[reason] = reasons.get(reason, 0) + 1
        if index % step == 0 or index == runs:
            points.append((index, heap() - start_heap, rss_kib() - start_rss))
    elapsed = time.perf_counter() - began
    per_run = points[-1][1] / runs
    print(f"{name}: {runs} runs ({', '.join(f'{n} {r}' for r, n in sorted(reasons.items()))}), "
          f"{elapsed / runs * 1e3:.2f} ms/run under tracemalloc")
    for index, grown, rss in points:
        print(f"  after {index:6d} runs: heap {grown:+9d} B   RSS {rss:+7d} KiB")
    verdict = "met" if per_run < TARGET_BYTES_PER_RUN else "MISSED"
    print(f"  retained per run: {per_run:.1f} B   (target < {TARGET_BYTES_PER_RUN} B: {verdict})")
    return per_run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--programs", default=",".join(PROGRAMS))
    args = parser.parse_args(argv)
    logging.getLogger("netxsim").setLevel(logging.ERROR)  # 10,000 deadlock reports otherwise
    tracemalloc.start()
    for name in args.programs.split(","):
        measure(name, PROGRAMS[name], args.runs, args.warmup)


if __name__ == "__main__":
    main()
