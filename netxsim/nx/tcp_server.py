"""NetX TCP server sockets: listen, accept, relisten, unaccept and unlisten (netxduo
``nx_tcp_server_socket_*.c``; checks in ``nxe_tcp_server_socket_*.c``). Part of
``tcp_socket``, which re-exports every name.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.boundary import c_service
from netxsim.tx.kernel import kernel

from . import ip as _ip
from . import tcp as _tcp
from .config import nx_service, nx_threads_only_caller_error
from .constants import (
    NX_ALREADY_BOUND, NX_CALLER_ERROR, NX_CONNECTION_PENDING, NX_DISCONNECT_FAILED, NX_DUPLICATE_LISTEN,
    NX_ENTRY_NOT_FOUND, NX_IN_PROGRESS, NX_INVALID_PORT, NX_INVALID_RELISTEN, NX_MAX_LISTEN, NX_NOT_CLOSED,
    NX_NOT_CONNECTED, NX_NOT_ENABLED, NX_NOT_LISTEN_STATE, NX_PTR_ERROR, NX_SUCCESS,
)
from .packet import _nx_packet_release
from .tcp import (
    NX_TCP_CLOSE_WAIT, NX_TCP_CLOSED, NX_TCP_ESTABLISHED, NX_TCP_LISTEN, NX_TCP_LISTEN_STATE,
    NX_TCP_SYN_RECEIVED,
)
from .tcp_output import _nx_tcp_packet_send_syn
from ..tx import trace as _trace
from . import trace as _nxt
from .tcp_socket import (
    _end_waits, _lock, _M32, _may_suspend, NX_TCP_SOCKET, _nx_tcp_socket_receive_queue_flush, _simple_checks,
    _unlock, _valid_socket,
)


# ============================================================================ server
def _find_listen(ip: Any, port: int) -> Any:
    for listen in ip.nx_ip_tcp_listen_requests:
        if listen.nx_tcp_listen_port == port:
            return listen
    return None


def _nx_tcp_server_socket_listen(ip_ptr: Any, port: int, socket_ptr: NX_TCP_SOCKET, listen_queue_size: int,
                                 tcp_listen_callback: Callable | None) -> int:
    """``nx_tcp_server_socket_listen``: register ``socket_ptr`` for connection requests
    on ``port``; up to ``listen_queue_size`` further SYNs are queued for relisten.

    Statuses: NX_SUCCESS, NX_NOT_CLOSED, NX_ALREADY_BOUND, NX_DUPLICATE_LISTEN,
    NX_MAX_LISTEN; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_INVALID_PORT,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SERVER_SOCKET_LISTEN, ip_ptr, port, socket_ptr, listen_queue_size,
                  _nxt.NX_TRACE_TCP_EVENTS)
    _lock(ip_ptr)
    if socket_ptr.nx_tcp_socket_state != NX_TCP_CLOSED:
        _unlock(ip_ptr)
        return NX_NOT_CLOSED
    if socket_ptr.nx_tcp_socket_bound or socket_ptr.nx_tcp_socket_bind_in_progress is not None:
        _unlock(ip_ptr)
        return NX_ALREADY_BOUND
    socket_ptr.nx_tcp_socket_connect_interface = None
    if _find_listen(ip_ptr, port) is not None:
        _unlock(ip_ptr)
        return NX_DUPLICATE_LISTEN
    if len(ip_ptr.nx_ip_tcp_listen_requests) >= ip_ptr.nx_config.NX_MAX_LISTEN_REQUESTS:
        _unlock(ip_ptr)
        return NX_MAX_LISTEN
    listen = NX_TCP_LISTEN()
    listen.nx_tcp_listen_port = port
    listen.nx_tcp_listen_callback = tcp_listen_callback
    listen.nx_tcp_listen_socket_ptr = socket_ptr
    listen.nx_tcp_listen_queue_maximum = listen_queue_size
    socket_ptr.nx_tcp_socket_client_type = False
    socket_ptr.nx_tcp_socket_state = NX_TCP_LISTEN_STATE
    socket_ptr.nx_tcp_socket_timeout = 0
    socket_ptr.nx_tcp_socket_port = port
    ip_ptr.nx_ip_tcp_listen_requests.append(listen)
    _unlock(ip_ptr)
    return NX_SUCCESS


