"""nx_ip_create's checking layer finds an overlapping helper-thread stack through a sorted
index of the created instances' stacks instead of walking all of them; the statuses must
be those of the C's walk (a new stack whose first or last byte lies in a listed stack, or
an instance already created: NX_PTR_ERROR), also after deletes and re-creates."""
from __future__ import annotations

import random
from typing import Any

import pytest

import netxsim.nx.ram_driver as ram_driver
from netxsim import (IP_ADDRESS, NX_IP, NX_PACKET_POOL, NX_PTR_ERROR, NX_SUCCESS, TX_AUTO_START, TX_THREAD,
                     nx_ip_create, nx_ip_delete, nx_packet_pool_create, nx_system_initialize, tx_kernel_enter,
                     tx_thread_create)
from netxsim.nx.ip import _StackIndex
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.tx.kernel import kernel


class _Ip:
    def __init__(self, start: int, end: int) -> None:
        self.nx_ip_thread = type("T", (), {"tx_thread_stack_start": start, "tx_thread_stack_end": end})()


def test_index_answers_as_a_walk_of_every_stack() -> None:
    rng = random.Random(7)
    for _ in range(200):
        stacks = []
        for _ in range(rng.randrange(1, 30)):
            start = rng.randrange(0, 5000)
            stacks.append((start, start + rng.randrange(0, 800)))   # enclosing and nested ones too
        index = _StackIndex([_Ip(*stack) for stack in stacks[:len(stacks) // 2]])
        for stack in stacks[len(stacks) // 2:]:
            index.add(_Ip(*stack))
        for address in list(range(-1, 5900, 7)) + [s for s, _ in stacks] + [e for _, e in stacks]:
            walk = any(start <= address < end for start, end in stacks)
            assert index.may_hold(address) == walk, (stacks, address)


def test_create_statuses_match_the_walk_with_deletes_and_recreates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", None)
    rng = random.Random(11)
    results: list[tuple[int, int]] = []

    thread = TX_THREAD()
    box: dict[str, Any] = {}

    def define(memory: Any) -> None:
        nx_system_initialize()
        box["pool"] = pool = NX_PACKET_POOL()
        assert nx_packet_pool_create(pool, "pool", 256, memory, 8192) == NX_SUCCESS
        box["base"] = memory + 16384   # stacks from here; the test thread's below
        assert tx_thread_create(thread, "test", entry, 0, memory + 8192, 4096, 3, 3, 0, TX_AUTO_START) == NX_SUCCESS

    def entry(_: int) -> None:
        pool, base = box["pool"], box["base"]
        live: dict[int, tuple[NX_IP, int, int]] = {}   # id -> (ip, stack start, stack end)
        ips = [NX_IP() for _ in range(40)]
        for step in range(160):
            ip = rng.choice(ips)
            if id(ip) in live and rng.random() < 0.3:
                assert nx_ip_delete(ip) == NX_SUCCESS
                del live[id(ip)]
                continue
            offset = rng.randrange(0, 40) * 100
            size = rng.choice((200, 300, 400, 1000))
            address, end = offset, offset + size - 1
            # The C's walk: the instance listed, or the new stack's first or last byte in a
            # listed stack (its last byte excluded).
            expected_error = id(ip) in live or any(
                start <= address < stop or start <= end < stop for _, start, stop in live.values())
            encloses = any(address < start and end >= stop for _, start, stop in live.values())
            if not expected_error and encloses:
                continue   # passes the check, then its stack would overlap a claimed one
            status = nx_ip_create(ip, f"ip {step}", IP_ADDRESS(10, 0, 0, 1 + step), 0xFFFFFF00, pool,
                                  _nx_ram_network_driver, base + offset, size, 1)
            results.append((status, NX_PTR_ERROR if expected_error else NX_SUCCESS))
            if status == NX_SUCCESS:
                live[id(ip)] = (ip, offset, offset + size - 1)
        k = kernel()
        assert k.nx_ip_stack_index.count == len(live)

    run = tx_kernel_enter(define, memory_size=1 << 20)
    assert run.reason == "completed", run.report()
    assert len(results) > 60
    assert sum(1 for status, _ in results if status == NX_PTR_ERROR) > 10
    assert [status for status, _ in results] == [expected for _, expected in results]
