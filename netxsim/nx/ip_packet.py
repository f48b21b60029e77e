"""The IPv4 packet paths of an IP instance: the send path (``nx_ip_header_add.c``,
``_nx_ip_packet_send`` of ``nx_ip_packet_send.c``, ``nx_ip_driver_packet_send.c``) and
the receive path (``nx_ip_packet_deferred_receive.c``, ``nx_ipv4_packet_receive.c``).
Split from :mod:`netxsim.nx.ip`, which re-exports every name defined here.

Transmission runs in the caller's thread: the IPv4 header is added, the destination
classified (broadcast, own address, multicast, ARP next hop) and the driver called
synchronously. Reception is deferred: the driver queues the packet
(``_nx_ip_packet_deferred_receive``) and sets NX_IP_RECEIVE_EVENT; the IP thread
verifies the header and dispatches by protocol through the handlers that
``nx_arp_enable``, ``nx_icmp_enable`` and ``nx_tcp_enable`` install.
"""
from __future__ import annotations

from netxsim.tx.constants import TX_OR
from netxsim.tx.event_flags import _tx_event_flags_set
from netxsim.tx.memory import Pointer
from .constants import NX_NO_WAIT, NX_SUCCESS
from .driver import NX_IP_DRIVER, NX_LINK_PACKET_BROADCAST, NX_LINK_PACKET_SEND
from .packet import NX_PACKET, _nx_packet_copy, _nx_packet_release, _nx_packet_transmit_release
from .wire import internet_checksum
from ..tx import trace as _trace
from . import trace as _nxt
from .ip import (
    NX_DONT_FRAGMENT, NX_FRAG_OFFSET_MASK, NX_INTERFACE, NX_INTERFACE_CAPABILITY_IPV4_RX_CHECKSUM,
    NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM, NX_IP, NX_IP_CLASS_D_MASK, NX_IP_CLASS_D_TYPE, NX_IP_ICMP,
    NX_IP_LIMITED_BROADCAST, NX_IP_LOOPBACK_FIRST, NX_IP_LOOPBACK_LAST, NX_IP_MULTICAST_LOWER,
    NX_IP_MULTICAST_MASK, NX_IP_MULTICAST_UPPER, NX_IP_PROTOCOL_MASK, NX_IP_RECEIVE_EVENT, NX_IP_TCP,
    NX_IP_TIME_TO_LIVE_SHIFT, NX_IP_TOS_MASK, NX_IP_UDP, NX_IP_VERSION, NX_MORE_FRAGMENTS, _IPV4,
    _IPV4_HEADER, tx_checksum_offloaded,
)


# --------------------------------------------------------------------- transmit path
def _nx_ip_route_find(ip: NX_IP, destination: int) -> tuple[int, NX_INTERFACE | None, int]:
    """``_nx_ip_route_find``: (status, interface, next hop) for ``destination`` over
    interfaces whose link is up: broadcast and multicast, our own address, a static
    route (when built in), a directly attached network (loopback included), link-local,
    else the gateway. See :func:`netxsim.nx.route.route_find`."""
    return route_find(ip, destination)


