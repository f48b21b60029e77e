"""NetX TCP sockets: ``NX_TCP_SOCKET`` and the ``nx_tcp_*socket*`` services (netxduo
``nx_tcp_socket_create.c``, ``nx_tcp_client_socket_*.c``, ``nxd_tcp_client_socket_connect.c``,
``nx_tcp_server_socket_*.c``, ``nx_tcp_socket_send_internal.c``, ``nx_tcp_socket_receive.c``,
``nx_tcp_socket_disconnect.c``, ``nx_tcp_socket_*``; checks in ``nxe_tcp_*.c``).

Each service is a core ``_nx_`` (what the SMTP client module, compiled without error
checking, calls), a checked ``_nxe_`` and the public ``nx_``. Blocking services suspend
through :func:`netxsim.nx.tcp._nx_tcp_socket_thread_suspend`: their time-outs are
completed by the IP thread (deferred clean-up), and a call from the IP thread itself
never suspends.
"""
from __future__ import annotations

from typing import Any, Callable

from netxsim.tx.memory import c_string
from netxsim.boundary import c_service, control_block, memset_control_block
from netxsim.tx.constants import TX_WAIT_FOREVER
from netxsim.tx.kernel import kernel
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put
from netxsim.tx.sizeof import register_size
from netxsim.tx.thread import _tx_thread_preemption_change, _tx_thread_sleep

from . import ip as _ip
from . import tcp as _tcp
from .config import nx_init_and_threads_caller_error, nx_service, nx_threads_only_caller_error
from .constants import (
    NX_NOT_SUPPORTED, NX_ALREADY_BOUND, NX_CALLER_ERROR, NX_CONNECTION_PENDING, NX_DISCONNECT_FAILED,
    NX_DUPLICATE_LISTEN, NX_ENTRY_NOT_FOUND, NX_IN_PROGRESS, NX_INVALID_PACKET, NX_INVALID_PORT,
    NX_INVALID_RELISTEN, NX_IP_ADDRESS_ERROR, NX_IPv4_TCP_PACKET, NX_MAX_LISTEN, NX_NO_FREE_PORTS,
    NX_NO_PACKET, NX_NOT_BOUND, NX_NOT_CLOSED, NX_NOT_CONNECTED, NX_NOT_CREATED, NX_NOT_ENABLED,
    NX_NOT_LISTEN_STATE, NX_NOT_SUCCESSFUL, NX_OPTION_ERROR, NX_OVERFLOW, NX_PACKET_ALLOCATED,
    NX_PACKET_ENQUEUED, NX_PACKET_READY, NX_PORT_UNAVAILABLE, NX_PTR_ERROR, NX_SEARCH_PORT_START,
    NX_STILL_BOUND, NX_SUCCESS, NX_TX_QUEUE_DEPTH, NX_UNDERFLOW, NX_WINDOW_OVERFLOW,
)
from .packet import NX_PACKET, _nx_packet_allocate, _nx_packet_data_append, _nx_packet_release
from .tcp import (
    NX_TCP_CLOSE_WAIT, NX_TCP_CLOSED, NX_TCP_CLOSING, NX_TCP_ESTABLISHED, NX_TCP_FIN_WAIT_1,
    NX_TCP_FIN_WAIT_2, NX_TCP_ID, NX_TCP_LAST_ACK, NX_TCP_LISTEN, NX_TCP_LISTEN_STATE,
    NX_TCP_SYN_RECEIVED, NX_TCP_SYN_SENT, NX_TCP_TIMED_WAIT, NXD_ADDRESS, NX_RAND, _tcp_fields,
    _tcp_wake, _tcp_wake_list,
)
from .tcp_input import _usable_window
from .tcp_output import (
    _nx_tcp_packet_send_ack, _nx_tcp_packet_send_fin, _nx_tcp_packet_send_rst, _nx_tcp_packet_send_syn,
    _ip_send, _write_data_header, _write_sequence_and_checksum,
)
from ..tx import trace as _trace
from . import trace as _nxt
from . import tcp_fast

