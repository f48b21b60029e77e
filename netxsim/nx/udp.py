"""NetX UDP (IPv4): ``NX_UDP_SOCKET`` and every ``nx_udp_*`` / ``nxd_udp_*`` service
(netxduo ``common/src/nx_udp_*.c``, ``nxd_udp_*.c``; checks in ``nxe_udp_*.c`` and
``nxde_udp_*.c``).

Theory of operation
-------------------
``nx_udp_enable`` installs ``_nx_udp_packet_receive`` as the IP instance's protocol-17
handler. A socket is created on one IP instance (its type of service, time to live,
fragmentation choice and receive-queue limit are kept for every datagram) and bound to
one port: the bound sockets of an instance hang on 32 circular lists hashed by
``(port + (port >> 8)) & 31``, as in C. A bind to a port another socket holds waits
(FIFO, on the owner) until the owner unbinds — the port then passes to the first
waiter — or its wait ends with NX_PORT_UNAVAILABLE.

Send runs in the caller's thread: route (a ``nx_udp_socket_source_send`` fixes the
interface first), prepend the 8-byte header, compute the checksum over the pseudo-header
and the chain (a result of 0 is sent as 0xFFFF; a socket with its checksum disabled
sends 0, and so does one whose interface offloads it: NX_ENABLE_INTERFACE_CAPABILITY with
NX_INTERFACE_CAPABILITY_UDP_TX_CHECKSUM; _UDP_RX_ skips the check on receive), then
``_nx_ip_packet_send`` under the IP mutex. The packet belongs to the
stack from then on.

Receive runs in the IP thread. A datagram shorter than its header, or than its own
length field, is dropped as invalid; one for a port nobody holds is dropped and, as
NetX does by default, answered with an ICMP port unreachable (when ICMP is enabled).
Otherwise it goes straight to the first thread waiting in ``nx_udp_socket_receive``
or onto the socket's queue; past ``queue_maximum`` the *oldest* queued datagram is
dropped. Then the receive notify callback, if any, runs (IP thread context). The
checksum is verified by ``nx_udp_socket_receive`` (not on arrival): a bad one is
counted, released, and the service takes the next datagram (or waits again).

Deviations (safe choices): IPv6 destinations (``nxd_*`` with version 6) return
NX_NOT_SUPPORTED; the C checking layer clears the caller's packet pointer after a
successful send, which Python cannot do (drop the reference yourself). Waiting
threads are kept in Python lists; when a port passes to a bind waiter the remaining
waiters move with it, and the suspended counts are the lists' lengths (C does not
carry the count over).
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.tx.constants import TX_TCP_IP, TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.boundary import c_service, control_block, memset_control_block
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put
from netxsim.tx.sizeof import register_size

from . import ip as _ip
from . import trace as _nxt
from ..tx import trace as _trace
from .config import (nx_init_and_threads_caller_error, nx_not_isr_caller_error, nx_service,
                     nx_threads_only_caller_error)
from .constants import (
    NX_ALREADY_BOUND, NX_ALREADY_ENABLED, NX_ANY_PORT, NX_CALLER_ERROR, NX_FALSE, NX_INVALID_INTERFACE,
    NX_INVALID_PACKET, NX_INVALID_PORT, NX_IP_ADDRESS_ERROR, NX_IP_VERSION_V4, NX_IP_VERSION_V6,
    NX_NO_FREE_PORTS, NX_NO_PACKET, NX_NOT_BOUND, NX_NOT_ENABLED, NX_NOT_SUCCESSFUL, NX_NOT_SUPPORTED,
    NX_OPTION_ERROR, NX_OVERFLOW, NX_PACKET_ALLOCATED, NX_PORT_UNAVAILABLE, NX_PTR_ERROR,
    NX_SEARCH_PORT_START, NX_SOCKET_UNBOUND, NX_STILL_BOUND, NX_SUCCESS, NX_TRUE, NX_UNDERFLOW,
)
from .packet import NX_PACKET, _nx_packet_release
from .route import route_find
from .tcp import NX_RAND, NXD_ADDRESS
from .wire import internet_checksum, ipv4_pseudo_header_sum

NX_UDP_ID = 0x55445020
SIZEOF_NX_UDP_SOCKET = 120     # the 32-bit layout of nx_api.h (no VLAN, no offload)
register_size("NX_UDP_SOCKET", SIZEOF_NX_UDP_SOCKET)
NX_UDP_PORT_TABLE_SIZE = 32
NX_UDP_PORT_TABLE_MASK = NX_UDP_PORT_TABLE_SIZE - 1
NX_MAX_PORT = 0xFFFF
NX_IP_TIME_TO_LIVE_MASK = 0xFF000000
NX_ICMP_PORT_UNREACH_CODE = 3
_UDP_HEADER = 8
_IPV4_HEADER = 20
_PROTOCOL_UDP = 17


@control_block
class NX_UDP_SOCKET:
    """``NX_UDP_SOCKET`` control block (C field names). The suspension lists are Python
    lists of waiting threads (head first); their counts are the lists' lengths."""

    def __init__(self) -> None:
        self.nx_udp_socket_id = 0
        self.nx_udp_socket_name = ""
        self.nx_udp_socket_port = 0
        self.nx_udp_socket_ip_ptr: Any = None
        self.nx_udp_socket_packets_sent = 0
        self.nx_udp_socket_bytes_sent = 0
        self.nx_udp_socket_packets_received = 0
        self.nx_udp_socket_bytes_received = 0
        self.nx_udp_socket_invalid_packets = 0
        self.nx_udp_socket_packets_dropped = 0
        self.nx_udp_socket_checksum_errors = 0
        self.nx_udp_socket_type_of_service = 0
        self.nx_udp_socket_time_to_live = 0
        self.nx_udp_socket_fragment_enable = 0
        self.nx_udp_socket_disable_checksum = NX_FALSE
        self.nx_udp_socket_receive_count = 0
        self.nx_udp_socket_queue_maximum = 0
        self.nx_udp_socket_receive_head: NX_PACKET | None = None
        self.nx_udp_socket_receive_tail: NX_PACKET | None = None
        self.nx_udp_socket_bound_next: NX_UDP_SOCKET | None = None
        self.nx_udp_socket_bound_previous: NX_UDP_SOCKET | None = None
        self.nx_udp_socket_bind_in_progress: Any = None
        self.nx_udp_socket_receive_suspension_list: list = []
        self.nx_udp_socket_bind_suspension_list: list = []
        self.nx_udp_receive_callback: Callable[[NX_UDP_SOCKET], None] | None = None
        self.nx_udp_socket_reserved_ptr: Any = None

    @property
    def nx_udp_socket_receive_suspended_count(self) -> int:
        return len(self.nx_udp_socket_receive_suspension_list)

    @property
    def nx_udp_socket_bind_suspended_count(self) -> int:
        return len(self.nx_udp_socket_bind_suspension_list)

    def __repr__(self) -> str:
        return f"<NX_UDP_SOCKET {self.nx_udp_socket_name!r} port {self.nx_udp_socket_port}>"


