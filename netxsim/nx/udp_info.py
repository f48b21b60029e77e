"""NetX UDP statistics and datagram details: ``nx_udp_info_get``,
``nx_udp_socket_info_get``, ``nx_udp_source_extract``, ``nx_udp_packet_info_extract``
and their ``nxd_`` forms (netxduo ``common/src/nx_udp_*info*.c``,
``nx_udp_source_extract.c``, ``nxd_udp_*.c``; checks in ``nxe_``/``nxde_``). Re-exported
by ``netxsim.nx.udp``.
"""
from __future__ import annotations

from typing import Any
from netxsim.tx.kernel import kernel
from netxsim.boundary import c_service

from . import ip as _ip
from . import trace as _nxt
from ..tx import trace as _trace
from .config import nx_not_isr_caller_error, nx_service, nx_threads_only_caller_error
from .constants import (
    NX_CALLER_ERROR, NX_INVALID_PACKET, NX_IP_VERSION_V4, NX_NOT_ENABLED, NX_PTR_ERROR, NX_SUCCESS,
)
from .packet import NX_PACKET
from .tcp import NXD_ADDRESS
from .udp import (
    NX_UDP_SOCKET, _IPV4_HEADER, _PROTOCOL_UDP, _UDP_HEADER, _ip_header, _socket_checks, _udp_enabled,
    _udp_fields,
)


# ========================================================================= info get
def _nx_udp_info_get(ip_ptr: Any) -> tuple:
    """``nx_udp_info_get``: (status, packets_sent, bytes_sent, packets_received,
    bytes_received, invalid_packets, receive_packets_dropped, checksum_errors).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR (from an ISR).
    """
    _udp_fields(ip_ptr)
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_INFO_GET, ip_ptr, ip_ptr.nx_ip_udp_bytes_sent, ip_ptr.nx_ip_udp_bytes_received,
                  ip_ptr.nx_ip_udp_invalid_packets, _nxt.NX_TRACE_UDP_EVENTS)
    return (NX_SUCCESS, ip_ptr.nx_ip_udp_packets_sent, ip_ptr.nx_ip_udp_bytes_sent,
            ip_ptr.nx_ip_udp_packets_received, ip_ptr.nx_ip_udp_bytes_received, ip_ptr.nx_ip_udp_invalid_packets,
            ip_ptr.nx_ip_udp_receive_packets_dropped, ip_ptr.nx_ip_udp_checksum_errors)


def _nxe_udp_info_get(ip_ptr: Any) -> tuple:
    if not _ip._valid_ip(ip_ptr):
        return (NX_PTR_ERROR,) + (None,) * 7
    if not _udp_enabled(ip_ptr):
        return (NX_NOT_ENABLED,) + (None,) * 7
    if nx_not_isr_caller_error(kernel()):
        return (NX_CALLER_ERROR,) + (None,) * 7
    return _nx_udp_info_get(ip_ptr)


nx_udp_info_get = c_service(
    "UINT nx_udp_info_get(NX_IP *ip_ptr)",
    nx_service(_nxe_udp_info_get, _nx_udp_info_get))


def _nx_udp_socket_info_get(socket_ptr: NX_UDP_SOCKET) -> tuple:
    """``nx_udp_socket_info_get``: (status, packets_sent, bytes_sent, packets_received,
    bytes_received, packets_queued, receive_packets_dropped, checksum_errors).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR (from an ISR).
    """
    s = socket_ptr
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_INFO_GET, s.nx_udp_socket_ip_ptr, s, s.nx_udp_socket_bytes_sent,
                  s.nx_udp_socket_bytes_received, _nxt.NX_TRACE_UDP_EVENTS)
    return (NX_SUCCESS, s.nx_udp_socket_packets_sent, s.nx_udp_socket_bytes_sent,
            s.nx_udp_socket_packets_received, s.nx_udp_socket_bytes_received, s.nx_udp_socket_receive_count,
            s.nx_udp_socket_packets_dropped, s.nx_udp_socket_checksum_errors)


def _nxe_udp_socket_info_get(socket_ptr: NX_UDP_SOCKET) -> tuple:
    status = _socket_checks(socket_ptr, nx_not_isr_caller_error)
    return (status,) + (None,) * 7 if status else _nx_udp_socket_info_get(socket_ptr)


nx_udp_socket_info_get = c_service(
    "UINT nx_udp_socket_info_get(NX_UDP_SOCKET *socket_ptr)",
    nx_service(_nxe_udp_socket_info_get, _nx_udp_socket_info_get))


# ==================================================================== packet details
def _source_port(packet: NX_PACKET) -> int:
    """The source port from the UDP header just before the data (prepend - 8)."""
    return int.from_bytes((packet.nx_packet_prepend_ptr - _UDP_HEADER).read(2), "big")


def _nxd_udp_source_extract(packet_ptr: NX_PACKET) -> tuple[int, NXD_ADDRESS | None, int | None]:
    """``nxd_udp_source_extract``: (status, NXD_ADDRESS of the sender, sender port) of a
    received datagram. Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR,
    NX_INVALID_PACKET (no IP header), NX_CALLER_ERROR."""
    address = NXD_ADDRESS(packet_ptr.nx_packet_ip_version)
    if packet_ptr.nx_packet_ip_version == NX_IP_VERSION_V4:
        address.nxd_ip_address.v4 = int.from_bytes(_ip_header(packet_ptr)[12:16], "big")
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NXD_TRACE_UDP_SOURCE_EXTRACT, packet_ptr, address.nxd_ip_version,
                  address.nxd_ip_address.v4 if address.nxd_ip_version == NX_IP_VERSION_V4 else 0,
                  _source_port(packet_ptr), _nxt.NX_TRACE_UDP_EVENTS)
    return NX_SUCCESS, address, _source_port(packet_ptr)


