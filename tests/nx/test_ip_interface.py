"""IP interface, gateway, notification, forwarding and driver services
(netxsim/nx/ip_interface.py) and static routes (netxsim/nx/route.py) against NetX Duo's
nx_ip_interface_*.c, nx_ip_gateway_address_*.c, nx_ip_forward_packet_process.c,
nx_ip_static_route_*.c: statuses, and effects seen on the wire."""
from __future__ import annotations

from typing import Any

import dpkt

import netxsim.nx.route as route
from netxsim.nx.config import NxConfig
from netxsim.nx import (
    NXD_ADDRESS, NX_LINK_GET_STATUS, NX_LINK_USER_COMMAND, nx_icmp_ping, nx_ip_address_change_notify,
    nx_ip_address_set, nx_ip_auxiliary_packet_pool_set, nx_ip_driver_direct_command,
    nx_ip_driver_interface_direct_command, nx_ip_forwarding_disable, nx_ip_forwarding_enable,
    nx_ip_gateway_address_clear, nx_ip_gateway_address_get, nx_ip_gateway_address_set, nx_ip_interface_address_get,
    nx_ip_interface_address_mapping_configure, nx_ip_interface_address_set, nx_ip_interface_attach,
    nx_ip_interface_capability_get, nx_ip_interface_capability_set, nx_ip_interface_detach,
    nx_ip_interface_info_get, nx_ip_interface_mtu_set, nx_ip_interface_physical_address_get,
    nx_ip_interface_physical_address_set, nx_ip_link_status_change_notify_set, nx_ip_max_payload_size_find,
    nx_ip_static_route_add, nx_ip_static_route_delete,
)
from netxsim.nx.arp import nx_arp_static_entry_create
from netxsim.nx.constants import (
    NX_CALLER_ERROR, NX_DUPLICATED_ENTRY, NX_INVALID_INTERFACE, NX_IP_ADDRESS_ERROR, NX_NO_MORE_ENTRIES,
    NX_NO_RESPONSE, NX_NOT_FOUND, NX_NOT_SUCCESSFUL, NX_NOT_SUPPORTED, NX_OVERFLOW, NX_PTR_ERROR, NX_SUCCESS,
    NX_UNHANDLED_COMMAND,
)
from netxsim.nx.ip import IP_ADDRESS
from netxsim.nx.ip_interface import _nx_ip_driver_link_status_event
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.nx.wire import ETHERTYPE_IPV4, IP_PROTO_ICMP, IcmpEcho, Ipv4Header, build_ethernet_frame
from netxsim.tx import tx_thread_sleep
from netxsim.tx.kernel import kernel

from .test_arp import A_ADDR, A_MAC, B_ADDR, B_MAC, MASK, RAW_ADDR, RAW_MAC, Net, attach_raw, mac

GATEWAY = IP_ADDRESS(1, 2, 3, 1)


