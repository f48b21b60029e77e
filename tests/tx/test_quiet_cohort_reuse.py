"""Control blocks of hosts still dormant when a run ends, used again in the next run
(created again, as C code that re-runs its set-up does): the second run, and the first
run's counters read between the two, are those of runs without cohorts."""
from __future__ import annotations

from typing import Any

import pytest

import netxsim.nx.ram_driver as ram_driver
from netxsim import (NX_IP, NX_PACKET_POOL, TX_AUTO_START, TX_NO_TIME_SLICE, TX_THREAD, nx_packet_release,
                     tx_kernel_enter, tx_thread_create, tx_thread_info_get, tx_thread_sleep, tx_time_get)
from netxsim.nx import nx_arp_enable, nx_icmp_enable, nx_icmp_ping, nx_ip_create, nx_packet_pool_create, nx_tcp_enable
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.tx import quiet_cohort
from netxsim.tx.kernel import kernel

from .test_quiet import _performance

HOSTS = 20


def _two_runs() -> dict[str, Any]:
    ips = [NX_IP() for _ in range(HOSTS)]
    pools = [NX_PACKET_POOL() for _ in range(HOSTS)]
    ticker, pinger = TX_THREAD(), TX_THREAD()
    out: dict[str, Any] = {"log": []}

    def define_with(second: bool) -> Any:
        def tick(_: int) -> None:
            for _ in range(300):
                tx_thread_sleep(1)

        def ping(_: int) -> None:
            for step in range(12):
                tx_thread_sleep(7 + step)
                source, target = (step * 7) % HOSTS, (step * 11 + 3) % HOSTS
                status, packet = nx_icmp_ping(ips[source], 0x0A000001 + target, b"again", 5, 30)
                if packet is not None:
                    nx_packet_release(packet)
                out["log"].append((second, source, target, status, tx_time_get()))
                out["log"].append(tx_thread_info_get(ips[target].nx_ip_thread)[1:4])

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
                nx_icmp_enable(ip)
            tx_thread_create(ticker, "ticker", tick, 0, memory, 4096, 10, 10, TX_NO_TIME_SLICE, TX_AUTO_START)
            if second:
                tx_thread_create(pinger, "pinger", ping, 0, memory + 4096, 4096, 5, 5, TX_NO_TIME_SLICE,
                                 TX_AUTO_START)
        return define

    first = tx_kernel_enter(define_with(False), memory_size=1 << 20)
    out["dormant at the end of the first run"] = sum(type(ip) is not NX_IP for ip in ips)
    out["first"] = (first.reason, first.ticks, [ip.nx_ip_thread.tx_thread_run_count for ip in ips],
                    _performance(kernel()))
    second = tx_kernel_enter(define_with(True), memory_size=1 << 20)
    out["second"] = (second.reason, second.ticks, [ip.nx_ip_thread.tx_thread_run_count for ip in ips],
                     _performance(kernel()))
    return out


def test_dormant_hosts_reused_in_the_next_run_run_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", None)
    on = _two_runs()
    monkeypatch.setattr(quiet_cohort, "enabled", False)
    off = _two_runs()
    assert on.pop("dormant at the end of the first run") == HOSTS   # the shortcut was taken
    assert off.pop("dormant at the end of the first run") == 0
    assert len(on["log"]) == 24 and on["first"][0] == on["second"][0] == "completed"
    for key in on:
        assert on[key] == off[key], key
