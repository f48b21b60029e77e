"""NetX ICMP (IPv4): ``nx_icmp_enable``, ``nx_icmp_ping``, ``nx_icmp_info_get`` and the
receive processing of echo requests and replies (netxduo ``common/src/nx_icmp_*.c``,
``nx_icmpv4_*.c``; checks in ``nxe_icmp_*.c``).

Theory of operation
-------------------
Receive: the IPv4 receive path hands every protocol-1 packet to ``nx_ip_icmp_packet_receive``
with the prepend pointer at the ICMP header. Called by the IP thread (the normal case:
the RAM driver defers reception to it) the message is processed at once; from any other
context it is pushed on ``ip.nx_ip_icmp_queue`` and NX_IP_ICMP_EVENT is set. As in C the
queue is a LIFO (a packet is linked in at the head), so messages queued together are
processed newest first. Processing verifies the checksum over the whole message (a bad
one is dropped and counted), answers an echo request by rewriting the *same* packet
(type 8 → 0, checksum patched incrementally as NetX does, RFC 1624) and sending it back
to the source with ``_nx_ip_packet_send``, and hands an echo reply to the pinging thread
whose sequence number it carries.

Ping: the request is allocated from the IP default pool at NX_IPv4_ICMP_PACKET + 8 with
the caller's wait option, the data appended, the header written (identifier = low 16
bits of the interface address, sequence = the instance's counter, post-incremented) and
checksummed, then sent (TOS normal, TTL 128, fragmentation allowed) with the IP mutex
held and preemption disabled. The caller then suspends (state TX_TCP_IP) on the ping
suspension list ``ip.nx_ip_icmp_ping_suspension_list`` until the matching reply — whose
packet it receives with the prepend pointer at the echoed data, as NetX returns it — or
the timeout (NX_NO_RESPONSE, counted as a ping timeout, at exactly ``wait_option`` ticks
after the request left). With NX_NO_WAIT the request is sent and NX_NO_RESPONSE returned
at once; a later reply finds nobody and is dropped as invalid.

Deviations (safe choices where C would misbehave): a core (unchecked) ping with a wait
from outside a thread does not suspend and returns NX_NO_RESPONSE like NX_NO_WAIT, where
C would suspend a non-thread. IPv6 is not modelled (``nxd_icmp_*`` serve IPv4
addresses: ``icmp_nxd.py``); of the ICMP error messages NetX sends, destination
unreachable (a UDP port nobody holds) and time exceeded (reassembly given up) are
(``icmp_error.py``). ``nx_ip_delete`` should end the ping waits with
:func:`_nx_icmp_ping_suspensions_release` (C calls ``_nx_icmp_cleanup`` on each).
"""
from __future__ import annotations

import struct
from typing import Any

from netxsim.boundary import c_service
from netxsim.tx.constants import TX_TCP_IP, TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put

from . import ip as _ip
from .arp import _valid_ip
from .config import nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error
from .constants import (
    NX_ALREADY_ENABLED, NX_CALLER_ERROR, NX_IP_ADDRESS_ERROR, NX_IPv4_ICMP_PACKET, NX_NO_RESPONSE,
    NX_NOT_ENABLED, NX_PTR_ERROR, NX_SUCCESS,
)
from .packet import NX_PACKET, _nx_packet_allocate, _nx_packet_data_append, _nx_packet_release
from .wire import internet_checksum
from ..tx import trace as _trace
from . import trace as _nxt

# nx_icmpv4.h
NX_ICMP_ECHO_REPLY_TYPE = 0
NX_ICMP_DEST_UNREACHABLE_TYPE = 3
NX_ICMP_ECHO_REQUEST_TYPE = 8
NX_ICMP_TIME_EXCEEDED_TYPE = 11
NX_ICMP_PARAMETER_PROB_TYPE = 12
NX_ICMP_TIMESTAMP_REQ_TYPE = 13
NX_ICMP_ZERO_CODE = 0
NX_ICMP_HEADER_SIZE = 8          # sizeof(NX_ICMP_HEADER): two ULONG words
_SIZEOF_NX_ICMPV4_ECHO = 8       # type, code, checksum, identifier, sequence

