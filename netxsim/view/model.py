"""What the views draw, derived from a parsed trace (and, for the TCP ladder, the frames
the segment carried): thread states over time, interrupts, pool occupancy, connections."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from netxsim.nx.wire import (
    ETHERTYPE_IPV4, IP_PROTO_TCP, ipv4_to_str, parse_ethernet_frame, parse_ipv4_datagram,
    parse_tcp_segment, tcp_flags_to_str,
)

from .trx import INIT_THREAD, ISR_THREAD, Trace, TraceEvent

STATE_NAMES = {0: "ready", 1: "completed", 2: "terminated", 3: "suspended", 4: "sleep",
               5: "queue wait", 6: "semaphore wait", 7: "event flags wait", 8: "block pool wait",
               9: "byte pool wait", 10: "I/O driver", 12: "TCP/IP wait", 13: "mutex wait",
               14: "priority change"}
RUNNING = "running"
DRIVER_SEND_EVENTS = (324, 328, 329, 330)   # NX_TRACE_INTERNAL_IO_DRIVER_*: one frame each


class Span(NamedTuple):
    start: int      # x position (cycles or event index)
    end: int
    state: str
    detail: str = ""


@dataclass
class ThreadRow:
    address: int
    name: str
    priority: int | None
    spans: list[Span] = field(default_factory=list)      # states (ready, waits, ...)
    running: list[Span] = field(default_factory=list)


@dataclass
class Timeline:
    """Thread rows, interrupts and preemption marks on one x axis."""

    rows: list[ThreadRow]
    interrupts: list[Span]
    preemptions: list[tuple[int, str]]
    start: int
    end: int


def event_x(trace: Trace, mode: str) -> list[int]:
    """The x of each event: its time stamp ("time") or its position ("order")."""
    if mode == "order":
        return [event.index for event in trace.events]
    return [event.time for event in trace.events]


def build_timeline(trace: Trace, mode: str = "order") -> Timeline:
    xs = event_x(trace, mode)
    events = trace.events
    end = (xs[-1] + 1) if xs else 1
    start = xs[0] if xs else 0
    rows: dict[int, ThreadRow] = {}
    for obj in trace.threads:
        rows[obj.address] = ThreadRow(obj.address, obj.name, obj.priority)

    def row(address: int) -> ThreadRow:
        if address not in rows:
            rows[address] = ThreadRow(address, trace.name_of(address), None)
        return rows[address]

    state: dict[int, tuple[int, str, str]] = {}   # thread -> (since, state, detail)
    last_object: dict[int, int] = {}               # thread -> object of its last service call

    def change(thread: int, x: int, new: str, detail: str = "") -> None:
        previous = state.get(thread)
        if previous is not None and previous[0] < x:
            row(thread).spans.append(Span(previous[0], x, previous[1], previous[2]))
        state[thread] = (x, new, detail)

    interrupts: list[Span] = []
    preemptions: list[tuple[int, str]] = []
    isr_since: int | None = None
    run_thread, run_since = None, start
    for event, x in zip(events, xs):
        context = event.thread
        if context != run_thread:
            if run_thread not in (None, ISR_THREAD, INIT_THREAD):
                row(run_thread).running.append(Span(run_since, x, RUNNING))
            run_thread, run_since = context, x
        if event.id == 1:          # TX_TRACE_THREAD_RESUME
            thread = event.info[0]
            change(thread, x, STATE_NAMES[0])
            if event.info[3] == thread and context not in (ISR_THREAD, INIT_THREAD, thread):
                preemptions.append((x, f"{trace.name_of(thread)} preempts {trace.name_of(context)}"))
        elif event.id == 2:        # TX_TRACE_THREAD_SUSPEND
            thread, new_state = event.info[0], event.info[1]
            waited = last_object.get(thread)
            detail = f"on {trace.name_of(waited)}" if waited in trace.objects and new_state >= 5 else ""
            change(thread, x, STATE_NAMES.get(new_state, f"state {new_state}"), detail)
        elif event.id == 100:      # TX_TRACE_THREAD_CREATE
            change(event.info[0], x, STATE_NAMES[3])
        elif event.id == 3:        # TX_TRACE_ISR_ENTER
            isr_since = x
        elif event.id == 4 and isr_since is not None:
            interrupts.append(Span(isr_since, x + 1, "interrupt", f"ISR {event.info[1]}"))
            isr_since = None
        if context not in (ISR_THREAD, INIT_THREAD) and event.info[0] in trace.objects \
                and trace.objects[event.info[0]].kind != 1:
            last_object[context] = event.info[0]
    if run_thread not in (None, ISR_THREAD, INIT_THREAD):
        row(run_thread).running.append(Span(run_since, end, RUNNING))
    for thread, (since, name, detail) in state.items():
        row(thread).spans.append(Span(since, end, name, detail))
    ordered = sorted(rows.values(), key=lambda r: (r.priority if r.priority is not None else 99, r.name))
    return Timeline(ordered, interrupts, preemptions, start, end)


@dataclass
class PoolSeries:
    name: str
    kind: str
    total: int | None
    points: list[tuple[int, int]]      # (x, free units)


def build_pools(trace: Trace, mode: str = "order") -> list[PoolSeries]:
    """Free packets/blocks/bytes per pool over time, from the allocate and release events."""
    xs = event_x(trace, mode)
    series: dict[int, PoolSeries] = {}
    packet_pool: dict[int, int] = {}
    ranges: list[tuple[int, int, int]] = []    # (start, end, pool) from packet pool creates
    for obj in trace.objects.values():
        if obj.kind in (7, 8, 12):
            total = obj.parameter_2 if obj.kind == 12 else None
            series[obj.address] = PoolSeries(obj.name, obj.kind_name, total, [])

    def pool_of(packet: int) -> int | None:
        if packet in packet_pool:
            return packet_pool[packet]
        for start, end, pool in ranges:
            if start <= packet < end:
                return pool
        return None

    last: dict[int, int] = {}
    for event, x in zip(trace.events, xs):
        i1, i2, i3, i4 = event.info
        pool, free = None, None
        if event.id == 391:                       # NX_TRACE_PACKET_POOL_CREATE
            ranges.append((i3, i3 + i4, i1))
        elif event.id == 386:                     # NX_TRACE_PACKET_ALLOCATE: I4 free before
            pool, free = i1, i4 - 1 if i2 else i4
            if i2:
                packet_pool[i2] = i1
        elif event.id == 394 and i2 == 0xAAAAAAAA:  # NX_TRACE_PACKET_RELEASE of an allocated packet
            pool = pool_of(i1)
            free = i3 + 1 if pool is not None else None
        elif event.id == 10:                      # TX_TRACE_BLOCK_ALLOCATE: I4 free before
            pool, free = i1, max(i4 - 1, 0)
        elif event.id == 17 and i1 in last:       # TX_TRACE_BLOCK_RELEASE
            pool, free = i1, last[i1] + 1 if i3 == 0 else last[i1]
        elif event.id == 27:                      # TX_TRACE_BYTE_RELEASE: I4 free bytes before
            pool, free = i1, i4
        if pool is None or free is None:
            continue
        if pool not in series:
            series[pool] = PoolSeries(trace.name_of(pool), "pool", None, [])
        series[pool].points.append((x, free))
        last[pool] = free
    return [s for s in series.values() if s.points]


# ------------------------------------------------------------------------ TCP ladder
class Frame(NamedTuple):
    tick: int
    data: bytes
    fate: str = "delivered"


@dataclass
class Segment:
    x: int | None            # trace x of the driver send, when it could be matched
    tick: int
    from_client: bool
    flags: str
    seq: int                 # relative to the sender's initial sequence number
    ack: int | None          # relative to the receiver's, None without ACK
    window: int
    length: int
    fate: str
    retransmission: bool
    payload: bytes


@dataclass
class Connection:
    client: tuple[str, int]
    server: tuple[str, int]
    order: int = 0        # position of its first frame
    segments: list[Segment] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.client[0]}:{self.client[1]} → {self.server[0]}:{self.server[1]}"


def frames_from(records: Iterable) -> list[Frame]:
    """Frames from a segment's frame log (``FrameRecord``), pcap records (100 ticks per
    second) or (tick, bytes[, fate]) tuples."""
    frames = []
    for record in records:
        if hasattr(record, "timestamp") and hasattr(record, "frame"):   # a pcap record, in seconds
            frames.append(Frame(int(record.timestamp * 100), bytes(record.frame)))
        elif hasattr(record, "frame"):
            frames.append(Frame(int(record.tick), bytes(record.frame), str(getattr(record, "fate", "delivered"))))
        else:
            tick, data = record[0], record[1]
            frames.append(Frame(int(tick), bytes(data), str(record[2]) if len(record) > 2 else "delivered"))
    return frames


def build_connections(frames: list[Frame], trace: Trace | None = None, mode: str = "order") -> list[Connection]:
    """One ladder per TCP connection; segments placed on the trace's x axis by matching
    frames in order with the driver-send events (the frames of a run that outlived a
    wrapped buffer are matched from the end)."""
    xs: list[int | None] = [None] * len(frames)
    if trace is not None:
        positions = event_x(trace, mode)
        sends = [x for event, x in zip(trace.events, positions) if event.id in DRIVER_SEND_EVENTS]
        offset = len(frames) - len(sends)
        for index in range(len(frames)):
            if 0 <= index - offset < len(sends):
                xs[index] = sends[index - offset]
    connections: dict[tuple, Connection] = {}
    finished: list[Connection] = []
    isn: dict[tuple, int] = {}
    seen: dict[tuple, set] = {}
    for frame, x in zip(frames, xs):
        try:
            ethernet, payload = parse_ethernet_frame(frame.data)
            if ethernet.ethertype != ETHERTYPE_IPV4:
                continue
            ip, ip_payload = parse_ipv4_datagram(payload)
            if ip.protocol != IP_PROTO_TCP:
                continue
            tcp, data = parse_tcp_segment(ip_payload)
        except ValueError:
            continue
        source, destination = (ipv4_to_str(ip.src), tcp.src_port), (ipv4_to_str(ip.dst), tcp.dst_port)
        key = tuple(sorted((source, destination)))
        connection = connections.get(key)
        if connection is not None and tcp.flags & 0x12 == 0x02 and source in isn and tcp.seq != isn[source]:
            # A new SYN on the same ports: the next connection (the previous one is closed).
            finished.append(connections.pop(key))
            connection = None
            for endpoint in (source, destination):
                isn.pop(endpoint, None)
                seen.pop(endpoint, None)
        if connection is None:
            # The first segment seen opens the ladder: its sender is the client, unless it
            # is a SYN-ACK (then the connect was before the frames begin).
            client_is_source = (tcp.flags & 0x12) != 0x12
            connection = connections[key] = Connection(source if client_is_source else destination,
                                                       destination if client_is_source else source,
                                                       len(finished) + len(connections))
        from_client = source == connection.client
        if tcp.flags & 0x02 or (source not in isn):
            isn.setdefault(source, tcp.seq)
        base = isn[source]
        other = isn.get(destination)
        length = len(data)
        mark = (tcp.seq, length, tcp.flags & 0x03)
        sent = seen.setdefault(source, set())
        retransmission = (length > 0 or tcp.flags & 0x03) and mark in sent
        sent.add(mark)
        connection.segments.append(Segment(
            x, frame.tick, from_client, tcp_flags_to_str(tcp.flags), (tcp.seq - base) & 0xFFFFFFFF,
            ((tcp.ack - other) & 0xFFFFFFFF) if tcp.flags & 0x10 and other is not None else None,
            tcp.window, length, frame.fate, bool(retransmission), bytes(data)))
    return sorted(finished + list(connections.values()), key=lambda c: c.order)


def dialogue_lines(payload: bytes, limit: int = 100) -> list[str]:
    """The application data of one segment as text lines (e.g. SMTP commands and replies)."""
    text = payload.decode("utf-8", "replace")
    # Control characters other than line ends shown as escapes (e.g. a C string's NUL).
    text = "".join(c if c >= " " or c in "\r\n\t" else f"\\x{ord(c):02x}" for c in text)
    lines = [line for line in text.replace("\r\n", "\n").split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    shown = [line if len(line) <= limit else line[:limit] + "…" for line in lines[:6]]
    if len(lines) > 6:
        shown.append(f"… {len(lines) - 6} more lines")
    return shown


__all__ = ["build_timeline", "build_pools", "build_connections", "frames_from", "dialogue_lines",
           "Timeline", "ThreadRow", "Span", "PoolSeries", "Connection", "Segment", "Frame", "STATE_NAMES"]
