"""NetX TCP data transfer services: ``nx_tcp_socket_send`` and ``nx_tcp_socket_receive``
(netxduo ``nx_tcp_socket_send_internal.c``, ``nx_tcp_socket_receive.c``; checks in
``nxe_tcp_socket_send.c``, ``nxe_tcp_socket_receive.c``). The common send takes the
header-prediction path (``tcp_fast``). Part of ``tcp_socket``, which re-exports every name.
"""
from __future__ import annotations

from typing import Any

from netxsim.boundary import c_service
from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
import netxsim.tx.kernel as _kernel_module
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put
from netxsim.tx.thread import _tx_thread_preemption_change

from . import tcp as _tcp
from .config import nx_service
from .constants import (
    NX_CALLER_ERROR, NX_INVALID_PACKET, NX_IPv4_TCP_PACKET, NX_NO_PACKET, NX_NOT_BOUND, NX_NOT_CONNECTED,
    NX_NOT_ENABLED, NX_OVERFLOW, NX_PACKET_ALLOCATED, NX_PACKET_ENQUEUED, NX_PACKET_READY, NX_PTR_ERROR,
    NX_SUCCESS, NX_TX_QUEUE_DEPTH, NX_UNDERFLOW, NX_WINDOW_OVERFLOW,
)
from .packet import NX_PACKET, _nx_packet_allocate, _nx_packet_data_append, _nx_packet_release
from .tcp import (
    NX_TCP_CLOSE_WAIT, NX_TCP_CLOSING, NX_TCP_ESTABLISHED, NX_TCP_FIN_WAIT_1, NX_TCP_FIN_WAIT_2, NX_TCP_ID,
    NX_TCP_SYN_RECEIVED, NX_TCP_SYN_SENT,
)
from .tcp_input import _usable_window
from .tcp_output import _nx_tcp_packet_send_ack, _ip_send, _write_data_header, _write_sequence_and_checksum
from ..tx import trace as _trace
from . import trace as _nxt
from . import tcp_fast
from .tcp_socket import (
    NX_TCP_SOCKET, _M32, _lock, _may_suspend, _unlock,
)


# ============================================================================== send
def _nx_tcp_socket_send(socket_ptr: NX_TCP_SOCKET, packet_ptr: NX_PACKET, wait_option: int) -> int:
    """``nx_tcp_socket_send`` (``_nx_tcp_socket_send_internal``): queue and send the
    packet's data in segments of at most the usable window (≤ connect MSS): the packet
    itself when it fits (zero copy), else copies allocated from its pool. Every segment
    carries ACK|PSH and stays queued until acknowledged and TX_DONE.

    Statuses: NX_SUCCESS, NX_INVALID_PACKET (empty), NX_NOT_BOUND, NX_NOT_CONNECTED,
    NX_WINDOW_OVERFLOW, NX_TX_QUEUE_DEPTH, NX_NO_PACKET (a segment allocation failed),
    NX_WAIT_ABORTED; from the checking layer NX_PTR_ERROR, NX_INVALID_PACKET,
    NX_NOT_ENABLED, NX_NOT_CONNECTED, NX_UNDERFLOW, NX_OVERFLOW, NX_CALLER_ERROR.
    """
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    if packet_ptr.nx_packet_length == 0:
        return NX_INVALID_PACKET
    if not socket_ptr.nx_tcp_socket_bound:
        return NX_NOT_BOUND
    if socket_ptr.nx_tcp_socket_state in (NX_TCP_SYN_SENT, NX_TCP_SYN_RECEIVED):
        _nx_tcp_socket_state_wait(socket_ptr, NX_TCP_ESTABLISHED, wait_option)
    protection = ip.nx_ip_protection
    _tx_mutex_get(protection, TX_WAIT_FOREVER)
    if socket_ptr.nx_tcp_socket_state not in (NX_TCP_ESTABLISHED, NX_TCP_CLOSE_WAIT):
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_NOT_CONNECTED
    tb = _trace.active
    if tb is not None:   # the C records the send once it holds the mutex and is connected
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_SEND, socket_ptr, packet_ptr, packet_ptr.nx_packet_length,
                  socket_ptr.nx_tcp_socket_tx_sequence, _nxt.NX_TRACE_TCP_EVENTS)
    packet_ptr.nx_packet_interface_ptr = socket_ptr.nx_tcp_socket_connect_interface
    if tb is None and tcp_fast.enabled:
        # Header prediction: one segment that fits the window, sent as is (tcp_fast).
        status = tcp_fast.send_segment(ip, socket_ptr, packet_ptr)
        if status is not None:
            return status
    return _send_segments(ip, socket_ptr, packet_ptr, wait_option)


