"""Trace events of the services beyond the first TCP/IP set: UDP, fragmentation, interfaces,
routes, the NetX Duo variants, and ThreadX's performance information and interrupt control.

The buffer is read back with the independent ``tracex-parser`` package; the expected event
ids are written as the numbers of NetX Duo's ``nx_api.h`` and ThreadX's ``tx_trace.h``, and
the information fields as the C's ``NX_TRACE_IN_LINE_INSERT`` / ``TX_TRACE_IN_LINE_INSERT``
calls fill them."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netxsim import *  # noqa: F403
from netxsim.nx.ram_driver import _nx_ram_network_driver
from netxsim.tx import trace as tr

tracex = pytest.importorskip("tracex_parser.file_parser", reason="tracex-parser (test extra) not installed")

TRACE_SIZE = 128 * 1024
A, B, SECOND = IP_ADDRESS(1, 2, 3, 4), IP_ADDRESS(1, 2, 3, 5), IP_ADDRESS(2, 2, 3, 4)
MASK = 0xFFFFFF00
BUILD = {"TX_ENABLE_EVENT_TRACE": True, "NX_MAX_PHYSICAL_INTERFACES": 2, "NX_ENABLE_IP_STATIC_ROUTING": True}

# nx_api.h
UDP_ENABLE, UDP_FREE_PORT_FIND, UDP_INFO_GET, UDP_BIND, UDP_CHECKSUM_DISABLE = 424, 425, 426, 427, 428
UDP_CHECKSUM_ENABLE, UDP_CREATE, UDP_DELETE, UDP_SOCKET_INFO_GET, UDP_PORT_GET = 429, 430, 431, 432, 433
UDP_RECEIVE, UDP_RECEIVE_NOTIFY, UDP_SEND, UDP_UNBIND, UDP_SOURCE_EXTRACT = 434, 435, 436, 437, 438
INTERNAL_UDP_RECEIVE, INTERNAL_UDP_SEND, INTERNAL_ICMP_SEND = 318, 319, 305
INTERNAL_IP_SEND, DRIVER_SEND, DRIVER_INITIALIZE, DRIVER_LINK_ENABLE = 309, 324, 325, 326
ICMP_PING, IP_ADDRESS_CHANGE_NOTIFY, IP_ADDRESS_GET, IP_ADDRESS_SET = 362, 369, 370, 371
IP_DRIVER_DIRECT_COMMAND, IP_FORWARDING_DISABLE, IP_FORWARDING_ENABLE = 374, 375, 376
IP_FRAGMENT_DISABLE, IP_FRAGMENT_ENABLE, IP_GATEWAY_ADDRESS_SET = 377, 378, 379
IP_INTERFACE_ATTACH, STATIC_ROUTE_ADD, STATIC_ROUTE_DELETE, IP_INTERFACE_INFO_GET = 439, 443, 444, 449
NXD_ICMP_ENABLE, NXD_UDP_SOURCE_EXTRACT, NXD_TCP_PEER_INFO_GET, NXD_MAX_PAYLOAD_SIZE_FIND = 470, 472, 495, 496
NX_TRACE_OBJECT_TYPE_UDP_SOCKET = 14
# tx_trace.h
INTERRUPT_CONTROL, SEMAPHORE_PERF_INFO, SEMAPHORE_PERF_SYSTEM, THREAD_PERF_INFO = 40, 85, 86, 105
THREAD_PERF_SYSTEM, BLOCK_POOL_PERF_SYSTEM, TIMER_PERF_SYSTEM, STACK_ERROR_NOTIFY = 106, 15, 129, 113


def parse(tmp_path: Path, buffer: bytes) -> tuple[list, dict]:
    path = tmp_path / "run.trx"
    path.write_bytes(buffer)
    events, registry = tracex.parse_tracex_buffer(str(path))
    return sorted(events, key=lambda e: e.timestamp), registry


def address_of(registry: dict, name: bytes, object_type: int) -> int:
    return next(p for p, e in registry.items()
                if e["thread_reg_entry_obj_name"] == name and e["obj_reg_entry_obj_type **"] == object_type)


class World:
    """Instance A (1.2.3.4) runs the scripted thread; B (1.2.3.5) echoes UDP on port 7."""

    def __init__(self, filter_bits: int = 0) -> None:
        self.filter_bits = filter_bits
        self.pool, self.ip_a, self.ip_b = NX_PACKET_POOL(), NX_IP(), NX_IP()
        self.app, self.peer = TX_THREAD(), TX_THREAD()
        self.socket, self.echo = NX_UDP_SOCKET(), NX_UDP_SOCKET()
        self.semaphore, self.never_created = TX_SEMAPHORE(), TX_SEMAPHORE()
        self.log: dict[str, Any] = {}
        self.packets: dict[str, Any] = {}

    def define(self, memory: Any) -> None:
        assert tx_trace_enable(memory, TRACE_SIZE, 48) == TX_SUCCESS
        if self.filter_bits:
            tx_trace_event_filter(self.filter_bits)
        memory += TRACE_SIZE
        tx_thread_create(self.peer, "peer", self.peer_entry, 0, memory, 4096, 4, 4, TX_NO_TIME_SLICE,
                         TX_AUTO_START)
        tx_thread_create(self.app, "app", self.app_entry, 0, memory + 4096, 4096, 5, 5, TX_NO_TIME_SLICE,
                         TX_AUTO_START)
        memory += 8192
        tx_semaphore_create(self.semaphore, "semaphore", 1)
        nx_system_initialize()
        nx_packet_pool_create(self.pool, "pool", 1536, memory, 40 * 1600)
        memory += 40 * 1600
        for ip, address in ((self.ip_a, A), (self.ip_b, B)):
            nx_ip_create(ip, "IP", address, MASK, self.pool, _nx_ram_network_driver, memory, 2048, 1)
            memory += 2048
            nx_arp_enable(ip, memory, 1024)
            memory += 1024
            nx_icmp_enable(ip)
            nx_udp_enable(ip)

    def peer_entry(self, _: int) -> None:
        nx_udp_socket_create(self.ip_b, self.echo, "Echo", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 5)
        nx_udp_socket_bind(self.echo, 7, TX_WAIT_FOREVER)
        status, packet = nx_udp_socket_receive(self.echo, TX_WAIT_FOREVER)
        self.packets["echo in"] = packet
        status, source, port = nx_udp_source_extract(packet)
        self.log["source"] = (status, source, port)
        self.log["echo send"] = nx_udp_socket_send(self.echo, packet, source, port)

    def app_entry(self, _: int) -> None:
        log, ip = self.log, self.ip_a
        log["create"] = nx_udp_socket_create(ip, self.socket, "Trace Socket", 0, NX_FRAGMENT_OKAY, 0x80, 3)
        log["notify"] = nx_udp_socket_receive_notify(self.socket, None)
        log["free port"] = nx_udp_free_port_find(ip, 5000)
        log["bind"] = nx_udp_socket_bind(self.socket, 5000, TX_WAIT_FOREVER)
        log["port"] = nx_udp_socket_port_get(self.socket)
        log["checksum"] = (nx_udp_socket_checksum_disable(self.socket), nx_udp_socket_checksum_enable(self.socket))
        status, packet = nx_packet_allocate(self.pool, NX_UDP_PACKET, TX_WAIT_FOREVER)
        nx_packet_data_append(packet, b"hello", 5, self.pool, TX_WAIT_FOREVER)
        self.packets["sent"] = packet
        log["send"] = nx_udp_socket_send(self.socket, packet, B, 7)
        status, echo = nx_udp_socket_receive(self.socket, 50)
        self.packets["echo"] = echo
        log["receive"] = (status, echo.nx_packet_length if echo else None)
        log["nxd source"] = nxd_udp_source_extract(echo)[0]
        log["info"] = nxd_udp_packet_info_extract(echo)[0]
        nx_packet_release(echo)
        log["udp info"] = nx_udp_info_get(ip)[0]
        log["socket info"] = nx_udp_socket_info_get(self.socket)[0]
        log["unbind"] = nx_udp_socket_unbind(self.socket)
        log["delete"] = nx_udp_socket_delete(self.socket)
        # A ping of 3000 bytes crosses the 1500-byte MTU as three fragments each way.
        log["fragment"] = (nx_ip_fragment_enable(ip), nx_ip_fragment_enable(self.ip_b))
        data = bytes(range(256)) * 11 + bytes(184)
        status, response = nx_icmp_ping(ip, B, data, len(data), 50)
        log["ping"] = (status, response.nx_packet_length if response else None)
        if response:
            nx_packet_release(response)
        log["fragment off"] = nx_ip_fragment_disable(self.ip_b)
        # Interfaces, routes and the IP services of the API-completeness work.
        log["attach"] = nx_ip_interface_attach(ip, "second", SECOND, MASK, _nx_ram_network_driver)
        log["interface info"] = nx_ip_interface_info_get(ip, 1)[0]
        log["address get"] = nx_ip_interface_address_get(ip, 1)[0]
        log["address set"] = nx_ip_interface_address_set(ip, 1, IP_ADDRESS(2, 2, 3, 9), MASK)
        log["change notify"] = nx_ip_address_change_notify(ip, None, 0)
        log["forwarding"] = (nx_ip_forwarding_enable(ip), nx_ip_forwarding_disable(ip))
        log["gateway clear"] = nx_ip_gateway_address_clear(ip)
        log["route"] = (nx_ip_static_route_add(ip, IP_ADDRESS(3, 3, 3, 0), MASK, IP_ADDRESS(2, 2, 3, 1)),
                        nx_ip_static_route_delete(ip, IP_ADDRESS(3, 3, 3, 0), MASK))
        log["payload"] = nx_ip_max_payload_size_find(ip, NXD_ADDRESS(NX_IP_VERSION_V4, B), 0, 0, 0,
                                                     NX_PROTOCOL_UDP)
        log["direct"] = nx_ip_driver_interface_direct_command(ip, NX_LINK_GET_STATUS, 0)
        log["nxd icmp"] = nxd_icmp_enable(ip)
        log["status"] = nx_ip_status_check(ip, NX_IP_LINK_ENABLED, 0)
        # ThreadX: interrupt posture and performance information.
        log["posture"] = (tx_interrupt_control(TX_INT_DISABLE), tx_interrupt_control(TX_INT_ENABLE))
        log["perf"] = (tx_semaphore_performance_info_get(self.semaphore)[0],
                       tx_semaphore_performance_info_get(self.never_created)[0],
                       tx_semaphore_performance_system_info_get()[0],
                       tx_thread_performance_info_get(self.app)[0],
                       tx_thread_performance_system_info_get()[0],
                       tx_block_pool_performance_system_info_get()[0],
                       tx_timer_performance_system_info_get()[0])
        log["stack notify"] = tx_thread_stack_error_notify(None)


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, list, dict]:
    world = World()
    run = tx_kernel_enter(world.define, config=BUILD)
    assert run.reason == "completed"
    events, registry = parse(tmp_path_factory.mktemp("trace"), run.trace_buffer)
    return world, events, registry


def test_the_script_succeeds(traced: tuple[World, list, dict]) -> None:
    log = traced[0].log
    assert log["create"] == log["bind"] == log["send"] == log["unbind"] == log["delete"] == NX_SUCCESS
    assert log["free port"] == (NX_SUCCESS, 5000) and log["port"] == (NX_SUCCESS, 5000)
    assert log["receive"] == (NX_SUCCESS, 5) and log["source"] == (NX_SUCCESS, A, 5000)
    assert log["ping"] == (NX_SUCCESS, 3000) and log["attach"] == NX_SUCCESS
    assert log["route"] == (NX_SUCCESS, NX_SUCCESS) and log["payload"][0] == NX_SUCCESS
    assert log["posture"] == (TX_INT_ENABLE, TX_INT_DISABLE)
    assert log["perf"] == (TX_SUCCESS, TX_PTR_ERROR, TX_SUCCESS, TX_SUCCESS, TX_SUCCESS, TX_SUCCESS, TX_SUCCESS)
    assert log["stack notify"] == TX_FEATURE_NOT_ENABLED


def test_udp_socket_life_in_order_with_the_c_fields(traced: tuple[World, list, dict]) -> None:
    world, events, registry = traced
    app = address_of(registry, b"app", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    ip_a = address_of(registry, b"IP", 11)
    sock = address_of(registry, b"Trace Socket", NX_TRACE_OBJECT_TYPE_UDP_SOCKET)
    udp_ids = {UDP_CREATE, UDP_RECEIVE_NOTIFY, UDP_FREE_PORT_FIND, UDP_BIND, UDP_PORT_GET, UDP_CHECKSUM_DISABLE,
               UDP_CHECKSUM_ENABLE, UDP_SEND, INTERNAL_UDP_SEND, UDP_RECEIVE, NXD_UDP_SOURCE_EXTRACT,
               UDP_SOURCE_EXTRACT, UDP_INFO_GET, UDP_SOCKET_INFO_GET, UDP_UNBIND, UDP_DELETE}
    rows = [(e.id, e.raw_args) for e in events if e.thread_ptr == app and e.id in udp_ids]
    sent, echo = world.packets["sent"], world.packets["echo"]
    sent_address = tr.object_address(sent)           # a packet: its header address in RAM
    assert rows == [
        (UDP_CREATE, [ip_a, sock, 0, 3]),                          # type of service, queue maximum
        (UDP_RECEIVE_NOTIFY, [ip_a, sock, 0, 0]),
        (UDP_FREE_PORT_FIND, [ip_a, 5000, 5000, 0]),               # the port found, filled in after
        (UDP_BIND, [ip_a, sock, 5000, TX_WAIT_FOREVER]),
        (UDP_PORT_GET, [ip_a, sock, 5000, 0]),
        (UDP_CHECKSUM_DISABLE, [ip_a, sock, 0, 0]),
        (UDP_CHECKSUM_ENABLE, [ip_a, sock, 0, 0]),
        (UDP_SEND, [sock, sent_address, 5, B]),                     # data length, destination
        (INTERNAL_UDP_SEND, [ip_a, sock, sent_address, 5000 << 16 | 7]),  # header word 0: ports
        (UDP_RECEIVE, [ip_a, sock, tr.object_address(echo), 5]),    # packet and length filled in
        (NXD_UDP_SOURCE_EXTRACT, [tr.object_address(echo), 4, B, 7]),
        (UDP_SOURCE_EXTRACT, [tr.object_address(echo), B, 7, 0]),   # nxd_udp_packet_info_extract
        (UDP_INFO_GET, [ip_a, 5, 5, 0]),                            # bytes sent, received, invalid
        (UDP_SOCKET_INFO_GET, [ip_a, sock, 5, 5]),
        (UDP_UNBIND, [ip_a, sock, 5000, 0]),
        (UDP_DELETE, [ip_a, sock, 0, 0]),
    ]
    # The send goes on down the stack after the UDP events: IP send, then the driver.
    ids = [e.id for e in events if e.thread_ptr == app]
    internal_send = ids.index(INTERNAL_UDP_SEND)
    assert ids.index(INTERNAL_IP_SEND, internal_send) < ids.index(DRIVER_SEND, internal_send)


def test_udp_receive_side_and_the_enable(traced: tuple[World, list, dict]) -> None:
    world, events, registry = traced
    peer = address_of(registry, b"peer", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    echo_socket = address_of(registry, b"Echo", NX_TRACE_OBJECT_TYPE_UDP_SOCKET)
    sock = address_of(registry, b"Trace Socket", NX_TRACE_OBJECT_TYPE_UDP_SOCKET)
    enables = [(e.thread_ptr, e.raw_args[1:]) for e in events if e.id == UDP_ENABLE]
    assert enables == [(0xF0F0F0F0, [0, 0, 0])] * 2                 # from tx_application_define
    # nx_system_initialize (NX_TRACE_SYSTEM_INITIALIZE, 399) once, before any NetX object.
    assert [(e.thread_ptr, e.raw_args) for e in events if e.id == 399] == [(0xF0F0F0F0, [0, 0, 0, 0])]
    assert [e.id for e in events].index(399) < [e.id for e in events].index(391)   # pool create
    # _nx_udp_packet_receive on the IP threads: the socket found and the header's port word.
    received = [e.raw_args for e in events if e.id == INTERNAL_UDP_RECEIVE]
    assert [(r[1], r[3]) for r in received] == [(echo_socket, 5000 << 16 | 7), (sock, 7 << 16 | 5000)]
    peer_rows = [(e.id, e.raw_args) for e in events if e.thread_ptr == peer and e.id in (UDP_SOURCE_EXTRACT,
                                                                                          UDP_SEND)]
    echo_in = tr.object_address(world.packets["echo in"])
    assert peer_rows == [(UDP_SOURCE_EXTRACT, [echo_in, A, 5000, 0]), (UDP_SEND, [echo_socket, echo_in, 5, A])]


def test_udp_sockets_in_the_object_registry(traced: tuple[World, list, dict]) -> None:
    _, _, registry = traced
    entries = {e["thread_reg_entry_obj_name"]: e for e in registry.values()
               if e["obj_reg_entry_obj_type **"] == NX_TRACE_OBJECT_TYPE_UDP_SOCKET}
    assert set(entries) == {b"Trace Socket", b"Echo"}
    # Parameters: type of service and queue maximum. The deleted socket's entry is
    # available again (its name kept); the echo socket, never deleted, is still in use.
    trace_socket, echo = entries[b"Trace Socket"], entries[b"Echo"]
    assert (trace_socket["obj_reg_entry_obj_parameter_1"], trace_socket["obj_reg_entry_obj_parameter_2"]) == (0, 3)
    assert (trace_socket["obj_reg_entry_obj_available **"], echo["obj_reg_entry_obj_available **"]) == (1, 0)


def test_fragmented_ping_records_each_fragment_sent(traced: tuple[World, list, dict]) -> None:
    _, events, registry = traced
    app = address_of(registry, b"app", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    ip_a = address_of(registry, b"IP", 11)
    enables = [e for e in events if e.id == IP_FRAGMENT_ENABLE]
    assert [e.raw_args[1:] for e in enables] == [[0, 0, 0]] * 2 and enables[0].raw_args[0] == ip_a
    ping = next(n for n, e in enumerate(events) if e.id == ICMP_PING)
    assert events[ping].raw_args[1:] == [B, 0, 3000]                  # Python data: no target address
    icmp_send = events[ping + 1:][[e.id for e in events[ping + 1:]].index(INTERNAL_ICMP_SEND)]
    assert icmp_send.raw_args[0] == ip_a and icmp_send.raw_args[1] == B and icmp_send.raw_args[3] == 8 << 24
    # The request leaves A as three driver sends from the app thread: 3008 bytes of IP
    # data (ICMP header and data) in pieces of 1480, 1480 and 48, each with a 20-byte header.
    after = [e for e in events[ping:] if e.thread_ptr == app]
    sizes = [e.raw_args[2] for e in after if e.id == DRIVER_SEND]
    assert sizes[:3] == [1500, 1500, 68]
    disable = [e.raw_args for e in events if e.id == IP_FRAGMENT_DISABLE]
    assert len(disable) == 1 and disable[0][1:] == [0, 0, 0]


def test_interface_route_and_ip_services(traced: tuple[World, list, dict]) -> None:
    world, events, registry = traced
    app = address_of(registry, b"app", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    ip_a = address_of(registry, b"IP", 11)
    wanted = {IP_INTERFACE_ATTACH, DRIVER_INITIALIZE, DRIVER_LINK_ENABLE, IP_INTERFACE_INFO_GET, IP_ADDRESS_GET,
              IP_ADDRESS_SET, IP_ADDRESS_CHANGE_NOTIFY, IP_FORWARDING_ENABLE, IP_FORWARDING_DISABLE,
              IP_GATEWAY_ADDRESS_SET, STATIC_ROUTE_ADD, STATIC_ROUTE_DELETE, NXD_MAX_PAYLOAD_SIZE_FIND,
              IP_DRIVER_DIRECT_COMMAND, NXD_ICMP_ENABLE}
    rows = [(e.id, e.raw_args) for e in events if e.thread_ptr == app and e.id in wanted]
    second = world.ip_a.nx_ip_interface[1]
    msw, lsw = second.nx_interface_physical_address_msw, second.nx_interface_physical_address_lsw
    assert rows == [
        (IP_INTERFACE_ATTACH, [ip_a, SECOND, 1, 0]),               # address, interface index
        (DRIVER_INITIALIZE, [ip_a, 0, 0, 0]),                      # the IP thread runs: started at once
        (DRIVER_LINK_ENABLE, [ip_a, 0, 0, 0]),
        (IP_INTERFACE_INFO_GET, [ip_a, SECOND, msw, lsw]),
        (IP_ADDRESS_GET, [ip_a, SECOND, MASK, 0]),
        (IP_ADDRESS_SET, [ip_a, IP_ADDRESS(2, 2, 3, 9), MASK, 0]),
        (IP_ADDRESS_CHANGE_NOTIFY, [ip_a, 0, 0, 0]),
        (IP_FORWARDING_ENABLE, [ip_a, 0, 0, 0]),
        (IP_FORWARDING_DISABLE, [ip_a, 0, 0, 0]),
        (IP_GATEWAY_ADDRESS_SET, [ip_a, 0, 0, 0]),                 # a clear is recorded as a set of 0
        (STATIC_ROUTE_ADD, [ip_a, IP_ADDRESS(3, 3, 3, 0), MASK, IP_ADDRESS(2, 2, 3, 1)]),
        (STATIC_ROUTE_DELETE, [ip_a, IP_ADDRESS(3, 3, 3, 0), MASK, 0]),
        # Source and destination addresses, payload length, start offset (UDP: 16 + 20 + 8).
        (NXD_MAX_PAYLOAD_SIZE_FIND, [A, B, world.log["payload"][2], world.log["payload"][1]]),
        (IP_DRIVER_DIRECT_COMMAND, [ip_a, NX_LINK_GET_STATUS, world.log["direct"][0], 0]),  # status after
        (NXD_ICMP_ENABLE, [ip_a, 0, 0, 0]),
    ]
    assert world.log["payload"][1] == 44


def test_threadx_performance_information_and_interrupt_control(traced: tuple[World, list, dict]) -> None:
    world, events, registry = traced
    app = address_of(registry, b"app", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    semaphore = address_of(registry, b"semaphore", tr.TX_TRACE_OBJECT_TYPE_SEMAPHORE)
    wanted = {INTERRUPT_CONTROL, SEMAPHORE_PERF_INFO, SEMAPHORE_PERF_SYSTEM, THREAD_PERF_INFO, THREAD_PERF_SYSTEM,
              BLOCK_POOL_PERF_SYSTEM, TIMER_PERF_SYSTEM, STACK_ERROR_NOTIFY}
    rows = [(e.id, e.raw_args) for e in events if e.thread_ptr == app and e.id in wanted]
    stack = rows[0][1][1]
    assert stack != 0                                           # &saved_posture: on the caller's stack
    assert rows == [
        (INTERRUPT_CONTROL, [TX_INT_DISABLE, stack, 0, 0]),
        (INTERRUPT_CONTROL, [TX_INT_ENABLE, stack, 0, 0]),
        (SEMAPHORE_PERF_INFO, [semaphore, 0, 0, 0]),            # the uncreated one records nothing
        (SEMAPHORE_PERF_SYSTEM, [0, 0, 0, 0]),
        (THREAD_PERF_INFO, [app, TX_READY, 0, 0]),              # the thread and its state
        (THREAD_PERF_SYSTEM, [0, 0, 0, 0]),
        (BLOCK_POOL_PERF_SYSTEM, [0, 0, 0, 0]),
        (TIMER_PERF_SYSTEM, [0, 0, 0, 0]),
    ]                                                           # stack checking off: no 113
    # Interrupt control is its own filter class.
    assert not [e for e in events if e.id == STACK_ERROR_NOTIFY]


def test_filter_classes_are_the_c_ones(tmp_path: Path) -> None:
    """The C files the events in their own classes: a UDP socket create in the IP class,
    nxd_udp_packet_info_extract and max payload size find in the packet class, interrupt
    control in TX_TRACE_INTERRUPT_CONTROL_EVENT."""
    world = World(filter_bits=NX_TRACE_IP_EVENTS | NX_TRACE_PACKET_EVENTS | tr.TX_TRACE_INTERRUPT_CONTROL_EVENT)
    run = tx_kernel_enter(world.define, config=BUILD)
    assert run.reason == "completed"
    events, _ = parse(tmp_path, run.trace_buffer)
    ids = {e.id for e in events}
    assert not ids & {UDP_CREATE, INTERRUPT_CONTROL, NXD_MAX_PAYLOAD_SIZE_FIND, IP_INTERFACE_ATTACH}
    assert UDP_SOURCE_EXTRACT in ids                            # nx_udp_source_extract: UDP class
    assert world.log["send"] == NX_SUCCESS and {UDP_BIND, UDP_SEND, INTERNAL_UDP_SEND, SEMAPHORE_PERF_INFO} <= ids


def test_peer_info_of_the_tcp_demo(tmp_path: Path) -> None:
    """NetX Duo's TCP demo client calls nx_tcp_socket_peer_info_get once connected; in C
    that calls nxd_tcp_socket_peer_info_get, which records the peer's address and port
    (event 495) once it has given the mutex back."""
    from demos.demo_netx_tcp import run as demo_run
    demo, run = demo_run(2, trace=True)
    events, registry = parse(tmp_path, run.trace_buffer)
    client = next(p for p, e in registry.items() if e["thread_reg_entry_obj_name"] == b"Client Socket")
    peers = [e.raw_args for e in events if e.id == NXD_TCP_PEER_INFO_GET]
    assert peers == [[client, IP_ADDRESS(1, 2, 3, 5), 12, 0]] * 2
    ids = [e.id for e in events]
    connect = ids.index(401)                                    # NX_TRACE_TCP_CLIENT_SOCKET_CONNECT
    assert connect < ids.index(NXD_TCP_PEER_INFO_GET) < ids.index(421)   # before the first send


def test_tcp_notify_setters_record_what_the_c_records(tmp_path: Path) -> None:
    """NetX Duo's establish, disconnect-complete, timed-wait and queue-depth setters, the
    receive-queue maximum and the pool's low watermark record nothing; the receive and
    window-update notify setters record their events (420 and 446)."""
    results: list[int] = []
    ip, pool, sock, thread = NX_IP(), NX_PACKET_POOL(), NX_TCP_SOCKET(), TX_THREAD()

    def entry(_: int) -> None:
        nx_tcp_socket_create(ip, sock, "Notify Socket", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 512,
                             None, None)
        callback = (lambda s: None)
        results.extend([nx_tcp_socket_establish_notify(sock, callback),
                        nx_tcp_socket_disconnect_complete_notify(sock, callback),
                        nx_tcp_socket_timed_wait_callback(sock, callback),
                        nx_tcp_socket_receive_notify(sock, callback),
                        nx_tcp_socket_window_update_notify_set(sock, callback),
                        nx_tcp_socket_receive_queue_max_set(sock, 4),
                        nx_packet_pool_low_watermark_set(pool, 2)])

    def define(memory: Any) -> None:
        tx_trace_enable(memory, 16384, 16)
        memory += 16384
        tx_thread_create(thread, "app", entry, 0, memory, 4096, 5, 5, TX_NO_TIME_SLICE, TX_AUTO_START)
        memory += 4096
        nx_system_initialize()
        nx_packet_pool_create(pool, "pool", 256, memory, 8 * 320)
        memory += 8 * 320
        nx_ip_create(ip, "IP", A, MASK, pool, _nx_ram_network_driver, memory, 2048, 1)
        nx_tcp_enable(ip)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    assert run.reason == "completed"
    events, registry = parse(tmp_path, run.trace_buffer)
    app = address_of(registry, b"app", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    sock_address = address_of(registry, b"Notify Socket", 13)
    ids = [e.id for e in events if e.thread_ptr == app and 300 <= e.id < 600]
    # Create: its state change and the create itself; then only the two notify events.
    assert ids == [323, 412, 420, 446], ids
    assert [e.raw_args[:2] for e in events if e.id in (420, 446)][1] == [sock_address, 0]
    # Queue-depth notify, receive-queue maximum and low watermark: off in this build.
    assert results == [NX_SUCCESS] * 5 + [NX_NOT_SUPPORTED] * 2, results


def test_driver_calls_of_the_ip_thread_and_the_status_check(traced: tuple[World, list, dict]) -> None:
    """_nx_ip_thread_entry records the driver's initialise and link enable of each
    interface it starts; the status check records the driver's get-status request."""
    world, events, registry = traced
    app = address_of(registry, b"app", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    helpers = {p for p, e in registry.items()
               if e["thread_reg_entry_obj_name"] == b"IP" and e["obj_reg_entry_obj_type **"] == 1}
    ips = {p for p, e in registry.items() if e["obj_reg_entry_obj_type **"] == 11}
    starts = [(e.thread_ptr, e.id, e.raw_args[0]) for e in events
              if e.id in (DRIVER_INITIALIZE, DRIVER_LINK_ENABLE) and e.thread_ptr != app]
    assert len(starts) == 4 and {t for t, _, _ in starts} == helpers and {i for _, _, i in starts} == ips
    assert [i for _, i, _ in starts] == [DRIVER_INITIALIZE, DRIVER_LINK_ENABLE] * 2
    assert world.log["status"] == (NX_SUCCESS, NX_IP_LINK_ENABLED)
    ids = [e.id for e in events if e.thread_ptr == app]
    check = ids.index(385)                                      # NX_TRACE_IP_STATUS_CHECK
    assert ids[check + 1:].count(334) == 1                      # NX_TRACE_INTERNAL_IO_DRIVER_GET_STATUS


def test_ip_delete_records_the_driver_disable_and_uninitialise(tmp_path: Path) -> None:
    ip, pool, thread = NX_IP(), NX_PACKET_POOL(), TX_THREAD()
    statuses: list[int] = []

    def entry(_: int) -> None:
        statuses.append(nx_ip_delete(ip))

    def define(memory: Any) -> None:
        tx_trace_enable(memory, 16384, 16)
        memory += 16384
        tx_thread_create(thread, "app", entry, 0, memory, 4096, 5, 5, TX_NO_TIME_SLICE, TX_AUTO_START)
        memory += 4096
        nx_system_initialize()
        nx_packet_pool_create(pool, "pool", 256, memory, 8 * 320)
        nx_ip_create(ip, "IP", A, MASK, pool, _nx_ram_network_driver, memory + 8 * 320, 2048, 1)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    assert run.reason == "completed" and statuses == [NX_SUCCESS]
    events, registry = parse(tmp_path, run.trace_buffer)
    app = address_of(registry, b"app", tr.TX_TRACE_OBJECT_TYPE_THREAD)
    ids = [e.id for e in events if e.thread_ptr == app and e.id in (373, 327, 341)]
    assert ids == [373, 327, 341]       # NX_TRACE_IP_DELETE, then LINK_DISABLE, UNINITIALIZE


def test_a_reset_received_is_recorded_with_its_sequence(tmp_path: Path) -> None:
    """NX_TRACE_INTERNAL_TCP_RESET_RECEIVE (314; ip, socket, packet, sequence) where NetX Duo
    records it: a SYN to a port nobody listens on is answered with RST+ACK, which the
    connecting socket in SYN_SENT accepts (nx_tcp_socket_state_syn_sent.c)."""
    results: list[int] = []
    ip_a, ip_b, pool, sock, thread = NX_IP(), NX_IP(), NX_PACKET_POOL(), NX_TCP_SOCKET(), TX_THREAD()

    def entry(_: int) -> None:
        nx_tcp_socket_create(ip_a, sock, "Client", NX_IP_NORMAL, NX_FRAGMENT_OKAY, NX_IP_TIME_TO_LIVE, 512,
                             None, None)
        nx_tcp_client_socket_bind(sock, 12, NX_WAIT_FOREVER)
        results.append(nx_tcp_client_socket_connect(sock, B, 80, 500))

    def define(memory: Any) -> None:
        tx_trace_enable(memory, 32768, 16)
        memory += 32768
        tx_thread_create(thread, "app", entry, 0, memory, 4096, 5, 5, TX_NO_TIME_SLICE, TX_AUTO_START)
        memory += 4096
        nx_system_initialize()
        nx_packet_pool_create(pool, "pool", 256, memory, 16 * 320)
        memory += 16 * 320
        for ip, address, name in ((ip_a, A, "A"), (ip_b, B, "B")):
            nx_ip_create(ip, name, address, MASK, pool, _nx_ram_network_driver, memory, 2048, 1)
            memory += 2048
            nx_arp_enable(ip, memory, 1024)
            memory += 1024
            nx_tcp_enable(ip)

    run = tx_kernel_enter(define, config=tr.TRACE_BUILD)
    assert results == [NX_NOT_CONNECTED]
    events, registry = parse(tmp_path, run.trace_buffer)
    resets = [e for e in events if e.id == 314]
    assert len(resets) == 1
    ip_address, sock_address = address_of(registry, b"A", 11), address_of(registry, b"Client", 13)
    assert resets[0].raw_args[:2] == [ip_address, sock_address]
    # The reset follows the RST segment's arrival and comes before the socket goes CLOSED.
    after = [e.id for e in events if e.timestamp > resets[0].timestamp]
    assert 323 in after    # NX_TRACE_INTERNAL_TCP_STATE_CHANGE to CLOSED comes after it
