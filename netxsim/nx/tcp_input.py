"""NetX TCP input: what a socket does with one received segment (netxduo
``nx_tcp_socket_packet_process.c``, ``nx_tcp_socket_state_*.c``: syn_sent,
syn_received, established, fin_wait1/2, closing, last_ack, ack_check, data_check,
transmit_check).

Segments on a socket's receive queue keep their TCP header at the prepend pointer, as
in C; the parsed sequence number and header length ride along as ``_tcp_seq`` and
``_tcp_hlen``. In-order data is marked NX_PACKET_READY in ``nx_packet_queue_next``;
out-of-order segments wait in sequence order behind it.
"""
from __future__ import annotations

from typing import Any

from .constants import (
    NX_DRIVER_TX_DONE, NX_NOT_CONNECTED, NX_PACKET_ALLOCATED, NX_PACKET_ENQUEUED, NX_PACKET_READY,
    NX_SUCCESS,
)
from .packet import NX_PACKET, _nx_packet_release
from .tcp import (
    ACK, FIN, NX_TCP_CLOSE_WAIT, NX_TCP_CLOSING, NX_TCP_ESTABLISHED, NX_TCP_FIN_WAIT_1,
    NX_TCP_FIN_WAIT_2, NX_TCP_LAST_ACK, NX_TCP_SYN_RECEIVED, NX_TCP_SYN_SENT, NX_TCP_TIMED_WAIT, RST,
    SYN, URG, _rates, _tcp_wake,
)
from .tcp_output import (
    _nx_tcp_packet_send_ack, _nx_tcp_packet_send_rst, _nx_tcp_packet_send_syn, _nx_tcp_socket_retransmit,
)
from .wire import netx_mss_option_get
from ..tx import trace as _trace
from . import trace as _nxt

_M32 = 0xFFFFFFFF


def _signed(value: int) -> int:
    """The C ``(INT)`` of a 32-bit difference."""
    value &= _M32
    return value - 0x100000000 if value & 0x80000000 else value


def _resume_one(wait_list: list, status: int) -> None:
    if wait_list:
        _tcp_wake(wait_list.pop(0), status)


def _initial_cwnd(socket: Any) -> None:
    mss = socket.nx_tcp_socket_connect_mss
    if socket.nx_tcp_socket_timeout_retries > 0:
        socket.nx_tcp_socket_tx_window_congestion = mss
    else:
        cwnd = mss << 2
        if mss > 1095:
            cwnd -= mss
        if mss > 2190:
            cwnd -= mss
        socket.nx_tcp_socket_tx_window_congestion = cwnd