class _ReceiveWait:
    """What a thread waiting in nx_udp_socket_receive is handed: the datagram."""

    __slots__ = ("socket", "packet")

    def __init__(self, socket: NX_UDP_SOCKET) -> None:
        self.socket = socket
        self.packet: NX_PACKET | None = None


# ============================================================================ helpers
def _udp_fields(ip: Any) -> None:
    """The UDP fields nx_ip_create zeroes, once per creation of the instance."""
    incarnation = ip.nx_ip_protection
    if getattr(ip, "_nx_udp_incarnation", None) is incarnation:
        return
    ip._nx_udp_incarnation = incarnation
    ip.nx_ip_udp_packet_receive = None
    ip.nx_ip_udp_port_table = [None] * NX_UDP_PORT_TABLE_SIZE
    ip.nx_ip_udp_created_sockets = []
    ip._nx_udp_created_set = set()   # membership of the list above, in O(1)
    ip._nx_udp_bound_ports = {}      # port -> the socket holding it (the hashed lists' index)
    for name in ("packets_sent", "bytes_sent", "packets_received", "bytes_received", "invalid_packets",
                 "receive_packets_dropped", "checksum_errors", "no_port_for_delivery"):
        setattr(ip, f"nx_ip_udp_{name}", 0)


def _udp_enabled(ip: Any) -> bool:
    _udp_fields(ip)
    return ip.nx_ip_udp_packet_receive is not None


def _valid_socket(socket: object) -> bool:
    return isinstance(socket, NX_UDP_SOCKET) and socket.nx_udp_socket_id == NX_UDP_ID


def _index(port: int) -> int:
    return (port + (port >> 8)) & NX_UDP_PORT_TABLE_MASK


def _find_bound(ip: Any, port: int) -> NX_UDP_SOCKET | None:
    """The socket holding ``port`` on ``ip``, or None (what the walk of the port's hashed
    list finds, looked up in an index kept alongside the lists)."""
    return ip._nx_udp_bound_ports.get(port)


def _link_bound(ip: Any, socket: NX_UDP_SOCKET) -> None:
    """Put ``socket`` at the end of its port's hashed list."""
    index = _index(socket.nx_udp_socket_port)
    ip._nx_udp_bound_ports[socket.nx_udp_socket_port] = socket
    head = ip.nx_ip_udp_port_table[index]
    if head is None:
        socket.nx_udp_socket_bound_next = socket.nx_udp_socket_bound_previous = socket
        ip.nx_ip_udp_port_table[index] = socket
    else:
        tail = head.nx_udp_socket_bound_previous
        socket.nx_udp_socket_bound_next = head
        socket.nx_udp_socket_bound_previous = tail
        tail.nx_udp_socket_bound_next = socket
        head.nx_udp_socket_bound_previous = socket


def _unlink_bound(ip: Any, socket: NX_UDP_SOCKET) -> None:
    index = _index(socket.nx_udp_socket_port)
    ip._nx_udp_bound_ports.pop(socket.nx_udp_socket_port, None)
    if socket.nx_udp_socket_bound_next is socket:
        ip.nx_ip_udp_port_table[index] = None
    else:
        socket.nx_udp_socket_bound_next.nx_udp_socket_bound_previous = socket.nx_udp_socket_bound_previous
        socket.nx_udp_socket_bound_previous.nx_udp_socket_bound_next = socket.nx_udp_socket_bound_next
        if ip.nx_ip_udp_port_table[index] is socket:
            ip.nx_ip_udp_port_table[index] = socket.nx_udp_socket_bound_next
    socket.nx_udp_socket_bound_next = None


def udp_checksum(packet: NX_PACKET, length: int, source: int, destination: int) -> int:
    """``_nx_ip_checksum_compute`` for UDP: the folded one's-complement sum (not yet
    inverted) of the pseudo-header and ``length`` bytes of the chain."""
    data = packet.chain_bytes()[:length]
    total = internet_checksum(data, ipv4_pseudo_header_sum(source, destination, _PROTOCOL_UDP, length))
    return ~total & 0xFFFF


def _ip_header(packet: NX_PACKET) -> bytes:
    header = packet.nx_packet_ip_header
    assert header is not None
    return header.read(_IPV4_HEADER)