def _nx_ip_header_add(ip: NX_IP, packet: NX_PACKET, source: int, destination: int,
                      type_of_service: int, time_to_live: int, protocol: int, fragment: int) -> None:
    """``_nx_ip_header_add``: prepend the 20-byte IPv4 header (ID post-incremented, header
    checksum); an identical TCP retransmission keeps the header already there."""
    prepend = packet._prepend = packet._prepend - _IPV4_HEADER
    length = packet.nx_packet_length = packet.nx_packet_length + _IPV4_HEADER
    memory = packet._mem
    packet.nx_packet_ip_header = Pointer(memory, prepend)
    packet.nx_packet_ip_header_length += _IPV4_HEADER
    if packet.nx_packet_identical_copy:
        return
    packet_id = ip.nx_ip_packet_id
    ip.nx_ip_packet_id = (packet_id + 1) & 0xFFFFFFFF
    word0 = NX_IP_VERSION | (type_of_service & NX_IP_TOS_MASK) | (length & 0xFFFF)
    word1 = ((packet_id & 0xFFFF) << 16) | (fragment & 0xFFFF)
    word2 = ((time_to_live & 0xFF) << NX_IP_TIME_TO_LIVE_SHIFT) | (protocol & NX_IP_PROTOCOL_MASK)
    if not (0 <= source <= 0xFFFFFFFF and 0 <= destination <= 0xFFFFFFFF):
        source.to_bytes(4, "big") + destination.to_bytes(4, "big")  # raises OverflowError, as always
    checksum = 0
    interface = packet.nx_packet_interface_ptr
    if interface is None or not (interface.nx_interface_capability_flag and tx_checksum_offloaded(
            interface, NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM, destination)):
        # RFC 1071 over the header's 16-bit words, taken from its 32-bit words: 2**16 = 1
        # (mod 0xFFFF), so both sums agree mod 0xFFFF (never 0: word0 holds the version).
        checksum = ~((word0 + word1 + word2 + source + destination - 1) % 0xFFFF + 1) & 0xFFFF
    offset = prepend - memory.base
    if offset < 0 or offset + _IPV4_HEADER > memory.size:
        memory.write(prepend, bytes(_IPV4_HEADER))  # outside RAM: raises, naming the access
    _IPV4.pack_into(memory.data, offset, word0 >> 24, (word0 >> 16) & 0xFF, word0 & 0xFFFF, word1 >> 16,
                    word1 & 0xFFFF, word2 >> 24, (word2 >> 16) & 0xFF, checksum, source, destination)