# ==================================================================== packet process
def _nx_tcp_socket_packet_process(socket: Any, packet: NX_PACKET, segment: Any) -> None:
    """``_nx_tcp_socket_packet_process``: window check, RST/SYN handling, ACK check, then
    the state's processing; the segment is released unless it was queued."""
    _nx_tcp_socket_connection_reset = _tcp_socket._nx_tcp_socket_connection_reset
    ip = socket.nx_tcp_socket_ip_ptr
    flags = segment.flags
    if socket.nx_tcp_socket_state >= NX_TCP_SYN_RECEIVED:
        seq = segment.seq
        length = segment.data_length
        rx_sequence = socket.nx_tcp_socket_rx_sequence
        rx_window = socket.nx_tcp_socket_rx_window_current
        if socket._low_watermark and rx_window == 0 and not socket._rx_queue:
            pool = packet.nx_packet_pool_owner
            if pool.nx_packet_pool_available >= pool.nx_packet_pool_low_watermark:
                # The window was closed for the pool's low watermark: open it again.
                rx_window = socket.nx_tcp_socket_rx_window_current = socket.nx_tcp_socket_rx_window_default
        outside = True
        # _signed(d) >= 0 is (d & _M32) < 0x80000000 and _signed(d) > 0 is
        # 0 < (d & _M32) < 0x80000000, inline: every segment off the fast path passes here.
        if length == 0:
            if rx_window == 0:
                if seq == rx_sequence or flags & (RST | URG) or (flags & (ACK | SYN | RST | FIN)) == ACK:
                    outside = False
            elif (seq - rx_sequence) & _M32 < 0x80000000 \
                    and 0 < (rx_sequence + rx_window - seq) & _M32 < 0x80000000:
                outside = False
        elif rx_window > 0 and (
                ((seq - rx_sequence) & _M32 < 0x80000000
                 and 0 < (rx_sequence + rx_window - seq) & _M32 < 0x80000000)
                or ((seq + (length - 1) - rx_sequence) & _M32 < 0x80000000
                    and 0 < (rx_sequence + 1 + (rx_window - seq) - length) & _M32 < 0x80000000)):
            outside = False
        if outside:
            if not flags & RST:
                _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
            ip.nx_ip_tcp_receive_packets_dropped += 1
            _nx_packet_release(packet)
            return
        if flags & RST:
            ip.nx_ip_tcp_resets_received += 1
            tb = _trace.active
            if tb is not None:
                tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_RESET_RECEIVE, ip, socket, packet, seq,
                          _nxt.NX_TRACE_INTERNAL_EVENTS)
            _nx_tcp_socket_connection_reset(socket)
            _nx_packet_release(packet)
            return
        if flags & SYN:
            segment.seq = (segment.seq + 1) & _M32
            _nx_tcp_packet_send_rst(socket, segment)
            _nx_tcp_socket_connection_reset(socket)
            _nx_packet_release(packet)
            return
        if socket.nx_tcp_socket_state != NX_TCP_SYN_RECEIVED:
            if not _nx_tcp_socket_state_ack_check(socket, segment):
                _nx_packet_release(packet)
                return
    if segment.options and not netx_mss_option_get(segment.options)[0]:
        if not flags & ACK:
            segment.seq = (segment.seq + segment.data_length + (1 if flags & (SYN | FIN) else 0)) & _M32
        _nx_tcp_packet_send_rst(socket, segment)
        _nx_tcp_socket_connection_reset(socket)
        ip.nx_ip_tcp_invalid_packets += 1
        _nx_packet_release(packet)
        return
    queued = False
    state = socket.nx_tcp_socket_state
    if state == NX_TCP_SYN_SENT:
        _nx_tcp_socket_state_syn_sent(socket, segment, packet)
        if socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED:
            queued = _nx_tcp_socket_state_data_check(socket, packet, segment)
    elif state == NX_TCP_SYN_RECEIVED:
        _nx_tcp_socket_state_syn_received(socket, segment)
        if socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED:
            queued = _nx_tcp_socket_state_data_check(socket, packet, segment)
    elif state == NX_TCP_ESTABLISHED:
        queued = _nx_tcp_socket_state_data_check(socket, packet, segment)
        _nx_tcp_socket_state_established(socket)
        _nx_tcp_socket_state_transmit_check(socket)
    elif state == NX_TCP_CLOSE_WAIT:
        _nx_tcp_socket_state_transmit_check(socket)
    elif state == NX_TCP_LAST_ACK:
        _nx_tcp_socket_state_last_ack(socket, segment)
    elif state == NX_TCP_FIN_WAIT_1:
        queued = _nx_tcp_socket_state_data_check(socket, packet, segment)
        _nx_tcp_socket_state_fin_wait1(socket)
    elif state == NX_TCP_FIN_WAIT_2:
        queued = _nx_tcp_socket_state_data_check(socket, packet, segment)
        _nx_tcp_socket_state_fin_wait2(socket)
    elif state == NX_TCP_CLOSING:
        _nx_tcp_socket_state_closing(socket, segment)
    if flags & URG and socket.nx_tcp_urgent_data_callback is not None:
        socket.nx_tcp_urgent_data_callback(socket)
    if not queued:
        _nx_packet_release(packet)