def test_interface_info_address_mtu_physical_and_mapping() -> None:
    net = Net(names=("A",))
    changes: list = []

    def app() -> None:
        a = net.ip["A"]
        net.event("app", nx_ip_interface_info_get(a, 0))
        assert nx_ip_address_change_notify(a, lambda ip, info: changes.append((ip.nx_ip_name, info)), "x") == 0
        net.event("app", nx_ip_interface_address_set(a, 0, IP_ADDRESS(10, 0, 0, 1), 0xFF000000))
        net.event("app", nx_ip_interface_address_get(a, 0))
        net.event("app", nx_ip_address_set(a, IP_ADDRESS(10, 0, 0, 1), 0xFF000000))   # unchanged: no notify
        net.event("app", nx_ip_interface_mtu_set(a, 0, 576))
        net.event("app", nx_ip_interface_physical_address_set(a, 0, 0x1234, 0x56789ABC, 0))
        net.event("app", nx_ip_interface_physical_address_get(a, 0))
        net.event("app", nx_ip_interface_physical_address_set(a, 0, 0x1, 0x2, 1))   # the driver is told
        net.event("app", nx_ip_interface_physical_address_get(a, 0))
        net.event("app", nx_ip_interface_address_mapping_configure(a, 0, 0))
        net.event("app", a.nx_ip_interface[0].nx_interface_address_mapping_needed)
        net.event("app", nx_ip_max_payload_size_find(a, NXD_ADDRESS(4, B_ADDR), 0, 0, 0, 6))
        net.event("app", nx_ip_max_payload_size_find(a, NXD_ADDRESS(4, B_ADDR), 0, 0, 0, 17))
        net.event("app", nx_ip_max_payload_size_find(a, NXD_ADDRESS(4, B_ADDR), 0, 0, 0, 1))
        net.event("app", nx_ip_max_payload_size_find(a, NXD_ADDRESS(4, B_ADDR), 1, 0, 0, 6))
        net.event("app", nx_ip_driver_direct_command(a, NX_LINK_GET_STATUS))
        net.event("app", nx_ip_driver_interface_direct_command(a, NX_LINK_USER_COMMAND, 0))
        net.event("app", nx_ip_interface_info_get(a, 1))
        net.event("app", nx_ip_interface_mtu_set(None, 0, 1))

    net.run(lambda n: n.thread("app", app))
    assert net.log == [
        (0, "app", (NX_SUCCESS, "PRI", A_ADDR, MASK, 1500, A_MAC[0], A_MAC[1])),
        (0, "app", NX_SUCCESS),
        (0, "app", (NX_SUCCESS, IP_ADDRESS(10, 0, 0, 1), 0xFF000000)),
        (0, "app", NX_SUCCESS),
        (0, "app", NX_SUCCESS),
        (0, "app", NX_SUCCESS),
        (0, "app", (NX_SUCCESS, 0x1234, 0x56789ABC)),
        (0, "app", NX_SUCCESS),
        (0, "app", (NX_SUCCESS, 0x1, 0x2)),
        (0, "app", NX_SUCCESS),
        (0, "app", 0),
        (0, "app", (NX_SUCCESS, 56, 576 + 16 - 56)),
        (0, "app", (NX_SUCCESS, 44, 576 + 16 - 44)),
        (0, "app", (NX_NOT_SUPPORTED, None, None)),
        (0, "app", (NX_INVALID_INTERFACE, None, None)),
        (0, "app", (NX_SUCCESS, 1)),
        (0, "app", (NX_UNHANDLED_COMMAND, 0)),
        (0, "app", (NX_INVALID_INTERFACE,) + (None,) * 6),
        (0, "app", NX_PTR_ERROR),
    ]
    assert changes == [("A", "x")]


def test_mtu_set_makes_pings_fragment_or_drop() -> None:
    """After nx_ip_interface_mtu_set(576) a 1000-byte ping no longer fits: dropped
    without fragmentation (no reply), sent as two fragments with it."""
    from netxsim.nx import nx_ip_fragment_enable
    net = Net(pool_packets=16)

    def app() -> None:
        a, b = net.ip["A"], net.ip["B"]
        nx_ip_interface_mtu_set(a, 0, 576)
        net.event("app", nx_icmp_ping(a, B_ADDR, bytes(1000), 1000, 20)[0])
        net.event("app", a.nx_ip_send_packets_dropped)
        nx_ip_fragment_enable(a)
        nx_ip_fragment_enable(b)
        status, packet = nx_icmp_ping(a, B_ADDR, bytes(1000), 1000, 20)
        net.event("app", (status, packet.nx_packet_length))
        from netxsim.nx import nx_packet_release
        nx_packet_release(packet)

    net.run(lambda n: n.thread("app", app))
    assert [entry[2] for entry in net.log] == [NX_NO_RESPONSE, 1, (NX_SUCCESS, 1000)]
    lengths = [dpkt.ethernet.Ethernet(r.frame).data.len for r in net.frames if r.port == "A"
               and r.frame[12:14] == b"\x08\x00"]
    assert lengths == [572, 476]   # 1008 ICMP bytes: (576 - 20) // 8 * 8 = 552, then 456
    net.assert_pools_full()


def test_gateway_get_clear_and_route_through_it() -> None:
    net = Net(names=("A",))
    received: list = []

    def app() -> None:
        a = net.ip["A"]
        raw = attach_raw(net, received)
        net.event("app", nx_ip_gateway_address_get(a))
        assert nx_arp_static_entry_create(a, RAW_ADDR, *RAW_MAC) == NX_SUCCESS
        net.event("app", nx_ip_gateway_address_set(a, RAW_ADDR))
        net.event("app", nx_ip_gateway_address_get(a))
        nx_icmp_ping(a, IP_ADDRESS(8, 8, 8, 8), b"?", 1, 0)
        net.event("app", nx_ip_gateway_address_clear(a))
        net.event("app", nx_ip_gateway_address_get(a))
        net.event("app", nx_icmp_ping(a, IP_ADDRESS(8, 8, 8, 8), b"?", 1, 0))
        _ = raw

    net.run(lambda n: n.after_start(app))
    assert [entry[2] for entry in net.log] == [
        (NX_NOT_FOUND, None), NX_SUCCESS, (NX_SUCCESS, RAW_ADDR), NX_SUCCESS, (NX_NOT_FOUND, None),
        (NX_IP_ADDRESS_ERROR, None)]
    # The ping to 8.8.8.8 went to the gateway's MAC.
    assert len(received) == 1 and received[0][1][:6] == mac(RAW_MAC)
    assert dpkt.ethernet.Ethernet(received[0][1]).data.dst == IP_ADDRESS(8, 8, 8, 8).to_bytes(4, "big")