SIZEOF_NX_TCP_SOCKET = 332  # placeholder for C ports' memory arithmetic (32-bit build)
register_size("NX_TCP_SOCKET", SIZEOF_NX_TCP_SOCKET)
_M32 = 0xFFFFFFFF
_KIND = "tcp_socket"


class _TracedState:
    """``nx_tcp_socket_state`` as a set-only descriptor: reads go straight to the instance
    dict (no cost), every change records NX_TRACE_INTERNAL_TCP_STATE_CHANGE (ip, socket,
    previous state, new state) while tracing, as NetX does before each transition."""

    def __set__(self, socket: "NX_TCP_SOCKET", state: int) -> None:
        fields = socket.__dict__
        tb = _trace.active
        if tb is not None:
            previous = fields.get("nx_tcp_socket_state", state)
            if previous != state:
                tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_STATE_CHANGE, socket.nx_tcp_socket_ip_ptr, socket,
                          previous, state, _nxt.NX_TRACE_INTERNAL_EVENTS)
        fields["nx_tcp_socket_state"] = state


@control_block
class NX_TCP_SOCKET:
    """``NX_TCP_SOCKET`` control block (C field names). The transmit queue is the list
    ``_tx_queue`` (head first) and the receive queue ``_rx_queue``; the C head/tail/count
    fields are derived from them."""

    nx_tcp_socket_state = _TracedState()

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.nx_tcp_socket_id = 0
        self.nx_tcp_socket_name = ""
        self.nx_tcp_socket_ip_ptr: Any = None
        self.nx_tcp_socket_client_type = True
        self.nx_tcp_socket_port = 0
        self.nx_tcp_socket_bound = False
        self.nx_tcp_socket_bind_in_progress: Any = None
        self.nx_tcp_socket_connect_ip = NXD_ADDRESS()
        self.nx_tcp_socket_connect_port = 0
        self.nx_tcp_socket_connect_interface: Any = None
        self.nx_tcp_socket_next_hop_address = 0
        self.nx_tcp_socket_state = NX_TCP_CLOSED
        self.nx_tcp_socket_tx_sequence = 0
        self.nx_tcp_socket_rx_sequence = 0
        self.nx_tcp_socket_rx_sequence_acked = 0
        self.nx_tcp_socket_delayed_ack_timeout = 0
        self.nx_tcp_socket_fin_sequence = 0
        self.nx_tcp_socket_fin_received = False
        self.nx_tcp_socket_fin_acked = False
        self.nx_tcp_socket_tx_window_advertised = 0
        self.nx_tcp_socket_tx_window_congestion = 0
        self.nx_tcp_socket_tx_outstanding_bytes = 0
        self.nx_tcp_socket_tx_sequence_recover = 0
        self.nx_tcp_socket_previous_highest_ack = 0
        self.nx_tcp_socket_tx_slow_start_threshold = 0
        self.nx_tcp_socket_duplicated_ack_received = 0
        self.nx_tcp_socket_fast_recovery = False
        self.nx_tcp_socket_rx_window_default = 0
        self.nx_tcp_socket_rx_window_current = 0
        self.nx_tcp_socket_rx_window_last_sent = 0
        self.nx_tcp_socket_rx_window_maximum = 0
        self.nx_tcp_socket_packets_sent = 0
        self.nx_tcp_socket_bytes_sent = 0
        self.nx_tcp_socket_packets_received = 0
        self.nx_tcp_socket_bytes_received = 0
        self.nx_tcp_socket_retransmit_packets = 0
        self.nx_tcp_socket_checksum_errors = 0
        self.nx_tcp_socket_mss = 0
        self.nx_tcp_socket_connect_mss = 0
        self.nx_tcp_socket_connect_mss2 = 0
        self.nx_tcp_socket_peer_mss = 0
        self.nx_tcp_socket_type_of_service = 0
        self.nx_tcp_socket_time_to_live = 0
        self.nx_tcp_socket_fragment_enable = 0
        self.nx_tcp_socket_receive_queue_maximum = 0   # set at create with NX_ENABLE_LOW_WATERMARK
        self.nx_tcp_socket_ack_n_packet_counter = 0
        # Build options this socket uses, read once at create (tcp_input's hot path).
        self._low_watermark = False
        self._max_out_of_order: int | None = None
        self._ack_every_n: int | None = None
        self.nx_tcp_socket_transmit_queue_maximum = 0
        self.nx_tcp_socket_timeout = 0
        self.nx_tcp_socket_timeout_rate = 0
        self.nx_tcp_socket_timeout_retries = 0
        self.nx_tcp_socket_timeout_max_retries = 0
        self.nx_tcp_socket_timeout_shift = 0
        self.nx_tcp_socket_zero_window_probe_has_data = False
        self.nx_tcp_socket_zero_window_probe_data = 0
        self.nx_tcp_socket_zero_window_probe_sequence = 0
        self.nx_tcp_socket_zero_window_probe_failure = 0
        self.nx_tcp_socket_keepalive_enabled = False
        self.nx_tcp_socket_keepalive_timeout = 0
        self.nx_tcp_socket_keepalive_retries = 0
        self.nx_tcp_urgent_data_callback: Callable | None = None
        self.nx_tcp_disconnect_callback: Callable | None = None
        self.nx_tcp_receive_callback: Callable | None = None
        self.nx_tcp_socket_window_update_notify: Callable | None = None
        self.nx_tcp_establish_notify: Callable | None = None
        self.nx_tcp_disconnect_complete_notify: Callable | None = None
        self.nx_tcp_timed_wait_callback: Callable | None = None
        self.nx_tcp_socket_bind_suspension_list: list = []
        self.nx_tcp_socket_connect_suspension_list: list = []
        self.nx_tcp_socket_disconnect_suspension_list: list = []
        self.nx_tcp_socket_receive_suspension_list: list = []
        self.nx_tcp_socket_transmit_suspension_list: list = []
        self._tx_queue: list[NX_PACKET] = []
        self._rx_queue: list[NX_PACKET] = []

    # ---- C views of the queues and single-waiter slots
    @property
    def name(self) -> str:
        return self.nx_tcp_socket_name

    @property
    def nx_tcp_socket_transmit_sent_count(self) -> int:
        return len(self._tx_queue)

    @property
    def nx_tcp_socket_transmit_sent_head(self) -> NX_PACKET | None:
        return self._tx_queue[0] if self._tx_queue else None

    @property
    def nx_tcp_socket_transmit_sent_tail(self) -> NX_PACKET | None:
        return self._tx_queue[-1] if self._tx_queue else None

    @property
    def nx_tcp_socket_receive_queue_count(self) -> int:
        return len(self._rx_queue)

    @property
    def nx_tcp_socket_receive_queue_head(self) -> NX_PACKET | None:
        return self._rx_queue[0] if self._rx_queue else None

    @property
    def nx_tcp_socket_receive_queue_tail(self) -> NX_PACKET | None:
        return self._rx_queue[-1] if self._rx_queue else None

    @property
    def nx_tcp_socket_connect_suspended_thread(self) -> Any:
        return self.nx_tcp_socket_connect_suspension_list[0] if self.nx_tcp_socket_connect_suspension_list else None

    @property
    def nx_tcp_socket_disconnect_suspended_thread(self) -> Any:
        lst = self.nx_tcp_socket_disconnect_suspension_list
        return lst[0] if lst else None

    @property
    def nx_tcp_socket_receive_suspended_count(self) -> int:
        return len(self.nx_tcp_socket_receive_suspension_list)

    @property
    def nx_tcp_socket_transmit_suspended_count(self) -> int:
        return len(self.nx_tcp_socket_transmit_suspension_list)

    @property
    def nx_tcp_socket_bind_suspended_count(self) -> int:
        return len(self.nx_tcp_socket_bind_suspension_list)

    def _wait_lists(self) -> tuple[list, ...]:
        return (self.nx_tcp_socket_bind_suspension_list, self.nx_tcp_socket_connect_suspension_list,
                self.nx_tcp_socket_disconnect_suspension_list, self.nx_tcp_socket_receive_suspension_list,
                self.nx_tcp_socket_transmit_suspension_list)

    def __repr__(self) -> str:
        return (f"<NX_TCP_SOCKET {self.nx_tcp_socket_name!r} port {self.nx_tcp_socket_port} "
                f"{_tcp.NX_TCP_STATE_NAMES.get(self.nx_tcp_socket_state, self.nx_tcp_socket_state)}>")


