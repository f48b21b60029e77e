"""TCP header prediction: the common segment on an established connection in far fewer
steps (the fast path BSD and lwIP call header prediction; NetX Duo itself has none).

Two cases take the fast path in the IP thread (:func:`established_segment`):

* in-order data: a segment whose sequence number is exactly the next one expected,
  which fits the receive window, behind nothing out of order;
* a pure ACK (no data) at the expected sequence number, whether or not it acknowledges
  new data.

Both need an ESTABLISHED socket, flags ACK or ACK|PSH only, a 20-byte header (no
options), no FIN seen, no keepalive, no zero-window probe, no fast recovery, no
low-watermark or queue-depth options, and an ACK that neither is a duplicate (which
counts towards fast retransmit) nor acknowledges data never sent. Anything else, and
everything while tracing, goes through the general path (``tcp_input.py``), which is the
reference: the fast path does exactly what it would do for such a segment — the same
counters, the same packet queued or released at the same point, the same waiter woken,
the same ACK sent — in the same order; it only skips the branches that the conditions
above make impossible. The send side of header prediction is in
``tcp_transfer._nx_tcp_socket_send`` (:func:`send_segment`).

``enabled`` (module level) switches both off, to compare or to debug; the tests run the
same transfers both ways and compare every observable.
"""
from __future__ import annotations

import struct
from typing import Any

import netxsim.tx.kernel as _kernel_module
from netxsim.tx.constants import TX_INHERIT, TX_WAIT_FOREVER
from netxsim.tx.mutex import _tx_mutex_get, _tx_mutex_put

from . import frame_check as _frame_check, ip as _ip
from .config import NxConfig
from .constants import (
    NX_DRIVER_TX_DONE, NX_NOT_CONNECTED, NX_PACKET_ALLOCATED, NX_PACKET_ENQUEUED, NX_PACKET_READY, NX_SUCCESS,
)
from .packet import NX_PACKET, _nx_packet_release
from .tcp_output import _HEADER
from .wire import word_sum

# Set False to take every segment and every send through the general path.
enabled = True
# Set False to make send_segment's put and get of the IP mutex through the mutex
# services even when the put is uncontended (see there), to compare or to debug.
pair_mutex = True

_M32 = 0xFFFFFFFF
_SIGN = 0x80000000
_ESTABLISHED = 5    # NX_TCP_ESTABLISHED
_CLOSE_WAIT = 6     # NX_TCP_CLOSE_WAIT
_FIN = 0x01
_SEQUENCE = struct.Struct("!I")
_CHECKSUM = struct.Struct("!H")