def _send_segments(ip: Any, socket_ptr: NX_TCP_SOCKET, packet_ptr: NX_PACKET, wait_option: int) -> int:
    """The general send loop of ``_nx_tcp_socket_send``, entered holding the IP mutex with
    the socket connected."""
    k = kernel()
    data_offset = NX_IPv4_TCP_PACKET   # physical + IPv4 + TCP headers
    pool = packet_ptr.nx_packet_pool_owner
    thread = k.current_ptr
    preempted = False
    old_threshold = 0

    def restore() -> None:
        if preempted:
            _tx_thread_preemption_change(thread, old_threshold)

    while True:
        send_mss = socket_ptr.nx_tcp_socket_connect_mss
        window = _usable_window(socket_ptr)
        if window > send_mss:
            window = send_mss
        data_left = packet_ptr.nx_packet_length
        if window and len(socket_ptr._tx_queue) < socket_ptr.nx_tcp_socket_transmit_queue_maximum:
            adjust = (packet_ptr.nx_packet_length > window or packet_ptr._prepend & 3
                      or (packet_ptr.nx_packet_next is not None
                          and packet_ptr.nx_packet_length + data_offset < pool.nx_packet_pool_payload_size
                          and pool.nx_packet_pool_available > 0))
            if not adjust and packet_ptr._prepend == packet_ptr._append:
                current = packet_ptr.nx_packet_next
                while current is not None and current._prepend == current._append:
                    current = current.nx_packet_next
                adjust = current is not None and bool(current._prepend & 3)
            if adjust:
                remaining = packet_ptr.nx_packet_length if packet_ptr.nx_packet_length <= window else window
                _unlock(ip)
                status, send_packet = _nx_packet_allocate(pool, data_offset, wait_option)
                if status != NX_SUCCESS:
                    restore()
                    return status
                _lock(ip)
                # Copy buffer by buffer, releasing the IP mutex around each append as
                # NetX does (a waiting IP thread runs in each gap).
                current: NX_PACKET | None = packet_ptr
                position = packet_ptr._prepend
                while remaining:
                    while current is not None and current._append - position == 0:
                        current = current.nx_packet_next
                        position = current._prepend if current is not None else 0
                    if current is None:
                        restore()
                        _nx_packet_release(send_packet)
                        _unlock(ip)
                        return NX_INVALID_PACKET
                    copy = current._append - position
                    if copy > remaining:
                        copy = remaining
                    chunk = current._mem.read(position, copy)
                    _unlock(ip)
                    status = _nx_packet_data_append(send_packet, chunk, copy, pool, wait_option)
                    _lock(ip)
                    if status != NX_SUCCESS:
                        if send_packet.nx_packet_length == 0:
                            restore()
                            _unlock(ip)
                            _nx_packet_release(send_packet)
                            return status
                        break
                    remaining -= copy
                    position += copy
                send_packet.nx_packet_interface_ptr = packet_ptr.nx_packet_interface_ptr
            else:
                send_packet = packet_ptr
            send_packet.nx_packet_ip_version = 4
            send_packet._prepend -= 20
            send_packet.nx_packet_length += 20
            size = send_packet.nx_packet_length - 20
            _write_data_header(socket_ptr, send_packet, 0, checksum=False)
            socket_ptr.nx_tcp_socket_delayed_ack_timeout = _tcp._rates()[1]
            # The sequence number and checksum are filled in outside the IP mutex.
            _unlock(ip)
            sequence = socket_ptr.nx_tcp_socket_tx_sequence
            _write_sequence_and_checksum(socket_ptr, send_packet, sequence)
            _lock(ip)
            if sequence != socket_ptr.nx_tcp_socket_tx_sequence:
                # Another sender got in meanwhile: start over with this data.
                if send_packet is not packet_ptr:
                    _nx_packet_release(send_packet)
                else:
                    send_packet._prepend += 20
                    send_packet.nx_packet_length -= 20
                continue
            if socket_ptr.nx_tcp_socket_state not in (NX_TCP_ESTABLISHED, NX_TCP_CLOSE_WAIT):
                restore()
                _unlock(ip)
                if send_packet is not packet_ptr:
                    _nx_packet_release(send_packet)
                return NX_NOT_CONNECTED
            socket_ptr.nx_tcp_socket_tx_sequence = (sequence + size) & _M32
            socket_ptr.nx_tcp_socket_zero_window_probe_has_data = False
            data_left -= size
            send_packet._tcp_seq = sequence
            send_packet._tcp_len = size
            send_packet.nx_packet_queue_next = None
            queue = socket_ptr._tx_queue
            if queue:
                queue[-1].nx_packet_tcp_queue_next = send_packet
            else:
                socket_ptr.nx_tcp_socket_timeout = socket_ptr.nx_tcp_socket_timeout_rate
                socket_ptr.nx_tcp_socket_timeout_retries = 0
                socket_ptr.nx_tcp_socket_tx_outstanding_bytes = 0
            send_packet.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED
            queue.append(send_packet)
            socket_ptr.nx_tcp_socket_tx_outstanding_bytes += size
            ip.nx_ip_tcp_packets_sent += 1
            ip.nx_ip_tcp_bytes_sent += size
            socket_ptr.nx_tcp_socket_packets_sent += 1
            socket_ptr.nx_tcp_socket_bytes_sent += size
            tb = _trace.active
            if tb is not None:
                tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_DATA_SEND, ip, socket_ptr, send_packet, sequence,
                          _nxt.NX_TRACE_INTERNAL_EVENTS)
            _ip_send(socket_ptr, send_packet)
            if data_left == 0:
                if send_packet is not packet_ptr:
                    _nx_packet_release(packet_ptr)
                restore()
                _unlock(ip)
                return NX_SUCCESS
            _consume(packet_ptr, packet_ptr.nx_packet_length - data_left)
            _unlock(ip)
            _lock(ip)
            continue
        if _may_suspend(ip, wait_option):
            if not socket_ptr.nx_tcp_socket_zero_window_probe_has_data:
                _probe_from(socket_ptr, packet_ptr)
            if not preempted:
                _, old_threshold = _tx_thread_preemption_change(thread, ip.nx_ip_thread.tx_thread_priority)
                preempted = True
            status = _tcp._nx_tcp_socket_thread_suspend(socket_ptr, socket_ptr.nx_tcp_socket_transmit_suspension_list,
                                                        "transmit", wait_option, NX_WINDOW_OVERFLOW)
            if status != NX_SUCCESS:
                restore()
                return status
            _lock(ip)
            continue
        if not socket_ptr.nx_tcp_socket_zero_window_probe_has_data:
            _probe_from(socket_ptr, packet_ptr)
        _unlock(ip)
        if len(socket_ptr._tx_queue) < socket_ptr.nx_tcp_socket_transmit_queue_maximum:
            return NX_WINDOW_OVERFLOW
        return NX_TX_QUEUE_DEPTH