# ============================================================================ enable
def _nx_udp_enable(ip_ptr: Any) -> int:
    """``nx_udp_enable`` (nx_udp_enable.c): install the UDP receive handler.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_ALREADY_ENABLED,
    NX_CALLER_ERROR (from an ISR).
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_ENABLE, ip_ptr, 0, 0, 0, _nxt.NX_TRACE_UDP_EVENTS)
    _udp_fields(ip_ptr)
    ip_ptr.nx_ip_udp_packet_receive = _nx_udp_packet_receive
    ip_ptr.nx_ip_udp_enabled = 1
    return NX_SUCCESS


def _nxe_udp_enable(ip_ptr: Any) -> int:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if _udp_enabled(ip_ptr):
        return NX_ALREADY_ENABLED
    if nx_not_isr_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_udp_enable(ip_ptr)


nx_udp_enable = c_service(
    "UINT nx_udp_enable(NX_IP *ip_ptr)",
    nx_service(_nxe_udp_enable, _nx_udp_enable))


# ====================================================================== create/delete
def _nx_udp_socket_create(ip_ptr: Any, socket_ptr: NX_UDP_SOCKET, name: str, type_of_service: int,
                          fragment: int, time_to_live: int, queue_maximum: int) -> int:
    """``nx_udp_socket_create`` (nx_udp_socket_create.c): zero and initialise the socket
    (checksum on, no callback) and add it to the instance's created list.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (bad IP or socket, socket
    already created), NX_NOT_ENABLED, NX_OPTION_ERROR (type of service outside
    NX_IP_TOS_MASK, fragment neither NX_FRAGMENT_OKAY nor NX_DONT_FRAGMENT, time to live
    above 0xFF000000), NX_CALLER_ERROR.
    """
    _udp_fields(ip_ptr)
    memset_control_block(socket_ptr)
    socket_ptr.nx_udp_socket_ip_ptr = ip_ptr
    socket_ptr.nx_udp_socket_name = name
    socket_ptr.nx_udp_socket_type_of_service = type_of_service
    socket_ptr.nx_udp_socket_fragment_enable = fragment & _ip.NX_DONT_FRAGMENT
    socket_ptr.nx_udp_socket_time_to_live = time_to_live
    socket_ptr.nx_udp_socket_queue_maximum = queue_maximum
    tb = _trace.active
    if tb is not None:
        # The C records the create in the IP class (NX_TRACE_IP_EVENTS), not the UDP one.
        tb.register(_nxt.NX_TRACE_OBJECT_TYPE_UDP_SOCKET, socket_ptr,
                    name if isinstance(name, str) else bytes(name or b"").decode(), type_of_service, queue_maximum)
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_CREATE, ip_ptr, socket_ptr, type_of_service, queue_maximum,
                  _nxt.NX_TRACE_IP_EVENTS)
    _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    socket_ptr.nx_udp_socket_id = NX_UDP_ID
    socket_ptr._netxsim_run = kernel().serial
    ip_ptr.nx_ip_udp_created_sockets.append(socket_ptr)
    ip_ptr._nx_udp_created_set.add(socket_ptr)
    _tx_mutex_put(ip_ptr.nx_ip_protection)
    return NX_SUCCESS


def _nxe_udp_socket_create(ip_ptr: Any, socket_ptr: NX_UDP_SOCKET, name: str, type_of_service: int,
                           fragment: int, time_to_live: int, queue_maximum: int) -> int:
    if not _ip._valid_ip(ip_ptr) or not isinstance(socket_ptr, NX_UDP_SOCKET):
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    _udp_fields(ip_ptr)
    if socket_ptr in ip_ptr._nx_udp_created_set:
        return NX_PTR_ERROR
    if ip_ptr.nx_ip_udp_packet_receive is None:
        return NX_NOT_ENABLED
    if type_of_service & ~_ip.NX_IP_TOS_MASK or fragment not in (_ip.NX_FRAGMENT_OKAY, _ip.NX_DONT_FRAGMENT) \
            or time_to_live > NX_IP_TIME_TO_LIVE_MASK:
        return NX_OPTION_ERROR
    return _nx_udp_socket_create(ip_ptr, socket_ptr, name, type_of_service, fragment, time_to_live,
                                 queue_maximum)


nx_udp_socket_create = c_service(
    "UINT nx_udp_socket_create(NX_IP *ip_ptr, NX_UDP_SOCKET *socket_ptr, CHAR *name, ULONG type_of_service, ULONG fragment, UINT time_to_live, ULONG queue_maximum)",
    nx_service(_nxe_udp_socket_create, _nx_udp_socket_create))


def _nx_udp_socket_delete(socket_ptr: NX_UDP_SOCKET) -> int:
    """``nx_udp_socket_delete`` (nx_udp_socket_delete.c): NX_STILL_BOUND while bound.

    Statuses: NX_SUCCESS, NX_STILL_BOUND; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    ip = socket_ptr.nx_udp_socket_ip_ptr
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_DELETE, ip, socket_ptr, 0, 0, _nxt.NX_TRACE_UDP_EVENTS)
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    if socket_ptr.nx_udp_socket_bound_next is not None:
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_STILL_BOUND
    socket_ptr.nx_udp_socket_id = 0
    ip.nx_ip_udp_created_sockets.remove(socket_ptr)
    ip._nx_udp_created_set.discard(socket_ptr)
    tb = _trace.active
    if tb is not None:
        tb.unregister(socket_ptr)
    _tx_mutex_put(ip.nx_ip_protection)
    kernel().preempt_check()
    return NX_SUCCESS


def _socket_checks(socket_ptr: Any, caller: Callable[[Any], bool] | None = nx_threads_only_caller_error) -> int:
    """The front-end checks most UDP socket services share."""
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _udp_enabled(socket_ptr.nx_udp_socket_ip_ptr):
        return NX_NOT_ENABLED
    if caller is not None and caller(kernel()):
        return NX_CALLER_ERROR
    return NX_SUCCESS


def _nxe_udp_socket_delete(socket_ptr: NX_UDP_SOCKET) -> int:
    return _socket_checks(socket_ptr) or _nx_udp_socket_delete(socket_ptr)


nx_udp_socket_delete = c_service(
    "UINT nx_udp_socket_delete(NX_UDP_SOCKET *socket_ptr)",
    nx_service(_nxe_udp_socket_delete, _nx_udp_socket_delete))


# ======================================================================= bind/unbind
def _nx_udp_free_port_find(ip_ptr: Any, port: int) -> tuple[int, int | None]:
    """``nx_udp_free_port_find`` (nx_udp_free_port_find.c): (status, free_port), the
    first port from ``port`` upwards no UDP socket holds, wrapping to
    NX_SEARCH_PORT_START after 0xFFFF (no wrap when the search began at or below it).

    Statuses: NX_SUCCESS, NX_NO_FREE_PORTS; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_INVALID_PORT (0 or above 0xFFFF), NX_CALLER_ERROR.
    """
    _udp_fields(ip_ptr)
    tb = _trace.active
    token = tb.insert(_nxt.NX_TRACE_UDP_FREE_PORT_FIND, ip_ptr, port, 0, 0, _nxt.NX_TRACE_UDP_EVENTS) \
        if tb is not None else 0
    starting_port = port
    while True:
        _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
        bound = _find_bound(ip_ptr, port) is not None
        _tx_mutex_put(ip_ptr.nx_ip_protection)
        if not bound:
            if token and tb is not None:
                tb.update(token, 3, port)   # NX_TRACE_EVENT_UPDATE: the port found
            return NX_SUCCESS, port
        port += 1
        if port > NX_MAX_PORT:
            if starting_port <= NX_SEARCH_PORT_START:
                break
            port = NX_SEARCH_PORT_START
        if port == starting_port:
            break
    return NX_NO_FREE_PORTS, None


def _nxe_udp_free_port_find(ip_ptr: Any, port: int) -> tuple[int, int | None]:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR, None
    if not _udp_enabled(ip_ptr):
        return NX_NOT_ENABLED, None
    if not port or port > NX_MAX_PORT:
        return NX_INVALID_PORT, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_udp_free_port_find(ip_ptr, port)


nx_udp_free_port_find = c_service(
    "UINT nx_udp_free_port_find(NX_IP *ip_ptr, UINT port)",
    nx_service(_nxe_udp_free_port_find, _nx_udp_free_port_find))


