"""NetX TCP output: every segment a socket sends, as real bytes, and the
retransmission of queued data (netxduo ``nx_tcp_packet_send_control.c``,
``nx_tcp_packet_send_syn.c`` / ``_ack.c`` / ``_fin.c`` / ``_rst.c`` / ``_probe.c``,
``nx_tcp_no_connection_reset.c``, ``nx_tcp_socket_retransmit.c``).

Control segments come from the IP default pool with NX_NO_WAIT and are silently not
sent when it is empty. Checksums are computed once over the segment bytes with the
wire module's one's-complement sum and patched into the header.
"""
from __future__ import annotations

import struct
from typing import Any

from . import ip as _ip
from .config import NxConfig
from .constants import NX_DRIVER_TX_DONE, NX_IP_PACKET, NX_NO_WAIT, NX_PACKET_ENQUEUED, NX_SUCCESS
from .packet import NX_PACKET, _nx_packet_allocate, _nx_packet_release, allocate_auxiliary_first
from .wire import internet_checksum, word_sum
from ..tx import trace as _trace
from . import trace as _nxt

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
_HEADER = struct.Struct("!HHIIBBHHH")
_M32 = 0xFFFFFFFF


def _window(socket: Any) -> int:
    window = socket.nx_tcp_socket_rx_window_current
    return window if window <= 0xFFFF else 0xFFFF


def pseudo_header_sum(source: int, destination: int, length: int) -> int:
    """Unfolded one's-complement sum of the IPv4 pseudo-header for TCP (protocol 6); the
    same value as wire.ipv4_pseudo_header_sum before folding, without its checks."""
    return ((source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF)
            + 6 + (length & 0xFFFF))


def tcp_segment_checksum(source: int, destination: int, segment: bytes | bytearray) -> int:
    """The checksum to store in a segment whose checksum field is zero (wire's RFC 1071
    sum over the segment bytes, seeded with the pseudo-header)."""
    return internet_checksum(segment, pseudo_header_sum(source, destination, len(segment)))


def _ip_send(socket: Any, packet: NX_PACKET) -> None:
    ip = socket.nx_tcp_socket_ip_ptr
    _ip._nx_ip_packet_send(ip, packet, socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4,
                           socket.nx_tcp_socket_type_of_service, socket.nx_tcp_socket_time_to_live,
                           _ip.NX_IP_TCP, socket.nx_tcp_socket_fragment_enable,
                           socket.nx_tcp_socket_next_hop_address)