# ======================================================================= handshakes
def _nx_tcp_socket_state_syn_sent(socket: Any, segment: Any, packet: Any = None) -> None:
    """``_nx_tcp_socket_state_syn_sent``: SYN+ACK → ESTABLISHED (ACK sent, connector
    resumed); bare SYN → simultaneous open; a wrong ACK → RST; RST with our ACK → reset."""
    _nx_tcp_socket_connection_reset = _tcp_socket._nx_tcp_socket_connection_reset
    flags = segment.flags
    if flags & RST:
        if flags & ACK and segment.ack == socket.nx_tcp_socket_tx_sequence:
            socket.nx_tcp_socket_ip_ptr.nx_ip_tcp_resets_received += 1
            tb = _trace.active
            if tb is not None:
                tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_RESET_RECEIVE, socket.nx_tcp_socket_ip_ptr, socket, packet,
                          segment.seq, _nxt.NX_TRACE_INTERNAL_EVENTS)
            _nx_tcp_socket_connection_reset(socket)
        return
    if flags & SYN and flags & ACK and segment.ack == socket.nx_tcp_socket_tx_sequence:
        socket.nx_tcp_socket_rx_sequence = (segment.seq + 1) & _M32
        socket.nx_tcp_socket_tx_window_advertised = segment.window
        socket.nx_tcp_socket_tx_slow_start_threshold = segment.window
        socket.nx_tcp_socket_tx_outstanding_bytes = 0
        _initial_cwnd(socket)
        _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
        socket.nx_tcp_socket_state = NX_TCP_ESTABLISHED
        socket.nx_tcp_socket_timeout = 0
        _keepalive_start(socket)
        if socket.nx_tcp_establish_notify is not None:
            socket.nx_tcp_establish_notify(socket)
        _resume_one(socket.nx_tcp_socket_connect_suspension_list, NX_SUCCESS)
    elif flags & SYN and not flags & ACK:
        socket.nx_tcp_socket_rx_sequence = (segment.seq + 1) & _M32
        socket.nx_tcp_socket_tx_window_advertised = segment.window
        socket.nx_tcp_socket_tx_slow_start_threshold = segment.window
        socket.nx_tcp_socket_timeout_retries = 0
        _initial_cwnd(socket)
        socket.nx_tcp_socket_tx_outstanding_bytes = 0
        socket.nx_tcp_socket_state = NX_TCP_SYN_RECEIVED
        socket.nx_tcp_socket_timeout = 0
        _nx_tcp_packet_send_syn(socket, (socket.nx_tcp_socket_tx_sequence - 1) & _M32)
    elif flags & ACK and segment.ack != socket.nx_tcp_socket_tx_sequence:
        _nx_tcp_packet_send_rst(socket, segment)


def _keepalive_start(socket: Any) -> None:
    if socket.nx_tcp_socket_keepalive_enabled:
        socket.nx_tcp_socket_keepalive_timeout = socket.nx_tcp_socket_ip_ptr.nx_config.NX_TCP_KEEPALIVE_INITIAL
        socket.nx_tcp_socket_keepalive_retries = 0


def _nx_tcp_socket_state_syn_received(socket: Any, segment: Any) -> None:
    """``_nx_tcp_socket_state_syn_received``: the ACK of our SYN → ESTABLISHED; a wrong
    ACK → RST."""
    if not segment.flags & ACK:
        return
    if segment.ack == socket.nx_tcp_socket_tx_sequence:
        socket.nx_tcp_socket_tx_window_advertised = segment.window
        socket.nx_tcp_socket_tx_slow_start_threshold = segment.window
        _initial_cwnd(socket)
        socket.nx_tcp_socket_state = NX_TCP_ESTABLISHED
        if socket.nx_tcp_establish_notify is not None:
            socket.nx_tcp_establish_notify(socket)
        _keepalive_start(socket)
        socket.nx_tcp_socket_rx_sequence_acked = socket.nx_tcp_socket_rx_sequence
        _resume_one(socket.nx_tcp_socket_connect_suspension_list, NX_SUCCESS)
    else:
        _nx_tcp_packet_send_rst(socket, segment)


