"""Many threads starting one after another: each thread's first run starts its greenlet,
which must not nest inside the greenlet of the thread that handed the CPU over (a
greenlet starts at the recursion depth of the one that switches to it). Hundreds of
threads (hosts of a large simulated LAN) each starting as the previous one blocks must
all run, with the run counts of a plain dispatch."""
from __future__ import annotations

import sys

from netxsim import TX_AUTO_START, TX_SUCCESS, TX_THREAD, tx_kernel_enter, tx_thread_create, tx_thread_sleep
from netxsim.tx import tx_thread_info_get

THREADS = max(400, sys.getrecursionlimit() // 2)


def test_hundreds_of_threads_each_starting_as_the_previous_one_blocks() -> None:
    threads = [TX_THREAD() for _ in range(THREADS)]
    ran: list[int] = []
    seen: dict[str, list] = {}

    def entry(index: int) -> None:
        ran.append(index)
        tx_thread_sleep(1)   # hands the CPU straight to the next thread, not started yet
        ran.append(index)
        if index == THREADS - 1:
            seen["runs"] = [tx_thread_info_get(thread)[3] for thread in threads]

    def define(memory) -> None:
        for index, thread in enumerate(threads):
            assert tx_thread_create(thread, f"t{index}", entry, index, memory, 1024, 16, 16, 0,
                                    TX_AUTO_START) == TX_SUCCESS
            memory += 1024

    run = tx_kernel_enter(define, memory_size=THREADS * 1024 + 65536)
    assert (run.reason, run.ticks) == ("completed", 1)
    assert ran == list(range(THREADS)) * 2
    # Each thread ran twice: its start, and its wake-up after the sleep.
    assert seen["runs"][:-1] == [2] * (THREADS - 1)
    assert seen["runs"][-1] == 2
