"""ICMPv4 error messages (netxduo ``nx_icmpv4_send_error_message.c``): what NetX sends,
by default, for a UDP datagram to a port nobody holds (destination unreachable, code 3).
"""
from __future__ import annotations

from typing import Any

from . import ip as _ip
from .constants import NX_IPv4_ICMP_PACKET, NX_NO_WAIT, NX_SUCCESS
from .packet import NX_PACKET, _nx_packet_allocate
from .wire import internet_checksum

_ERROR_HEADER = 8     # sizeof(NX_ICMPV4_ERROR): type, code, checksum, pointer word


def _nx_icmpv4_send_error_message(ip_ptr: Any, offending_packet: NX_PACKET, word1: int,
                                  error_pointer: int) -> None:
    """``_nx_icmpv4_send_error_message``: type ``word1 >> 24``, code ``(word1 >> 16) & 0xFF``,
    quoting the offending IP header and the first 8 bytes after it; sent TTL 255 to the
    offender's source. Nothing is sent (RFC 1122) for a datagram to a broadcast or
    multicast address, a fragment other than the first, from a source that is not one
    host, when ICMP is disabled, or when the default pool is empty (no wait)."""
    if getattr(ip_ptr, "nx_ip_icmpv4_packet_process", None) is None:
        return
    header_pointer = offending_packet.nx_packet_ip_header
    assert header_pointer is not None
    first = header_pointer.read(20)
    source = int.from_bytes(first[12:16], "big")
    destination = int.from_bytes(first[16:20], "big")
    interface = offending_packet.nx_packet_interface_ptr
    if destination == _ip.NX_IP_LIMITED_BROADCAST or \
            (destination & _ip.NX_IP_CLASS_D_MASK) == _ip.NX_IP_CLASS_D_TYPE:
        return
    mask = interface.nx_interface_ip_network_mask
    if destination & mask == interface.nx_interface_ip_network and \
            destination & ~mask & 0xFFFFFFFF == ~mask & 0xFFFFFFFF:
        return
    if int.from_bytes(first[6:8], "big") & _ip.NX_FRAG_OFFSET_MASK:
        return
    if source == 0 or _ip.NX_IP_LOOPBACK_FIRST <= source <= _ip.NX_IP_LOOPBACK_LAST \
            or source == _ip.NX_IP_LIMITED_BROADCAST \
            or (source & _ip.NX_IP_CLASS_D_MASK) == _ip.NX_IP_CLASS_D_TYPE:
        return
    status, packet = _nx_packet_allocate(ip_ptr.nx_ip_default_packet_pool, NX_IPv4_ICMP_PACKET, NX_NO_WAIT)
    if status != NX_SUCCESS or packet is None:
        return
    packet.nx_packet_ip_version = 4
    quoted = header_pointer.read(((first[0] & 0x0F) + 2) * 4)
    message = bytearray(bytes(((word1 >> 24) & 0xFF, (word1 >> 16) & 0xFF, 0, 0))
                        + ((error_pointer << 24) & 0xFFFFFFFF).to_bytes(4, "big") + quoted)
    message[2:4] = internet_checksum(message).to_bytes(2, "big")
    packet.nx_packet_prepend_ptr.write(bytes(message))
    packet._append = packet._prepend + len(message)
    packet.nx_packet_length = len(message)
    from .route import route_find
    _, route_interface, next_hop = route_find(ip_ptr, source, interface)
    packet.nx_packet_interface_ptr = route_interface
    _ip._nx_ip_packet_send(ip_ptr, packet, source, _ip.NX_IP_NORMAL, 255, _ip.NX_IP_ICMP,
                           _ip.NX_FRAGMENT_OKAY, next_hop)