# ======================================================================== ACK check
def _nx_tcp_socket_state_ack_check(socket: Any, segment: Any) -> bool:
    """``_nx_tcp_socket_state_ack_check``: release what the ACK covers (fully ACKed and
    TX_DONE segments go back to their pool; segments still in the driver are re-marked
    ALLOCATED for the driver to free), duplicate-ACK counting and fast retransmit,
    congestion window growth, peer window update. False drops the segment."""
    if not segment.flags & ACK:
        return False
    ack = segment.ack
    tx_sequence = socket.nx_tcp_socket_tx_sequence
    ending_tx = (tx_sequence + 1) & _M32 if socket.nx_tcp_socket_zero_window_probe_has_data else tx_sequence
    starting_tx = (tx_sequence - socket.nx_tcp_socket_tx_outstanding_bytes) & _M32
    rx_queue = socket._rx_queue
    if rx_queue:
        tail = rx_queue[-1]
        ending_rx = (tail._tcp_seq + tail.nx_packet_length - tail._tcp_hlen) & _M32
    else:
        ending_rx = socket.nx_tcp_socket_rx_sequence
    # keepalive_enabled is only ever set in a build with NX_ENABLE_TCP_KEEPALIVE.
    if socket.nx_tcp_socket_keepalive_enabled and socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED:
        socket.nx_tcp_socket_keepalive_timeout = socket.nx_tcp_socket_ip_ptr.nx_config.NX_TCP_KEEPALIVE_INITIAL
        socket.nx_tcp_socket_keepalive_retries = 0
        if segment.seq == (socket.nx_tcp_socket_rx_sequence - 1) & _M32:
            _nx_tcp_packet_send_ack(socket, ending_tx)
    queue = socket._tx_queue
    release_count = 0
    if ack == ending_tx:
        release_count = len(queue)
        if socket.nx_tcp_socket_state >= NX_TCP_FIN_WAIT_1:
            socket.nx_tcp_socket_fin_acked = True
    else:
        if queue and queue[0].nx_packet_queue_next == NX_DRIVER_TX_DONE and ack == starting_tx:
            socket.nx_tcp_socket_duplicated_ack_received += 1
            duplicates = socket.nx_tcp_socket_duplicated_ack_received
            mss = socket.nx_tcp_socket_connect_mss
            if duplicates == 3:
                if _signed((ack - 1) - socket.nx_tcp_socket_tx_sequence_recover) > 0:
                    _nx_tcp_socket_retransmit(socket.nx_tcp_socket_ip_ptr, socket, True)
                elif socket.nx_tcp_socket_tx_window_congestion > mss and _signed(
                        ack - (socket.nx_tcp_socket_previous_highest_ack + (mss << 2))) < 0:
                    _nx_tcp_socket_retransmit(socket.nx_tcp_socket_ip_ptr, socket, True)
            elif duplicates > 3 and socket.nx_tcp_socket_fast_recovery:
                socket.nx_tcp_socket_tx_window_congestion += mss
        # Segments wholly covered by the ACK (sequence arithmetic modulo 2^32).
        span = _signed(ack - starting_tx)
        if 0 < span <= _signed(ending_tx - starting_tx):
            for packet in queue:
                end = _signed(packet._tcp_seq + packet._tcp_len - starting_tx)
                if end > span:
                    break
                release_count += 1
    if not release_count:
        if ack != ending_tx:
            if _signed(ack - ending_tx) > 0:
                _nx_tcp_packet_send_ack(socket, ending_tx)
                return False
        elif socket.nx_tcp_socket_rx_window_current == 0 and segment.seq == socket.nx_tcp_socket_rx_sequence:
            _nx_tcp_packet_send_ack(socket, ending_tx)
    else:
        if socket.nx_tcp_socket_fast_recovery and _signed(ack - socket.nx_tcp_socket_tx_sequence_recover) > 0:
            socket.nx_tcp_socket_fast_recovery = False
            socket.nx_tcp_socket_tx_window_congestion = socket.nx_tcp_socket_tx_slow_start_threshold
        if (socket.nx_tcp_socket_tx_sequence_recover - (ack - 2)) & _M32 >= 0x80000000:   # _signed(..) < 0
            socket.nx_tcp_socket_tx_sequence_recover = (ack - 2) & _M32
        socket.nx_tcp_socket_duplicated_ack_received = 0
        socket.nx_tcp_socket_previous_highest_ack = starting_tx
        acked = (ack - starting_tx) & _M32
        mss = socket.nx_tcp_socket_connect_mss
        if socket.nx_tcp_socket_fast_recovery:
            socket.nx_tcp_socket_tx_window_congestion -= acked
            if acked > mss:
                socket.nx_tcp_socket_tx_window_congestion += mss
        elif socket.nx_tcp_socket_tx_window_congestion >= socket.nx_tcp_socket_tx_slow_start_threshold:
            step = socket.nx_tcp_socket_connect_mss2 // max(socket.nx_tcp_socket_tx_window_congestion, 1)
            socket.nx_tcp_socket_tx_window_congestion += step or 1
        else:
            socket.nx_tcp_socket_tx_window_congestion += acked if acked < mss else mss
    # The window update test with _signed inline (every ACK off the fast path passes
    # here): _signed(d) > 0 is 0 < d & _M32 < 0x80000000, >= 0 is d & _M32 < 0x80000000.
    if (0 < (ack - starting_tx) & _M32 < 0x80000000 and not 0 < (ack - ending_tx) & _M32 < 0x80000000) \
            or 0 < (segment.seq - ending_rx) & _M32 < 0x80000000 \
            or (segment.seq == ending_rx and (ack - starting_tx) & _M32 < 0x80000000):
        socket.nx_tcp_socket_tx_window_advertised = segment.window
    if socket.nx_tcp_socket_tx_window_advertised <= socket.nx_tcp_socket_tx_outstanding_bytes and \
            ack >= socket.nx_tcp_socket_zero_window_probe_sequence:
        socket.nx_tcp_socket_zero_window_probe_failure = 0
    if not release_count:
        return True
    if getattr(socket, "nx_tcp_socket_queue_depth_notify", None) is not None:
        from .tcp_notify import queue_depth_check   # only sockets with the notify set pay
        queue_depth_check(socket, len(queue), release_count)
    released = queue[:release_count]
    del queue[:release_count]
    if queue:
        socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate
        socket.nx_tcp_socket_timeout_retries = 0
    else:
        if socket.nx_tcp_socket_state in (NX_TCP_FIN_WAIT_1, NX_TCP_CLOSING, NX_TCP_LAST_ACK):
            socket.nx_tcp_socket_timeout = socket.nx_tcp_socket_timeout_rate
            socket.nx_tcp_socket_timeout_retries = 0
        elif socket.nx_tcp_socket_tx_window_advertised != 0:
            socket.nx_tcp_socket_timeout = 0
    for packet in released:
        packet.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        outstanding = socket.nx_tcp_socket_tx_outstanding_bytes
        socket.nx_tcp_socket_tx_outstanding_bytes = outstanding - packet._tcp_len \
            if outstanding > packet._tcp_len else 0
        if packet.nx_packet_queue_next == NX_DRIVER_TX_DONE:
            _nx_packet_release(packet)
        # else: still in the driver / ARP queue; its transmit release frees it.
    if socket.nx_tcp_socket_fast_recovery:
        _nx_tcp_socket_retransmit(socket.nx_tcp_socket_ip_ptr, socket, False)
    return True