def established_segment(ip: Any, socket: Any, packet: NX_PACKET, seq: int, ack: int, window: int,
                        length: int) -> bool:
    """A segment with flags ACK or ACK|PSH and a bare 20-byte header (the caller checked
    both) for ``socket``, carrying ``length`` data bytes. Processes it and returns True
    when it is in the predicted form; returns False having changed nothing otherwise.

    What the general path (``_nx_tcp_socket_packet_process``) does for such a segment,
    step by step: the window check passes (seq is rx_sequence, the data fits); no RST,
    SYN, options or URG to handle; the ACK check releases what the ACK covers and takes
    the window; the data check queues the data as ready and hands it to a waiting
    receiver; ESTABLISHED sees no FIN; the transmit check wakes a blocked sender; a
    packet not queued is released last."""
    if socket.nx_tcp_socket_state != _ESTABLISHED or seq != socket.nx_tcp_socket_rx_sequence \
            or socket.nx_tcp_socket_fin_received or socket.nx_tcp_socket_keepalive_enabled \
            or socket.nx_tcp_socket_zero_window_probe_has_data or socket.nx_tcp_socket_fast_recovery \
            or socket._low_watermark:
        return False
    rx_window = socket.nx_tcp_socket_rx_window_current
    # A closed receive window makes the ACK check answer with an ACK: general path.
    if not 0 < rx_window < _SIGN or length > rx_window:
        return False
    rx_queue = socket._rx_queue
    if rx_queue:
        tail = rx_queue[-1]
        ending_rx = (tail._tcp_seq + tail.nx_packet_length - tail._tcp_hlen) & _M32
        if length and ending_rx != seq:
            return False   # out-of-order data waits on the queue: the general merge
    else:
        ending_rx = seq
    if getattr(socket, "nx_tcp_socket_queue_depth_notify", None) is not None:
        return False

    # ---- the ACK check (_nx_tcp_socket_state_ack_check), no probe: ending_tx = tx_sequence
    tx_sequence = socket.nx_tcp_socket_tx_sequence
    starting_tx = (tx_sequence - socket.nx_tcp_socket_tx_outstanding_bytes) & _M32
    queue = socket._tx_queue
    span = (((ack - starting_tx) & _M32) ^ _SIGN) - _SIGN     # signed distances
    beyond = (((ack - tx_sequence) & _M32) ^ _SIGN) - _SIGN
    if ack == tx_sequence:
        release_count = len(queue)
    else:
        if beyond > 0:
            return False   # acknowledges data never sent: the general path answers it
        if queue and queue[0].nx_packet_queue_next == NX_DRIVER_TX_DONE and ack == starting_tx:
            return False   # a duplicate ACK: counted towards fast retransmit
        release_count = 0
        if 0 < span <= ((((tx_sequence - starting_tx) & _M32) ^ _SIGN) - _SIGN):
            for sent in queue:
                if ((((sent._tcp_seq + sent._tcp_len - starting_tx) & _M32) ^ _SIGN) - _SIGN) > span:
                    break
                release_count += 1
    if release_count:
        recover = socket.nx_tcp_socket_tx_sequence_recover
        if ((((recover - (ack - 2)) & _M32) ^ _SIGN) - _SIGN) < 0:
            socket.nx_tcp_socket_tx_sequence_recover = (ack - 2) & _M32
        socket.nx_tcp_socket_duplicated_ack_received = 0
        socket.nx_tcp_socket_previous_highest_ack = starting_tx
        acked = (ack - starting_tx) & _M32
        mss = socket.nx_tcp_socket_connect_mss
        congestion = socket.nx_tcp_socket_tx_window_congestion
        if congestion >= socket.nx_tcp_socket_tx_slow_start_threshold:
            step = socket.nx_tcp_socket_connect_mss2 // max(congestion, 1)
            socket.nx_tcp_socket_tx_window_congestion = congestion + (step or 1)
        else:
            socket.nx_tcp_socket_tx_window_congestion = congestion + (acked if acked < mss else mss)
    if (0 < span and beyond <= 0) or ((((seq - ending_rx) & _M32) ^ _SIGN) - _SIGN) > 0 \
            or (seq == ending_rx and span >= 0):
        socket.nx_tcp_socket_tx_window_advertised = window
    if socket.nx_tcp_socket_tx_window_advertised <= socket.nx_tcp_socket_tx_outstanding_bytes and \
            ack >= socket.nx_tcp_socket_zero_window_probe_sequence:
        socket.nx_tcp_socket_zero_window_probe_failure = 0
    if release_count:
        released = queue[:release_count]
        del queue[:release_count]
        if queue:
            socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate
            socket.nx_tcp_socket_timeout_retries = 0
        elif socket.nx_tcp_socket_tx_window_advertised != 0:
            socket.nx_tcp_socket_timeout = 0
        for sent in released:
            sent.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
            outstanding = socket.nx_tcp_socket_tx_outstanding_bytes
            socket.nx_tcp_socket_tx_outstanding_bytes = outstanding - sent._tcp_len \
                if outstanding > sent._tcp_len else 0
            if sent.nx_packet_queue_next == NX_DRIVER_TX_DONE:
                _nx_packet_release(sent)
            # else: still in the driver / ARP queue; its transmit release frees it.

    # ---- the data check (_nx_tcp_socket_state_data_check), in order and within the window
    if length:
        packet._tcp_seq = seq
        packet._tcp_hlen = 20
        packet.nx_packet_queue_next = NX_PACKET_READY
        if not rx_queue:
            socket.nx_tcp_socket_delayed_ack_timeout = NxConfig.tcp_rates[1]
        packet.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED
        rx_queue.append(packet)
        socket.nx_tcp_socket_rx_sequence = (seq + length) & _M32
        acked = len(rx_queue)
        ip.nx_ip_tcp_packets_received += 1
        ip.nx_ip_tcp_bytes_received += length
        socket.nx_tcp_socket_packets_received += 1
        socket.nx_tcp_socket_bytes_received += length
        socket.nx_tcp_socket_rx_window_current = rx_window = rx_window - length
        socket.nx_tcp_socket_rx_window_last_sent -= length
        max_out_of_order = socket._max_out_of_order
        if max_out_of_order is not None and len(rx_queue) - acked > max_out_of_order:
            victim = rx_queue.pop()
            victim.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
            _nx_packet_release(victim)
        waiters = socket.nx_tcp_socket_receive_suspension_list
        ack_every_n = socket._ack_every_n
        fin_in_header = 0
        if waiters:
            _tcp_wake = _tcp._tcp_wake
            while acked and waiters:
                head = rx_queue.pop(0)
                if ack_every_n is not None:
                    # The C reuses its header pointer here: the FIN test below reads this one's.
                    fin_in_header = head._mem.read(head._prepend + 13, 1)[0] & _FIN
                head.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
                head.nx_packet_queue_next = None
                head._prepend += head._tcp_hlen
                head.nx_packet_length -= head._tcp_hlen
                socket.nx_tcp_socket_rx_window_current += head.nx_packet_length
                acked -= 1
                thread = waiters.pop(0)
                thread.suspend_info.data = head
                _tcp_wake(thread, NX_SUCCESS)
        need_ack = (socket.nx_tcp_socket_rx_window_current - socket.nx_tcp_socket_rx_window_last_sent
                    >= socket.nx_tcp_socket_rx_window_default // 2)
        if socket.nx_tcp_receive_callback is not None:
            socket.nx_tcp_receive_callback(socket)
        if ack_every_n is not None and socket.nx_tcp_socket_state == _ESTABLISHED and not fin_in_header:
            # NX_TCP_ACK_EVERY_N_PACKETS: ACK at once every N-th in-order segment.
            if socket.nx_tcp_socket_ack_n_packet_counter >= ack_every_n:
                socket.nx_tcp_socket_ack_n_packet_counter = 1
                need_ack = True
            else:
                socket.nx_tcp_socket_ack_n_packet_counter += 1
        if need_ack:
            _tcp_output._nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)

    # ---- ESTABLISHED: no FIN to act on (unless a callback above took one in); the
    # transmit check; release what was not queued
    if socket.nx_tcp_socket_fin_received:
        _tcp_input._nx_tcp_socket_state_established(socket)
    if socket.nx_tcp_socket_transmit_suspension_list:
        _tcp_input._nx_tcp_socket_state_transmit_check(socket)
    if not length:
        _nx_packet_release(packet)
    return True