def _valid_socket(socket: object) -> bool:
    return socket is not None and socket.nx_tcp_socket_id == NX_TCP_ID


def _tcp_enabled(socket: NX_TCP_SOCKET) -> bool:
    ip = socket.nx_tcp_socket_ip_ptr
    return ip is not None and bool(ip.nx_ip_tcp_enabled)


def _lock(ip: Any) -> None:
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)


def _unlock(ip: Any) -> None:
    _tx_mutex_put(ip.nx_ip_protection)


def _may_suspend(ip: Any, wait_option: int) -> bool:
    return bool(wait_option) and kernel().in_thread and not _ip.ip_thread_is_current(ip)


# ========================================================================= clean-ups
def _wait_socket_cleanup(wait: Any, thread: Any) -> None:
    """Socket side of NetX's wait clean-ups, run when a TCP wait ends without its event
    (time-out completed by the IP thread, abort, reset, disconnect)."""
    socket = wait.socket
    if wait.kind == "connect":
        socket.nx_tcp_socket_timeout = 0
        if socket.nx_tcp_socket_client_type:
            socket.nx_tcp_socket_state = NX_TCP_CLOSED
        else:
            socket.nx_tcp_socket_state = NX_TCP_LISTEN_STATE
            socket.nx_tcp_socket_rx_sequence = (socket.nx_tcp_socket_rx_sequence - 1) & _M32
    elif wait.kind == "bind":
        wait.data.nx_tcp_socket_bind_in_progress = None