def _packet_data(packet: NX_PACKET, size: int) -> bytes:
    """The first ``size`` data bytes of a packet (chain)."""
    if packet.nx_packet_next is None:
        return packet._mem.read(packet._prepend, size)
    return packet.chain_bytes()[:size]


def _consume(packet: NX_PACKET, amount: int) -> None:
    """Advance the application packet past ``amount`` sent bytes, as NetX does (emptied
    buffers keep an aligned-down, empty data area)."""
    current = packet
    while amount > current._append - current._prepend:
        held = current._append - current._prepend
        packet.nx_packet_length -= held
        amount -= held
        current._append &= ~3
        current._prepend = current._append
        current = current.nx_packet_next
    packet.nx_packet_length -= amount
    current._prepend += amount


def _probe_from(socket: NX_TCP_SOCKET, packet: NX_PACKET) -> None:
    """Remember the first unsent byte for a zero-window probe (send_internal does)."""
    socket.nx_tcp_socket_zero_window_probe_has_data = True
    first = _packet_data(packet, 1)
    socket.nx_tcp_socket_zero_window_probe_data = first[0] if first else 0
    socket.nx_tcp_socket_zero_window_probe_sequence = socket.nx_tcp_socket_tx_sequence
    socket.nx_tcp_socket_zero_window_probe_failure = 0


