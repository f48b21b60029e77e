"""IPv4 fragmentation and reassembly (netxduo ``nx_ip_fragment_enable.c``,
``nx_ip_fragment_disable.c``, ``nx_ip_fragment_packet.c``, ``nx_ip_fragment_assembly.c``,
``nx_ip_fragment_timeout_check.c``).

Theory of operation
-------------------
Off until ``nx_ip_fragment_enable`` installs the three routines. Then:

Send: a datagram longer than its interface's MTU (and sent without NX_DONT_FRAGMENT) is
cut, when the driver would be called, into fragments of ``(MTU - 20) // 8 * 8`` data
bytes, each copied into a new packet of the IP *default* pool (allocated at
NX_IPv4_PACKET, no wait) behind a copy of the original header with its offset, MF bit,
total length and checksum rewritten, and each handed to the driver at once. The
original is released after the last fragment. An empty pool stops the work: the
fragments already sent stay sent, the rest is dropped (fragment failure).

Receive: a fragment (MF set or a non-zero offset) addressed to us is queued as received
(a non-last fragment whose data is not a multiple of 8 bytes is dropped) and the IP
thread woken with NX_IP_UNFRAG_EVENT. Reassembly matches fragments on ID, protocol,
source and destination; a fragment at an offset already held replaces the older copy.
Each datagram under reassembly keeps a timer of max(NX_IPV4_MAX_REASSEMBLY_TIME = 15,
the newest fragment's TTL) IP periodic events (seconds), counted down once a second by
the IP thread; at 0 its fragments are released (reassembly failure) and, if the first
fragment had arrived, an ICMP time exceeded (code 1) goes to the sender. A complete
datagram is chained (the head keeps its IP header; the others lose theirs) and
dispatched to its protocol like any other.

While a datagram waits for its other fragments its packets stay out of the driver's
receive pool: enough incomplete datagrams exhaust it, which is NetX's behaviour.
"""
from __future__ import annotations

from typing import Any

from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.boundary import c_service
from netxsim.tx.memory import Pointer
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put

from . import ip as _ip
from . import trace as _nxt
from ..tx import trace as _trace
from .config import nx_init_and_threads_caller_error, nx_service
from .constants import (NX_CALLER_ERROR, NX_IPv4_PACKET, NX_NO_WAIT, NX_PACKET_ALLOCATED, NX_PTR_ERROR,
                        NX_SUCCESS)
from .driver import NX_IP_DRIVER
from .packet import NX_PACKET, _nx_packet_allocate, _nx_packet_data_append, _nx_packet_release, \
    _nx_packet_transmit_release
from .wire import internet_checksum

NX_IPV4_MAX_REASSEMBLY_TIME = 15
NX_IP_ALIGN_FRAGS = 8
NX_IP_FRAGMENT_MASK = 0x3FFF
NX_ICMP_TIME_EXCEEDED_TYPE = 11
NX_ICMP_FRT_EXCEEDED_CODE = 1
_HEADER = 20


def _header(packet: NX_PACKET) -> bytes:
    return packet._mem.read(packet._prepend, _HEADER)


