"""Ports of NetX Duo's UDP regression tests (``test/regression/netxduo_test/``):

* ``netx_udp_socket_bind_test.c``
* ``netx_udp_socket_delete_test.c``
* ``netx_udp_socket_unbind_receive_test.c``
* ``netx_udp_free_port_find_test.c``
* ``netx_udp_checksum_zero_test.c``
* ``netx_udp_port_unreachable_test.c``
* ``netx_udp_basic_processing_test.c`` (its IPv4 part)

Each keeps the C test's set-up (pool of 256-byte packets, 1.2.3.4/20 on the RAM driver
with a 256-byte MTU) and its checks; ``error_counter`` becomes an assertion at the end.
The NetX suite's ``_nx_ram_network_driver_256`` is written inline (the minimum the tests
need: the RAM driver with its MTU set to 256).
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim import *  # noqa: F403  (the C tests include tx_api.h and nx_api.h)
from netxsim.testing.ram_test_driver import _nx_ram_network_driver_256

DEMO_STACK_SIZE = 2048


class World:
    """The C tests' globals and their common application define."""

    def __init__(self, ips: int = 1, arp: bool = False, icmp: bool = False) -> None:
        self.pool_0 = NX_PACKET_POOL()
        self.ip = [NX_IP() for _ in range(ips)]
        self.arp = arp
        self.icmp = icmp
        self.error_counter = 0
        self.threads: list[TX_THREAD] = []

    def error(self) -> None:
        self.error_counter += 1

    def run(self, *entries: tuple[Callable[[], None], int]) -> None:
        def define(first_unused_memory: Any) -> None:
            pointer = first_unused_memory
            for entry, priority in entries:
                thread = TX_THREAD()
                self.threads.append(thread)
                tx_thread_create(thread, "thread", lambda _, e=entry: e(), 0, pointer, DEMO_STACK_SIZE,
                                 priority, priority, TX_NO_TIME_SLICE, TX_AUTO_START)
                pointer += DEMO_STACK_SIZE
            nx_system_initialize()
            if nx_packet_pool_create(self.pool_0, "NetX Main Packet Pool", 256, pointer, 2048):
                self.error()
            pointer += 2048
            for index, ip in enumerate(self.ip):
                if nx_ip_create(ip, f"NetX IP Instance {index}", IP_ADDRESS(1, 2, 3, 4 + index), 0xFFFFF000,
                                self.pool_0, _nx_ram_network_driver_256, pointer, 2048, 1):
                    self.error()
                pointer += 2048
            for ip in self.ip:
                if self.arp:
                    if nx_arp_enable(ip, pointer, 1024):
                        self.error()
                    pointer += 1024
                if nx_udp_enable(ip):
                    self.error()
                if self.icmp and nx_icmp_enable(ip):
                    self.error()

        tx_kernel_enter(define)
        assert self.error_counter == 0


def test_netx_udp_socket_bind() -> None:
    w = World()
    socket_0 = NX_UDP_SOCKET()
    my_socket = [NX_UDP_SOCKET() for _ in range(NX_MAX_PORT)]
    done: list = []

    def thread_0_entry() -> None:
        if nx_udp_socket_create(w.ip[0], socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_0, 1234, 2 * NX_IP_PERIODIC_RATE) != NX_SUCCESS:
            w.error()
        if nx_udp_socket_bind(socket_0, 1234, 2 * NX_IP_PERIODIC_RATE) != NX_ALREADY_BOUND:
            w.error()
        if nx_udp_socket_unbind(socket_0) != NX_SUCCESS:
            w.error()
        for i in range(NX_MAX_PORT):
            if nx_udp_socket_create(w.ip[0], my_socket[i], "Socket Array", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                    0x80, 5) != NX_SUCCESS:
                w.error()
            if nx_udp_socket_bind(my_socket[i], i + 1, NX_IP_PERIODIC_RATE) != NX_SUCCESS:
                w.error()
        if nx_udp_socket_bind(socket_0, NX_ANY_PORT, 2 * NX_IP_PERIODIC_RATE) != NX_NO_FREE_PORTS:
            w.error()
        if nx_udp_socket_bind(socket_0, 1234, NX_NO_WAIT) != NX_PORT_UNAVAILABLE:
            w.error()
        if nx_udp_socket_delete(socket_0):
            w.error()
        done.append(True)

    w.run((thread_0_entry, 3))
    assert done == [True]