# ======================================================================= data check
def _trim_back(packet: NX_PACKET, amount: int) -> None:
    """``_nx_tcp_socket_state_data_trim``: drop ``amount`` bytes at the end (chain)."""
    if amount >= packet.nx_packet_length:
        return
    keep = packet.nx_packet_length - amount
    packet.nx_packet_length = keep
    work: NX_PACKET | None = packet
    while work is not None:
        held = work._append - work._prepend
        if held < keep:
            keep -= held
            work = work.nx_packet_next
            continue
        work._append = work._prepend + keep
        rest = work.nx_packet_next
        work.nx_packet_next = None
        if rest is not None:
            rest.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
            _nx_packet_release(rest)
        break
    packet.nx_packet_last = None
    tail = packet
    while tail.nx_packet_next is not None:
        tail = tail.nx_packet_next
    packet.nx_packet_last = tail if tail is not packet else None


def _trim_front(packet: NX_PACKET, header_length: int, amount: int) -> None:
    """``_nx_tcp_socket_state_data_trim_front``: drop ``amount`` data bytes after the TCP
    header (the header itself stays at the prepend pointer)."""
    if amount >= packet.nx_packet_length or amount == 0:
        return
    packet.nx_packet_length -= amount
    packet._prepend += header_length
    work = packet
    while amount:
        held = work._append - work._prepend
        if amount > held:
            if work is packet:
                work._append = work._prepend
            else:
                packet.nx_packet_next = work.nx_packet_next
                work.nx_packet_next = None
                work.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
                _nx_packet_release(work)
            amount -= held
            work = packet.nx_packet_next
        else:
            if work is packet:
                memory = packet._mem
                kept = memory.read(packet._prepend + amount, held - amount)
                memory.write(packet._prepend, kept)
                packet._append -= amount
            else:
                work._prepend += amount
            amount = 0
    packet._prepend -= header_length


def _data_length(packet: NX_PACKET) -> int:
    return packet.nx_packet_length - packet._tcp_hlen