def _nx_tcp_packet_send_control(socket: Any, flags: int, tx_sequence: int, ack_number: int,
                                options: bytes = b"", data: int | None = None) -> None:
    """``_nx_tcp_packet_send_control``: one header-only segment (SYN options, or the one
    byte of a window probe), from the IP default pool without waiting."""
    ip = socket.nx_tcp_socket_ip_ptr
    if ip.nx_ip_auxiliary_packet_pool is None:   # allocate_auxiliary_first's usual case, inline
        status, packet = _nx_packet_allocate(ip.nx_ip_default_packet_pool, NX_IP_PACKET, NX_NO_WAIT)
    else:
        status, packet = allocate_auxiliary_first(ip, NX_IP_PACKET)
    if status != NX_SUCCESS or packet is None:
        return
    header_length = 20 + len(options)
    if packet._end - packet._prepend < 28 + 1:
        _nx_packet_release(packet)
        return
    packet.nx_packet_ip_version = 4
    interface = packet.nx_packet_interface_ptr = socket.nx_tcp_socket_connect_interface
    # The segment is built in the packet's buffer in simulated RAM directly (header with a
    # zero checksum, options, the probe byte, then the checksum summed in place): the same
    # bytes as building it apart and writing it, without the copies. One bounds check for
    # all of it, as SimMemory.write makes (which raises, naming the access, when it fails).
    size = header_length if data is None else header_length + 1
    prepend = packet._prepend
    memory = packet._mem
    offset = prepend - memory.base
    if offset < 0 or offset + size > memory.size:
        memory.write(prepend, bytes(size))
    buffer = memory.data
    rx_window = socket.nx_tcp_socket_rx_window_current
    _HEADER.pack_into(buffer, offset, socket.nx_tcp_socket_port, socket.nx_tcp_socket_connect_port,
                      tx_sequence & _M32, ack_number & _M32, (header_length // 4) << 4,
                      flags, rx_window if rx_window <= 0xFFFF else 0xFFFF, 0, 0)
    if options:
        buffer[offset + 20:offset + header_length] = options
    if data is not None:
        buffer[offset + header_length] = data & 0xFF
    socket.nx_tcp_socket_rx_sequence_acked = ack_number & _M32
    socket.nx_tcp_socket_rx_window_last_sent = rx_window
    destination = socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4
    if not (interface.nx_interface_capability_flag and _ip.tx_checksum_offloaded(
            interface, _ip.NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM, destination)):
        # tcp_segment_checksum over the bytes in place (word_sum is congruent to their
        # int.from_bytes, which is all internet_checksum folds).
        source = interface.nx_interface_ip_address
        total = word_sum(buffer, offset, offset + size)
        total += ((source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF)
                  + 6 + (size & 0xFFFF))   # pseudo_header_sum, inline
        checksum = ~((total - 1) % 0xFFFF + 1) & 0xFFFF if total else 0xFFFF
        buffer[offset + 16] = checksum >> 8
        buffer[offset + 17] = checksum & 0xFF
    packet._append = prepend + size
    packet.nx_packet_length = size
    _ip._nx_ip_packet_send(ip, packet, destination, socket.nx_tcp_socket_type_of_service,   # _ip_send, inline
                           socket.nx_tcp_socket_time_to_live, _ip.NX_IP_TCP, socket.nx_tcp_socket_fragment_enable,
                           socket.nx_tcp_socket_next_hop_address)


def _own_mss(socket: Any) -> int:
    interface = socket.nx_tcp_socket_connect_interface
    mss = (interface.nx_interface_ip_mtu_size - 20 - 20) & 0xFFFF
    if socket.nx_tcp_socket_mss and socket.nx_tcp_socket_mss < mss:
        mss = socket.nx_tcp_socket_mss
    return mss


def _nx_tcp_packet_send_syn(socket: Any, tx_sequence: int) -> None:
    """``_nx_tcp_packet_send_syn``: SYN (SYN_SENT) or SYN+ACK, with NetX's 8 option bytes;
    fixes the connection MSS as NetX does."""
    NX_TCP_SYN_RECEIVED, NX_TCP_SYN_SENT = _tcp.NX_TCP_SYN_RECEIVED, _tcp.NX_TCP_SYN_SENT
    mss = _own_mss(socket)
    if socket.nx_tcp_socket_state == NX_TCP_SYN_RECEIVED:
        socket.nx_tcp_socket_connect_mss = mss if mss < socket.nx_tcp_socket_peer_mss else \
            socket.nx_tcp_socket_peer_mss
        socket.nx_tcp_socket_connect_mss2 = socket.nx_tcp_socket_connect_mss ** 2
    else:
        socket.nx_tcp_socket_connect_mss = mss
    options = bytes((2, 4, mss >> 8, mss & 0xFF, 1, 1, 1, 0))
    if socket.nx_tcp_socket_state == NX_TCP_SYN_SENT:
        _nx_tcp_packet_send_control(socket, SYN, tx_sequence, 0, options)
    else:
        _nx_tcp_packet_send_control(socket, SYN | ACK, tx_sequence, socket.nx_tcp_socket_rx_sequence, options)
    socket.nx_tcp_socket_tx_sequence_recover = tx_sequence
    socket.nx_tcp_socket_previous_highest_ack = tx_sequence


def _nx_tcp_packet_send_ack(socket: Any, tx_sequence: int) -> None:
    """``_nx_tcp_packet_send_ack``: a bare ACK; restarts the delayed-ACK countdown."""
    _nx_tcp_packet_send_control(socket, ACK, tx_sequence, socket.nx_tcp_socket_rx_sequence)
    socket.nx_tcp_socket_delayed_ack_timeout = NxConfig.tcp_rates[1]   # tcp._rates()[1], one call less


def _nx_tcp_packet_send_fin(socket: Any, tx_sequence: int) -> None:
    """``_nx_tcp_packet_send_fin``: FIN+ACK at ``tx_sequence``."""
    _nx_tcp_packet_send_control(socket, FIN | ACK, tx_sequence, socket.nx_tcp_socket_rx_sequence)


def _nx_tcp_packet_send_rst(socket: Any, segment: Any) -> None:
    """``_nx_tcp_packet_send_rst``: answer ``segment`` (a parsed header) with a RST: seq =
    its ACK when it had one, else RST+ACK acknowledging its sequence number."""
    if segment.flags & ACK:
        _nx_tcp_packet_send_control(socket, RST, segment.ack, 0)
    else:
        _nx_tcp_packet_send_control(socket, RST | ACK, 0, segment.seq)
    socket.nx_tcp_socket_ip_ptr.nx_ip_tcp_resets_sent += 1


def _nx_tcp_packet_send_probe(socket: Any, tx_sequence: int, data: int) -> None:
    """``_nx_tcp_packet_send_probe``: zero-window probe, one data byte."""
    _nx_tcp_packet_send_control(socket, ACK, tx_sequence, socket.nx_tcp_socket_rx_sequence, b"", data)


class _FakeSocket:
    """The zeroed socket ``_nx_tcp_no_connection_reset`` builds on its stack."""

    def __init__(self, ip: Any) -> None:
        NXD_ADDRESS = _tcp.NXD_ADDRESS
        self.nx_tcp_socket_ip_ptr = ip
        self.nx_tcp_socket_connect_ip = NXD_ADDRESS(4)
        self.nx_tcp_socket_connect_interface = None
        self.nx_tcp_socket_next_hop_address = 0
        self.nx_tcp_socket_port = 0
        self.nx_tcp_socket_connect_port = 0
        self.nx_tcp_socket_rx_window_current = 0
        self.nx_tcp_socket_rx_sequence_acked = 0
        self.nx_tcp_socket_rx_window_last_sent = 0
        self.nx_tcp_socket_type_of_service = 0
        self.nx_tcp_socket_time_to_live = _ip.NX_IP_TIME_TO_LIVE
        self.nx_tcp_socket_fragment_enable = 0


def _nx_tcp_no_connection_reset(ip: Any, packet: NX_PACKET, segment: Any) -> None:
    """``_nx_tcp_no_connection_reset``: RST for a segment that matches no socket."""
    fake = _FakeSocket(ip)
    fake.nx_tcp_socket_connect_ip.nxd_ip_address.v4 = segment.source_ip
    fake.nx_tcp_socket_connect_interface = packet.nx_packet_interface_ptr
    status, interface, next_hop = _ip._nx_ip_route_find(ip, segment.source_ip)
    if status == NX_SUCCESS:
        fake.nx_tcp_socket_connect_interface = interface
        fake.nx_tcp_socket_next_hop_address = next_hop
    fake.nx_tcp_socket_port = segment.port
    fake.nx_tcp_socket_connect_port = segment.source_port
    if not segment.flags & ACK:
        segment.seq = (segment.seq + segment.data_length + (1 if segment.flags & (SYN | FIN) else 0)) & _M32
    _nx_tcp_packet_send_rst(fake, segment)


# ============================================================= data and retransmission
def _data_header(socket: Any, sequence: int) -> bytes:
    return _HEADER.pack(socket.nx_tcp_socket_port, socket.nx_tcp_socket_connect_port, sequence & _M32,
                        socket.nx_tcp_socket_rx_sequence, 0x50, ACK | PSH, _window(socket), 0, 0)


def _segment_bytes(packet: NX_PACKET) -> bytes:
    if packet.nx_packet_next is None:
        return packet._mem.read(packet._prepend, packet.nx_packet_length)
    return packet.chain_bytes()[:packet.nx_packet_length]


def _write_data_header(socket: Any, packet: NX_PACKET, sequence: int, checksum: bool = True) -> bytes:
    """Write a data segment's header (ACK|PSH, current ack and window) at the prepend
    pointer, and its checksum unless ``checksum`` is False; returns the header written."""
    header = bytearray(_data_header(socket, sequence))
    memory = packet._mem
    socket.nx_tcp_socket_rx_sequence_acked = socket.nx_tcp_socket_rx_sequence
    socket.nx_tcp_socket_rx_window_last_sent = socket.nx_tcp_socket_rx_window_current
    if not checksum:
        memory.write(packet._prepend, bytes(header))
        return bytes(header)
    memory.write(packet._prepend, bytes(header))
    value = _checksum_of(socket, packet)
    header[16] = value >> 8
    header[17] = value & 0xFF
    memory.write(packet._prepend + 16, bytes(header[16:18]))
    return bytes(header)


def _checksum_of(socket: Any, packet: NX_PACKET) -> int:
    """The segment's checksum, or 0 when the interface computes it (checksum offload)."""
    interface = socket.nx_tcp_socket_connect_interface
    destination = socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4
    if interface.nx_interface_capability_flag and _ip.tx_checksum_offloaded(
            interface, _ip.NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM, destination):
        return 0
    return tcp_segment_checksum(interface.nx_interface_ip_address, destination, _segment_bytes(packet))


def _write_sequence_and_checksum(socket: Any, packet: NX_PACKET, sequence: int) -> None:
    """Fill in the sequence number of a header written with checksum 0, then the
    checksum (what send_internal does after releasing the IP mutex)."""
    memory = packet._mem
    memory.write(packet._prepend + 4, (sequence & _M32).to_bytes(4, "big"))
    value = _checksum_of(socket, packet)
    memory.write(packet._prepend + 16, bytes((value >> 8, value & 0xFF)))


def _nx_tcp_socket_retransmit(ip: Any, socket: Any, need_fast_retransmit: bool) -> None:
    """``_nx_tcp_socket_retransmit``: resend queued segments the driver is done with
    (TX_DONE), as many as the congestion window allows (1 MSS after a time-out), or a
    zero-window probe when the peer's window is closed."""
    queue = socket._tx_queue
    if socket.nx_tcp_socket_tx_window_advertised == 0:
        if queue:
            head = queue[0]
            first = head._mem.read(head._prepend + 20, 1) if head._append - head._prepend > 20 else \
                _segment_bytes(head)[20:21]
            socket.nx_tcp_socket_zero_window_probe_data = first[0] if first else 0
            socket.nx_tcp_socket_zero_window_probe_has_data = True
            socket.nx_tcp_socket_zero_window_probe_sequence = head._tcp_seq
            socket.nx_tcp_socket_zero_window_probe_failure = 0
        elif not socket.nx_tcp_socket_zero_window_probe_has_data:
            return
        socket.nx_tcp_socket_timeout_retries += 1
        socket.nx_tcp_socket_zero_window_probe_failure += 1
        socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate << (
            socket.nx_tcp_socket_timeout_retries * socket.nx_tcp_socket_timeout_shift)
        _nx_tcp_packet_send_probe(socket, socket.nx_tcp_socket_zero_window_probe_sequence,
                                  socket.nx_tcp_socket_zero_window_probe_data)
        return
    if socket.nx_tcp_socket_zero_window_probe_has_data:
        socket.nx_tcp_socket_zero_window_probe_has_data = False
    socket.nx_tcp_socket_timeout_retries += 1
    mss = socket.nx_tcp_socket_connect_mss
    if need_fast_retransmit or not socket.nx_tcp_socket_fast_recovery:
        window = socket.nx_tcp_socket_tx_outstanding_bytes >> 1
        if window < mss << 1:
            window = mss << 1
        socket.nx_tcp_socket_tx_slow_start_threshold = window
        socket.nx_tcp_socket_tx_window_congestion = mss
        if need_fast_retransmit:
            socket.nx_tcp_socket_tx_window_congestion += window + (mss << 1)
            socket.nx_tcp_socket_fast_recovery = True
            socket.nx_tcp_socket_tx_sequence_recover = (socket.nx_tcp_socket_tx_sequence - 1) & _M32
    socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate << (
        socket.nx_tcp_socket_timeout_retries * socket.nx_tcp_socket_timeout_shift)
    available = socket.nx_tcp_socket_tx_window_congestion
    for index, packet in enumerate(list(queue)):
        if packet.nx_packet_queue_next != NX_DRIVER_TX_DONE:
            break
        if packet.nx_packet_length > available + 20:
            break
        available -= packet.nx_packet_length - 20
        original = packet._mem.read(packet._prepend, 20)
        header = _write_data_header(socket, packet, packet._tcp_seq)
        if header[8:20] == original[8:20]:
            packet.nx_packet_identical_copy = 1
        ip.nx_ip_tcp_retransmit_packets += 1
        socket.nx_tcp_socket_retransmit_packets += 1
        packet.nx_packet_queue_next = None
        last = packet.nx_packet_tcp_queue_next == NX_PACKET_ENQUEUED
        tb = _trace.active
        if tb is not None:
            tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_RETRY, ip, socket, packet,
                      socket.nx_tcp_socket_timeout_retries, _nxt.NX_TRACE_INTERNAL_EVENTS)
        _ip_send(socket, packet)
        if last or socket.nx_tcp_socket_fast_recovery:
            break


__all__ = [name for name in dir() if name.startswith("_nx_tcp_")] + ["tcp_segment_checksum"]

# tcp imports this module: bound once here (a module object, read at call time).
from . import tcp as _tcp  # noqa: E402
