"""nxd_icmp_* for IPv4 destinations and nx_api.h's alias names (netxsim/nx/icmp_nxd.py)."""
from __future__ import annotations

from netxsim.nx import (
    NXD_ADDRESS, nx_packet_release, nx_udp_socket_interface_send, nx_udp_socket_source_send,
    nxd_icmp_enable, nxd_icmp_interface_ping, nxd_icmp_ping, nxd_icmp_source_ping,
)
from netxsim.nx.constants import (NX_CALLER_ERROR, NX_INVALID_INTERFACE, NX_IP_ADDRESS_ERROR, NX_NOT_ENABLED,
                                  NX_PTR_ERROR, NX_SUCCESS)
from netxsim.tx.kernel import kernel
from netxsim.tx import tx_thread_sleep

from .test_arp import A_ADDR, B_ADDR, Net


def test_nxd_pings_to_ipv4_and_checks() -> None:
    net = Net(icmp=("B",))
    results: list = []

    def app() -> None:
        a = net.ip["A"]
        results.append(nxd_icmp_ping(a, NXD_ADDRESS(4, B_ADDR), b"x", 1, 10)[0])   # A has no ICMP yet
        results.append(nxd_icmp_enable(a))
        results.append(nxd_icmp_enable(a))                                          # no ALREADY_ENABLED
        status, response = nxd_icmp_ping(a, NXD_ADDRESS(4, B_ADDR), b"abc", 3, 10)
        results.append((status, response.chain_bytes()))
        nx_packet_release(response)
        status, response = nxd_icmp_source_ping(a, NXD_ADDRESS(4, B_ADDR), 0, b"de", 2, 10)
        results.append((status, response.chain_bytes()))
        nx_packet_release(response)
        results.append(nxd_icmp_ping(a, NXD_ADDRESS(6, 1), b"x", 1, 10)[0])
        results.append(nxd_icmp_ping(a, NXD_ADDRESS(5, B_ADDR), b"x", 1, 10)[0])
        results.append(nxd_icmp_ping(None, NXD_ADDRESS(4, B_ADDR), b"x", 1, 10)[0])
        results.append(nxd_icmp_source_ping(a, NXD_ADDRESS(4, B_ADDR), 9, b"x", 1, 10)[0])
        results.append((a.nx_ip_address == A_ADDR, a.nx_ip_driver_mtu, a.nx_ip_network))
        tx_thread_sleep(10)

    def isr() -> None:
        results.append(nxd_icmp_ping(net.ip["A"], NXD_ADDRESS(4, B_ADDR), b"x", 1, 0)[0])

    net.run(lambda n: (n.thread("app", app), kernel().interrupt_after(5, isr)))
    assert results == [NX_NOT_ENABLED, NX_SUCCESS, NX_SUCCESS, (NX_SUCCESS, b"abc"), (NX_SUCCESS, b"de"),
                       NX_NOT_ENABLED, NX_IP_ADDRESS_ERROR, NX_PTR_ERROR, NX_INVALID_INTERFACE,
                       (True, 1500, A_ADDR & 0xFFFFFF00), NX_CALLER_ERROR]
    # nx_api.h's alias names run the same services (their own names at the boundary).
    assert nxd_icmp_interface_ping.prototype.name == "nxd_icmp_interface_ping"
    assert nx_udp_socket_interface_send.prototype.declaration.split("(", 1)[1] == \
        nx_udp_socket_source_send.prototype.declaration.split("(", 1)[1]
    net.assert_pools_full()
