"""NetX UDP send and receive: ``nx_udp_socket_send`` and its ``source``/``nxd`` forms,
the IP thread's ``_nx_udp_packet_receive``, ``nx_udp_socket_receive`` and
``nx_udp_socket_bytes_available`` (netxduo ``common/src/nx_udp_socket_send.c``,
``nx_udp_packet_receive.c``, ``nx_udp_socket_receive.c`` and their ``nxe_``/``nxde_``
checks). Sockets, binding and the port table are in ``netxsim.nx.udp``, which
re-exports every name here.

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
"""
from __future__ import annotations

from typing import Any
from netxsim.tx.constants import TX_TCP_IP, TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.boundary import c_service
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put

from . import ip as _ip
from . import trace as _nxt
from ..tx import trace as _trace
from .config import nx_service, nx_threads_only_caller_error
from .constants import (
    NX_CALLER_ERROR, NX_INVALID_INTERFACE, NX_INVALID_PORT, NX_IP_ADDRESS_ERROR, NX_IP_VERSION_V4,
    NX_IP_VERSION_V6, NX_NO_PACKET, NX_NOT_BOUND, NX_NOT_ENABLED, NX_NOT_SUCCESSFUL, NX_NOT_SUPPORTED,
    NX_OVERFLOW, NX_PACKET_ALLOCATED, NX_PTR_ERROR, NX_SUCCESS, NX_UNDERFLOW,
)
from .packet import NX_PACKET, _nx_packet_release
from .route import route_find
from .tcp import NXD_ADDRESS
from .udp import (
    NX_ICMP_PORT_UNREACH_CODE, NX_MAX_PORT, NX_UDP_SOCKET, _IPV4_HEADER, _ReceiveWait, _UDP_HEADER,
    _find_bound, _ip_header, _socket_checks, _udp_enabled, _valid_socket, udp_checksum,
)


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


def _destination_checks(ip_address: NXD_ADDRESS, port: int) -> int:
    """The checking layer's tests of an NXD_ADDRESS destination and port (nxde_udp_*send.c)."""
    if ip_address.nxd_ip_version not in (NX_IP_VERSION_V4, NX_IP_VERSION_V6):
        return NX_IP_ADDRESS_ERROR
    if ip_address.nxd_ip_version == NX_IP_VERSION_V6:
        return NX_NOT_SUPPORTED
    if ip_address.nxd_ip_address.v4 == 0:
        return NX_IP_ADDRESS_ERROR
    if port > NX_MAX_PORT:
        return NX_INVALID_PORT
    return NX_SUCCESS


def _nxde_udp_socket_send(socket_ptr: NX_UDP_SOCKET, packet_ptr: NX_PACKET, ip_address: NXD_ADDRESS,
                          port: int) -> int:
    if not _valid_socket(socket_ptr) or ip_address is None:
        return NX_PTR_ERROR
    status = _send_checks(socket_ptr, packet_ptr)
    if status:
        return status
    status = _destination_checks(ip_address, port)
    if status:
        return status
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
    status = _destination_checks(ip_address, port)
    if status:
        return status
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
