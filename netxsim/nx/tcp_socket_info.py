"""NetX TCP socket information and options: info get, state wait, receive-queue maximum,
MSS get/set/peer get, receive and window-update notify, transmit configure, bytes
available and peer info (netxduo ``nx_tcp_socket_*.c``; checks in ``nxe_tcp_socket_*.c``).
Part of ``tcp_socket``, which re-exports every name.
"""
from __future__ import annotations

from typing import Callable

from netxsim.boundary import c_service
from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.tx.thread import _tx_thread_sleep

from .config import nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error
from .constants import (
    NX_NOT_SUPPORTED, NX_CALLER_ERROR, NX_NOT_CONNECTED, NX_NOT_ENABLED, NX_NOT_SUCCESSFUL, NX_OPTION_ERROR,
    NX_PACKET_READY, NX_PTR_ERROR, NX_SUCCESS,
)
from .tcp import (
    NX_TCP_CLOSED, NX_TCP_ESTABLISHED, NX_TCP_ID, NX_TCP_LAST_ACK, NX_TCP_LISTEN_STATE, NX_TCP_SYN_SENT,
)
from ..tx import trace as _trace
from . import trace as _nxt
from .tcp_socket import (
    NX_TCP_SOCKET, _lock, _simple_checks, _tcp_enabled, _unlock, _valid_socket,
)


# ======================================================================= information
def _tx_window(socket: NX_TCP_SOCKET) -> int:
    advertised = socket.nx_tcp_socket_tx_window_advertised
    window = advertised if advertised < socket.nx_tcp_socket_tx_window_congestion else \
        socket.nx_tcp_socket_tx_window_congestion
    outstanding = socket.nx_tcp_socket_tx_outstanding_bytes
    return window - outstanding if window > outstanding else 0


def _nx_tcp_socket_info_get(socket_ptr: NX_TCP_SOCKET) -> tuple:
    """``nx_tcp_socket_info_get``: (status, tcp_packets_sent, tcp_bytes_sent,
    tcp_packets_received, tcp_bytes_received, tcp_retransmit_packets, tcp_packets_queued,
    tcp_checksum_errors, tcp_socket_state, tcp_transmit_queue_depth,
    tcp_transmit_window, tcp_receive_window).

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_INFO_GET, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  socket_ptr.nx_tcp_socket_packets_sent, socket_ptr.nx_tcp_socket_bytes_received,
                  _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    result = (NX_SUCCESS, socket_ptr.nx_tcp_socket_packets_sent, socket_ptr.nx_tcp_socket_bytes_sent,
              socket_ptr.nx_tcp_socket_packets_received, socket_ptr.nx_tcp_socket_bytes_received,
              socket_ptr.nx_tcp_socket_retransmit_packets, len(socket_ptr._rx_queue),
              socket_ptr.nx_tcp_socket_checksum_errors, socket_ptr.nx_tcp_socket_state,
              len(socket_ptr._tx_queue), _tx_window(socket_ptr), socket_ptr.nx_tcp_socket_rx_window_current)
    _unlock(ip)
    return result


def _nxe_tcp_socket_info_get(socket_ptr: NX_TCP_SOCKET) -> tuple:
    if not _valid_socket(socket_ptr):
        return (NX_PTR_ERROR,) + (None,) * 11
    if not _tcp_enabled(socket_ptr):
        return (NX_NOT_ENABLED,) + (None,) * 11
    if nx_init_and_threads_caller_error(kernel()):
        return (NX_CALLER_ERROR,) + (None,) * 11
    return _nx_tcp_socket_info_get(socket_ptr)


nx_tcp_socket_info_get = c_service(
    "UINT nx_tcp_socket_info_get(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_socket_info_get, _nx_tcp_socket_info_get))


def _nx_tcp_socket_state_wait(socket_ptr: NX_TCP_SOCKET, desired_state: int, wait_option: int) -> int:
    """``nx_tcp_socket_state_wait``: poll every tick until the socket is in
    ``desired_state``.

    Statuses: NX_SUCCESS, NX_NOT_SUCCESSFUL (time-out), NX_PTR_ERROR (socket deleted
    while polling); from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_OPTION_ERROR
    (state out of range), NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_STATE_WAIT, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  desired_state, socket_ptr.nx_tcp_socket_state, _nxt.NX_TRACE_TCP_EVENTS)
    remaining = wait_option
    while socket_ptr.nx_tcp_socket_state != desired_state:
        if socket_ptr.nx_tcp_socket_id != NX_TCP_ID:
            return NX_PTR_ERROR   # deleted while polling
        if remaining == 0:
            return NX_NOT_SUCCESSFUL
        _tx_thread_sleep(1)
        if remaining != TX_WAIT_FOREVER:
            remaining -= 1
    return NX_SUCCESS