# ============================================================================== send
def _nx_ip_fragment_packet(driver_req_ptr: NX_IP_DRIVER) -> None:
    """``_nx_ip_fragment_packet``: send the request's packet as fragments (module
    docstring). Counts a fragment request; each fragment counts as a packet sent and a
    fragment sent; a complete job counts a successful fragment request."""
    ip = driver_req_ptr.nx_ip_driver_ptr
    ip.nx_ip_total_fragment_requests += 1
    source = original = driver_req_ptr.nx_ip_driver_packet
    header = bytearray(_header(source))
    remaining = source.nx_packet_length - _HEADER
    source_address = source._prepend + _HEADER
    interface = source.nx_packet_interface_ptr
    fragment_size = (interface.nx_interface_ip_mtu_size - _HEADER) // NX_IP_ALIGN_FRAGS * NX_IP_ALIGN_FRAGS
    pool = ip.nx_ip_default_packet_pool
    offset = 0
    flags = int.from_bytes(header[6:8], "big")
    # One copy of the caller's request, as the C copies it once; each fragment only
    # changes the packet (no driver keeps the request).
    request = NX_IP_DRIVER()
    for name in NX_IP_DRIVER.__slots__:
        setattr(request, name, getattr(driver_req_ptr, name))
    while remaining:
        status, fragment = _nx_packet_allocate(pool, NX_IPv4_PACKET, NX_NO_WAIT)
        if status:
            _resource_failure(ip)
            _nx_packet_transmit_release(original)
            return
        fragment.nx_packet_interface_ptr = interface
        size = fragment_size if remaining > fragment_size else remaining
        remaining -= size
        while size:
            available = source._append - source_address
            copy = size if size <= available else available
            status = _nx_packet_data_append(fragment, Pointer(source._mem, source_address), copy, pool, NX_NO_WAIT)
            if status:
                _resource_failure(ip)
                _nx_packet_transmit_release(original)
                _nx_packet_release(fragment)
                return
            size -= copy
            if copy == available:
                if source.nx_packet_next is not None:
                    source = source.nx_packet_next
                    source_address = source._prepend
                elif remaining:
                    ip.nx_ip_invalid_transmit_packets += 1
                    ip.nx_ip_fragment_failures += 1
                    _nx_packet_transmit_release(original)
                    _nx_packet_release(fragment)
                    return
            else:
                source_address += copy
        fragment._prepend -= _HEADER
        fragment.nx_packet_length += _HEADER
        new = bytearray(header)
        new[2:4] = fragment.nx_packet_length.to_bytes(2, "big")
        word = flags | (offset // 8) | (_ip.NX_MORE_FRAGMENTS if remaining else 0)
        new[6:8] = (word & 0xFFFF).to_bytes(2, "big")
        new[10:12] = b"\0\0"
        new[10:12] = internet_checksum(new).to_bytes(2, "big")
        fragment._mem.write(fragment._prepend, bytes(new))
        ip.nx_ip_total_fragments_sent += 1
        ip.nx_ip_total_packets_sent += 1
        ip.nx_ip_total_bytes_sent += fragment.nx_packet_length - _HEADER
        request.nx_ip_driver_packet = fragment
        tb = _trace.active
        if tb is not None:
            tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_PACKET_SEND, ip, fragment, fragment.nx_packet_length, 0,
                      _nxt.NX_TRACE_INTERNAL_EVENTS)
        interface.nx_interface_link_driver_entry(request)
        offset += fragment_size
    ip.nx_ip_successful_fragment_requests += 1
    _nx_packet_transmit_release(original)


def _resource_failure(ip: Any) -> None:
    ip.nx_ip_fragment_failures += 1
    ip.nx_ip_send_packets_dropped += 1
    ip.nx_ip_transmit_resource_errors += 1


# =========================================================================== receive
def fragment_received(ip: Any, packet: NX_PACKET, total_length: int) -> None:
    """The IPv4 receive path's fragment branch: queue for reassembly, or drop when
    fragmentation is off (``total_fragments_received`` was already counted)."""
    if ip.nx_ip_fragment_assembly is None:
        ip.nx_ip_receive_packets_dropped += 1
        _nx_packet_release(packet)
        return
    if int.from_bytes(_header(packet)[6:8], "big") & _ip.NX_MORE_FRAGMENTS and (total_length - _HEADER) & 7:
        ip.nx_ip_receive_packets_dropped += 1
        _nx_packet_release(packet)
        return
    packet.nx_packet_queue_next = None
    if ip.nx_ip_received_fragment_head is not None:
        ip.nx_ip_received_fragment_tail.nx_packet_queue_next = packet
    else:
        ip.nx_ip_received_fragment_head = packet
    ip.nx_ip_received_fragment_tail = packet
    _ip.ip_event_set(ip, _ip.NX_IP_UNFRAG_EVENT)


def _fields(packet: NX_PACKET) -> tuple[int, int, int, int, int, int]:
    """(id, offset in 8-byte units, protocol, source, destination, TTL) of a fragment."""
    h = _header(packet)
    flags = int.from_bytes(h[6:8], "big")
    return (int.from_bytes(h[4:6], "big"), flags & _ip.NX_FRAG_OFFSET_MASK, h[9], int.from_bytes(h[12:16], "big"),
            int.from_bytes(h[16:20], "big"), h[8])


