"""The simulated Ethernet segment ("the wire"), with capture and fault injection.

Theory of operation
-------------------
A segment joins ports. A network driver attaches one port per interface
(``attach(receive, mac)``) and calls ``port.transmit(frame)`` with complete
Ethernet frames; the segment calls ``receive(frame)`` of every other
attached port the destination selects. Fault injection and capture are wrappers
around this, as in smoltcp's ``phy/``::

    transmit -> link up? -> faults (port's, then segment's) -> link model
             -> [simulated time passes, if any] -> tap (frame log, pcap) -> receivers

Delivery rule (``_nx_ram_network_driver_output``): ports in attach
order, never the sender, and only if the destination is broadcast, the port's MAC,
starts with 33:33 (IPv6 multicast), is all-zero, or is in ``port.multicast``. A
``promiscuous`` port takes everything. Like the C driver, other IPv4 multicast is
delivered only to ports that registered it. A ``receive`` that returns ``False``
stops the loop for this frame (the C driver returns early when a copy fails).

Timing. By default nothing delays a frame: delivery happens inside ``transmit``, in
the sender's context, as the C RAM driver copies a frame into the receiving pool
before returning, so tick counts match the C. With a link model or a delay fault,
delivery is a simpy event and the receivers run in ISR context (the kernel runs
every simpy callback as an interrupt); each pending delivery counts in
``kernel.pending_interrupts`` so a run does not end while frames are in flight.

Link model: ``bit_rate`` (bits/s) makes each transmitter busy for
``len(frame) * 8 / bit_rate`` seconds per frame, kept as an exact fraction of a
tick; frames queue FIFO behind each other. Full duplex by default (one transmitter
per port, as on a switched link); ``half_duplex=True`` gives the whole segment one
transmitter (no collisions modelled, just the queue). ``propagation_delay`` (ticks)
adds to the end of serialisation. A frame is delivered at the first whole tick at
or after its last bit arrives::

    start   = max(now, transmitter busy until)
    end     = start + len(frame) * 8 * ticks_per_second / bit_rate   (exact)
    deliver = ceil(end + propagation_delay) + fault delay             (ticks)

Rounding up (never down) keeps causality: no reply can precede the last bit of what
it answers. Only the delivery tick is rounded; the queue keeps the exact time, so a
link carries its true rate over many frames. With ``bit_rate`` set even a tiny frame
arrives at tick now + 1 at the earliest. Frames a fault drops never occupy the
transmitter (the C test driver releases them before its output routine); a
duplicate is made in the network and follows the original without occupying it.

Capture point: a tap at the receivers' end of the wire. A frame is recorded (pcap
and frame log) when it is delivered, at the delivery tick, with the bytes the
receivers get: a dropped frame is never recorded, a corrupted one is recorded
corrupted, a duplicated one twice, a delayed or reordered one at the tick and in
the order it arrives. With no link model and no delay this is the transmit tick,
recorded before any receiver runs, like the C test driver's ``NX_PCAP_ENABLE``.
A frame no port accepts is still recorded (it was on the wire).

Link state. ``segment.set_link(False)`` cuts the wire: frames sent meanwhile are not
transmitted (fate "link-down") and frames in flight are lost on arrival ("lost").
``port.up = False`` stops one port: it neither sends ("link-down") nor receives
(counted in its ``rx_dropped``). The C demo driver transmits with its link down
: a driver that keeps that behaviour simply leaves ``port.up`` alone.

Capture files: ``capture_to(path_or_file)`` / ``stop_capture()``, or the
environment variable ``NETXSIM_PCAP=<path>``, read when a segment is created: the
kernel's first segment (index 0) writes to ``<path>`` itself, segment *i* > 0 to
``<stem>-<i><suffix>`` (``run.pcap`` -> ``run-1.pcap``); an explicit ``capture=``
argument wins over the variable. A later run truncates and reuses the file (the
last run wins). Timestamps are simulated ticks; each record
is flushed as it is written, so the file is complete when a run returns.

Real peers: ``NETXSIM_TAP=<address/prefix>`` bridges a kernel's first segment to a
Linux network namespace through a TAP device and paces the run to real time (see
``netxsim.tap``); the stack itself never imports that package otherwise.

Determinism: the same program and seeds give the same frame log and byte-identical
pcap files; all randomness is in the seeded :class:`~netxsim.nx.faults.LinkFaults`.
"""
from __future__ import annotations