def _nxe_tcp_socket_state_wait(socket_ptr: NX_TCP_SOCKET, desired_state: int, wait_option: int) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if not NX_TCP_CLOSED <= desired_state <= NX_TCP_LAST_ACK:
        return NX_OPTION_ERROR
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_socket_state_wait(socket_ptr, desired_state, wait_option)


nx_tcp_socket_state_wait = c_service(
    "UINT nx_tcp_socket_state_wait(NX_TCP_SOCKET *socket_ptr, UINT desired_state, ULONG wait_option)",
    nx_service(_nxe_tcp_socket_state_wait, _nx_tcp_socket_state_wait))


def _nx_tcp_socket_receive_queue_max_set(socket_ptr: NX_TCP_SOCKET, receive_queue_maximum: int) -> int:
    """``nx_tcp_socket_receive_queue_max_set`` (nx_tcp_socket_receive_queue_max_set.c):
    the most segments the socket's receive queue holds; in-window data beyond it is
    dropped and the window advertised as 0 (the queue starts at NX_TCP_MAXIMUM_RX_QUEUE).

    Statuses: NX_SUCCESS; NX_NOT_SUPPORTED in a build without NX_ENABLE_LOW_WATERMARK
    (the default, where a receive queue has no cap); from the checking layer
    NX_PTR_ERROR (None or not created), NX_CALLER_ERROR (from an ISR).
    """
    from .config import NxConfig
    if not NxConfig.active.NX_ENABLE_LOW_WATERMARK:
        return NX_NOT_SUPPORTED
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    socket_ptr.nx_tcp_socket_receive_queue_maximum = receive_queue_maximum
    _unlock(ip)
    return NX_SUCCESS


def _nxe_tcp_socket_receive_queue_max_set(socket_ptr: NX_TCP_SOCKET, receive_queue_maximum: int) -> int:
    from .config import NxConfig, nx_not_isr_caller_error
    if not NxConfig.active.NX_ENABLE_LOW_WATERMARK:
        return NX_NOT_SUPPORTED
    if not isinstance(socket_ptr, NX_TCP_SOCKET) or socket_ptr.nx_tcp_socket_id != NX_TCP_ID:
        return NX_PTR_ERROR
    if nx_not_isr_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_socket_receive_queue_max_set(socket_ptr, receive_queue_maximum)


nx_tcp_socket_receive_queue_max_set = c_service(
    "UINT nx_tcp_socket_receive_queue_max_set(NX_TCP_SOCKET *socket_ptr, UINT receive_queue_maximum)",
    nx_service(_nxe_tcp_socket_receive_queue_max_set, _nx_tcp_socket_receive_queue_max_set))


def _nx_tcp_socket_mss_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    """``nx_tcp_socket_mss_get``: (status, mss): the user MSS before ESTABLISHED (if set),
    else the connection's MSS.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_MSS_GET, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  getattr(socket_ptr, "nx_tcp_socket_mss", 0), socket_ptr.nx_tcp_socket_state,
                  _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    if socket_ptr.nx_tcp_socket_state < NX_TCP_ESTABLISHED and socket_ptr.nx_tcp_socket_mss:
        mss = socket_ptr.nx_tcp_socket_mss
    else:
        mss = socket_ptr.nx_tcp_socket_connect_mss
    _unlock(ip)
    return NX_SUCCESS, mss


def _nxe_tcp_socket_mss_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    status = _simple_checks(socket_ptr)
    return (status, None) if status else _nx_tcp_socket_mss_get(socket_ptr)


nx_tcp_socket_mss_get = c_service(
    "UINT nx_tcp_socket_mss_get(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_socket_mss_get, _nx_tcp_socket_mss_get))


def _nx_tcp_socket_mss_set(socket_ptr: NX_TCP_SOCKET, mss: int) -> int:
    """``nx_tcp_socket_mss_set``: cap the MSS this socket announces; only before the
    connection starts (state below SYN_SENT).

    Statuses: NX_SUCCESS, NX_SIZE_ERROR (mss 0), NX_NOT_SUCCESSFUL (SYN_SENT or later);
    from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_MSS_SET, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr, mss,
                  socket_ptr.nx_tcp_socket_state, _nxt.NX_TRACE_TCP_EVENTS)
    from .constants import NX_SIZE_ERROR
    if mss == 0:
        return NX_SIZE_ERROR
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    if socket_ptr.nx_tcp_socket_state < NX_TCP_SYN_SENT:
        socket_ptr.nx_tcp_socket_mss = mss
        status = NX_SUCCESS
    else:
        status = NX_NOT_SUCCESSFUL
    _unlock(ip)
    return status