def _end_waits(wait_list: list, status_of: Callable[[], int]) -> None:
    k = kernel()
    k.preempt_disable += 1
    while wait_list:
        k.end_wait(wait_list[0], status_of())
    k.preempt_disable -= 1


def _receive_status(socket: NX_TCP_SOCKET) -> int:
    return NX_NO_PACKET if socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED else NX_NOT_CONNECTED


def _transmit_status(socket: NX_TCP_SOCKET) -> int:
    if socket.nx_tcp_socket_state != NX_TCP_ESTABLISHED:
        return NX_NOT_CONNECTED
    if len(socket._tx_queue) < socket.nx_tcp_socket_transmit_queue_maximum:
        return NX_WINDOW_OVERFLOW
    return NX_TX_QUEUE_DEPTH


# The deferred clean-up (tcp.py) uses the same status rules.
_tcp._transmit_timeout_status = _transmit_status  # type: ignore[attr-defined]


def _nx_tcp_socket_block_cleanup(socket: NX_TCP_SOCKET) -> None:
    """``_nx_tcp_socket_block_cleanup``: forget the peer; client → CLOSED, server →
    LISTEN."""
    socket.nx_tcp_socket_connect_ip.nxd_ip_version = 0
    socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4 = 0
    socket.nx_tcp_socket_connect_port = 0
    socket.nx_tcp_socket_zero_window_probe_has_data = False
    socket.nx_tcp_socket_timeout = 0
    socket.nx_tcp_socket_duplicated_ack_received = 0
    socket.nx_tcp_socket_fast_recovery = False
    socket.nx_tcp_socket_state = NX_TCP_CLOSED if socket.nx_tcp_socket_client_type else NX_TCP_LISTEN_STATE


def _nx_tcp_socket_transmit_queue_flush(socket: NX_TCP_SOCKET) -> None:
    """``_nx_tcp_socket_transmit_queue_flush``: give back every queued segment (those still
    in the driver are freed by its transmit release)."""
    queue = socket._tx_queue
    socket._tx_queue = []
    for packet in queue:
        packet.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        if packet.nx_packet_queue_next == NX_DRIVER_TX_DONE:
            _nx_packet_release(packet)
    socket.nx_tcp_socket_tx_outstanding_bytes = 0


def _nx_tcp_socket_receive_queue_flush(socket: NX_TCP_SOCKET) -> None:
    """``_nx_tcp_socket_receive_queue_flush``: release every received segment."""
    queue = socket._rx_queue
    socket._rx_queue = []
    for packet in queue:
        packet.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        packet.nx_packet_queue_next = None
        _nx_packet_release(packet)