def test_static_routes_when_built_in() -> None:
    """Off in NetX's default build (NX_NOT_SUPPORTED); built in, the most specific route
    wins, ahead of the gateway, and deleting it restores the gateway."""
    default = Net(names=("A",))
    default.run(lambda n: n.thread("app", lambda: default.event("app", (
        nx_ip_static_route_add(default.ip["A"], IP_ADDRESS(9, 0, 0, 0), 0xFF000000, RAW_ADDR),
        nx_ip_static_route_delete(default.ip["A"], IP_ADDRESS(9, 0, 0, 0), 0xFF000000)))))
    assert [entry[2] for entry in default.log] == [(NX_NOT_SUPPORTED, NX_NOT_SUPPORTED)]
    net = Net(names=("A",), config=NxConfig(NX_ENABLE_IP_STATIC_ROUTING=True))
    received: list = []
    results: list = []

    def app() -> None:
        a = net.ip["A"]
        attach_raw(net, received)
        nx_arp_static_entry_create(a, RAW_ADDR, *RAW_MAC)
        nx_arp_static_entry_create(a, GATEWAY, 0x0002, 0x00000001)
        nx_ip_gateway_address_set(a, GATEWAY)
        results.append(nx_ip_static_route_add(a, IP_ADDRESS(9, 0, 0, 0), 0xFF000000, RAW_ADDR))
        results.append(nx_ip_static_route_add(a, IP_ADDRESS(9, 9, 0, 0), 0xFFFF0000, GATEWAY))
        results.append(nx_ip_static_route_add(a, IP_ADDRESS(9, 0, 0, 0), 0xFF000000, IP_ADDRESS(7, 7, 7, 7)))
        results.append([(e.nx_ip_routing_dest_ip, e.nx_ip_routing_net_mask) for e in route.routing_table(a)])
        for target in (IP_ADDRESS(9, 1, 1, 1), IP_ADDRESS(9, 9, 1, 1), IP_ADDRESS(8, 1, 1, 1)):
            nx_icmp_ping(a, target, b"?", 1, 0)
        results.append(nx_ip_static_route_delete(a, IP_ADDRESS(9, 1, 2, 3), 0xFF000000))  # masked: 9/8
        results.append(nx_ip_static_route_delete(a, IP_ADDRESS(9, 0, 0, 0), 0xFF000000))
        nx_icmp_ping(a, IP_ADDRESS(9, 1, 1, 1), b"?", 1, 0)
        for index in range(7):
            route.routing_table(a)  # fill the table
            nx_ip_static_route_add(a, IP_ADDRESS(20 + index, 0, 0, 0), 0xFF000000, RAW_ADDR)
        results.append(nx_ip_static_route_add(a, IP_ADDRESS(30, 0, 0, 0), 0xFF000000, RAW_ADDR))
        results.append(nx_ip_static_route_add(None, 0, 0, RAW_ADDR))

    net.run(lambda n: n.after_start(app))
    assert results == [
        NX_SUCCESS, NX_SUCCESS, NX_IP_ADDRESS_ERROR,
        [(IP_ADDRESS(9, 9, 0, 0), 0xFFFF0000), (IP_ADDRESS(9, 0, 0, 0), 0xFF000000)],
        NX_SUCCESS, NX_NOT_SUCCESSFUL, NX_OVERFLOW, NX_PTR_ERROR,
    ]
    raw_mac, gateway_mac = mac(RAW_MAC), mac((0x0002, 0x00000001))
    # The raw station only sees what is addressed to its MAC: via the 9/8 route only.
    assert [dpkt.ethernet.Ethernet(f).data.dst for _, f in received] == [IP_ADDRESS(9, 1, 1, 1).to_bytes(4, "big")]
    to_gateway = [r for r in net.frames if r.frame[:6] == gateway_mac]
    assert [dpkt.ethernet.Ethernet(r.frame).data.dst for r in to_gateway] == [
        IP_ADDRESS(9, 9, 1, 1).to_bytes(4, "big"), IP_ADDRESS(8, 1, 1, 1).to_bytes(4, "big"),
        IP_ADDRESS(9, 1, 1, 1).to_bytes(4, "big")]
    _ = raw_mac