def _nx_ip_packet_send(ip: NX_IP, packet: NX_PACKET, destination_ip: int, type_of_service: int,
                       time_to_live: int, protocol: int, fragment: int, next_hop_address: int) -> None:
    """``_nx_ip_packet_send``: add the IPv4 header and hand the packet to the driver path,
    in the caller's context. The caller has routed it: ``packet.nx_packet_interface_ptr``
    set (else dropped) and ``next_hop_address`` non-zero (else dropped after the header
    is built, as the C does). The packet is owned by the stack from here on."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_IP_SEND, ip, destination_ip, packet, packet.nx_packet_length,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
    ip.nx_ip_total_packet_send_requests += 1
    interface = packet.nx_packet_interface_ptr
    if interface is None:
        ip.nx_ip_invalid_transmit_packets += 1
        _nx_packet_transmit_release(packet)
        return
    # _nx_ip_header_add(ip, packet, interface.nx_interface_ip_address, destination_ip,
    # type_of_service, time_to_live, protocol, fragment), inline: every packet sent passes here.
    prepend = packet._prepend = packet._prepend - _IPV4_HEADER
    length = packet.nx_packet_length = packet.nx_packet_length + _IPV4_HEADER
    memory = packet._mem
    header = packet.nx_packet_ip_header
    # A Pointer is a value nobody changes: the one the buffer held last time, when it
    # names the same address, serves as a new one (the usual case for a pool buffer).
    if header is None or header.address != prepend or header.memory is not memory or type(header) is not Pointer:
        packet.nx_packet_ip_header = Pointer(memory, prepend)
    packet.nx_packet_ip_header_length += _IPV4_HEADER
    if not packet.nx_packet_identical_copy:
        source = interface.nx_interface_ip_address
        packet_id = ip.nx_ip_packet_id
        ip.nx_ip_packet_id = (packet_id + 1) & 0xFFFFFFFF
        word0 = NX_IP_VERSION | (type_of_service & NX_IP_TOS_MASK) | (length & 0xFFFF)
        word1 = ((packet_id & 0xFFFF) << 16) | (fragment & 0xFFFF)
        word2 = ((time_to_live & 0xFF) << NX_IP_TIME_TO_LIVE_SHIFT) | (protocol & NX_IP_PROTOCOL_MASK)
        if not (0 <= source <= 0xFFFFFFFF and 0 <= destination_ip <= 0xFFFFFFFF):
            source.to_bytes(4, "big") + destination_ip.to_bytes(4, "big")  # raises OverflowError, as always
        checksum = 0
        if not (interface.nx_interface_capability_flag and tx_checksum_offloaded(
                interface, NX_INTERFACE_CAPABILITY_IPV4_TX_CHECKSUM, destination_ip)):
            checksum = ~((word0 + word1 + word2 + source + destination_ip - 1) % 0xFFFF + 1) & 0xFFFF
        offset = prepend - memory.base
        if offset < 0 or offset + _IPV4_HEADER > memory.size:
            memory.write(prepend, bytes(_IPV4_HEADER))  # outside RAM: raises, naming the access
        _IPV4.pack_into(memory.data, offset, word0 >> 24, (word0 >> 16) & 0xFF, word0 & 0xFFFF, word1 >> 16,
                        word1 & 0xFFFF, word2 >> 24, (word2 >> 16) & 0xFF, checksum, source, destination_ip)
    if next_hop_address == 0:
        ip.nx_ip_invalid_transmit_packets += 1
        _nx_packet_transmit_release(packet)
        return
    _nx_ip_driver_packet_send(ip, packet, destination_ip, fragment, next_hop_address)


_new_request = NX_IP_DRIVER.__new__


def _nx_ip_driver_packet_send(ip: NX_IP, packet: NX_PACKET, destination: int, fragment: int,
                              next_hop: int) -> None:
    """``_nx_ip_driver_packet_send``: classify the destination and call the driver."""
    interface: NX_INTERFACE = packet.nx_packet_interface_ptr
    if destination == interface.nx_interface_ip_address or interface is ip.nx_ip_interface[-1]:
        _loopback(ip, packet)  # no MTU applies to loopback
        return
    command, msw, lsw = NX_LINK_PACKET_SEND, 0, 0
    mask = interface.nx_interface_ip_network_mask
    host_bits = ~mask & 0xFFFFFFFF
    broadcast = destination == NX_IP_LIMITED_BROADCAST or (
        mask != 0xFFFFFFFF and (destination & mask) == interface.nx_interface_ip_network
        and destination & host_bits == host_bits)
    unicast = not broadcast and (destination & NX_IP_CLASS_D_MASK) != NX_IP_CLASS_D_TYPE
    oversized = packet.nx_packet_length > interface.nx_interface_ip_mtu_size
    if oversized and (ip.nx_ip_fragment_processing is None or fragment & NX_DONT_FRAGMENT):
        # Fragmentation not enabled, or not allowed for this datagram: drop.
        ip.nx_ip_send_packets_dropped += 1
        _nx_packet_transmit_release(packet)
        return
    if broadcast:
        command, msw, lsw = NX_LINK_PACKET_BROADCAST, 0xFFFF, 0xFFFFFFFF
    elif not unicast:
        msw, lsw = NX_IP_MULTICAST_UPPER, NX_IP_MULTICAST_LOWER | (destination & NX_IP_MULTICAST_MASK)
    elif interface.nx_interface_address_mapping_needed:
        resolve = ip.nx_ip_arp_resolve
        if resolve is None:
            ip.nx_ip_send_packets_dropped += 1
            _nx_packet_transmit_release(packet)
            return
        mac = resolve(ip, interface, next_hop, packet)
        if mac is None:
            return  # ARP owns the packet now (queued for resolution, or dropped)
        msw, lsw = mac
    if oversized:
        _fragment_send(ip, interface, command, packet, msw, lsw)
        return
    ip.nx_ip_total_packets_sent += 1    # _count_sent, inlined
    ip.nx_ip_total_bytes_sent += packet.nx_packet_length - _IPV4_HEADER
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_PACKET_SEND, ip, packet, packet.nx_packet_length, 0,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
    # ip_driver_request, inlined: every field of the request set once.
    request = _new_request(NX_IP_DRIVER)
    request.nx_ip_driver_ptr = ip
    request.nx_ip_driver_command = command
    request.nx_ip_driver_status = 0
    request.nx_ip_driver_interface = interface
    request.nx_ip_driver_packet = packet
    request.nx_ip_driver_physical_address_msw = msw
    request.nx_ip_driver_physical_address_lsw = lsw
    request.nx_ip_driver_return_ptr = [0]
    driver = interface.nx_interface_link_driver_entry
    assert driver is not None
    driver(request)


def _fragment_send(ip: NX_IP, interface: NX_INTERFACE, command: int, packet: NX_PACKET, msw: int,
                   lsw: int) -> None:
    """Hand a request to ``nx_ip_fragment_processing`` instead of the driver."""
    request = NX_IP_DRIVER()
    request.nx_ip_driver_ptr = ip
    request.nx_ip_driver_command = command
    request.nx_ip_driver_interface = interface
    request.nx_ip_driver_packet = packet
    request.nx_ip_driver_physical_address_msw = msw
    request.nx_ip_driver_physical_address_lsw = lsw
    request.nx_ip_driver_return_ptr = [0]
    assert ip.nx_ip_fragment_processing is not None
    ip.nx_ip_fragment_processing(request)


def _count_sent(ip: NX_IP, packet: NX_PACKET) -> None:
    # Counted when the packet reaches the driver (ARP counts packets it flushes later).
    ip.nx_ip_total_packets_sent += 1
    ip.nx_ip_total_bytes_sent += packet.nx_packet_length - _IPV4_HEADER


def _loopback(ip: NX_IP, packet: NX_PACKET) -> None:
    """A packet to our own address: copied into the default pool and received later."""
    status, copy = _nx_packet_copy(packet, ip.nx_ip_default_packet_pool, NX_NO_WAIT)
    if status == NX_SUCCESS and copy is not None:
        _count_sent(ip, packet)
        copy.nx_packet_interface_ptr = packet.nx_packet_interface_ptr
        _nx_packet_transmit_release(packet)
        _nx_ip_packet_deferred_receive(ip, copy)
    else:
        ip.nx_ip_send_packets_dropped += 1
        _nx_packet_transmit_release(packet)


# ---------------------------------------------------------------------- receive path
def _nx_ip_packet_deferred_receive(ip: NX_IP, packet: NX_PACKET) -> None:
    """``_nx_ip_packet_deferred_receive`` (driver entry): queue the packet for the IP
    thread; the event is set only when the queue was empty, as NetX does."""
    queue = ip.nx_ip_deferred_received_packets
    queue.append(packet)
    if len(queue) == 1:
        _tx_event_flags_set(ip.nx_ip_events, NX_IP_RECEIVE_EVENT, TX_OR)  # ip_event_set


def _nx_ip_packet_receive(ip: NX_IP, packet: NX_PACKET) -> None:
    """``_nx_ip_packet_receive`` → ``_nx_ipv4_packet_receive``: verify, accept, dispatch."""
    ip.nx_ip_total_packets_received += 1
    if packet.nx_packet_length < _IPV4_HEADER or packet._append - packet._prepend < _IPV4_HEADER:
        _drop_invalid(ip, packet)
        return
    memory = packet._mem
    offset = packet._prepend - memory.base
    if offset < 0 or offset + _IPV4_HEADER > memory.size:
        memory.read(packet._prepend, _IPV4_HEADER)  # outside RAM: raises, naming the access
    version_ihl, type_of_service, total_length, identification, fragment_word, time_to_live, protocol, \
        checksum, source, destination = _IPV4.unpack_from(memory.data, offset)
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_IP_RECEIVE, ip, source, packet,
                  packet.nx_packet_length, _nxt.NX_TRACE_INTERNAL_EVENTS)
    if version_ihl >> 4 != 4:
        _drop_invalid(ip, packet)
        return
    header_length = (version_ihl & 0x0F) * 4
    if header_length < _IPV4_HEADER or total_length < header_length or total_length > packet.nx_packet_length:
        _drop_invalid(ip, packet)
        return
    if total_length < packet.nx_packet_length:
        _trim(packet, total_length)  # link padding
    if packet.nx_packet_length <= header_length:
        _drop_invalid(ip, packet)  # a header and nothing else
        return
    # RFC 1071: the sum over a correct header is 0xFFFF (the checksum of it is 0). A
    # 20-byte header is summed from its parsed fields: 2**16 = 1 (mod 0xFFFF), so
    # the 32-bit addresses count as their two 16-bit words; the sum is never 0
    # (version 4), so "= 0 (mod 0xFFFF)" is "folds to 0xFFFF".
    received_on = packet.nx_packet_interface_ptr
    if not (received_on is not None
            and received_on.nx_interface_capability_flag & NX_INTERFACE_CAPABILITY_IPV4_RX_CHECKSUM) \
            and not (((version_ihl << 8) + type_of_service + total_length + identification + fragment_word
                      + (time_to_live << 8) + protocol + checksum + source + destination) % 0xFFFF == 0
                     if header_length == _IPV4_HEADER else
                     internet_checksum(memory.read(packet._prepend, header_length)) == 0):
        ip.nx_ip_receive_checksum_errors += 1
        _drop_invalid(ip, packet)
        return
    interface = packet.nx_packet_interface_ptr or ip.nx_ip_interface[0]
    if destination != interface.nx_interface_ip_address and not _accepts(ip, interface, destination):
        if ip.nx_ip_forward_packet_process is not None:   # nx_ip_forwarding_enable
            ip.nx_ip_packets_forwarded += 1
            packet.nx_packet_ip_header = Pointer(packet._mem, packet._prepend)
            ip.nx_ip_forward_packet_process(ip, packet)
            return
        ip.nx_ip_receive_packets_dropped += 1
        _nx_packet_release(packet)
        return
    if fragment_word & (NX_MORE_FRAGMENTS | NX_FRAG_OFFSET_MASK):
        # Reassembled when nx_ip_fragment_enable was called, else dropped.
        ip.nx_ip_total_fragments_received += 1
        packet.nx_packet_ip_header = Pointer(packet._mem, packet._prepend)
        packet.nx_packet_interface_ptr = interface
        packet.nx_packet_ip_version = 4
        fragment_received(ip, packet, total_length)
        return
    header = packet.nx_packet_ip_header   # reused when it names the same address (as on send)
    if header is None or header.address != packet._prepend or header.memory is not memory \
            or type(header) is not Pointer:
        packet.nx_packet_ip_header = Pointer(memory, packet._prepend)
    packet.nx_packet_ip_header_length = 0  # NetX leaves it for the transmit path to count
    packet.nx_packet_interface_ptr = interface
    packet.nx_packet_ip_version = 4
    packet._prepend += header_length
    packet.nx_packet_length -= header_length
    ip.nx_ip_total_bytes_received += packet.nx_packet_length
    protocol <<= 16
    handler = ip.nx_ip_tcp_packet_receive if protocol == NX_IP_TCP else \
        ip.nx_ip_udp_packet_receive if protocol == NX_IP_UDP else \
        ip.nx_ip_icmp_packet_receive if protocol == NX_IP_ICMP else None
    if handler is None:
        ip.nx_ip_total_bytes_received -= packet.nx_packet_length
        ip.nx_ip_receive_packets_dropped += 1
        _nx_packet_release(packet)
        return
    handler(ip, packet)


def _accepts(ip: NX_IP, interface: NX_INTERFACE, destination: int) -> bool:
    mask = interface.nx_interface_ip_network_mask
    return (destination == interface.nx_interface_ip_address or destination == 0
            or destination == NX_IP_LIMITED_BROADCAST
            or (destination & mask) == interface.nx_interface_ip_network
            and (destination | mask) & 0xFFFFFFFF == 0xFFFFFFFF
            or NX_IP_LOOPBACK_FIRST <= destination <= NX_IP_LOOPBACK_LAST)


def _trim(packet: NX_PACKET, length: int) -> None:
    """Cut the packet (chain) down to ``length`` bytes from its prepend pointer."""
    remaining = length
    buffer: NX_PACKET | None = packet
    while buffer is not None:
        held = buffer._append - buffer._prepend
        if held >= remaining:
            buffer._append = buffer._prepend + remaining
            rest = buffer.nx_packet_next
            buffer.nx_packet_next = None
            if rest is not None:
                packet.nx_packet_last = buffer if buffer is not packet else None
                rest.nx_packet_tcp_queue_next = rest.nx_packet_tcp_queue_next
                _release_chain_tail(rest)
            break
        remaining -= held
        buffer = buffer.nx_packet_next
    packet.nx_packet_length = length


def _release_chain_tail(rest: NX_PACKET) -> None:
    rest.nx_packet_length = 0
    _nx_packet_release(rest)


def _drop_invalid(ip: NX_IP, packet: NX_PACKET) -> None:
    ip.nx_ip_invalid_packets += 1
    ip.nx_ip_receive_packets_dropped += 1
    _nx_packet_release(packet)


# Bound once here, not imported per packet: these modules import netxsim.nx.ip at their top.
from .route import route_find  # noqa: E402
from .fragment import fragment_received  # noqa: E402