def _bind_cleanup(thread: Any) -> None:
    """``_nx_udp_bind_cleanup`` side effects once the kernel took the thread off the
    owner's list (timeout → NX_PORT_UNAVAILABLE, abort, terminate)."""
    socket = thread.suspend_info
    if isinstance(socket, NX_UDP_SOCKET):
        socket.nx_udp_socket_bind_in_progress = None


def _nx_udp_socket_bind(socket_ptr: NX_UDP_SOCKET, port: int, wait_option: int) -> int:
    """``nx_udp_socket_bind`` (nx_udp_socket_bind.c): bind to ``port``; NX_ANY_PORT picks
    the first free port from 0xC000 + NX_RAND() % 16384. A port another socket holds is
    waited for (FIFO on the owner, state TX_TCP_IP) up to ``wait_option`` ticks.

    Statuses: NX_SUCCESS, NX_ALREADY_BOUND (bound or a bind pending), NX_NO_FREE_PORTS,
    NX_PORT_UNAVAILABLE (held, and no wait or the wait timed out), NX_WAIT_ABORTED; from
    the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_INVALID_PORT, NX_CALLER_ERROR.
    """
    ip = socket_ptr.nx_udp_socket_ip_ptr
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_BIND, ip, socket_ptr, port, wait_option, _nxt.NX_TRACE_UDP_EVENTS)
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    if socket_ptr.nx_udp_socket_bound_next is not None or socket_ptr.nx_udp_socket_bind_in_progress is not None:
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_ALREADY_BOUND
    if port == NX_ANY_PORT:
        port = NX_SEARCH_PORT_START + NX_RAND() % (NX_MAX_PORT + 1 - NX_SEARCH_PORT_START)
        status, port = _nx_udp_free_port_find(ip, port)
        if status != NX_SUCCESS:
            _tx_mutex_put(ip.nx_ip_protection)
            return NX_NO_FREE_PORTS
    socket_ptr.nx_udp_socket_port = port
    owner = _find_bound(ip, port)
    if owner is None:
        _link_bound(ip, socket_ptr)
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_SUCCESS
    if not wait_option:
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_PORT_UNAVAILABLE
    k = kernel()
    socket_ptr.nx_udp_socket_bound_previous = owner
    socket_ptr.nx_udp_socket_bind_in_progress = k.current_ptr
    k.preempt_disable += 1
    _tx_mutex_put(ip.nx_ip_protection)
    k.preempt_disable -= 1
    return k.suspend_current(TX_TCP_IP, wait_option, owner.nx_udp_socket_bind_suspension_list,
                             NX_PORT_UNAVAILABLE, socket_ptr, info=socket_ptr, cleanup=_bind_cleanup)


def _nxe_udp_socket_bind(socket_ptr: NX_UDP_SOCKET, port: int, wait_option: int) -> int:
    status = _socket_checks(socket_ptr, None)
    if status:
        return status
    if port > NX_MAX_PORT:
        return NX_INVALID_PORT
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_udp_socket_bind(socket_ptr, port, wait_option)


nx_udp_socket_bind = c_service(
    "UINT nx_udp_socket_bind(NX_UDP_SOCKET *socket_ptr, UINT port, ULONG wait_option)",
    nx_service(_nxe_udp_socket_bind, _nx_udp_socket_bind))


def _nx_udp_socket_unbind(socket_ptr: NX_UDP_SOCKET) -> int:
    """``nx_udp_socket_unbind`` (nx_udp_socket_unbind.c): release the port. Queued
    datagrams are released; threads waiting to receive resume with NX_SOCKET_UNBOUND;
    the first thread waiting to bind the port gets it (NX_SUCCESS) and inherits the
    other bind waiters. A socket whose own bind is pending has that bind cancelled
    (its thread resumes with NX_PORT_UNAVAILABLE) and NX_SUCCESS is returned.

    Statuses: NX_SUCCESS, NX_NOT_BOUND; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    ip = socket_ptr.nx_udp_socket_ip_ptr
    k = kernel()
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_UNBIND, ip, socket_ptr, socket_ptr.nx_udp_socket_port, 0,
                  _nxt.NX_TRACE_UDP_EVENTS)
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    if socket_ptr.nx_udp_socket_bound_next is None:
        waiter = socket_ptr.nx_udp_socket_bind_in_progress
        if waiter is not None:
            k.end_wait(waiter, NX_PORT_UNAVAILABLE)
            _tx_mutex_put(ip.nx_ip_protection)
            return NX_SUCCESS
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_NOT_BOUND
    _unlink_bound(ip, socket_ptr)
    if socket_ptr.nx_udp_socket_receive_count:
        packet = socket_ptr.nx_udp_socket_receive_head
        socket_ptr.nx_udp_socket_receive_head = socket_ptr.nx_udp_socket_receive_tail = None
        while socket_ptr.nx_udp_socket_receive_count:
            following = packet.nx_packet_queue_next
            _nx_packet_release(packet)
            packet = following
            socket_ptr.nx_udp_socket_receive_count -= 1
    else:
        receivers = socket_ptr.nx_udp_socket_receive_suspension_list
        while receivers:  # each may preempt at once, as in C
            k.wake(receivers.pop(0), NX_SOCKET_UNBOUND)
    binders = socket_ptr.nx_udp_socket_bind_suspension_list
    if not binders:
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_SUCCESS
    thread = binders.pop(0)
    new_socket: NX_UDP_SOCKET = thread.suspend_info
    new_socket.nx_udp_socket_bind_in_progress = None
    new_socket.nx_udp_socket_bind_suspension_list = binders
    socket_ptr.nx_udp_socket_bind_suspension_list = []
    for waiter in binders:  # the remaining waiters now wait on the new owner
        waiter.wait_list = binders
    _link_bound(ip, new_socket)
    k.preempt_disable += 1
    _tx_mutex_put(ip.nx_ip_protection)
    k.preempt_disable -= 1
    k.wake(thread, NX_SUCCESS)
    k.preempt_check()
    return NX_SUCCESS


def _nxe_udp_socket_unbind(socket_ptr: NX_UDP_SOCKET) -> int:
    return _socket_checks(socket_ptr) or _nx_udp_socket_unbind(socket_ptr)


nx_udp_socket_unbind = c_service(
    "UINT nx_udp_socket_unbind(NX_UDP_SOCKET *socket_ptr)",
    nx_service(_nxe_udp_socket_unbind, _nx_udp_socket_unbind))


def _nx_udp_socket_port_get(socket_ptr: NX_UDP_SOCKET) -> tuple[int, int | None]:
    """``nx_udp_socket_port_get``: (status, port).

    Statuses: NX_SUCCESS, NX_NOT_BOUND; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_PORT_GET, socket_ptr.nx_udp_socket_ip_ptr, socket_ptr,
                  socket_ptr.nx_udp_socket_port, 0, _nxt.NX_TRACE_UDP_EVENTS)
    if socket_ptr.nx_udp_socket_bound_next is None:
        return NX_NOT_BOUND, None
    return NX_SUCCESS, socket_ptr.nx_udp_socket_port