def _nx_tcp_socket_state_data_check(socket: Any, packet: NX_PACKET, segment: Any) -> bool:
    """``_nx_tcp_socket_state_data_check``: trim to the window, record a FIN, queue
    in-order data (READY) or keep an out-of-order segment, hand ready segments to
    waiting receivers, and ACK where NetX does. True when the packet was kept."""
    ip = socket.nx_tcp_socket_ip_ptr
    header_length = segment.header_length
    original_rx = socket.nx_tcp_socket_rx_sequence
    begin = segment.seq
    length = packet.nx_packet_length - header_length
    end = (begin + length) & _M32
    if length:
        if _signed(socket.nx_tcp_socket_rx_sequence - begin) > 0:
            trim = (socket.nx_tcp_socket_rx_sequence - begin) & _M32
            _trim_front(packet, header_length, trim)
            segment.seq = (segment.seq + trim) & _M32
            length -= trim
            begin = (begin + trim) & _M32
        if _signed((end - socket.nx_tcp_socket_rx_sequence) - socket.nx_tcp_socket_rx_window_current) > 0:
            trim = (end - (socket.nx_tcp_socket_rx_sequence + socket.nx_tcp_socket_rx_window_current)) & _M32
            _trim_back(packet, trim)
            length -= trim
            end = (end - trim) & _M32
    if segment.flags & FIN:
        socket.nx_tcp_socket_fin_sequence = (segment.seq + length) & _M32
        socket.nx_tcp_socket_fin_received = True
        tb = _trace.active
        if tb is not None:
            tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_FIN_RECEIVE, ip, socket, packet, segment.seq,
                      _nxt.NX_TRACE_INTERNAL_EVENTS)
    if length <= 0:
        if socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED and not socket._rx_queue and \
                socket.nx_tcp_socket_rx_sequence != segment.seq and \
                (socket.nx_tcp_socket_rx_sequence - 1) & _M32 != segment.seq:
            _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
        return False
    tb = _trace.active
    if tb is not None:
        tb.insert(_nxt.NX_TRACE_INTERNAL_TCP_DATA_RECEIVE, ip, socket, packet, segment.seq,
                  _nxt.NX_TRACE_INTERNAL_EVENTS)
    packet._tcp_seq = begin
    packet._tcp_hlen = header_length
    packet.nx_packet_queue_next = None
    queue = socket._rx_queue
    if queue:
        tail = queue[-1]
        search_end = (tail._tcp_seq + _data_length(tail)) & _M32
    else:
        search_end = socket.nx_tcp_socket_rx_sequence
    drop = False
    if socket._low_watermark:
        # NX_ENABLE_LOW_WATERMARK: no room on the receive queue, or the pool is low.
        pool = packet.nx_packet_pool_owner
        drop = len(queue) >= socket.nx_tcp_socket_receive_queue_maximum \
            or pool.nx_packet_pool_available < pool.nx_packet_pool_low_watermark
    acked = 0
    if begin == socket.nx_tcp_socket_rx_sequence and search_end == socket.nx_tcp_socket_rx_sequence:
        if not drop:
            packet.nx_packet_queue_next = NX_PACKET_READY
            if not queue:
                socket.nx_tcp_socket_delayed_ack_timeout = _rates()[1]
            packet.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED
            queue.append(packet)
            socket.nx_tcp_socket_rx_sequence = end
            acked = len(queue)
        else:
            _nx_packet_release(packet)
            socket.nx_tcp_socket_rx_window_current = 0
            socket.nx_tcp_socket_rx_window_last_sent = 0
            _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
            acked = len(queue)
    elif not queue:
        if not drop:
            _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
            queue.append(packet)
            socket.nx_tcp_socket_delayed_ack_timeout = _rates()[1]
            packet.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED
        else:
            _nx_packet_release(packet)
            socket.nx_tcp_socket_rx_window_current = 0
            socket.nx_tcp_socket_rx_window_last_sent = 0
            _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
    else:
        if _signed(begin - socket.nx_tcp_socket_rx_sequence) > 0:
            _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
        index = 0
        while index < len(queue):
            search = queue[index]
            search_begin = search._tcp_seq
            search_end = (search_begin + _data_length(search)) & _M32
            if _signed(begin - search_end) >= 0:
                index += 1
                continue
            if _signed(search_begin - end) >= 0:
                break
            if _signed(begin - search_begin) >= 0 and _signed(search_end - end) >= 0:
                _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
                return False
            if _signed(search_begin - begin) >= 0 and _signed(end - search_end) >= 0:
                del queue[index]
                search.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
                _nx_packet_release(search)
                ip.nx_ip_tcp_packets_received -= 1
                ip.nx_ip_tcp_bytes_received -= (search_end - search_begin) & _M32
                socket.nx_tcp_socket_packets_received -= 1
                socket.nx_tcp_socket_bytes_received -= (search_end - search_begin) & _M32
                continue
            if _signed(search_begin - begin) >= 0:
                cut = (end - search_begin) & _M32
                _trim_back(packet, cut)
                length -= cut
                break
            cut = (search_end - begin) & _M32
            _trim_back(search, cut)
            ip.nx_ip_tcp_bytes_received -= cut
            socket.nx_tcp_socket_bytes_received -= cut
            index += 1
        packet.nx_packet_tcp_queue_next = NX_PACKET_ENQUEUED
        queue.insert(index, packet)
        expected = socket.nx_tcp_socket_rx_sequence
        for search in queue:
            search_begin = search._tcp_seq
            search_end = (search_begin + _data_length(search)) & _M32
            if _signed(expected - search_begin) >= 0:
                acked += 1
                if _signed(search_end - expected) > 0:
                    expected = search_end
                    socket.nx_tcp_socket_rx_sequence = expected
                    search.nx_packet_queue_next = NX_PACKET_READY
            else:
                break
            if drop and acked >= socket.nx_tcp_socket_receive_queue_maximum:
                break
        if drop:
            victim = queue.pop()
            victim.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
            _nx_packet_release(victim)
            if queue:
                last = queue[-1]
                socket.nx_tcp_socket_rx_window_current = (last._tcp_seq + _data_length(last)
                                                          - socket.nx_tcp_socket_rx_sequence) & _M32
            else:
                socket.nx_tcp_socket_rx_window_current = 0
            socket.nx_tcp_socket_rx_window_last_sent = socket.nx_tcp_socket_rx_window_current
    ip.nx_ip_tcp_packets_received += 1
    ip.nx_ip_tcp_bytes_received += length
    socket.nx_tcp_socket_packets_received += 1
    socket.nx_tcp_socket_bytes_received += length
    if original_rx != socket.nx_tcp_socket_rx_sequence:
        advanced = (socket.nx_tcp_socket_rx_sequence - original_rx) & _M32
        socket.nx_tcp_socket_rx_window_current -= advanced
        socket.nx_tcp_socket_rx_window_last_sent -= advanced
    max_out_of_order = socket._max_out_of_order
    if max_out_of_order is not None and len(queue) - acked > max_out_of_order:
        victim = queue.pop()
        victim.nx_packet_tcp_queue_next = NX_PACKET_ALLOCATED
        _nx_packet_release(victim)
    waiters = socket.nx_tcp_socket_receive_suspension_list
    ack_every_n = socket._ack_every_n
    fin_in_header = segment.flags & FIN
    while acked and waiters:
        head = queue.pop(0)
        if ack_every_n is not None:
            # The C reuses its header pointer here: the FIN test below reads this one's.
            fin_in_header = head._mem.read(head._prepend + 13, 1)[0] & FIN
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
    if original_rx != socket.nx_tcp_socket_rx_sequence:
        if socket.nx_tcp_receive_callback is not None:
            socket.nx_tcp_receive_callback(socket)
        if ack_every_n is not None and socket.nx_tcp_socket_state == NX_TCP_ESTABLISHED \
                and not fin_in_header:
            # NX_TCP_ACK_EVERY_N_PACKETS: ACK at once every N-th in-order segment.
            if socket.nx_tcp_socket_ack_n_packet_counter >= ack_every_n:
                socket.nx_tcp_socket_ack_n_packet_counter = 1
                need_ack = True
            else:
                socket.nx_tcp_socket_ack_n_packet_counter += 1
    if need_ack:
        _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
    return True