def _nx_tcp_socket_connection_reset(socket: NX_TCP_SOCKET) -> None:
    """``_nx_tcp_socket_connection_reset``: drop the connection; every waiter is woken
    (receive/send/connect → NX_NOT_CONNECTED, disconnect → NX_DISCONNECT_FAILED)."""
    k = kernel()
    saved = socket.nx_tcp_socket_state
    _nx_tcp_socket_block_cleanup(socket)
    if socket._tx_queue:
        _nx_tcp_socket_transmit_queue_flush(socket)
    k.preempt_disable += 1
    _end_waits(socket.nx_tcp_socket_receive_suspension_list, lambda: _receive_status(socket))
    _end_waits(socket.nx_tcp_socket_transmit_suspension_list, lambda: _transmit_status(socket))
    _end_waits(socket.nx_tcp_socket_connect_suspension_list, lambda: NX_NOT_CONNECTED)
    _end_waits(socket.nx_tcp_socket_disconnect_suspension_list, lambda: NX_DISCONNECT_FAILED)
    k.preempt_disable -= 1
    if saved == NX_TCP_ESTABLISHED and socket.nx_tcp_disconnect_callback is not None:
        socket.nx_tcp_disconnect_callback(socket)
    if socket.nx_tcp_disconnect_complete_notify is not None:
        socket.nx_tcp_disconnect_complete_notify(socket)
    k.preempt_check()


# ============================================================================ create
def _nx_tcp_socket_create(ip_ptr: Any, socket_ptr: NX_TCP_SOCKET, name: str, type_of_service: int,
                          fragment: int, time_to_live: int, window_size: int,
                          tcp_urgent_data_callback: Callable | None,
                          tcp_socket_disconnect_callback: Callable | None) -> int:
    """``nx_tcp_socket_create``: a CLOSED socket on ``ip_ptr`` with receive window
    ``window_size``, MSS 1460, RTO 100 ticks, 10 retries, shift 0, queue depth 20.

    Statuses: NX_SUCCESS; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED,
    NX_OPTION_ERROR (TOS, fragment, TTL or window out of range), NX_CALLER_ERROR.
    """
    _tcp_fields(ip_ptr)
    tb = _trace.active
    if tb is not None:
        # Recorded before the protection mutex is taken, as the C does: the zeroed control
        # block's state 0 becoming CLOSED, the registry entry, the create event.
        tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_STATE_CHANGE, ip_ptr, socket_ptr, 0, NX_TCP_CLOSED,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
        tb.register(_nxt.NX_TRACE_OBJECT_TYPE_TCP_SOCKET, socket_ptr,
                    name if isinstance(name, str) else bytes(name or b"").decode(), type_of_service, window_size)
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_CREATE, ip_ptr, socket_ptr, type_of_service, window_size,
                  _nxt.NX_TRACE_TCP_EVENTS)
    _lock(ip_ptr)
    memset_control_block(socket_ptr)
    socket_ptr.nx_tcp_socket_name = c_string(name)
    socket_ptr.nx_tcp_socket_ip_ptr = ip_ptr
    socket_ptr.nx_tcp_socket_type_of_service = type_of_service
    socket_ptr.nx_tcp_socket_fragment_enable = fragment
    socket_ptr.nx_tcp_socket_time_to_live = time_to_live
    socket_ptr.nx_tcp_socket_rx_window_default = window_size
    socket_ptr.nx_tcp_socket_rx_window_current = window_size
    socket_ptr.nx_tcp_socket_rx_window_maximum = window_size
    build = ip_ptr.nx_config
    socket_ptr.nx_tcp_socket_connect_mss = build.NX_TCP_MSS_SIZE
    fast, ack, transmit, _ = _tcp._rates()
    socket_ptr.nx_tcp_socket_delayed_ack_timeout = ack
    socket_ptr.nx_tcp_socket_timeout_rate = transmit
    socket_ptr.nx_tcp_socket_timeout_max_retries = build.NX_TCP_MAXIMUM_RETRIES
    socket_ptr.nx_tcp_socket_timeout_shift = build.NX_TCP_RETRY_SHIFT
    socket_ptr.nx_tcp_socket_transmit_queue_maximum = build.NX_TCP_MAXIMUM_TX_QUEUE
    socket_ptr._low_watermark = bool(build.NX_ENABLE_LOW_WATERMARK)
    if socket_ptr._low_watermark:
        socket_ptr.nx_tcp_socket_receive_queue_maximum = build.NX_TCP_MAXIMUM_RX_QUEUE
    socket_ptr._max_out_of_order = build.NX_TCP_MAX_OUT_OF_ORDER_PACKETS
    socket_ptr._ack_every_n = build.tcp_ack_every_n_packets
    socket_ptr.nx_tcp_socket_ack_n_packet_counter = 1
    socket_ptr.nx_tcp_urgent_data_callback = tcp_urgent_data_callback
    socket_ptr.nx_tcp_disconnect_callback = tcp_socket_disconnect_callback
    socket_ptr.nx_tcp_socket_keepalive_enabled = bool(build.NX_ENABLE_TCP_KEEPALIVE)
    socket_ptr.nx_tcp_socket_id = NX_TCP_ID
    socket_ptr._netxsim_run = kernel().serial
    ip_ptr.nx_ip_tcp_created_sockets.append(socket_ptr)
    _unlock(ip_ptr)
    return NX_SUCCESS


