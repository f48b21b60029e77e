"""Seeded, deterministic fault injection for the simulated Ethernet segment.

The simulation's version of the NetX Duo test driver's packet-processing hooks
(netxduo ``test/regression/test/nx_ram_network_driver_test_1500.c``):
where a C regression test installs ``advanced_packet_process_callback`` to drop,
delay or duplicate a packet, a Python test gives the segment a :class:`LinkFaults`.
Like smoltcp's ``phy/FaultInjector`` it wraps the device: this module only decides
what happens to a frame (sans-IO, no kernel needed); the segment
(:mod:`netxsim.nx.segment`) carries the decision out in simulated time.

What a :class:`LinkFaults` can do to a frame, in the order it decides:

1. ``on_frame(frame)`` — a per-frame callback returning an :class:`Action` (or
   ``None`` = pass, or ``bytes`` = replace): drop, replace the bytes, delay by k
   ticks, duplicate. The counterpart of the C hooks.
2. ``drop_frames`` (a set of frame indices) and ``drop_if`` (a predicate): drop.
3. ``drop=p``: drop at random.
4. ``corrupt=p``: flip one bit (see :func:`corrupt_frame`).
5. ``duplicate=p``: the frame is delivered twice, the copy right after the original.
6. ``delay=(p, ticks)`` or ``delay=(p, (low, high))``: delivered that many ticks later
   (uniform integer in [low, high]).
7. ``reorder=p``: the frame is held back and delivered right after the next frame the
   same port sends, or after ``reorder_hold`` ticks if none comes.

Frame indices (``drop_frames``, :attr:`Frame.index`) are 0-based and count every
``transmit`` on the segment, in order, link-down ones included.

Determinism: there is no global randomness. Each random kind has its own
``random.Random`` stream derived from ``seed`` (``f"{seed}/drop"``, ...; a string
seed goes through SHA-512, never ``hash()``, so it is the same in every process),
and each enabled kind (probability > 0) draws exactly once for every frame this
fault set decides on, whatever the other kinds decided. So the random fate of the
k-th frame it decides on depends only on the seed and k: turning duplication on does
not change which frames are dropped. Bit positions and delay lengths come from
streams of their own. A fault set does not see frames sent while the link is down,
nor, for a segment's set, frames the sending port's own set dropped. ``LinkFaults.random`` is one more
stream for ``on_frame`` callbacks that want seeded randomness.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Collection, TypeAlias

from .wire import ETHERTYPE_IPV4, IP_PROTO_ICMP, IP_PROTO_TCP

if TYPE_CHECKING:
    from .segment import Port

ETHERNET_HEADER_SIZE = 14


# ---------------------------------------------------------------------------
# What a callback sees and returns


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame offered to the wire, as fault callbacks and predicates see it."""

    index: int  # segment-wide, 0-based, in transmit order
    tick: int  # simulated time of the transmit
    port: "Port"  # the sending port (``port.name``, ``port.mac``, ``port.owner``)
    data: bytes  # the whole Ethernet frame
    seq: int = 0  # 0-based count of frames this port has transmitted before this one

    @property
    def dst(self) -> bytes:
        return self.data[0:6]

    @property
    def src(self) -> bytes:
        return self.data[6:12]

    @property
    def ethertype(self) -> int:
        return int.from_bytes(self.data[12:14], "big")

    @property
    def payload(self) -> bytes:
        """The bytes after the Ethernet header (IP datagram, ARP body ...)."""
        return self.data[ETHERNET_HEADER_SIZE:]


@dataclass(frozen=True, slots=True)
class Action:
    """What an ``on_frame`` callback wants done with a frame.

    Fields combine: ``Action(data=new_bytes, delay=3)`` replaces and delays. Use the
    constants :data:`PASS`, :data:`DROP`, :data:`DUPLICATE` and the constructors
    :meth:`replace` and :meth:`delayed`. Returning ``None`` means PASS, returning
    ``bytes`` means ``Action.replace(bytes)``.
    """

    drop: bool = False
    data: bytes | None = None
    delay: int = 0
    duplicate: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.delay, int) or self.delay < 0:
            raise ValueError(f"Action delay must be a non-negative int of ticks, got {self.delay!r}")
        if self.data is not None:
            object.__setattr__(self, "data", bytes(self.data))

    @classmethod
    def replace(cls, data: bytes | bytearray | memoryview) -> Action:
        """Put ``data`` on the wire instead of the frame (the C hook editing in place)."""
        return cls(data=bytes(data))

    @classmethod
    def delayed(cls, ticks: int) -> Action:
        """Deliver ``ticks`` ticks later (NX_RAMDRIVER_OP_DELAY)."""
        return cls(delay=ticks)