def _nxe_udp_socket_port_get(socket_ptr: NX_UDP_SOCKET) -> tuple[int, int | None]:
    status = _socket_checks(socket_ptr)
    return (status, None) if status else _nx_udp_socket_port_get(socket_ptr)


nx_udp_socket_port_get = c_service(
    "UINT nx_udp_socket_port_get(NX_UDP_SOCKET *socket_ptr)",
    nx_service(_nxe_udp_socket_port_get, _nx_udp_socket_port_get))


# ====================================================================== checksum/notify
def _checksum_set(socket_ptr: NX_UDP_SOCKET, event: int, disable: int) -> int:
    """The body both checksum services share: trace, bound check, the flag."""
    tb = _trace.active
    if tb is not None:
        tb.insert(event, socket_ptr.nx_udp_socket_ip_ptr, socket_ptr, 0, 0, _nxt.NX_TRACE_UDP_EVENTS)
    if socket_ptr.nx_udp_socket_bound_next is None:
        return NX_NOT_BOUND
    socket_ptr.nx_udp_socket_disable_checksum = disable
    return NX_SUCCESS


def _nx_udp_socket_checksum_disable(socket_ptr: NX_UDP_SOCKET) -> int:
    """``nx_udp_socket_checksum_disable``: send a zero checksum and skip the check on
    receive. Statuses: NX_SUCCESS, NX_NOT_BOUND; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR (from an ISR)."""
    return _checksum_set(socket_ptr, _nxt.NX_TRACE_UDP_SOCKET_CHECKSUM_DISABLE, NX_TRUE)


def _nxe_udp_socket_checksum_disable(socket_ptr: NX_UDP_SOCKET) -> int:
    return _socket_checks(socket_ptr, nx_not_isr_caller_error) or _nx_udp_socket_checksum_disable(socket_ptr)


nx_udp_socket_checksum_disable = c_service(
    "UINT nx_udp_socket_checksum_disable(NX_UDP_SOCKET *socket_ptr)",
    nx_service(_nxe_udp_socket_checksum_disable, _nx_udp_socket_checksum_disable))


def _nx_udp_socket_checksum_enable(socket_ptr: NX_UDP_SOCKET) -> int:
    """``nx_udp_socket_checksum_enable``: compute and verify checksums again (the
    default). Statuses: NX_SUCCESS, NX_NOT_BOUND; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR (from an ISR)."""
    return _checksum_set(socket_ptr, _nxt.NX_TRACE_UDP_SOCKET_CHECKSUM_ENABLE, NX_FALSE)


def _nxe_udp_socket_checksum_enable(socket_ptr: NX_UDP_SOCKET) -> int:
    return _socket_checks(socket_ptr, nx_not_isr_caller_error) or _nx_udp_socket_checksum_enable(socket_ptr)


nx_udp_socket_checksum_enable = c_service(
    "UINT nx_udp_socket_checksum_enable(NX_UDP_SOCKET *socket_ptr)",
    nx_service(_nxe_udp_socket_checksum_enable, _nx_udp_socket_checksum_enable))


def _nx_udp_socket_receive_notify(socket_ptr: NX_UDP_SOCKET,
                                  udp_receive_notify: Callable[[NX_UDP_SOCKET], None] | None) -> int:
    """``nx_udp_socket_receive_notify``: call ``udp_receive_notify(socket)`` from the IP
    thread after each datagram is queued or handed to a waiter (None removes it).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR.
    """
    socket_ptr.nx_udp_receive_callback = udp_receive_notify
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_RECEIVE_NOTIFY, socket_ptr.nx_udp_socket_ip_ptr, socket_ptr,
                  udp_receive_notify, 0, _nxt.NX_TRACE_UDP_EVENTS)
    return NX_SUCCESS


def _nxe_udp_socket_receive_notify(socket_ptr: NX_UDP_SOCKET,
                                   udp_receive_notify: Callable[[NX_UDP_SOCKET], None] | None) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    return _nx_udp_socket_receive_notify(socket_ptr, udp_receive_notify)


nx_udp_socket_receive_notify = c_service(
    "UINT nx_udp_socket_receive_notify(NX_UDP_SOCKET *socket_ptr, VOID (*udp_receive_notify)(NX_UDP_SOCKET *socket_ptr))",
    nx_service(_nxe_udp_socket_receive_notify, _nx_udp_socket_receive_notify))


