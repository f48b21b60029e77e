"""Bad input to NetX and ThreadX services: the issue's cases 4 and 5, each a regression
test that failed before the argument boundary (C integer conversion, named errors)."""
from __future__ import annotations

from typing import Any, Callable

from netxsim import (
    IP_ADDRESS, NX_INVALID_PORT, NX_IP, NX_NO_WAIT, NX_PACKET_POOL, NX_SIZE_ERROR, NX_SUCCESS, NX_TCP_PACKET,
    NX_TCP_SOCKET, TX_AUTO_START, TX_THREAD, _nx_ram_network_driver, nx_arp_enable, nx_ip_create,
    nx_packet_allocate, nx_packet_data_append, nx_packet_pool_create, nx_packet_pool_info_get,
    nx_tcp_client_socket_bind, nx_tcp_client_socket_connect, nx_tcp_enable, nx_tcp_socket_create,
    tx_kernel_enter, tx_thread_create, tx_thread_sleep, tx_time_get,
)
from netxsim.nx.segment import segment_for
from netxsim.tx.kernel import kernel

A, B = IP_ADDRESS(10, 0, 0, 1), IP_ADDRESS(10, 0, 0, 2)


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - the test asserts on what was raised
        return type(error).__name__, str(error)


def _in_thread(body: Callable[[NX_IP, NX_PACKET_POOL, Any], None]) -> list:
    """One IP instance (ARP, TCP) on the RAM driver; ``body(ip, pool, memory)`` runs in a
    thread; returns the frames the wire carried."""
    ip, pool, thread = NX_IP(), NX_PACKET_POOL(), TX_THREAD()
    frames: list = []

    def define(memory: Any) -> None:
        assert nx_packet_pool_create(pool, "pool", 1536, memory, 10 * 1600) == NX_SUCCESS
        memory += 10 * 1600
        assert nx_ip_create(ip, "ip", A, 0xFFFFFF00, pool, _nx_ram_network_driver, memory, 2048, 1) == NX_SUCCESS
        memory += 2048
        assert nx_arp_enable(ip, memory, 1040) == NX_SUCCESS
        memory += 1040
        assert nx_tcp_enable(ip) == NX_SUCCESS
        wire = segment_for(kernel(), _nx_ram_network_driver)
        wire.faults = None
        wire.enable_frame_log()
        frames.append(wire)
        scratch = memory + 4096
        assert tx_thread_create(thread, "t", lambda _: body(ip, pool, scratch), 0, memory, 4096, 4, 4, 0,
                                TX_AUTO_START) == NX_SUCCESS

    tx_kernel_enter(define, until=10_000)
    return list(frames[0].frame_log)


# ------------------------------------------------------------------ case 4: bind to -1
def test_bind_to_port_minus_one_is_port_0xffffffff_and_invalid():
    box: dict[str, Any] = {}

    def body(ip: NX_IP, pool: NX_PACKET_POOL, _memory: Any) -> None:
        socket = NX_TCP_SOCKET()
        assert nx_tcp_socket_create(ip, socket, "s", 0, 0, 0x80, 1000, None, None) == NX_SUCCESS
        box["bind"] = nx_tcp_client_socket_bind(socket, -1, NX_NO_WAIT)
        box["connect"] = _outcome(lambda: nx_tcp_client_socket_connect(socket, B, 25, 10))
    frames = _in_thread(body)
    assert box["bind"] == NX_INVALID_PORT
    assert box["connect"] != NX_SUCCESS and not isinstance(box["connect"], tuple)   # a status, no struct.error
    assert frames == []


# ----------------------------------------------------- case 5: pool payload -1, sleep(2.5)
def test_pool_with_payload_minus_one_is_refused_with_the_size_status():
    box: dict[str, Any] = {}

    def body(ip: NX_IP, pool: NX_PACKET_POOL, memory: Any) -> None:
        bad = NX_PACKET_POOL()
        box["create"] = nx_packet_pool_create(bad, "bad", -1, memory, 8192)
        box["info"] = nx_packet_pool_info_get(bad)[0]
    _in_thread(body)
    assert box == {"create": NX_SIZE_ERROR, "info": 0x07}


def test_sleep_of_a_float_raises_naming_the_service():
    box: dict[str, Any] = {}

    def body(ip: NX_IP, pool: NX_PACKET_POOL, _memory: Any) -> None:
        box["sleep"] = _outcome(lambda: tx_thread_sleep(2.5))
        box["tick"] = tx_time_get()
    _in_thread(body)
    assert box["sleep"] == ("ArgumentError", "tx_thread_sleep: timer_ticks must be an integer, got float")
    assert box["tick"] == 0


def test_data_append_with_minus_one_or_wrong_blocks_raises_named_errors():
    box: dict[str, Any] = {}

    def body(ip: NX_IP, pool: NX_PACKET_POOL, _memory: Any) -> None:
        status, packet = nx_packet_allocate(pool, NX_TCP_PACKET, NX_NO_WAIT)
        assert status == NX_SUCCESS
        box["minus one"] = _outcome(lambda: nx_packet_data_append(packet, b"abc", -1, pool, NX_NO_WAIT))
        box["pool as packet"] = _outcome(lambda: nx_packet_data_append(pool, b"abc", 3, pool, NX_NO_WAIT))
        box["packet as pool"] = _outcome(lambda: nx_packet_data_append(packet, b"abc", 3, packet, NX_NO_WAIT))
        box["ip as pool"] = _outcome(lambda: nx_packet_data_append(packet, b"abc", 3, ip, NX_NO_WAIT))
        box["length"] = packet.nx_packet_length
    _in_thread(body)
    assert box["minus one"][0] == "ValueError" and "4294967295" in box["minus one"][1]
    assert box["pool as packet"] == ("ArgumentError",
                                     "nx_packet_data_append: packet_ptr must be NX_PACKET or None, got NX_PACKET_POOL")
    assert box["packet as pool"] == ("ArgumentError",
                                     "nx_packet_data_append: pool_ptr must be NX_PACKET_POOL or None, got NX_PACKET")
    assert box["ip as pool"] == ("ArgumentError",
                                 "nx_packet_data_append: pool_ptr must be NX_PACKET_POOL or None, got NX_IP")
    assert box["length"] == 0
