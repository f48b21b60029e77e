"""NetX TCP client sockets: bind, unbind, port get and connect (netxduo
``nx_tcp_client_socket_bind.c``, ``_unbind.c``, ``_port_get.c``, ``nxd_tcp_client_socket_connect.c``;
checks in ``nxe_tcp_client_socket_*.c``). Part of ``tcp_socket``, which re-exports every name.
"""
from __future__ import annotations

from typing import Any

from netxsim.boundary import c_service
from netxsim.tx.kernel import kernel

from . import ip as _ip
from . import tcp as _tcp
from .config import nx_service, nx_threads_only_caller_error
from .constants import (
    NX_NOT_SUPPORTED, NX_ALREADY_BOUND, NX_CALLER_ERROR, NX_IN_PROGRESS, NX_INVALID_PORT, NX_IP_ADDRESS_ERROR,
    NX_NO_FREE_PORTS, NX_NOT_BOUND, NX_NOT_CLOSED, NX_NOT_CONNECTED, NX_NOT_ENABLED, NX_PORT_UNAVAILABLE,
    NX_PTR_ERROR, NX_SEARCH_PORT_START, NX_SUCCESS,
)
from .tcp import NX_TCP_CLOSED, NX_TCP_SYN_SENT, NX_TCP_TIMED_WAIT, NXD_ADDRESS, NX_RAND, _tcp_wake
from .tcp_output import _nx_tcp_packet_send_syn
from ..tx import trace as _trace
from . import trace as _nxt
from .tcp_socket import (
    _lock, _M32, _may_suspend, NX_TCP_SOCKET, _nx_tcp_socket_block_cleanup,
    _nx_tcp_socket_receive_queue_flush, _nx_tcp_socket_transmit_queue_flush, _simple_checks, _tcp_enabled,
    _unlock, _valid_socket,
)


# ============================================================================== bind
def _bind_to(ip: Any, socket: NX_TCP_SOCKET, port: int) -> None:
    socket.nx_tcp_socket_port = port
    socket.nx_tcp_socket_bound = True
    socket.nx_tcp_socket_bind_in_progress = None
    ip.nx_ip_tcp_port_table.setdefault(port, []).append(socket)


def _unbind_from(ip: Any, socket: NX_TCP_SOCKET) -> None:
    bound = ip.nx_ip_tcp_port_table.get(socket.nx_tcp_socket_port)
    if bound is not None and socket in bound:
        bound.remove(socket)
        if not bound:
            del ip.nx_ip_tcp_port_table[socket.nx_tcp_socket_port]
    socket.nx_tcp_socket_bound = False