PASS = Action()  # NX_RAMDRIVER_OP_BYPASS
DROP = Action(drop=True)  # NX_RAMDRIVER_OP_DROP
DUPLICATE = Action(duplicate=True)  # NX_RAMDRIVER_OP_DUPLICATE

FrameCallback: TypeAlias = Callable[[Frame], "Action | bytes | bytearray | None"]


@dataclass(slots=True)
class FaultDecision:
    """What the fault chain decided for one frame; the segment carries it out."""

    data: bytes
    dropped: bool = False
    reason: str = ""  # why dropped: "callback", "pattern", "random", "corrupt"
    replaced: bool = False
    corrupted: bool = False
    duplicate: bool = False
    delay: int = 0
    hold: int | None = None  # reorder: hold at most this many ticks

    def merge(self, later: FaultDecision) -> FaultDecision:
        """This decision followed by ``later`` (a second chain that saw our output)."""
        return FaultDecision(
            data=later.data,
            dropped=later.dropped,
            reason=later.reason,
            replaced=self.replaced or later.replaced,
            corrupted=self.corrupted or later.corrupted,
            duplicate=self.duplicate or later.duplicate,
            delay=self.delay + later.delay,
            hold=later.hold if self.hold is None else
            self.hold if later.hold is None else max(self.hold, later.hold),
        )


# ---------------------------------------------------------------------------
# Corruption


def corruptible_range(frame: bytes) -> tuple[int, int] | None:
    """Byte range [start, end) of ``frame`` whose corruption an Internet checksum catches.

    The segment models no FCS, so corruption is made to exercise the receiving
    stack's own checksums: for an IPv4 frame, the IPv4 header (covered by the header
    checksum) except its first byte — version/IHL decide how many bytes the checksum
    covers, so a flip there could move the check instead of failing it — plus, for
    TCP and ICMP, the rest of the datagram (covered by their checksums; UDP may carry
    no checksum, so only its IP header is eligible). ``None`` for anything else (ARP,
    IPv6, a malformed IPv4 header): no checksum would see the damage.
    """
    if len(frame) < ETHERNET_HEADER_SIZE + 20:
        return None
    if int.from_bytes(frame[12:14], "big") != ETHERTYPE_IPV4:
        return None
    ip = ETHERNET_HEADER_SIZE
    if frame[ip] >> 4 != 4:
        return None
    header_length = (frame[ip] & 0x0F) * 4
    total_length = int.from_bytes(frame[ip + 2:ip + 4], "big")
    if header_length < 20 or total_length < header_length or ip + total_length > len(frame):
        return None
    end = ip + header_length
    if frame[ip + 9] in (IP_PROTO_TCP, IP_PROTO_ICMP):
        end = ip + total_length
    return ip + 1, end