def _nxe_tcp_socket_create(ip_ptr: Any, socket_ptr: NX_TCP_SOCKET, name: str, type_of_service: int,
                           fragment: int, time_to_live: int, window_size: int,
                           tcp_urgent_data_callback: Callable | None = None,
                           tcp_socket_disconnect_callback: Callable | None = None) -> int:
    if not _ip._valid_ip(ip_ptr) or socket_ptr is None:
        return NX_PTR_ERROR
    if nx_init_and_threads_caller_error(kernel()):
        return NX_CALLER_ERROR
    if socket_ptr in getattr(ip_ptr, "nx_ip_tcp_created_sockets", ()):
        return NX_PTR_ERROR
    if not ip_ptr.nx_ip_tcp_enabled:
        return NX_NOT_ENABLED
    if type_of_service & ~_ip.NX_IP_TOS_MASK or fragment not in (_ip.NX_FRAGMENT_OKAY, _ip.NX_DONT_FRAGMENT) \
            or time_to_live > 0xFF000000 or not 1 <= window_size <= 0xFFFF:
        return NX_OPTION_ERROR
    return _nx_tcp_socket_create(ip_ptr, socket_ptr, name, type_of_service, fragment, time_to_live,
                                 window_size, tcp_urgent_data_callback, tcp_socket_disconnect_callback)


nx_tcp_socket_create = c_service(
    "UINT nx_tcp_socket_create(NX_IP *ip_ptr, NX_TCP_SOCKET *socket_ptr, CHAR *name, ULONG type_of_service, ULONG fragment, UINT time_to_live, ULONG window_size, VOID (*tcp_urgent_data_callback)(NX_TCP_SOCKET *socket_ptr) = None, VOID (*tcp_disconnect_callback)(NX_TCP_SOCKET *socket_ptr) = None)",
    nx_service(_nxe_tcp_socket_create, _nx_tcp_socket_create))