# ========================================================================= closing
def _nx_tcp_socket_state_established(socket: Any) -> None:
    """``_nx_tcp_socket_state_established``: the peer's FIN in sequence → CLOSE_WAIT, ACK,
    receivers woken with NX_NOT_CONNECTED, disconnect callback."""
    if socket.nx_tcp_socket_fin_received and socket.nx_tcp_socket_fin_sequence == socket.nx_tcp_socket_rx_sequence:
        ip = socket.nx_tcp_socket_ip_ptr
        ip.nx_ip_tcp_disconnections += 1
        socket.nx_tcp_socket_state = NX_TCP_CLOSE_WAIT
        socket.nx_tcp_socket_rx_sequence = (socket.nx_tcp_socket_rx_sequence + 1) & _M32
        _tcp_wake_list = _tcp._tcp_wake_list
        _tcp_wake_list(socket.nx_tcp_socket_receive_suspension_list, NX_NOT_CONNECTED)
        _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
        if socket.nx_tcp_disconnect_callback is not None:
            socket.nx_tcp_disconnect_callback(socket)


def _enter_timed_wait(socket: Any) -> None:
    socket.nx_tcp_socket_state = NX_TCP_TIMED_WAIT
    socket.nx_tcp_socket_timeout = _rates()[3]
    _resume_one(socket.nx_tcp_socket_disconnect_suspension_list, NX_SUCCESS)
    if socket.nx_tcp_disconnect_callback is not None:
        socket.nx_tcp_disconnect_callback(socket)
    if socket.nx_tcp_timed_wait_callback is not None:
        socket.nx_tcp_timed_wait_callback(socket)
    if socket.nx_tcp_disconnect_complete_notify is not None:
        socket.nx_tcp_disconnect_complete_notify(socket)