# ============================================================================== send
def _nxd_udp_socket_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: NXD_ADDRESS,
                         port: int) -> int:
    """``nxd_udp_socket_send`` (nxd_udp_socket_send.c): send the packet's data as one
    datagram to ``ip_address`` (an NXD_ADDRESS) and ``port`` (module docstring).

    Statuses: NX_SUCCESS, NX_NOT_BOUND, NX_IP_ADDRESS_ERROR (no route); from the checking
    layer NX_PTR_ERROR (bad socket, address or packet; a packet not owned by the caller),
    NX_NOT_ENABLED, NX_IP_ADDRESS_ERROR (version neither 4 nor 6, address 0),
    NX_NOT_SUPPORTED (IPv6, not modelled), NX_INVALID_PORT, NX_UNDERFLOW (less than 28
    bytes of headroom), NX_OVERFLOW, NX_CALLER_ERROR. The last two count an invalid packet.
    """
    if socket_ptr.nx_udp_socket_bound_next is None:
        return NX_NOT_BOUND
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_UDP_SOCKET_SEND, socket_ptr, packet_ptr, packet_ptr.nx_packet_length,
                  ip_address.nxd_ip_address.v4 if ip_address.nxd_ip_version == NX_IP_VERSION_V4 else 0,
                  _nxt.NX_TRACE_UDP_EVENTS)
    if ip_address.nxd_ip_version != NX_IP_VERSION_V4:
        return NX_NOT_SUPPORTED
    ip = socket_ptr.nx_udp_socket_ip_ptr
    destination = ip_address.nxd_ip_address.v4
    status, interface, next_hop = route_find(ip, destination, packet_ptr.nx_packet_interface_ptr)
    packet_ptr.nx_packet_interface_ptr = interface
    if interface is None:
        return NX_IP_ADDRESS_ERROR
    packet_ptr._prepend -= _UDP_HEADER
    packet_ptr.nx_packet_ip_version = NX_IP_VERSION_V4
    ip.nx_ip_udp_packets_sent += 1
    ip.nx_ip_udp_bytes_sent += packet_ptr.nx_packet_length
    socket_ptr.nx_udp_socket_packets_sent += 1
    socket_ptr.nx_udp_socket_bytes_sent += packet_ptr.nx_packet_length
    packet_ptr.nx_packet_length += _UDP_HEADER
    length = packet_ptr.nx_packet_length
    header = packet_ptr.nx_packet_prepend_ptr
    header.write(socket_ptr.nx_udp_socket_port.to_bytes(2, "big") + (port & 0xFFFF).to_bytes(2, "big")
                 + (length & 0xFFFF).to_bytes(2, "big") + b"\0\0")
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_UDP_SEND, ip, socket_ptr, packet_ptr,
                  socket_ptr.nx_udp_socket_port << 16 | (port & 0xFFFF), _nxt.NX_TRACE_INTERNAL_EVENTS)
    if not socket_ptr.nx_udp_socket_disable_checksum and not (
            interface.nx_interface_capability_flag
            and _ip.tx_checksum_offloaded(interface, _ip.NX_INTERFACE_CAPABILITY_UDP_TX_CHECKSUM, destination)):
        checksum = ~udp_checksum(packet_ptr, length, interface.nx_interface_ip_address, destination) & 0xFFFF
        (header + 6).write((checksum or 0xFFFF).to_bytes(2, "big"))
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    _ip._nx_ip_packet_send(ip, packet_ptr, destination, socket_ptr.nx_udp_socket_type_of_service,
                           socket_ptr.nx_udp_socket_time_to_live, _ip.NX_IP_UDP,
                           socket_ptr.nx_udp_socket_fragment_enable, next_hop)
    _tx_mutex_put(ip.nx_ip_protection)
    return NX_SUCCESS


def _send_checks(socket_ptr: Any, packet_ptr: Any) -> int:
    if not _valid_socket(socket_ptr) or not isinstance(packet_ptr, NX_PACKET) \
            or packet_ptr.nx_packet_tcp_queue_next != NX_PACKET_ALLOCATED:
        return NX_PTR_ERROR
    if not _udp_enabled(socket_ptr.nx_udp_socket_ip_ptr):
        return NX_NOT_ENABLED
    return NX_SUCCESS


def _packet_bounds(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET) -> int:
    if packet_ptr._prepend - packet_ptr._start < _IPV4_HEADER + _UDP_HEADER:
        status = NX_UNDERFLOW
    elif packet_ptr._append > packet_ptr._end:
        status = NX_OVERFLOW
    else:
        return NX_SUCCESS
    socket_ptr.nx_udp_socket_ip_ptr.nx_ip_udp_invalid_packets += 1
    socket_ptr.nx_udp_socket_invalid_packets += 1
    return status


def _nxde_udp_socket_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: NXD_ADDRESS,
                          port: int) -> int:
    if not _valid_socket(socket_ptr) or ip_address is None:
        return NX_PTR_ERROR
    status = _send_checks(socket_ptr, packet_ptr)
    if status:
        return status
    if ip_address.nxd_ip_version not in (NX_IP_VERSION_V4, NX_IP_VERSION_V6):
        return NX_IP_ADDRESS_ERROR
    if ip_address.nxd_ip_version == NX_IP_VERSION_V6:
        return NX_NOT_SUPPORTED
    if ip_address.nxd_ip_address.v4 == 0:
        return NX_IP_ADDRESS_ERROR
    if port > NX_MAX_PORT:
        return NX_INVALID_PORT
    status = _packet_bounds(socket_ptr, packet_ptr)
    if status:
        return status
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nxd_udp_socket_send(socket_ptr, packet_ptr, ip_address, port)


nxd_udp_socket_send = c_service(
    "UINT nxd_udp_socket_send(NX_UDP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, NXD_ADDRESS *ip_address, UINT port)",
    nx_service(_nxde_udp_socket_send, _nxd_udp_socket_send, name="nxd_udp_socket_send"))


def _nx_udp_socket_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: int, port: int) -> int:
    """``nx_udp_socket_send`` (nx_udp_socket_send.c): ``nxd_udp_socket_send`` to the IPv4
    address ``ip_address``.

    Statuses: NX_SUCCESS, NX_NOT_BOUND, NX_IP_ADDRESS_ERROR; from the checking layer
    NX_PTR_ERROR, NX_NOT_ENABLED, NX_IP_ADDRESS_ERROR (address 0), NX_INVALID_PORT,
    NX_UNDERFLOW, NX_OVERFLOW, NX_CALLER_ERROR.
    """
    return _nxd_udp_socket_send(socket_ptr, packet_ptr, NXD_ADDRESS(NX_IP_VERSION_V4, ip_address), port)


def _nxe_udp_socket_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: int, port: int) -> int:
    status = _send_checks(socket_ptr, packet_ptr)
    if status:
        return status
    if not ip_address:
        return NX_IP_ADDRESS_ERROR
    if port > NX_MAX_PORT:
        return NX_INVALID_PORT
    status = _packet_bounds(socket_ptr, packet_ptr)
    if status:
        return status
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_udp_socket_send(socket_ptr, packet_ptr, ip_address, port)


nx_udp_socket_send = c_service(
    "UINT nx_udp_socket_send(NX_UDP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, ULONG ip_address, UINT port)",
    nx_service(_nxe_udp_socket_send, _nx_udp_socket_send))


def _nxd_udp_socket_source_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: NXD_ADDRESS,
                                port: int, address_index: int) -> int:
    """``nxd_udp_socket_source_send``: send from interface ``address_index`` (the route
    must leave through that interface, else NX_IP_ADDRESS_ERROR).

    Statuses: those of ``nxd_udp_socket_send``, and NX_INVALID_INTERFACE from the
    checking layer (index out of range or interface not attached).
    """
    if ip_address.nxd_ip_version == NX_IP_VERSION_V4:
        packet_ptr.nx_packet_interface_ptr = socket_ptr.nx_udp_socket_ip_ptr.nx_ip_interface[address_index]
    return _nxd_udp_socket_send(socket_ptr, packet_ptr, ip_address, port)


