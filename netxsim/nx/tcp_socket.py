"""NetX TCP sockets: ``NX_TCP_SOCKET``, the clean-ups shared by the services, create,
delete and disconnect (netxduo ``nx_tcp_socket_create.c``, ``nx_tcp_socket_delete.c``,
``nx_tcp_socket_disconnect.c``, ``nx_tcp_socket_block_cleanup.c``,
``nx_tcp_socket_connection_reset.c``; checks in ``nxe_tcp_*.c``).

The other socket services live in modules by concept — ``tcp_client`` (bind, unbind,
connect), ``tcp_server`` (listen, accept, relisten, unaccept, unlisten),
``tcp_transfer`` (send, receive) and ``tcp_socket_info`` (information and options) —
and every one of their names is importable from here too.

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
import netxsim.tx.kernel as _kernel_module
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


def _simple_checks(socket_ptr: Any, caller: Callable = nx_init_and_threads_caller_error) -> int:
    """The checking layer's common tests of a socket: valid, TCP enabled, a legal caller."""
    if not _valid_socket(socket_ptr):
        return NX_PTR_ERROR
    if not _tcp_enabled(socket_ptr):
        return NX_NOT_ENABLED
    if caller(kernel()):
        return NX_CALLER_ERROR
    return NX_SUCCESS


def _lock(ip: Any) -> None:
    _tx_mutex_get(ip.nx_ip_protection, TX_WAIT_FOREVER)


def _unlock(ip: Any) -> None:
    _tx_mutex_put(ip.nx_ip_protection)


def _may_suspend(ip: Any, wait_option: int) -> bool:
    if not wait_option:
        return False
    k = _kernel_module._current or kernel()
    current = k.current_ptr   # Kernel.in_thread, inline
    return k.system_state == 0 and current is not None and current is not k.timer_thread \
        and not _ip.ip_thread_is_current(ip)


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
    if not wait_list:
        return   # nobody to wake: the preempt_disable bracket below would change nothing
    k = _kernel_module._current or kernel()
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
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    if status:
        return status
    return _nx_tcp_socket_delete(socket_ptr)


nx_tcp_socket_delete = c_service(
    "UINT nx_tcp_socket_delete(NX_TCP_SOCKET *socket_ptr)",
    nx_service(_nxe_tcp_socket_delete, _nx_tcp_socket_delete))


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
    k = _kernel_module._current or kernel()
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
    status = _simple_checks(socket_ptr, nx_threads_only_caller_error)
    if status:
        return status
    return _nx_tcp_socket_disconnect(socket_ptr, wait_option)


nx_tcp_socket_disconnect = c_service(
    "UINT nx_tcp_socket_disconnect(NX_TCP_SOCKET *socket_ptr, ULONG wait_option)",
    nx_service(_nxe_tcp_socket_disconnect, _nx_tcp_socket_disconnect))


# Split by concept; every name stays importable from here.
from .tcp_client import (  # noqa: E402,F401
    _bind_to, _unbind_from, _nx_tcp_client_socket_bind, _nxe_tcp_client_socket_bind,
    nx_tcp_client_socket_bind, _nx_tcp_client_socket_unbind, _nxe_tcp_client_socket_unbind,
    nx_tcp_client_socket_unbind, _nx_tcp_client_socket_port_get, _nxe_tcp_client_socket_port_get,
    nx_tcp_client_socket_port_get, _initial_sequence, _clear_connection, _nxd_tcp_client_socket_connect,
    _nx_tcp_client_socket_connect, _class_abc, _connect_checks, _nxe_tcp_client_socket_connect,
    _nxde_tcp_client_socket_connect, nx_tcp_client_socket_connect, nxd_tcp_client_socket_connect,
)
from .tcp_server import (  # noqa: E402,F401
    _find_listen, _nx_tcp_server_socket_listen, _nxe_tcp_server_socket_listen, nx_tcp_server_socket_listen,
    _nx_tcp_server_socket_accept, _nxe_tcp_server_socket_accept, nx_tcp_server_socket_accept,
    _nx_tcp_server_socket_relisten, _nxe_tcp_server_socket_relisten, nx_tcp_server_socket_relisten,
    _nx_tcp_server_socket_unaccept, _nxe_tcp_server_socket_unaccept, nx_tcp_server_socket_unaccept,
    _nx_tcp_server_socket_unlisten, _nxe_tcp_server_socket_unlisten, nx_tcp_server_socket_unlisten,
)
from .tcp_transfer import (  # noqa: E402,F401
    _nx_tcp_socket_send, _send_segments, _packet_data, _consume, _probe_from, _nxe_tcp_socket_send,
    nx_tcp_socket_send, _nx_tcp_socket_receive, _socket_receive, _nxe_tcp_socket_receive,
    nx_tcp_socket_receive,
)
from .tcp_socket_info import (  # noqa: E402,F401
    _tx_window, _nx_tcp_socket_info_get, _nxe_tcp_socket_info_get, nx_tcp_socket_info_get,
    _nx_tcp_socket_state_wait, _nxe_tcp_socket_state_wait, nx_tcp_socket_state_wait,
    _nx_tcp_socket_receive_queue_max_set, _nxe_tcp_socket_receive_queue_max_set,
    nx_tcp_socket_receive_queue_max_set, _nx_tcp_socket_mss_get, _nxe_tcp_socket_mss_get,
    nx_tcp_socket_mss_get, _nx_tcp_socket_mss_set, _nxe_tcp_socket_mss_set, nx_tcp_socket_mss_set,
    _nx_tcp_socket_mss_peer_get, _nxe_tcp_socket_mss_peer_get, nx_tcp_socket_mss_peer_get,
    _nx_tcp_socket_receive_notify, _nxe_tcp_socket_receive_notify, nx_tcp_socket_receive_notify,
    _nx_tcp_socket_window_update_notify_set, _nxe_tcp_socket_window_update_notify_set,
    nx_tcp_socket_window_update_notify_set, _nx_tcp_socket_transmit_configure,
    _nxe_tcp_socket_transmit_configure, nx_tcp_socket_transmit_configure, _nx_tcp_socket_bytes_available,
    _nxe_tcp_socket_bytes_available, nx_tcp_socket_bytes_available, _nx_tcp_socket_peer_info_get,
    _nxe_tcp_socket_peer_info_get, nx_tcp_socket_peer_info_get,
)

_ = (NX_DUPLICATE_LISTEN, NX_TCP_CLOSING, NX_TCP_LAST_ACK, NX_TCP_LISTEN, _tcp_wake_list, NX_NO_FREE_PORTS,
     NX_PORT_UNAVAILABLE)

__all__ = [name for name in dir() if name.startswith(("nx_tcp_", "_nx_tcp_", "_nxe_tcp_", "nxd_tcp_",
                                                      "_nxd_tcp_"))] + ["NX_TCP_SOCKET"]

from .constants import NX_DRIVER_TX_DONE  # noqa: E402  (bound once, for the flush)