def send_segment(ip: Any, socket: Any, packet: NX_PACKET) -> int | None:
    """The send side of header prediction: ``_nx_tcp_socket_send`` with the IP mutex held
    and the socket connected, for a packet that goes out as one segment as it is — not
    chained, its data 4-byte aligned, within the usable window (at most one MSS), with
    room on the transmit queue. Returns the status, or None (nothing changed) for the
    general loop.

    The same steps as one pass of the general loop without a copy: the header (ACK|PSH,
    sequence 0, checksum 0) written under the mutex, the mutex released while the
    sequence number and checksum are filled in, then taken again; if another sender got
    in meanwhile, the header is taken off again and the general loop starts over, as it
    would itself."""
    queue = socket._tx_queue
    if packet.nx_packet_next is not None or packet._prepend & 3 \
            or len(queue) >= socket.nx_tcp_socket_transmit_queue_maximum:
        return None
    # _tcp_input._usable_window(socket), inline
    window = socket.nx_tcp_socket_tx_window_advertised
    congestion = socket.nx_tcp_socket_tx_window_congestion
    if window > congestion:
        limit = congestion
        if socket.nx_tcp_socket_duplicated_ack_received in (1, 2):
            limit += socket.nx_tcp_socket_connect_mss << 1
        if limit < window:
            window = limit
    outstanding = socket.nx_tcp_socket_tx_outstanding_bytes
    window = window - outstanding if window > outstanding else 0
    size = packet.nx_packet_length
    if size > window or size > socket.nx_tcp_socket_connect_mss:
        return None
    protection = ip.nx_ip_protection
    packet.nx_packet_ip_version = 4
    prepend = packet._prepend = packet._prepend - 20
    packet.nx_packet_length = size + 20
    rx_sequence = socket.nx_tcp_socket_rx_sequence
    rx_window = socket.nx_tcp_socket_rx_window_current
    memory = packet._mem
    # The segment (header and data) is written and read in simulated RAM directly: one
    # bounds check for all of it, the same as SimMemory.write/read would make (which
    # raises, naming the access, when it fails).
    offset = prepend - memory.base
    if offset < 0 or offset + size + 20 > memory.size:
        memory.write(prepend, bytes(size + 20))
    data = memory.data
    _HEADER.pack_into(data, offset, socket.nx_tcp_socket_port, socket.nx_tcp_socket_connect_port, 0,
                      rx_sequence, 0x50, 0x18, rx_window if rx_window <= 0xFFFF else 0xFFFF, 0, 0)
    socket.nx_tcp_socket_rx_sequence_acked = rx_sequence
    socket.nx_tcp_socket_rx_window_last_sent = rx_window
    socket.nx_tcp_socket_delayed_ack_timeout = NxConfig.tcp_rates[1]
    # The sequence number and checksum are filled in outside the IP mutex: a put, that
    # work, a get. When the put is uncontended (the caller owns the mutex once, nobody
    # waits, no inheritance) it wakes nobody and switches to nobody, so nothing runs
    # before the get takes the free mutex back: the pair's whole effect is its counters
    # and the mutex moving to the end of the caller's owned list, done here at once.
    k = _kernel_module._current
    thread = k.current_ptr if k is not None else None
    paired = pair_mutex and thread is not None and protection.tx_mutex_owner is thread \
        and protection.tx_mutex_ownership_count == 1 and not protection.suspension_list \
        and protection.tx_mutex_inherit != TX_INHERIT
    if paired:
        protection.tx_mutex_performance_put_count += 1
        protection.tx_mutex_performance_get_count += 1
        performance = k.tx_performance
        performance["mutex.put"] += 1
        performance["mutex.get"] += 1
        owned = thread.owned_mutexes
        owned.remove(protection)
        owned.append(protection)
    else:
        _tx_mutex_put(protection)
    sequence = socket.nx_tcp_socket_tx_sequence
    _SEQUENCE.pack_into(data, offset + 4, sequence & _M32)
    interface = socket.nx_tcp_socket_connect_interface
    destination = socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4
    if interface.nx_interface_capability_flag and _ip.tx_checksum_offloaded(
            interface, _ip.NX_INTERFACE_CAPABILITY_TCP_TX_CHECKSUM, destination):
        checksum = 0
        summed = False
    else:
        # internet_checksum inlined (wire.py), over the segment in place, with the
        # pseudo-header's partial sum (tcp_output.pseudo_header_sum) as its start.
        source = interface.nx_interface_ip_address
        total = word_sum(data, offset, offset + size + 20)
        total += ((source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF)
                  + 6 + ((size + 20) & 0xFFFF))
        checksum = ~((total - 1) % 0xFFFF + 1) & 0xFFFF if total else 0xFFFF
        summed = True
    _CHECKSUM.pack_into(data, offset + 16, checksum)
    if not paired:
        _tx_mutex_get(protection, TX_WAIT_FOREVER)
    if sequence != socket.nx_tcp_socket_tx_sequence:
        packet._prepend = prepend + 20
        packet.nx_packet_length = size
        return None
    if socket.nx_tcp_socket_state not in (_ESTABLISHED, _CLOSE_WAIT):
        _tx_mutex_put(protection)
        return NX_NOT_CONNECTED
    socket.nx_tcp_socket_tx_sequence = (sequence + size) & _M32
    socket.nx_tcp_socket_zero_window_probe_has_data = False
    packet._tcp_seq = sequence
    packet._tcp_len = size
    packet.nx_packet_queue_next = None
    if queue:
        queue[-1].nx_packet_tcp_queue_next = packet
    else:
        socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate
        socket.nx_tcp_socket_timeout_retries = 0
        socket.nx_tcp_socket_tx_outstanding_bytes = 0
    packet.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED
    queue.append(packet)
    socket.nx_tcp_socket_tx_outstanding_bytes += size
    ip.nx_ip_tcp_packets_sent += 1
    ip.nx_ip_tcp_bytes_sent += size
    socket.nx_tcp_socket_packets_sent += 1
    socket.nx_tcp_socket_bytes_sent += size
    if paired and summed and _frame_check.enabled:
        # Summed with nothing else running since: the receiver may trust it (frame_check).
        _frame_check.sending = packet
        _frame_check.sender = thread
        try:
            _ip._nx_ip_packet_send(ip, packet, socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4,
                                   socket.nx_tcp_socket_type_of_service,
                                   socket.nx_tcp_socket_time_to_live, _ip.NX_IP_TCP,
                                   socket.nx_tcp_socket_fragment_enable, socket.nx_tcp_socket_next_hop_address)
        finally:
            _frame_check.sending = _frame_check.sender = None
    else:
        _ip._nx_ip_packet_send(ip, packet, socket.nx_tcp_socket_connect_ip.nxd_ip_address.v4,
                               socket.nx_tcp_socket_type_of_service,
                               socket.nx_tcp_socket_time_to_live, _ip.NX_IP_TCP,
                               socket.nx_tcp_socket_fragment_enable, socket.nx_tcp_socket_next_hop_address)
    _tx_mutex_put(protection)
    return NX_SUCCESS


# Bound once here (module objects, read at call time): tcp imports this module.
from . import tcp as _tcp, tcp_input as _tcp_input, tcp_output as _tcp_output  # noqa: E402