def corrupt_frame(frame: bytes, rng: random.Random) -> bytes | None:
    """``frame`` with one bit flipped inside :func:`corruptible_range`, or ``None``.

    A single flipped bit changes a 16-bit word by ±2^k, hence the one's-complement
    sum by a non-zero amount: the covering checksum always fails. ``None`` means the
    frame has no checksummed bytes; the segment then drops it, as a real receiver's
    MAC would on a bad FCS.
    """
    span = corruptible_range(frame)
    if span is None:
        return None
    start, end = span
    bit = rng.randrange((end - start) * 8)
    damaged = bytearray(frame)
    damaged[start + bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(damaged)


# ---------------------------------------------------------------------------
# The fault set


def _probability(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} probability must be in [0, 1], got {value!r}")
    return float(value)


def _ticks(name: str, value: int) -> int:
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative int of ticks, got {value!r}")
    return value


def _delay_spec(delay: tuple[float, int | tuple[int, int]] | None) -> tuple[float, int, int]:
    if delay is None:
        return 0.0, 0, 0
    try:
        probability, ticks = delay
    except (TypeError, ValueError):
        raise ValueError(f"delay must be (p, ticks) or (p, (low, high)), got {delay!r}") from None
    if isinstance(ticks, tuple):
        low, high = ticks
    else:
        low = high = ticks
    _ticks("delay", low)
    _ticks("delay", high)
    if low > high:
        raise ValueError(f"delay range ({low}, {high}) is empty")
    return _probability("delay", probability), low, high


@dataclass(eq=False)
class LinkFaults:
    """A seeded set of faults applied to every frame it sees (module docstring).

    Give one to a segment (``segment.faults``: every frame) or to a port
    (``port.faults``: frames that port sends, decided before the segment's). All
    fields may be changed between frames; a probability of 0 turns a kind off.
    """

    seed: int | str = 0
    drop: float = 0.0
    duplicate: float = 0.0
    delay: tuple[float, int | tuple[int, int]] | None = None
    reorder: float = 0.0
    reorder_hold: int = 10
    corrupt: float = 0.0
    drop_frames: Collection[int] = ()
    drop_if: Callable[[Frame], bool] | None = None
    on_frame: FrameCallback | None = None
    frames_seen: int = field(default=0, init=False)
    random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.validate()
        seed = self.seed
        self._streams = {kind: random.Random(f"{seed}/{kind}") for kind in
                         ("drop", "duplicate", "delay", "delay-ticks", "reorder", "corrupt",
                          "corrupt-bit")}
        self.random = random.Random(f"{seed}/user")

    def validate(self) -> None:
        """Check every field; raises ValueError naming the bad one."""
        _probability("drop", self.drop)
        _probability("duplicate", self.duplicate)
        _probability("reorder", self.reorder)
        _probability("corrupt", self.corrupt)
        _delay_spec(self.delay)
        _ticks("reorder_hold", self.reorder_hold)

    def _draw(self, kind: str, probability: float) -> bool:
        # Draw only for an enabled kind, always exactly once per frame (determinism).
        if probability <= 0.0:
            return False
        return self._streams[kind].random() < probability

    def decide(self, frame: Frame) -> FaultDecision:
        """The fate of ``frame``. Consumes this frame's random draws; call once per frame."""
        self.frames_seen += 1
        delay_p, delay_low, delay_high = _delay_spec(self.delay)
        # All draws first, so a frame dropped early still advances every stream.
        random_drop = self._draw("drop", self.drop)
        random_corrupt = self._draw("corrupt", self.corrupt)
        random_duplicate = self._draw("duplicate", self.duplicate)
        random_delay = self._draw("delay", delay_p)
        random_hold = self._draw("reorder", self.reorder)

        decision = FaultDecision(frame.data)
        action = self._callback_action(frame)
        if action.drop:
            return self._dropped(decision, "callback")
        if frame.index in self.drop_frames or (self.drop_if is not None and self.drop_if(frame)):
            return self._dropped(decision, "pattern")
        if random_drop:
            return self._dropped(decision, "random")
        if action.data is not None:
            decision.data = action.data
            decision.replaced = True
        if random_corrupt:
            damaged = corrupt_frame(decision.data, self._streams["corrupt-bit"])
            if damaged is None:
                return self._dropped(decision, "corrupt")
            decision.data = damaged
            decision.corrupted = True
        decision.duplicate = action.duplicate or random_duplicate
        decision.delay = action.delay
        if random_delay:
            decision.delay += self._streams["delay-ticks"].randint(delay_low, delay_high)
        if random_hold:
            decision.hold = self.reorder_hold
        return decision

    def _callback_action(self, frame: Frame) -> Action:
        if self.on_frame is None:
            return PASS
        result = self.on_frame(frame)
        if result is None:
            return PASS
        if isinstance(result, Action):
            return result
        if isinstance(result, (bytes, bytearray, memoryview)):
            return Action.replace(result)
        raise TypeError(f"on_frame must return an Action, bytes or None, not {type(result).__name__}")

    @staticmethod
    def _dropped(decision: FaultDecision, reason: str) -> FaultDecision:
        decision.dropped = True
        decision.reason = reason
        return decision


FaultConfig = LinkFaults  # the name the design notes use

__all__ = ["Action", "PASS", "DROP", "DUPLICATE", "Frame", "FaultDecision", "LinkFaults",
           "FaultConfig", "corrupt_frame", "corruptible_range"]