def _nx_ip_fragment_assembly(ip_ptr: Any) -> None:
    """``_nx_ip_fragment_assembly`` (IP thread): file every received fragment into its
    datagram's chain (ordered by offset) and dispatch the datagrams now complete."""
    new_head = ip_ptr.nx_ip_received_fragment_head
    ip_ptr.nx_ip_received_fragment_head = ip_ptr.nx_ip_received_fragment_tail = None
    while new_head is not None:
        current = new_head
        new_head = new_head.nx_packet_queue_next
        ident, offset, protocol, source, destination, ttl = _fields(current)
        current.nx_packet_reassembly_time = max(NX_IPV4_MAX_REASSEMBLY_TIME, ttl)
        found = None
        previous_datagram = None
        search = ip_ptr.nx_ip_fragment_assembly_head
        while search is not None:
            s_ident, _, s_protocol, s_source, s_destination, _ = _fields(search)
            if (s_ident, s_protocol, s_source, s_destination) == (ident, protocol, source, destination):
                found = search
                if search.nx_packet_reassembly_time < ttl:
                    search.nx_packet_reassembly_time = ttl
                current.nx_packet_reassembly_time = search.nx_packet_reassembly_time
                break
            previous_datagram = search
            search = search.nx_packet_queue_next
        if found is None:
            # The first fragment of a new datagram: at the end of the assembly list.
            current.nx_packet_queue_next = None
            current.nx_packet_fragment_next = None
            if ip_ptr.nx_ip_fragment_assembly_head is not None:
                ip_ptr.nx_ip_fragment_assembly_tail.nx_packet_queue_next = current
            else:
                ip_ptr.nx_ip_fragment_assembly_head = current
            ip_ptr.nx_ip_fragment_assembly_tail = current
            continue
        head = found
        previous = None
        search = found
        duplicate = False
        while search is not None:
            search_offset = _fields(search)[1]
            if offset <= search_offset:
                duplicate = offset == search_offset
                break
            previous = search
            search = search.nx_packet_fragment_next
        if previous is not None:
            current.nx_packet_fragment_next = previous.nx_packet_fragment_next
            previous.nx_packet_fragment_next = current
        else:
            current.nx_packet_queue_next = head.nx_packet_queue_next
            current.nx_packet_fragment_next = head
            if previous_datagram is not None:
                previous_datagram.nx_packet_queue_next = current
            else:
                ip_ptr.nx_ip_fragment_assembly_head = current
            if head is ip_ptr.nx_ip_fragment_assembly_tail:
                ip_ptr.nx_ip_fragment_assembly_tail = current
            head = current
        if duplicate:
            old = current.nx_packet_fragment_next
            current.nx_packet_fragment_next = old.nx_packet_fragment_next
            old.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
            _nx_packet_release(old)
        expected = 0
        search = head
        last = head
        complete = True
        while search is not None:
            _, search_offset, *_ = _fields(search)
            if search_offset != expected:
                complete = False
                break
            expected += (int.from_bytes(_header(search)[2:4], "big") - _HEADER) // NX_IP_ALIGN_FRAGS
            last = search
            search = search.nx_packet_fragment_next
        if not complete or int.from_bytes(_header(last)[6:8], "big") & _ip.NX_MORE_FRAGMENTS:
            continue
        if previous_datagram is not None:
            previous_datagram.nx_packet_queue_next = head.nx_packet_queue_next
        else:
            ip_ptr.nx_ip_fragment_assembly_head = head.nx_packet_queue_next
        if head is ip_ptr.nx_ip_fragment_assembly_tail:
            ip_ptr.nx_ip_fragment_assembly_tail = previous_datagram
        _chain_and_dispatch(ip_ptr, head)


def _chain_and_dispatch(ip: Any, head: NX_PACKET) -> None:
    search = head.nx_packet_fragment_next
    previous = head
    while search is not None:
        previous.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        head.nx_packet_length += search.nx_packet_length - _HEADER
        search._prepend += _HEADER
        if head.nx_packet_last is not None:
            head.nx_packet_last.nx_packet_next = search
        else:
            head.nx_packet_next = search
        head.nx_packet_last = search.nx_packet_last if search.nx_packet_last is not None else search
        previous = search
        search = search.nx_packet_fragment_next
    previous.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
    head.nx_packet_queue_next = None
    ip.nx_ip_packets_reassembled += 1
    ip.nx_ip_total_packets_delivered += 1
    ip.nx_ip_total_bytes_received += head.nx_packet_length
    protocol = _header(head)[9] << 16
    head._prepend += _HEADER
    head.nx_packet_length -= _HEADER
    handler = {_ip.NX_IP_ICMP: ip.nx_ip_icmp_packet_receive, _ip.NX_IP_TCP: ip.nx_ip_tcp_packet_receive,
               _ip.NX_IP_UDP: ip.nx_ip_udp_packet_receive}.get(protocol)
    if handler is None:
        ip.nx_ip_receive_packets_dropped += 1
        _nx_packet_release(head)
        return
    handler(ip, head)


