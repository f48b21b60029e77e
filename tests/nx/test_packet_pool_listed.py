"""nx_packet_pool_create and nx_packet_pool_delete find whether a pool is on the created
list through a set that mirrors it (O(1) per create, not a walk of every pool): over
random creates, re-creates and deletes the statuses are those of the list (a pool
already listed: NX_PTR_ERROR), and the list itself is as before."""
from __future__ import annotations

import random
from typing import Any

from netxsim import (NX_PACKET_POOL, NX_PTR_ERROR, NX_SUCCESS, TX_AUTO_START, TX_THREAD, nx_packet_pool_create,
                     nx_packet_pool_delete, nx_system_initialize, tx_kernel_enter, tx_thread_create)
from netxsim.tx.kernel import kernel


def test_create_and_delete_statuses_follow_the_created_list() -> None:
    rng = random.Random(3)
    pools = [NX_PACKET_POOL() for _ in range(30)]
    thread = TX_THREAD()
    results: list[tuple[str, int, int]] = []
    box: dict[str, Any] = {}

    def define(memory: Any) -> None:
        nx_system_initialize()
        box["base"] = memory + 8192
        assert tx_thread_create(thread, "test", entry, 0, memory, 8192, 3, 3, 0, TX_AUTO_START) == NX_SUCCESS

    def entry(_: int) -> None:
        listed: list[NX_PACKET_POOL] = []
        for step in range(300):
            index = rng.randrange(len(pools))
            pool = pools[index]
            if pool in listed and rng.random() < 0.5:
                results.append(("delete", nx_packet_pool_delete(pool), NX_SUCCESS))
                listed.remove(pool)
                continue
            # Each pool has its own area: only being listed already can fail the check.
            status = nx_packet_pool_create(pool, f"pool {step}", 128, box["base"] + index * 4096, 4096)
            results.append(("create", status, NX_PTR_ERROR if pool in listed else NX_SUCCESS))
            if status == NX_SUCCESS:
                listed.append(pool)
        box["listed"] = listed
        box["created"] = list(kernel().created["packet_pool"])

    run = tx_kernel_enter(define, memory_size=1 << 20)
    assert run.reason == "completed", run.report()
    assert sum(1 for _, status, _ in results if status == NX_PTR_ERROR) > 20
    assert [status for _, status, _ in results] == [expected for _, _, expected in results]
    assert box["created"] == box["listed"]   # the created list in its order of creation
