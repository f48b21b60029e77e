"""Quiet wake-ups absorbed in busy ticks (netxsim.tx.quiet.quiet_expiries): with many
hosts something happens nearly every tick, so the periodic wake-ups of quiet IP
instances are absorbed in place instead of jumped over. The same runs with the shortcut
on and off give the same statuses, ticks, run counts and performance counters, with IP
threads and application threads at priorities on both sides of one another, threads
preempted past their threshold, timed waits with and without cleanup (event flags,
mutex), application timers, and frames (pings, ARP broadcasts) in the busy ticks."""
from __future__ import annotations

import random
from typing import Any

import pytest

import netxsim.tx.kernel as kernel_module
from netxsim import (NX_IP, NX_PACKET_POOL, TX_AUTO_ACTIVATE, TX_AUTO_START, TX_EVENT_FLAGS_GROUP, TX_INHERIT,
                     TX_MUTEX, TX_NO_TIME_SLICE, TX_OR_CLEAR, TX_THREAD, TX_TIMER, nx_packet_release,
                     tx_event_flags_create, tx_event_flags_get, tx_event_flags_set, tx_kernel_enter, tx_mutex_create,
                     tx_mutex_get, tx_mutex_put, tx_thread_create, tx_thread_relinquish, tx_thread_sleep, tx_time_get,
                     tx_timer_create)
from netxsim.nx import nx_arp_enable, nx_icmp_enable, nx_icmp_ping, nx_ip_create, nx_packet_pool_create, nx_tcp_enable
from netxsim.nx.ram_driver import _nx_ram_network_driver
import netxsim.nx.ram_driver as ram_driver
from netxsim.tx import quiet
from netxsim.tx.kernel import kernel

from .test_quiet import _performance

HOSTS = 6
WORKERS = 5


def _busy_world(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    ips = [NX_IP() for _ in range(HOSTS)]
    pools = [NX_PACKET_POOL() for _ in range(HOSTS)]
    workers = [TX_THREAD() for _ in range(WORKERS)]
    timer = TX_TIMER()
    flags = TX_EVENT_FLAGS_GROUP()
    mutex = TX_MUTEX()
    log: list[tuple] = []
    ip_priorities = [rng.choice([1, 3, 6]) for _ in range(HOSTS)]
    # (priority, threshold): some more urgent than IP threads, some preemptible past a threshold.
    shapes = [rng.choice([(0, 0), (2, 2), (4, 4), (8, 8), (8, 2), (5, 1)]) for _ in range(WORKERS)]
    plans = [[(rng.choice(["sleep", "sleep", "sleep", "ping", "flags", "mutex", "set", "relinquish"]),
               rng.choice([1, 2, 9, 10, 11, 31, 33, 50, 99, 100, 101, rng.randrange(1, 400)]),
               rng.randrange(HOSTS))
              for _ in range(12)] for _ in workers]

    def worker(index: int) -> None:
        own = ips[index % HOSTS]
        for action, ticks, other in plans[index]:
            if action == "sleep":
                tx_thread_sleep(ticks)
            elif action == "ping":
                status, packet = nx_icmp_ping(own, 0x0A000001 + other, b"abc", 3, ticks)
                if packet is not None:
                    nx_packet_release(packet)
                log.append(("ping", index, other, status, tx_time_get()))
            elif action == "flags":
                log.append(("flags", index, tx_event_flags_get(flags, 1 << index, TX_OR_CLEAR, ticks)[0],
                            tx_time_get()))
            elif action == "mutex":
                status = tx_mutex_get(mutex, ticks)
                log.append(("mutex", index, status, tx_time_get()))
                if status == 0:
                    tx_thread_sleep(1 + ticks % 7)   # others time out on it (their cleanup runs)
                    tx_mutex_put(mutex)
            elif action == "set":
                tx_event_flags_set(flags, 1 << other % WORKERS, 0)
            else:
                tx_thread_relinquish()
            log.append(("step", index, action, tx_time_get()))

    def define(memory: Any) -> None:
        for index, ip in enumerate(ips):
            assert nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096) == 0
            memory += 4096
            assert nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index],
                                _nx_ram_network_driver, memory, 2048, ip_priorities[index]) == 0
            memory += 2048
            nx_arp_enable(ip, memory, 1040)
            memory += 1040
            nx_icmp_enable(ip)
            if index % 3:
                nx_tcp_enable(ip)
        tx_event_flags_create(flags, "flags")
        tx_mutex_create(mutex, "mutex", TX_INHERIT)
        for index, thread in enumerate(workers):
            priority, threshold = shapes[index]
            tx_thread_create(thread, f"worker {index}", worker, index, memory, 4096, priority, threshold,
                             TX_NO_TIME_SLICE, TX_AUTO_START)
            memory += 4096
        if seed % 2:
            tx_timer_create(timer, "app", lambda _: log.append(("timer", tx_time_get())), 0,
                            rng.randrange(1, 300), rng.choice([0, 20, 100]), TX_AUTO_ACTIVATE)

    run = tx_kernel_enter(define, memory_size=1 << 20)
    k = kernel()
    counts = {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]}
    return {"end": (run.reason, run.ticks), "log": log, "counts": counts, "performance": _performance(k)}