def _interface_index_error(ip: Any, address_index: int) -> bool:
    return not 0 <= address_index < len(ip.nx_ip_interface) \
        or not ip.nx_ip_interface[address_index].nx_interface_valid


def _nxde_udp_socket_source_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: NXD_ADDRESS,
                                 port: int, address_index: int) -> int:
    if not _valid_socket(socket_ptr) or ip_address is None:
        return NX_PTR_ERROR
    status = _send_checks(socket_ptr, packet_ptr)
    if status:
        return status
    if ip_address.nxd_ip_version not in (NX_IP_VERSION_V4, NX_IP_VERSION_V6):
        return NX_IP_ADDRESS_ERROR
    if ip_address.nxd_ip_version == NX_IP_VERSION_V6:
        return NX_NOT_SUPPORTED
    if ip_address.nxd_ip_address.v4 == 0:
        return NX_IP_ADDRESS_ERROR
    if port > NX_MAX_PORT:
        return NX_INVALID_PORT
    if _interface_index_error(socket_ptr.nx_udp_socket_ip_ptr, address_index):
        return NX_INVALID_INTERFACE
    status = _packet_bounds(socket_ptr, packet_ptr)
    if status:
        return status
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nxd_udp_socket_source_send(socket_ptr, packet_ptr, ip_address, port, address_index)


nxd_udp_socket_source_send = c_service(
    "UINT nxd_udp_socket_source_send(NX_UDP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, NXD_ADDRESS *ip_address, UINT port, UINT address_index)",
    nx_service(_nxde_udp_socket_source_send, _nxd_udp_socket_source_send, name="nxd_udp_socket_source_send"))


def _nx_udp_socket_source_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: int, port: int,
                               address_index: int) -> int:
    """``nx_udp_socket_source_send`` (nx_udp_socket_source_send.c): ``nx_udp_socket_send``
    from interface ``address_index``.

    Statuses: those of ``nx_udp_socket_send``, and NX_INVALID_INTERFACE from the
    checking layer.
    """
    packet_ptr.nx_packet_interface_ptr = socket_ptr.nx_udp_socket_ip_ptr.nx_ip_interface[address_index]
    return _nx_udp_socket_send(socket_ptr, packet_ptr, ip_address, port)


def _nxe_udp_socket_source_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: int, port: int,
                                address_index: int) -> int:
    if not _valid_socket(socket_ptr) or not isinstance(packet_ptr, NX_PACKET) \
            or packet_ptr.nx_packet_tcp_queue_next != NX_PACKET_ALLOCATED:
        return NX_PTR_ERROR
    if not ip_address:
        return NX_IP_ADDRESS_ERROR
    if port > NX_MAX_PORT:
        return NX_INVALID_PORT
    ip = socket_ptr.nx_udp_socket_ip_ptr
    if not _udp_enabled(ip):
        return NX_NOT_ENABLED
    if not _ip._valid_ip(ip):
        return NX_PTR_ERROR
    if _interface_index_error(ip, address_index):
        return NX_INVALID_INTERFACE
    status = _packet_bounds(socket_ptr, packet_ptr)
    if status:
        return status
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_udp_socket_source_send(socket_ptr, packet_ptr, ip_address, port, address_index)


nx_udp_socket_source_send = c_service(
    "UINT nx_udp_socket_source_send(NX_UDP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, ULONG ip_address, UINT port, UINT address_index)",
    nx_service(_nxe_udp_socket_source_send, _nx_udp_socket_source_send))


# =========================================================================== receive
def _nx_udp_packet_receive(ip_ptr: Any, packet_ptr: NX_PACKET) -> None:
    """``_nx_udp_packet_receive`` (IP thread): deliver one datagram (module docstring)."""
    ip_ptr.nx_ip_udp_packets_received += 1
    if packet_ptr.nx_packet_length < _UDP_HEADER:
        ip_ptr.nx_ip_udp_invalid_packets += 1
        _nx_packet_release(packet_ptr)
        return
    header = packet_ptr.nx_packet_prepend_ptr.read(_UDP_HEADER)
    if packet_ptr.nx_packet_length < int.from_bytes(header[4:6], "big"):
        ip_ptr.nx_ip_udp_invalid_packets += 1
        _nx_packet_release(packet_ptr)
        return
    port = int.from_bytes(header[2:4], "big")
    k = kernel()
    locked = k.current_ptr is not None and k.system_state == 0
    if locked:
        _tx_mutex_get(ip_ptr.nx_ip_protection, TX_WAIT_FOREVER)
    socket = _find_bound(ip_ptr, port)
    if socket is not None:
        delivered = packet_ptr.nx_packet_length - _UDP_HEADER
        socket.nx_udp_socket_packets_received += 1
        ip_ptr.nx_ip_udp_bytes_received += delivered
        socket.nx_udp_socket_bytes_received += delivered
        tb = _trace.active
        if tb is not None:
            tb.insert(_nxt.NX_TRACE_INTERNAL_UDP_RECEIVE, ip_ptr, socket, packet_ptr,
                      int.from_bytes(header[0:4], "big"), _nxt.NX_TRACE_INTERNAL_EVENTS)
    if locked:
        _tx_mutex_put(ip_ptr.nx_ip_protection)
    if socket is None:
        if packet_ptr.nx_packet_ip_version == NX_IP_VERSION_V4 \
                and getattr(ip_ptr, "nx_ip_icmpv4_packet_process", None) is not None:
            from .icmp_error import _nx_icmpv4_send_error_message
            _nx_icmpv4_send_error_message(ip_ptr, packet_ptr, (3 << 24) | (NX_ICMP_PORT_UNREACH_CODE << 16), 0)
        ip_ptr.nx_ip_udp_no_port_for_delivery += 1
        ip_ptr.nx_ip_udp_receive_packets_dropped += 1
        _nx_packet_release(packet_ptr)
        return
    callback = socket.nx_udp_receive_callback
    waiters = socket.nx_udp_socket_receive_suspension_list
    if waiters:
        thread = waiters.pop(0)
        thread.suspend_info.packet = packet_ptr
        k.wake(thread, NX_SUCCESS)
    else:
        packet_ptr.nx_packet_queue_next = None
        if socket.nx_udp_socket_receive_head is not None:
            socket.nx_udp_socket_receive_tail.nx_packet_queue_next = packet_ptr
            socket.nx_udp_socket_receive_tail = packet_ptr
            socket.nx_udp_socket_receive_count += 1
            if socket.nx_udp_socket_receive_count > socket.nx_udp_socket_queue_maximum:
                oldest = socket.nx_udp_socket_receive_head
                socket.nx_udp_socket_receive_head = oldest.nx_packet_queue_next
                socket.nx_udp_socket_receive_count -= 1
                ip_ptr.nx_ip_udp_receive_packets_dropped += 1
                socket.nx_udp_socket_packets_dropped += 1
                _nx_packet_release(oldest)
        else:
            socket.nx_udp_socket_receive_head = socket.nx_udp_socket_receive_tail = packet_ptr
            socket.nx_udp_socket_receive_count += 1
    if callback is not None:
        callback(socket)


