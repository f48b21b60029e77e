"""Many hosts on one segment, each sending one mail to one server (the run bench.scale
measures), with static and with dynamic ARP (every client's ARP request broadcast to
every host): with the quiet-time shortcuts on (quiet wake-ups absorbed in busy ticks,
quiet jumps) and off, the runs end at the same tick with the same mail delivered, the
same bytes on the wire (pcap), the same run count of every thread, the same performance
counters of every object and of the system, and the same IP statistics."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import netxsim.nx.ram_driver as ram_driver
import netxsim.tx.kernel as kernel_module
from netxsim import (IP_ADDRESS, NX_IP, NX_PACKET_POOL, NX_SUCCESS, TX_AUTO_START, TX_THREAD, nx_arp_enable,
                     nx_icmp_enable, nx_ip_create, nx_packet_pool_create, nx_system_initialize, nx_tcp_enable,
                     tx_kernel_enter, tx_thread_create, tx_thread_sleep)
from netxsim.nx.arp import SIZEOF_NX_ARP, nx_arp_static_entry_create
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.peers.smtp_server import SmtpServer
from netxsim.tx import quiet
from netxsim.tx.kernel import kernel
from smtp_client import NX_SMTP_CLIENT, NX_SMTP_MAIL_PRIORITY_NORMAL, nx_smtp_client_create, nx_smtp_mail_send

from .test_quiet import _performance

HOSTS = 60
MASK = 0xFFFF0000
SERVER = IP_ADDRESS(10, 0, 0, 1)
BODY = "Subject: hello\r\n\r\nOne mail from each host.\r\n"


def _address(index: int) -> int:
    return IP_ADDRESS(10, 0, 1 + index // 250, 1 + index % 250)


def _mail_run(static_arp: bool, pcap: Path) -> dict[str, Any]:
    ips = [NX_IP() for _ in range(HOSTS)]
    ip_pools = [NX_PACKET_POOL() for _ in range(HOSTS)]
    smtp_pools = [NX_PACKET_POOL() for _ in range(HOSTS)]
    threads = [TX_THREAD() for _ in range(HOSTS)]
    clients = [NX_SMTP_CLIENT() for _ in range(HOSTS)]
    box: dict[str, Any] = {"statuses": []}

    def client_entry(index: int) -> None:
        ip = ips[index]
        tx_thread_sleep(100 + index)
        if static_arp:
            server, own = box["server"].ip.nx_ip_interface[0], ip.nx_ip_interface[0]
            assert nx_arp_static_entry_create(ip, SERVER, server.nx_interface_physical_address_msw,
                                              server.nx_interface_physical_address_lsw) == NX_SUCCESS
            assert nx_arp_static_entry_create(box["server"].ip, _address(index), own.nx_interface_physical_address_msw,
                                              own.nx_interface_physical_address_lsw) == NX_SUCCESS
        status = nx_smtp_client_create(clients[index], ip, smtp_pools[index], "user", "password",
                                       "client@example.com", "example.com", 3, SERVER, 25)
        if status == NX_SUCCESS:
            status = nx_smtp_mail_send(clients[index], "server@example.com", NX_SMTP_MAIL_PRIORITY_NORMAL,
                                       "hello", BODY, len(BODY))
        box["statuses"].append((index, status))

    def define(memory: Any) -> None:
        nx_system_initialize()
        box["server"] = server = SmtpServer.create(address=SERVER, port=25, memory=memory, mask=MASK,
                                                   users={"user": "password"}, transcripts=False,
                                                   arp_cache_size=1040 + HOSTS * SIZEOF_NX_ARP)
        memory = server.next_free
        for index in range(HOSTS):
            assert nx_packet_pool_create(ip_pools[index], f"ip pool {index}", 1536, memory, 4096) == NX_SUCCESS
            memory += 4096
            assert nx_ip_create(ips[index], f"ip {index}", _address(index), MASK, ip_pools[index],
                                _nx_ram_network_driver, memory, 2048, 1) == NX_SUCCESS
            memory += 2048
            assert nx_arp_enable(ips[index], memory, 1040) == NX_SUCCESS
            memory += 1040
            assert nx_tcp_enable(ips[index]) == NX_SUCCESS
            assert nx_icmp_enable(ips[index]) == NX_SUCCESS
            assert nx_packet_pool_create(smtp_pools[index], f"smtp pool {index}", 800, memory, 8000) == NX_SUCCESS
            memory += 8000
            assert tx_thread_create(threads[index], f"client {index}", client_entry, index, memory, 2048, 16, 16,
                                    0, TX_AUTO_START) == NX_SUCCESS
            memory += 2048

    run = tx_kernel_enter(define, memory_size=(1 << 20) + HOSTS * 24 * 1024)
    k = kernel()
    every_ip = ips + [box["server"].ip]
    return {
        "end": (run.reason, run.ticks),
        "statuses": sorted(box["statuses"]),
        "mailbox": [(mail.sender, tuple(mail.recipients), mail.data) for mail in box["server"].mailbox],
        "runs": {t.tx_thread_name: t.tx_thread_run_count for t in k.created["thread"]},
        "performance": _performance(k),
        "ip statistics": [{name: value for name, value in vars(ip).items()
                           if type(value) is int and name.startswith("nx_ip_")} for ip in every_ip],
        "pcap": pcap.read_bytes(),
    }


@pytest.mark.parametrize("static_arp", [True, False], ids=["static ARP", "dynamic ARP"])
def test_many_hosts_mailing_one_server_run_the_same_with_and_without_the_shortcuts(
        static_arp: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", None)
    absorbed = [0]
    original = kernel_module.quiet_expiries

    def counting(k: Any, due: list, current: int) -> Any:
        result = original(k, due, current)
        if result:
            absorbed[0] += len(result)
        return result

    monkeypatch.setattr(kernel_module, "quiet_expiries", counting)
    monkeypatch.setenv("NETXSIM_PCAP", str(tmp_path / "on.pcap"))
    on = _mail_run(static_arp, tmp_path / "on.pcap")
    assert absorbed[0] > HOSTS * 5   # the quiet hosts' fast-timer wake-ups were absorbed
    monkeypatch.setattr(quiet, "enabled", False)
    monkeypatch.setenv("NETXSIM_PCAP", str(tmp_path / "off.pcap"))
    off = _mail_run(static_arp, tmp_path / "off.pcap")
    assert on["end"][0] == "completed"
    assert on["statuses"] == [(index, NX_SUCCESS) for index in range(HOSTS)]
    assert len(on["mailbox"]) == HOSTS
    assert len(on["pcap"]) > 24 + HOSTS * 1000
    for key in off:
        assert on[key] == off[key], key
