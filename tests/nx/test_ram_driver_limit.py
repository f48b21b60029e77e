"""The RAM driver's instance limit made visible: NX_MAX_RAM_INTERFACES (4, as in C) warns
loudly when a host finds the table full, and many-host runs raise or drop the limit."""
from __future__ import annotations

import pytest

from netxsim import (
    IP_ADDRESS, NX_IP, NX_IP_LINK_ENABLED, NX_NO_RESPONSE, NX_NO_WAIT, NX_NOT_SUCCESSFUL, NX_PACKET_POOL, NX_SUCCESS, TX_AUTO_START, TX_THREAD,
    nx_arp_enable, nx_icmp_enable, nx_icmp_ping, nx_ip_create, nx_ip_status_check, nx_packet_pool_create,
    nx_packet_release, tx_kernel_enter, tx_thread_create,
)
from netxsim.nx import ram_driver
from netxsim.nx.ram_driver import RamDriverLimitWarning, _nx_ram_network_driver


def _hosts(count: int) -> dict:
    """``count`` hosts on the RAM driver; host 0's thread pings every other host once."""
    ips = [NX_IP() for _ in range(count)]
    pools = [NX_PACKET_POOL() for _ in range(count)]
    thread = TX_THREAD()
    box: dict = {"pings": {}, "links": {}}

    def pinger(_: int) -> None:
        for index, ip in enumerate(ips):
            box["links"][index] = nx_ip_status_check(ip, NX_IP_LINK_ENABLED, NX_NO_WAIT)[0]
        for index in range(1, count):
            status, reply = nx_icmp_ping(ips[0], IP_ADDRESS(10, 0, index // 250, index % 250 + 1), b"x", 1, 50)
            box["pings"][index] = status
            if reply is not None:
                nx_packet_release(reply)

    def define(memory) -> None:
        for index in range(count):
            assert nx_packet_pool_create(pools[index], f"pool {index}", 256, memory, 8 * 320) == NX_SUCCESS
            memory += 8 * 320
            address = IP_ADDRESS(10, 0, index // 250, index % 250 + 1)
            assert nx_ip_create(ips[index], f"host {index}", address, 0xFFFF0000, pools[index],
                                _nx_ram_network_driver, memory, 1024, 1) == NX_SUCCESS
            memory += 1024
            assert nx_arp_enable(ips[index], memory, 520) == NX_SUCCESS
            memory += 520
            assert nx_icmp_enable(ips[index]) == NX_SUCCESS
        assert tx_thread_create(thread, "pinger", pinger, 0, memory, 4096, 4, 4, 0, TX_AUTO_START) == NX_SUCCESS

    tx_kernel_enter(define, until=200_000, memory_size=max(4 << 20, count * 5000))
    return box


def test_a_fifth_host_warns_naming_the_limit_and_how_to_raise_it():
    with pytest.warns(RamDriverLimitWarning, match=r"'host 4' gets no link.*NX_MAX_RAM_INTERFACES = 4.*"
                                                   r"netxsim\.nx\.ram_driver\.NX_MAX_RAM_INTERFACES") as caught:
        box = _hosts(5)
    assert len(caught) == 1
    assert box["links"] == {0: 0, 1: 0, 2: 0, 3: 0, 4: NX_NOT_SUCCESSFUL}
    assert box["pings"] == {1: 0, 2: 0, 3: 0, 4: NX_NO_RESPONSE}     # the fifth never answers


@pytest.mark.parametrize("limit", [None, 64])
def test_raising_or_removing_the_limit_lets_many_hosts_share_the_segment(monkeypatch, recwarn, limit):
    monkeypatch.setattr(ram_driver, "NX_MAX_RAM_INTERFACES", limit)
    box = _hosts(40)
    assert not [w for w in recwarn if issubclass(w.category, RamDriverLimitWarning)]
    assert set(box["links"].values()) == {NX_SUCCESS}
    assert box["pings"] == {index: NX_SUCCESS for index in range(1, 40)}
