"""How cost grows with the number of hosts, measured in one run.

* idle: N IP instances (RAM driver, ARP, TCP and ICMP enabled, one segment) and one
  thread sleeping ``--idle-seconds`` simulated seconds; the wall time of the sleep per
  IP instance and simulated second, with the quiet-time shortcut on (and, for a few
  simulated seconds, off). Target (issue): linear in N, at most 15 us per IP-second.
* mail: one simulated SMTP server and N client hosts on one segment, each client
  thread sending the demo mail once (client i starts at tick 100 + i); wall time of the
  whole run (hosts built, kernel entered and left) per host. Target (issue): linear in
  N (the per-host figure flat). With dynamic ARP every client's ARP request is a
  broadcast that all N hosts receive and process, as on a real flat LAN: that part
  grows as N per host. The "static ARP" column gives each client and the server a
  static entry for each other first (nothing is broadcast).

The RAM driver serves NX_MAX_RAM_INTERFACES = 4 instances, as in C; this benchmark lifts
the limit (``netxsim.nx.ram_driver.NX_MAX_RAM_INTERFACES = None``). Median of
``--repeat`` runs per N (a single run for N = 1,000).

Run: ``python -m bench.scale [--hosts 1,10,100,1000] [--repeat N] [--idle-seconds N]``.
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import netxsim.nx.ram_driver as ram_driver
from demos.demo_netx_smtp_client import (FROM_ADDRESS, LOCAL_DOMAIN, MAIL_BODY, NETX_DUO_SAMPLE_IP_POOL_PAYLOAD,
                                         PASSWORD, RECIPIENT_ADDRESS, SUBJECT_LINE, USERNAME)
from netxsim import (IP_ADDRESS, NX_IP, NX_PACKET_POOL, NX_SUCCESS, TX_AUTO_START, TX_THREAD, nx_arp_enable,
                     nx_icmp_enable, nx_ip_create, nx_packet_pool_create, nx_system_initialize, nx_tcp_enable,
                     tx_kernel_enter, tx_thread_create, tx_thread_sleep)
from netxsim.nx.arp import SIZEOF_NX_ARP, nx_arp_static_entry_create
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.peers.smtp_server import SmtpServer
from netxsim.tx import quiet
from smtp_client import NX_SMTP_CLIENT, NX_SMTP_MAIL_PRIORITY_NORMAL, nx_smtp_client_create, nx_smtp_mail_send

TICKS_PER_SECOND = 100
MASK = 0xFFFF0000
SERVER_ADDRESS = IP_ADDRESS(10, 0, 0, 1)
IP_POOL_BYTES = 4096
SMTP_POOL_BYTES = 10 * 800


def _address(index: int) -> int:
    """Client ``index``'s address: 10.0.1.1, 10.0.1.2, ... (250 per /24)."""
    return IP_ADDRESS(10, 0, 1 + index // 250, 1 + index % 250)


def _memory(hosts: int) -> int:
    return (1 << 20) + hosts * 24 * 1024


class _Host:
    def __init__(self) -> None:
        self.ip = NX_IP()
        self.ip_pool = NX_PACKET_POOL()
        self.smtp_pool = NX_PACKET_POOL()
        self.thread = TX_THREAD()
        self.client = NX_SMTP_CLIENT()

    def build(self, index: int, memory: Any, smtp: bool) -> Any:
        assert nx_packet_pool_create(self.ip_pool, f"ip pool {index}", NETX_DUO_SAMPLE_IP_POOL_PAYLOAD, memory,
                                     IP_POOL_BYTES) == NX_SUCCESS
        memory += IP_POOL_BYTES
        assert nx_ip_create(self.ip, f"ip {index}", _address(index), MASK, self.ip_pool, _nx_ram_network_driver,
                            memory, 2048, 1) == NX_SUCCESS
        memory += 2048
        assert nx_arp_enable(self.ip, memory, 1040) == NX_SUCCESS
        memory += 1040
        assert nx_tcp_enable(self.ip) == NX_SUCCESS
        assert nx_icmp_enable(self.ip) == NX_SUCCESS
        if smtp:
            assert nx_packet_pool_create(self.smtp_pool, f"smtp pool {index}", 800, memory,
                                         SMTP_POOL_BYTES) == NX_SUCCESS
            memory += SMTP_POOL_BYTES
        return memory


def idle(hosts: int, seconds: int) -> float:
    """Wall seconds per IP instance per quiet simulated second."""
    members = [_Host() for _ in range(hosts)]
    sleeper = TX_THREAD()
    box: dict[str, float] = {}

    def entry(_: int) -> None:
        tx_thread_sleep(10)   # every IP thread has started its driver
        start = time.perf_counter()
        tx_thread_sleep(seconds * TICKS_PER_SECOND)
        box["wall"] = time.perf_counter() - start

    def define(memory: Any) -> None:
        nx_system_initialize()
        for index, host in enumerate(members):
            memory = host.build(index, memory, smtp=False)
        tx_thread_create(sleeper, "sleeper", entry, 0, memory, 2048, 3, 3, 0, TX_AUTO_START)

    run = tx_kernel_enter(define, memory_size=_memory(hosts))
    assert run.reason == "completed", run.report()
    return box["wall"] / (hosts * seconds)


def mail(hosts: int, static_arp: bool = False) -> float:
    """Wall seconds per host of a run where each of ``hosts`` clients sends one mail.
    ``static_arp``: each client and the server get a static ARP entry for each other
    first, so no ARP request is broadcast (each broadcast reaches all N hosts)."""
    members = [_Host() for _ in range(hosts)]
    box: dict[str, Any] = {"failures": []}

    def client_entry(index: int) -> None:
        host = members[index]
        tx_thread_sleep(100 + index)
        if static_arp:
            server_ip, own = box["server"].ip.nx_ip_interface[0], host.ip.nx_ip_interface[0]
            assert nx_arp_static_entry_create(host.ip, SERVER_ADDRESS, server_ip.nx_interface_physical_address_msw,
                                              server_ip.nx_interface_physical_address_lsw) == NX_SUCCESS
            assert nx_arp_static_entry_create(box["server"].ip, _address(index), own.nx_interface_physical_address_msw,
                                              own.nx_interface_physical_address_lsw) == NX_SUCCESS
        status = nx_smtp_client_create(host.client, host.ip, host.smtp_pool, USERNAME, PASSWORD, FROM_ADDRESS,
                                       LOCAL_DOMAIN, 3, SERVER_ADDRESS, 25)
        if status == NX_SUCCESS:
            status = nx_smtp_mail_send(host.client, RECIPIENT_ADDRESS, NX_SMTP_MAIL_PRIORITY_NORMAL, SUBJECT_LINE,
                                       MAIL_BODY, len(MAIL_BODY))
        if status != NX_SUCCESS:
            box["failures"].append((index, status))

    def define(memory: Any) -> None:
        nx_system_initialize()
        box["server"] = server = SmtpServer.create(address=SERVER_ADDRESS, port=25, memory=memory, mask=MASK,
                                                   users={USERNAME: PASSWORD}, transcripts=False,
                                                   arp_cache_size=1040 + hosts * SIZEOF_NX_ARP)
        memory = server.next_free
        for index, host in enumerate(members):
            memory = host.build(index, memory, smtp=True)
            assert tx_thread_create(host.thread, f"client {index}", client_entry, index, memory, 2048, 16, 16,
                                    0, TX_AUTO_START) == NX_SUCCESS
            memory += 2048

    start = time.perf_counter()
    run = tx_kernel_enter(define, memory_size=_memory(hosts))
    wall = time.perf_counter() - start
    assert run.reason == "completed", run.report()
    assert not box["failures"], f"mails failed: {box['failures'][:5]}"
    assert len(box["server"].mailbox) == hosts, "the server did not receive every mail"
    return wall / hosts


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description="cost per host as hosts are added")
    parser.add_argument("--hosts", default="1,10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--idle-seconds", type=int, default=100)
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.hosts.split(",")]
    saved = ram_driver.NX_MAX_RAM_INTERFACES
    ram_driver.NX_MAX_RAM_INTERFACES = None
    try:
        rows: dict[int, tuple[float, float, float]] = {}
        print(f"median of {args.repeat} (one run at N >= 1000); idle: {args.idle_seconds} quiet simulated s")
        print(f"{'N':>6} {'idle us/IP-s':>13} {'(shortcut off)':>15} {'mail ms/host':>13} "
              f"{'(static ARP)':>17}")
        for n in counts:
            repeat = 1 if n >= 1000 else args.repeat
            idle_on = statistics.median(idle(n, args.idle_seconds) for _ in range(repeat))
            quiet.enabled = False
            try:
                idle_off = statistics.median(idle(n, 2) for _ in range(repeat))
            finally:
                quiet.enabled = True
            per_mail = statistics.median(mail(n) for _ in range(repeat))
            per_mail_static = statistics.median(mail(n, static_arp=True) for _ in range(repeat))
            print(f"{n:>6} {idle_on * 1e6:>13.2f} {idle_off * 1e6:>15.2f} {per_mail * 1e3:>13.3f} "
                  f"{per_mail_static * 1e3:>17.3f}", flush=True)
            rows[n] = (idle_on, per_mail, per_mail_static)
        print("targets: idle <= 15.00 us per IP-second and flat in N; mail per host flat in N")
        small = 10 if 10 in rows else min(rows)
        large = max(rows)
        if large != small:
            growth = [rows[large][i] / rows[small][i] for i in range(3)]
            print(f"per-host cost at N = {large:,} over N = {small:,} (flat: 1.00x): idle {growth[0]:.2f}x, "
                  f"mail {growth[1]:.2f}x, mail with static ARP {growth[2]:.2f}x")
        print("(with ARP, each client's ARP request is broadcast to every host: N^2 work the "
              "simulated network really does)")
    finally:
        ram_driver.NX_MAX_RAM_INTERFACES = saved


if __name__ == "__main__":
    main()
