"""The TCP socket notification services and ``nxd_tcp_socket_peer_info_get`` (netxduo
``nx_tcp_socket_establish_notify.c``, ``nx_tcp_socket_disconnect_complete_notify.c``,
``nx_tcp_socket_timed_wait_callback.c``, ``nx_tcp_socket_queue_depth_notify_set.c``,
``nxd_tcp_socket_peer_info_get.c``).

The state machine (``tcp_input.py``, ``tcp_socket.py``) calls the callbacks where NetX
does, in the IP thread (or the connecting thread): the establish notify on entering
ESTABLISHED; the timed-wait callback and then the disconnect-complete notify on entering
TIMED_WAIT; the disconnect-complete notify also when LAST_ACK completes and after a
reset. These are NetX's "extended notify" services, compiled in by default.

The queue-depth notify needs the build option ``NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY``
(``NxConfig``; off by default, when the service returns NX_NOT_SUPPORTED as in C). It is
then called when an ACK brings a full transmit queue (at ``transmit_queue_maximum``)
below its maximum.
"""
from __future__ import annotations

from netxsim.boundary import c_service

from typing import Any, Callable

from .config import NxConfig, nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error
from .constants import NX_NOT_CONNECTED, NX_NOT_SUPPORTED, NX_PTR_ERROR, NX_SUCCESS
from .tcp import NX_TCP_ESTABLISHED, NX_TCP_LISTEN_STATE, NXD_ADDRESS
from .tcp_socket import NX_TCP_SOCKET, _lock, _simple_checks, _unlock, _valid_socket

Notify = Callable[[NX_TCP_SOCKET], None]


def _callback_checks(socket_ptr: Any, callback: Any, caller: Callable = nx_init_and_threads_caller_error) -> int:
    if not _valid_socket(socket_ptr) or callback is None:
        return NX_PTR_ERROR
    return _simple_checks(socket_ptr, caller)


def _set(socket_ptr: NX_TCP_SOCKET, field: str, callback: Notify | None) -> int:
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    setattr(socket_ptr, field, callback)
    _unlock(ip)
    return NX_SUCCESS


def _nx_tcp_socket_establish_notify(socket_ptr: NX_TCP_SOCKET, tcp_establish_notify: Notify | None) -> int:
    """``nx_tcp_socket_establish_notify``: call ``tcp_establish_notify(socket)`` when the
    connection reaches ESTABLISHED.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (also for a None
    callback), NX_NOT_ENABLED, NX_CALLER_ERROR (ISR or timer callback).
    """
    socket_ptr.nx_tcp_establish_notify = tcp_establish_notify
    return NX_SUCCESS


def _nxe_tcp_socket_establish_notify(socket_ptr: NX_TCP_SOCKET, tcp_establish_notify: Notify | None) -> int:
    return _callback_checks(socket_ptr, tcp_establish_notify) \
        or _nx_tcp_socket_establish_notify(socket_ptr, tcp_establish_notify)


nx_tcp_socket_establish_notify = c_service(
    "UINT nx_tcp_socket_establish_notify(NX_TCP_SOCKET *socket_ptr, VOID (*tcp_establish_notify)(NX_TCP_SOCKET *socket_ptr))",
    nx_service(_nxe_tcp_socket_establish_notify, _nx_tcp_socket_establish_notify))


def _nx_tcp_socket_disconnect_complete_notify(socket_ptr: NX_TCP_SOCKET,
                                              tcp_disconnect_complete_notify: Notify | None) -> int:
    """``nx_tcp_socket_disconnect_complete_notify``: call the callback when a disconnect
    completes (TIMED_WAIT entered, LAST_ACK acknowledged, or the connection reset).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (also for a None
    callback), NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    socket_ptr.nx_tcp_disconnect_complete_notify = tcp_disconnect_complete_notify
    return NX_SUCCESS


def _nxe_tcp_socket_disconnect_complete_notify(socket_ptr: NX_TCP_SOCKET,
                                               tcp_disconnect_complete_notify: Notify | None) -> int:
    return _callback_checks(socket_ptr, tcp_disconnect_complete_notify) \
        or _nx_tcp_socket_disconnect_complete_notify(socket_ptr, tcp_disconnect_complete_notify)


nx_tcp_socket_disconnect_complete_notify = c_service(
    "UINT nx_tcp_socket_disconnect_complete_notify(NX_TCP_SOCKET *socket_ptr, VOID (*tcp_disconnect_complete_notify)(NX_TCP_SOCKET *socket_ptr))",
    nx_service(_nxe_tcp_socket_disconnect_complete_notify, _nx_tcp_socket_disconnect_complete_notify))


def _nx_tcp_socket_timed_wait_callback(socket_ptr: NX_TCP_SOCKET, tcp_timed_wait_callback: Notify | None) -> int:
    """``nx_tcp_socket_timed_wait_callback``: call the callback when the socket enters
    TIMED_WAIT (before the disconnect-complete notify). Set under the IP mutex.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR (also for a None
    callback), NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    return _set(socket_ptr, "nx_tcp_timed_wait_callback", tcp_timed_wait_callback)


