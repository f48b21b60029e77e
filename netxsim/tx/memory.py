"""Simulated target RAM and C-style pointers into it.

The simulated target is a 32-bit MCU. ``tx_application_define`` receives a
:class:`Pointer` to the first unused byte; services that take memory (stacks,
pools, queues, ARP caches) claim their region here so that overlaps, which in C
would be silent corruption, are caught and named.
"""
from __future__ import annotations

import bisect
import mmap
from typing import Any

RAM_BASE = 0x2000_0000
DEFAULT_RAM_SIZE = 1 << 20
# What backs simulated RAM (SimMemory): private anonymous pages, where the platform has them.
_PRIVATE_ANONYMOUS = (mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
                      if hasattr(mmap, "MAP_PRIVATE") and hasattr(mmap, "MAP_ANONYMOUS") else 0)
# Kinds of region whose memory is handed out again to other objects.
CONTAINER_KINDS = frozenset({"byte pool", "block pool"})


class MemoryRegionError(Exception):
    """A region overlaps another owner's region or lies outside simulated RAM."""


class Pointer:
    """A C pointer into simulated RAM: supports ``+ n``, ``- n``, ``p - q`` and ``==``."""

    __slots__ = ("memory", "address")

    def __init__(self, memory: "SimMemory", address: int) -> None:
        self.memory = memory
        self.address = address

    def __add__(self, offset: int) -> "Pointer":
        return Pointer(self.memory, self.address + int(offset))

    __radd__ = __add__

    def __sub__(self, other: "int | Pointer") -> "Any":
        if isinstance(other, Pointer):
            return self.address - other.address
        return Pointer(self.memory, self.address - int(other))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Pointer):
            return self.memory is other.memory and self.address == other.address
        return NotImplemented

    def __lt__(self, other: "Pointer") -> bool:
        return self.address < other.address

    def __le__(self, other: "Pointer") -> bool:
        return self.address <= other.address

    def __gt__(self, other: "Pointer") -> bool:
        return self.address > other.address

    def __ge__(self, other: "Pointer") -> bool:
        return self.address >= other.address

    def __hash__(self) -> int:
        return hash((id(self.memory), self.address))

    def __int__(self) -> int:
        return self.address

    __index__ = __int__

    def __repr__(self) -> str:
        return f"Pointer(0x{self.address:08X})"

    def read(self, size: int) -> bytes:
        """Read ``size`` bytes at this address (SimMemory.read, inlined)."""
        memory = self.memory
        offset = self.address - memory.base
        end = offset + size
        if offset < 0 or size < 0 or end > memory.size:
            memory._offset(self.address, size)  # raises, naming the access
        return bytes(memory.data[offset:end])

    def write(self, data: bytes) -> None:
        """Write ``data`` at this address (SimMemory.write, inlined)."""
        memory = self.memory
        offset = self.address - memory.base
        end = offset + len(data)
        if offset < 0 or end > memory.size:
            memory._offset(self.address, len(data))  # raises, naming the access
        memory.data[offset:end] = data

    def read_ulong(self) -> int:
        return int.from_bytes(self.memory.read(self.address, 4), "little")

    def write_ulong(self, value: int) -> None:
        self.memory.write(self.address, (value & 0xFFFFFFFF).to_bytes(4, "little"))


class Region:
    __slots__ = ("start", "end", "owner", "kind", "obj")

    def __init__(self, start: int, end: int, owner: str, kind: str, obj: object) -> None:
        self.start, self.end, self.owner, self.kind, self.obj = start, end, owner, kind, obj

    def __repr__(self) -> str:
        return f"{self.owner} [0x{self.start:08X}, 0x{self.end:08X})"