import bisect
import math
import os
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Callable, Hashable, NamedTuple

from netxsim.tx.kernel import Kernel, kernel as current_kernel

from .faults import ETHERNET_HEADER_SIZE, FaultDecision, Frame, LinkFaults
from .pcap import PathOrFile, PcapWriter
from .wire import BROADCAST_MAC, ZERO_MAC

PCAP_ENVIRONMENT_VARIABLE = "NETXSIM_PCAP"
TAP_ENVIRONMENT_VARIABLE = "NETXSIM_TAP"  # bridge segment 0 to a Linux peer (netxsim.tap.environment)

# Fates in the frame log.
LINK_DOWN = "link-down"  # not transmitted: segment link or sending port down
DROPPED = "dropped"  # a fault dropped it before the wire
REPLACED = "replaced"  # a callback put other bytes on the wire
CORRUPTED = "corrupted"  # one bit flipped
DUPLICATED = "duplicated"  # delivered twice
DELAYED = "delayed"  # a fault delays it
HELD = "held"  # reorder: waits for the port's next frame
DELIVERED = "delivered"  # reached the tap and at least one receiver
UNCLAIMED = "unclaimed"  # reached the tap; no port accepted it
LOST = "lost"  # in flight when the segment link went down

ReceiveCallback = Callable[[bytes], "bool | None"]


class FrameRecord(NamedTuple):
    """One entry of a segment's frame log.

    Transmit-time entries (link-down, dropped, replaced, corrupted, duplicated,
    delayed, held) carry the bytes as sent; arrival entries (delivered, unclaimed,
    lost) the bytes as delivered. An undisturbed frame has one entry, "delivered".
    """

    tick: int
    port: str  # name of the sending port
    frame: bytes
    fate: str


@dataclass(slots=True)
class SegmentCounters:
    """Totals over every port of a segment."""

    frames: int = 0  # transmit calls
    bytes: int = 0
    link_down: int = 0  # not transmitted: link or port down
    dropped: int = 0  # dropped by a fault
    corrupted: int = 0
    duplicated: int = 0
    delayed: int = 0
    reordered: int = 0  # held back by the reorder fault
    lost: int = 0  # in flight when the link went down
    on_wire: int = 0  # frames that reached the tap (duplicates count twice)
    unclaimed: int = 0  # of those, accepted by no port


class _WatchedSet(set):
    """A port's multicast set: any change refreshes its segment's MAC table."""

    def __init__(self, segment: "EthernetSegment", items: Any = ()) -> None:
        super().__init__(items)
        self._segment = segment

    def __reduce__(self) -> Any:
        return (set, (list(self),))


def _watch(name: str) -> Any:
    method = getattr(set, name)

    def changed(self: _WatchedSet, *args: Any) -> Any:
        result = method(self, *args)
        self._segment._forget_takers()
        return result
    changed.__name__ = name
    return changed


for _name in ("add", "discard", "remove", "pop", "clear", "update", "difference_update",
              "intersection_update", "symmetric_difference_update", "__ior__", "__iand__", "__isub__",
              "__ixor__"):
    setattr(_WatchedSet, _name, _watch(_name))