def _nxe_tcp_server_socket_listen(ip_ptr: Any, port: int, socket_ptr: NX_TCP_SOCKET, listen_queue_size: int,
                                  tcp_listen_callback: Callable | None = None) -> int:
    if not _ip._valid_ip(ip_ptr) or not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not ip_ptr.nx_ip_tcp_enabled:
        return NX_NOT_ENABLED
    if not 0 < port <= 0xFFFF:
        return NX_INVALID_PORT
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_server_socket_listen(ip_ptr, port, socket_ptr, listen_queue_size, tcp_listen_callback)


nx_tcp_server_socket_listen = c_service(
    "UINT nx_tcp_server_socket_listen(NX_IP *ip_ptr, UINT port, NX_TCP_SOCKET *socket_ptr, UINT listen_queue_size, VOID (*tcp_listen_callback)(NX_TCP_SOCKET *socket_ptr, UINT port))",
    nx_service(_nxe_tcp_server_socket_listen, _nx_tcp_server_socket_listen))


def _nx_tcp_server_socket_accept(socket_ptr: NX_TCP_SOCKET, wait_option: int) -> int:
    """``nx_tcp_server_socket_accept``: LISTEN → SYN_RECEIVED (ISN chosen like connect);
    the SYN+ACK goes out now if a SYN is pending, else when it arrives; wait up to
    ``wait_option`` for ESTABLISHED (time-out: back to LISTEN).

    Statuses: NX_SUCCESS, NX_IN_PROGRESS, NX_NOT_CONNECTED, NX_NOT_LISTEN_STATE,
    NX_WAIT_ABORTED; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SERVER_SOCKET_ACCEPT, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  wait_option, socket_ptr.nx_tcp_socket_state, _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    if socket_ptr.nx_tcp_socket_state == NX_TCP_ESTABLISHED:
        return NX_SUCCESS
    if socket_ptr.nx_tcp_socket_state not in (NX_TCP_LISTEN_STATE, NX_TCP_SYN_RECEIVED):
        return NX_NOT_LISTEN_STATE
    _lock(ip)
    if socket_ptr.nx_tcp_socket_state == NX_TCP_LISTEN_STATE:
        socket_ptr.nx_tcp_socket_tx_sequence = _initial_sequence(socket_ptr)
        socket_ptr.nx_tcp_socket_rx_window_current = socket_ptr.nx_tcp_socket_rx_window_default
        socket_ptr.nx_tcp_socket_rx_window_last_sent = socket_ptr.nx_tcp_socket_rx_window_default
        socket_ptr.nx_tcp_socket_state = NX_TCP_SYN_RECEIVED
        socket_ptr.nx_tcp_socket_fin_received = False
        socket_ptr.nx_tcp_socket_fin_acked = False
        if socket_ptr.nx_tcp_socket_bound:
            socket_ptr.nx_tcp_socket_rx_sequence = (socket_ptr.nx_tcp_socket_rx_sequence + 1) & _M32
            socket_ptr.nx_tcp_socket_tx_sequence = (socket_ptr.nx_tcp_socket_tx_sequence + 1) & _M32
            socket_ptr.nx_tcp_socket_timeout = socket_ptr.nx_tcp_socket_timeout_rate
            socket_ptr.nx_tcp_socket_timeout_retries = 0
            _clear_connection(socket_ptr)
            socket_ptr.nx_tcp_socket_rx_window_current = socket_ptr.nx_tcp_socket_rx_window_default
            socket_ptr.nx_tcp_socket_rx_window_last_sent = socket_ptr.nx_tcp_socket_rx_window_default
            _nx_tcp_packet_send_syn(socket_ptr, (socket_ptr.nx_tcp_socket_tx_sequence - 1) & _M32)
        else:
            socket_ptr.nx_tcp_socket_timeout = 0
    if _may_suspend(ip, wait_option):
        status = _tcp._nx_tcp_socket_thread_suspend(socket_ptr, socket_ptr.nx_tcp_socket_connect_suspension_list,
                                                    "connect", wait_option, NX_NOT_CONNECTED)
        if status != NX_SUCCESS:
            socket_ptr.nx_tcp_socket_state = NX_TCP_LISTEN_STATE
            socket_ptr.nx_tcp_socket_timeout = 0
        return status
    _unlock(ip)
    return NX_IN_PROGRESS


def _nxe_tcp_server_socket_accept(socket_ptr: NX_TCP_SOCKET, wait_option: int) -> int:
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    if status:
        return status
    return _nx_tcp_server_socket_accept(socket_ptr, wait_option)


nx_tcp_server_socket_accept = c_service(
    "UINT nx_tcp_server_socket_accept(NX_TCP_SOCKET *socket_ptr, ULONG wait_option)",
    nx_service(_nxe_tcp_server_socket_accept, _nx_tcp_server_socket_accept))


def _nx_tcp_server_socket_relisten(ip_ptr: Any, port: int, socket_ptr: NX_TCP_SOCKET) -> int:
    """``nx_tcp_server_socket_relisten``: give the listen request on ``port`` a new socket;
    if a SYN is queued the socket takes it at once (NX_CONNECTION_PENDING).

    Statuses: NX_SUCCESS, NX_CONNECTION_PENDING, NX_NOT_CLOSED, NX_ALREADY_BOUND,
    NX_INVALID_RELISTEN; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_INVALID_PORT, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SERVER_SOCKET_RELISTEN, ip_ptr, port, socket_ptr,
                  socket_ptr.nx_tcp_socket_state, _nxt.NX_TRACE_TCP_EVENTS)
    _lock(ip_ptr)
    if socket_ptr.nx_tcp_socket_state != NX_TCP_CLOSED:
        _unlock(ip_ptr)
        return NX_NOT_CLOSED
    if socket_ptr.nx_tcp_socket_bound or socket_ptr.nx_tcp_socket_bind_in_progress is not None:
        _unlock(ip_ptr)
        return NX_ALREADY_BOUND
    listen = _find_listen(ip_ptr, port)
    if listen is None or listen.nx_tcp_listen_socket_ptr is not None:
        _unlock(ip_ptr)
        return NX_INVALID_RELISTEN
    socket_ptr.nx_tcp_socket_client_type = False
    socket_ptr.nx_tcp_socket_state = NX_TCP_LISTEN_STATE
    socket_ptr.nx_tcp_socket_port = port
    if not listen.nx_tcp_listen_queue:
        listen.nx_tcp_listen_socket_ptr = socket_ptr
        socket_ptr.nx_tcp_socket_connect_interface = None
        _unlock(ip_ptr)
        return NX_SUCCESS
    packet = listen.nx_tcp_listen_queue.pop(0)
    segment = packet._tcp_segment
    _tcp._syn_to_listen_socket(ip_ptr, socket_ptr, packet, segment, packet._tcp_mss)
    callback = listen.nx_tcp_listen_callback
    _unlock(ip_ptr)
    if callback is not None:
        callback(socket_ptr, port)
    _nx_packet_release(packet)
    return NX_CONNECTION_PENDING


