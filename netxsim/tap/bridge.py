"""``TapBridge``: a promiscuous port on a simulated segment, cabled to a Linux TAP device.

Frames move both ways unchanged:

* simulated -> Linux: the bridge's port is promiscuous, so every frame that reaches
  the segment's tap (and is therefore in its pcap) is written to the TAP fd, in the
  sender's context, at the tick it is delivered;
* Linux -> simulated: the kernel's :class:`~netxsim.tap.pacing.RealTimePacer` watches
  the fd; in the tick a frame arrives, an interrupt reads every frame waiting and
  transmits each on the segment from the bridge's port (so it goes through the
  segment's fault chain, link model and capture like any frame).

``faults=`` is the bridge's cable: a :class:`~netxsim.nx.faults.LinkFaults` applied
to frames in both directions (one seeded stream, in the order the bridge sees
frames). Toward the simulation it is the port's own fault set, so a frame it drops
never reaches the segment capture; toward Linux it acts after the segment's tap, so
such a frame is in the segment's pcap but never reaches Linux (as a frame lost on
the cable beyond a switch's mirror port). Toward Linux, drop, corrupt, replace,
duplicate and delay are honoured; reordering is refused. The segment's own
``faults`` still apply to every sender on the segment, bridge included.

The simulation is paced to real time as soon as a bridge is attached; attach it in
``tx_application_define`` (the kernel exists then). Frames larger than the segment
MTU + 14 from Linux (the TAP's MTU is set to match) are counted and dropped.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from netxsim.nx.faults import Frame, LinkFaults
from netxsim.nx.segment import EthernetSegment
from netxsim.tx.kernel import kernel as current_kernel

from .pacing import RealTimePacer

BRIDGE_MAC = bytes.fromhex("024e58000001")  # locally administered; the TAP's own address
_READ_SIZE = 65536


@dataclass
class BridgeCounters:
    to_linux: int = 0  # frames written to the TAP
    to_linux_bytes: int = 0
    to_linux_dropped: int = 0  # by the bridge's faults, or the TAP refused them
    from_linux: int = 0  # frames read from the TAP
    from_linux_bytes: int = 0
    from_linux_oversize: int = 0  # larger than the segment's MTU: not transmitted


class TapBridge:
    """Bridge ``segment`` to the TAP device ``ifname`` open on ``fd`` (module docstring).

    ``fd`` is a non-blocking TAP file descriptor (``IFF_TAP | IFF_NO_PI``), e.g.
    :attr:`netxsim.tap.LinuxPeer.tap_fd`; the bridge does not own it. Without ``fd``,
    give ``netns``: the bridge opens (creating if needed) TAP ``ifname`` inside that
    network namespace and closes it in :meth:`close`; it never opens a device in the
    host's namespace. ``mac`` is the MAC the bridge's port answers to on the segment
    (only informative: the port is promiscuous).
    """

    def __init__(self, segment: EthernetSegment, ifname: str, *, fd: int | None = None, netns: str | None = None,
                 faults: LinkFaults | None = None, mac: bytes = BRIDGE_MAC, name: str | None = None) -> None:
        if faults is not None and faults.reorder:
            raise ValueError("TapBridge faults: reorder is not supported on the bridge cable")
        self.owns_fd = fd is None
        if fd is None:
            if netns is None:
                raise ValueError("TapBridge needs fd= (an open TAP) or netns= (a namespace to open it in)")
            from .netns import open_tap
            fd = open_tap(netns, ifname)
        self.segment = segment
        self.ifname = ifname
        self.fd = fd
        self.faults = faults
        self.counters = BridgeCounters()
        self.kernel = segment.kernel
        self.port = segment.attach(self._to_linux, mac, name=name or f"tap {ifname}", owner=self)
        self.port.promiscuous = True
        self.port.faults = faults
        self.pacer = RealTimePacer.of(self.kernel)
        self.pacer.add_source(fd, self._from_linux)
        self._outbound_index = 0
        self.closed = False

    @classmethod
    def attach(cls, segment: EthernetSegment | None, ifname: str, **options: Any) -> TapBridge:
        """Bridge the RAM driver's segment of the running kernel (or ``segment``)."""
        if segment is None:
            from netxsim.nx.ram_driver import _nx_ram_network_driver
            from netxsim.nx.segment import segment_for
            segment = segment_for(current_kernel(), _nx_ram_network_driver)
        return cls(segment, ifname, **options)

    # ---------------------------------------------------------- sim -> Linux
    def _to_linux(self, frame: bytes) -> bool:
        if self.closed:
            return True
        faults = self.faults
        if faults is None:
            self._write(frame)
            return True
        decision = faults.decide(Frame(self._outbound_index, self.kernel.now, self.port, bytes(frame),
                                       self._outbound_index))
        self._outbound_index += 1
        if decision.dropped:
            self.counters.to_linux_dropped += 1
            return True
        copies = [decision.data] * (2 if decision.duplicate else 1)
        if decision.delay:
            self.kernel.interrupt_after(decision.delay, lambda: [self._write(c) for c in copies])
        else:
            for copy in copies:
                self._write(copy)
        return True

    def _write(self, frame: bytes) -> None:
        if self.closed:
            return
        try:
            os.write(self.fd, frame)
        except (BlockingIOError, OSError):
            self.counters.to_linux_dropped += 1  # device down or its queue full: lost
            return
        self.counters.to_linux += 1
        self.counters.to_linux_bytes += len(frame)

    # ---------------------------------------------------------- Linux -> sim
    def _from_linux(self) -> None:
        """ISR context: every frame waiting on the TAP goes onto the segment now."""
        limit = self.segment.mtu + 14
        while not self.closed:
            try:
                frame = os.read(self.fd, _READ_SIZE)
            except BlockingIOError:
                return
            except OSError:
                return
            if not frame:
                return
            self.counters.from_linux += 1
            self.counters.from_linux_bytes += len(frame)
            if len(frame) > limit or len(frame) < 14:
                self.counters.from_linux_oversize += 1
                continue
            self.port.transmit(frame)

    # ---------------------------------------------------------------- close
    def close(self) -> None:
        """Detach from the segment and stop watching the TAP (closing it only if the bridge opened it)."""
        if self.closed:
            return
        self.closed = True
        self.pacer.remove_source(self.fd)
        self.port.detach()
        if self.owns_fd:
            os.close(self.fd)

    def __repr__(self) -> str:
        return f"<TapBridge {self.ifname} on {self.segment.name!r}>"


__all__ = ["TapBridge", "BridgeCounters", "BRIDGE_MAC"]