class SimMemory:
    """Byte-addressable RAM of a fixed size with a registry of claimed regions."""

    def __init__(self, size: int = DEFAULT_RAM_SIZE, base: int = RAM_BASE) -> None:
        self.base = base
        self.size = size
        # Anonymous private pages, zero-filled by the operating system as each is first
        # touched: a run pays for the pages it uses, not for zeroing all of its RAM up
        # front (a fresh 1 MiB bytearray is zeroed at a page fault per 4 KiB, up to
        # 0.45 ms, more than a short run's whole simulation). It reads and writes as a
        # bytearray does, except that a slice reads as bytes and must be written with as
        # many bytes as it spans (RAM cannot grow or shrink); a forked child gets a copy.
        self.data: bytearray | mmap.mmap = (
            mmap.mmap(-1, size, flags=_PRIVATE_ANONYMOUS) if size > 0 and _PRIVATE_ANONYMOUS else bytearray(size))
        self._starts: list[int] = []
        self._regions: list[Region] = []
        self._container_starts: list[int] = []
        self._containers: list[Region] = []
        # Pretend control-block addresses by base (see ControlBlockAddresses).
        self.control_blocks: dict[int, dict[int, Any]] = {}

    @property
    def first_unused(self) -> Pointer:
        return Pointer(self, self.base)

    def _offset(self, address: int, size: int) -> int:
        offset = address - self.base
        if offset < 0 or size < 0 or offset + size > self.size:
            raise MemoryRegionError(
                f"access of {size} bytes at 0x{address:08X} is outside simulated RAM "
                f"[0x{self.base:08X}, 0x{self.base + self.size:08X})")
        return offset

    # read and write are on every packet's path: the bounds check of _offset is inlined
    # (same condition, same error through _offset when it fails).
    def read(self, address: int, size: int) -> bytes:
        offset = address - self.base
        end = offset + size
        if offset < 0 or size < 0 or end > self.size:
            self._offset(address, size)
        return bytes(self.data[offset:end])

    def write(self, address: int, data: bytes) -> None:
        offset = address - self.base
        end = offset + len(data)
        if offset < 0 or end > self.size:
            self._offset(address, len(data))
        self.data[offset:end] = data

    def read_ulong(self, address: int) -> int:
        """The little-endian ULONG at ``address`` (the target is little-endian)."""
        offset = self._offset(address, 4)
        return int.from_bytes(self.data[offset:offset + 4], "little")

    def write_ulong(self, address: int, value: int) -> None:
        offset = self._offset(address, 4)
        self.data[offset:offset + 4] = (value & 0xFFFFFFFF).to_bytes(4, "little")

    def contains(self, pointer: object, size: int) -> bool:
        if not isinstance(pointer, Pointer) or pointer.memory is not self:
            return False
        return self.base <= pointer.address and pointer.address + size <= self.base + self.size

    def overlapping(self, start: int, size: int, kind: str | None = None) -> Region | None:
        """The first claimed region (of ``kind``, if given) overlapping ``[start, start+size)``."""
        clash = self._overlap_in(self._regions, self._starts, start, size, kind)
        if clash is None:
            end = start + size
            clash = next((c for c in self._containers if c.start < end and start < c.end
                          and (kind is None or c.kind == kind)), None)
        return clash

    @staticmethod
    def _overlap_in(regions: list[Region], starts: list[int], start: int, size: int,
                    kind: str | None) -> Region | None:
        # Regions of one list never overlap, so sorted by start they are sorted by end
        # too: only the last region starting at or before ``start`` and those after it
        # can touch the range.
        end = start + size
        index = max(bisect.bisect_right(starts, start) - 1, 0)
        for region in regions[index:]:
            if region.start >= end:
                break
            if region.end > start and (kind is None or region.kind == kind):
                return region
        return None

    def claim(self, pointer: Pointer, size: int, owner: str, kind: str, obj: object = None,
              container: bool | None = None) -> Region:
        """Claim ``size`` bytes at ``pointer`` for ``owner``; raise naming both owners on overlap.

        A container (a byte or block pool, by default) hands out memory that other
        objects claim again (a thread stack or a block pool allocated from a byte
        pool): a claim may lie wholly inside containers, but must not straddle an edge.
        """
        if not isinstance(pointer, Pointer) or pointer.memory is not self:
            raise MemoryRegionError(f"{owner}: {pointer!r} is not a pointer into this kernel's RAM")
        try:
            self._offset(pointer.address, size)
        except MemoryRegionError as error:
            raise MemoryRegionError(f"{owner}: {error}") from None
        if container is None:
            container = kind in CONTAINER_KINDS
        start, end = pointer.address, pointer.address + size
        clash = self._overlap_in(self._regions, self._starts, start, size, None)
        if clash is None:
            # Containers may nest (a block pool carved from a byte pool), so scan them all.
            for outer in self._containers:
                if outer.start < end and start < outer.end \
                        and not (outer.start <= start and end <= outer.end):
                    clash = outer
                    break
        if clash is not None:
            raise MemoryRegionError(f"{owner} [0x{start:08X}, 0x{end:08X}) overlaps {clash}")
        region = Region(start, end, owner, kind, obj)
        regions, starts = (self._containers, self._container_starts) if container \
            else (self._regions, self._starts)
        index = bisect.bisect_left(starts, start)
        starts.insert(index, start)
        regions.insert(index, region)
        return region

    def release(self, region: Region | None) -> None:
        """Give a region back (object deleted)."""
        if region is None:
            return
        for regions, starts in ((self._regions, self._starts), (self._containers, self._container_starts)):
            for index, candidate in enumerate(regions):
                if candidate is region:
                    del regions[index]
                    del starts[index]
                    return

    @property
    def regions(self) -> list[Region]:
        return sorted(self._regions + self._containers, key=lambda region: region.start)


def c_string(text: "str | bytes | bytearray | None") -> str:
    """A ``CHAR *`` argument (name, address, text) as a Python str (UTF-8 for bytes)."""
    if text is None:
        return ""
    return text if isinstance(text, str) else bytes(text).decode()


class ControlBlockAddresses:
    """Pretend addresses for control blocks that live in Python, not in simulated RAM.

    Pools write their control block's address into RAM (a block's owner word), and C
    finds the pool again by reading it back. Each control block gets a stable address
    per RAM, outside RAM so it never equals a real pointer, starting at ``base``. The
    table lives in the RAM itself: a module-level table keyed (even weakly) by RAM would
    keep every run alive, as its control blocks refer back to their RAM.
    """

    STRIDE = 0x40

    def __init__(self, base: int) -> None:
        self.base = base

    def assign(self, block: Any, memory: SimMemory) -> int:
        """The address of ``block`` in ``memory`` (kept across re-creation of the block)."""
        table = memory.control_blocks.setdefault(self.base, {})
        address = getattr(block, "control_block_address", 0)
        if table.get(address) is not block:
            address = self.base + self.STRIDE * len(table)
            table[address] = block
            block.control_block_address = address
        return address

    def lookup(self, memory: SimMemory, address: int) -> Any:
        """The control block at a pretend ``address``, or None."""
        return memory.control_blocks.get(self.base, {}).get(address)
