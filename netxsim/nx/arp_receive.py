"""NetX ARP receive processing: the driver's entry point that queues a received ARP
message for the IP thread, the IP thread's queue processing, and the processing of one
message (netxduo ``common/src/nx_arp_packet_deferred_receive.c``,
``nx_arp_queue_process.c``, ``nx_arp_packet_receive.c``): answering requests for our
address, defending it against a conflicting sender, and learning the sender's mapping.

The cache it updates (the ``NX_ARP`` entry, its lists and helpers, ``nx_arp_enable``,
resolution on the send path, the periodic update) is in ``netxsim.nx.arp``, which
re-exports every name defined here.
"""
from __future__ import annotations

import struct
from typing import Any, Callable

from . import ip as _ip
from .arp import (
    NX_ARP_MESSAGE_SIZE, NX_ARP_OPTION_REQUEST, NX_ARP_OPTION_RESPONSE, _ULONG,
    _arp_fields, _count, _find_active, _hash, _mac_bytes, _nx_arp_packet_send,
    _nx_arp_queue_send,
)
from .constants import NX_FALSE, NX_SUCCESS
from .driver import NX_LINK_ARP_RESPONSE_SEND
from .packet import NX_PACKET, _nx_packet_release
from ..tx import trace as _trace
from . import trace as _nxt


