"""A harness for the SMTP client without the NetX TCP layer.

:class:`Rig` runs a ThreadX kernel with a real IP instance (RAM driver), a real client
packet pool and a real "receive" pool, and replaces the TCP cores the client calls
(through ``smtp_client.netx``) with a scripted fake: each receive hands over the next
scripted server reply as a real NX_PACKET (chained when longer than the receive pool's
payload), or a status; each send records the bytes and releases the packet as TCP
would once it is ACKed, or fails with a scripted status (the client then owns it).
A scripted receive failure first sleeps the requested wait, so timeouts land at the
exact tick. The calls are logged as ``(tick, call, detail...)``.
"""
from __future__ import annotations

from typing import Any, Callable

import smtp_client.netx as smtp_netx
from netxsim.nx import (
    NX_IP, NX_PACKET_POOL, NX_RECEIVE_PACKET, NX_SUCCESS, NX_TCP_CLOSED, NX_TCP_ESTABLISHED, NXD_ADDRESS,
    _nx_packet_allocate, _nx_packet_data_append, _nx_packet_release, _nx_ram_network_driver, IP_ADDRESS,
    nx_ip_create, nx_packet_pool_create,
)
from netxsim.tx import TX_AUTO_START, TX_NO_TIME_SLICE, TX_THREAD, tx_kernel_enter, tx_thread_create, \
    tx_thread_sleep, tx_time_get

SERVER = IP_ADDRESS(10, 0, 0, 1)
CLIENT = IP_ADDRESS(10, 0, 0, 10)
STRIDE_HEADER = 60


class Timeout:
    """A scripted receive failure after the wait: ``Timeout()`` is NX_NO_PACKET after the
    full wait; ``Timeout(0x38, after=20)`` a reset 20 ticks into the wait."""

    def __init__(self, status: int = 0x01, after: int | None = None) -> None:
        self.status = status
        self.after = after