def _nxe_tcp_server_socket_relisten(ip_ptr: Any, port: int, socket_ptr: NX_TCP_SOCKET) -> int:
    if not _ip._valid_ip(ip_ptr) or not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not ip_ptr.nx_ip_tcp_enabled:
        return NX_NOT_ENABLED
    if not 0 < port <= 0xFFFF:
        return NX_INVALID_PORT
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_server_socket_relisten(ip_ptr, port, socket_ptr)


nx_tcp_server_socket_relisten = c_service(
    "UINT nx_tcp_server_socket_relisten(NX_IP *ip_ptr, UINT port, NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_server_socket_relisten, _nx_tcp_server_socket_relisten))


def _nx_tcp_server_socket_unaccept(socket_ptr: NX_TCP_SOCKET) -> int:
    """``nx_tcp_server_socket_unaccept``: detach a server socket from its port (after a
    disconnect, or while still listening) and make it CLOSED.

    Statuses: NX_SUCCESS, NX_NOT_LISTEN_STATE; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SERVER_SOCKET_UNACCEPT, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  socket_ptr.nx_tcp_socket_state, 0, _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    if socket_ptr.nx_tcp_socket_state >= NX_TCP_CLOSE_WAIT or (
            socket_ptr.nx_tcp_socket_state == NX_TCP_CLOSED and socket_ptr.nx_tcp_socket_bound):
        socket_ptr.nx_tcp_socket_state = NX_TCP_LISTEN_STATE
        socket_ptr.nx_tcp_socket_connect_ip.nxd_ip_version = 0
        socket_ptr.nx_tcp_socket_connect_ip.nxd_ip_address.v4 = 0
        socket_ptr.nx_tcp_socket_connect_port = 0
    if socket_ptr.nx_tcp_socket_state != NX_TCP_LISTEN_STATE:
        _unlock(ip)
        return NX_NOT_LISTEN_STATE
    _end_waits(socket_ptr.nx_tcp_socket_disconnect_suspension_list, lambda: NX_DISCONNECT_FAILED)
    if socket_ptr.nx_tcp_socket_bound:
        _unbind_from(ip, socket_ptr)
    else:
        for listen in ip.nx_ip_tcp_listen_requests:
            if listen.nx_tcp_listen_socket_ptr is socket_ptr:
                listen.nx_tcp_listen_socket_ptr = None
                break
    socket_ptr.nx_tcp_socket_state = NX_TCP_CLOSED
    socket_ptr.nx_tcp_socket_client_type = True
    socket_ptr.nx_tcp_socket_timeout = 0
    if socket_ptr._rx_queue:
        _nx_tcp_socket_receive_queue_flush(socket_ptr)
    _unlock(ip)
    return NX_SUCCESS


def _nxe_tcp_server_socket_unaccept(socket_ptr: NX_TCP_SOCKET) -> int:
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    if status:
        return status
    return _nx_tcp_server_socket_unaccept(socket_ptr)


nx_tcp_server_socket_unaccept = c_service(
    "UINT nx_tcp_server_socket_unaccept(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_server_socket_unaccept, _nx_tcp_server_socket_unaccept))


def _nx_tcp_server_socket_unlisten(ip_ptr: Any, port: int) -> int:
    """``nx_tcp_server_socket_unlisten``: end listening on ``port``; its listen socket (if
    still LISTEN) becomes CLOSED and queued SYNs are released.

    Statuses: NX_SUCCESS, NX_NOT_LISTEN_STATE, NX_ENTRY_NOT_FOUND; from the checking layer
    NX_PTR_ERROR, NX_NOT_ENABLED, NX_INVALID_PORT, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SERVER_SOCKET_UNLISTEN, ip_ptr, port, 0, 0, _nxt.NX_TRACE_TCP_EVENTS)
    _lock(ip_ptr)
    listen = _find_listen(ip_ptr, port)
    if listen is None:
        _unlock(ip_ptr)
        return NX_ENTRY_NOT_FOUND
    socket = listen.nx_tcp_listen_socket_ptr
    if socket is not None:
        if socket.nx_tcp_socket_state != NX_TCP_LISTEN_STATE:
            _unlock(ip_ptr)
            return NX_NOT_LISTEN_STATE
        socket.nx_tcp_socket_state = NX_TCP_CLOSED
        listen.nx_tcp_listen_socket_ptr = None
    while listen.nx_tcp_listen_queue:
        _nx_packet_release(listen.nx_tcp_listen_queue.pop(0))
    ip_ptr.nx_ip_tcp_listen_requests.remove(listen)
    _unlock(ip_ptr)
    return NX_SUCCESS


def _nxe_tcp_server_socket_unlisten(ip_ptr: Any, port: int) -> int:
    if not _ip._valid_ip(ip_ptr):
        return NX_PTR_ERROR
    if not ip_ptr.nx_ip_tcp_enabled:
        return NX_NOT_ENABLED
    if not 0 < port <= 0xFFFF:
        return NX_INVALID_PORT
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_server_socket_unlisten(ip_ptr, port)


nx_tcp_server_socket_unlisten = c_service(
    "UINT nx_tcp_server_socket_unlisten(NX_IP *ip_ptr, UINT port)",
    nx_service(_nxe_tcp_server_socket_unlisten, _nx_tcp_server_socket_unlisten))


# Sibling modules of tcp_socket, bound once all are loaded.
from .tcp_client import _clear_connection, _initial_sequence, _unbind_from  # noqa: E402

__all__ = [name for name in dir() if name.startswith(("nx_tcp_", "_nx_tcp_", "_nxe_tcp_", "nxd_tcp_",
                                                      "_nxd_tcp_", "_nxde_tcp_"))]