# =========================================================================== receive
def _nx_arp_packet_deferred_receive(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_arp_packet_deferred_receive`` (driver entry point): queue a received ARP
    message (prepend at the ARP body) for the IP thread and set NX_IP_ARP_REC_EVENT when
    the queue was empty. With ARP not enabled the packet is released and counted in
    ``nx_ip_arp_invalid_messages``."""
    _arp_fields(ip_ptr)
    if not ip_ptr.nx_ip_arp_queue_process:
        _count(ip_ptr, "nx_ip_arp_invalid_messages")
        _nx_packet_release(packet_ptr)
        return
    queue: list = ip_ptr.nx_ip_arp_deferred_queue
    packet_ptr.nx_packet_queue_next = None
    if queue:
        queue[-1].nx_packet_queue_next = packet_ptr
        queue.append(packet_ptr)
        return
    queue.append(packet_ptr)
    _ip.ip_event_set(ip_ptr, _ip.NX_IP_ARP_REC_EVENT)


def _nx_arp_queue_process(ip_ptr: Any) -> None:
    """``_nx_arp_queue_process``: the IP thread processes every queued ARP message, in
    arrival order."""
    queue: list = ip_ptr.nx_ip_arp_deferred_queue
    while queue:
        packet = queue.pop(0)
        packet.nx_packet_queue_next = None
        _nx_arp_packet_receive(ip_ptr, packet)


def _swap_words(packet: NX_PACKET, first: int, last: int) -> None:
    """Byte-swap ULONG words ``first..last`` of the message in place (NX_CHANGE_ULONG_ENDIAN
    on a little-endian target)."""
    memory = packet._mem
    start = packet._prepend - memory.base + 4 * first
    end = start + 4 * (last + 1 - first)
    data = memory.data
    # One slice for all the words (every ARP message received goes through here).
    count = last + 1 - first
    data[start:end] = struct.pack(f"<{count}I", *struct.unpack_from(f">{count}I", data, start))


_SWAP_WORDS_IN = struct.Struct(">6I")    # words 1..6 of a received message, as sent
_SWAP_WORDS_OUT = struct.Struct("<6I")   # ... and as NX_CHANGE_ULONG_ENDIAN leaves them


def _nx_arp_packet_receive(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_arp_packet_receive`` (nx_arp_packet_receive.c), in the IP thread.

    Shorter than 28 bytes or an operation other than request/reply → released and
    counted invalid. A message claiming our address from another MAC is a conflict:
    defended with a request at most every NX_ARP_DEFEND_INTERVAL periodic events, the
    notify handler called, then handed to the gratuitous-ARP response handler (which
    must release it) or released. A request for our address is answered by rewriting
    the same packet (op 2, sender = us, target = requester) and sending it with
    NX_LINK_ARP_RESPONSE_SEND to the requester's MAC. Any other message counts as a
    request or reply received. Then an existing dynamic entry for the sender learns its
    MAC (countdown NX_ARP_EXPIRATION_RATE, retries 0) and its queued packets are sent; if
    there is no entry, one is allocated in advance with the sender's mapping (the "auto
    entry"). Messages with sender address 0 teach nothing.
    """
    if packet_ptr.nx_packet_length < NX_ARP_MESSAGE_SIZE:
        _count(ip_ptr, "nx_ip_arp_invalid_messages")
        _nx_packet_release(packet_ptr)
        return
    # Every host on the segment receives every broadcast request: the message is read
    # and its words 1..6 byte-swapped in place (_swap_words) straight from the packet's
    # memory, from the one copy read (no Pointer built, no second read).
    memory = packet_ptr._mem
    start = packet_ptr._prepend - memory.base
    if start < 0 or start + NX_ARP_MESSAGE_SIZE > memory.size:
        memory._offset(packet_ptr._prepend, NX_ARP_MESSAGE_SIZE)  # raises, naming the access
    data = memory.data
    message = bytes(data[start:start + NX_ARP_MESSAGE_SIZE])
    data[start + 4:start + NX_ARP_MESSAGE_SIZE] = _SWAP_WORDS_OUT.pack(*_SWAP_WORDS_IN.unpack_from(message, 4))
    (hlen_plen, message_type, sender_mac_high, sender_mac_low, sender_ip_address,
     _target_mac_high, _target_mac_low, target_ip_address) = struct.unpack_from(
        "!HHHIIHII", message, 4)
    if message_type not in (NX_ARP_OPTION_REQUEST, NX_ARP_OPTION_RESPONSE):
        _count(ip_ptr, "nx_ip_arp_invalid_messages")
        _nx_packet_release(packet_ptr)
        return
    sender_physical_msw = sender_mac_high
    sender_physical_lsw = sender_mac_low
    if packet_ptr.nx_packet_interface_ptr is None:
        packet_ptr.nx_packet_interface_ptr = ip_ptr.nx_ip_interface[0]
    interface = packet_ptr.nx_packet_interface_ptr
    our_msw = interface.nx_interface_physical_address_msw
    our_lsw = interface.nx_interface_physical_address_lsw
    our_address = interface.nx_interface_ip_address

    probe_address = getattr(interface, "nx_interface_ip_probe_address", 0)
    conflict_handler: Callable | None = getattr(interface, "nx_interface_ip_conflict_notify_handler",
                                                None)
    if our_address == 0 and probe_address != 0 and (
            sender_ip_address == probe_address
            or (sender_ip_address == 0 and target_ip_address == probe_address)):
        if (sender_physical_msw, sender_physical_lsw) != (our_msw, our_lsw) \
                and conflict_handler is not None:
            conflict_handler(ip_ptr, getattr(interface, "nx_interface_index", 0), probe_address,
                             sender_physical_msw, sender_physical_lsw)
        _nx_packet_release(packet_ptr)
        return

    if sender_ip_address != 0 and sender_ip_address == our_address:
        if (sender_physical_msw, sender_physical_lsw) != (our_msw, our_lsw):
            if getattr(interface, "nx_interface_arp_defend_timeout", 0) == 0:
                interface.nx_interface_arp_defend_timeout = ip_ptr.nx_config.NX_ARP_DEFEND_INTERVAL
                _nx_arp_packet_send(ip_ptr, sender_ip_address, interface)
            if conflict_handler is not None:
                conflict_handler(ip_ptr, getattr(interface, "nx_interface_index", 0), probe_address,
                                 sender_physical_msw, sender_physical_lsw)
            handler = getattr(ip_ptr, "nx_ip_arp_gratuitous_response_handler", None)
            if handler is not None:
                handler(ip_ptr, packet_ptr)  # it owns the packet now
                return
        _nx_packet_release(packet_ptr)
        return

    consumed = False
    tb = _trace.active
    if tb is not None:
        received = _nxt.NX_TRACE_INTERNAL_ARP_REQUEST_RECEIVE if message_type == NX_ARP_OPTION_REQUEST \
            else _nxt.NX_TRACE_INTERNAL_ARP_RESPONSE_RECEIVE
        tb.insert(received, ip_ptr, sender_ip_address, packet_ptr, 0, _nxt.NX_TRACE_INTERNAL_EVENTS)
    if message_type == NX_ARP_OPTION_REQUEST and target_ip_address == our_address:
        _count(ip_ptr, "nx_ip_arp_requests_received")
        _count(ip_ptr, "nx_ip_arp_responses_sent")
        (packet_ptr.nx_packet_prepend_ptr + 4).write(struct.pack(
            "!HH6sI6sI", hlen_plen, NX_ARP_OPTION_RESPONSE, _mac_bytes(our_msw, our_lsw),
            our_address & _ULONG, _mac_bytes(sender_physical_msw, sender_physical_lsw),
            sender_ip_address))
        packet_ptr.nx_packet_length = NX_ARP_MESSAGE_SIZE
        packet_ptr._append = packet_ptr._prepend + NX_ARP_MESSAGE_SIZE
        tb = _trace.active
        if tb is not None:
            tb.insert(_nxt.NX_TRACE_INTERNAL_ARP_RESPONSE_SEND, ip_ptr, sender_ip_address, packet_ptr, 0,
                      _nxt.NX_TRACE_INTERNAL_EVENTS)
            tb.insert(_nxt.NX_TRACE_INTERNAL_IO_DRIVER_ARP_RESPONSE_SEND, ip_ptr, packet_ptr,
                      packet_ptr.nx_packet_length, 0, _nxt.NX_TRACE_INTERNAL_EVENTS)
        _ip.ip_driver_request(ip_ptr, interface, NX_LINK_ARP_RESPONSE_SEND, packet_ptr,
                              sender_physical_msw, sender_physical_lsw)
        consumed = True
    elif message_type == NX_ARP_OPTION_REQUEST:
        # _count, inline (every host receives every broadcast request)
        ip_ptr.nx_ip_arp_requests_received = getattr(ip_ptr, "nx_ip_arp_requests_received", 0) + 1
    else:
        _count(ip_ptr, "nx_ip_arp_responses_received")

    index = _hash(sender_ip_address)
    arp_ptr = _find_active(ip_ptr, index, sender_ip_address) if sender_ip_address != 0 else None
    if arp_ptr is not None and not arp_ptr.nx_arp_route_static:
        arp_ptr.nx_arp_physical_address_msw = sender_physical_msw
        arp_ptr.nx_arp_physical_address_lsw = sender_physical_lsw
        arp_ptr.nx_arp_entry_next_update = ip_ptr.nx_config.NX_ARP_EXPIRATION_RATE
        arp_ptr.nx_arp_retries = 0
        arp_ptr.nx_arp_ip_interface = interface
        _nx_arp_queue_send(ip_ptr, arp_ptr)

    if not consumed:
        _nx_packet_release(packet_ptr)

    if not ip_ptr.nx_config.NX_DISABLE_ARP_AUTO_ENTRY and arp_ptr is None and sender_ip_address != 0:
        if ip_ptr.nx_ip_arp_allocate(ip_ptr, index, NX_FALSE) == NX_SUCCESS:
            arp_ptr = ip_ptr.nx_ip_arp_table[index].nx_arp_active_previous
            arp_ptr.nx_arp_ip_address = sender_ip_address
            arp_ptr.nx_arp_physical_address_msw = sender_physical_msw
            arp_ptr.nx_arp_physical_address_lsw = sender_physical_lsw
            arp_ptr.nx_arp_entry_next_update = ip_ptr.nx_config.NX_ARP_EXPIRATION_RATE
            arp_ptr.nx_arp_retries = 0
            arp_ptr.nx_arp_ip_interface = interface


__all__ = [
    "_nx_arp_packet_deferred_receive",
]