def _receive_cleanup(thread: Any) -> None:
    """``_nx_udp_receive_cleanup``: nothing to undo once the kernel took the thread off
    the list (timeout → NX_NO_PACKET, abort, terminate)."""


def _nx_udp_socket_receive(socket_ptr: NX_UDP_SOCKET, wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``nx_udp_socket_receive`` (nx_udp_socket_receive.c): (status, packet), the oldest
    queued datagram, waiting up to ``wait_option`` ticks for one. Its checksum is
    verified here (unless disabled on the socket, or the sender sent 0): a bad datagram
    is counted and released and the next one taken. The packet's prepend pointer is at
    the UDP data, its length the data length.

    Statuses: NX_SUCCESS, NX_NOT_BOUND, NX_NO_PACKET (none, or the wait timed out),
    NX_SOCKET_UNBOUND (unbound while waiting), NX_WAIT_ABORTED; from the checking layer
    NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    k = kernel()
    ip = socket_ptr.nx_udp_socket_ip_ptr
    tb = _trace.active
    token = tb.insert(_nxt.NX_TRACE_UDP_SOCKET_RECEIVE, ip, socket_ptr, 0, 0, _nxt.NX_TRACE_UDP_EVENTS) \
        if tb is not None else 0
    while True:
        if socket_ptr.nx_udp_socket_bound_next is None:
            return NX_NOT_BOUND, None
        packet = socket_ptr.nx_udp_socket_receive_head
        if packet is not None:
            socket_ptr.nx_udp_socket_receive_head = packet.nx_packet_queue_next
            if socket_ptr.nx_udp_socket_receive_head is None:
                socket_ptr.nx_udp_socket_receive_tail = None
            socket_ptr.nx_udp_socket_receive_count -= 1
        elif wait_option and k.in_thread:
            wait = _ReceiveWait(socket_ptr)
            status = k.suspend_current(TX_TCP_IP, wait_option, socket_ptr.nx_udp_socket_receive_suspension_list,
                                       NX_NO_PACKET, socket_ptr, info=wait, cleanup=_receive_cleanup)
            if status != NX_SUCCESS:
                return status, None
            packet = wait.packet
            assert packet is not None
        else:
            return NX_NO_PACKET, None
        header = packet.nx_packet_prepend_ptr.read(_UDP_HEADER)
        received_on = packet.nx_packet_interface_ptr
        if socket_ptr.nx_udp_socket_disable_checksum or header[6:8] == b"\0\0" or (
                received_on is not None
                and received_on.nx_interface_capability_flag & _ip.NX_INTERFACE_CAPABILITY_UDP_RX_CHECKSUM):
            break
        ip_header = _ip_header(packet)
        source, destination = int.from_bytes(ip_header[12:16], "big"), int.from_bytes(ip_header[16:20], "big")
        if udp_checksum(packet, packet.nx_packet_length, source, destination) == 0xFFFF:
            break
        delivered = packet.nx_packet_length - _UDP_HEADER
        ip.nx_ip_udp_checksum_errors += 1
        ip.nx_ip_udp_invalid_packets += 1
        socket_ptr.nx_udp_socket_checksum_errors += 1
        ip.nx_ip_udp_packets_received -= 1
        ip.nx_ip_udp_bytes_received -= delivered
        socket_ptr.nx_udp_socket_packets_received -= 1
        socket_ptr.nx_udp_socket_bytes_received -= delivered
        _nx_packet_release(packet)
    packet.nx_packet_length -= _UDP_HEADER
    packet._prepend += _UDP_HEADER
    if token and tb is not None:   # NX_TRACE_EVENT_UPDATE: the packet and its data length
        tb.update(token, 3, packet)
        tb.update(token, 4, packet.nx_packet_length)
    return NX_SUCCESS, packet


def _nxe_udp_socket_receive(socket_ptr: NX_UDP_SOCKET, wait_option: int) -> tuple[int, NX_PACKET | None]:
    status = _socket_checks(socket_ptr)
    return (status, None) if status else _nx_udp_socket_receive(socket_ptr, wait_option)


nx_udp_socket_receive = c_service(
    "UINT nx_udp_socket_receive(NX_UDP_SOCKET *socket_ptr, ULONG wait_option)",
    nx_service(_nxe_udp_socket_receive, _nx_udp_socket_receive))


def _nx_udp_socket_bytes_available(socket_ptr: NX_UDP_SOCKET) -> tuple[int, int]:
    """``nx_udp_socket_bytes_available``: (status, bytes), the data bytes of every
    queued datagram. Statuses: NX_SUCCESS, NX_NOT_SUCCESSFUL (not bound, bytes 0); from
    the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR."""
    ip = socket_ptr.nx_udp_socket_ip_ptr
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
    if socket_ptr.nx_udp_socket_bound_next is None:
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_NOT_SUCCESSFUL, 0
    total = 0
    packet = socket_ptr.nx_udp_socket_receive_head
    for _ in range(socket_ptr.nx_udp_socket_receive_count):
        total += packet.nx_packet_length - _UDP_HEADER
        packet = packet.nx_packet_queue_next
    _tx_mutex_put(ip.nx_ip_protection)
    return NX_SUCCESS, total


def _nxe_udp_socket_bytes_available(socket_ptr: NX_UDP_SOCKET) -> tuple[int, int | None]:
    status = _socket_checks(socket_ptr)
    return (status, None) if status else _nx_udp_socket_bytes_available(socket_ptr)


nx_udp_socket_bytes_available = c_service(
    "UINT nx_udp_socket_bytes_available(NX_UDP_SOCKET *socket_ptr)",
    nx_service(_nxe_udp_socket_bytes_available, _nx_udp_socket_bytes_available))


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


__all__ = [name for name in dir() if name.startswith(("nx_udp_", "_nx_udp_", "nxd_udp_", "_nxd_udp_"))] + [
    "NX_UDP_SOCKET", "NX_UDP_ID", "NX_UDP_PORT_TABLE_SIZE", "NX_MAX_PORT", "udp_checksum",
]