def _nxe_tcp_socket_send(socket_ptr: NX_TCP_SOCKET, packet_ptr: NX_PACKET, wait_option: int) -> int:
    # _valid_socket and _tcp_enabled, inline (every send passes here)
    if socket_ptr is None or socket_ptr.nx_tcp_socket_id != NX_TCP_ID:
        return NX_PTR_ERROR
    if packet_ptr is None or packet_ptr.nx_packet_tcp_queue_next != NX_PACKET_ALLOCATED:
        return NX_INVALID_PACKET
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    if ip is None or not ip.nx_ip_tcp_enabled:
        return NX_NOT_ENABLED
    if not socket_ptr.nx_tcp_socket_connect_ip.nxd_ip_version:
        return NX_NOT_CONNECTED
    if packet_ptr._prepend - packet_ptr._start < 20 + 20:
        socket_ptr.nx_tcp_socket_ip_ptr.nx_ip_tcp_invalid_packets += 1
        return NX_UNDERFLOW
    if packet_ptr._append > packet_ptr._end:
        socket_ptr.nx_tcp_socket_ip_ptr.nx_ip_tcp_invalid_packets += 1
        return NX_OVERFLOW
    k = _kernel_module._current or kernel()   # nx_threads_only_caller_error, inline
    current = k.current_ptr
    if k.system_state != 0 or current is None or current is k.timer_thread:
        return NX_CALLER_ERROR
    return _nx_tcp_socket_send(socket_ptr, packet_ptr, wait_option)


nx_tcp_socket_send = c_service(
    "UINT nx_tcp_socket_send(NX_TCP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, ULONG wait_option)",
    nx_service(_nxe_tcp_socket_send, _nx_tcp_socket_send))