def test_forwarding_decrements_ttl_and_patches_the_checksum() -> None:
    """B forwards an echo request addressed to a host beyond it (via its gateway, the raw
    station): TTL 64 → 63, checksum still valid; disabled again, B drops it."""
    net = Net()
    received: list = []
    request = Ipv4Header(A_ADDR, IP_ADDRESS(8, 8, 4, 4), IP_PROTO_ICMP, identification=9, ttl=64)
    payload = IcmpEcho(8, 1, 1, b"fwd").pack()
    frame = build_ethernet_frame(mac(B_MAC), mac(A_MAC), ETHERTYPE_IPV4, request.pack(len(payload)) + payload)

    def app() -> None:
        b = net.ip["B"]
        raw = attach_raw(net, received)
        nx_arp_static_entry_create(b, RAW_ADDR, *RAW_MAC)
        nx_ip_gateway_address_set(b, RAW_ADDR)
        net.event("app", nx_ip_forwarding_enable(b))
        raw.transmit(frame)
        tx_thread_sleep(1)
        net.event("app", nx_ip_forwarding_disable(b))
        raw.transmit(frame)
        tx_thread_sleep(1)
        net.event("app", (b.nx_ip_packets_forwarded, b.nx_ip_receive_packets_dropped))

    net.run(lambda n: n.after_start(app))
    assert [entry[2] for entry in net.log] == [NX_SUCCESS, NX_SUCCESS, (1, 1)]
    forwarded = [f for _, f in received]
    assert len(forwarded) == 1
    ip = dpkt.ethernet.Ethernet(forwarded[0]).data
    assert ip.ttl == 63 and bytes(ip)[20:] == payload
    from netxsim.nx.wire import internet_checksum
    assert internet_checksum(bytes(ip)[:20]) == 0
    net.assert_pools_full()


def test_link_status_change_reported_by_the_ip_thread() -> None:
    net = Net(names=("A",))
    reports: list = []

    def app() -> None:
        a = net.ip["A"]
        _nx_ip_driver_link_status_event(a, 0)       # no callback yet: the mark stays
        tx_thread_sleep(1)
        net.event("app", a.nx_ip_interface[0].nx_interface_link_status_change)
        assert nx_ip_link_status_change_notify_set(a, lambda ip, index, up: reports.append((index, up))) == 0
        _nx_ip_driver_link_status_event(a, 0)
        tx_thread_sleep(1)
        net.event("app", a.nx_ip_interface[0].nx_interface_link_status_change)
        net.event("app", nx_ip_link_status_change_notify_set(a, None))

    net.run(lambda n: n.thread("app", app))
    assert [entry[2] for entry in net.log] == [1, 0, NX_PTR_ERROR]
    assert reports == [(0, 1)]


def test_attach_detach_and_build_dependent_services() -> None:
    """With NetX's default single physical interface, attach finds no slot until
    interface 0 is detached; attaching again starts the driver at once."""
    net = Net(names=("A",))
    results: list = []

    def app() -> None:
        a = net.ip["A"]
        results.append(nx_ip_interface_attach(a, "second", IP_ADDRESS(10, 0, 0, 1), 0xFF000000,
                                              _nx_ram_network_driver))
        results.append(nx_ip_interface_attach(a, "dup", A_ADDR, MASK, _nx_ram_network_driver))
        results.append(nx_ip_interface_attach(a, "bad", 0xF0000001, MASK, _nx_ram_network_driver))
        results.append(nx_ip_interface_detach(a, 0))
        results.append(nx_ip_interface_detach(a, 0))
        results.append(nx_ip_interface_detach(a, 1))
        results.append(nx_ip_interface_info_get(a, 0)[0])
        results.append(nx_ip_interface_attach(a, "again", A_ADDR, MASK, _nx_ram_network_driver))
        results.append(nx_ip_interface_info_get(a, 0)[:5])
        results.append(nx_ip_interface_capability_set(a, 0, 1))
        results.append(nx_ip_interface_capability_get(a, 0))
        results.append(nx_ip_auxiliary_packet_pool_set(a, net.pool["A"]))
        results.append(nx_ip_interface_address_set(a, 0, 0, 0))   # 0 passes the class A test
        tx_thread_sleep(10)

    def isr() -> None:
        results.append(nx_ip_gateway_address_get(net.ip["A"])[0])
        results.append(nx_ip_forwarding_enable(net.ip["A"]))

    net.run(lambda n: (n.thread("app", app), kernel().interrupt_after(5, isr)))
    assert results == [
        NX_NO_MORE_ENTRIES, NX_DUPLICATED_ENTRY, NX_IP_ADDRESS_ERROR, NX_SUCCESS, NX_INVALID_INTERFACE,
        NX_INVALID_INTERFACE, NX_INVALID_INTERFACE, NX_SUCCESS, (NX_SUCCESS, "again", A_ADDR, MASK, 1500),
        NX_NOT_SUPPORTED, (NX_NOT_SUPPORTED, None), NX_NOT_SUPPORTED, NX_SUCCESS,
        NX_CALLER_ERROR, NX_CALLER_ERROR,
    ]
    _ = (B_ADDR, RAW_ADDR, Any)


