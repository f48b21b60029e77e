"""Classic libpcap capture files of the simulated Ethernet segment.

Files use the original format (magic 0xa1b2c3d4, microsecond timestamps,
version 2.4, link type 1 Ethernet, snaplen 65535), written little-endian so a
run produces the same bytes on every host. Timestamps are simulated time:
ThreadX ticks converted to seconds with integer arithmetic, so tick 150 at
100 ticks/s is exactly 1.500000 s, never 1.4999999.
"""

from __future__ import annotations

import os
import struct
from fractions import Fraction
from typing import BinaryIO, NamedTuple, TypeAlias

PCAP_MAGIC_USEC = 0xA1B2C3D4
PCAP_MAGIC_NSEC = 0xA1B23C4D
PCAP_VERSION = (2, 4)
LINKTYPE_ETHERNET = 1
DEFAULT_SNAPLEN = 65535
DEFAULT_TICKS_PER_SECOND = 100  # TX_TIMER_TICKS_PER_SECOND

_GLOBAL_HEADER = struct.Struct("<IHHiIII")
_RECORD_HEADER = struct.Struct("<IIII")

Ticks: TypeAlias = int | float | Fraction
PathOrFile: TypeAlias = str | os.PathLike[str] | BinaryIO


class PcapFormatError(ValueError):
    """A file that is not a readable classic pcap capture."""


def ticks_to_timestamp(ticks: Ticks, ticks_per_second: int = DEFAULT_TICKS_PER_SECOND) -> tuple[int, int]:
    """(seconds, microseconds) for a simulated time in ticks.

    Exact for ints and Fractions; a float is taken at its exact binary value.
    Rounds to the nearest microsecond (half to even), which only matters when
    a tick is not a whole number of microseconds.
    """
    if ticks_per_second <= 0:
        raise ValueError(f"ticks_per_second must be positive, got {ticks_per_second}")
    if ticks < 0:
        raise ValueError(f"negative timestamp: {ticks} ticks")
    if isinstance(ticks, int) and 1_000_000 % ticks_per_second == 0:
        microseconds = ticks * (1_000_000 // ticks_per_second)  # the usual case: 100 ticks/s
    else:
        microseconds = round(Fraction(ticks) * 1_000_000 / ticks_per_second)
    seconds, micros = divmod(microseconds, 1_000_000)
    if seconds >= 1 << 32:
        raise ValueError(f"timestamp {seconds} s does not fit a classic pcap record")
    return seconds, micros


class PcapWriter:
    """Writes Ethernet frames with simulated timestamps to a classic pcap file.

    ``file`` is a path (opened, owned and closed here) or a binary file object
    (flushed on close but left open for its owner).
    """

    def __init__(
        self,
        file: PathOrFile,
        *,
        ticks_per_second: int = DEFAULT_TICKS_PER_SECOND,
        snaplen: int = DEFAULT_SNAPLEN,
    ) -> None:
        if ticks_per_second <= 0:
            raise ValueError(f"ticks_per_second must be positive, got {ticks_per_second}")
        if not 0 < snaplen < 1 << 32:
            raise ValueError(f"snaplen out of range: {snaplen}")
        self.ticks_per_second = ticks_per_second
        self.snaplen = snaplen
        self.frames_written = 0
        self._owns_file = isinstance(file, (str, os.PathLike))
        self._file: BinaryIO = open(file, "wb") if isinstance(file, (str, os.PathLike)) else file
        self._closed = False
        self._file.write(
            _GLOBAL_HEADER.pack(PCAP_MAGIC_USEC, *PCAP_VERSION, 0, 0, snaplen, LINKTYPE_ETHERNET)
        )

    @property
    def closed(self) -> bool:
        return self._closed

    def write_frame(self, ticks: Ticks, frame: bytes | bytearray | memoryview) -> None:
        """Record ``frame`` seen at simulated time ``ticks``; longer than snaplen is cut."""
        if self._closed:
            raise ValueError("write_frame on a closed PcapWriter")
        seconds, micros = ticks_to_timestamp(ticks, self.ticks_per_second)
        captured = bytes(frame[: self.snaplen])
        self._file.write(_RECORD_HEADER.pack(seconds, micros, len(captured), len(frame)))
        self._file.write(captured)
        self.frames_written += 1

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._file.flush()
        if self._owns_file:
            self._file.close()

    def __enter__(self) -> PcapWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class PcapRecord(NamedTuple):
    """One captured frame; unpacks as ``(timestamp, frame)``."""

    timestamp: Fraction  # seconds, exact
    frame: bytes


def read_pcap(file: PathOrFile) -> list[PcapRecord]:
    """All records of a classic pcap file (either byte order, usec or nsec).

    Meant for tests: it reads the whole file and checks only the framing.
    """
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as handle:
            data = handle.read()
    else:
        data = file.read()
    if len(data) < _GLOBAL_HEADER.size:
        raise PcapFormatError(f"pcap global header: need {_GLOBAL_HEADER.size} bytes, got {len(data)}")
    for order in "<>":
        (magic,) = struct.unpack_from(order + "I", data)
        if magic in (PCAP_MAGIC_USEC, PCAP_MAGIC_NSEC):
            break
    else:
        raise PcapFormatError(f"not a classic pcap file (magic 0x{data[:4].hex()})")
    units = 1_000_000 if magic == PCAP_MAGIC_USEC else 1_000_000_000
    record = struct.Struct(order + "IIII")
    records: list[PcapRecord] = []
    offset = _GLOBAL_HEADER.size
    while offset < len(data):
        if offset + record.size > len(data):
            raise PcapFormatError(f"truncated record header at offset {offset}")
        seconds, fraction, caplen, _orig_len = record.unpack_from(data, offset)
        offset += record.size
        if offset + caplen > len(data):
            raise PcapFormatError(f"truncated record data at offset {offset}")
        records.append(PcapRecord(seconds + Fraction(fraction, units), data[offset : offset + caplen]))
        offset += caplen
    return records