class Rig:
    """One simulated run. ``replies``: server replies in order (bytes, or Timeout).
    ``send_status``: {n: status} makes the n-th send (0-based) fail."""

    def __init__(self, replies: list[Any] = (), *, pool_payload: int = 1536, pool_packets: int = 10,
                 receive_payload: int = 1536, send_status: dict[int, int] | None = None,
                 bind_status: int = NX_SUCCESS, connect_status: int = NX_SUCCESS,
                 keep_sent: bool = False) -> None:
        self.replies = list(replies)
        self.pool_payload = pool_payload
        self.pool_packets = pool_packets
        self.receive_payload = receive_payload
        self.send_status = dict(send_status or {})
        self.bind_status = bind_status
        self.connect_status = connect_status
        self.keep_sent = keep_sent        # True: sent packets stay "unacknowledged"
        self.log: list[tuple] = []
        self.sent: list[bytes] = []
        self.held: list[Any] = []
        self.result: dict[str, Any] = {}
        self.pool = NX_PACKET_POOL()
        self.rx_pool = NX_PACKET_POOL()
        self.ip = NX_IP()
        self.ip_pool = NX_PACKET_POOL()
        self.sends = 0

    # ---- the fake TCP cores
    def install(self, monkeypatch: Any) -> "Rig":
        for name in ("_nx_tcp_socket_create", "_nx_tcp_socket_delete", "_nx_tcp_client_socket_bind",
                     "_nxd_tcp_client_socket_connect", "_nx_tcp_socket_send", "_nx_tcp_socket_receive",
                     "_nx_tcp_socket_disconnect", "_nx_tcp_client_socket_unbind"):
            monkeypatch.setattr(smtp_netx, name, getattr(self, name[1:]), raising=False)
        return self

    def note(self, *entry: Any) -> None:
        self.log.append((tx_time_get(),) + entry)

    def nx_tcp_socket_create(self, ip, socket, name, tos, fragment, ttl, window, urgent, disconnect) -> int:
        self.note("socket_create", name, tos, fragment, ttl, window, urgent, disconnect)
        status = self.result.get("socket_create_status", NX_SUCCESS)
        if status == NX_SUCCESS:
            socket.nx_tcp_socket_id = 0x54435020
            socket.nx_tcp_socket_ip_ptr = ip
        return status

    def nx_tcp_socket_delete(self, socket) -> int:
        self.note("socket_delete")
        if socket.nx_tcp_socket_id != 0x54435020:
            return 0x27
        if socket.nx_tcp_socket_bound:
            return 0x42
        socket.nx_tcp_socket_id = 0
        return NX_SUCCESS

    def nx_tcp_client_socket_bind(self, socket, port, wait) -> int:
        self.note("bind", port, wait)
        if self.bind_status == NX_SUCCESS:
            socket.nx_tcp_socket_bound = True
        return self.bind_status

    def nxd_tcp_client_socket_connect(self, socket, address, port, wait) -> int:
        self.note("connect", address.nxd_ip_version, address.nxd_ip_address.v4, port, wait)
        if self.connect_status == NX_SUCCESS:
            socket.nx_tcp_socket_state = NX_TCP_ESTABLISHED
        return self.connect_status

    def nx_tcp_socket_send(self, socket, packet, wait) -> int:
        index = self.sends
        self.sends += 1
        status = self.send_status.get(index, NX_SUCCESS)
        self.note("send", packet.chain_bytes(), wait, status)
        if status == NX_SUCCESS:
            self.sent.append(packet.chain_bytes())
            if self.keep_sent:
                self.held.append(packet)
            else:
                _nx_packet_release(packet)
        return status

    def nx_tcp_socket_receive(self, socket, wait) -> tuple[int, Any]:
        self.note("receive", wait)
        if not self.replies:
            tx_thread_sleep(wait)
            return 0x01, None
        reply = self.replies.pop(0)
        if isinstance(reply, Timeout):
            tx_thread_sleep(wait if reply.after is None else reply.after)
            return reply.status, None
        status, packet = _nx_packet_allocate(self.rx_pool, NX_RECEIVE_PACKET, 0)
        assert status == NX_SUCCESS, "receive pool exhausted: a reply packet was not released"
        assert _nx_packet_data_append(packet, reply, len(reply), self.rx_pool, 0) == NX_SUCCESS
        return NX_SUCCESS, packet

    def nx_tcp_socket_disconnect(self, socket, wait) -> int:
        self.note("disconnect", wait)
        socket.nx_tcp_socket_state = NX_TCP_CLOSED
        return NX_SUCCESS

    def nx_tcp_client_socket_unbind(self, socket) -> int:
        self.note("unbind")
        socket.nx_tcp_socket_bound = False
        return NX_SUCCESS

    # ---- running
    def run(self, body: Callable[["Rig"], None], priority: int = 4, until: int | None = None) -> "Rig":
        thread = TX_THREAD()

        def define(memory: Any) -> None:
            payload_stride = (STRIDE_HEADER + self.pool_payload + 3) // 4 * 4
            rx_stride = (STRIDE_HEADER + self.receive_payload + 3) // 4 * 4
            assert nx_packet_pool_create(self.pool, "SMTP Client Packet Pool", self.pool_payload, memory,
                                         self.pool_packets * payload_stride) == NX_SUCCESS
            memory = memory + self.pool_packets * payload_stride
            assert nx_packet_pool_create(self.rx_pool, "receive", self.receive_payload, memory,
                                         8 * rx_stride) == NX_SUCCESS
            memory = memory + 8 * rx_stride
            assert nx_packet_pool_create(self.ip_pool, "ip", 1536, memory, 4 * 1600) == NX_SUCCESS
            memory = memory + 4 * 1600
            assert nx_ip_create(self.ip, "client ip", CLIENT, 0xFFFFFF00, self.ip_pool, _nx_ram_network_driver,
                                memory, 2048, 1) == NX_SUCCESS
            memory = memory + 2048
            assert tx_thread_create(thread, "client", lambda _: body(self), 0, memory, 4096, priority, priority,
                                    TX_NO_TIME_SLICE, TX_AUTO_START) == NX_SUCCESS

        tx_kernel_enter(define, until=until)
        return self

    def free_packets(self) -> tuple[int, int]:
        """(client pool available, receive pool available): both full after a clean run."""
        return self.pool.nx_packet_pool_available, self.rx_pool.nx_packet_pool_available

    def calls(self) -> list[str]:
        return [entry[1] for entry in self.log]


def v4(address: int = SERVER) -> NXD_ADDRESS:
    return NXD_ADDRESS(4, address)