def test_a_two_interface_router_forwards_between_its_networks() -> None:
    """Built with NX_MAX_PHYSICAL_INTERFACES 2: router R (1.2.3.1 and, attached, 2.2.3.1)
    forwards between host A (1.2.3.4) and host C (2.2.3.4), all on the RAM driver. A's
    ping to C crosses R twice; with forwarding off nothing gets through. Detaching R's
    second interface drops its routes, ARP entries and any gateway through it."""
    from netxsim.nx import (NX_IP, NX_PACKET_POOL, nx_arp_enable, nx_icmp_enable, nx_ip_create, nx_packet_pool_create,
                            nx_packet_release)
    from netxsim.nx.config import NxConfig
    from netxsim.tx import TX_AUTO_START, TX_THREAD, tx_kernel_enter, tx_thread_create
    log: list = []
    hosts: dict = {}

    def app(_: int) -> None:
        a, r, c = hosts["A"], hosts["R"], hosts["C"]
        log.append(nx_ip_interface_attach(r, "second", IP_ADDRESS(2, 2, 3, 1), 0xFFFFFF00, _nx_ram_network_driver))
        nx_ip_gateway_address_set(a, IP_ADDRESS(1, 2, 3, 1))
        nx_ip_gateway_address_set(c, IP_ADDRESS(2, 2, 3, 1))
        log.append(nx_icmp_ping(a, IP_ADDRESS(2, 2, 3, 4), b"via r", 5, 50)[0])
        log.append(nx_ip_forwarding_enable(r))
        status, response = nx_icmp_ping(a, IP_ADDRESS(2, 2, 3, 4), b"via r", 5, 50)
        log.append((status, response.chain_bytes() if response else None))
        if response:
            nx_packet_release(response)
        log.append((r.nx_ip_packets_forwarded, nx_ip_interface_info_get(r, 1)[:3]))
        log.append(nx_ip_interface_detach(r, 1))
        log.append(nx_ip_interface_info_get(r, 1)[0])
        log.append(nx_icmp_ping(a, IP_ADDRESS(2, 2, 3, 4), b"via r", 5, 50)[0])

    def define(memory: Any) -> None:
        free = [memory]

        def take(size: int) -> Any:
            pointer = free[0]
            free[0] = pointer + size
            return pointer
        for name, address in (("A", IP_ADDRESS(1, 2, 3, 4)), ("R", IP_ADDRESS(1, 2, 3, 1)),
                              ("C", IP_ADDRESS(2, 2, 3, 4))):
            pool, ip = NX_PACKET_POOL(), NX_IP()
            nx_packet_pool_create(pool, name, 1536, take(16 * 1600), 16 * 1600)
            assert nx_ip_create(ip, name, address, 0xFFFFFF00, pool, _nx_ram_network_driver, take(2048), 2048,
                                1) == NX_SUCCESS
            nx_arp_enable(ip, take(1024), 1024)
            nx_icmp_enable(ip)
            hosts[name] = ip
        thread = TX_THREAD()
        tx_thread_create(thread, "app", app, 0, take(4096), 4096, 10, 10, 0, TX_AUTO_START)

    tx_kernel_enter(define, config=NxConfig(NX_MAX_PHYSICAL_INTERFACES=2))
    assert log == [
        NX_SUCCESS,
        NX_NO_RESPONSE,                       # R drops what is not for it
        NX_SUCCESS,
        (NX_SUCCESS, b"via r"),
        (2, (NX_SUCCESS, "second", IP_ADDRESS(2, 2, 3, 1))),   # the request and the reply
        NX_SUCCESS,
        NX_INVALID_INTERFACE,
        NX_NO_RESPONSE,                       # R no longer reaches 2.2.3.0/24
    ]