def _nx_tcp_client_socket_bind(socket_ptr: NX_TCP_SOCKET, port: int, wait_option: int) -> int:
    """``nx_tcp_client_socket_bind``: bind to ``port``; NX_ANY_PORT picks the first free
    port from 0xC000 + NX_RAND() % 16384 (50535 first with glibc's default seed). A port
    owned by another socket is waited for (FIFO on the owner) up to ``wait_option``.

    Statuses: NX_SUCCESS, NX_ALREADY_BOUND, NX_NO_FREE_PORTS, NX_PORT_UNAVAILABLE,
    NX_WAIT_ABORTED; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_INVALID_PORT,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_CLIENT_SOCKET_BIND, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr, port,
                  wait_option, _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    if socket_ptr.nx_tcp_socket_bound or socket_ptr.nx_tcp_socket_bind_in_progress is not None:
        _unlock(ip)
        return NX_ALREADY_BOUND
    if port == 0:
        start = NX_SEARCH_PORT_START + NX_RAND() % (0x10000 - NX_SEARCH_PORT_START)
        port = start
        while _tcp._port_in_use(ip, port) is not None:
            port += 1
            if port > 0xFFFF:
                port = NX_SEARCH_PORT_START
            if port == start:
                _unlock(ip)
                return NX_NO_FREE_PORTS
    socket_ptr.nx_tcp_socket_client_type = True
    owner = _tcp._port_in_use(ip, port)
    if owner is None:
        _bind_to(ip, socket_ptr, port)
        _unlock(ip)
        return NX_SUCCESS
    if _may_suspend(ip, wait_option):
        socket_ptr.nx_tcp_socket_port = port
        socket_ptr.nx_tcp_socket_bind_in_progress = owner
        return _tcp._nx_tcp_socket_thread_suspend(owner, owner.nx_tcp_socket_bind_suspension_list, "bind",
                                                  wait_option, NX_PORT_UNAVAILABLE, socket_ptr)
    _unlock(ip)
    return NX_PORT_UNAVAILABLE


def _nxe_tcp_client_socket_bind(socket_ptr: NX_TCP_SOCKET, port: int, wait_option: int) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if port > 0xFFFF:
        return NX_INVALID_PORT
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_client_socket_bind(socket_ptr, port, wait_option)


nx_tcp_client_socket_bind = c_service(
    "UINT nx_tcp_client_socket_bind(NX_TCP_SOCKET *socket_ptr, UINT port, ULONG wait_option)",
    nx_service(_nxe_tcp_client_socket_bind, _nx_tcp_client_socket_bind))


def _nx_tcp_client_socket_unbind(socket_ptr: NX_TCP_SOCKET) -> int:
    """``nx_tcp_client_socket_unbind``: TIME_WAIT is closed first; then the socket must be
    CLOSED; received segments are released and the port goes to the first thread
    waiting to bind it. A socket whose bind is pending in another thread: that bind
    ends with NX_PORT_UNAVAILABLE and the unbind succeeds.

    Statuses: NX_SUCCESS, NX_NOT_CLOSED, NX_NOT_BOUND; from the checking layer
    NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_CLIENT_SOCKET_UNBIND, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr, 0, 0,
                  _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    if socket_ptr.nx_tcp_socket_state == NX_TCP_TIMED_WAIT:
        _nx_tcp_socket_block_cleanup(socket_ptr)
    if socket_ptr.nx_tcp_socket_state != NX_TCP_CLOSED:
        _unlock(ip)
        return NX_NOT_CLOSED
    if not socket_ptr.nx_tcp_socket_bound:
        owner = socket_ptr.nx_tcp_socket_bind_in_progress
        if owner is None:
            _unlock(ip)
            return NX_NOT_BOUND
        # A bind of this socket is pending in another thread: that wait ends with
        # NX_PORT_UNAVAILABLE (_nx_tcp_client_bind_cleanup) and the unbind succeeds.
        k = kernel()
        k.preempt_disable += 1
        for thread in list(owner.nx_tcp_socket_bind_suspension_list):
            if thread.suspend_info.data is socket_ptr:
                k.end_wait(thread, NX_PORT_UNAVAILABLE)
        socket_ptr.nx_tcp_socket_bind_in_progress = None
        k.preempt_disable -= 1
        _unlock(ip)
        k.preempt_check()
        return NX_SUCCESS
    _unbind_from(ip, socket_ptr)
    if socket_ptr._rx_queue:
        _nx_tcp_socket_receive_queue_flush(socket_ptr)
    waiters = socket_ptr.nx_tcp_socket_bind_suspension_list
    if waiters:
        thread = waiters.pop(0)
        new_owner = thread.suspend_info.data
        _bind_to(ip, new_owner, socket_ptr.nx_tcp_socket_port)
        # The other waiters now wait on the new owner.
        for other in waiters:
            other.wait_list = new_owner.nx_tcp_socket_bind_suspension_list
            other.suspend_info.socket = new_owner
            other.suspend_info.data.nx_tcp_socket_bind_in_progress = new_owner
        new_owner.nx_tcp_socket_bind_suspension_list.extend(waiters)
        waiters.clear()
        k = kernel()
        k.preempt_disable += 1
        _tcp_wake(thread, NX_SUCCESS)
        k.preempt_disable -= 1
        _unlock(ip)
        k.preempt_check()
        return NX_SUCCESS
    _unlock(ip)
    return NX_SUCCESS


def _nxe_tcp_client_socket_unbind(socket_ptr: NX_TCP_SOCKET) -> int:
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    if status:
        return status
    return _nx_tcp_client_socket_unbind(socket_ptr)


