"""Pings per second between two IP instances on the RAM driver, against bare simpy.

The ping runs the whole simulated stack: the client thread allocates and sends an
ICMP echo request (IPv4 header, ARP-resolved Ethernet frame, synchronous copy into
the peer's pool), the peer's IP thread answers, the client's IP thread matches the
reply and wakes the pinging thread. The bare simpy figure is a ping-pong between
two processes through events (one round trip).

Run: ``python -m bench.netx_core [--pings N]``.
"""
from __future__ import annotations

import argparse
import time

from bench.kernel import bench_simpy
from netxsim import (TX_AUTO_START, TX_THREAD, tx_kernel_enter, tx_thread_create)
from netxsim.nx import (NX_PACKET_POOL, NX_SUCCESS, NX_WAIT_FOREVER, nx_packet_pool_create,
                        nx_packet_pool_info_get, nx_packet_release, nx_system_initialize)
from netxsim.nx.arp import nx_arp_enable
from netxsim.nx.icmp import nx_icmp_enable, nx_icmp_ping
from netxsim.nx.ip import IP_ADDRESS, NX_IP, nx_ip_create
from netxsim.nx.ram_driver import _nx_ram_network_driver


def bench_pings(pings: int) -> float:
    pools = [NX_PACKET_POOL(), NX_PACKET_POOL()]
    ips = [NX_IP(), NX_IP()]
    client = TX_THREAD()
    results = {"ok": 0}

    def client_entry(_: int) -> None:
        for _ in range(pings):
            status, response = nx_icmp_ping(ips[0], IP_ADDRESS(10, 0, 0, 2), b"abcdefgh", 8, NX_WAIT_FOREVER)
            if status == NX_SUCCESS:
                results["ok"] += 1
                nx_packet_release(response)

    def define(memory) -> None:
        nx_system_initialize()
        for index in range(2):
            nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 16 * 320)
            memory += 16 * 320
            nx_ip_create(ips[index], f"ip {index}", IP_ADDRESS(10, 0, 0, 1 + index), 0xFFFFFF00,
                         pools[index], _nx_ram_network_driver, memory, 2048, 1)
            memory += 2048
            nx_arp_enable(ips[index], memory, 1024)
            memory += 1024
            nx_icmp_enable(ips[index])
        tx_thread_create(client, "client", client_entry, 0, memory, 2048, 4, 4, 0, TX_AUTO_START)

    start = time.perf_counter()
    run = tx_kernel_enter(define)
    elapsed = time.perf_counter() - start
    assert run.reason == "completed" and results["ok"] == pings, (run.report(), results)
    for pool in pools:
        status, total, free, *_ = nx_packet_pool_info_get(pool)
        assert total == free, "a packet leaked"
    return elapsed / pings


def main() -> None:
    parser = argparse.ArgumentParser(description="simulated pings vs bare simpy")
    parser.add_argument("--pings", type=int, default=20_000)
    n = parser.parse_args().pings
    ping = simpy_rt = float("inf")
    for _ in range(3):
        simpy_rt = min(simpy_rt, bench_simpy(n))
        ping = min(ping, bench_pings(n))
    print(f"bare simpy round trip:  {simpy_rt * 1e6:9.2f} us  ({1 / simpy_rt:,.0f} round trips/s)")
    print(f"simulated ping:         {ping * 1e6:9.2f} us  ({1 / ping:,.0f} pings/s)")
    print(f"ratio ping / simpy round trip: {ping / simpy_rt:.1f}x")


if __name__ == "__main__":
    main()