_NX_LOWER_16_MASK = 0xFFFF

_IP_FIELDS: dict[str, Any] = {
    "nx_ip_icmp_sequence": 0,
    "nx_ip_icmp_ping_suspended_count": 0,
    "nx_ip_icmp_total_messages_received": 0,
    "nx_ip_icmp_checksum_errors": 0,
    "nx_ip_icmp_invalid_packets": 0,
    "nx_ip_icmp_unhandled_messages": 0,
    "nx_ip_pings_sent": 0,
    "nx_ip_ping_timeouts": 0,
    "nx_ip_ping_threads_suspended": 0,
    "nx_ip_ping_responses_received": 0,
    "nx_ip_pings_received": 0,
    "nx_ip_pings_responded_to": 0,
    "nx_ip_icmpv4_packet_process": None,
}


def _icmp_fields(ip: Any) -> None:
    """Make sure ``ip`` has ICMP's fields (an NX_IP built before this module was loaded)."""
    if "nx_ip_icmp_ping_suspension_list" not in ip.__dict__:
        _icmp_state_reset(ip)


def _icmp_state_reset(ip: Any) -> None:
    """ICMP's part of NX_IP, zeroed (registered with NX_IP: every create resets it)."""
    for name, default in _IP_FIELDS.items():
        setattr(ip, name, default)
    ip.nx_ip_icmp_ping_suspension_list = []


_ip.register_protocol_state(_icmp_state_reset)


def _count(ip: Any, name: str) -> None:
    setattr(ip, name, getattr(ip, name, 0) + 1)


def _message(packet: NX_PACKET) -> bytes:
    """The ICMP message: ``nx_packet_length`` bytes from the prepend pointer (chain)."""
    return packet.chain_bytes()[:packet.nx_packet_length]


class _PingWait:
    """What a pinging thread waits with: its sequence number, and the reply handed to it."""

    __slots__ = ("ip", "sequence", "response")

    def __init__(self, ip: Any, sequence: int) -> None:
        self.ip = ip
        self.sequence = sequence
        self.response: NX_PACKET | None = None


# ============================================================================ enable
def _nx_icmp_enable(ip_ptr: Any) -> int:
    """``nx_icmp_enable`` (nx_icmp_enable.c): install the ICMP receive, queue and IPv4
    processing routines; from then on echo requests are answered by the IP thread.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_ALREADY_ENABLED,
    NX_CALLER_ERROR (ISR or timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ICMP_ENABLE, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_ICMP_EVENTS)
    _icmp_fields(ip_ptr)
    ip_ptr.nx_ip_icmp_queue_process = _nx_icmp_queue_process
    ip_ptr.nx_ip_icmp_packet_receive = _nx_icmp_packet_receive
    ip_ptr.nx_ip_icmpv4_packet_process = _nx_icmpv4_packet_process
    return NX_SUCCESS


def _nxe_icmp_enable(ip_ptr: Any) -> int:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if getattr(ip_ptr, "nx_ip_icmp_packet_receive", None):
        return NX_ALREADY_ENABLED
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_icmp_enable(ip_ptr)


nx_icmp_enable = c_service(
    "UINT nx_icmp_enable(NX_IP *ip_ptr)",
    nx_service(_nxe_icmp_enable, _nx_icmp_enable))


# =========================================================================== receive
def _nx_icmp_packet_receive(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_icmp_packet_receive`` (nx_icmp_packet_receive.c), the IPv4 receive path's
    protocol-1 handler: counts the message; shorter than 8 bytes → dropped as invalid;
    processed now in the IP thread, else pushed on the (LIFO) ICMP queue with
    NX_IP_ICMP_EVENT set."""
    _icmp_fields(ip_ptr)
    _count(ip_ptr, "nx_ip_icmp_total_messages_received")
    if packet_ptr.nx_packet_length < NX_ICMP_HEADER_SIZE:
        _count(ip_ptr, "nx_ip_icmp_invalid_packets")
        _nx_packet_release(packet_ptr)
        return
    k = kernel()
    if k.system_state != 0 or not _ip.ip_thread_is_current(ip_ptr):
        queue: list = ip_ptr.nx_ip_icmp_queue
        packet_ptr.nx_packet_queue_next = queue[0] if queue else None
        queue.insert(0, packet_ptr)
        _ip.ip_event_set(ip_ptr, _ip.NX_IP_ICMP_EVENT)
        return
    _nx_icmp_packet_process(ip_ptr, packet_ptr)