class Port:
    """One station on a segment: its MAC, link flag, counters and ``transmit``."""

    def __init__(self, segment: EthernetSegment, index: int, receive: ReceiveCallback, mac: bytes,
                 name: str, owner: Any) -> None:
        self.segment = segment
        self.index = index  # attach order = delivery order (the C driver's slot)
        self.receive = receive
        self._mac = mac
        self.name = name
        self.owner = owner  # whatever the driver attached it for (e.g. the NX_IP)
        self.up = True
        self.attached = True
        self._promiscuous = False
        self._multicast = _WatchedSet(segment)  # extra destination MACs it accepts
        self.faults: LinkFaults | None = None  # applied to frames it sends, before the segment's
        # Counters.
        self.tx_frames = 0  # transmit calls
        self.tx_bytes = 0
        self.tx_dropped = 0  # never reached the wire: link down or dropped by a fault
        self.rx_frames = 0  # delivered to ``receive``
        self.rx_bytes = 0
        self.rx_dropped = 0  # addressed to this port while it was down
        # Link model and reorder state.
        self.busy_until = Fraction(0)
        self.held: _Held | None = None

    def transmit(self, frame: bytes | bytearray | memoryview) -> None:
        """Put a complete Ethernet frame on the wire (delivery rules: module docstring)."""
        # Keep a bytes subclass as is: a driver may tag frames (the RAM driver's headroom).
        self.segment._transmit(self, frame if isinstance(frame, bytes) else bytes(frame))

    def set_link(self, up: bool) -> None:
        self.up = bool(up)

    # What a port accepts feeds the segment's MAC table: changing it refreshes the table.
    @property
    def mac(self) -> bytes:
        return self._mac

    @mac.setter
    def mac(self, mac: bytes) -> None:
        self._mac = mac
        self.segment._forget_takers()

    @property
    def promiscuous(self) -> bool:
        return self._promiscuous

    @promiscuous.setter
    def promiscuous(self, on: bool) -> None:
        self._promiscuous = on
        self.segment._forget_takers()

    @property
    def multicast(self) -> set[bytes]:
        return self._multicast

    @multicast.setter
    def multicast(self, macs: Any) -> None:
        self._multicast = _WatchedSet(self.segment, macs)
        self.segment._forget_takers()

    def accepts(self, destination: bytes) -> bool:
        """Does this port take a frame sent to ``destination`` (``_nx_ram_network_driver_output``)."""
        return (self.promiscuous or destination == BROADCAST_MAC or destination == self.mac
                or destination[:2] == b"\x33\x33" or destination == ZERO_MAC
                or destination in self.multicast)

    def detach(self) -> None:
        """Leave the segment: no more frames to or from this port."""
        if self.attached:
            self.attached = False
            self.segment.ports.remove(self)
            self.segment._forget_takers()

    def __repr__(self) -> str:
        return f"<Port {self.name!r} {self.mac.hex(':')} on {self.segment.name!r}>"


class _Held:
    """A frame the reorder fault holds back until its port's next frame (or a timeout)."""

    __slots__ = ("frames", "tick", "deadline", "done")

    def __init__(self, frames: list[bytes], tick: int, deadline: int) -> None:
        self.frames = frames
        self.tick = tick  # when it would have arrived had it not been held
        self.deadline = deadline  # released on its own then
        self.done = False


def _port_order(port: Port) -> int:
    return port.order