def _nxe_tcp_socket_mss_set(socket_ptr: NX_TCP_SOCKET, mss: int) -> int:
    status = _simple_checks(socket_ptr)
    if status:
        return status
    return _nx_tcp_socket_mss_set(socket_ptr, mss)


nx_tcp_socket_mss_set = c_service(
    "UINT nx_tcp_socket_mss_set(NX_TCP_SOCKET *socket_ptr, ULONG mss)",
    nx_service(_nxe_tcp_socket_mss_set, _nx_tcp_socket_mss_set))


def _nx_tcp_socket_mss_peer_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    """``nx_tcp_socket_mss_peer_get``: (status, peer_mss) from the peer's SYN.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_MSS_PEER_GET, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  getattr(socket_ptr, "nx_tcp_socket_peer_mss", 0), socket_ptr.nx_tcp_socket_state,
                  _nxt.NX_TRACE_TCP_EVENTS)
    return NX_SUCCESS, socket_ptr.nx_tcp_socket_peer_mss


def _nxe_tcp_socket_mss_peer_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    return (status, None) if status else _nx_tcp_socket_mss_peer_get(socket_ptr)


nx_tcp_socket_mss_peer_get = c_service(
    "UINT nx_tcp_socket_mss_peer_get(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_socket_mss_peer_get, _nx_tcp_socket_mss_peer_get))


def _nx_tcp_socket_receive_notify(socket_ptr: NX_TCP_SOCKET, tcp_receive_notify: Callable | None) -> int:
    """``nx_tcp_socket_receive_notify``: callback (IP thread) when in-order data arrives.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_RECEIVE_NOTIFY, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  1 if tcp_receive_notify is not None else 0, 0, _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    socket_ptr.nx_tcp_receive_callback = tcp_receive_notify
    _unlock(ip)
    return NX_SUCCESS


def _nxe_tcp_socket_receive_notify(socket_ptr: NX_TCP_SOCKET, tcp_receive_notify: Callable | None) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_socket_receive_notify(socket_ptr, tcp_receive_notify)


nx_tcp_socket_receive_notify = c_service(
    "UINT nx_tcp_socket_receive_notify(NX_TCP_SOCKET *socket_ptr, VOID (*tcp_receive_notify)(NX_TCP_SOCKET *socket_ptr))",
    nx_service(_nxe_tcp_socket_receive_notify, _nx_tcp_socket_receive_notify))


def _nx_tcp_socket_window_update_notify_set(socket_ptr: NX_TCP_SOCKET, tcp_window_update_notify: Callable | None) -> int:
    """``nx_tcp_socket_window_update_notify_set``: callback (IP thread) when the peer's
    window opens for a blocked sender.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_WINDOW_UPDATE_NOTIFY_SET, socket_ptr, 0, 0, 0,
                  _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    socket_ptr.nx_tcp_socket_window_update_notify = tcp_window_update_notify
    _unlock(ip)
    return NX_SUCCESS


def _nxe_tcp_socket_window_update_notify_set(socket_ptr: NX_TCP_SOCKET,
                                              tcp_window_update_notify: Callable | None) -> int:
    if not _valid_socket(socket_ptr) or tcp_window_update_notify is None:
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_socket_window_update_notify_set(socket_ptr, tcp_window_update_notify)


nx_tcp_socket_window_update_notify_set = c_service(
    "UINT nx_tcp_socket_window_update_notify_set(NX_TCP_SOCKET *socket_ptr, VOID (*tcp_window_update_notify)(NX_TCP_SOCKET *socket_ptr))",
    nx_service(_nxe_tcp_socket_window_update_notify_set, _nx_tcp_socket_window_update_notify_set))


def _nx_tcp_socket_transmit_configure(socket_ptr: NX_TCP_SOCKET, max_queue_depth: int, timeout: int,
                                      max_retries: int, timeout_shift: int) -> int:
    """``nx_tcp_socket_transmit_configure``: transmit queue depth, RTO (ticks), maximum
    retries and back-off shift.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_OPTION_ERROR (depth 0),
    NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_TRANSMIT_CONFIGURE, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  max_queue_depth, timeout, _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    socket_ptr.nx_tcp_socket_transmit_queue_maximum = max_queue_depth
    socket_ptr.nx_tcp_socket_timeout_rate = timeout
    socket_ptr.nx_tcp_socket_timeout_max_retries = max_retries
    socket_ptr.nx_tcp_socket_timeout_shift = timeout_shift
    _unlock(ip)
    return NX_SUCCESS