def test_netx_udp_socket_delete() -> None:
    w = World()
    socket_0 = NX_UDP_SOCKET()
    done: list = []

    def thread_0_entry() -> None:
        if nx_udp_socket_create(w.ip[0], socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_delete(socket_0):
            w.error()
        if nx_udp_socket_create(w.ip[0], socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_0, 1234, NX_NO_WAIT) != NX_SUCCESS:
            w.error()
        if nx_udp_socket_delete(socket_0) != NX_STILL_BOUND:
            w.error()
        done.append(True)

    w.run((thread_0_entry, 3))
    assert done == [True]


def test_netx_udp_socket_unbind_receive() -> None:
    """A receive waiting on the socket when it is unbound ends with NX_SOCKET_UNBOUND
    (the C test only checks that unbind and delete succeed; the port also checks the
    receiver's status and tick)."""
    w = World()
    socket_0 = NX_UDP_SOCKET()
    received: list = []

    def thread_0_entry() -> None:
        if nx_udp_socket_create(w.ip[0], socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_0, 0x80, NX_IP_PERIODIC_RATE):
            w.error()
        tx_thread_sleep(NX_IP_PERIODIC_RATE)
        if nx_udp_socket_unbind(socket_0):
            w.error()
        if nx_udp_socket_delete(socket_0):
            w.error()

    def thread_1_entry() -> None:
        status, _packet = nx_udp_socket_receive(socket_0, 2 * NX_IP_PERIODIC_RATE)
        received.append((tx_time_get(), status))

    w.run((thread_0_entry, 3), (thread_1_entry, 3))
    assert received == [(NX_IP_PERIODIC_RATE, NX_SOCKET_UNBOUND)]


def test_netx_udp_free_port_find() -> None:
    w = World()
    socket_0, my_socket_1 = NX_UDP_SOCKET(), NX_UDP_SOCKET()
    my_socket = [NX_UDP_SOCKET() for _ in range(NX_MAX_PORT - NX_SEARCH_PORT_START + 1)]
    client_port_1, client_port_2 = 0x100, 0x8100
    done: list = []

    def thread_0_entry() -> None:
        if nx_udp_socket_create(w.ip[0], socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_0, client_port_1, 2 * NX_IP_PERIODIC_RATE):
            w.error()
        if nx_udp_free_port_find(w.ip[0], client_port_1) != (NX_SUCCESS, client_port_1 + 1):
            w.error()
        if nx_udp_free_port_find(w.ip[0], client_port_2) != (NX_SUCCESS, client_port_2):
            w.error()
        if nx_udp_socket_unbind(socket_0):
            w.error()
        if nx_udp_socket_bind(socket_0, NX_MAX_PORT, 2 * NX_IP_PERIODIC_RATE):
            w.error()
        if nx_udp_free_port_find(w.ip[0], NX_MAX_PORT) != (NX_SUCCESS, NX_SEARCH_PORT_START):
            w.error()
        if nx_udp_socket_unbind(socket_0) or nx_udp_socket_delete(socket_0):
            w.error()
        for i in range(NX_MAX_PORT - NX_SEARCH_PORT_START + 1):
            if nx_udp_socket_create(w.ip[0], my_socket[i], "Socket Array", NX_IP_NORMAL, NX_FRAGMENT_OKAY,
                                    0x80, 5):
                w.error()
            if nx_udp_socket_bind(my_socket[i], i + NX_SEARCH_PORT_START, NX_IP_PERIODIC_RATE):
                w.error()
        if nx_udp_free_port_find(w.ip[0], NX_SEARCH_PORT_START)[0] != NX_NO_FREE_PORTS:
            w.error()
        if nx_udp_socket_create(w.ip[0], my_socket_1, "Socket 1", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(my_socket_1, NX_SEARCH_PORT_START - 1, NX_IP_PERIODIC_RATE):
            w.error()
        if nx_udp_free_port_find(w.ip[0], NX_SEARCH_PORT_START - 1)[0] != NX_NO_FREE_PORTS:
            w.error()
        done.append(True)

    w.run((thread_0_entry, 3))
    assert done == [True]


def test_netx_udp_checksum_zero() -> None:
    """Two data bytes chosen so that the checksum computes to 0: it must go out as
    0xFFFF and be accepted by the receiver."""
    w = World(ips=2, arp=True)
    socket_0, socket_1 = NX_UDP_SOCKET(), NX_UDP_SOCKET()
    msg = bytes([0xF6, 0xBC])
    got: list = []

    def thread_0_entry() -> None:
        tx_thread_relinquish()
        if nx_udp_socket_create(w.ip[0], socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_0, 0x88, TX_WAIT_FOREVER):
            w.error()
        status, my_packet = nx_packet_allocate(w.pool_0, NX_UDP_PACKET, TX_WAIT_FOREVER)
        status += nx_packet_data_append(my_packet, msg, len(msg), w.pool_0, NX_WAIT_FOREVER)
        if status != NX_SUCCESS:
            w.error()
        if nx_udp_socket_send(socket_0, my_packet, IP_ADDRESS(1, 2, 3, 5), 0x89):
            w.error()
        if nx_udp_socket_unbind(socket_0) + nx_udp_socket_delete(socket_0):
            w.error()

    def thread_1_entry() -> None:
        if nx_udp_socket_create(w.ip[1], socket_1, "Socket 1", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_1, 0x89, TX_WAIT_FOREVER):
            w.error()
        status, my_packet = nx_udp_socket_receive(socket_1, 10 * NX_IP_PERIODIC_RATE)
        if status:
            w.error()
            return
        if my_packet.nx_packet_length != len(msg) or my_packet.nx_packet_prepend_ptr.read(2) != msg:
            w.error()
        got.append(int.from_bytes((my_packet.nx_packet_prepend_ptr - 2).read(2), "big"))
        if nx_packet_release(my_packet) or nx_udp_socket_unbind(socket_1) or nx_udp_socket_delete(socket_1):
            w.error()

    w.run((thread_0_entry, 3), (thread_1_entry, 3))
    assert got == [0xFFFF]   # the checksum field as received


def test_netx_udp_port_unreachable() -> None:
    """A datagram to a port nobody holds on 1.2.3.5 (also when another socket holds a
    port of the same hash bucket) is answered with ICMP port unreachable, which 1.2.3.4
    counts as an unhandled ICMP message, before nx_udp_socket_send returns."""
    w = World(ips=2, arp=True, icmp=True)
    socket_0, socket_1 = NX_UDP_SOCKET(), NX_UDP_SOCKET()
    done: list = []

    def send() -> None:
        status, my_packet = nx_packet_allocate(w.pool_0, NX_UDP_PACKET, TX_WAIT_FOREVER)
        if status != NX_SUCCESS:
            w.error()
        if nx_packet_data_append(my_packet, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ  ", 28, w.pool_0, NX_IP_PERIODIC_RATE):
            w.error()
        if nx_udp_socket_send(socket_0, my_packet, IP_ADDRESS(1, 2, 3, 5), 0x89):
            w.error()

    def thread_0_entry() -> None:
        ip_0, ip_1 = w.ip
        if nx_udp_socket_create(ip_0, socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_0, 0x88, TX_WAIT_FOREVER):
            w.error()
        send()
        if ip_0.nx_ip_icmp_unhandled_messages != 1:
            w.error()
        if nx_udp_socket_create(ip_1, socket_1, "Socket 1", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_bind(socket_1, 0x8089, TX_WAIT_FOREVER):
            w.error()
        send()
        if ip_0.nx_ip_icmp_unhandled_messages != 2:
            w.error()
        for sock in (socket_0, socket_1):
            if nx_udp_socket_unbind(sock) or nx_udp_socket_delete(sock):
                w.error()
        done.append(True)

    w.run((thread_0_entry, 4))
    assert done == [True]


def test_netx_udp_basic_processing() -> None:
    """``netx_udp_basic_processing_test.c`` in an IPv4-only build: 2000 datagrams, the
    first 1000 with the checksum disabled, each received with the receive notify called;
    1.2.3.5's UDP receive routine is wrapped, as the C test does, to also send a copy of
    every datagram with no interface through ``_nx_ip_packet_send`` (counted as an invalid
    transmit packet and dropped)."""
    from netxsim.nx.ip import _nx_ip_packet_send
    from netxsim.nx.udp import _nx_udp_packet_receive
    w = World(ips=2, arp=True)
    socket_0, socket_1 = NX_UDP_SOCKET(), NX_UDP_SOCKET()
    c = {"t0": 0, "t1": 0, "notify": 0, "invalid": 0}
    total_packets = 2000
    done: list = []

    def udp_packet_receive(ip_ptr: Any, packet_ptr: Any) -> None:
        status, invalid_pkt_ptr = nx_packet_copy(packet_ptr, w.pool_0, NX_NO_WAIT)
        if status:
            w.error()
        else:
            invalid_pkt_ptr.nx_packet_interface_ptr = None
            c["invalid"] += 1
            _nx_ip_packet_send(w.ip[0], invalid_pkt_ptr, IP_ADDRESS(1, 2, 3, 5), NX_IP_NORMAL, 0x80, NX_IP_UDP,
                               NX_FRAGMENT_OKAY, IP_ADDRESS(1, 2, 3, 5))
        _nx_udp_packet_receive(ip_ptr, packet_ptr)

    def send_until(limit: int) -> None:
        while c["t0"] < limit and w.error_counter == 0:
            status, my_packet = nx_packet_allocate(w.pool_0, NX_UDP_PACKET, TX_WAIT_FOREVER)
            if status != NX_SUCCESS:
                break
            my_packet.nx_packet_prepend_ptr.write(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ  ")
            my_packet.nx_packet_length = 28
            my_packet.nx_packet_append_ptr = my_packet.nx_packet_prepend_ptr + 28
            if nx_udp_socket_send(socket_0, my_packet, IP_ADDRESS(1, 2, 3, 5), 0x89):
                w.error()
            c["t0"] += 1
            tx_thread_relinquish()

    def thread_0_entry() -> None:
        ip_0, ip_1 = w.ip
        ip_1.nx_ip_udp_packet_receive = udp_packet_receive
        tx_thread_relinquish()
        if nx_udp_socket_create(ip_0, socket_0, "Socket 0", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_free_port_find(ip_0, 0x88) != (NX_SUCCESS, 0x88):
            w.error()
        if nx_udp_socket_bind(socket_0, 0x88, TX_WAIT_FOREVER):
            w.error()
        if nx_udp_socket_port_get(socket_0) != (NX_SUCCESS, 0x88):
            w.error()
        if nx_udp_socket_checksum_disable(socket_0):
            w.error()
        nx_arp_dynamic_entry_set(ip_0, IP_ADDRESS(1, 2, 3, 5), 0, 0)
        tx_thread_relinquish()
        c["t0"] = 0
        send_until(1000)
        if nx_udp_socket_checksum_enable(socket_0):
            w.error()
        send_until(2000)
        if nx_udp_socket_checksum_disable(socket_0):
            w.error()
        status, packets_sent, bytes_sent, packets_received, bytes_received, packets_queued, \
            receive_packets_dropped, checksum_errors = nx_udp_socket_info_get(socket_0)
        if (packets_sent, bytes_sent) != (total_packets, total_packets * 28):
            w.error()
        if status or c["t0"] != total_packets or c["t1"] != total_packets or packets_received \
                or bytes_received or packets_queued or receive_packets_dropped or checksum_errors \
                or c["notify"] != total_packets:
            w.error()
        if c["invalid"] != ip_0.nx_ip_invalid_transmit_packets:
            w.error()
        if nx_udp_socket_unbind(socket_0) or nx_udp_socket_delete(socket_0):
            w.error()
        done.append((c["t1"], c["notify"], c["invalid"]))

    def thread_1_entry() -> None:
        if nx_udp_socket_create(w.ip[1], socket_1, "Socket 1", NX_IP_NORMAL, NX_FRAGMENT_OKAY, 0x80, 5):
            w.error()
        if nx_udp_socket_receive_notify(socket_1, lambda s: c.__setitem__("notify", c["notify"] + (s is socket_1))):
            w.error()
        if nx_udp_socket_bind(socket_1, 0x89, TX_WAIT_FOREVER):
            w.error()
        c["t1"] = 0
        while True:
            status, my_packet = nx_udp_socket_receive(socket_1, 10 * NX_IP_PERIODIC_RATE)
            if status != NX_SUCCESS:
                break
            if nx_packet_release(my_packet) != NX_SUCCESS:
                break
            c["t1"] += 1
        if nx_udp_socket_unbind(socket_1) or nx_udp_socket_delete(socket_1):
            w.error()

    w.run((thread_0_entry, 3), (thread_1_entry, 3))
    assert done == [(2000, 2000, 2000)]