class EthernetSegment:
    """One simulated Ethernet segment of a kernel (module docstring)."""

    def __init__(self, kernel: Kernel | None = None, name: str | None = None, mtu: int = 1500,
                 bit_rate: int | None = None, propagation_delay: int = 0,
                 capture: PathOrFile | PcapWriter | None = None, *, faults: LinkFaults | None = None,
                 half_duplex: bool = False, frame_log: bool = False,
                 ticks_per_second: int | None = None) -> None:
        self.kernel = kernel if kernel is not None else current_kernel()
        siblings = _segments_of(self.kernel)
        self.index = len(siblings)
        siblings.append(self)
        self.name = name if name is not None else f"segment {self.index}"
        if mtu <= 0:
            raise ValueError(f"mtu must be positive, got {mtu}")
        if bit_rate is not None and bit_rate <= 0:
            raise ValueError(f"bit_rate must be positive bits/s or None, got {bit_rate}")
        if propagation_delay < 0:
            raise ValueError(f"propagation_delay must be >= 0 ticks, got {propagation_delay}")
        self.mtu = mtu
        self.bit_rate = bit_rate
        self.propagation_delay = propagation_delay
        self.half_duplex = half_duplex
        # Simulated ticks per second: the kernel's build (TX_TIMER_TICKS_PER_SECOND) by default.
        self.ticks_per_second = ticks_per_second if ticks_per_second is not None \
            else self.kernel.config.tx.TX_TIMER_TICKS_PER_SECOND
        self.faults = faults
        self.link_up = True
        self.ports: list[Port] = []
        # The MAC table: destination MAC -> the ports that take it, in delivery order
        # (built on first use, forgotten when a port is attached or detached or changes
        # what it accepts), so a unicast frame reaches its port without a scan.
        self._takers: dict[bytes, list[Port]] = {}
        self._by_mac: dict[bytes, list[Port]] | None = None
        self._open_ports: list[Port] = []  # promiscuous, or with multicast MACs
        # (destination, sending port) -> the takers without the sender; forgotten with
        # the MAC table.
        self._takers_from: dict[tuple[bytes, Port], list[Port]] = {}
        self.counters = SegmentCounters()
        self.frame_log: list[FrameRecord] | None = [] if frame_log else None
        self.busy_until = Fraction(0)  # end of the last frame on the shared transmitter (half duplex)
        self._next_port = 0
        self._pcap: PcapWriter | None = None
        self._owns_pcap = False
        if capture is not None:
            self.capture_to(capture)
        else:
            path = os.environ.get(PCAP_ENVIRONMENT_VARIABLE)
            if path:
                self._capture_from_environment(path)
        if os.environ.get(TAP_ENVIRONMENT_VARIABLE) and self.index == 0:
            from netxsim.tap.environment import bridge_from_environment  # only when asked for
            bridge_from_environment(self)

    # ------------------------------------------------------------------ ports
    def attach(self, receive: ReceiveCallback, mac: bytes | bytearray, *, name: str | None = None,
               owner: Any = None, order: int | None = None) -> Port:
        """Attach a station with MAC ``mac``; ``receive(frame)`` gets the frames it accepts.

        Frames reach ports in ``order`` (default: attach order); a driver with an instance
        table passes its slot, so a reused slot keeps its place as in the C loop.
        """
        mac = bytes(mac)
        if len(mac) != 6:
            raise ValueError(f"a MAC address is 6 bytes, got {len(mac)}")
        port = Port(self, self._next_port, receive, mac, name or f"port {self._next_port}", owner)
        port.order = self._next_port if order is None else order
        self._next_port += 1
        # Into its place in delivery order, after every port of the same order (what
        # appending and a stable sort give, without re-sorting N ports per attach).
        bisect.insort_right(self.ports, port, key=_port_order)
        self._forget_takers()
        return port

    def _forget_takers(self) -> None:
        self._takers.clear()
        self._takers_from.clear()
        self._by_mac = None

    def _takers_of(self, destination: bytes) -> list[Port]:
        """Every port that accepts ``destination``, in delivery order (Port.accepts)."""
        takers = self._takers.get(destination)
        if takers is not None:
            return takers
        if destination == BROADCAST_MAC or destination[:2] == b"\x33\x33" or destination == ZERO_MAC:
            takers = list(self.ports)
        else:
            by_mac = self._by_mac
            if by_mac is None:
                by_mac = self._by_mac = {}
                for port in self.ports:
                    by_mac.setdefault(port.mac, []).append(port)
                self._open_ports = [p for p in self.ports if p.promiscuous or p.multicast]
            takers = list(by_mac.get(destination, ()))
            extra = [p for p in self._open_ports if p not in takers and p.accepts(destination)]
            if extra:
                chosen = set(takers + extra)
                takers = [p for p in self.ports if p in chosen]
        self._takers[destination] = takers
        return takers

    def set_link(self, up: bool) -> None:
        """Connect (True) or cut (False) the whole wire."""
        self.link_up = bool(up)

    # ---------------------------------------------------------------- capture
    def capture_to(self, target: PathOrFile | PcapWriter) -> PcapWriter:
        """Record every frame that reaches the tap to a pcap file, path or writer."""
        self.stop_capture()
        if isinstance(target, PcapWriter):
            self._pcap, self._owns_pcap = target, False
        else:
            self._pcap = PcapWriter(target, ticks_per_second=self.ticks_per_second)
            self._owns_pcap = True
            self._pcap.flush()  # a run with no frames still leaves a valid (empty) capture
        return self._pcap

    def stop_capture(self) -> None:
        """Stop recording; closes the file if the segment opened it."""
        writer, self._pcap = self._pcap, None
        if writer is not None:
            if self._owns_pcap:
                writer.close()
            else:
                writer.flush()

    @property
    def capture(self) -> PcapWriter | None:
        return self._pcap

    def _capture_from_environment(self, path: str) -> None:
        if self.index:
            stem, suffix = os.path.splitext(path)
            path = f"{stem}-{self.index}{suffix}"
        previous = _environment_writers.pop(os.path.abspath(path), None)
        if previous is not None:
            previous.close()  # an earlier run's writer: never two handles on one file
        writer = self.capture_to(path)
        _environment_writers[os.path.abspath(path)] = writer

    # --------------------------------------------------------------- transmit
    def enable_frame_log(self) -> list[FrameRecord]:
        """Start keeping the frame log (if not already) and return it."""
        if self.frame_log is None:
            self.frame_log = []
        return self.frame_log

    def _log(self, tick: int, port: Port, frame: bytes, fate: str) -> None:
        if self.frame_log is not None:
            self.frame_log.append(FrameRecord(tick, port.name, frame, fate))

    def _check(self, frame: bytes) -> None:
        if len(frame) < ETHERNET_HEADER_SIZE:
            raise ValueError(f"{self.name}: a {len(frame)}-byte frame has no Ethernet header")
        if len(frame) > self.mtu + ETHERNET_HEADER_SIZE:
            raise ValueError(f"{self.name}: {len(frame)}-byte frame exceeds MTU {self.mtu} + 14")

    def _transmit(self, port: Port, data: bytes) -> None:
        if not port.attached:
            raise ValueError(f"{port.name}: transmit on a detached port")
        length = len(data)
        if length < ETHERNET_HEADER_SIZE or length > self.mtu + ETHERNET_HEADER_SIZE:
            self._check(data)
        counters = self.counters
        index = counters.frames
        counters.frames += 1
        counters.bytes += length
        port.tx_frames += 1
        port.tx_bytes += length
        if not (self.link_up and port.up):
            counters.link_down += 1
            port.tx_dropped += 1
            self._log(self.kernel.now, port, data, LINK_DOWN)
            return
        if self.faults is None and port.faults is None and port.held is None:
            # No fault chain: the common case goes straight to the link; with no link
            # model and no propagation delay it arrives now (_arrival_tick), and
            # _schedule delivers at once.
            if self.bit_rate is None and not self.propagation_delay:
                self._deliver(port, data)
            else:
                self._schedule(self._arrival_tick(port, length), port, [data])
            return
        now = self.kernel.now
        decision = self._decide(port, Frame(index, now, port, data, port.tx_frames - 1))
        if decision.dropped:
            counters.dropped += 1
            port.tx_dropped += 1
            self._log(now, port, data, DROPPED)
            return
        if decision.data != data:
            self._check(decision.data)
        hold = decision.hold is not None and port.held is None  # one held frame per port
        for flag, fate in ((decision.replaced, REPLACED), (decision.corrupted, CORRUPTED),
                           (decision.duplicate, DUPLICATED), (decision.delay > 0, DELAYED),
                           (hold, HELD)):
            if flag:
                self._log(now, port, data, fate)
        counters.corrupted += decision.corrupted
        counters.duplicated += decision.duplicate
        counters.delayed += decision.delay > 0
        copies = [decision.data, decision.data] if decision.duplicate else [decision.data]
        tick = self._arrival_tick(port, len(data)) + decision.delay
        if hold:
            assert decision.hold is not None
            counters.reordered += 1
            new_hold = port.held = _Held(copies, tick, max(tick, now + decision.hold))
            self._schedule(new_hold.deadline, port, new_hold)
            return
        held = port.held
        if held is None:
            self._schedule(tick, port, copies)
            return
        # Release the held frame right behind this one (not before its own arrival).
        port.held = None
        held.done = True
        self.kernel.pending_interrupts -= 1  # its timeout event is now void
        if held.tick <= tick:
            self._schedule(tick, port, copies + held.frames)
        else:
            self._schedule(tick, port, copies)
            self._schedule(held.tick, port, held.frames)

    def _decide(self, port: Port, frame: Frame) -> FaultDecision:
        decision: FaultDecision | None = None
        for faults in (port.faults, self.faults):
            if faults is None:
                continue
            step = faults.decide(frame)
            decision = step if decision is None else decision.merge(step)
            if decision.dropped:
                break
            frame = replace(frame, data=decision.data)
        return decision if decision is not None else FaultDecision(frame.data)

    def _arrival_tick(self, port: Port, length: int) -> int:
        """Tick at which a frame of ``length`` bytes sent now arrives (module docstring)."""
        now = self.kernel.now
        if self.bit_rate is None:
            return math.ceil(now + self.propagation_delay)
        transmitter: EthernetSegment | Port = self if self.half_duplex else port
        start = max(Fraction(now), transmitter.busy_until)
        transmitter.busy_until = start + Fraction(length * 8 * self.ticks_per_second, self.bit_rate)
        return math.ceil(transmitter.busy_until + self.propagation_delay)

    # ---------------------------------------------------------------- deliver
    def _schedule(self, tick: int, port: Port, frames: list[bytes] | _Held) -> None:
        k = self.kernel
        if tick <= k.now and not isinstance(frames, _Held):
            for data in frames:
                self._deliver(port, data)
            return
        k.pending_interrupts += 1
        event = k.env.timeout(tick - k.now)
        event.callbacks.append(lambda _event: self._delivery_interrupt(port, frames))

    def _delivery_interrupt(self, port: Port, frames: list[bytes] | _Held) -> None:
        """A simpy callback, hence ISR context: frames reach the far end of the wire."""
        if isinstance(frames, _Held):
            if frames.done:
                return  # released earlier behind the port's next frame
            frames.done = True
            if port.held is frames:
                port.held = None
            frames = frames.frames
        self.kernel.pending_interrupts -= 1
        tb = self.kernel.trace_buffer
        if tb is not None:
            tb.isr(3, 2)  # TX_TRACE_ISR_ENTER, TRACE_ISR_ETHERNET
        for data in frames:
            self._deliver(port, data)
        tb = self.kernel.trace_buffer
        if tb is not None:
            tb.isr(4, 2)  # TX_TRACE_ISR_EXIT

    def _deliver(self, port: Port, data: bytes) -> None:
        """The tap and the receivers: capture, log, then hand ``data`` to every taker."""
        if not self.link_up:
            self.counters.lost += 1
            self._log(self.kernel.now, port, data, LOST)
            return
        destination = data[:6]
        key = (destination, port)
        takers = self._takers_from.get(key)
        if takers is None:
            takers = self._takers_from[key] = [p for p in self._takers_of(destination) if p is not port]
        claimed = False
        for taker in takers:
            if taker.up:
                claimed = True
                break
        counters = self.counters
        counters.on_wire += 1
        if not claimed:
            counters.unclaimed += 1
        frame_log = self.frame_log
        if frame_log is not None:  # _log, inlined
            frame_log.append(FrameRecord(int(self.kernel.env._now), port.name, data,   # Kernel.now, inline
                                         DELIVERED if claimed else UNCLAIMED))
        if self._pcap is not None:
            self._pcap.write_frame(self.kernel.now, data)
            self._pcap.flush()
        length = len(data)
        for taker in takers:
            if not taker.attached:
                continue  # detached by an earlier receiver of this frame
            if not taker.up:
                taker.rx_dropped += 1
                continue
            taker.rx_frames += 1
            taker.rx_bytes += length
            if taker.receive(data) is False:
                break  # the C driver returns early when its copy fails

    def __repr__(self) -> str:
        return f"<EthernetSegment {self.name!r}: {len(self.ports)} ports>"