def _nx_tcp_socket_state_fin_wait1(socket: Any) -> None:
    """``_nx_tcp_socket_state_fin_wait1``: our FIN ACKed → FIN_WAIT_2 (no timer), or with
    the peer's FIN → TIME_WAIT; the peer's FIN alone → CLOSING."""
    if socket.nx_tcp_socket_fin_acked and not socket.nx_tcp_socket_fin_received:
        socket.nx_tcp_socket_state = NX_TCP_FIN_WAIT_2
        socket.nx_tcp_socket_timeout = 0
    elif socket.nx_tcp_socket_fin_acked and socket.nx_tcp_socket_fin_sequence == socket.nx_tcp_socket_rx_sequence:
        socket.nx_tcp_socket_rx_sequence = (socket.nx_tcp_socket_rx_sequence + 1) & _M32
        _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
        _enter_timed_wait(socket)
    elif socket.nx_tcp_socket_fin_received and socket.nx_tcp_socket_fin_sequence == socket.nx_tcp_socket_rx_sequence:
        socket.nx_tcp_socket_state = NX_TCP_CLOSING
        socket.nx_tcp_socket_rx_sequence = (socket.nx_tcp_socket_rx_sequence + 1) & _M32
        _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)


def _nx_tcp_socket_state_fin_wait2(socket: Any) -> None:
    """``_nx_tcp_socket_state_fin_wait2``: the peer's FIN → ACK, TIME_WAIT."""
    if socket.nx_tcp_socket_fin_received and socket.nx_tcp_socket_fin_sequence == socket.nx_tcp_socket_rx_sequence:
        socket.nx_tcp_socket_rx_sequence = (socket.nx_tcp_socket_rx_sequence + 1) & _M32
        _nx_tcp_packet_send_ack(socket, socket.nx_tcp_socket_tx_sequence)
        _enter_timed_wait(socket)


def _nx_tcp_socket_state_closing(socket: Any, segment: Any) -> None:
    """``_nx_tcp_socket_state_closing``: the ACK of our FIN → TIME_WAIT."""
    if segment.flags & ACK and segment.ack == socket.nx_tcp_socket_tx_sequence and \
            segment.seq == socket.nx_tcp_socket_rx_sequence:
        _enter_timed_wait(socket)


def _nx_tcp_socket_state_last_ack(socket: Any, segment: Any) -> None:
    """``_nx_tcp_socket_state_last_ack``: the ACK of our FIN → CLOSED, disconnector
    resumed."""
    if segment.flags & ACK and segment.ack == socket.nx_tcp_socket_tx_sequence and \
            segment.seq == socket.nx_tcp_socket_rx_sequence:
        _nx_tcp_socket_block_cleanup = _tcp_socket._nx_tcp_socket_block_cleanup
        _nx_tcp_socket_block_cleanup(socket)
        _resume_one(socket.nx_tcp_socket_disconnect_suspension_list, NX_SUCCESS)
        if socket.nx_tcp_disconnect_complete_notify is not None:
            socket.nx_tcp_disconnect_complete_notify(socket)


def _usable_window(socket: Any) -> int:
    """The send window left: min(peer window, cwnd [+2 MSS on 1-2 dup ACKs]) − in flight."""
    advertised = socket.nx_tcp_socket_tx_window_advertised
    if advertised > socket.nx_tcp_socket_tx_window_congestion:
        window = socket.nx_tcp_socket_tx_window_congestion
        if socket.nx_tcp_socket_duplicated_ack_received in (1, 2):
            window += socket.nx_tcp_socket_connect_mss << 1
        if window > advertised:
            window = advertised
    else:
        window = advertised
    outstanding = socket.nx_tcp_socket_tx_outstanding_bytes
    return window - outstanding if window > outstanding else 0


def _nx_tcp_socket_state_transmit_check(socket: Any) -> None:
    """``_nx_tcp_socket_state_transmit_check``: wake the first blocked sender when the
    window opened and the transmit queue has room."""
    if socket.nx_tcp_socket_transmit_suspension_list and _usable_window(socket) and \
            len(socket._tx_queue) < socket.nx_tcp_socket_transmit_queue_maximum:
        if socket.nx_tcp_socket_window_update_notify is not None:
            socket.nx_tcp_socket_window_update_notify(socket)
        _resume_one(socket.nx_tcp_socket_transmit_suspension_list, NX_SUCCESS)


__all__ = [name for name in dir() if name.startswith("_nx_tcp_")]

# tcp_socket imports this module: bound once here (module objects, read at call time).
from . import tcp as _tcp, tcp_socket as _tcp_socket  # noqa: E402