def _nxe_tcp_socket_timed_wait_callback(socket_ptr: NX_TCP_SOCKET, tcp_timed_wait_callback: Notify | None) -> int:
    return _callback_checks(socket_ptr, tcp_timed_wait_callback) \
        or _nx_tcp_socket_timed_wait_callback(socket_ptr, tcp_timed_wait_callback)


nx_tcp_socket_timed_wait_callback = c_service(
    "UINT nx_tcp_socket_timed_wait_callback(NX_TCP_SOCKET *socket_ptr, VOID (*tcp_timed_wait_callback)(NX_TCP_SOCKET *socket_ptr))",
    nx_service(_nxe_tcp_socket_timed_wait_callback, _nx_tcp_socket_timed_wait_callback))


def _nx_tcp_socket_queue_depth_notify_set(socket_ptr: NX_TCP_SOCKET,
                                          tcp_socket_queue_depth_notify: Notify | None) -> int:
    """``nx_tcp_socket_queue_depth_notify_set``: call the callback when an ACK brings a
    full transmit queue below its maximum. Set under the IP mutex.

    Statuses: NX_SUCCESS, NX_NOT_SUPPORTED (NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY off,
    the default); from the checking layer NX_PTR_ERROR (also for a None callback),
    NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    if not NxConfig.active.NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY:
        return NX_NOT_SUPPORTED
    return _set(socket_ptr, "nx_tcp_socket_queue_depth_notify", tcp_socket_queue_depth_notify)


def _nxe_tcp_socket_queue_depth_notify_set(socket_ptr: NX_TCP_SOCKET,
                                           tcp_socket_queue_depth_notify: Notify | None) -> int:
    if not NxConfig.active.NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY:
        return NX_NOT_SUPPORTED
    return _callback_checks(socket_ptr, tcp_socket_queue_depth_notify, nx_threads_only_caller_error) \
        or _nx_tcp_socket_queue_depth_notify_set(socket_ptr, tcp_socket_queue_depth_notify)


nx_tcp_socket_queue_depth_notify_set = c_service(
    "UINT nx_tcp_socket_queue_depth_notify_set(NX_TCP_SOCKET *socket_ptr, VOID (*tcp_socket_queue_depth_notify)(NX_TCP_SOCKET *socket_ptr))",
    nx_service(_nxe_tcp_socket_queue_depth_notify_set, _nx_tcp_socket_queue_depth_notify_set))


def queue_depth_check(socket: Any, sent_count: int, release_count: int) -> None:
    """The ACK check's hook: notify when ``release_count`` of the ``sent_count`` queued
    segments bring a full queue below ``transmit_queue_maximum``."""
    notify = getattr(socket, "nx_tcp_socket_queue_depth_notify", None)
    if notify is None or not release_count:
        return
    maximum = socket.nx_tcp_socket_transmit_queue_maximum
    if sent_count >= maximum and sent_count - release_count < maximum:
        notify(socket)


def _nxd_tcp_socket_peer_info_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, NXD_ADDRESS | None, int | None]:
    """``nxd_tcp_socket_peer_info_get``: (status, NXD_ADDRESS of the peer, peer port).

    Statuses: NX_SUCCESS, NX_NOT_CONNECTED (CLOSED, LISTEN, or past ESTABLISHED); from
    the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR (not a thread).
    """
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    state = socket_ptr.nx_tcp_socket_state
    if state <= NX_TCP_LISTEN_STATE or state > NX_TCP_ESTABLISHED:
        _unlock(ip)
        return NX_NOT_CONNECTED, None, None
    peer = socket_ptr.nx_tcp_socket_connect_ip
    address = NXD_ADDRESS(peer.nxd_ip_version, peer.nxd_ip_address.v4)
    port = socket_ptr.nx_tcp_socket_connect_port
    _unlock(ip)
    return NX_SUCCESS, address, port


def _nxde_tcp_socket_peer_info_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, NXD_ADDRESS | None, int | None]:
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    return (status, None, None) if status else _nxd_tcp_socket_peer_info_get(socket_ptr)


nxd_tcp_socket_peer_info_get = c_service(
    "UINT nxd_tcp_socket_peer_info_get(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxde_tcp_socket_peer_info_get, _nxd_tcp_socket_peer_info_get, name="nxd_tcp_socket_peer_info_get"))

__all__ = [name for name in dir() if name.startswith(("nx_tcp_", "_nx_tcp_", "nxd_tcp_", "_nxd_tcp_"))]