# ---------------------------------------------------------------------------
# Segments of a kernel

_environment_writers: dict[str, PcapWriter] = {}


def _segments_of(k: Kernel) -> list[EthernetSegment]:
    segments = getattr(k, "nx_segment_list", None)
    if segments is None:
        segments = []
        k.nx_segment_list = segments  # type: ignore[attr-defined]
    return segments


def segments_of(k: Kernel | None = None) -> list[EthernetSegment]:
    """Every segment of kernel ``k`` (default: the running one), in creation order."""
    return list(_segments_of(k if k is not None else current_kernel()))


def segment_for(k: Kernel | None, key: Hashable, **options: Any) -> EthernetSegment:
    """The segment of kernel ``k`` for ``key`` (e.g. a driver function), created on first use.

    ``options`` are :class:`EthernetSegment` keyword arguments, only allowed when the
    call creates the segment (set attributes of an existing one instead). A test
    that wants a lossy wire asks for the driver's segment in
    ``tx_application_define``, before the driver attaches::

        wire = segment_for(kernel(), _nx_ram_network_driver, bit_rate=10_000_000)
        wire.faults = LinkFaults(seed=7, drop=0.05)
    """
    k = k if k is not None else current_kernel()
    by_key: dict[Hashable, EthernetSegment] | None = getattr(k, "nx_segments", None)
    if by_key is None:
        by_key = {}
        k.nx_segments = by_key  # type: ignore[attr-defined]
    segment = by_key.get(key)
    if segment is None:
        segment = by_key[key] = EthernetSegment(k, **options)
    elif options:
        raise ValueError(f"{segment.name} already exists; set its attributes instead of "
                         f"passing {sorted(options)}")
    return segment


__all__ = ["EthernetSegment", "Port", "FrameRecord", "SegmentCounters", "segment_for",
           "segments_of", "PCAP_ENVIRONMENT_VARIABLE", "LINK_DOWN", "DROPPED", "REPLACED",
           "CORRUPTED", "DUPLICATED", "DELAYED", "HELD", "DELIVERED", "UNCLAIMED", "LOST"]