def _nx_tcp_socket_delete(socket_ptr: NX_TCP_SOCKET) -> int:
    """``nx_tcp_socket_delete``: NX_STILL_BOUND while bound, binding or not CLOSED.

    Statuses: NX_SUCCESS, NX_STILL_BOUND, NX_NOT_CREATED; from the checking layer
    NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_DELETE, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  socket_ptr.nx_tcp_socket_state, 0, _nxt.NX_TRACE_TCP_EVENTS)
        tb.unregister(socket_ptr)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    if ip is None:
        return NX_NOT_CREATED
    _lock(ip)
    if socket_ptr.nx_tcp_socket_id != NX_TCP_ID:
        _unlock(ip)
        return NX_NOT_CREATED
    if socket_ptr.nx_tcp_socket_bound or socket_ptr.nx_tcp_socket_bind_in_progress is not None or \
            socket_ptr.nx_tcp_socket_state != NX_TCP_CLOSED:
        _unlock(ip)
        return NX_STILL_BOUND
    socket_ptr.nx_tcp_socket_id = 0
    if socket_ptr in ip.nx_ip_tcp_created_sockets:
        ip.nx_ip_tcp_created_sockets.remove(socket_ptr)
    _unlock(ip)
    return NX_SUCCESS


def _nxe_tcp_socket_delete(socket_ptr: NX_TCP_SOCKET) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_socket_delete(socket_ptr)


nx_tcp_socket_delete = c_service(
    "UINT nx_tcp_socket_delete(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_socket_delete, _nx_tcp_socket_delete))


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
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
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
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
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
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
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
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
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
    if nx_threads_only_caller_error(kernel()):
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
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)
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
    k = kernel()
    # _may_suspend, inline: a thread other than this instance's IP thread, with a wait
    if wait_option and k.in_thread and not (ip.kernel is not None and ip.kernel.current_ptr is ip.nx_ip_thread):
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
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR, None
    return _nx_tcp_socket_receive(socket_ptr, wait_option)


nx_tcp_socket_receive = c_service(
    "UINT nx_tcp_socket_receive(NX_TCP_SOCKET *socket_ptr, ULONG wait_option)",
    nx_service(_nxe_tcp_socket_receive, _nx_tcp_socket_receive))


# ======================================================================== disconnect
class _RstHeader:
    """The header ``nx_tcp_socket_disconnect`` fakes for its RST (ACK set, so the RST
    carries seq = tx_sequence)."""

    def __init__(self, socket: NX_TCP_SOCKET) -> None:
        self.flags = 0x10
        self.ack = socket.nx_tcp_socket_tx_sequence
        self.seq = socket.nx_tcp_socket_rx_sequence


def _nx_tcp_socket_disconnect(socket_ptr: NX_TCP_SOCKET, wait_option: int) -> int:
    """``nx_tcp_socket_disconnect``: SYN_SENT/SYN_RECEIVED → closed at once; with
    NX_NO_WAIT an established connection is reset (RST, NX_IN_PROGRESS); otherwise a FIN
    is sent and the caller waits for the close handshake (NX_DISCONNECT_FAILED on
    time-out, socket closed silently). Queued segments are released and all other
    waiters woken.

    Statuses: NX_SUCCESS, NX_IN_PROGRESS, NX_NOT_CONNECTED, NX_DISCONNECT_FAILED,
    NX_WAIT_ABORTED; from the checking layer NX_PTR_ERROR, NX_NOT_ENABLED, NX_CALLER_ERROR.
    """
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_TCP_SOCKET_DISCONNECT, socket_ptr.nx_tcp_socket_ip_ptr, socket_ptr,
                  wait_option, socket_ptr.nx_tcp_socket_state, _nxt.NX_TRACE_TCP_EVENTS)
    ip = socket_ptr.nx_tcp_socket_ip_ptr
    k = kernel()
    status = NX_SUCCESS
    _lock(ip)
    ip.nx_ip_tcp_disconnections += 1
    state = socket_ptr.nx_tcp_socket_state
    if state not in (NX_TCP_ESTABLISHED, NX_TCP_SYN_SENT, NX_TCP_SYN_RECEIVED, NX_TCP_CLOSE_WAIT):
        _unlock(ip)
        return NX_NOT_CONNECTED
    if state in (NX_TCP_SYN_SENT, NX_TCP_SYN_RECEIVED):
        if state == NX_TCP_SYN_RECEIVED and (socket_ptr.nx_tcp_socket_client_type
                                             or socket_ptr.nx_tcp_socket_connect_interface is not None):
            socket_ptr.nx_tcp_socket_timeout = socket_ptr.nx_tcp_socket_timeout_rate
            socket_ptr.nx_tcp_socket_timeout_retries = 0
            socket_ptr.nx_tcp_socket_tx_sequence = (socket_ptr.nx_tcp_socket_tx_sequence + 1) & _M32
            _nx_tcp_packet_send_fin(socket_ptr, (socket_ptr.nx_tcp_socket_tx_sequence - 1) & _M32)
        if socket_ptr.nx_tcp_socket_client_type:
            socket_ptr.nx_tcp_socket_state = NX_TCP_CLOSED
        else:
            socket_ptr.nx_tcp_socket_state = NX_TCP_LISTEN_STATE
            socket_ptr.nx_tcp_socket_rx_sequence = (socket_ptr.nx_tcp_socket_rx_sequence - 1) & _M32
        socket_ptr.nx_tcp_socket_timeout = 0
    elif wait_option == 0:
        _nx_tcp_packet_send_rst(socket_ptr, _RstHeader(socket_ptr))
        _nx_tcp_socket_block_cleanup(socket_ptr)
        status = NX_IN_PROGRESS
    else:
        socket_ptr.nx_tcp_socket_state = NX_TCP_FIN_WAIT_1 if state != NX_TCP_CLOSE_WAIT else NX_TCP_LAST_ACK
        if not socket_ptr._tx_queue:
            socket_ptr.nx_tcp_socket_timeout = socket_ptr.nx_tcp_socket_timeout_rate
            socket_ptr.nx_tcp_socket_timeout_retries = 0
        socket_ptr.nx_tcp_socket_tx_sequence = (socket_ptr.nx_tcp_socket_tx_sequence + 1) & _M32
        _nx_tcp_packet_send_fin(socket_ptr, (socket_ptr.nx_tcp_socket_tx_sequence - 1) & _M32)
    if socket_ptr.nx_tcp_socket_state not in (NX_TCP_CLOSED, NX_TCP_LISTEN_STATE) and _may_suspend(ip, wait_option):
        status = _tcp._nx_tcp_socket_thread_suspend(socket_ptr, socket_ptr.nx_tcp_socket_disconnect_suspension_list,
                                                    "disconnect", wait_option, NX_DISCONNECT_FAILED)
        _lock(ip)
        if socket_ptr.nx_tcp_socket_state != NX_TCP_TIMED_WAIT:
            _nx_tcp_socket_block_cleanup(socket_ptr)
    if socket_ptr._tx_queue:
        _nx_tcp_socket_transmit_queue_flush(socket_ptr)
    k.preempt_disable += 1
    _end_waits(socket_ptr.nx_tcp_socket_connect_suspension_list, lambda: NX_NOT_CONNECTED)
    _end_waits(socket_ptr.nx_tcp_socket_receive_suspension_list, lambda: _receive_status(socket_ptr))
    _end_waits(socket_ptr.nx_tcp_socket_transmit_suspension_list, lambda: _transmit_status(socket_ptr))
    k.preempt_disable -= 1
    _unlock(ip)
    k.preempt_check()
    return status


def _nxe_tcp_socket_disconnect(socket_ptr: NX_TCP_SOCKET, wait_option: int) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if nx_threads_only_caller_error(kernel()):
        return NX_CALLER_ERROR
    return _nx_tcp_socket_disconnect(socket_ptr, wait_option)


nx_tcp_socket_disconnect = c_service(
    "UINT nx_tcp_socket_disconnect(NX_TCP_SOCKET *socket_ptr, ULONG wait_option)",
    nx_service(_nxe_tcp_socket_disconnect, _nx_tcp_socket_disconnect))


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


def _simple_checks(socket_ptr: Any, caller: Callable = nx_init_and_threads_caller_error) -> int:
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if caller(kernel()):
        return NX_CALLER_ERROR
    return NX_SUCCESS


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

_ = (NX_DUPLICATE_LISTEN, NX_TCP_CLOSING, NX_TCP_LAST_ACK, NX_TCP_LISTEN, _tcp_wake_list, NX_NO_FREE_PORTS,
     NX_PORT_UNAVAILABLE)

__all__ = [name for name in dir() if name.startswith(("nx_tcp_", "_nx_tcp_", "_nxe_tcp_", "nxd_tcp_",
                                                      "_nxd_tcp_"))] + ["NX_TCP_SOCKET"]

from .constants import NX_DRIVER_TX_DONE  # noqa: E402  (bound once, for the flush)