nx_tcp_client_socket_unbind = c_service(
    "UINT nx_tcp_client_socket_unbind(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_client_socket_unbind, _nx_tcp_client_socket_unbind))


def _nx_tcp_client_socket_port_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    """``nx_tcp_client_socket_port_get``: (status, port_ptr).

    Statuses: NX_SUCCESS, NX_NOT_BOUND; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_CLIENT_SOCKET_PORT_GET, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  socket_ptr.nx_tcp_socket_port, 0, _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    if not socket_ptr.nx_tcp_socket_bound:
        _unlock(ip)
        return NX_NOT_BOUND, None
    port = socket_ptr.nx_tcp_socket_port
    _unlock(ip)
    return NX_SUCCESS, port


def _nxe_tcp_client_socket_port_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR, None
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED, None
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_tcp_client_socket_port_get(socket_ptr)


nx_tcp_client_socket_port_get = c_service(
    "UINT nx_tcp_client_socket_port_get(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_client_socket_port_get, _nx_tcp_client_socket_port_get))


# =========================================================================== connect
def _initial_sequence(socket: NX_TCP_SOCKET) -> int:
    if socket.nx_tcp_socket_tx_sequence == 0:
        high = (NX_RAND() << 16) & _M32
        return high | NX_RAND()
    return (socket.nx_tcp_socket_tx_sequence + 0x10000 + NX_RAND()) & _M32


def _clear_connection(socket: NX_TCP_SOCKET) -> None:
    socket.nx_tcp_socket_rx_window_current = socket.nx_tcp_socket_rx_window_default
    socket.nx_tcp_socket_rx_window_last_sent = socket.nx_tcp_socket_rx_window_default
    socket.nx_tcp_socket_packets_sent = 0
    socket.nx_tcp_socket_bytes_sent = 0
    socket.nx_tcp_socket_packets_received = 0
    socket.nx_tcp_socket_bytes_received = 0
    socket.nx_tcp_socket_retransmit_packets = 0
    socket.nx_tcp_socket_checksum_errors = 0
    socket.nx_tcp_socket_tx_window_congestion = 0
    socket.nx_tcp_socket_tx_outstanding_bytes = 0
    socket.nx_tcp_socket_fin_received = False
    socket.nx_tcp_socket_fin_acked = False
    socket.nx_tcp_socket_duplicated_ack_received = 0
    socket.nx_tcp_socket_fast_recovery = False
    socket.nx_tcp_socket_zero_window_probe_has_data = False
    # NetX just forgets both queues here (they are empty after a normal close); release
    # anything left instead of leaking it.
    if socket._tx_queue:
        _nx_tcp_socket_transmit_queue_flush(socket)
    if socket._rx_queue:
        _nx_tcp_socket_receive_queue_flush(socket)


def _nxd_tcp_client_socket_connect(socket_ptr: NX_TCP_SOCKET, server_ip: NXD_ADDRESS, server_port: int,
                                   wait_option: int) -> int:
    """``nxd_tcp_client_socket_connect``: send a SYN (ISN from NX_RAND: 0x67FE9869 first)
    and wait up to ``wait_option`` for ESTABLISHED.

    Statuses: NX_SUCCESS, NX_IN_PROGRESS (no wait, or called from the IP thread),
    NX_NOT_CONNECTED (time-out or reset), NX_IP_ADDRESS_ERROR (no route), NX_NOT_BOUND,
    NX_NOT_CLOSED, NX_WAIT_ABORTED; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_IP_ADDRESS_ERROR, NX_INVALID_PORT, NX_NOT_SUPPORTED (an IPv6 address), NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_CLIENT_SOCKET_CONNECT, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  server_ip.nxd_ip_address.v4 if server_ip is not None else 0, server_port,
                  _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    address = server_ip.nxd_ip_address.v4
    status, interface, next_hop = _ip._nx_ip_route_find(ip, address)
    if status != NX_SUCCESS:
        return NX_IP_ADDRESS_ERROR
    _lock(ip)
    if not socket_ptr.nx_tcp_socket_bound:
        _unlock(ip)
        return NX_NOT_BOUND
    if socket_ptr.nx_tcp_socket_state not in (NX_TCP_CLOSED, NX_TCP_TIMED_WAIT):
        _unlock(ip)
        return NX_NOT_CLOSED
    ip.nx_ip_tcp_active_connections += 1
    ip.nx_ip_tcp_connections += 1
    socket_ptr.nx_tcp_socket_connect_interface = interface
    socket_ptr.nx_tcp_socket_next_hop_address = next_hop
    socket_ptr.nx_tcp_socket_connect_ip.nxd_ip_version = 4
    socket_ptr.nx_tcp_socket_connect_ip.nxd_ip_address.v4 = address
    socket_ptr.nx_tcp_socket_connect_port = server_port
    isn = _initial_sequence(socket_ptr)
    socket_ptr.nx_tcp_socket_tx_sequence = (isn + 1) & _M32
    socket_ptr.nx_tcp_socket_client_type = True
    _clear_connection(socket_ptr)
    socket_ptr.nx_tcp_socket_state = NX_TCP_SYN_SENT
    socket_ptr.nx_tcp_socket_timeout = socket_ptr.nx_tcp_socket_timeout_rate
    socket_ptr.nx_tcp_socket_timeout_retries = 0
    _nx_tcp_packet_send_syn(socket_ptr, isn)
    if _may_suspend(ip, wait_option):
        return _tcp._nx_tcp_socket_thread_suspend(socket_ptr, socket_ptr.nx_tcp_socket_connect_suspension_list,
                                                  "connect", wait_option, NX_NOT_CONNECTED)
    _unlock(ip)
    return NX_IN_PROGRESS


def _nx_tcp_client_socket_connect(socket_ptr: NX_TCP_SOCKET, server_ip: int, server_port: int,
                                  wait_option: int) -> int:
    """``nx_tcp_client_socket_connect``: IPv4 form of nxd_tcp_client_socket_connect (same
    statuses)."""
    return _nxd_tcp_client_socket_connect(socket_ptr, NXD_ADDRESS(4, server_ip), server_port, wait_option)


def _class_abc(address: int) -> bool:
    return ((address & _ip.NX_IP_CLASS_A_MASK) == _ip.NX_IP_CLASS_A_TYPE
            or (address & _ip.NX_IP_CLASS_B_MASK) == _ip.NX_IP_CLASS_B_TYPE
            or (address & _ip.NX_IP_CLASS_C_MASK) == _ip.NX_IP_CLASS_C_TYPE)


def _connect_checks(socket_ptr: Any, address: int, server_port: int) -> int:
    """Checks after the address presence/version checks (nxe/nxde connect)."""
    if not _class_abc(address):
        return NX_IP_ADDRESS_ERROR
    if server_port > 0xFFFF:
        return NX_INVALID_PORT
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return NX_SUCCESS


def _nxe_tcp_client_socket_connect(socket_ptr: NX_TCP_SOCKET, server_ip: int, server_port: int,
                                   wait_option: int) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if not server_ip:
        return NX_IP_ADDRESS_ERROR
    status = _connect_checks(socket_ptr, server_ip, server_port)
    if status:
        return status
    return _nx_tcp_client_socket_connect(socket_ptr, server_ip, server_port, wait_option)


def _nxde_tcp_client_socket_connect(socket_ptr: NX_TCP_SOCKET, server_ip: NXD_ADDRESS, server_port: int,
                                    wait_option: int) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if server_ip is None or server_ip.nxd_ip_version not in (4, 6):
        return NX_IP_ADDRESS_ERROR
    if server_ip.nxd_ip_version == 6:
        return NX_NOT_SUPPORTED   # IPv6 is not modelled
    status = _connect_checks(socket_ptr, server_ip.nxd_ip_address.v4, server_port)
    if status:
        return status
    return _nxd_tcp_client_socket_connect(socket_ptr, server_ip, server_port, wait_option)


nx_tcp_client_socket_connect = c_service(
    "UINT nx_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, ULONG server_ip, UINT server_port, ULONG wait_option)",
    nx_service(_nxe_tcp_client_socket_connect, _nx_tcp_client_socket_connect))
nxd_tcp_client_socket_connect = c_service(
    "UINT nxd_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, NXD_ADDRESS *server_ip, UINT server_port, ULONG wait_option)",
    nx_service(_nxde_tcp_client_socket_connect, _nxd_tcp_client_socket_connect, name="nxd_tcp_client_socket_connect"))

__all__ = [name for name in dir() if name.startswith(("nx_tcp_", "_nx_tcp_", "_nxe_tcp_", "nxd_tcp_",
                                                      "_nxd_tcp_", "_nxde_tcp_"))]
