"""Ports of NetX Duo's IPv4 fragmentation regression tests (``test/regression/netxduo_test/``):

* ``netx_ip_fragmentation_test.c``: 2000 UDP datagrams of 300 bytes over a 256-byte MTU
  (each sent as two fragments, half of them with the UDP checksum disabled), all
  reassembled and received, with the receive notify called for each.
* ``netx_icmp_ping_fragment_test.c``: a 256-byte ping over a 256-byte MTU gets no
  answer without fragmentation, none when fragmentation is disabled again while the
  request waits for ARP, and an answer with fragmentation on.

The NetX suite's RAM test driver is written inline, with the minimum these tests need:
the 256-byte MTU and (for the ping test) a callback run on each packet the driver
sends, standing in for the suite's ``advanced_packet_process_callback``.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim import *  # noqa: F403
from netxsim.nx.driver import NX_LINK_INITIALIZE
from netxsim.nx.ram_driver import _nx_ram_network_driver

DEMO_STACK_SIZE = 2048
_SENDS = {NX_LINK_PACKET_SEND, NX_LINK_PACKET_BROADCAST, NX_LINK_ARP_SEND, NX_LINK_ARP_RESPONSE_SEND}
advanced_packet_process_callback: Callable[[Any, Any], bool] | None = None


def _nx_ram_network_driver_256(driver_req: Any) -> None:
    callback = advanced_packet_process_callback
    if callback is not None and driver_req.nx_ip_driver_command in _SENDS:
        callback(driver_req.nx_ip_driver_ptr, driver_req.nx_ip_driver_packet)
    _nx_ram_network_driver(driver_req)
    if driver_req.nx_ip_driver_command == NX_LINK_INITIALIZE:
        driver_req.nx_ip_driver_interface.nx_interface_ip_mtu_size = 256


def test_netx_ip_fragmentation() -> None:
    thread_0, thread_1 = TX_THREAD(), TX_THREAD()
    pool_0 = NX_PACKET_POOL()
    ip_0, ip_1 = NX_IP(), NX_IP()
    socket_0, socket_1 = NX_UDP_SOCKET(), NX_UDP_SOCKET()
    c = {"t0": 0, "t1": 0, "errors": 0, "notify": 0}
    result: list = []

    def error() -> None:
        c["errors"] += 1

    def send_batch(limit: int) -> None:
        while c["t0"] < limit and c["errors"] == 0:
            status, my_packet = nx_packet_allocate(pool_0, NX_UDP_PACKET, TX_WAIT_FOREVER)
            if status != NX_SUCCESS:
                break
            my_packet.nx_packet_prepend_ptr.write(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ  ")
            my_packet.nx_packet_length = 300
            my_packet.nx_packet_append_ptr = my_packet.nx_packet_prepend_ptr + 300
            if nx_udp_socket_send(socket_0, my_packet, IP_ADDRESS(1, 2, 3, 5), 0x89):
                error()
            c["t0"] += 1
            tx_thread_relinquish()

    def thread_0_entry(_: int) -> None:
        tx_thread_relinquish()
        if nx_udp_socket_create(ip_0, socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            error()
        if nx_udp_free_port_find(ip_0, 0x88) != (NX_SUCCESS, 0x88):
            error()
        if nx_udp_socket_bind(socket_0, 0x88, TX_WAIT_FOREVER):
            error()
        if nx_udp_socket_port_get(socket_0) != (NX_SUCCESS, 0x88):
            error()
        if nx_udp_socket_checksum_disable(socket_0):
            error()
        nx_arp_dynamic_entry_set(ip_0, IP_ADDRESS(1, 2, 3, 5), 0, 0)
        tx_thread_relinquish()
        c["t0"] = 0
        send_batch(1000)
        if nx_udp_socket_checksum_enable(socket_0):
            error()
        send_batch(2000)
        status, packets_sent, bytes_sent, packets_received, bytes_received, packets_queued, \
            receive_packets_dropped, checksum_errors = nx_udp_socket_info_get(socket_0)
        if (packets_sent, bytes_sent) != (2000, 2000 * 300):
            error()
        if c["errors"] or status or c["t0"] != 2000 or c["t1"] != 2000 or packets_received or bytes_received \
                or packets_queued or receive_packets_dropped or checksum_errors:
            result.append(("socket", c.copy()))
            return
        if nx_udp_socket_unbind(socket_0) or nx_udp_socket_delete(socket_0):
            error()
        status, udp_packets_sent, udp_bytes_sent, udp_packets_received, udp_bytes_received, \
            udp_invalid_packets, udp_receive_packets_dropped, udp_checksum_errors = nx_udp_info_get(ip_0)
        if (udp_packets_sent, udp_bytes_sent) != (2000, 2000 * 300):
            error()
        if c["errors"] or status or udp_packets_received or udp_bytes_received or udp_invalid_packets \
                or udp_receive_packets_dropped or udp_checksum_errors or c["notify"] != 2000:
            result.append(("ip", c.copy()))
        else:
            result.append("SUCCESS")

    def thread_1_entry(_: int) -> None:
        if nx_udp_socket_create(ip_1, socket_1, "Socket 1", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            error()
        if nx_udp_socket_receive_notify(socket_1, lambda s: c.__setitem__(
                "notify", c["notify"] + (s is socket_1))):
            error()
        if nx_udp_socket_bind(socket_1, 0x89, TX_WAIT_FOREVER):
            error()
        c["t1"] = 0
        while c["t1"] < 1000:
            status, my_packet = nx_udp_socket_receive(socket_1, TX_WAIT_FOREVER)
            if status != NX_SUCCESS:
                break
            if nx_udp_source_extract(my_packet) != (NX_SUCCESS, IP_ADDRESS(1, 2, 3, 4), 0x88):
                break
            if nx_packet_release(my_packet) != NX_SUCCESS:
                break
            c["t1"] += 1
        while c["t1"] < 2000:
            status, my_packet = nx_udp_socket_receive(socket_1, TX_WAIT_FOREVER)
            if status != NX_SUCCESS or nx_packet_release(my_packet) != NX_SUCCESS:
                break
            c["t1"] += 1
        if nx_udp_socket_unbind(socket_1) or nx_udp_socket_delete(socket_1):
            error()

    def define(first_unused_memory: Any) -> None:
        pointer = first_unused_memory
        tx_thread_create(thread_0, "thread 0", thread_0_entry, 0, pointer, DEMO_STACK_SIZE, 3, 3,
                         TX_NO_TIME_SLICE, TX_AUTO_START)
        pointer += DEMO_STACK_SIZE
        tx_thread_create(thread_1, "thread 1", thread_1_entry, 0, pointer, DEMO_STACK_SIZE, 3, 3,
                         TX_NO_TIME_SLICE, TX_AUTO_START)
        pointer += DEMO_STACK_SIZE
        nx_system_initialize()
        if nx_packet_pool_create(pool_0, "NetX Main Packet Pool", 500, pointer, 4096):
            error()
        pointer += 4096
        for index, ip in enumerate((ip_0, ip_1)):
            if nx_ip_create(ip, f"NetX IP Instance {index}", IP_ADDRESS(1, 2, 3, 4 + index), 0xFFFFF000, pool_0,
                            _nx_ram_network_driver_256, pointer, 2048, 1):
                error()
            pointer += 2048
        for ip in (ip_0, ip_1):
            if nx_arp_enable(ip, pointer, 1024):
                error()
            pointer += 1024
            if nx_udp_enable(ip) or nx_ip_fragment_enable(ip):
                error()

    tx_kernel_enter(define)
    assert result == ["SUCCESS"], result
    # Every datagram crossed the wire as two fragments: 232 and 76 UDP bytes.
    assert (ip_0.nx_ip_total_fragments_sent, ip_1.nx_ip_packets_reassembled) == (4000, 2000)


def test_netx_icmp_ping_fragment() -> None:
    global advanced_packet_process_callback
    ntest_0 = TX_THREAD()
    pool_0 = NX_PACKET_POOL()
    ip_0, ip_1 = NX_IP(), NX_IP()
    msg = bytes(256)
    statuses: list = []

    def packet_process(ip_ptr: Any, packet_ptr: Any) -> bool:
        global advanced_packet_process_callback
        nx_ip_fragment_disable(ip_0)
        nx_ip_fragment_disable(ip_1)
        advanced_packet_process_callback = None
        return NX_TRUE

    def ntest_0_entry(_: int) -> None:
        global advanced_packet_process_callback
        statuses.append(nx_icmp_ping(ip_0, IP_ADDRESS(1, 2, 3, 5), msg, len(msg), NX_IP_PERIODIC_RATE)[0])
        statuses.append(nx_ip_fragment_enable(ip_0) + nx_ip_fragment_enable(ip_1))
        advanced_packet_process_callback = packet_process
        nx_arp_dynamic_entries_invalidate(ip_0)
        statuses.append(nx_icmp_ping(ip_0, IP_ADDRESS(1, 2, 3, 5), msg, len(msg), NX_IP_PERIODIC_RATE)[0])
        statuses.append(nx_ip_fragment_enable(ip_0) + nx_ip_fragment_enable(ip_1))
        status, my_packet = nx_icmp_ping(ip_0, IP_ADDRESS(1, 2, 3, 5), msg, len(msg), NX_IP_PERIODIC_RATE)
        statuses.append((status, my_packet.nx_packet_length if my_packet else None))
        if my_packet is not None:
            nx_packet_release(my_packet)

    def define(first_unused_memory: Any) -> None:
        pointer = first_unused_memory
        tx_thread_create(ntest_0, "thread 0", ntest_0_entry, 0, pointer, DEMO_STACK_SIZE, 4, 4,
                         TX_NO_TIME_SLICE, TX_AUTO_START)
        pointer += DEMO_STACK_SIZE
        nx_system_initialize()
        assert nx_packet_pool_create(pool_0, "NetX Main Packet Pool", 512, pointer, 4096) == NX_SUCCESS
        pointer += 4096
        assert nx_ip_create(ip_0, "NetX IP Instance 0", IP_ADDRESS(1, 2, 3, 4), 0xFFFFFF00, pool_0,
                            _nx_ram_network_driver_256, pointer, 2048, 1) == NX_SUCCESS
        pointer += 2048
        assert nx_ip_create(ip_1, "NetX IP Instance 1", IP_ADDRESS(1, 2, 3, 5), 0xFFFFFF00, pool_0,
                            _nx_ram_network_driver_256, pointer, 2048, 2) == NX_SUCCESS
        pointer += 2048
        for ip in (ip_0, ip_1):
            assert nx_arp_enable(ip, pointer, 1024) == NX_SUCCESS
            pointer += 1024
            assert nx_icmp_enable(ip) == NX_SUCCESS

    advanced_packet_process_callback = None
    tx_kernel_enter(define)
    assert statuses == [NX_NO_RESPONSE, NX_SUCCESS, NX_NO_RESPONSE, NX_SUCCESS, (NX_SUCCESS, 256)]