# =========================================================================== receive
def _nx_tcp_socket_receive(socket_ptr: NX_TCP_SOCKET, wait_option: int) -> tuple[int, NX_PACKET | None]:
    """``nx_tcp_socket_receive``: (status, packet): the next in-order segment (prepend at
    its data), or wait up to ``wait_option`` for one (handed over directly by the IP
    thread). Taking data reopens the window; a growth of half the default window or more
    is advertised at once.

    Statuses: NX_SUCCESS, NX_NO_PACKET (nothing, or time-out while ESTABLISHED),
    NX_NOT_CONNECTED, NX_NOT_BOUND, NX_WAIT_ABORTED; from the checking layer NX_PTR_ERROR,
    NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is None:
        return _socket_receive(socket_ptr, wait_option)
    # The packet, its length and rx_sequence are filled in once known (NX_TRACE_EVENT_UPDATE).
    token = tb.insert(_nxt.NX_TRACE_TCP_SOCKET_RECEIVE, socket_ptr, 0, 0, 0, _nxt.NX_TRACE_TCP_EVENTS)
    status, packet = _socket_receive(socket_ptr, wait_option)
    if packet is not None:
        tb.update(token, 2, packet)
        tb.update(token, 3, packet.nx_packet_length)
        tb.update(token, 4, socket_ptr.nx_tcp_socket_rx_sequence)
    return status, packet


def _socket_receive(socket_ptr: NX_TCP_SOCKET, wait_option: int) -> tuple[int, NX_PACKET | None]:
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    protection = ip.nx_ip_protection
    k = _kernel_module._current or kernel()
    _tx_mutex_get(protection, TX_WAIT_FOREVER)
    if not socket_ptr.nx_tcp_socket_bound:
        _unlock(ip)
        return NX_NOT_BOUND, None
    queue = socket_ptr._rx_queue
    state = socket_ptr.nx_tcp_socket_state
    if not queue and (state < NX_TCP_SYN_SENT or state == NX_TCP_CLOSE_WAIT or state >= NX_TCP_CLOSING):
        _unlock(ip)
        return NX_NOT_CONNECTED, None
    if queue and queue[0].nx_packet_queue_next == NX_PACKET_READY:
        packet = queue.pop(0)
        packet.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        packet.nx_packet_queue_next = None
        packet._prepend += packet._tcp_hlen
        packet.nx_packet_length -= packet._tcp_hlen
        if queue:
            socket_ptr.nx_tcp_socket_rx_window_current += packet.nx_packet_length
        else:
            socket_ptr.nx_tcp_socket_rx_window_current = socket_ptr.nx_tcp_socket_rx_window_default
        if socket_ptr.nx_tcp_socket_state in (NX_TCP_ESTABLISHED, NX_TCP_FIN_WAIT_1, NX_TCP_FIN_WAIT_2) and \
                socket_ptr.nx_tcp_socket_rx_window_current - socket_ptr.nx_tcp_socket_rx_window_last_sent \
                >= socket_ptr.nx_tcp_socket_rx_window_default // 2:
            _nx_tcp_packet_send_ack(socket_ptr, socket_ptr.nx_tcp_socket_tx_sequence)
        _tx_mutex_put(ip.nx_ip_protection)
        return NX_SUCCESS, packet
    k = _kernel_module._current or kernel()
    current = k.current_ptr
    # _may_suspend, inline: a thread other than this instance's IP thread, with a wait
    if wait_option and k.system_state == 0 and current is not None and current is not k.timer_thread and not (ip.kernel is not None and ip.kernel.current_ptr is ip.nx_ip_thread):
        thread = k.current_ptr
        status = _tcp._nx_tcp_socket_thread_suspend(socket_ptr, socket_ptr.nx_tcp_socket_receive_suspension_list,
                                                    "receive", wait_option, NX_NO_PACKET)
        if status == NX_SUCCESS:
            return NX_SUCCESS, thread.suspend_info.data if thread.suspend_info is not None else None
        return status, None
    _unlock(ip)
    return NX_NO_PACKET, None


def _nxe_tcp_socket_receive(socket_ptr: NX_TCP_SOCKET, wait_option: int) -> tuple[int, NX_PACKET | None]:
    # _valid_socket and _tcp_enabled, inline (every receive passes here)
    if socket_ptr is None or socket_ptr.nx_tcp_socket_id != NX_TCP_ID:
        return NX_PTR_ERROR, None
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    if ip is None or not ip.nx_ip_tcp_enabled:
        return NX_NOT_ENABLED, None
    k = _kernel_module._current or kernel()   # nx_threads_only_caller_error, inline
    current = k.current_ptr
    if k.system_state != 0 or current is None or current is k.timer_thread:
        return NX_CALLER_ERROR, None
    if _trace.active is None:   # _nx_tcp_socket_receive's untraced case, one call less
        return _socket_receive(socket_ptr, wait_option)
    return _nx_tcp_socket_receive(socket_ptr, wait_option)


nx_tcp_socket_receive = c_service(
    "UINT nx_tcp_socket_receive(NX_TCP_SOCKET *socket_ptr, ULONG wait_option)",
    nx_service(_nxe_tcp_socket_receive, _nx_tcp_socket_receive))


# Sibling modules of tcp_socket, bound once all are loaded.
from .tcp_socket_info import _nx_tcp_socket_state_wait  # noqa: E402

__all__ = [name for name in dir() if name.startswith(("nx_tcp_", "_nx_tcp_", "_nxe_tcp_", "nxd_tcp_",
                                                      "_nxd_tcp_", "_nxde_tcp_"))]