@pytest.fixture
def absorbed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many ticks had wake-ups absorbed, and how many wake-ups."""
    seen = [0, 0]
    original = kernel_module.quiet_expiries

    def counting(k: Any, due: list, current: int) -> Any:
        result = original(k, due, current)
        if result:
            seen[0] += 1
            seen[1] += len(result)
        return result

    monkeypatch.setattr(kernel_module, "quiet_expiries", counting)
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", None)
    return seen


@pytest.mark.parametrize("seed", range(12))
def test_busy_ticks_are_the_same_with_and_without_absorbed_wake_ups(seed: int, absorbed: list[int]) -> None:
    quiet.enabled = False
    try:
        off = _busy_world(seed)
    finally:
        quiet.enabled = True
    assert absorbed == [0, 0]
    on = _busy_world(seed)
    assert on == off
    assert sum(off["counts"].values()) > 100


def test_a_busy_many_host_run_absorbs_the_wake_ups_of_quiet_hosts(absorbed: list[int]) -> None:
    """Twelve hosts and a thread waking every tick (so no quiet jump): every fast TCP
    timer expiry of the quiet hosts is absorbed, with the run counts it would have had."""
    def world() -> dict[str, Any]:
        ips = [NX_IP() for _ in range(12)]
        pools = [NX_PACKET_POOL() for _ in range(12)]
        ticker = TX_THREAD()

        def tick(_: int) -> None:
            for _ in range(250):
                tx_thread_sleep(1)

        def define(memory: Any) -> None:
            for index, ip in enumerate(ips):
                nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096)
                memory += 4096
                nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index],
                             _nx_ram_network_driver, memory, 2048, 1)
                memory += 2048
                nx_arp_enable(ip, memory, 1040)
                memory += 1040
                nx_tcp_enable(ip)
            tx_thread_create(ticker, "ticker", tick, 0, memory, 4096, 10, 10, TX_NO_TIME_SLICE, TX_AUTO_START)

        run = tx_kernel_enter(define, memory_size=1 << 20)
        k = kernel()
        return {"end": (run.reason, run.ticks),
                "counts": {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]},
                "performance": _performance(k)}

    quiet.enabled = False
    try:
        off = world()
    finally:
        quiet.enabled = True
    on = world()
    assert on == off
    assert off["end"] == ("completed", 250)
    # 25 fast-timer ticks and 2 IP-periodic ticks after the start, each absorbing all 12 hosts.
    assert absorbed == [25, 12 * (25 + 2)]
    assert all(off["counts"][f"ip {index}"] > 25 for index in range(12))


def test_absorbed_wake_ups_stop_at_the_first_thread_that_would_run_before_them(absorbed: list[int]) -> None:
    """IP threads at priorities 1 and 3, tickers at 0 (every 7 ticks: nothing is absorbed
    then), 2 (every 3 ticks: only the priority-1 IP threads are) and 10 (every tick)."""
    def world() -> dict[str, Any]:
        ips = [NX_IP() for _ in range(8)]
        pools = [NX_PACKET_POOL() for _ in range(8)]
        tickers = [TX_THREAD() for _ in range(3)]
        log: list[tuple] = []

        def tick(period: int) -> None:
            for _ in range(400 // period):
                tx_thread_sleep(period)
                log.append((period, tx_time_get()))

        def define(memory: Any) -> None:
            for index, ip in enumerate(ips):
                nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 4096)
                memory += 4096
                nx_ip_create(ip, f"ip {index}", 0x0A000001 + index, 0xFFFFFF00, pools[index],
                             _nx_ram_network_driver, memory, 2048, 1 if index % 2 else 3)
                memory += 2048
                nx_arp_enable(ip, memory, 1040)
                memory += 1040
                nx_tcp_enable(ip)
            for thread, (period, priority) in zip(tickers, ((7, 0), (3, 2), (1, 10))):
                tx_thread_create(thread, f"ticker {period}", tick, period, memory, 4096, priority, priority,
                                 TX_NO_TIME_SLICE, TX_AUTO_START)
                memory += 4096

        run = tx_kernel_enter(define, memory_size=1 << 20)
        k = kernel()
        return {"end": (run.reason, run.ticks), "log": log,
                "counts": {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]},
                "performance": _performance(k)}

    quiet.enabled = False
    try:
        off = world()
    finally:
        quiet.enabled = True
    on = world()
    assert on == off
    # 44 wake-up ticks (40 fast, 4 IP-periodic): each absorbs the 4 priority-1 hosts, and
    # the 4 priority-3 ones too unless the priority-2 ticker wakes then; none when the
    # priority-0 ticker does.
    fast = [tick for tick in range(10, 401, 10)] + [tick for tick in range(100, 401, 100)]
    expected = sum(0 if tick % 7 == 0 else 4 if tick % 3 == 0 else 8 for tick in fast)
    assert absorbed[1] == expected