def _nx_icmp_queue_process(ip_ptr: Any) -> None:
    """``_nx_icmp_queue_process``: the IP thread takes the whole ICMP queue and processes
    it from the head (newest first)."""
    queue: list = ip_ptr.nx_ip_icmp_queue
    packets = list(queue)
    queue.clear()
    for packet in packets:
        packet.nx_packet_queue_next = None
        _nx_icmp_packet_process(ip_ptr, packet)


def _nx_icmp_packet_process(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_icmp_packet_process``: dispatch to the IPv4 processing (IPv6 not modelled)."""
    process = getattr(ip_ptr, "nx_ip_icmpv4_packet_process", None)
    if process is not None:
        process(ip_ptr, packet_ptr)
        return
    _count(ip_ptr, "nx_ip_icmp_invalid_packets")
    _nx_packet_release(packet_ptr)


def _nx_icmpv4_packet_process(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_icmpv4_packet_process`` (nx_icmpv4_packet_process.c): verify the checksum
    over the whole message (bad → dropped, counted as invalid and as a checksum error),
    then echo reply → the ping waiters, echo request → answered, anything else →
    dropped and counted as unhandled."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_ICMP_RECEIVE, ip_ptr, _nxt.source_ip(packet_ptr), packet_ptr, 0,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
    message = _message(packet_ptr)
    interface = packet_ptr.nx_packet_interface_ptr
    if not (interface is not None
            and interface.nx_interface_capability_flag & _ip.NX_INTERFACE_CAPABILITY_ICMPV4_RX_CHECKSUM) \
            and internet_checksum(message) != 0:
        _count(ip_ptr, "nx_ip_icmp_invalid_packets")
        _count(ip_ptr, "nx_ip_icmp_checksum_errors")
        _nx_packet_release(packet_ptr)
        return
    icmp_type = message[0]
    if icmp_type == NX_ICMP_ECHO_REPLY_TYPE:
        _nx_icmpv4_process_echo_reply(ip_ptr, packet_ptr)
    elif icmp_type == NX_ICMP_ECHO_REQUEST_TYPE:
        _nx_icmpv4_process_echo_request(ip_ptr, packet_ptr)
    else:
        _count(ip_ptr, "nx_ip_icmp_unhandled_messages")
        _nx_packet_release(packet_ptr)


def _nx_icmpv4_process_echo_request(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_icmpv4_process_echo_request`` (nx_icmpv4_process_echo_request.c): turn the
    request into the reply in place — type 0, checksum HC' = ~(~HC + ~0x0800) (the code
    byte and data are untouched) — and send it to the request's source address on the
    route NetX finds for it (TOS normal, TTL 128, fragmentation allowed)."""
    _count(ip_ptr, "nx_ip_pings_received")
    header = packet_ptr.nx_packet_prepend_ptr
    old_checksum = int.from_bytes(header.read(4)[2:4], "big")
    total = (~old_checksum & 0xFFFF) + (~(NX_ICMP_ECHO_REQUEST_TYPE << 8) & 0xFFFF)
    total = (total >> 16) + (total & 0xFFFF)
    total = (total >> 16) + (total & 0xFFFF)
    code = header.read(2)[1]
    ip_header = packet_ptr.nx_packet_ip_header
    assert ip_header is not None  # set by the IPv4 receive path
    source = int.from_bytes(ip_header.read(20)[12:16], "big")
    if _ip.tx_checksum_offloaded(packet_ptr.nx_packet_interface_ptr,
                                 _ip.NX_INTERFACE_CAPABILITY_ICMPV4_TX_CHECKSUM, source):
        total = ~0  # the receiving interface's driver computes it: the field is left 0
    header.write(bytes((NX_ICMP_ECHO_REPLY_TYPE, code)) + (~total & _NX_LOWER_16_MASK).to_bytes(2, "big"))
    status, interface, next_hop = _ip._nx_ip_route_find(ip_ptr, source)
    if status == NX_SUCCESS:
        packet_ptr.nx_packet_interface_ptr = interface
    else:
        next_hop = 0  # C leaves the receiving interface and a zero next hop
    _count(ip_ptr, "nx_ip_pings_responded_to")
    _ip._nx_ip_packet_send(ip_ptr, packet_ptr, source, _ip.NX_IP_NORMAL, _ip.NX_IP_TIME_TO_LIVE,
                           _ip.NX_IP_ICMP, _ip.NX_FRAGMENT_OKAY, next_hop)


def _nx_icmpv4_process_echo_reply(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_icmpv4_process_echo_reply`` (nx_icmpv4_process_echo_reply.c): hand the reply
    to the first pinging thread waiting with its sequence number — prepend moved past
    the 8-byte echo header, length reduced by 8 — and resume it with NX_SUCCESS (it runs
    when the IP thread lets it: preemption is disabled meanwhile). No such thread → the
    packet is dropped and counted as invalid."""
    _icmp_fields(ip_ptr)
    _count(ip_ptr, "nx_ip_ping_responses_received")
    sequence = int.from_bytes(packet_ptr.nx_packet_prepend_ptr.read(8)[6:8], "big")
    k = kernel()
    k.preempt_disable += 1
    waiters: list = ip_ptr.nx_ip_icmp_ping_suspension_list
    for thread in list(waiters):
        wait: _PingWait = thread.suspend_info
        if (wait.sequence & 0xFFFF) == sequence:
            waiters.remove(thread)
            ip_ptr.nx_ip_icmp_ping_suspended_count -= 1
            packet_ptr.nx_packet_length -= _SIZEOF_NX_ICMPV4_ECHO
            packet_ptr._prepend += _SIZEOF_NX_ICMPV4_ECHO
            wait.response = packet_ptr
            packet_ptr = None  # type: ignore[assignment]
            k.wake(thread, NX_SUCCESS)
            break
    if packet_ptr is not None:
        _count(ip_ptr, "nx_ip_icmp_invalid_packets")
        _nx_packet_release(packet_ptr)
    k.preempt_disable -= 1
    k.preempt_check()


# ============================================================================== ping
def _ping_wait_cleanup(thread: Any) -> None:
    """Suspend-cleanup of a ping wait (``_nx_icmp_cleanup``), called by the kernel once the
    thread has left the list: a timeout (status NX_NO_RESPONSE) counts as a ping timeout;
    an abort (NX_WAIT_ABORTED) or termination does not."""
    wait: _PingWait = thread.suspend_info
    ip_ptr = wait.ip
    ip_ptr.nx_ip_icmp_ping_suspended_count -= 1
    if thread.tx_thread_suspend_status == NX_NO_RESPONSE:
        _count(ip_ptr, "nx_ip_ping_timeouts")


def _nx_icmp_cleanup(thread: Any) -> None:
    """``_nx_icmp_cleanup`` as ``nx_ip_delete`` uses it: end a ping wait with NX_NO_RESPONSE
    (counted as a timeout). Does nothing for a thread not waiting on a ping."""
    if thread.suspend_cleanup is _ping_wait_cleanup:
        kernel().end_wait(thread, NX_NO_RESPONSE)


def _nx_icmp_ping_suspensions_release(ip_ptr: Any) -> None:
    """Release every thread waiting for a ping reply on ``ip_ptr`` (for ``nx_ip_delete``,
    which calls ``_nx_icmp_cleanup`` on each)."""
    for thread in list(getattr(ip_ptr, "nx_ip_icmp_ping_suspension_list", None) or []):
        _nx_icmp_cleanup(thread)


def _nx_icmp_interface_ping(ip_ptr: Any, ip_address: int, interface: Any, next_hop_address: int,
                            data_ptr: Any, data_size: int,
                            wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``_nx_icmp_interface_ping`` (nx_icmp_interface_ping.c): send one echo request on
    ``interface`` via ``next_hop_address`` and wait for its reply (module docstring).
    Returns (status, response_packet)."""
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ICMP_PING, ip_ptr, ip_address, _nxt.pointer_or_zero(data_ptr), data_size,
                  _nxt.NX_TRACE_ICMP_EVENTS)
    _icmp_fields(ip_ptr)
    k = kernel()
    pool = ip_ptr.nx_ip_default_packet_pool
    status, request = _nx_packet_allocate(pool, NX_IPv4_ICMP_PACKET + NX_ICMP_HEADER_SIZE, wait_option)
    if status != NX_SUCCESS:
        return status, None
    assert request is not None
    status = _nx_packet_data_append(request, b"" if data_ptr is None and not data_size else data_ptr,
                                    data_size, pool, wait_option)
    if status != NX_SUCCESS:
        _nx_packet_release(request)
        return status, None
    request.nx_packet_interface_ptr = interface
    _count(ip_ptr, "nx_ip_pings_sent")
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_ICMP_SEND, ip_ptr, ip_address, request, NX_ICMP_ECHO_REQUEST_TYPE << 24,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
    request.nx_packet_length += NX_ICMP_HEADER_SIZE
    request._prepend -= NX_ICMP_HEADER_SIZE
    sequence = ip_ptr.nx_ip_icmp_sequence & _NX_LOWER_16_MASK
    ip_ptr.nx_ip_icmp_sequence = (ip_ptr.nx_ip_icmp_sequence + 1) & 0xFFFFFFFF
    identifier = interface.nx_interface_ip_address & _NX_LOWER_16_MASK
    request.nx_packet_prepend_ptr.write(struct.pack("!BBHHH", NX_ICMP_ECHO_REQUEST_TYPE,
                                                    NX_ICMP_ZERO_CODE, 0, identifier, sequence))
    if not _ip.tx_checksum_offloaded(interface, _ip.NX_INTERFACE_CAPABILITY_ICMPV4_TX_CHECKSUM, ip_address):
        checksum = internet_checksum(_message(request))
        (request.nx_packet_prepend_ptr + 2).write(checksum.to_bytes(2, "big"))

    _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    k.preempt_disable += 1
    waits = bool(wait_option) and k.in_thread  # a core caller outside a thread cannot wait
    wait = _PingWait(ip_ptr, sequence)
    _ip._nx_ip_packet_send(ip_ptr, request, ip_address, _ip.NX_IP_NORMAL, _ip.NX_IP_TIME_TO_LIVE,
                           _ip.NX_IP_ICMP, _ip.NX_FRAGMENT_OKAY, next_hop_address)
    if waits:
        _tx_mutex_put(ip_ptr.nx_ip_protection)
        ip_ptr.nx_ip_icmp_ping_suspended_count += 1
        k.preempt_disable -= 1
        status = k.suspend_current(TX_TCP_IP, wait_option, ip_ptr.nx_ip_icmp_ping_suspension_list,
                                   NX_NO_RESPONSE, ip_ptr, info=wait, cleanup=_ping_wait_cleanup)
        if status == NX_SUCCESS:
            return NX_SUCCESS, wait.response
        return status, None
    k.preempt_disable -= 1
    _tx_mutex_put(ip_ptr.nx_ip_protection)
    k.preempt_check()
    return NX_NO_RESPONSE, None


def _nx_icmp_ping(ip_ptr: Any, ip_address: int, data_ptr: Any, data_size: int,
                  wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``nx_icmp_ping`` (nx_icmp_ping.c): ping ``ip_address`` with ``data_size`` bytes of
    ``data_ptr`` (bytes-like or str); returns (status, response_packet). The response's
    prepend pointer is at the echoed data and its length is the data length; the caller
    releases it.

    Statuses: NX_SUCCESS, NX_NO_RESPONSE (no reply within ``wait_option`` ticks, or
    NX_NO_WAIT), NX_IP_ADDRESS_ERROR (no route), NX_NO_PACKET / NX_WAIT_ABORTED /
    NX_POOL_DELETED (request allocation), NX_WAIT_ABORTED (wait aborted); from the
    checking layer NX_PTR_ERROR, NX_IP_ADDRESS_ERROR (address 0), NX_NOT_ENABLED,
    NX_CALLER_ERROR (not a thread). Port only: NULL data with a non-zero size is
    NX_PTR_ERROR (the C would copy from address 0).
    """
    if data_ptr is None and data_size:
        return NX_PTR_ERROR, None
    status, interface, next_hop = _ip._nx_ip_route_find(ip_ptr, ip_address)
    if status != NX_SUCCESS:
        return NX_IP_ADDRESS_ERROR, None
    return _nx_icmp_interface_ping(ip_ptr, ip_address, interface, next_hop, data_ptr, data_size,
                                   wait_option)


def _nxe_icmp_ping(ip_ptr: Any, ip_address: int, data_ptr: Any, data_size: int,
                   wait_option: int) -> tuple[int, NX_PACKET | None]:
    if not _valid_ip(ip_ptr):
        return NX_PTR_ERROR, None
    if not ip_address:
        return NX_IP_ADDRESS_ERROR, None
    if not getattr(ip_ptr, "nx_ip_icmp_packet_receive", None):
        return NX_NOT_ENABLED, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_icmp_ping(ip_ptr, ip_address, data_ptr, data_size, wait_option)


nx_icmp_ping = c_service(
    "UINT nx_icmp_ping(NX_IP *ip_ptr, ULONG ip_address, CHAR *data_ptr, ULONG data_size, ULONG wait_option)",
    nx_service(_nxe_icmp_ping, _nx_icmp_ping))


# ========================================================================== info get
def _nx_icmp_info_get(ip_ptr: Any) -> tuple:
    """``nx_icmp_info_get`` (nx_icmp_info_get.c): returns (status, pings_sent,
    ping_timeouts, ping_threads_suspended, ping_responses_received, icmp_checksum_errors,
    icmp_unhandled_messages). ``ping_threads_suspended`` is never incremented by this NetX
    version (always 0).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR (ISR or timer callback).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_ICMP_INFO_GET, ip_ptr, getattr(ip_ptr, "nx_ip_pings_sent", 0),
                  getattr(ip_ptr, "nx_ip_ping_responses_received", 0),
                  getattr(ip_ptr, "nx_ip_pings_received", 0), _nxt.NX_TRACE_ICMP_EVENTS)
    _icmp_fields(ip_ptr)
    _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    result = (NX_SUCCESS, ip_ptr.nx_ip_pings_sent, ip_ptr.nx_ip_ping_timeouts,
              ip_ptr.nx_ip_ping_threads_suspended, ip_ptr.nx_ip_ping_responses_received,
              ip_ptr.nx_ip_icmp_checksum_errors, ip_ptr.nx_ip_icmp_unhandled_messages)
    _tx_mutex_put(ip_ptr.nx_ip_protection)
    return result


def _nxe_icmp_info_get(ip_ptr: Any) -> tuple:
    if not _valid_ip(ip_ptr):
        return (NX_PTR_ERROR,) + (None,) * 6
    if not getattr(ip_ptr, "nx_ip_icmp_packet_receive", None):
        return (NX_NOT_ENABLED,) + (None,) * 6
    if nx_init_and_threads_caller_error(kernel()):
        return (NX_CALLER_ERROR,) + (None,) * 6
    return _nx_icmp_info_get(ip_ptr)


nx_icmp_info_get = c_service(
    "UINT nx_icmp_info_get(NX_IP *ip_ptr)",
    nx_service(_nxe_icmp_info_get, _nx_icmp_info_get))


__all__ = [
    "NX_ICMP_ECHO_REPLY_TYPE", "NX_ICMP_ECHO_REQUEST_TYPE", "NX_ICMP_HEADER_SIZE",
    "nx_icmp_enable", "nx_icmp_ping", "nx_icmp_info_get",
    "_nx_icmp_enable", "_nx_icmp_ping", "_nx_icmp_info_get", "_nx_icmp_interface_ping",
    "_nx_icmp_packet_receive", "_nx_icmp_queue_process", "_nx_icmp_cleanup",
    "_nx_icmp_ping_suspensions_release",
]