def _nx_ip_fragment_timeout_check(ip_ptr: Any) -> None:
    """``_nx_ip_fragment_timeout_check`` (IP thread, once per periodic event): count
    each datagram's timer down; one at 0 is given up (module docstring)."""
    fragment = ip_ptr.nx_ip_fragment_assembly_head
    previous = None
    while fragment is not None:
        if fragment.nx_packet_reassembly_time == 0:
            following = fragment.nx_packet_queue_next
            if previous is None:
                ip_ptr.nx_ip_fragment_assembly_head = following
            else:
                previous.nx_packet_queue_next = following
            _fragment_cleanup(ip_ptr, fragment)
            if fragment is ip_ptr.nx_ip_fragment_assembly_tail:
                ip_ptr.nx_ip_fragment_assembly_tail = previous
            fragment = following
        else:
            fragment.nx_packet_reassembly_time -= 1
            previous = fragment
            fragment = fragment.nx_packet_queue_next


def _fragment_cleanup(ip: Any, fragment: NX_PACKET) -> None:
    ip.nx_ip_reassembly_failures += 1
    if fragment.nx_packet_ip_version == 4 and not _fields(fragment)[1]:
        from .icmp_error import _nx_icmpv4_send_error_message
        _nx_icmpv4_send_error_message(ip, fragment, (NX_ICMP_TIME_EXCEEDED_TYPE << 24)
                                      | (NX_ICMP_FRT_EXCEEDED_CODE << 16), 0)
    while fragment is not None:
        ip.nx_ip_receive_packets_dropped += 1
        following = fragment.nx_packet_fragment_next
        fragment.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        _nx_packet_release(fragment)
        fragment = following


# ========================================================================== services
def _nx_ip_fragment_enable(ip_ptr: Any) -> int:
    """``nx_ip_fragment_enable`` (nx_ip_fragment_enable.c): fragment oversized datagrams
    on send and reassemble received fragments from now on.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_CALLER_ERROR (ISR or
    timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_FRAGMENT_ENABLE, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_IP_EVENTS)
    ip_ptr.nx_ip_fragment_processing = _nx_ip_fragment_packet
    ip_ptr.nx_ip_fragment_assembly = _nx_ip_fragment_assembly
    ip_ptr.nx_ip_fragment_timeout_check = _nx_ip_fragment_timeout_check
    return NX_SUCCESS


def _nxe_ip_fragment_enable(ip_ptr: Any) -> int:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_fragment_enable(ip_ptr)


nx_ip_fragment_enable = c_service(
    "UINT nx_ip_fragment_enable(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_fragment_enable, _nx_ip_fragment_enable))


def _nx_ip_fragment_disable(ip_ptr: Any) -> int:
    """``nx_ip_fragment_disable`` (nx_ip_fragment_disable.c): stop fragmenting and
    reassembling; every fragment received or under reassembly is released.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_IP_FRAGMENT_DISABLE, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_IP_EVENTS)
    _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    ip_ptr.nx_ip_fragment_processing = None
    ip_ptr.nx_ip_fragment_assembly = None
    ip_ptr.nx_ip_fragment_timeout_check = None
    received = ip_ptr.nx_ip_received_fragment_head
    assembling = ip_ptr.nx_ip_fragment_assembly_head
    ip_ptr.nx_ip_received_fragment_head = ip_ptr.nx_ip_received_fragment_tail = None
    ip_ptr.nx_ip_fragment_assembly_head = ip_ptr.nx_ip_fragment_assembly_tail = None
    _tx_mutex_put(ip_ptr.nx_ip_protection)
    while received is not None:
        following = received.nx_packet_queue_next
        _nx_packet_release(received)
        received = following
    while assembling is not None:
        fragment = assembling
        assembling = fragment.nx_packet_queue_next
        while fragment is not None:
            following = fragment.nx_packet_fragment_next
            fragment.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
            _nx_packet_release(fragment)
            fragment = following
    return NX_SUCCESS


def _nxe_ip_fragment_disable(ip_ptr: Any) -> int:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_ip_fragment_disable(ip_ptr)


nx_ip_fragment_disable = c_service(
    "UINT nx_ip_fragment_disable(NX_IP *ip_ptr)",
    nx_service(_nxe_ip_fragment_disable, _nx_ip_fragment_disable))


__all__ = ["nx_ip_fragment_enable", "nx_ip_fragment_disable", "_nx_ip_fragment_enable",
           "_nx_ip_fragment_disable", "NX_IPV4_MAX_REASSEMBLY_TIME"]