def _nxe_tcp_socket_transmit_configure(socket_ptr: NX_TCP_SOCKET, max_queue_depth: int, timeout: int,
                                       max_retries: int, timeout_shift: int) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not max_queue_depth:
        return NX_OPTION_ERROR
    status = _simple_checks(socket_ptr)
    if status:
        return status
    return _nx_tcp_socket_transmit_configure(socket_ptr, max_queue_depth, timeout, max_retries, timeout_shift)


nx_tcp_socket_transmit_configure = c_service(
    "UINT nx_tcp_socket_transmit_configure(NX_TCP_SOCKET *socket_ptr, ULONG max_queue_depth, ULONG timeout, ULONG max_retries, ULONG timeout_shift)",
    nx_service(_nxe_tcp_socket_transmit_configure, _nx_tcp_socket_transmit_configure))


def _nx_tcp_socket_bytes_available(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    """``nx_tcp_socket_bytes_available``: (status, bytes_available) of in-order data.

    Statuses: NX_SUCCESS, NX_NOT_CONNECTED (CLOSED, LISTEN, or past ESTABLISHED); from
    the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_CALLER_ERROR.
    """
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    state = socket_ptr.nx_tcp_socket_state
    if state <= NX_TCP_LISTEN_STATE or state > NX_TCP_ESTABLISHED:
        _unlock(ip)
        return NX_NOT_CONNECTED, None
    total = 0
    for packet in socket_ptr._rx_queue:
        if packet.nx_packet_queue_next != NX_PACKET_READY:
            break
        total += packet.nx_packet_length - packet._tcp_hlen
    _unlock(ip)
    return NX_SUCCESS, total


def _nxe_tcp_socket_bytes_available(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None]:
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    return (status, None) if status else _nx_tcp_socket_bytes_available(socket_ptr)


nx_tcp_socket_bytes_available = c_service(
    "UINT nx_tcp_socket_bytes_available(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_socket_bytes_available, _nx_tcp_socket_bytes_available))


def _nx_tcp_socket_peer_info_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None, int | None]:
    """``nx_tcp_socket_peer_info_get``: (status, peer_ip_address, peer_port).

    Statuses: NX_SUCCESS, NX_NOT_CONNECTED (CLOSED, LISTEN, or past ESTABLISHED); from the
    checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    _lock(ip)
    state = socket_ptr.nx_tcp_socket_state
    if state <= NX_TCP_LISTEN_STATE or state > NX_TCP_ESTABLISHED:
        _unlock(ip)
        return NX_NOT_CONNECTED, None, None
    result = (NX_SUCCESS, socket_ptr.nx_tcp_socket_connect_ip.nxd_ip_address.v4,
              socket_ptr.nx_tcp_socket_connect_port)
    _unlock(ip)
    tb = _trace.active
    if tb is not None:   # the C's nx_ form calls nxd_tcp_socket_peer_info_get, which records this
        tb.insert(_nxt.NXD_TRACE_TCP_SOCKET_PEER_INFO_GET, socket_ptr, result[1], result[2], 0,
                  _nxt.NX_TRACE_TCP_EVENTS)
    return result


def _nxe_tcp_socket_peer_info_get(socket_ptr: NX_TCP_SOCKET) -> tuple[int, int | None, int | None]:
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    return (status, None, None) if status else _nx_tcp_socket_peer_info_get(socket_ptr)


nx_tcp_socket_peer_info_get = c_service(
    "UINT nx_tcp_socket_peer_info_get(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_socket_peer_info_get, _nx_tcp_socket_peer_info_get))

__all__ = [name for name in dir() if name.startswith(("nx_tcp_", "_nx_tcp_", "_nxe_tcp_", "nxd_tcp_",
                                                      "_nxd_tcp_", "_nxde_tcp_"))]
