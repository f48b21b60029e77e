"""Reading a ThreadX trace buffer (``.trx``): header, object registry and events, oldest
first, in either byte order (TraceX user guide, chapter 11)."""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from netxsim.nx import trace as nx_ids
from netxsim.tx import trace as tx_ids

TRACE_VALID = 0x54585442
ISR_THREAD = 0xFFFFFFFF
INIT_THREAD = 0xF0F0F0F0

OBJECT_TYPES = {1: "thread", 2: "timer", 3: "queue", 4: "semaphore", 5: "mutex", 6: "event flags",
                7: "block pool", 8: "byte pool", 11: "IP instance", 12: "packet pool",
                13: "TCP socket", 14: "UDP socket"}


def _event_names() -> dict[int, str]:
    names: dict[int, str] = {}
    for module, prefix in ((tx_ids, "TX_TRACE_"), (nx_ids, "NX_TRACE_")):
        for name in dir(module):
            value = getattr(module, name)
            if name.startswith(prefix) and isinstance(value, int) and 0 < value < 4096 \
                    and not name.endswith("_EVENTS") and "OBJECT_TYPE" not in name:
                names.setdefault(value, name[len(prefix):].lower())
    return names


EVENT_NAMES = _event_names()


class TrxFormatError(ValueError):
    """The bytes are not a ThreadX trace buffer."""


@dataclass
class TraceObject:
    address: int
    kind: int
    name: str
    parameter_1: int
    parameter_2: int
    available: bool
    priority: int | None = None

    @property
    def kind_name(self) -> str:
        return OBJECT_TYPES.get(self.kind, f"type {self.kind}")


@dataclass
class TraceEvent:
    index: int          # position in recording order (0 = oldest kept)
    thread: int         # thread pointer, ISR_THREAD or INIT_THREAD
    priority: int       # priority word (interrupted thread for ISR events)
    id: int
    time: int           # time stamp, masked
    info: tuple[int, int, int, int]

    @property
    def name(self) -> str:
        if self.id >= tx_ids.TX_TRACE_USER_EVENT_START:
            return f"user event {self.id}"
        return EVENT_NAMES.get(self.id, f"event {self.id}")


@dataclass
class Trace:
    """A parsed trace buffer."""

    base: int
    timer_mask: int
    objects: dict[int, TraceObject]
    events: list[TraceEvent]
    wrapped: bool
    little_endian: bool = True
    raw: bytes = field(default=b"", repr=False)

    def name_of(self, address: int) -> str:
        if address == ISR_THREAD:
            return "interrupt"
        if address == INIT_THREAD:
            return "initialization"
        entry = self.objects.get(address)
        return entry.name if entry is not None and entry.name else f"0x{address:08X}"

    @property
    def threads(self) -> list[TraceObject]:
        return [o for o in self.objects.values() if o.kind == 1]


def parse_trx(data: bytes) -> Trace:
    """Parse the bytes of a trace buffer."""
    if len(data) < 48:
        raise TrxFormatError("shorter than a trace header")
    if struct.unpack_from("<I", data)[0] == TRACE_VALID:
        order = "<"
    elif struct.unpack_from(">I", data)[0] == TRACE_VALID:
        order = ">"
    else:
        raise TrxFormatError("no TXTB trace buffer id")
    (_, mask, base, registry_start, _, name_size, registry_end, buffer_start, buffer_end,
     current, *_rest) = struct.unpack_from(order + "4IHH7I", data)
    entry_size = 16 + name_size
    objects: dict[int, TraceObject] = {}
    for offset in range(registry_start - base, registry_end - base, entry_size):
        available, kind, reserved_1, reserved_2, pointer, p1, p2 = struct.unpack_from(order + "BBBBIII", data, offset)
        if pointer == 0 or kind == 0:
            continue
        raw_name = data[offset + 16:offset + 16 + name_size].split(b"\0", 1)[0]
        priority = ((reserved_1 & 0x7F) << 8 | reserved_2) if kind == 1 and reserved_1 & 0x80 else None
        objects.setdefault(pointer, TraceObject(pointer, kind, raw_name.decode("utf-8", "replace"), p1, p2,
                                                available == 1, priority))
    slots = range(buffer_start - base, buffer_end - base, 32)
    start = (current - buffer_start) // 32
    ordered = list(slots[start:]) + list(slots[:start])
    events: list[TraceEvent] = []
    wrapped = False
    for offset in ordered:
        thread, priority, event_id, stamp, i1, i2, i3, i4 = struct.unpack_from(order + "8I", data, offset)
        if thread == 0 or event_id in (0, 0xFFFFFFFF):
            continue
        if offset == ordered[0]:
            wrapped = True   # the oldest slot is in use: the buffer has gone round
        events.append(TraceEvent(len(events), thread, priority, event_id, stamp & mask, (i1, i2, i3, i4)))
    return Trace(base, mask, objects, events, wrapped, order == "<", bytes(data))


__all__ = ["parse_trx", "Trace", "TraceEvent", "TraceObject", "TrxFormatError", "EVENT_NAMES",
           "ISR_THREAD", "INIT_THREAD", "OBJECT_TYPES"]