def _nxde_udp_source_extract(packet_ptr: NX_PACKET) -> tuple[int, NXD_ADDRESS | None, int | None]:
    if not isinstance(packet_ptr, NX_PACKET):
        return NX_PTR_ERROR, None, None
    if packet_ptr.nx_packet_ip_header is None:
        return NX_INVALID_PACKET, None, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None, None
    return _nxd_udp_source_extract(packet_ptr)


nxd_udp_source_extract = c_service(
    "UINT nxd_udp_source_extract(NX_PACKET *packet_ptr)",
    nx_service(_nxde_udp_source_extract, _nxd_udp_source_extract, name="nxd_udp_source_extract"))


def _nx_udp_source_extract(packet_ptr: NX_PACKET) -> tuple[int, int | None, int | None]:
    """``nx_udp_source_extract`` (nx_udp_source_extract.c): (status, ip_address, port)
    of the sender of a received datagram.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_INVALID_PACKET (no IP
    header, not IPv4, or less than 28 bytes before the data). The C front end has no
    caller check.
    """
    address, port = int.from_bytes(_ip_header(packet_ptr)[12:16], "big"), _source_port(packet_ptr)
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOURCE_EXTRACT, packet_ptr, address, port, 0, _nxt.NX_TRACE_UDP_EVENTS)
    return NX_SUCCESS, address, port


def _nxe_udp_source_extract(packet_ptr: NX_PACKET) -> tuple[int, int | None, int | None]:
    if not isinstance(packet_ptr, NX_PACKET):
        return NX_PTR_ERROR, None, None
    if packet_ptr.nx_packet_ip_header is None or packet_ptr.nx_packet_ip_version != NX_IP_VERSION_V4 \
            or packet_ptr._prepend - packet_ptr._start < _UDP_HEADER + _IPV4_HEADER:
        return NX_INVALID_PACKET, None, None
    return _nx_udp_source_extract(packet_ptr)


nx_udp_source_extract = c_service(
    "UINT nx_udp_source_extract(NX_PACKET *packet_ptr)",
    nx_service(_nxe_udp_source_extract, _nx_udp_source_extract))


def _nxd_udp_packet_info_extract(packet_ptr: NX_PACKET) -> tuple:
    """``nxd_udp_packet_info_extract``: (status, NXD_ADDRESS of the sender, protocol
    (0x11), sender port, interface index (0xFFFFFFFF if unknown)).

    Statuses: NX_SUCCESS, NX_INVALID_PACKET (not IPv4, or no IP header: a packet never
    received, where C would read address 0); from the checking layer NX_PTR_ERROR,
    NX_CALLER_ERROR.
    """
    if packet_ptr.nx_packet_ip_version != NX_IP_VERSION_V4 or packet_ptr.nx_packet_ip_header is None:
        # No IP header (a packet that was never received): C would read address 0.
        return NX_INVALID_PACKET, None, None, None, None
    address = NXD_ADDRESS(NX_IP_VERSION_V4, int.from_bytes(_ip_header(packet_ptr)[12:16], "big"))
    tb = _trace.active
    if tb is not None:   # the C records this one in the packet class
        tb.insert(_nxt.NX_TRACE_UDP_SOURCE_EXTRACT, packet_ptr, address.nxd_ip_address.v4, _source_port(packet_ptr),
                  0, _nxt.NX_TRACE_PACKET_EVENTS)
    interface = packet_ptr.nx_packet_interface_ptr
    index = 0xFFFFFFFF if interface is None else interface.nx_interface_index
    return NX_SUCCESS, address, _PROTOCOL_UDP, _source_port(packet_ptr), index


def _nxde_udp_packet_info_extract(packet_ptr: NX_PACKET) -> tuple:
    if not isinstance(packet_ptr, NX_PACKET):
        return NX_PTR_ERROR, None, None, None, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None, None, None, None
    return _nxd_udp_packet_info_extract(packet_ptr)


nxd_udp_packet_info_extract = c_service(
    "UINT nxd_udp_packet_info_extract(NX_PACKET *packet_ptr)",
    nx_service(_nxde_udp_packet_info_extract, _nxd_udp_packet_info_extract, name="nxd_udp_packet_info_extract"))


def _nx_udp_packet_info_extract(packet_ptr: NX_PACKET) -> tuple:
    """``nx_udp_packet_info_extract`` (nx_udp_packet_info_extract.c): (status,
    ip_address, protocol (0x11), port, interface_index) of a received datagram.

    Statuses: NX_SUCCESS, NX_INVALID_PACKET (not IPv4); from the checking layer
    NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    status, address, protocol, port, index = _nxd_udp_packet_info_extract(packet_ptr)
    if status != NX_SUCCESS:
        return status, None, None, None, None
    return NX_SUCCESS, address.nxd_ip_address.v4, protocol, port, index


def _nxe_udp_packet_info_extract(packet_ptr: NX_PACKET) -> tuple:
    if not isinstance(packet_ptr, NX_PACKET):
        return NX_PTR_ERROR, None, None, None, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None, None, None, None
    return _nx_udp_packet_info_extract(packet_ptr)


nx_udp_packet_info_extract = c_service(
    "UINT nx_udp_packet_info_extract(NX_PACKET *packet_ptr)",
    nx_service(_nxe_udp_packet_info_extract, _nx_udp_packet_info_extract))
