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

See ``netxsim.nx.udp_transfer`` for how a datagram is sent and received.

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
    NX_ALREADY_BOUND, NX_ALREADY_ENABLED, NX_ANY_PORT, NX_CALLER_ERROR, NX_FALSE, NX_INVALID_PORT,
    NX_NO_FREE_PORTS, NX_NOT_BOUND, NX_NOT_ENABLED, NX_OPTION_ERROR, NX_PORT_UNAVAILABLE, NX_PTR_ERROR,
    NX_SEARCH_PORT_START, NX_SOCKET_UNBOUND, NX_STILL_BOUND, NX_SUCCESS, NX_TRUE,
)
from .packet import NX_PACKET, _nx_packet_release
from .tcp import NX_RAND, NXD_ADDRESS  # noqa: F401  (NXD_ADDRESS: named by the prototypes)
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


# Send and receive live in udp_transfer.py, the statistics and datagram-detail
# services in udp_info.py; re-exported here so every name this module ever had still
# imports from it. Imported last: those modules import the names above from here.
from .udp_transfer import (  # noqa: E402,F401
    _nxd_udp_socket_send, _send_checks, _packet_bounds, _nxde_udp_socket_send, nxd_udp_socket_send,
    _nx_udp_socket_send, _nxe_udp_socket_send, nx_udp_socket_send, _nxd_udp_socket_source_send,
    _interface_index_error, _nxde_udp_socket_source_send, nxd_udp_socket_source_send,
    _nx_udp_socket_source_send, _nxe_udp_socket_source_send, nx_udp_socket_source_send,
    _nx_udp_packet_receive, _receive_cleanup, _nx_udp_socket_receive, _nxe_udp_socket_receive,
    nx_udp_socket_receive, _nx_udp_socket_bytes_available, _nxe_udp_socket_bytes_available,
    nx_udp_socket_bytes_available,
)
from .udp_info import (  # noqa: E402,F401
    _nx_udp_info_get, _nxe_udp_info_get, nx_udp_info_get, _nx_udp_socket_info_get,
    _nxe_udp_socket_info_get, nx_udp_socket_info_get, _source_port, _nxd_udp_source_extract,
    _nxde_udp_source_extract, nxd_udp_source_extract, _nx_udp_source_extract, _nxe_udp_source_extract,
    nx_udp_source_extract, _nxd_udp_packet_info_extract, _nxde_udp_packet_info_extract,
    nxd_udp_packet_info_extract, _nx_udp_packet_info_extract, _nxe_udp_packet_info_extract,
    nx_udp_packet_info_extract,
)


__all__ = [name for name in dir() if name.startswith(("nx_udp_", "_nx_udp_", "nxd_udp_", "_nxd_udp_"))] + [
    "NX_UDP_SOCKET", "NX_UDP_ID", "NX_UDP_PORT_TABLE_SIZE", "NX_MAX_PORT", "udp_checksum",
]
